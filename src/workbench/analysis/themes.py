"""Themes with BERTopic that hold up on workshop-sized corpora.

A small wrapper: the parts (embeddings, UMAP, clustering, vectoriser, representation) are built
here and passed to BERTopic, with settings scaled to the number of segments:

- tens to a few hundred segments: UMAP + HDBSCAN with small clusters, or k-means when the corpus is
  very small or the user asks for a number of themes;
- outliers are then assigned to their nearest theme when similar enough, so that at most
  ``max_outlier_share`` of segments stay unassigned;
- keywords come from spaCy lemmas (stop words, transcript fillers and speaker names removed, two-word
  phrases kept), re-ranked KeyBERT-style and diversified with MMR; a label is the top key phrases.

Seeds are parameters: the same corpus, config and seed give the same themes, in one process or two.
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
from .tokens import TokenTable

ASSIGNMENT_COLUMNS = ["seg_id", "doc_id", "start_char", "end_char", "speaker", "theme_id", "probability", "text"]
THEME_COLUMNS = ["theme_id", "label", "keywords", "size", "doc_count", "stability", "representative",
                 "doc_id", "seg_id", "start_char", "end_char", "guided"]
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
            keep = (not punct and not is_stop and pos in KEYWORD_POS and lemma.isalpha() and len(lemma) > 2
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


# UMAP finds exact neighbours itself below 4096 points and approximate ones (NN-descent) above; there we
# compute them exactly instead: on 2 cores NN-descent's JIT compilation alone takes a minute or more.
EXACT_KNN_FROM = 4096


def cosine_knn(vectors: np.ndarray, k: int, chunk: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``k`` nearest neighbours by cosine distance: (indices, distances), each row starting with
    the point itself at distance 0; ties go to the lower index. Computed in chunks of rows."""
    x = _normalise(np.asarray(vectors, dtype=np.float32))
    n = len(x)
    k = min(k, n)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    for lo in range(0, n, chunk):
        sims = x[lo:lo + chunk] @ x.T
        rows = np.arange(len(sims))
        sims[rows, lo + rows] = np.inf  # the point itself comes first
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        part_sims = np.take_along_axis(sims, part, axis=1)
        order = np.lexsort((part, -part_sims), axis=1)
        indices[lo:lo + chunk] = np.take_along_axis(part, order, axis=1)
        best = np.take_along_axis(part_sims, order, axis=1)
        best[:, 0] = 1.0
        distances[lo:lo + chunk] = np.clip(1.0 - best, 0.0, 2.0)
    return indices, distances


def auto_settings(n: int) -> dict[str, Any]:
    """Clustering settings scaled to the number of segments."""
    return {
        "n_neighbors": int(min(15, max(5, n // 30))),
        "min_cluster_size": int(min(50, max(6, n // 25))),
        "min_samples": int(max(2, min(10, n // 100))),
        "kmeans_k": int(min(10, max(2, round(math.sqrt(n) / 2)))),
    }


class ThemeModel(Analysis):
    """Fit themes on annotated segments.

    Results: ``themes_`` (one row per theme), ``assignments_`` (one row per segment, theme -1 =
    unassigned), ``quotes_`` (representative quotes per theme with offsets), ``embeddings_``.
    """

    def __init__(self, embedding: str = "minilm", n_themes: int | None = None, seed: int = 42,
                 max_outlier_share: float = 0.15, min_similarity: float = 0.25, top_n_words: int = 10,
                 guided: Sequence[GuidedTheme] | None = None, guided_min_similarity: float = 0.5,
                 small_corpus: int = 150, n_quotes: int = 3, min_words: int = 6, stability_runs: int = 0,
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
        self.small_corpus = small_corpus
        self.n_quotes = n_quotes
        self.min_words = min_words
        self.stability_runs = stability_runs
        self.cache_dir = cache_dir
        self.models_dir = models_dir

    # -- parts -------------------------------------------------------------------------------
    def _embed(self, texts: list[str]) -> tuple[np.ndarray, Embedder, EmbeddingCache | None]:
        embedder = make_embedder(self.embedding, self.models_dir)
        cache = EmbeddingCache(self.cache_dir) if self.cache_dir else None
        vectors = cache.embed(embedder, texts) if cache else embedder.encode(texts)
        return vectors, embedder, cache

    def _clusterer(self, n: int, seed: int):
        settings = auto_settings(n)
        if self.n_themes or n < self.small_corpus:
            from sklearn.cluster import KMeans

            return KMeans(n_clusters=self.n_themes or settings["kmeans_k"], random_state=seed, n_init=10)
        from hdbscan import HDBSCAN

        return HDBSCAN(min_cluster_size=settings["min_cluster_size"], min_samples=settings["min_samples"],
                       metric="euclidean", cluster_selection_method="eom", prediction_data=True)

    def _representation(self) -> list:
        """Keywords re-ranked by similarity to the theme (KeyBERT-style), then diversified (MMR)."""
        from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

        return [KeyBERTInspired(top_n_words=self.top_n_words, nr_repr_docs=5, nr_candidate_words=40,
                                random_state=self.seed),
                MaximalMarginalRelevance(diversity=0.3, top_n_words=self.top_n_words)]

    def _reducer(self, n: int, seed: int, vectors: np.ndarray | None = None):
        """UMAP to 5 dimensions. From ``EXACT_KNN_FROM`` segments on, the neighbours of ``vectors`` are
        computed exactly here and given to UMAP (kept for the stability refits, which use the same rows)."""
        from umap import UMAP

        warnings.filterwarnings("ignore", message=".*n_jobs value.*", category=UserWarning)
        k = auto_settings(n)["n_neighbors"]
        knn = (None, None, None)
        if vectors is not None and n >= EXACT_KNN_FROM:
            key = (n, k, hash(vectors[:: max(1, n // 64)].tobytes()))
            if getattr(self, "_knn", (None,))[0] != key:
                self._knn = (key, cosine_knn(vectors, k))
            knn = self._knn[1]
        return UMAP(n_neighbors=k, n_components=5, min_dist=0.0, metric="cosine",
                    random_state=seed, low_memory=False, n_jobs=1, precomputed_knn=knn)

    def cluster_labels(self, embeddings: np.ndarray, seed: int, long_enough: np.ndarray | None = None) -> np.ndarray:
        """Only the clustering (no keywords): used for stability refits over seeds."""
        fit_rows = np.flatnonzero(long_enough) if long_enough is not None else np.arange(len(embeddings))
        n = len(fit_rows)
        reduced = self._reducer(n, seed, embeddings[fit_rows]).fit_transform(embeddings[fit_rows])
        labels = np.full(len(embeddings), -1)
        labels[fit_rows] = np.asarray(self._clusterer(n, seed).fit(reduced).labels_)
        return self._reduce_outliers(labels, embeddings)

    def _reduce_outliers(self, labels: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        """Give unassigned segments their nearest theme when similar enough, then as many more as
        needed (most similar first) so at most ``max_outlier_share`` stay unassigned."""
        labels = labels.copy()
        themes = sorted(t for t in set(labels.tolist()) if t >= 0)
        outliers = np.flatnonzero(labels < 0)
        if not themes or not len(outliers):
            return labels
        centroids = _normalise(np.stack([embeddings[labels == t].mean(axis=0) for t in themes]))
        sims = embeddings[outliers] @ centroids.T
        best, best_sim = sims.argmax(axis=1), sims.max(axis=1)
        allowed = int(math.floor(self.max_outlier_share * len(labels)))
        order = np.argsort(-best_sim, kind="stable")
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
        # Rounded so that the last bits of floating point (which may differ between CPUs) cannot move a
        # segment from one theme to another.
        embeddings = _normalise(np.round(np.asarray(embeddings, dtype=np.float32), 4)).astype(np.float32)
        docs = keyword_documents(table)
        guided = list(self.guided or [])
        # Very short turns ("Yeah.", "Fair point.") carry no theme: they are left out of the fit and
        # join the nearest theme afterwards, like other outliers.
        long_enough = self.long_enough(texts)
        fit_rows = np.flatnonzero(long_enough)
        n = len(fit_rows)
        vectorizer = CountVectorizer(analyzer=_split, min_df=2 if n >= 40 else 1)
        representation = self._representation()
        model = BERTopic(
            embedding_model=_Backend.create(embedder, cache), umap_model=self._reducer(n, self.seed, embeddings[fit_rows]),
            hdbscan_model=self._clusterer(n, self.seed), vectorizer_model=vectorizer,
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True), representation_model=representation,
            top_n_words=self.top_n_words, zeroshot_topic_list=[g.prompt for g in guided] or None,
            zeroshot_min_similarity=self.guided_min_similarity, calculate_probabilities=False, verbose=False)
        fitted = np.asarray(model.fit_transform([docs[i] for i in fit_rows], embeddings[fit_rows])[0])
        topics = np.full(len(segments), -1)
        topics[fit_rows] = fitted
        reduced = self._reduce_outliers(topics, embeddings)
        if (reduced != topics).any() or len(fit_rows) < len(segments):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                logging.getLogger("BERTopic").setLevel(logging.ERROR)
                model.update_topics(docs, topics=reduced.tolist(), vectorizer_model=vectorizer,
                                    representation_model=representation, top_n_words=self.top_n_words)
            topics = reduced
        guided_names = {}
        if guided:
            mapping = getattr(model, "_topic_id_to_zeroshot_topic_idx", {}) or {}
            guided_names = {int(t): guided[i].name for t, i in mapping.items()}
        self.bertopic_ = model
        self.embeddings_ = embeddings
        self.documents_ = docs
        self._summarise(table, topics, guided_names)
        # The fit before any curation, kept so that curation can always start again from it.
        self.base_topics_ = self.assignments_["theme_id"].to_numpy().copy()
        self.base_labels_ = dict(zip(self.themes_["theme_id"].tolist(), self.themes_["label"].tolist()))
        self.refits_ = [self.cluster_labels(embeddings, self.seed + k, long_enough)
                        for k in range(1, self.stability_runs + 1)]
        self._score_stability()
        return self

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
        """1 = found again with the same members in every refit with another seed."""
        from .theme_stability import stability_scores

        if self.refits_:
            scores = stability_scores(self.assignments_["theme_id"].to_numpy(), self.refits_)
            self.themes_["stability"] = [round(scores.get(int(t), 0.0), 3) for t in self.themes_["theme_id"]]

    def _summarise(self, table: TokenTable, topics: np.ndarray, guided_names: dict[int, str]) -> None:
        segments = [st.segment for st in table.segments]
        ids = sorted(t for t in set(topics.tolist()) if t >= 0)
        centroids = {t: _normalise(self.embeddings_[topics == t].mean(axis=0, keepdims=True))[0] for t in ids}
        probability = np.array([float(max(0.0, self.embeddings_[i] @ centroids[t])) if t >= 0 else 0.0
                                for i, t in enumerate(topics.tolist())])
        self.assignments_ = pd.DataFrame({
            "seg_id": [s.seg_id for s in segments], "doc_id": [s.doc_id for s in segments],
            "start_char": [s.start_char for s in segments], "end_char": [s.end_char for s in segments],
            "speaker": [s.speaker for s in segments], "theme_id": topics.astype(int),
            "probability": probability.round(4), "text": [s.text for s in segments]}, columns=ASSIGNMENT_COLUMNS)
        theme_rows, quote_rows = [], []
        for t in ids:
            members = np.flatnonzero(topics == t)
            keywords = [w.replace("_", " ") for w, _ in (self.bertopic_.get_topic(t) or []) if w][:self.top_n_words]
            sims = self.embeddings_[members] @ centroids[t]
            long_enough = [len(segments[i].text.split()) >= 8 for i in members]
            order = sorted(range(len(members)), key=lambda k: (not long_enough[k], -sims[k], members[k]))
            for rank, k in enumerate(order[:self.n_quotes], start=1):
                seg = segments[members[k]]
                quote_rows.append((t, rank, seg.seg_id, seg.doc_id, seg.start_char, seg.end_char, seg.speaker,
                                   round(float(sims[k]), 4), seg.text))
            top = segments[members[order[0]]]
            theme_rows.append({
                "theme_id": t, "label": guided_names.get(t) or make_label(keywords), "keywords": "; ".join(keywords),
                "size": len(members), "doc_count": len({segments[i].doc_id for i in members}),
                "stability": float("nan"), "representative": top.text, "doc_id": top.doc_id, "seg_id": top.seg_id,
                "start_char": top.start_char, "end_char": top.end_char, "guided": t in guided_names})
        self.themes_ = pd.DataFrame(theme_rows, columns=THEME_COLUMNS)
        self.quotes_ = pd.DataFrame(quote_rows, columns=QUOTE_COLUMNS)

    def reassign(self, table: TokenTable, topics: Sequence[int], labels: dict[int, str]) -> "ThemeModel":
        """Use new assignments (after the user's merges and splits) and labels: keywords, sizes and
        quotes are recomputed; themes whose label the user set keep it."""
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
                                             representation_model=representation, top_n_words=self.top_n_words)
        guided = dict(zip(self.themes_["theme_id"], self.themes_["label"].where(self.themes_["guided"])))
        names = {int(k): v for k, v in guided.items() if isinstance(v, str)}
        names.update({int(k): v for k, v in labels.items()})
        self._summarise(table, topics, names)
        return self

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
        xy = UMAP(n_neighbors=auto_settings(n)["n_neighbors"], n_components=2, min_dist=0.1, metric="cosine",
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
        self.bertopic_.save(str(folder / "bertopic"), serialization="safetensors", save_ctfidf=True,
                            save_embedding_model=False)
        params = {k: (v if not isinstance(v, (list, tuple)) or not v or not isinstance(v[0], GuidedTheme)
                      else [asdict(g) for g in v]) for k, v in self.get_params().items()}
        params = {k: (str(v) if isinstance(v, Path) else v) for k, v in params.items()}
        write_json_atomic(folder / "model.json", {"params": params, "fingerprint": fingerprint or {}})
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
        model.themes_ = pd.DataFrame(json.loads((folder / "themes.json").read_text(encoding="utf-8")),
                                     columns=THEME_COLUMNS)
        assignments = pd.DataFrame(json.loads((folder / "assignments.json").read_text(encoding="utf-8")))
        texts = [corpus.segment(s).text for s in assignments["seg_id"]] if corpus is not None else None
        assignments["text"] = texts
        model.assignments_ = assignments[ASSIGNMENT_COLUMNS]
        model.quotes_ = pd.DataFrame(json.loads((folder / "quotes.json").read_text(encoding="utf-8")),
                                     columns=QUOTE_COLUMNS)
        model.embeddings_ = np.load(folder / "embeddings.npy", allow_pickle=False)
        model.folder_ = folder
        model.from_cache_ = True  # no BERTopic object: curation and the hierarchy need a fit again
        return model

    def load_bertopic(self):
        """The saved BERTopic model, for transforming new text (loads the embedder offline)."""
        from bertopic import BERTopic

        embedder = make_embedder(self.embedding, self.models_dir)
        self.bertopic_ = BERTopic.load(str(self.folder_ / "bertopic"), embedding_model=_Backend.create(embedder, None))
        return self.bertopic_


def make_label(keywords: list[str], n: int = 3) -> str:
    """A short label from the top key phrases: two-word phrases first, no word repeated."""
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
