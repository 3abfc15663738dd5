"""Long units: no segment over ``max_unit_chars`` reaches spaCy (cut at sentences, then at white space,
with exact offsets); a document too long to analyse is a numbered load problem; a document spaCy cannot
annotate becomes a load problem and the others are analysed."""
from __future__ import annotations

import random

import pytest

from workbench.annotate import Annotator
from workbench.corpus import Document, load_corpus, segment_document
from workbench.corpus.accounting import account, check_tiling
from workbench.corpus.loader import DEFAULT_MAX_DOCUMENT_WORDS
from workbench.corpus.segment import MAX_UNIT_CHARS, cut_long

GOOD = {"a.txt": "Rose: We met on Tuesday.\nDev: It went well.\nRose: Good.\n",
        "b.md": "# Notes\n\nPeople wanted to be paid for their time. Nobody disagreed.\n"}


def one_paragraph(megabytes: float, seed: int = 7, newlines: bool = True) -> str:
    """Lines of words without sentence punctuation or blank lines: one unbroken paragraph (without
    ``newlines``: one line)."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(400)] + ["and", "the", "people", "care", "meeting"]
    lines, size = [], 0
    while size < megabytes * 1024 * 1024:
        line = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(8, 14)))
        lines.append(line)
        size += len(line) + 1
    return ("\n" if newlines else " ").join(lines) + "\n"


def test_cut_long_cuts_at_sentences_first_then_at_white_space():
    text = "One short sentence here. " * 10 + "x" * 30 + " " + "word " * 40
    pieces = cut_long(text, [(0, len(text.rstrip()))], 100)
    assert all(e - s <= 100 for s, e in pieces)
    assert [text[s:e] for s, e in pieces][0] == "One short sentence here. One short sentence here. One short sentence here. " \
                                               "One short sentence here."
    assert "".join(text[s:e] for s, e in pieces).replace(" ", "") == text.replace(" ", "")


def test_a_stretch_without_any_space_is_cut_anyway():
    text = "y" * 2500
    assert cut_long(text, [(0, 2500)], 1000) == [(0, 1000), (1000, 2000), (2000, 2500)]


def test_two_megabytes_on_one_line_become_pieces_within_the_limit(tmp_path):
    text = one_paragraph(2, newlines=False)
    (tmp_path / "one.txt").write_text(text, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    doc = corpus.document("one.txt")
    segs = corpus.segments_of("one.txt")
    assert len([b for b in doc.blocks if b.kind == "paragraph"]) == 1
    assert len(segs) > 2 * 1024 * 1024 / MAX_UNIT_CHARS and max(len(s.text) for s in segs) <= MAX_UNIT_CHARS
    assert all(doc.text[s.start_char:s.end_char] == s.text for s in segs)
    check_tiling(doc, segs, [e for e in corpus.exclusions if e.doc_id == "one.txt"])
    assert corpus.coverage["one.txt"].coverage == 1.0
    assert [s.seg_id for s in segs[:2]] == ["one.txt#0000.1", "one.txt#0000.2"]


def test_every_unit_and_a_small_limit_keep_pieces_within_it():
    text = "Rose: " + " ".join(["word"] * 3000) + "\nDev: Fine.\nRose: Yes.\n"
    from workbench.corpus.readers.plain import read_txt

    result = read_txt(text.encode(), "t.txt")
    doc = Document("t.txt", result.text, "transcript", "txt", blocks=result.blocks)
    for unit in ("auto", "turn", "paragraph", "sentence"):
        segs = segment_document(doc, unit, max_unit_chars=1000)
        assert max(len(s.text) for s in segs) <= 1000
        assert {s.speaker for s in segs} == {"Rose", "Dev"}
        check_tiling(doc, segs, account(doc, segs)[0])


def test_a_twenty_megabyte_paragraph_is_a_numbered_problem_and_the_rest_loads(tmp_path):
    for name, text in GOOD.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "dump.txt").write_text(one_paragraph(20), encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [(p.path, p.code) for p in corpus.problems] == [("dump.txt", "E016")]
    assert f"{DEFAULT_MAX_DOCUMENT_WORDS:,}" in corpus.problems[0].reason
    assert sorted(d.doc_id for d in corpus.documents) == ["a.txt", "b.md"]


@pytest.mark.slow
def test_a_twenty_megabyte_paragraph_admitted_is_cut_within_the_limit(tmp_path):
    (tmp_path / "dump.txt").write_text(one_paragraph(20), encoding="utf-8")
    corpus = load_corpus(tmp_path, max_document_words=10_000_000)
    segs = corpus.segments
    assert max(len(s.text) for s in segs) <= MAX_UNIT_CHARS
    doc = corpus.document("dump.txt")
    check_tiling(doc, segs, corpus.exclusions)
    assert all(doc.text[s.start_char:s.end_char] == s.text for s in segs[::97])


def test_no_unit_over_the_limit_reaches_spacy(tmp_path, monkeypatch):
    for name, text in GOOD.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "long.txt").write_text(one_paragraph(0.03), encoding="utf-8")
    corpus = load_corpus(tmp_path, max_unit_chars=2000)
    annotator = Annotator(cache_dir=tmp_path / "cache", progress=False, components=("tok2vec", "tagger",
                                                                                  "attribute_ruler", "lemmatizer"))
    seen: list[int] = []
    nlp = annotator.nlp
    original = type(nlp).pipe

    def spy(self, texts, **kwargs):
        texts = list(texts)
        seen.extend(len(t) for t in texts)
        return original(self, texts, **kwargs)

    monkeypatch.setattr(type(nlp), "pipe", spy)
    annotated = annotator.annotate(corpus)
    assert seen and max(seen) <= 2000 and len(seen) == len(corpus.segments)
    assert len(annotated.docs) == len(corpus.segments)


def test_a_document_spacy_cannot_annotate_becomes_a_load_problem(tmp_path, monkeypatch):
    for name, text in GOOD.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "bad.txt").write_text("This one EXPLODES in the tagger.\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    annotator = Annotator(cache_dir=tmp_path / "cache", progress=False, components=("tok2vec", "tagger",
                                                                                  "attribute_ruler", "lemmatizer"))
    nlp = annotator.nlp
    original = type(nlp).pipe

    def explode(self, texts, **kwargs):
        texts = list(texts)
        if any("EXPLODES" in t for t in texts):
            raise ValueError("[E088] Text of length 20000000 exceeds maximum of 1000000")
        return original(self, texts, **kwargs)

    monkeypatch.setattr(type(nlp), "pipe", explode)
    with pytest.warns(UserWarning, match=r"\[E018\] 'bad.txt'"):
        annotated = annotator.annotate(corpus)
    assert annotated.failed == ["bad.txt"]
    assert [(p.path, p.code) for p in corpus.problems] == [("bad.txt", "E018")]
    assert "E088" in corpus.problems[0].reason
    assert {d.doc_id for d in corpus.documents} == {"a.txt", "b.md"}
    assert {seg.doc_id for seg, _ in annotated} == {"a.txt", "b.md"}
    assert all(seg.seg_id in annotated.docs for seg in corpus.segments)
