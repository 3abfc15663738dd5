"""Theme curation: steps are saved at once, survive crashes and corrupt files, and re-apply after a re-run."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pandas as pd
import pytest

from workbench.analysis.theme_curation import (Curation, CurationError, CurationResult,
                                               apply_curation)
from workbench.errors import WorkbenchError

# 16 segments: themes 0-3 of four/two segments, two unassigned. Theme 2 is two clear clusters
# ({s08, s09} near the origin, {s10, s11} far away), so KMeans(2) has one right answer.
TC_SEGS = [f"s{i:02d}" for i in range(16)]
TC_THEMES = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, -1, -1]
TC_LABELS = {0: "payment", 1: "power", 2: "access", 3: "voice"}


def tc_vectors() -> np.ndarray:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(16, 3))
    vectors[8], vectors[9] = [0.0, 0.0, 0.0], [0.1, 0.0, 0.0]
    vectors[10], vectors[11] = [10.0, 10.0, 10.0], [10.0, 10.1, 10.0]
    return vectors


def tc_members(frame: pd.DataFrame, theme: int) -> list[str]:
    return sorted(frame.loc[frame["theme_id"] == theme, "seg_id"])


def tc_by_label(result: CurationResult) -> dict[str, set[str]]:
    """The curated themes as {label: seg_ids}: what the user sees, whatever the theme ids are."""
    frame = result.assignments
    themes = sorted(set(frame["theme_id"]) - {-1})
    return {result.labels.get(t, f"Theme {t}"): set(tc_members(frame, t)) for t in themes}


@pytest.fixture
def tc_assignments() -> pd.DataFrame:
    return pd.DataFrame({"seg_id": TC_SEGS, "theme_id": TC_THEMES, "doc_id": ["d1"] * 8 + ["d2"] * 8})


@pytest.fixture
def tc_curation(tmp_path, tc_assignments) -> Curation:
    """Rename 0, merge 1+3, split 2 in two: recorded against the fresh assignments."""
    cur = Curation(tmp_path / "curation.json")
    frame = tc_assignments
    cur.rename(0, "Paying people", tc_members(frame, 0))
    cur.merge([1, 3], "Power and control", [tc_members(frame, 1), tc_members(frame, 3)])
    cur.split(2, 2, tc_members(frame, 2))
    return cur


TC_EXPECTED = {
    "Paying people": {"s00", "s01", "s02", "s03"},
    "Power and control": {"s04", "s05", "s06", "s07", "s12", "s13"},
    "access (1)": {"s08", "s09"},
    "access (2)": {"s10", "s11"},
}


# -- applying ----------------------------------------------------------------------------------------
def test_rename_merge_split_on_fresh_assignments(tc_curation, tc_assignments):
    before = tc_assignments.copy()
    result = apply_curation(tc_assignments, TC_LABELS, tc_curation.ops, tc_vectors())
    assert result.pending == [] and result.applied == tc_curation.ops
    # merge into the lowest id (1); split gets max existing id + 1.. = 3, 4 (3 was merged away)
    assert result.labels == {0: "Paying people", 1: "Power and control", 3: "access (1)", 4: "access (2)"}
    assert result.assignments["theme_id"].tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 3, 3, 4, 4, 1, 1, -1, -1]
    assert result.assignments["doc_id"].tolist() == before["doc_id"].tolist()  # other columns kept
    pd.testing.assert_frame_equal(tc_assignments, before)  # input not mutated
    assert tc_by_label(result) == TC_EXPECTED


def test_reapplied_after_a_rerun_that_renumbers_themes(tc_curation, tc_assignments):
    # A re-run: same segments, new theme ids, rows in another order; ops come back from the file.
    remap = {0: 5, 1: 2, 2: 9, 3: 0, -1: -1}
    order = np.random.default_rng(1).permutation(16)
    rerun = tc_assignments.iloc[order].reset_index(drop=True)
    rerun["theme_id"] = [remap[t] for t in rerun["theme_id"]]
    labels = {remap[k]: v for k, v in TC_LABELS.items()}
    ops = Curation(tc_curation.path).ops
    result = apply_curation(rerun, labels, ops, tc_vectors()[order])
    assert result.pending == []
    assert tc_by_label(result) == TC_EXPECTED
    fresh = apply_curation(tc_assignments, TC_LABELS, ops, tc_vectors())
    assert tc_by_label(result) == tc_by_label(fresh)


def test_reapplied_after_the_corpus_changed_a_little(tc_curation, tc_assignments):
    # s03 is gone and a new s16 joined theme 0: Jaccard 3/5 for the rename, still above 0.5.
    changed = tc_assignments[tc_assignments["seg_id"] != "s03"].copy()
    changed.loc[len(tc_assignments)] = ["s16", 0, "d3"]
    vectors = np.vstack([np.delete(tc_vectors(), 3, axis=0), [[1.0, 1.0, 1.0]]])
    result = apply_curation(changed, TC_LABELS, tc_curation.ops, vectors)
    assert result.pending == []
    assert tc_by_label(result)["Paying people"] == {"s00", "s01", "s02", "s16"}


def test_unmatched_op_is_pending_and_stays_in_the_file(tc_curation, tc_assignments):
    tc_curation.rename(0, "Ghost", ["gone-1", "gone-2"])
    tc_curation.rename(0, "Barely", ["s00", "x1", "x2", "x3", "x4"])  # Jaccard 1/8 with theme 0
    tc_curation.rename(1, "After", tc_members(tc_assignments, 1) + ["s12", "s13"])  # the merged theme
    result = apply_curation(tc_assignments, TC_LABELS, tc_curation.ops, tc_vectors())
    assert [op.label for op, _ in result.pending] == ["Ghost", "Barely"]
    assert "none of the 2 segments" in result.pending[0][1]
    assert "Jaccard 0.12, below min_jaccard 0.50" in result.pending[1][1]
    assert [op.label for op in result.applied] == ["Paying people", "Power and control", None, "After"]
    assert result.labels[1] == "After"
    reloaded = Curation(tc_curation.path)
    assert [op.label for op in reloaded.ops][3:] == ["Ghost", "Barely", "After"]
    # A looser threshold applies the partial match; the file is the same either way.
    loose = apply_curation(tc_assignments, TC_LABELS, reloaded.ops, tc_vectors(), min_jaccard=0.1)
    assert [op.label for op, _ in loose.pending] == ["Ghost"]


def test_split_needs_embeddings(tc_curation, tc_assignments):
    with pytest.raises(CurationError, match=r"\[E351\] Splitting theme 2"):
        apply_curation(tc_assignments, TC_LABELS, tc_curation.ops)
    # Without a split, embeddings are not needed.
    result = apply_curation(tc_assignments, TC_LABELS, tc_curation.ops[:2])
    assert result.labels == {0: "Paying people", 1: "Power and control", 2: "access"}


def test_split_of_a_theme_too_small_is_pending(tmp_path, tc_assignments):
    cur = Curation(tmp_path / "c.json")
    cur.split(3, 3, ["s12", "s13"])
    result = apply_curation(tc_assignments, TC_LABELS, cur.ops, tc_vectors())
    assert result.applied == [] and "too few to split into 3" in result.pending[0][1]


def test_bad_inputs_are_numbered_errors(tc_assignments, tc_curation):
    with pytest.raises(CurationError, match="E357.*theme_id"):
        apply_curation(tc_assignments.drop(columns="theme_id"), TC_LABELS, [])
    with pytest.raises(CurationError, match="E357.*shape"):
        apply_curation(tc_assignments, TC_LABELS, tc_curation.ops, tc_vectors()[:5])
    with pytest.raises(CurationError, match="E357.*more than once"):
        apply_curation(pd.concat([tc_assignments, tc_assignments]), TC_LABELS, [])


@pytest.mark.parametrize("call, detail", [
    (lambda c: c.merge([1], "x", [["s1"]]), "at least 2"),
    (lambda c: c.merge([1, 2], "x", [["s1"]]), "one list of seg_ids per theme"),
    (lambda c: c.split(1, 1, ["s1", "s2"]), "n >= 2"),
    (lambda c: c.rename(1, "  ", ["s1"]), "non-empty label"),
    (lambda c: c.rename(1, "x", []), "no members"),
])
def test_invalid_steps_are_refused_and_not_saved(tmp_path, call, detail):
    cur = Curation(tmp_path / "c.json")
    with pytest.raises(CurationError, match=rf"E352.*{detail}"):
        call(cur)
    assert cur.ops == [] and not cur.path.exists()


# -- saving and loading ------------------------------------------------------------------------------
def test_save_load_round_trip_and_backup(tc_curation):
    path = tc_curation.path
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and [op["op"] for op in data["ops"]] == ["rename", "merge", "split"]
    assert data["ops"][1]["members"] == [["s04", "s05", "s06", "s07"], ["s12", "s13"]]
    reloaded = Curation(path)
    assert reloaded.ops == tc_curation.ops
    assert reloaded.ops[2].n == 2 and reloaded.ops[0].created == tc_curation.ops[0].created
    assert len(Curation(tc_curation.backup_path).ops) == 2  # the previous save
    assert Curation(path.with_name("missing.json")).ops == []


def test_undo_removes_the_last_step_and_saves(tc_curation):
    removed = tc_curation.undo()
    assert removed.op == "split" and len(Curation(tc_curation.path).ops) == 2
    tc_curation.undo(), tc_curation.undo()
    assert tc_curation.undo() is None and Curation(tc_curation.path).ops == []


def test_members_are_stored_sorted_and_a_single_seg_id_is_not_split_into_characters(tmp_path):
    cur = Curation(tmp_path / "c.json")
    op = cur.rename(np.int64(4), "x", "s10")
    assert op.members == [["s10"]] and op.themes == [4]
    assert cur.merge([1, 2], None, [["b", "a", "b"], ["c"]]).members == [["a", "b"], ["c"]]


@pytest.mark.parametrize("fail_on", [1, 2])
def test_crash_during_save_leaves_the_old_file_intact(tc_curation, monkeypatch, fail_on):
    path = tc_curation.path
    before = path.read_bytes()
    real_replace, calls = os.replace, []

    def flaky_replace(src, dst):
        calls.append(dst)
        if len(calls) == fail_on:  # 1: while keeping the .bak; 2: while replacing the file itself
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(OSError, match="disk full"):
        tc_curation.rename(0, "Never saved", ["s00"])
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert len(tc_curation.ops) == 3  # memory still agrees with the file
    assert [op.op for op in Curation(path).ops] == ["rename", "merge", "split"]
    assert not list(path.parent.glob("*.tmp"))  # the temp file was cleaned up


@pytest.mark.parametrize("content", [
    b"{not json",
    b"\xff\xfe\x00garbage",
    b"[1, 2, 3]",
    b'{"version": 2, "ops": []}',
    b'{"version": 1, "ops": {}}',
    b'{"version": 1, "ops": [{"op": "explode", "themes": [1], "members": [["s1"]], "created": "x"}]}',
    b'{"version": 1, "ops": [{"op": "rename", "themes": [1], "label": "x", "created": "x"}]}',
    b'{"version": 1, "ops": [], "extra": 1}',
])
def test_corrupt_file_raises_e350_and_keeps_a_copy(tmp_path, content):
    path = tmp_path / "curation.json"
    path.write_bytes(content)
    with pytest.raises(CurationError) as info:
        Curation(path)
    err = info.value
    assert isinstance(err, WorkbenchError) and err.code == "E350"
    backups = list(tmp_path.glob("curation.corrupt-*.json"))
    assert len(backups) == 1 and backups[0].read_bytes() == content
    assert str(path) in str(err) and backups[0].name in str(err) and "was kept" in str(err)
    assert path.read_bytes() == content  # never reset
    with pytest.raises(CurationError):  # a second attempt keeps a second copy, overwriting nothing
        Curation(path)
    assert len(list(tmp_path.glob("curation.corrupt-*.json"))) == 2
    assert path.read_bytes() == content


TC_CHILD = textwrap.dedent("""
    import builtins, io, sys, time
    from pathlib import Path
    from workbench.analysis.theme_curation import Curation

    real_open = io.open

    class SlowWriter:
        # Writes in small flushed chunks, so a kill lands inside a write (a torn file, if not atomic).
        def __init__(self, handle):
            self.handle = handle
        def write(self, data):
            for i in range(0, len(data), 256):
                self.handle.write(data[i:i + 256])
                self.handle.flush()
                time.sleep(0.0005)
            return len(data)
        def __getattr__(self, name):
            return getattr(self.handle, name)
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            self.handle.close()

    def slow_open(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        return SlowWriter(handle) if set(mode) & set("wax+") else handle

    io.open = builtins.open = slow_open  # os.fdopen and Path.write_* go through io.open too
    cur = Curation(Path(sys.argv[1]))
    members = [f"seg{i:03d}" for i in range(60)]
    i = len(cur.ops)
    while True:
        cur.rename(i % 7, f"label {i}", members[i % 20:])
        print(len(cur.ops), flush=True)
        i += 1
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_while_saving_loses_no_confirmed_step(tmp_path):
    path = tmp_path / "curation.json"
    Curation(path).rename(0, "label 0", ["seg000"])
    # Three runs on the same file, each killed at another point of a save (a fraction of one cycle).
    for kill_after, fraction in [(3, 0.3), (12, 0.6), (6, 0.9)]:
        proc = subprocess.Popen([sys.executable, "-c", TC_CHILD, str(path)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        watchdog = threading.Timer(30, proc.kill)
        watchdog.start()
        lines: list[str] = []
        times: list[float] = []
        try:
            while len(lines) < kill_after:
                line = proc.stdout.readline()
                assert line, f"child stopped early: {proc.stderr.read()}"
                lines.append(line)
                times.append(time.perf_counter())
            time.sleep(fraction * (times[-1] - times[0]) / (len(times) - 1))
        finally:
            os.kill(proc.pid, signal.SIGKILL)  # the child does nothing but save
            proc.wait(timeout=10)
            watchdog.cancel()
        lines += proc.stdout.read().splitlines(keepends=True)
        proc.stdout.close(), proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL
        confirmed = int([line for line in lines if line.endswith("\n")][-1])
        ops = Curation(path).ops  # loads: the file is whole
        assert confirmed <= len(ops) <= confirmed + 1  # every confirmed step; at most the one in flight
        assert [op.label for op in ops] == [f"label {i}" for i in range(len(ops))]
        assert len(Curation(Curation(path).backup_path).ops) in (len(ops) - 1, len(ops))
    assert list(tmp_path.glob(".curation.json.*.tmp")), "no kill landed inside a write"
