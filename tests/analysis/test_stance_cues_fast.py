"""The cue finder that runs the Matcher only on windows around each pattern's anchor word gives exactly the
cues of the finder that ran it over every token (``cue_oracle.OracleCueFinder``): the same matches in the same
order, the same negation, the same choice among overlapping cues. Checked on every segment of the demo corpus
and on sentences written to be awkward: negations, overlapping cues, list items, contractions, curly quotes."""
from __future__ import annotations

from dataclasses import asdict

import pytest

from workbench.analysis.barriers import _default_codebook, units_of
from workbench.analysis.codebook import Code, Codebook
from workbench.analysis.stance_cues import CueFinder
from workbench.annotate import load_pipeline

from cue_oracle import OracleCueFinder

TRICKY = [
    # negations, near and far ("didn't have to wait" flips a barrier cue)
    "We didn't have to wait for our expenses this time.",
    "I wasn't out of pocket, and nobody ever listened to us anyway.",
    "No one explained anything, and we couldn't get in because there was no ramp.",
    "We have had no training at all, not even an induction, and never a word of thanks.",
    "It isn't that we weren't able to go; nobody told us, nothing changed and no one came back to us.",
    "Without support or warning, they cannot expect people to keep turning up.",
    # overlapping cues of several stances and lengths
    "It helped me understand the budget, and it helped us feel valued and listened to.",
    "Being paid on the day made all the difference and meant that we could bring the kids.",
    "The lack of interpreters led to a loss of trust, which took months to rebuild, but we grew in confidence.",
    "Too late, too long, too much paperwork: we ran out of time and were ruled out again.",
    "They made sure we felt welcome, and as a result more people came, so that everyone could speak.",
    # contractions and curly apostrophes and quotes
    "We can’t afford the bus, we don’t know how to claim, and they didn’t listen.",
    "We can't afford the bus, we don't know how to claim, and they didn't listen.",
    "“With, not for” – that’s what they said, but it’s still ‘for’ us, isn’t it?",
    "I’m not able to attend; it’s too far and we’re still waiting for the “new” minibus.",
    # list items in one text, punctuation between a cue's words, a cue split over a line break
    "What got in the way:\n- no one\n- listened\n- lack of\ntransport\n- nothing changed",
    "Top tips:\n* pay people upfront;\n* build trust... slowly, over time;\n* come back to us!",
    "Lack -- of -- funding, lack of, of funding; lack ... of ... staff.",
    "",
    "...",
    "Helped.",
]


def _same(oracle: OracleCueFinder, fast: CueFinder, doc) -> None:
    assert fast.matches(doc) == oracle.matcher(doc), doc.text
    for span in [doc[:], *(doc.sents if doc.has_annotation("SENT_START") else [])]:
        assert [asdict(c) for c in fast.find(span)] == [asdict(c) for c in oracle.find(span)], span.text


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="module")
def finders(nlp):
    codebook = _default_codebook()
    return OracleCueFinder(codebook, nlp.vocab), CueFinder(codebook, nlp.vocab)


def test_tricky_sentences_give_the_oracles_cues(nlp, finders):
    oracle, fast = finders
    docs = list(nlp.pipe(TRICKY))
    for doc in docs:
        _same(oracle, fast, doc)
    cues = [c for doc in docs for c in oracle.find(doc[:])]
    # the sentences do exercise what they are for
    assert any(c.negated for c in cues) and any(c.negated and c.kind == "enabler" for c in cues)
    assert any(c.generic for c in cues) and any(not c.generic for c in cues)
    matches = [m for doc in docs for m in oracle.matcher(doc)]
    assert any(a != b and a[1] < b[2] and b[1] < a[2] for a in matches for b in matches)  # overlapping matches
    assert any("’" in c.text for c in cues) and any("'" in c.text for c in cues)


def test_windows_hold_every_match_and_do_not_touch(nlp, finders):
    oracle, fast = finders
    for doc in nlp.pipe(TRICKY):
        windows = fast.windows(doc)
        assert all(lo < hi and (i == 0 or windows[i - 1][1] < lo) for i, (lo, hi, _) in enumerate(windows))
        for _, start, end in oracle.matcher(doc):
            assert any(lo <= start and end <= hi for lo, hi, _ in windows), (doc.text, start, end)


@pytest.mark.slow  # several seconds: `make test` runs it, `make check` does not
def test_demo_corpus_gives_the_oracles_cues(an_demo, finders):
    annotated = an_demo.annotated
    vocab = next(iter(annotated.docs.values())).vocab
    codebook = _default_codebook()
    oracle, fast = OracleCueFinder(codebook, vocab), CueFinder(codebook, vocab)
    found = 0
    for _, doc in annotated:
        assert fast.matches(doc) == oracle.matcher(doc), doc.text
        found += len(oracle.matcher(doc))
    assert found > 100
    for unit in units_of(annotated):
        assert fast.find(unit.span) == oracle.find(unit.span), unit.text


def test_a_pattern_without_a_word_runs_on_the_whole_doc(nlp):
    """A pattern of parts of speech only has no anchor word: the Matcher then runs over every token."""
    codebook = Codebook([Code("Barriers", "barrier"),
                         Code("Cost", "barrier", parent="Barriers", cues=["out of pocket"],
                              patterns=[["pos:ADJ", "pos:NOUN"]])])
    oracle, fast = OracleCueFinder(codebook, nlp.vocab), CueFinder(codebook, nlp.vocab)
    doc = nlp("Long meetings left us out of pocket, with short notice.")
    assert fast.windows(doc) == [(0, len(doc), None)]
    _same(oracle, fast, doc)
    assert any(c.label == "Cost" for c in fast.find(doc[:]))


def test_a_codebook_of_cue_phrases_only(nlp):
    """Cue phrases allow punctuation between their words: the windows reach over the longest run of it."""
    codebook = Codebook([Code("Barriers", "barrier"),
                         Code("Cost", "barrier", parent="Barriers", cues=["out of pocket", "can't afford"])])
    oracle, fast = OracleCueFinder(codebook, nlp.vocab), CueFinder(codebook, nlp.vocab)
    texts = ("We were out -- of ... pocket!!! again", "We can’t afford it; we can't - afford it.",
             "out of, of pocket", "Nothing here.",
             "Out, out and out again: we were out - - of pocket")  # anchored on "of", punctuation before it
    for text in texts:
        _same(oracle, fast, nlp(text))
    assert all(fast.find(nlp(text)[:]) for text in (texts[0], texts[-1]))
