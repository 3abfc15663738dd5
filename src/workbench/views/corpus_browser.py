"""Corpus browser: choose or upload a corpus, see documents and load problems, filter segments,
read a document with its segments marked. ``CorpusBrowser`` holds the state (no widgets), and
``CorpusBrowserWidget`` is a thin ipywidgets layer over it."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from ..corpus import Corpus, load_corpus
from ..corpus.model import SEGMENT_COLUMNS
from .html import escape, table_html

ALL = "(all)"


def find_corpora_root(start: str | Path | None = None) -> Path:
    """The nearest ``corpora/`` folder at or above ``start`` (default: the working directory)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "corpora").is_dir():
            return folder / "corpora"
    return here / "corpora"


def _safe_name(name: str) -> str:
    """A file name from an upload, without any folder part (no path traversal)."""
    base = Path(str(name).replace("\\", "/")).name.strip()
    return base if base not in ("", ".", "..") else "upload.txt"


class CorpusBrowser:
    """State and queries behind the corpus notebook; every method is plain Python."""

    def __init__(self, corpora_root: str | Path | None = None, *, unit: str = "auto", max_file_mb: float = 50.0):
        self.corpora_root = Path(corpora_root) if corpora_root else find_corpora_root()
        self.unit = unit
        self.max_file_mb = max_file_mb
        self.corpus: Corpus | None = None
        self.source: str | None = None
        self._upload_dir: tempfile.TemporaryDirectory | None = None

    def available_corpora(self) -> list[str]:
        if not self.corpora_root.is_dir():
            return []
        return sorted(p.name for p in self.corpora_root.iterdir() if p.is_dir() and not p.name.startswith("."))

    def load(self, name_or_path: str | Path) -> Corpus:
        path = Path(name_or_path)
        if not path.is_absolute() and not path.exists():
            path = self.corpora_root / path
        self.corpus = load_corpus(path, unit=self.unit, max_file_mb=self.max_file_mb)
        self.source = str(name_or_path)
        return self.corpus

    def load_uploads(self, files: Iterable[Mapping[str, Any]]) -> Corpus:
        """Load files from an ipywidgets FileUpload value (dicts with ``name`` and ``content``)."""
        if self._upload_dir is not None:
            self._upload_dir.cleanup()
        self._upload_dir = tempfile.TemporaryDirectory(prefix="workbench-upload-")
        folder = Path(self._upload_dir.name)
        names: list[str] = []
        for item in files:
            name = _safe_name(item.get("name", "upload.txt"))
            stem, suffix, n = Path(name).stem, Path(name).suffix, 1
            while name in names:  # two uploads with one name: keep both
                n += 1
                name = f"{stem}-{n}{suffix}"
            (folder / name).write_bytes(bytes(item["content"]))
            names.append(name)
        self.corpus = load_corpus(folder, unit=self.unit, max_file_mb=self.max_file_mb)
        self.source = f"{len(names)} uploaded file(s)"
        return self.corpus

    def _require(self) -> Corpus:
        if self.corpus is None:
            raise RuntimeError("No corpus loaded yet: choose one and press Load, or upload files.")
        return self.corpus

    def documents(self) -> pd.DataFrame:
        return self._require().documents_df()

    def problems(self) -> pd.DataFrame:
        return self._require().problems_df()

    def summary(self) -> str:
        s = self._require().summary()
        kinds = ", ".join(f"{n} {k}" for k, n in s["kinds"].items()) or "no documents"
        return (f"{s['documents']} documents ({kinds}), {s['segments']} segments, {s['words']} words, "
                f"{s['speakers']} speakers, {s['problems']} load problems")

    def filter_options(self, kind: str | None = None, doc_id: str | None = None) -> dict[str, list[str]]:
        """Choices for the filters; documents narrow to the kind, speakers to the kind and document."""
        segs = self.filter(kind=kind)
        docs = sorted(segs["doc_id"].unique())
        if doc_id and doc_id != ALL:
            segs = segs[segs["doc_id"] == doc_id]
        return {
            "kind": sorted(self._require().documents_df()["kind"].unique()),
            "doc_id": docs,
            "speaker": sorted(s for s in segs["speaker"].dropna().unique()),
        }

    def filter(self, kind: str | None = None, doc_id: str | None = None, speaker: str | None = None,
               text: str | None = None) -> pd.DataFrame:
        """Segments matching every given filter (``None`` or ``"(all)"`` means any)."""
        frame = self._require().segments_df()
        for column, value in (("kind", kind), ("doc_id", doc_id), ("speaker", speaker)):
            if value and value != ALL:
                frame = frame[frame[column] == value]
        if text:
            frame = frame[frame["text"].str.contains(text, case=False, regex=False)]
        return frame.reset_index(drop=True)

    def document_html(self, doc_id: str) -> str:
        """The document's text, escaped, with each segment marked and labelled with its speaker."""
        corpus = self._require()
        doc = corpus.document(doc_id)
        parts = [f'<div class="wb-document"><h3>{escape(doc.title)}</h3>'
                 f'<p class="wb-doc-meta">{escape(doc.kind)} · {escape(doc.source_format)}'
                 f'{" · " + escape(doc.date) if doc.date else ""}</p><div class="wb-doc-text">']
        cursor = 0
        for seg in corpus.segments_of(doc_id):
            parts.append(escape(doc.text[cursor:seg.start_char]).replace("\n", "<br>"))
            parts.append(f'<span class="wb-segment" data-seg-id="{escape(seg.seg_id)}" '
                         f'title="{escape(seg.seg_id)} [{seg.start_char}:{seg.end_char}]">'
                         f'{escape(seg.text).replace(chr(10), "<br>")}</span>')
            cursor = seg.end_char
        parts.append(escape(doc.text[cursor:]).replace("\n", "<br>"))
        parts.append("</div></div>")
        return "".join(parts)


class CorpusBrowserWidget:
    """ipywidgets over a CorpusBrowser. ``.box`` is the widget to display."""

    def __init__(self, browser: CorpusBrowser):
        import ipywidgets as w

        self.browser = browser
        options = browser.available_corpora()
        self.corpus_choice = w.Dropdown(options=options, value=options[0] if options else None,
                                        description="Corpus")
        self.load_button = w.Button(description="Load", button_style="primary")
        self.upload = w.FileUpload(accept=".txt,.md,.docx,.html,.htm,.pdf,.vtt,.srt,.csv,.xlsx", multiple=True,
                                   description="Upload files")
        self.status = w.HTML()
        self.documents = w.HTML()
        self.problems = w.HTML()
        self.kind = w.Dropdown(options=[ALL], description="Kind")
        self.doc = w.Dropdown(options=[ALL], description="Document")
        self.speaker = w.Dropdown(options=[ALL], description="Speaker")
        self.segments = w.HTML()
        self.reader_choice = w.Dropdown(options=[], description="Read")
        self.reader = w.HTML()
        for widget, name in ((self.corpus_choice, "corpus"), (self.load_button, "load"), (self.upload, "upload"),
                             (self.status, "status"), (self.documents, "documents"), (self.problems, "problems"),
                             (self.kind, "kind"), (self.doc, "doc"), (self.speaker, "speaker"),
                             (self.segments, "segments"), (self.reader_choice, "reader-choice"),
                             (self.reader, "reader")):
            widget.add_class(f"wb-corpus-{name}")
        self.load_button.on_click(lambda _: self.load_selected())
        self.upload.observe(lambda change: self.load_uploaded(change["new"]), names="value")
        for dropdown in (self.kind, self.doc, self.speaker):
            dropdown.observe(self._on_filter, names="value")
        self.reader_choice.observe(lambda change: self.show_document(change["new"]), names="value")
        self._updating = False
        self.box = w.VBox([
            w.HBox([self.corpus_choice, self.load_button, self.upload]), self.status,
            w.Tab(children=[
                w.VBox([self.documents, self.problems]),
                w.VBox([w.HBox([self.kind, self.doc, self.speaker]), self.segments]),
                w.VBox([self.reader_choice, self.reader]),
            ], titles=("Documents", "Segments", "Read a document")),
        ])
        if browser.corpus is not None:
            self.refresh()

    def load_selected(self) -> None:
        if self.corpus_choice.value:
            self._run(lambda: self.browser.load(self.corpus_choice.value))

    def load_uploaded(self, files) -> None:
        if files:
            self._run(lambda: self.browser.load_uploads(files))

    def _run(self, action) -> None:
        from ..errors import WorkbenchError

        try:
            action()
        except WorkbenchError as err:
            self.status.value = f'<p class="wb-error">{escape(str(err))}</p>'
            return
        self.refresh()

    def refresh(self) -> None:
        """Redraw everything from the browser's current corpus."""
        b = self.browser
        self.status.value = f"<p><b>{escape(b.source or '')}</b>: {escape(b.summary())}</p>"
        self.documents.value = table_html(b.documents()[["doc_id", "kind", "title", "date", "format",
                                                         "segments", "words", "speakers"]])
        problems = b.problems()
        self.problems.value = ("" if problems.empty else
                               "<h4>Load problems (skipped files)</h4>" + table_html(problems))
        self._updating = True
        try:
            options = b.filter_options()
            self.kind.options = [ALL, *options["kind"]]
            self.kind.value = ALL
            self.doc.options = [ALL, *options["doc_id"]]
            self.doc.value = ALL
            self.speaker.options = [ALL, *options["speaker"]]
            self.speaker.value = ALL
            doc_ids = list(b.documents()["doc_id"])
            self.reader_choice.options = doc_ids
            self.reader_choice.value = doc_ids[0] if doc_ids else None
        finally:
            self._updating = False
        self._show_segments()
        self.show_document(self.reader_choice.value)

    def _on_filter(self, change) -> None:
        if self._updating:
            return
        self._updating = True
        try:
            options = self.browser.filter_options(kind=self.kind.value, doc_id=self.doc.value)
            doc_value = self.doc.value if self.doc.value in options["doc_id"] else ALL
            self.doc.options = [ALL, *options["doc_id"]]
            self.doc.value = doc_value
            speaker_value = self.speaker.value if self.speaker.value in options["speaker"] else ALL
            self.speaker.options = [ALL, *options["speaker"]]
            self.speaker.value = speaker_value
        finally:
            self._updating = False
        self._show_segments()

    def _show_segments(self) -> None:
        frame = self.browser.filter(kind=self.kind.value, doc_id=self.doc.value, speaker=self.speaker.value)
        self.segments.value = (f"<p>{len(frame)} segments</p>" +
                               table_html(frame[SEGMENT_COLUMNS + ["speaker_role"]], max_rows=100))

    def show_document(self, doc_id: str | None) -> None:
        self.reader.value = self.browser.document_html(doc_id) if doc_id else ""
