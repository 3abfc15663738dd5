"""Review queue: a person accepts, corrects or rejects the machine's coding suggestions, one at a time,
highest score first.

``ReviewQueue`` holds the state (plain Python); ``ReviewQueueWidget`` is a thin ipywidgets layer over it.
Suggestions come from ``bench.suggest_codings()`` (the barrier and enabler detectors) or any
``store.suggest(...)``; a rejected suggestion stays in the store, so it is not offered again.
"""
from __future__ import annotations

from collections.abc import Iterable

from ..analysis.codebook import KINDS
from ..coding.store import Coding, CodingError
from ..errors import Errors, WorkbenchError
from .coding_panel import check_codes, marked_text_html, require_name, seg_meta_html
from .html import escape, text_html

MACHINE_SOURCES = ("rule", "model")


class ReviewQueue:
    """Pending suggestions of a Workbench's coding store and the actions on them. No widgets."""

    def __init__(self, bench, reviewer: str):
        self.bench = bench
        self.reviewer = require_name(reviewer, "reviewer")
        self.skipped: list[str] = []   # coding_ids skipped in this session, in the order skipped
        self.last: Coding | None = None  # the suggestion reviewed last
        self._queue: list[Coding] = []
        self.refresh()

    @property
    def store(self):
        return self.bench.codings

    @property
    def codebook(self):
        return self.bench.codebook

    def refresh(self) -> ReviewQueue:
        """Re-read the store (it may have changed in another notebook or by another reviewer)."""
        queue = self.store.queue()
        pending = {c.coding_id for c in queue}
        self.skipped = [i for i in self.skipped if i in pending]
        skipped = set(self.skipped)
        by_id = {c.coding_id: c for c in queue}
        self._queue = [c for c in queue if c.coding_id not in skipped] + [by_id[i] for i in self.skipped]
        return self

    def fill(self, kinds: tuple[str, ...] = ("barrier", "enabler")) -> int:
        """Put the detectors' hits (of ``kinds``) in the queue; returns how many suggestions were new."""
        added = self.bench.suggest_codings(kinds=tuple(kinds))
        self.refresh()
        return added

    def pending(self) -> list[Coding]:
        """The suggestions still to review, in the order they will be offered (skipped ones last)."""
        return list(self._queue)

    def current(self) -> Coding | None:
        """The suggestion to review now (highest score first), or None when the queue is empty."""
        return self._queue[0] if self._queue else None

    def _require(self, action: str) -> Coding:
        coding = self.current()
        if coding is None:
            raise CodingError(Errors.E436.format(action=action))
        return coding

    def _review(self, action: str, codes: list[str] | None = None, memo: str | None = None) -> Coding:
        coding = self._require(action)
        memo = memo.strip() if isinstance(memo, str) and memo.strip() else None
        self.last = self.store.review(coding.coding_id, self.reviewer, action, codes=codes, memo=memo)
        self.refresh()
        return self.last

    def accept(self, memo: str | None = None) -> Coding:
        """Accept the current suggestion as it is; the next one becomes current."""
        return self._review("accept", memo=memo)

    def reject(self, memo: str | None = None) -> Coding:
        """Reject the current suggestion (kept as rejected, so it is not suggested again)."""
        return self._review("reject", memo=memo)

    def correct(self, codes: Iterable[str] | str, memo: str | None = None, allow_new: bool = False) -> Coding:
        """Accept the current suggestion with other codes from the codebook (E432 for an unknown code)."""
        self._require("correct")
        return self._review("correct", codes=check_codes(self.codebook, codes, allow_new=allow_new), memo=memo)

    def skip(self) -> Coding | None:
        """Leave the current suggestion for later (it moves to the end); returns the new current one."""
        coding = self._require("skip")
        self.skipped = [i for i in self.skipped if i != coding.coding_id] + [coding.coding_id]
        self.refresh()
        return self.current()

    def progress(self) -> dict[str, int]:
        """Counts over every machine suggestion in the store: ``done`` (reviewed) of ``total``, with
        ``pending``, ``accepted``, ``rejected`` and ``skipped`` (this session)."""
        machine = [c for c in self.store.all() if c.source in MACHINE_SOURCES]
        counts = {status: sum(c.status == status for c in machine) for status in ("accepted", "rejected", "pending")}
        return {"done": counts["accepted"] + counts["rejected"], "total": len(machine), **counts,
                "skipped": len(self.skipped)}

    def progress_text(self) -> str:
        p = self.progress()
        return (f"{p['done']} of {p['total']} suggestions reviewed ({p['accepted']} accepted, "
                f"{p['rejected']} rejected) · {p['pending']} to go"
                + (f" · {p['skipped']} skipped for later" if p["skipped"] else ""))

    def code_options(self) -> list[tuple[str, str]]:
        """(label, code name) for every code, grouped by kind: "barrier · jargon and accessibility"."""
        return [(f"{kind} · {code.name}", code.name) for kind in KINDS for code in self.codebook if code.kind == kind]

    def suggestion_html(self) -> str:
        """The current suggestion: its codes, score, source and evidence, and the sentence highlighted in
        its segment. Everything from the corpus and the store is escaped."""
        c = self.current()
        if c is None:
            return '<p class="wb-empty wb-review-done">Nothing left to review.</p>'
        described = []
        for name in c.codes:
            code = next((k for k in self.codebook if k.name == name), None)
            about = "" if code is None else f" ({escape(code.kind)})" + (
                f": {escape(code.description)}" if code.description else "")
            described.append(f"<b>{escape(name)}</b>{about}")
        score = "no score" if c.score is None else f"{c.score:.2f}"
        head = (f'<p class="wb-review-codes">Suggested: {"; ".join(described)}</p>'
                f'<p class="wb-review-meta">Score <b>{score}</b> · by {escape(c.source)} ({escape(c.coder)})'
                + (f' · evidence: <span class="wb-review-evidence">{escape(c.evidence)}</span>' if c.evidence else "")
                + "</p>")
        try:
            seg = self.bench.corpus.segment(c.seg_id)
        except KeyError:
            seg = None
        if seg is None or seg.doc_id != c.doc_id or not seg.start_char <= c.start_char < c.end_char <= seg.end_char:
            body = (f'<p class="wb-note">Segment <code>{escape(c.seg_id)}</code> is no longer in the corpus as it '
                    f'was; the suggested text was:</p><p class="wb-seg-text"><mark class="wb-review-span">'
                    f"{text_html(c.text)}</mark></p>")
        else:
            marked = marked_text_html(seg.text, seg.start_char, [], (c.start_char, c.end_char), "wb-review-span")
            body = f'{seg_meta_html(self.bench.corpus, seg.seg_id)}<p class="wb-seg-text">{marked}</p>'
        return f'<div class="wb-review-item" data-coding-id="{escape(c.coding_id)}">{head}{body}</div>'


class ReviewQueueWidget:
    """ipywidgets over a ReviewQueue. ``.box`` is the widget to display; after each action the next
    suggestion is shown."""

    def __init__(self, queue: ReviewQueue):
        import ipywidgets as w

        self.queue = queue
        self.suggestion = w.HTML()
        self.progress = w.HTML()
        self.bar = w.IntProgress(value=0, min=0, max=1, description="Reviewed")
        self.accept = w.Button(description="Accept", button_style="success")
        self.reject = w.Button(description="Reject", button_style="danger")
        self.skip = w.Button(description="Skip for now")
        self.correct_code = w.Dropdown(options=queue.code_options(), description="Correct to")
        self.correct = w.Button(description="Correct", button_style="warning")
        self.memo = w.Text(placeholder="a note on this decision (optional)", description="Memo",
                           layout=w.Layout(width="60%"))
        self.fill = w.Button(description="Fill queue from detectors")
        self.refresh_button = w.Button(description="Refresh")
        self.status = w.HTML()
        for widget, name in ((self.suggestion, "suggestion"), (self.progress, "progress"), (self.bar, "bar"),
                             (self.accept, "accept"), (self.reject, "reject"), (self.skip, "skip"),
                             (self.correct_code, "correct-code"), (self.correct, "correct"), (self.memo, "memo"),
                             (self.fill, "fill"), (self.refresh_button, "refresh"), (self.status, "status")):
            widget.add_class(f"wb-review-{name}")
        self.accept.on_click(lambda _: self._act("accept"))
        self.reject.on_click(lambda _: self._act("reject"))
        self.correct.on_click(lambda _: self._act("correct"))
        self.skip.on_click(lambda _: self._act("skip"))
        self.fill.on_click(lambda _: self.fill_queue())
        self.refresh_button.on_click(lambda _: self.redraw(refresh=True))
        self.box = w.VBox([
            w.HBox([self.progress, self.bar]), self.suggestion,
            w.HBox([self.accept, self.reject, self.skip]),
            w.HBox([self.correct_code, self.correct]), self.memo,
            self.status, w.HBox([self.fill, self.refresh_button]),
        ])
        self.box.add_class("wb-review")
        self.redraw()

    def redraw(self, refresh: bool = False) -> None:
        """Show the current suggestion and the progress (``refresh``: re-read the store first)."""
        if refresh:
            self.queue.refresh()
        q = self.queue
        self.suggestion.value = q.suggestion_html()
        p = q.progress()
        self.progress.value = f'<p class="wb-review-count">{escape(q.progress_text())}</p>'
        self.bar.max, self.bar.value = max(1, p["total"]), p["done"]
        current = q.current()
        for button in (self.accept, self.reject, self.skip, self.correct):
            button.disabled = current is None
        names = [value for _, value in self.correct_code.options]
        if current is not None and current.codes[0] in names:
            self.correct_code.value = current.codes[0]

    def _act(self, action: str) -> None:
        q = self.queue
        memo = self.memo.value
        try:
            if action == "accept":
                done = q.accept(memo)
            elif action == "reject":
                done = q.reject(memo)
            elif action == "correct":
                done = q.correct([self.correct_code.value], memo)
            else:
                q.skip()
                done = None
        except WorkbenchError as err:
            self.status.value = f'<p class="wb-error">{escape(str(err))}</p>'
            return
        self.memo.value = ""
        if done is None:
            self.status.value = '<p class="wb-note">Skipped; it will come back at the end.</p>'
        else:
            verb = {"accept": "Accepted", "reject": "Rejected", "correct": "Corrected to"}[action]
            self.status.value = (f'<p class="wb-ok">{verb} <b>{escape("; ".join(done.codes))}</b>: '
                                 f"“{escape(done.text)}”</p>")
        self.redraw()

    def fill_queue(self) -> None:
        try:
            added = self.queue.fill()
        except WorkbenchError as err:
            self.status.value = f'<p class="wb-error">{escape(str(err))}</p>'
            return
        self.status.value = f'<p class="wb-ok">{added} new suggestion(s) added to the queue.</p>'
        self.redraw()
