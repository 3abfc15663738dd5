"""Cues of a stance in a sentence: the codebook's cue phrases and token patterns (per category), plus
general cues of an obstacle ("couldn't get in", "lack of", "no one listened", "takes longer"), of help
("helped us", "made sure", "meant everyone could") and of an outcome ("led to", "grew in confidence").

A cue in the scope of a negation says the opposite for barriers and enablers ("we *didn't* have to wait",
"I *wasn't* out of pocket" speak for an enabler); a negated benefit or principle cue is kept as negated.
The Matcher runs once per spaCy doc (on the windows around its anchor words, see ``CueFinder``); a sentence
takes the cues inside it.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from .families import compile_pattern

STANCES = ("barrier", "enabler", "benefit")
FLIPS = {"barrier": "enabler", "enabler": "barrier"}
_THINGS_THAT_SHOULD_HAPPEN = ("listen|explain|ask|tell|thank|pay|reply|respond|answer|involve|consult|"
                              "include|show|train|prepare|support|help|credit|acknowledge|mention|follow|"
                              "bother|care|invite|warn|notice")
_BURDENS = "wait|chase|borrow|beg|fight|justify|push|remind|repeat|argue|prove|struggle"
_GOODS = ("say|voice|vote|choice|control|power|time|money|budget|funding|support|training|help|lift|access|"
          "parking|interpreter|loop|ramp|notice|chance|feedback|answer|reply|response|payment|explanation|"
          "warning|backup|induction|preparation|idea|way|one|minutes|record|transport|childcare|cover")
# General cues of each stance, in the codebook's pattern notation (see data/codebook.yml).
GENERIC: dict[str, list[list]] = {
    "barrier": [
        [["ca", "can", "could"], "lemma:not", "pos:ADV?", "pos:VERB|AUX"],
        ["lemma:be", "lemma:not", ["able", "allowed", "welcome", "invited", "asked", "told", "consulted"]],
        [["unable", "impossible", "hard", "difficult", "harder"], "to"],
        ["lemma:not", "lemma:know", "how"],
        ["lemma:lack", "of?"], ["lemma:lacking"],
        [["nobody", "nothing"], "pos:ADV?", f"lemma:{_THINGS_THAT_SHOULD_HAPPEN}"],
        [["no", "not"], "one", "pos:ADV?", f"lemma:{_THINGS_THAT_SHOULD_HAPPEN}"],
        ["never", f"lemma:{_THINGS_THAT_SHOULD_HAPPEN}|do|hear|come|get|happen|change"],
        ["lemma:not", "lemma:listen|explain|ask|pay|involve|afford|trust|believe|understand|count"],
        ["no", f"lemma:{_GOODS}"], ["without", ["us", "me", "them", "asking", "consulting", "support",
                                                "explanation", "warning", "notice", "help", "telling"]],
        ["lemma:not", "enough"], ["too", ["late", "long", "much", "many", "busy", "complicated", "far",
                                         "expensive", "little", "few", "risky"]],
        ["lemma:take", ["longer", "ages", "forever", "months", "weeks", "years"]],
        ["lemma:wait", "for"], ["still", "lemma:wait"], ["hard", "work"],
        ["lemma:creep|slip|fall|drift|pull|slide", "pos:PRON?", "back"],
        ["lemma:run", "out"], ["lemma:rule|shut|leave|lock|price|put", "pos:PRON|NOUN|PROPN?", ["out", "off"]],
        ["lemma:let", "pos:PRON?", "down"],
        ["lemma:overrule|ignore|dismiss|exclude|sideline|patronise|rush|squeeze|reject|stretch"],
        ["lemma:stop|prevent|deter|discourage|keep", "pos:PRON|NOUN|PROPN", "from"],
        ["lemma:stop|prevent|deter|discourage", "pos:PRON|NOUN|PROPN", "tag:VBG"],
        ["lemma:have", "to", f"lemma:{_BURDENS}"],
        [["scared", "afraid", "frightened", "worried", "nervous", "anxious", "intimidated", "intimidating",
          "overwhelming", "overwhelmed", "frustrated", "frustrating", "insulting", "humiliating", "embarrassed",
          "daunting", "patronising", "patronizing", "exhausting", "unfair", "pointless", "suspicion",
          "suspicious", "tokenistic", "confusing", "confused", "terrified", "awkward", "invisible"]],
        [["for"], ["free", "nothing"]], [["as"], ["usual"]],
        ["lemma:barrier|obstacle|hurdle", "to"], [["biggest", "main", "real", "honest", "another", "big"],
                                                 "lemma:barrier|obstacle|problem|hurdle|challenge|worry"],
        ["nothing", "lemma:move|change|happen"],
        ["lemma:get", "in", "the", "way"], ["lemma:mean", "nothing"], ["lemma:drop", "out"],
        [["only", "just"], "lemma:be", "pos:DET", "lemma:token|formality|afterthought"],
    ],
    "enabler": [
        [["help", "helps", "helped", "helping"], "pos:PRON|NOUN|PROPN?", "pos:ADV?", "pos:VERB?"],
        [["help", "helps", "helped", "helping"], ["a", "so"], ["lot", "much"]],
        ["lemma:make", "all?", "pos:DET?", "pos:ADJ?", "lemma:difference"],
        ["lemma:make", "sure"], ["lemma:make", "pos:PRON", ["feel", "welcome", "comfortable"]],
        ["lemma:mean", "that?", "pos:PRON|NOUN|PROPN", ["could", "can", "felt"]],
        ["so", "that?", "pos:PRON|NOUN|PROPN", ["could", "can"]],
        ["lemma:work", ["well", "brilliantly", "better"]], ["it", "lemma:work"],
        ["lemma:feel", ["valued", "heard", "welcome", "welcomed", "respected", "included", "confident",
                        "comfortable", "safe", "relaxed", "reassured", "equal", "listened"]],
        [["listened", "heard"], "to?"], ["lemma:take", "pos:PRON", "seriously"],
        ["lemma:pay|treat|involve|fund|resource|listen", "pos:PRON?", ["properly", "fairly", "promptly",
                                                                       "equally", "upfront"]],
        ["in", ["advance", "good"], "time?"], [["a", "the"], ["week", "day", "fortnight"], "ahead"],
        ["because", "of", ["us", "them", "people", "you"]],
        ["lemma:take", "pos:DET", "lemma:worry|pressure|stress", ["away", "off"]],
        ["lemma:be", "able", "to"], ["lemma:be", "allowed", "to"],
        ["lemma:build|earn|gain|rebuild|grow", "*{0,2}", "lemma:trust|confidence|relationship"],
        ["lemma:come|get|write|report", "back", "to", "pos:PRON"],
        ["lemma:change", "pos:DET", "lemma:tone|culture|atmosphere"],
        ["lemma:have", "pos:DET|PRON?", "pos:ADJ?", "lemma:say|vote|voice|seat"],
        ["equal", "lemma:vote|say|voice|partner"],
        [["no", "never", "not"], "lemma:need", "to"],
        [["key", "secret", "trick"], "lemma:be|to"], [["top", "my", "one", "best"], "lemma:tip"],
        ["what", "lemma:help|work"], ["lemma:thank", "to"], ["from", "the", "start"],
        ["lemma:cover|reimburse", "pos:DET|PRON?", "pos:ADJ?", "lemma:cost|expense|fare|travel|childcare"],
    ],
    "benefit": [
        ["lemma:lead|contribute", "to"], ["lemma:result", "in"], ["as", "a", "result"],
        ["lemma:grow|gain|build", "*{0,2}", "lemma:confidence|skill"],
        [["more", "less", "fewer"], ["confident", "relevant", "accessible", "complaints", "people", "useful"]],
        ["lemma:improve|transform|change|shape|reshape|redesign"],
        [["better", "improved", "fairer", "safer", "clearer", "shorter"], "pos:NOUN"],
        ["now", "pos:PRON|NOUN|PROPN?", "lemma:be|have|use|work|teach|run|sit|come|get|feel|know|do"],
        ["lemma:go", "on", "to"], ["lemma:get", "pos:DET", "lemma:job"],
        ["lemma:understand|know|trust|respect", "each", "other"],
        ["lemma:feel", ["valued", "proud", "confident", "useful"]],
        ["it", "lemma:give", "pos:PRON"], ["lemma:change", "how"], ["lemma:make", "pos:PRON", "more"],
        ["lemma:outcome|impact|benefit"],
    ],
}
NEGATION = {"not", "n't", "n’t", "never", "no", "nobody", "nothing", "none", "nor", "without", "cannot",
            "neither", "noone"}
_CLAUSES = ("ROOT", "ccomp", "advcl", "relcl", "conj", "acl", "parataxis")  # a negation stops at these


@dataclass
class Cue:
    """One cue found in a unit: its label (a category or ``__generic__``), the stance it speaks for after
    negation, the words, and where (token indices in the doc)."""

    label: str
    kind: str
    text: str
    negated: bool
    start: int
    end: int
    generic: bool = False


def negated(doc, start: int, end: int) -> bool:
    """Whether the words doc[start:end] are in the scope of a negation they do not carry themselves:
    "no"/"not"/"without" just before them, or a "not"/"never"/"nobody" on the words that govern them
    within their clause ("I *wasn't* out of pocket", "we *didn't* have to wait for our expenses")."""
    span = doc[start:end]
    if any(t.lower_ in NEGATION or t.dep_ == "neg" for t in span):
        return False
    sent_start = span.sent.start if doc.has_annotation("SENT_START") else 0
    if any(t.lower_ in NEGATION for t in doc[max(sent_start, start - 2):start]):
        return True
    if not doc.has_annotation("DEP"):
        return False
    token = span.root
    for _ in range(5):
        for child in token.children:
            if start <= child.i < end:
                continue
            if child.dep_ == "neg" or child.lower_ == "never":
                return True
            if child.dep_ in ("nsubj", "nsubjpass", "det") and \
                    child.lower_ in ("nobody", "nothing", "no", "none"):
                return True
        if token.head is token or (token.pos_ in ("VERB", "AUX") and token.dep_ in _CLAUSES):
            break
        token = token.head
    return False


def _no_negated_gaps(pattern: list[dict]) -> list[dict]:
    """A Matcher pattern whose gaps ("*{0,3}") do not step over a negation: "have had *no* training"
    is not the enabler pattern "have ... training"."""
    out = []
    for token in pattern:
        if "OP" in token and set(token) <= {"OP", "TEXT"}:
            token = {**token, "LOWER": {"NOT_IN": sorted(NEGATION)}}
        out.append(token)
    return out


def _first_in_expanded(patterns: list[list[dict]]) -> list[list[dict]]:
    """The same matches, faster: a pattern whose first token is one of a list ({"LEMMA": {"IN": [...]}})
    becomes one pattern per word. spaCy tests a first token against every token of every doc, and an
    "IN" test runs in Python while an equality test does not (on 1M words: about half the Matcher's time)."""
    out = []
    for pattern in patterns:
        first = pattern[0] if pattern else {}
        listed = [k for k, v in first.items() if isinstance(v, dict) and set(v) == {"IN"}]
        if "OP" in first or len(listed) != 1:
            out.append(pattern)
            continue
        key = listed[0]
        for value in dict.fromkeys(first[key]["IN"]):
            out.append([{**first, key: value}, *pattern[1:]])
    return out


def _longest_run(flags: np.ndarray) -> int:
    """The length of the longest run of True in a 1-d boolean array."""
    if not flags.any():
        return 0
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.astype(np.int8), [0]))))
    return int((edges[1::2] - edges[::2]).max())


def _any_within(where_word: dict[int, list[int]], words: list[int], lo: int, hi: int) -> bool:
    """Whether one of ``words`` (ids) is at a place in [lo, hi) (``where_word``: word id -> sorted places)."""
    for w in words:
        places = where_word.get(w)
        if places:
            k = bisect_left(places, lo)
            if k < len(places) and places[k] < hi:
                return True
    return False


def distinct(cues: list[Cue]) -> list[Cue]:
    """Cues that do not overlap an earlier, longer one (the Matcher reports "helped", "helped me" and
    "helped me understand" for the same words)."""
    kept: list[Cue] = []
    for cue in sorted(cues, key=lambda c: (c.start, -(c.end - c.start))):
        if not any(k.start < cue.end and cue.start < k.end for k in kept):
            kept.append(cue)
    return kept


# Token attributes a pattern token's word test can be looked up by (a plain value or {"IN": [...]}).
_WORD_ATTRS = ("LOWER", "LEMMA", "NORM", "ORTH", "TEXT")
_WHOLE_DOC = 10 ** 9  # the reach of a token that can take any number of tokens (other than punctuation)


def _reach(token: dict) -> tuple[int, int]:
    """How many doc tokens one pattern token can take: (a fixed count, a number of punctuation runs). A "*"
    or "+" over punctuation takes at most the longest run of punctuation in the doc; any other unbounded
    token is counted as the whole doc."""
    op = token.get("OP")
    if op in ("*", "+"):
        return (0, 1) if set(token) == {"IS_PUNCT", "OP"} and token["IS_PUNCT"] is True else (_WHOLE_DOC, 0)
    if op and op.startswith("{"):
        return int(op.strip("{}").split(",")[-1] or _WHOLE_DOC), 0
    return 1, 0


def _word_test(token: dict) -> tuple[str, list[str]] | None:
    """The word test of a required pattern token, (attribute, words): every match has one of the words
    there. None for an optional token or one that tests no word (a part of speech, punctuation)."""
    if "OP" in token:
        return None
    for attr in _WORD_ATTRS:
        value = token.get(attr)
        values = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) else None
        if values and all(isinstance(v, str) for v in values):
            return ("ORTH" if attr == "TEXT" else attr), list(values)
    return None


class CueFinder:
    """The cues of every stance in spaCy spans, for one codebook: ``find(span)``. Category cues come from
    the codebook's categories (codes with a parent) of kind barrier, enabler and benefit; principle cues
    ("with, not for") are found too, as label ``__principle__``.

    Speed: the Matcher's time grows with tokens x patterns, and most tokens start no match. So a Matcher of
    only the patterns that can match runs only on windows of a doc around the words a match must contain
    (``windows``: each pattern's rarest required word, its *anchor*; each window as long as a match
    through that word can be; windows that touch merged). A match lies inside one window, windows are
    apart, and a Matcher of fewer patterns keeps its matches in the same relative order, so the matches and
    their order are those of the full Matcher over the whole doc (kept as the oracle in
    ``tests/analysis/cue_oracle.py``). On a 100k-word corpus about a tenth of the tokens are in a window."""

    def __init__(self, codebook, vocab):
        from spacy.matcher import Matcher

        self.codebook = codebook
        self.kind_of: dict[str, str] = {}
        self.matcher = Matcher(vocab)
        self.vocab = vocab
        added: list[tuple[str, list[dict]]] = []  # (label, pattern) in the Matcher's order
        patterns = codebook.matcher_patterns()
        for kind in (*STANCES, "principle"):
            for code in codebook.of_kind(kind):
                if code.parent and patterns.get(code.name):
                    self.kind_of[code.name] = kind
                    expanded = _first_in_expanded([_no_negated_gaps(p) for p in patterns[code.name]])
                    self.matcher.add(code.name, expanded)
                    added += [(code.name, p) for p in expanded]
        for kind in STANCES:
            expanded = _first_in_expanded([_no_negated_gaps(compile_pattern(p, f"generic {kind}"))
                                           for p in GENERIC[kind]])
            self.matcher.add(f"__generic_{kind}__", expanded)
            added += [(f"__generic_{kind}__", p) for p in expanded]
        self._index(added)
        self._found: dict[int, tuple[object, list[Cue]]] = {}

    def _index(self, patterns: list[tuple[str, list[dict]]]) -> None:
        """Index the patterns by the words their required tokens test. Each such token (a *word token*) has
        its pattern (``_owner``) and its reach before and after (``_reach``: fixed before, punctuation runs
        before, fixed after, runs after); each word (attribute, string id) an id; ``_pairs_token`` and
        ``_pairs_word`` list which word token tests which word."""
        ids: dict[tuple[str, int], int] = {}
        owner, reach, pairs_token, pairs_word = [], [], [], []
        self._patterns = patterns
        self._matchers: dict[tuple[int, ...], object] = {}  # a Matcher for some of the patterns
        self._anywhere = False  # a pattern without a word token: the Matcher runs on whole docs
        for p, (_, pattern) in enumerate(patterns):
            tests = [_word_test(token) for token in pattern]
            if not any(tests):
                self._anywhere = True
            for i, test in enumerate(tests):
                if test is None:
                    continue
                before = [_reach(t) for t in pattern[:i]]
                after = [_reach(t) for t in pattern[i + 1:]]
                reach.append((sum(f for f, _ in before), sum(r for _, r in before),
                              sum(f for f, _ in after), sum(r for _, r in after)))
                for value in test[1]:
                    pairs_token.append(len(owner))
                    pairs_word.append(ids.setdefault((test[0], self.vocab.strings.add(value)), len(ids)))
                owner.append(p)
        self._attrs = sorted({attr for attr, _ in ids})
        self._keys = {}  # attribute -> (sorted string ids, their word ids)
        for attr in self._attrs:
            pairs = sorted((key, w) for (a, key), w in ids.items() if a == attr)
            self._keys[attr] = (np.array([k for k, _ in pairs], dtype=np.uint64),
                                np.array([w for _, w in pairs], dtype=np.int64))
        self._n_words = len(ids)
        self._owner = np.array(owner, dtype=np.int64)
        self._reach = np.array(reach, dtype=np.int64).reshape(-1, 4)
        self._pairs_token = np.array(pairs_token, dtype=np.int64)
        self._pairs_word = np.array(pairs_word, dtype=np.int64)
        self._words_of = [[] for _ in owner]  # word token -> its word ids
        for t, w in zip(pairs_token, pairs_word):
            self._words_of[t].append(w)
        self._tokens_of = [[] for _ in patterns]  # pattern -> its word tokens
        for t, p in enumerate(owner):
            self._tokens_of[p].append(t)
        self._need = np.bincount(self._owner, minlength=len(patterns))  # word tokens per pattern

    def windows(self, doc) -> list[tuple[int, int, tuple[int, ...]]]:
        """Token ranges [start, end) of ``doc`` that hold every match, in order, none touching another, each
        with the patterns (indices in the Matcher's order) that can match in it (None: all).

        A pattern can match only when each of its word tokens has one of its words in the doc; a match then
        contains the pattern's rarest word token in this doc (its *anchor*), so it lies within the anchor's
        reach before and after of a place where one of the anchor's words is, and each of the pattern's
        other word tokens has one of its words within that reach too."""
        from spacy.attrs import IDS, IS_PUNCT

        n = len(doc)
        if self._anywhere or not n:
            return [(0, n, None)] if n else []
        columns = doc.to_array([IDS[a] for a in self._attrs] + [IS_PUNCT]).reshape(n, -1).astype(np.uint64)
        places, words = [], []
        for j, attr in enumerate(self._attrs):
            keys, word_ids = self._keys[attr]
            where = np.minimum(np.searchsorted(keys, columns[:, j]), len(keys) - 1)
            hit = np.flatnonzero(keys[where] == columns[:, j])
            places.append(hit)
            words.append(word_ids[where[hit]])
        places, words = np.concatenate(places), np.concatenate(words)
        if not places.size:
            return []
        count = np.bincount(words, minlength=self._n_words)
        hits = np.bincount(self._pairs_token, weights=count[self._pairs_word], minlength=len(self._owner))
        possible = np.bincount(self._owner[hits > 0], minlength=len(self._need)) >= self._need
        candidates = np.flatnonzero(possible[self._owner])  # word tokens of the patterns that can match
        if not candidates.size:
            return []
        ranked = candidates[np.lexsort((hits[candidates], self._owner[candidates]))]
        first = np.ones(ranked.size, dtype=bool)
        first[1:] = self._owner[ranked[1:]] != self._owner[ranked[:-1]]
        run = _longest_run(columns[:, -1].astype(bool))
        order = np.argsort(words, kind="stable")
        bounds = np.searchsorted(words[order], np.arange(self._n_words + 1))
        where_word = {w: places[order[bounds[w]:bounds[w + 1]]].tolist() for w in np.unique(words).tolist()}
        spans = []
        for t in ranked[first].tolist():  # the anchor of each pattern that can match
            p = int(self._owner[t])
            fixed_before, runs_before, fixed_after, runs_after = self._reach[t].tolist()
            others = [self._words_of[u] for u in self._tokens_of[p] if u != t]
            for w in self._words_of[t]:
                for i in where_word.get(w, ()):
                    lo = max(0, i - fixed_before - runs_before * run)
                    hi = min(n, i + 1 + fixed_after + runs_after * run)
                    if all(_any_within(where_word, ws, lo, hi) for ws in others):
                        spans.append((lo, hi, p))
        out: list[list] = []
        for lo, hi, p in sorted(spans):
            if out and lo <= out[-1][1]:
                out[-1][1] = max(out[-1][1], hi)
                out[-1][2].add(p)
            else:
                out.append([lo, hi, {p}])
        return [(lo, hi, tuple(sorted(ps))) for lo, hi, ps in out]

    def _matcher_for(self, patterns: tuple[int, ...] | None):
        """A Matcher with only these patterns, added in the full Matcher's order: it finds their matches
        in the order the full Matcher gives them (spaCy keeps its partial matches in the order they
        started, then pattern order, and drops or appends, never reorders). Kept for reuse."""
        from spacy.matcher import Matcher

        if patterns is None:
            return self.matcher
        if patterns not in self._matchers:
            if len(self._matchers) >= 4096:
                self._matchers.clear()
            matcher = Matcher(self.vocab)
            for p in patterns:
                label, pattern = self._patterns[p]
                matcher.add(label, [pattern])
            self._matchers[patterns] = matcher
        return self._matchers[patterns]

    def _window_matches(self, span, patterns: tuple[int, ...] | None) -> list[tuple[int, int, int]]:
        """The Matcher's matches in one window. With several patterns that can match, each pattern is run
        alone first (one small Matcher per pattern, kept); when more than one of them matches, those run
        together, so their matches come in the full Matcher's order."""
        if patterns is None or len(patterns) == 1:
            return self._matcher_for(patterns)(span)
        alone = {p: self._matcher_for((p,))(span) for p in patterns}
        matched = tuple(p for p in patterns if alone[p])
        return alone[matched[0]] if len(matched) == 1 else self._matcher_for(matched)(span) if matched else []

    def matches(self, doc) -> list[tuple[int, int, int]]:
        """The Matcher's (match_id, start, end) over ``doc``, window by window."""
        found = []
        for lo, hi, patterns in self.windows(doc):
            found += [(m, lo + s, lo + e) for m, s, e in self._window_matches(doc[lo:hi], patterns)]
        return found

    def _doc_cues(self, doc) -> list[Cue]:
        if id(doc) not in self._found:
            cues = []
            for match_id, start, end in self.matches(doc):
                label = self.vocab.strings[match_id]
                generic = label.startswith("__generic_")
                kind = label[len("__generic_"):-2] if generic else self.kind_of[label]
                is_negated = negated(doc, start, end)
                if is_negated and kind in FLIPS:
                    kind = FLIPS[kind]
                name = "__generic__" if generic else ("__principle__" if kind == "principle" else label)
                cues.append(Cue(name, kind, doc[start:end].text, is_negated, start, end, generic))
            self._found[id(doc)] = (doc, cues)  # the doc is kept so that its id is not reused
        return self._found[id(doc)][1]

    def find(self, span) -> list[Cue]:
        """The cues inside ``span`` (a spaCy Span or Doc); where cues of different stances overlap, a
        category cue beats a general one and a longer one beats a shorter one."""
        doc = span.doc if hasattr(span, "doc") else span
        lo, hi = (span.start, span.end) if hasattr(span, "doc") else (0, len(doc))
        cues = [c for c in self._doc_cues(doc) if c.start >= lo and c.end <= hi]
        keep = []
        for cue in cues:
            beaten = any(o.kind != cue.kind and o.start < cue.end and cue.start < o.end and
                         ((cue.generic and not o.generic) or
                          (cue.generic == o.generic and o.end - o.start > cue.end - cue.start))
                         for o in cues)
            if not beaten:
                keep.append(cue)
        return keep
