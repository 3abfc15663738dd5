"""Analysis steps behind one runner: order and needs, the results cache, skip reasons, options from the
config, numbered errors for a bad step, and a toy step added from outside the package (through an entry
point, as an installed package would) that appears in ``analyse``, the manifest and the report."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import catalogue
import pandas as pd
import pytest
from openpyxl import load_workbook

from workbench import registry
from workbench.config import Config, load_config
from workbench.errors import WorkbenchError
from workbench.project import Workbench
from workbench.runner import Timings, registered_steps
from workbench.steps import Step, StepSkipped, Table
from workbench.views.report import ReportData, ReportSection, build_report

REPO = Path(__file__).resolve().parent.parent
BUILT_IN = ["segments", "phrases", "themes", "keyness", "barriers", "enablers", "benefits", "codes", "codes_by_theme",
            "saturation"]


@pytest.fixture
def register():
    """Register steps in this process for one test, and take them out again afterwards."""
    added: list[str] = []

    def add(*steps: Step, name: str | None = None) -> None:
        for one in steps:
            registry.steps.register(name or one.name, func=one)
            added.append(name or one.name)

    yield add
    for name in added:
        catalogue.REGISTRY.pop(("workbench", "steps", name), None)


def _counts(bench) -> dict:
    docs = bench.corpus.documents_df()
    minimum = bench.runner.options("word_counts")["min_words"]
    return {"counts": docs.loc[docs["words"] >= minimum, ["doc_id", "words"]].reset_index(drop=True)}


WORD_COUNTS = Step("word_counts", _counts, tables=(Table("word_counts", "counts"),), options={"min_words": 1},
                   title="Words per document", description="How many words each document has.")


def test_built_in_steps_run_in_their_order_and_added_ones_after_the_steps_they_need(register):
    assert [s.name for s in registered_steps()] == BUILT_IN
    late = Step("late", lambda bench: {}, needs=("early",))
    early = Step("early", lambda bench: {}, needs=("phrases",))
    register(late, early)
    names = [s.name for s in registered_steps()]
    assert names[:len(BUILT_IN)] == BUILT_IN and names[len(BUILT_IN):] == ["early", "late"]


@pytest.mark.parametrize("name, bad, code", [
    ("a", Step("a", lambda bench: {}, needs=("nowhere",)), "E601"),
    ("b", Step("b", lambda bench: {}, tables=(Table("phrases", "x"),)), "E603"),
    ("c", Step("other_name", lambda bench: {}), "E607"),
    ("d", "not a step", "E600"),
])
def test_a_broken_step_is_a_numbered_error(register, name, bad, code):
    register(bad, name=name)
    with pytest.raises(WorkbenchError) as info:
        registered_steps()
    assert info.value.code == code and f"'{name}'" in str(info.value)


def test_steps_that_need_each_other_are_E602(register):
    register(Step("x", lambda bench: {}, needs=("y",)), Step("y", lambda bench: {}, needs=("x",)))
    with pytest.raises(WorkbenchError, match=r"^\[E602\].*x -> y -> x"):
        registered_steps()


def test_a_step_result_is_kept_by_fingerprint_and_its_options_come_from_the_config(register, wb_small_corpus,
                                                                                  tmp_path):
    register(WORD_COUNTS)
    config = Config()
    config.steps = {"word_counts": {"min_words": 40}}
    first = Workbench(wb_small_corpus, config, cache_dir=tmp_path, progress=False)
    result = first.result("word_counts")
    assert not result.reused and result.skipped is None
    assert list(result.tables()) == ["word_counts"]
    assert (result["counts"]["words"] >= 40).all() and 0 < len(result["counts"]) < len(first.corpus.documents)
    assert first.result("word_counts") is result  # kept for the session

    again = Workbench(wb_small_corpus, config, cache_dir=tmp_path, progress=False).result("word_counts")
    assert again.reused
    pd.testing.assert_frame_equal(again["counts"], result["counts"])
    changed = Config()
    changed.steps = {"word_counts": {"min_words": 1}}  # another setting: computed again
    other = Workbench(wb_small_corpus, changed, cache_dir=tmp_path, progress=False).result("word_counts")
    assert not other.reused and len(other["counts"]) == len(first.corpus.documents)
    assert not Workbench(wb_small_corpus, config, cache_dir=tmp_path, progress=False,
                         reuse_results=False).result("word_counts").reused


def test_step_options_are_checked(register, wb_small_corpus, tmp_path):
    register(WORD_COUNTS)
    config = Config()
    config.steps = {"word_counts": {"min_wrods": 3}}
    with pytest.raises(WorkbenchError, match=r"^\[E605\].*min_wrods.*min_words"):
        Workbench(wb_small_corpus, config, cache_dir=tmp_path).result("word_counts")
    config.steps = {"word_counts": {"min_words": "many"}}
    with pytest.raises(WorkbenchError, match=r"^\[E152\].*steps.word_counts"):
        Workbench(wb_small_corpus, config, cache_dir=tmp_path).result("word_counts")
    path = tmp_path / "analysis.toml"
    path.write_text("[steps.word_counts]\nmin_words = 7\n", encoding="utf-8")
    assert load_config(path).steps == {"word_counts": {"min_words": 7}}


def test_skipped_steps_say_why_and_a_wrong_result_is_E604(register, wb_small_corpus, tmp_path):
    def not_here(bench):
        raise StepSkipped("Nothing to count in these documents.")

    register(Step("never", not_here), Step("wrong", lambda bench: {"x": [1, 2]}),
             Step("off", lambda bench: {}, off=lambda config: "Switched off for this test."))
    bench = Workbench(wb_small_corpus, cache_dir=tmp_path, progress=False)
    assert bench.skipped_ == {}  # known before anything ran
    assert bench.result("never").skipped == "Nothing to count in these documents."
    assert bench.result("off").skipped == "Switched off for this test."
    assert bench.skipped_ == {"never": "Nothing to count in these documents.", "off": "Switched off for this test."}
    again = Workbench(wb_small_corpus, cache_dir=tmp_path, progress=False).result("never")
    assert again.reused and again.skipped == "Nothing to count in these documents."  # kept with the reason
    with pytest.raises(WorkbenchError, match=r"^\[E604\].*'wrong'.*list"):
        bench.result("wrong")
    with pytest.raises(WorkbenchError, match=r"^\[E606\] There is no step 'nope' \(registered steps: segments, "):
        bench.result("nope")


def test_timings_of_nested_steps_are_not_counted_twice():
    import time

    timings = Timings()
    with timings.measure("outer"):
        time.sleep(0.02)
        with timings.measure("inner"):
            time.sleep(0.05)
    assert timings["inner"] >= 0.05 and 0.02 <= timings["outer"] < 0.05


def test_a_step_without_a_section_of_its_own_gets_one_in_the_report_with_its_text_escaped(register, wb_small_corpus,
                                                                                          tmp_path):
    register(Step("hostile", lambda bench: {"t": pd.DataFrame({"doc_id": ["a.txt"], "note": ["<script>x</script>"]})},
                  tables=(Table("hostile", "t"),), title="Odd <b>notes</b>", description="Said & done."))
    result = Workbench(wb_small_corpus, cache_dir=tmp_path, progress=False).result("hostile")
    html = build_report(ReportData(sections=[ReportSection.of(result)]))
    assert '<section id="hostile"><h2>Odd &lt;b&gt;notes&lt;/b&gt;</h2>' in html
    assert "<p>Said &amp; done.</p>" in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>" not in html and '<a href="#hostile">' in html


TOY_PACKAGE = '''
"""A step that lives outside the workbench, registered by its entry point."""
from workbench.steps import Step, Table


def count_words(bench):
    docs = bench.corpus.documents_df()
    minimum = bench.runner.options("word_counts")["min_words"]
    return {"counts": docs.loc[docs["words"] >= minimum, ["doc_id", "words"]].reset_index(drop=True)}


word_counts = Step("word_counts", count_words, tables=(Table("word_counts", "counts"),), options={"min_words": 1},
                   title="Words per document", description="How many words each document has.")
'''


@pytest.mark.slow
def test_a_step_from_an_installed_package_appears_in_analyse_the_manifest_and_the_report(wb_small_corpus, tmp_path):
    site = tmp_path / "site"
    (site / "toy_steps").mkdir(parents=True)
    (site / "toy_steps" / "__init__.py").write_text(textwrap.dedent(TOY_PACKAGE), encoding="utf-8")
    info = site / "toy_steps-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-steps\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[workbench_steps]\nword_counts = toy_steps:word_counts\n", encoding="utf-8")
    config = tmp_path / "analysis.toml"
    config.write_text("[themes]\nenabled = false\n[barriers]\nenabled = false\n[steps.word_counts]\nmin_words = 40\n",
                      encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO / "src")])}

    def analyse(out: Path) -> dict:
        done = subprocess.run([sys.executable, "-m", "workbench.cli", "analyse", str(wb_small_corpus), "--out",
                               str(out), "--config", str(config), "--no-progress"], env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))

    manifest = analyse(tmp_path / "out")
    counts = pd.read_csv(tmp_path / "out" / "word_counts.csv")
    assert list(counts.columns) == ["doc_id", "words"] and len(counts) and (counts["words"] >= 40).all()
    assert "word_counts.csv" in manifest["outputs"]
    assert manifest["steps"]["word_counts"] == {"tables": ["word_counts"], "reused": False}
    assert manifest["config"]["steps"] == {"word_counts": {"min_words": 40}}
    assert list(manifest["steps"])[-1] == "word_counts"  # after the built-in steps
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert '<section id="word_counts"><h2>Words per document</h2>' in html
    assert all(f"<td>{doc}</td>" in html for doc in counts["doc_id"])
    assert "word_counts" in load_workbook(tmp_path / "out" / "tables.xlsx", read_only=True).sheetnames

    again = analyse(tmp_path / "again")
    assert "word_counts" in again["results_reused"] and again["steps"]["word_counts"]["reused"] is True
