"""``workbench verify DIR``: re-run the recorded analysis and report every table that differs."""
from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from workbench.cli import main
from workbench.config import Config
from workbench.errors import WorkbenchError
from workbench.project import Workbench
from workbench.verify import compare_tables, verify

pytestmark = pytest.mark.slow


@pytest.fixture
def ve_analysed(tmp_path, wb_corpus_copy, wb_cache_dir):
    """An analysis of a private copy of the small corpus (themes are skipped: too few segments)."""
    out = tmp_path / "published"
    Workbench(wb_corpus_copy, Config(), progress=False).analyse(out)
    return wb_corpus_copy, out


def test_verify_matches_an_unchanged_analysis(capsys, ve_analysed):
    corpus, out = ve_analysed
    result = verify(out)
    assert result.matched, result.tables
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    csvs = sorted(name for name in manifest["outputs"] if name.endswith(".csv"))
    assert sorted(result.tables["table"]) == csvs and {"segments.csv", "barriers.csv"} <= set(csvs)
    assert set(result.tables["status"]) <= {"identical", "equal"}
    assert result.changed_inputs == []
    assert main(["verify", str(out), "--no-progress"]) == 0
    assert "MATCH: all" in capsys.readouterr().out


def test_verify_names_the_table_and_cell_that_differ(capsys, ve_analysed):
    corpus, out = ve_analysed
    phrases = pd.read_csv(out / "segments.csv", keep_default_na=False)
    phrases.loc[0, "text"] = "edited by hand"
    phrases.to_csv(out / "segments.csv", index=False)
    result = verify(out)
    assert not result.matched
    row = result.tables.set_index("table").loc["segments.csv"]
    assert row["status"] == "differs" and "column 'text'" in row["detail"] and "row 1" in row["detail"]
    assert main(["verify", str(out), "--no-progress"]) == 1
    captured = capsys.readouterr()
    assert "DIFFERENT: 1 of" in captured.err and "segments.csv" in captured.out
    # what could explain it: the recorded machine beside this one
    assert "The recorded machine and this one" in captured.out
    assert "cpu.model" in captured.out and "thread_settings.OMP_NUM_THREADS" in captured.out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["machine"]["cpu"]["model"] and "blas" in manifest["machine"]
    assert result.machine_recorded == manifest["machine"] and result.machine_now["cpu"]


def test_verify_reports_a_changed_input_file(ve_analysed):
    corpus, out = ve_analysed
    t2 = corpus / "transcripts" / "t2.txt"
    t2.write_text(t2.read_text(encoding="utf-8") + "\nAmara: One more line about money and time.\n", encoding="utf-8")
    result = verify(out)
    assert result.changed_inputs == ["transcripts/t2.txt"]
    assert not result.matched
    assert "segments.csv" in set(result.tables.query("status == 'differs'")["table"])


def test_verify_finds_a_moved_corpus_and_takes_an_override(tmp_path, ve_analysed):
    corpus, out = ve_analysed
    moved = tmp_path / "elsewhere"
    shutil.move(corpus, moved)
    assert verify(out, corpus_path=moved, keep=tmp_path / "rerun").matched
    assert (tmp_path / "rerun" / "manifest.json").exists()


def test_verify_errors_are_numbered(capsys, tmp_path):
    with pytest.raises(WorkbenchError, match=r"^\[E160\]"):
        verify(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(WorkbenchError, match=r"^\[E161\]"):
        verify(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"corpus": {}, "config": {"corpus": {"unit": "nope"}},
                                                        "outputs": []}), encoding="utf-8")
    with pytest.raises(WorkbenchError, match=r"^\[E162\]"):
        verify(tmp_path)
    assert main(["verify", str(tmp_path / "missing")]) == 1
    assert "[E160]" in capsys.readouterr().err


def test_compare_tables_tolerates_only_float_formatting(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("x,y\n1,0.30000000000000004\n", encoding="utf-8")
    b.write_text("x,y\n1,0.3\n", encoding="utf-8")
    assert compare_tables(a, b)[0] == "equal"
    b.write_text("x,y\n1,0.31\n", encoding="utf-8")
    assert compare_tables(a, b)[0] == "differs"
    # a 4-decimal score whose last digit moved (float noise on another CPU) is equal; two digits are not
    a.write_text("x,score\n1,0.4567\n", encoding="utf-8")
    b.write_text("x,score\n1,0.4568\n", encoding="utf-8")
    assert compare_tables(a, b) == ("equal", "numbers equal within 0.00015 (the last digit of a score: float noise)")
    b.write_text("x,score\n1,0.4569\n", encoding="utf-8")
    assert compare_tables(a, b)[0] == "differs"
    b.write_text("x,z\n1,0.3\n", encoding="utf-8")
    assert "columns" in compare_tables(a, b)[1]
    assert compare_tables(a, tmp_path / "none.csv") == ("differs", "not produced by the re-run")
