"""Fuzzing (Hypothesis) of the speaker parser, the caption readers and the zip-based readers.

Two kinds of input: arbitrary text or bytes (the readers must return a sound result or raise the
project's FileReadError, nothing else), and generated valid-ish transcripts and cues with random
speakers, voice tags, roles, timestamps and Unicode (every word must come back, under the right
speaker, at offsets that slice back to it).
"""
from __future__ import annotations

import io
import unicodedata
import zipfile

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from workbench.corpus.readers.archive import check_zip
from workbench.corpus.readers.captions import read_srt, read_vtt
from workbench.corpus.readers.docx import read_docx
from workbench.corpus.readers.tabular import read_xlsx
from workbench.corpus.structure import parse_transcript
from workbench.corpus.text import normalise
from workbench.errors import FileReadError, WorkbenchError

# Sized so the module runs in well under 30 s on two busy cores.
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STRUCTURED = settings(max_examples=50, deadline=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
SLOW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LINE_BREAKS = set("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

# -- strategies -------------------------------------------------------------------------------------
# Pieces that steer arbitrary text towards the parsers' interesting paths.
PIECES = st.sampled_from([
    "\n", "\n\n", "\r\n", "\r", " ", "\t", ":", ": ", "Rose", "Dev Patel", "Speaker 1", "AMIRA", " (carer)",
    "[00:01:02] ", "0:03", "00:00:01.000 --> 00:00:02.000", "00:01.5 --> 00:02.000", "01:02:03,004 --> 01:02:05,000",
    " align:start", "WEBVTT", "WEBVTT\n\n", "NOTE ", "STYLE", "1\n", "<v Rose>", "<v.loud Dev Patel>", "<v >", "<v",
    "</v>", "<i>", "</i>", "<b>", "<", ">", "&amp;", "&lt;", "&#0;", "&#x1F600;", "&", "[break]", "(laughs)",
    "-->", "\u0338", "😀", "👩‍👩‍👧", "e\u0301", "\ufeff", "\u00a0", "\u2028", "\x85", "\x0c", "£", "“", "”",
])
CHARS = st.characters(blacklist_categories=("Cs",))
TEXTS = st.lists(st.one_of(PIECES, st.text(CHARS, max_size=5)), max_size=40).map("".join)

# Words of generated transcripts: a plain first character (so nothing composes with the markup
# before it under NFC), then any printable character except markup and white space.
_FIRST = st.sampled_from(list("abcxyzABQ019éßøλжक漢字😀👍🏽") + ["Ω"])
_REST = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="<>&"),
                max_size=6)
WORD = st.builds(lambda a, b: a + b, _FIRST, _REST)
UTTERANCE = st.lists(WORD, min_size=1, max_size=12).map(" ".join)
# Names the label parser accepts ("Name:"), and any names for WebVTT voice tags.
LABEL_NAMES = ["Rose", "Dev Patel", "Speaker 1", "AMIRA", "Jean-Luc", "Zoë", "O'Neil", "Ana de la Cruz",
               "Dr. Okafor", "Łukasz"]
VOICE_NAMES = LABEL_NAMES + ["rose (lower case)", "李雷", "Fish &amp; Chips", "Dev\tPatel", "😀 Emoji", "x"]
ROLES = ["carer", "lived experience", "practitioner", "commissioner"]


def _clock(h: int, m: int, s: int) -> str:
    return f"{h:02d}:{m:02d}:{s:02d}"


TIMES = st.tuples(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59), st.integers(0, 999))


def _check_blocks(text: str, blocks) -> None:
    """Blocks lie inside the text, in order, without overlap, trimmed and non-empty; speakers are
    single-line names."""
    previous = 0
    for block in blocks:
        assert previous <= block.start_char < block.end_char <= len(text), block
        span = text[block.start_char:block.end_char]
        assert span == span.strip() and span, block
        previous = block.end_char
        if block.speaker is not None:
            assert block.speaker.strip() == block.speaker != "", block
            assert not set(block.speaker) & LINE_BREAKS, block


def _check_result(result) -> None:
    assert "\r" not in result.text and not result.text.startswith("\ufeff")
    assert unicodedata.is_normalized("NFC", result.text)
    _check_blocks(result.text, result.blocks)
    turns = [b for b in result.blocks if b.kind == "turn"]
    assert turns and all(b.kind in ("turn", "label") for b in result.blocks)
    for label in (b for b in result.blocks if b.kind == "label"):  # a label names the speaker of its turn
        assert result.text[label.start_char:label.end_char].startswith(label.speaker)


# -- the speaker parser -----------------------------------------------------------------------------
@FAST
@given(TEXTS)
def test_parse_transcript_on_arbitrary_text_is_sound(raw):
    text = normalise(raw)
    found = parse_transcript(text)
    if found is None:
        return
    blocks, roles = found
    _check_blocks(text, blocks)
    speakers = {b.speaker for b in blocks if b.kind == "turn"}
    assert speakers and None not in speakers
    assert set(roles) <= speakers
    for block in blocks:
        if block.speaker and block.kind == "turn":
            line_start = text.rfind("\n", 0, block.start_char) + 1
            assert block.speaker in text[line_start:block.start_char]  # the label is on the turn's first line


@st.composite
def labelled_transcripts(draw):
    """Lines ``[ts] Name (role): utterance``: at least three, two speakers, one of them recurring."""
    n = draw(st.integers(3, 12))
    names = draw(st.lists(st.sampled_from(LABEL_NAMES), min_size=n, max_size=n))
    assume(len(set(names)) >= 2 and len(set(names)) < len(names))
    turns = []
    for name in names:
        role = draw(st.none() | st.sampled_from(ROLES))
        stamp = draw(st.none() | TIMES.map(lambda t: _clock(*t[:3])))
        utterance = draw(UTTERANCE)
        space = draw(st.sampled_from([" ", "  ", "\t", " \t"]))
        turns.append((name, role, stamp, utterance, space))
    return turns


@STRUCTURED
@given(labelled_transcripts())
def test_parse_transcript_keeps_every_generated_turn(turns):
    lines = []
    for name, role, stamp, utterance, space in turns:
        prefix = f"[{stamp}] " if stamp else ""
        label = f"{name} ({role})" if role else name
        lines.append(f"{prefix}{label}:{space}{utterance}")
    text = normalise("\n".join(lines) + "\n")
    found = parse_transcript(text)
    assert found is not None
    blocks, roles = found
    _check_blocks(text, blocks)
    assert [(b.kind, b.speaker, b.timestamp, text[b.start_char:b.end_char]) for b in blocks if b.kind == "turn"] \
        == [("turn", name, stamp, normalise(utterance)) for name, _, stamp, utterance, _ in turns]
    assert [b.kind for b in blocks] == ["label", "turn"] * len(turns)  # every character is accounted for
    expected_roles: dict[str, str] = {}
    for name, role, *_ in turns:
        if role:
            expected_roles.setdefault(name, role)
    assert roles == expected_roles


# -- caption readers on arbitrary input -------------------------------------------------------------
def _read_or_file_error(reader, data: bytes, path: str):
    try:
        return reader(data, path)
    except FileReadError as err:
        assert err.code in {"E002", "E007", "E008"}, err
        return None
    except WorkbenchError as err:  # a numbered error is still acceptable, but must say its code
        assert str(err).startswith("[E"), err
        return None


@FAST
@given(TEXTS, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "crlf"]))
def test_read_vtt_on_arbitrary_text_returns_sound_turns_or_e007(raw, encoding):
    text = "WEBVTT\n\n" + raw
    data = text.replace("\n", "\r\n").encode() if encoding == "crlf" else text.encode(encoding, "surrogatepass")
    result = _read_or_file_error(read_vtt, data, "x.vtt")
    if result is not None:
        _check_result(result)


@FAST
@given(TEXTS)
def test_read_srt_on_arbitrary_text_returns_sound_turns_or_e008(raw):
    result = _read_or_file_error(read_srt, raw.encode("utf-8", "surrogatepass"), "x.srt")
    if result is not None:
        _check_result(result)


@FAST
@given(st.binary(max_size=300))
def test_caption_readers_on_arbitrary_bytes(data):
    for reader, path in ((read_vtt, "x.vtt"), (read_srt, "x.srt")):
        for payload in (data, b"WEBVTT\n\n" + data):
            result = _read_or_file_error(reader, payload, path)
            if result is not None:
                _check_result(result)


# -- caption readers on generated valid cues --------------------------------------------------------
@st.composite
def cue_lists(draw, voice: bool):
    """Cues (speaker, text, start time) with a speaker each, the text on one or two lines."""
    n = draw(st.integers(1, 10))
    cues = []
    for _ in range(n):
        speaker = draw(st.sampled_from(VOICE_NAMES if voice else LABEL_NAMES))
        words = draw(st.lists(WORD, min_size=1, max_size=10))
        cut = draw(st.integers(0, len(words) - 1))
        cues.append((speaker, words[:cut], words[cut:], draw(TIMES)))
    return cues


def _expected_turns(cues, speaker_of) -> list[tuple[str, str, str]]:
    """(speaker, timestamp, text) per turn: consecutive cues by the same speaker are joined."""
    turns: list[tuple[str, str, str]] = []
    for speaker, first, rest, (h, m, s, _) in cues:
        name = speaker_of(speaker)
        text = " ".join(first + rest)
        if turns and turns[-1][0] == name:
            turns[-1] = (name, turns[-1][1], turns[-1][2] + " " + text)
        else:
            turns.append((name, _clock(h, m, s), text))
    return [(name, stamp, normalise(text)) for name, stamp, text in turns]


def _cue_lines(first: list[str], rest: list[str]) -> list[str]:
    return [" ".join(part) for part in (first, rest) if part]


def _voice_name(raw: str) -> str:
    import html
    import re

    return re.sub(r"\s+", " ", html.unescape(raw)).strip()


@STRUCTURED
@given(cue_lists(voice=True), st.booleans(), st.booleans(), st.sampled_from(["\n", "\r\n"]),
       st.sampled_from(["", " align:start position:10%", " line:0"]))
def test_vtt_voice_cues_keep_all_their_text_and_speakers(cues, ids, short_times, newline, settings_text):
    blocks = ["WEBVTT - generated"]
    for n, (speaker, first, rest, (h, m, s, ms)) in enumerate(cues, start=1):
        start = f"{m:02d}:{s:02d}.{ms:03d}" if short_times and h == 0 else f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"
        lines = [str(n)] if ids else []
        lines.append(f"{start} --> {h + 1:02d}:00:00.000{settings_text}")
        body = _cue_lines(first, rest)
        body[0] = f"<v {speaker}>{body[0]}"
        body[-1] += "</v>"
        blocks.append("\n".join(lines + body))
    data = newline.join("\n\n".join(blocks).split("\n")).encode("utf-8")
    result = read_vtt(data, "g.vtt")
    _check_result(result)
    got = [(b.speaker, b.timestamp, result.text[b.start_char:b.end_char]) for b in result.blocks if b.kind == "turn"]
    assert got == _expected_turns(cues, _voice_name)


@STRUCTURED
@given(cue_lists(voice=False), st.booleans(), st.sampled_from(["\n", "\r\n"]),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_srt_labelled_cues_keep_all_their_text_and_speakers(cues, italic, newline, encoding):
    blocks = []
    for n, (speaker, first, rest, (h, m, s, ms)) in enumerate(cues, start=1):
        body = _cue_lines(first, rest)
        body[0] = f"{speaker}: {body[0]}"
        if italic:
            body[0], body[-1] = "<i>" + body[0], body[-1] + "</i>"
        blocks.append("\n".join([str(n), f"{h:02d}:{m:02d}:{s:02d},{ms:03d} --> {h:02d}:{m:02d}:{s:02d},999",
                                 *body]))
    data = newline.join("\n\n".join(blocks).split("\n")).encode(encoding)
    result = read_srt(data, "g.srt")
    _check_result(result)
    got = [(b.speaker, b.timestamp, result.text[b.start_char:b.end_char]) for b in result.blocks if b.kind == "turn"]
    assert got == _expected_turns(cues, lambda name: name)
    assert result.text.startswith(f"{got[0][0]}: ")  # the document reads with its labels


# -- zip-based readers on damaged archives ----------------------------------------------------------
def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    for name, text in [("Rose", "Hello there."), ("Dev", "Hi Rose."), ("Rose", "Shall we start?")]:
        document.add_paragraph(f"{name}: {text}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in [["speaker", "text"], ["Rose", "Hello there."], ["Dev", "Hi Rose."]]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


DOCX, XLSX = _docx_bytes(), _xlsx_bytes()
MUTATIONS = st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8)


def _mutate(data: bytes, mutations) -> bytes:
    out = bytearray(data)
    for where, value in mutations:
        out[int(where * len(out))] = value
    return bytes(out)


@SLOW
@given(MUTATIONS, st.sampled_from(["docx", "xlsx"]), st.integers(0, 100))
def test_damaged_office_files_read_or_raise_file_read_error(mutations, kind, cut_percent):
    original, reader, code = (DOCX, read_docx, "E005") if kind == "docx" else (XLSX, read_xlsx, "E010")
    data = _mutate(original, mutations)
    if cut_percent < 20:  # sometimes truncated as well
        data = data[: len(data) * (cut_percent + 80) // 100]
    try:
        result = reader(data, f"x.{kind}")
    except FileReadError as err:
        assert err.code in {code, "E009"}, err
        return
    _check_blocks(result.text, result.blocks)


@FAST
@given(st.binary(max_size=2000))
def test_check_zip_on_arbitrary_bytes_never_raises(data):
    reason = check_zip(data)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        assert reason == "it is not a zip archive (a .docx or .xlsx file is one)"
    elif reason is None:  # "may be opened" must hold: every member reads
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                archive.read(info)
    else:
        assert reason.startswith(("the archive", "member "))


@FAST
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12), min_size=1,
                max_size=5, unique=True))
def test_check_zip_refuses_every_member_path_that_climbs_out(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(zipfile.ZipInfo(name), b"x")
        archive.writestr(zipfile.ZipInfo("ok/../../escape.txt"), b"x")
    assert "unsafe member path" in (check_zip(buffer.getvalue()) or "")
