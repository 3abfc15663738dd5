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
  ``file_text[startPosition:endPosition]`` is the coded text, emoji and other non-BMP characters included
  (a program counting UTF-16 units would shift every selection after an emoji by one).
- **GUIDs** are uuid5 of a fixed namespace and a stable key - ``code/<name>``, ``user/<name>``,
  ``source/<doc_id>``, ``selection/<coding_id>``, ``coding/<coding_id>/<code>``, and for machine
  suggestions ``suggestion/<doc_id>/<start>/<end>`` - so the same code keeps its GUID in a ``.qdc`` and a
  ``.qdpx``, and exporting the same project twice gives identical bytes (zip entries have fixed times and
  attributes; no "now" is written anywhere).
- **Sources** are named by their file name, without folders ("carers-at-the-table.md", not
  "blogs/carers-at-the-table.md": programs such as QualCoder copy each source to a file of that name),
  made unique ("a.md" in two folders become "blogs - a.md" and "notes - a.md") and safe on Windows; the
  corpus path (the workbench's doc_id) is the first line of the source's ``<Description>``.
- **Which codings**: those with status "accepted" - a person's codings, and machine suggestions a
  person accepted or corrected - keep their coder as the selection's creating user. A machine coding's
  ``<Description>`` says who suggested and who accepted it, after its memo.
- **Machine suggestions** (barrier and enabler hits, and pending suggestions in the coding store) are
  exported too, unless switched off (``[export] machine_suggestions = false``): as codings by a user of
  their own, "workbench (machine suggestion)", one selection per span with one coding per suggested code,
  score and evidence in the selection's ``<Description>``. A span and code a person has already accepted
  or rejected is not suggested again. Pending suggestions that no longer fit the text are left out.
- **Users**: the first user is a person: the one with the most exported codings (made or accepted), or
  the author when no person has coded yet. QualCoder makes the first user the active coder.
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
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

from .. import __version__
from ..errors import CorpusError, Errors
from .tables import ExportError, _write

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = f"workbench {__version__}"
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "workbench:refi-qda:1.0")
UNCATEGORISED = "Uncategorised (not in codebook)"
MACHINE_USER = "workbench (machine suggestion)"
CORPUS_PATH_LABEL = "Corpus path: "  # first line of a source's Description; import-qdpx reads it back
KIND_COLORS = {"barrier": "#C0392B", "enabler": "#1E8449", "principle": "#2471A3", "benefit": "#B9770E",
               "other": "#7F8C8D"}
UNKNOWN_COLOR = "#7F8C8D"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: fixed, so exports are byte-identical
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE = re.compile(r"\s+")
_BAD_NAME_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')  # not allowed in a file name on Windows


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

def source_names(corpus) -> dict[str, str]:
    """doc_id -> the name of its TextSource: the file name without folders, unique (case-insensitively),
    with characters Windows forbids in file names replaced by '_'."""
    def clean(name: str) -> str:
        return _BAD_NAME_CHARS.sub("_", name).strip(" .") or "document"

    doc_ids = [doc.doc_id for doc in corpus.documents]
    base = {d: clean(PurePosixPath(d).name) for d in doc_ids}
    counts = Counter(name.casefold() for name in base.values())
    names: dict[str, str] = {}
    seen: set[str] = set()
    for doc_id in doc_ids:
        name = base[doc_id] if counts[base[doc_id].casefold()] == 1 else clean(" - ".join(PurePosixPath(doc_id).parts))
        candidate, i = name, 2
        while candidate.casefold() in seen:
            stem, dot, suffix = name.rpartition(".")
            candidate = f"{stem} ({i}).{suffix}" if dot and stem else f"{name} ({i})"
            i += 1
        seen.add(candidate.casefold())
        names[doc_id] = candidate
    return names


def _all_codings(codings) -> list:
    """Every coding (a CodingStore, or Codings), whatever its status."""
    if codings is None:
        return []
    return list(codings.all()) if hasattr(codings, "all") and callable(codings.all) else list(codings)


def _exported(codings) -> list:
    """Accepted codings (a CodingStore, or Codings) - never pending or rejected ones."""
    return [c for c in _all_codings(codings) if c.status == "accepted"]


def codings_from_hits(hits, coder: str = "workbench") -> list:
    """Barrier or enabler hits (a DataFrame with BARRIER_COLUMNS) as pending machine Codings: source "rule"
    when a cue or the list structure fired, else "model"."""
    from ..coding import Coding

    return [Coding(doc_id=hit.doc_id, seg_id=hit.seg_id, start_char=int(hit.start_char), end_char=int(hit.end_char),
                   codes=[hit.category], coder=coder, source="rule" if "cue" in hit.evidence or "structure"
                   in hit.evidence else "model", status="pending", score=float(hit.score), evidence=hit.evidence,
                   text=hit.text)
            for hit in hits.itertuples(index=False)]


def _fits(corpus, coding) -> str | None:
    """Why ``coding`` no longer fits the corpus, or None."""
    try:
        text = corpus.document(coding.doc_id).text
    except CorpusError:
        return f"document '{coding.doc_id}' is not in the corpus"
    if not 0 <= coding.start_char < coding.end_char <= len(text):
        return f"span {coding.start_char}-{coding.end_char} is outside '{coding.doc_id}' ({len(text)} characters)"
    if coding.text and text[coding.start_char:coding.end_char] != coding.text:
        return f"the text of '{coding.doc_id}' at {coding.start_char}-{coding.end_char} changed since it was coded"
    return None


def _check_fit(corpus, codings: list) -> None:
    bad = [(coding.coding_id, why) for coding in codings if (why := _fits(corpus, coding))]
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


def _machine_selections(corpus, all_codings: list, suggestions) -> dict[str, list[tuple[int, int, dict]]]:
    """doc_id -> [(start, end, {code: (score, evidence, source)})]: machine suggestions (pending ones in
    the store and ``suggestions``) that fit the corpus, merged by span and code (highest score, every
    distinct evidence), without a span and code a person already accepted or rejected."""
    decided = {(c.doc_id, c.start_char, c.end_char, code) for c in all_codings
               if c.source != "human" and c.status in ("accepted", "rejected") for code in c.codes}
    pending = [c for c in all_codings if c.source != "human" and c.status == "pending"]
    spans: dict[tuple[str, int, int], dict[str, tuple[float | None, list[str], str]]] = {}
    for coding in [*pending, *(suggestions or [])]:
        if _fits(corpus, coding):
            continue
        for code in coding.codes:
            if (coding.doc_id, coding.start_char, coding.end_char, code) in decided:
                continue
            codes = spans.setdefault((coding.doc_id, coding.start_char, coding.end_char), {})
            score, evidence, source = codes.get(code, (None, [], coding.source))
            if coding.score is not None and (score is None or coding.score > score):
                score = coding.score
            if coding.evidence and coding.evidence not in evidence:
                evidence = [*evidence, coding.evidence]
            codes[code] = (score, evidence, source)
    out: dict[str, list[tuple[int, int, dict]]] = {}
    for (doc_id, start, end), codes in sorted(spans.items()):
        out.setdefault(doc_id, []).append((start, end, codes))
    return out


def _suggestion_description(codes: dict, codebook) -> str:
    lines = ["Machine suggestion by the workbench, not reviewed by a person."]
    for code, (score, evidence, source) in codes.items():
        kind = codebook.get(code).kind if codebook is not None and code in codebook else ""
        line = f"{code}" + (f" ({kind})" if kind else "") + f": {source}"
        if score is not None:
            line += f", score {score:.3g}"
        if evidence:
            line += f"; evidence: {' | '.join(evidence)}"
        lines.append(line)
    return "\n".join(lines)


def _users(author: str, exported: list, machine: bool) -> list[str]:
    """User names, a person first: the one with the most codings made or accepted (the author if none)."""
    people: Counter = Counter()
    for coding in exported:
        if coding.source == "human":
            people[coding.coder] += 1
        if coding.reviewed_by:
            people[coding.reviewed_by] += 1
    first = min(people, key=lambda name: (-people[name], name)) if people else author
    names = {author, *(c.coder for c in exported), *(c.reviewed_by for c in exported if c.reviewed_by)}
    if machine:
        names.add(MACHINE_USER)
    return [first, *sorted(names - {first})]


def project_xml(corpus, codebook, codings, *, project_name: str, author: str,
                created: str | datetime | None = None, suggestions=None) -> tuple[str, dict[str, str]]:
    """The ``project.qde`` XML and the plain text files (zip member name -> text) of a ``.qdpx``.

    ``codings``: a CodingStore or Codings (accepted ones are exported with their coders; pending machine
    ones as suggestions); ``suggestions``: more machine suggestions (Codings, e.g. ``codings_from_hits``)
    or None. Pass ``suggestions=None`` and accepted codings only to leave suggestions out.
    ``created``: the project's creationDateTime; by default the latest change among the exported
    codings (none if there are no codings), so the same project always gives the same XML.
    """
    for label, value in (("project_name", project_name), ("author", author)):
        if not isinstance(value, str) or not value.strip():
            raise ExportError(Errors.E454.format(detail=f"{label} must be non-empty text, got {value!r}"))
    everything = _all_codings(codings)
    exported = [c for c in everything if c.status == "accepted"]
    _check_fit(corpus, exported)
    order = {doc.doc_id: i for i, doc in enumerate(corpus.documents)}
    exported.sort(key=lambda c: (order[c.doc_id], c.start_char, c.end_char, c.coding_id))
    machine = _machine_selections(corpus, everything, suggestions)

    if created is None and exported:
        created = max(c.updated or c.created for c in exported)
    root = ET.Element("Project", {"xmlns": PROJECT_NS, "name": _xml_text(project_name), "origin": ORIGIN,
                                  "creatingUserGUID": guid("user", author)})
    if created is not None and _xsd_datetime(created):
        root.set("creationDateTime", _xsd_datetime(created))

    users_el = _sub(root, "Users")
    for name in _users(author, exported, bool(machine)):
        _sub(users_el, "User", guid=guid("user", name), name=name)

    used = {code for coding in exported for code in coding.codes}
    used |= {code for spans in machine.values() for _, _, codes in spans for code in codes}
    codebook_el = ET.Element("CodeBook")
    if _codes(codebook_el, codebook, used):
        root.append(codebook_el)

    by_doc: dict[str, list] = {}
    for coding in exported:
        by_doc.setdefault(coding.doc_id, []).append(coding)
    names = source_names(corpus)
    files: dict[str, str] = {}
    if corpus.documents:
        sources = _sub(root, "Sources")
        for doc in corpus.documents:
            source_guid = guid("source", doc.doc_id)
            files[f"sources/{source_guid}.txt"] = doc.text
            source = _sub(sources, "TextSource", guid=source_guid, name=names[doc.doc_id],
                          plainTextPath=f"internal://{source_guid}.txt")
            about = CORPUS_PATH_LABEL + doc.doc_id
            if doc.title and doc.title != doc.doc_id:
                about += f"\nTitle: {doc.title}"
            _description(source, about)
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
            machine_user = guid("user", MACHINE_USER)
            for start, end, codes in machine.get(doc.doc_id, []):
                key = (doc.doc_id, str(start), str(end))
                selection = _sub(source, "PlainTextSelection", guid=guid("suggestion", *key),
                                 name=_selection_name(doc.text[start:end]), startPosition=start, endPosition=end,
                                 creatingUser=machine_user)
                _description(selection, _suggestion_description(codes, codebook))
                for code in codes:
                    element = _sub(selection, "Coding", guid=guid("suggestion-coding", *key, code),
                                   creatingUser=machine_user)
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
               created: str | datetime | None = None, suggestions=None) -> Path:
    """Write a REFI-QDA project (``.qdpx``): every document of ``corpus`` with its accepted codings, and
    machine suggestions (pending ones in ``codings`` and ``suggestions``) by "workbench (machine suggestion)".

    ``codebook``: a Codebook (or None); ``codings``: a CodingStore or an iterable of Codings;
    ``author``: the user credited with creating the project. Raises E452 if an accepted coding no longer
    fits its document. Written atomically; the same inputs give the same bytes.
    """
    xml, files = project_xml(corpus, codebook, codings, project_name=project_name, author=author,
                             created=created, suggestions=suggestions)
    members = {"project.qde": xml.encode("utf-8")}
    members.update((name, files[name].encode("utf-8")) for name in sorted(files))
    return _write(Path(path), _zip_bytes(members))
