"""Read a REFI-QDA project (``.qdpx``) made by the workbench or another program (NVivo, ATLAS.ti,
MAXQDA, QualCoder): its users, codes, text sources and the coded selections in them.

Only what the workbench can use is read: text sources with their plain text (``plainTextPath`` inside
the archive, or ``<PlainTextContent>``) and their ``PlainTextSelection``s with ``Coding``s. Pictures,
audio, video, PDFs, cases, sets, notes and variables are counted, not read. The archive is checked
first (no decompression bombs, no path tricks) and the XML is parsed without DTDs or entities.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from ..corpus.readers.archive import check_zip
from ..errors import Errors
from .tables import ExportError

MAX_QDPX_BYTES = 1024 * 1024 * 1024
_MEDIA = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


@dataclass
class QdpxCoding:
    """One code on a selection: the code's GUID and name, who coded it and when."""

    code_guid: str
    code: str | None  # None: the GUID names no code of the project
    user: str  # the user's name (their GUID when the project does not name them)
    created: str | None = None


@dataclass
class QdpxSelection:
    """A ``PlainTextSelection``: characters ``start:end`` of its source, with its codings."""

    guid: str
    name: str
    start: int
    end: int
    user: str | None
    created: str | None
    description: str
    codings: list[QdpxCoding] = field(default_factory=list)


@dataclass
class QdpxSource:
    """A ``TextSource`` with its plain text (None when the project holds none) and selections."""

    guid: str
    name: str
    description: str
    text: str | None
    text_problem: str = ""
    selections: list[QdpxSelection] = field(default_factory=list)


@dataclass
class QdpxProject:
    """What a ``.qdpx`` holds, in document order."""

    path: Path
    name: str
    origin: str
    users: dict[str, str]  # guid -> name, in file order
    codes: dict[str, str]  # guid -> name
    sources: list[QdpxSource]
    other_sources: int = 0  # pictures, PDFs, audio, video: not read


def _bad(path: Path, detail: str) -> ExportError:
    return ExportError(Errors.E455.format(path=path, detail=detail))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def _text_of(element, name: str) -> str:
    found = _children(element, name)
    return (found[0].text or "") if found else ""


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _member_text(archive: zipfile.ZipFile, names: dict[str, str], target: str) -> tuple[str | None, str]:
    """The text of ``internal://<file>``: the member ``sources/<file>`` (any case), decoded as UTF-8."""
    if not target.startswith("internal://"):
        return None, f"its text is outside the project ('{target}'); only texts inside the .qdpx can be read"
    file = target[len("internal://"):].lstrip("/")
    member = names.get(f"sources/{file}".casefold()) or names.get(file.casefold())
    if member is None:
        return None, f"its text file '{file}' is missing from the project"
    try:
        return archive.read(member).decode("utf-8-sig"), ""
    except UnicodeDecodeError as err:
        return None, f"its text file '{file}' is not UTF-8 ({err})"


def read_qdpx(path: str | Path) -> QdpxProject:
    """The users, codes, text sources and coded selections of a ``.qdpx`` file (E455 if it cannot be read)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise _bad(path, err.strerror or str(err)) from None
    if len(data) > MAX_QDPX_BYTES:
        raise _bad(path, f"the file is {len(data) / 1e9:.1f} GB")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _bad(path, "it is not a zip archive (a .qdpx file is one)")
    problem = check_zip(data)
    if problem:
        raise _bad(path, problem)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = {name.casefold(): name for name in archive.namelist()}
        qde = names.get("project.qde") or next(
            (name for key, name in names.items() if PurePosixPath(key).suffix == ".qde" and "/" not in key), None)
        if qde is None:
            raise _bad(path, "it holds no project.qde")
        try:
            root = SafeET.fromstring(archive.read(qde))
        except (SafeET.ParseError, DefusedXmlException) as err:
            raise _bad(path, f"{qde} is not valid XML ({err})") from None
        if _local(root.tag) != "Project" or not root.tag.startswith("{urn:QDA-XML:project:"):
            raise _bad(path, f"{qde} is not a REFI-QDA project (its root is <{_local(root.tag)}>)")
        users = {u.get("guid", ""): u.get("name") or u.get("guid", "")
                 for group in _children(root, "Users") for u in _children(group, "User")}
        codes: dict[str, str] = {}

        def walk(element) -> None:
            for code in _children(element, "Code"):
                codes[code.get("guid", "")] = code.get("name", "")
                walk(code)

        for book in _children(root, "CodeBook"):
            for group in _children(book, "Codes"):
                walk(group)
        sources: list[QdpxSource] = []
        other = 0
        for group in _children(root, "Sources"):
            for element in group:
                if _local(element.tag) in _MEDIA:
                    other += 1
                if _local(element.tag) != "TextSource":
                    continue
                inline = _children(element, "PlainTextContent")
                if inline:
                    text, text_problem = inline[0].text or "", ""
                elif element.get("plainTextPath"):
                    text, text_problem = _member_text(archive, names, element.get("plainTextPath"))
                else:
                    text, text_problem = None, "it has neither plainTextPath nor PlainTextContent"
                source = QdpxSource(guid=element.get("guid", ""), name=element.get("name", ""),
                                    description=_text_of(element, "Description"), text=text,
                                    text_problem=text_problem)
                for sel in _children(element, "PlainTextSelection"):
                    start, end = _int(sel.get("startPosition")), _int(sel.get("endPosition"))
                    selection = QdpxSelection(
                        guid=sel.get("guid", ""), name=sel.get("name", ""), start=-1 if start is None else start,
                        end=-1 if end is None else end, user=users.get(sel.get("creatingUser", ""),
                                                                        sel.get("creatingUser")),
                        created=sel.get("creationDateTime"), description=_text_of(sel, "Description"))
                    for coding in _children(sel, "Coding"):
                        refs = _children(coding, "CodeRef")
                        target = refs[0].get("targetGUID", "") if refs else ""
                        who = coding.get("creatingUser") or sel.get("creatingUser") or ""
                        selection.codings.append(QdpxCoding(
                            code_guid=target, code=codes.get(target), user=users.get(who, who) or "unknown coder",
                            created=coding.get("creationDateTime") or selection.created))
                    source.selections.append(selection)
                sources.append(source)
    return QdpxProject(path=path, name=root.get("name", ""), origin=root.get("origin", ""), users=users,
                       codes=codes, sources=sources, other_sources=other)
