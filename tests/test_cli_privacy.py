"""``workbench pseudonymise`` and the report's pseudonymise option, end to end on the small corpus."""
from __future__ import annotations

import json

import pytest

from workbench.cli import main
from workbench.config import Config
from workbench.corpus import load_corpus
from workbench.project import Workbench

pytestmark = pytest.mark.slow


def test_cli_pseudonymise_writes_a_copy_and_a_separate_key(capsys, tmp_path, wb_small_corpus):
    out, key = tmp_path / "shared", tmp_path / "private" / "key.json"
    code = main(["pseudonymise", str(wb_small_corpus), "--out", str(out), "--key", str(key)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert str(key) in printed.out and "Rose" not in printed.out  # the terminal log does not leak names
    mapping = json.loads(key.read_text(encoding="utf-8"))
    assert json.dumps(mapping)  # the key is plain JSON the user keeps
    assert not list(out.rglob("*key*.json"))
    original, copy = load_corpus(wb_small_corpus), load_corpus(out)
    assert [s.seg_id for s in copy.segments] == [s.seg_id for s in original.segments]
    speakers = {s.speaker for s in copy.segments if s.speaker}
    assert speakers and not speakers & {"Rose", "Dev Patel", "Sheila", "Amara"}
    text = " ".join(d.text for d in copy.documents)
    for name in ("Rose", "Dev Patel", "Sheila", "Amara"):
        assert name not in text
    # A second run with the same key gives the same pseudonyms.
    again = tmp_path / "shared2"
    assert main(["pseudonymise", str(wb_small_corpus), "--out", str(again), "--key", str(key)]) == 0
    assert [s.speaker for s in load_corpus(again).segments] == [s.speaker for s in copy.segments]


def test_cli_pseudonymise_refuses_to_put_the_key_in_the_copy(capsys, tmp_path, wb_small_corpus):
    out = tmp_path / "shared"
    assert main(["pseudonymise", str(wb_small_corpus), "--out", str(out), "--key", str(out / "key.json")]) == 1
    err = capsys.readouterr().err
    assert "[E50" in err and "Traceback" not in err


def test_report_can_be_pseudonymised_from_the_config(tmp_path, wb_corpus_copy, wb_cache_dir):
    config = Config()
    config.themes.enabled = False
    config.privacy.pseudonymise_report = True
    bench = Workbench(wb_corpus_copy, config, progress=False)
    report = bench.write_report(tmp_path / "report.html").read_text(encoding="utf-8")
    for name in ("Rose", "Sheila", "Dev Patel"):
        assert name not in report
    plain = Workbench(wb_corpus_copy, Config(), progress=False).write_report(tmp_path / "plain.html", pseudonymise=False)
    assert "Sheila" in plain.read_text(encoding="utf-8")
