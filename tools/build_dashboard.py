"""Write notebooks/dashboard.ipynb (the trainers' dashboard, served with Voila) and execute it.

The notebook is a thin client: its first cell (tagged parameters) names the corpus (None: the WORKBENCH_CORPUS
setting that `make dashboard CORPUS=...` sets, else corpora/coproduction); a DashboardApp shows the dashboard
of that corpus with a corpus picker. The last cell prints a one-line summary, a plain output that nbval checks
(widget outputs are sanitized).
Run: .venv/bin/python tools/build_dashboard.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_notebooks import build  # noqa: E402  (same writer, executor and metadata clean-up)

CELLS = [
    ("code", """# Which corpus: `make dashboard CORPUS=corpora/mine` (or the WORKBENCH_CORPUS setting) chooses it; or write a
# folder here. None: that setting, else the demo. TITLE None: "<corpus>: what people said".
CORPUS = None
TITLE = None""", ["parameters"]),
    ("code", """# The trainers' dashboard. Serve it to a room with `make dashboard` (Voila hides this code).
# The corpus picker at the bottom shows the dashboard of another folder in corpora/.
from workbench.views.dashboard_app import DashboardApp

app = DashboardApp(CORPUS, title=TITLE)
app.box"""),
    ("code", """print(app.dashboard.summary())"""),
]

if __name__ == "__main__":
    print("built", build("dashboard", CELLS, execute="--write-only" not in sys.argv))
