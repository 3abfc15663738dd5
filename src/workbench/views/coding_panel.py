"""Coding panel: pick a segment (from the corpus browser, a concordance line, a theme or the barrier list),
select a span or the whole segment, assign codes from the codebook and a memo, and save at once.

``CodingPanel`` holds the state (plain Python, testable without a browser); ``CodingPanelWidget`` is a
thin ipywidgets layer over it. Other views link in by calling ``panel.pick_from(row)``: the widget
follows every change of its panel. Corpus text is always escaped.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from ..analysis.codebook import KINDS
from ..coding.store import Coding, CodingError, check_span, codings_frame
from ..errors import Errors, WorkbenchError
from ..values import is_missing
from .html import escape, text_html

KIND_TITLES = {"barrier": "Barriers", "enabler": "Enablers", "principle": "Principles", "benefit": "Benefits",
               "other": "Other"}
_QUOTES = {"'": "['’‘]", "’": "['’‘]", "‘": "['’‘]", '"': '["“”]', "“": '["“”]', "”": '["“”]'}


# -- helpers shared with the review queue ---------------------------------------------------------
def require_name(name: Any, role: str = "coder") -> str:
    """``name`` stripped, or E430 when it is missing."""
    if not isinstance(name, str) or not name.strip():
        raise CodingError(Errors.E430.format(role=role, got=repr(name)))
    return name.strip()


def check_codes(codebook, codes: Iterable[str] | str, allow_new: bool = False) -> list[str]:
    """Code names as the codebook spells them (case and spaces forgiven); E435 if there are none,
    E432 (with close matches) for a name that is not in the codebook unless ``allow_new``."""
    if isinstance(codes, str):
        codes = [codes]
    wanted = [str(c).strip() for c in (codes or []) if str(c).strip()]
    if not wanted:
        raise CodingError(Errors.E435.format(source=codebook.source))
    names = [code.name for code in codebook]
    folded = {" ".join(n.lower().split()): n for n in names}
    out: list[str] = []
    for name in wanted:
        found = name if name in codebook else folded.get(" ".join(name.lower().split()))
        if found is None and not allow_new:
            close = difflib.get_close_matches(name.lower(), list(folded), n=3, cutoff=0.5)
            hint = ("; did you mean " + " or ".join(f"'{folded[c]}'" for c in close) + "?") if close else "."
            raise CodingError(Errors.E432.format(name=name, hint=hint, source=codebook.source))
        out.append(found or name)
    return list(dict.fromkeys(out))


def row_field(row: Any, name: str) -> Any:
    """``row[name]`` of a dict or pandas Series, or ``row.name`` of a namedtuple/object; None if absent."""
    if isinstance(row, (Mapping, pd.Series)):
        value = row.get(name)
    else:
        value = getattr(row, name, None)
    return None if is_missing(value) else value


def _int_or_none(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def seg_meta_html(corpus, seg_id: str) -> str:
    """Speaker (or document kind), document title, seg_id and offsets of a segment, escaped."""
    seg = corpus.segment(seg_id)
    doc = corpus.document(seg.doc_id)
    who = f"<b>{escape(seg.speaker)}</b>" if seg.speaker else escape(doc.kind)
    return (f'<p class="wb-seg-meta">{who} · {escape(doc.title)} · <code>{escape(seg_id)}</code> '
            f"[{seg.start_char}:{seg.end_char}]</p>")


def marked_text_html(text: str, base: int, spans: list[tuple[int, int, str]],
                     selection: tuple[int, int] | None = None, selection_class: str = "wb-coding-selection") -> str:
    """``text`` (starting at document offset ``base``) escaped, each span ``(start, end, title)`` wrapped
    in ``<span class="wb-coded">`` and followed by its number, the selection in ``<mark>``."""
    end_all = base + len(text)
    cuts = {base, end_all}
    clipped = []
    for number, (start, end, title) in enumerate(spans, 1):
        start, end = max(start, base), min(end, end_all)
        if start < end:
            clipped.append((start, end, title, number))
            cuts.update((start, end))
    if selection is not None:
        selection = (max(selection[0], base), min(selection[1], end_all))
        cuts.update(selection)
    points = sorted(cuts)
    parts = []
    for a, b in zip(points, points[1:]):
        piece = text_html(text[a - base:b - base])
        covering = [c for c in clipped if c[0] <= a and b <= c[1]]
        if covering:
            title = escape(" | ".join(c[2] for c in covering))
            numbers = " ".join(str(c[3]) for c in covering)
            piece = f'<span class="wb-coded" data-codings="{numbers}" title="{title}">{piece}</span>'
        if selection is not None and selection[0] <= a and b <= selection[1]:
            piece = f'<mark class="{selection_class}">{piece}</mark>'
        parts.append(piece)
        parts.extend(f'<sup class="wb-coding-ref">{c[3]}</sup>' for c in clipped if c[1] == b)
    return "".join(parts)


def _coding_title(c: Coding) -> str:
    return f"{'; '.join(c.codes)} ({c.coder}, {c.source}{'' if c.status == 'accepted' else ', ' + c.status})"


class CodingPanel:
    """Pick a segment, select a span, code it. Every method is plain Python (no widgets).

    ``bench`` is a ``Workbench`` (its ``corpus``, ``codebook`` and ``codings`` store are used);
    ``coder`` is the name saved with every coding.
    """

    def __init__(self, bench, coder: str):
        self.bench = bench
        self.coder = require_name(coder, "coder")
        self.seg_id: str | None = None
        self.start_char: int | None = None
        self.end_char: int | None = None
        self.last_saved: Coding | None = None
        self._listeners: list[Callable[[CodingPanel], None]] = []

    # -- wiring ------------------------------------------------------------------------------
    @property
    def corpus(self):
        return self.bench.corpus

    @property
    def codebook(self):
        return self.bench.codebook

    @property
    def store(self):
        return self.bench.codings

    def on_change(self, callback: Callable[[CodingPanel], None]) -> None:
        """Call ``callback(panel)`` after every pick, selection and save (the widget redraws itself)."""
        self._listeners.append(callback)

    def _changed(self) -> None:
        for callback in list(self._listeners):
            callback(self)

    def segment_ids(self) -> list[str]:
        return [seg.seg_id for seg in self.corpus.segments]

    def codes_by_kind(self) -> dict[str, list[str]]:
        """Code names of the codebook grouped by kind (kinds in the codebook's order, codes in file order)."""
        out: dict[str, list[str]] = {}
        for kind in KINDS:
            names = [code.name for code in self.codebook if code.kind == kind]
            if names:
                out[kind] = names
        return out

    # -- picking and selecting -----------------------------------------------------------------
    def _segment(self):
        if self.seg_id is None:
            raise CodingError(Errors.E434)
        return self.corpus.segment(self.seg_id)

    def _resolve(self, seg_id: Any):
        seg_id = str(seg_id).strip()
        try:
            return self.corpus.segment(seg_id)
        except KeyError:
            example = self.corpus.segments[0].seg_id if self.corpus.segments else "none"
            raise CodingError(Errors.E413.format(seg_id=seg_id, example=example)) from None

    def pick(self, seg_id: str) -> CodingPanel:
        """Show segment ``seg_id`` (E413 if the corpus has none), with the whole segment selected."""
        seg = self._resolve(seg_id)
        self.seg_id, self.start_char, self.end_char = seg.seg_id, seg.start_char, seg.end_char
        self._changed()
        return self

    def pick_from(self, row: Any) -> CodingPanel:
        """Pick the segment of a row from any view: a corpus browser segment, a concordance hit, a theme,
        theme quote or assignment, a barrier hit or a Coding (dict, pandas Series or namedtuple), or a
        plain seg_id. A span in the row (a concordance match, a barrier sentence) is selected when it
        lies inside the segment; otherwise the whole segment is."""
        if isinstance(row, str):
            return self.pick(row)
        seg_id = row_field(row, "seg_id")
        if seg_id is None or not str(seg_id).strip():
            raise CodingError(Errors.E431.format(what=type(row).__name__))
        seg = self._resolve(seg_id)
        start, end = _int_or_none(row_field(row, "start_char")), _int_or_none(row_field(row, "end_char"))
        if start is None or end is None or not seg.start_char <= start < end <= seg.end_char:
            start, end = seg.start_char, seg.end_char
        self.seg_id, self.start_char, self.end_char = seg.seg_id, start, end
        self._changed()
        return self

    def select(self, start_char: int, end_char: int) -> CodingPanel:
        """Select document characters ``start_char:end_char`` (inside the segment; E410 if not)."""
        seg = self._segment()
        self.start_char, self.end_char = check_span(seg, start_char, end_char)  # E410 says which check failed
        self._changed()
        return self

    def find_text(self, text: str) -> list[tuple[int, int]]:
        """Document offsets of every place ``text`` occurs in the segment. Case, runs of spaces and line
        breaks, and straight or curly quotes are forgiven (words pasted from a view still match)."""
        seg = self._segment()
        words = str(text or "").split()
        if not words:
            return []
        pattern = r"\s+".join("".join(_QUOTES.get(ch, re.escape(ch)) for ch in word) for word in words)
        return [(seg.start_char + m.start(), seg.start_char + m.end())
                for m in re.finditer(pattern, seg.text, flags=re.IGNORECASE)]

    def select_text(self, text: str, occurrence: int = 0) -> CodingPanel:
        """Select the words ``text`` inside the segment (the ``occurrence``-th place, from 0; E433 if absent)."""
        seg = self._segment()
        found = self.find_text(text)
        if not found or not 0 <= occurrence < len(found):
            if not str(text or "").strip():
                detail = ": no words were given"
            elif found:
                detail = f": it occurs {len(found)} time(s), so occurrence {occurrence} (counted from 0) does not exist"
            else:
                detail = ""
            raise CodingError(Errors.E433.format(text=str(text)[:80], seg_id=seg.seg_id, detail=detail))
        return self.select(*found[occurrence])

    def select_all(self) -> CodingPanel:
        """Select the whole segment."""
        seg = self._segment()
        return self.select(seg.start_char, seg.end_char)

    @property
    def selection(self) -> tuple[int, int] | None:
        return None if self.seg_id is None else (self.start_char, self.end_char)

    @property
    def whole_segment(self) -> bool:
        seg = self._segment()
        return (self.start_char, self.end_char) == (seg.start_char, seg.end_char)

    @property
    def selected_text(self) -> str:
        seg = self._segment()
        return self.corpus.document(seg.doc_id).text[self.start_char:self.end_char]

    # -- coding --------------------------------------------------------------------------------
    def code(self, codes: Iterable[str] | str, memo: str = "", allow_new: bool = False) -> Coding:
        """Save the selected span with ``codes`` (from the codebook; a new name only with ``allow_new``)
        and ``memo``, as a human, accepted coding by this panel's coder. Saved at once (atomic write)."""
        seg = self._segment()
        names = check_codes(self.codebook, codes, allow_new=allow_new)
        coding = self.store.code_span(self.corpus, seg.seg_id, names, self.coder, self.start_char, self.end_char,
                                      memo=str(memo or "").strip())
        self.last_saved = coding
        self._changed()
        return coding

    def _here(self) -> list[Coding]:
        if self.seg_id is None:
            return []
        found = [c for c in self.store.all() if c.seg_id == self.seg_id and c.status != "rejected"]
        return sorted(found, key=lambda c: (c.start_char, c.end_char, c.created))

    def codings_here(self) -> pd.DataFrame:
        """Codings on the current segment (everyone's; accepted and pending, not rejected), by position."""
        return codings_frame(self._here())

    # -- HTML ----------------------------------------------------------------------------------
    def segment_html(self) -> str:
        """The segment, escaped, with the selection highlighted and existing codings marked and listed."""
        if self.seg_id is None:
            return '<p class="wb-empty">Pick a segment to code.</p>'
        seg = self._segment()
        here = self._here()
        body = marked_text_html(seg.text, seg.start_char, [(c.start_char, c.end_char, _coding_title(c)) for c in here],
                                (self.start_char, self.end_char))
        scope = "the whole segment" if self.whole_segment else f"characters {self.start_char}-{self.end_char}"
        return (f'<div class="wb-coding-segment-view">{seg_meta_html(self.corpus, seg.seg_id)}'
                f'<p class="wb-seg-text">{body}</p>'
                f'<p class="wb-coding-scope">Selected: {scope}</p>{self.codings_html(here)}</div>')

    def codings_html(self, codings: list[Coding] | None = None) -> str:
        """The codings on the current segment as a numbered, escaped list."""
        codings = self._here() if codings is None else codings
        if not codings:
            return '<p class="wb-empty wb-coding-none">No codings on this segment yet.</p>'
        items = []
        for c in codings:
            memo = f' — <i>{escape(c.memo)}</i>' if c.memo else ""
            when = escape(c.created[:16].replace("T", " "))
            items.append(f'<li class="wb-coding-item wb-coding-{escape(c.status)}" '
                         f'data-coding-id="{escape(c.coding_id)}">'
                         f'<b>{escape("; ".join(c.codes))}</b> on “{escape(c.text or "")}” '
                         f'<span class="wb-coding-who">({escape(c.coder)}, {escape(c.source)}, {escape(c.status)}, '
                         f'{when})</span>{memo}</li>')
        return f'<ol class="wb-coding-items">{"".join(items)}</ol>'


class CodingPanelWidget:
    """ipywidgets over a CodingPanel. ``.box`` is the widget to display. It redraws whenever the
    panel changes, so another view's click handler only needs to call ``panel.pick_from(row)``."""

    def __init__(self, panel: CodingPanel):
        import ipywidgets as w

        self.panel = panel
        self._updating = False
        self.segment = w.Combobox(options=panel.segment_ids(), placeholder="a seg_id, e.g. from the concordance",
                                  description="Segment", ensure_option=False, continuous_update=False)
        self.view = w.HTML()
        self.span_text = w.Text(placeholder="type or paste the words to code", description="Text to code",
                                continuous_update=False, layout=w.Layout(width="60%"))
        self.whole = w.Button(description="Whole segment")
        self.code_lists: dict[str, Any] = {}
        columns = []
        for kind, names in panel.codes_by_kind().items():
            chooser = w.SelectMultiple(options=names, rows=min(8, len(names)), layout=w.Layout(width="230px"))
            chooser.add_class("wb-coding-codes-list")
            chooser.add_class(f"wb-coding-codes-{kind}")
            self.code_lists[kind] = chooser
            columns.append(w.VBox([w.HTML(f"<b>{escape(KIND_TITLES.get(kind, kind))}</b>"), chooser]))
        self.codes = w.HBox(columns, layout=w.Layout(flex_flow="row wrap"))
        self.memo = w.Textarea(placeholder="why these codes, doubts, links (optional)", description="Memo",
                               layout=w.Layout(width="60%"))
        self.save = w.Button(description="Save coding", button_style="primary")
        self.status = w.HTML()
        self.codings = w.HTML()
        for widget, name in ((self.segment, "segment"), (self.view, "view"), (self.span_text, "span-text"),
                             (self.whole, "whole"), (self.codes, "codes"), (self.memo, "memo"),
                             (self.save, "save"), (self.status, "status"), (self.codings, "list")):
            widget.add_class(f"wb-coding-{name}")
        self.segment.observe(lambda change: self._pick(change["new"]), names="value")
        self.span_text.observe(lambda change: self._select_text(change["new"]), names="value")
        self.whole.on_click(lambda _: self._run(self.panel.select_all))
        self.save.on_click(lambda _: self.save_coding())
        panel.on_change(lambda _: self.refresh())
        self.box = w.VBox([
            self.segment, self.view,
            w.HBox([self.span_text, self.whole]),
            w.HTML("<b>Codes</b> (choose one or more; Ctrl/Cmd-click for several)"), self.codes,
            self.memo, self.save, self.status,
            w.HTML("<b>Codings on this segment</b>"), self.codings,
        ])
        self.box.add_class("wb-coding")
        self.refresh()

    # -- state -> widgets ----------------------------------------------------------------------
    def chosen_codes(self) -> list[str]:
        return [name for chooser in self.code_lists.values() for name in chooser.value]

    def refresh(self) -> None:
        """Redraw from the panel's state (called after every change of the panel)."""
        p = self.panel
        self._updating = True
        try:
            if p.seg_id is not None:
                self.segment.value = p.seg_id
                self.span_text.value = "" if p.whole_segment else " ".join(p.selected_text.split())
        finally:
            self._updating = False
        self.view.value = p.segment_html()
        self.codings.value = p.codings_html() if p.seg_id is not None else ""

    def _ok(self, html: str) -> None:
        self.status.value = f'<p class="wb-ok">{html}</p>'

    def _error(self, err: Exception) -> None:
        self.status.value = f'<p class="wb-error">{escape(str(err))}</p>'

    def _run(self, action: Callable[[], Any]) -> bool:
        try:
            action()
        except WorkbenchError as err:
            self._error(err)
            return False
        return True

    # -- widgets -> panel ----------------------------------------------------------------------
    def _pick(self, seg_id: str) -> None:
        if self._updating or not str(seg_id or "").strip() or seg_id == self.panel.seg_id:
            return
        if self._run(lambda: self.panel.pick(seg_id)):
            self.status.value = ""

    def _select_text(self, text: str) -> None:
        if self._updating or self.panel.seg_id is None:
            return
        if not str(text or "").strip():
            self._run(self.panel.select_all)
            return
        if self._run(lambda: self.panel.select_text(text)):
            n = len(self.panel.find_text(text))
            self.status.value = (f'<p class="wb-note">These words occur {n} times here; the first is selected. '
                                 "Type more words to choose another.</p>" if n > 1 else "")

    def pick_from(self, row: Any) -> None:
        """Show a row from another view (errors go to the status line)."""
        self._run(lambda: self.panel.pick_from(row))

    def save_coding(self) -> None:
        """The Save button: select the typed words if they changed, then code with the chosen codes."""
        p = self.panel
        if p.seg_id is None:
            self._error(CodingError(Errors.E434))
            return
        typed = self.span_text.value.strip()
        if typed and " ".join(typed.split()) != " ".join(p.selected_text.split()):
            if not self._run(lambda: p.select_text(typed)):
                return
        try:
            coding = p.code(self.chosen_codes(), self.memo.value)
        except WorkbenchError as err:
            self._error(err)
            return
        self._updating = True
        try:
            for chooser in self.code_lists.values():
                chooser.value = ()
            self.memo.value = ""
        finally:
            self._updating = False
        self._ok(f"Saved <b>{escape('; '.join(coding.codes))}</b> on “{escape(coding.text)}” "
                 f"by {escape(coding.coder)}.")

    def follow_concordance(self, concordance_widget) -> None:
        """Pick the line chosen in a ConcordanceWidget's "Read line" list (its match is selected)."""
        def on_line(change) -> None:
            row = change["new"]
            if row is not None:
                self.pick_from(concordance_widget.view.hits.iloc[row])

        concordance_widget.lines.observe(on_line, names="value")
