"""Behaviour unchanged: every table ``workbench analyse corpora/coproduction`` writes (CSV files, the
workbook's sheets, the REFI-QDA codebook and project) has the digest stored in tests/data/demo_digest.json.

The stored digest is made from main's behaviour (``tools/demo_digest.py --write``, its note says from which
commit), never from a branch's own output: a change that is meant to alter results regenerates it in its
own commit and says why.
"""
from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest

from tools.demo_digest import DIGEST_FILE, compare, digest_folder, run_demo


def test_digest_names_every_table_and_notices_a_changed_cell(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_csv(out / "t.csv", index=False)
    with pd.ExcelWriter(out / "tables.xlsx") as writer:
        pd.DataFrame({"a": [1, 2]}).to_excel(writer, sheet_name="t", index=False)
    with zipfile.ZipFile(out / "project.qdpx", "w") as archive:
        archive.writestr("project.qde", "<Project/>")
    before = digest_folder(out)
    assert set(before) == {"t.csv", "tables.xlsx:t", "project.qdpx:project.qde"}

    pd.DataFrame({"a": [1, 2], "b": ["x", "z"]}).to_csv(out / "t.csv", index=False)
    with pd.ExcelWriter(out / "tables.xlsx") as writer:  # 2 -> "2": the same text, another cell type
        pd.DataFrame({"a": [1, "2"]}).to_excel(writer, sheet_name="t", index=False)
    after = digest_folder(out)
    assert compare(before, after) == ["t.csv: differs", "tables.xlsx:t: differs"]
    assert compare(before, {}) == [f"{name}: missing now" for name in sorted(before)]


@pytest.mark.slow
def test_demo_tables_match_the_stored_digest(tmp_path):
    stored = json.loads(DIGEST_FILE.read_text(encoding="utf-8"))["tables"]
    now = run_demo(tmp_path / "out", tmp_path / "models", cache_dir=tmp_path / "cache")
    assert compare(stored, now) == []
