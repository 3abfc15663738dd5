"""Readers and embedders come from registries (``workbench.registry``), so another package (or a notebook)
adds a file format or an embedding model without editing the workbench."""
from __future__ import annotations

import catalogue
import numpy as np
import pytest

from workbench import registry
from workbench.corpus import load_corpus
from workbench.corpus.readers import BUILT_IN, available_readers
from workbench.corpus.readers.base import ReadResult, TextBuilder
from workbench.embed import MINILM, STATIC, Embedder, make_embedder
from workbench.errors import WorkbenchError


def read_upper(data: bytes, path: str) -> ReadResult:
    """A reader of a made-up format: one paragraph per line, in capitals."""
    builder = TextBuilder()
    for line in data.decode("utf-8").splitlines():
        builder.add(line.upper(), "paragraph")
    return ReadResult(builder.text, builder.layout(title=False), "upper", kind="notes", title="Shouted")


class CountingEmbedder(Embedder):
    model_id = "counting"

    def encode(self, texts):
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


@pytest.fixture
def added():
    names: list[tuple[str, str]] = []

    def add(kind: str, name: str, thing) -> None:
        getattr(registry, kind).register(name, func=thing)
        names.append((kind, name))

    yield add
    for kind, name in names:
        catalogue.REGISTRY.pop(("workbench", kind, name), None)


def test_built_in_readers_and_embedders_are_registered():
    assert set(BUILT_IN) <= set(available_readers()) and ".txt" in available_readers()
    assert {MINILM, STATIC} <= set(registry.embedders.get_all())


def test_a_registered_reader_reads_its_format_in_a_corpus(added, tmp_path):
    (tmp_path / "a.upper").write_text("we were asked too late\nthe decision was made\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Plain words.", encoding="utf-8")
    before = load_corpus(tmp_path)
    assert [p.code for p in before.problems] == ["E003"] and "Supported types: .csv," in before.problems[0].reason

    added("readers", ".upper", read_upper)
    corpus = load_corpus(tmp_path)
    assert corpus.problems == [] and [d.doc_id for d in corpus.documents] == ["a.upper", "b.txt"]
    doc = corpus.document("a.upper")
    assert (doc.kind, doc.title, doc.source_format) == ("notes", "Shouted", "upper")
    assert [s.text for s in corpus.segments_of("a.upper")] == ["WE WERE ASKED TOO LATE", "THE DECISION WAS MADE"]
    for seg in corpus.segments:
        assert corpus.document(seg.doc_id).text[seg.start_char:seg.end_char] == seg.text


def test_a_registered_embedder_is_found_by_name(added, tmp_path):
    added("embedders", "counting", lambda models_dir: CountingEmbedder())
    embedder = make_embedder("counting", tmp_path)
    assert embedder.model_id == "counting" and embedder.encode(["abc"]).tolist() == [[3.0, 1.0]]
    with pytest.raises(WorkbenchError, match=r"^\[E361\]"):
        make_embedder("no-such-model", tmp_path)
