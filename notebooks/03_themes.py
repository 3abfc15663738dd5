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

# %% [markdown]
# # 3 · Themes: what the material is about
#
# Themes group segments that talk about the same thing. They are found with BERTopic, set up for workshop-sized
# corpora: segments are compared by meaning (a sentence model that runs offline), grouped, and each group gets
# key phrases and a short label. Very short turns ("Yeah.") join the nearest theme afterwards.
#
# Two things make the themes trustworthy:
# - **the same input gives the same themes**, on this computer and on any other: the grouping has no random
#   steps, and the tiny numeric differences between processors do not move a segment (tested);
# - **a stability score** for each theme: the grouping is redone on slightly smaller samples of the segments,
#   and a theme that comes back with the same members scores near 1. Themes under 0.5 are marked *unstable*:
#   read them with care.
#
# Your renames and merges are saved beside the model and applied again on every run, so they are never lost.

# %% tags=["parameters"]
# Which corpus to read. `make lab CORPUS=corpora/mine` (or the WORKBENCH_CORPUS setting) chooses it for every
# notebook and the dashboard; or write a folder here, e.g. CORPUS = "corpora/mine". None: that setting, else the demo.
CORPUS = None

# %% [markdown]
# The corpus comes from the first cell (`CORPUS`, else the `WORKBENCH_CORPUS` setting that `make lab
# CORPUS=corpora/mine` sets, else the demo). To read another folder of `corpora/` now, choose it below and run the
# cells after it again (*Run ▸ Run Selected Cell and All Below*).

# %%
from workbench.views.corpus_choice import CorpusPicker

picker = CorpusPicker(CORPUS)
picker.box

# %%
import pandas as pd
from workbench.project import Workbench
from workbench.views.theme_explorer import ThemeExplorer, ThemeExplorerWidget
from workbench.views import charts

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 80)
bench = Workbench(picker.path, progress=False)
model = bench.themes
print(f"{picker.path.name}: {len(model.themes_)} themes; {model.outlier_share_:.1%} of segments in no theme")

# %%
model.themes_[["theme_id", "label", "size", "doc_count", "stability", "keywords"]]

# %% [markdown]
# ## Quotes: what each theme sounds like

# %%
for theme in model.themes_.head(3).itertuples():
    print(f"\n{theme.label}  ({theme.size} segments, stability {theme.stability})")
    for q in model.quotes_[model.quotes_.theme_id == theme.theme_id].itertuples():
        print(f"  - {q.speaker if isinstance(q.speaker, str) else q.doc_id}: “{q.text[:140]}” [{q.seg_id}, {q.start_char}-{q.end_char}]")

# %% [markdown]
# ## Where themes occur: transcripts and blogs, and who raises them

# %%
meta = bench.segment_meta()
by_kind = model.distribution(meta, by="kind")
by_kind.index = model.themes_.set_index("theme_id").loc[by_kind.index, "label"]
by_kind

# %%
by_role = model.distribution(meta, by="speaker_role")
by_role.index = model.themes_.set_index("theme_id").loc[by_role.index, "label"]
by_role

# %% [markdown]
# ## How themes relate: which ones merge first into broader themes

# %%
bench.theme_hierarchy()[["Child_Left_Name", "Child_Right_Name"]].tail(4)

# %% [markdown]
# ## Charts
#
# Sizes, themes by kind of document, and a map where each dot is a segment (close dots say similar things).
# The figures are interactive in JupyterLab; below them, their numbers.

# %% tags=["nbval-ignore-output"]
sizes = charts.theme_sizes(model.themes_)
sizes.show()

# %%
[(t["name"], t["y"][:3], t["x"][:3]) for t in charts.figure_data(sizes)]

# %% tags=["nbval-ignore-output"]
charts.themes_by_group(model.assignments_, meta, by="kind", themes=model.themes_).show()

# %% tags=["nbval-ignore-output"]
charts.theme_map(model.map_2d(), model.themes_).show()

# %% [markdown]
# ## Explore, rename and merge
#
# Pick a theme to read its key phrases, quotes and where it occurs. Rename a theme or merge two: the change is
# saved to `models/<corpus>/themes/curation.json` and applied again on every run. The slider fits the
# themes again with a number you choose (about half a minute).

# %%
explorer = ThemeExplorer(model.themes_, model.assignments_, model.quotes_, meta, corpus=bench.corpus,
                         curation=bench.curation, on_change=bench.reapply_curation)
ui = ThemeExplorerWidget(explorer, n_themes_callback=bench.refit_themes)
ui.box

# %%
first = int(model.themes_.iloc[0].theme_id)
details = explorer.select(first)
print(details["label"], "|", ", ".join(details["keywords"][:5]))
print(details["where"]["kind"].to_string(index=False))
