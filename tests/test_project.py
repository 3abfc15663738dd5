"""The Workbench facade: corpus errors and reproducible outputs."""
from __future__ import annotations

import json

import pytest

from workbench.config import Config
from workbench.errors import CorpusError
from workbench.project import Workbench


def test_empty_folder_raises_E051_on_corpus(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    bench = Workbench(empty)  # constructing is lazy and must not fail
    with pytest.raises(CorpusError) as info:
        bench.corpus
    assert str(info.value).startswith("[E051]") and info.value.code == "E051"
    assert str(empty) in str(info.value)


def test_folder_of_only_bad_files_raises_E051_counting_problems(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "data.bin").write_bytes(b"\x00\x01")
    with pytest.raises(CorpusError) as info:
        Workbench(folder).corpus
    assert str(info.value).startswith("[E051]")
    assert "2 file(s) had problems" in str(info.value)


def test_missing_folder_raises_E050(tmp_path):
    with pytest.raises(CorpusError) as info:
        Workbench(tmp_path / "missing").corpus
    assert str(info.value).startswith("[E050]")


@pytest.mark.slow
def test_analyse_is_reproducible(tmp_path, wb_small_corpus, wb_cache_dir):
    # First run parses, second reads the annotation cache (finished tables not reused, so it does
    # annotate): the tables must not differ either way.
    first = Workbench(wb_small_corpus, progress=False).analyse(tmp_path / "a")
    second = Workbench(wb_small_corpus, progress=False, reuse_results=False).analyse(tmp_path / "b")
    assert first["segments"].read_bytes() == second["segments"].read_bytes()
    a = json.loads(first["manifest"].read_text(encoding="utf-8"))
    b = json.loads(second["manifest"].read_text(encoding="utf-8"))
    assert a["annotation_cache"]["parsed_segments"] == b["annotation_cache"]["cached_segments"] > 0
    for key in ("corpus", "config", "seeds", "models", "load_problems", "outputs"):
        assert a[key] == b[key], key
    # A fresh cache gives the same bytes too.
    third = Workbench(wb_small_corpus, progress=False, cache_dir=tmp_path / "fresh").analyse(tmp_path / "c")
    assert third["segments"].read_bytes() == first["segments"].read_bytes()


@pytest.mark.slow
def test_analyse_uses_the_given_config_and_cache_dir(tmp_path, wb_small_corpus, wb_cache_dir):
    config = Config()
    config.corpus.unit = "sentence"
    config.analysis.seed = 3
    bench = Workbench(wb_small_corpus, config, cache_dir=tmp_path / "cache", progress=False)
    written = bench.analyse(tmp_path / "out")
    manifest = json.loads(written["manifest"].read_text(encoding="utf-8"))
    assert manifest["corpus"]["unit"] == "sentence"
    assert manifest["seeds"]["analysis"] == 3
    assert manifest["corpus"]["segments"] == len(bench.corpus.segments)
    # The blog's paragraphs have two sentences each, so sentence segments outnumber paragraphs.
    assert len(bench.corpus.segments) > 9
    assert list((tmp_path / "cache").rglob("*.spacy"))
    assert not (wb_cache_dir / "annotations").exists()
    assert {"load", "annotate", "write"} <= set(bench.timings)


def test_too_small_corpus_skips_themes_but_writes_the_rest(tmp_path):
    import json

    from workbench.project import Workbench

    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "a.txt").write_text("Ana: We need proper payment.\n\nBen: And trust.\n\nAna: Yes, trust.\n",
                                  encoding="utf-8")
    bench = Workbench(folder, cache_dir=tmp_path / "cache", models_dir=tmp_path / "models", progress=False)
    written = bench.analyse(tmp_path / "out")
    assert "themes" not in written and "segments" in written and "phrases" in written
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["skipped"]["themes"].startswith("[E362]")
