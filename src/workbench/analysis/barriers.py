"""Barriers and enablers: sentences (or segments) that state one, with a category, a score and the
evidence that fired. Three kinds of evidence are combined:

- structure: a list item under a heading such as "Barriers", "What gets in the way" (or, for enablers,
  "What helped"); a list item under the opposite kind of heading counts against;
- cues: the codebook's cue phrases and token patterns (spaCy Matcher), plus general cues of an obstacle
  ("couldn't get in", "lack of", "no one listened", "takes longer") or of help ("helped us", "made
  sure", "meant everyone could"). A cue in the scope of a negation says the opposite ("we *didn't*
  have to wait", "I *wasn't* out of pocket" are enablers);
- meaning: cosine similarity of the sentence to its nearest examples of each category (the codebook's
  description and examples plus the exemplar sentences below), compared with the nearest examples of
  the opposite kind and of plain, neutral talk.

score = structure + cues + similarity bonus - opposite evidence, capped to [0, 1]; a hit needs
``threshold``. The category is the one with the strongest own evidence (its cues, then similarity).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..corpus.model import SECTION_SEPARATOR
from ..embed import EmbeddingCache, make_embedder
from .base import Analysis
from .families import compile_pattern

COLUMNS = ["doc_id", "seg_id", "start_char", "end_char", "speaker", "category", "score", "evidence", "text"]
KINDS = ("barrier", "enabler")
HEADINGS = {
    "barrier": re.compile(r"\b(barriers?|challenges?|obstacles?|difficult(y|ies)|problems?|gets? in the way|"
                          r"got in the way|stands? in the way|what went wrong|what didn.?t work|frustrations?)\b",
                          re.I),
    "enabler": re.compile(r"\b(enablers?|what helped|what helps|what works|what worked|when it worked|"
                          r"made a difference|helped|tips|lessons|good practice|what good looks like)\b", re.I),
}
# General cues that something is in the way (or helped), without saying which category it is. Written in
# the codebook's pattern notation (see data/codebook.yml).
_THINGS_THAT_SHOULD_HAPPEN = ("listen|explain|ask|tell|thank|pay|reply|respond|answer|involve|consult|"
                              "include|show|train|prepare|support|help|credit|acknowledge|mention|follow|"
                              "bother|care|invite|warn|notice")
_BURDENS = "wait|chase|borrow|beg|fight|justify|push|remind|repeat|argue|prove|struggle"
_GOODS = ("say|voice|vote|choice|control|power|time|money|budget|funding|support|training|help|lift|access|"
          "parking|interpreter|loop|ramp|notice|chance|feedback|answer|reply|response|payment|explanation|"
          "warning|backup|induction|preparation|idea|way|one|minutes|record|transport|childcare|cover")
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
          "suspicious", "tokenistic"]],
        [["for"], ["free", "nothing"]], [["as"], ["usual"]],
        ["lemma:barrier|obstacle|hurdle", "to"], [["biggest", "main", "real", "honest", "another", "big"],
                                                 "lemma:barrier|obstacle|problem|hurdle"],
        ["nothing", "lemma:move|change|happen"],
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
    ],
}
NEGATION = {"not", "n't", "n’t", "never", "no", "nobody", "nothing", "none", "nor", "without", "cannot",
            "neither", "noone"}
# Example sentences per category and plain talk that is neither kind: data/barrier_examples.yml.
EXAMPLES_FILE = Path(__file__).resolve().parent.parent / "data" / "barrier_examples.yml"


def _examples() -> dict:
    import yaml

    return yaml.safe_load(EXAMPLES_FILE.read_text(encoding="utf-8"))


_EXAMPLES = _examples()
EXEMPLARS: dict[str, list[str]] = _EXAMPLES["exemplars"]
NEUTRAL: list[str] = _EXAMPLES["neutral"]
# Weights of the evidence (a hit needs ``threshold``, 0.5 by default), set on tests/data/barrier_labels.csv
# and tests/data/barrier_labels_heldout.csv together (see tests/analysis/test_barriers.py).
W_STRUCTURE = 0.5  # a list item under a heading of this kind (minus, under the opposite kind)
W_CATEGORY_CUE = (0.45, 0.15)  # the first and a second distinct cue of this kind's categories
W_GENERIC_CUE = (0.3, 0.2)  # the first and the second general cue of this kind
W_OPPOSITE = (0.4, 0.15)  # minus: a category cue / a general cue of the opposite kind, with none of this kind
MAX_BONUS = 0.6  # similarity bonus: (similarity - min_similarity) * BONUS_SLOPE, at most MAX_BONUS
BONUS_SLOPE = 4.0
NEUTRAL_TOLERANCE = 0.1  # the bonus counts unless plain talk is this much nearer than this kind's examples
OPPOSITE_TOLERANCE = 0.05  # ... or the opposite kind's examples are this much nearer


@dataclass
class Unit:
    """A sentence or segment to judge, with where it is."""

    doc_id: str
    seg_id: str
    start_char: int
    end_char: int
    speaker: str | None
    text: str
    span: object  # spaCy Span or Doc
    structure: str = ""  # the heading when it is a list item under a barrier/enabler heading
    structure_kind: str = ""  # "barrier" or "enabler": which kind of heading


@dataclass
class Cue:
    """One cue found in a unit: its label (a category or ``__generic__``), the kind it speaks for after
    negation, and the words."""

    label: str
    kind: str
    text: str
    negated: bool
    start: int
    end: int
    generic: bool = False


@dataclass
class Evidence:
    """Everything found for one unit, for both kinds."""

    cues: list[Cue] = field(default_factory=list)
    sims: dict[str, float] = field(default_factory=dict)  # category -> nearest-examples similarity
    nearest: dict[str, str] = field(default_factory=dict)  # category -> its nearest example
    neutral: float = 0.0


_CLAUSES = ("ROOT", "ccomp", "advcl", "relcl", "conj", "acl", "parataxis")  # a negation stops at these


def _negated(doc, start: int, end: int) -> bool:
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
            if child.i >= start and child.i < end:
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


def _default_codebook():
    """The shipped codebook, read once per version of the file (it is asked for once per sentence)."""
    from .codebook import default_codebook_path

    path = default_codebook_path()
    return _load_codebook(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _load_codebook(path: str, mtime: int):
    from .codebook import Codebook

    return Codebook.load(path)


def _distinct(cues: list[Cue]) -> list[Cue]:
    """Cues that do not overlap an earlier, longer one (the Matcher reports "helped", "helped me" and
    "helped me understand" for the same words)."""
    kept: list[Cue] = []
    for cue in sorted(cues, key=lambda c: (c.start, -(c.end - c.start))):
        if not any(k.start < cue.end and cue.start < k.end for k in kept):
            kept.append(cue)
    return kept


class BarrierDetector(Analysis):
    """Find barriers (``kind="barrier"``) or enablers (``kind="enabler"``). Result: ``hits_``.

    ``min_similarity``: the similarity to a category's nearest examples where the similarity bonus starts;
    ``neighbours``: how many nearest examples of a category are averaged for its similarity;
    ``margin``: raise it to ask that a unit be that much nearer this kind's examples (than plain talk and
    the opposite kind's examples) before similarity counts; 0 keeps the tolerances set on the labelled set;
    ``exemplars``: example sentences per category name, added to each code's description and examples
    (``None``: the built-in EXEMPLARS, written for the shipped codebook)."""

    def __init__(self, codebook=None, kind: str = "barrier", unit: str = "sentence", threshold: float = 0.5,
                 min_similarity: float = 0.3, embedding: str = "minilm", cache_dir=None, models_dir=None,
                 neighbours: int = 2, margin: float = 0.0, exemplars: Mapping[str, Sequence[str]] | None = None):
        self.codebook = codebook
        self.kind = kind
        self.unit = unit
        self.threshold = threshold
        self.min_similarity = min_similarity
        self.embedding = embedding
        self.cache_dir = cache_dir
        self.models_dir = models_dir
        self.neighbours = neighbours
        self.margin = margin
        self.exemplars = exemplars

    # -- parts -------------------------------------------------------------------------------
    def _codebook(self):
        return self.codebook if self.codebook is not None else _default_codebook()

    def categories(self, kind: str | None = None) -> list:
        """The codebook's codes of this kind (or ``kind``) that are categories (they have a parent)."""
        return [c for c in self._codebook().of_kind(kind or self.kind) if c.parent]

    def _other(self) -> str:
        return "enabler" if self.kind == "barrier" else "barrier"

    def _matcher(self, vocab):
        from spacy.matcher import Matcher

        matcher = Matcher(vocab)
        patterns = self._codebook().matcher_patterns()
        for kind in KINDS:
            for code in self.categories(kind):
                if patterns.get(code.name):
                    matcher.add(code.name, _first_in_expanded([_no_negated_gaps(p) for p in patterns[code.name]]))
            matcher.add(f"__generic_{kind}__", _first_in_expanded(
                [_no_negated_gaps(compile_pattern(p, f"generic {kind}")) for p in GENERIC[kind]]))
        return matcher

    def _example_texts(self, code) -> list[str]:
        extra = EXEMPLARS if self.exemplars is None else self.exemplars
        texts = [code.description, *code.examples, *extra.get(code.name, [])]
        return [t for t in texts if t and t.strip()] or [code.name]

    # -- evidence ----------------------------------------------------------------------------
    def _cues(self, matcher, vocab, span, found: dict) -> list[Cue]:
        """The cues in a unit, negation resolved; where cues of opposite kinds overlap, a category cue
        beats a general one and a longer one beats a shorter one. ``found`` keeps each doc's matches, so
        the Matcher runs once per segment, not once per sentence."""
        doc = span.doc if hasattr(span, "doc") else span
        lo, hi = (span.start, span.end) if hasattr(span, "doc") else (0, len(doc))
        if id(doc) not in found:
            kinds = {c.name: kind for kind in KINDS for c in self.categories(kind)}
            all_cues = []
            for match_id, start, end in matcher(doc):
                label = vocab.strings[match_id]
                generic = label.startswith("__generic_")
                kind = label[len("__generic_"):-2] if generic else kinds[label]
                negated = _negated(doc, start, end)
                if negated:
                    kind = "enabler" if kind == "barrier" else "barrier"
                all_cues.append(Cue("__generic__" if generic else label, kind, doc[start:end].text, negated,
                                    start, end, generic))
            found[id(doc)] = (doc, all_cues)  # the doc is kept so that its id is not reused
        cues = [c for c in found[id(doc)][1] if c.start >= lo and c.end <= hi]
        keep = []
        for cue in cues:
            beaten = any(o.kind != cue.kind and o.start < cue.end and cue.start < o.end and
                         ((cue.generic and not o.generic) or
                          (cue.generic == o.generic and o.end - o.start > cue.end - cue.start))
                         for o in cues)
            if not beaten:
                keep.append(cue)
        return keep

    def _evidence(self, units: list[Unit], vocab) -> list[Evidence]:
        embedder = make_embedder(self.embedding, self.models_dir)
        cache = EmbeddingCache(self.cache_dir) if self.cache_dir else None

        def embed(texts: list[str]) -> np.ndarray:
            return cache.embed(embedder, texts) if cache else embedder.encode(texts)

        vectors = embed([u.text for u in units])
        k = max(1, int(self.neighbours))
        sims, nearest = {}, {}
        for kind in KINDS:
            for code in self.categories(kind):
                texts = self._example_texts(code)
                s = vectors @ embed(texts).T
                order = np.argsort(-s, axis=1)
                sims[code.name] = np.take_along_axis(s, order[:, :k], axis=1).mean(axis=1)
                nearest[code.name] = [texts[j] for j in order[:, 0]]
        neutral = vectors @ embed(NEUTRAL).T
        neutral = -np.sort(-neutral, axis=1)[:, :k].mean(axis=1)
        matcher = self._matcher(vocab)
        out, found = [], {}
        for i, unit in enumerate(units):
            out.append(Evidence(self._cues(matcher, vocab, unit.span, found),
                                {n: float(v[i]) for n, v in sims.items()}, {n: v[i] for n, v in nearest.items()},
                                float(neutral[i])))
        return out

    # -- detection ---------------------------------------------------------------------------
    def _units(self, annotated) -> list[Unit]:
        units = []
        corpus = annotated.corpus
        for seg, doc in annotated:
            heading, heading_kind = "", ""
            if seg.block == "list_item" and seg.section:
                nearest = seg.section.split(SECTION_SEPARATOR)[-1]  # the heading right above, not the whole path
                kinds = [kind for kind in KINDS if HEADINGS[kind].search(nearest)]
                if len(kinds) == 1:  # a heading such as "Barriers and enablers" says neither
                    heading, heading_kind = nearest, kinds[0]
            spans = list(doc.sents) if self.unit == "sentence" and doc.has_annotation("SENT_START") else [doc[:]]
            for span in spans:
                text = span.text.strip()
                if len(text.split()) < 3:
                    continue
                start = seg.start_char + span.start_char
                end = seg.start_char + span.end_char
                units.append(Unit(seg.doc_id, seg.seg_id, start, end, seg.speaker,
                                  corpus.document(seg.doc_id).text[start:end], span, heading, heading_kind))
        return units

    def _evidence_settings(self) -> tuple:
        """What the evidence depends on (not the threshold or weights): the same for both kinds."""
        return (self.unit, self.embedding, str(self.models_dir), str(self.cache_dir), self.neighbours,
                id(self._codebook()), id(self.exemplars) if self.exemplars is not None else None)

    def fit(self, annotated, evidence_from: "BarrierDetector | None" = None) -> "BarrierDetector":
        """Find the hits (``hits_``). ``evidence_from``: a detector (of either kind) fitted on the same
        annotated corpus with the same codebook, unit and embedding; its units and evidence (cues,
        similarities, which are the same for both kinds) are reused instead of computed again."""
        vocab = next(iter(annotated.docs.values())).vocab if annotated.docs else None
        reusable = (evidence_from is not None and getattr(evidence_from, "source_", None) is annotated
                    and evidence_from._evidence_settings() == self._evidence_settings())
        if reusable:
            units, evidence = evidence_from.units_, evidence_from.evidence_
        else:
            units = self._units(annotated)
            evidence = self._evidence(units, vocab) if units and vocab is not None and self.categories() else []
        self.source_, self.units_, self.evidence_ = annotated, units, evidence
        self.hits_ = self._judge(units, vocab, evidence=evidence)
        return self

    def detect_texts(self, texts: Sequence[str], nlp=None) -> pd.DataFrame:
        """Judge loose texts (e.g. a labelled evaluation set): one row per text with score and category."""
        from ..annotate import load_pipeline

        nlp = nlp or load_pipeline()
        units = [Unit("", f"text-{i}", 0, len(t), None, t, doc[:])
                 for i, (t, doc) in enumerate(zip(texts, nlp.pipe(texts)))]
        return self._judge(units, nlp.vocab, keep_all=True)

    def _score(self, unit: Unit, ev: Evidence, kind: str) -> tuple[float, str, list[str]]:
        """(raw score, category, evidence) of one unit for ``kind``; the raw score is not capped."""
        other = "enabler" if kind == "barrier" else "barrier"
        own_names = [c.name for c in self.categories(kind)]
        other_names = [c.name for c in self.categories(other)]
        own_cues = [c for c in ev.cues if c.kind == kind]
        other_cues = [c for c in ev.cues if c.kind != kind]
        cue_categories = list(dict.fromkeys(c.label for c in own_cues if c.label in own_names))
        # a general cue, or a negated cue of an opposite category ("I wasn't out of pocket")
        generic = _distinct([c for c in own_cues if c.label not in own_names])
        other_categories = [c for c in other_cues if c.label in other_names]
        other_generic = [c for c in other_cues if c.label not in other_names]
        best = max(own_names, key=lambda n: ev.sims[n]) if own_names else ""
        best_sim = ev.sims.get(best, 0.0)
        best_other = max((ev.sims[n] for n in other_names), default=0.0)
        evidence: list[str] = []
        score = 0.0
        if unit.structure and unit.structure_kind == kind:
            score += W_STRUCTURE
            evidence.append(f"structure: list under '{unit.structure}'")
        elif unit.structure:
            score -= W_STRUCTURE
        category_cues = _distinct([c for c in own_cues if c.label in own_names])
        score += sum(W_CATEGORY_CUE[:len(category_cues)])
        score += sum(W_GENERIC_CUE[:len(generic)])
        for cue in category_cues + generic:
            where = f" ({cue.label})" if not cue.generic else ""
            flip = ", negated" if cue.negated else ""
            evidence.append(f"cue{where}{flip}: '{cue.text}'")
        if not cue_categories and other_categories:
            score -= W_OPPOSITE[0]
        if not generic and other_generic:
            score -= W_OPPOSITE[1]
        bonus = min(MAX_BONUS, max(0.0, (best_sim - self.min_similarity) * BONUS_SLOPE))
        # Similarity tells the topic better than which way it goes: when cues say which way, it only has to
        # beat plain talk; otherwise it must not be much nearer the opposite kind's examples either.
        polar = bool(own_cues) and not other_cues
        if best_sim - ev.neutral < self.margin - NEUTRAL_TOLERANCE or \
                (not polar and best_other - best_sim > OPPOSITE_TOLERANCE - self.margin):
            bonus = 0.0
        if bonus:
            score += bonus
            evidence.append(f"similar to '{best}' ({best_sim:.2f}; nearest example: '{ev.nearest[best]}')")
        if cue_categories:
            category = max(cue_categories, key=lambda n: ev.sims[n])
        else:
            category = best
        return score, category, evidence

    def _judge(self, units: list[Unit], vocab, keep_all: bool = False,
               evidence: list[Evidence] | None = None) -> pd.DataFrame:
        if not units or vocab is None or not self.categories():
            return pd.DataFrame(columns=COLUMNS + (["is_hit"] if keep_all else []))
        rows = []
        for unit, ev in zip(units, self._evidence(units, vocab) if evidence is None else evidence):
            raw, category, evidence = self._score(unit, ev, self.kind)
            opposite = self._score(unit, ev, self._other())[0]
            if opposite > raw and raw > 0:  # reads more like the opposite kind: that much less
                evidence.append(f"reads more like {'an enabler' if self.kind == 'barrier' else 'a barrier'} "
                                f"({opposite:.2f} against {raw:.2f})")
                raw -= opposite - raw
            score = round(min(1.0, max(0.0, raw)), 3)
            if keep_all or score >= self.threshold:
                rows.append({"doc_id": unit.doc_id, "seg_id": unit.seg_id, "start_char": unit.start_char,
                             "end_char": unit.end_char, "speaker": unit.speaker, "category": category,
                             "score": score, "evidence": "; ".join(evidence), "text": unit.text,
                             "is_hit": score >= self.threshold})
        frame = pd.DataFrame(rows, columns=COLUMNS + ["is_hit"])
        if not keep_all:
            frame = frame.drop(columns="is_hit")
        return frame.reset_index(drop=True)


def precision_recall(predicted: Iterable[bool], actual: Iterable[bool]) -> tuple[float, float]:
    """Precision and recall of binary predictions."""
    pairs = list(zip(predicted, actual))
    tp = sum(1 for p, a in pairs if p and a)
    fp = sum(1 for p, a in pairs if p and not a)
    fn = sum(1 for p, a in pairs if a and not p)
    return (tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0)
