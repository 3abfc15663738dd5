"""The SQLite coding store: one file per project, JSON files migrated on first open, concurrent coders
in processes and threads, SIGKILL mid-save, damaged files refused and kept, the plain exports."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from workbench.coding import Coding, CodingError, CodingStore
from workbench.coding.store import DB_NAME, JSON_BACKUP, coder_file_name
from workbench.export.tables import read_table_csv


def cd_coding(seg: str = "t1.txt#0000", codes=("power",), coder: str = "rose", source: str = "human",
              **kw) -> Coding:
    return Coding(doc_id=seg.split("#")[0], seg_id=seg, start_char=kw.pop("start_char", 6),
                  end_char=kw.pop("end_char", 63), codes=list(codes), coder=coder, source=source, **kw)


def cd_db_ids(folder: Path) -> set[str]:
    """coding_ids in the database, read with plain sqlite3 (not through the store)."""
    conn = sqlite3.connect(folder / DB_NAME)
    try:
        return {row[0] for row in conn.execute("SELECT coding_id FROM codings")}
    finally:
        conn.close()


def cd_legacy(folder: Path, coder: str, codings: list[Coding]) -> Path:
    """A coder file as the JSON store before the database wrote it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / coder_file_name(coder)
    lines = ",\n".join(json.dumps(c.to_dict(), ensure_ascii=False) for c in codings)
    path.write_text(f'{{"version": 1, "codings": [\n{lines}\n]}}\n', encoding="utf-8")
    return path


# -- one file per project ------------------------------------------------------------------------
def test_round_trip_in_one_database_file(cd_store):
    first = cd_store.add(cd_coding(memo="ünïcode memo 🙂", score=0.5, evidence="cue: 'paid'"))
    second = cd_store.add(cd_coding("t1.txt#0002", ["contract"], coder="Dev Patel", start_char=145, end_char=205))
    odd = cd_store.add(cd_coding(coder="../etc/x", codes=["a", "b"]))
    assert sorted(p.name for p in cd_store.folder.iterdir() if not p.name.startswith(DB_NAME)) == []
    assert CodingStore(cd_store.folder).all() == [first, second, odd]
    assert cd_store.coders() == ["../etc/x", "Dev Patel", "rose"] and len(cd_store) == 3
    conn = sqlite3.connect(cd_store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    # a newer version of a coding replaces it; an older one does not
    newer = Coding(**{**first.to_dict(), "memo": "edited", "updated": "2999-01-01T00:00:00+00:00"})
    cd_store.add(newer)
    cd_store.add(Coding(**{**first.to_dict(), "memo": "stale"}))
    assert cd_store.get(first.coding_id).memo == "edited"


def test_reading_creates_nothing_and_awkward_paths_work(tmp_path):
    store = CodingStore(tmp_path / "no such folder")
    assert store.all() == [] and store.coders() == [] and len(store) == 0 and store.queue() == []
    assert not (tmp_path / "no such folder").exists()
    odd = tmp_path / "Projekt #1 ? (tést)" / "codings"
    store = CodingStore(odd)
    made = store.add(cd_coding())
    assert (odd / DB_NAME).is_file() and CodingStore(odd).all() == [made]


def test_fingerprint_changes_with_every_change(cd_store, cd_corpus):
    empty = cd_store.fingerprint()
    coding = cd_store.code_span(cd_corpus, "t1.txt#0000", "power", "rose")
    one = cd_store.fingerprint()
    assert one != empty and CodingStore(cd_store.folder).fingerprint() == one
    cd_store.add(Coding(**{**coding.to_dict(), "memo": "same time, new memo"}))  # a tie: the new one wins
    assert cd_store.fingerprint() != one


# -- migration of the JSON files -----------------------------------------------------------------
def test_json_files_migrate_on_first_open_nothing_lost(cd_folder):
    rose = [cd_coding(memo=f"memo {i}", codes=[f"c{i}"]) for i in range(5)]
    edited = Coding(**{**rose[0].to_dict(), "memo": "edited later", "updated": "2030-01-01T00:00:00+00:00"})
    dev = [cd_coding("t1.txt#0001", ["timeline"], coder="Dev Patel", start_char=76, end_char=137),
           cd_coding(coder="workbench", source="rule", status="pending", score=0.8, evidence="cue")]
    rose_file = cd_legacy(cd_folder, "rose", rose)
    bak = rose_file.with_name("rose.json.bak")
    bak.write_text('{"version": 1, "codings": []}\n', encoding="utf-8")
    rose_file.with_name("rose.json.lock").write_bytes(b"")
    dev_file = cd_legacy(cd_folder, "Dev Patel", [dev[0], edited])  # the same coding, edited in another file
    machine_file = cd_legacy(cd_folder, "workbench", [dev[1]])
    corrupt_copy = cd_folder / "rose.corrupt-20250101T000000Z.json"
    corrupt_copy.write_bytes(b"not json")
    originals = {p.name: p.read_bytes() for p in (rose_file, bak, dev_file, machine_file)}

    store = CodingStore(cd_folder)
    expected = {c.coding_id: c for c in rose[1:] + dev + [edited]}
    assert {c.coding_id: c for c in store.all()} == expected  # nothing lost; the later edit kept
    assert store.get(rose[0].coding_id).memo == "edited later"
    assert store.queue() == [dev[1]]
    assert sorted(p.name for p in store.migrated_) == sorted(["rose.json", "Dev%20Patel.json", "workbench.json"])
    # the old files are kept, unchanged, as a backup; the lock is gone; the corrupt copy is left alone
    backup = cd_folder / JSON_BACKUP
    assert {p.name: p.read_bytes() for p in backup.iterdir()} == originals
    assert sorted(p.name for p in cd_folder.iterdir() if p.is_file() and not p.name.startswith(DB_NAME)) == \
        [corrupt_copy.name]
    conn = sqlite3.connect(store.path)
    assert {row[0]: row[1] for row in conn.execute("SELECT name, codings FROM migrated_files")} == \
        {"rose.json": 5, "Dev%20Patel.json": 2, "workbench.json": 1}
    conn.close()
    # opening again changes nothing; a file dropped in later (an old copy) joins, the newer edits stay
    assert CodingStore(cd_folder).all() == store.all()
    late = cd_coding(coder="amara", codes=["trust"])
    cd_legacy(cd_folder, "rose", [rose[0], late])  # rose[0] as it was before the edit
    again = CodingStore(cd_folder)
    assert again.get(rose[0].coding_id).memo == "edited later" and again.get(late.coding_id) == late
    assert sorted(p.name for p in backup.iterdir()) == sorted([*originals, "rose (2).json"])


def test_a_damaged_json_file_stops_the_migration_and_is_kept(cd_folder):
    good = cd_legacy(cd_folder, "amara", [cd_coding(coder="amara")])
    bad = cd_folder / "rose.json"
    for garbage in (b'{"version": 1, "codings": [', b'{"version": 1, "codings": [{"coder": "rose"}]}', b"\xff\xfe"):
        bad.write_bytes(garbage)
        with pytest.raises(CodingError) as err:
            CodingStore(cd_folder)
        assert err.value.code == "E411" and str(bad) in str(err.value)
        assert bad.read_bytes() == garbage and good.is_file()  # nothing moved
        assert any(c.read_bytes() == garbage for c in cd_folder.glob("rose.corrupt-*.json"))
        assert not (cd_folder / DB_NAME).exists()
    bad.unlink()
    assert len(CodingStore(cd_folder).all()) == 1 and not good.exists()


def test_a_damaged_database_is_refused_and_kept(cd_store):
    cd_store.add(cd_coding())
    cd_store.close()
    for name in (DB_NAME + "-wal", DB_NAME + "-shm"):
        (cd_store.folder / name).unlink(missing_ok=True)
    garbage = b"this is not a database at all " * 200
    cd_store.path.write_bytes(garbage)
    store = CodingStore(cd_store.folder)
    for action in (store.all, lambda: store.add(cd_coding(codes=["later"])), store.coders):
        with pytest.raises(CodingError) as err:
            action()
        assert err.value.code == "E420" and str(cd_store.path) in str(err.value)
    assert cd_store.path.read_bytes() == garbage


# -- concurrent coders and killed processes ------------------------------------------------------
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
                             codes=[f"{tag}{i}"], coder=tag.rstrip("-0123456789") or "rose", source="human",
                             memo="m" * 20000))  # big rows widen the window a kill can hit
        print(c.coding_id, flush=True)
        i += 1
""")


def cd_child(folder: Path, tag: str, n: int, start: float = 0.0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(folder), tag, str(n), str(start)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow  # several seconds: `make test` runs it, `make check` does not
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
        missing = set(confirmed) - cd_db_ids(cd_folder)  # the database always opens, with every save
        assert not missing, f"{len(missing)} confirmed codings lost in round {round_}"
    assert len(confirmed) >= 40
    store = CodingStore(cd_folder)
    assert {c.coding_id for c in store.all()} >= set(confirmed)
    assert store.add(cd_coding()) in store.all()  # and it takes new saves


@pytest.mark.slow  # several seconds: `make test` runs it, `make check` does not
def test_two_coders_in_two_processes_at_once(cd_folder):
    start = time.time() + 2.5  # after both have imported workbench
    children = [cd_child(cd_folder, tag, 25, start) for tag in ("ana", "ben")]
    outputs = [child.communicate() for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    ids = [set(out.split()) for out, _ in outputs]
    assert len(ids[0]) == len(ids[1]) == 25
    store = CodingStore(cd_folder)
    assert cd_db_ids(cd_folder) == ids[0] | ids[1]
    assert store.coders() == ["ana", "ben"]
    assert {c.coding_id for c in store.all(coder="ana")} == ids[0]


def test_stores_in_threads_keep_everything(cd_folder):
    stores = [CodingStore(cd_folder), CodingStore(cd_folder)]
    shared = CodingStore(cd_folder)  # one store used by two threads, as two widgets on one bench do
    made: list[list[str]] = [[], [], [], []]
    errors: list[BaseException] = []

    def work(k: int, store: CodingStore) -> None:
        try:
            for i in range(30):
                made[k].append(store.add(cd_coding(codes=[f"t{k}-{i}"])).coding_id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k, s)) for k, s in enumerate([*stores, shared, shared])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert cd_db_ids(cd_folder) == set().union(*made) and len(set().union(*made)) == 120
    # a review from another store does not drop anything either
    stores[0].review(made[1][0], "amara", "reject")
    assert len(CodingStore(cd_folder).all()) == 120


def test_concurrent_suggestions_are_added_once(cd_folder):
    suggestion = cd_coding(coder="workbench", source="rule", score=0.5)
    stores = [CodingStore(cd_folder) for _ in range(4)]
    counts: list[int] = []
    threads = [threading.Thread(target=lambda s=s: counts.append(s.suggest([Coding(**{
        **suggestion.to_dict(), "coding_id": f"{id(s):x}"})]))) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(counts) == [0, 0, 0, 1] and len(CodingStore(cd_folder).queue()) == 1


# -- plain exports -------------------------------------------------------------------------------
def test_plain_json_and_csv_exports(cd_store, cd_corpus, tmp_path):
    a = cd_store.code_span(cd_corpus, "t1.txt#0000", ["power", "agenda"], "rose", memo="=looks like a formula")
    b = cd_store.code_span(cd_corpus, "t2.txt#0000", "payment", "Dev Patel")
    one = cd_store.export_json(tmp_path / "all.json")
    data = json.loads(one.read_text(encoding="utf-8"))
    assert data["version"] == 1 and [c["coding_id"] for c in data["codings"]] == [a.coding_id, b.coding_id]
    folder = cd_store.export_json(tmp_path / "by-coder")
    assert sorted(p.name for p in folder.iterdir()) == ["Dev%20Patel.json", "rose.json"]
    assert CodingStore.read(folder) == {a.coding_id: a, b.coding_id: b}  # merge reads these files back
    csv = cd_store.export_csv(tmp_path / "codings.csv")
    back = read_table_csv(csv, dtype=str, na_filter=False)
    assert back["memo"].tolist() == ["=looks like a formula", ""]
    assert back["codes"].tolist() == ["power; agenda", "payment"]
    # a JSON export dropped into a fresh codings folder is taken in like the old files
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "rose.json").write_bytes((folder / "rose.json").read_bytes())
    assert CodingStore(fresh).all() == [a]
