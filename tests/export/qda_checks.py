"""Test helpers for REFI-QDA files: the rules of the QDA-XML 1.0 Project and Codebook schemas, and a headless
importer that behaves like QualCoder's REFI-QDA project import.

``check_schema`` encodes what the schemas (Project.xsd and Codebook.xsd, REFI 2019) impose on the elements
the workbench writes: the child elements of each element, in schema order, with their minimum and maximum
counts; required attributes and no undeclared ones; GUIDs matching the schema's GUIDType pattern; booleans,
integers, RGB colours and dateTimes in their lexical forms.

``QualCoderStyleImport`` is our own test double of QualCoder's import (src/qualcoder/refi.py,
``RefiImport.import_project``), written from reading what it expects, not from its code: it unzips the
project into a temporary folder; finds the ``sources``/``Sources`` folder and the ``.qde``; takes the
namespace version from the children's tags and the ``origin`` attribute (it calls ``.upper()`` on it);
makes the first user the active coder; reads the codebook's first child as ``<Codes>``; makes a
non-codable code a category and every other code a code (names unique); for each TextSource reads the
plain text from ``sources`` + the part of ``plainTextPath`` after ``internal:/``, adds it as a source
(names unique) and copies the file to ``documents/<name>.<ext>`` (the copy that failed on names with '/');
and stores each Coding of each PlainTextSelection as ``(code, source, pos0, pos1, owner)`` - unique, a
duplicate is logged and dropped - with ``fulltext[pos0:pos1]`` as the selected text, Python string
offsets. Every problem the real importer would log goes to ``errors``.
"""
from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

P = "{urn:QDA-XML:project:1.0}"
C = "{urn:QDA-XML:codebook:1.0}"
GUID = re.compile(r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                  r"|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$")
RGB = re.compile(r"^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$")
DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
BOOLEAN = {"true", "false", "1", "0"}
INTEGER = re.compile(r"^[+-]?\d+$")
MANY = None
_DATES = {"creationDateTime", "modifiedDateTime"}


def _rule(children=(), required=(), guids=(), others=(), dates=(), booleans=(), integers=(), rgb=(),
          choice=False, text=False):
    return {"children": list(children), "required": set(required), "guids": set(guids),
            "allowed": set(required) | set(guids) | set(others) | set(dates) | set(booleans) | set(integers)
            | set(rgb), "dates": set(dates), "booleans": set(booleans), "integers": set(integers),
            "rgb": set(rgb), "choice": choice, "text": text}


_TEXT = _rule(text=True)
_USERS = ("creatingUser", "modifyingUser")
PROJECT_RULES = {
    "Project": _rule([("Users", 0, 1), ("CodeBook", 0, 1), ("Variables", 0, 1), ("Cases", 0, 1), ("Sources", 0, 1),
                      ("Notes", 0, 1), ("Links", 0, 1), ("Sets", 0, 1), ("Graphs", 0, 1), ("Description", 0, 1),
                      ("NoteRef", 0, MANY)],
                     required=["name"], guids=["creatingUserGUID", "modifyingUserGUID"], others=["origin", "basePath"],
                     dates=_DATES),
    "Users": _rule([("User", 1, MANY)]),
    "User": _rule(required=["guid"], guids=["guid"], others=["name", "id"]),
    "CodeBook": _rule([("Codes", 1, 1)]),
    "Codes": _rule([("Code", 1, MANY)]),
    "Code": _rule([("Description", 0, 1), ("NoteRef", 0, MANY), ("Code", 0, MANY)],
                  required=["guid", "name", "isCodable"], guids=["guid"], booleans=["isCodable"], rgb=["color"]),
    "Sources": _rule([("TextSource", 1, MANY), ("PictureSource", 1, MANY), ("PDFSource", 1, MANY),
                      ("AudioSource", 1, MANY), ("VideoSource", 1, MANY)], choice=True),
    "TextSource": _rule([("Description", 0, 1), ("PlainTextContent", 0, 1), ("PlainTextSelection", 0, MANY),
                         ("Coding", 0, MANY), ("NoteRef", 0, MANY), ("VariableValue", 0, MANY)],
                        required=["guid"], guids=["guid", *_USERS], others=["name", "richTextPath", "plainTextPath"],
                        dates=_DATES),
    "PlainTextSelection": _rule([("Description", 0, 1), ("Coding", 0, MANY), ("NoteRef", 0, MANY)],
                                required=["guid", "startPosition", "endPosition"], guids=["guid", *_USERS],
                                others=["name"], dates=_DATES, integers=["startPosition", "endPosition"]),
    "Coding": _rule([("CodeRef", 1, 1), ("NoteRef", 0, MANY)], required=["guid"], guids=["guid", "creatingUser"],
                    dates=["creationDateTime"]),
    "CodeRef": _rule(required=["targetGUID"], guids=["targetGUID"]),
    "Description": _TEXT,
    "PlainTextContent": _TEXT,
}
CODEBOOK_RULES = {
    "CodeBook": _rule([("Codes", 1, 1), ("Sets", 0, 1)], others=["origin"]),
    "Codes": _rule([("Code", 1, MANY)]),
    "Code": _rule([("Description", 0, 1), ("Code", 0, MANY)], required=["guid", "name", "isCodable"],
                  guids=["guid"], booleans=["isCodable"], rgb=["color"]),
    "Description": _TEXT,
}


def _children_follow(element, names: list[str], rule: dict, where: str) -> None:
    sequence = rule["children"]
    if rule["choice"]:
        allowed = {name for name, _, _ in sequence}
        assert names and set(names) <= allowed, f"{where}: children {names} (allowed: one or more of {allowed})"
        return
    position, counts = 0, {}
    for name in names:
        while position < len(sequence) and sequence[position][0] != name:
            position += 1
        assert position < len(sequence), f"{where}: <{name}> is not allowed here, or out of order ({names})"
        counts[name] = counts.get(name, 0) + 1
        maximum = sequence[position][2]
        assert maximum is None or counts[name] <= maximum, f"{where}: too many <{name}>"
    for name, minimum, _ in sequence:
        assert counts.get(name, 0) >= minimum, f"{where}: <{name}> is required"


def check_schema(root: ET.Element, codebook: bool = False) -> None:
    """Assert that ``root`` (a parsed project.qde, or a .qdc with ``codebook=True``) follows the schema."""
    ns, rules = (C, CODEBOOK_RULES) if codebook else (P, PROJECT_RULES)
    assert root.tag == ns + ("CodeBook" if codebook else "Project"), root.tag
    for element in root.iter():
        assert element.tag.startswith(ns), f"{element.tag} is not in the {ns} namespace"
        name = element.tag[len(ns):]
        assert name in rules, f"<{name}> is not an element the workbench should write"
        rule = rules[name]
        where = f"<{name} {element.get('name') or element.get('guid') or ''}>".replace(" >", ">")
        if rule["text"]:
            assert len(element) == 0, f"{where} holds elements"
            continue
        assert not (element.text or "").strip(), f"{where} holds text"
        _children_follow(element, [child.tag[len(ns):] for child in element], rule, where)
        attrs = set(element.attrib)
        assert rule["required"] <= attrs, f"{where} lacks {rule['required'] - attrs}"
        assert attrs <= rule["allowed"], f"{where} has undeclared attributes {attrs - rule['allowed']}"
        for attr in attrs:
            value = element.get(attr)
            if attr in rule["guids"]:
                assert GUID.match(value), f"{where} {attr}={value!r} is not a GUID"
            if attr in rule["dates"]:
                assert DATETIME.match(value), f"{where} {attr}={value!r} is not an xsd:dateTime"
            if attr in rule["booleans"]:
                assert value in BOOLEAN, f"{where} {attr}={value!r} is not an xsd:boolean"
            if attr in rule["integers"]:
                assert INTEGER.match(value), f"{where} {attr}={value!r} is not an xsd:integer"
            if attr in rule["rgb"]:
                assert RGB.match(value), f"{where} {attr}={value!r} is not an RGB colour"
        if name == "TextSource":  # "Either PlainTextContent or plainTextPath MUST be filled, not both"
            inline = element.find(ns + "PlainTextContent") is not None
            assert inline != (element.get("plainTextPath") is not None), f"{where}: text inline xor plainTextPath"


class QualCoderStyleImport:
    """A headless REFI-QDA project import that behaves like QualCoder's (see the module docstring)."""

    def __init__(self, project_folder: Path):
        self.project_folder = Path(project_folder)
        (self.project_folder / "documents").mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(":memory:")
        self.conn.executescript("""
            CREATE TABLE source (id INTEGER PRIMARY KEY, name TEXT UNIQUE, fulltext TEXT, memo TEXT, owner TEXT);
            CREATE TABLE code_cat (catid INTEGER PRIMARY KEY, name TEXT UNIQUE, supercatid INTEGER);
            CREATE TABLE code_name (cid INTEGER PRIMARY KEY, name TEXT UNIQUE, catid INTEGER, supercid INTEGER,
                                    color TEXT);
            CREATE TABLE code_text (ctid INTEGER PRIMARY KEY, cid INTEGER, fid INTEGER, seltext TEXT, pos0 INTEGER,
                                    pos1 INTEGER, owner TEXT, memo TEXT, UNIQUE (cid, fid, pos0, pos1, owner));
            CREATE TABLE annotation (anid INTEGER PRIMARY KEY, fid INTEGER, pos0 INTEGER, pos1 INTEGER, memo TEXT);
        """)
        self.errors: list[str] = []
        self.coder_name: str | None = None
        self.software = ""

    def run(self, qdpx: Path) -> QualCoderStyleImport:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / (Path(qdpx).stem + "_temporary")
            with zipfile.ZipFile(qdpx) as archive:
                archive.extractall(folder)
            contents = {p.name for p in folder.iterdir()}
            sources_dir = folder / ("sources" if "sources" in contents else "Sources")
            qde = next((folder / name for name in sorted(contents) if name.endswith(".qde")), folder / "project.qde")
            root = ET.parse(qde).getroot()
            version = None
            for child in root:
                try:
                    version = child.tag.split("{urn:QDA-XML:project:")[1].split("}")[0]
                except IndexError:
                    self.errors.append(f"project import: unexpected tag {child.tag}")
            ns = f"{{urn:QDA-XML:project:{version}}}"
            origin = root.get("origin")
            if origin is None:
                self.errors.append("the Project has no origin attribute (QualCoder calls origin.upper())")
            self.software = origin or ""
            self.users = [{"name": u.get("name"), "guid": u.get("guid")} for group in root.findall(ns + "Users")
                          for u in group]
            self.codes: dict[str, int] = {}
            for book in root.findall(ns + "CodeBook"):
                codes = list(book)[0]  # QualCoder: "<Codes> tag is only element"
                if codes.tag != ns + "Codes":
                    self.errors.append(f"the CodeBook's first child is {codes.tag}, not Codes")
                for code in codes:
                    self._code(code, ns, None, None)
            for group in root.findall(ns + "Sources"):
                for element in group:
                    if element.tag == ns + "TextSource":
                        self._text_source(element, ns, folder, sources_dir)
            if self.users:
                self.coder_name = self.users[0]["name"]
        return self

    def _code(self, element, ns: str, cat_id: int | None, super_cid: int | None) -> None:
        name = element.get("name")
        children = [c for c in element if c.tag == ns + "Code"]
        if element.get("isCodable") == "false":
            try:
                cur = self.conn.execute("INSERT INTO code_cat (name, supercatid) VALUES (?, ?)", (name, cat_id))
                cat = cur.lastrowid
            except sqlite3.IntegrityError:
                self.errors.append(f"category name '{name}' is duplicated")
                cat = None
            for child in children:
                self._code(child, ns, cat, None)
            return
        try:
            cur = self.conn.execute("INSERT INTO code_name (name, catid, supercid, color) VALUES (?, ?, ?, ?)",
                                    (name, None if super_cid else cat_id, super_cid, element.get("color")))
            cid = cur.lastrowid
            self.codes[element.get("guid")] = cid
        except sqlite3.IntegrityError:
            self.errors.append(f"code name '{name}' is duplicated")
            cid = None
        for child in children:
            self._code(child, ns, None, cid)

    def _user(self, guid: str | None) -> str:
        for user in self.users:
            if user["guid"] == guid:
                return user["name"]
        self.errors.append(f"creatingUser {guid!r} is not a User: the coding would belong to 'default'")
        return "default"

    def _text_source(self, element, ns: str, folder: Path, sources_dir: Path) -> None:
        name = element.get("name")
        path = element.get("plainTextPath")
        if not path or not path.startswith("internal://"):
            self.errors.append(f"TextSource '{name}' has no internal plainTextPath")
            return
        source_path = Path(str(sources_dir) + path.split("internal:/")[1])
        raw = source_path.read_bytes()
        if b"\r\n" in raw.split(b"\n", 1)[0] + b"\n":
            self.errors.append(f"'{name}' has Windows line ends: QualCoder shifts its text ('\\n' -> '\\n ')")
        fulltext = raw.decode("utf-8", errors="replace")
        memo = element.findtext(ns + "Description") or ""
        try:
            cur = self.conn.execute("INSERT INTO source (name, fulltext, memo, owner) VALUES (?, ?, ?, ?)",
                                    (name, fulltext, memo, self._user(element.get("creatingUser"))
                                     if element.get("creatingUser") else "default"))
            fid = cur.lastrowid
        except sqlite3.IntegrityError:
            self.errors.append(f"source name '{name}' is duplicated (QualCoder adds a prefix)")
            fid = None
        destination = f"{self.project_folder}/documents/{name}.{str(source_path).split('.')[-1]}"
        try:
            shutil.copyfile(source_path, destination)
        except OSError as err:
            self.errors.append(f"Cannot copy TextSource file from: {source_path} to: {destination} {err}")
        for selection in element.findall(ns + "PlainTextSelection"):
            pos0, pos1 = int(selection.get("startPosition")), int(selection.get("endPosition"))
            owner = self._user(selection.get("creatingUser"))
            seltext = fulltext[pos0:pos1]
            memo = selection.findtext(ns + "Description") or ""
            codings = selection.findall(ns + "Coding")
            if not codings:
                self.conn.execute("INSERT INTO annotation (fid, pos0, pos1, memo) VALUES (?, ?, ?, ?)",
                                  (fid, pos0, pos1, memo))
            for coding in codings:
                target = list(coding)[0].get("targetGUID")
                cid = self.codes.get(target)
                if cid is None:
                    self.errors.append(f"a coding in '{name}' points at no code ({target})")
                try:
                    self.conn.execute("INSERT INTO code_text (cid, fid, seltext, pos0, pos1, owner, memo) VALUES "
                                      "(?, ?, ?, ?, ?, ?, ?)", (cid, fid, seltext, pos0, pos1, owner, memo))
                except sqlite3.IntegrityError:
                    self.errors.append(f"Duplicated text coding for code and coder. Only one loaded: cid {cid}, "
                                       f"'{name}' {pos0}-{pos1}, {owner}")

    def codings(self) -> list[dict]:
        """Every stored coding: source name, code name, positions, owner, selected text, memo."""
        rows = self.conn.execute("""SELECT source.name, code_name.name, pos0, pos1, code_text.owner, seltext, code_text.memo
                                    FROM code_text JOIN source ON source.id = fid
                                    LEFT JOIN code_name ON code_name.cid = code_text.cid ORDER BY ctid""")
        return [dict(zip(("source", "code", "pos0", "pos1", "owner", "seltext", "memo"), row)) for row in rows]
