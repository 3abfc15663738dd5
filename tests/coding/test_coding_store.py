"""CodingStore: coding, suggestions, review, saving (atomic, .bak, corrupt files, locks), merge, offsets."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

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


@pytest.mark.parametrize("start,end", [(0, 20), (70, 80), (100, 140), (90, 90), (100, 95)])
def test_code_span_rejects_offsets_outside_segment(cd_store, cd_corpus, start, end):
    with pytest.raises(CodingError) as err:  # t1.txt#0001 is characters 76-137
        cd_store.code_span(cd_corpus, "t1.txt#0001", ["x"], "rose", start, end)
    assert err.value.code == "E410" and "t1.txt#0001" in str(err.value)
    assert cd_store.all() == [] and not cd_store.folder.exists()


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


# -- saving ------------------------------------------------------------------------------------
def test_round_trip_and_bak(cd_store):
    first = cd_store.add(cd_coding(memo="ünïcode memo", score=0.5, evidence="e"))
    path = cd_store.path_for("rose")
    assert path.name == "rose.json" and not Path(str(path) + ".bak").exists()
    before = path.read_bytes()
    second = cd_store.add(cd_coding("t1.txt#0002", ["contract"], start_char=145, end_char=205))
    assert Path(str(path) + ".bak").read_bytes() == before
    data = json.loads(path.read_text("utf-8"))
    assert data["version"] == 1 and len(data["codings"]) == 2
    loaded = CodingStore(cd_store.folder).all()
    assert loaded == [first, second]
    assert not [p for p in cd_store.folder.iterdir() if p.name.endswith(".tmp")]


def test_coder_names_become_safe_file_names(cd_store):
    for coder in ("Dev Patel", "../etc/x", "a.corrupt-1"):
        cd_store.add(cd_coding(coder=coder))
    assert all(p.parent == cd_store.folder for p in cd_store.folder.iterdir())
    assert cd_store.coders() == sorted(["Dev Patel", "../etc/x", "a.corrupt-1"])


def test_corrupt_file_raises_keeps_it_and_backs_it_up(cd_store):
    cd_store.add(cd_coding())
    path = cd_store.path_for("rose")
    for garbage in (b'{"version": 1, "codings": [', b'{"version": 1, "codings": [{"coder": "rose"}]}',
                    b"\xff\xfe"):
        path.write_bytes(garbage)
        with pytest.raises(CodingError) as err:
            CodingStore(cd_store.folder)
        assert err.value.code == "E411" and str(path) in str(err.value)
        assert path.read_bytes() == garbage
        copies = sorted(cd_store.folder.glob("rose.corrupt-*.json"))
        assert any(c.read_bytes() == garbage for c in copies)
        # a save into the corrupt file refuses too and leaves it alone
        with pytest.raises(CodingError):
            cd_store.add(cd_coding(codes=["later"]))
        assert path.read_bytes() == garbage
    assert len(list(cd_store.folder.glob("rose.corrupt-*.json"))) == 3  # identical copies are not repeated


def test_corrupt_copies_are_not_coders(cd_store):
    cd_store.add(cd_coding())
    cd_store.add(cd_coding(coder="amara"))
    cd_store.path_for("amara").write_text("nonsense", "utf-8")
    with pytest.raises(CodingError):
        cd_store.load()
    cd_store.path_for("amara").unlink()
    assert CodingStore(cd_store.folder).coders() == ["rose"]


CHILD = textwrap.dedent("""
    import sys
    import time
    from workbench.coding import Coding, CodingStore
    store = CodingStore(sys.argv[1])
    tag, n, start = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    time.sleep(max(0.0, start - time.time()))  # lets two children save at the same time
    i = 0
    while n < 0 or i < n:
        c = store.add(Coding(doc_id="t1.txt", seg_id="t1.txt#0000", start_char=6, end_char=63,
                             codes=[f"{tag}{i}"], coder="rose", source="human",
                             memo="m" * 20000))  # a big file widens the window a kill can hit
        print(c.coding_id, flush=True)
        i += 1
""")


def cd_child(folder: Path, tag: str, n: int, start: float = 0.0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(folder), tag, str(n), str(start)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigkill_during_saves_loses_no_confirmed_coding(cd_folder):
    confirmed: list[str] = []
    rng = random.Random(7)
    for round_ in range(5):
        child = cd_child(cd_folder, f"r{round_}-", -1)
        for _ in range(rng.randint(8, 15)):
            line = child.stdout.readline()
            assert line, child.stderr.read()
            confirmed.append(line.strip())
        time.sleep(rng.uniform(0, 0.02))  # land at different points of the next save
        os.kill(child.pid, signal.SIGKILL)
        rest, _ = child.communicate()
        confirmed += rest.split()  # lines printed before the kill are confirmed too
        assert child.returncode == -signal.SIGKILL
        on_disk = cd_file_ids(cd_folder / "rose.json")  # always a complete, valid file
        missing = set(confirmed) - on_disk
        assert not missing, f"{len(missing)} confirmed codings lost in round {round_}"
    assert len(confirmed) >= 40
    assert {c.coding_id for c in CodingStore(cd_folder).all()} >= set(confirmed)


def test_two_processes_saving_into_one_folder_keep_both(cd_folder):
    start = time.time() + 2.5  # after both have imported workbench
    children = [cd_child(cd_folder, tag, 25, start) for tag in ("a", "b")]
    outputs = [child.communicate() for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    ids = [set(out.split()) for out, _ in outputs]
    assert len(ids[0]) == len(ids[1]) == 25
    assert cd_file_ids(cd_folder / "rose.json") == ids[0] | ids[1]


def test_two_stores_in_threads_keep_both(cd_folder):
    stores = [CodingStore(cd_folder), CodingStore(cd_folder)]
    made: list[list[str]] = [[], []]
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(30):
                made[k].append(stores[k].add(cd_coding(codes=[f"t{k}-{i}"])).coding_id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert cd_file_ids(cd_folder / "rose.json") == set(made[0]) | set(made[1])
    # a stale store's review does not drop the other store's codings
    stores[0].review(made[1][0], "amara", "reject")
    assert len(CodingStore(cd_folder).all()) == 60


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
    # two files of one coder into a file; what is already in `out` is kept
    out = tmp_path / "rose-all.json"
    CodingStore.merge(laptop.path_for("rose"), desktop.path_for("rose"), out)
    assert cd_file_ids(out) == {shared.coding_id, only_desktop.coding_id}
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
