"""Procedural talk (thanks, welcomes, agreeing turns, housekeeping) is told apart from talk about something."""
from __future__ import annotations

import pytest

from workbench.analysis.procedural import content_words, is_procedural, procedural_mask

PROCEDURAL = [
    "Thank you so much for having me.",
    "Thanks, Leanne. Richard, do you want to come back on that?",
    "Hello and welcome to the show.",
    "Good morning everyone.",
    "That's a really good point.",
    "Fair point.",
    "Yeah.",
    "Mm-hm. Absolutely.",
    "That's fair.",
    "Yes. Yeah, it is.",
    "Let's take a short break and come back at eleven.",
    "Shall we move on to the next item?",
    "I couldn't agree more.",
    "Until next time, bye!",
]
TOPICAL = [
    "Yeah, and the payment came three months late, so I was out of pocket for the train fares.",
    "Right. So when people say nothing about us without us, the us is one person out of fourteen.",
    "Thank you is not enough: people should be paid properly for the expertise they bring to the board.",
    "The welcome pack was full of jargon and acronyms nobody explained to the new members.",
    "I agree with the principle, but the agenda is still written by managers before we ever see it.",
    "Mixed messages.",
    "Absolutely. We'll agree the language together next time.",
    "We were consulted after the decision had already been made, which felt like a tick-box exercise.",
]


@pytest.mark.parametrize("text", PROCEDURAL)
def test_procedural_talk_is_found(text):
    assert is_procedural(text)


@pytest.mark.parametrize("text", TOPICAL)
def test_talk_about_something_is_not_procedural(text):
    assert not is_procedural(text)


def test_content_words_leave_out_stop_words_and_fillers():
    assert content_words("Yeah, um, I think it's really the budget") == 1
    assert content_words("payment delays and travel costs") == 4


def test_mask_is_one_flag_per_text():
    assert procedural_mask(["Yeah.", "The budget was cut twice."]) == [True, False]
