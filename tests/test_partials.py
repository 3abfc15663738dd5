"""Per-document parts: computed once per document, keyed by everything about it, read back the same."""
from __future__ import annotations

from workbench.corpus.model import Block, Corpus, Document, Segment
from workbench.partials import DocumentParts, document_key


def make_corpus(texts: dict[str, str], author: str | None = None) -> Corpus:
    docs, segs = [], []
    for doc_id, text in texts.items():
        attributes = {"author": author} if author else {}
        docs.append(Document(doc_id, text, "blog", "txt", attributes=attributes,
                             blocks=[Block(0, len(text), "paragraph")]))
        segs.append(Segment(f"{doc_id}#0000", doc_id, 0, len(text), text))
    return Corpus("root", docs, segs)


def lengths(calls: list):
    def compute(doc_ids: list[str]) -> dict:
        calls.append(list(doc_ids))
        return {d: {"words": len(corpus_text[d].split()), "pair": (1, 2)} for d in doc_ids}
    return compute


corpus_text = {"a": "one two three", "b": "four five", "c": "six"}


def test_parts_are_computed_once_and_read_back_in_corpus_order(tmp_path):
    corpus = make_corpus(corpus_text)
    calls: list = []
    parts = DocumentParts(tmp_path, "words", {"x": 1})
    first = parts.collect(corpus, lengths(calls))
    assert [d for d, _ in first] == ["a", "b", "c"]
    assert first[0][1] == {"words": 3, "pair": [1, 2]}  # what the cache gives back, even when just computed
    assert parts.stats.as_dict() == {"computed": 3, "reused": 0}
    again = DocumentParts(tmp_path, "words", {"x": 1}).collect(corpus, lengths(calls))
    assert again == first and calls == [["a", "b", "c"]]


def test_a_changed_or_added_document_alone_is_computed(tmp_path):
    calls: list = []
    DocumentParts(tmp_path, "words", None).collect(make_corpus(corpus_text), lengths(calls))
    changed = dict(corpus_text, b="four five and more", d="seven eight")
    corpus_text.update(changed)
    try:
        parts = DocumentParts(tmp_path, "words", None)
        result = parts.collect(make_corpus(changed), lengths(calls))
        assert calls[-1] == ["b", "d"] and parts.stats.reused == 2
        assert dict(result)["b"]["words"] == 4
    finally:
        corpus_text.update({"b": "four five"})
        corpus_text.pop("d")


def test_other_settings_or_metadata_are_other_parts(tmp_path):
    calls: list = []
    DocumentParts(tmp_path, "words", {"x": 1}).collect(make_corpus(corpus_text), lengths(calls))
    DocumentParts(tmp_path, "words", {"x": 2}).collect(make_corpus(corpus_text), lengths(calls))
    assert len(calls) == 2
    assert document_key(make_corpus(corpus_text), "a") != document_key(make_corpus(corpus_text, author="Kim"), "a")


def test_a_damaged_entry_is_computed_again(tmp_path):
    corpus = make_corpus(corpus_text)
    calls: list = []
    parts = DocumentParts(tmp_path, "words", None)
    parts.collect(corpus, lengths(calls))
    parts.entries.path(document_key(corpus, "c"), ".msgpack").write_bytes(b"\x00garbage")
    DocumentParts(tmp_path, "words", None).collect(corpus, lengths(calls))
    assert calls[-1] == ["c"]


def test_a_document_compute_gives_no_part_for_is_left_out_and_not_kept(tmp_path):
    corpus = make_corpus(corpus_text)
    parts = DocumentParts(tmp_path, "words", None)
    result = parts.collect(corpus, lambda ids: {d: 1 for d in ids if d != "b"})
    assert [d for d, _ in result] == ["a", "c"]
    calls: list = []
    DocumentParts(tmp_path, "words", None).collect(corpus, lengths(calls))
    assert calls == [["b"]]


def test_without_reuse_every_part_is_computed_again_and_kept(tmp_path):
    corpus = make_corpus(corpus_text)
    calls: list = []
    DocumentParts(tmp_path, "words", None).collect(corpus, lengths(calls))
    DocumentParts(tmp_path, "words", None).collect(corpus, lengths(calls), reuse=False)
    assert calls == [["a", "b", "c"], ["a", "b", "c"]]
