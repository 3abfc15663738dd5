"""Boilerplate: lines and sentences that belong to the page or the show, not to what people said or wrote.

Bylines, dates, "Last updated", "Was this helpful?", share and cookie lines, navigation words, and
podcast intros and outros ("Welcome to the ... podcast", "Thanks for listening"). They stay in the
document and are listed as exclusions (reason ``boilerplate``), but are kept out of the analyses.

``LINE`` patterns must match a whole unit (a line or paragraph of a few words); ``SENTENCE`` patterns
may also match the first or last sentences of a longer unit (a host's turn that starts with the
podcast's welcome). Users add their own patterns (regular expressions, matched case-insensitively
against a whole unit or an edge sentence) with ``[corpus] boilerplate = ["..."]``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

from ..errors import ConfigError, Errors

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
DATE = (rf"(?:{_DAY}\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|{_DAY}{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
        rf"|{_MONTH}\s+\d{{4}}|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}(?:T[\d:.+Z-]+)?)")
_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|van|von|de|da|del|la|le|bin|al))*"
_SOCIAL = (r"(?:facebook|twitter|x|linkedin|whatsapp|e-?mail|print|copy(?: the)? link|pinterest|reddit|bluesky|"
           r"threads|instagram|youtube|tiktok|mastodon|messenger)")

LINE = [
    r"(?:[-_=*~#+.•·–—|/\\<>]\s?){2,}",  # a rule or separator line ("----", "* * *", "~~~"), not "“£€”"
    r"(?i:page\s+\d+(?:\s+of\s+\d+)?|\d{1,4})",  # a page number alone (PDF text layers)
    # bylines and dates
    rf"(?i:(?:an? )?(?:(?:guest )?blog(?: post)?|post|article|story|interview|words|written(?: up)?|notes|"
    rf"compiled|edited|posted|published|photos?|illustrations?)?\s*by|author|authors)\s*:?\s*{_NAME}"
    rf"(?:\s*(?:,|and|&)\s*{_NAME}){{0,3}}(?:\s*[,|·•–—.-]\s*.{{0,80}}|\s+\d.{{0,60}})?",
    r"(?i:by\s*[|·•]\s*.{0,120})",
    r"(?i:added on.{0,40})",
    rf"(?i:(?:first\s+)?(?:published|posted|updated|last\s+updated|last\s+reviewed|page\s+last\s+reviewed|"
    rf"next\s+review\s+due|last\s+modified|date(?:\s+published)?|written|released)\s*(?:on|:)?\s*{DATE}?\.?"
    rf"(?:\s*(?:\||·|•|–|—|-|,|by)\s*.{{0,80}})?)",
    rf"(?i:(?:posted|published|updated|written)?\s*(?:on\s+)?{DATE}(?:\s*(?:\||·|•|–|—|-|,|by)\s*.{{0,80}})?)",
    r"(?i:(?:last\s+(?:updated|reviewed|modified|edited)|page\s+last\s+reviewed|next\s+review\s+due)\b.{0,80})",
    r"(?i:(?:estimated\s+)?(?:reading\s+time:?\s*)?\d+\s*(?:-|\s)?min(?:ute)?s?(?:\s+read|\s+listen)?)",
    r"(?i:this (?:article|post|page|story|news item) is (?:more than |over )?\d+ (?:days?|weeks?|months?|years?) old)",
    # feedback, sharing, cookies, navigation
    r"(?i:(?:was|is|did you find) this (?:page|article|post|information|answer|content)?\s*(?:helpful|useful)\??"
    r"(?:\s*(?:yes|no)[\s/|,]*(?:yes|no)?)?)",
    r"(?i:yes\s*[/|,]?\s*no|report a (?:problem|mistake|bug) (?:with|on) this page|thank you for your feedback\.?)",
    rf"(?i:(?:share|share this(?: (?:page|article|post|story|episode))?|share on|share via|tweet|follow us(?: on)?|"
    rf"like us on)\s*:?\s*(?:{_SOCIAL}[\s,|·•/]*)*)",
    rf"(?i:(?:{_SOCIAL}[\s,|·•/]*){{1,10}})",
    r"(?i:.{0,200}\b(?:we use cookies|uses cookies|accept (?:all |additional |analytics )?cookies|reject "
    r"(?:all |additional |analytics |non-essential )?cookies|cookie (?:settings|preferences|policy|notice|banner)|"
    r"manage cookies|essential cookies|analytics cookies)\b.{0,200})",
    r"(?i:skip to (?:main )?content|skip navigation|back to top|main (?:menu|navigation)|menu|home|search|donate|"
    r"sign in|log in|sign up|subscribe|read more|read next|continue reading|load more|see all|view all|close|"
    r"print this page|copy link|breadcrumbs?|you are here:?.{0,120}|top of (?:the )?page|"
    r"(?:show|hide) (?:the )?(?:text|transcript)(?: version)?|print(?: the)? transcript|"
    r"(?:click here to )?download (?:a |the )?(?:pdf|transcript|audio|file).{0,80}|click here to .{0,80})",
    r"(?i:(?:related|recommended|popular|latest|more) (?:posts?|articles?|stories|news|content|reading|links|"
    r"resources|episodes)|you (?:may|might) also (?:like|be interested in).{0,40})",
    r"(?i:(?:tags?|categories|category|filed under|topics?|posted in)\s*:.{0,200})",
    r"(?i:(?:©|\(c\)|copyright)\s*.{0,120}|all rights reserved\.?)",
    r"(?i:(?:sign up (?:to|for)|subscribe to|join) (?:our|the) (?:newsletter|mailing list|e-?bulletin).{0,120})",
    r"(?i:(?:leave a (?:comment|reply)|\d+ (?:comments?|replies|responses)|comments|reply))",
    r"(?i:(?:privacy(?: policy| notice)?|terms(?: and| &) conditions|terms of use|accessibility statement|"
    r"contact us|about us|sitemap)(?:\s*[|·•]\s*.{0,60})*)",
]
_END = r"[.!?…]*[\"'”’)]*"  # a sentence pattern may end with its punctuation, never run past it
SENTENCE = [
    r"(?i:(?:hello(?: and)?|hi(?: and)?|and)?\s*,?\s*welcome (?:back )?to (?:the |this |another |episode \d+ of )?"
    r"(?:episode of )?(?:the )?[^.!?\n]{0,80}\bpodcast\b[^.!?\n]{0,160})",
    r"(?i:(?:this is|you(?:'|’)re listening to) (?:the )?[^.!?\n]{0,60}\bpodcast\b[^.!?\n]{0,120})",
    r"(?i:(?:thanks|thank you)(?: (?:so|very) much)? (?:for listening|for tuning in|for joining us(?: today)?"
    r"(?: on the [^.!?\n]{0,40}podcast)?)\b[^.!?\n]{0,160})",
    r"(?i:you(?:'|’)ve been listening to [^.!?\n]{0,160})",
    r"(?i:(?:(?:please |and )?(?:don(?:'|’)t forget to )?(?:subscribe|follow|rate|review|like)"
    r"(?:,? (?:and |or )?(?:subscribe|follow|rate|review|like|share))*)[^.!?\n]{0,80}"
    r"(?:wherever you (?:get|listen to) your podcasts|on (?:apple|spotify|google|youtube|your podcast app))[^.!?\n]{0,80})",
    r"(?i:(?:this|the) (?:episode|podcast|show) (?:was|is) (?:produced|brought to you|sponsored|edited|recorded)"
    r" by [^.!?\n]{0,160})",
    r"(?i:(?:find|see) (?:the )?(?:show notes|transcript|more episodes)\b[^.!?\n]{0,160})",
    r"(?i:see you (?:next time|in the next episode|next week)\b[^.!?\n]{0,40})",
    r"(?i:(?:was|is|did you find) this (?:page|article|post|information|answer|content|episode)?\s*"
    r"(?:helpful|useful)\?)",
]


def compile_patterns(patterns: Sequence[str], where: str = "[corpus] boilerplate") -> list[re.Pattern]:
    """User patterns as case-insensitive regular expressions; a bad one gives E152 with the pattern."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as err:
            raise ConfigError(Errors.E152.format(section="corpus", key="boilerplate", value=pattern,
                                                 detail=f"{where}: not a regular expression ({err})")) from None
    return compiled


@lru_cache(maxsize=1)
def _line() -> re.Pattern:
    return re.compile("|".join([f"(?:{p})" for p in LINE] + [f"(?:{p}){_END}" for p in SENTENCE]))


@lru_cache(maxsize=1)
def _sentence() -> re.Pattern:
    return re.compile("|".join(f"(?:{p}){_END}" for p in SENTENCE))


MAX_LINE_WORDS = 40  # a unit longer than this is content, whatever it starts with


def is_boilerplate_line(text: str, extra: Iterable[re.Pattern] = ()) -> bool:
    """True if the whole unit is boilerplate (a byline, a date, a share line, ...)."""
    if len(text) > 40 * MAX_LINE_WORDS:
        return any(p.fullmatch(text.strip()) for p in extra)
    body = " ".join(text.split())
    if not body or len(body.split()) > MAX_LINE_WORDS:
        return any(p.fullmatch(body) for p in extra) if body else False
    return bool(_line().fullmatch(body)) or any(p.fullmatch(body) for p in extra)


def is_boilerplate_sentence(text: str, extra: Iterable[re.Pattern] = ()) -> bool:
    """True if a sentence at the edge of a unit is boilerplate (a podcast's welcome or sign-off)."""
    if len(text) > 2000:
        return any(p.fullmatch(text.strip()) for p in extra)
    body = " ".join(text.split())
    return bool(body) and (bool(_sentence().fullmatch(body)) or any(p.fullmatch(body) for p in extra))
