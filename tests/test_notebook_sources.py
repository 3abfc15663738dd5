"""Notebook sources are jupytext py:percent files paired with the .ipynb; ``tools/build_notebooks.py --check``
(run by ``make lint`` and CI) says when a pair is out of sync."""
from __future__ import annotations

import shutil

import jupytext

from tools.build_notebooks import NOTEBOOKS, check


def test_every_stored_notebook_matches_its_source():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.py")) == sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    assert check() == []


def test_an_edited_source_a_lone_notebook_and_a_lone_source_are_found(tmp_path):
    for path in NOTEBOOKS.glob("01_corpus.*"):
        shutil.copy(path, tmp_path / path.name)
    assert check(tmp_path) == []
    source = tmp_path / "01_corpus.py"
    nb = jupytext.read(source)
    nb.cells[1].source += "\nprint('edited')"
    jupytext.write(nb, source, fmt="py:percent")
    shutil.copy(tmp_path / "01_corpus.ipynb", tmp_path / "02_lone.ipynb")
    shutil.copy(source, tmp_path / "03_lone.py")
    problems = check(tmp_path)
    assert problems[0] == "notebooks/02_lone.ipynb has no source notebooks/02_lone.py"
    assert problems[1].startswith("notebooks/03_lone.py has no notebook")
    assert problems[2].startswith("notebooks/01_corpus.ipynb differs from notebooks/01_corpus.py at cell 1 ")
    assert len(problems) == 3
