"""How a sentence is framed, whatever it is about: a definition or principle ("co-production means...",
"it is more than consultation"), a negated claim ("this isn't a tick-box exercise", "it is not a quick
fix"), a question, a recommendation or tip ("pay people on the day", "you should..."), a hypothetical
("if they had paid..."), a bare noun phrase ("Mixed messages."). These frames decide whether words about a
barrier make the sentence a barrier: a definition or a negated claim does not.

``framing(span)`` gives named 0/1 (or small count) features for the stance model and ``frames(features)``
the names of the frames that fired, for the evidence column.
"""
from __future__ import annotations

import re

_TOPIC = r"(?:co-?production|co-?design|co-?producing|co-?designing|involvement|participation|engagement|" \
         r"partnership working|real involvement|lived experience|patient and public involvement|ppi)"
DEFINITION = re.compile(
    rf"\b{_TOPIC}\s+(?:is|was|'s|’s|isn't|isn’t|is not|wasn't|wasn’t|was not|means|meant|should be|has to be|"
    rf"must be|can't be|cannot be|isn't about|is about|is all about|is more than|is when|is where)\b"
    r"|\b(?:it|this|that|what we do|the point)(?:'s|’s| is| isn't| isn’t| is not| was| wasn't| wasn’t)\s+"
    r"(?:not\s+|never\s+|just\s+|simply\s+|really\s+|all\s+)?(?:about|more than|less about|not about)\b"
    r"|\b(?:stands for|refers to|is defined as|we define|by (?:co-?production|involvement|co-?design) we mean)\b"
    r"|\b(?:is|are|'s|’s) (?:much |far |so much )?more than\b"
    r"|\bnot (?:just |only |simply )?(?:about|a matter of)\b"
    r"|\bnothing about (?:us|me) without (?:us|me)\b"
    r"|\bwith(?:,)? not (?:for|to|on)\b|\bnot (?:for|to|on) (?:us|people|them)\b",
    re.IGNORECASE)
_NEGATED_BARRIER_WORDS = (r"(?:a |an |just |simply |only |some |about )?(?:tick[- ]?box(?:ing)?|box[- ]ticking|quick fix|"
                          r"token(?:istic)?|failure|favour|favor|extra|add[- ]on|luxury|nice[- ]to[- ]have|"
                          r"one[- ]off|formality|exercise|problem|barrier|burden|charity|box to tick|rubber[- ]stamp)")
NEGATED_CLAIM = re.compile(
    rf"\b(?:is|was|are|were|be|being|'s|’s|'re|’re)(?:n't|n’t| not| never)\s+(?:\w+\s+){{0,2}}?{_NEGATED_BARRIER_WORDS}\b"
    rf"|\b(?:isn't|isn’t|wasn't|wasn’t|aren't|aren’t|weren't|weren’t|not|never|no longer)\s+(?:\w+\s+){{0,2}}?"
    rf"{_NEGATED_BARRIER_WORDS}\b",
    re.IGNORECASE)
QUESTION = re.compile(r"\?[\"'”’)\]]*\s*$")
HYPOTHETICAL = re.compile(r"^\W*(?:if|imagine|what if|suppose|unless)\b|\bif (?:we|they|you|i|the|people|someone|"
                          r"staff|there)\b.*\b(?:would|could|might|'d|’d)\b|\b(?:would|could) have\b", re.IGNORECASE)
RECOMMEND = re.compile(r"\b(?:should|must|ought to|need to|needs to|have got to|it's worth|it is worth|make sure|"
                       r"remember to|try to|don't forget|do not forget|the key is|the trick is|my advice|"
                       r"top tip|tip:|lesson:|be honest|be clear)\b", re.IGNORECASE)
CONTRAST = re.compile(r"\b(?:but|however|although|though|yet|still)\b", re.IGNORECASE)
OUTCOME = re.compile(r"\b(?:now|since then|as a result|because of (?:that|this|it|the group|them|us)|"
                     r"ever since|these days|this year|last year|in the end)\b", re.IGNORECASE)
THANKS = re.compile(r"^\W*(?:thank|thanks|cheers|welcome|hello|hi|good (?:morning|afternoon)|okay|ok|yeah|yes|"
                    r"right|great|lovely|brilliant|absolutely|exactly|that's (?:a )?(?:really |very )?(?:good|great|"
                    r"fair|interesting) point)\b", re.IGNORECASE)
FIRST_PERSON = {"i", "we", "me", "us", "my", "our"}

FEATURES = ("definition", "negated_claim", "question", "hypothetical", "recommend", "imperative", "contrast",
            "outcome_marker", "pleasantry", "negations", "first_person", "past", "modal_would", "no_verb",
            "short", "words_log")


def _imperative(span, tokens: list | None = None) -> bool:
    """A sentence that starts with a verb in its base form and has no subject: a tip ("Pay people on the
    day.", "Don't schedule meetings at 9am."). ``tokens``: the span's tokens, when the caller has them."""
    tokens = list(span) if tokens is None else tokens
    content = [t for t in tokens if not (t.is_punct or t.is_space or t.like_num)]
    if not content:
        return False
    first = content[0]
    if first.lower_ in ("do", "don't", "never", "always", "just", "please") and len(content) > 1:
        first = content[1] if content[1].lower_ not in ("n't", "not") else (content[2] if len(content) > 2 else first)
    if first.tag_ != "VB" and not (first.i == span.start and first.lower_ in ("ask", "pay", "give", "send", "book",
                                                                             "offer", "budget", "plan", "check",
                                                                             "explain", "start", "involve",
                                                                             "build", "share", "keep", "treat")):
        return False
    heads = (first.i, first.head.i)
    return not any(t.dep_ in ("nsubj", "nsubjpass", "expl") for t in tokens if t.head.i in heads)


def framing(span) -> dict[str, float]:
    """The framing features of a spaCy span (a sentence)."""
    import math

    text = span.text.strip()
    tokens = list(span)
    words = [t for t in tokens if not (t.is_punct or t.is_space)]
    lowers = [t.lower_ for t in words]
    verbs = [t for t in words if t.pos_ in ("VERB", "AUX")]
    return {
        "definition": float(bool(DEFINITION.search(text))),
        "negated_claim": float(bool(NEGATED_CLAIM.search(text))),
        "question": float(bool(QUESTION.search(text))),
        "hypothetical": float(bool(HYPOTHETICAL.search(text))),
        "recommend": float(bool(RECOMMEND.search(text))),
        "imperative": float(_imperative(span, tokens)),
        "contrast": float(bool(CONTRAST.search(text))),
        "outcome_marker": float(bool(OUTCOME.search(text))),
        "pleasantry": float(bool(THANKS.search(text)) and len(words) <= 8),
        "negations": float(min(2, sum(1 for t, w in zip(words, lowers)
                                      if w in ("no", "never", "nobody", "nothing") or t.dep_ == "neg"))),
        "first_person": float(any(w in FIRST_PERSON for w in lowers)),
        "past": float(any(t.tag_ in ("VBD", "VBN") for t in verbs)),
        "modal_would": float(any(w in ("would", "could", "'d", "’d", "might") for w in lowers)),
        "no_verb": float(not verbs),
        "short": float(len(words) <= 6),
        "words_log": round(math.log1p(len(words)) / 4.0, 4),
    }


def frames(features: dict[str, float]) -> list[str]:
    """The frames that fired, in words, for the evidence column."""
    names = {"definition": "a definition or principle", "negated_claim": "a negated claim",
             "question": "a question", "hypothetical": "a hypothetical", "recommend": "a recommendation",
             "imperative": "a tip (imperative)"}
    return [label for key, label in names.items() if features.get(key)]
