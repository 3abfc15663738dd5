"""One setting chooses the corpus of every notebook and the dashboard: the CORPUS parameter, else
WORKBENCH_CORPUS (``make lab CORPUS=...``), else the demo; the corpus picker; the dashboard app that
rebuilds itself on another corpus. Headless, with a stand-in bench (no models)."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from workbench.errors import CorpusError
from workbench.views.corpus_choice import ENV, CorpusPicker, chosen_corpus, corpus_title, resolve_corpus
from workbench.views.dashboard_app import DashboardApp

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """<tmp>/project/corpora/{coproduction,my-transcripts}, and an outside folder <tmp>/elsewhere/notes."""
    root = tmp_path / "project"
    for name in ("coproduction", "my-transcripts", ".hidden"):
        (root / "corpora" / name).mkdir(parents=True)
    (tmp_path / "elsewhere" / "notes").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


def test_the_parameter_wins_then_the_setting_then_the_demo(project, monkeypatch):
    corpora = project / "corpora"
    assert chosen_corpus() == (corpora / "coproduction").resolve()
    monkeypatch.setenv(ENV, "my-transcripts")  # a name in corpora/
    assert chosen_corpus() == (corpora / "my-transcripts").resolve()
    monkeypatch.setenv(ENV, str(project.parent / "elsewhere" / "notes"))  # an absolute path
    assert chosen_corpus() == (project.parent / "elsewhere" / "notes").resolve()
    assert chosen_corpus("corpora/my-transcripts") == (corpora / "my-transcripts").resolve()  # relative to the project


def test_a_path_is_found_from_a_notebook_folder_too(project, monkeypatch):
    (project / "notebooks").mkdir()
    monkeypatch.chdir(project / "notebooks")  # where Jupyter runs the notebooks
    assert resolve_corpus("corpora/my-transcripts") == (project / "corpora" / "my-transcripts").resolve()


def test_a_missing_folder_gives_a_numbered_error_naming_the_setting_and_the_choices(project, monkeypatch):
    monkeypatch.setenv(ENV, "corpora/missing")
    with pytest.raises(CorpusError, match=r"^\[E057\] The corpus 'corpora/missing' \(the WORKBENCH_CORPUS setting\)") as err:
        chosen_corpus()
    assert "Folders in corpora/: coproduction, my-transcripts." in str(err.value)  # hidden folders left out
    with pytest.raises(CorpusError, match="the notebook's CORPUS setting"):
        chosen_corpus("nowhere")


def test_picker_lists_corpora_and_an_outside_choice_and_tells_listeners(project, monkeypatch):
    outside = (project.parent / "elsewhere" / "notes").resolve()
    monkeypatch.setenv(ENV, str(outside))
    picker = CorpusPicker()
    labels = [label for label, _ in picker.options()]
    assert labels == [f"notes ({outside.parent})", "coproduction", "my-transcripts"]
    seen = []
    picker.on_change(seen.append)
    picker.choose("my-transcripts")
    assert picker.path == (project / "corpora" / "my-transcripts").resolve() and seen == [picker.path]
    picker.choose("my-transcripts")  # the same again: nothing to tell
    assert len(seen) == 1
    box = picker.box
    assert "wb-corpus-picker" in picker.dropdown._dom_classes and box.children[0] is picker.dropdown
    picker.dropdown.value = str((project / "corpora" / "coproduction").resolve())  # the widget drives the state
    assert picker.path.name == "coproduction" and seen[-1].name == "coproduction"
    assert "coproduction</code>" in picker.note.value and "make lab CORPUS=" in picker.note.value


def test_corpus_titles():
    assert corpus_title(Path("/x/my-transcripts")) == "My transcripts"
    assert corpus_title(Path("garden_2026")) == "Garden 2026"


def stand_in_bench(path: Path) -> SimpleNamespace:
    """Enough of a Workbench for the Dashboard: one phrase, themes and barriers switched off."""
    if path.name == "notes":
        from workbench.errors import Errors

        raise CorpusError(Errors.E051.format(path=path, n_problems=1))
    phrase = pd.DataFrame([{"phrase": f"words of {path.name}", "kind": "ngram", "family": None, "count": 2,
                            "doc_count": 1, "speaker_count": 1, "score": 1.0}])
    config = SimpleNamespace(themes=SimpleNamespace(enabled=False), barriers=SimpleNamespace(enabled=False))
    def result(step: str) -> SimpleNamespace:  # as Workbench.result: themes and barriers are skipped
        return SimpleNamespace(skipped=f"{step} were switched off in the settings.", frames={})

    return SimpleNamespace(path=path, phrase_tables=(phrase, pd.DataFrame()), config=config, result=result,
                           corpus=SimpleNamespace(documents=[object()]))


def test_dashboard_app_shows_the_chosen_corpus_and_rebuilds_on_another(project, monkeypatch):
    monkeypatch.setenv(ENV, "my-transcripts")
    app = DashboardApp(make_bench=stand_in_bench)
    assert app.bench.path.name == "my-transcripts"
    assert "My transcripts: what people said" in app.widget.box.children[1].value
    assert ("ngram", "words of my-transcripts") in app.widget.phrase_buttons
    assert app.box.children[0].children[0] is app.widget.box and app.box.children[-1] is app.picker.box

    app.picker.dropdown.value = str((project / "corpora" / "coproduction").resolve())
    assert app.bench.path.name == "coproduction" and app.status.value == ""
    assert "Co-production workshops: what people said" in app.widget.box.children[1].value  # the demo's title
    assert app.holder.children == (app.widget.box,)

    shown = app.widget
    app.picker.choose(str(project.parent / "elsewhere" / "notes"))  # a folder that cannot be read
    assert app.widget is shown and "[E051]" in app.status.value  # the old dashboard stays, the reason shows


def test_every_notebook_starts_with_the_corpus_parameter_and_names_no_corpus_in_code():
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        first = "".join(code[0]["source"])
        assert "parameters" in code[0]["metadata"].get("tags", []), path.name
        assert "\nCORPUS = None" in first and "WORKBENCH_CORPUS" in first, path.name
        rest = "".join("".join(c["source"]) for c in code[1:])
        assert '"coproduction"' not in rest and "find_corpora_root() /" not in rest, path.name
