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
# # 4 · Barriers, enablers and coding
#
# What gets in the way of co-production, and what helps? This notebook finds sentences that state a **barrier**,
# an **enabler** or a **benefit** (an outcome: "it has led to better services"), groups them by the categories
# of the co-production codebook, and shows each with its quote and the evidence the workbench used. Then a
# person takes over: machine suggestions go to a **review queue** (accept, correct or reject), segments are
# **coded** by hand, and the usual tables follow: code frequencies, co-occurrence, codes by document, and
# agreement between two coders.
#
# How a sentence is judged: it gets **one stance** (barrier, enabler, benefit or neither), so it is never in
# two tables. The evidence, and each hit says which fired:
# - *structure*: a list item under a lead-in or heading such as "What got in the way" or "The main challenges
#   were as follows:" is a barrier even as a bare noun phrase; under "What helped" or "Top tips" an enabler;
# - *cues*: words and patterns such as "lack of", "takes longer", "helped us", "led to"; a negated cue counts
#   for the other kind ("we didn't have to wait" is an enabler);
# - *framing*: a definition ("co-production means...", "it is more than consultation") or a negated claim
#   ("this isn't a tick-box exercise") is neither;
# - *meaning*: the sentence embedding. A logistic regression trained on labelled texts weighs it all.
#
# This notebook codes into a scratch folder, so running it never changes your own codings. Your codings
# normally live beside the corpus, in `<corpus>/.workbench/codings/` (one file per coder, saved at once and
# safely).

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
import tempfile
import pandas as pd
from workbench.config import Config
from workbench.project import Workbench

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 90)
config = Config()
config.coding.folder = tempfile.mkdtemp(prefix="workbench-codings-")   # a scratch folder for this demo
bench = Workbench(picker.path, config, progress=False)
barriers = bench.barriers("barrier").hits_
enablers = bench.barriers("enabler").hits_
benefits = bench.barriers("benefit").hits_
print(f"{picker.path.name}: {len(barriers)} barrier sentences, {len(enablers)} enabler sentences and "
      f"{len(benefits)} benefit sentences in {bench.corpus.summary()['documents']} documents")


# %% [markdown]
# ## Barriers by category

# %%
def by_category(hits):
    return (hits.groupby("category")
                .agg(sentences=("seg_id", "size"), documents=("doc_id", "nunique"), mean_score=("score", "mean"))
                .round(2).sort_values("sentences", ascending=False))

by_category(barriers)


# %% [markdown]
# The strongest quote of each category, with where it is (document, speaker, character offsets):

# %%
def top_quotes(hits, n=1):
    for category, group in hits.sort_values("score", ascending=False).groupby("category", sort=True):
        print(f"\n{category.upper()}")
        for q in group.head(n).itertuples():
            who = q.speaker if isinstance(q.speaker, str) else "(blog)"
            print(f"  “{q.text[:150]}”")
            print(f"     {who} · {q.doc_id} {q.start_char}-{q.end_char} · {q.evidence[:100]}")

top_quotes(barriers)

# %% [markdown]
# ## Enablers by category

# %%
by_category(enablers)

# %%
top_quotes(enablers)

# %% [markdown]
# ## Benefits and outcomes (`benefits.csv`)

# %%
by_category(benefits)

# %% [markdown]
# ## How good is the detector?
#
# Precision (of the sentences it flags, how many are right) and recall (of the sentences that state a barrier,
# how many it finds). The stance model was trained on every labelled text kept with the tests, so the honest
# figures are the cross-validated ones below (each text judged by a model that never saw it), stored with the
# model by `tools/train_stance.py`. On a held-out set of 16 documents written and labelled by someone who never
# saw the code (`tests/data/heldout_b`, read once) they were barriers 0.71 / 0.58 and enablers 0.67 / 0.61.
# Treat the detector as a first pass that a person reviews (below), not as a verdict.

# %%
from workbench.analysis.stance_model import StanceModel

out_of_fold = StanceModel.load().about["out_of_fold"]["minilm"]
pd.DataFrame([{"set": name, "kind": kind, "labelled": f["labelled"], "precision": f["precision"],
               "recall": f["recall"]} for name in ("all", "tuning_a2") for kind, f in out_of_fold[name].items()])

# %% [markdown]
# ## Review the machine's suggestions
#
# The hits go to a review queue, highest score first. A reviewer accepts a suggestion, corrects its code, or
# rejects it (a rejected suggestion is never offered again). Only accepted codings count in the tables below.

# %%
from workbench.views.review_queue import ReviewQueue, ReviewQueueWidget

queue = ReviewQueue(bench, reviewer="Ana")
print(queue.fill(), "suggestions queued")
print(queue.progress_text())

# %%
ui = ReviewQueueWidget(queue)
ui.box

# %% [markdown]
# The same actions from code: accept the first three suggestions and correct the next two (the detector
# chose the wrong category). *Reject* is for a sentence that states no barrier at all.

# %%
for _ in range(min(3, len(queue.pending()))):
    done = queue.accept()
    print("accepted:", done.codes, "|", done.text[:70])
for new_code, memo in (("time and resources", "replacement care fell through: a resource problem"),
                       ("power and hierarchy", "who decides is hidden from carers"))[:len(queue.pending())]:
    suggestion = queue.current()
    print("was:", suggestion.codes, "|", suggestion.text[:70])
    print("   corrected to:", queue.correct([new_code], memo=memo).codes)
print(queue.progress_text())

# %% [markdown]
# ## Code a segment by hand
#
# Pick a segment (here from the barrier list; a concordance line, a theme quote or the corpus browser work
# the same way), select the words to code or the whole segment, choose one or more codes and add a memo.

# %%
from workbench.views.coding_panel import CodingPanel, CodingPanelWidget

panel = CodingPanel(bench, coder="Ana")
row = barriers.sort_values(["score", "seg_id"], ascending=[False, True], kind="mergesort").iloc[0]  # the strongest
panel.pick_from(row)
print(panel.selected_text)
coding = panel.code([row.category, "confidence and training"], memo="a first reading: who is left out, and why")
print(coding.coder, coding.source, coding.codes, coding.start_char, coding.end_char)

# %%
CodingPanelWidget(panel).box

# %% [markdown]
# ## What was coded: frequencies, co-occurrence and codes by document

# %%
from workbench.coding import agreement, co_occurrence, code_document_matrix, code_frequencies, quotes_for

coded = bench.codings.load().frame()
code_frequencies(coded, bench.corpus.segments_df(), by="kind")

# %%
co_occurrence(coded)

# %%
code_document_matrix(coded)

# %% [markdown]
# Drill down from a count to its quotes:

# %%
quotes_for(coded, bench.corpus, row.category)[["doc_id", "seg_id", "start_char", "end_char", "text"]]

# %% [markdown]
# ## Agreement between two coders
#
# A second coder, Ben, codes the same ten barrier sentences on his own (his choices are written out below so
# the demo is reproducible). Agreement is computed per code and overall, with Cohen's kappa (scikit-learn) and
# Krippendorff's alpha (the `krippendorff` package); the unit is a segment.

# %%
sample = barriers.sort_values(["doc_id", "start_char"]).groupby("category").head(2).head(10)
ben_changes = {2: "power and hierarchy", 5: "trust", 7: None}   # where Ben read it differently (None: no code)
for i, hit in enumerate(sample.itertuples()):
    bench.codings.code_span(bench.corpus, hit.seg_id, [hit.category], coder="Ana",
                            start_char=hit.start_char, end_char=hit.end_char)
    ben = ben_changes.get(i, hit.category)
    if ben:
        bench.codings.code_span(bench.corpus, hit.seg_id, [ben], coder="Ben",
                                start_char=hit.start_char, end_char=hit.end_char)
both = bench.codings.load().frame()
agreement(both[both["source"] == "human"], "Ana", "Ben", segments=sample["seg_id"].tolist()).round(3)

# %% [markdown]
# The same table from the command line: `workbench agreement corpora/coproduction --coders Ana Ben`.
# `workbench analyse` writes `barriers.csv`, `enablers.csv` and `benefits.csv`, and `codes.csv` once codings
# exist.

# %% [markdown]
# ## Your codes against the machine's themes
#
# The themes of notebook 3 were found by the computer without any codebook; the codes above were given by people.
# Set side by side, they check each other. Each number counts the coded segments of a code (rows) that fall in a
# theme (columns). A code that sits in one theme *agrees* with the machine; a code spread over several themes, or
# a theme that holds several codes, is where they *part*, and reading its quotes says why: the code may be too
# broad, or the theme may mix two things. `workbench analyse` writes this table as `codes_by_theme.csv`, with the
# quotes behind every number in `codes_by_theme_quotes.csv`, and the report shows it.

# %%
matrix = bench.codes_by_theme()
matrix.table()

# %% [markdown]
# Each non-empty cell with its two shares: of the code's segments, how many are in the theme (`code_share`),
# and of the theme's coded segments, how many carry the code (`theme_share`). `relation` says it in words.

# %%
matrix.cells_[["code", "theme", "segments", "code_share", "theme_share", "relation"]]

# %%
matrix.themes_[["theme", "size", "coded_segments", "main_code", "reading"]]

# %% [markdown]
# Drill down from a number to its quotes: here the largest cell.

# %%
cell = matrix.cells_.sort_values(["segments", "code"], ascending=[False, True]).iloc[0]
print(f"{cell.code} × {cell.theme}: {cell.segments} segments ({cell.relation})")
matrix.quotes(cell.code, cell.theme_id)[["doc_id", "seg_id", "start_char", "end_char", "coders", "text"]]

# %% [markdown]
# The same matrix to click: each number opens the quotes behind it.

# %%
from workbench.views.code_theme_view import CodeThemeWidget

grid = CodeThemeWidget(matrix)
grid.box

# %%
grid.show(cell.code, cell.theme_id)   # what clicking that number does
print(grid.quotes.value.split("</h4>")[0].removeprefix("<h4>"))

# %% [markdown]
# ## Are we still hearing anything new?
#
# Qualitative research calls it *saturation*: when new workshops stop adding new codes, themes, barrier or
# enabler categories or recurring phrases. Read in date order (or `[steps.saturation] order_by` in the
# config: a metadata column such as a session number), each document's row says what it added first.
# `workbench analyse` writes this as `saturation.csv` (one row per document) and `saturation_first.csv`
# (the quote where each category was first met), and the report shows the curves.

# %%
from IPython.display import SVG

from workbench.views.saturation_chart import saturation_svg

saturation = bench.result("saturation")
for sentence in saturation["reading"]["sentence"]:
    print(sentence)

# %%
SVG(saturation_svg(saturation["saturation"], scale="share"))

# %% [markdown]
# Every point traces to a quote: here the first time each barrier category was met.

# %%
first = saturation["first"]
first[first["kind"] == "barriers"][["category", "position", "doc_id", "seg_id", "start_char", "end_char", "text"]]
