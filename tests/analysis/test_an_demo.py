"""Acceptance on the demo corpus (corpora/coproduction) through the Workbench facade and the CLI."""
from __future__ import annotations

import csv
import re

import pytest

from workbench.analysis.families import variant_of
from workbench.analysis.phrases import normalise_surface
from workbench.cli import main
from workbench.steps.phrases import miner

from an_helpers import AN_DEMO_CORPUS

pytestmark = pytest.mark.slow

PHRASES_HEADER = ["phrase", "family", "kind", "count", "doc_count", "speaker_count", "score", "variants", "example"]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_with_not_for_family_has_several_wordings_from_several_documents(an_demo):
    variants = an_demo.phrase_families.variants_
    mine = variants[variants["family"] == "with, not for"]
    assert mine["variant"].nunique() >= 3
    docs = {d for row in mine["docs"] for d in row.split("; ")}
    assert len(docs) >= 2
    matches = an_demo.phrase_families.matches_
    matches = matches[matches["family"] == "with, not for"]
    assert len(matches) == int(mine["count"].sum())
    assert matches["doc_id"].nunique() >= 2


def test_nothing_about_us_without_us_is_found_as_quote_or_family(an_demo):
    phrases, _ = an_demo.phrase_tables
    hits = phrases[(phrases["phrase"].map(normalise_surface) == "nothing about us without us")
                   & phrases["kind"].isin(["quoted", "family"])]
    assert len(hits) >= 1
    assert (hits["count"] >= 2).all()


def test_no_fragment_reaches_the_top_50_on_the_demo_corpus(an_demo):
    from test_an_phrase_fragments import FRAGMENTS

    found = miner(an_demo)
    top = list(found.phrases_["phrase"].str.lower().head(50))
    assert len(top) >= 20
    assert not [f for f in FRAGMENTS if f in top]
    for key in found.phrases_["phrase_key"].head(50):
        words = key.split()
        assert words[0] in found.content_words_ and words[-1] in found.content_words_, key


def test_lived_experience_is_a_top_ten_ngram(an_demo):
    top = list(miner(an_demo).phrases_["phrase"].head(10))
    assert "lived experience" in top


def test_every_phrase_row_traces_to_its_quote(an_demo):
    phrases, occurrences = an_demo.phrase_tables
    corpus = an_demo.corpus
    assert len(phrases) > 10
    family_variants = {}
    for f, v in an_demo.phrase_families.variants_[["family", "variant"]].itertuples(index=False):
        family_variants.setdefault(f, set()).add(v)
    for r in phrases.itertuples(index=False):
        seg = corpus.segment(r.seg_id)
        assert seg.doc_id == r.doc_id
        assert seg.start_char <= r.start_char < r.end_char <= seg.end_char
        found = corpus.document(r.doc_id).text[r.start_char:r.end_char]
        assert f"({r.seg_id}, {r.start_char}-{r.end_char})" in r.example
        if r.kind == "family":
            assert variant_of(found) in family_variants[r.phrase], (r.phrase, found)
        else:
            assert normalise_surface(found) in r.variants.split("; "), (r.phrase, found)
    for o in occurrences.itertuples(index=False):
        assert corpus.document(o.doc_id).text[o.start_char:o.end_char] == o.surface


def test_analyse_writes_phrases_and_keyness_csv(capsys, tmp_path, an_demo, an_demo_cache):
    an_demo.annotated  # the cache is filled once for the whole session
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "analyse", AN_DEMO_CORPUS, "--cache-dir", an_demo_cache, "--out", out,
                            "--no-progress")
    assert code == 0, err
    with open(out / "phrases.csv", newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    assert header == PHRASES_HEADER
    assert rows and {r[2] for r in rows} <= {"ngram", "quoted", "family"}
    assert "lived experience" in {r[0] for r in rows if r[2] == "ngram"}
    with open(out / "keyness.csv", newline="", encoding="utf-8") as handle:
        keyness = list(csv.DictReader(handle))
    assert keyness and {r["target"] for r in keyness} == {"blog"}
    assert {r["distinctive_of"] for r in keyness} <= {"blog", "transcript"}
    assert "0 segments parsed" in stdout  # everything came from the session's cache


def test_kwic_rubber_stamp_as_a_phrase(capsys, an_demo, an_demo_cache):
    an_demo.annotated
    code, out, err = run(capsys, "kwic", AN_DEMO_CORPUS, "rubber stamp", "--mode", "phrase",
                         "--cache-dir", an_demo_cache)
    assert code == 0, err
    lines = [line for line in out.splitlines() if line.strip()]
    hit_lines = [line for line in lines if "[rubber-stamp]" in line]
    assert hit_lines
    last = re.match(r"^(\d+)(?: of (\d+))? hits\b", lines[-1])
    assert last, lines[-1]
    assert int(last.group(1)) == len(lines) - 1  # one printed line per hit, then the total
    expected = an_demo.concordance.query("rubber stamp", "phrase")
    assert int(last.group(2) or last.group(1)) == len(expected)


def test_kwic_invalid_regex_exits_1_with_E303(capsys, an_demo, an_demo_cache):
    an_demo.annotated
    code, out, err = run(capsys, "kwic", AN_DEMO_CORPUS, "(unclosed", "--mode", "regex",
                         "--cache-dir", an_demo_cache)
    assert code == 1
    assert err.startswith("[E303]")
    assert "Traceback" not in err and "Traceback" not in out
