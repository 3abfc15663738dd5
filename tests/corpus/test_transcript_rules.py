"""Speakers as people label them: from two labelled turns, names alone on lines, ``kind = transcript`` in
metadata.csv forcing speaker parsing, and one warning for interview-like text without labels."""
from __future__ import annotations

from workbench.corpus import load_corpus

NOTES = ("Notes from the evening session, typed up afterwards by the facilitator.\n\n"
         "Rose: I only found out about the panel because my neighbour told me.\n\n"
         "We agreed to send the papers a week ahead in future.\n")


def write(root, files):
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_single_label_is_prose_unless_metadata_says_transcript(tmp_path):
    plain_root = tmp_path / "plain"
    plain_root.mkdir()
    plain = load_corpus(write(plain_root, {"notes.txt": NOTES}))
    assert plain.document("notes.txt").speakers == []
    forced_root = tmp_path / "forced"
    forced_root.mkdir()
    forced = load_corpus(write(forced_root, {"notes.txt": NOTES,
                                             "metadata.csv": "doc_id,kind\nnotes.txt,transcript\n"}))
    segs = [(s.block, s.speaker, s.text) for s in forced.segments_of("notes.txt")]
    assert segs == [
        ("paragraph", None, "Notes from the evening session, typed up afterwards by the facilitator."),
        ("turn", "Rose", "I only found out about the panel because my neighbour told me.\n\n"
                         "We agreed to send the papers a week ahead in future."),
    ]
    assert not [w for w in forced.warnings if "notes.txt" in w]


def test_metadata_transcript_without_any_label_gets_one_warning_and_unknown_speakers(tmp_path):
    text = "We went round the room.\n\nEveryone said the same thing about the letters.\n"
    corpus = load_corpus(write(tmp_path, {"t.txt": text, "metadata.csv": "doc_id,kind\nt.txt,transcript\n"}))
    warnings = [w for w in corpus.warnings if "'t.txt'" in w]
    assert len(warnings) == 1 and warnings[0].startswith("[W005]") and "its kind is transcript" in warnings[0]
    assert [s.speaker for s in corpus.segments] == [None, None]
    assert corpus.document("t.txt").kind == "transcript"


def test_prose_that_does_not_read_like_an_interview_gets_no_warning(tmp_path):
    text = ("What we changed\n\nWe moved the meetings to the evening and paid for replacement care. "
            "Attendance tripled within three months, and the people who came were different.\n")
    corpus = load_corpus(write(tmp_path, {"p.txt": text}))
    assert corpus.warnings == [] and corpus.document("p.txt").kind == "notes"


def test_two_labelled_turns_count_and_the_report_of_speakers_follows(tmp_path):
    text = "Interviewer: Why did you join?\n\nSam Okoro: Because nobody like me was on the panel.\n"
    corpus = load_corpus(write(tmp_path, {"qa.txt": text}))
    assert corpus.document("qa.txt").speakers == ["Interviewer", "Sam Okoro"]
    assert corpus.document("qa.txt").kind == "transcript"
    assert [s.text for s in corpus.segments] == ["Why did you join?", "Because nobody like me was on the panel."]
