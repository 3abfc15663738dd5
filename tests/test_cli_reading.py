"""How the command line reports reading: coverage in ``corpus info``; ``analyse`` writes exclusions.csv,
sections and lead-ins in segments.csv, coverage in the manifest; one document too long to analyse never
stops the others (slow: the 20 MB file with the demo corpus gives every table and the report)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench.cli import main

FAITHFUL = Path(__file__).resolve().parent / "data" / "faithful"
FAST = ("[themes]\nenabled = false\n\n[barriers]\nenabled = false\n\n[export]\nworkbook = false\n\n"
        "[keyness]\ntarget = \"transcript\"\n")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_corpus_info_prints_coverage_per_document(capsys):
    code, out, err = run(capsys, "corpus", "info", FAITHFUL)
    assert code == 0, err
    assert "coverage 100.0%" in out
    row = next(line for line in out.splitlines() if "web-page.txt" in line)
    assert "100.0%" in row and "boilerplate" in row and "heading" in row
    assert "[W005]" in out  # the unlabelled interview


def test_analyse_writes_exclusions_sections_lead_ins_and_coverage(capsys, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(FAITHFUL, corpus)
    config = tmp_path / "analysis.toml"
    config.write_text(FAST + '\n[corpus]\nboilerplate = ["That.s where we.ll stop for today\\\\."]\n', encoding="utf-8")
    code, out, err = run(capsys, "analyse", corpus, "--out", tmp_path / "out", "--config", config, "--no-progress")
    assert code == 0, err
    exclusions = pd.read_csv(tmp_path / "out" / "exclusions.csv", keep_default_na=False)
    assert list(exclusions.columns) == ["doc_id", "start_char", "end_char", "reason", "text"]
    assert "blank" not in set(exclusions["reason"])
    web = exclusions[exclusions["doc_id"] == "web-page.txt"]
    assert ("boilerplate", "By Harriet Osei") in set(zip(web["reason"], web["text"]))
    podcast = exclusions[exclusions["doc_id"] == "podcast.txt"]  # a user's pattern: the host's sign-off
    assert ("boilerplate", "That's where we'll stop for today.") in set(zip(podcast["reason"], podcast["text"]))
    segments = pd.read_csv(tmp_path / "out" / "segments.csv", keep_default_na=False)
    items = segments[(segments["doc_id"] == "workshop-write-up.txt") & (segments["text"] == "letters full of jargon")]
    assert items["lead_in"].tolist() == ["The main challenges people named were as follows"]
    texts = {d: (tmp_path / "corpus" / d).read_text(encoding="utf-8") for d in ("web-page.txt", "podcast.txt")}
    for frame in (segments, exclusions):  # offsets point into the document's text
        for row in frame[frame["doc_id"].isin(texts)].itertuples():
            assert texts[row.doc_id][row.start_char:row.end_char] == row.text
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    coverage = manifest["corpus"]["coverage"]
    assert set(coverage) == {p.name for p in FAITHFUL.iterdir()}
    assert all(c["coverage"] >= 0.995 for c in coverage.values())
    assert coverage["web-page.txt"]["set_aside"]["boilerplate"] > 0
    assert "exclusions.csv" in manifest["outputs"]
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Text read" in html and "“By Harriet Osei”" in html


@pytest.mark.slow
def test_a_twenty_megabyte_paragraph_with_good_files_gives_every_table_and_the_report(capsys, tmp_path,
                                                                                       wb_demo_corpus):
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "corpus"))
    from test_long_units import one_paragraph

    corpus = tmp_path / "corpus"
    shutil.copytree(wb_demo_corpus, corpus)
    (corpus / "dump.txt").write_text(one_paragraph(20), encoding="utf-8")
    code, out, err = run(capsys, "analyse", corpus, "--out", tmp_path / "out", "--no-progress")
    assert code == 0, err
    assert "[E016] 'dump.txt'" in out
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"segments.csv", "exclusions.csv", "phrases.csv", "phrase_occurrences.csv", "family_variants.csv",
            "themes.csv", "segment_themes.csv", "theme_quotes.csv", "keyness.csv", "barriers.csv", "enablers.csv",
            "benefits.csv",
            "tables.xlsx", "project.qdpx", "codebook.qdc", "report.html", "manifest.json"} <= names
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert [p["code"] for p in manifest["load_problems"]] == ["E016"]
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "dump.txt" in html and "Every file in the folder could be read" not in html
