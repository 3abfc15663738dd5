"""Barriers, enablers and benefits: sentences (or list items) that state one, with a category, a score and
the evidence that fired.

Each sentence gets one stance: barrier, enabler, benefit or neither (:mod:`.stance_model`), so a sentence
is never in two tables. The evidence combined:

- structure (:mod:`.stance_structure`): a list item under a lead-in or heading that names barriers ("What
  got in the way", "The main challenges were as follows:"), enablers ("What helped", "Keys to success",
  "Top tips") or benefits; text in a section under such a heading, more weakly;
- cues (:mod:`.stance_cues`): the codebook's cue phrases and token patterns and general cues of each stance,
  negation resolved ("we *didn't* have to wait" speaks for an enabler);
- framing (:mod:`.stance_framing`): definitions and principles ("co-production means...", "it is more than
  consultation"), negated claims ("this isn't a tick-box exercise"), questions, tips, hypotheticals;
- meaning: the sentence embedding.

A logistic regression trained on the tuning sets weighs them; the most likely stance is kept when its
probability reaches the stance's calibrated threshold (or ``threshold`` when set), else the sentence is
neither. The category is the most likely of the stance's codebook categories (a second regression over the
embedding and the categories' cues); with a codebook of other categories, the category whose cues fired,
else the one whose description and examples are nearest.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..embed import EmbeddingCache, make_embedder
from . import stance_framing
from .base import Analysis
from .stance_cues import STANCES, Cue, CueFinder
from .stance_model import CLASSES, StanceModel, feature_row
from .stance_structure import Place, place_of

COLUMNS = ["doc_id", "seg_id", "start_char", "end_char", "speaker", "category", "score", "evidence", "text"]
KINDS = STANCES  # barrier, enabler, benefit: one table each
MAX_ITEM_WORDS = 40  # a list item or lead-in up to this long is one unit, whatever spaCy's sentences say
# Example sentences per category and plain talk that is neither kind: data/barrier_examples.yml.
EXAMPLES_FILE = Path(__file__).resolve().parent.parent / "data" / "barrier_examples.yml"


def _examples() -> dict:
    import yaml

    return yaml.safe_load(EXAMPLES_FILE.read_text(encoding="utf-8"))


_EXAMPLES = _examples()
EXEMPLARS: dict[str, list[str]] = _EXAMPLES["exemplars"]
NEUTRAL: list[str] = _EXAMPLES["neutral"]


@dataclass
class Unit:
    """A sentence or list item to judge, with where it is."""

    doc_id: str
    seg_id: str
    start_char: int
    end_char: int
    speaker: str | None
    text: str
    span: object  # spaCy Span or Doc
    place: Place = field(default_factory=Place)


@dataclass
class Evidence:
    """What was found in one unit: its cues and named features (the same for every stance)."""

    cues: list[Cue]
    row: dict[str, float]


@dataclass
class Judgement:
    """One unit's stance, its probability, the probabilities of all stances, category and evidence."""

    stance: str
    probability: float
    proba: dict[str, float]
    category: str = ""
    evidence: list[str] = field(default_factory=list)


def _default_codebook():
    """The shipped codebook, read once per version of the file."""
    from .codebook import default_codebook_path

    path = default_codebook_path()
    return _load_codebook(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _load_codebook(path: str, mtime: int):
    from .codebook import Codebook

    return Codebook.load(path)


def _trimmed(span, text: str | None = None) -> tuple[int, int]:
    """Character offsets (in the span's doc) of the span without surrounding white space. ``text``: the
    doc's text, when the caller has it (``span.text`` is ``text[span.start_char:span.end_char]``)."""
    text = span.text if text is None else text[span.start_char:span.end_char]
    lead = len(text) - len(text.lstrip())
    return span.start_char + lead, span.start_char + len(text.rstrip())


def units_of(annotated, unit: str = "sentence") -> list[Unit]:
    """The units of an annotated corpus: sentences of each segment (``unit="sentence"``) or whole segments;
    a list item or lead-in is one unit. Units with no word are left out."""
    units = []
    corpus = annotated.corpus
    for seg, doc in annotated:
        place = place_of(seg)
        whole = unit != "sentence" or not doc.has_annotation("SENT_START") or (
            seg.block in ("list_item", "lead_in") and len(seg.text.split()) <= MAX_ITEM_WORDS)
        text = doc.text  # spaCy joins it token by token on every call: once per doc
        document = corpus.document(seg.doc_id).text
        for span in ([doc[:]] if whole else doc.sents):
            lo, hi = _trimmed(span, text)
            if not any(ch.isalnum() for ch in text[lo:hi]):
                continue
            start, end = seg.start_char + lo, seg.start_char + hi
            units.append(Unit(seg.doc_id, seg.seg_id, start, end, seg.speaker, document[start:end], span, place))
    return units


def units_of_texts(texts: Sequence[str], nlp, places: Sequence[Place] | None = None) -> list[Unit]:
    """Loose texts (e.g. a labelled evaluation set) as units, one per text, optionally with their places."""
    places = places or [Place()] * len(texts)
    return [Unit("", f"text-{i}", 0, len(t), None, t, doc[:], place)
            for i, (t, doc, place) in enumerate(zip(texts, nlp.pipe(texts), places))]


def gather(units: Sequence[Unit], codebook, vocab, finder: CueFinder | None = None) -> list[Evidence]:
    """Cues and named features of every unit."""
    finder = finder or CueFinder(codebook, vocab)
    out = []
    for unit in units:
        cues = finder.find(unit.span)
        out.append(Evidence(cues, feature_row(unit.span, unit.place, cues)))
    return out


STRUCTURE_VETO = 0.5  # a list item takes its list's stance unless another stance is at least this likely


def decide(proba: Sequence[float], thresholds: Mapping[str, float], place: Place, row: Mapping[str, float]) -> str:
    """The stance of one unit from the model's probabilities (in CLASSES order), the thresholds, its place
    and its framing:

    - a list item under a lead-in or heading that names a stance takes that stance, unless the model gives
      another stance at least STRUCTURE_VETO or the item is a definition or a negated claim;
    - a definition or principle ("co-production is more than consultation") or a negated claim ("this
      isn't a tick-box exercise", "it is not a quick fix") is neither;
    - otherwise the most likely stance when it reaches its threshold, else neither."""
    framed = bool(row.get("definition") or row.get("negated_claim"))
    if place.block == "list_item" and place.list_kind and not framed:
        others = [proba[CLASSES.index(k)] for k in STANCES if k != place.list_kind]
        if max(others) < STRUCTURE_VETO:
            return place.list_kind
    if framed:
        return "neither"
    best = int(np.argmax(proba))
    stance = CLASSES[best]
    return stance if stance != "neither" and proba[best] >= thresholds.get(stance, 0.5) else "neither"


def category_counts(cues: Sequence[Cue]) -> dict[str, float]:
    """Category name -> how many distinct cues of it fired (at most 2), after negation."""
    counts: dict[str, float] = {}
    for cue in cues:
        if not cue.generic and cue.label != "__principle__":
            counts[f"{cue.kind}:{cue.label}"] = min(2.0, counts.get(f"{cue.kind}:{cue.label}", 0.0) + 1)
    return counts


class BarrierDetector(Analysis):
    """Find barriers (``kind="barrier"``), enablers (``kind="enabler"``) or benefits (``kind="benefit"``).
    Result: ``hits_`` (COLUMNS). Every unit gets one stance, so the three kinds never share a sentence.

    ``threshold``: the probability a stance needs (None: the threshold calibrated for that stance on the
    tuning sets); ``model_file``: a stance model other than the shipped one (``data/stance_model.json``);
    ``exemplars``: example sentences per category name, added to each code's description and examples for
    the nearest example shown as evidence (``None``: the built-in EXEMPLARS)."""

    def __init__(self, codebook=None, kind: str = "barrier", unit: str = "sentence", threshold: float | None = None,
                 embedding: str = "minilm", cache_dir=None, models_dir=None, model_file=None,
                 exemplars: Mapping[str, Sequence[str]] | None = None):
        self.codebook = codebook
        self.kind = kind
        self.unit = unit
        self.threshold = threshold
        self.embedding = embedding
        self.cache_dir = cache_dir
        self.models_dir = models_dir
        self.model_file = model_file
        self.exemplars = exemplars

    # -- parts -------------------------------------------------------------------------------
    def _codebook(self):
        return self.codebook if self.codebook is not None else _default_codebook()

    def categories(self, kind: str | None = None) -> list:
        """The codebook's codes of this kind (or ``kind``) that are categories (they have a parent)."""
        return [c for c in self._codebook().of_kind(kind or self.kind) if c.parent]

    def _embed(self, texts: list[str]) -> tuple[np.ndarray, str]:
        """Vectors of ``texts`` encoded as one group (one document's units, or one code's examples), so each
        depends only on its group (see ``EmbeddingCache.embed_group``)."""
        embedder = make_embedder(self.embedding, self.models_dir)
        cache = EmbeddingCache(self.cache_dir) if self.cache_dir else None
        vectors = cache.embed_group(embedder, texts) if cache else embedder.encode(texts)
        return np.asarray(vectors, dtype=np.float32), embedder.model_id

    def _example_vectors(self, name: str, texts: list[str]) -> np.ndarray:
        """The vectors of one category's example texts, encoded once per detector."""
        memo = self.__dict__.setdefault("_examples_memo", {})
        if name not in memo:
            memo[name] = self._embed(texts)[0]
        return memo[name]

    def _example_texts(self, code) -> list[str]:
        extra = EXEMPLARS if self.exemplars is None else self.exemplars
        texts = [code.description, *code.examples, *extra.get(code.name, [])]
        return [t for t in texts if t and t.strip()] or [code.name]

    def _evidence_settings(self) -> tuple:
        """What the judgements depend on except the kind: the same for every kind."""
        return (self.unit, self.embedding, str(self.models_dir), str(self.cache_dir), self.threshold,
                str(self.model_file), id(self._codebook()), id(self.exemplars) if self.exemplars is not None else None)

    # -- judging -----------------------------------------------------------------------------
    def __getstate__(self) -> dict:
        """Pickled (for Dask workers) without the memos: a worker builds its own finder and example vectors."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_finder_memo", "_examples_memo")}

    def _finder(self, vocab) -> CueFinder:
        """The cue finder of this codebook, built once per vocabulary (its patterns take a while to compile)."""
        memo = self.__dict__.setdefault("_finder_memo", {})
        if id(vocab) not in memo:
            memo[id(vocab)] = (vocab, CueFinder(self._codebook(), vocab))  # the vocab is kept, so its id stays its own
        return memo[id(vocab)][1]

    def judge_by_document(self, units: Sequence[Unit], vocab) -> list[Judgement]:
        """``judge`` document by document (units in corpus order): a document's judgements depend on it
        alone, so they can be kept per document (``document_parts``) and match a from-scratch run."""
        if not units:
            return []
        finder = self._finder(vocab)
        out: list[Judgement] = []
        start = 0
        for end in range(1, len(units) + 1):
            if end == len(units) or units[end].doc_id != units[start].doc_id:
                out += self.judge(units[start:end], vocab, finder)
                start = end
        return out

    def judge(self, units: Sequence[Unit], vocab, finder: CueFinder | None = None) -> list[Judgement]:
        """One Judgement per unit: stance, probability, category and evidence."""
        if not units:
            return []
        codebook = self._codebook()
        evidence = gather(units, codebook, vocab, finder)
        model = StanceModel.load(self.model_file)
        vectors, model_id = self._embed([u.text for u in units])
        variant = model.variant_for(model_id)
        proba = variant.stance_proba(vectors if variant.uses_embedding else None, [e.row for e in evidence])
        thresholds = dict(variant.thresholds)
        if self.threshold is not None:
            thresholds = {k: float(self.threshold) for k in thresholds}
        out = []
        for i, (unit, ev) in enumerate(zip(units, evidence)):
            stance = decide(proba[i], thresholds, unit.place, ev.row)
            out.append(Judgement(stance, round(float(proba[i][CLASSES.index(stance)]), 3),
                                 {c: round(float(p), 3) for c, p in zip(CLASSES, proba[i])}))
        for stance in STANCES:
            idx = [i for i, j in enumerate(out) if j.stance == stance]
            if idx:
                self._categorise(stance, [units[i] for i in idx], [evidence[i] for i in idx],
                                 vectors[idx], variant, [out[i] for i in idx])
        return out

    def _categorise(self, stance: str, units: list[Unit], evidence: list[Evidence], vectors: np.ndarray,
                    variant, judgements: list[Judgement]) -> None:
        codes = [c for c in self._codebook().of_kind(stance) if c.parent]
        names = [c.name for c in codes]
        counts = [category_counts(e.cues) for e in evidence]
        learned = variant.category_proba(stance, vectors if variant.uses_embedding else None,
                                         [{k.split(":", 1)[1]: v for k, v in c.items() if k.startswith(stance + ":")}
                                          for c in counts])
        example_texts = {c.name: self._example_texts(c) for c in codes}
        sims = {}
        nearest = {}
        if codes:
            for code in codes:
                ex_vectors = self._example_vectors(code.name, example_texts[code.name])
                s = vectors @ ex_vectors.T
                sims[code.name] = s.max(axis=1)
                nearest[code.name] = [example_texts[code.name][j] for j in s.argmax(axis=1)]
        for i, (unit, ev, judgement) in enumerate(zip(units, evidence, judgements)):
            fired = [c.label for c in ev.cues if c.kind == stance and c.label in names]
            if learned is not None and set(learned[0]) <= set(names) and learned[0]:
                classes, p = learned
                category = classes[int(np.argmax(p[i]))]
            elif fired:
                category = max(dict.fromkeys(fired), key=lambda n: (fired.count(n), float(sims[n][i])))
            elif names:
                category = max(names, key=lambda n: float(sims[n][i]))
            else:
                category = ""
            judgement.category = category
            judgement.evidence = self._evidence_text(unit, ev, judgement, stance,
                                                     nearest.get(category, [""] * len(units))[i])

    @staticmethod
    def _evidence_text(unit: Unit, ev: Evidence, judgement: Judgement, stance: str, nearest: str) -> list[str]:
        out = []
        where = unit.place.evidence(stance)
        if where:
            out.append(where)
        for cue in ev.cues:
            if cue.kind != stance:
                continue
            label = f" ({cue.label})" if not cue.generic else ""
            flip = ", negated" if cue.negated else ""
            out.append(f"cue{label}{flip}: '{cue.text}'")
        frames = stance_framing.frames(ev.row)
        if frames:
            out.append("framing: " + ", ".join(frames))
        others = ", ".join(f"{k} {v:.2f}" for k, v in judgement.proba.items() if k != stance)
        out.append(f"model: {stance} {judgement.proba[stance]:.2f} ({others})")
        if nearest:
            out.append(f"nearest example of '{judgement.category}': '{nearest}'")
        return out

    # -- detection ---------------------------------------------------------------------------
    def fit(self, annotated, evidence_from: "BarrierDetector | None" = None) -> "BarrierDetector":
        """Find the hits (``hits_``). ``evidence_from``: a detector (of any kind) fitted on the same
        annotated corpus with the same settings; its units and judgements, which are the same for every
        kind, are reused instead of computed again."""
        vocab = next(iter(annotated.docs.values())).vocab if annotated.docs else None
        reusable = (evidence_from is not None and getattr(evidence_from, "source_", None) is annotated
                    and evidence_from._evidence_settings() == self._evidence_settings())
        if reusable:
            units, judgements = evidence_from.units_, evidence_from.judgements_
        else:
            units = units_of(annotated, self.unit)
            judgements = self.judge_by_document(units, vocab) if units and vocab is not None else []
        self.source_, self.units_, self.judgements_ = annotated, units, judgements
        self.hits_ = self._rows(units, judgements)
        return self

    def detect_texts(self, texts: Sequence[str], nlp=None, places: Sequence[Place] | None = None) -> pd.DataFrame:
        """Judge loose texts (e.g. a labelled evaluation set): one row per text with score, category,
        ``stance`` (of all three kinds, or neither) and ``is_hit`` (the stance is this detector's kind)."""
        from ..annotate import load_pipeline

        nlp = nlp or load_pipeline()
        units = units_of_texts(list(texts), nlp, places)
        return self._rows(units, self.judge(units, nlp.vocab), keep_all=True)

    def document_parts(self, annotated) -> dict[str, list[dict]]:
        """The units of each annotated document that state a barrier, enabler or benefit, with their judgement,
        as plain data: a document's part (see ``workbench.partials``); ``hits_from_parts`` makes each kind's
        table from them."""
        vocab = next(iter(annotated.docs.values())).vocab if annotated.docs else None
        units = units_of(annotated, self.unit)
        judgements = self.judge_by_document(units, vocab) if units and vocab is not None else []
        parts: dict[str, list[dict]] = {seg.doc_id: [] for seg, _ in annotated}
        for unit, j in zip(units, judgements):
            if j.stance not in STANCES:  # neither: in no table, so not kept
                continue
            parts[unit.doc_id].append({
                "seg_id": unit.seg_id, "start_char": unit.start_char, "end_char": unit.end_char,
                "speaker": unit.speaker, "text": unit.text, "stance": j.stance, "proba": j.proba,
                "category": j.category, "evidence": j.evidence})
        return parts

    def fit_from_parts(self, parts: Sequence[tuple[str, list[dict]]]) -> "BarrierDetector":
        """``hits_`` from documents' parts (``document_parts``, kept per document), as ``fit`` would find them."""
        self.parts_ = parts
        self.hits_ = self.hits_from_parts(self.kind, parts)
        return self

    @staticmethod
    def hits_from_parts(kind: str, parts: Sequence[tuple[str, list[dict]]]) -> pd.DataFrame:
        """The ``kind`` table (COLUMNS) from documents' parts in corpus order: the same rows ``fit`` gives."""
        rows = [{"doc_id": doc_id, "seg_id": u["seg_id"], "start_char": u["start_char"], "end_char": u["end_char"],
                 "speaker": u["speaker"], "category": u["category"], "score": u["proba"].get(kind, 0.0),
                 "evidence": "; ".join(u["evidence"]), "text": u["text"]}
                for doc_id, units in parts for u in units if u["stance"] == kind]
        return pd.DataFrame(rows, columns=COLUMNS).reset_index(drop=True)

    def _rows(self, units: Sequence[Unit], judgements: Sequence[Judgement], keep_all: bool = False) -> pd.DataFrame:
        rows = []
        for unit, j in zip(units, judgements):
            hit = j.stance == self.kind
            if not (hit or keep_all):
                continue
            rows.append({"doc_id": unit.doc_id, "seg_id": unit.seg_id, "start_char": unit.start_char,
                         "end_char": unit.end_char, "speaker": unit.speaker,
                         "category": j.category if hit else "",
                         "score": j.proba.get(self.kind, 0.0), "evidence": "; ".join(j.evidence) if hit else "",
                         "text": unit.text, "stance": j.stance, "is_hit": hit})
        extra = ["stance", "is_hit"] if keep_all else []
        frame = pd.DataFrame(rows, columns=COLUMNS + ["stance", "is_hit"])
        return frame[COLUMNS + extra].reset_index(drop=True)


def precision_recall(predicted: Iterable[bool], actual: Iterable[bool]) -> tuple[float, float]:
    """Precision and recall of binary predictions."""
    pairs = list(zip(predicted, actual))
    tp = sum(1 for p, a in pairs if p and a)
    fp = sum(1 for p, a in pairs if p and not a)
    fn = sum(1 for p, a in pairs if a and not p)
    return (tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0)
