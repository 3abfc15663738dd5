"""The demo corpus end to end: ``workbench analyse`` writes a project.qdpx that holds the people's codings
and the machine suggestions, follows the schema, imports whole into a QualCoder-style importer, reads back
with our own reader to exactly what codes.csv says, and comes back into a fresh store with import-qdpx."""
from __future__ import annotations

import shutil
import stat
import xml.etree.ElementTree as ET
import zipfile

import pytest
from qda_checks import P, QualCoderStyleImport, check_schema

from workbench.coding import CodingStore
from workbench.coding.qdpx_import import import_qdpx
from workbench.config import Config
from workbench.export.refi import MACHINE_USER, source_names
from workbench.export.refi_read import read_qdpx
from workbench.export.tables import read_table_csv
from workbench.project import Workbench

pytestmark = pytest.mark.slow


def _config(suggestions: bool = True) -> Config:
    config = Config()
    config.themes.enabled = False
    config.export.workbook = False
    config.export.machine_suggestions = suggestions
    return config


def _code_some(bench) -> None:
    """Two people code, and one reviews a few of the detectors' suggestions."""
    corpus = bench.corpus
    for i, seg in enumerate(corpus.segments[::9][:12]):
        bench.codings.code_span(corpus, seg.seg_id, ["trust"] if i % 2 else ["power and hierarchy", "trust"],
                                coder="Ana")
        if i % 3 == 0:
            bench.codings.code_span(corpus, seg.seg_id, "trust", coder="Ben",
                                    start_char=seg.start_char, end_char=seg.start_char + max(1, len(seg.text) // 2))
    assert bench.suggest_codings() > 10
    queue = bench.codings.queue()
    bench.codings.review(queue[0].coding_id, "Ana", "accept")
    bench.codings.review(queue[1].coding_id, "Ana", "reject")
    bench.codings.review(queue[2].coding_id, "Ben", "correct", codes=["jargon and accessibility"])


def test_demo_project_imports_whole_and_round_trips(wb_demo_corpus, tmp_path, wb_cache_dir):
    corpus_path = tmp_path / "coproduction"
    shutil.copytree(wb_demo_corpus, corpus_path, ignore=shutil.ignore_patterns(".workbench"))
    bench = Workbench(corpus_path, _config(), progress=False)
    _code_some(bench)
    out = tmp_path / "out"
    written = bench.analyse(out)
    corpus = bench.corpus
    assert any(ord(ch) > 0xFFFF for doc in corpus.documents for ch in doc.text)  # an emoji: offsets in code points

    # file modes match the other outputs
    mode = stat.S_IMODE((out / "segments.csv").stat().st_mode)
    for name in ("project.qdpx", "codebook.qdc", "manifest.json", "report.html"):
        assert stat.S_IMODE((out / name).stat().st_mode) == mode, name

    # the schema's rules, in the project and the codebook
    with zipfile.ZipFile(written["project_qdpx"]) as archive:
        root = ET.fromstring(archive.read("project.qde"))
    check_schema(root)
    check_schema(ET.parse(out / "codebook.qdc").getroot(), codebook=True)
    assert [u.get("name") for u in root.iter(P + "User")][0] == "Ana"  # a person first

    # our own reader: the people's codings are exactly codes.csv, each selection's text the table's quote
    project = read_qdpx(written["project_qdpx"])
    names = source_names(corpus)
    doc_of = {name: doc_id for doc_id, name in names.items()}
    read_back, suggested = [], []
    for source in project.sources:
        doc_id = doc_of[source.name]
        assert source.text == corpus.document(doc_id).text
        for selection in source.selections:
            for coding in selection.codings:
                row = (doc_id, selection.start, selection.end, coding.code, coding.user,
                       source.text[selection.start:selection.end])
                (suggested if coding.user == MACHINE_USER else read_back).append(row)
    codes = read_table_csv(written["codes"], dtype={"doc_id": str, "code": str, "coder": str, "text": str},
                           na_filter=False)
    table = sorted(zip(codes["doc_id"], codes["start_char"], codes["end_char"], codes["code"], codes["coder"],
                       codes["text"]))
    assert sorted(read_back) == table and len(table) > 20

    # the machine suggestions: every hit and pending suggestion not decided by a person, each quote exact
    hits = {(r.doc_id, r.start_char, r.end_char, r.category): r.text for name in ("barriers", "enablers")
            for r in read_table_csv(written[name]).itertuples(index=False)}
    decided = {(c.doc_id, c.start_char, c.end_char, code) for c in bench.codings.all()
               if c.source != "human" and c.status != "pending" for code in c.codes}
    pending = {(c.doc_id, c.start_char, c.end_char, code): c.text for c in bench.codings.queue() for code in c.codes}
    expected = {key: text for key, text in {**hits, **pending}.items() if key not in decided}
    assert {row[:4]: row[5] for row in suggested} == expected and len(suggested) == len(expected) > 100

    # a QualCoder-style import takes all of it, without one error
    imported = QualCoderStyleImport(tmp_path / "qualcoder").run(written["project_qdpx"])
    assert imported.errors == [] and imported.coder_name == "Ana"
    rows = imported.codings()
    assert len(rows) == len(read_back) + len(suggested)
    for row in rows:
        assert row["seltext"] == corpus.document(doc_of[row["source"]]).text[row["pos0"]:row["pos1"]]

    # import-qdpx: the people's codings come back into a fresh store, the suggestions stay out
    fresh = CodingStore(tmp_path / "fresh")
    report = import_qdpx(written["project_qdpx"], corpus, fresh)
    assert report.skipped_suggestions == len(suggested) and report.not_imported == []
    again = sorted((c.doc_id, c.start_char, c.end_char, code, c.coder) for c in fresh.all() for code in c.codes)
    assert again == [row[:5] for row in table]

    # switched off: the people's codings only
    quiet = Workbench(corpus_path, _config(suggestions=False), progress=False).analyse(tmp_path / "quiet")
    project = read_qdpx(quiet["project_qdpx"])
    assert MACHINE_USER not in project.users.values()
    assert sum(len(c.codings) for s in project.sources for c in s.selections) == len(read_back)
