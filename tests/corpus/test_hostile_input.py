"""Hostile input: a corpus of everything that goes wrong on real laptops, built here in tmp.

Binary files named .txt, empty and blank files, UTF-16/cp1252/CRLF/emoji text, a 20 MB document,
decompression bombs and path tricks inside .docx/.xlsx, corrupt PDF and captions, unsupported types,
odd file names, deep folders, pipes, devices and symlink loops. Expected: every readable file loads
with its text intact, every unreadable one is named with a numbered reason, the run finishes, and
neither the library nor the command line shows a traceback.
"""
from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from workbench.corpus import load_corpus
from workbench.corpus.loader import DEFAULT_MAX_DOCUMENT_WORDS, DEFAULT_MAX_FILE_MB
from workbench.corpus.readers.captions import read_srt, read_vtt
from workbench.corpus.readers.markdown import read_md
from workbench.corpus.readers.tabular import read_xlsx
from workbench.corpus.segment import sentence_spans
from workbench.errors import FileReadError

REPO = Path(__file__).resolve().parents[2]
WORKBENCH = REPO / ".venv" / "bin" / "workbench"
LINE_BREAKS = set("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

# -- the hostile corpus -----------------------------------------------------------------------------
UTF16_TEXT = "Rose: Café – £5 for the bus 🚌.\nDev: Ça va? 👍🏽\nRose: Yes — thanks.\n"
CP1252_TEXT = "Rose: The café – £20 voucher…\nDev: “Quotes” and ‘apostrophes’.\nRose: Done.\n"
CRLF_TEXT = "Rose: one line.\r\nDev: two lines\r\nstill Dev.\r\nRose: three, with a lone CR\rafter it.\r\n"
EMOJI_TEXT = ("Amira: I felt 😀😀 happy 👩‍👩‍👧 family 🏳️‍🌈 🇬🇧 🧑🏿‍🦱.\n"
              "Dev: 🙏 thank you.\nAmira: ❤️ and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 beyond the BMP.\n")
NFD_TEXT = "Rose: cafe\u0301 and Zoe\u0308.\nDev: noted.\nRose: ok.\n"
ODD_NAMES = [
    "café – notes.txt", "-x.txt", "--help.txt", "name with  spaces.txt", "quote \" and ' marks.txt",
    "$(rm -rf ~).txt", "`touch pwned`.txt", "semi;colon & amp | pipe.txt", "new\nline.txt", "tab\tname.txt",
    "star*question?.txt", "back\\slash.txt", "long-" + "x" * 240 + ".txt", "é" * 120 + ".txt",
    "UPPER.TXT", "trailing dot..txt", " leading space.txt",
]
NON_UTF8_NAME = b"latin1-\xe9t\xe9.txt"  # bytes that are not UTF-8: a name from an old Windows share
NON_UTF8_ID = "latin1-\\xe9t\\xe9.txt"
NESTED = "a/b/c/d/e/deep.txt"
BIG = "big-20mb.txt"
BIG_MB = 20
BIG_WORDS_ALLOWED = 10_000_000  # the 20 MB transcript has about 5 million words
ZEROS_CHUNK = 1024 * 1024
BOMB_BYTES = 24 * 1024 * 1024  # compresses about 1000:1; the guard refuses anything over 200:1


def _transcript(token: str) -> str:
    return f"Rose: {token} first.\nDev: {token} second.\nRose: {token} third.\n"


def _big_text() -> tuple[str, int]:
    """About 20 MB of speaker lines (each line one turn), and the number of lines."""
    speakers = ["Rose", "Dev Patel", "Speaker 1", "AMIRA (carer)"]
    phrases = [" ".join(f"w{(i * 7 + j) % 97}" for j in range(5 + i % 40)) for i in range(50)]
    lines, size, n = [], 0, 0
    while size < BIG_MB * 1024 * 1024:
        line = f"{speakers[n % 4]}: turn {n} {phrases[n % 50]} £.\n"  # no emoji: 1 byte a character in memory
        lines.append(line)
        size += len(line.encode("utf-8"))
        n += 1
    return "".join(lines), n


def _docx(turns: list[tuple[str, str]], extra: dict[str, bytes | int] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for name, text in turns:
        document.add_paragraph(f"{name}: {text}")
    out = io.BytesIO()
    document.save(out)
    return _add_members(out.getvalue(), extra or {})


def _xlsx(rows: list[list[str]], sheet_xml: bytes | None = None,
          extra: dict[str, bytes | int] | None = None) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    if sheet_xml is not None:
        data = _add_members(data, {}, replace={"xl/worksheets/sheet1.xml": sheet_xml})
    return _add_members(data, extra or {})


def _add_members(data: bytes, extra: dict[str, bytes | int], replace: dict[str, bytes] | None = None) -> bytes:
    """Copy a zip, replacing members and adding ``extra`` ones (an int: that many zero bytes, streamed)."""
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, payload in extra.items():
            if isinstance(payload, int):
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(info, "w") as member:
                    for _ in range(payload // ZEROS_CHUNK):
                        member.write(bytes(ZEROS_CHUNK))
            else:
                dst.writestr(zipfile.ZipInfo(name), payload, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _zip_with_false_size(real_size: int = 16 * 1024 * 1024, claimed: int = 1000) -> bytes:
    """A zip whose one member claims ``claimed`` bytes but inflates to ``real_size``: the ratio check
    alone trusts the claim, so reading must stop at the claimed size and fail the CRC check."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = comp.compress(b"\0" * real_size) + comp.flush()
    name = b"word/document.xml"
    local = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, 0, len(payload), claimed, len(name), 0)
    central = struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, 0, len(payload), claimed,
                          len(name), 0, 0, 0, 0, 0, 0)
    body = local + name + payload
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(name), len(body), 0)
    return body + central + name + end


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF with a correct xref table; object 1 must be the catalog."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _pdf_page(stream: bytes, filters: bytes = b"") -> bytes:
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d %s >>\nstream\n" % (len(stream), filters) + stream + b"\nendstream",
    ])


def _flate_bomb(mb: int = 96) -> bytes:
    """A content stream that inflates to ``mb`` MB of text operators (more than pypdf will inflate)."""
    comp = zlib.compressobj(9)
    chunk = b"BT /F1 12 Tf (aaaaaaaa) Tj ET\n" * (ZEROS_CHUNK // 30)
    return b"".join(comp.compress(chunk) for _ in range(mb)) + comp.flush()


def _pdf_text(lines: list[str]) -> bytes:
    ops = ["BT", "/F1 12 Tf", "16 TL", "72 720 Td"] + [f"({line}) Tj T*" for line in lines] + ["ET"]
    return _pdf_page("\n".join(ops).encode("cp1252"))


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15"
       b"\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
SPARSE_SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<dimension ref="A1:XFD1048576"/><sheetData>'
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>text</t></is></c></row>'
                b'<row r="2"><c r="A2" t="inlineStr"><is><t>hello</t></is></c></row>'
                b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far away</t></is></c></row>'
                b"</sheetData></worksheet>")


def _yaml_laughs() -> str:
    lines, prev = ["a: &a [" + ", ".join(["lol"] * 9) + "]"], "a"
    for letter in "bcdefghi":
        lines.append(f"{letter}: &{letter} [" + ", ".join([f"*{prev}"] * 9) + "]")
        prev = letter
    return "---\n" + "\n".join(lines) + "\n---\n\nA blog post after a YAML bomb.\n"


@dataclass
class Readable:
    """A file that must load: its exact text (when the format keeps it) or pieces it must contain."""

    exact: str | None = None
    contains: list[str] = field(default_factory=list)
    speakers: set[str] | None = None


# Unreadable files (path -> expected code). Names are plain so the CLI output can be searched.
UNREADABLE: dict[str, str] = {
    "png-named.txt": "E002", "nul-in-text.txt": "E002", "utf16-no-bom.txt": "E002",
    "empty.txt": "E001", "whitespace.txt": "E001", "unicode-spaces.txt": "E001", "utf16-spaces.txt": "E001",
    "empty.vtt": "E001",
    "notes.rtf": "E003", "archive.zip": "E003", "README": "E003", "slides.pptx": "E003",
    "docs/zip-bomb.docx": "E005", "docs/false-size.docx": "E005", "docs/traversal.docx": "E005",
    "docs/absolute-member.docx": "E005", "docs/drive-letter.docx": "E005", "docs/random-bytes.docx": "E005",
    "docs/truncated.docx": "E005", "docs/png-named.docx": "E005",
    "sheets/zip-bomb.xlsx": "E010", "sheets/traversal.xlsx": "E010", "sheets/sparse-bomb.xlsx": "E010",
    "pdf/corrupt.pdf": "E006", "pdf/png-named.pdf": "E006", "pdf/cyclic-pages.pdf": "E006",
    "pdf/flate-bomb.pdf": "E006", "pdf/no-text-layer.pdf": "E013",
    "captions/no-header.vtt": "E007", "captions/broken-timings.vtt": "E007", "captions/no-timings.srt": "E008",
    "tables/no-text-column.csv": "E009",
    "blogs/yaml-laughs.md": "E520", "blogs/headings-only.md": "E013",
    "special/fifo.txt": "E012", "special/dev-zero.txt": "E012", "special/dangling.txt": "E012",
    "special/ring-a.txt": "E011", "special/ring-b.txt": "E011", "special/self.txt": "E011",
    "loops/parent": "E011", "loops/here": "E011",
}


def build_hostile_corpus(root: Path) -> tuple[dict[str, Readable], dict[str, str]]:
    """Write the corpus below ``root``; return (readable doc_id -> expectation, unreadable path -> code)."""
    readable: dict[str, Readable] = {}

    def write(rel: str, data: bytes | str) -> Path:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    # Encodings, line ends, emoji: the text must come back exactly (normalised: LF, NFC, no BOM).
    for rel, data, text in [
        ("enc/utf16-le.txt", b"\xff\xfe" + UTF16_TEXT.replace("\n", "\r\n").encode("utf-16-le"), UTF16_TEXT),
        ("enc/utf16-be.txt", b"\xfe\xff" + UTF16_TEXT.encode("utf-16-be"), UTF16_TEXT),
        ("enc/utf8-bom.txt", b"\xef\xbb\xbf" + UTF16_TEXT.encode("utf-8"), UTF16_TEXT),
        ("enc/cp1252.txt", CP1252_TEXT.encode("cp1252"), CP1252_TEXT),
        ("enc/crlf.txt", CRLF_TEXT.encode("utf-8"), CRLF_TEXT.replace("\r\n", "\n").replace("\r", "\n")),
        ("enc/emoji.txt", EMOJI_TEXT.encode("utf-8"), EMOJI_TEXT),
        ("enc/nfd.txt", NFD_TEXT.encode("utf-8"), unicodedata.normalize("NFC", NFD_TEXT)),
    ]:
        write(rel, data)
        readable[rel] = Readable(exact=text)
    for n, name in enumerate(ODD_NAMES):
        write(f"odd/{name}", _transcript(f"odd{n}"))
        readable[f"odd/{name}"] = Readable(exact=_transcript(f"odd{n}"), speakers={"Rose", "Dev"})
    (root / "odd").mkdir(exist_ok=True)
    with open(os.path.join(os.fsencode(root / "odd"), NON_UTF8_NAME), "wb") as handle:
        handle.write(_transcript("latin").encode())
    readable[f"odd/{NON_UTF8_ID}"] = Readable(exact=_transcript("latin"))
    write(NESTED, _transcript("deep"))
    readable[NESTED] = Readable(exact=_transcript("deep"))
    big, _ = _big_text()
    write(BIG, big)
    readable[BIG] = Readable(exact=big, speakers={"Rose", "Dev Patel", "Speaker 1", "AMIRA"})
    # Names the loader ignores by design: neither documents nor problems.
    write(".hidden.txt", "not part of the corpus")
    write("~$lock.docx", b"\0\0owner file of an open Word document")

    # Other formats that must load, with their text.
    write("docs/good.docx", _docx([("Rose", "Café – £5 😀."), ("Dev", "Right."), ("Rose", "Agreed 👍🏽.")]))
    readable["docs/good.docx"] = Readable(contains=["Café – £5 😀.", "Agreed 👍🏽."],
                                          speakers={"Rose", "Dev"})
    write("sheets/good.xlsx", _xlsx([["speaker", "text"], ["Rose", "Café £ 😀"], ["Dev", "Yes"]]))
    readable["sheets/good.xlsx"] = Readable(contains=["Café £ 😀", "Yes"], speakers={"Rose", "Dev"})
    write("pdf/good.pdf", _pdf_text(["Rose: Hello there from the PDF.", "Dev: Hi Rose.", "Rose: Bye now."]))
    readable["pdf/good.pdf"] = Readable(contains=["Hello there from the PDF."], speakers={"Rose", "Dev"})
    write("captions/good.vtt", "WEBVTT\r\n\r\n00:00:01.000 --> 00:00:02.000\r\n<v Rose>Café – £5 😀</v>\r\n\r\n"
                               "00:00:03.000 --> 00:00:04.000\r\n<v Dev &amp; Co>Fish &amp; chips</v>\r\n")
    readable["captions/good.vtt"] = Readable(contains=["Café – £5 😀", "Fish & chips"],
                                             speakers={"Rose", "Dev & Co"})
    write("captions/partly-broken.vtt", "WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nbroken arrow cue\n\n"
                                        "00:00:03.000 --> 00:00:04.000\n<v Rose>This cue is fine 🎉</v>\n")
    readable["captions/partly-broken.vtt"] = Readable(contains=["This cue is fine 🎉"], speakers={"Rose"})
    write("captions/good.srt", "\ufeff1\r\n00:00:01,000 --> 00:00:02,000\r\nRose: Hi £ 😀\r\n\r\n"
                               "2\r\n00:00:03,000 --> 00:00:04,000\r\nDev: Hello.\r\n")
    readable["captions/good.srt"] = Readable(contains=["Hi £ 😀", "Hello."], speakers={"Rose", "Dev"})
    write("blogs/good.md", "---\ntitle: A post\n---\n\n# A post\n\nWe paid £20 and felt 😀.\n")
    readable["blogs/good.md"] = Readable(contains=["We paid £20 and felt 😀."])
    write("blogs/page.html", "<html><body><p>Café &amp; £5 😀</p><script>alert(1)</script></body></html>")
    readable["blogs/page.html"] = Readable(contains=["Café & £5 😀"])

    # Unreadable files.
    write("png-named.txt", PNG)
    write("nul-in-text.txt", b"Rose: hi\x00 there.\nDev: yo.\nRose: ok.\n")
    write("utf16-no-bom.txt", "Rose: hi.\nDev: yo.\n".encode("utf-16-le"))
    write("empty.txt", b"")
    write("whitespace.txt", b" \t\r\n\r\n   \n")
    write("unicode-spaces.txt", "\u00a0\u2003 \u3000\n\u2028\n".encode("utf-8"))
    write("utf16-spaces.txt", b"\xff\xfe" + "   \r\n\t ".encode("utf-16-le"))
    write("empty.vtt", b"")
    write("notes.rtf", r"{\rtf1\ansi Rose: hi}")
    write("archive.zip", _docx([("Rose", "zipped")]))
    write("README", "Rose: no extension.\n")
    write("slides.pptx", b"PK\x03\x04")
    good_docx = _docx([("Rose", "hello"), ("Dev", "hi"), ("Rose", "bye")])
    write("docs/zip-bomb.docx", _docx([("Rose", "hi")], {"word/media/zeros.bin": BOMB_BYTES}))
    write("docs/false-size.docx", _zip_with_false_size())
    write("docs/traversal.docx", _add_members(good_docx, {"../../evil.txt": b"owned"}))
    write("docs/absolute-member.docx", _add_members(good_docx, {"/etc/evil": b"owned"}))
    write("docs/drive-letter.docx", _add_members(good_docx, {"C:/Windows/evil.txt": b"owned"}))
    write("docs/random-bytes.docx", bytes(range(256)) * 40)
    write("docs/truncated.docx", good_docx[: len(good_docx) // 2])
    write("docs/png-named.docx", PNG)
    rows = [["speaker", "text"], ["Rose", "hi"]]
    write("sheets/zip-bomb.xlsx", _xlsx(rows, extra={"xl/media/zeros.bin": BOMB_BYTES}))
    write("sheets/traversal.xlsx", _xlsx(rows, extra={"../../../evil.txt": b"owned"}))
    write("sheets/sparse-bomb.xlsx", _xlsx(rows, sheet_xml=SPARSE_SHEET))
    write("pdf/corrupt.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF")
    write("pdf/png-named.pdf", PNG)
    write("pdf/cyclic-pages.pdf", _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1 >>",
                                        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
                                        b"<< /Length 0 >>\nstream\n\nendstream"]))
    write("pdf/flate-bomb.pdf", _pdf_page(_flate_bomb(), b"/Filter /FlateDecode"))
    write("pdf/no-text-layer.pdf", _pdf_page(b"0 0 m 100 100 l S"))
    write("captions/no-header.vtt", "00:00:01.000 --> 00:00:02.000\nRose: no header line.\n")
    write("captions/broken-timings.vtt", "WEBVTT\n\n00:01 -> 00:02\nRose: arrow too short.\n\n"
                                         "aa:bb:cc.000 --> 00:00:02.000\nDev: letters for digits.\n\n"
                                         "00:00:03.000 --> \nRose: no end time.\n")
    write("captions/no-timings.srt", "1\nRose: no timing line.\n\n2\nDev: none here either.\n")
    write("tables/no-text-column.csv", "speaker,when\nRose,today\n")
    write("blogs/yaml-laughs.md", _yaml_laughs())
    write("blogs/headings-only.md", "# Title\n\n## Section\n")
    special = root / "special"
    special.mkdir()
    os.mkfifo(special / "fifo.txt")  # reading it would block for ever
    os.symlink("/dev/zero", special / "dev-zero.txt")  # reading it would never end
    os.symlink("missing.txt", special / "dangling.txt")
    os.symlink("ring-b.txt", special / "ring-a.txt")
    os.symlink("ring-a.txt", special / "ring-b.txt")
    os.symlink("self.txt", special / "self.txt")
    (root / "loops").mkdir()
    os.symlink("..", root / "loops" / "parent")
    os.symlink(".", root / "loops" / "here")
    return readable, dict(UNREADABLE)


@dataclass
class Hostile:
    root: Path
    readable: dict[str, Readable]
    unreadable: dict[str, str]
    corpus: object
    seconds: float


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Hostile:
    root = tmp_path_factory.mktemp("hostile") / "corpus"
    root.mkdir()
    readable, unreadable = build_hostile_corpus(root)
    started = time.perf_counter()
    corpus = load_corpus(root, max_document_words=BIG_WORDS_ALLOWED)  # the default limit is tested below
    return Hostile(root, readable, unreadable, corpus, time.perf_counter() - started)


# -- loading in Python ------------------------------------------------------------------------------
def test_every_file_is_either_a_document_or_a_named_problem(hostile):
    docs = {doc.doc_id for doc in hostile.corpus.documents}
    problems = {p.path for p in hostile.corpus.problems}
    assert docs == set(hostile.readable)
    assert problems == set(hostile.unreadable)
    assert not docs & problems


def test_ignored_names_are_neither_documents_nor_problems(hostile):
    named = {d.doc_id for d in hostile.corpus.documents} | {p.path for p in hostile.corpus.problems}
    assert ".hidden.txt" not in named and "~$lock.docx" not in named


@pytest.mark.parametrize("rel, code", sorted(UNREADABLE.items()))
def test_unreadable_file_is_named_with_its_numbered_reason(hostile, rel, code):
    frame = hostile.corpus.problems_df()
    rows = frame[frame["path"] == rel]
    assert len(rows) == 1, frame.to_string()
    row = rows.iloc[0]
    assert row["code"] == code, row["reason"]
    assert row["reason"].startswith(f"[{code}] '{rel}'")
    assert "Traceback" not in row["reason"]


@pytest.mark.parametrize("rel", ["docs/zip-bomb.docx", "sheets/zip-bomb.xlsx"])
def test_decompression_bomb_is_called_one(hostile, rel):
    reason = hostile.corpus.problems_df().set_index("path").loc[rel, "reason"]
    assert "decompression bomb" in reason


@pytest.mark.parametrize("rel, member", [("docs/traversal.docx", "../../evil.txt"),
                                         ("docs/absolute-member.docx", "/etc/evil"),
                                         ("docs/drive-letter.docx", "C:/Windows/evil.txt"),
                                         ("sheets/traversal.xlsx", "../../../evil.txt")])
def test_archive_member_with_unsafe_path_is_refused(hostile, rel, member):
    reason = hostile.corpus.problems_df().set_index("path").loc[rel, "reason"]
    assert f"unsafe member path '{member}'" in reason
    assert not (hostile.root.parent / "evil.txt").exists() and not Path("/etc/evil").exists()


def test_sparse_spreadsheet_bomb_is_refused_by_its_size(hostile):
    reason = hostile.corpus.problems_df().set_index("path").loc["sheets/sparse-bomb.xlsx", "reason"]
    assert "cells" in reason and "16,384 columns" in reason


def test_member_that_lies_about_its_size_is_corrupt(hostile):
    reason = hostile.corpus.problems_df().set_index("path").loc["docs/false-size.docx", "reason"]
    assert "corrupt" in reason


def test_pipes_devices_and_link_loops_are_named_not_followed(hostile):
    reasons = hostile.corpus.problems_df().set_index("path")["reason"]
    assert "not a regular file" in reasons["special/fifo.txt"]
    assert "not a regular file" in reasons["special/dev-zero.txt"]
    assert "does not exist" in reasons["special/dangling.txt"]
    assert "symbolic link loop" in reasons["special/ring-a.txt"]
    assert "symbolic link loop" in reasons["loops/parent"]


def test_every_readable_file_keeps_its_text(hostile):
    speakers: dict[str, set] = {}
    for seg in hostile.corpus.segments:
        speakers.setdefault(seg.doc_id, set()).add(seg.speaker)
    wrong = []
    for doc_id, expected in hostile.readable.items():
        text = hostile.corpus.document(doc_id).text
        if expected.exact is not None and text != expected.exact:
            wrong.append((doc_id, "text differs", text[:200]))
        wrong += [(doc_id, "missing", piece) for piece in expected.contains if piece not in text]
        if expected.speakers is not None and speakers.get(doc_id) != expected.speakers:
            wrong.append((doc_id, "speakers", speakers.get(doc_id)))
    assert not wrong


def test_offsets_slice_back_to_segment_text_everywhere(hostile):
    by_id = {doc.doc_id: doc for doc in hostile.corpus.documents}
    assert hostile.corpus.segments
    for seg in hostile.corpus.segments:
        text = by_id[seg.doc_id].text
        assert 0 <= seg.start_char < seg.end_char <= len(text)
        assert text[seg.start_char:seg.end_char] == seg.text


def test_no_carriage_returns_and_no_line_breaks_in_speakers(hostile):
    for doc in hostile.corpus.documents:
        assert "\r" not in doc.text and "\ufeff" not in doc.text, doc.doc_id
    for seg in hostile.corpus.segments:
        assert not set(seg.speaker or "") & LINE_BREAKS, seg


def test_emoji_pound_sign_and_accents_survive_every_encoding(hostile):
    for doc_id in ("enc/utf16-le.txt", "enc/utf16-be.txt", "enc/utf8-bom.txt"):
        text = hostile.corpus.document(doc_id).text
        assert "£5" in text and "🚌" in text and "👍🏽" in text and "Café" in text
    cp1252 = hostile.corpus.document("enc/cp1252.txt")
    assert "café – £20 voucher…" in cp1252.text and cp1252.encoding == "cp1252"
    assert any("enc/cp1252.txt" in w and w.startswith("[W003]") for w in hostile.corpus.warnings)
    assert "👩‍👩‍👧" in hostile.corpus.document("enc/emoji.txt").text  # a ZWJ family stays one sequence
    assert "café and Zoë" in hostile.corpus.document("enc/nfd.txt").text  # composed (NFC)


def test_crlf_and_lone_cr_become_line_feeds(hostile):
    doc = hostile.corpus.document("enc/crlf.txt")
    segs = [s for s in hostile.corpus.segments if s.doc_id == "enc/crlf.txt"]
    assert [s.speaker for s in segs] == ["Rose", "Dev", "Rose"]
    assert segs[1].text == "two lines\nstill Dev."
    assert doc.text.count("\n") == CRLF_TEXT.count("\r\n") + 1


def test_odd_file_names_load_and_ids_are_their_paths(hostile):
    ids = {doc.doc_id for doc in hostile.corpus.documents}
    for name in ODD_NAMES:
        assert f"odd/{name}" in ids
    assert NESTED in ids


def test_name_that_is_not_utf8_gets_a_printable_stable_id(hostile):
    doc = hostile.corpus.document(f"odd/{NON_UTF8_ID}")
    assert "latin" in doc.text
    for doc_id in [d.doc_id for d in hostile.corpus.documents] + [p.path for p in hostile.corpus.problems]:
        doc_id.encode("utf-8")  # no lone surrogates: ids print, hash and export
    for seg in hostile.corpus.segments:
        seg.seg_id.encode("utf-8")
    assert doc.title == NON_UTF8_ID.removesuffix(".txt")  # the title falls back to the name, printable too


def test_default_size_limit_admits_the_20_mb_document_and_segments_it(hostile):
    assert DEFAULT_MAX_FILE_MB > BIG_MB
    n_lines = hostile.readable[BIG].exact.count("\n")
    doc = hostile.corpus.document(BIG)
    segs = [s for s in hostile.corpus.segments if s.doc_id == BIG]
    assert len(doc.text.encode("utf-8")) >= BIG_MB * 1024 * 1024
    assert len(segs) == n_lines  # one turn per line, each short enough to stay whole
    assert segs[0].text.startswith("turn 0 ") and segs[-1].text.startswith(f"turn {n_lines - 1} ")
    assert hostile.corpus.document(BIG).speaker_roles == {"AMIRA": "carer"}


def test_default_word_limit_names_the_big_file_with_e016_and_the_knob(hostile):
    assert DEFAULT_MAX_DOCUMENT_WORDS < hostile.readable[BIG].exact.count(" ") < BIG_WORDS_ALLOWED
    corpus = load_corpus(hostile.root)
    rows = corpus.problems_df().set_index("path")
    assert rows.loc[BIG, "code"] == "E016"
    assert "max_document_words" in rows.loc[BIG, "reason"] and "split it" in rows.loc[BIG, "reason"]
    assert {d.doc_id for d in corpus.documents} == set(hostile.readable) - {BIG}


def test_a_lower_limit_names_the_big_file_with_e004_and_the_knob(hostile):
    corpus = load_corpus(hostile.root, max_file_mb=1)
    rows = corpus.problems_df().set_index("path")
    assert rows.loc[BIG, "code"] == "E004"
    reason = rows.loc[BIG, "reason"]
    assert "over the limit of 1 MB" in reason and "--max-file-mb" in reason and "max_file_mb" in reason
    assert BIG not in {d.doc_id for d in corpus.documents}
    assert len(corpus.documents) == len(hostile.readable) - 1


# -- the command line -------------------------------------------------------------------------------
def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    exe = [str(WORKBENCH)] if WORKBENCH.exists() else [sys.executable, "-m", "workbench.cli"]
    return subprocess.run([*exe, *args], capture_output=True, text=True, encoding="utf-8", cwd=cwd, env=env,
                          timeout=600)


@pytest.fixture(scope="module")
def corpus_info(hostile) -> subprocess.CompletedProcess:
    return _run("corpus", "info", str(hostile.root), "--max-file-mb", "1", cwd=hostile.root.parent)


def test_cli_corpus_info_finishes_without_a_traceback(corpus_info):
    assert corpus_info.returncode == 0, corpus_info.stderr
    assert "Traceback" not in corpus_info.stderr + corpus_info.stdout
    assert "E999" not in corpus_info.stderr + corpus_info.stdout


def test_cli_corpus_info_names_every_bad_file_with_its_code(corpus_info):
    lines = corpus_info.stdout.splitlines()
    for rel, code in {**UNREADABLE, BIG: "E004"}.items():
        assert any(rel in line and code in line for line in lines), (rel, code)
    assert NON_UTF8_ID in corpus_info.stdout


@pytest.mark.slow
def test_cli_analyse_on_the_hostile_corpus_writes_its_tables(hostile, tmp_path):
    config = tmp_path / "analysis.toml"
    # The size limit from the config file this time (the flag is tested with `corpus info`).
    config.write_text("[corpus]\nmax_file_mb = 1\n\n[themes]\nenabled = false\n\n[barriers]\nenabled = false\n")
    out = tmp_path / "out"
    result = _run("analyse", str(hostile.root), "--out", str(out), "--config", str(config),
                  "--cache-dir", str(tmp_path / "cache"), "--no-progress", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr + result.stdout
    for rel in list(UNREADABLE) + [BIG]:
        assert rel in result.stdout, rel
    assert f"[E004] '{BIG}'" in result.stdout
    import json

    import pandas as pd

    table = pd.read_csv(out / "segments.csv", dtype=str, keep_default_na=False)
    assert set(table["doc_id"]) == set(hostile.readable) - {BIG}
    expected = {seg.seg_id: seg.text for seg in hostile.corpus.segments if seg.doc_id != BIG}
    assert dict(zip(table["seg_id"], table["text"])) == expected  # emoji, £ and odd names survive the export
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = manifest["corpus"]["files"]
    assert f"odd/{NON_UTF8_ID}" in files and f"odd/{ODD_NAMES[0]}" in files  # hashed under printable ids


# -- hostile text that once took quadratic time (minutes to hours at these sizes) ------------------------
def _quick(fn, *args, hang_after: int = 300):
    """Run ``fn``; a hang guard, not a speed test: the fixed code takes well under a second on these
    inputs, the quadratic code took minutes to hours, so only a regression ever reaches the alarm."""
    import signal

    def hung(signum, frame):
        raise AssertionError(f"{fn.__name__} did not finish in {hang_after} s: quadratic behaviour is back")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(hang_after)
    try:
        return fn(*args)
    except FileReadError as err:
        return err
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_long_run_of_punctuation_is_cut_into_sentences_in_linear_time():
    text = "a" + "." * 200_000 + " b" * 300 + "?" * 200_000 + " c"
    spans = _quick(sentence_spans, text)
    assert spans and all(text[s:e].strip() == text[s:e] for s, e in spans)


@pytest.mark.parametrize("reader, prefix", [(read_vtt, b"WEBVTT\n\n00:00.000 --> 00:01.000\n"),
                                            (read_srt, b"1\n00:00:00,000 --> 00:00:01,000\n")])
@pytest.mark.parametrize("junk", ["<", "<v ", "<b"])
def test_caption_full_of_open_tags_reads_in_linear_time(reader, prefix, junk):
    result = _quick(reader, prefix + (junk * 100_000).encode() + b" the end", "x")
    assert not isinstance(result, FileReadError), result  # the tags are kept as text, not refused
    assert result.text.endswith(junk.strip() + " the end")


@pytest.mark.parametrize("junk", ["<", "<b", "![", "[a](", "[", "**a ", "*a ", "_a ", "__a "])
def test_markdown_full_of_unclosed_marks_reads_in_linear_time(junk):
    result = _quick(read_md, (junk * 100_000 + " the end").encode(), "x.md")
    assert "the end" in result.text


def test_markdown_heading_with_long_trailing_hashes_reads_in_linear_time():
    result = _quick(read_md, ("# Title " + "#" * 100_000 + "x\n\nBody.").encode(), "x.md")
    assert result.title.startswith("Title")


def test_markdown_inline_marks_still_stripped():
    result = read_md(b"See ![i](a.png) the [page](https://en.wikipedia.org/wiki/A_(b)), **bold**, *em*, "
                     b"_em_, `code` and <span>html</span>.", "x.md")
    assert result.text == "See  the page, bold, em, em, code and html."  # (the image leaves its spaces)


def test_sparse_sheet_fails_fast_without_exhausting_memory():
    result = _quick(read_xlsx, _xlsx([["text"]], sheet_xml=SPARSE_SHEET), "s.xlsx")
    assert isinstance(result, FileReadError) and str(result).startswith("[E010]")


def test_sheet_within_the_cell_budget_still_reads():
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<dimension ref="A1:XFD1048576"/><sheetData>'  # a lying dimension alone is harmless
             b'<row r="1"><c r="A1" t="inlineStr"><is><t>text</t></is></c></row>'
             b'<row r="5"><c r="A5" t="inlineStr"><is><t>after a gap</t></is></c></row>'
             b"</sheetData></worksheet>")
    assert read_xlsx(_xlsx([["text"]], sheet_xml=sheet), "s.xlsx").text == "after a gap"


def test_html_full_of_open_tags_reads_in_linear_time():
    from workbench.corpus.readers.html import read_html

    result = _quick(read_html, ("<p>start</p>" + "<v " * 30_000 + "<b" * 30_000).encode(), "x.html")
    assert not isinstance(result, FileReadError), result
    assert result.text.startswith("start")


def test_yaml_alias_that_refers_to_itself_is_e520():
    result = _quick(read_md, b"---\nloop: &a [*a]\n---\n\nBody.\n", "x.md")
    assert isinstance(result, FileReadError) and str(result).startswith("[E520]")
