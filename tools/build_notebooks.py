"""Write the notebooks in notebooks/ from the cell sources below, then execute them to store outputs.

Notebooks are thin clients of the package; keeping their source here makes diffs readable.
Run: .venv/bin/python tools/build_notebooks.py [name ...]
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat as nbf

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS: dict[str, list[tuple[str, str]]] = {}

NOTEBOOKS["01_corpus"] = [
    ("md", """# 1 · Your corpus: load it, check it, read it

This notebook loads a folder of workshop transcripts and blog posts, shows what was found (and any file
that could not be read), lets you filter segments by kind, document and speaker, and read a document with
its segments marked. Every segment keeps its `doc_id`, `seg_id` and character offsets, so any quote can be
traced back to the exact place in the source.

Run all cells (*Run ▸ Run All Cells*). To use your own files, upload them in the browser below, or put a
folder under `corpora/` and choose it from the list."""),
    ("code", """import pandas as pd
from workbench.views.corpus_browser import CorpusBrowser, CorpusBrowserWidget

pd.set_option("display.width", 140)
pd.set_option("display.max_colwidth", 60)
browser = CorpusBrowser()          # finds the corpora/ folder of this project
browser.available_corpora()"""),
    ("md", "## Load the demo corpus"),
    ("code", """browser.load("coproduction")
print(browser.summary())"""),
    ("code", """browser.documents()[["doc_id", "kind", "format", "date", "segments", "words", "speakers"]]"""),
    ("md", "Files that could not be read are listed here with the reason (an empty table means all loaded):"),
    ("code", "browser.problems()"),
    ("md", "## Who speaks in the transcripts?"),
    ("code", """browser.corpus.speakers_df().pivot_table(index="role", values="segments", aggfunc="sum")"""),
    ("md", "## Filter segments: one speaker in the transcripts"),
    ("code", """rose = browser.filter(kind="transcript", speaker="Rose")
print(len(rose), "segments by Rose")
rose[["seg_id", "start_char", "end_char", "speaker_role", "text"]].head(3)"""),
    ("md", "Offsets point into the document's text, so a segment can always be found again:"),
    ("code", """first = rose.iloc[0]
document = browser.corpus.document(first.doc_id)
print(repr(document.text[first.start_char:first.end_char][:80]))
document.text[first.start_char:first.end_char] == first.text"""),
    ("md", """## Browse interactively

Choose a corpus and press **Load**, or upload files. The tabs show the documents (and load problems),
the segments with filters, and a reader for one document at a time."""),
    ("code", """ui = CorpusBrowserWidget(browser)
ui.box"""),
    ("md", "The widget is driven by the same browser object, so its filters can also be set from code:"),
    ("code", """ui.kind.value = "transcript"
ui.speaker.value = "Hope"
print(ui.segments.value.split("</p>")[0].removeprefix("<p>"))"""),
]


def build(name: str, cells: list[tuple[str, str]]) -> Path:
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src)
                for kind, src in cells]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name.replace('_', '-')}-{i:02d}"
    path = ROOT / "notebooks" / f"{name}.ipynb"
    nbf.write(nb, path)
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                    "--ExecutePreprocessor.timeout=600", str(path)], check=True, cwd=path.parent)
    return path


if __name__ == "__main__":
    wanted = sys.argv[1:] or list(NOTEBOOKS)
    for name in wanted:
        print("built", build(name, NOTEBOOKS[name]))
