"""Speaker labels and plain-text structure (workbench.corpus.structure)."""
from __future__ import annotations

import pytest

from workbench.corpus.structure import (Header, match_header, parse_plain, parse_transcript,
                                        split_label)


def spans(text, blocks):
    """(kind, speaker, text) of every block except speaker labels and list markers."""
    return [(b.kind, b.speaker, text[b.start_char:b.end_char]) for b in blocks if b.kind not in ("label", "marker")]


def turns(blocks):
    return [b for b in blocks if b.kind == "turn"]


# -- match_header: one speaker form per test --------------------------------------------------------
def test_header_name_colon():
    assert match_header("Rose: hello") == Header("Rose", None, None, 6)


def test_header_upper_case_name():
    assert match_header("ROSE: hello").name == "ROSE"


def test_header_two_word_name():
    assert match_header("Dev Patel: hello").name == "Dev Patel"


def test_header_name_with_particle():
    assert match_header("Ludwig van Beethoven: hello").name == "Ludwig van Beethoven"


def test_header_bracketed_timestamp():
    header = match_header("[00:01:02] Rose: hello")
    assert (header.name, header.timestamp) == ("Rose", "00:01:02")
    assert "[00:01:02] Rose: hello"[header.text_start:] == "hello"


def test_header_bare_timestamp():
    header = match_header("00:01:02 Rose: hello")
    assert (header.name, header.timestamp) == ("Rose", "00:01:02")
    assert "00:01:02 Rose: hello"[header.text_start:] == "hello"


def test_header_otter_style_name_and_time_alone_on_line():
    line = "Speaker 1  0:03"
    header = match_header(line)
    assert (header.name, header.timestamp) == ("Speaker 1", "0:03")
    assert header.text_start == len(line)


def test_header_role_in_brackets():
    header = match_header("Rose (carer): hello")
    assert (header.name, header.role) == ("Rose", "carer")


def test_header_abbreviated_title():
    assert match_header("Dr. Smith: hello").name == "Dr. Smith"


@pytest.mark.parametrize("line", [
    "Note: something",
    "NOTE: something",
    "Update: the meeting moved",
    "Summary: it went well",
    "https://example.org: a link",
    "[break]",
    "the cat: lowercase is not a name",
    "Rose:no space after the colon",
    "This Is Far Too Many Words: for a name",
    "",
])
def test_header_rejects_non_speaker_lines(line):
    assert match_header(line) is None


def test_split_label_returns_offset_of_text():
    speaker, offset = split_label("Tom: Hi there")
    assert (speaker, "Tom: Hi there"[offset:]) == ("Tom", "Hi there")


def test_split_label_without_label():
    assert split_label("just words") == (None, 0)


def test_split_label_label_without_text_is_not_split():
    assert split_label("Tom:") == (None, 0)


# -- parse_transcript -------------------------------------------------------------------------------
def test_transcript_name_colon_turns():
    text = "Rose: Hello there.\nDev: Hi Rose.\nRose: Shall we start?\n"
    blocks, roles = parse_transcript(text)
    assert spans(text, blocks) == [("turn", "Rose", "Hello there."), ("turn", "Dev", "Hi Rose."),
                                   ("turn", "Rose", "Shall we start?")]
    assert roles == {}


def test_transcript_upper_case_names():
    text = "ROSE: Hello.\nDEV: Hi.\nROSE: Bye.\n"
    blocks, _ = parse_transcript(text)
    assert [b.speaker for b in turns(blocks)] == ["ROSE", "DEV", "ROSE"]


def test_transcript_bracketed_timestamps():
    text = "[00:00:12] Ruth: Welcome.\n\n[00:00:58] Joy: Thanks.\n\n[00:01:04] Ruth: Right.\n"
    blocks, _ = parse_transcript(text)
    assert [(b.speaker, b.timestamp) for b in turns(blocks)] == [
        ("Ruth", "00:00:12"), ("Joy", "00:00:58"), ("Ruth", "00:01:04")]
    assert spans(text, blocks)[1][2] == "Thanks."


def test_transcript_bare_timestamps():
    text = "00:00:12 Ruth: Welcome.\n00:00:58 Joy: Thanks.\n00:01:04 Ruth: Right.\n"
    blocks, _ = parse_transcript(text)
    assert [(b.speaker, b.timestamp, text[b.start_char:b.end_char]) for b in turns(blocks)] == [
        ("Ruth", "00:00:12", "Welcome."), ("Joy", "00:00:58", "Thanks."), ("Ruth", "00:01:04", "Right.")]
    assert [text[b.start_char:b.end_char] for b in blocks if b.kind == "label"] == [
        "00:00:12 Ruth:", "00:00:58 Joy:", "00:01:04 Ruth:"]


def test_transcript_otter_style_headers_on_their_own_lines():
    text = ("Speaker 1  0:03\nHello there, how are you.\nSecond line.\n\n"
            "Speaker 2  0:10\nFine thanks.\n\n"
            "Speaker 1  0:15\nGood.\n")
    blocks, _ = parse_transcript(text)
    assert [(b.kind, b.speaker, b.timestamp, text[b.start_char:b.end_char]) for b in turns(blocks)] == [
        ("turn", "Speaker 1", "0:03", "Hello there, how are you.\nSecond line."),
        ("turn", "Speaker 2", "0:10", "Fine thanks."),
        ("turn", "Speaker 1", "0:15", "Good."),
    ]


def test_transcript_roles_from_labels():
    text = "Rose (carer): I look after Mum.\nDev (commissioner): Thanks.\nRose: Anyway.\n"
    blocks, roles = parse_transcript(text)
    assert roles == {"Rose": "carer", "Dev": "commissioner"}
    assert [b.speaker for b in turns(blocks)] == ["Rose", "Dev", "Rose"]


def test_transcript_continuation_paragraph_belongs_to_previous_speaker():
    text = "Rose: First part.\n\nAnd a second paragraph.\n\nDev: Reply.\nRose: End.\n"
    blocks, _ = parse_transcript(text)
    assert spans(text, blocks)[0] == ("turn", "Rose", "First part.\n\nAnd a second paragraph.")
    assert len(turns(blocks)) == 3


def test_transcript_stage_note_is_a_note_block_without_speaker():
    text = "Rose: Before.\nDev: Yes.\n[break]\nRose: After.\nDev: Ok.\n"
    blocks, _ = parse_transcript(text)
    assert ("note", None, "[break]") in spans(text, blocks)
    assert [b.speaker for b in blocks if b.kind == "turn"] == ["Rose", "Dev", "Rose", "Dev"]


def test_transcript_stage_note_ends_the_open_turn():
    text = "Rose: Before.\n[break]\nDev: Yes.\nRose: After.\n"
    blocks, _ = parse_transcript(text)
    assert spans(text, blocks)[0] == ("turn", "Rose", "Before.")


def test_transcript_first_line_becomes_title():
    text = "Workshop 1 (Northgate, 14 March)\n\nRose: Hi.\nDev: Hello.\nRose: Bye.\n"
    blocks, _ = parse_transcript(text)
    assert spans(text, blocks)[0] == ("title", None, "Workshop 1 (Northgate, 14 March)")


def test_prose_with_note_labels_is_not_a_transcript():
    text = ("A visit to the day centre\n\n"
            "We arrived at ten and were shown round.\n"
            "Note: something important about access.\n"
            "Note: the lift was broken again.\n"
            "Note: parking is limited.\n\n"
            "Everyone was welcoming.\n")
    assert parse_transcript(text) is None


def test_two_labelled_turns_are_a_transcript():
    text = "Rose: Hi.\nDev: Hello.\n"
    blocks, _ = parse_transcript(text)
    assert spans(text, blocks) == [("turn", "Rose", "Hi."), ("turn", "Dev", "Hello.")]


def test_two_turns_with_role_labels_before_a_long_answer_are_a_transcript():
    answer = "\n".join(f"Part {i} of the answer goes on here." for i in range(6))
    text = f"Q: How did it start?\nA: {answer}\n"
    blocks, _ = parse_transcript(text)
    assert [b.speaker for b in turns(blocks)] == ["Q", "A"]


def test_single_word_labels_that_never_recur_in_prose_are_not_a_transcript():
    prose = "\n".join(f"Line {i} of ordinary prose without labels." for i in range(10))
    assert parse_transcript(f"Time: people need it.\nMoney: pay them.\nTrust: build it.\n{prose}\n") is None


def test_labels_that_never_recur_but_make_the_whole_text_are_a_transcript():
    blocks, _ = parse_transcript("Rose: a.\nDev: b.\nTom: c.\n")
    assert [b.speaker for b in turns(blocks)] == ["Rose", "Dev", "Tom"]


def test_forced_parsing_accepts_a_single_label():
    text = "Some notes before.\n\nRose: I said this.\n"
    assert parse_transcript(text) is None
    blocks, _ = parse_transcript(text, force=True)
    assert spans(text, blocks) == [("paragraph", None, "Some notes before."), ("turn", "Rose", "I said this.")]


def test_names_alone_on_lines_before_turns_are_speakers():
    text = ("Sam Jones\nWelcome, everyone. Today we talk about pay.\n\nPriya\nThanks for having me.\n\n"
            "Sam Jones\nSo where do we start?\n\nPriya 00:02:10\nWith the money, always.\n")
    blocks, _ = parse_transcript(text)
    assert [(b.speaker, text[b.start_char:b.end_char]) for b in turns(blocks)] == [
        ("Sam Jones", "Welcome, everyone. Today we talk about pay."), ("Priya", "Thanks for having me."),
        ("Sam Jones", "So where do we start?"), ("Priya", "With the money, always.")]
    assert turns(blocks)[3].timestamp == "00:02:10"
    assert [text[b.start_char:b.end_char] for b in blocks if b.kind == "label"] == [
        "Sam Jones", "Priya", "Sam Jones", "Priya 00:02:10"]


def test_a_timestamp_alone_under_a_name_belongs_to_the_label():
    text = ("Sam Jones\n00:00:06\nWelcome, everyone.\n\nPriya\n[00:00:31]\nThanks for having me.\n12:40 was late.\n\n"
            "Sam Jones\n00:01:02\nSo where do we start?\n\nPriya\n00:01:09\nWith the money.\n")
    blocks, _ = parse_transcript(text)
    assert [(b.speaker, b.timestamp, text[b.start_char:b.end_char]) for b in turns(blocks)] == [
        ("Sam Jones", "00:00:06", "Welcome, everyone."), ("Priya", "00:00:31", "Thanks for having me.\n12:40 was late."),
        ("Sam Jones", "00:01:02", "So where do we start?"), ("Priya", "00:01:09", "With the money.")]
    assert [text[b.start_char:b.end_char] for b in blocks if b.kind == "label"] == [
        "Sam Jones", "00:00:06", "Priya", "[00:00:31]", "Sam Jones", "00:01:02", "Priya", "00:01:09"]


def test_headings_that_never_recur_are_not_names_alone():
    text = ("Background\nWe met four times in the spring.\n\nWhat helped\nPaying people on the day.\n\n"
            "What got in the way\nThe room was hard to reach.\n")
    assert parse_transcript(text) is None


def test_sparse_labels_in_long_prose_are_not_a_transcript():
    prose = "\n".join(f"Line {i} of ordinary prose without labels." for i in range(30))
    assert parse_transcript(f"Rose: a.\n{prose}\nDev: b.\nRose: c.\n") is None


# -- parse_plain ------------------------------------------------------------------------------------
def test_plain_title_paragraphs_and_heading_sections():
    text = "My title\n\nFirst paragraph here.\n\nFindings:\n\nSecond paragraph here.\n"
    blocks = parse_plain(text)
    assert [(b.kind, b.section, text[b.start_char:b.end_char]) for b in blocks if b.kind != "marker"] == [
        ("title", None, "My title"),
        ("paragraph", None, "First paragraph here."),
        ("heading", None, "Findings:"),
        ("paragraph", "Findings", "Second paragraph here."),
    ]


def test_plain_bullets_become_list_items_under_their_lead_line():
    text = "Intro text.\n\nWhat helped\n- being paid\n- plain English\n  with a wrapped line\n"
    blocks = parse_plain(text)
    assert [(b.kind, b.section, text[b.start_char:b.end_char]) for b in blocks if b.kind != "marker"] == [
        ("paragraph", None, "Intro text."),
        ("heading", None, "What helped"),
        ("list_item", "What helped", "being paid"),
        ("list_item", "What helped", "plain English\n  with a wrapped line"),
    ]


def test_plain_wrapped_paragraph_is_one_block():
    text = ("Title\n\nWe met in the community hall on a wet Tuesday, and the\nroom was full before the "
            "kettle had boiled, which\nsurprised everyone.\n")
    assert spans(text, parse_plain(text))[1] == (
        "paragraph", None, "We met in the community hall on a wet Tuesday, and the\nroom was full before the "
                           "kettle had boiled, which\nsurprised everyone.")


def test_plain_short_lines_without_punctuation_are_not_joined():
    text = "Title\n\nline one\nline two.\n"
    assert spans(text, parse_plain(text))[1:] == [("paragraph", None, "line one"), ("paragraph", None, "line two.")]
