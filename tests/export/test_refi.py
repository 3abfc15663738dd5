"""REFI-QDA export: .qdc codebook and .qdpx project checked against the QDA-XML 1.0 structure, and
every PlainTextSelection checked against the text file it points into."""
from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from workbench.analysis.codebook import Code, Codebook
from workbench.coding import CodingStore
from workbench.coding.store import Coding
from workbench.corpus import load_corpus
from workbench.export import ExportError, codebook_xml, write_qdc, write_qdpx
from workbench.export.refi import UNCATEGORISED, guid

P = "{urn:QDA-XML:project:1.0}"
C = "{urn:QDA-XML:codebook:1.0}"
GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
RGB_RE = re.compile(r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
# Child order of ProjectType in the REFI-QDA Project.xsd (all optional).
PROJECT_ORDER = ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs",
                 "Description", "NoteRef"]
GUID_ATTRS = ("guid", "targetGUID", "creatingUser", "creatingUserGUID", "modifyingUser")

# Rose's line has a non-BMP character (U+1D11E) and an emoji before the span coded below.
EMOJI = "Rose: 𝄞 I think 🙂 the agenda was written before we arrived.\r\n\r\nDev: Fair 🙂 point.\r\n"
PLAIN = ("Sheila: Carers are never paid for their time.\n\nAmara: She typed =HYPERLINK(\"x\") <b>&amp;</b> "
         "in the chat.\n\nSheila: Travel, a day rate, and cover for the caring.\n")


def _corpus(root: Path, files: dict[str, bytes]):
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (root / name).write_bytes(data)
    return load_corpus(root)


@pytest.fixture
def small(tmp_path):
    corpus = _corpus(tmp_path / "corpus", {
        "emoji.txt": EMOJI.encode("utf-8"),  # CRLF line ends
        "bom.txt": b"\xef\xbb\xbf" + PLAIN.replace("\n", "\r\n").encode("utf-8"),  # BOM + CRLF
    })
    return corpus, CodingStore(tmp_path / "codings")


def _span(corpus, doc_id: str, needle: str) -> tuple[str, int, int]:
    """(seg_id, start, end) of ``needle`` in document ``doc_id``."""
    text = corpus.document(doc_id).text
    start = text.index(needle)
    end = start + len(needle)
    seg = next(s for s in corpus.segments_of(doc_id) if s.start_char <= start and end <= s.end_char)
    return seg.seg_id, start, end


def _open(path: Path) -> tuple[ET.Element, dict[str, bytes]]:
    """Parse project.qde (fails if not well-formed) and read all members, checking zip safety."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert len(names) == len(set(names))
        for name in names:
            pure = PurePosixPath(name)
            assert not pure.is_absolute() and ".." not in pure.parts and "\\" not in name and ":" not in name
        members = {name: archive.read(name) for name in names}
    assert "project.qde" in members
    assert members["project.qde"].startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(members["project.qde"]), members


def _check_project(path: Path, corpus, expected: dict[str, str] | None = None) -> ET.Element:
    """Every structural rule the brief asks for; ``expected``: selection guid -> coded text."""
    root, members = _open(path)
    assert root.tag == P + "Project" and root.get("name")
    # every element is in the project namespace
    assert all(el.tag.startswith(P) for el in root.iter())
    order = [PROJECT_ORDER.index(child.tag[len(P):]) for child in root]
    assert order == sorted(order) and len(order) == len(set(order))
    # GUIDs: valid everywhere, unique where they identify something
    ids = []
    for el in root.iter():
        for attr in GUID_ATTRS:
            if el.get(attr) is not None:
                assert GUID_RE.match(el.get(attr)), (el.tag, attr, el.get(attr))
        if el.get("guid") is not None:
            ids.append(el.get("guid"))
    assert len(ids) == len(set(ids))
    for el in root.iter():
        for attr in ("creationDateTime", "modifiedDateTime"):
            if el.get(attr) is not None:
                assert DATETIME_RE.match(el.get(attr)), el.get(attr)
    users = {u.get("guid") for u in root.iter(P + "User")}
    assert root.get("creatingUserGUID") in users
    codes = {}
    for code in root.iter(P + "Code"):
        assert code.get("name") and code.get("isCodable") in ("true", "false")
        assert code.get("color") is None or RGB_RE.match(code.get("color"))
        kids = [k.tag[len(P):] for k in code]
        assert kids == sorted(kids, key=["Description", "NoteRef", "Code"].index)
        codes[code.get("guid")] = code
    texts = {}
    sources = list(root.iter(P + "TextSource"))
    assert sorted(s.get("name") for s in sources) == sorted(d.doc_id for d in corpus.documents)
    for source in sources:
        target = source.get("plainTextPath")
        assert target.startswith("internal://")
        member = "sources/" + target[len("internal://"):]
        assert member in members, member
        raw = members[member]
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
        text = raw.decode("utf-8")
        assert text == corpus.document(source.get("name")).text
        texts[source.get("guid")] = text
        kids = [k.tag[len(P):] for k in source]
        allowed = ["Description", "PlainTextContent", "PlainTextSelection", "Coding", "NoteRef", "VariableValue"]
        assert kids == sorted(kids, key=allowed.index)
        for sel in source.iter(P + "PlainTextSelection"):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            assert 0 <= start < end <= len(text)
            assert sel.get("creatingUser") in users
            kids = [k.tag[len(P):] for k in sel]
            assert kids and kids == sorted(kids, key=["Description", "Coding", "NoteRef"].index)
            assert "Coding" in kids
            for coding in sel.iter(P + "Coding"):
                refs = list(coding)
                assert [r.tag for r in refs] == [P + "CodeRef"]
                target_code = codes[refs[0].get("targetGUID")]  # KeyError: points at no Code
                assert target_code.get("isCodable") == "true"
                assert coding.get("creatingUser") in users
            if expected is not None:
                assert text[start:end] == expected[sel.get("guid")]
    if expected is not None:
        assert {s.get("guid") for s in root.iter(P + "PlainTextSelection")} == set(expected)
    return root


def _selections(root) -> dict[str, ET.Element]:
    return {s.get("guid"): s for s in root.iter(P + "PlainTextSelection")}


def _code_names(root, selection) -> list[str]:
    by_guid = {c.get("guid"): c.get("name") for c in root.iter(P + "Code")}
    return [by_guid[r.get("targetGUID")] for r in selection.iter(P + "CodeRef")]


# -- project --------------------------------------------------------------------------------------

def test_offsets_hold_with_emoji_crlf_bom_and_non_bmp(small, tmp_path):
    corpus, store = small
    assert "\r" not in corpus.document("emoji.txt").text  # the corpus normalises CRLF
    seg_id, start, end = _span(corpus, "emoji.txt", "the agenda was written")
    assert start == len("Rose: 𝄞 I think 🙂 ") == 18  # two non-BMP characters precede it (20 UTF-16 units)
    a = store.code_span(corpus, seg_id, ["power and hierarchy"], coder="Rose", start_char=start, end_char=end)
    seg_id, start, end = _span(corpus, "emoji.txt", "Fair 🙂 point.")
    b = store.code_span(corpus, seg_id, ["trust", "time and resources"], coder="Dev", start_char=start,
                        end_char=end, memo='memo with <tags> & "quotes"\nand a line')
    seg_id, start, end = _span(corpus, "bom.txt", "=HYPERLINK(\"x\") <b>&amp;</b>")
    c = store.code_span(corpus, seg_id, "jargon and accessibility", coder="Rose", start_char=start, end_char=end)
    whole = store.code_span(corpus, corpus.segments_of("bom.txt")[0].seg_id, "recognition and payment", coder="Dev")
    path = write_qdpx(corpus, Codebook.default(), store, tmp_path / "p.qdpx", project_name="Test <&> project",
                      author="Lead")
    expected = {guid("selection", x.coding_id): x.text for x in (a, b, c, whole)}
    assert expected[guid("selection", b.coding_id)] == "Fair 🙂 point."
    root = _check_project(path, corpus, expected)
    assert root.get("name") == "Test <&> project"
    selections = _selections(root)
    sel_b = selections[guid("selection", b.coding_id)]
    assert _code_names(root, sel_b) == ["trust", "time and resources"]
    assert sel_b.find(P + "Description").text == 'memo with <tags> & "quotes"\nand a line'
    assert sel_b.get("creatingUser") == guid("user", "Dev")
    assert {u.get("name") for u in root.iter(P + "User")} == {"Lead", "Rose", "Dev"}
    # offsets are code points: in UTF-16 units they would be larger, in UTF-8 bytes larger still
    text = corpus.document("emoji.txt").text
    start = int(sel_b.get("startPosition"))
    assert text[start:].startswith("Fair 🙂") and len(text[:start].encode("utf-16-le")) // 2 > start


def test_only_accepted_codings_are_exported(small, tmp_path):
    corpus, store = small
    segs = corpus.segments
    human = store.code_span(corpus, segs[0].seg_id, "trust", coder="Rose")
    machine = [Coding(doc_id=s.doc_id, seg_id=s.seg_id, start_char=s.start_char, end_char=s.end_char,
                      codes=[code], coder="workbench", source="rule", score=0.75, evidence="cue: 'paid'",
                      text=corpus.document(s.doc_id).text[s.start_char:s.end_char])
               for s, code in zip(segs[:4], ["power and hierarchy", "trust", "jargon and accessibility",
                                             "building trust"])]
    assert store.suggest(machine) == 4
    accepted = store.review(machine[0].coding_id, "Amara", "accept")
    store.review(machine[1].coding_id, "Amara", "reject")
    corrected = store.review(machine[2].coding_id, "Amara", "correct", codes=["recognition and payment"])
    # machine[3] stays pending
    path = write_qdpx(corpus, Codebook.default(), store, tmp_path / "p.qdpx", project_name="P", author="Lead")
    expected = {guid("selection", x.coding_id): x.text for x in (human, accepted, corrected)}
    root = _check_project(path, corpus, expected)
    selections = _selections(root)
    assert _code_names(root, selections[guid("selection", corrected.coding_id)]) == ["recognition and payment"]
    note = selections[guid("selection", accepted.coding_id)].find(P + "Description").text
    assert "workbench" in note and "accepted by Amara" in note and "0.75" in note
    assert selections[guid("selection", human.coding_id)].find(P + "Description") is None
    assert {u.get("name") for u in root.iter(P + "User")} == {"Lead", "Rose", "workbench", "Amara"}


def test_unknown_codes_go_under_uncategorised(small, tmp_path):
    corpus, store = small
    seg = corpus.segments[0]
    coding = store.code_span(corpus, seg.seg_id, ["trust", "made up code", "another one"], coder="Rose")
    path = write_qdpx(corpus, Codebook.default(), store, tmp_path / "p.qdpx", project_name="P", author="Rose")
    root = _check_project(path, corpus, {guid("selection", coding.coding_id): coding.text})
    groups = [c for c in root.iter(P + "Code") if c.get("name") == UNCATEGORISED]
    assert len(groups) == 1 and groups[0].get("isCodable") == "false"
    assert [c.get("name") for c in groups[0].findall(P + "Code")] == ["another one", "made up code"]
    selection = _selections(root)[guid("selection", coding.coding_id)]
    assert _code_names(root, selection) == ["trust", "made up code", "another one"]
    # the codebook itself is all there, with its hierarchy
    names = [c.get("name") for c in root.iter(P + "Code")]
    assert set(names) == {c.name for c in Codebook.default()} | {UNCATEGORISED, "made up code", "another one"}


def test_codings_as_list_and_no_codebook(small, tmp_path):
    corpus, store = small
    seg = corpus.segments[1]
    coding = store.code_span(corpus, seg.seg_id, "only code", coder="Rose")
    path = write_qdpx(corpus, None, [coding], tmp_path / "p.qdpx", project_name="P", author="Rose")
    root = _check_project(path, corpus, {guid("selection", coding.coding_id): coding.text})
    assert [c.get("name") for c in root.iter(P + "Code")] == [UNCATEGORISED, "only code"]
    # no codings at all: sources only, no CodeBook, no creation time to invent
    empty = write_qdpx(corpus, None, [], tmp_path / "e.qdpx", project_name="P", author="Rose")
    root = _check_project(empty, corpus, {})
    assert root.find(P + "CodeBook") is None and root.get("creationDateTime") is None


def test_export_is_deterministic(small, tmp_path):
    corpus, store = small
    for i, seg in enumerate(corpus.segments):
        store.code_span(corpus, seg.seg_id, ["trust", "power and hierarchy"][: 1 + i % 2], coder=f"coder {i % 2}")
    a = write_qdpx(corpus, Codebook.default(), store, tmp_path / "a.qdpx", project_name="P", author="Lead")
    again = CodingStore(store.folder)  # a fresh store reading the same files
    b = write_qdpx(load_corpus(corpus.root), Codebook.default(), again, tmp_path / "b.qdpx", project_name="P",
                   author="Lead")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as archive:
        assert archive.namelist()[0] == "project.qde"
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []


def test_stale_coding_is_refused(tmp_path):
    root = tmp_path / "corpus"
    corpus = _corpus(root, {"a.txt": b"Rose: the agenda was set before we came.\n"})
    store = CodingStore(tmp_path / "codings")
    seg_id, start, end = _span(corpus, "a.txt", "agenda")
    coding = store.code_span(corpus, seg_id, "trust", coder="Rose", start_char=start, end_char=end)
    (root / "a.txt").write_bytes(b"Rose: our budget was set before we came.\n")
    with pytest.raises(ExportError, match=r"\[E452\].*" + coding.coding_id):
        write_qdpx(load_corpus(root), None, store, tmp_path / "p.qdpx", project_name="P", author="Rose")
    (root / "a.txt").unlink()
    (root / "b.txt").write_bytes(b"Someone else.\n")
    with pytest.raises(ExportError, match=r"\[E452\].*not in the corpus"):
        write_qdpx(load_corpus(root), None, store, tmp_path / "p.qdpx", project_name="P", author="Rose")
    assert not (tmp_path / "p.qdpx").exists()


@pytest.mark.parametrize("kwargs", [{"project_name": "", "author": "Rose"},
                                    {"project_name": "P", "author": "  "}])
def test_settings_are_checked(small, tmp_path, kwargs):
    corpus, store = small
    with pytest.raises(ExportError, match=r"\[E454\]"):
        write_qdpx(corpus, None, store, tmp_path / "p.qdpx", **kwargs)


def test_demo_corpus(wb_demo_corpus, tmp_path):
    corpus = load_corpus(wb_demo_corpus)
    assert len(corpus.documents) >= 5
    store = CodingStore(tmp_path / "codings")
    made = []
    for doc in corpus.documents:
        segs = corpus.segments_of(doc.doc_id)
        made.append(store.code_span(corpus, segs[0].seg_id, "power and hierarchy", coder="Rose"))
        seg = segs[len(segs) // 2]
        mid = (seg.start_char + seg.end_char) // 2
        made.append(store.code_span(corpus, seg.seg_id, ["trust", "not in codebook"], coder="Amara",
                                    start_char=mid, end_char=seg.end_char, memo="check with the group"))
    path = write_qdpx(corpus, Codebook.default(), store, tmp_path / "demo.qdpx", project_name="Co-production demo",
                      author="Amara")
    _check_project(path, corpus, {guid("selection", c.coding_id): c.text for c in made})


# -- codebook --------------------------------------------------------------------------------------

def test_qdc_codebook_hierarchy(tmp_path):
    codebook = Codebook.default()
    path = write_qdc(codebook, tmp_path / "codebook.qdc")
    raw = path.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="utf-8"?>') and raw == codebook_xml(codebook).encode()
    root = ET.fromstring(raw)
    assert root.tag == C + "CodeBook" and all(el.tag.startswith(C) for el in root.iter())
    assert [child.tag for child in root] == [C + "Codes"]
    parents = {child: parent for parent in root.iter() for child in parent}
    seen = {}
    for el in root.iter(C + "Code"):
        assert GUID_RE.match(el.get("guid")) and el.get("isCodable") == "true" and RGB_RE.match(el.get("color"))
        parent = parents[el]
        seen[el.get("name")] = parent.get("name") if parent.tag == C + "Code" else None
        code = codebook.get(el.get("name"))
        description = el.find(C + "Description")
        assert (description.text if description is not None else "") == code.description
        assert el.get("guid") == str(uuid.UUID(guid("code", code.name)))
    assert seen == {code.name: code.parent for code in codebook}
    assert len({el.get("guid") for el in root.iter(C + "Code")}) == len(codebook)


def test_qdc_guids_match_the_project(small, tmp_path):
    corpus, store = small
    store.code_span(corpus, corpus.segments[0].seg_id, "trust", coder="Rose")
    codebook = Codebook([Code("top", "barrier", "A <top> & code"), Code("child", "enabler", parent="top"),
                         Code("trust", "other")])
    qdc = ET.fromstring(codebook_xml(codebook))
    root, _ = _open(write_qdpx(corpus, codebook, store, tmp_path / "p.qdpx", project_name="P", author="Rose"))
    in_qdc = {c.get("name"): c.get("guid") for c in qdc.iter(C + "Code")}
    in_project = {c.get("name"): c.get("guid") for c in root.iter(P + "Code")}
    assert in_qdc == in_project
    assert qdc.find(f"{C}Codes/{C}Code/{C}Description").text == "A <top> & code"
    assert qdc.find(f"{C}Codes/{C}Code/{C}Code").get("name") == "child"


def test_empty_codebook_is_refused(tmp_path):
    with pytest.raises(ExportError, match=r"\[E453\]"):
        write_qdc(Codebook([]), tmp_path / "c.qdc")
    assert not (tmp_path / "c.qdc").exists()
