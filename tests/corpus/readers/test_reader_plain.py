""".txt reader: transcripts in every supported speaker form, and prose."""
from __future__ import annotations

from workbench.corpus import load_corpus
from workbench.corpus.readers.plain import read_txt


def load_one(write_files, corpus_dir, name, content):
    write_files({name: content})
    corpus = load_corpus(corpus_dir)
    assert corpus.problems == []
    return corpus, corpus.document(name)


def turns(corpus):
    return [(s.speaker, s.timestamp, s.text) for s in corpus.segments]


def test_name_colon_transcript(write_files, corpus_dir, assert_offsets):
    corpus, doc = load_one(write_files, corpus_dir, "t.txt",
                           "Rose: Hello there.\nDev Patel: Hi Rose.\nRose: Shall we start?\n")
    assert doc.kind == "transcript"
    assert doc.source_format == "txt"
    assert doc.speakers == ["Rose", "Dev Patel"]
    assert turns(corpus) == [("Rose", None, "Hello there."), ("Dev Patel", None, "Hi Rose."),
                             ("Rose", None, "Shall we start?")]
    assert_offsets(corpus)


def test_upper_case_name_transcript(write_files, corpus_dir, assert_offsets):
    corpus, doc = load_one(write_files, corpus_dir, "t.txt",
                           "INTERVIEWER: How was it?\nRESPONDENT: Hard.\nINTERVIEWER: Why?\n")
    assert doc.speakers == ["INTERVIEWER", "RESPONDENT"]
    assert_offsets(corpus)


def test_bracketed_timestamp_transcript(write_files, corpus_dir, assert_offsets):
    corpus, doc = load_one(write_files, corpus_dir, "t.txt",
                           "[00:01:02] Rose: Hello.\n\n[00:01:30] Dev: Hi.\n\n[00:02:00] Rose: Bye.\n")
    assert turns(corpus) == [("Rose", "00:01:02", "Hello."), ("Dev", "00:01:30", "Hi."),
                             ("Rose", "00:02:00", "Bye.")]
    assert_offsets(corpus)


def test_bare_timestamp_transcript(write_files, corpus_dir, assert_offsets):
    corpus, _ = load_one(write_files, corpus_dir, "t.txt",
                         "00:01:02 Rose: Hello.\n00:01:30 Dev: Hi.\n00:02:00 Rose: Bye.\n")
    assert [s.timestamp for s in corpus.segments] == ["00:01:02", "00:01:30", "00:02:00"]
    assert_offsets(corpus)


def test_otter_style_transcript(write_files, corpus_dir, assert_offsets):
    text = ("Team meeting\n\n"
            "Speaker 1  0:03\nSo shall we begin?\nI think we should.\n\n"
            "Speaker 2  0:41\nYes, fine.\n\n"
            "Speaker 1  1:02\nGreat.\n")
    corpus, doc = load_one(write_files, corpus_dir, "otter.txt", text)
    assert doc.kind == "transcript"
    assert doc.title == "Team meeting"
    assert turns(corpus) == [("Speaker 1", "0:03", "So shall we begin?\nI think we should."),
                             ("Speaker 2", "0:41", "Yes, fine."), ("Speaker 1", "1:02", "Great.")]
    assert_offsets(corpus)


def test_roles_from_labels_become_speaker_roles(write_files, corpus_dir, assert_offsets):
    corpus, doc = load_one(write_files, corpus_dir, "t.txt",
                           "Rose (carer): I care for Mum.\nDev (social worker): Ok.\nRose: Yes.\n")
    assert doc.speaker_roles == {"Rose": "carer", "Dev": "social worker"}
    assert doc.speakers == ["Rose", "Dev"]
    assert corpus.segments_df()["speaker_role"].tolist() == ["carer", "social worker", "carer"]
    assert_offsets(corpus)


def test_continuation_paragraph_is_part_of_previous_turn(write_files, corpus_dir, assert_offsets):
    corpus, _ = load_one(write_files, corpus_dir, "t.txt",
                         "Rose: First.\n\nStill Rose here.\n\nDev: Reply.\nRose: End.\n")
    assert turns(corpus)[0] == ("Rose", None, "First.\n\nStill Rose here.")
    assert len(corpus.segments) == 3
    assert_offsets(corpus)


def test_stage_note_is_not_a_segment(write_files, corpus_dir, assert_offsets):
    corpus, doc = load_one(write_files, corpus_dir, "t.txt",
                           "Rose: Before.\nDev: Yes.\n[break]\nRose: After.\nDev: Ok.\n")
    assert "[break]" in doc.text
    assert all("[break]" not in s.text for s in corpus.segments)
    assert [b.kind for b in doc.blocks].count("note") == 1
    assert_offsets(corpus)


def test_first_line_of_transcript_is_its_title(write_files, corpus_dir):
    _, doc = load_one(write_files, corpus_dir, "t.txt",
                      "Workshop 4: Payment (21 May)\n\nRose: Hi.\nDev: Hello.\nRose: Bye.\n")
    assert doc.title == "Workshop 4: Payment (21 May)"


def test_prose_with_note_label_is_not_a_transcript(write_files, corpus_dir, assert_offsets):
    text = ("Visit report\n\n"
            "We arrived at ten and were shown round by the manager.\n\n"
            "Note: something about the lift, which was broken again.\n\n"
            "Note: parking is limited.\n\n"
            "Note: the café was lovely.\n")
    corpus, doc = load_one(write_files, corpus_dir, "visit.txt", text)
    assert doc.kind == "notes"
    assert doc.speakers == []
    assert all(s.speaker is None for s in corpus.segments)
    assert "Note: something about the lift, which was broken again." in [s.text for s in corpus.segments]
    assert_offsets(corpus)


def test_prose_title_paragraphs_and_sections(write_files, corpus_dir, assert_offsets):
    text = "Reflections\n\nFirst thoughts.\n\nWhat worked:\n\nBeing paid on the day.\n"
    corpus, doc = load_one(write_files, corpus_dir, "r.txt", text)
    assert doc.title == "Reflections"
    assert [(s.section, s.text, s.block) for s in corpus.segments] == [
        (None, "First thoughts.", "paragraph"), ("What worked", "Being paid on the day.", "paragraph")]
    assert_offsets(corpus)


def test_title_falls_back_to_file_stem(write_files, corpus_dir):
    _, doc = load_one(write_files, corpus_dir, "my-notes.txt", "Just one sentence of prose here.")
    assert doc.title == "my-notes"


def test_read_txt_reports_transcript_kind_and_encoding():
    result = read_txt(b"Rose: a.\nDev: b.\nRose: c.\n", "x.txt")
    assert (result.kind, result.source_format, result.encoding) == ("transcript", "txt", "utf-8")
