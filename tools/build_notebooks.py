"""Build the notebooks from their sources, and check that they match.

Each notebook's source is a jupytext ``py:percent`` file beside it (``notebooks/01_corpus.py`` for
``notebooks/01_corpus.ipynb``; the pairing is set in ``jupytext.toml``), so it is reviewed, diffed and
linted as Python. The ``.ipynb`` holds the same cells with real outputs: this tool writes it from the
``.py`` and executes it; ``make test`` runs it under nbval. Opened in JupyterLab with jupytext, an edit
to either file is saved to both. Each notebook starts with a parameters cell (``CORPUS = None``: the
WORKBENCH_CORPUS setting, else the demo); the stored outputs are always the demo's (WORKBENCH_CORPUS is unset
while they run), which is what nbval checks.

    .venv/bin/python tools/build_notebooks.py [name ...]   # write and execute (all, or the named ones)
    .venv/bin/python tools/build_notebooks.py --write-only [name ...]  # write the .ipynb, do not execute it
    .venv/bin/python tools/build_notebooks.py --check      # every pair has the same cells (make lint, CI)
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def _cells(nb) -> list[tuple]:
    """What must match between a source and its notebook: each cell's kind, source and tags."""
    return [(c.cell_type, c.source, c.metadata.get("tags")) for c in nb.cells]


def build(name: str, folder: Path = NOTEBOOKS, execute: bool = True) -> Path:
    """Write ``<folder>/<name>.ipynb`` from ``<name>.py`` and execute it in place (outputs stored; ``execute``
    False: the cells alone, e.g. to try the notebooks before storing their outputs)."""
    nb = jupytext.read(folder / f"{name}.py")
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name.replace('_', '-')}-{i:02d}"  # stable ids: small diffs
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    if not execute:
        return path
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_CORPUS"}  # stored outputs show the demo
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                    "--ExecutePreprocessor.timeout=600", str(path)], check=True, cwd=path.parent, env=env)
    executed = nbformat.read(path, as_version=4)
    for cell in executed.cells:
        cell.metadata.pop("execution", None)  # run timestamps: noise in diffs
    nbformat.write(executed, path)
    return path


def check(folder: Path = NOTEBOOKS) -> list[str]:
    """What is out of sync in ``folder``: a notebook without its source or the other way round, or a pair
    whose cells (kind, source, tags) differ. Empty when every pair matches."""
    sources = {p.stem for p in folder.glob("*.py")}
    notebooks = {p.stem for p in folder.glob("*.ipynb")}
    problems = [f"notebooks/{n}.ipynb has no source notebooks/{n}.py" for n in sorted(notebooks - sources)]
    problems += [f"notebooks/{n}.py has no notebook: run tools/build_notebooks.py {n}"
                 for n in sorted(sources - notebooks)]
    for name in sorted(sources & notebooks):
        source = _cells(jupytext.read(folder / f"{name}.py"))
        notebook = _cells(nbformat.read(folder / f"{name}.ipynb", as_version=4))
        if source != notebook:
            at = next((i for i, (a, b) in enumerate(zip(source, notebook)) if a != b), min(len(source), len(notebook)))
            problems.append(f"notebooks/{name}.ipynb differs from notebooks/{name}.py at cell {at} "
                            f"({len(source)} cells in the source, {len(notebook)} in the notebook): "
                            f"run tools/build_notebooks.py {name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="notebooks to build (default: all)")
    parser.add_argument("--check", action="store_true", help="only check that every pair is in sync")
    parser.add_argument("--write-only", action="store_true", help="write the notebooks without executing them")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        print("\n".join(problems) or "notebooks in sync with their sources")
        return 1 if problems else 0
    for name in args.names or sorted(p.stem for p in NOTEBOOKS.glob("*.py")):
        print("built", build(name, execute=not args.write_only))
    return 0


if __name__ == "__main__":
    sys.exit(main())
