"""Phrase families: variants of one idea ("with not for", "with people, not for them", "from doing for
to doing with") found with spaCy Matcher patterns, from a shipped YAML file plus the user's own."""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

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
        from spacy.matcher import Matcher
        from spacy.util import filter_spans

        nlp_vocab = next(iter(annotated.docs.values())).vocab if annotated.docs else None
        specs = self.specs()
        self.specs_ = specs
        rows = []
        if nlp_vocab is not None:
            matcher = Matcher(nlp_vocab)
            for spec in specs:
                patterns = [compile_pattern(p, spec.label) for p in spec.patterns]
                patterns += [phrase_pattern(p) for p in spec.phrases]
                matcher.add(spec.label, patterns, greedy="LONGEST")
            for seg, doc in annotated:
                spans = filter_spans(matcher(doc, as_spans=True))
                for span in sorted(spans, key=lambda s: s.start):
                    start = seg.start_char + span.start_char
                    end = seg.start_char + span.end_char
                    rows.append((span.label_, variant_of(span.text), span.text, seg.doc_id, seg.seg_id,
                                 start, end, seg.speaker))
        self.matches_ = pd.DataFrame(rows, columns=MATCH_COLUMNS)
        self.families_, self.variants_ = self._summarise(annotated)
        return self

    def _summarise(self, annotated: AnnotatedCorpus) -> tuple[pd.DataFrame, pd.DataFrame]:
        fam_rows, var_rows = [], []
        descriptions = {s.label: s.description for s in self.specs_}
        for spec in self.specs_:
            m = self.matches_[self.matches_["family"] == spec.label]
            if m.empty:
                continue
            corpus = annotated.corpus
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
