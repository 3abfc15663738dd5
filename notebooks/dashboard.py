# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
# Which corpus: `make dashboard CORPUS=corpora/mine` (or the WORKBENCH_CORPUS setting) chooses it; or write a
# folder here. None: that setting, else the demo. TITLE None: "<corpus>: what people said".
CORPUS = None
TITLE = None

# %%
# The trainers' dashboard. Serve it to a room with `make dashboard` (Voila hides this code).
# The corpus picker at the bottom shows the dashboard of another folder in corpora/.
from workbench.views.dashboard_app import DashboardApp

app = DashboardApp(CORPUS, title=TITLE)
app.box

# %%
print(app.dashboard.summary())
