"""report.html: sections and traceable quotes, escaping of corpus text, no outside resources, pseudonyms,
determinism and atomic writing, on hand-made tables (fast) and on one real small bench (slow)."""
from __future__ import annotations

import hashlib
import math
import os
import re
from html import unescape
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from workbench.analysis import barriers as barriers_module
from workbench.config import Config
from workbench.embed import Embedder
from workbench.project import Workbench
from workbench.views.report import (REQUIRED, ReportData, ReportError, bar_chart_svg, build_report,
                                    make_pseudonymiser, stability_words, write_report)

W, B = "transcripts/w1.txt", "blogs/b.md"
TURNS = [  # (doc_id, speaker, text): one segment each
    (W, "Rose Martin", "We should be partners from the start, with us, not for us."),
    (W, "<b>Bob</b>", "<script>alert(1)</script> The budget was fixed before we arrived."),
    (W, "Rose Martin", "Rose thinks payment matters. <img src=x onerror=alert(1)> Pay carers for their time."),
    (W, "Dev", "With us, not for us, is the motto. Meetings in working hours mean carers can't come."),
    (B, None, "Carers are never paid for travel in Devon. Paying people a fair day rate helped a lot."),
    (B, None, "Nothing about us without us. The papers are full of acronyms, and costs rose sharply."),
]


def _build_texts():
    texts, segs, counters = {}, [], {}
    for doc_id, speaker, text in TURNS:
        prefix = f"{speaker}: " if speaker else ""
        before = texts.get(doc_id, "Title line\n\n")
        start = len(before) + len(prefix)
        texts[doc_id] = before + prefix + text + "\n\n"
        n = counters[doc_id] = counters.get(doc_id, -1) + 1
        segs.append({"doc_id": doc_id, "seg_id": f"{doc_id}#{n:04d}", "start_char": start,
                     "end_char": start + len(text), "speaker": speaker, "text": text})
    return texts, pd.DataFrame(segs)


TEXTS, SEGMENTS = _build_texts()


def span(seg_no: int, needle: str) -> dict:
    """Trace of ``needle`` inside segment number ``seg_no`` (document offsets)."""
    seg = SEGMENTS.iloc[seg_no]
    rel = seg["text"].index(needle)
    return {"doc_id": seg["doc_id"], "seg_id": seg["seg_id"], "start_char": seg["start_char"] + rel,
            "end_char": seg["start_char"] + rel + len(needle), "speaker": seg["speaker"]}


def hit(seg_no: int, needle: str, category: str, score: float) -> dict:
    return {**span(seg_no, needle), "category": category, "score": score, "evidence": "cue", "text": needle}


def theme_quote(theme_id: int, rank: int, seg_no: int) -> dict:
    seg = SEGMENTS.iloc[seg_no]
    return {"theme_id": theme_id, "rank": rank, **{k: seg[k] for k in ("doc_id", "seg_id", "start_char",
                                                                      "end_char", "speaker", "text")}}


def make_data(**changes) -> ReportData:
    fam = "with, not for"
    data = ReportData(
        name="tiny",
        documents=pd.DataFrame([
            {"doc_id": W, "kind": "transcript", "title": "Workshop <i>one</i>", "words": 60},
            {"doc_id": B, "kind": "blog", "title": "Paying people", "words": 33}]),
        segments=SEGMENTS.copy(),
        speakers=pd.DataFrame([
            {"doc_id": W, "speaker": "Rose Martin", "role": "lived experience", "segments": 2},
            {"doc_id": W, "speaker": "<b>Bob</b>", "role": "commissioner", "segments": 1},
            {"doc_id": W, "speaker": "Dev", "role": None, "segments": 1}]),
        problems=pd.DataFrame([{"path": "bad<script>.bin", "code": "E002",
                                "reason": "[E002] 'bad<script>.bin' looks like a binary file"}]),
        phrases=pd.DataFrame([
            {"phrase": fam, "kind": "family", "count": 2, "doc_count": 1, "speaker_count": 2, "score": 4.0,
             **span(0, "with us, not for us")},
            {"phrase": "with us, not for us", "kind": "quoted", "count": 2, "doc_count": 1, "speaker_count": 2,
             "score": 3.0, **span(0, "with us, not for us")},
            {"phrase": "pay carers", "kind": "ngram", "count": 2, "doc_count": 1, "speaker_count": 1,
             "score": 1.5, **span(2, "Pay carers")},
            {"phrase": "carers", "kind": "ngram", "count": 2, "doc_count": 2, "speaker_count": 1,
             "score": 1.0, **span(2, "carers")},
            {"phrase": "<script>alert(1)</script>", "kind": "ngram", "count": 1, "doc_count": 1,
             "speaker_count": 1, "score": 0.5, **span(1, "<script>alert(1)</script>")}]),
        occurrences=pd.DataFrame([
            {"phrase": fam, "kind": "family", **span(0, "with us, not for us"), "surface": "with us, not for us"},
            {"phrase": fam, "kind": "family", **span(3, "With us, not for us"), "surface": "With us, not for us"}]),
        families=pd.DataFrame([{"family": fam, "description": "Doing things with people, not for them.",
                                "count": 2, "doc_count": 1, "speaker_count": 2}]),
        variants=pd.DataFrame([{"family": fam, "variant": "with us not for us", "count": 2, "doc_count": 1}]),
        themes=pd.DataFrame([
            {"theme_id": 0, "label": "Paying carers", "keywords": "pay; carers; day rate", "size": 3,
             "doc_count": 2, "stability": 0.9},
            {"theme_id": 1, "label": "", "keywords": "budget", "size": 1, "doc_count": 1, "stability": 0.3},
            {"theme_id": 2, "label": "Partners", "keywords": "partners", "size": 1, "doc_count": 1,
             "stability": math.nan}]),
        theme_quotes=pd.DataFrame([theme_quote(0, 2, 4), theme_quote(0, 1, 2), theme_quote(1, 1, 1),
                                   theme_quote(2, 1, 0)]),
        theme_assignments=pd.DataFrame({"seg_id": SEGMENTS["seg_id"], "theme_id": [2, 1, 0, 0, 0, -1]}),
        barriers=pd.DataFrame([
            hit(3, "Meetings in working hours mean carers can't come.", "timing and access", 0.8),
            hit(5, "The papers are full of acronyms, and costs rose sharply.", "jargon and accessibility", 0.7),
            hit(1, "<script>alert(1)</script> The budget was fixed before we arrived.", "power", 0.6)]),
        enablers=pd.DataFrame([hit(4, "Paying people a fair day rate helped a lot.", "paying people properly", 0.9)]),
        benefits=pd.DataFrame([hit(2, "Pay carers for their time.", "better services", 0.7)]),
        codes=pd.DataFrame([{**span(2, "Pay carers for their time."), "code": "payment",
                             "text": "Pay carers for their time.", "coder": "ann"}]),
        category_descriptions={"power": "Who decides, and who does not."},
        manifest={"seeds": {"analysis": 42}, "config_fingerprint": "abc123", "packages": {"pandas": "2.2"}},
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


class Page(HTMLParser):
    """Tags, attributes, and every quote's text and trace line."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.quotes: list[dict[str, str]] = []
        self.ids: list[str] = []
        self._in: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "blockquote":
            self.quotes.append({"said": "", "who": "", "where": ""})
        if tag == "p" and self.quotes and attrs.get("class") in ("said", "who", "where"):
            self._in = attrs["class"]

    def handle_endtag(self, tag):
        if tag == "p":
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.quotes[-1][self._in] += data


def trace(where: str) -> tuple[str, str, int, int]:
    """doc_id, seg_id, start, end from a quote's trace line."""
    m = re.fullmatch(r"(.+) · part (#?.+) · characters (\d+)–(\d+)", where.strip())
    assert m, where
    part = m.group(2)
    return m.group(1), m.group(1) + part if part.startswith("#") else part, int(m.group(3)), int(m.group(4))


def said(quote: dict[str, str]) -> str:
    """The quoted words without quotation marks and the "…" of a trimmed quote."""
    return quote["said"].strip().strip("“”").strip("… ")


@pytest.fixture(scope="module")
def html() -> str:
    return build_report(make_data())


# -- sections and quotes --------------------------------------------------------------------------
def test_every_section_has_a_heading_a_toc_link_and_content(html):
    page = Page(html)
    for key in ("overview", "phrases", "families", "themes", "barriers", "enablers", "benefits", "codes", "method"):
        assert key in page.ids
        assert ("a", "href", f"#{key}") in page.attrs
    assert "<title>What people said: tiny</title>" in html
    assert "2 documents" in html and "1 blog" in html and "1 transcript" in html
    assert "93 words" in html and "6 parts" in html
    assert "lived experience" in html and "role not given" in html
    assert "1 file could not be read" in html
    assert "Doing things with people, not for them." in html and "“with us not for us” (2 times" in html
    assert "Paying carers" in html and "Theme 1" in html  # an empty label gets a plain name
    assert "Who decides, and who does not." in html
    assert "abc123" in html and "pandas 2.2" in html


def test_every_quote_is_exact_and_traceable_to_its_document(html):
    quotes = Page(html).quotes
    assert len(quotes) >= 12
    for q in quotes:
        doc_id, seg_id, start, end = trace(q["where"])
        assert seg_id.startswith(doc_id + "#")
        assert said(q) == TEXTS[doc_id][start:end], q
    # A theme's quotes come in rank order (the frame lists rank 2 first).
    themes = Page(html[html.index('id="theme-0"'):html.index('id="theme-1"')]).quotes
    assert [said(q) for q in themes] == [SEGMENTS.loc[2, "text"], SEGMENTS.loc[4, "text"]]


def test_quotes_prefer_other_documents_then_score_and_respect_max_quotes():
    hits = pd.DataFrame([hit(0, "We should be partners", "x", 0.9), hit(3, "Meetings in working hours", "x", 0.8),
                         hit(4, "Carers are never paid", "x", 0.5)])
    html = build_report(make_data(barriers=hits), max_quotes=2)
    section = html[html.index('id="barrier-1"'):html.index('id="enablers"')]
    assert [said(q) for q in Page(section).quotes] == ["We should be partners", "Carers are never paid"]


def test_benefits_have_their_own_section_after_the_enablers(html):
    enablers = html[html.index('id="enablers"'):html.index('id="benefits"')]
    benefits = html[html.index('id="benefits"'):html.index('id="saturation"')]
    assert "What it brings (benefits)" in html and "outcomes, not what made it work" in benefits
    assert [said(q) for q in Page(benefits).quotes] == ["Pay carers for their time."]
    assert "Pay carers for their time." not in [said(q) for q in Page(enablers).quotes]


def test_family_quotes_come_from_different_documents_first():
    fam = "with, not for"
    occ = pd.DataFrame([
        {"phrase": fam, "kind": "family", **span(0, "with us, not for us"), "surface": "with us, not for us"},
        {"phrase": fam, "kind": "family", **span(3, "With us, not for us"), "surface": "With us, not for us"},
        {"phrase": fam, "kind": "family", **span(5, "without us"), "surface": "without us"}])
    html = build_report(make_data(occurrences=occ), max_quotes=2)
    section = Page(html[html.index('id="family-1"'):html.index('id="themes"')])
    assert [trace(q["where"])[1] for q in section.quotes] == [f"{W}#0000", f"{B}#0001"]


def test_a_long_part_is_cut_around_the_match_and_stays_traceable():
    filler = " ".join(f"Sentence number {i} goes on about the weather and the room" for i in range(40))
    text = f"{filler} and then we said pay carers properly for once {filler}"
    doc = "Title line\n\nZoe: " + text + "\n"
    start = doc.index(text)
    segs = pd.DataFrame([{"doc_id": "long.txt", "seg_id": "long.txt#0000", "start_char": start,
                          "end_char": start + len(text), "speaker": "Zoe", "text": text}])
    m = doc.index("pay carers")
    phrases = pd.DataFrame([{"phrase": "pay carers", "kind": "ngram", "count": 3, "doc_count": 1,
                             "speaker_count": 1, "score": 1.0, "doc_id": "long.txt", "seg_id": "long.txt#0000",
                             "start_char": m, "end_char": m + 10}])
    html = build_report(ReportData(segments=segs, phrases=phrases))
    (quote,) = Page(html).quotes
    doc_id, _, a, b = trace(quote["where"])
    assert quote["said"].startswith("“… ") and quote["said"].endswith(" …”")
    assert said(quote) == doc[a:b] and a < m < m + 10 < b and b - a <= 320
    assert "<mark>pay carers</mark>" in html


def test_quotes_show_speaker_role_and_document_title(html):
    whos = [q["who"] for q in Page(html).quotes]
    assert "— Rose Martin (lived experience) · Workshop <i>one</i>" in whos
    assert "— <b>Bob</b> (commissioner) · Workshop <i>one</i>" in whos
    assert "— Paying people" in whos  # a blog: no speaker


def test_phrases_highlight_the_match_and_skip_pieces_of_shown_phrases(html):
    phrases = html[html.index('id="phrases"'):html.index('id="families"')]
    assert "<mark>Pay carers</mark>" in phrases
    assert "<mark>with us, not for us</mark>" in phrases
    quoted = phrases[phrases.index('id="quoted"'):]  # quoted statements have their own table, after the n-grams
    assert "<strong>“with us, not for us”</strong>" in quoted and "with us, not for us" not in \
        phrases[:phrases.index('id="quoted"')].replace("<mark>with us, not for us</mark>", "")
    # "carers" is a piece of "pay carers" and said no more often: left out.
    assert "<strong>carers</strong>" not in phrases and "<strong>pay carers</strong>" in phrases


def test_one_wording_is_shown_once_under_its_family():
    """A slogan that is a family's wording, a quoted statement and a recurring n-gram is listed once: under its
    family. A wording both quoted and recurring but in no family is listed once, in the row that counts more."""
    data = make_data()
    fam = "with, not for"
    extra = pd.DataFrame([
        {"phrase": "with us not for us", "kind": "ngram", "family": fam, "count": 2, "doc_count": 1,
         "speaker_count": 2, "score": 9.0, **span(3, "With us, not for us")},
        {"phrase": "pay carers", "kind": "quoted", "count": 1, "doc_count": 1, "speaker_count": 1, "score": 0.1,
         **span(2, "Pay carers")}])
    phrases = pd.concat([data.phrases, extra], ignore_index=True)
    phrases.loc[phrases["kind"] == "family", "variants"] = "with us not for us"
    phrases.loc[phrases["kind"] == "quoted", "family"] = [fam, ""]
    html = build_report(make_data(phrases=phrases))
    section = html[html.index('id="phrases"'):html.index('id="families"')]
    shown = re.findall(r"<strong>(.*?)</strong>", section)
    assert shown == ["pay carers", "&lt;script&gt;alert(1)&lt;/script&gt;"]  # not the family's wording
    assert 'id="quoted"' not in section  # its only quoted statements were shown elsewhere
    families = html[html.index('id="families"'):html.index('id="themes"')]
    assert families.count("“with us not for us”") == 1


def test_stability_is_said_in_plain_words(html):
    themes = html[html.index('id="themes"'):html.index('id="barriers"')]
    assert "stable: it came back each time" in themes
    assert "check this theme" in themes and "stability not measured" in themes
    assert "5 parts of 6 fall into a theme; 1 part did not fit any theme" in themes
    assert themes.index("Paying carers") < themes.index("Theme 1")  # largest first
    assert stability_words(0.6)[0].startswith("fairly stable")


def test_charts_are_inline_svg_with_escaped_labels():
    svg = bar_chart_svg([("<b>x</b>", 3), ("a" * 60, 1)], "Counts & things")
    page = Page(svg)
    assert page.tags.count("rect") == 2 and "script" not in page.tags and "b" not in page.tags
    assert "&lt;b&gt;x&lt;/b&gt;" in svg and "Counts &amp; things" in svg and "…" in svg
    assert bar_chart_svg([], "empty") == ""


# -- safety ---------------------------------------------------------------------------------------
def test_corpus_text_is_escaped_everywhere(html):
    page = Page(html)
    assert "script" not in page.tags and "img" not in page.tags and "b" not in page.tags and "i" not in page.tags
    assert not [a for a in page.attrs if a[1].startswith("on")]
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<b>" not in lowered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;Bob&lt;/b&gt;" in html and "Workshop &lt;i&gt;one&lt;/i&gt;" in html
    assert "bad&lt;script&gt;.bin" in html


def test_no_outside_resources(html):
    page = Page(html)
    assert "http://" not in html and "https://" not in html and "//" not in html.replace("<!--", "")
    assert not {"script", "link", "iframe", "object", "embed", "img", "base", "form"} & set(page.tags)
    for tag, name, value in page.attrs:
        assert name not in ("src", "srcset", "xlink:href", "action", "background"), (tag, name)
        if name == "href":
            assert value.startswith("#"), value
    assert "url(" not in html and "@import" not in html and "@font-face" not in html
    assert ('meta', 'http-equiv', 'Content-Security-Policy') in page.attrs
    assert "default-src 'none'" in html


def test_a_link_in_a_transcript_stays_text():
    link = 'See <a href="https://evil.example/x">this</a>.'
    data = make_data(barriers=pd.DataFrame([{**hit(5, "Nothing", "x", 0.9), "text": link}]))
    html = build_report(data)
    assert all(v.startswith("#") for _, k, v in Page(html).attrs if k == "href")
    assert "See &lt;a href=&#34;https://evil.example/x&#34;&gt;this&lt;/a&gt;." in html  # Jinja2's escaping


# -- pseudonyms -----------------------------------------------------------------------------------
NAMES = {"Rose Martin": "Speaker A", "Rose": "Speaker A", "<b>Bob</b>": "Speaker B", "Dev": "Speaker C"}


def _visible(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_pseudonymise_with_a_dict_replaces_names_whole_word_and_case_sensitive():
    html = build_report(make_data(), pseudonymise=NAMES)
    text = _visible(html)
    for name in ("Rose", "Martin", "Bob", "Dev "):
        assert name not in text, name
    assert "Speaker A (lived experience)" in text and "Speaker B (commissioner)" in text
    assert "Speaker A thinks payment matters" in text  # inside a quote, not only the speaker field
    assert "Devon" in text and "costs rose sharply" in text  # whole words only, case-sensitive
    assert "pseudonyms" in text
    # ids and offsets are kept, so quotes stay traceable
    assert "transcripts/w1.txt · part #0001 · characters 97–162" in text


def test_pseudonymise_with_a_function_or_an_object_with_transform_text():
    swap = make_pseudonymiser(NAMES)

    class Pseudonymiser:
        key_ = NAMES

        def transform_text(self, text: str) -> str:
            return swap(text)

    by_function = build_report(make_data(), pseudonymise=swap)
    by_object = build_report(make_data(), pseudonymise=Pseudonymiser())
    assert by_function == by_object
    assert "Rose" not in _visible(by_object) and "Speaker C" in _visible(by_object)


def test_invalid_pseudonymise_raises_E471():
    with pytest.raises(ReportError) as info:
        build_report(make_data(), pseudonymise=["Rose"])
    assert info.value.code == "E471"
    with pytest.raises(ReportError):
        make_pseudonymiser({"": "x"})


# -- edge cases, determinism, writing -------------------------------------------------------------
def test_missing_columns_raise_E472():
    with pytest.raises(ReportError) as info:
        build_report(make_data(barriers=pd.DataFrame({"doc_id": ["x"]})))
    assert info.value.code == "E472" and "'barriers'" in str(info.value)
    assert set(REQUIRED) <= set(ReportData.__dataclass_fields__)


def test_skipped_and_empty_parts_are_explained_and_codes_left_out():
    data = make_data(themes=None, theme_quotes=None, theme_assignments=None, barriers=None, enablers=None,
                     benefits=pd.DataFrame(columns=REQUIRED["benefits"]),
                     codes=pd.DataFrame(columns=REQUIRED["codes"]), phrases=None, occurrences=None, families=None,
                     problems=pd.DataFrame(columns=REQUIRED["problems"]))
    data.skipped = {"themes": "[E362] Too few segments for themes: 6."}
    html = build_report(data)
    page = Page(html)
    assert "codes" not in page.ids and ("a", "href", "#codes") not in page.attrs
    assert "No themes in this report: [E362] Too few segments" in html
    assert "No barriers in this report" in html and "Every file in the folder could be read, and all" in html
    assert "No sentences were found that clearly describe a benefit." in html
    assert "Not run: themes" in html


def test_a_tiny_empty_report_still_builds():
    html = build_report(ReportData())
    assert "What people said" in html and "0 documents" in html


def test_same_data_gives_the_same_bytes_and_no_clock_unless_given():
    first, second = build_report(make_data()), build_report(make_data())
    assert first == second
    assert not re.search(r"20\d\d-\d\d-\d\d", first)
    dated = build_report(make_data(), manifest={"created": "2025-07-01T10:00:00+00:00", "seeds": {"themes": 7}})
    assert "2025-07-01T10:00:00+00:00" in dated and "themes 7" in dated and "abc123" not in dated


def test_write_report_is_atomic_utf8_and_reports_bad_paths(tmp_path):
    path = write_report(make_data(), tmp_path / "out" / "report.html", title="Workshop <3")
    assert path.read_bytes() == build_report(make_data(), title="Workshop <3").encode("utf-8")
    assert "<title>Workshop &lt;3</title>" in path.read_text(encoding="utf-8")
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]  # no temp file left
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ReportError) as info:
        write_report(make_data(), blocker / "report.html")
    assert info.value.code == "E470"


# -- a real bench ---------------------------------------------------------------------------------
MEETING = """Planning meeting

Ana: We should pay carers for their time. Carers can't come to meetings in working hours.

<b>Bob</b>: <script>alert(1)</script> The budget is fixed by the contract, with us not for us.

Ana: Payment shows the work is valued. With us, not for us. <img src=x onerror=alert(1)>

Ben: The papers are full of acronyms and jargon, which is hard to follow.
"""
NOTES = """---
title: Notes
kind: blog
---
# Notes

We met on Tuesday in the library.

## What gets in the way

- Meetings are always in working hours, so carers can't come.

## What helped

- Paying people a proper hourly rate, the same as staff.
"""


class HashEmbedder(Embedder):
    """Bag of words hashed into 64 dimensions: fast and deterministic, so the real bench test does not
    spend minutes encoding the codebook with MiniLM (the report does not depend on the vectors)."""

    model_id = "test:hash64"

    def encode(self, texts):
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[i, int(hashlib.sha256(word.encode()).hexdigest(), 16) % 64] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


@pytest.mark.slow
def test_report_from_a_real_small_bench(tmp_path, monkeypatch):
    monkeypatch.setattr(barriers_module, "make_embedder", lambda *args, **kwargs: HashEmbedder())
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "meeting.txt").write_text(MEETING, encoding="utf-8")
    (root / "notes.md").write_text(NOTES, encoding="utf-8")
    config = Config()
    config.themes.enabled = False
    bench = Workbench(root, config, cache_dir=tmp_path / "cache", models_dir=tmp_path / "models", progress=False)
    data = ReportData.from_bench(bench)
    assert data.themes is None and "switched off" in data.skipped["themes"]
    assert data.barriers is not None and len(data.barriers) and data.enablers is not None
    assert data.benefits is not None and 'id="benefits"' in build_report(data)
    html = write_report(bench, tmp_path / "report.html", pseudonymise={"Ana": "P1"}).read_text(encoding="utf-8")
    page = Page(html)
    assert "script" not in page.tags and "img" not in page.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "http://" not in html and "https://" not in html
    assert "Ana" not in _visible(html) and "P1" in _visible(html)
    assert "Paying people a proper hourly rate" in html and "acronyms" in html
    assert "switched off" in html and "Settings fingerprint" in html
    for q in page.quotes:
        doc_id, _, start, end = trace(q["where"])
        text = bench.corpus.document(doc_id).text[start:end]
        assert make_pseudonymiser({"Ana": "P1"})(text) == said(q)
    assert build_report(data, pseudonymise={"Ana": "P1"}) == html
