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
# # 2 · Recurring phrases, families, concordance and keyness
#
# What do people keep saying, in what words, where, and who says it? This notebook finds
#
# - **recurring phrases** (2–8 words, matched on word stems so "lived experiences" counts with "lived experience");
#   a phrase starts and ends with a word that carries meaning, so fragments such as "need to" or "people with"
#   are not listed,
# - **quoted statements** — everything people put in quotation marks (2–25 words), even when quoted once: slogans,
#   things people were told, words held at a distance,
# - **phrase families** — different wordings of one idea ("with not for", "with people, not for them",
#   "from doing for to doing with"), which you can extend with wordings suggested from the corpus,
#
# and lets you read every occurrence in context (a *concordance*). **Keyness** then compares groups: which words
# do transcripts use more than blogs, or people with lived experience more than practitioners?
# Every line carries its `doc_id`, `seg_id` and character offsets.

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
from workbench.views.phrase_explorer import PhraseExplorer, PhraseExplorerWidget
from workbench.views.concordance_view import ConcordanceView, ConcordanceWidget

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 70)
bench = Workbench(picker.path, progress=False)
print(f"{picker.path.name}: {len(bench.corpus.documents)} documents, {len(bench.corpus.segments)} segments")

# %% [markdown]
# ## Phrase families: one idea, many wordings

# %%
phrases, occurrences = bench.phrase_tables
phrases[phrases.kind == "family"][["phrase", "count", "doc_count", "speaker_count", "score"]]

# %% [markdown]
# The wordings of the most used family:

# %%
families = bench.phrase_families
found = phrases[phrases.kind == "family"].sort_values(["count", "phrase"], ascending=[False, True], kind="mergesort")
family = found["phrase"].iloc[0] if len(found) else None
families.variants_[families.variants_.family == family][["variant", "count", "doc_count"]]

# %% [markdown]
# ## New wordings for a family
#
# A family finds only the wordings its patterns describe. `suggest_variants` looks in the corpus for other wordings
# close in meaning to the ones the family already has, comparing them with the same offline sentence model as the
# themes. Nothing changes until you accept a wording: accepted wordings are written to your own families file
# (`my-families.yml` beside the corpus folder unless `[phrases] families_file` names one; the previous version is
# kept as `.bak`), and the family finds them from the next run on.

# %%
from workbench.views.variant_suggester import VariantSuggester, VariantSuggesterWidget

suggester = VariantSuggester(bench, top=6)
suggestions = suggester.suggest("with, not for")
suggestions[["wording", "closest", "count", "doc_id", "start_char", "end_char"]].head(3)

# %% [markdown]
# Pick a family, ask for suggestions, tick the good ones, accept them and save:

# %%
ui = VariantSuggesterWidget(suggester)
ui.box

# %% [markdown]
# The widget drives the same object, so it can also be used from code. Here it accepts the first suggestion
# and saves it to a file in a temporary folder (for your own work, keep the path it proposes).

# %%
import tempfile
from pathlib import Path

ui.family.value = "with, not for"
ui.suggest_button.click()
ui.choices.value = (0,) if ui.choices.options else ()  # the first suggestion, when the corpus gave any
ui.accept_button.click()
ui.path.value = str(Path(tempfile.mkdtemp()) / "my-families.yml")
ui.save_button.click()
print(ui.status.value)
saved = Path(ui.path.value)
print(saved.read_text(encoding="utf-8").splitlines()[-1] if saved.exists() else "(nothing saved)")

# %% [markdown]
# ## Quoted statements: what people put in quotation marks
#
# Most used first; once is enough to be listed. A statement that is one of a family's wordings carries the family.

# %%
phrases[phrases.kind == "quoted"][["phrase", "family", "count", "doc_count", "variants"]].head(8)

# %% [markdown]
# ## Recurring phrases
#
# Ranked by how strongly the words belong together *and* how widely the phrase is used: across documents and
# speakers, not one person repeating themselves. A phrase starts and ends with a word that carries meaning, and
# small words inside lower its score, so "lived experience" ranks above "people with lived experience".

# %%
ngrams = phrases[phrases.kind == "ngram"]
ngrams[["phrase", "family", "count", "doc_count", "speaker_count", "score"]].head(15)

# %% [markdown]
# Each phrase comes with an example quote that says where it is (segment and character offsets):

# %%
for row in ngrams.head(1).itertuples():
    print(row.example)

# %% [markdown]
# ## Concordance: every occurrence in context (here of the top recurring phrase)

# %%
top = ngrams["phrase"].iloc[0] if len(ngrams) else "with"
lines = bench.concordance.query(top, mode="phrase", width=35, sort="left")
lines[["speaker", "kind", "left", "match", "right", "seg_id"]].head(12)

# %% [markdown]
# By lemma, so "pay" finds pay, paid, paying, and only what one group of speakers said (here the speaker
# role with the most turns, when the corpus has roles):

# %%
segments = bench.corpus.segments_df()
roles = segments["speaker_role"].dropna().value_counts()
role = roles.index[0] if len(roles) else None
print("speaker role:", role)
bench.concordance.query("pay", mode="lemma", filters={"speaker_role": role} if role else None)[
    ["speaker", "left", "match", "right"]].head(5)

# %% [markdown]
# ## Keyness: what each group says distinctively
#
# Log-likelihood (how sure) and log ratio (how big: +1 means twice as frequent) compare the two most common kinds
# of document (in the demo: transcripts and blog posts; transcripts are speech, so fillers such as "yeah" and
# "um" show up as theirs). A corpus of one kind has nothing to compare.

# %%
kinds = segments["kind"].value_counts()
KEY_COLUMNS = ["term", "feature", "target_count", "reference_count", "log_likelihood", "log_ratio"]
if len(kinds) >= 2:
    target, reference = kinds.index[0], kinds.index[1]
    by_kind = bench.keyness("kind", target=target, reference=reference)
    print(f"{target} against {reference}")
    shown = by_kind.distinctive(target, top=8)[KEY_COLUMNS]
else:
    by_kind, shown = None, f"Only one kind of document ({', '.join(kinds.index)}): nothing to compare."
shown

# %%
shown = by_kind.distinctive(reference, top=8)[KEY_COLUMNS] if by_kind is not None else None
shown

# %% [markdown]
# Drill down: read a distinctive word in context, in the group that uses it.

# %%
if by_kind is not None and len(by_kind.distinctive(target)):
    word = by_kind.distinctive(target).iloc[0]
    shown = bench.concordance.query(word.term, mode=word.feature if word.feature in ("lemma", "phrase") else "word", width=35,
                                    filters={"kind": target})[["speaker", "left", "match", "right"]].head(4)
else:
    shown = "-"
shown

# %% [markdown]
# The same between the two speaker roles with the most turns (in the demo: lived experience and practitioners):

# %%
if len(roles) >= 2:
    by_role = bench.keyness("speaker_role", target=roles.index[0], reference=roles.index[1])
    shown = by_role.keyness_[["term", "feature", "target_count", "reference_count", "log_likelihood", "log_ratio",
                              "distinctive_of"]].head(8)
else:
    shown = "Fewer than two speaker roles (metadata.csv can give them): nothing to compare."
shown

# %% [markdown]
# ## Explore interactively
#
# Filter the phrases, pick one to see its lines, then pick a line to read the whole segment with the phrase
# highlighted.

# %%
explorer = PhraseExplorerWidget(PhraseExplorer(bench))
explorer.box

# %%
explorer.kind.value = "family" if family else explorer.kind.value
if explorer.phrase.options:
    explorer.phrase.value = explorer.phrase.options[0][1]
print(explorer.line.options[0][0] if explorer.line.options else "no lines")

# %% [markdown]
# And the concordance on its own: type a word, phrase, lemma, regular expression or spaCy pattern.

# %%
concordance = ConcordanceWidget(ConcordanceView(bench), query=top)
concordance.box

# %%
concordance.mode.value = "phrase"
concordance.sort.value = "right"
print(concordance.status.value)
