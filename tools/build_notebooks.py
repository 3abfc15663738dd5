"""Write the notebooks in notebooks/ from the cell sources below, then execute them to store outputs.

Notebooks are thin clients of the package; keeping their source here makes diffs readable.
Run: .venv/bin/python tools/build_notebooks.py [name ...]
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat as nbf

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS: dict[str, list[tuple]] = {}  # (kind, source[, tags])

NOTEBOOKS["01_corpus"] = [
    ("md", """# 1 · Your corpus: load it, check it, read it

This notebook loads a folder of workshop transcripts and blog posts, shows what was found (and any file
that could not be read), lets you filter segments by kind, document and speaker, and read a document with
its segments marked. Every segment keeps its `doc_id`, `seg_id` and character offsets, so any quote can be
traced back to the exact place in the source.

Run all cells (*Run ▸ Run All Cells*). To use your own files, upload them in the browser below, or put a
folder under `corpora/` and choose it from the list."""),
    ("code", """import pandas as pd
from workbench.views.corpus_browser import CorpusBrowser, CorpusBrowserWidget

pd.set_option("display.width", 140)
pd.set_option("display.max_colwidth", 60)
browser = CorpusBrowser()          # finds the corpora/ folder of this project
browser.available_corpora()"""),
    ("md", "## Load the demo corpus"),
    ("code", """browser.load("coproduction")
print(browser.summary())"""),
    ("code", """browser.documents()[["doc_id", "kind", "format", "date", "segments", "words", "speakers"]]"""),
    ("md", "Files that could not be read are listed here with the reason (an empty table means all loaded):"),
    ("code", "browser.problems()"),
    ("md", "How each document was read: *coverage* is the share of its text in a segment or set aside with a "
           "reason (headings, speaker labels, boilerplate such as bylines), *analysed* the share in segments; the "
           "other columns count the characters set aside, by reason. `browser.corpus.exclusions_df()` lists them."),
    ("code", "browser.corpus.coverage_df()"),
    ("md", "## Who speaks in the transcripts?"),
    ("code", """browser.corpus.speakers_df().pivot_table(index="role", values="segments", aggfunc="sum")"""),
    ("md", "## Filter segments: one speaker in the transcripts"),
    ("code", """rose = browser.filter(kind="transcript", speaker="Rose")
print(len(rose), "segments by Rose")
rose[["seg_id", "start_char", "end_char", "speaker_role", "text"]].head(3)"""),
    ("md", "Offsets point into the document's text, so a segment can always be found again:"),
    ("code", """first = rose.iloc[0]
document = browser.corpus.document(first.doc_id)
print(repr(document.text[first.start_char:first.end_char][:80]))
document.text[first.start_char:first.end_char] == first.text"""),
    ("md", """## Browse interactively

Choose a corpus and press **Load**, or upload files. The tabs show the documents (and load problems),
the segments with filters, and a reader for one document at a time."""),
    ("code", """ui = CorpusBrowserWidget(browser)
ui.box"""),
    ("md", "The widget is driven by the same browser object, so its filters can also be set from code:"),
    ("code", """ui.kind.value = "transcript"
ui.speaker.value = "Hope"
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
    ("code", """import pandas as pd
from workbench.project import Workbench
from workbench.views.corpus_browser import find_corpora_root
from workbench.views.phrase_explorer import PhraseExplorer, PhraseExplorerWidget
from workbench.views.concordance_view import ConcordanceView, ConcordanceWidget

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 70)
bench = Workbench(find_corpora_root() / "coproduction", progress=False)
print(f"{len(bench.corpus.documents)} documents, {len(bench.corpus.segments)} segments")"""),
    ("md", "## Phrase families: one idea, many wordings"),
    ("code", """phrases, occurrences = bench.phrase_tables
phrases[phrases.kind == "family"][["phrase", "count", "doc_count", "speaker_count", "score"]]"""),
    ("code", """families = bench.phrase_families
families.variants_[families.variants_.family == "with, not for"][["variant", "count", "doc_count"]]"""),
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
ui.choices.value = (0,)
ui.accept_button.click()
ui.path.value = str(Path(tempfile.mkdtemp()) / "my-families.yml")
ui.save_button.click()
print(ui.status.value)
print(Path(ui.path.value).read_text(encoding="utf-8").splitlines()[-1])"""),
    ("md", """## Quoted statements: what people put in quotation marks

Most used first; once is enough to be listed. A statement that is one of a family's wordings carries the family."""),
    ("code", """phrases[phrases.kind == "quoted"][["phrase", "family", "count", "doc_count", "variants"]].head(8)"""),
    ("md", """## Recurring phrases

Ranked by how strongly the words belong together *and* how widely the phrase is used: across documents and
speakers, not one person repeating themselves. A phrase starts and ends with a word that carries meaning, and
small words inside lower its score, so "lived experience" ranks above "people with lived experience"."""),
    ("code", """phrases[phrases.kind == "ngram"][["phrase", "family", "count", "doc_count", "speaker_count", "score"]].head(15)"""),
    ("md", "Each phrase comes with an example quote that says where it is (segment and character offsets):"),
    ("code", """print(phrases[phrases.kind == "ngram"].iloc[0].example)"""),
    ("md", "## Concordance: every occurrence in context"),
    ("code", """lines = bench.concordance.query("rubber stamp", mode="phrase", width=35, sort="left")
lines[["speaker", "kind", "left", "match", "right", "seg_id"]]"""),
    ("code", """# The same by lemma, only people with lived experience: "pay" finds pay, paid, paying
bench.concordance.query("pay", mode="lemma", filters={"speaker_role": "lived experience"})[
    ["speaker", "left", "match", "right"]].head(5)"""),
    ("md", """## Keyness: what each group says distinctively

Log-likelihood (how sure) and log ratio (how big: +1 means twice as frequent) compare transcripts with
blog posts. Transcripts are speech, so fillers such as "yeah" and "um" show up as theirs."""),
    ("code", """by_kind = bench.keyness("kind", target="transcript")
by_kind.distinctive("transcript", top=8)[["term", "feature", "target_count", "reference_count", "log_likelihood", "log_ratio"]]"""),
    ("code", """by_kind.distinctive("blog", top=8)[["term", "feature", "target_count", "reference_count", "log_likelihood", "log_ratio"]]"""),
    ("md", "Drill down: read a distinctive word in context, in the group that uses it."),
    ("code", """bench.concordance.query("money", mode="lemma", width=35, filters={"speaker_role": "lived experience"})[
    ["speaker", "left", "match", "right"]].head(4)"""),
    ("code", """by_role = bench.keyness("speaker_role", target="lived experience", reference="practitioner")
by_role.keyness_[["term", "feature", "target_count", "reference_count", "log_likelihood", "log_ratio", "distinctive_of"]].head(8)"""),
    ("md", """## Explore interactively

Filter the phrases, pick one to see its lines, then pick a line to read the whole segment with the phrase
highlighted."""),
    ("code", """explorer = PhraseExplorerWidget(PhraseExplorer(bench))
explorer.box"""),
    ("code", """explorer.kind.value = "family"
explorer.phrase.value = ("family", "nothing about us without us")
print(explorer.line.options[0][0])"""),
    ("md", "And the concordance on its own: type a word, phrase, lemma, regular expression or spaCy pattern."),
    ("code", """concordance = ConcordanceWidget(ConcordanceView(bench), query="equal partners")
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
    ("code", """import pandas as pd
from workbench.project import Workbench
from workbench.views.corpus_browser import find_corpora_root
from workbench.views.theme_explorer import ThemeExplorer, ThemeExplorerWidget
from workbench.views import charts

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 80)
bench = Workbench(find_corpora_root() / "coproduction", progress=False)
model = bench.themes
print(f"{len(model.themes_)} themes; {model.outlier_share_:.1%} of segments in no theme")"""),
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
saved to `models/coproduction/themes/curation.json` and applied again on every run. The slider fits the
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

What gets in the way of co-production, and what helps? This notebook finds sentences that state a **barrier**
or an **enabler**, groups them by the categories of the co-production codebook, and shows each with its
quote and the evidence the workbench used. Then a person takes over: machine suggestions go to a **review
queue** (accept, correct or reject), segments are **coded** by hand, and the usual tables follow: code
frequencies, co-occurrence, codes by document, and agreement between two coders.

How a barrier is found: three kinds of evidence are combined, and each hit says which fired:
- *structure*: a list item under a heading such as "Barriers" or "What gets in the way";
- *cues*: words and patterns such as "lack of", "don't allow", "takes longer", "can't afford";
- *meaning*: the sentence is similar to the codebook's description and examples of a category.

This notebook codes into a scratch folder, so running it never changes your own codings. Your codings
normally live beside the corpus, in `<corpus>/.workbench/codings/` (one file per coder, saved at once and
safely)."""),
    ("code", """import tempfile
import pandas as pd
from workbench.config import Config
from workbench.project import Workbench
from workbench.views.corpus_browser import find_corpora_root

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 90)
config = Config()
config.coding.folder = tempfile.mkdtemp(prefix="workbench-codings-")   # a scratch folder for this demo
bench = Workbench(find_corpora_root() / "coproduction", config, progress=False)
barriers = bench.barriers("barrier").hits_
enablers = bench.barriers("enabler").hits_
print(f"{len(barriers)} barrier sentences and {len(enablers)} enabler sentences "
      f"in {bench.corpus.summary()['documents']} documents")"""),
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
    ("md", """## How good is the detector?

Precision (of the sentences it flags, how many are right) and recall (of the sentences that state a barrier,
how many it finds), on sentences labelled by hand and kept with the tests. `barrier_labels` was used to write
the cues and weights, so its figures flatter the detector (the tests fail if they drop below 0.8);
`barrier_labels_heldout2` was written before the last change and read once after it: it is the honest
estimate for new text. Treat the detector as a first pass that a person reviews (below), not as a verdict."""),
    ("code", """from workbench.analysis.barriers import BarrierDetector, precision_recall

def figures(path):
    labels = pd.read_csv(path)
    rows = []
    for kind in ("barrier", "enabler"):
        found = BarrierDetector(bench.codebook, kind=kind, cache_dir=bench.annotator.cache_dir).detect_texts(
            labels["text"].tolist())
        precision, recall = precision_recall(found["is_hit"], labels["label"] == kind)
        rows.append({"set": path.stem, "kind": kind, "sentences": len(labels),
                     "precision": round(precision, 2), "recall": round(recall, 2)})
    return rows

data = find_corpora_root().parent / "tests" / "data"
pd.DataFrame(figures(data / "barrier_labels.csv") + figures(data / "barrier_labels_heldout2.csv"))"""),
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
    ("code", """for _ in range(3):
    done = queue.accept()
    print("accepted:", done.codes, "|", done.text[:70])
for new_code, memo in (("time and resources", "replacement care fell through: a resource problem"),
                       ("power and hierarchy", "who decides is hidden from carers")):
    suggestion = queue.current()
    print("was:", suggestion.codes, "|", suggestion.text[:70])
    print("   corrected to:", queue.correct([new_code], memo=memo).codes)
print(queue.progress_text())"""),
    ("md", """## Code a segment by hand

Pick a segment (here from the barrier list; a concordance line, a theme quote or the corpus browser work
the same way), select the words to code or the whole segment, choose one or more codes and add a memo."""),
    ("code", """from workbench.views.coding_panel import CodingPanel, CodingPanelWidget

panel = CodingPanel(bench, coder="Ana")
row = barriers[barriers["category"] == "jargon and accessibility"].sort_values("score", ascending=False).iloc[0]
panel.pick_from(row)
print(panel.selected_text)
coding = panel.code(["jargon and accessibility", "confidence and training"], memo="acronyms shut people out")
print(coding.coder, coding.source, coding.codes, coding.start_char, coding.end_char)"""),
    ("code", """CodingPanelWidget(panel).box"""),
    ("md", "## What was coded: frequencies, co-occurrence and codes by document"),
    ("code", """from workbench.coding import agreement, co_occurrence, code_document_matrix, code_frequencies, quotes_for

coded = bench.codings.load().frame()
code_frequencies(coded, bench.corpus.segments_df(), by="kind")"""),
    ("code", """co_occurrence(coded)"""),
    ("code", """code_document_matrix(coded)"""),
    ("md", "Drill down from a count to its quotes:"),
    ("code", """quotes_for(coded, bench.corpus, "jargon and accessibility")[["doc_id", "seg_id", "start_char", "end_char", "text"]]"""),
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
`workbench analyse` writes `barriers.csv` and `enablers.csv`, and `codes.csv` once codings exist."""),
]


def build(name: str, cells: list[tuple]) -> Path:
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
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                    "--ExecutePreprocessor.timeout=600", str(path)], check=True, cwd=path.parent)
    executed = nbf.read(path, as_version=4)
    for cell in executed.cells:
        cell.metadata.pop("execution", None)  # run timestamps: noise in diffs
    nbf.write(executed, path)
    return path


if __name__ == "__main__":
    wanted = sys.argv[1:] or list(NOTEBOOKS)
    for name in wanted:
        print("built", build(name, NOTEBOOKS[name]))
