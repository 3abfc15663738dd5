"""The results cache: frames come back exactly, damaged entries are recomputed, files are copied."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from workbench.result_cache import ResultCache, code_fingerprint, frame_from_dict, frame_to_dict, stable_hash


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


def test_hashes_ignore_key_order_and_code_fingerprint_is_stable():
    assert stable_hash({"a": 1, "b": [1, 2]}) == stable_hash({"b": [1, 2], "a": 1})
    assert stable_hash({"a": 1}) != stable_hash({"a": 2})
    assert code_fingerprint() == code_fingerprint() and len(code_fingerprint()) == 24
