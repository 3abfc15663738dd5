"""Fixtures for the analysis tests (all prefixed ``an_``).

Small corpora are written by hand so every count is known exactly. Each corpus is loaded and annotated
once per session (the spaCy pipeline is memoised by ``load_pipeline``) into a private cache folder, and
fitted analyses are shared as session fixtures; tests must treat them as read-only.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from workbench.analysis.concordance import Concordance
from workbench.analysis.families import PhraseFamilies
from workbench.analysis.phrases import PhraseMiner
from workbench.analysis.quotes import QuotedPhrases
from workbench.analysis.tokens import TokenTable
from workbench.annotate import AnnotatedCorpus, Annotator
from workbench.corpus import Corpus, load_corpus
from workbench.project import Workbench

from an_helpers import AN_DEMO_CORPUS, an_write


@dataclass
class AnCorpus:
    root: Path
    corpus: Corpus
    annotated: AnnotatedCorpus
    table: TokenTable

    def text(self, doc_id: str) -> str:
        return self.corpus.document(doc_id).text

    def seg(self, seg_id: str):
        return self.corpus.segment(seg_id)


@pytest.fixture(scope="session")
def an_cache_dir(tmp_path_factory) -> Path:
    """One annotation cache for every analysis test (never ~/.cache)."""
    return tmp_path_factory.mktemp("an_cache")


@pytest.fixture(scope="session")
def an_build(tmp_path_factory, an_cache_dir):
    """``an_build(name, files)`` -> an annotated AnCorpus written to a fresh tmp folder."""

    def build(name: str, files: dict[str, str]) -> AnCorpus:
        root = an_write(tmp_path_factory.mktemp(f"an_{name}") / name, files)
        corpus = load_corpus(root)
        assert not corpus.problems, corpus.problems
        annotated = Annotator(cache_dir=an_cache_dir, progress=False).annotate(corpus)
        return AnCorpus(root, corpus, annotated, TokenTable.from_annotated(annotated))

    return build


# -- phrase corpus ---------------------------------------------------------------------------------
# Designed counts (default PhraseMiner, min_count=3):
#   "peer support worker(s)"  3x: w1 Dev, w2 Tom, blog (plural twice, singular once)
#   "peer support"            6x: the 3 above + w1 Amara, w2 Tom, blog (alone)
#   "lived experience(s)"     4x: w1 Rose (sentence start), w1 Amara (plural), w2 Sheila, blog
#   "nothing about us without us" 3x: w1 Dev, w2 Sheila (in “…”), blog (in ‘…’)
#   "with people, not for them"   3x: w1 Amara, w2 Tom (with commas), blog (without)
#   "budget holder"           3x in 3 documents by 3 speakers ("budget"/"holder" once more each alone)
#   "tea trolley"             5x, all by Rose in w1
#   "care" + "plan" only ever across a full stop, a semicolon, an ellipsis or a turn boundary
#   "you know" 4x, "of the" 3x
AN_PHR_W1 = """Rose: Lived experience should shape the plan from the start. A tea trolley arrived early.

Dev: Our peer support worker agreed. Nothing about us without us, she said.

Amara: You know, we should work with people, not for them.

Rose: The tea trolley was empty. Then that tea trolley came back full.

Dev: We need better care

Rose: Plan the next meeting with our budget holder in the room.

Amara: I want to thank the many people who gave their lived experiences to this. Peer support matters to me.

Rose: Honestly our tea trolley is the best part. I love one tea trolley in particular.
"""

AN_PHR_W2 = """Sheila: My lived experience counts. “Nothing about us without us” is the rule.

Tom: Peer support workers are paid here. We run peer support groups on Fridays.

Sheila: It is hard, you know. The budget holder never came.

Tom: Work with people, not for them. You know what we want. Most of the time it is about care

Sheila: Plan for the winter, the account holder said.

Tom: It is about care. Plan ahead for once. Part of the process is trust.

Sheila: Respite care; plan early. Home care... plan the rest.
"""

AN_PHR_BLOG = """---
title: Notes from the edge
date: 2025-03-01
kind: blog
author: Nadia Brennan
---

# Notes from the edge

Councils must act with people not for them. Lived experience is expertise. Good peer support workers can open doors.

You know the feeling when nobody listens. The charter means ‘nothing about us without us’.

Good care. Plan it together. Ask a budget holder early, because the budget is public money. Funding peer support is cheap.
"""

AN_PHR_META = """doc_id,kind,date,speaker_roles
transcripts/w1.txt,transcript,2025-01-10,Rose=lived experience; Dev=practitioner; Amara=facilitator
transcripts/w2.txt,transcript,2025-02-10,Sheila=carer; Tom=lived experience
"""

AN_PHR_FILES = {
    "transcripts/w1.txt": AN_PHR_W1,
    "transcripts/w2.txt": AN_PHR_W2,
    "blogs/b.md": AN_PHR_BLOG,
    "metadata.csv": AN_PHR_META,
}


@pytest.fixture(scope="session")
def an_phr(an_build) -> AnCorpus:
    return an_build("phrases", AN_PHR_FILES)


@pytest.fixture(scope="session")
def an_miner(an_phr) -> PhraseMiner:
    return PhraseMiner().fit(an_phr.table)


@pytest.fixture(scope="session")
def an_miner_2(an_phr) -> PhraseMiner:
    """The same corpus with min_count=2: anything that leaks across a boundary twice shows up here."""
    return PhraseMiner(min_count=2).fit(an_phr.table)


@pytest.fixture(scope="session")
def an_phr_families(an_phr) -> PhraseFamilies:
    return PhraseFamilies().fit(an_phr.annotated)


@pytest.fixture(scope="session")
def an_phr_quoted(an_phr) -> QuotedPhrases:
    return QuotedPhrases().fit(an_phr.corpus)


# -- family corpus ---------------------------------------------------------------------------------
AN_FAM_T = """Rose: It has to be with not for. We said it again: with not for.

Dev: We work with people, not for them. That is the deal.

Rose: They promised it would be with us, not for us this time.

Dev: I prefer doing with rather than doing for. It takes longer.

Rose: We moved from doing for to doing with last year.

Dev: It means doing things with people rather than to them, every time.

Rose: I agree with that, not allowed to say more though.

Dev: I will work with you, not sent to you by the council.

Dev: I sat with them. Not for long though.

Rose: Nothing about us without us. And nothing about me without me either.
"""

AN_FAM_BLOG = """---
title: A blog
kind: blog
author: Nadia Brennan
---

# A blog

Councils say with not for on every poster.

Nothing about us without us is more than a slogan. We meet every week and they call us equal partners.

You said, we did. Now we stand on an equal footing with staff.
"""

AN_FAM_FILES = {"transcripts/f1.txt": AN_FAM_T, "blogs/f2.md": AN_FAM_BLOG}


@pytest.fixture(scope="session")
def an_fam(an_build) -> AnCorpus:
    return an_build("families", AN_FAM_FILES)


@pytest.fixture(scope="session")
def an_families(an_fam) -> PhraseFamilies:
    return PhraseFamilies().fit(an_fam.annotated)


# -- concordance corpus ----------------------------------------------------------------------------
AN_CONC_T = """Rose: We were paid late again. Paying people matters to me.

Dev: The rubber-stamp meeting was short. We never pay on time and we know it.

Sheila: Carers are paid nothing. We want them to work with, not for us.

Rose: Pay us fairly. The rubber stamp is broken.

Dev: I need better care. Plan ahead and we still do not pay
"""

AN_CONC_BLOG = """---
title: Paying properly
date: 2025-06-01
kind: blog
author: Leanne Doherty
---

# Paying properly

People should be paid promptly. A rubber - stamp process pays nobody.
"""

AN_CONC_META = """doc_id,kind,date,speaker_roles
transcripts/c1.txt,transcript,2025-01-10,Rose=lived experience; Dev=practitioner; Sheila=carer
"""

AN_CONC_FILES = {"transcripts/c1.txt": AN_CONC_T, "blogs/c2.md": AN_CONC_BLOG, "metadata.csv": AN_CONC_META}


@pytest.fixture(scope="session")
def an_conc(an_build) -> AnCorpus:
    return an_build("concordance", AN_CONC_FILES)


@pytest.fixture(scope="session")
def an_concordance(an_conc) -> Concordance:
    return Concordance().fit(an_conc.annotated)


# -- keyness corpus --------------------------------------------------------------------------------
# Plain words only (no contractions, hyphens or digits), so a regex word count is the token count.
AN_KEY_T = """Rose: The kettle was cold and the kettle was old. We want a community garden here.

Dev: We fixed the kettle before the meeting. Our community gardens need money.

Sheila: A new kettle would help. I like new community gardens.

Rose: The kettle in the hall is broken. Our budget is small. My kettle is fine.

Dev: Those community gardens are open on Monday. Our budget is fine.
"""

AN_KEY_BLOG = """---
title: Monthly letter
date: 2025-06-01
kind: blog
author: Leanne Doherty
---

# Monthly letter

Our newsletter goes out monthly. The newsletter explains the budget and the community gardens.

Read the newsletter online. Print the newsletter at the library. Share the newsletter with friends.
"""

AN_KEY_META = """doc_id,kind,date,event,speaker_roles
transcripts/k1.txt,transcript,2025-01-10,Spring session,Rose=lived experience; Dev=practitioner; Sheila=carer
blogs/k2.md,blog,2025-06-01,Spring session,
"""

AN_KEY_FILES = {"transcripts/k1.txt": AN_KEY_T, "blogs/k2.md": AN_KEY_BLOG, "metadata.csv": AN_KEY_META}


@pytest.fixture(scope="session")
def an_key(an_build) -> AnCorpus:
    return an_build("keyness", AN_KEY_FILES)


@pytest.fixture(scope="session")
def an_key_miner(an_key) -> PhraseMiner:
    return PhraseMiner().fit(an_key.table)


# -- demo corpus -----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def an_demo_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("an_demo_cache")


@pytest.fixture(scope="session")
def an_demo(an_demo_cache) -> Workbench:
    assert AN_DEMO_CORPUS.is_dir(), AN_DEMO_CORPUS
    return Workbench(AN_DEMO_CORPUS, cache_dir=an_demo_cache, progress=False)
