"""report.html: one self-contained, offline HTML file for trainers and readers who never open Python.

Sections: the corpus at a glance, recurring phrases, phrase families, themes, barriers, enablers, codes
and codes against themes (when there are accepted codings; ``report_code_themes``) and how the report was
made. Charts are inline SVG (no JavaScript, no fonts or files from elsewhere); a Content-Security-Policy forbids
scripts and outside requests anyway.

Safety: every string that comes from the corpus (quotes, names, titles, phrases, labels, paths) is passed
through ``html.escape(..., quote=True)``; a transcript line ``<script>`` shows as text. With
``pseudonymise`` (a dict real name -> pseudonym, a function over text, or an object with
``transform_text``) names are replaced in speaker fields and inside every corpus text before escaping.
Ids (doc_id, seg_id) and offsets are kept, so every quote stays traceable.

The same data gives byte-identical HTML: nothing depends on the clock unless ``manifest`` carries a date.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from ..analysis.phrase_table import distinct_wordings
from ..corpus.segment import sentence_spans
from ..errors import Errors, WorkbenchError
from ..safe_files import replace_atomic
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
STABLE_FROM = 0.8
UNSTABLE_BELOW = 0.5  # as in analysis.theme_stability
QUOTE_CHARS = 320
COLOURS = {"overview": "#4e79a7", "phrases": "#59a14f", "themes": "#4e79a7", "barriers": "#e15759",
           "enablers": "#59a14f", "codes": "#b07aa1"}


class ReportError(WorkbenchError, ValueError):
    """The report cannot be built or written (E470-E479)."""


# -- the data -------------------------------------------------------------------------------------
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
    codes: pd.DataFrame | None = None
    exclusions: pd.DataFrame | None = None  # text outside every segment, with the reason (blank runs left out)
    category_descriptions: dict[str, str] = field(default_factory=dict)
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
        """Collect the tables from a ``workbench.project.Workbench`` (runs what has not run yet: themes
        take about a minute on the demo corpus, and are cached on the bench)."""
        from ..manifest import package_versions

        corpus = bench.corpus
        phrases, occurrences = bench.phrase_tables
        families, variants = bench.family_tables
        data = cls(name=Path(bench.corpus_path).resolve().name, documents=corpus.documents_df(),
                   segments=corpus.segments_df(), speakers=corpus.speakers_df(), problems=corpus.problems_df(),
                   exclusions=corpus.exclusions_df(), phrases=phrases, occurrences=occurrences, families=families, variants=variants)
        seeds = {"analysis": bench.config.analysis.seed}
        if not bench.config.themes.enabled:
            data.skipped["themes"] = "Themes were switched off in the settings (themes.enabled = false)."
        else:
            try:
                model = bench.themes
            except WorkbenchError as err:
                if err.code != "E362":
                    raise
                data.skipped["themes"] = str(err)
            else:
                data.themes, data.theme_quotes = model.themes_, model.quotes_
                data.theme_assignments = model.assignments_
                seeds["themes"] = bench.config.themes.seed
        if bench.config.barriers.enabled:
            data.barriers = bench.barrier_hits("barrier")
            data.enablers = bench.barrier_hits("enabler")
            data.category_descriptions = {c.name: c.description for c in bench.codebook if c.description}
        else:
            data.skipped["barriers"] = "Barriers and enablers were switched off in the settings."
        data.codes = bench.codes_table()
        data.manifest = {"packages": package_versions(), "seeds": seeds,
                         "config_fingerprint": bench.config.fingerprint(),
                         "models": {"spacy_pipeline": bench.pipeline_info()["spacy_pipeline"]},
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
def _s(value: Any) -> str:
    """Text of a cell; '' for None and NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


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
    return _plural(n, escape(one), escape(many) if many else None)


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
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "stability not measured", "muted"
    value = float(value)
    if value >= STABLE_FROM:
        return f"stable: it came back each time the analysis was re-run ({value:.2f})", "good"
    if value >= UNSTABLE_BELOW:
        return f"fairly stable: it mostly came back when re-run ({value:.2f})", "fair"
    return f"check this theme: it changed when the analysis was re-run ({value:.2f})", "warn"


def bar_chart_svg(items: list[tuple[str, int]], title: str, colour: str = "#4e79a7", max_label: int = 32) -> str:
    """A horizontal bar chart as inline SVG (no script). Labels are escaped here; long ones are cut,
    with the full label in a tooltip."""
    items = [(label, int(value)) for label, value in items]
    if not items:
        return ""
    row_h, label_w, bar_w, top = 36, 400, 340, 6
    width, height = label_w + bar_w + 80, top * 2 + row_h * len(items)
    biggest = max(v for _, v in items) or 1
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'font-size="18" font-family="inherit"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        mid = y + row_h / 2
        bar = round(bar_w * value / biggest, 1) if value > 0 else 0
        short = label if len(label) <= max_label else label[:max_label - 1].rstrip() + "…"
        parts.append(
            f'<g><title>{escape(label)}: {value}</title>'
            f'<text x="{label_w - 10}" y="{mid:.1f}" text-anchor="end" dominant-baseline="middle">'
            f'{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 5}" width="{bar}" height="{row_h - 10}" rx="3" fill="{colour}"></rect>'
            f'<text x="{label_w + bar + 8:.1f}" y="{mid:.1f}" dominant-baseline="middle">{value:,}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


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


# -- the renderer ---------------------------------------------------------------------------------
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

    # text coming from the corpus: pseudonymised, then escaped
    def t(self, value: Any) -> str:
        return escape(self.pseudo(_s(value)), quote=True)

    def quote(self, text: str, doc_id: str, seg_id: str, start_char: int, speaker: Any = None,
              mark: tuple[int, int] | None = None, max_chars: int = QUOTE_CHARS) -> str:
        """A quote with who said it and where it is (document, segment, character offsets)."""
        text, start_char = _s(text), int(start_char)
        rel = (mark[0] - start_char, mark[1] - start_char) if mark else (0, 0)
        if not (0 <= rel[0] <= rel[1] <= len(text)):
            rel = (0, 0)
        s, e = _window(text, rel[0], rel[1], max_chars)
        if rel[1] > rel[0]:
            body = (self.t(text[s:rel[0]]) + f"<mark>{self.t(text[rel[0]:rel[1]])}</mark>"
                    + self.t(text[rel[1]:e]))
        else:
            body = self.t(text[s:e])
        body = ("… " if s > 0 else "") + body.strip() + (" …" if e < len(text) else "")
        who = _s(speaker)
        role = self.roles.get((doc_id, who), "") if who else ""
        title = self.titles.get(doc_id, "")
        said = " · ".join(x for x in (
            self.t(who) + (f" ({self.t(role)})" if role else "") if who else "",
            self.t(title) if title else "") if x)
        doc_id, seg_id = _s(doc_id), _s(seg_id)
        part = seg_id[len(doc_id):] if seg_id.startswith(doc_id + "#") else seg_id
        where = f"{escape(doc_id)} · part {escape(part)} · characters {start_char + s}–{start_char + e}"
        return (f'<blockquote class="quote"><p class="said">“{body}”</p>'
                + (f'<p class="who">— {said}</p>' if said else "")
                + f'<p class="where">{where}</p></blockquote>')

    def quote_at(self, seg_id: str, start: int, end: int, speaker: Any = None) -> str:
        """The sentence of segment ``seg_id`` around the match [start, end) (document offsets)."""
        seg = self.segments.get(seg_id)
        if seg is None:
            return ""
        who = speaker if _s(speaker) else seg.speaker
        return self.quote(seg.text, seg.doc_id, seg_id, seg.start_char, who, mark=(int(start), int(end)))

    def chart(self, items: list[tuple[str, int]], title: str, colour: str) -> str:
        return bar_chart_svg([(self.pseudo(_s(k)), v) for k, v in items], title, colour)

    # -- sections ---------------------------------------------------------------------------------
    def overview(self) -> str:
        d = self.d
        docs = d.documents if d.documents is not None else pd.DataFrame(columns=REQUIRED["documents"])
        n_docs, words = len(docs), int(sum(_n(w) for w in docs["words"]))
        n_segments = len(d.segments) if d.segments is not None else 0
        kinds = docs["kind"].fillna("other").astype(str).value_counts()
        kinds = sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
        kind_words = ", ".join(_kind_plural(int(n), k) for k, n in kinds) or "none"
        out = [f"<p>The report covers <strong>{_plural(n_docs, 'document')}</strong> ({kind_words}) with "
               f"<strong>{_plural(words, 'word')}</strong>, cut into {_plural(n_segments, 'part')} "
               "(speaker turns or paragraphs).</p>"]
        speakers = d.speakers if d.speakers is not None else pd.DataFrame(columns=REQUIRED["speakers"])
        by_role: dict[str, set[str]] = {}
        for row in speakers.itertuples(index=False):
            if _s(row.speaker):
                by_role.setdefault(_s(row.role) or "role not given", set()).add(_s(row.speaker))
        if by_role:
            n_people = len({s for names in by_role.values() for s in names})
            out.append(f"<p>{_plural(n_people, 'person', 'people')} spoke in the transcripts:</p><ul>")
            for role in sorted(by_role, key=lambda r: (r == "role not given", -len(by_role[r]), r)):
                names = sorted(self.pseudo(n) for n in by_role[role])
                out.append(f"<li><strong>{self.t(role)}</strong> ({len(names)}): "
                           f"{', '.join(escape(n, quote=True) for n in names)}</li>")
            out.append("</ul>")
        if n_docs:
            has_coverage = "coverage" in docs.columns
            rows = "".join(
                f"<tr><td>{self.t(r.title) or escape(_s(r.doc_id))}<div class=\"where\">{escape(_s(r.doc_id))}"
                f"</div></td><td>{self.t(r.kind)}</td><td class=\"num\">{_n(r.words):,}</td>"
                + (f'<td class="num">{_percent(r.coverage)}</td>' if has_coverage else "") + "</tr>"
                for r in docs.itertuples(index=False))
            out.append('<table><thead><tr><th>Document</th><th>Kind</th><th class="num">Words</th>'
                       + ('<th class="num">Text read</th>' if has_coverage else "") + "</tr></thead>"
                       f"<tbody>{rows}</tbody></table>")
            if has_coverage:
                out.append('<p class="where">Text read: the share of each document\'s text that is in this report '
                           "or listed below as set aside (headings, speaker labels, page boilerplate).</p>")
            if n_docs > 1:
                top = _sorted(docs.assign(x_words=[_n(w) for w in docs["words"]]), ["x_words", "doc_id"], [False, True])
                items = [(_s(r.title) or _s(r.doc_id), r.x_words) for r in top.head(30).itertuples(index=False)]
                out.append(self.chart(items, "Words in each document", COLOURS["overview"]))
        problems = d.problems if d.problems is not None else pd.DataFrame(columns=REQUIRED["problems"])
        if len(problems):
            out.append(f"<p class=\"warn\">{_plural(len(problems), 'file')} could not be read and "
                       f"{'is' if len(problems) == 1 else 'are'} not in this report:</p><ul>")
            out += [f"<li><strong>{self.t(p.path)}</strong>: {self.t(p.reason)}</li>"
                    for p in problems.itertuples(index=False)]
            out.append("</ul>")
        out.append(self.set_aside())
        unread = self._unread()
        if not len(problems) and not unread:
            out.append("<p>Every file in the folder could be read, and all of its text is in this report or listed "
                       "above as set aside.</p>")
        elif unread:
            out.append(f'<p class="warn">{_plural(unread, "character")} of text could not be placed in a part or a '
                       "listed exclusion (see exclusions.csv).</p>")
        return "".join(out)

    def _unread(self) -> int:
        exc = self.d.exclusions
        if exc is None or exc.empty:
            return 0
        return int(sum(len("".join(_s(t).split())) for t in exc.loc[exc["reason"] == "unread", "text"]))

    def set_aside(self) -> str:
        """What was kept out of the analysis, by reason, with the boilerplate lines and their counts."""
        exc = self.d.exclusions
        if exc is None or exc.empty:
            return ""
        exc = exc[exc["reason"] != "blank"]
        counts = exc["reason"].value_counts()
        order = [r for r in SET_ASIDE_WORDS if r in counts.index] + sorted(set(counts.index) - set(SET_ASIDE_WORDS))
        parts = [_plural(int(counts[r]), *SET_ASIDE_WORDS.get(r, (escape(r), None))) for r in order]
        out = [f"<p>Kept out of the analysis: {', '.join(parts)}.</p>"]
        boiler = exc[exc["reason"] == "boilerplate"]
        if len(boiler):
            texts = boiler["text"].map(lambda t: " ".join(_s(t).split())).value_counts()
            texts = sorted(texts.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
            items = []
            for text, n in texts:
                shown = text if len(text) <= 120 else text[:119] + "…"
                times = f" ({_plural(int(n), 'time')})" if n > 1 else ""
                items.append(f"<li>“{self.t(shown)}”{times}</li>")
            out.append("<p>Boilerplate set aside (bylines, dates, share and cookie lines, podcast intros and "
                       "outros):</p><ul>" + "".join(items) + "</ul>")
        return "".join(out)

    def phrases(self) -> str:
        table = self.d.phrases
        if table is None:
            return "<p>Recurring phrases were not worked out for this report.</p>"
        table = distinct_wordings(table)  # a wording shown under its family is not shown again here
        ngrams = table[table["kind"] == "ngram"]
        quoted = table[table["kind"] == "quoted"]
        if ngrams.empty and quoted.empty:
            return "<p>No phrase came up often enough to count as recurring.</p>"
        out = []
        if not ngrams.empty:
            out.append(self._ngrams(ngrams))
        if not quoted.empty:
            out.append(self._quoted(quoted))
        return "".join(out)

    def _ngrams(self, table: pd.DataFrame) -> str:
        table = _sorted(table, ["score", "count", "phrase"], [False, False, True])
        chosen: list[Any] = []
        for row in table.itertuples(index=False):
            words = f" {_s(row.phrase).lower()} "
            if any(words in f" {_s(c.phrase).lower()} " and _n(row.count) <= _n(c.count) for c in chosen):
                continue  # a piece of a phrase already shown, said no more often
            chosen.append(row)
            if len(chosen) >= self.max_phrases:
                break
        people = self.has_speakers
        out = ["<p>Words that people used again and again, most telling first. <em>Times</em> counts every "
               "use; <em>documents</em>" + (" and <em>people</em> show" if people else " shows")
               + " how widely it was shared.</p>",
               self.chart([(_s(r.phrase), _n(r.count)) for r in chosen], "How often each phrase was used",
                          COLOURS["phrases"]),
               '<table><thead><tr><th>Phrase</th><th class="num">Times</th><th class="num">Documents</th>'
               + ('<th class="num">People</th>' if people else "") + "<th>Example</th></tr></thead><tbody>"]
        for r in chosen:
            family = _s(getattr(r, "family", ""))
            out.append(f"<tr><td><strong>{self.t(r.phrase)}</strong>"
                       + (f'<div class="where">family: {self.t(family)}</div>' if family else "")
                       + f'</td><td class="num">{_n(r.count)}</td><td class="num">{_n(r.doc_count)}</td>'
                       + (f'<td class="num">{_n(r.speaker_count)}</td>' if people else "")
                       + f"<td>{self.quote_at(r.seg_id, r.start_char, r.end_char)}</td></tr>")
        out.append("</tbody></table>")
        return "".join(out)

    def _quoted(self, table: pd.DataFrame) -> str:
        table = _sorted(table.assign(x_count=table["count"].map(_n), x_docs=table["doc_count"].map(_n)),
                        ["x_count", "x_docs", "phrase"], [False, False, True]).head(self.max_phrases)
        out = ['<h3 id="quoted">Put in quotation marks</h3>'
               "<p>What people wrote or said in quotation marks: slogans, things they were told, words they "
               "held at a distance. Most used first; once is enough to be listed.</p>"
               '<table><thead><tr><th>In quotation marks</th><th class="num">Times</th>'
               '<th class="num">Documents</th><th>Where</th></tr></thead><tbody>']
        for r in table.itertuples(index=False):
            family = _s(getattr(r, "family", ""))
            out.append(f"<tr><td><strong>“{self.t(r.phrase)}”</strong>"
                       + (f'<div class="where">family: {self.t(family)}</div>' if family else "")
                       + f'</td><td class="num">{_n(r.count)}</td><td class="num">{_n(r.doc_count)}</td>'
                       f"<td>{self.quote_at(r.seg_id, r.start_char, r.end_char)}</td></tr>")
        out.append("</tbody></table>")
        return "".join(out)

    def families(self) -> str:
        d = self.d
        if d.families is None and d.phrases is None:
            return "<p>Phrase families were not worked out for this report.</p>"
        if d.families is not None:
            fams = d.families
        else:
            fams = d.phrases[d.phrases["kind"] == "family"].rename(columns={"phrase": "family"}) \
                .assign(description="")
        if fams.empty:
            return "<p>None of the listed families of phrases (such as “with, not for”) came up.</p>"
        occ = d.occurrences
        occ = occ[occ["kind"] == "family"] if occ is not None else None
        out = ["<p>Different ways of saying the same idea, grouped into families. Each family lists the "
               "wordings people used and how often.</p>",
               self.chart([(_s(r.family), _n(r.count)) for r in fams.itertuples(index=False)],
                          "How often each family of phrases came up", COLOURS["phrases"])]
        for i, f in enumerate(fams.itertuples(index=False), start=1):
            out.append(f'<section class="item" id="family-{i}"><h3>{self.t(f.family)}</h3>')
            if _s(f.description):
                out.append(f"<p>{self.t(f.description)}</p>")
            by = f", by {_plural(_n(f.speaker_count), 'person', 'people')}" if self.has_speakers else ""
            out.append(f"<p class=\"facts\">Said {_plural(_n(f.count), 'time')}, in "
                       f"{_plural(_n(f.doc_count), 'document')}{by}."
                       "</p>")
            if d.variants is not None:
                variants = d.variants[d.variants["family"] == f.family]
                if len(variants):
                    out.append("<p>Wordings:</p><ul class=\"variants\">" + "".join(
                        f"<li>“{self.t(v.variant)}” ({_plural(_n(v.count), 'time')}, "
                        f"{_plural(_n(v.doc_count), 'document')})</li>" for v in variants.itertuples(index=False))
                               + "</ul>")
            if occ is not None:
                mine = occ[occ["phrase"] == f.family]
                mine = mine.assign(x_variant=mine["surface"].astype(str).str.lower())
                for o in _pick(mine, self.max_quotes, spread=("doc_id", "x_variant")):
                    out.append(self.quote_at(o.seg_id, o.start_char, o.end_char, o.speaker))
            out.append("</section>")
        return "".join(out)

    def themes(self) -> str:
        d = self.d
        if d.themes is None:
            why = d.skipped.get("themes", "they were not worked out for this report")
            return f"<p>No themes in this report: {self.t(why)}</p>"
        themes = d.themes[d.themes["theme_id"].map(_n) >= 0]
        if themes.empty:
            return "<p>No themes were found.</p>"
        themes = _sorted(themes.assign(x_size=themes["size"].map(_n), x_id=themes["theme_id"].map(_n)),
                         ["x_size", "x_id"], [False, True])
        names = {r.x_id: (_s(r.label).strip() or f"Theme {r.x_id}") for r in themes.itertuples(index=False)}
        out = ["<p>Themes are groups of parts of the documents that talk about similar things, found by the "
               "computer. The labels are a first guess from the most typical words: read the quotes and rename "
               "a theme if the label does not fit. <em>Stable</em> means the same theme came back when the "
               "analysis was run again.</p>"]
        if d.theme_assignments is not None and len(d.theme_assignments):
            outside = int((d.theme_assignments["theme_id"].map(_n) < 0).sum())
            total = len(d.theme_assignments)
            out.append(f"<p>{_plural(total - outside, 'part')} of {total:,} fall into a theme; "
                       f"{_plural(outside, 'part')} did not fit any theme.</p>")
        out.append(self.chart([(names[r.x_id], r.x_size) for r in themes.itertuples(index=False)],
                              "How many parts of the documents each theme has", COLOURS["themes"]))
        quotes = d.theme_quotes
        for r in themes.itertuples(index=False):
            words, css = stability_words(r.stability)
            out.append(f'<section class="item" id="theme-{r.x_id}"><h3>{self.t(names[r.x_id])}</h3>'
                       f"<p class=\"facts\">{_plural(r.x_size, 'part')} from {_plural(_n(r.doc_count), 'document')}. "
                       f'<span class="{css}">{escape(words)}</span></p>')
            keywords = [k.strip() for k in _s(r.keywords).split(";") if k.strip()]
            if keywords:
                out.append(f"<p>Typical words: {', '.join(self.t(k) for k in keywords)}</p>")
            if quotes is not None:
                mine = quotes[quotes["theme_id"].map(_n) == r.x_id]
                mine = _sorted(mine.assign(x_rank=mine["rank"].map(_n)), ["x_rank", "seg_id"], [True, True])
                for q in mine.head(self.max_quotes).itertuples(index=False):
                    out.append(self.quote(q.text, q.doc_id, q.seg_id, q.start_char, q.speaker))
            out.append("</section>")
        return "".join(out)

    def hits(self, kind: str) -> str:
        d = self.d
        hits = getattr(d, f"{kind}s")
        if hits is None:
            why = d.skipped.get("barriers", "they were not looked for in this report")
            return f"<p>No {kind}s in this report: {self.t(why)}</p>"
        if hits.empty:
            what = "a barrier" if kind == "barrier" else "an enabler"
            return f"<p>No sentences were found that clearly describe {what}.</p>"
        intro = ("Sentences that describe something that gets in the way of working together, grouped by kind "
                 "of barrier." if kind == "barrier" else
                 "Sentences that describe something that helped people work together, grouped by kind of enabler.")
        counts = hits["category"].astype(str).value_counts()
        cats = sorted(counts.index, key=lambda c: (-counts[c], c))
        out = [f"<p>{intro} Found by the computer from cue words and meaning: check the quotes.</p>",
               self.chart([(c, int(counts[c])) for c in cats], f"{kind.capitalize()}s by category",
                          COLOURS[f"{kind}s"])]
        for i, cat in enumerate(cats, start=1):
            mine = hits[hits["category"].astype(str) == cat]
            mine = _sorted(mine.assign(x_score=mine["score"].astype(float)), ["x_score", "doc_id", "start_char"],
                           [False, True, True])
            out.append(f'<section class="item" id="{kind}-{i}"><h3>{self.t(cat)}</h3>')
            if self.d.category_descriptions.get(cat):
                out.append(f"<p>{self.t(self.d.category_descriptions[cat])}</p>")
            out.append(f"<p class=\"facts\">{_plural(len(mine), 'sentence')} in "
                       f"{_plural(mine['doc_id'].nunique(), 'document')}.</p>")
            for h in _pick(mine, self.max_quotes):
                out.append(self.quote(h.text, h.doc_id, h.seg_id, h.start_char, h.speaker))
            out.append("</section>")
        return "".join(out)

    def codes(self) -> str:
        codes = self.d.codes
        codes = codes[codes["code"].notna() & (codes["code"].astype(str) != "")]
        spans = codes.drop_duplicates(["code", "doc_id", "start_char", "end_char"])
        segs = codes.drop_duplicates(["code", "seg_id"]).groupby("code").size()
        docs = codes.drop_duplicates(["code", "doc_id"]).groupby("code").size()
        names = sorted(segs.index, key=lambda c: (-segs[c], c))
        out = ["<p>Codes that people gave to parts of the documents (accepted codings only). <em>Parts</em> "
               "counts each coded part once, however many coders chose it.</p>",
               self.chart([(c, int(segs[c])) for c in names], "Parts coded with each code", COLOURS["codes"]),
               '<table><thead><tr><th>Code</th><th class="num">Parts</th><th class="num">Documents</th></tr>'
               "</thead><tbody>"
               + "".join(f'<tr><td>{self.t(c)}</td><td class="num">{int(segs[c])}</td>'
                         f'<td class="num">{int(docs[c])}</td></tr>' for c in names) + "</tbody></table>"]
        for i, code in enumerate(names, start=1):
            mine = _sorted(spans[spans["code"] == code], ["doc_id", "start_char", "end_char"], [True, True, True])
            out.append(f'<section class="item" id="code-{i}"><h3>{self.t(code)}</h3>')
            for c in _pick(mine, self.max_quotes):
                out.append(self.quote(c.text, c.doc_id, c.seg_id, c.start_char, c.speaker))
            out.append("</section>")
        return "".join(out)

    def method(self) -> str:
        m = self.d.manifest or {}
        rows: list[tuple[str, str]] = []
        if m.get("created"):
            rows.append(("Made on", escape(_s(m["created"]))))
        corpus = m.get("corpus")
        if isinstance(corpus, dict):
            facts = [f"{_s(corpus[k])} {k}" for k in ("documents", "segments") if k in corpus]
            if corpus.get("files"):
                facts.append(f"{len(corpus['files'])} files (each with a SHA-256 fingerprint in manifest.json)")
            if corpus.get("unit"):
                facts.append(f"cut by {_s(corpus['unit'])}")
            rows.append(("Documents", escape(", ".join(facts))))
        fingerprint = m.get("config_fingerprint")
        if not fingerprint and isinstance(m.get("config"), dict):
            fingerprint = hashlib.sha256(json.dumps(m["config"], sort_keys=True).encode()).hexdigest()[:16]
        if fingerprint:
            rows.append(("Settings fingerprint", f"<code>{escape(_s(fingerprint))}</code>"))
        for key, label in (("seeds", "Random seeds"), ("models", "Models"), ("packages", "Software versions")):
            value = m.get(key)
            if isinstance(value, dict) and value:
                rows.append((label, escape(", ".join(f"{k} {_s(v)}" for k, v in value.items()))))
        skipped = {**self.d.skipped, **(m.get("skipped") or {})}
        for section, why in sorted(skipped.items()):
            rows.append((f"Not run: {escape(section)}", self.t(why)))
        out = ["<p>This report was made by the workbench from the documents listed above. Every quote is "
               "copied exactly from a document (only trimmed with “…”); the small grey line under it gives the "
               "document, the part and the character positions, so anyone can find it again.",
               " Names of people were replaced by pseudonyms." if self.pseudonymised else "", "</p>"]
        if rows:
            out.append("<table class=\"method\"><tbody>" + "".join(
                f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows) + "</tbody></table>")
        return "".join(out)


CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px; line-height: 1.5; color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
h1 { font-size: 2.1rem; line-height: 1.2; margin: 0.5rem 0 0.5rem; }
h2 { font-size: 1.6rem; margin-top: 2.5rem; border-bottom: 3px solid #4e79a7; padding-bottom: 0.2rem; }
h3 { font-size: 1.3rem; margin: 1.5rem 0 0.4rem; }
nav.toc { background: #f3f5f8; border-radius: 8px; padding: 0.6rem 1.2rem; }
nav.toc ol { margin: 0.3rem 0; } nav.toc a { color: #1f4e79; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.6rem; border-bottom: 1px solid #ddd; }
th { background: #f3f5f8; } .num { text-align: right; white-space: nowrap; }
table.method th { width: 14rem; }
blockquote.quote { margin: 0.8rem 0; padding: 0.5rem 1rem; border-left: 5px solid #a0b8d6; background: #fafbfc; }
blockquote.quote p { margin: 0.15rem 0; }
td blockquote.quote { margin: 0; padding: 0.2rem 0.6rem; font-size: 0.9em; }
.who { color: #333; } .where { color: #666; font-size: 0.75em; overflow-wrap: anywhere; }
mark { background: #fff1a8; padding: 0 0.1em; }
.facts { color: #333; } .good { color: #2b6a2b; } .fair { color: #6b5a00; }
.warn { color: #a1281d; font-weight: 600; } .muted { color: #666; }
svg.chart { display: block; width: 100%; max-width: 50rem; height: auto; margin: 1rem 0; }
section.item { border-top: 1px solid #e3e3e3; }
.wide { overflow-x: auto; } table.code-themes td a { display: block; color: #1f4e79; font-weight: 600; }
@media print {
  body { font-size: 12pt; } main { max-width: none; padding: 0; }
  nav.toc { background: none; border: 1px solid #999; }
  a { color: inherit; text-decoration: none; }
  h2 { break-before: page; } h2.first { break-before: auto; }
  h2, h3 { break-after: avoid; } blockquote.quote, svg.chart, tr { break-inside: avoid; }
  mark { background: none; text-decoration: underline; }
}
"""
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


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
    sections: list[tuple[str, str, str]] = [
        ("overview", "The documents at a glance", r.overview()),
        ("phrases", "Recurring phrases", r.phrases()),
        ("families", "Families of phrases", r.families()),
        ("themes", "Themes", r.themes()),
        ("barriers", "What gets in the way (barriers)", r.hits("barrier")),
        ("enablers", "What helps (enablers)", r.hits("enabler")),
    ]
    if data.codes is not None and len(data.codes):
        sections.append(("codes", "Codes", r.codes()))
        code_themes = report_code_themes.section_html(data, r.quote, r.t, r.max_quotes)
        if code_themes:
            sections.append(("codes-themes", "Codes and themes", code_themes))
    sections.append(("method", "How this report was made", r.method()))
    toc = "".join(f'<li><a href="#{key}">{escape(name)}</a></li>' for key, name, _ in sections)
    first = ' class="first"'
    body = "".join(f'<section id="{key}"><h2{first if i == 0 else ""}>{escape(name)}</h2>{html}</section>'
                   for i, (key, name, html) in enumerate(sections))
    page_title = r.t(heading)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{page_title}</title><style>{CSS}</style></head><body><main>"
            f"<h1>{page_title}</h1>"
            '<p class="lead">Made by a computer from the documents: read the quotes to check what it found.</p>'
            f'<nav class="toc" aria-label="Contents"><strong>Contents</strong><ol>{toc}</ol></nav>'
            f"{body}</main></body></html>\n")


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
