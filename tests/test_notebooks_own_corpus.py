"""Every notebook and the dashboard notebook run on a corpus other than the demo, chosen by the one setting
(WORKBENCH_CORPUS, which `make lab CORPUS=...` sets), without a single error, and show that corpus.

The notebooks run in memory (nbclient), from the repository's notebooks/ folder, on a copy of
tests/data/second_corpus; fitted models go to a temporary folder, so nothing in the repository changes.
nbval checks the stored (demo) outputs separately."""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow  # annotates, embeds and fits themes in a kernel per notebook

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["01_corpus", "02_phrases", "03_themes", "04_barriers_and_coding", "dashboard"]


@pytest.fixture(scope="module")
def second_corpus(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("own") / "riverside-garden"
    shutil.copytree(REPO / "tests" / "data" / "second_corpus", dest)
    return dest


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_on_another_corpus(name, second_corpus, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("WORKBENCH_CORPUS", str(second_corpus))
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    nb = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(REPO / "notebooks")}}).execute()  # raises on any error
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
               if "application/vnd.jupyter.widget-view+json" not in out.get("data", {})]  # widget reprs list corpora/
    text = "\n".join(out.get("text", "") + str(out.get("data", {}).get("text/plain", "")) for out in outputs)
    assert "Traceback" not in text
    demo_files = [p.name for p in (REPO / "corpora" / "coproduction").rglob("*") if p.is_file()]
    assert not [f for f in demo_files if f in text]  # nothing from the demo shows
    if name == "01_corpus":
        assert "riverside-garden · 4 documents (2 blog, 2 transcript), 39 segments" in text
    elif name == "dashboard":
        assert "4 documents ·" in text
    else:
        assert "riverside-garden" in text
