"""REFI-QDA export: a codebook as ``.qdc`` and a whole coded project as ``.qdpx``.

The REFI-QDA standard (www.qdasoftware.org, QDA-XML 1.0) is what NVivo, ATLAS.ti, MAXQDA, QualCoder and
others import. A ``.qdpx`` is a zip holding ``project.qde`` (XML in ``urn:QDA-XML:project:1.0``) and a
``sources/`` folder; each document is a ``<TextSource plainTextPath="internal://<guid>.txt">`` whose
text is ``sources/<guid>.txt``, and each coding a ``<PlainTextSelection startPosition endPosition>``
with one ``<Coding><CodeRef targetGUID/></Coding>`` per code.

Design decisions:

- **Offsets**: ``startPosition``/``endPosition`` are the coding's ``start_char``/``end_char``: zero-based,
  end exclusive, counted in Unicode code points of the plain text file, which holds the document's
  normalised text (LF line ends, NFC) as UTF-8 *without* a BOM. So
  ``file_text[startPosition:endPosition]`` is the coded text, emoji and other non-BMP characters included.
- **GUIDs** are uuid5 of a fixed namespace and a stable key - ``code/<name>``, ``user/<name>``,
  ``source/<doc_id>``, ``selection/<coding_id>``, ``coding/<coding_id>/<code>`` - so the same code keeps
  its GUID in a ``.qdc`` and a ``.qdpx``, and exporting the same project twice gives identical bytes
  (zip entries have fixed times and attributes; no "now" is written anywhere).
- **Which codings**: those with status "accepted" - a person's codings, and machine suggestions a
  person accepted or corrected. Pending and rejected suggestions are never exported. A machine coding's
  ``<Description>`` says who suggested and who accepted it, after its memo.
- **Codes not in the codebook** are not dropped: each becomes a codable code under a non-codable
  group "Uncategorised (not in codebook)", so the importing program shows them and they can be moved.
- Every code of the codebook is codable (workbench codes can be used at any level); the hierarchy
  follows the codebook's ``parent`` relations, and the colour the code's kind.
"""
from __future__ import annotations

import io
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import CorpusError, Errors
from .tables import ExportError, _write

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = f"workbench {__version__}"
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "workbench:refi-qda:1.0")
UNCATEGORISED = "Uncategorised (not in codebook)"
KIND_COLORS = {"barrier": "#C0392B", "enabler": "#1E8449", "principle": "#2471A3", "benefit": "#B9770E",
               "other": "#7F8C8D"}
UNKNOWN_COLOR = "#7F8C8D"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: fixed, so exports are byte-identical
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE = re.compile(r"\s+")


def guid(*key: str) -> str:
    """A deterministic GUID (uuid5) for a stable key, e.g. ``guid("code", "trust")``."""
    return str(uuid.uuid5(GUID_NAMESPACE, "/".join(key)))


def _xml_text(value: Any) -> str:
    """Text XML 1.0 can hold (characters it forbids become U+FFFD)."""
    return _ILLEGAL_XML.sub("\ufffd", str(value))


def _sub(parent: ET.Element, tag: str, **attrs: Any) -> ET.Element:
    return ET.SubElement(parent, tag, {k: _xml_text(v) for k, v in attrs.items() if v is not None})


def _description(parent: ET.Element, text: str) -> None:
    if text and text.strip():
        _sub(parent, "Description").text = _xml_text(text)


def _xsd_datetime(value: Any) -> str | None:
    """An ISO time (or datetime) as xsd:dateTime in UTC ('2025-03-14T10:00:00Z'); None if unreadable."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _to_string(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# -- codes -----------------------------------------------------------------------------------------

def _codes(parent: ET.Element, codebook, extra_codes: Iterable[str] = ()) -> int:
    """Append ``<Codes>`` (the codebook's hierarchy, then unknown codes under UNCATEGORISED) to
    ``parent``; returns how many codes it holds (0: nothing appended)."""
    codes = list(codebook) if codebook is not None else []
    known = {code.name for code in codes}
    extra = sorted(set(extra_codes) - known)
    if not codes and not extra:
        return 0
    children: dict[str | None, list] = {}
    for code in codes:
        children.setdefault(code.parent, []).append(code)
    element = _sub(parent, "Codes")

    def add(into: ET.Element, code) -> None:
        node = _sub(into, "Code", guid=guid("code", code.name), name=code.name, isCodable="true",
                    color=KIND_COLORS.get(code.kind, UNKNOWN_COLOR))
        _description(node, code.description)
        for child in children.get(code.name, []):
            add(node, child)

    for code in children.get(None, []):
        add(element, code)
    if extra:
        group = _sub(element, "Code", guid=guid("code-group", "uncategorised"), name=UNCATEGORISED,
                     isCodable="false", color=UNKNOWN_COLOR)
        _description(group, "Codes used in codings but missing from the workbench codebook.")
        for name in extra:
            _sub(group, "Code", guid=guid("code", name), name=name, isCodable="true", color=UNKNOWN_COLOR)
    return len(codes) + len(extra)


def codebook_xml(codebook, *, extra_codes: Iterable[str] = ()) -> str:
    """The codebook as a REFI-QDA ``.qdc`` document (``<CodeBook xmlns="urn:QDA-XML:codebook:1.0">``).

    ``extra_codes``: code names not in the codebook to add under "Uncategorised (not in codebook)".
    """
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": ORIGIN})
    if not _codes(root, codebook, extra_codes):
        raise ExportError(Errors.E453.format(detail="the codebook has no codes"))
    return _to_string(root)


def write_qdc(codebook, path: str | Path) -> Path:
    """Write the codebook as a REFI-QDA ``.qdc`` file (UTF-8, atomically); returns the path."""
    return _write(Path(path), codebook_xml(codebook).encode("utf-8"))


# -- project ---------------------------------------------------------------------------------------

def _exported(codings) -> list:
    """Accepted codings (a CodingStore, or Codings) - never pending or rejected ones."""
    if codings is None:
        return []
    items = codings.all() if hasattr(codings, "all") and callable(codings.all) else list(codings)
    return [c for c in items if c.status == "accepted"]


def _check_fit(corpus, codings: list) -> None:
    bad: list[tuple[str, str]] = []
    for coding in codings:
        try:
            text = corpus.document(coding.doc_id).text
        except CorpusError:
            bad.append((coding.coding_id, f"document '{coding.doc_id}' is not in the corpus"))
            continue
        if not 0 <= coding.start_char < coding.end_char <= len(text):
            bad.append((coding.coding_id, f"span {coding.start_char}-{coding.end_char} is outside "
                                          f"'{coding.doc_id}' ({len(text)} characters)"))
        elif coding.text and text[coding.start_char:coding.end_char] != coding.text:
            bad.append((coding.coding_id, f"the text of '{coding.doc_id}' at {coding.start_char}-"
                                          f"{coding.end_char} changed since it was coded"))
    if bad:
        ids = ", ".join(i for i, _ in bad[:5]) + (", ..." if len(bad) > 5 else "")
        raise ExportError(Errors.E452.format(n=len(bad), ids=ids, detail=bad[0][1]))


def _selection_name(text: str, limit: int = 80) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _selection_description(coding) -> str:
    parts = [coding.memo.strip()] if coding.memo and coding.memo.strip() else []
    if coding.source != "human":
        note = f"Suggested by {coding.coder} ({coding.source})"
        if coding.reviewed_by:
            note += f", accepted by {coding.reviewed_by}"
        if coding.score is not None:
            note += f"; score {coding.score:.3g}"
        if coding.evidence:
            note += f"; evidence: {coding.evidence}"
        parts.append(note + ".")
    return "\n\n".join(parts)


def project_xml(corpus, codebook, codings, *, project_name: str, author: str,
                created: str | datetime | None = None) -> tuple[str, dict[str, str]]:
    """The ``project.qde`` XML and the plain text files (zip member name -> text) of a ``.qdpx``.

    ``created``: the project's creationDateTime; by default the latest change among the exported
    codings (none if there are no codings), so the same project always gives the same XML.
    """
    for label, value in (("project_name", project_name), ("author", author)):
        if not isinstance(value, str) or not value.strip():
            raise ExportError(Errors.E454.format(detail=f"{label} must be non-empty text, got {value!r}"))
    exported = _exported(codings)
    _check_fit(corpus, exported)
    order = {doc.doc_id: i for i, doc in enumerate(corpus.documents)}
    exported.sort(key=lambda c: (order[c.doc_id], c.start_char, c.end_char, c.coding_id))

    users = {author: None}
    for coding in exported:
        users.setdefault(coding.coder, None)
        if coding.reviewed_by:
            users.setdefault(coding.reviewed_by, None)
    if created is None and exported:
        created = max(c.updated or c.created for c in exported)
    root = ET.Element("Project", {"xmlns": PROJECT_NS, "name": _xml_text(project_name), "origin": ORIGIN,
                                  "creatingUserGUID": guid("user", author)})
    if created is not None and _xsd_datetime(created):
        root.set("creationDateTime", _xsd_datetime(created))

    users_el = _sub(root, "Users")
    for name in [author, *sorted(set(users) - {author})]:
        _sub(users_el, "User", guid=guid("user", name), name=name)

    used = {code for coding in exported for code in coding.codes}
    codebook_el = ET.Element("CodeBook")
    if _codes(codebook_el, codebook, used):
        root.append(codebook_el)

    by_doc: dict[str, list] = {}
    for coding in exported:
        by_doc.setdefault(coding.doc_id, []).append(coding)
    files: dict[str, str] = {}
    if corpus.documents:
        sources = _sub(root, "Sources")
        for doc in corpus.documents:
            source_guid = guid("source", doc.doc_id)
            files[f"sources/{source_guid}.txt"] = doc.text
            source = _sub(sources, "TextSource", guid=source_guid, name=doc.doc_id,
                          plainTextPath=f"internal://{source_guid}.txt")
            _description(source, doc.title if doc.title and doc.title != doc.doc_id else "")
            for coding in by_doc.get(doc.doc_id, []):
                user = guid("user", coding.coder)
                selection = _sub(source, "PlainTextSelection", guid=guid("selection", coding.coding_id),
                                 name=_selection_name(doc.text[coding.start_char:coding.end_char]),
                                 startPosition=coding.start_char, endPosition=coding.end_char,
                                 creatingUser=user, creationDateTime=_xsd_datetime(coding.created))
                _description(selection, _selection_description(coding))
                for code in coding.codes:
                    element = _sub(selection, "Coding", guid=guid("coding", coding.coding_id, code),
                                   creatingUser=user, creationDateTime=_xsd_datetime(coding.updated))
                    _sub(element, "CodeRef", targetGUID=guid("code", code))
    return _to_string(root), files


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # the same bytes on every platform
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def write_qdpx(corpus, codebook, codings, path: str | Path, *, project_name: str, author: str,
               created: str | datetime | None = None) -> Path:
    """Write a REFI-QDA project (``.qdpx``): every document of ``corpus`` with its accepted codings.

    ``codebook``: a Codebook (or None); ``codings``: a CodingStore or an iterable of Codings;
    ``author``: the user credited with creating the project. Raises E452 if a coding no longer fits
    its document. Written atomically; the same inputs give the same bytes.
    """
    xml, files = project_xml(corpus, codebook, codings, project_name=project_name, author=author,
                             created=created)
    members = {"project.qde": xml.encode("utf-8")}
    members.update((name, files[name].encode("utf-8")) for name in sorted(files))
    return _write(Path(path), _zip_bytes(members))
