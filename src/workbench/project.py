"""The facade: a corpus, its config and its results in one place. The CLI and notebooks call this."""
from __future__ import annotations

import time
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Iterator

import pandas as pd

from .analysis.concordance import Concordance
from .analysis.families import PhraseFamilies
from .analysis.keyness import Keyness
from .analysis.phrase_table import build_phrase_table
from .analysis.phrases import PhraseMiner
from .analysis.quotes import QuotedPhrases
from .analysis.tokens import TokenTable
from .annotate import AnnotatedCorpus, Annotator
from .embed import make_embedder
from .config import Config
from .corpus import Corpus, load_corpus
from .analysis.phrase_table import PHRASE_COLUMNS
from .corpus.model import SEGMENT_COLUMNS
from .errors import CorpusError, Errors, WorkbenchError
from .manifest import build_manifest, write_json_atomic
from .cache import ResultCache, code_fingerprint, default_cache_dir, file_hash, stable_hash


CODE_COLUMNS = ["doc_id", "seg_id", "start_char", "end_char", "speaker", "code", "coder", "source",
                "reviewed_by", "memo", "text", "coding_id"]
THEME_CSV_COLUMNS = ["theme_id", "label", "keywords", "size", "doc_count", "stability", "representative"]
# Phrases match on lemmas and families on parts of speech; these are always loaded.
ANALYSIS_COMPONENTS = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer")
# Settings that change speed but never results: left out of result keys.
SPEED_ONLY_SETTINGS = {"annotate": ("n_process", "batch_size")}


class Workbench:
    """Load a corpus once, annotate it once (cached), run analyses and write their outputs."""

    def __init__(self, corpus_path: str | Path, config: Config | None = None, *, strict: bool = False,
                 cache_dir: str | Path | None = None, progress: bool = True,
                 models_dir: str | Path | None = None, reuse_models: bool = True, reuse_results: bool = True):
        self.corpus_path = Path(corpus_path)
        self.config = config or Config()
        self.strict = strict
        self.cache_dir = cache_dir
        self.progress = progress
        self.timings: dict[str, float] = {}
        self._models_dir = Path(models_dir) if models_dir else None
        self.reuse_models = reuse_models  # False: fit themes again even if a saved model fits
        self.reuse_results = reuse_results  # False: compute every table again (and keep the new results)
        self.reused_: list[str] = []  # steps whose results came from the results cache
        self._reused_meta: dict = {}

    @contextmanager
    def _timed(self, step: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - start

    @cached_property
    def corpus(self) -> Corpus:
        with self._timed("load"):
            cfg = self.config.corpus
            corpus = load_corpus(self.corpus_path, strict=self.strict, **cfg.load_options())
        if not corpus.documents:
            raise CorpusError(Errors.E051.format(path=self.corpus_path, n_problems=len(corpus.problems)))
        return corpus

    @cached_property
    def annotator(self) -> Annotator:
        """spaCy with the configured components plus those the analyses need (lemmas and POS)."""
        cfg = self.config.annotate
        components = list(dict.fromkeys([*cfg.components, *ANALYSIS_COMPONENTS]))
        return Annotator(cfg.model, components, n_process=cfg.n_process, batch_size=cfg.batch_size,
                         cache_dir=self.cache_dir, progress=self.progress)

    @cached_property
    def annotated(self) -> AnnotatedCorpus:
        corpus = self.corpus
        with self._timed("annotate"):
            return self.annotator.annotate(corpus)

    @cached_property
    def tokens(self) -> TokenTable:
        annotated = self.annotated
        with self._timed("tokens"):
            return TokenTable.from_annotated(annotated)

    @cached_property
    def phrase_miner(self) -> PhraseMiner:
        cfg = self.config.phrases
        tokens = self.tokens
        with self._timed("phrases"):
            return PhraseMiner(cfg.min_n, cfg.max_n, cfg.min_count, cfg.min_docs).fit(tokens)

    @cached_property
    def quoted_phrases(self) -> QuotedPhrases:
        with self._timed("phrases"):
            return QuotedPhrases(min_count=self.config.phrases.quoted_min_count).fit(self.corpus)

    @cached_property
    def phrase_families(self) -> PhraseFamilies:
        annotated = self.annotated
        with self._timed("phrases"):
            return PhraseFamilies(self.config.phrases.families_file).fit(annotated)

    @cached_property
    def _phrase_results(self) -> dict[str, pd.DataFrame]:
        def compute() -> dict[str, pd.DataFrame]:
            miner, quoted, families = self.phrase_miner, self.quoted_phrases, self.phrase_families
            with self._timed("phrases"):
                phrases, occurrences = build_phrase_table(self.corpus, miner, quoted, families)
            return {"phrases": phrases, "occurrences": occurrences, "families": families.families_,
                    "variants": families.variants_}

        with self._timed("phrases"):
            key = self.result_key("phrases", ["phrases"], files=[self.config.phrases.families_file])
        return self._reuse("phrases", key, compute)

    @property
    def phrase_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(phrases, occurrences): n-grams, quoted phrases and families in one table."""
        return self._phrase_results["phrases"], self._phrase_results["occurrences"]

    @property
    def family_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(families, variants) of the phrase families (as ``phrase_families.families_`` and ``.variants_``)."""
        return self._phrase_results["families"], self._phrase_results["variants"]

    def suggest_variants(self, family: str, top: int = 10, embedder=None) -> pd.DataFrame:
        """Wordings in the corpus that the family ``family`` does not find yet, most similar to its members
        first, for the researcher to accept into their families file (``views.variant_suggester``).
        Embeddings come from the themes' embedding model (offline, cached)."""
        from .analysis.variant_suggestions import suggest_variants
        from .embed import EmbeddingCache

        embedder = embedder or make_embedder(self.config.themes.embedding, self.models_dir)
        return suggest_variants(self.phrase_families, family, self.corpus, embedder,
                                EmbeddingCache(self.cache_dir), top=top)

    # -- results kept by fingerprint ------------------------------------------------------------
    @cached_property
    def results(self) -> ResultCache:
        """Finished tables by fingerprint, beside the annotation cache."""
        return ResultCache(Path(self.cache_dir) if self.cache_dir is not None else default_cache_dir())

    def result_key(self, step: str, sections: list[str], files: list | tuple = (), extra: dict | None = None) -> str | None:
        """A hash of everything ``step``'s result depends on: the corpus files, the corpus, annotation and
        ``sections`` settings, the files it reads, ``extra``, package versions and the workbench code.
        None when results are not to be reused."""
        if not self.reuse_results:
            return None
        from .manifest import package_versions

        settings = {}
        for name in ["corpus", "annotate", "analysis", *sections]:
            values = dict(getattr(self.config, name).__dict__)
            for speed_only in SPEED_ONLY_SETTINGS.get(name, ()):
                values.pop(speed_only, None)
            settings[name] = values
        return stable_hash({"step": step, "settings": settings, "files": {str(f): file_hash(f) for f in files if f},
                            "extra": extra or {}, "corpus": self.corpus.file_hashes(), "code": code_fingerprint(),
                            "packages": package_versions()})

    def _reuse(self, step: str, key: str | None, compute) -> dict[str, pd.DataFrame]:
        """The stored result for ``key``, else ``compute()`` (stored with the pipeline that made it)."""
        if key is not None:
            with self._timed(step):
                hit = self.results.get(step, key)
            if hit is not None:
                frames, meta = hit
                self.reused_.append(step)
                self._reused_meta = meta or self._reused_meta
                return frames
        frames = compute()
        if key is not None:
            with self._timed(step):
                self.results.put(step, key, frames, meta=self.pipeline_info())
        return frames

    def pipeline_info(self) -> dict[str, str]:
        """The spaCy pipeline and components the results came from (without annotating when every
        result was reused)."""
        if "annotated" not in self.__dict__ and self._reused_meta.get("spacy_pipeline"):
            return {k: self._reused_meta[k] for k in ("spacy_pipeline", "spacy_components")}
        annotated = self.annotated
        return {"spacy_pipeline": annotated.pipeline, "spacy_components": ",".join(annotated.components)}

    @cached_property
    def concordance(self) -> Concordance:
        annotated = self.annotated
        with self._timed("concordance_index"):
            return Concordance().fit(annotated)

    def keyness(self, group_by: str | None = None, target: str | None = None,
                reference: str | None = None) -> Keyness:
        """Keyness between two groups; defaults come from the config's [keyness] section."""
        cfg = self.config.keyness
        tokens, miner = self.tokens, self.phrase_miner
        with self._timed("keyness"):
            return Keyness(group_by or cfg.group_by, target or cfg.target, reference or cfg.reference,
                           min_count=cfg.min_count).fit(tokens, miner)

    @cached_property
    def keyness_table(self) -> pd.DataFrame | None:
        """The configured keyness table, or None when the corpus has fewer than two groups."""
        def compute() -> dict[str, pd.DataFrame]:
            return {"keyness": self.keyness().keyness_} if self.has_groups() else {}

        with self._timed("keyness"):
            key = self.result_key("keyness", ["phrases", "keyness"])
        return self._reuse("keyness", key, compute).get("keyness")

    @cached_property
    def models_dir(self) -> Path:
        """Where fitted models and curation live: ``models/`` beside ``corpora/``, else the default."""
        from .embed import default_models_dir

        return self._models_dir or default_models_dir(self.corpus_path)

    @property
    def themes_dir(self) -> Path:
        return self.models_dir / self.corpus_path.resolve().name / "themes"

    @cached_property
    def theme_store(self):
        """The corpus's themes: fitted, curated, saved and reused (see ``ThemeStore``)."""
        from .analysis.theme_store import ThemeStore

        settings = {name: getattr(self.config, name).__dict__ for name in ("corpus", "annotate", "analysis")}
        return ThemeStore(self.themes_dir, self.config.themes, {"settings": settings, "corpus": self.corpus.file_hashes()},
                          cache_dir=self.annotator.cache_dir, models_dir=self.models_dir, reuse=self.reuse_models)

    @property
    def curation(self):
        """The user's renames, merges and splits of themes, kept beside the saved model."""
        return self.theme_store.curation

    @property
    def curation_pending_(self) -> list[str]:
        """Curation steps that matched no current theme, with the reason."""
        return self.theme_store.pending

    @property
    def themes(self):
        """Themes fitted (deterministically), scored for stability, curated, and saved; reused from the
        saved model when nothing they depend on has changed."""
        with self._timed("themes"):
            return self.theme_store.get(self.corpus, lambda: self.tokens)

    def theme_hierarchy(self) -> pd.DataFrame:
        """How themes merge into broader ones (needs the fitted BERTopic model: a reused one is fitted again)."""
        return self.theme_store.fitted(self.corpus, lambda: self.tokens).hierarchy()

    def _themes_or_skip(self):
        """The themes, or None when the corpus is too small for them (the rest of the analysis goes on)."""
        try:
            return self.themes
        except WorkbenchError as err:
            if err.code != "E362":
                raise
            self.skipped_["themes"] = str(err)
            return None

    def reapply_curation(self):
        """After a rename, merge or split: themes again from the fit plus every saved step.
        Returns (themes, assignments, quotes) for views."""
        model = self.theme_store.reapply_curation(self.corpus, lambda: self.tokens)
        return model.themes_, model.assignments_, model.quotes_

    def refit_themes(self, n_themes: int | None):
        """Fit themes again with a chosen number of themes (None: found from the data)."""
        model = self.theme_store.refit(self.corpus, lambda: self.tokens, n_themes)
        return model.themes_, model.assignments_, model.quotes_

    # -- barriers, enablers and coding -------------------------------------------------------------
    @cached_property
    def codebook(self):
        """The configured codebook, or the shipped co-production codebook."""
        from .analysis.codebook import Codebook

        path = self.config.coding.codebook_file
        return Codebook.load(path) if path else Codebook.default()

    @property
    def codings_dir(self) -> Path:
        """Where the coders' files live: configured, or ``<corpus>/.workbench/codings``."""
        folder = self.config.coding.folder
        return Path(folder) if folder else self.corpus_path / ".workbench" / "codings"

    @cached_property
    def codings(self):
        """Everyone's codings of this corpus (human, and machine suggestions with their review status)."""
        from .coding import CodingStore

        return CodingStore(self.codings_dir).load()

    def barriers(self, kind: str = "barrier"):
        """The fitted barrier (or ``kind="enabler"``, ``"benefit"``) detector; its ``hits_`` has BARRIER_COLUMNS.
        Every sentence has one stance, so the three kinds' hits never share a sentence."""
        from .analysis.barriers import BarrierDetector

        cache = self.__dict__.setdefault("_detectors", {})
        if kind not in cache:
            cfg = self.config.barriers
            fitted = next(iter(cache.values()), None)  # the other kind's evidence is the same: reuse it
            with self._timed(f"{kind}s"):
                cache[kind] = BarrierDetector(self.codebook, kind=kind, unit=cfg.unit, threshold=cfg.threshold,
                                              embedding=cfg.embedding, cache_dir=self.annotator.cache_dir,
                                              models_dir=self.models_dir, model_file=cfg.model_file
                                              ).fit(self.annotated, evidence_from=fitted)
        return cache[kind]

    def barrier_hits(self, kind: str = "barrier") -> pd.DataFrame:
        """The detector's hits (BARRIER_COLUMNS), reused from the results cache when nothing changed."""
        cache = self.__dict__.setdefault("_hits", {})
        if kind not in cache:
            cfg = self.config.barriers

            def compute() -> dict[str, pd.DataFrame]:
                return {"hits": self.barriers(kind).hits_}

            with self._timed(f"{kind}s"):
                embedder = make_embedder(cfg.embedding, self.models_dir).model_id
                key = self.result_key(f"{kind}s", ["barriers"], files=[self.config.coding.codebook_file,
                                                                      cfg.model_file],
                                      extra={"kind": kind, "embedding": embedder})
            cache[kind] = self._reuse(f"{kind}s", key, compute)["hits"]
        return cache[kind]

    def suggest_codings(self, kinds: tuple[str, ...] = ("barrier", "enabler"), coder: str = "workbench") -> int:
        """Put the detectors' hits in the review queue as pending suggestions; returns how many are new."""
        from .export.refi import codings_from_hits

        return self.codings.suggest([c for kind in kinds for c in codings_from_hits(self.barrier_hits(kind), coder)])

    def codes_table(self) -> pd.DataFrame:
        """Accepted codings (human, and machine ones a person accepted), one row per code, with speaker."""
        frame = self.codings.load().frame(status="accepted")
        if frame.empty:
            return pd.DataFrame(columns=CODE_COLUMNS)
        frame = frame.assign(code=frame["codes"].str.split("; ")).explode("code")
        speakers = self.corpus.segments_df().set_index("seg_id")["speaker"]
        frame["speaker"] = frame["seg_id"].map(speakers)
        texts = {doc.doc_id: doc.text for doc in self.corpus.documents}
        frame["text"] = [texts[d][int(a):int(b)] if d in texts else t
                         for d, a, b, t in zip(frame["doc_id"], frame["start_char"], frame["end_char"], frame["text"])]
        return frame[CODE_COLUMNS].sort_values(["doc_id", "start_char", "code", "coder"]).reset_index(drop=True)

    def codes_by_theme(self, codes: pd.DataFrame | None = None):
        """Accepted codes against the machine's themes (a fitted ``CodeThemeMatrix``), or None when there are
        no accepted codings, themes are off, or the corpus is too small for themes."""
        from .analysis.code_themes import CodeThemeMatrix

        codes = self.codes_table() if codes is None else codes
        if not len(codes) or not self.config.themes.enabled:
            return None
        try:
            model = self.themes
        except WorkbenchError as err:
            if err.code != "E362":
                raise
            return None
        return CodeThemeMatrix().fit(codes, model.assignments_, model.themes_)

    def pseudonymiser(self):
        """A Pseudonymiser fitted on this corpus (speaker names, PERSON entities, the configured names)."""
        from .privacy import Pseudonymiser, load_names

        cfg = self.config.privacy
        if "_pseudonymiser" not in self.__dict__:
            names = load_names(cfg.names_file) if cfg.names_file else []
            key = cfg.key_file if cfg.key_file and Path(cfg.key_file).exists() else None
            annotated = self.annotated if "ner" in self.annotated.components else None  # else it loads its own
            self._pseudonymiser = Pseudonymiser(names=names, key=key).fit(self.corpus, annotated=annotated)
        return self._pseudonymiser

    def write_report(self, path: str | Path, *, pseudonymise: bool | None = None, manifest: dict | None = None,
                     title: str | None = None) -> Path:
        """The self-contained report for trainers (``pseudonymise``: default from ``[privacy]`` in the config)."""
        from .views.report import ReportData, write_report

        if pseudonymise is None:
            pseudonymise = self.config.privacy.pseudonymise_report
        return write_report(ReportData.from_bench(self), path, manifest=manifest, title=title,
                            pseudonymise=self.pseudonymiser() if pseudonymise else None)

    def export(self, out: Path, tables: dict[str, Path]) -> dict[str, Path]:
        """The tables as one XLSX workbook, the codebook as REFI-QDA ``.qdc``, and a REFI-QDA ``.qdpx``
        project (texts, codebook, accepted codings and, unless switched off, machine suggestions) for NVivo,
        ATLAS.ti, MAXQDA, QualCoder.

        Tables longer than ``[export] workbook_max_rows`` stay CSV only (the workbook's "about" sheet says so). A
        workbook or project made from the same inputs before is copied from the results cache."""
        from .export import write_qdc, write_qdpx
        from .export.tables import write_csv_workbook

        written = {"codebook_qdc": out / "codebook.qdc"}
        cfg = self.config.export
        if cfg.workbook:
            csvs = {name: path for name, path in tables.items() if path.suffix == ".csv"}
            key = {"max_rows": cfg.workbook_max_rows, "tables": {name: file_hash(path) for name, path in csvs.items()}}
            written["workbook"] = self._reused_file(
                "workbook", key, out / "tables.xlsx",
                lambda dest: write_csv_workbook(csvs, dest, cfg.workbook_max_rows))
        else:
            (out / "tables.xlsx").unlink(missing_ok=True)  # not an older run's workbook beside new tables
            self.skipped_["tables.xlsx"] = "[export] workbook = false (the CSV files hold every table)"
        write_qdc(self.codebook, written["codebook_qdc"])
        # Machine suggestions ([export] machine_suggestions): the barrier and enabler hits and pending ones.
        hits = [n for n in ("barriers", "enablers") if n in tables] if cfg.machine_suggestions else []
        key = {"corpus": self.corpus.file_hashes(), "name": self.corpus_path.resolve().name,
               "codebook": file_hash(self.config.coding.codebook_file),
               "codings": self.codings.load().fingerprint(), "hits": {n: file_hash(tables[n]) for n in hits},
               "suggestions": cfg.machine_suggestions}

        def write_project(dest: Path) -> Path:
            from .export.refi import codings_from_hits

            codings = self.codings.all() if cfg.machine_suggestions else self.codings.all(status="accepted")
            suggested = [c for n in hits for c in codings_from_hits(self.barrier_hits(n[:-1]))]
            return write_qdpx(self.corpus, self.codebook, codings, dest, suggestions=suggested,
                              project_name=self.corpus_path.resolve().name, author="workbench")

        try:
            written["project_qdpx"] = self._reused_file("project", key, out / "project.qdpx", write_project)
        except WorkbenchError as err:  # codings that no longer fit an edited document: say so, go on
            self.skipped_["project.qdpx"] = str(err)
        return written

    def _reused_file(self, step: str, inputs: dict, dest: Path, write) -> Path:
        """``dest`` copied from the results cache when made from the same ``inputs`` (and workbench code)
        before, else ``write(dest)`` and kept for next time."""
        key = stable_hash({"code": code_fingerprint(), **inputs}) if self.reuse_results else None
        if key and self.results.get_file(step, key, dest.suffix, dest):
            return dest
        write(dest)
        if key:
            self.results.put_file(step, key, dest.suffix, dest)
        return dest

    def segment_meta(self) -> pd.DataFrame:
        """seg_id, doc_id, kind and speaker role of every segment (for grouping results)."""
        frame = self.corpus.segments_df()
        return frame[["seg_id", "doc_id", "kind", "speaker_role", "speaker"]]

    def has_groups(self, group_by: str | None = None) -> bool:
        """True when the corpus has at least two values of the keyness group attribute."""
        from .analysis.keyness import group_values

        values = {v for v in group_values(self.tokens, group_by or self.config.keyness.group_by) if v}
        return len(values) >= 2

    def analyse(self, out_dir: str | Path) -> dict[str, Path]:
        """Run every analysis and write its tables and ``manifest.json`` into ``out_dir`` (every CSV through
        ``export.tables.write_table_csv``: atomic and formula-safe)."""
        from .export.tables import write_table_csv

        out = Path(out_dir)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise WorkbenchError(Errors.E200.format(path=out, detail=err.strerror or err)) from None
        written: dict[str, Path] = {}
        with self._timed("write"):
            segments = self.corpus.segments_df()[SEGMENT_COLUMNS]
            written["segments"] = out / "segments.csv"
            write_table_csv(segments, written["segments"])
            written["exclusions"] = out / "exclusions.csv"  # text outside every segment, with the reason
            write_table_csv(self.corpus.exclusions_df(), written["exclusions"])
        phrases, occurrences = self.phrase_tables
        with self._timed("write"):
            written["phrases"] = out / "phrases.csv"
            write_table_csv(phrases[PHRASE_COLUMNS], written["phrases"])
            written["phrase_occurrences"] = out / "phrase_occurrences.csv"
            write_table_csv(occurrences, written["phrase_occurrences"])
            written["family_variants"] = out / "family_variants.csv"
            write_table_csv(self.family_tables[1], written["family_variants"])
        self.skipped_: dict[str, str] = {}
        themes = self._themes_or_skip() if self.config.themes.enabled else None
        if themes is not None:
            with self._timed("write"):
                written["themes"] = out / "themes.csv"
                write_table_csv(themes.themes_[THEME_CSV_COLUMNS], written["themes"])
                written["segment_themes"] = out / "segment_themes.csv"
                write_table_csv(themes.assignments_[["seg_id", "doc_id", "theme_id", "probability"]],
                                written["segment_themes"])
                written["theme_quotes"] = out / "theme_quotes.csv"
                write_table_csv(themes.quotes_, written["theme_quotes"])
        keyness = self.keyness_table
        if keyness is not None:
            with self._timed("write"):
                written["keyness"] = out / "keyness.csv"
                write_table_csv(keyness, written["keyness"])
        if self.config.barriers.enabled:
            for kind in ("barrier", "enabler", "benefit"):
                hits = self.barrier_hits(kind)
                with self._timed("write"):
                    written[f"{kind}s"] = out / f"{kind}s.csv"
                    write_table_csv(hits, written[f"{kind}s"])
        codes = self.codes_table()
        if len(codes):
            with self._timed("write"):
                written["codes"] = out / "codes.csv"
                write_table_csv(codes, written["codes"])
            if themes is not None:  # codes against the machine's themes, and the quotes behind each cell
                matrix = self.codes_by_theme(codes)
                with self._timed("write"):
                    written["codes_by_theme"] = out / "codes_by_theme.csv"
                    write_table_csv(matrix.table(), written["codes_by_theme"])
                    written["codes_by_theme_quotes"] = out / "codes_by_theme_quotes.csv"
                    write_table_csv(matrix.segments_, written["codes_by_theme_quotes"])
        with self._timed("export"):
            written.update(self.export(out, written))
        manifest = build_manifest(
            self.corpus, self.config.to_dict(),
            models=self.pipeline_info(),
            seeds={"analysis": self.config.analysis.seed},
            timings=self.timings, outputs=[p.name for p in written.values()] + ["manifest.json"],
        )
        manifest["skipped"] = dict(self.skipped_)
        if themes is not None:
            manifest["models"]["embedding"] = make_embedder(self.config.themes.embedding, self.models_dir).model_id
            manifest["seeds"]["themes"] = self.config.themes.seed
            manifest["themes"] = {"model_folder": str(self.themes_dir / "model"),
                                  "outlier_share": round(self.themes.outlier_share_, 4),
                                  "curation_pending": list(getattr(self, "curation_pending_", [])),
                                  "reused_saved_model": bool(getattr(themes, "from_cache_", False))}
        if self.config.barriers.enabled:
            manifest["models"]["barrier_embedding"] = make_embedder(self.config.barriers.embedding,
                                                                     self.models_dir).model_id
            manifest["barriers"] = {f"{kind}s": self.barrier_hits(kind)["category"].value_counts().sort_index()
                                    .to_dict() for kind in ("barrier", "enabler", "benefit")}
        manifest["codebook"] = {"file": self.config.coding.codebook_file or "(shipped default)",
                                "codes": len(self.codebook.codes)}
        manifest["codings"] = {"folder": str(self.codings_dir), "accepted_codes": len(codes),
                               "pending_suggestions": len(self.codings.queue())}
        if "annotated" in self.__dict__:
            annotated = self.annotated
            manifest["annotation_cache"] = {"parsed_segments": annotated.n_parsed,
                                            "cached_segments": annotated.n_cached,
                                            "rebuilt_entries": annotated.cache_rebuilt}
        else:
            manifest["annotation_cache"] = {"parsed_segments": 0, "cached_segments": 0, "rebuilt_entries": [],
                                            "not_needed": "every table was reused from the results cache"}
        manifest["results_reused"] = sorted(set(self.reused_))
        written["report"] = out / "report.html"
        manifest["outputs"] = sorted(manifest["outputs"] + ["report.html"])
        with self._timed("report"):
            self.write_report(written["report"], manifest={k: v for k, v in manifest.items() if k != "created"})
        manifest["timings_seconds"]["report"] = round(self.timings["report"], 3)  # after the report was written
        written["manifest"] = out / "manifest.json"
        write_json_atomic(written["manifest"], manifest)
        return written
