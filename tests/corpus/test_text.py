"""Decoding and normalisation (workbench.corpus.text), and that offsets survive them end to end."""
from __future__ import annotations

import codecs
import unicodedata

import pytest

from workbench.corpus import load_corpus
from workbench.corpus.text import decode_bytes, is_blank, looks_binary, normalise
from workbench.errors import FileReadError

THUMBS = "\U0001F44D\U0001F3FD"  # 👍🏽 thumbs up + medium skin tone modifier
FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466"  # 👨‍👩‍👧‍👦 ZWJ sequence
TRANSCRIPT = f"Rose: I said “yes” {THUMBS} to £5 and €3.\nDev: Great {FAMILY} news.\nRose: Indeed.\n"


# -- normalise --------------------------------------------------------------------------------------
def test_normalise_turns_crlf_into_lf():
    assert normalise("a\r\nb\r\n") == "a\nb\n"


def test_normalise_turns_lone_cr_into_lf():
    assert normalise("a\rb\r") == "a\nb\n"


def test_normalise_does_not_double_crlf_followed_by_cr():
    assert normalise("a\r\n\rb") == "a\n\nb"


def test_normalise_removes_leading_bom_only():
    assert normalise("\ufeffab\ufeffc") == "ab\ufeffc"


def test_normalise_composes_to_nfc():
    decomposed = "cafe\u0301 Zoe\u0308"
    result = normalise(decomposed)
    assert result == "café Zoë"
    assert unicodedata.is_normalized("NFC", result)


def test_normalise_keeps_emoji_sequences_intact():
    assert normalise(f"{THUMBS} {FAMILY}") == f"{THUMBS} {FAMILY}"


# -- decode_bytes ---------------------------------------------------------------------------------
def test_decode_plain_utf8():
    decoded = decode_bytes("naïve £".encode("utf-8"))
    assert (decoded.text, decoded.encoding) == ("naïve £", "utf-8")


def test_decode_utf8_with_bom_strips_bom():
    decoded = decode_bytes(codecs.BOM_UTF8 + "Hello".encode("utf-8"))
    assert (decoded.text, decoded.encoding) == ("Hello", "utf-8")


@pytest.mark.parametrize("bom, codec, expected_encoding", [
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
])
def test_decode_utf16_with_bom(bom, codec, expected_encoding):
    decoded = decode_bytes(bom + TRANSCRIPT.encode(codec))
    assert decoded.encoding == expected_encoding
    assert decoded.text == TRANSCRIPT


def test_decode_utf16_without_bom_is_rejected_not_garbled():
    with pytest.raises(FileReadError) as info:
        decode_bytes("Hello there".encode("utf-16-le"), "x.txt")
    assert info.value.code == "E002"


def test_decode_cp1252_curly_quotes_euro_and_pound():
    data = b"He said \x93hello\x94 and paid \x80" b"5 or \xa3" b"4."
    decoded = decode_bytes(data)
    assert decoded.encoding == "cp1252"
    assert decoded.text == "He said “hello” and paid €5 or £4."


def test_decode_cp1252_undefined_bytes_fall_back_to_latin1():
    decoded = decode_bytes(b"caf\xe9 \x81")
    assert decoded.encoding == "cp1252"
    assert decoded.text == "café \x81"


def test_decode_normalises_line_ends_and_nfc():
    decoded = decode_bytes("cafe\u0301\r\nnext\rlast".encode("utf-8"))
    assert decoded.text == "café\nnext\nlast"


def test_decode_nul_bytes_raise_e002():
    with pytest.raises(FileReadError) as info:
        decode_bytes(b"abc\x00def", "bin.txt")
    assert info.value.code == "E002"
    assert "bin.txt" in str(info.value)


# -- looks_binary / is_blank ----------------------------------------------------------------------
def test_looks_binary_flags_many_control_bytes():
    assert looks_binary(b"\x01\x02\x03\x04abcdef") is not None


def test_looks_binary_accepts_tabs_newlines_and_form_feeds():
    assert looks_binary(b"a\tb\nc\r\nd\x0ce") is None


def test_looks_binary_accepts_empty_input():
    assert looks_binary(b"") is None


@pytest.mark.parametrize("text, blank", [("", True), (" \n\t\u00a0", True), (" x ", False)])
def test_is_blank(text, blank):
    assert is_blank(text) is blank


# -- end to end: encodings through load_corpus keep the offset invariant ----------------------------
ENCODED = {
    "utf8-bom.txt": codecs.BOM_UTF8 + TRANSCRIPT.encode("utf-8"),
    "utf16-le.txt": codecs.BOM_UTF16_LE + TRANSCRIPT.encode("utf-16-le"),
    "utf16-be.txt": codecs.BOM_UTF16_BE + TRANSCRIPT.encode("utf-16-be"),
    "crlf.txt": TRANSCRIPT.replace("\n", "\r\n").encode("utf-8"),
    "cr.txt": TRANSCRIPT.replace("\n", "\r").encode("utf-8"),
}


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_encoded_transcript_loads_with_exact_text_and_turns(name, write_files, corpus_dir, assert_offsets):
    write_files({name: ENCODED[name]})
    corpus = load_corpus(corpus_dir)
    assert corpus.problems == []
    doc = corpus.document(name)
    assert doc.text == TRANSCRIPT
    assert [s.text for s in corpus.segments] == [f"I said “yes” {THUMBS} to £5 and €3.",
                                                f"Great {FAMILY} news.", "Indeed."]
    assert [s.speaker for s in corpus.segments] == ["Rose", "Dev", "Rose"]
    assert_offsets(corpus)


@pytest.mark.parametrize("name, encoding", [("utf8-bom.txt", "utf-8"), ("utf16-le.txt", "utf-16-le"),
                                            ("utf16-be.txt", "utf-16-be")])
def test_document_records_detected_encoding(name, encoding, write_files, corpus_dir):
    write_files({name: ENCODED[name]})
    assert load_corpus(corpus_dir).document(name).encoding == encoding


def test_cp1252_transcript_loads_with_decoded_characters(write_files, corpus_dir, assert_offsets):
    data = (b"Rose: I said \x93yes\x94 to \xa3" b"5.\r\n"
            b"Dev: And \x80" b"3 more.\r\n"
            b"Rose: Fine.\r\n")
    write_files({"legacy.txt": data})
    corpus = load_corpus(corpus_dir)
    doc = corpus.document("legacy.txt")
    assert doc.encoding == "cp1252"
    assert doc.text == "Rose: I said “yes” to £5.\nDev: And €3 more.\nRose: Fine.\n"
    assert [s.text for s in corpus.segments] == ["I said “yes” to £5.", "And €3 more.", "Fine."]
    assert_offsets(corpus)


def test_crlf_offsets_count_normalised_characters(write_files, corpus_dir):
    write_files({"crlf.txt": b"Rose: one\r\nDev: two\r\nRose: three\r\n"})
    corpus = load_corpus(corpus_dir)
    starts = [s.start_char for s in corpus.segments]
    # "Rose: one\n" is 10 characters; "Dev: two\n" 9 more; the CR of each CRLF is not counted.
    assert starts == [6, 15, 25]


def test_combining_characters_are_composed_before_offsets(write_files, corpus_dir, assert_offsets):
    text = "Zoe\u0308: Cafe\u0301 first.\nDev: Yes.\nZoe\u0308: Cre\u0300me bru\u0302le\u0301e.\n"
    write_files({"nfd.txt": text})
    corpus = load_corpus(corpus_dir)
    doc = corpus.document("nfd.txt")
    assert doc.text == unicodedata.normalize("NFC", text)
    assert doc.speakers == ["Zoë", "Dev"]
    assert [s.text for s in corpus.segments] == ["Café first.", "Yes.", "Crème brûlée."]
    assert_offsets(corpus)


def test_emoji_with_skin_tone_and_zwj_keep_offsets(write_files, corpus_dir, assert_offsets):
    text = f"{THUMBS} Team update\n\nWe met {FAMILY} families today {THUMBS}.\n\nMore {THUMBS}{THUMBS} later.\n"
    write_files({"emoji.txt": text})
    corpus = load_corpus(corpus_dir)
    assert [s.text for s in corpus.segments] == [f"We met {FAMILY} families today {THUMBS}.",
                                                f"More {THUMBS}{THUMBS} later."]
    assert_offsets(corpus)
