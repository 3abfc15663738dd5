"""The facade: a corpus, its config and its results in one place; the CLI, notebooks and dashboard call this.
It holds what every analysis shares (corpus, annotations, codebook, codings, the themes' store); each analysis is
a registered step (``workbench.steps``) that ``Runner`` runs; the methods below name steps' results for notebooks."""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from .analysis.concordance import Concordance
from .analysis.tokens import TokenTable
from .annotate import AnnotatedCorpus, Annotator
from .config import Config
from .corpus import Corpus, load_corpus
from .errors import CorpusError, Errors
from .incremental import annotations_of, token_table
from .runner import Runner, Timings
from .steps import barriers as barrier_step, code_themes as code_theme_step, codes as codes_step, \
    keyness as keyness_step, phrases as phrase_step
from .steps.base import StepResult

# Phrases match on lemmas and families on parts of speech; these are always loaded.
ANALYSIS_COMPONENTS = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer")


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
        self.timings = Timings()
        self._models_dir = Path(models_dir) if models_dir else None
        self.reuse_models = reuse_models  # False: fit themes again even if a saved model fits
        self.reuse_results = reuse_results  # False: compute every table again (and keep the new results)

    # -- what every analysis shares -------------------------------------------------------------------
    @cached_property
    def corpus(self) -> Corpus:
        with self.timings.measure("load"):
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
        with self.timings.measure("annotate"):
            return self.annotator.annotate(corpus)

    @property
    def has_annotations(self) -> bool:
        """True once the whole corpus was annotated in this session (a fully reused run never starts spaCy)."""
        return "annotated" in self.__dict__

    @cached_property
    def tokens(self) -> TokenTable:  # from per-document token rows, see incremental.token_table
        with self.timings.measure("tokens"):
            return token_table(annotations_of(self), self.annotator.cache_dir)[0]

    @cached_property
    def concordance(self) -> Concordance:
        annotated = self.annotated
        with self.timings.measure("concordance_index"):
            return Concordance().fit(annotated)

    @cached_property
    def models_dir(self) -> Path:
        """Where fitted models and curation live: ``models/`` beside ``corpora/``, else the default."""
        from .embed import default_models_dir

        return self._models_dir or default_models_dir(self.corpus_path)

    @cached_property
    def runner(self) -> Runner:
        """Runs the registered analysis steps (``workbench.steps``) and keeps their results."""
        return Runner(self)

    def result(self, step: str) -> StepResult:
        """A step's result (its frames, or why it was skipped), computed or reused on first use."""
        return self.runner.result(step)

    @property
    def reused_(self) -> list[str]:
        """Steps whose results came from the results cache."""
        return self.runner.reused

    @property
    def skipped_(self) -> dict[str, str]:
        """Steps and outputs that were not made, with the reason (empty until something was skipped)."""
        return self.runner.skipped

    # -- phrases and keyness ----------------------------------------------------------------------------
    @property
    def phrase_families(self):
        return phrase_step.families(self)

    @property
    def phrase_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(phrases, occurrences): n-grams, quoted phrases and families in one table."""
        return self.result("phrases")["phrases"], self.result("phrases")["occurrences"]

    @property
    def family_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(families, variants) of the phrase families (as ``phrase_families.families_`` and ``.variants_``)."""
        return self.result("phrases")["families"], self.result("phrases")["variants"]

    def suggest_variants(self, family: str, top: int = 10, embedder=None) -> pd.DataFrame:
        """Wordings the family does not find yet, most similar first, to accept into a families file (offline)."""
        return phrase_step.suggest_variants(self, family, top, embedder)

    def keyness(self, group_by: str | None = None, target: str | None = None, reference: str | None = None):
        """Keyness between two groups; defaults come from the config's [keyness] section."""
        return keyness_step.keyness(self, group_by, target, reference)

    def segment_meta(self) -> pd.DataFrame:
        """seg_id, doc_id, kind and speaker role of every segment (for grouping results)."""
        return self.corpus.segments_df()[["seg_id", "doc_id", "kind", "speaker_role", "speaker"]]

    # -- themes (kept by the corpus's ThemeStore) -----------------------------------------------------
    @cached_property
    def theme_store(self):
        """The corpus's themes: fitted, curated, saved and reused (see ``ThemeStore``)."""
        from .analysis.theme_store import ThemeStore

        settings = {name: getattr(self.config, name).__dict__ for name in ("corpus", "annotate", "analysis")}
        return ThemeStore(self.models_dir / self.corpus_path.resolve().name / "themes", self.config.themes,
                          {"settings": settings, "corpus": self.corpus.file_hashes()},
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
        with self.timings.measure("themes"):
            return self.theme_store.get(self.corpus, lambda: self.tokens)

    def theme_hierarchy(self) -> pd.DataFrame:
        """How themes merge into broader ones (needs the fitted BERTopic model: a reused one is fitted again)."""
        return self.theme_store.fitted(self.corpus, lambda: self.tokens).hierarchy()

    def reapply_curation(self):
        """After a rename, merge or split: themes again from the fit plus every saved step.
        Returns (themes, assignments, quotes) for views."""
        model = self.theme_store.reapply_curation(self.corpus, lambda: self.tokens)
        return model.themes_, model.assignments_, model.quotes_

    def refit_themes(self, n_themes: int | None):
        """Fit themes again with a chosen number of themes (None: found from the data)."""
        model = self.theme_store.refit(self.corpus, lambda: self.tokens, n_themes)
        return model.themes_, model.assignments_, model.quotes_

    # -- barriers, enablers and coding ----------------------------------------------------------------
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
        """The fitted barrier (or ``kind="enabler"``, ``"benefit"``) detector; its ``hits_`` has BARRIER_COLUMNS."""
        return barrier_step.detector(self, kind)

    def barrier_hits(self, kind: str = "barrier") -> pd.DataFrame:
        """The detector's hits (BARRIER_COLUMNS), reused from the results cache when nothing changed."""
        return self.result(f"{kind}s")["hits"]

    def suggest_codings(self, kinds: tuple[str, ...] = ("barrier", "enabler"), coder: str = "workbench") -> int:
        """Put the detectors' hits in the review queue as pending suggestions; returns how many are new."""
        from .export.refi import codings_from_hits

        return self.codings.suggest([c for kind in kinds for c in codings_from_hits(self.barrier_hits(kind), coder)])

    def codes_table(self) -> pd.DataFrame:
        """Accepted codings (human, and machine ones a person accepted), one row per code, with speaker."""
        return codes_step.codes_table(self)

    def codes_by_theme(self, codes: pd.DataFrame | None = None):
        """Accepted codes against the themes (a fitted ``CodeThemeMatrix``), or None without codings or themes."""
        return code_theme_step.matrix(self, codes)

    # -- privacy and outputs --------------------------------------------------------------------------
    @cached_property
    def pseudonymiser(self):
        """A Pseudonymiser fitted on this corpus (speaker names, PERSON entities, the configured names)."""
        from .privacy import Pseudonymiser, load_names

        cfg = self.config.privacy
        names = load_names(cfg.names_file) if cfg.names_file else []
        key = cfg.key_file if cfg.key_file and Path(cfg.key_file).exists() else None
        annotated = self.annotated if "ner" in self.annotated.components else None  # else it loads its own
        return Pseudonymiser(names=names, key=key).fit(self.corpus, annotated=annotated)

    def write_report(self, path: str | Path, *, pseudonymise: bool | None = None, manifest: dict | None = None,
                     title: str | None = None, results: dict[str, StepResult] | None = None) -> Path:
        """The self-contained report for trainers (``pseudonymise``: default from ``[privacy]`` in the config)."""
        from .views.report import ReportData, write_report

        if pseudonymise is None:
            pseudonymise = self.config.privacy.pseudonymise_report
        data = ReportData.from_results(self, results if results is not None else self.runner.run())
        return write_report(data, path, manifest=manifest, title=title,
                            pseudonymise=self.pseudonymiser if pseudonymise else None)

    def analyse(self, out_dir: str | Path) -> dict[str, Path]:
        """Run every step and write its tables, the workbook and REFI-QDA project, ``report.html`` and
        ``manifest.json`` into ``out_dir`` (see ``Runner.analyse``)."""
        return self.runner.analyse(out_dir)
