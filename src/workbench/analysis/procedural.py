"""Procedural talk: thanks, welcomes and introductions, agreeing turns ("That's a really good point."),
housekeeping ("Let's take a break."). It says how a meeting runs, not what it is about, so themes keep it
out of the topical clustering and show it as one clearly labelled bucket.

A segment is procedural when a procedural phrase is in it and, without that phrase, little is left: fewer
than ``max_content_words`` content words; or when it is an agreeing opener with almost nothing after it. "Yeah, and the payment came three months late" starts like an
agreeing turn but says something, so it stays topical.
"""
from __future__ import annotations

import re
from typing import Sequence

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

PROCEDURAL_LABEL = "Procedural talk (thanks, welcomes, agreeing, housekeeping)"

_PHRASES = [
    # thanks
    r"\b(?:thank(?:s| you)(?: (?:so|very) much)?(?: (?:all|everyone|for (?:having me|coming|joining(?: us)?|"
    r"listening|that|sharing(?: that)?|your time)))?|many thanks|cheers)\b",
    # welcomes, greetings, introductions
    r"\b(?:welcome(?: back)?(?: to)?(?: (?:everyone|everybody|all))?|hiya|hello|good (?:morning|afternoon|evening)"
    r"|(?:lovely|nice|great) to (?:meet|see|have) you|my name is|i'?m your host|(?:joining|with) (?:us|me) "
    r"(?:today|now|on the (?:show|podcast))|introduce (?:myself|ourselves)|go round (?:the room|and introduce))\b",
    # acknowledging a turn
    r"\b(?:(?:that'?s|that is|what) a (?:really |very )?(?:good|great|fair|important|interesting) "
    r"(?:point|question)|fair (?:point|enough)|good (?:point|question)"
    r"|(?:i )?couldn'?t agree more|well said)\b",
    # housekeeping
    r"\b(?:let'?s (?:take|have) a (?:short |quick )?break|after the break|(?:shall we|let'?s) (?:move on|start|begin"
    r"|get started|wrap up)|next item|any other business|housekeeping|fire exits?|toilets are|on mute|unmute"
    r"|in the chat|we'?re (?:recording|back)|see you (?:next time|soon)|until next time|bye)\b",
]
# Agreeing openers ("Yeah.", "Right, so...") are procedural only when almost nothing follows them.
_OPENERS = (r"^\W*(?:(?:yes|yeah|yep|mm+|hmm+|right|ok(?:ay)?|absolutely|exactly|definitely|sure|great|lovely"
            r"|brilliant|indeed|of course|agreed|true|same|me too|i (?:totally |completely )?agree|that'?s (?:so |really |very )?(?:fair|true|right|it))"
            r"\b\W*)+")
_PATTERN = re.compile("|".join(f"(?:{w})" for w in _PHRASES), re.IGNORECASE)
_OPENER = re.compile(_OPENERS, re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z-]*", re.IGNORECASE)  # "it's" gives "it" and "s"
_STOP = set(ENGLISH_STOP_WORDS) | {"yeah", "yes", "okay", "ok", "really", "just", "think", "know", "like",
                                   "mean", "sort", "kind", "lot", "bit", "guess", "actually", "say", "said", "oh",
                                   "um", "uh", "er", "erm", "ah", "today", "everyone", "everybody", "point", "don", "didn",
                                   "doesn", "isn", "wasn", "aren", "weren", "couldn", "wouldn", "shouldn", "haven",
                                   "hasn", "won", "can", "ll", "ve", "re"}


def content_words(text: str) -> int:
    """Words that are not stop words or fillers."""
    return sum(1 for w in _WORD.findall(text) if w.lower() not in _STOP and len(w) > 2)


def is_procedural(text: str, max_content_words: int = 5) -> bool:
    """Whether ``text`` is procedural talk (see the module's docstring): a procedural phrase with fewer
    than ``max_content_words`` content words besides, or an agreeing opener ("Yeah.", "That's fair.")
    with at most one content word and six words in all."""
    if _PATTERN.search(text):
        return content_words(_PATTERN.sub(" ", _OPENER.sub(" ", text))) < max_content_words
    opener = _OPENER.match(text)
    return bool(opener) and content_words(text[opener.end():]) <= 1 and len(text.split()) <= 6


def procedural_mask(texts: Sequence[str], max_content_words: int = 5) -> list[bool]:
    return [is_procedural(t, max_content_words) for t in texts]
