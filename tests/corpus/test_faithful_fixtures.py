"""Documents the way people paste them, read faithfully: exact segments, sections, lead-ins and speakers.

The fixtures in tests/data/faithful/ (and the Word and PDF files built below) were written for these
tests. Each test lists every segment of its document as (block, section, lead-in, speaker, text), and
what was set aside (exclusions other than white space) as (reason, text).
"""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from workbench.corpus import load_corpus
from workbench.corpus.accounting import check_tiling

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "faithful"


def build_recognition_docx() -> bytes:
    """Session notes in Word: a Title, a lead-in paragraph, List Bullet and List Number paragraphs, a
    Heading 2, and a paragraph whose lines are separated by line breaks, two of them typed bullets."""
    import docx

    document = docx.Document()
    document.add_paragraph("Session notes: recognition and reward", style="Title")
    document.add_paragraph("We met at the Grange on 9 May. Eleven people came, and two joined by phone.")
    document.add_paragraph("People told us what recognition meant to them:")
    for text in ["being paid on the day, in cash or by bank transfer", "a certificate or reference for their CV",
                 "being thanked by name in the final report"]:
        document.add_paragraph(text, style="List Bullet")
    document.add_heading("Things to avoid", level=2)
    for text in ["Vouchers that can only be spent in one shop.", "Payments that arrive months later."]:
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("")
    para = document.add_paragraph("Other ideas from the group")
    for item in ["• a travel card that works on every bus", "• one named contact for payments"]:
        para.add_run().add_break()
        para.add_run(item)
    document.add_paragraph("We will bring a draft payment policy to the next session.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


REPORT_PDF_LINES = [
    "Annual involvement report 2024", "Summary",
    "This year 140 people took part in shaping our services, up from",
    "ninety the year before. Most of the growth came from the new",
    "evening sessions and from paying people for their time.",
    "What we will do next year",
    "1. Publish every payment rate on our website.",
    "2. Offer childcare at every session.",
    "3. Ask each new group how it wants to be involved.",
]


@pytest.fixture(scope="module")
def faithful(tmp_path_factory):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from conftest import build_pdf

    root = tmp_path_factory.mktemp("faithful")
    for path in FIXTURES.iterdir():
        shutil.copy(path, root / path.name)
    (root / "recognition.docx").write_bytes(build_recognition_docx())
    (root / "report.pdf").write_bytes(build_pdf(REPORT_PDF_LINES))
    corpus = load_corpus(root)
    assert corpus.problems == []
    return corpus


def segments(corpus, doc_id):
    return [(s.block, s.section, s.lead_in, s.speaker, s.text.replace("\n", " ")) for s in corpus.segments_of(doc_id)]


def set_aside(corpus, doc_id):
    return [(e.reason, e.text) for e in corpus.exclusions if e.doc_id == doc_id and e.reason != "blank"]


DOC_IDS = ["web-page.txt", "workshop-write-up.txt", "podcast.txt", "interview-auto.txt", "two-turn-qa.txt",
           "sprint-notes.md", "recognition.docx", "panel-page.html", "report.pdf"]


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_every_fixture_is_tiled_and_covered(faithful, doc_id):
    doc = faithful.document(doc_id)
    check_tiling(doc, faithful.segments_of(doc_id), [e for e in faithful.exclusions if e.doc_id == doc_id])
    assert faithful.coverage[doc_id].coverage >= 0.995
    assert faithful.coverage[doc_id].excluded.get("unread", 0) == 0


def test_web_page_saved_as_text(faithful):
    lead = ("After a frank conversation at our first anniversary meeting, we asked every carer on our list what "
            "would make it possible for them to come. The answers fell into a few groups:")
    tell = "Three things we would tell another forum:"
    assert segments(faithful, "web-page.txt") == [
        ("paragraph", None, None, None, "When we set up the carers' forum three years ago, we met at ten o'clock on a "
         "Tuesday morning because that suited the room booking and the staff who ran it. Nobody asked the carers."),
        ("paragraph", None, None, None, "For the first year the same six people came. They were the carers who could "
         "arrange cover, or whose relative was at a day centre on Tuesdays. Everyone else was missing, and we did "
         "not notice for far too long."),
        ("lead_in", "What we changed", None, None, lead),
        ("list_item", "What we changed", lead, None, "Evening meetings once a month"),
        ("list_item", "What we changed", lead, None, "Paid replacement care while people attend"),
        ("list_item", "What we changed", lead, None, "A phone or video option for those who cannot leave the house"),
        ("list_item", "What we changed", lead, None, "Agendas sent a week ahead, in plain English"),
        ("paragraph", "What we changed", None, None, "None of these cost very much. The replacement care was the "
         "biggest expense, and our commissioners agreed to fund it from the engagement budget."),
        ("paragraph", "What happened next", None, None, "Attendance went from six to nineteen within three months. "
         "More importantly, the people who came were different: younger carers, carers in work, and two fathers "
         "who had never been to anything before."),
        ("quote", "What happened next", None, None,
         "“I only came because I could bring my son with me and someone would sit with him.”"),
        ("quote", "What happened next", None, None, "“It was the first meeting where nobody apologised for the room.”"),
        ("lead_in", "What happened next", None, None, tell),
        ("list_item", "What happened next", tell, None, "Ask before you book the room."),
        ("list_item", "What happened next", tell, None, "Pay for the care, not just the travel."),
        ("list_item", "What happened next", tell, None, "Check who is missing, not only who turned up."),
    ]
    assert set_aside(faithful, "web-page.txt") == [
        ("boilerplate", "Skip to main content"), ("boilerplate", "Menu"),
        ("heading", "Why our carers' forum stopped meeting on weekday mornings"),
        ("boilerplate", "By Harriet Osei"), ("boilerplate", "Posted on 4 March 2025"),
        ("heading", "What we changed"), ("heading", "What happened next"),
        ("boilerplate", "Share this page"), ("boilerplate", "Facebook Twitter LinkedIn Email"),
        ("boilerplate", "Was this page helpful?"), ("boilerplate", "Last updated: 11 March 2025"),
    ]
    assert faithful.document("web-page.txt").title == "Why our carers' forum stopped meeting on weekday mornings"


def test_workshop_write_up_with_as_follows_lists_of_bare_noun_phrases(faithful):
    challenges = "The main challenges people named were as follows"
    helped = ("Several people said that small changes would make a real difference. The suggestions that came "
              "up most often were as follows:")
    assert segments(faithful, "workshop-write-up.txt") == [
        ("paragraph", None, None, None, "Twenty-two people came to the listening event, most of them carers or "
         "people who use the community mental health team. We asked three questions and wrote down what people "
         "said, in their own words where we could."),
        ("lead_in", None, None, None, challenges),
        ("list_item", None, challenges, None, "not knowing who to ring out of hours"),
        ("list_item", None, challenges, None, "letters full of jargon"),
        ("list_item", None, challenges, None, "being asked the same questions by every new worker"),
        ("list_item", None, challenges, None, "meetings held when carers are at work"),
        ("lead_in", "What people said would help", None, None, helped),
        ("list_item", "What people said would help", helped, None, "a named worker who stays the same"),
        ("list_item", "What people said would help", helped, None, "plain English letters"),
        ("list_item", "What people said would help", helped, None, "an evening drop-in once a month"),
        ("paragraph", "Next steps", None, None, "We will share these notes with everyone who came and ask them to "
         "check that we have written down what they meant. The team will report back at the next event in May."),
    ]
    assert set_aside(faithful, "workshop-write-up.txt") == [
        ("heading", "Listening event, Riverside Library, 12 February 2025"),
        ("boilerplate", "Written up by Priya Shah, engagement team"),
        ("heading", "What people said would help"), ("heading", "Next steps"),
    ]


def test_podcast_transcript_with_names_alone_on_lines(faithful):
    assert segments(faithful, "podcast.txt") == [
        ("turn", None, None, "Mel Barker",
         "I'm Mel, and with me today is Sunil Rao, who chairs a patient panel for a hospital trust."),
        ("turn", None, None, "Sunil Rao", "Thanks, Mel. It's good to be here, even if it is a Tuesday."),
        ("turn", None, None, "Mel Barker", "So let's start with money. When you first joined the panel, were you paid?"),
        ("turn", None, None, "Sunil Rao", "No. We got a sandwich and a parking permit, and the permit only worked in "
         "one car park. I worked it out once and the meetings were costing me about eleven pounds each time, before "
         "I'd said a word."),
        ("turn", None, None, "Mel Barker", "And what changed?"),
        ("turn", None, None, "Sunil Rao", "Someone new came into the patient experience team and asked us what we "
         "thought was fair. Nobody had asked before. We agreed an hourly rate and a way of being paid that didn't "
         "mess up people's benefits."),
        ("turn", None, None, "Mel Barker", "That's where we'll stop for today."),
    ]
    assert [s.timestamp for s in faithful.segments_of("podcast.txt")] == [
        None, None, None, "00:01:12", None, "00:02:40", None]
    assert set_aside(faithful, "podcast.txt") == [
        ("heading", "Kitchen Table Talk, episode 14: Paying people for their time"),
        ("front matter", "Recorded in Leeds, 3 April 2025"),
        ("speaker label", "Mel Barker"),
        ("boilerplate", "Welcome to the Kitchen Table Talk podcast, where we talk about doing things with people "
                        "rather than to them."),
        ("speaker label", "Sunil Rao"), ("speaker label", "Mel Barker"), ("speaker label", "Sunil Rao 00:01:12"),
        ("stage note", "[laughs]"), ("speaker label", "Mel Barker"), ("speaker label", "Sunil Rao 00:02:40"),
        ("speaker label", "Mel Barker"),
        ("boilerplate", "Thanks for listening, and if you've got a story about being paid, or not paid, for your "
                        "time, do get in touch. Subscribe wherever you get your podcasts."),
    ]
    assert faithful.document("podcast.txt").kind == "transcript"


def test_auto_transcribed_interview_without_labels_warns_once(faithful):
    assert segments(faithful, "interview-auto.txt") == [
        ("paragraph", None, None, None, "so um thanks for doing this, can you tell me a bit about how you got "
         "involved in the project"),
        ("paragraph", None, None, None, "yeah so I, I was using the day centre and um one of the workers said they "
         "were looking for people to, you know, to help design the new service and I thought why not, I've got "
         "the time"),
        ("paragraph", None, None, None, "and what was that like at the start"),
        ("paragraph", None, None, None, "honestly it was a bit, um, it was a bit awkward because you're sat there "
         "with all these managers and you don't really know if you're allowed to say anything, you know, like "
         "whether they actually want to hear it"),
        ("paragraph", None, None, None, "did that change"),
        ("paragraph", None, None, None, "yeah it did, I mean after the second or third meeting they started paying "
         "us and sending the papers out early and that made a big difference, you felt like they meant it"),
    ]
    assert set_aside(faithful, "interview-auto.txt") == [
        ("heading", "Interview recording, community connector project"),
        ("front matter", "Source: automatic transcription, not checked"),
    ]
    warnings = [w for w in faithful.warnings if "interview-auto.txt" in w]
    assert len(warnings) == 1 and warnings[0].startswith("[W005]") and "speaker unknown" in warnings[0]
    assert faithful.document("interview-auto.txt").kind == "transcript"
    assert faithful.document("interview-auto.txt").speakers == []


def test_two_turn_question_and_answer(faithful):
    assert segments(faithful, "two-turn-qa.txt") == [
        ("turn", None, None, "Q", "What does a peer researcher actually do on this project?"),
        ("turn", None, None, "A", "I interview people who use the service, because I've used it myself. People "
         "tell me things they would never tell a doctor. Then I sit with the research team and we go through what "
         "people said, and I make sure it doesn't get tidied up into something it wasn't."),
    ]
    assert set_aside(faithful, "two-turn-qa.txt") == [
        ("heading", "Five minutes with a peer researcher"), ("speaker label", "Q:"), ("speaker label", "A:")]


def test_markdown_without_blank_lines(faithful):
    rules = "The group agreed three ground rules:"
    assert segments(faithful, "sprint-notes.md") == [
        ("paragraph", "Morning", None, None, "We started late because the lift was out of order again."),
        ("lead_in", "Morning", None, None, rules),
        ("list_item", "Morning", rules, None, "no acronyms without explaining them"),
        ("list_item", "Morning", rules, None, "everyone gets paid for the whole day"),
        ("list_item", "Morning", rules, None, "breaks every hour"),
        ("paragraph", "Afternoon", None, None, "Two people left at lunch. Both said the morning had felt like a "
         "consultation, not co-design."),
        ("quote", "Afternoon", None, None, "We were shown the answer and asked if we liked it."),
        ("paragraph", "Facilitators' reflection", None, None, "We need to bring the options, not the decision."),
    ]
    assert [r for r, _ in set_aside(faithful, "sprint-notes.md")] == ["heading"] * 4


def test_word_document_with_list_paragraphs(faithful):
    lead = "People told us what recognition meant to them:"
    assert segments(faithful, "recognition.docx") == [
        ("paragraph", None, None, None, "We met at the Grange on 9 May. Eleven people came, and two joined by phone."),
        ("lead_in", None, None, None, lead),
        ("list_item", None, lead, None, "being paid on the day, in cash or by bank transfer"),
        ("list_item", None, lead, None, "a certificate or reference for their CV"),
        ("list_item", None, lead, None, "being thanked by name in the final report"),
        ("list_item", "Things to avoid", None, None, "Vouchers that can only be spent in one shop."),
        ("list_item", "Things to avoid", None, None, "Payments that arrive months later."),
        ("list_item", "Other ideas from the group", None, None, "a travel card that works on every bus"),
        ("list_item", "Other ideas from the group", None, None, "one named contact for payments"),
        ("paragraph", "Other ideas from the group", None, None,
         "We will bring a draft payment policy to the next session."),
    ]
    assert set_aside(faithful, "recognition.docx") == [
        ("heading", "Session notes: recognition and reward"), ("heading", "Things to avoid"),
        ("heading", "Other ideas from the group"), ("list marker", "•"), ("list marker", "•")]
    assert faithful.document("recognition.docx").title == "Session notes: recognition and reward"


def test_html_page_with_lists_inside_divs(faithful):
    barriers = "The panel met four times over the winter. These were the barriers people described most often:"
    helped = "And these were the things that helped:"
    assert segments(faithful, "panel-page.html") == [
        ("lead_in", None, None, None, barriers),
        ("list_item", None, barriers, None, "Transport that stops before evening meetings end"),
        ("list_item", None, barriers, None, "Forms that ask for the same details again and again"),
        ("list_item", None, barriers, None, "Not hearing back after giving an opinion"),
        ("lead_in", None, None, None, helped),
        ("list_item", None, helped, None, "A named contact"),
        ("list_item", None, helped, None, "Being paid on the day"),
        ("paragraph", "Next steps", None, None, "We will publish a response to each point by June."),
    ]
    assert set_aside(faithful, "panel-page.html") == [
        ("heading", "What we heard from the community panel"), ("boilerplate", "By Tom Reyes"),
        ("heading", "Next steps")]


def test_pdf_text_layer_wrapped_without_blank_lines(faithful):
    assert segments(faithful, "report.pdf") == [
        ("paragraph", "Summary", None, None, "This year 140 people took part in shaping our services, up from ninety "
         "the year before. Most of the growth came from the new evening sessions and from paying people for their "
         "time."),
        ("list_item", "What we will do next year", None, None, "Publish every payment rate on our website."),
        ("list_item", "What we will do next year", None, None, "Offer childcare at every session."),
        ("list_item", "What we will do next year", None, None, "Ask each new group how it wants to be involved."),
    ]
    assert [r for r, _ in set_aside(faithful, "report.pdf")] == ["heading"] * 3 + ["list marker"] * 3


def test_only_the_interview_without_labels_gets_a_warning(faithful):
    assert [w[:6] for w in faithful.warnings] == ["[W005]"]
