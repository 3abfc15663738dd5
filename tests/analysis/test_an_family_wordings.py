"""Every shipped phrase family, on wordings it must find and near misses it must not (one document each).

Tolerant: quotation marks inside a wording, straight or curly apostrophes and dropped letters, a short
object inside the phrase. Strict: a word that changes the idea ("not only for") or a literal use ("tick the
box below", "crept back to bed")."""
from __future__ import annotations

import pytest

from workbench.analysis.families import PhraseFamilies, default_families_path, load_families

# family -> (wordings found, with the surface matched), (near misses, never matched)
CASES: dict[str, tuple[list[tuple[str, str]], list[str]]] = {
    "with, not for": ([
        ("We moved from ‘doing to’ to ‘doing with’ last year.", "from ‘doing to’ to ‘doing with’"),
        ("We moved from 'doing to' to 'doing with' last year.", "from 'doing to' to 'doing with'"),
        ("The aim is to move from doing things for people to doing things with them.",
         "from doing things for people to doing things with them"),
        ("We work with people, not for them.", "with people, not for them"),
        ("It was planned with the families and not for them.", "with the families and not for them"),
        ("It’s about doin’ things with folk, not for ’em.", "doin’ things with folk, not for ’em"),
        ("The poster said “with, not for” in red.", "with, not for"),
        ("We did it with the community rather than for them.", "with the community rather than for them"),
        ("Not for us but with us, that was the deal.", "Not for us but with us"),
        ('Our strategy says "doing with rather than doing for" on page one.', "doing with rather than doing for"),
    ], [
        "It is about working with better outcomes, not only for the council.",
        "We agree with that, not allowed to say more.",
        "I sat with them. Not for long though.",
        "She came with a friend, not just for the food.",
        'He said "with, not for" means nothing to him.',  # found, but without "means": checked below
    ]),
    "nothing about us without us": ([
        ("Nothing about us without us.", "Nothing about us without us"),
        ("The rule is ‘nothing about me without me’ here.", "nothing about me without me"),
        ("Nothin' about us without us, they chanted.", "Nothin' about us without us"),
    ], [
        "There was nothing about it without them asking.",
        "Nothing about us was decided without a vote.",
    ]),
    "equal partners": ([
        ("They treated us as equal partners.", "equal partners"),
        ("We sat as equals at the table.", "as equals"),
        ("It was an equal partnership from day one.", "equal partnership"),
    ], [
        "There was an equal number of partners at the table.",
        "Partners were paid equally.",
    ]),
    "lived experience as expertise": ([
        ("Lived experience is expertise.", "Lived experience"),
        ("Experts by experience sat on the panel.", "Experts by experience"),
        ("We value lived expertise.", "lived expertise"),
    ], [
        "I lived through that experience twice.",
        "She lived abroad and gained experience.",
    ]),
    "rubber-stamping and tick-boxes": ([
        ("We were brought in to rubber-stamp it.", "rubber-stamp"),
        ("It felt like a tick-box exercise.", "tick-box"),
        ("They only wanted us there to tick a box.", "tick a box"),
        ("It was box ticking, plain and simple.", "box ticking"),
    ], [
        "Please tick the box below if you agree.",
        "The rubber gloves are in the box.",
    ]),
    "hierarchy creeping back": ([
        ("That is how old hierarchies creep back.", "hierarchies creep back"),
        ("That's the old hierarchy creeping back in.", "hierarchy creeping back"),
        ("It stopped me slipping back into chairing mode.", "slipping back into chairing mode"),
        ("By the third meeting the officers had slipped back into jargon.", "slipped back into jargon"),
    ], [
        "She crept back to bed after the meeting.",
        "He slipped back into the room unnoticed.",
    ]),
}
SENTENCES = [s for found, missed in CASES.values() for s in [f for f, _ in found] + missed]


@pytest.fixture(scope="module")
def wordings(an_build):
    bench = an_build("family_wordings", {f"docs/d{i:03d}.txt": f"{s}\n" for i, s in enumerate(SENTENCES)})
    return bench, PhraseFamilies().fit(bench.annotated)


def matches_in(wordings, sentence: str):
    bench, families = wordings
    doc_id = f"docs/d{SENTENCES.index(sentence):03d}.txt"
    return families.matches_[families.matches_["doc_id"] == doc_id]


def test_every_shipped_family_has_cases():
    shipped = {spec.label for spec in load_families(default_families_path())}
    assert shipped == set(CASES)
    for label, (found, missed) in CASES.items():
        assert len(found) >= 2 and len(missed) >= 2, label


@pytest.mark.parametrize("family,sentence,surface",
                         [(f, s, surface) for f, (found, _) in CASES.items() for s, surface in found])
def test_wording_is_found(wordings, family, sentence, surface):
    m = matches_in(wordings, sentence)
    assert list(zip(m["family"], m["surface"])) == [(family, surface)]
    bench, _ = wordings
    for r in m.itertuples(index=False):
        assert bench.text(r.doc_id)[r.start_char:r.end_char] == r.surface


@pytest.mark.parametrize("family,sentence", [(f, s) for f, (_, missed) in CASES.items() for s in missed])
def test_near_miss_is_not_found(wordings, family, sentence):
    m = matches_in(wordings, sentence)
    if "means nothing" in sentence:  # the quoted slogan is found; the word after its closing mark is not in it
        assert list(m["surface"]) == ["with, not for"]
    else:
        assert m.empty, list(m["surface"])
