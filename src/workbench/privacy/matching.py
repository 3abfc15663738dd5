"""Finding what to replace in a text with a fitted key: e-mail addresses, phone numbers and names.

Names match whole-word and case-sensitive, longest first (names given in lower case match in any
case), across a line break in Markdown/HTML source, possessives included. A name that is also a
common word is replaced unless the context shows the word (see ``Matcher.decide``); a month next
to a date is kept.
"""
from __future__ import annotations

import re
from typing import Iterator

from .context import MONTHS, TAG, following, is_date, sentence_start
from .offsets import Hit, apply

EMAIL = re.compile(r"(?<![\w.+%-])[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                   r"\.[A-Za-z]{2,}(?![\w-])")
PHONE = re.compile(r"""(?<![\w+/=.-])(?:
      \+44[ \t-]?(?:\(0\)[ \t-]?)?\d(?:[ \t-]?\d){8,9}              # +44 7700 900123, +44 (0)20 7946 0000
    | \(0\d{2,4}\)[ \t-]?\d(?:[ \t-]?\d){5,7}                       # (020) 7946 0000
    | 0\d(?:[ \t-]?\d){8,9}                                         # 07700 900123, 020 7946 0000
    | \+[1-9]\d{0,2}[ \t-]?(?:\(\d{1,4}\)[ \t-]?)?\d(?:[ \t-]?\d){6,12}  # other international numbers
)(?![\w-]|[.,]\d)""", re.X)
# A word after a sentence-initial name that shows it is a person ("Hope said ...").
_PERSON_VERBS = frozenset("""
said says asked asks told tells replied replies added adds agreed agrees explained explains mentioned
mentions suggested suggests thinks thought wants wanted felt feels noted notes argued argues answered
answers laughed laughs nodded nods came comes went goes arrived joined left wrote writes spoke speaks
""".split())
_NAME_END = frozenset(",?!:.;)]”’\"'")
_ROLE_LABEL = re.compile(r"[ \t]*\([^()\n]{1,40}\)[ \t]*:")  # "Sheila (carer):"


def phone_key(found: str) -> str:
    """A phone number as it is kept in the key: digits only, UK numbers in national form."""
    digits = re.sub(r"\D", "", found)
    if found.startswith("+44"):
        national = digits[2:]
        return "0" + (national[1:] if national.startswith("0") else national)
    return ("+" + digits) if found.startswith("+") else digits


def valid_phone(key: str) -> bool:
    digits = key.lstrip("+")
    if key.startswith("+"):
        return 8 <= len(digits) <= 15
    return key.startswith("0") and 10 <= len(digits) <= 11


def real_kind(real: str) -> str:
    """What a key entry is: 'email', 'phone' or 'name'."""
    if "@" in real:
        return "email"
    if re.fullmatch(r"\+?\d{7,16}", real):
        return "phone"
    return "name"


def find_contacts(text: str, emails: bool = True, phones: bool = True) -> Iterator[tuple[str, str, re.Match]]:
    """(kind, key entry, match) of each e-mail address, then each valid phone number, in ``text``."""
    if emails:
        for m in EMAIL.finditer(text):
            yield "email", m.group().lower(), m
    if phones:
        for m in PHONE.finditer(text):
            real = phone_key(m.group())
            if valid_phone(real):
                yield "phone", real, m


def _overlaps(start: int, end: int, hits: list[Hit]) -> bool:
    return any(h.start < end and start < h.end for h in hits)


class Matcher:
    """The replacements a fitted key makes in a text.

    ``key`` real -> pseudonym, ``reasons`` real -> why it is in the key, ``aliases`` other spellings
    -> real ("Tom" for "TOM"), ``common`` lower-case everyday words, ``nlp`` an optional spaCy
    pipeline that tags sentence-initial common-word names. The mappings are used, not copied.
    """

    def __init__(self, key: dict[str, str], reasons: dict[str, str], aliases: dict[str, str], common: set[str],
                 nlp=None, emails: bool = True, phones: bool = True):
        self.key = key
        self.reasons = reasons
        self.aliases = aliases
        self.common = common
        self.nlp = nlp
        self.emails = emails
        self.phones = phones
        self._decisions: dict[str, bool] = {}
        self._patterns: dict[bool, tuple[re.Pattern | None, re.Pattern | None]] = {}
        self._variants: dict[str, str] = {}

    def speaker(self, label: str | None) -> str | None:
        """The pseudonym of a speaker label (exact match), or the label itself if it is not in the key."""
        if not label:
            return label
        return self.key.get(label) or self.key.get(self.aliases.get(label, ""), label)

    def real_names(self) -> set[str]:
        """Every real name of the key and its other spellings."""
        return {k for k in self.key if real_kind(k) == "name"} | set(self.aliases)

    def replace(self, text: str, **options) -> str:
        """``text`` with every replacement made (``options`` as for ``scan``)."""
        return apply(text, self.scan(text, **options)[0])

    def scan(self, text: str, *, markup: bool = False, multiline: bool = False,
             common: set[str] | None = None) -> tuple[list[Hit], list[Hit]]:
        """Replacements in ``text`` (sorted, not overlapping) and the name occurrences that were kept."""
        common = self.common if common is None else common
        hits: list[Hit] = []
        for kind, real, m in find_contacts(text, self.emails, self.phones):
            if kind == "email" or not _overlaps(m.start(), m.end(), hits):
                hits.append(Hit(m.start(), m.end(), m.group(), self.key.get(real, f"[{kind}]"), kind))
        taken = [(h.start, h.end) for h in hits]
        kept: list[Hit] = []
        for pattern in self._name_patterns(multiline):
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                found = " ".join(m.group().split())
                real = self._variants.get(found) or self._variants.get(found.lower()) or found
                pseudo = self.key.get(real)
                if pseudo is None:
                    continue
                replace, why = self.decide(text, m.start(), m.end(), real, markup, multiline, common)
                if replace:
                    hits.append(Hit(m.start(), m.end(), m.group(), pseudo, self.reasons.get(real, "key")))
                    taken.append((m.start(), m.end()))
                else:
                    kept.append(Hit(m.start(), m.end(), m.group(), m.group(), why))
        hits.sort(key=lambda h: h.start)
        kept.sort(key=lambda h: h.start)
        return hits, kept

    def _name_patterns(self, multiline: bool) -> tuple[re.Pattern | None, re.Pattern | None]:
        """(case-sensitive pattern, case-insensitive pattern for names given in lower case)."""
        if multiline in self._patterns:
            return self._patterns[multiline]
        sep = r"(?:[ \t]+|[ \t]*\n[ \t]*)" if multiline else r"[ \t]+"
        variants: dict[str, str] = {}
        for real in self.key:
            if real_kind(real) == "name":
                variants[real] = real
                for alt in (real.replace("'", "’"), real.replace("’", "'")):
                    variants.setdefault(alt, real)
        for alias, real in self.aliases.items():
            variants.setdefault(alias, real)
        self._variants = {" ".join(v.split()): r for v, r in variants.items()}
        compiled = []
        for lower in (False, True):
            chosen = sorted((v for v in self._variants if v.islower() == lower), key=lambda v: (-len(v), v))
            if not chosen:
                compiled.append(None)
                continue
            alts = "|".join(sep.join(re.escape(w) for w in v.split()) for v in chosen)
            flags = re.IGNORECASE if lower else 0
            compiled.append(re.compile(rf"(?<![\w@-])(?:{alts})(?![\w@])(?!-\w)", flags))
        self._patterns[multiline] = (compiled[0], compiled[1])
        return self._patterns[multiline]

    def decide(self, text: str, start: int, end: int, real: str, markup: bool, multiline: bool,
               common: set[str]) -> tuple[bool, str]:
        """Whether this occurrence of ``real`` is the person (True) or an everyday word or a date, and why not.

        A common-word name is the person as a label, mid-sentence, before punctuation, a possessive or
        a reporting verb ("Hope said"); otherwise at a sentence start the tagger decides, or without
        one it is kept.
        """
        single = len(real.split()) == 1
        if single and real.lower() in MONTHS and is_date(text, start, end, markup):
            return False, "date"
        if not single or real.lower() not in common or real.islower():
            return True, ""
        if not sentence_start(text, start, markup):
            return True, ""  # capitalised in the middle of a sentence: a proper noun
        after = following(text, end, markup, multiline)
        if not after or after[0] in "\n" or after[0] in _NAME_END or re.match(r"['’]s\b", after) \
                or _ROLE_LABEL.match(after):
            return True, ""  # a label, a vocative, a one-word answer or a possessive
        next_word = re.match(r"\s*([^\W\d_]+)", after)
        if next_word and next_word.group(1).lower() in _PERSON_VERBS:
            return True, ""
        if self.nlp is not None:
            return (True, "") if self._tagged_as_name(text[start:end], after) else (False, "common word")
        return False, "common word"

    def _tagged_as_name(self, name: str, after: str) -> bool:
        sentence = re.split(r"(?<=[.!?…])\s|\n\s*\n", after, maxsplit=1)[0]
        context = " ".join((name + TAG.sub("", sentence)).split())[:200]
        if context not in self._decisions:
            doc = self.nlp(context)
            first = doc[0] if len(doc) else None
            self._decisions[context] = first is not None and (first.pos_ == "PROPN" or first.ent_type_ == "PERSON")
        return self._decisions[context]
