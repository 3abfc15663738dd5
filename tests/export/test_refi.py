"""REFI-QDA export: .qdc codebook and .qdpx project checked against the QDA-XML 1.0 structure, and
every PlainTextSelection checked against the text file it points into."""
from __future__ import annotations

import stat
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
from workbench.export.refi import CORPUS_PATH_LABEL, MACHINE_USER, UNCATEGORISED, guid, source_names

from qda_checks import C, GUID as GUID_RE, P, RGB as RGB_RE, QualCoderStyleImport, check_schema

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
    """The schema's rules, the references between elements, and every selection against its text file;
    ``expected``: selection guid -> coded text (the quote of the table the coding came from)."""
    root, members = _open(path)
    check_schema(root)
    # GUIDs are unique where they identify something, and references point at something
    ids = [el.get("guid") for el in root.iter() if el.get("guid") is not None]
    assert len(ids) == len(set(ids))
    users = {u.get("guid") for u in root.iter(P + "User")}
    assert root.get("creatingUserGUID") in users
    codes = {code.get("guid"): code for code in root.iter(P + "Code")}
    names = source_names(corpus)
    sources = list(root.iter(P + "TextSource"))
    assert [s.get("name") for s in sources] == [names[d.doc_id] for d in corpus.documents]
    assert len({s.get("name").casefold() for s in sources}) == len(sources)
    for source in sources:
        name = source.get("name")
        assert "/" not in name and "\\" not in name
        doc_id = source.find(P + "Description").text.splitlines()[0][len(CORPUS_PATH_LABEL):]
        assert names[doc_id] == name
        target = source.get("plainTextPath")
        assert target.startswith("internal://")
        member = "sources/" + target[len("internal://"):]
        assert member in members, member
        raw = members[member]
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
        text = raw.decode("utf-8")
        assert text == corpus.document(doc_id).text
        for sel in source.iter(P + "PlainTextSelection"):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            assert 0 <= start < end <= len(text)
            assert sel.get("creatingUser") in users
            assert [k.tag for k in sel].count(P + "Coding") >= 1
            for coding in sel.iter(P + "Coding"):
                target_code = codes[coding.find(P + "CodeRef").get("targetGUID")]  # KeyError: points at no Code
                assert target_code.get("isCodable") == "true"
                assert coding.get("creatingUser") in users
            if expected is not None and sel.get("guid") in expected:
                assert text[start:end] == expected[sel.get("guid")]
    if expected is not None:
        human = {s.get("guid") for s in root.iter(P + "PlainTextSelection")
                 if s.get("creatingUser") != guid("user", MACHINE_USER)}
        assert human == set(expected)
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


def _machine(corpus, seg, code: str, score: float = 0.75, evidence: str = "cue: 'paid'", **kw) -> Coding:
    start, end = kw.pop("start_char", seg.start_char), kw.pop("end_char", seg.end_char)
    return Coding(doc_id=seg.doc_id, seg_id=seg.seg_id, start_char=start, end_char=end, codes=[code],
                  coder="workbench", source=kw.pop("source", "rule"), status="pending", score=score,
                  evidence=evidence, text=corpus.document(seg.doc_id).text[start:end], **kw)


def test_people_keep_their_codings_and_suggestions_have_their_own_user(small, tmp_path):
    corpus, store = small
    segs = corpus.segments
    human = store.code_span(corpus, segs[0].seg_id, "trust", coder="Rose")
    machine = [_machine(corpus, s, code) for s, code in zip(segs[:4], ["power and hierarchy", "trust",
                                                                      "jargon and accessibility", "building trust"])]
    assert store.suggest(machine) == 4
    accepted = store.review(machine[0].coding_id, "Amara", "accept")
    store.review(machine[1].coding_id, "Amara", "reject")
    corrected = store.review(machine[2].coding_id, "Amara", "correct", codes=["recognition and payment"])
    # machine[3] stays pending: it goes in as a suggestion; the rejected one does not
    path = write_qdpx(corpus, Codebook.default(), store, tmp_path / "p.qdpx", project_name="P", author="Lead")
    expected = {guid("selection", x.coding_id): x.text for x in (human, accepted, corrected)}
    root = _check_project(path, corpus, expected)
    selections = _selections(root)
    assert _code_names(root, selections[guid("selection", corrected.coding_id)]) == ["recognition and payment"]
    note = selections[guid("selection", accepted.coding_id)].find(P + "Description").text
    assert "workbench" in note and "accepted by Amara" in note and "0.75" in note
    assert selections[guid("selection", human.coding_id)].find(P + "Description") is None
    assert selections[guid("selection", human.coding_id)].get("creatingUser") == guid("user", "Rose")
    assert selections[guid("selection", accepted.coding_id)].get("creatingUser") == guid("user", "workbench")
    # Amara made or accepted most codings: she comes first (QualCoder's active coder), the rest sorted
    assert [u.get("name") for u in root.iter(P + "User")] == ["Amara", "Lead", "Rose", "workbench", MACHINE_USER]
    suggested = [s for s in selections.values() if s.get("creatingUser") == guid("user", MACHINE_USER)]
    assert len(suggested) == 1
    seg = segs[3]
    assert (int(suggested[0].get("startPosition")), int(suggested[0].get("endPosition"))) == \
        (seg.start_char, seg.end_char)
    assert _code_names(root, suggested[0]) == ["building trust"]
    description = suggested[0].find(P + "Description").text
    assert "not reviewed" in description and "building trust (enabler): rule, score 0.75" in description
    assert "evidence: cue: 'paid'" in description


def test_suggestions_merge_by_span_and_skip_what_a_person_decided(small, tmp_path):
    corpus, store = small
    segs = corpus.segments
    decided = _machine(corpus, segs[1], "trust")
    store.suggest([decided])
    store.review(decided.coding_id, "Rose", "reject")
    hits = [_machine(corpus, segs[0], "power and hierarchy", 0.6, "structure: list under 'Barriers'"),
            _machine(corpus, segs[0], "power and hierarchy", 0.9, "meaning 0.9", source="model"),
            _machine(corpus, segs[0], "building trust", 0.55, "cue: 'we listened'"),
            _machine(corpus, segs[1], "trust"),  # rejected by Rose: not suggested again
            _machine(corpus, segs[2], "trust", start_char=segs[2].start_char + 2)]
    stale = Coding(**{**_machine(corpus, segs[3], "trust").to_dict(), "text": "not what the document says"})
    store.add(stale)
    path = write_qdpx(corpus, Codebook.default(), store, tmp_path / "p.qdpx", project_name="P", author="Lead",
                      suggestions=hits)
    root = _check_project(path, corpus, {})
    suggested = {(int(s.get("startPosition")), int(s.get("endPosition"))): s
                 for s in root.iter(P + "PlainTextSelection")}
    assert sorted(suggested) == [(segs[0].start_char, segs[0].end_char),
                                 (segs[2].start_char + 2, segs[2].end_char)]
    both = suggested[(segs[0].start_char, segs[0].end_char)]
    assert _code_names(root, both) == ["power and hierarchy", "building trust"]
    text = both.find(P + "Description").text
    assert "power and hierarchy (barrier): rule, score 0.9; evidence: structure: list under 'Barriers' | " \
           "meaning 0.9" in text
    assert [u.get("name") for u in root.iter(P + "User")] == ["Lead", MACHINE_USER]  # no person coded yet
    # without suggestions (accepted codings only): no machine user, no suggested selection
    path = write_qdpx(corpus, Codebook.default(), store.all(status="accepted"), tmp_path / "q.qdpx",
                      project_name="P", author="Lead")
    root = _check_project(path, corpus, {})
    assert list(root.iter(P + "PlainTextSelection")) == [] and MACHINE_USER not in {
        u.get("name") for u in root.iter(P + "User")}


def test_source_names_are_unique_file_names(tmp_path):
    for rel in ("blogs/a.md", "notes/A.md", "b.txt", "deep/er/b.txt", "odd name.txt", "x/blogs - a.md"):
        (tmp_path / "c" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "c" / rel).write_text("Some words here.\n", encoding="utf-8")
    corpus = load_corpus(tmp_path / "c")
    names = source_names(corpus)
    assert len({n.casefold() for n in names.values()}) == len(names) == 6
    assert all("/" not in n and "\\" not in n for n in names.values())
    assert names["odd name.txt"] == "odd name.txt"
    assert names["blogs/a.md"] == "blogs - a.md" and names["notes/A.md"] == "notes - A.md"
    assert names["x/blogs - a.md"] == "blogs - a (2).md"  # its own name was taken
    assert names["b.txt"] == "b.txt" and names["deep/er/b.txt"] == "deep - er - b.txt"
    path = write_qdpx(corpus, None, [], tmp_path / "p.qdpx", project_name="P", author="Lead")
    _check_project(path, corpus, {})


def test_file_modes_match_other_outputs(small, tmp_path):
    corpus, store = small
    store.code_span(corpus, corpus.segments[0].seg_id, "trust", coder="Rose")
    qdpx = write_qdpx(corpus, Codebook.default(), store, tmp_path / "p.qdpx", project_name="P", author="Lead")
    qdc = write_qdc(Codebook.default(), tmp_path / "c.qdc")
    other = tmp_path / "other.txt"
    other.write_text("x")
    for path in (qdpx, qdc):
        assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE(other.stat().st_mode)


def test_a_qualcoder_style_import_takes_everything(small, tmp_path):
    corpus, store = small
    segs = corpus.segments
    rose = store.code_span(corpus, segs[0].seg_id, ["trust", "made up"], coder="Rose", memo="why")
    dev = store.code_span(corpus, segs[0].seg_id, ["trust"], coder="Dev")  # same span and code, other coder
    store.suggest([_machine(corpus, segs[1], "power and hierarchy")])
    hits = [_machine(corpus, segs[0], "trust"), _machine(corpus, segs[2], "jargon and accessibility")]
    path = write_qdpx(corpus, Codebook.default(), store, tmp_path / "p.qdpx", project_name="P", author="workbench",
                      suggestions=hits)
    imported = QualCoderStyleImport(tmp_path / "qualcoder").run(path)
    assert imported.errors == []
    assert imported.coder_name in ("Rose", "Dev")  # a person, not "workbench"
    rows = imported.codings()
    names = source_names(corpus)
    mine = sorted((r["source"], r["code"], r["pos0"], r["pos1"], r["owner"]) for r in rows
                  if r["owner"] != MACHINE_USER)
    assert mine == sorted([(names[c.doc_id], code, c.start_char, c.end_char, c.coder)
                           for c in (rose, dev) for code in c.codes])
    machine = sorted((r["code"], r["pos0"]) for r in rows if r["owner"] == MACHINE_USER)
    assert machine == sorted([("power and hierarchy", segs[1].start_char), ("trust", segs[0].start_char),
                              ("jargon and accessibility", segs[2].start_char)])
    for row in rows:  # QualCoder's selected text is exactly the coded text
        doc_id = next(d for d, n in names.items() if n == row["source"])
        assert row["seltext"] == corpus.document(doc_id).text[row["pos0"]:row["pos1"]]
    assert sorted(p.name for p in (tmp_path / "qualcoder" / "documents").iterdir()) == \
        sorted(f"{n}.txt" for n in names.values())


def test_the_old_names_with_folders_fail_in_the_qualcoder_style_import(small, tmp_path):
    """The double catches what went wrong before: a source name with '/' cannot be copied."""
    corpus, store = small
    path = write_qdpx(corpus, None, [], tmp_path / "p.qdpx", project_name="P", author="Lead")
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members["project.qde"] = members["project.qde"].replace(b'name="emoji.txt"', b'name="folder/emoji.txt"')
    broken = tmp_path / "broken.qdpx"
    with zipfile.ZipFile(broken, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    errors = QualCoderStyleImport(tmp_path / "qc").run(broken).errors
    assert len(errors) == 1 and errors[0].startswith("Cannot copy TextSource file")


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
    check_schema(root, codebook=True)
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
