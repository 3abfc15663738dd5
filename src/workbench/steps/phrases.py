"""Recurring phrases, quoted phrases and phrase families in one table (``phrases.csv``), each occurrence
with its offsets (``phrase_occurrences.csv``), and the wordings of each family (``family_variants.csv``).
The fitted miner, quoted phrases and families are shared with keyness and the notebooks."""
from __future__ import annotations

from ..analysis.families import PhraseFamilies
from ..analysis.phrase_table import PHRASE_COLUMNS, build_phrase_table
from ..analysis.phrases import PhraseMiner
from ..analysis.quotes import QuotedPhrases
from ..incremental import annotations_of, phrase_families
from .base import Table, step


def miner(bench) -> PhraseMiner:
    """Recurring n-grams of lemmas, fitted once per bench."""
    cfg, tokens = bench.config.phrases, bench.tokens
    return bench.runner.fitted("phrase_miner", lambda: PhraseMiner(cfg.min_n, cfg.max_n, cfg.min_count,
                                                                   cfg.min_docs).fit(tokens))


def quoted(bench) -> QuotedPhrases:
    """Words people put in quotation marks."""
    cfg, corpus = bench.config.phrases, bench.corpus
    return bench.runner.fitted("quoted_phrases", lambda: QuotedPhrases(min_count=cfg.quoted_min_count).fit(corpus))


def families(bench) -> PhraseFamilies:
    """The shipped (and configured) phrase families, matched with spaCy patterns document by document (only
    documents without cached matches are matched: ``incremental.phrase_families``)."""
    def fit() -> PhraseFamilies:
        return phrase_families(annotations_of(bench), PhraseFamilies(bench.config.phrases.families_file),
                               bench.annotator.cache_dir)[0]

    return bench.runner.fitted("phrase_families", fit)


def suggest_variants(bench, family: str, top: int = 10, embedder=None):
    """Wordings in the corpus the family does not find yet, most similar to its members first
    (``analysis.variant_suggestions``); embeddings from the themes' embedding model (offline, cached)."""
    from ..analysis.variant_suggestions import suggest_variants as suggest
    from ..embed import EmbeddingCache, make_embedder

    embedder = embedder or make_embedder(bench.config.themes.embedding, bench.models_dir)
    return suggest(families(bench), family, bench.corpus, embedder, EmbeddingCache(bench.cache_dir), top=top)


@step("phrases", tables=[Table("phrases", "phrases", PHRASE_COLUMNS), Table("phrase_occurrences", "occurrences"),
                         Table("family_variants", "variants")],
      settings=("phrases",), files=lambda config: [config.phrases.families_file], report=False)
def phrases(bench) -> dict:
    found_families = families(bench)
    table, occurrences = build_phrase_table(bench.corpus, miner(bench), quoted(bench), found_families)
    return {"phrases": table, "occurrences": occurrences, "families": found_families.families_,
            "variants": found_families.variants_}
