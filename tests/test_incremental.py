"""Incremental analysis (issue 18): after adding, changing or removing documents, the tables made from
per-document parts are byte-identical to a from-scratch run, and only the changed documents are computed."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench.config import load_config
from workbench.project import Workbench

REPO = Path(__file__).resolve().parents[1]
SMALL = REPO / "tests" / "data" / "second_corpus"
DEMO = REPO / "corpora" / "coproduction"
# Every table made from per-document parts, and the ones that depend on them.
TABLES = ["segments", "exclusions", "phrases", "phrase_occurrences", "family_variants", "keyness", "barriers",
          "enablers", "benefits"]

pytestmark = pytest.mark.slow


def analyse(corpus: Path, cache: Path, out: Path, config: Path) -> dict:
    Workbench(corpus, load_config(config), cache_dir=cache, progress=False, models_dir=cache / "models").analyse(out)
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def tables(out: Path) -> dict[str, bytes]:
    return {name: (out / f"{name}.csv").read_bytes() for name in TABLES if (out / f"{name}.csv").exists()}


def add(corpus: Path, name: str, source: Path) -> None:
    (corpus / "blogs" / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")


def edit(corpus: Path, rel: str, old: str, new: str) -> None:
    path = corpus / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {rel}: the test's edits need updating"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


SEQUENCES = {
    "add then change then remove": [
        ("add", "why-with-not-for.md"), ("change", "transcripts/garden-session-1.txt"), ("remove", "blogs/paths-wide-enough.md")],
    "remove then add two": [
        ("remove", "transcripts/garden-session-2.txt"), ("add", "carers-at-the-table.md"), ("add", "commissioning-differently.md")],
    "change twice then revert": [
        ("change", "blogs/what-the-garden-taught-us.md"), ("change", "transcripts/garden-session-2.txt"),
        ("revert", "blogs/what-the-garden-taught-us.md")],
}


def apply(corpus: Path, original: Path, action: str, target: str) -> None:
    if action == "add":
        add(corpus, f"added-{target}", DEMO / "blogs" / target)
    elif action == "remove":
        (corpus / target).unlink()
    elif action == "revert":
        shutil.copy(original / target, corpus / target)
    else:  # a sentence added to a turn or paragraph, and a word changed
        path = corpus / target
        lines = path.read_text(encoding="utf-8").splitlines()
        i = max(range(len(lines)), key=lambda k: len(lines[k]))  # the longest line: a turn or a paragraph
        lines[i] += " The budget was the barrier, and we said so at every meeting with the commissioners."
        path.write_text("\n".join(lines).replace(" the ", " that ", 1) + "\n", encoding="utf-8")


@pytest.mark.parametrize("sequence", list(SEQUENCES))
def test_tables_after_each_change_are_those_of_a_run_from_scratch(tmp_path, sequence):
    config = tmp_path / "analysis.toml"
    config.write_text("[themes]\nenabled = false\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    shutil.copytree(SMALL, corpus)
    warm = tmp_path / "warm-cache"
    analyse(corpus, warm, tmp_path / "out-0", config)
    for step, (action, target) in enumerate(SEQUENCES[sequence], start=1):
        apply(corpus, SMALL, action, target)
        incremental = analyse(corpus, warm, tmp_path / f"out-{step}", config)
        scratch = tmp_path / f"scratch-{step}"
        analyse(corpus, scratch / "cache", scratch / "out", config)
        got, expected = tables(tmp_path / f"out-{step}"), tables(scratch / "out")
        assert got.keys() == expected.keys()
        for name in TABLES:
            if name in expected:
                assert got[name] == expected[name], f"{name}.csv differs from scratch after {action} {target}"
        parts = incremental["annotation_cache"]["document_parts"]
        changed = 0 if action in ("remove", "revert") else 1  # a reverted document's parts are still kept
        assert parts["stances"]["computed"] == changed, parts  # only the added or changed document was judged
        assert parts["tokens"]["computed"] == changed
        assert incremental["annotation_cache"]["documents_annotated"] == changed


def test_a_small_addition_joins_the_saved_themes_and_a_large_one_refits(tmp_path):
    config = tmp_path / "analysis.toml"
    config.write_text("[barriers]\nenabled = false\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    shutil.copytree(DEMO, corpus)
    cache = tmp_path / "cache"
    first = analyse(corpus, cache, tmp_path / "out-0", config)
    assert first["themes"]["extended"] is None and first["themes"]["history"]["changed_since_fit"] == 0
    fitted = first["themes"]["history"]["fit_segments"]
    (corpus / "blogs" / "short-note.md").write_text(
        "# After the panel\n\nWe asked again for the budget to be shared with the panel before the decision.\n\n"
        "People with lived experience chaired the meeting and set the agenda for the first time.\n", encoding="utf-8")
    second = analyse(corpus, cache, tmp_path / "out-1", config)
    assert second["themes"]["extended"] == {"new_segments": 2, "removed_segments": 0, "kept_segments": fitted}
    before = (tmp_path / "out-0" / "themes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert (tmp_path / "out-1" / "themes.csv").read_text(encoding="utf-8").splitlines()[0] == before
    assigned = (tmp_path / "out-1" / "segment_themes.csv").read_text(encoding="utf-8")
    assert "blogs/short-note.md#0000" in assigned
    report = (tmp_path / "out-1" / "report.html").read_text(encoding="utf-8")
    assert "2 new segments" in report
    # More than refit_share of the fitted segments changed: the themes are fitted again.
    for name in ("workshop-01-power-and-decisions.txt", "workshop-04-recognition-and-payment.txt"):
        (corpus / "transcripts" / name).unlink()
    third = analyse(corpus, cache, tmp_path / "out-2", config)
    assert third["themes"]["extended"] is None and "refit_share" in third["themes"]["refit_reason"]
    assert third["themes"]["history"]["changed_since_fit"] == 0
