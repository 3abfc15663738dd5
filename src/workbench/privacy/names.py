"""Collecting person names and numbering their pseudonyms.

Names come from speaker labels (with their role), blog authors in metadata, a list the user gives
and spaCy PERSON entities (filtered so that everyday words such as "Hope" or "Will" at a sentence
start are not taken for names). Each gets a pseudonym numbered per role in order of first
appearance ("Carer 1", "Participant 2"); the parts of a multi-word name share its pseudonym.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..corpus.model import CONTENT_BLOCKS, Corpus
from ..corpus.structure import match_header
from ..corpus.text import decode_bytes
from ..errors import Errors, WorkbenchError
from .context import sentence_start
from .errors import PseudonymisationError

# Given names that are also everyday words; the corpus's own lower-case words and spaCy's stop
# words are added to these at fit time.
COMMON_WORD_NAMES = frozenset("""
hope faith grace joy will mark rose bill june may april august dawn sue pat rob ruby amber holly ivy lily
daisy iris heather violet crystal summer autumn sky river ray drew gene frank patience prudence charity
mercy chance guy jack jay nick max robin pearl penny sunny honey angel glory harmony destiny star storm
brook dale glen cliff carol art don jean kit lee miles norm page reed rich sandy victor wade ward win
earl king price bell hall hill moss fox wolf bird swan sterling
""".split())
_TITLES = frozenset("mr mrs ms miss mx dr prof professor cllr councillor sir dame lord lady rev revd fr".split())
_PARTICLES = frozenset("of de da van von la le del bin al der den du dos das di".split())
# Speaker labels that name a role or a crowd, not a person.
_GENERIC_LABELS = frozenset("""
all everyone everybody group audience unknown inaudible crosstalk facilitator interviewer interviewee
moderator speaker participant respondent chair host question answer multiple voices several others
various unidentified male female man woman researcher note
""".split())
_NUMBERED = re.compile(r"^(.+) (\d+)$")
_BRACKETED = re.compile(r"^\[(email|phone) (\d+)\]$")
_NOT_WORDS = re.compile(r"\S+@\S+|\S+://\S+|www\.\S+")  # e-mails and web addresses are no vocabulary
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

Found = tuple[str, str | None, str]  # (name, role, reason)


# -- names the user gives --------------------------------------------------------------------------
def load_names(path: str | Path) -> list[str]:
    """Names from a text file, one per line (``Name`` or ``Name=role``); ``#`` starts a comment line."""
    path = Path(path)
    try:
        text = decode_bytes(path.read_bytes(), str(path)).text
    except (OSError, WorkbenchError) as err:
        raise PseudonymisationError(Errors.E504.format(source=path, detail=err)) from None
    names = [line.strip() for line in text.split("\n") if line.strip() and not line.lstrip().startswith("#")]
    for name in names:
        parse_name(name, str(path))
    return names


def parse_name(entry: str, source: str = "names") -> tuple[str, str | None]:
    """'Tayo Adeyemi=carer' -> ('Tayo Adeyemi', 'carer'); raises E504 for what is no name."""
    name, _, role = str(entry).partition("=")
    name, role = " ".join(name.split()), role.strip() or None
    if not name or len(name) > 80 or "\n" in str(entry):
        raise PseudonymisationError(Errors.E504.format(source=source, detail=f"{entry!r} is not a name"))
    return name, role


# -- what looks like a name ------------------------------------------------------------------------
def looks_like_name(text: str) -> bool:
    """One to four capitalised words (particles allowed), no digits: 'June Harris', 'Ben van Dijk'."""
    words = text.split()
    if not 1 <= len(words) <= 4 or any(ch.isdigit() for ch in text) or len(text) > 60:
        return False
    return words[0][:1].isupper() and all(w[:1].isupper() or w.lower() in _PARTICLES for w in words)


def name_parts(name: str) -> list[str]:
    """The parts of a multi-word name that stand for the person alone ("June", "Harris"); no titles."""
    words = name.split()
    if len(words) < 2:
        return []
    return [w for w in words if len(w.strip(".")) > 1 and w.lower() not in _PARTICLES
            and w.lower().strip(".") not in _TITLES and w[:1].isupper()]


def is_person_label(name: str) -> bool:
    """A speaker label that names a person, not a role or a crowd ("Facilitator", "All", "Speaker 2")."""
    return (bool(name) and name[0].isalpha() and not any(ch.isdigit() for ch in name)
            and name.lower() not in _GENERIC_LABELS)


def lower_words(text: str) -> set[str]:
    """Words written in lower case in ``text`` (outside e-mail and web addresses)."""
    return {w for w in _WORD.findall(_NOT_WORDS.sub(" ", text)) if w.islower()}


def common_words(corpus: Corpus) -> set[str]:
    """Everyday words: common-word names, spaCy's stop words and the corpus's lower-case words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = set(COMMON_WORD_NAMES) | set(STOP_WORDS)
    for doc in corpus.documents:
        words.update(lower_words(doc.text))
    return words


def is_common(name: str, common: set[str]) -> bool:
    return len(name.split()) == 1 and name.lower() in common


def seen_mid_sentence(name: str, corpus: Corpus) -> bool:
    """A one-word entity must occur somewhere not at a sentence start ("Attendance was ..." is no name)."""
    if len(name.split()) > 1:
        return True
    pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w])")
    return any(not sentence_start(doc.text, m.start(), False)
               for doc in corpus.documents for m in pattern.finditer(doc.text))


# -- names in a corpus -----------------------------------------------------------------------------
def speaker_names(corpus: Corpus) -> list[Found]:
    """Speaker labels that name a person, with their role (a role given in any document counts in all)."""
    known_roles: dict[str, str] = {}
    for doc in corpus.documents:
        for name, role in doc.speaker_roles.items():
            known_roles.setdefault(name, role)
    found: list[Found] = []
    for doc in corpus.documents:
        for name in list(doc.speakers) + [n for n in doc.speaker_roles if n not in doc.speakers]:
            if is_person_label(name):
                found.append((name, doc.speaker_roles.get(name) or known_roles.get(name), "speaker"))
    return found


def author_names(corpus: Corpus) -> list[Found]:
    """Authors named in the documents' metadata ("June Harris and Dev Patel")."""
    found: list[Found] = []
    for doc in corpus.documents:
        for author in re.split(r"\s*(?:[,;&]|\band\b)\s*", str(doc.attributes.get("author") or "")):
            if looks_like_name(author):
                found.append((author, "author", "author"))
    return found


def entity_names(corpus: Corpus, nlp, annotated, common: set[str], known: dict[str, str]) -> tuple[list[str], object]:
    """PERSON entities of every segment, title and heading, in order of first appearance, and the
    pipeline used. A one-word entity that is a ``common`` word counts only if it is ``known``."""
    from ..annotate import Annotator, load_pipeline

    if annotated is not None and "ner" not in annotated.components:
        raise PseudonymisationError(Errors.E503.format(model=annotated.pipeline,
                                                       components=", ".join(annotated.components)))
    if nlp is None:
        if annotated is None:
            annotator = Annotator(progress=False)
            nlp = annotator.nlp
            if "ner" in nlp.pipe_names:
                annotated = annotator.annotate(corpus)
        else:
            nlp = load_pipeline()
    if "ner" not in nlp.pipe_names:
        raise PseudonymisationError(Errors.E503.format(model=nlp.meta.get("name", "?"),
                                                       components=", ".join(nlp.pipe_names)))
    if annotated is not None:
        docs = [annotated.docs[seg.seg_id] for seg in corpus.segments if seg.seg_id in annotated.docs]
    else:
        docs = list(nlp.pipe([seg.text for seg in corpus.segments], batch_size=64))
    others = [d.text[b.start_char:b.end_char] for d in corpus.documents for b in d.blocks
              if b.kind not in CONTENT_BLOCKS] + [d.title for d in corpus.documents if d.title]
    docs += list(nlp.pipe(others, batch_size=64))
    found: dict[str, None] = {}
    for doc in docs:
        tagged = doc.has_annotation("TAG")
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            tokens = [t for t in ent if t.text not in ("'s", "’s", "'", "’")]
            while tokens and tokens[0].text.lower().strip(".") in _TITLES:
                tokens = tokens[1:]
            name = " ".join(t.text for t in tokens)
            if (not tokens or not looks_like_name(name) or (tagged and any(t.pos_ != "PROPN" for t in tokens))
                    or (len(tokens) == 1 and is_common(name, common) and name not in known)):
                continue
            found.setdefault(name, None)
    return list(found), nlp


# -- numbering -------------------------------------------------------------------------------------
class Numbering:
    """Pseudonyms numbered per role, extending ``key`` (real -> pseudonym, changed in place).

    ``corpus`` gives the numbers already in use ("Speaker 2" stays free of a clash), ``common`` the
    everyday words, ``roles`` whether a known role names the pseudonym ("Carer 1"), else
    ``default_role``. Kept per entry: ``reasons``, ``roles`` and ``aliases`` (title-case spellings
    of names given in capitals).
    """

    def __init__(self, key: dict[str, str], corpus: Corpus, common: set[str], roles: bool = True,
                 default_role: str = "Participant"):
        self.key = key
        self.common = common
        self.use_roles = roles
        self.default_role = default_role
        self.reasons: dict[str, str] = {real: "key" for real in key}
        self.roles: dict[str, str | None] = {}
        self.aliases: dict[str, str] = {}
        self.counters = self._initial_counters(corpus)

    def _initial_counters(self, corpus: Corpus) -> dict[str, int]:
        """Highest number used per pseudonym prefix, from the key and from numbered labels ("Speaker 2")."""
        counters: dict[str, int] = {}
        used = list(self.key.values()) + [s for d in corpus.documents for s in d.speakers]
        for value in used:
            m = _NUMBERED.match(value) or _BRACKETED.match(value)
            if m:
                counters[m.group(1)] = max(counters.get(m.group(1), 0), int(m.group(2)))
        return counters

    def role_label(self, role: str | None) -> str:
        """'lived experience' -> 'Lived Experience', if '<label> 9:' still reads as a speaker label."""
        if self.use_roles and role:
            words = role.replace("_", " ").split()
            if 1 <= len(words) <= 2 and all(w.replace("-", "").isalpha() for w in words):
                label = " ".join(w[:1].upper() + w[1:] for w in words)
                header = match_header(f"{label} 99: x")
                if header is not None and header.name == f"{label} 99":
                    return label
        return self.default_role

    def add(self, name: str, role: str | None, reason: str) -> None:
        """Give ``name`` the next pseudonym of its role, unless it has one."""
        if name in self.key:
            if self.reasons.get(name) == "key":
                self.reasons[name] = reason
            self.roles.setdefault(name, role)
            return
        label = self.role_label(role)
        self.counters[label] = self.counters.get(label, 0) + 1
        self.key[name] = f"{label} {self.counters[label]}"
        self.reasons[name] = reason
        self.roles[name] = role

    def add_all(self, found: list[Found]) -> None:
        """Give each full name a pseudonym, then map the parts of multi-word names to the same one."""
        for name, role, reason in found:
            self.add(name, role, reason)
        for name, _, reason in found:  # parts after all full names, so a full name never becomes a part
            for part in name_parts(name):
                if part not in self.key and not (reason == "person_entity" and is_common(part, self.common)):
                    self.key[part] = self.key[name]
                    self.reasons[part] = self.reasons[name]
                    self.roles[part] = self.roles.get(name)
                if name.isupper():
                    self.aliases.setdefault(part.title(), part)
            if name.isupper() and len(name) > 1:
                self.aliases.setdefault(name.title(), name)

    def add_contact(self, kind: str, real: str) -> None:
        """Number an e-mail address or phone number ("[email 1]", "[phone 2]") unless it has a pseudonym."""
        if real not in self.key:
            self.counters[kind] = self.counters.get(kind, 0) + 1
            self.key[real] = f"[{kind} {self.counters[kind]}]"
        self.reasons[real] = kind
