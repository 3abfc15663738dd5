"""Write notebooks/dashboard.ipynb (the trainers' dashboard, served with Voila) and execute it.

The notebook is a thin client: it finds corpora/coproduction, builds a Dashboard and shows it. The
last cell prints a one-line summary, a plain output that nbval checks (widget outputs are sanitized).
Run: .venv/bin/python tools/build_dashboard.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_notebooks import build  # noqa: E402  (same writer, executor and metadata clean-up)

CELLS = [
    ("code", """# The trainers' dashboard. Serve it to a room with `make dashboard` (Voila hides this code).
from workbench.project import Workbench
from workbench.views.corpus_browser import find_corpora_root
from workbench.views.dashboard import Dashboard, DashboardWidget

bench = Workbench(find_corpora_root() / "coproduction", progress=False)
dashboard = Dashboard(bench)
DashboardWidget(dashboard, title="Co-production workshops: what people said").box"""),
    ("code", """print(dashboard.summary())"""),
]

if __name__ == "__main__":
    print("built", build("dashboard", CELLS))
