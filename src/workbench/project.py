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


THEME_CSV_COLUMNS = ["theme_id", "label", "keywords", "size", "doc_count", "stability", "representative"]
# Phrases match on lemmas and families on parts of speech; these are always loaded.
ANALYSIS_COMPONENTS = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer")


class Workbench:
    """Load a corpus once, annotate it once (cached), run analyses and write their outputs."""

    def __init__(self, corpus_path: str | Path, config: Config | None = None, *, strict: bool = False,
                 cache_dir: str | Path | None = None, progress: bool = True,
                 models_dir: str | Path | None = None):
        self.corpus_path = Path(corpus_path)
        self.config = config or Config()
        self.strict = strict
        self.cache_dir = cache_dir
        self.progress = progress
        self.timings: dict[str, float] = {}
        self._models_dir = Path(models_dir) if models_dir else None

    @contextmanager
    def _timed(self, step: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - start

    @cached_property
    def corpus(self) -> Corpus:
        with self._timed("load"):
            cfg = self.config.corpus
            corpus = load_corpus(self.corpus_path, unit=cfg.unit, max_turn_words=cfg.max_turn_words,
                                 max_file_mb=cfg.max_file_mb, strict=self.strict)
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
    def phrase_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(phrases, occurrences): n-grams, quoted phrases and families in one table."""
        miner, quoted, families = self.phrase_miner, self.quoted_phrases, self.phrase_families
        with self._timed("phrases"):
            return build_phrase_table(self.corpus, miner, quoted, families)

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
    def models_dir(self) -> Path:
        """Where fitted models and curation live: ``models/`` beside ``corpora/``, else the default."""
        from .embed import default_models_dir

        return self._models_dir or default_models_dir(self.corpus_path)

    @property
    def themes_dir(self) -> Path:
        return self.models_dir / self.corpus_path.resolve().name / "themes"

    @cached_property
    def curation(self):
        """The user's renames, merges and splits of themes, kept beside the saved model."""
        from .analysis.theme_curation import Curation

        return Curation(self.themes_dir / "curation.json").load()

    @cached_property
    def themes(self):
        """Themes fitted (deterministically), scored for stability, curated, and saved."""
        from .analysis.themes import ThemeModel, load_guided_themes

        cfg = self.config.themes
        tokens = self.tokens
        with self._timed("themes"):
            guided = load_guided_themes(cfg.guided_file) if cfg.guided_file else None
            model = ThemeModel(cfg.embedding, cfg.n_themes, cfg.seed, cfg.max_outlier_share, guided=guided,
                               min_words=cfg.min_words, cache_dir=self.annotator.cache_dir,
                               models_dir=self.models_dir).fit(tokens)
            model.base_topics_ = model.assignments_["theme_id"].to_numpy().copy()
            model.base_labels_ = dict(zip(model.themes_["theme_id"], model.themes_["label"]))
        with self._timed("theme_stability"):
            long_enough = model.long_enough(model.assignments_["text"].tolist())
            model.refits_ = [model.cluster_labels(model.embeddings_, model.seed + k, long_enough)
                             for k in range(1, cfg.stability_runs + 1)]
        self._curate_and_save(model)
        return model

    def _curate_and_save(self, model) -> None:
        """Apply the saved curation to the fitted (uncurated) themes, score stability, save."""
        from .analysis.theme_curation import apply_curation
        from .analysis.theme_stability import stability_scores

        self.curation_pending_ = []
        topics, labels = model.base_topics_, dict(model.base_labels_)
        if len(self.curation):
            base = model.assignments_[["seg_id"]].assign(theme_id=topics)
            result = apply_curation(base, labels, self.curation.ops, model.embeddings_, seed=model.seed)
            topics = result.assignments["theme_id"].to_numpy()
            labels = {k: v for k, v in result.labels.items() if model.base_labels_.get(k) != v}
            self.curation_pending_ = result.pending
        else:
            labels = {}
        model.reassign(self.tokens, topics, labels)
        if model.refits_:
            # 1 = found again with the same members in every refit with another seed.
            scores = stability_scores(model.assignments_["theme_id"].to_numpy(), model.refits_)
            model.themes_["stability"] = [round(scores.get(int(t), 0.0), 3) for t in model.themes_["theme_id"]]
        model.save(self.themes_dir / "model", fingerprint={"config": self.config.fingerprint(),
                                                          "corpus": self.corpus.file_hashes()})

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
        model = self.themes
        self._curate_and_save(model)
        return model.themes_, model.assignments_, model.quotes_

    def refit_themes(self, n_themes: int | None):
        """Fit themes again with a chosen number of themes (None: found from the data)."""
        self.config.themes.n_themes = n_themes
        self.__dict__.pop("themes", None)
        model = self.themes
        return model.themes_, model.assignments_, model.quotes_

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
        """Run every analysis and write its tables and ``manifest.json`` into ``out_dir``."""
        out = Path(out_dir)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise WorkbenchError(Errors.E200.format(path=out, detail=err.strerror or err)) from None
        annotated = self.annotated
        written: dict[str, Path] = {}
        with self._timed("write"):
            segments = self.corpus.segments_df()[SEGMENT_COLUMNS]
            written["segments"] = out / "segments.csv"
            segments.to_csv(written["segments"], index=False)
        phrases, occurrences = self.phrase_tables
        with self._timed("write"):
            written["phrases"] = out / "phrases.csv"
            phrases[PHRASE_COLUMNS].to_csv(written["phrases"], index=False)
            written["phrase_occurrences"] = out / "phrase_occurrences.csv"
            occurrences.to_csv(written["phrase_occurrences"], index=False)
            written["family_variants"] = out / "family_variants.csv"
            self.phrase_families.variants_.to_csv(written["family_variants"], index=False)
        self.skipped_: dict[str, str] = {}
        themes = self._themes_or_skip() if self.config.themes.enabled else None
        if themes is not None:
            with self._timed("write"):
                written["themes"] = out / "themes.csv"
                themes.themes_[THEME_CSV_COLUMNS].to_csv(written["themes"], index=False)
                written["segment_themes"] = out / "segment_themes.csv"
                themes.assignments_[["seg_id", "doc_id", "theme_id", "probability"]].to_csv(
                    written["segment_themes"], index=False)
                written["theme_quotes"] = out / "theme_quotes.csv"
                themes.quotes_.to_csv(written["theme_quotes"], index=False)
        if self.has_groups():
            keyness = self.keyness()
            with self._timed("write"):
                written["keyness"] = out / "keyness.csv"
                keyness.keyness_.to_csv(written["keyness"], index=False)
        manifest = build_manifest(
            self.corpus, self.config.to_dict(),
            models={"spacy_pipeline": annotated.pipeline, "spacy_components": ",".join(annotated.components)},
            seeds={"analysis": self.config.analysis.seed},
            timings=self.timings, outputs=[p.name for p in written.values()] + ["manifest.json"],
        )
        manifest["skipped"] = dict(self.skipped_)
        if themes is not None:
            manifest["models"]["embedding"] = make_embedder(self.config.themes.embedding, self.models_dir).model_id
            manifest["seeds"]["themes"] = self.config.themes.seed
            manifest["themes"] = {"model_folder": str(self.themes_dir / "model"),
                                  "outlier_share": round(self.themes.outlier_share_, 4),
                                  "curation_pending": [f"{op.op} {op.themes}: {why}"
                                                       for op, why in getattr(self, "curation_pending_", [])]}
        manifest["annotation_cache"] = {"parsed_segments": annotated.n_parsed,
                                        "cached_segments": annotated.n_cached,
                                        "rebuilt_entries": annotated.cache_rebuilt}
        written["manifest"] = out / "manifest.json"
        write_json_atomic(written["manifest"], manifest)
        return written
