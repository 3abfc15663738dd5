"""Themes with BERTopic that hold up on workshop-sized corpora and come out the same on every machine.

A small wrapper: the parts are built here and passed to BERTopic as its swappable sub-models:

- the clustering is our own ``StableClusterer`` (Ward's tree cut, then nearest-centre refinement, on the
  unit-length embeddings; see ``theme_clustering``), handed to BERTopic as ready-made labels (its
  "manual" mode: no UMAP, no HDBSCAN), because a stochastic layout turns the last bits of floating point,
  which differ between CPUs, into other themes;
- guided themes (expected themes from a file) first take the segments similar enough to them;
- very short segments and outliers then join their nearest theme when similar enough, so that at most
  ``max_outlier_share`` of segments stay unassigned;
- keywords come from spaCy lemmas (stop words, transcript fillers and speaker names removed, two-word
  phrases kept), re-ranked KeyBERT-style and diversified with MMR; a label is the top key phrases.

The same corpus and config give the same themes in one process or two, and on another CPU or thread
count: relative noise of 1e-5 in the embeddings changes no assignment (tested).
"""
from __future__ import annotations

import json
import logging
import math
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
import yaml

from ..embed import EmbeddingCache, Embedder, make_embedder
from ..errors import ConfigError, Errors, WorkbenchError
from .base import Analysis
from .lexicon import FILLER_WORDS
from .procedural import PROCEDURAL_LABEL, procedural_mask
from .theme_clustering import StableClusterer, canonical_labels, centroids, unit_rows
from .tokens import TokenTable

ASSIGNMENT_COLUMNS = ["seg_id", "doc_id", "start_char", "end_char", "speaker", "theme_id", "probability", "text"]
THEME_COLUMNS = ["theme_id", "label", "keywords", "size", "doc_count", "stability", "representative",
                 "doc_id", "seg_id", "start_char", "end_char", "guided", "procedural"]
QUOTE_COLUMNS = ["theme_id", "rank", "seg_id", "doc_id", "start_char", "end_char", "speaker", "similarity", "text"]
KEYWORD_POS = {"NOUN", "PROPN", "ADJ", "VERB"}
EXTRA_STOP = {"thing", "lot", "bit", "way", "people", "get", "go", "say", "know", "think", "want", "mean", "come",
              "make", "really", "actually", "kind", "sort", "stuff", "yes", "yeah", "okay", "right", "good",
              "just", "like", "well", "also", "one", "time", "year", "do", "be", "have", "let", "look", "put",
              "take", "try", "use", "need", "feel", "talk", "tell", "see", "give", "keep", "start", "still",
              "write", "read", "begin", "new", "person", "point", "sorry", "happen", "work", "nod", "laugh"}
MIN_SEGMENTS = 10


@dataclass
class GuidedTheme:
    """An expected theme: a name and a description (or seed words) that segments are compared with."""

    name: str
    description: str = ""
    seed_words: list[str] = field(default_factory=list)

    @property
    def prompt(self) -> str:
        return self.description or ", ".join(self.seed_words) or self.name


def guided_from_codebook(path: str | Path | None = None) -> list[GuidedTheme]:
    """Guided themes seeded by a codebook's categories (the shipped one when ``path`` is None): each code
    without sub-codes, named as in the codebook, described by its description (else its name)."""
    from .codebook import Codebook

    codebook = Codebook.default() if path is None else Codebook.load(path)
    parents = {code.parent for code in codebook.codes if code.parent}
    return [GuidedTheme(code.name, " ".join((code.description or "").split()))
            for code in codebook.codes if code.name not in parents]


def load_guided_themes(path: str | Path) -> list[GuidedTheme]:
    """Read expected themes from YAML: ``themes: [{name, description, seed_words}]``."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(Errors.E363.format(path=path, detail=err)) from None
    items = data.get("themes") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise ConfigError(Errors.E363.format(path=path, detail="no list under 'themes:'"))
    themes = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not item.get("name"):
            raise ConfigError(Errors.E363.format(path=path, detail=f"theme {i} has no 'name'"))
        themes.append(GuidedTheme(str(item["name"]), str(item.get("description") or ""),
                                  [str(w) for w in item.get("seed_words") or []]))
    return themes


def keyword_documents(table: TokenTable, extra_stop: set[str] = frozenset()) -> list[str]:
    """One string per segment for the vectoriser: content lemmas, and adjacent pairs as ``a_b``."""
    speakers = {w.lower() for st in table.segments if st.segment.speaker for w in st.segment.speaker.split()}
    stop = EXTRA_STOP | set(FILLER_WORDS) | speakers | set(extra_stop)
    docs = []
    for st in table.segments:
        words: list[str] = []
        previous: str | None = None
        n = len(st.lemma)
        for i, (lemma, pos, is_stop, punct) in enumerate(zip(st.lemma, st.pos, st.is_stop, st.is_punct)):
            if pos in ("ADJ", "VERB") and i + 1 < n and st.pos[i + 1] == "NOUN":
                lemma = st.lower[i]  # "lived experience", not "live experience"
            keep = (not punct and not is_stop and pos in KEYWORD_POS and lemma.replace("-", "").isalpha() and len(lemma) > 2
                    and lemma not in stop)
            if keep:
                words.append(lemma)
                if previous:
                    words.append(f"{previous}_{lemma}")
                previous = lemma
            elif not (lemma == "-" or pos == "ADJ"):
                previous = None
        docs.append(" ".join(words))
    return docs


def _split(doc: str) -> list[str]:
    return doc.split()


DIRECT_EMBED_BELOW = 200  # shorter lists of texts are embedded without the disk cache


class _Backend:
    """Our embedder as a BERTopic embedding backend (BaseEmbedder is created lazily to keep imports light)."""

    @staticmethod
    def create(embedder: Embedder, cache: EmbeddingCache | None):
        from bertopic.backend import BaseEmbedder

        class WorkbenchEmbedder(BaseEmbedder):
            def __init__(self):
                super().__init__()
                self.embedding_model = embedder

            def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
                # BERTopic also embeds each theme's candidate keywords, a few dozen at a time (a thousand
                # calls on a large corpus): those are encoded directly, not kept as thousands of tiny shards.
                if cache is None or len(documents) < DIRECT_EMBED_BELOW:
                    return embedder.encode(documents)
                return cache.embed(embedder, documents)

        return WorkbenchEmbedder()


class ThemeModel(Analysis):
    """Fit themes on annotated segments.

    Results: ``themes_`` (one row per theme), ``assignments_`` (one row per segment, theme -1 =
    unassigned), ``quotes_`` (representative quotes per theme with offsets), ``embeddings_``.
    """

    def __init__(self, embedding: str = "minilm", n_themes: int | None = None, seed: int = 42,
                 max_outlier_share: float = 0.15, min_similarity: float = 0.25, top_n_words: int = 10,
                 guided: Sequence[GuidedTheme] | None = None, guided_min_similarity: float = 0.5,
                 n_quotes: int = 3, min_words: int = 6, stability_runs: int = 0,
                 procedural: bool = True, max_theme_share: float = 0.35,
                 cache_dir: str | Path | None = None,
                 models_dir: str | Path | None = None):
        self.embedding = embedding
        self.n_themes = n_themes
        self.seed = seed
        self.max_outlier_share = max_outlier_share
        self.min_similarity = min_similarity
        self.top_n_words = top_n_words
        self.guided = guided
        self.guided_min_similarity = guided_min_similarity
        self.n_quotes = n_quotes
        self.min_words = min_words
        self.stability_runs = stability_runs
        self.procedural = procedural
        self.max_theme_share = max_theme_share
        self.cache_dir = cache_dir
        self.models_dir = models_dir

    # -- parts -------------------------------------------------------------------------------
    def _embed(self, texts: list[str]) -> tuple[np.ndarray, Embedder, EmbeddingCache | None]:
        embedder = make_embedder(self.embedding, self.models_dir)
        cache = EmbeddingCache(self.cache_dir) if self.cache_dir else None
        vectors = cache.embed(embedder, texts) if cache else embedder.encode(texts)
        return vectors, embedder, cache

    def _representation(self) -> list:
        """Keywords re-ranked by similarity to the theme (KeyBERT-style), then diversified (MMR)."""
        from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

        return [KeyBERTInspired(top_n_words=self.top_n_words, nr_repr_docs=5, nr_candidate_words=40,
                                random_state=self.seed),
                MaximalMarginalRelevance(diversity=0.3, top_n_words=self.top_n_words)]

    def cluster_labels(self, embeddings: np.ndarray, n_clusters: int | None = None) -> np.ndarray:
        """Only the clustering (no keywords, no guided themes): one label per row, numbered canonically.
        The same vectors give the same labels; noise in their last bits does not change them."""
        wanted = n_clusters or self.n_themes
        # A number of themes the user asked for is kept; the automatic number splits a catch-all theme.
        max_share = 1.0 if wanted else self.max_theme_share
        return StableClusterer(wanted, max_share=max_share).fit(embeddings).labels_

    def _guided_labels(self, embedder: Embedder, vectors: np.ndarray) -> np.ndarray:
        """For each row, the guided theme it is similar enough to (index into ``guided``), else -1."""
        guided = list(self.guided or [])
        labels = np.full(len(vectors), -1)
        if not guided:
            return labels
        prompts = unit_rows(embedder.encode([g.prompt for g in guided]))
        sims = vectors @ prompts.T
        best = sims.argmax(axis=1)
        hit = sims.max(axis=1) >= self.guided_min_similarity
        labels[hit] = best[hit]
        return labels

    def _refits(self, embeddings: np.ndarray, fit_rows: np.ndarray, n_clusters: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Stability refits: the clustering again on ``stability_runs`` seeded subsamples of 80% of the
        clustered segments, as (rows, labels)."""
        from .theme_stability import subsample_indices

        refits = []
        for k in range(1, self.stability_runs + 1):
            rows = fit_rows[subsample_indices(len(fit_rows), 0.8, self.seed + k)]
            refits.append((rows, self.cluster_labels(embeddings[rows], n_clusters)))
        return refits

    def _reduce_outliers(self, labels: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        """Give unassigned segments their nearest theme when similar enough, then as many more as
        needed (most similar first) so at most ``max_outlier_share`` stay unassigned."""
        labels = labels.copy()
        themes = sorted(t for t in set(labels.tolist()) if t >= 0)
        outliers = np.flatnonzero(labels < 0)
        if not themes or not len(outliers):
            return labels
        index = {t: i for i, t in enumerate(themes)}
        centres = centroids(embeddings, np.array([index.get(int(t), -1) for t in labels]), len(themes))
        sims = embeddings[outliers] @ centres.T
        best, best_sim = sims.argmax(axis=1), sims.max(axis=1)
        allowed = int(math.floor(self.max_outlier_share * len(labels)))
        order = np.lexsort((outliers, -best_sim))  # most similar first, ties in segment order
        n_assign = max(int((best_sim >= self.min_similarity).sum()), len(outliers) - allowed)
        for i in order[:n_assign]:
            labels[outliers[i]] = themes[best[i]]
        return labels

    def long_enough(self, texts: Sequence[str]) -> np.ndarray:
        """Which segments have enough words to be clustered (all of them in a tiny corpus)."""
        mask = np.array([len(t.split()) >= self.min_words for t in texts])
        return mask if mask.sum() >= MIN_SEGMENTS else np.ones(len(texts), dtype=bool)

    # -- fit ---------------------------------------------------------------------------------
    def fit(self, table: TokenTable, embeddings: np.ndarray | None = None) -> "ThemeModel":
        from bertopic import BERTopic
        from bertopic.cluster import BaseCluster
        from bertopic.dimensionality import BaseDimensionalityReduction
        from bertopic.vectorizers import ClassTfidfTransformer
        from sklearn.feature_extraction.text import CountVectorizer

        segments = [st.segment for st in table.segments]
        if len(segments) < MIN_SEGMENTS:
            raise WorkbenchError(Errors.E362.format(n=len(segments), minimum=MIN_SEGMENTS))
        texts = [seg.text for seg in segments]
        if embeddings is None:
            embeddings, embedder, cache = self._embed(texts)
        else:
            embedder, cache = make_embedder(self.embedding, self.models_dir), None
        embeddings = unit_rows(embeddings)
        docs = keyword_documents(table)
        guided = list(self.guided or [])
        # Very short turns ("Yeah.", "Fair point.") carry no theme: they are left out of the clustering
        # and join the nearest theme afterwards, like other outliers.
        long_enough = self.long_enough(texts)
        # Procedural talk (thanks, welcomes, "good point") says how a meeting runs, not what it is about:
        # it is kept out of the clustering and shown as one clearly labelled theme.
        procedural = np.array(procedural_mask(texts) if self.procedural else [False] * len(texts), dtype=bool)
        fit_rows = np.flatnonzero(long_enough & ~procedural)
        # Guided themes take the segments similar enough to them; the clustering finds the others.
        raw = self._guided_labels(embedder, embeddings[fit_rows]) if guided else np.full(len(fit_rows), -1)
        labels = canonical_labels(raw)  # the guided themes that found segments come first
        guided_names = {int(labels[np.flatnonzero(raw == g)[0]]): guided[g].name
                        for g in range(len(guided)) if (raw == g).any()}
        free = labels < 0
        if free.sum() >= 2:
            wanted = max(1, self.n_themes - len(guided_names)) if self.n_themes else None
            labels[free] = canonical_labels(self.cluster_labels(embeddings[fit_rows][free], wanted),
                                            start=len(guided_names))
        n_found = len(set(labels.tolist()) - {-1})
        names = dict(guided_names)
        self.procedural_theme_ = None
        rows, row_labels = fit_rows, labels
        if procedural.any():
            self.procedural_theme_ = int(labels.max()) + 1 if (labels >= 0).any() else 0
            names[self.procedural_theme_] = PROCEDURAL_LABEL
            rows = np.concatenate([fit_rows, np.flatnonzero(procedural)])
            row_labels = np.concatenate([labels, np.full(int(procedural.sum()), self.procedural_theme_)])
        vectorizer = CountVectorizer(analyzer=_split, min_df=2 if len(fit_rows) >= 40 else 1)
        ctfidf = ClassTfidfTransformer(reduce_frequent_words=True)
        model = BERTopic(
            embedding_model=_Backend.create(embedder, cache), umap_model=BaseDimensionalityReduction(),
            hdbscan_model=BaseCluster(), vectorizer_model=vectorizer, ctfidf_model=ctfidf,
            top_n_words=self.top_n_words, calculate_probabilities=False, verbose=False)
        model.fit([docs[i] for i in rows], embeddings[rows], y=row_labels)
        topics = np.full(len(segments), -1)
        topics[rows] = row_labels
        topics = self._reduce_outliers(topics, embeddings)
        # BERTopic numbered the themes by size; its keywords are made again with our numbering (by first
        # segment, which one moved segment cannot change) and with the representation models.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logging.getLogger("BERTopic").setLevel(logging.ERROR)
            model.update_topics(docs, topics=topics.tolist(), vectorizer_model=vectorizer, ctfidf_model=ctfidf,
                                representation_model=self._representation(), top_n_words=self.top_n_words)
        self.bertopic_ = model
        self.embeddings_ = embeddings
        self.documents_ = docs
        self.guided_ids_ = set(guided_names)
        self._summarise(table, topics, names)
        # The fit before any curation, kept so that curation can always start again from it.
        self.base_topics_ = self.assignments_["theme_id"].to_numpy().copy()
        self.base_labels_ = dict(zip(self.themes_["theme_id"].tolist(), self.themes_["label"].tolist()))
        self.refits_ = self._refits(embeddings, fit_rows, n_found)
        self._score_stability()
        self.history_ = {"fit_segments": len(segments), "changed_since_fit": 0}
        return self

    def _set_kinds_from_table(self) -> None:
        """Which themes are guided and which is the procedural one, read back from ``themes_``."""
        kinds = self.themes_.fillna({"guided": False, "procedural": False})
        self.guided_ids_ = {int(t) for t in kinds.loc[kinds["guided"].astype(bool), "theme_id"]}
        procedural = kinds.loc[kinds["procedural"].astype(bool), "theme_id"]
        self.procedural_theme_ = int(procedural.iloc[0]) if len(procedural) else None

    def curate(self, table: TokenTable, ops: Sequence) -> list[str]:
        """Apply the user's curation steps (renames, merges, splits) to the fit, starting again from the
        uncurated themes; keywords, quotes and stability follow. Returns the steps that matched no
        current theme, with the reason."""
        from .theme_curation import apply_curation

        self.check_fitted("base_topics_")
        topics, labels, pending = self.base_topics_, {}, []
        if ops:
            base = self.assignments_[["seg_id"]].assign(theme_id=self.base_topics_)
            result = apply_curation(base, dict(self.base_labels_), ops, self.embeddings_, seed=self.seed)
            topics = result.assignments["theme_id"].to_numpy()
            labels = {k: v for k, v in result.labels.items() if self.base_labels_.get(k) != v}
            pending = [f"{op.op} {op.themes}: {why}" for op, why in result.pending]
        self.reassign(table, topics, labels)
        self._score_stability()
        return pending

    def _score_stability(self) -> None:
        """1 = found again with the same members in every refit on a subsample."""
        from .theme_stability import stability_with_subsamples

        if self.refits_:
            scores = stability_with_subsamples(self.assignments_["theme_id"].to_numpy(), self.refits_)
            # The procedural theme comes from a fixed rule, not the clustering: found again every time.
            self.themes_["stability"] = [1.0 if procedural else round(scores.get(int(t), 0.0), 3)
                                         for t, procedural in zip(self.themes_["theme_id"], self.themes_["procedural"])]

    def _set_assignments(self, segments: Sequence, topics: np.ndarray, centres: dict[int, np.ndarray]) -> None:
        """``assignments_``: each segment's theme and its similarity to the theme's centre."""
        probability = np.array([float(max(0.0, self.embeddings_[i] @ centres[t])) if t >= 0 else 0.0
                                for i, t in enumerate(topics.tolist())])
        self.assignments_ = pd.DataFrame({
            "seg_id": [s.seg_id for s in segments], "doc_id": [s.doc_id for s in segments],
            "start_char": [s.start_char for s in segments], "end_char": [s.end_char for s in segments],
            "speaker": [s.speaker for s in segments], "theme_id": topics.astype(int),
            "probability": probability.round(4), "text": [s.text for s in segments]}, columns=ASSIGNMENT_COLUMNS)

    def _quotes(self, t: int, members: np.ndarray, segments: Sequence, centre: np.ndarray, rows: list) -> Any:
        """Add theme ``t``'s representative quotes (nearest its centre, long ones first) to ``rows``; returns
        the most representative segment."""
        sims = self.embeddings_[members] @ centre
        long_enough = [len(segments[i].text.split()) >= 8 for i in members]
        # A wording said twice is quoted once, from its first place: copies would only compete on the
        # last bits of their similarity.
        first_of_text: dict[str, int] = {}
        for k, i in enumerate(members):
            first_of_text.setdefault(" ".join(segments[i].text.lower().split()), k)
        order = sorted(sorted(first_of_text.values()), key=lambda k: (not long_enough[k], -sims[k], members[k]))
        for rank, k in enumerate(order[:self.n_quotes], start=1):
            seg = segments[members[k]]
            rows.append((t, rank, seg.seg_id, seg.doc_id, seg.start_char, seg.end_char, seg.speaker,
                         round(float(sims[k]), 4), seg.text))
        return segments[members[order[0]]]

    def _summarise(self, table: TokenTable, topics: np.ndarray, guided_names: dict[int, str]) -> None:
        segments = [st.segment for st in table.segments]
        ids = sorted(t for t in set(topics.tolist()) if t >= 0)
        centres = {t: _normalise(self.embeddings_[topics == t].mean(axis=0, keepdims=True))[0] for t in ids}
        self._set_assignments(segments, topics, centres)
        theme_rows, quote_rows = [], []
        for t in ids:
            members = np.flatnonzero(topics == t)
            keywords = [w.replace("_", " ") for w, _ in (self.bertopic_.get_topic(t) or []) if w][:self.top_n_words]
            top = self._quotes(t, members, segments, centres[t], quote_rows)
            theme_rows.append({
                "theme_id": t, "label": guided_names.get(t) or make_label(keywords, nouns=self._nouns(table)),
                "keywords": "; ".join(keywords),
                "size": len(members), "doc_count": len({segments[i].doc_id for i in members}),
                "stability": float("nan"), "representative": top.text, "doc_id": top.doc_id, "seg_id": top.seg_id,
                "start_char": top.start_char, "end_char": top.end_char,
                "guided": t in self.guided_ids_, "procedural": t == self.procedural_theme_})
        self.themes_ = pd.DataFrame(theme_rows, columns=THEME_COLUMNS)
        self.quotes_ = pd.DataFrame(quote_rows, columns=QUOTE_COLUMNS)

    def _nouns(self, table: TokenTable) -> set[str]:
        """Words used mostly as nouns in this corpus (lemmas, lower case): labels are made of noun phrases."""
        if getattr(self, "_noun_table", None) is not table:
            uses: dict[str, list[int]] = {}
            for st in table.segments:
                for lemma, lower, pos in zip(st.lemma, st.lower, st.pos):
                    for word in {lemma, lower}:
                        counts = uses.setdefault(word, [0, 0])
                        counts[pos in ("NOUN", "PROPN")] += 1
            self._noun_words = {w for w, (other, noun) in uses.items() if noun > other}
            self._noun_table = table
        return self._noun_words

    def reassign(self, table: TokenTable, topics: Sequence[int], labels: dict[int, str]) -> "ThemeModel":
        """Use new assignments (after the user's merges and splits) and labels: keywords, sizes and
        quotes are recomputed; themes whose label the user set keep it."""
        from bertopic.vectorizers import ClassTfidfTransformer
        from sklearn.feature_extraction.text import CountVectorizer

        self.check_fitted("bertopic_")
        topics = np.asarray(topics, dtype=int)
        if (topics != np.asarray(self.bertopic_.topics_)).any():
            representation = self._representation()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                logging.getLogger("BERTopic").setLevel(logging.ERROR)
                self.bertopic_.update_topics(self.documents_, topics=topics.tolist(),
                                             vectorizer_model=CountVectorizer(analyzer=_split, min_df=1),
                                             ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
                                             representation_model=representation, top_n_words=self.top_n_words)
        fixed = self.themes_["guided"].fillna(False).astype(bool) | self.themes_["procedural"].fillna(False).astype(bool)
        guided = dict(zip(self.themes_["theme_id"], self.themes_["label"].where(fixed)))
        names = {int(k): v for k, v in guided.items() if isinstance(v, str)}
        names.update({int(k): v for k, v in labels.items()})
        self._summarise(table, topics, names)
        return self

    # -- new segments, same themes ----------------------------------------------------------
    @staticmethod
    def changed_segments(segments: Sequence, text_hashes: dict[str, str]) -> tuple[int, int]:
        """(new or changed, removed) segments of ``segments`` against a saved model's ``text_hashes``."""
        from ..cache import digest

        seen = {s.seg_id for s in segments if text_hashes.get(s.seg_id) == digest(s.text, 24)}
        return len(segments) - len(seen), len(set(text_hashes) - seen)

    def centres(self) -> dict[int, np.ndarray]:
        """Each theme's centre (unit mean of its segments' embeddings), as ``_summarise`` computes it."""
        topics = self.assignments_["theme_id"].to_numpy()
        return {t: _normalise(self.embeddings_[topics == t].mean(axis=0, keepdims=True))[0]
                for t in sorted(set(topics.tolist())) if t >= 0}

    def transform_corpus(self, segments: Sequence, text_hashes: dict[str, str]) -> dict[str, Any]:
        """Assign the ``segments`` (a corpus's, in order) that this model has not seen (new or changed) to the saved themes,
        drop the segments that are gone, and keep everything else as saved: labels, keywords and stability
        stay; sizes, document counts, representatives and quotes are counted again. ``text_hashes``: the
        saved segments' text hashes by seg_id (a changed text is a new segment). Returns what changed.

        A new segment takes the theme of the nearest centre when it is at least ``min_similarity`` similar
        (else it stays unassigned); procedural talk goes to the procedural theme, as in ``fit``."""
        from ..cache import digest

        segments = list(segments)
        saved = {sid: i for i, sid in enumerate(self.assignments_["seg_id"].tolist())}
        centres = self.centres()
        kept = [saved.get(s.seg_id) if text_hashes.get(s.seg_id) == digest(s.text, 24) else None for s in segments]
        new_rows = [i for i, k in enumerate(kept) if k is None]
        dim = self.embeddings_.shape[1] if self.embeddings_.size else 0
        embeddings = np.zeros((len(segments), dim), dtype=self.embeddings_.dtype)
        old_topics = self.assignments_["theme_id"].to_numpy()
        topics = np.full(len(segments), -1)
        for i, k in enumerate(kept):
            if k is not None:
                embeddings[i], topics[i] = self.embeddings_[k], old_topics[k]
        if new_rows:
            vectors, _, _ = self._embed([segments[i].text for i in new_rows])
            vectors = unit_rows(vectors).astype(embeddings.dtype)
            ids = [t for t in centres if t != self.procedural_theme_]
            matrix = np.stack([centres[t] for t in ids]) if ids else np.zeros((0, dim))
            procedural = procedural_mask([segments[i].text for i in new_rows]) if self.procedural else []
            for j, i in enumerate(new_rows):
                embeddings[i] = vectors[j]
                if len(procedural) and procedural[j] and self.procedural_theme_ is not None:
                    topics[i] = self.procedural_theme_
                elif len(ids):
                    sims = matrix @ vectors[j]
                    if float(sims.max()) >= self.min_similarity:
                        topics[i] = ids[int(sims.argmax())]
        removed = len(saved) - sum(k is not None for k in kept)
        saved_themes = self.themes_.set_index("theme_id")
        self.embeddings_ = embeddings
        self._summarise_fixed(segments, topics, centres, saved_themes)
        history = dict(getattr(self, "history_", None) or {})
        history["changed_since_fit"] = int(history.get("changed_since_fit", 0)) + len(new_rows) + removed
        self.history_ = history
        self.transformed_ = {"new_segments": len(new_rows), "removed_segments": removed,
                             "kept_segments": len(segments) - len(new_rows)}
        return self.transformed_

    def _summarise_fixed(self, segments: Sequence, topics: np.ndarray, centres: dict[int, np.ndarray],
                         saved_themes: pd.DataFrame) -> None:
        """``assignments_``, ``themes_`` and ``quotes_`` for ``topics`` with the themes' saved centres, labels,
        keywords and stability (a theme left without segments is dropped)."""
        self._set_assignments(segments, topics, centres)
        theme_rows, quote_rows = [], []
        for t in sorted(set(topics.tolist()) - {-1}):
            members = np.flatnonzero(topics == t)
            top, old = self._quotes(t, members, segments, centres[t], quote_rows), saved_themes.loc[t]
            theme_rows.append({
                "theme_id": t, "label": old["label"], "keywords": old["keywords"], "size": len(members),
                "doc_count": len({segments[i].doc_id for i in members}), "stability": old["stability"],
                "representative": top.text, "doc_id": top.doc_id, "seg_id": top.seg_id,
                "start_char": top.start_char, "end_char": top.end_char,
                "guided": old["guided"], "procedural": old["procedural"]})
        self.themes_ = pd.DataFrame(theme_rows, columns=THEME_COLUMNS)
        self.quotes_ = pd.DataFrame(quote_rows, columns=QUOTE_COLUMNS)

    # -- results -----------------------------------------------------------------------------
    @property
    def outlier_share_(self) -> float:
        self.check_fitted("assignments_")
        return float((self.assignments_["theme_id"] < 0).mean())

    def distribution(self, segment_meta: pd.DataFrame, by: str = "doc_id") -> pd.DataFrame:
        """Counts of segments per theme (rows) and group (columns), unassigned left out."""
        self.check_fitted("assignments_")
        frame = self.assignments_[["seg_id", "theme_id"]].merge(segment_meta[["seg_id", by]], on="seg_id")
        frame = frame[frame["theme_id"] >= 0]
        return pd.crosstab(frame["theme_id"], frame[by].fillna("(none)"))

    def map_2d(self, seed: int | None = None) -> pd.DataFrame:
        """A 2-D map of segments (UMAP of the embeddings, seeded)."""
        from umap import UMAP

        warnings.filterwarnings("ignore", message=".*n_jobs value.*", category=UserWarning)
        self.check_fitted("embeddings_")
        n = len(self.embeddings_)
        xy = UMAP(n_neighbors=int(min(15, max(5, n // 30))), n_components=2, min_dist=0.1, metric="cosine",
                  random_state=self.seed if seed is None else seed, n_jobs=1).fit_transform(self.embeddings_)
        return pd.DataFrame({"seg_id": self.assignments_["seg_id"], "x": xy[:, 0].round(4),
                             "y": xy[:, 1].round(4), "theme_id": self.assignments_["theme_id"]})

    def hierarchy(self) -> pd.DataFrame:
        """How themes merge into broader ones (BERTopic's hierarchical topics)."""
        import contextlib
        import io

        self.check_fitted("bertopic_")
        columns = ["Parent_ID", "Parent_Name", "Topics", "Child_Left_ID", "Child_Left_Name", "Child_Right_ID",
                   "Child_Right_Name", "Distance"]
        if len(self.themes_) < 3:
            return pd.DataFrame(columns=columns)
        with contextlib.redirect_stderr(io.StringIO()):  # no progress bar in reports and notebooks
            tree = self.bertopic_.hierarchical_topics(self.documents_)
        labels = dict(zip(self.themes_["theme_id"].astype(str), self.themes_["label"]))
        for side in ("Child_Left", "Child_Right"):
            tree[f"{side}_Name"] = [labels.get(str(i), n.replace("_", " ")) for i, n in
                                    zip(tree[f"{side}_ID"], tree[f"{side}_Name"])]
        tree["Parent_Name"] = tree["Parent_Name"].str.replace("_", " ")
        return tree[columns]

    # -- persistence -------------------------------------------------------------------------
    def save(self, folder: str | Path, fingerprint: dict[str, Any] | None = None) -> Path:
        """Save under ``folder``: the BERTopic model (safetensors, no pickle), assignments, themes,
        quotes and the parameters, as JSON."""
        from ..manifest import write_json_atomic

        self.check_fitted("themes_")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if getattr(self, "bertopic_", None) is not None:
            self.bertopic_.save(str(folder / "bertopic"), serialization="safetensors", save_ctfidf=True,
                                save_embedding_model=False)
        elif not (folder / "bertopic").exists():  # a loaded (and extended) model is saved where it was loaded
            raise WorkbenchError(Errors.E364.format(path=folder))
        params = {k: (v if not isinstance(v, (list, tuple)) or not v or not isinstance(v[0], GuidedTheme)
                      else [asdict(g) for g in v]) for k, v in self.get_params().items()}
        params = {k: (str(v) if isinstance(v, Path) else v) for k, v in params.items()}
        write_json_atomic(folder / "model.json", {"params": params, "fingerprint": fingerprint or {},
                                                  "history": getattr(self, "history_", {})})
        from ..cache import digest

        write_json_atomic(folder / "segment_hashes.json",
                          {sid: digest(text, 24) for sid, text in zip(self.assignments_["seg_id"], self.assignments_["text"])
                           if isinstance(text, str)})
        write_json_atomic(folder / "themes.json", _records(self.themes_))
        write_json_atomic(folder / "assignments.json", _records(self.assignments_.drop(columns="text")))
        write_json_atomic(folder / "quotes.json", _records(self.quotes_))
        np.save(folder / "embeddings.npy", self.embeddings_, allow_pickle=False)
        return folder

    @classmethod
    def load(cls, folder: str | Path, corpus=None) -> "ThemeModel":
        """Load a saved model: the same themes and assignments as when it was saved."""
        folder = Path(folder)
        if not (folder / "model.json").exists():
            raise WorkbenchError(Errors.E364.format(path=folder))
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        params = dict(meta["params"])
        if params.get("guided"):
            params["guided"] = [GuidedTheme(**g) for g in params["guided"]]
        model = cls(**params)
        model.fingerprint_ = meta.get("fingerprint", {})
        model.history_ = meta.get("history", {})
        model.themes_ = pd.DataFrame(json.loads((folder / "themes.json").read_text(encoding="utf-8")),
                                     columns=THEME_COLUMNS)
        assignments = pd.DataFrame(json.loads((folder / "assignments.json").read_text(encoding="utf-8")))
        texts = [corpus.segment(s).text for s in assignments["seg_id"]] if corpus is not None else [None] * len(assignments)
        assignments["text"] = texts
        model.assignments_ = assignments[ASSIGNMENT_COLUMNS]
        model.quotes_ = pd.DataFrame(json.loads((folder / "quotes.json").read_text(encoding="utf-8")),
                                     columns=QUOTE_COLUMNS)
        model.embeddings_ = np.load(folder / "embeddings.npy", allow_pickle=False)
        model._set_kinds_from_table()
        model.folder_ = folder
        model.from_cache_ = True  # no BERTopic object: curation and the hierarchy need a fit again
        return model

    def load_bertopic(self):
        """The saved BERTopic model, for transforming new text (loads the embedder offline)."""
        from bertopic import BERTopic

        embedder = make_embedder(self.embedding, self.models_dir)
        self.bertopic_ = BERTopic.load(str(self.folder_ / "bertopic"), embedding_model=_Backend.create(embedder, None))
        return self.bertopic_


def make_label(keywords: list[str], n: int = 3, nouns: set[str] | None = None) -> str:
    """A short label from the top key phrases: noun phrases only when ``nouns`` is given (a phrase whose
    last word is a noun: "benefit advice", "payment", not "decide" or "anxious"), two-word phrases first, no
    word repeated. Compounds stay whole ("co-production")."""
    if nouns is not None:
        noun_phrases = [k for k in keywords if k.split()[-1] in nouns]
        keywords = noun_phrases or keywords
    chosen: list[str] = []
    used: set[str] = set()
    for phrase in sorted(keywords[:8], key=lambda k: (" " not in k, keywords.index(k))):
        words = set(phrase.split())
        if words & used:
            continue
        chosen.append(phrase)
        used |= words
        if len(chosen) == n:
            break
    return " · ".join(chosen) if chosen else "(no keywords)"


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.to_json(orient="records", force_ascii=False))
