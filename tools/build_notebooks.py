"""Write the notebooks in notebooks/ from the cell sources below, then execute them to store outputs.

Notebooks are thin clients of the package; keeping their source here makes diffs readable. Each starts with a
parameters cell (CORPUS = None: the WORKBENCH_CORPUS setting, else the demo); the stored outputs are always the
demo's (WORKBENCH_CORPUS is unset while they run), which is what nbval checks.
Run: .venv/bin/python tools/build_notebooks.py [--write-only] [name ...]
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat as nbf

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS: dict[str, list[tuple]] = {}  # (kind, source[, tags])

# The first code cell of every notebook: the one setting that chooses the corpus (papermill's "parameters" tag).
PARAMETERS = ("code", """# Which corpus to read. `make lab CORPUS=corpora/mine` (or the WORKBENCH_CORPUS setting) chooses it for every
# notebook and the dashboard; or write a folder here, e.g. CORPUS = "corpora/mine". None: that setting, else the demo.
CORPUS = None""", ["parameters"])
PICKER_MD = ("md", """The corpus comes from the first cell (`CORPUS`, else the `WORKBENCH_CORPUS` setting that `make lab
CORPUS=corpora/mine` sets, else the demo). To read another folder of `corpora/` now, choose it below and run the
cells after it again (*Run ▸ Run Selected Cell and All Below*).""")

NOTEBOOKS["01_corpus"] = [
    ("md", """# 1 · Your corpus: load it, check it, read it

This notebook loads a folder of workshop transcripts and blog posts, shows what was found (and any file
that could not be read), lets you filter segments by kind, document and speaker, and read a document with
its segments marked. Every segment keeps its `doc_id`, `seg_id` and character offsets, so any quote can be
traced back to the exact place in the source.

Run all cells (*Run ▸ Run All Cells*). To use your own files, put a folder under `corpora/` and start
JupyterLab with `make lab CORPUS=corpora/my-folder`: every notebook and the dashboard then read it. You can
also upload files in the browser below, or choose another folder from its list."""),
    PARAMETERS,
    ("code", """import pandas as pd
from workbench.views.corpus_browser import CorpusBrowser, CorpusBrowserWidget

pd.set_option("display.width", 140)
pd.set_option("display.max_colwidth", 60)
browser = CorpusBrowser()          # finds the corpora/ folder of this project
browser.available_corpora()"""),
    ("md", "## Load the corpus"),
    ("code", """from workbench.views.corpus_choice import chosen_corpus

corpus_path = chosen_corpus(CORPUS)   # CORPUS, else the WORKBENCH_CORPUS setting, else the demo
browser.load(corpus_path)
print(corpus_path.name, "·", browser.summary())"""),
    ("code", """browser.documents()[["doc_id", "kind", "format", "date", "segments", "words", "speakers"]]"""),
    ("md", "Files that could not be read are listed here with the reason (an empty table means all loaded):"),
    ("code", "browser.problems()"),
    ("md", "How each document was read: *coverage* is the share of its text in a segment or set aside with a "
           "reason (headings, speaker labels, boilerplate such as bylines), *analysed* the share in segments; the "
           "other columns count the characters set aside, by reason. `browser.corpus.exclusions_df()` lists them."),
    ("code", "browser.corpus.coverage_df()"),
    ("md", "## Who speaks in the transcripts?"),
    ("code", """browser.corpus.speakers_df().pivot_table(index="role", values="segments", aggfunc="sum")"""),
    ("md", "## Filter segments: the speaker with the most turns"),
    ("code", """turns = browser.corpus.speakers_df().groupby("speaker")["segments"].sum()
speaker = turns.sort_values(ascending=False, kind="mergesort").index[0] if len(turns) else None
chosen = browser.filter(speaker=speaker)   # speaker None (a corpus without speakers): every segment
print(len(chosen), "segments by", speaker or "anyone")
chosen[["seg_id", "start_char", "end_char", "speaker_role", "text"]].head(3)"""),
    ("md", "Offsets point into the document's text, so a segment can always be found again:"),
    ("code", """first = chosen.iloc[0]
document = browser.corpus.document(first.doc_id)
print(repr(document.text[first.start_char:first.end_char][:80]))
document.text[first.start_char:first.end_char] == first.text"""),
    ("md", """## Browse interactively

Choose a corpus and press **Load**, or upload files. The tabs show the documents (and load problems),
the segments with filters, and a reader for one document at a time."""),
    ("code", """ui = CorpusBrowserWidget(browser)
ui.box"""),
    ("md", "The widget is driven by the same browser object, so its filters can also be set from code:"),
    ("code", """ui.speaker.value = speaker or "(all)"
print(ui.segments.value.split("</p>")[0].removeprefix("<p>"))"""),
]

NOTEBOOKS["02_phrases"] = [
    ("md", """# 2 · Recurring phrases, families, concordance and keyness

What do people keep saying, in what words, where, and who says it? This notebook finds

- **recurring phrases** (2–8 words, matched on word stems so "lived experiences" counts with "lived experience");
  a phrase starts and ends with a word that carries meaning, so fragments such as "need to" or "people with"
  are not listed,
- **quoted statements** — everything people put in quotation marks (2–25 words), even when quoted once: slogans,
  things people were told, words held at a distance,
- **phrase families** — different wordings of one idea ("with not for", "with people, not for them",
  "from doing for to doing with"), which you can extend with wordings suggested from the corpus,

and lets you read every occurrence in context (a *concordance*). **Keyness** then compares groups: which words
do transcripts use more than blogs, or people with lived experience more than practitioners?
Every line carries its `doc_id`, `seg_id` and character offsets."""),
    PARAMETERS,
    PICKER_MD,
    ("code", """from workbench.views.corpus_choice import CorpusPicker

picker = CorpusPicker(CORPUS)
picker.box"""),
    ("code", """import pandas as pd
from workbench.project import Workbench
from workbench.views.phrase_explorer import PhraseExplorer, PhraseExplorerWidget
from workbench.views.concordance_view import ConcordanceView, ConcordanceWidget

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 70)
bench = Workbench(picker.path, progress=False)
print(f"{picker.path.name}: {len(bench.corpus.documents)} documents, {len(bench.corpus.segments)} segments")"""),
    ("md", "## Phrase families: one idea, many wordings"),
    ("code", """phrases, occurrences = bench.phrase_tables
phrases[phrases.kind == "family"][["phrase", "count", "doc_count", "speaker_count", "score"]]"""),
    ("md", "The wordings of the most used family:"),
    ("code", """families = bench.phrase_families
found = phrases[phrases.kind == "family"].sort_values(["count", "phrase"], ascending=[False, True], kind="mergesort")
family = found["phrase"].iloc[0] if len(found) else None
families.variants_[families.variants_.family == family][["variant", "count", "doc_count"]]"""),
    ("md", """## New wordings for a family

A family finds only the wordings its patterns describe. `suggest_variants` looks in the corpus for other wordings
close in meaning to the ones the family already has, comparing them with the same offline sentence model as the
themes. Nothing changes until you accept a wording: accepted wordings are written to your own families file
(`my-families.yml` beside the corpus folder unless `[phrases] families_file` names one; the previous version is
kept as `.bak`), and the family finds them from the next run on."""),
    ("code", """from workbench.views.variant_suggester import VariantSuggester, VariantSuggesterWidget

suggester = VariantSuggester(bench, top=6)
suggestions = suggester.suggest("with, not for")
suggestions[["wording", "closest", "count", "doc_id", "start_char", "end_char"]].head(3)"""),
    ("md", "Pick a family, ask for suggestions, tick the good ones, accept them and save:"),
    ("code", """ui = VariantSuggesterWidget(suggester)
ui.box"""),
    ("md", """The widget drives the same object, so it can also be used from code. Here it accepts the first suggestion
and saves it to a file in a temporary folder (for your own work, keep the path it proposes)."""),
    ("code", """import tempfile
from pathlib import Path

ui.family.value = "with, not for"
ui.suggest_button.click()
ui.choices.value = (0,) if ui.choices.options else ()  # the first suggestion, when the corpus gave any
ui.accept_button.click()
ui.path.value = str(Path(tempfile.mkdtemp()) / "my-families.yml")
ui.save_button.click()
print(ui.status.value)
saved = Path(ui.path.value)
print(saved.read_text(encoding="utf-8").splitlines()[-1] if saved.exists() else "(nothing saved)")"""),
    ("md", """## Quoted statements: what people put in quotation marks

Most used first; once is enough to be listed. A statement that is one of a family's wordings carries the family."""),
    ("code", """phrases[phrases.kind == "quoted"][["phrase", "family", "count", "doc_count", "variants"]].head(8)"""),
    ("md", """## Recurring phrases

Ranked by how strongly the words belong together *and* how widely the phrase is used: across documents and
speakers, not one person repeating themselves. A phrase starts and ends with a word that carries meaning, and
small words inside lower its score, so "lived experience" ranks above "people with lived experience"."""),
    ("code", """ngrams = phrases[phrases.kind == "ngram"]
ngrams[["phrase", "family", "count", "doc_count", "speaker_count", "score"]].head(15)"""),
    ("md", "Each phrase comes with an example quote that says where it is (segment and character offsets):"),
    ("code", """for row in ngrams.head(1).itertuples():
    print(row.example)"""),
    ("md", "## Concordance: every occurrence in context (here of the top recurring phrase)"),
    ("code", """top = ngrams["phrase"].iloc[0] if len(ngrams) else "with"
lines = bench.concordance.query(top, mode="phrase", width=35, sort="left")
lines[["speaker", "kind", "left", "match", "right", "seg_id"]].head(12)"""),
    ("md", """By lemma, so "pay" finds pay, paid, paying, and only what one group of speakers said (here the speaker
role with the most turns, when the corpus has roles):"""),
    ("code", """segments = bench.corpus.segments_df()
roles = segments["speaker_role"].dropna().value_counts()
role = roles.index[0] if len(roles) else None
print("speaker role:", role)
bench.concordance.query("pay", mode="lemma", filters={"speaker_role": role} if role else None)[
    ["speaker", "left", "match", "right"]].head(5)"""),
    ("md", """## Keyness: what each group says distinctively

Log-likelihood (how sure) and log ratio (how big: +1 means twice as frequent) compare the two most common kinds
of document (in the demo: transcripts and blog posts; transcripts are speech, so fillers such as "yeah" and
"um" show up as theirs). A corpus of one kind has nothing to compare."""),
    ("code", """kinds = segments["kind"].value_counts()
KEY_COLUMNS = ["term", "feature", "target_count", "reference_count", "log_likelihood", "log_ratio"]
if len(kinds) >= 2:
    target, reference = kinds.index[0], kinds.index[1]
    by_kind = bench.keyness("kind", target=target, reference=reference)
    print(f"{target} against {reference}")
    shown = by_kind.distinctive(target, top=8)[KEY_COLUMNS]
else:
    by_kind, shown = None, f"Only one kind of document ({', '.join(kinds.index)}): nothing to compare."
shown"""),
    ("code", """shown = by_kind.distinctive(reference, top=8)[KEY_COLUMNS] if by_kind is not None else None
shown"""),
    ("md", "Drill down: read a distinctive word in context, in the group that uses it."),
    ("code", """if by_kind is not None and len(by_kind.distinctive(target)):
    word = by_kind.distinctive(target).iloc[0]
    shown = bench.concordance.query(word.term, mode=word.feature if word.feature in ("lemma", "phrase") else "word", width=35,
                                    filters={"kind": target})[["speaker", "left", "match", "right"]].head(4)
else:
    shown = "-"
shown"""),
    ("md", "The same between the two speaker roles with the most turns (in the demo: lived experience and practitioners):"),
    ("code", """if len(roles) >= 2:
    by_role = bench.keyness("speaker_role", target=roles.index[0], reference=roles.index[1])
    shown = by_role.keyness_[["term", "feature", "target_count", "reference_count", "log_likelihood", "log_ratio",
                              "distinctive_of"]].head(8)
else:
    shown = "Fewer than two speaker roles (metadata.csv can give them): nothing to compare."
shown"""),
    ("md", """## Explore interactively

Filter the phrases, pick one to see its lines, then pick a line to read the whole segment with the phrase
highlighted."""),
    ("code", """explorer = PhraseExplorerWidget(PhraseExplorer(bench))
explorer.box"""),
    ("code", """explorer.kind.value = "family" if family else explorer.kind.value
if explorer.phrase.options:
    explorer.phrase.value = explorer.phrase.options[0][1]
print(explorer.line.options[0][0] if explorer.line.options else "no lines")"""),
    ("md", "And the concordance on its own: type a word, phrase, lemma, regular expression or spaCy pattern."),
    ("code", """concordance = ConcordanceWidget(ConcordanceView(bench), query=top)
concordance.box"""),
    ("code", """concordance.mode.value = "phrase"
concordance.sort.value = "right"
print(concordance.status.value)"""),
]

NOTEBOOKS["03_themes"] = [
    ("md", """# 3 · Themes: what the material is about

Themes group segments that talk about the same thing. They are found with BERTopic, set up for workshop-sized
corpora: segments are compared by meaning (a sentence model that runs offline), grouped, and each group gets
key phrases and a short label. Very short turns ("Yeah.") join the nearest theme afterwards.

Two things make the themes trustworthy:
- **the same input gives the same themes**, on this computer and on any other: the grouping has no random
  steps, and the tiny numeric differences between processors do not move a segment (tested);
- **a stability score** for each theme: the grouping is redone on slightly smaller samples of the segments,
  and a theme that comes back with the same members scores near 1. Themes under 0.5 are marked *unstable*:
  read them with care.

Your renames and merges are saved beside the model and applied again on every run, so they are never lost."""),
    PARAMETERS,
    PICKER_MD,
    ("code", """from workbench.views.corpus_choice import CorpusPicker

picker = CorpusPicker(CORPUS)
picker.box"""),
    ("code", """import pandas as pd
from workbench.project import Workbench
from workbench.views.theme_explorer import ThemeExplorer, ThemeExplorerWidget
from workbench.views import charts

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 80)
bench = Workbench(picker.path, progress=False)
model = bench.themes
print(f"{picker.path.name}: {len(model.themes_)} themes; {model.outlier_share_:.1%} of segments in no theme")"""),
    ("code", """model.themes_[["theme_id", "label", "size", "doc_count", "stability", "keywords"]]"""),
    ("md", "## Quotes: what each theme sounds like"),
    ("code", """for theme in model.themes_.head(3).itertuples():
    print(f"\\n{theme.label}  ({theme.size} segments, stability {theme.stability})")
    for q in model.quotes_[model.quotes_.theme_id == theme.theme_id].itertuples():
        print(f"  - {q.speaker if isinstance(q.speaker, str) else q.doc_id}: “{q.text[:140]}” [{q.seg_id}, {q.start_char}-{q.end_char}]")"""),
    ("md", "## Where themes occur: transcripts and blogs, and who raises them"),
    ("code", """meta = bench.segment_meta()
by_kind = model.distribution(meta, by="kind")
by_kind.index = model.themes_.set_index("theme_id").loc[by_kind.index, "label"]
by_kind"""),
    ("code", """by_role = model.distribution(meta, by="speaker_role")
by_role.index = model.themes_.set_index("theme_id").loc[by_role.index, "label"]
by_role"""),
    ("md", "## How themes relate: which ones merge first into broader themes"),
    ("code", """bench.theme_hierarchy()[["Child_Left_Name", "Child_Right_Name"]].tail(4)"""),
    ("md", """## Charts

Sizes, themes by kind of document, and a map where each dot is a segment (close dots say similar things).
The figures are interactive in JupyterLab; below them, their numbers."""),
    ("code", """sizes = charts.theme_sizes(model.themes_)
sizes.show()""", ["nbval-ignore-output"]),
    ("code", """[(t["name"], t["y"][:3], t["x"][:3]) for t in charts.figure_data(sizes)]"""),
    ("code", """charts.themes_by_group(model.assignments_, meta, by="kind", themes=model.themes_).show()""",
     ["nbval-ignore-output"]),
    ("code", """charts.theme_map(model.map_2d(), model.themes_).show()""", ["nbval-ignore-output"]),
    ("md", """## Explore, rename and merge

Pick a theme to read its key phrases, quotes and where it occurs. Rename a theme or merge two: the change is
saved to `models/<corpus>/themes/curation.json` and applied again on every run. The slider fits the
themes again with a number you choose (about half a minute)."""),
    ("code", """explorer = ThemeExplorer(model.themes_, model.assignments_, model.quotes_, meta, corpus=bench.corpus,
                         curation=bench.curation, on_change=bench.reapply_curation)
ui = ThemeExplorerWidget(explorer, n_themes_callback=bench.refit_themes)
ui.box"""),
    ("code", """first = int(model.themes_.iloc[0].theme_id)
details = explorer.select(first)
print(details["label"], "|", ", ".join(details["keywords"][:5]))
print(details["where"]["kind"].to_string(index=False))"""),
]

NOTEBOOKS["04_barriers_and_coding"] = [
    ("md", """# 4 · Barriers, enablers and coding

What gets in the way of co-production, and what helps? This notebook finds sentences that state a **barrier**,
an **enabler** or a **benefit** (an outcome: "it has led to better services"), groups them by the categories
of the co-production codebook, and shows each with its quote and the evidence the workbench used. Then a
person takes over: machine suggestions go to a **review queue** (accept, correct or reject), segments are
**coded** by hand, and the usual tables follow: code frequencies, co-occurrence, codes by document, and
agreement between two coders.

How a sentence is judged: it gets **one stance** (barrier, enabler, benefit or neither), so it is never in
two tables. The evidence, and each hit says which fired:
- *structure*: a list item under a lead-in or heading such as "What got in the way" or "The main challenges
  were as follows:" is a barrier even as a bare noun phrase; under "What helped" or "Top tips" an enabler;
- *cues*: words and patterns such as "lack of", "takes longer", "helped us", "led to"; a negated cue counts
  for the other kind ("we didn't have to wait" is an enabler);
- *framing*: a definition ("co-production means...", "it is more than consultation") or a negated claim
  ("this isn't a tick-box exercise") is neither;
- *meaning*: the sentence embedding. A logistic regression trained on labelled texts weighs it all.

This notebook codes into a scratch folder, so running it never changes your own codings. Your codings
normally live beside the corpus, in `<corpus>/.workbench/codings/` (one file per coder, saved at once and
safely)."""),
    PARAMETERS,
    PICKER_MD,
    ("code", """from workbench.views.corpus_choice import CorpusPicker

picker = CorpusPicker(CORPUS)
picker.box"""),
    ("code", """import tempfile
import pandas as pd
from workbench.config import Config
from workbench.project import Workbench
from workbench.views.corpus_browser import find_corpora_root

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 90)
config = Config()
config.coding.folder = tempfile.mkdtemp(prefix="workbench-codings-")   # a scratch folder for this demo
bench = Workbench(picker.path, config, progress=False)
barriers = bench.barriers("barrier").hits_
enablers = bench.barriers("enabler").hits_
benefits = bench.barriers("benefit").hits_
print(f"{picker.path.name}: {len(barriers)} barrier sentences, {len(enablers)} enabler sentences and "
      f"{len(benefits)} benefit sentences in {bench.corpus.summary()['documents']} documents")"""),
    ("md", "## Barriers by category"),
    ("code", """def by_category(hits):
    return (hits.groupby("category")
                .agg(sentences=("seg_id", "size"), documents=("doc_id", "nunique"), mean_score=("score", "mean"))
                .round(2).sort_values("sentences", ascending=False))

by_category(barriers)"""),
    ("md", "The strongest quote of each category, with where it is (document, speaker, character offsets):"),
    ("code", """def top_quotes(hits, n=1):
    for category, group in hits.sort_values("score", ascending=False).groupby("category", sort=True):
        print(f"\\n{category.upper()}")
        for q in group.head(n).itertuples():
            who = q.speaker if isinstance(q.speaker, str) else "(blog)"
            print(f"  “{q.text[:150]}”")
            print(f"     {who} · {q.doc_id} {q.start_char}-{q.end_char} · {q.evidence[:100]}")

top_quotes(barriers)"""),
    ("md", "## Enablers by category"),
    ("code", """by_category(enablers)"""),
    ("code", """top_quotes(enablers)"""),
    ("md", "## Benefits and outcomes (`benefits.csv`)"),
    ("code", """by_category(benefits)"""),
    ("md", """## How good is the detector?

Precision (of the sentences it flags, how many are right) and recall (of the sentences that state a barrier,
how many it finds). The stance model was trained on every labelled text kept with the tests, so the honest
figures are the cross-validated ones below (each text judged by a model that never saw it), stored with the
model by `tools/train_stance.py`. On a held-out set of 16 documents written and labelled by someone who never
saw the code (`tests/data/heldout_b`, read once) they were barriers 0.71 / 0.58 and enablers 0.67 / 0.61.
Treat the detector as a first pass that a person reviews (below), not as a verdict."""),
    ("code", """from workbench.analysis.stance_model import StanceModel

out_of_fold = StanceModel.load().about["out_of_fold"]["minilm"]
pd.DataFrame([{"set": name, "kind": kind, "labelled": f["labelled"], "precision": f["precision"],
               "recall": f["recall"]} for name in ("all", "tuning_a2") for kind, f in out_of_fold[name].items()])"""),
    ("md", """## Review the machine's suggestions

The hits go to a review queue, highest score first. A reviewer accepts a suggestion, corrects its code, or
rejects it (a rejected suggestion is never offered again). Only accepted codings count in the tables below."""),
    ("code", """from workbench.views.review_queue import ReviewQueue, ReviewQueueWidget

queue = ReviewQueue(bench, reviewer="Ana")
print(queue.fill(), "suggestions queued")
print(queue.progress_text())"""),
    ("code", """ui = ReviewQueueWidget(queue)
ui.box"""),
    ("md", """The same actions from code: accept the first three suggestions and correct the next two (the detector
chose the wrong category). *Reject* is for a sentence that states no barrier at all."""),
    ("code", """for _ in range(min(3, len(queue.pending()))):
    done = queue.accept()
    print("accepted:", done.codes, "|", done.text[:70])
for new_code, memo in (("time and resources", "replacement care fell through: a resource problem"),
                       ("power and hierarchy", "who decides is hidden from carers"))[:len(queue.pending())]:
    suggestion = queue.current()
    print("was:", suggestion.codes, "|", suggestion.text[:70])
    print("   corrected to:", queue.correct([new_code], memo=memo).codes)
print(queue.progress_text())"""),
    ("md", """## Code a segment by hand

Pick a segment (here from the barrier list; a concordance line, a theme quote or the corpus browser work
the same way), select the words to code or the whole segment, choose one or more codes and add a memo."""),
    ("code", """from workbench.views.coding_panel import CodingPanel, CodingPanelWidget

panel = CodingPanel(bench, coder="Ana")
row = barriers.sort_values(["score", "seg_id"], ascending=[False, True], kind="mergesort").iloc[0]  # the strongest
panel.pick_from(row)
print(panel.selected_text)
coding = panel.code([row.category, "confidence and training"], memo="a first reading: who is left out, and why")
print(coding.coder, coding.source, coding.codes, coding.start_char, coding.end_char)"""),
    ("code", """CodingPanelWidget(panel).box"""),
    ("md", "## What was coded: frequencies, co-occurrence and codes by document"),
    ("code", """from workbench.coding import agreement, co_occurrence, code_document_matrix, code_frequencies, quotes_for

coded = bench.codings.load().frame()
code_frequencies(coded, bench.corpus.segments_df(), by="kind")"""),
    ("code", """co_occurrence(coded)"""),
    ("code", """code_document_matrix(coded)"""),
    ("md", "Drill down from a count to its quotes:"),
    ("code", """quotes_for(coded, bench.corpus, row.category)[["doc_id", "seg_id", "start_char", "end_char", "text"]]"""),
    ("md", """## Agreement between two coders

A second coder, Ben, codes the same ten barrier sentences on his own (his choices are written out below so
the demo is reproducible). Agreement is computed per code and overall, with Cohen's kappa (scikit-learn) and
Krippendorff's alpha (the `krippendorff` package); the unit is a segment."""),
    ("code", """sample = barriers.sort_values(["doc_id", "start_char"]).groupby("category").head(2).head(10)
ben_changes = {2: "power and hierarchy", 5: "trust", 7: None}   # where Ben read it differently (None: no code)
for i, hit in enumerate(sample.itertuples()):
    bench.codings.code_span(bench.corpus, hit.seg_id, [hit.category], coder="Ana",
                            start_char=hit.start_char, end_char=hit.end_char)
    ben = ben_changes.get(i, hit.category)
    if ben:
        bench.codings.code_span(bench.corpus, hit.seg_id, [ben], coder="Ben",
                                start_char=hit.start_char, end_char=hit.end_char)
both = bench.codings.load().frame()
agreement(both[both["source"] == "human"], "Ana", "Ben", segments=sample["seg_id"].tolist()).round(3)"""),
    ("md", """The same table from the command line: `workbench agreement corpora/coproduction --coders Ana Ben`.
`workbench analyse` writes `barriers.csv`, `enablers.csv` and `benefits.csv`, and `codes.csv` once codings
exist."""),
    ("md", """## Your codes against the machine's themes

The themes of notebook 3 were found by the computer without any codebook; the codes above were given by people.
Set side by side, they check each other. Each number counts the coded segments of a code (rows) that fall in a
theme (columns). A code that sits in one theme *agrees* with the machine; a code spread over several themes, or
a theme that holds several codes, is where they *part*, and reading its quotes says why: the code may be too
broad, or the theme may mix two things. `workbench analyse` writes this table as `codes_by_theme.csv`, with the
quotes behind every number in `codes_by_theme_quotes.csv`, and the report shows it."""),
    ("code", """matrix = bench.codes_by_theme()
matrix.table()"""),
    ("md", """Each non-empty cell with its two shares: of the code's segments, how many are in the theme (`code_share`),
and of the theme's coded segments, how many carry the code (`theme_share`). `relation` says it in words."""),
    ("code", """matrix.cells_[["code", "theme", "segments", "code_share", "theme_share", "relation"]]"""),
    ("code", """matrix.themes_[["theme", "size", "coded_segments", "main_code", "reading"]]"""),
    ("md", "Drill down from a number to its quotes: here the largest cell."),
    ("code", """cell = matrix.cells_.sort_values(["segments", "code"], ascending=[False, True]).iloc[0]
print(f"{cell.code} × {cell.theme}: {cell.segments} segments ({cell.relation})")
matrix.quotes(cell.code, cell.theme_id)[["doc_id", "seg_id", "start_char", "end_char", "coders", "text"]]"""),
    ("md", "The same matrix to click: each number opens the quotes behind it."),
    ("code", """from workbench.views.code_theme_view import CodeThemeWidget

grid = CodeThemeWidget(matrix)
grid.box"""),
    ("code", """grid.show(cell.code, cell.theme_id)   # what clicking that number does
print(grid.quotes.value.split("</h4>")[0].removeprefix("<h4>"))"""),
]


def build(name: str, cells: list[tuple], execute: bool = True) -> Path:
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = []
    for kind, src, *tags in cells:
        cell = nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src)
        if tags:
            cell.metadata["tags"] = tags[0]
        nb.cells.append(cell)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name.replace('_', '-')}-{i:02d}"
    path = ROOT / "notebooks" / f"{name}.ipynb"
    nbf.write(nb, path)
    if not execute:  # --write-only: the source alone, e.g. to try the notebooks before storing their outputs
        return path
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_CORPUS"}  # stored outputs show the demo
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                    "--ExecutePreprocessor.timeout=600", str(path)], check=True, cwd=path.parent, env=env)
    executed = nbf.read(path, as_version=4)
    for cell in executed.cells:
        cell.metadata.pop("execution", None)  # run timestamps: noise in diffs
    nbf.write(executed, path)
    return path


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--write-only"]
    for name in args or list(NOTEBOOKS):
        print("built", build(name, NOTEBOOKS[name], execute="--write-only" not in sys.argv))
