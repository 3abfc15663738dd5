"""The caches' storage layer: one hash, DiskCache entries (atomic, a damaged one reads as missing), the
default folder, and the results cache (frames come back exactly, damaged entries are recomputed, files
are copied)."""
from __future__ import annotations

import hashlib
import json
import sys

import numpy as np
import pandas as pd
import pytest

from workbench import cache as cache_module
from workbench.cache import (DiskCache, ResultCache, code_fingerprint, default_cache_dir, digest, file_hash,
                             frame_from_dict, frame_to_dict, stable_hash)


def _round_trip(frame: pd.DataFrame) -> pd.DataFrame:
    return frame_from_dict(json.loads(json.dumps(frame_to_dict(frame))))


def test_frames_come_back_with_the_same_values_and_dtypes():
    frame = pd.DataFrame({
        "score": [1.5, np.nan, 0.1 + 0.2],
        "text": ["with, not for", None, "é😀 \"quoted\"\nnew line"],
        "count": np.array([1, 2, 3], dtype="int64"),
        "flag": [True, False, True],
        "mixed": pd.Series([None, "q", 3], dtype=object),
        "empty": pd.Series(["", "", None], dtype="str"),
    })
    back = _round_trip(frame)
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert back["score"].iloc[2] == 0.1 + 0.2  # not rounded


def test_an_empty_frame_keeps_its_columns():
    frame = pd.DataFrame({"doc_id": pd.Series([], dtype="str"), "start_char": pd.Series([], dtype="int64")})
    back = _round_trip(frame)
    assert list(back.columns) == ["doc_id", "start_char"]
    assert back.empty and str(back["start_char"].dtype) == "int64"


def test_get_returns_what_put_stored_and_none_for_another_key(tmp_path):
    cache = ResultCache(tmp_path)
    frame = pd.DataFrame({"seg_id": ["d#0001", "d#0002"], "score": [0.25, 0.5]})
    cache.put("phrases", "k1", {"phrases": frame}, meta={"spacy_pipeline": "en_core_web_sm-3.8.0"})
    frames, meta = cache.get("phrases", "k1")
    pd.testing.assert_frame_equal(frames["phrases"], frame)
    assert meta == {"spacy_pipeline": "en_core_web_sm-3.8.0"}
    assert cache.get("phrases", "k2") is None
    assert cache.get("keyness", "k1") is None


@pytest.mark.parametrize("damage", ["truncate", "other_key", "not_json"])
def test_a_damaged_entry_is_treated_as_missing(tmp_path, damage):
    cache = ResultCache(tmp_path)
    cache.put("barriers", "k1", {"hits": pd.DataFrame({"a": [1]})})
    path = tmp_path / "results" / "barriers" / "k1.json"
    text = path.read_text(encoding="utf-8")
    if damage == "truncate":
        path.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "other_key":
        path.write_text(text.replace('"key": "k1"', '"key": "k0"'), encoding="utf-8")
    else:
        path.write_bytes(b"\xff\x00 not json")
    assert cache.get("barriers", "k1") is None


def test_put_leaves_no_temporary_files(tmp_path):
    cache = ResultCache(tmp_path)
    for i in range(3):
        cache.put("phrases", f"k{i}", {"t": pd.DataFrame({"a": [i]})})
    names = sorted(p.name for p in (tmp_path / "results" / "phrases").iterdir())
    assert names == ["k0.json", "k1.json", "k2.json"]


def test_files_are_copied_in_and_out(tmp_path):
    cache = ResultCache(tmp_path / "cache")
    source = tmp_path / "tables.xlsx"
    source.write_bytes(b"PK\x03\x04 workbook bytes")
    dest = tmp_path / "out" / "tables.xlsx"
    dest.parent.mkdir()
    assert not cache.get_file("workbook", "k", ".xlsx", dest)
    cache.put_file("workbook", "k", ".xlsx", source)
    assert cache.get_file("workbook", "k", ".xlsx", dest)
    assert dest.read_bytes() == source.read_bytes()


def test_one_hash_for_text_values_and_files(tmp_path):
    assert digest("with, not for", 64) == hashlib.sha256("with, not for".encode()).hexdigest()
    assert digest(b"x") == digest("x") and len(digest("x")) == 24 and len(digest("x", 12)) == 12
    assert stable_hash({"a": 1, "b": [1, 2]}) == stable_hash({"b": [1, 2], "a": 1})
    assert stable_hash({"a": 1}) != stable_hash({"a": 2})
    assert stable_hash({"a": 1}) == digest('{"a": 1}')
    (tmp_path / "f.yml").write_bytes(b"families: []\n")
    assert file_hash(tmp_path / "f.yml") == digest(b"families: []\n")
    assert (file_hash(None), file_hash(tmp_path / "gone.yml")) == ("", "missing")


def test_code_fingerprint_follows_the_package_files(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    (package / "data").mkdir(parents=True)
    (package / "cache.py").write_text("x = 1\n")
    (package / "data" / "codebook.yml").write_text("codes: []\n")
    monkeypatch.setattr(cache_module, "__file__", str(package / "cache.py"))
    code_fingerprint.cache_clear()
    try:
        first = code_fingerprint()
        code_fingerprint.cache_clear()
        (package / "data" / "codebook.yml").write_text("codes: [a]\n")
        assert code_fingerprint() != first and len(first) == 24
    finally:
        code_fingerprint.cache_clear()


def test_default_cache_dir_is_the_variable_else_the_user_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "here"))
    assert default_cache_dir() == tmp_path / "here"
    monkeypatch.delenv("WORKBENCH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # platformdirs honours it on Linux
    if sys.platform.startswith("linux"):
        assert default_cache_dir() == tmp_path / "xdg" / "workbench"
    else:
        assert default_cache_dir().name in {"workbench", "Cache"}


def test_disk_cache_reads_what_it_wrote_and_treats_a_damaged_entry_as_missing(tmp_path):
    entries = DiskCache(tmp_path / "deep" / "folder")
    assert entries.read("k", ".bin") is None and entries.keys(".bin") == []
    assert entries.write("k", ".bin", b"12") and entries.write("j", ".bin", b"34")
    assert entries.read("k", ".bin") == b"12" and entries.read("k", ".bin", parse=int) == 12
    assert entries.keys(".bin") == ["j", "k"]
    assert [p.name for p in sorted(entries.folder.iterdir())] == ["j.bin", "k.bin"]  # no temp files left
    entries.path("k", ".bin").write_bytes(b"not a number")
    with pytest.warns(UserWarning, match=r"\[W999\] .*k\.bin.*ValueError"):
        assert entries.read("k", ".bin", parse=int, warning="[W999] {path} ({detail})") is None
    entries.remove("k", ".bin")
    assert entries.keys(".bin") == ["j"]


def test_disk_cache_write_on_a_refusing_disk_only_logs(tmp_path, caplog):
    (tmp_path / "file").write_text("a file where the folder should be")
    entries = DiskCache(tmp_path / "file" / "sub")
    assert entries.write("k", ".bin", b"x") is False
    assert "Could not keep" in caplog.text
