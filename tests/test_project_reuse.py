"""Re-running an unchanged analysis reuses its finished tables; any change recomputes what it touches."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from workbench.config import Config
from workbench.export.tables import write_csv_workbook
from workbench.project import Workbench
from workbench.verify import verify

pytestmark = pytest.mark.slow

REUSABLE = ["barriers", "benefits", "enablers", "keyness", "phrases"]


def _config(**barriers) -> Config:
    config = Config()
    config.themes.enabled = False  # the small corpus is too small for themes; they have their own reuse tests
    config.annotate.components = ["tok2vec", "tagger", "attribute_ruler", "lemmatizer", "senter"]
    for key, value in barriers.items():
        setattr(config.barriers, key, value)
    return config


def _analyse(corpus: Path, out: Path, cache: Path, config: Config | None = None, **kwargs) -> tuple[Workbench, dict]:
    bench = Workbench(corpus, config or _config(), cache_dir=cache, progress=False, **kwargs)
    written = bench.analyse(out)
    return bench, json.loads(written["manifest"].read_text(encoding="utf-8"))


def _csvs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def test_an_unchanged_rerun_reuses_every_table_without_annotating(wb_corpus_copy, tmp_path):
    cache = tmp_path / "cache"
    _, first = _analyse(wb_corpus_copy, tmp_path / "a", cache)
    bench, second = _analyse(wb_corpus_copy, tmp_path / "b", cache)
    assert first["results_reused"] == []
    assert second["results_reused"] == REUSABLE
    assert not bench.has_annotations  # spaCy was not even run
    assert second["annotation_cache"]["not_needed"]
    assert second["models"] == first["models"]  # the pipeline is still named
    assert _csvs(tmp_path / "b") == _csvs(tmp_path / "a") and len(_csvs(tmp_path / "a")) >= 5
    assert (tmp_path / "b" / "tables.xlsx").read_bytes() == (tmp_path / "a" / "tables.xlsx").read_bytes()
    assert (tmp_path / "b" / "report.html").exists()


def test_a_changed_setting_recomputes_only_the_tables_it_shapes(wb_corpus_copy, tmp_path):
    cache = tmp_path / "cache"
    _analyse(wb_corpus_copy, tmp_path / "a", cache)
    _, manifest = _analyse(wb_corpus_copy, tmp_path / "b", cache, _config(threshold=0.9))
    assert manifest["results_reused"] == ["keyness", "phrases"]
    assert manifest["config"]["barriers"]["threshold"] == 0.9
    a = pd.read_csv(tmp_path / "a" / "barriers.csv")
    b = pd.read_csv(tmp_path / "b" / "barriers.csv")
    assert (b["score"] >= 0.9).all() and len(b) <= len(a)


def test_speed_settings_do_not_change_the_key(wb_corpus_copy, tmp_path):
    cache = tmp_path / "cache"
    _analyse(wb_corpus_copy, tmp_path / "a", cache)
    config = _config()
    config.annotate.batch_size = 7
    _, manifest = _analyse(wb_corpus_copy, tmp_path / "b", cache, config)
    assert manifest["results_reused"] == REUSABLE


def test_an_edited_document_recomputes_everything(wb_corpus_copy, tmp_path):
    cache = tmp_path / "cache"
    _analyse(wb_corpus_copy, tmp_path / "a", cache)
    post = wb_corpus_copy / "blogs" / "post.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nWith people, not for them.\n", encoding="utf-8")
    _, manifest = _analyse(wb_corpus_copy, tmp_path / "b", cache)
    assert manifest["results_reused"] == []
    assert manifest["annotation_cache"]["parsed_segments"] > 0
    assert _csvs(tmp_path / "b")["segments.csv"] != _csvs(tmp_path / "a")["segments.csv"]


def test_recompute_ignores_the_cache_but_gives_the_same_tables(wb_corpus_copy, tmp_path):
    cache = tmp_path / "cache"
    _analyse(wb_corpus_copy, tmp_path / "a", cache)
    _, manifest = _analyse(wb_corpus_copy, tmp_path / "b", cache, reuse_results=False)
    assert manifest["results_reused"] == []
    assert _csvs(tmp_path / "b") == _csvs(tmp_path / "a")


def test_reused_tables_are_really_read_from_the_cache_and_verify_never_uses_them(wb_corpus_copy, tmp_path,
                                                                                  monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(cache))
    _analyse(wb_corpus_copy, tmp_path / "a", cache)
    # Tamper with the stored phrase table: a rerun that reuses it shows the change ...
    [entry] = (cache / "results" / "phrases").glob("*.json")
    stored = json.loads(entry.read_text(encoding="utf-8"))
    columns = stored["frames"]["phrases"]["columns"]
    counts = stored["frames"]["phrases"]["data"][columns.index("count")]
    counts[0] += 1000
    entry.write_text(json.dumps(stored), encoding="utf-8")
    _analyse(wb_corpus_copy, tmp_path / "b", cache)
    assert pd.read_csv(tmp_path / "b" / "phrases.csv")["count"].iloc[0] == counts[0]
    # ... but verify computes every table again, so the untampered analysis matches.
    assert verify(tmp_path / "a", progress=False).matched
    assert not verify(tmp_path / "b", progress=False).matched


def test_a_damaged_cache_entry_is_computed_again(wb_corpus_copy, tmp_path):
    cache = tmp_path / "cache"
    _analyse(wb_corpus_copy, tmp_path / "a", cache)
    for entry in (cache / "results").rglob("*.json"):
        entry.write_text(entry.read_text(encoding="utf-8")[:50], encoding="utf-8")
    _, manifest = _analyse(wb_corpus_copy, tmp_path / "b", cache)
    assert manifest["results_reused"] == []
    assert _csvs(tmp_path / "b") == _csvs(tmp_path / "a")
    _, manifest = _analyse(wb_corpus_copy, tmp_path / "c", cache)  # and stored again
    assert manifest["results_reused"] == REUSABLE


def test_tables_too_long_for_a_spreadsheet_stay_csv_only(tmp_path):
    from openpyxl import load_workbook

    short, long = tmp_path / "short.csv", tmp_path / "long.csv"
    pd.DataFrame({"a": [1, 2]}).to_csv(short, index=False)
    pd.DataFrame({"a": range(11)}).to_csv(long, index=False)
    path = write_csv_workbook({"short": short, "long": long}, tmp_path / "tables.xlsx", max_rows=10)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["about", "short"]
    rows = list(book["about"].iter_rows(values_only=True))
    assert rows[0] == ("table", "rows", "file", "why")
    assert rows[1][:3] == ("long", 11, "long.csv")


def test_the_workbook_can_be_left_out_and_an_old_one_is_not_left_behind(wb_corpus_copy, tmp_path):
    cache = tmp_path / "cache"
    bench, manifest = _analyse(wb_corpus_copy, tmp_path / "out", cache)
    assert (tmp_path / "out" / "tables.xlsx").exists() and "tables.xlsx" in manifest["outputs"]
    config = _config()
    config.export.workbook = False
    bench, manifest = _analyse(wb_corpus_copy, tmp_path / "out", cache, config)
    assert not (tmp_path / "out" / "tables.xlsx").exists()
    assert "tables.xlsx" not in manifest["outputs"]
    assert "workbook = false" in manifest["skipped"]["tables.xlsx"]
    assert Config.from_dict({"profile": "fast"}).export.workbook is False


def test_a_corpus_too_small_for_themes_is_known_without_annotating(wb_corpus_copy, tmp_path):
    config = _config()
    config.themes.enabled = True
    bench, first = _analyse(wb_corpus_copy, tmp_path / "a", tmp_path / "cache", config)
    assert len(bench.corpus.segments) < 10 and "E362" in first["skipped"]["themes"]
    bench, second = _analyse(wb_corpus_copy, tmp_path / "b", tmp_path / "cache", config)
    assert second["skipped"]["themes"] == first["skipped"]["themes"]
    assert second["results_reused"] == REUSABLE and not bench.has_annotations
