"""Fixtures for the coding tests (all prefixed ``cd_``): a tiny real corpus of two transcripts."""
from __future__ import annotations

from pathlib import Path

import pytest

from workbench.coding import CodingStore
from workbench.corpus import Corpus, load_corpus

CD_T1 = """Rose: I think the agenda was already written before we arrived.

Dev Patel: That's fair. The timeline was set by the contract, not by us.

Rose: Then change the contract. We should be there from the start.
"""

CD_T2 = """Sheila: Carers are never paid for their time at these meetings.

Amara: What would fair payment look like for you?

Sheila: Travel, a day rate, and somebody to cover the caring.
"""

CD_METADATA = """doc_id,kind,speaker_roles
t1.txt,transcript,Rose=lived experience; Dev Patel=commissioner
t2.txt,transcript,Sheila=lived experience; Amara=researcher
"""


def cd_write_corpus(root: Path, t1: str = CD_T1, t2: str = CD_T2) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "t1.txt").write_text(t1, encoding="utf-8")
    (root / "t2.txt").write_text(t2, encoding="utf-8")
    (root / "metadata.csv").write_text(CD_METADATA, encoding="utf-8")
    return root


@pytest.fixture
def cd_root(tmp_path: Path) -> Path:
    return cd_write_corpus(tmp_path / "corpus")


@pytest.fixture
def cd_corpus(cd_root: Path) -> Corpus:
    return load_corpus(cd_root)


@pytest.fixture
def cd_folder(cd_root: Path) -> Path:
    return cd_root / ".workbench" / "codings"


@pytest.fixture
def cd_store(cd_folder: Path) -> CodingStore:
    return CodingStore(cd_folder)


@pytest.fixture
def cd_rewrite(cd_root: Path):
    """Rewrite the corpus files: ``cd_rewrite(t1=..., t2=...)`` (defaults: the original texts)."""
    return lambda t1=CD_T1, t2=CD_T2: cd_write_corpus(cd_root, t1, t2)
