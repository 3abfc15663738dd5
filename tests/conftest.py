"""Shared fixtures for the workbench tests outside tests/corpus/ (all prefixed ``wb_``)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_CORPUS = REPO_ROOT / "corpora" / "coproduction"

T1 = """Workshop A: small test

Rose: I think the agenda was already written before we arrived.

Dev Patel: That's fair. The timeline was set by the contract, not by us.

Rose: Then change the contract. We should be there from the start.

Dev Patel: I'll take that back to the board next week.
"""

T2 = """Sheila: Carers are never paid for their time at these meetings.

Amara: What would fair payment look like for you?

Sheila: Travel, a day rate, and somebody to cover the caring.
"""

BLOG = """---
title: "Paying people properly"
date: 2025-06-12
kind: blog
---

# Paying people properly

People with lived experience give their time and their expertise. They should be paid for it.

Vouchers are not payment. A fair day rate, paid promptly, shows that the work is valued.
"""

METADATA = """doc_id,kind,title,date,speaker_roles
transcripts/t1.txt,transcript,Workshop A,2025-03-14,Rose=lived experience; Dev Patel=commissioner
"""

SMALL_FILES = {
    "transcripts/t1.txt": T1,
    "transcripts/t2.txt": T2,
    "blogs/post.md": BLOG,
    "metadata.csv": METADATA,
}


def write_files(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def wb_small_corpus(tmp_path_factory) -> Path:
    """A read-only small corpus: 2 tiny transcripts, 1 blog and a metadata.csv. Do not modify it."""
    return write_files(tmp_path_factory.mktemp("wb_small") / "small", SMALL_FILES)


@pytest.fixture
def wb_corpus_copy(wb_small_corpus, tmp_path) -> Path:
    """A private, writable copy of the small corpus."""
    dest = tmp_path / "small_copy"
    shutil.copytree(wb_small_corpus, dest)
    return dest


@pytest.fixture
def wb_cache_dir(tmp_path, monkeypatch) -> Path:
    """An empty annotation cache; WORKBENCH_CACHE_DIR points at it so nothing writes to ~/.cache."""
    cache = tmp_path / "wb_cache"
    cache.mkdir()
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(cache))
    return cache


@pytest.fixture(autouse=True)
def _wb_no_home_cache(tmp_path_factory, monkeypatch):
    """Every test gets a throwaway default cache, unless it asks for ``wb_cache_dir`` itself."""
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path_factory.mktemp("wb_default_cache")))
    monkeypatch.delenv("WORKBENCH_CORPUS", raising=False)  # the notebooks' corpus setting: tests choose their own


@pytest.fixture(scope="session")
def wb_demo_corpus() -> Path:
    assert DEMO_CORPUS.is_dir(), DEMO_CORPUS
    return DEMO_CORPUS


FIGURES: list[str] = []


@pytest.fixture(scope="session")
def wb_figure():
    """Report a measured figure (e.g. how many segments moved under noise): printed at the end of the run
    and kept in test-artifacts/figures.txt, so the number is seen even when the test passes."""
    def report(text: str) -> None:
        FIGURES.append(text)
        out = REPO_ROOT / "test-artifacts"
        out.mkdir(exist_ok=True)
        with open(out / "figures.txt", "a", encoding="utf-8") as handle:
            handle.write(text + "\n")
    return report


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("measured figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
