""".vtt and .srt readers: cues become turns, cue start times become timestamps."""
from __future__ import annotations

import codecs

import pytest

from workbench.corpus import load_corpus
from workbench.corpus.readers.captions import read_srt, read_vtt
from workbench.errors import FileReadError

VTT = """WEBVTT - workshop

NOTE a comment that is not a cue

1
00:00:01.500 --> 00:00:04.000
<v Rose>Hello &amp; welcome.</v>

2
00:00:04.500 --> 00:00:06.000 align:start
<v Rose>Still me.</v>

00:01:02.250 --> 00:01:05.000
<v.loud Dev Patel>Hi <b>Rose</b>.</v>

00:01:06.000 --> 00:01:08.000
Rose: Labelled cue.

00:01:09.000 --> 00:01:10.000
continuing without label
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
Rose: Hello there.

2
00:00:05,000 --> 00:00:07,000
<i>Tom:</i> Hi.

3
00:00:07,500 --> 00:00:08,000
And more.

4
01:02:03,000 --> 01:02:05,000
Rose: Again.
"""


def load_one(write_files, corpus_dir, name, content):
    write_files({name: content})
    corpus = load_corpus(corpus_dir)
    assert corpus.problems == []
    return corpus, corpus.document(name)


# -- WebVTT -----------------------------------------------------------------------------------------
def test_vtt_turns_speakers_and_timestamps(write_files, corpus_dir, assert_offsets):
    corpus, doc = load_one(write_files, corpus_dir, "w.vtt", VTT)
    assert (doc.kind, doc.source_format) == ("transcript", "vtt")
    assert doc.speakers == ["Rose", "Dev Patel"]
    assert [(s.speaker, s.timestamp, s.text) for s in corpus.segments] == [
        ("Rose", "00:00:01", "Hello & welcome. Still me."),
        ("Dev Patel", "00:01:02", "Hi Rose."),
        ("Rose", "00:01:06", "Labelled cue. continuing without label"),
    ]
    assert_offsets(corpus)


def test_vtt_document_text_reads_with_labels(write_files, corpus_dir):
    _, doc = load_one(write_files, corpus_dir, "w.vtt", VTT)
    assert doc.text.startswith("Rose: Hello & welcome. Still me.\n\nDev Patel: Hi Rose.")


def test_vtt_with_bom_and_crlf(write_files, corpus_dir, assert_offsets):
    corpus, doc = load_one(write_files, corpus_dir, "w.vtt", codecs.BOM_UTF8 + VTT.replace("\n", "\r\n").encode())
    assert doc.speakers == ["Rose", "Dev Patel"]
    assert_offsets(corpus)


def test_vtt_short_timestamps_are_padded():
    result = read_vtt(b"WEBVTT\n\n01:02.500 --> 01:04.000\n<v Ann>Hi.</v>\n", "s.vtt")
    assert result.blocks[0].timestamp == "00:01:02"


def test_vtt_without_speakers_is_one_turn_without_speaker():
    result = read_vtt(b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello\n\n00:00:03.000 --> 00:00:04.000\nworld\n",
                      "a.vtt")
    assert [(b.speaker, result.text[b.start_char:b.end_char]) for b in result.blocks] == [(None, "hello world")]


def test_vtt_without_header_raises_e007():
    with pytest.raises(FileReadError) as info:
        read_vtt(b"00:00:01.000 --> 00:00:02.000\nHello\n", "a.vtt")
    assert info.value.code == "E007"
    assert "WEBVTT" in str(info.value)


@pytest.mark.parametrize("content", [b"WEBVTT\n", b"WEBVTT\n\nNOTE nothing here\n",
                                     b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\n"])
def test_vtt_without_cues_raises_e007(content):
    with pytest.raises(FileReadError) as info:
        read_vtt(content, "a.vtt")
    assert info.value.code == "E007"


# -- SubRip -----------------------------------------------------------------------------------------
def test_srt_turns_speakers_and_timestamps(write_files, corpus_dir, assert_offsets):
    corpus, doc = load_one(write_files, corpus_dir, "s.srt", SRT)
    assert (doc.kind, doc.source_format) == ("transcript", "srt")
    assert [(s.speaker, s.timestamp, s.text) for s in corpus.segments] == [
        ("Rose", "00:00:01", "Hello there."),
        ("Tom", "00:00:05", "Hi. And more."),
        ("Rose", "01:02:03", "Again."),
    ]
    assert_offsets(corpus)


def test_srt_utf16_with_bom(write_files, corpus_dir, assert_offsets):
    corpus, doc = load_one(write_files, corpus_dir, "s.srt", codecs.BOM_UTF16_LE + SRT.encode("utf-16-le"))
    assert doc.speakers == ["Rose", "Tom"]
    assert_offsets(corpus)


def test_srt_without_timing_lines_raises_e008():
    with pytest.raises(FileReadError) as info:
        read_srt(b"1\nHello there\n\n2\nMore words\n", "a.srt")
    assert info.value.code == "E008"
