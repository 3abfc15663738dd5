"""Barriers, enablers and codings through the facade and the CLI: barriers.csv, enablers.csv, codes.csv,
``workbench agreement`` and ``workbench merge-codings``."""
from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest

from workbench.analysis.barriers import COLUMNS as BARRIER_COLUMNS
from workbench.cli import main
from workbench.coding import Coding, CodingStore, agreement
from workbench.config import Config
from workbench.project import Workbench
from workbench.steps.codes import CODE_COLUMNS

pytestmark = pytest.mark.slow


def no_themes() -> Config:
    config = Config()
    config.themes.enabled = False
    return config


def header(path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def test_analyse_writes_barriers_and_enablers_with_exact_columns(tmp_path, wb_corpus_copy, wb_cache_dir):
    bench = Workbench(wb_corpus_copy, no_themes(), progress=False)
    written = bench.analyse(tmp_path / "out")
    for kind in ("barriers", "enablers", "benefits"):
        assert header(written[kind]) == BARRIER_COLUMNS
        table = pd.read_csv(written[kind])
        for row in table.itertuples(index=False):
            assert bench.corpus.document(row.doc_id).text[row.start_char:row.end_char] == row.text
    barriers = pd.read_csv(written["barriers"])
    assert len(barriers) >= 1  # e.g. "Vouchers are not payment." (the detector's accuracy is tested elsewhere)
    categories = {c.name for c in bench.codebook.of_kind("barrier")}
    assert set(barriers["category"]) <= categories
    assert "codes" not in written  # nobody has coded anything yet
    manifest = json.loads(written["manifest"].read_text(encoding="utf-8"))
    assert manifest["codings"]["accepted_codes"] == 0
    assert set(manifest["barriers"]) == {"barriers", "enablers", "benefits"}
    assert sum(manifest["barriers"]["barriers"].values()) == len(barriers)


def test_codes_csv_holds_human_and_accepted_machine_codings_only(tmp_path, wb_corpus_copy, wb_cache_dir):
    bench = Workbench(wb_corpus_copy, no_themes(), progress=False)
    corpus = bench.corpus
    sheila = next(s for s in corpus.segments if s.speaker == "Sheila" and "never paid" in s.text)
    start = sheila.start_char + sheila.text.index("never paid")
    bench.codings.code_span(corpus, sheila.seg_id, ["recognition and payment", "time and resources"],
                            coder="Ana", start_char=start, end_char=start + len("never paid"), memo="money")
    rose = next(s for s in corpus.segments if s.speaker == "Rose")
    machine = [Coding(doc_id=rose.doc_id, seg_id=rose.seg_id, start_char=rose.start_char, end_char=rose.end_char,
                      codes=[code], coder="workbench", source="rule", status="pending", score=0.7)
               for code in ("tokenism and late consultation", "trust")]
    assert bench.codings.suggest(machine) == 2
    queue = bench.codings.queue()
    bench.codings.review(queue[0].coding_id, "Ana", "accept")
    bench.codings.review(queue[1].coding_id, "Ana", "reject")

    written = bench.analyse(tmp_path / "out")
    assert header(written["codes"]) == CODE_COLUMNS
    codes = pd.read_csv(written["codes"], keep_default_na=False)
    assert sorted(codes["code"]) == sorted(["recognition and payment", "time and resources", queue[0].codes[0]])
    assert set(codes["source"]) == {"human", "rule"}
    assert queue[1].coding_id not in set(codes["coding_id"])  # the rejected suggestion is left out
    for row in codes.itertuples(index=False):
        assert corpus.document(row.doc_id).text[row.start_char:row.end_char] == row.text
    assert set(codes.loc[codes["coder"] == "Ana", "speaker"]) == {"Sheila"}
    assert set(codes.loc[codes["coder"] == "Ana", "memo"]) == {"money"}
    manifest = json.loads(written["manifest"].read_text(encoding="utf-8"))
    assert manifest["codings"]["accepted_codes"] == 3
    # The same codings go to the REFI-QDA project, the tables to one workbook, and the report shows them.
    import zipfile
    from openpyxl import load_workbook

    with zipfile.ZipFile(written["project_qdpx"]) as archive:
        project = archive.read("project.qde").decode("utf-8")
    # Ana's span and the accepted suggestion, plus one selection per detector hit that is in no coding yet
    # (the machine suggestions, by their own user; on by default since issue 16)
    machine_user = re.search(r'<User guid="([^"]+)" name="workbench \(machine suggestion\)"', project)
    people = [m for m in re.finditer(r"<PlainTextSelection .*?</PlainTextSelection>", project, re.S)
              if not machine_user or f'creatingUser="{machine_user.group(1)}"' not in m.group(0).split(">")[0]]
    assert len(people) == 2
    assert "codes" in load_workbook(written["workbook"], read_only=True).sheetnames
    assert written["codebook_qdc"].read_text(encoding="utf-8").count("<Code ") == len(bench.codebook.codes)
    report = written["report"].read_text(encoding="utf-8")
    assert "never paid" in report and "recognition and payment" in report
    assert set(manifest["outputs"]) >= {"report.html", "tables.xlsx", "project.qdpx", "codebook.qdc", "codes.csv"}
    # The codings live beside the corpus, in a hidden folder the loader does not read as documents.
    assert (wb_corpus_copy / ".workbench" / "codings").is_dir()
    assert len(Workbench(wb_corpus_copy, no_themes(), progress=False).corpus.documents) == len(corpus.documents)


def test_suggest_codings_fills_the_review_queue_once(wb_corpus_copy, wb_cache_dir):
    bench = Workbench(wb_corpus_copy, no_themes(), progress=False)
    hits = len(bench.barriers("barrier").hits_) + len(bench.barriers("enabler").hits_)
    assert hits > 0
    assert bench.suggest_codings() == hits
    assert bench.suggest_codings() == 0  # the same suggestions are not queued twice
    queued = bench.codings.queue()
    assert {c.source for c in queued} <= {"rule", "model"}
    assert all(c.status == "pending" and c.evidence for c in queued)


def _two_coders(bench) -> None:
    corpus = bench.corpus
    segs = corpus.segments[:4]
    plan = {"Ana": [["trust"], ["trust", "power and hierarchy"], [], ["time and resources"]],
            "Ben": [["trust"], ["power and hierarchy"], ["trust"], ["time and resources"]]}
    for coder, per_segment in plan.items():
        for seg, codes in zip(segs, per_segment):
            if codes:
                bench.codings.code_span(corpus, seg.seg_id, codes, coder=coder)


def test_cli_agreement_prints_the_table_of_the_agreement_function(capsys, tmp_path, wb_corpus_copy):
    bench = Workbench(wb_corpus_copy, no_themes(), progress=False)
    _two_coders(bench)
    code = main(["agreement", str(wb_corpus_copy), "--coders", "Ana", "Ben", "--csv", str(tmp_path / "a.csv")])
    out, err = capsys.readouterr()
    assert code == 0, err
    expected = agreement(CodingStore(bench.codings_dir).load().frame(), "Ana", "Ben")
    written = pd.read_csv(tmp_path / "a.csv", keep_default_na=False)
    assert list(written["code"]) == list(expected["code"]) == ["power and hierarchy", "time and resources",
                                                                 "trust", "overall"]
    assert written["kappa"].iloc[-1] == pytest.approx(expected["kappa"].iloc[-1])
    for code_name in expected["code"]:
        assert code_name in out
    assert "Agreement between Ana and Ben" in out
    # The codings folder itself works as PATH too.
    assert main(["agreement", str(bench.codings_dir), "--coders", "Ana", "Ben"]) == 0


def test_cli_agreement_errors_are_numbered(capsys, tmp_path, wb_corpus_copy):
    assert main(["agreement", str(tmp_path / "nowhere"), "--coders", "Ana", "Ben"]) == 1
    assert "[E419]" in capsys.readouterr().err
    bench = Workbench(wb_corpus_copy, no_themes(), progress=False)
    _two_coders(bench)
    assert main(["agreement", str(wb_corpus_copy), "--coders", "Ana", "Zoe"]) == 1
    err = capsys.readouterr().err
    assert "[E418]" in err and "Zoe" in err and "Traceback" not in err


def test_cli_merge_codings_keeps_both_coders(capsys, tmp_path, wb_corpus_copy):
    bench = Workbench(wb_corpus_copy, no_themes(), progress=False)
    corpus = bench.corpus
    a, b = CodingStore(tmp_path / "a"), CodingStore(tmp_path / "b")
    a.code_span(corpus, corpus.segments[0].seg_id, ["trust"], coder="Ana")
    b.code_span(corpus, corpus.segments[1].seg_id, ["trust"], coder="Ben")
    assert main(["merge-codings", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "m")]) == 0
    assert "2 codings" in capsys.readouterr().out
    merged = CodingStore(tmp_path / "m").load()
    assert merged.coders() == ["Ana", "Ben"] and len(merged) == 2


def test_cli_export_codings_as_json_csv_and_folder(capsys, tmp_path, wb_corpus_copy):
    from workbench.export.tables import read_table_csv

    bench = Workbench(wb_corpus_copy, no_themes(), progress=False)
    _two_coders(bench)
    made = {c.coding_id for c in bench.codings.all()}
    assert main(["export-codings", str(wb_corpus_copy), "--out", str(tmp_path / "all.json")]) == 0
    assert f"Wrote {len(made)} codings by 2 coders" in capsys.readouterr().out
    data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert {c["coding_id"] for c in data["codings"]} == made
    assert main(["export-codings", str(bench.codings_dir), "--out", str(tmp_path / "all.csv")]) == 0
    assert set(read_table_csv(tmp_path / "all.csv")["coding_id"]) == made
    assert main(["export-codings", str(wb_corpus_copy), "--out", str(tmp_path / "by-coder")]) == 0
    assert sorted(p.name for p in (tmp_path / "by-coder").iterdir()) == ["Ana.json", "Ben.json"]
    assert main(["export-codings", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x.json")]) == 1
    assert "[E419]" in capsys.readouterr().err
