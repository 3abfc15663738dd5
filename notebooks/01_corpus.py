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
# # 1 · Your corpus: load it, check it, read it
#
# This notebook loads a folder of workshop transcripts and blog posts, shows what was found (and any file
# that could not be read), lets you filter segments by kind, document and speaker, and read a document with
# its segments marked. Every segment keeps its `doc_id`, `seg_id` and character offsets, so any quote can be
# traced back to the exact place in the source.
#
# Run all cells (*Run ▸ Run All Cells*). To use your own files, put a folder under `corpora/` and start
# JupyterLab with `make lab CORPUS=corpora/my-folder`: every notebook and the dashboard then read it. You can
# also upload files in the browser below, or choose another folder from its list.

# %% tags=["parameters"]
# Which corpus to read. `make lab CORPUS=corpora/mine` (or the WORKBENCH_CORPUS setting) chooses it for every
# notebook and the dashboard; or write a folder here, e.g. CORPUS = "corpora/mine". None: that setting, else the demo.
CORPUS = None

# %%
import pandas as pd
from workbench.views.corpus_browser import CorpusBrowser, CorpusBrowserWidget

pd.set_option("display.width", 140)
pd.set_option("display.max_colwidth", 60)
browser = CorpusBrowser()          # finds the corpora/ folder of this project
browser.available_corpora()

# %% [markdown]
# ## Load the corpus

# %%
from workbench.views.corpus_choice import chosen_corpus

corpus_path = chosen_corpus(CORPUS)   # CORPUS, else the WORKBENCH_CORPUS setting, else the demo
browser.load(corpus_path)
print(corpus_path.name, "·", browser.summary())

# %%
browser.documents()[["doc_id", "kind", "format", "date", "segments", "words", "speakers"]]

# %% [markdown]
# Files that could not be read are listed here with the reason (an empty table means all loaded):

# %%
browser.problems()

# %% [markdown]
# How each document was read: *coverage* is the share of its text in a segment or set aside with a reason (headings, speaker labels, boilerplate such as bylines), *analysed* the share in segments; the other columns count the characters set aside, by reason. `browser.corpus.exclusions_df()` lists them.

# %%
browser.corpus.coverage_df()

# %% [markdown]
# ## Who speaks in the transcripts?

# %%
browser.corpus.speakers_df().pivot_table(index="role", values="segments", aggfunc="sum")

# %% [markdown]
# ## Filter segments: the speaker with the most turns

# %%
turns = browser.corpus.speakers_df().groupby("speaker")["segments"].sum()
speaker = turns.sort_values(ascending=False, kind="mergesort").index[0] if len(turns) else None
chosen = browser.filter(speaker=speaker)   # speaker None (a corpus without speakers): every segment
print(len(chosen), "segments by", speaker or "anyone")
chosen[["seg_id", "start_char", "end_char", "speaker_role", "text"]].head(3)

# %% [markdown]
# Offsets point into the document's text, so a segment can always be found again:

# %%
first = chosen.iloc[0]
document = browser.corpus.document(first.doc_id)
print(repr(document.text[first.start_char:first.end_char][:80]))
document.text[first.start_char:first.end_char] == first.text

# %% [markdown]
# ## Browse interactively
#
# Choose a corpus and press **Load**, or upload files. The tabs show the documents (and load problems),
# the segments with filters, and a reader for one document at a time.

# %%
ui = CorpusBrowserWidget(browser)
ui.box

# %% [markdown]
# The widget is driven by the same browser object, so its filters can also be set from code:

# %%
ui.speaker.value = speaker or "(all)"
print(ui.segments.value.split("</p>")[0].removeprefix("<p>"))
