"""What a segment's place in its document says about its stance: a list item under a lead-in or heading
that names barriers ("What got in the way", "The main challenges were as follows:") states a barrier even
as a bare noun phrase ("Mixed messages."); under "What helped", "Keys to success", "Top tips" an enabler;
under "Benefits", "What difference it made" a benefit. Text in a section under such a heading leans the
same way, more weakly.

Uses the corpus model's ``block``, ``section`` (the heading path) and ``lead_in`` of each segment.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..corpus.model import SECTION_SEPARATOR

# A heading or lead-in that says what the list below it is. Negated help ("what didn't work") is a barrier
# heading; one that names two kinds ("Barriers and enablers") says neither.
CUES: dict[str, re.Pattern] = {
    "barrier": re.compile(
        r"\b(?:barriers?|challenges?|challenging|obstacles?|hurdles?|difficult(?:y|ies)?|hard(?:er)?|problems?|"
        r"issues|concerns?|worries|worried|frustrations?|frustrating|pitfalls?|mistakes|"
        r"gets? in the way|got in the way|getting in the way|stands? in the way|stood in the way|"
        r"what (?:went|goes) wrong|what we got wrong|went less well|didn.?t (?:work|help|go well)|"
        r"wasn.?t working|not working|(?:stops?|stopped|stopping|prevents?|prevented|puts? off|put us off|"
        r"held back|holds? back|holding back) (?:us|people|them|me|you|it)?|"
        r"what (?:made|makes) it hard|downsides?|drawbacks?|complaints?|things to avoid|risks|"
        r"gaps|what needs? to change|could (?:be|have been|do) better|room for improvement)\b", re.I),
    "enabler": re.compile(
        r"\b(?:enablers?|what (?:helped|helps|works|worked|made it work|makes it work|made the difference)|"
        r"(?:made|makes|make) (?:\w+ ){0,4}work|keys? to success|key (?:ingredients|factors|things|lessons)|"
        r"success factors?|ingredients|(?:top )?tips?|advice|recommendations?|good practice|"
        r"what good looks like|things that (?:made|make) a difference|made a (?:real |big )?difference|"
        r"how to|do'?s and don'?ts|what we.?d (?:tell|say|suggest)|what (?:we|you) (?:should|can) do|"
        r"lessons?(?: learn[te]d)?|helpful|went well|what we.?d do again|suggestions?|ideas? for)\b", re.I),
    "benefit": re.compile(
        r"\b(?:benefits?|outcomes?|impact|what (?:has )?changed|what difference|the difference (?:it|this) "
        r"(?:made|makes)|what we achieved|achievements?|results|what (?:people|we|members) got out|"
        r"why it matter(?:s|ed)|why (?:it.?s|it is) worth|gains?|successes)\b", re.I),
}


def kind_of(line: str | None) -> str:
    """The stance a heading or lead-in names: barrier, enabler or benefit, or "" (none, or more than one)."""
    if not line:
        return ""
    text = line.strip()
    found = [kind for kind, pattern in CUES.items() if pattern.search(text)]
    if "barrier" in found and "enabler" in found:
        # "what didn't help" / "what made it hard" name a barrier; "Barriers and enablers" names both
        negated_help = re.search(r"\b(?:didn.?t|did not|doesn.?t|wasn.?t|not) (?:work|help|go well)|made it hard",
                                 text, re.I)
        found = ["barrier"] if negated_help and not re.search(r"\benablers?\b|what helped", text, re.I) else found
    if "enabler" in found and "benefit" in found and len(found) == 2:
        # "What made a difference" (enabler) vs "The difference it made" (benefit): the benefit pattern is
        # the more specific one
        found = ["benefit"] if re.search(r"difference (?:it|this) (?:made|makes)|what difference", text, re.I) \
            else ["enabler"]
    return found[0] if len(found) == 1 else ""


@dataclass(frozen=True)
class Place:
    """Where a unit sits: its block, the stance its list's lead-in or heading names (``list_kind``, for list
    items), the stance its nearest heading names (``section_kind``) and the line that said so."""

    block: str = "paragraph"
    list_kind: str = ""
    list_line: str = ""
    section_kind: str = ""
    section_line: str = ""

    def evidence(self, stance: str) -> str:
        """The evidence text when the place speaks for ``stance``, else ""."""
        if self.list_kind == stance:
            return f"structure: list item under '{self.list_line}'"
        if self.section_kind == stance:
            return f"structure: in the section '{self.section_line}'"
        return ""


def place_of(segment) -> Place:
    """The Place of a corpus segment (anything with ``block``, ``section`` and ``lead_in``)."""
    block = getattr(segment, "block", "paragraph") or "paragraph"
    section = getattr(segment, "section", None) or ""
    heading = section.split(SECTION_SEPARATOR)[-1].strip() if section else ""
    lead_in = getattr(segment, "lead_in", None) or ""
    heading_kind = kind_of(heading)
    list_kind, list_line = "", ""
    if block == "list_item":
        lead_kind = kind_of(lead_in)
        if lead_kind:
            list_kind, list_line = lead_kind, lead_in.strip()
        elif heading_kind:
            list_kind, list_line = heading_kind, heading
    return Place(block, list_kind, list_line, heading_kind, heading)


FEATURES = ("list_barrier", "list_enabler", "list_benefit", "section_barrier", "section_enabler",
            "section_benefit", "list_item", "lead_in")


def structure_features(place: Place) -> dict[str, float]:
    """The structure features of a unit for the stance model."""
    out = {f"list_{k}": float(place.list_kind == k) for k in ("barrier", "enabler", "benefit")}
    out.update({f"section_{k}": float(place.section_kind == k and place.list_kind != k)
                for k in ("barrier", "enabler", "benefit")})
    out["list_item"] = float(place.block == "list_item")
    out["lead_in"] = float(place.block == "lead_in")
    return out
