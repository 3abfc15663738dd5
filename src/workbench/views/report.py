"""report.html: one self-contained, offline HTML file for trainers and readers who never open Python.

Sections: the corpus at a glance, recurring phrases (and statements put in quotation marks), phrase families,
themes, barriers, enablers, benefits, codes and codes against themes (when there are accepted codings;
``report_code_themes``), a section for each added step, and how the report was made. Charts are inline SVG
(no JavaScript, no fonts or files from elsewhere); a Content-Security-Policy forbids scripts and outside requests.

The page is rendered from Jinja2 templates (``templates/report.html.j2`` and ``chart.svg.j2``) with
autoescaping: the Python below only picks and counts, and hands the templates plain text. Safety: every
string that comes from the corpus (quotes, names, titles, phrases, labels, paths) is escaped by the
template engine; a transcript line ``<script>`` shows as text. With
``pseudonymise`` (a dict real name -> pseudonym, a function over text, or an object with
``transform_text``) names are replaced in speaker fields and inside every corpus text before escaping.
Ids (doc_id, seg_id) and offsets are kept, so every quote stays traceable.

The same data gives byte-identical HTML: nothing depends on the clock unless ``manifest`` carries a date.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import jinja2
import pandas as pd
from markupsafe import Markup, escape

from ..analysis.phrase_table import distinct_wordings
from ..corpus.segment import sentence_spans
from ..errors import Errors, WorkbenchError
from ..safe_files import replace_atomic
from ..values import stability_level, text
from . import report_code_themes

TRACE = ["doc_id", "seg_id", "start_char", "end_char"]
# Columns each frame of ReportData needs (frames may carry more; a missing frame is None).
REQUIRED: dict[str, list[str]] = {
    "documents": ["doc_id", "kind", "title", "words"],
    "segments": [*TRACE, "speaker", "text"],
    "speakers": ["doc_id", "speaker", "role"],
    "problems": ["path", "reason"],
    "phrases": ["phrase", "kind", "count", "doc_count", "speaker_count", "score", *TRACE],
    "occurrences": ["phrase", "kind", *TRACE, "speaker", "surface"],
    "families": ["family", "description", "count", "doc_count", "speaker_count"],
    "variants": ["family", "variant", "count", "doc_count"],
    "themes": ["theme_id", "label", "keywords", "size", "doc_count", "stability"],
    "theme_quotes": ["theme_id", "rank", *TRACE, "speaker", "text"],
    "theme_assignments": ["seg_id", "theme_id"],
    "barriers": [*TRACE, "speaker", "category", "score", "text"],
    "enablers": [*TRACE, "speaker", "category", "score", "text"],
    "benefits": [*TRACE, "speaker", "category", "score", "text"],
    "codes": [*TRACE, "speaker", "code", "text"],
    "exclusions": ["doc_id", "start_char", "end_char", "reason", "text"],
}
# How a document kind reads in a sentence ("3 blog posts", "1 set of notes").
KIND_WORDS = {"transcript": ("transcript", "transcripts"), "blog": ("blog post", "blog posts"),
              "notes": ("set of notes", "sets of notes")}
# Exclusion reasons in plain words, most useful first ("12 headings").
SET_ASIDE_WORDS = {"boilerplate": ("line of page or show boilerplate", "lines of page or show boilerplate"),
                   "heading": ("heading", "headings"), "speaker label": ("speaker label", "speaker labels"),
                   "stage note": ("stage note", "stage notes"), "front matter": ("line of front matter",
                                                                                  "lines of front matter"),
                   "list marker": ("list marker", "list markers"),
                   "unread": ("piece of text that could not be placed", "pieces of text that could not be placed")}
QUOTE_CHARS = 320
COLOURS = {"overview": "#4e79a7", "phrases": "#59a14f", "themes": "#4e79a7", "barriers": "#e15759",
           "enablers": "#59a14f", "benefits": "#f28e2b", "codes": "#b07aa1"}


class ReportError(WorkbenchError, ValueError):
    """The report cannot be built or written (E470-E479)."""


# -- the data -------------------------------------------------------------------------------------
@dataclass
class ReportSection:
    """A section for a step the report has no section of its own for (one another package added): its
    title, what it is, and the first rows of its first table."""

    key: str
    title: str
    description: str = ""
    table: pd.DataFrame | None = None
    rows: int = 0  # rows of the whole table

    @classmethod
    def of(cls, result, max_rows: int = 20) -> "ReportSection":
        tables = result.tables()
        first = next(iter(tables.values()), None)
        return cls(result.name, result.step.title or result.name.replace("_", " ").capitalize(),
                   result.step.description, None if first is None else first.head(max_rows),
                   0 if first is None else len(first))


@dataclass
class ReportData:
    """Everything the report shows, as plain DataFrames (columns: ``REQUIRED``). None = not run."""

    name: str = ""
    documents: pd.DataFrame | None = None
    segments: pd.DataFrame | None = None
    speakers: pd.DataFrame | None = None
    problems: pd.DataFrame | None = None
    phrases: pd.DataFrame | None = None
    occurrences: pd.DataFrame | None = None
    families: pd.DataFrame | None = None
    variants: pd.DataFrame | None = None
    themes: pd.DataFrame | None = None
    theme_quotes: pd.DataFrame | None = None
    theme_assignments: pd.DataFrame | None = None
    barriers: pd.DataFrame | None = None
    enablers: pd.DataFrame | None = None
    benefits: pd.DataFrame | None = None  # outcomes of working together (benefits.csv), never enablers
    codes: pd.DataFrame | None = None
    exclusions: pd.DataFrame | None = None  # text outside every segment, with the reason (blank runs left out)
    themes_extended: dict[str, Any] | None = None  # new segments given to the saved themes, without a refit
    saturation: pd.DataFrame | None = None  # what each document adds, in document order (saturation.csv)
    saturation_reading: list[str] = field(default_factory=list)  # the plain-language reading of it
    category_descriptions: dict[str, str] = field(default_factory=dict)
    sections: list[ReportSection] = field(default_factory=list)  # steps with no section of their own
    skipped: dict[str, str] = field(default_factory=dict)   # section -> why it was not run
    manifest: dict[str, Any] = field(default_factory=dict)  # how it was made (no clock unless given)

    def check(self) -> "ReportData":
        """Raise E472 when a frame that is given lacks a column the report needs."""
        for name, columns in REQUIRED.items():
            frame = getattr(self, name)
            if frame is None:
                continue
            if not isinstance(frame, pd.DataFrame):
                raise ReportError(Errors.E472.format(detail=f"'{name}' is a {type(frame).__name__}, "
                                                            "not a pandas DataFrame"))
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise ReportError(Errors.E472.format(detail=f"'{name}' lacks the column(s) {missing}"))
        return self

    @classmethod
    def from_bench(cls, bench) -> "ReportData":
        """Collect the tables from a ``workbench.project.Workbench``, running every step that has not run
        yet (themes take about a minute on the demo corpus, and are kept by the bench)."""
        return cls.from_results(bench, bench.runner.run())

    @classmethod
    def from_results(cls, bench, results: dict) -> "ReportData":
        """The report's tables from the steps' results (``Runner.run``); a skipped step says why."""
        from ..manifest import package_versions

        corpus = bench.corpus
        data = cls(name=Path(bench.corpus_path).resolve().name, documents=corpus.documents_df(),
                   segments=corpus.segments_df(), speakers=corpus.speakers_df(), problems=corpus.problems_df(),
                   exclusions=corpus.exclusions_df())
        data.skipped = {name: r.skipped for name, r in results.items() if r.skipped}
        found = {name: r.frames for name, r in results.items() if not r.skipped}
        if "phrases" in found:
            phrases = found["phrases"]
            data.phrases, data.occurrences = phrases["phrases"], phrases["occurrences"]
            data.families, data.variants = phrases["families"], phrases["variants"]
        seeds = {"analysis": bench.config.analysis.seed}
        if "themes" in found:
            data.themes, data.theme_quotes = found["themes"]["themes"], found["themes"]["quotes"]
            data.theme_assignments = found["themes"]["assignments"]
            seeds["themes"] = bench.config.themes.seed
            extended = getattr(bench.themes, "transformed_", None)
            if extended:
                data.themes_extended = {**extended, "refit_share": bench.config.themes.refit_share,
                                        "changed_since_fit": bench.themes.history_.get("changed_since_fit", 0),
                                        "fit_segments": bench.themes.history_.get("fit_segments", 0)}
        data.barriers = found.get("barriers", {}).get("hits")
        data.enablers = found.get("enablers", {}).get("hits")
        data.benefits = found.get("benefits", {}).get("hits")
        if any(frame is not None for frame in (data.barriers, data.enablers, data.benefits)):
            data.category_descriptions = {c.name: c.description for c in bench.codebook if c.description}
        data.codes = found.get("codes", {}).get("codes")
        if "saturation" in found:
            data.saturation = found["saturation"]["saturation"]
            data.saturation_reading = found["saturation"]["reading"]["sentence"].tolist()
        data.sections = [ReportSection.of(r) for r in results.values() if r.step.report and not r.skipped]
        data.manifest = {"packages": package_versions(), "seeds": seeds,
                         "config_fingerprint": bench.config.fingerprint(),
                         "models": {"spacy_pipeline": bench.runner.pipeline_info()["spacy_pipeline"]},
                         "corpus": {"documents": len(corpus.documents), "segments": len(corpus.segments),
                                    "unit": corpus.unit}}
        return data.check()


# -- pseudonyms -----------------------------------------------------------------------------------
def make_pseudonymiser(pseudonymise: Any) -> Callable[[str], str]:
    """A function text -> text from a dict (whole-word, case-sensitive, longest name first), a
    function, or an object with ``transform_text``; identity for None."""
    if pseudonymise is None:
        return lambda text: text
    if isinstance(pseudonymise, dict):
        if not all(isinstance(k, str) and k.strip() and isinstance(v, str) for k, v in pseudonymise.items()):
            raise ReportError(Errors.E471.format(got="a dict whose keys or values are not all non-empty text"))
        if not pseudonymise:
            return lambda text: text
        names = sorted(pseudonymise, key=lambda n: (-len(n), n))
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
        return lambda text: pattern.sub(lambda m: pseudonymise[m.group(0)], text)
    transform = getattr(pseudonymise, "transform_text", None)
    if callable(transform):
        return transform
    if callable(pseudonymise):
        return pseudonymise
    raise ReportError(Errors.E471.format(got=f"a {type(pseudonymise).__name__}"))


# -- small helpers --------------------------------------------------------------------------------
_s = text  # the text of a cell, '' when it is missing


def _n(value: Any) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0
    return 0 if math.isnan(number) else int(number)


def _plural(n: int, one: str, many: str | None = None) -> str:
    if many is None:
        many = one if one.endswith("s") else one + "s"  # "notes", not "notess"
    return f"{n:,} {one if n == 1 else many}"


def _kind_plural(n: int, kind: str) -> str:
    one, many = KIND_WORDS.get(kind, (kind, None))
    return _plural(n, one, many)


def _percent(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(number) else f"{number:.1%}"


def _sorted(frame: pd.DataFrame, by: list[str], ascending: list[bool]) -> pd.DataFrame:
    return frame.sort_values(by, ascending=ascending, kind="mergesort").reset_index(drop=True)


def _pick(frame: pd.DataFrame, n: int, spread: tuple[str, ...] = ("doc_id",)) -> list[Any]:
    """Up to ``n`` rows, kept in frame order: first rows new in every ``spread`` column (another document,
    another wording), then rows new in the first column, then the rest."""
    rows = list(frame.itertuples(index=False))
    chosen: list[int] = []
    seen: dict[str, set] = {key: set() for key in spread}
    for keys in (spread, spread[:1], ()):
        for i, row in enumerate(rows):
            if len(chosen) >= n:
                break
            if i in chosen or any(getattr(row, k) in seen[k] for k in keys):
                continue
            chosen.append(i)
            for k in spread:
                seen[k].add(getattr(row, k))
    return [rows[i] for i in sorted(chosen)]


def stability_words(value: Any) -> tuple[str, str]:
    """(plain words, css class) for a theme's stability score (0..1, NaN = not measured)."""
    level = stability_level(value)
    if level == "unknown":
        return "stability not measured", "muted"
    if level == "stable":
        return f"stable: it came back each time the analysis was re-run ({float(value):.2f})", "good"
    if level == "fair":
        return f"fairly stable: it mostly came back when re-run ({float(value):.2f})", "fair"
    return f"check this theme: it changed when the analysis was re-run ({float(value):.2f})", "warn"


def bar_chart_svg(items: list[tuple[str, int]], title: str, colour: str = "#4e79a7", max_label: int = 32) -> str:
    """A horizontal bar chart as inline SVG (no script), from ``templates/chart.svg.j2`` (autoescaped, so
    labels are escaped); long labels are cut, with the full label in a tooltip. '' without items. It is
    ``Markup``, so the report template places it as it is."""
    items = [(label, int(value)) for label, value in items]
    if not items:
        return ""
    row_h, label_w, bar_w, top = 36, 400, 340, 6
    biggest = max(v for _, v in items) or 1
    bars = [{"label": label, "value": value, "y": top + i * row_h, "mid": f"{top + i * row_h + row_h / 2:.1f}",
             "short": label if len(label) <= max_label else label[:max_label - 1].rstrip() + "…",
             "width": round(bar_w * value / biggest, 1) if value > 0 else 0}
            for i, (label, value) in enumerate(items)]
    for bar in bars:
        bar["value_x"] = f"{label_w + bar['width'] + 8:.1f}"
    return Markup(_templates().get_template("chart.svg.j2").render(
        title=title, colour=colour, bars=bars, width=label_w + bar_w + 80, height=top * 2 + row_h * len(items),
        label_x=label_w - 10, bar_x=label_w, bar_h=row_h - 10).strip())


def _window(text: str, start: int, end: int, max_chars: int) -> tuple[int, int]:
    """The part of ``text`` to quote around [start, end) (relative offsets): the sentence(s) with the
    match, cut to about ``max_chars`` around it. Without a match (start == end == 0 and ...), the
    first sentences that fit."""
    spans = sentence_spans(text) or [(0, len(text))]
    if end > start:
        inside = [(s, e) for s, e in spans if s < end and start < e] or [(start, end)]
        s, e = min(inside[0][0], start), max(inside[-1][1], end)
        if e - s > max_chars:
            room = max(0, (max_chars - (end - start)) // 2)
            s, e = max(s, start - room), min(e, end + room)
            while s > 0 and s < start and not text[s - 1].isspace():
                s += 1
            while e < len(text) and e > end and not text[e].isspace():
                e -= 1
        return s, e
    s, e = spans[0]
    for _, e2 in spans[1:]:
        if e2 - s > max_chars:
            break
        e = e2
    if e - s > max_chars:
        e = s + max_chars
        cut = text.rfind(" ", s, e)
        e = cut if cut > s + max_chars // 2 else e
    return s, e


# -- the renderer: plain values for the template ------------------------------------------------------
# Every method below returns plain Python values (text still raw, only pseudonymised); the template
# (templates/report.html.j2, autoescaped) turns them into HTML, so no corpus text is ever pasted into markup.
class _Report:
    def __init__(self, data: ReportData, pseudo: Callable[[str], str], pseudonymised: bool, max_quotes: int,
                 max_phrases: int):
        self.d, self.pseudo, self.pseudonymised = data, pseudo, pseudonymised
        self.max_quotes, self.max_phrases = max_quotes, max_phrases
        segs = data.segments if data.segments is not None else pd.DataFrame(columns=REQUIRED["segments"])
        self.segments = {r.seg_id: r for r in segs.itertuples(index=False)}
        docs = data.documents if data.documents is not None else pd.DataFrame(columns=REQUIRED["documents"])
        self.titles = {r.doc_id: _s(r.title) for r in docs.itertuples(index=False)}
        spk = data.speakers if data.speakers is not None else pd.DataFrame(columns=REQUIRED["speakers"])
        self.roles = {(r.doc_id, r.speaker): _s(r.role) for r in spk.itertuples(index=False)}
        # People are counted only where speakers were found; otherwise a "person" is just a document.
        self.has_speakers = any(_s(r.speaker) for r in spk.itertuples(index=False))

    def p(self, value: Any) -> str:
        """Text coming from the corpus, pseudonymised (the template escapes it)."""
        return self.pseudo(_s(value))

    def quote(self, text: str, doc_id: str, seg_id: str, start_char: int, speaker: Any = None,
              mark: tuple[int, int] | None = None, max_chars: int = QUOTE_CHARS) -> dict[str, Any]:
        """A quote with who said it and where it is (document, segment, character offsets)."""
        text, start_char = _s(text), int(start_char)
        rel = (mark[0] - start_char, mark[1] - start_char) if mark else (0, 0)
        if not (0 <= rel[0] <= rel[1] <= len(text)):
            rel = (0, 0)
        s, e = _window(text, rel[0], rel[1], max_chars)
        marked = rel[1] > rel[0]
        if marked:
            pre, hit, post = (self.p(text[s:rel[0]]).lstrip(), self.p(text[rel[0]:rel[1]]),
                              self.p(text[rel[1]:e]).rstrip())
        else:
            pre, hit, post = self.p(text[s:e]).strip(), "", ""
        who = _s(speaker)
        role = self.roles.get((doc_id, who), "") if who else ""
        title = self.titles.get(doc_id, "")
        said = " · ".join(x for x in (self.p(who) + (f" ({self.p(role)})" if role else "") if who else "",
                                      self.p(title) if title else "") if x)
        doc_id, seg_id = _s(doc_id), _s(seg_id)
        return {"pre": pre, "mark": hit, "post": post, "marked": marked, "cut_before": s > 0,
                "cut_after": e < len(text), "said": said, "doc_id": doc_id,
                "part": seg_id[len(doc_id):] if seg_id.startswith(doc_id + "#") else seg_id,
                "start": start_char + s, "end": start_char + e}

    def quote_at(self, seg_id: str, start: int, end: int, speaker: Any = None) -> dict[str, Any] | None:
        """The sentence of segment ``seg_id`` around the match [start, end) (document offsets)."""
        seg = self.segments.get(seg_id)
        if seg is None:
            return None
        who = speaker if _s(speaker) else seg.speaker
        return self.quote(seg.text, seg.doc_id, seg_id, seg.start_char, who, mark=(int(start), int(end)))

    def chart(self, items: list[tuple[str, int]], title: str, colour: str) -> str:
        return bar_chart_svg([(self.p(k), v) for k, v in items], title, colour)

    # -- sections: each returns {"note": why there is nothing} or what the template shows --------------
    def overview(self) -> dict[str, Any]:
        d = self.d
        docs = d.documents if d.documents is not None else pd.DataFrame(columns=REQUIRED["documents"])
        kinds = docs["kind"].fillna("other").astype(str).value_counts()
        kinds = sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
        out: dict[str, Any] = {
            "documents": len(docs), "words": int(sum(_n(w) for w in docs["words"])),
            "parts": len(d.segments) if d.segments is not None else 0,
            "kinds": ", ".join(_kind_plural(int(n), k) for k, n in kinds) or "none",
            "coverage": "coverage" in docs.columns, "chart": "",
            "rows": [{"title": self.p(r.title), "doc_id": _s(r.doc_id), "kind": self.p(r.kind), "words": _n(r.words),
                      "coverage": _percent(getattr(r, "coverage", None))} for r in docs.itertuples(index=False)]}
        speakers = d.speakers if d.speakers is not None else pd.DataFrame(columns=REQUIRED["speakers"])
        by_role: dict[str, set[str]] = {}
        for row in speakers.itertuples(index=False):
            if _s(row.speaker):
                by_role.setdefault(_s(row.role) or "role not given", set()).add(_s(row.speaker))
        out["people"] = len({s for names in by_role.values() for s in names})
        out["roles"] = [(self.p(role), sorted(self.pseudo(n) for n in by_role[role]))
                        for role in sorted(by_role, key=lambda r: (r == "role not given", -len(by_role[r]), r))]
        if len(docs) > 1:
            top = _sorted(docs.assign(x_words=[_n(w) for w in docs["words"]]), ["x_words", "doc_id"], [False, True])
            items = [(_s(r.title) or _s(r.doc_id), r.x_words) for r in top.head(30).itertuples(index=False)]
            out["chart"] = self.chart(items, "Words in each document", COLOURS["overview"])
        problems = d.problems if d.problems is not None else pd.DataFrame(columns=REQUIRED["problems"])
        out["problems"] = [(self.p(r.path), self.p(r.reason)) for r in problems.itertuples(index=False)]
        out["set_aside"], out["boilerplate"] = self.set_aside()
        out["unread"] = self._unread()
        return out

    def _unread(self) -> int:
        exc = self.d.exclusions
        if exc is None or exc.empty:
            return 0
        return int(sum(len("".join(_s(t).split())) for t in exc.loc[exc["reason"] == "unread", "text"]))

    def set_aside(self) -> tuple[str, list[tuple[str, int]]]:
        """What was kept out of the analysis, by reason ("3 headings, 1 list marker"), and the boilerplate
        lines with how often each came (the 12 most frequent, long ones cut)."""
        exc = self.d.exclusions
        if exc is None or exc.empty:
            return "", []
        exc = exc[exc["reason"] != "blank"]
        counts = exc["reason"].value_counts()
        order = [r for r in SET_ASIDE_WORDS if r in counts.index] + sorted(set(counts.index) - set(SET_ASIDE_WORDS))
        parts = ", ".join(_plural(int(counts[r]), *SET_ASIDE_WORDS.get(r, (r, None))) for r in order)
        boiler = exc[exc["reason"] == "boilerplate"]
        texts = boiler["text"].map(lambda t: " ".join(_s(t).split())).value_counts()
        texts = sorted(texts.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
        return parts, [(self.p(t if len(t) <= 120 else t[:119] + "…"), int(n)) for t, n in texts]

    def phrases(self) -> dict[str, Any]:
        table = self.d.phrases
        if table is None:
            return {"note": "Recurring phrases were not worked out for this report."}
        table = distinct_wordings(table)  # a wording shown under its family is not shown again here
        ngrams, quoted = table[table["kind"] == "ngram"], table[table["kind"] == "quoted"]
        if ngrams.empty and quoted.empty:
            return {"note": "No phrase came up often enough to count as recurring."}
        return {"ngrams": self._ngrams(ngrams) if not ngrams.empty else None,
                "quoted": self._quoted(quoted) if not quoted.empty else None}

    def _ngrams(self, table: pd.DataFrame) -> dict[str, Any]:
        table = _sorted(table, ["score", "count", "phrase"], [False, False, True])
        chosen: list[Any] = []
        for row in table.itertuples(index=False):
            words = f" {_s(row.phrase).lower()} "
            if any(words in f" {_s(c.phrase).lower()} " and _n(row.count) <= _n(c.count) for c in chosen):
                continue  # a piece of a phrase already shown, said no more often
            chosen.append(row)
            if len(chosen) >= self.max_phrases:
                break
        return {"chart": self.chart([(_s(r.phrase), _n(r.count)) for r in chosen], "How often each phrase was used",
                                    COLOURS["phrases"]), "people": self.has_speakers,
                "rows": [{"phrase": self.p(r.phrase), "family": self.p(getattr(r, "family", "")), "count": _n(r.count),
                          "doc_count": _n(r.doc_count), "speaker_count": _n(r.speaker_count),
                          "quote": self.quote_at(r.seg_id, r.start_char, r.end_char)} for r in chosen]}

    def _quoted(self, table: pd.DataFrame) -> list[dict[str, Any]]:
        """Statements people put in quotation marks, most used first (once is enough to be listed)."""
        table = _sorted(table.assign(x_count=table["count"].map(_n), x_docs=table["doc_count"].map(_n)),
                        ["x_count", "x_docs", "phrase"], [False, False, True]).head(self.max_phrases)
        return [{"phrase": self.p(r.phrase), "family": self.p(getattr(r, "family", "")), "count": _n(r.count),
                 "doc_count": _n(r.doc_count), "quote": self.quote_at(r.seg_id, r.start_char, r.end_char)}
                for r in table.itertuples(index=False)]

    def families(self) -> dict[str, Any]:
        d = self.d
        if d.families is None and d.phrases is None:
            return {"note": "Phrase families were not worked out for this report."}
        if d.families is not None:
            fams = d.families
        else:
            fams = d.phrases[d.phrases["kind"] == "family"].rename(columns={"phrase": "family"}) \
                .assign(description="")
        if fams.empty:
            return {"note": "None of the listed families of phrases (such as “with, not for”) came up."}
        occ = d.occurrences
        occ = occ[occ["kind"] == "family"] if occ is not None else None
        items = []
        for f in fams.itertuples(index=False):
            item = {"name": self.p(f.family), "description": self.p(f.description), "count": _n(f.count),
                    "doc_count": _n(f.doc_count), "speaker_count": _n(f.speaker_count), "variants": [], "quotes": []}
            if d.variants is not None:
                item["variants"] = [{"variant": self.p(v.variant), "count": _n(v.count), "doc_count": _n(v.doc_count)}
                                    for v in d.variants[d.variants["family"] == f.family].itertuples(index=False)]
            if occ is not None:
                mine = occ[occ["phrase"] == f.family]
                mine = mine.assign(x_variant=mine["surface"].astype(str).str.lower())
                item["quotes"] = [self.quote_at(o.seg_id, o.start_char, o.end_char, o.speaker)
                                  for o in _pick(mine, self.max_quotes, spread=("doc_id", "x_variant"))]
            items.append(item)
        return {"chart": self.chart([(_s(r.family), _n(r.count)) for r in fams.itertuples(index=False)],
                                    "How often each family of phrases came up", COLOURS["phrases"]), "entries": items,
                "people": self.has_speakers}

    def themes(self) -> dict[str, Any]:
        d = self.d
        if d.themes is None:
            why = d.skipped.get("themes", "they were not worked out for this report")
            return {"note": f"No themes in this report: {self.p(why)}"}
        themes = d.themes[d.themes["theme_id"].map(_n) >= 0]
        if themes.empty:
            return {"note": "No themes were found."}
        themes = _sorted(themes.assign(x_size=themes["size"].map(_n), x_id=themes["theme_id"].map(_n)),
                         ["x_size", "x_id"], [False, True])
        names = {r.x_id: (_s(r.label).strip() or f"Theme {r.x_id}") for r in themes.itertuples(index=False)}
        out: dict[str, Any] = {"assigned": None, "entries": [], "extended": d.themes_extended}
        if d.theme_assignments is not None and len(d.theme_assignments):
            outside = int((d.theme_assignments["theme_id"].map(_n) < 0).sum())
            out["assigned"] = (len(d.theme_assignments) - outside, len(d.theme_assignments), outside)
        out["chart"] = self.chart([(names[r.x_id], r.x_size) for r in themes.itertuples(index=False)],
                                  "How many parts of the documents each theme has", COLOURS["themes"])
        quotes = d.theme_quotes
        for r in themes.itertuples(index=False):
            words, css = stability_words(r.stability)
            item = {"id": r.x_id, "name": self.p(names[r.x_id]), "size": r.x_size, "doc_count": _n(r.doc_count),
                    "stability": words, "css": css, "quotes": [],
                    "keywords": [self.p(k.strip()) for k in _s(r.keywords).split(";") if k.strip()]}
            if quotes is not None:
                mine = quotes[quotes["theme_id"].map(_n) == r.x_id]
                mine = _sorted(mine.assign(x_rank=mine["rank"].map(_n)), ["x_rank", "seg_id"], [True, True])
                item["quotes"] = [self.quote(q.text, q.doc_id, q.seg_id, q.start_char, q.speaker)
                                  for q in mine.head(self.max_quotes).itertuples(index=False)]
            out["entries"].append(item)
        return out

    def saturation(self) -> dict[str, Any]:
        """Are new documents still adding anything: the reading, and the curves of categories seen so far."""
        from markupsafe import Markup

        from .saturation_chart import saturation_svg

        d = self.d
        if d.saturation is None:
            why = d.skipped.get("saturation", "it was not worked out for this report")
            return {"note": f"No saturation in this report: {self.p(why)}"}
        chart = saturation_svg(d.saturation, scale="share", standalone=False) if len(d.saturation) else ""
        return {"reading": [self.p(sentence) for sentence in d.saturation_reading],
                "chart": Markup(self.pseudo(chart)) if chart else "", "documents": len(d.saturation)}

    def hits(self, kind: str) -> dict[str, Any]:
        d = self.d
        hits = getattr(d, f"{kind}s")
        if hits is None:
            why = d.skipped.get(f"{kind}s", "they were not looked for in this report")
            return {"note": f"No {kind}s in this report: {self.p(why)}"}
        if hits.empty:
            what = {"barrier": "a barrier", "enabler": "an enabler", "benefit": "a benefit"}[kind]
            return {"note": f"No sentences were found that clearly describe {what}."}
        counts = hits["category"].astype(str).value_counts()
        cats = sorted(counts.index, key=lambda c: (-counts[c], c))
        items = []
        for cat in cats:
            mine = hits[hits["category"].astype(str) == cat]
            mine = _sorted(mine.assign(x_score=mine["score"].astype(float)), ["x_score", "doc_id", "start_char"],
                           [False, True, True])
            items.append({"name": self.p(cat), "description": self.p(d.category_descriptions.get(cat)),
                          "count": len(mine), "doc_count": mine["doc_id"].nunique(),
                          "quotes": [self.quote(h.text, h.doc_id, h.seg_id, h.start_char, h.speaker)
                                     for h in _pick(mine, self.max_quotes)]})
        return {"kind": kind, "entries": items,
                "chart": self.chart([(c, int(counts[c])) for c in cats], f"{kind.capitalize()}s by category",
                                    COLOURS[f"{kind}s"])}

    def codes(self) -> dict[str, Any]:
        codes = self.d.codes
        codes = codes[codes["code"].notna() & (codes["code"].astype(str) != "")]
        spans = codes.drop_duplicates(["code", "doc_id", "start_char", "end_char"])
        segs = codes.drop_duplicates(["code", "seg_id"]).groupby("code").size()
        docs = codes.drop_duplicates(["code", "doc_id"]).groupby("code").size()
        names = sorted(segs.index, key=lambda c: (-segs[c], c))
        items = []
        for code in names:
            mine = _sorted(spans[spans["code"] == code], ["doc_id", "start_char", "end_char"], [True, True, True])
            items.append({"name": self.p(code), "parts": int(segs[code]), "doc_count": int(docs[code]),
                          "quotes": [self.quote(c.text, c.doc_id, c.seg_id, c.start_char, c.speaker)
                                     for c in _pick(mine, self.max_quotes)]})
        return {"chart": self.chart([(c, int(segs[c])) for c in names], "Parts coded with each code", COLOURS["codes"]),
                "entries": items}

    def code_themes(self) -> Markup:
        """The "Codes and themes" section (``report_code_themes``, which escapes what it shows), its quotes
        made by the quote template; empty without codes or themes."""
        quote_html = _templates().get_template("quote.html.j2").module.quote

        def quote(text: str, doc_id: str, seg_id: str, start_char: int, speaker: Any = None) -> str:
            return str(quote_html(self.quote(text, doc_id, seg_id, start_char, speaker)))

        return Markup(report_code_themes.section_html(self.d, quote, lambda v: str(escape(self.p(v))), self.max_quotes))

    def section(self, extra: ReportSection) -> dict[str, Any]:
        table = extra.table
        if table is None or table.empty:
            return {"description": self.p(extra.description), "columns": [], "rows": []}
        return {"description": self.p(extra.description), "columns": [self.p(c) for c in table.columns],
                "rows": [[self.p(v) for v in row] for row in table.itertuples(index=False)],
                "more": extra.rows if extra.rows > len(table) else 0}

    def method(self) -> dict[str, Any]:
        """(label, value, is_code) rows: when, what, settings fingerprint, seeds, models, versions, skips."""
        m = self.d.manifest or {}
        rows: list[tuple[str, str, bool]] = []
        if m.get("created"):
            rows.append(("Made on", _s(m["created"]), False))
        corpus = m.get("corpus")
        if isinstance(corpus, dict):
            facts = [f"{_s(corpus[k])} {k}" for k in ("documents", "segments") if k in corpus]
            if corpus.get("files"):
                facts.append(f"{len(corpus['files'])} files (each with a SHA-256 fingerprint in manifest.json)")
            if corpus.get("unit"):
                facts.append(f"cut by {_s(corpus['unit'])}")
            rows.append(("Documents", ", ".join(facts), False))
        fingerprint = m.get("config_fingerprint")
        if not fingerprint and isinstance(m.get("config"), dict):
            from ..cache import stable_hash

            fingerprint = stable_hash(m["config"], 16)
        if fingerprint:
            rows.append(("Settings fingerprint", _s(fingerprint), True))
        for key, label in (("seeds", "Random seeds"), ("models", "Models"), ("packages", "Software versions")):
            value = m.get(key)
            if isinstance(value, dict) and value:
                rows.append((label, ", ".join(f"{k} {_s(v)}" for k, v in value.items()), False))
        skipped = {**self.d.skipped, **(m.get("skipped") or {})}
        for section, why in sorted(skipped.items()):
            rows.append((f"Not run: {section}", self.p(why), False))
        return {"rows": rows, "pseudonymised": self.pseudonymised}


@lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    """The report's templates (``templates/``), autoescaped: every value is HTML-escaped unless it is
    markup a template made (a chart)."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("workbench.views", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["num"] = lambda n: f"{int(n):,}"
    env.globals["plural"] = _plural
    return env


def build_report(source, *, title: str | None = None,
                 pseudonymise: Callable[[str], str] | dict[str, str] | None = None, max_quotes: int = 3,
                 max_phrases: int = 15, manifest: dict[str, Any] | None = None) -> str:
    """The report as one HTML string. ``source`` is a ``ReportData`` or a ``Workbench``.
    ``manifest`` (e.g. the dict ``Workbench.analyse`` writes) replaces the data's own "how it was made"."""
    data = source if isinstance(source, ReportData) else ReportData.from_bench(source)
    data.check()
    if manifest is not None:
        data = replace(data, manifest=manifest)
    pseudo = make_pseudonymiser(pseudonymise)
    r = _Report(data, pseudo, pseudonymise is not None, max(1, int(max_quotes)), max(1, int(max_phrases)))
    heading = title if title is not None else (f"What people said: {data.name}" if data.name else "What people said")
    sections: list[dict[str, Any]] = [
        {"key": "overview", "title": "The documents at a glance", "kind": "overview", "data": r.overview()},
        {"key": "phrases", "title": "Recurring phrases", "kind": "phrases", "data": r.phrases()},
        {"key": "families", "title": "Families of phrases", "kind": "families", "data": r.families()},
        {"key": "themes", "title": "Themes", "kind": "themes", "data": r.themes()},
        {"key": "barriers", "title": "What gets in the way (barriers)", "kind": "hits", "data": r.hits("barrier")},
        {"key": "enablers", "title": "What helps (enablers)", "kind": "hits", "data": r.hits("enabler")},
        {"key": "benefits", "title": "What it brings (benefits)", "kind": "hits", "data": r.hits("benefit")},
        {"key": "saturation", "title": "Are we still hearing anything new?", "kind": "saturation",
         "data": r.saturation()},
    ]
    if data.codes is not None and len(data.codes):
        sections.append({"key": "codes", "title": "Codes", "kind": "codes", "data": r.codes()})
        code_themes = r.code_themes()
        if code_themes:
            sections.append({"key": "codes-themes", "title": "Codes and themes", "kind": "html", "data": code_themes})
    taken = {s["key"] for s in sections}
    for extra in data.sections:
        sections.append({"key": f"step-{extra.key}" if extra.key in taken else extra.key, "title": extra.title,
                         "kind": "step", "data": r.section(extra)})
    sections.append({"key": "method", "title": "How this report was made", "kind": "method", "data": r.method()})
    return _templates().get_template("report.html.j2").render(
        title=r.p(heading), sections=sections)


def write_report(source, path: str | Path, **kwargs: Any) -> Path:
    """Build the report and write it atomically (UTF-8) to ``path``; returns the path."""
    path = Path(path)
    html = build_report(source, **kwargs)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomic(path, html.encode("utf-8"))
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(path, 0o666 & ~mask)  # like any new file (the temp file it came from was private)
    except OSError as err:
        raise ReportError(Errors.E470.format(path=path, detail=err.strerror or err)) from None
    return path


__all__ = ["REQUIRED", "ReportData", "ReportError", "bar_chart_svg", "build_report", "make_pseudonymiser",
           "stability_words", "write_report"]
