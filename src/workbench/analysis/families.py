"""Phrase families: variants of one idea ("with not for", "with people, not for them", "from doing for
to doing with") found with spaCy Matcher patterns, from a shipped YAML file plus the user's own.

Matching tolerates what people do to a wording without changing it: quotation marks inside it
("from ‘doing to’ to ‘doing with’"), straight or curly apostrophes and dropped letters ("doin’ things",
"for ’em", through spaCy's NORM), British or American spelling, and a short object where a pattern
allows one ("from doing things for people to doing things with them"). It stays strict where the words
change the idea: "with better outcomes, not only for" is not "with, not for".
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Sequence

import pandas as pd
import yaml

from ..annotate import AnnotatedCorpus
from ..errors import ConfigError, Errors
from .base import Analysis
from .tokens import HARD_BREAKS, speaker_key

MATCH_COLUMNS = ["family", "variant", "surface", "doc_id", "seg_id", "start_char", "end_char", "speaker"]
FAMILY_COLUMNS = ["family", "description", "count", "doc_count", "speaker_count", "n_variants", "score",
                  "variants", "example", "doc_id", "seg_id", "start_char", "end_char"]
VARIANT_COLUMNS = ["family", "variant", "count", "doc_count", "docs"]
_GAP = re.compile(r"^\*(?:\{(\d+),(\d+)\})?$")
_REPEAT = re.compile(r"^(.+?)\{(\d+),(\d+)\}$")
# Quotation marks that may sit between the words of a family's wording.
QUOTE_MARKS = ["'", '"', "‘", "’", "“", "”", "`", "«", "»"]


@dataclass
class FamilySpec:
    """One family as written in YAML."""

    label: str
    description: str = ""
    phrases: list[str] = field(default_factory=list)
    patterns: list[list[Any]] = field(default_factory=list)


def default_families_path() -> Path:
    return Path(str(resources.files("workbench") / "data" / "families.yml"))


def load_families(path: str | Path) -> list[FamilySpec]:
    """Read a families YAML file; a malformed one gets a numbered error with its line number."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(Errors.E300.format(path=path, line="-", detail=err.strerror or err)) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ConfigError(Errors.E300.format(path=path, line=mark.line + 1 if mark else "?",
                                             detail=getattr(err, "problem", None) or err)) from None
    items = data.get("families") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ConfigError(Errors.E300.format(path=path, line=1, detail="expected a list under 'families:'"))
    specs = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not item.get("label"):
            raise ConfigError(Errors.E300.format(path=path, line="-", detail=f"family {i} has no 'label'"))
        spec = FamilySpec(str(item["label"]), str(item.get("description", "")),
                          [str(p) for p in item.get("phrases") or []], list(item.get("patterns") or []))
        if not spec.phrases and not spec.patterns:
            raise ConfigError(Errors.E300.format(path=path, line="-",
                                                 detail=f"family '{spec.label}' has no phrases or patterns"))
        for pattern in spec.patterns:
            compile_pattern(pattern, spec.label)
        specs.append(spec)
    return specs


def _token(item: Any, family: str) -> dict[str, Any]:
    if isinstance(item, dict):
        return dict(item)
    if isinstance(item, list):
        return {"LOWER": {"IN": [str(w).lower() for w in item]}}
    text = str(item)
    optional = text.endswith("?") and len(text) > 1
    if optional:
        text = text[:-1]
    gap = _GAP.match(text)
    if gap:
        low, high = gap.groups() or (None, None)
        spec: dict[str, Any] = {"TEXT": {"NOT_IN": sorted(HARD_BREAKS)}, "OP": f"{{{low or 0},{high or 3}}}"}
        return spec
    repeat = _REPEAT.match(text)
    if repeat and not optional:  # "pos:PRON|NOUN{0,3}": up to 3 such tokens
        spec = _token(repeat.group(1), family)
        spec["OP"] = f"{{{repeat.group(2)},{repeat.group(3)}}}"
        return spec
    if ":" in text and text.split(":", 1)[0].lower() in ("lemma", "pos", "lower", "tag"):
        attr, value = text.split(":", 1)
        values = value.split("|")
        attr = attr.upper()
        values = [v.lower() for v in values] if attr in ("LEMMA", "LOWER") else [v.upper() for v in values]
        spec = {attr: values[0] if len(values) == 1 else {"IN": values}}
    elif text in (",", "-", ";", ":"):
        spec = {"ORTH": text}
    else:
        if not text.strip():
            raise ConfigError(Errors.E301.format(family=family, token=item))
        spec = {"LOWER": text.lower()}
    if optional:
        spec["OP"] = "?"
    return spec


def compile_pattern(pattern: list[Any], family: str) -> list[dict[str, Any]]:
    """Our compact pattern notation -> a spaCy Matcher pattern."""
    if not isinstance(pattern, list) or not pattern:
        raise ConfigError(Errors.E301.format(family=family, token=pattern))
    return [_token(item, family) for item in pattern]


def phrase_pattern(phrase: str) -> list[dict[str, Any]]:
    """A plain wording -> a pattern that allows punctuation between its words."""
    words = re.findall(r"[\w'’£$€%-]+", phrase.lower())
    pattern: list[dict[str, Any]] = []
    for i, word in enumerate(words):
        if i:
            pattern.append({"IS_PUNCT": True, "OP": "*"})
        pattern.append({"LOWER": word})
    return pattern


def family_pattern(pattern: list[dict[str, Any]], norm: Callable[[str], str]) -> list[dict[str, Any]]:
    """A compiled pattern made tolerant for families: words compared by spaCy's NORM (apostrophes, dropped
    letters, spelling), lemmas also in their g-dropped forms ("doin’"), quotation marks allowed between items,
    but not before optional items at the end (‘"with, not for" means’ is not "with, not for means")."""
    out: list[dict[str, Any]] = []
    required = [i for i, spec in enumerate(pattern) if spec.get("OP") not in ("?", "*")
                and not str(spec.get("OP", "")).startswith("{0,")]
    first, last = (required[0], required[-1]) if required else (0, len(pattern) - 1)
    for i, spec in enumerate(pattern):
        spec = dict(spec)
        lower = spec.pop("LOWER", None)
        if lower is not None:
            words = lower["IN"] if isinstance(lower, dict) else [lower]
            norms = sorted({norm(w) for w in words} | {w.replace("’", "'") for w in words})
            spec["NORM"] = norms[0] if len(norms) == 1 else {"IN": norms}
        lemma = spec.get("LEMMA")
        if lemma is not None:
            lemmas = lemma["IN"] if isinstance(lemma, dict) else [lemma]
            spec["LEMMA"] = {"IN": sorted({form for w in lemmas for form in _lemma_forms(w)})}
        if first < i <= last:
            out.append({"ORTH": {"IN": QUOTE_MARKS}, "OP": "*"})
        out.append(spec)
    return out


def _lemma_forms(lemma: str) -> set[str]:
    """A lemma and the forms spaCy leaves unlemmatised: -ing with a dropped g and a curly apostrophe."""
    stem = lemma[:-1] if lemma.endswith("e") and len(lemma) > 2 and not lemma.endswith("ee") else lemma
    return {lemma, f"{stem}in’", f"{stem}in'"}


def trim_span(span):
    """A match with its quotation marks balanced: a mark opened inside is closed by the one right after
    the match ("from ‘doing to’ to ‘doing with’"); otherwise a stray mark at either end is left out."""
    start, end = span.start, span.end
    doc = span.doc
    if end < len(doc) and doc[end].text in QUOTE_MARKS and _odd_quotes(doc[start:end]):
        end += 1
    while end - start > 1 and doc[end - 1].text in QUOTE_MARKS and _odd_quotes(doc[start:end]):
        end -= 1
    while end - start > 1 and doc[start].text in QUOTE_MARKS and _odd_quotes(doc[start:end]):
        start += 1
    if (start, end) == (span.start, span.end):
        return span
    from spacy.tokens import Span

    return Span(doc, start, end, label=span.label)


def _odd_quotes(span) -> bool:
    return sum(t.text in QUOTE_MARKS for t in span) % 2 == 1


def variant_of(surface: str) -> str:
    """A variant's name: lower-cased words, punctuation dropped ("With people, not for them" ->
    "with people not for them")."""
    return " ".join(re.findall(r"[\w£$€%]+(?:['’-][\w]+)*", surface.lower().replace("’", "'")))


class PhraseFamilies(Analysis):
    """Find every family's variants. Results: ``matches_``, ``families_``, ``variants_``."""

    def __init__(self, families_file: str | Path | None = None, include_defaults: bool = True):
        self.families_file = families_file
        self.include_defaults = include_defaults

    def specs(self) -> list[FamilySpec]:
        specs = load_families(default_families_path()) if self.include_defaults else []
        if self.families_file:
            user = load_families(self.families_file)
            labels = {s.label for s in user}
            specs = [s for s in specs if s.label not in labels] + user  # the user's version wins
        return specs

    def fit(self, annotated: AnnotatedCorpus) -> "PhraseFamilies":
        parts = self.document_parts(annotated)
        return self.from_parts(annotated.corpus, [(doc_id, parts.get(doc_id, [])) for doc_id in
                                                  dict.fromkeys(seg.doc_id for seg, _ in annotated)])

    def document_parts(self, annotated: AnnotatedCorpus) -> dict[str, list[list]]:
        """The matches in each annotated document (MATCH_COLUMNS as lists): a document's part (see
        ``workbench.partials``); ``from_parts`` sums them up."""
        from spacy.matcher import Matcher
        from spacy.util import filter_spans

        nlp_vocab = next(iter(annotated.docs.values())).vocab if annotated.docs else None
        parts: dict[str, list[list]] = {}
        if nlp_vocab is None:
            return parts
        matcher = Matcher(nlp_vocab)

        def norm(word: str) -> str:
            return nlp_vocab[word].norm_

        for spec in self.specs():
            patterns = [family_pattern(compile_pattern(p, spec.label), norm) for p in spec.patterns]
            patterns += [family_pattern(phrase_pattern(p), norm) for p in spec.phrases]
            matcher.add(spec.label, patterns, greedy="LONGEST")
        for seg, doc in annotated:
            rows = parts.setdefault(seg.doc_id, [])
            spans = filter_spans([trim_span(s) for s in matcher(doc, as_spans=True)])
            for span in sorted(spans, key=lambda s: s.start):
                start = seg.start_char + span.start_char
                end = seg.start_char + span.end_char
                rows.append([span.label_, variant_of(span.text), span.text, seg.doc_id, seg.seg_id,
                             start, end, seg.speaker])
        return parts

    def from_parts(self, corpus, parts: Sequence[tuple[str, list[list]]]) -> "PhraseFamilies":
        """Results from documents' parts in corpus order: ``matches_``, ``families_``, ``variants_``."""
        self.specs_ = self.specs()
        rows = [tuple(row) for _, doc_rows in parts for row in doc_rows]
        self.matches_ = pd.DataFrame(rows, columns=MATCH_COLUMNS)
        self.families_, self.variants_ = self._summarise(corpus)
        return self

    def _summarise(self, corpus) -> tuple[pd.DataFrame, pd.DataFrame]:
        fam_rows, var_rows = [], []
        descriptions = {s.label: s.description for s in self.specs_}
        for spec in self.specs_:
            m = self.matches_[self.matches_["family"] == spec.label]
            if m.empty:
                continue
            speakers = {speaker_key(corpus, corpus.segment(s)) for s in m["seg_id"]}
            variants = Counter(m["variant"])
            surfaces: dict[str, Counter] = defaultdict(Counter)
            for variant, surface in zip(m["variant"], m["surface"]):
                surfaces[variant][surface] += 1
            ordered = sorted(variants, key=lambda v: (-variants[v], v))
            for variant in ordered:
                docs = sorted(set(m.loc[m["variant"] == variant, "doc_id"]))
                var_rows.append({"family": spec.label, "variant": variant, "count": variants[variant],
                                 "doc_count": len(docs), "docs": "; ".join(docs)})
            n_docs = m["doc_id"].nunique()
            first = m.iloc[0]
            fam_rows.append({
                "family": spec.label, "description": descriptions[spec.label], "count": len(m),
                "doc_count": n_docs, "speaker_count": len(speakers), "n_variants": len(variants),
                "score": round(math.log2(1 + len(m)) * math.log2(1 + n_docs) * math.log2(1 + len(speakers)), 4),
                "variants": "; ".join(surfaces[v].most_common(1)[0][0] for v in ordered),
                "example": first["surface"], "doc_id": first["doc_id"], "seg_id": first["seg_id"],
                "start_char": int(first["start_char"]), "end_char": int(first["end_char"]),
            })
        families = pd.DataFrame(fam_rows, columns=FAMILY_COLUMNS)
        families = families.sort_values(["score", "family"], ascending=[False, True], kind="mergesort")
        return families.reset_index(drop=True), pd.DataFrame(var_rows, columns=VARIANT_COLUMNS)


def add_phrases_to_file(path: str | Path, family: FamilySpec, phrases: list[str]) -> list[str]:
    """Add plain wordings to ``family`` in the user's families file ``path`` (made if missing); returns the
    wordings that were new. A family not yet in the file is copied in whole (description, phrases, patterns),
    because the user's version of a family replaces the shipped one. The file's other entries are kept; the
    previous version is kept beside it as ``<name>.bak``; a file that cannot be read is left alone (E300)."""
    from ..safe_files import replace_atomic

    path = Path(path)
    data: Any = {"families": []}
    if path.exists():
        load_families(path)  # E300 with a line number when the file is broken: never overwrite it
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, list):
            data = {"families": data}
    items = data.setdefault("families", [])
    entry = next((item for item in items if str(item.get("label")) == family.label), None)
    if entry is None:
        entry = {"label": family.label, "description": family.description, "phrases": list(family.phrases),
                 "patterns": [list(p) for p in family.patterns]}
        entry = {k: v for k, v in entry.items() if v}
        items.append(entry)
    have = {variant_of(p) for p in entry.get("phrases") or []}
    added = []
    for phrase in phrases:
        phrase = " ".join(str(phrase).split())
        if phrase and variant_of(phrase) not in have:
            have.add(variant_of(phrase))
            added.append(phrase)
    if not added:
        return []
    entry["phrases"] = list(entry.get("phrases") or []) + added
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
    try:
        if path.exists():
            replace_atomic(path.with_name(path.name + ".bak"), path.read_bytes())
        replace_atomic(path, text.encode("utf-8"))
    except OSError as err:
        raise ConfigError(Errors.E306.format(path=path, detail=err.strerror or err)) from None
    return added
