"""CodingStore: coding, suggestions, review, merge, offsets (saving itself: test_coding_db.py)."""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from workbench.coding import Coding, CodingError, CodingStore, verify_offsets
from workbench.coding.store import FRAME_COLUMNS


def cd_coding(seg: str = "t1.txt#0000", codes=("power",), coder: str = "rose", source: str = "human",
              **kw) -> Coding:
    return Coding(doc_id=seg.split("#")[0], seg_id=seg, start_char=kw.pop("start_char", 6),
                  end_char=kw.pop("end_char", 63), codes=list(codes), coder=coder, source=source, **kw)


def cd_file_ids(path: Path) -> set[str]:
    return {c["coding_id"] for c in json.loads(path.read_text("utf-8"))["codings"]}


# -- coding and validation ---------------------------------------------------------------------
def test_code_span_whole_segment_and_span(cd_store, cd_corpus):
    whole = cd_store.code_span(cd_corpus, "t1.txt#0001", ["timeline"], "rose", memo="contract first")
    seg = cd_corpus.segment("t1.txt#0001")
    assert (whole.doc_id, whole.start_char, whole.end_char) == ("t1.txt", seg.start_char, seg.end_char)
    assert whole.text == seg.text and whole.source == "human" and whole.status == "accepted"
    doc = cd_corpus.document("t1.txt").text
    start = doc.index("the contract")
    span = cd_store.code_span(cd_corpus, "t1.txt#0001", "contract", "rose", start, start + len("the contract"))
    assert span.codes == ["contract"] and span.text == "the contract"
    assert len(span.coding_id) == 32 and span.coding_id != whole.coding_id
    assert cd_store.coders() == ["rose"]
    assert [c.coding_id for c in CodingStore(cd_store.folder).all()] == [whole.coding_id, span.coding_id]


@pytest.mark.parametrize("start,end,why", [
    (0, 20, "start_char 0 is before the segment's first character 76"),
    (70, 80, "start_char 70 is before the segment's first character 76"),
    (100, 140, "end_char 140 is past the segment's end 137"),
    (90, 90, "start_char (90) must be less than end_char (90)"),
    (100, 95, "start_char (100) must be less than end_char (95)"),
    ("80", 90, "start_char must be a whole number (int or numpy integer), got '80' (str)"),
    (80, 90.0, "end_char must be a whole number (int or numpy integer), got 90.0 (float)"),
    (np.int64(80), True, "end_char must be a whole number (int or numpy integer), got True (bool)"),
])
def test_code_span_says_which_check_failed(cd_store, cd_corpus, start, end, why):
    with pytest.raises(CodingError) as err:  # t1.txt#0001 is characters 76-137
        cd_store.code_span(cd_corpus, "t1.txt#0001", ["x"], "rose", start, end)
    assert err.value.code == "E410" and "t1.txt#0001" in str(err.value) and "76-137" in str(err.value)
    assert why in str(err.value)
    assert cd_store.all() == [] and not cd_store.folder.exists()


def test_a_pandas_row_just_works(cd_store, cd_corpus):
    row = cd_corpus.segments_df().iloc[1]
    assert isinstance(row.start_char, np.integer)  # what a row of segments_df() gives
    coding = cd_store.code_span(cd_corpus, row.seg_id, ["timeline"], coder="rose", start_char=row.start_char,
                                end_char=row.end_char)
    assert (coding.start_char, coding.end_char) == (int(row.start_char), int(row.end_char))
    assert type(coding.start_char) is int and coding.text == row.text
    frame = cd_corpus.segments_df()
    first = frame[frame["seg_id"] == "t1.txt#0000"].iloc[0]
    inner = cd_store.code_span(cd_corpus, first["seg_id"], "agenda", "rose", start_char=first["start_char"] + 6,
                               end_char=np.int32(first["end_char"]))
    assert inner.text == first["text"][6:]
    made = Coding(doc_id="t1.txt", seg_id=first["seg_id"], start_char=np.uint16(6), end_char=np.int64(20),
                  codes=["x"], coder="rose", source="human", score=np.float32(0.5))
    assert (type(made.start_char), type(made.end_char), type(made.score)) == (int, int, float)
    assert [c.coding_id for c in CodingStore(cd_store.folder).all()] == [coding.coding_id, inner.coding_id]


def test_code_span_rejects_empty_codes_and_unknown_segment(cd_store, cd_corpus):
    for codes in ([], [""], ["  "]):
        with pytest.raises(CodingError) as err:
            cd_store.code_span(cd_corpus, "t1.txt#0001", codes, "rose")
        assert err.value.code == "E412"
    with pytest.raises(CodingError) as err:
        cd_store.code_span(cd_corpus, "nope#0000", ["x"], "rose")
    assert err.value.code == "E413"
    assert cd_store.all() == []


@pytest.mark.parametrize("bad", [{"source": "oracle"}, {"status": "maybe"}, {"codes": ["a;b"]},
                                 {"start_char": 10, "end_char": 10}, {"coder": ""}, {"score": "high"}])
def test_invalid_coding_is_refused(bad):
    with pytest.raises(CodingError) as err:
        cd_coding(**bad)
    assert err.value.code == "E412"


# -- suggestions and review --------------------------------------------------------------------
def test_suggest_review_flow(cd_store, cd_corpus):
    suggestions = [
        cd_coding("t2.txt#0000", ["payment"], coder="workbench", source="rule", status="accepted",
                  start_char=8, end_char=63, score=0.4, evidence="'paid'"),
        cd_coding("t2.txt#0002", ["payment", "care"], coder="workbench", source="model", start_char=124,
                  end_char=177, score=0.9),
        cd_coding("t1.txt#0000", ["agenda"], coder="workbench", source="model", score=None),
    ]
    assert cd_store.suggest(suggestions) == 3
    # duplicates (same segment, span, codes in any order, source) are skipped, also within a batch
    again = cd_coding("t2.txt#0002", ["care", "payment"], coder="workbench", source="model", start_char=124,
                      end_char=177, score=0.95)
    other_source = cd_coding("t2.txt#0002", ["care", "payment"], coder="workbench", source="rule",
                             start_char=124, end_char=177)
    assert cd_store.suggest([again, again, other_source]) == 1
    queue = cd_store.queue()
    assert [c.status for c in queue] == ["pending"] * 4
    assert [c.score for c in queue] == [0.9, 0.4, None, None]
    assert suggestions[0].status == "accepted"  # the caller's object is not changed

    top, second, third, fourth = queue
    accepted = cd_store.review(top.coding_id, "rose", "accept", memo="yes")
    assert (accepted.status, accepted.reviewed_by, accepted.memo, accepted.codes) == \
        ("accepted", "rose", "yes", ["payment", "care"])
    assert accepted.updated > top.updated and accepted.created == top.created
    corrected = cd_store.review(second.coding_id, "amara", "correct", codes=["payment", "time"])
    assert (corrected.status, corrected.codes, corrected.source) == ("accepted", ["payment", "time"], "rule")
    rejected = cd_store.review(third.coding_id, "rose", "reject")
    assert rejected.status == "rejected"

    fresh = CodingStore(cd_store.folder)
    assert [c.coding_id for c in fresh.queue()] == [fourth.coding_id]
    assert {c.coding_id for c in fresh.all(status="accepted")} == {top.coding_id, second.coding_id}
    assert fresh.all(coder="rose") == [] and len(fresh.all(coder="workbench")) == 4
    assert fresh.coders() == ["workbench"]
    # a rejected suggestion is not offered again
    assert fresh.suggest([cd_coding("t1.txt#0000", ["agenda"], coder="workbench", source="model")]) == 0

    for args, kw in [(("nope", "rose", "accept"), {}), ((top.coding_id, "rose", "delete"), {}),
                     ((top.coding_id, "rose", "correct"), {}), ((top.coding_id, "rose", "accept"),
                                                                {"codes": ["x"]})]:
        with pytest.raises(CodingError) as err:
            fresh.review(*args, **kw)
        assert err.value.code in ("E414", "E415")
    with pytest.raises(CodingError):
        fresh.suggest([cd_coding(source="human")])


def test_frame_columns(cd_store, cd_corpus):
    assert list(cd_store.frame().columns) == FRAME_COLUMNS and cd_store.frame().empty
    cd_store.code_span(cd_corpus, "t1.txt#0000", ["agenda", "power"], "rose")
    frame = cd_store.frame()
    assert FRAME_COLUMNS[:13] == ["doc_id", "seg_id", "start_char", "end_char", "codes", "coder", "source",
                                  "status", "memo", "score", "evidence", "created", "coding_id"]
    row = frame.iloc[0]
    assert (row["codes"], row["start_char"], row["end_char"], row["status"]) == ("agenda; power", 6, 63, "accepted")
    assert cd_store.frame(coder="amara").empty and len(cd_store.frame(status="accepted")) == 1


# -- merge -------------------------------------------------------------------------------------
def test_merge_two_coders(tmp_path):
    laptop, desktop = CodingStore(tmp_path / "laptop"), CodingStore(tmp_path / "desktop")
    shared = laptop.add(cd_coding(codes=["power"]))
    desktop.add(Coding(**shared.to_dict()))  # the same coding copied over
    only_laptop = laptop.add(cd_coding(coder="amara", codes=["care"]))
    only_desktop = desktop.add(cd_coding("t2.txt#0000", ["payment"], start_char=8, end_char=63))
    edited = laptop.suggest([cd_coding("t1.txt#0002", ["contract"], coder="workbench", source="rule",
                                       start_char=145, end_char=205)])
    assert edited == 1
    suggestion = laptop.queue()[0]
    desktop.add(Coding(**suggestion.to_dict()))
    time.sleep(0.001)
    later = desktop.review(suggestion.coding_id, "rose", "correct", codes=["contract", "power"])

    report = CodingStore.merge(tmp_path / "laptop", tmp_path / "desktop", tmp_path / "merged")
    assert report == {"a": 3, "b": 3, "only_a": 1, "only_b": 1, "both": 2, "conflicts": 1,
                      "conflicts_won_by_b": 1, "merged": 4, "total_in_out": 4}
    merged = CodingStore(tmp_path / "merged")
    assert {c.coding_id for c in merged.all()} == {shared.coding_id, only_laptop.coding_id,
                                                   only_desktop.coding_id, suggestion.coding_id}
    assert merged.all(coder="workbench")[0] == later
    assert merged.coders() == ["amara", "rose", "workbench"]
    # inputs untouched; merging the other way round gives the same result
    assert len(CodingStore(tmp_path / "laptop").all()) == 3
    report2 = CodingStore.merge(tmp_path / "desktop", tmp_path / "laptop", tmp_path / "merged2")
    assert report2["conflicts_won_by_b"] == 0
    assert CodingStore(tmp_path / "merged2").all() == merged.all()
    # two JSON exports into a file; what is already in `out` is kept
    out = tmp_path / "all.json"
    CodingStore.merge(laptop.export_json(tmp_path / "laptop.json"), desktop.export_json(tmp_path / "desktop.json"),
                      out)
    assert cd_file_ids(out) == {c.coding_id for c in merged.all()}
    rose_only = tmp_path / "rose-only.json"
    rose_only.write_text(json.dumps({"version": 1, "codings": [c.to_dict() for c in laptop.all(coder="rose")]}),
                         encoding="utf-8")
    kept = CodingStore.merge(rose_only, tmp_path / "desktop" / "codings.sqlite3", out)
    assert kept["total_in_out"] == 4 and cd_file_ids(out) == {c.coding_id for c in merged.all()}
    with pytest.raises(CodingError) as err:
        CodingStore.merge(tmp_path / "missing", tmp_path / "laptop", tmp_path / "x")
    assert err.value.code == "E416"


# -- offsets -----------------------------------------------------------------------------------
def test_verify_offsets_detects_edited_document(cd_store, cd_corpus, cd_root, cd_rewrite):
    from workbench.corpus import load_corpus

    a = cd_store.code_span(cd_corpus, "t1.txt#0001", ["timeline"], "rose")
    t2_text = cd_corpus.document("t2.txt").text
    start = t2_text.index("a day rate")
    b = cd_store.code_span(cd_corpus, "t2.txt#0002", ["payment"], "rose", start, start + len("a day rate"))
    assert verify_offsets(cd_corpus, cd_store) == []
    original = cd_corpus.document("t1.txt").text
    cd_rewrite(t1=original.replace("I think", "Well, I think"))
    edited = load_corpus(cd_root)
    assert verify_offsets(edited, cd_store) == [a.coding_id]
    assert verify_offsets(edited, [b]) == []
    gone = cd_coding("t3.txt#0000")
    assert verify_offsets(edited, [gone]) == [gone.coding_id]
