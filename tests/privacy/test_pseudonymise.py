"""Pseudonymisation: names that are common words, possessives, multi-word names, e-mails, phones,
consistent pseudonyms across documents and runs, the key kept out of the copy, and a written copy
that re-loads with the same documents, segments and seg_ids."""
from __future__ import annotations

import io
import json
import os
import re
import stat
from pathlib import Path

import pandas as pd
import pytest

from workbench.corpus import load_corpus
from workbench.errors import NotFittedError
from workbench.privacy import (PseudonymisationError, Pseudonymiser, load_key, load_names,
                               pseudonymise_folder)
from workbench.privacy.pseudonymise import MARKER_FILE, default_key_path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO = REPO_ROOT / "corpora" / "coproduction"

COMMON = """Rose: I hope we will mark it on the calendar. Hope said she would come.
Hope: Will we get paid? Thanks, Will. Rose's idea was good, and Rose’s too.
Will: Can I bring in Hope? Mark it down. Faith in the process matters.
Faith: Ask June. We met on 12 June 2025. Rose-Marie came too.
Mark: I hope so. Will said yes.
Rose: Yes.
Hope: Yes.
Will: Yes.
Faith: Yes.
Mark: Yes.
"""

MEETING = """Team meeting

Dev Patel: Thanks all. Mrs Patel sends her apologies, and Dev is me.

Sheila (carer): Call me on 07700 900123 or +44 7700 900123. The office is 020 7946 0000.

Dev Patel: Or +44 (0)20 7946 0000, or email Sheila.Jones@Example.org. At 00:01:02 we had 1,000,000 ideas in 2025.

Sheila: Write to sheila.jones@example.org, not to Dev. Mary Ann said so, and Mary agreed.
"""

SECOND = """Rose: I was at the first meeting too.

Sheila: So was I. Rose and Sheila, again.

Rose: And Tom joined us. Tom, say hello.

Tom: Hello.
"""

BLOG = """---
title: "A note from Rose"
author: "Rosalind Akinola"
date: 2025-02-10
---

# A note from Rose

Rose wrote this with help from Ms Akinola. Contact rosalind@example.org
or 0113 496 0000.

Hope is what keeps us going. Will we change? We will.
"""

HTML = """<!DOCTYPE html>
<html><head><title>Blog</title><meta name="author" content="Owen Pritchard"></head>
<body><nav>Home</nav><main>
<h1>What gets in the way</h1>
<p>By Owen Pritchard &middot; 22 May 2025</p>
<p>I asked <b>Rose</b> and Sheila what gets in the way. Rose said: time.</p>
<p>Write to <a href="mailto:owen@example.org">owen@example.org</a>.</p>
</main></body></html>
"""

VTT = """WEBVTT

NOTE Recorded with Rose and Priya at the hub.

1
00:00:01.000 --> 00:00:04.000
<v Priya>Welcome, everyone. Rose, do you want to start?

2
00:00:04.500 --> 00:00:08.000
<v Rose>Yes. I'm Rose and I care for my son.

3
00:00:08.000 --> 00:00:10.000
<v Rose>He is twenty.

4
00:00:10.500 --> 00:00:12.000
<v Priya>Thank you, Rose.
"""

SRT = """1
00:00:01,000 --> 00:00:03,000
Priya: Hello Rose.

2
00:00:03,500 --> 00:00:05,000
Rose: Hello Priya.

3
00:00:05,500 --> 00:00:07,000
Priya: Shall we begin?
"""

CSV = """speaker,text,timestamp
Priya,"Hello Rose, welcome.",00:00:01
Rose,Hello Priya. Call me on 07700 900456.,00:00:05
Priya,Thanks Rose.,00:00:09
"""

METADATA = """doc_id,kind,title,author,speaker_roles
meetings/meeting.txt,transcript,Team meeting,,Dev Patel=commissioner; Sheila=carer
meetings/second.txt,transcript,Second meeting,,Rose=lived experience; Tom=lived experience
"""


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def docx_bytes(paragraphs: list[str], author: str = "") -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Grace", "A table row from Grace about Will."
    table.cell(1, 0).text, table.cell(1, 1).text = "Will", "And one from Will."
    document.core_properties.author = author
    document.core_properties.last_modified_by = "Jo Transcriber"
    first = document.paragraphs[1]
    document.add_comment(first.runs, text="Check with Grace.", author="Jo Transcriber", initials="JT")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    frame = pd.DataFrame({"speaker": ["Priya", "Rose", "Priya"],
                          "text": ["Hello Rose.", "Hello Priya.", "Thanks, Rose."]})
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()


@pytest.fixture
def corpus_dir(tmp_path) -> Path:
    return write_files(tmp_path / "corpus", {
        "meetings/meeting.txt": MEETING, "meetings/second.txt": SECOND, "meetings/common.txt": COMMON,
        "metadata.csv": METADATA,
    })


@pytest.fixture
def formats_dir(tmp_path) -> Path:
    return write_files(tmp_path / "formats", {
        "blog.md": BLOG, "page.html": HTML, "talk.vtt": VTT, "talk.srt": SRT, "turns.csv": CSV,
        "turns.xlsx": xlsx_bytes(),
        "workshop.docx": docx_bytes(["Workshop notes", "Grace: Will is late again.",
                                     "Will: Sorry, Grace. Grace's point stands.", "Grace: Thanks, Will."],
                                    author="Grace Obi"),
    })


def fitted(path: Path, **params) -> tuple[Pseudonymiser, object]:
    corpus = load_corpus(path)
    params.setdefault("entities", False)
    return Pseudonymiser(**params).fit(corpus), corpus


def words_outside(text: str, spans: list[tuple[int, int]]) -> list[str]:
    kept, cursor = [], 0
    for start, end in sorted(spans):
        kept.append(text[cursor:start])
        cursor = end
    kept.append(text[cursor:])
    return " ".join(kept).split()


# -- names that are common words ---------------------------------------------------------------------
def test_common_words_are_never_replaced_in_lower_case(corpus_dir):
    model, corpus = fitted(corpus_dir)
    out = model.transform_corpus(corpus)["meetings/common.txt"]
    assert "I hope we will mark it on the calendar." in out
    assert "Mark: I hope so." not in out and "I hope so." in out
    assert model.transform_text("I hope we will mark it") == "I hope we will mark it"
    assert model.transform_text("faith, grace and joy") == "faith, grace and joy"


def test_names_that_are_common_words_are_replaced_as_names(corpus_dir):
    model, corpus = fitted(corpus_dir)
    key = model.key_
    out = model.transform_corpus(corpus)["meetings/common.txt"]
    for name in ("Rose", "Hope", "Will", "Faith", "Mark"):
        assert f"\n{name}:" not in "\n" + out  # every speaker label is replaced
    assert f"{key['Hope']} said she would come." in out          # "Hope said ..."
    assert f"Thanks, {key['Will']}." in out                         # vocative
    assert f"Can I bring in {key['Hope']}?" in out                  # capitalised mid-sentence
    assert f"{key['Will']} said yes." in out
    speakers = corpus.document("meetings/common.txt").speakers
    assert {model.transform_speaker(s) for s in speakers} == {
        key[n] for n in ("Rose", "Hope", "Will", "Faith", "Mark")}


def test_sentence_initial_common_words_are_kept_and_listed_for_review(corpus_dir):
    model, corpus = fitted(corpus_dir)
    out = model.transform_corpus(corpus)["meetings/common.txt"]
    assert ": Will we get paid?" in out
    assert "Mark it down. Faith in the process matters." in out
    kept = model.review_[model.review_["doc_id"] == "meetings/common.txt"]
    assert set(kept["text"]) >= {"Will", "Mark", "Faith"}
    assert set(kept["reason"]) <= {"common word", "date"}
    text = corpus.document("meetings/common.txt").text
    for row in kept.itertuples():
        assert text[row.start_char:row.end_char] == row.text
        assert row.seg_id is not None and corpus.segment(row.seg_id).start_char <= row.start_char


def test_month_names_next_to_a_date_are_kept(corpus_dir):
    model, corpus = fitted(corpus_dir, names=["June=carer"])
    out = model.transform_corpus(corpus)["meetings/common.txt"]
    assert f"Ask {model.key_['June']}." in out
    assert "We met on 12 June 2025." in out
    assert "date" in set(model.review_["reason"])


@pytest.mark.slow
def test_the_tagger_decides_sentence_initial_common_words():
    from workbench.annotate import load_pipeline

    nlp = load_pipeline()
    corpus_text = "Rose: Rose was late.\nTom: Prices rose by five percent. Rose by five percent, yes.\nRose: Yes.\nTom: Yes.\n"
    model = Pseudonymiser(names=["Rose", "Tom"], entities=False)
    model.fit(_corpus_of(corpus_text), nlp=nlp)
    pseudo = model.key_["Rose"]
    assert model.transform_text("Rose was late.") == f"{pseudo} was late."
    assert model.transform_text("Rose by five percent.") == "Rose by five percent."


def _corpus_of(text: str, tmp: Path | None = None):
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="pseudo_")) if tmp is None else tmp
    (root / "t.txt").write_text(text, encoding="utf-8")
    return load_corpus(root)


# -- possessives, parts, multi-word and user names ---------------------------------------------------
def test_possessives_and_hyphenated_names(corpus_dir):
    model, corpus = fitted(corpus_dir)
    out = model.transform_corpus(corpus)["meetings/common.txt"]
    rose = model.key_["Rose"]
    assert f"{rose}'s idea was good, and {rose}’s too." in out
    assert "Rose-Marie came too." in out  # another person: never half-replaced


def test_multi_word_names_longest_first_and_parts(corpus_dir):
    model, corpus = fitted(corpus_dir, names=["Mary", "Mary Ann=carer"])
    out = model.transform_corpus(corpus)["meetings/meeting.txt"]
    key = model.key_
    assert key["Dev"] == key["Patel"] == key["Dev Patel"] == "Commissioner 1"
    assert "Mrs Commissioner 1 sends her apologies, and Commissioner 1 is me." in out
    assert key["Mary Ann"] != key["Mary"]
    assert f"{key['Mary Ann']} said so, and {key['Mary']} agreed." in out
    assert key["Mary Ann"].startswith("Carer ") and key["Mary"].startswith("Participant ")


def test_user_names_file_with_roles_and_comments(tmp_path, corpus_dir):
    names = tmp_path / "names.txt"
    names.write_text("# people mentioned but not present\nTayo Adeyemi=carer\n\nMary\n", encoding="utf-8")
    assert load_names(names) == ["Tayo Adeyemi=carer", "Mary"]
    model, _ = fitted(corpus_dir, names=load_names(names))
    assert model.key_["Tayo Adeyemi"].startswith("Carer ")
    assert model.key_["Tayo"] == model.key_["Adeyemi"] == model.key_["Tayo Adeyemi"]
    assert model.transform_text("Tayo came with Mary.") == f"{model.key_['Tayo']} came with {model.key_['Mary']}."
    names_df = model.names_.set_index("name")
    assert names_df.loc["Tayo Adeyemi", "reason"] == "user_name"
    assert names_df.loc["Sheila", "reason"] == "speaker"


def test_bad_names_are_refused(tmp_path, corpus_dir):
    with pytest.raises(PseudonymisationError, match="E504"):
        load_names(tmp_path / "missing.txt")
    with pytest.raises(PseudonymisationError, match="E504"):
        Pseudonymiser(names=["=carer"], entities=False).fit(load_corpus(corpus_dir))


# -- e-mail addresses and phone numbers --------------------------------------------------------------
def test_emails_and_uk_phone_numbers(corpus_dir):
    model, corpus = fitted(corpus_dir)
    out = model.transform_corpus(corpus)["meetings/meeting.txt"]
    key = model.key_
    assert key["07700900123"] == "[phone 1]" and key["02079460000"] == "[phone 2]"
    assert key["sheila.jones@example.org"] == "[email 1]"
    assert "Call me on [phone 1] or [phone 1]. The office is [phone 2]." in out
    assert "Or [phone 2], or email [email 1]." in out
    assert "Write to [email 1], not to" in out
    assert "At 00:01:02 we had 1,000,000 ideas in 2025." in out  # times and numbers are not phones
    for number in ("07700 900123", "+44 7700 900123", "020 7946 0000", "(020) 7946 0000", "0113 496 0000",
                   "01632 960000", "+44 (0)20 7946 0000"):
        assert re.fullmatch(r"\[phone(?: \d+)?\]", model.transform_text(number)), number
    for not_phone in ("2025", "12 June 2025", "00:01:02.500", "1,000,000", "0.5", "£100", "07700"):
        assert model.transform_text(not_phone) == not_phone
    reasons = model.replacements_.groupby("reason").size()
    assert reasons["email"] == 2 and reasons["phone"] == 4


def test_emails_and_phones_can_be_left(corpus_dir):
    model, corpus = fitted(corpus_dir, emails=False, phones=False)
    out = model.transform_corpus(corpus)["meetings/meeting.txt"]
    assert "07700 900123" in out and "sheila.jones@example.org" in out
    assert not any(_kind in model.replacements_["reason"].values for _kind in ("email", "phone"))


# -- pseudonyms: roles, numbering, consistency --------------------------------------------------------
def test_pseudonyms_by_role_in_order_of_first_appearance(corpus_dir):
    model, _ = fitted(corpus_dir)
    key = model.key_
    # documents in path order: common.txt (no roles), meeting.txt, second.txt
    assert [key[n] for n in ("Rose", "Hope", "Will", "Faith", "Mark")] == [
        "Lived Experience 1", "Participant 1", "Participant 2", "Participant 3", "Participant 4"]
    assert key["Dev Patel"] == "Commissioner 1" and key["Sheila"] == "Carer 1"
    assert key["Tom"] == "Lived Experience 2"
    assert len({key[n] for n in ("Rose", "Hope", "Will", "Faith", "Mark", "Dev Patel", "Sheila", "Tom")}) == 8


def test_roles_off_and_unparseable_roles_fall_back(corpus_dir):
    model, _ = fitted(corpus_dir, roles=False)
    assert all(p.startswith("Participant ") for n, p in model.key_.items() if "@" not in n and "[" not in p)
    model, _ = fitted(corpus_dir, names=["Zed=session lead", "Yan=2nd carer"])
    assert model.key_["Zed"].startswith("Participant ")  # "Session Lead 1:" would not read as a label
    assert model.key_["Yan"].startswith("Participant ")


def test_existing_numbered_labels_are_not_reused(tmp_path):
    corpus = _corpus_of("Participant 1: Hi.\nRose: Hi.\nParticipant 1: Bye.\nRose: Bye.\n", tmp_path)
    model = Pseudonymiser(entities=False).fit(corpus)
    assert model.key_ == {"Rose": "Participant 2"}


def test_same_name_same_pseudonym_across_documents_and_fits(corpus_dir):
    model, corpus = fitted(corpus_dir)
    texts = model.transform_corpus(corpus)
    rose = model.key_["Rose"]
    assert texts["meetings/second.txt"].startswith(f"{rose}: I was at the first meeting too.")
    assert f"{rose}'s idea" in texts["meetings/common.txt"]
    again, _ = fitted(corpus_dir)
    assert again.key_ == model.key_
    assert again.replacements_.equals(model.replacements_)


def test_key_round_trip_keeps_pseudonyms_and_extends_numbering(tmp_path, corpus_dir):
    model, _ = fitted(corpus_dir)
    key_file = model.save_key(tmp_path / "private" / "key.json")
    assert stat.S_IMODE(os.stat(key_file).st_mode) & 0o077 == 0  # owner only
    data = json.loads(key_file.read_text(encoding="utf-8"))
    assert data["format"] == "workbench-pseudonym-key" and data["key"] == model.key_
    assert load_key(key_file) == model.key_

    (corpus_dir / "meetings" / "third.txt").write_text(
        "Amara: New person here.\nRose: Welcome.\nAmara: Thanks.\nRose: Good.\n", encoding="utf-8")
    again = Pseudonymiser(entities=False, key=load_key(key_file)).fit(load_corpus(corpus_dir))
    for real, pseudo in model.key_.items():
        assert again.key_[real] == pseudo
    assert again.key_["Amara"] == "Participant 5"  # after Participant 1-4 of the first run
    assert Pseudonymiser(entities=False, key=key_file).fit(load_corpus(corpus_dir)).key_ == again.key_


def test_unreadable_key_is_refused(tmp_path):
    bad = tmp_path / "key.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(PseudonymisationError, match="E500"):
        load_key(bad)
    bad.write_text(json.dumps({"Rose": "Participant 1"}), encoding="utf-8")
    with pytest.raises(PseudonymisationError, match="E500"):
        load_key(bad)


def test_unfitted_use_is_an_error():
    with pytest.raises(NotFittedError, match="E250"):
        Pseudonymiser().transform_text("Rose")


def test_a_pipeline_without_ner_is_refused(corpus_dir):
    import spacy

    with pytest.raises(PseudonymisationError, match="E503"):
        Pseudonymiser(entities=True).fit(load_corpus(corpus_dir), nlp=spacy.blank("en"))


# -- writing a copy -----------------------------------------------------------------------------------
def test_written_copy_reloads_with_same_segments_and_texts(tmp_path, corpus_dir):
    model, corpus = fitted(corpus_dir)
    report = model.write_corpus(corpus, tmp_path / "shared")
    assert report.ok, report.problems
    copy = load_corpus(tmp_path / "shared")
    texts = model.transform_corpus(corpus)
    assert [d.doc_id for d in copy.documents] == [d.doc_id for d in corpus.documents]
    assert [s.seg_id for s in copy.segments] == [s.seg_id for s in corpus.segments]
    for old, new in zip(corpus.segments, copy.segments):
        assert new.speaker == model.transform_speaker(old.speaker)
        assert copy.document(new.doc_id).text == texts[old.doc_id]
        # offsets: recomputed, and map_offset gives them from the original's
        assert new.start_char == model.map_offset(old.doc_id, old.start_char)
        assert new.end_char == model.map_offset(old.doc_id, old.end_char)
        # every word that is not a name (or e-mail, phone) is unchanged, so word counts of them match
        rows = model.replacements_[model.replacements_["seg_id"] == old.seg_id]
        old_spans = [(s - old.start_char, e - old.start_char) for s, e in zip(rows.start_char, rows.end_char)]
        new_spans = [(s - new.start_char, e - new.start_char) for s, e in zip(rows.new_start_char, rows.new_end_char)]
        assert words_outside(old.text, old_spans) == words_outside(new.text, new_spans)
    # metadata: roles under pseudonyms, nothing else lost
    roles = copy.document("meetings/meeting.txt").speaker_roles
    assert roles == {"Commissioner 1": "commissioner", "Carer 1": "carer"}
    assert copy.document("meetings/second.txt").title == "Second meeting"


def test_report_lists_replacements_with_offsets(corpus_dir):
    model, corpus = fitted(corpus_dir)
    frame = model.replacements_
    assert list(frame.columns[:7]) == ["doc_id", "seg_id", "start_char", "end_char", "original", "replacement",
                                       "reason"]
    assert set(frame["reason"]) == {"speaker", "email", "phone"}
    texts = model.transform_corpus(corpus)
    for row in frame.itertuples():
        assert corpus.document(row.doc_id).text[row.start_char:row.end_char] == row.original
        assert texts[row.doc_id][row.new_start_char:row.new_end_char] == row.replacement
    labels = frame[(frame["seg_id"].isna()) & (frame["reason"] == "speaker")]
    assert len(labels) > 0  # speaker labels sit outside segments; their seg_id is empty


def test_formats_keep_their_doc_ids_and_structure(tmp_path, formats_dir):
    model, corpus = fitted(formats_dir)
    assert model.key_["Owen Pritchard"].startswith("Author ") and model.key_["Grace Obi"].startswith("Author ")
    report = model.write_corpus(corpus, tmp_path / "shared")
    assert report.ok, report.problems
    assert set(report.files["written_as"]) >= {"regenerated captions", "Word document, paragraphs replaced"}
    copy = load_corpus(tmp_path / "shared")
    assert copy.problems == []
    assert [s.seg_id for s in copy.segments] == [s.seg_id for s in corpus.segments]
    originals = {s for d in corpus.documents for s in d.speakers}
    assert originals and not originals & {s for d in copy.documents for s in d.speakers}
    for path in (tmp_path / "shared").rglob("*"):
        if path.suffix in (".md", ".html", ".vtt", ".srt", ".csv"):
            raw = path.read_text(encoding="utf-8")
            for name in ("Rose", "Priya", "Owen Pritchard", "Rosalind", "Akinola", "@example.org", "900456",
                         "496 0000"):
                assert name not in raw, (path.name, name)
    blog = copy.document("blog.md")
    assert blog.attributes["author"] == model.key_["Rosalind Akinola"]
    assert "Will we change? We will." in blog.text  # a common word at a sentence start, no tagger: kept
    assert set(model.review_["doc_id"]) == {"blog.md", "workshop.docx"}  # ... and listed for review
    docx_doc = copy.document("workshop.docx")
    assert docx_doc.source_format == "docx" and "Grace" not in docx_doc.text
    assert f"{model.key_['Grace']}: Will is late again." in docx_doc.text
    assert f"{model.key_['Will']}: Sorry, {model.key_['Grace']}. {model.key_['Grace']}'s point" in docx_doc.text
    assert docx_doc.attributes.get("author") == model.key_["Grace Obi"]
    import docx

    written = docx.Document(str(tmp_path / "shared" / "workshop.docx"))
    assert written.core_properties.last_modified_by == ""
    assert [(c.author, c.initials, c.text) for c in written.comments] == [
        ("Reviewer", "", f"Check with {model.key_['Grace']}.")]
    vtt = (tmp_path / "shared" / "talk.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT") and "NOTE" not in vtt  # the NOTE block named people; it is not copied


def test_a_pdf_is_written_as_normalised_text(tmp_path, corpus_dir):
    from workbench.corpus import Document

    model, corpus = fitted(corpus_dir)
    doc = Document("meetings/report.pdf", "Rose: Hi.\n\nTom: Hi.", "transcript", "pdf")
    new_id, how = model._write_document(doc, model.transform_text(doc.text), corpus_dir, tmp_path / "o",
                                        {d.doc_id for d in corpus.documents})
    assert (new_id, how) == ("meetings/report.txt", "normalised text (.txt)")
    assert (tmp_path / "o" / new_id).read_text(encoding="utf-8") == (
        f"{model.key_['Rose']}: Hi.\n\n{model.key_['Tom']}: Hi.")


def test_the_key_is_never_written_into_the_copy(tmp_path, corpus_dir):
    model, corpus = fitted(corpus_dir)
    out = tmp_path / "shared"
    with pytest.raises(PseudonymisationError, match="E501"):
        model.write_corpus(corpus, out, key_path=out / "key.json")
    assert not out.exists()  # refused before anything was written
    with pytest.raises(PseudonymisationError, match="E501"):
        model.write_corpus(corpus, out, key_path=corpus_dir / "key.json")
    report = model.write_corpus(corpus, out, key_path=tmp_path / "key.json")
    assert report.key_path == (tmp_path / "key.json").resolve() and (out / MARKER_FILE).is_file()
    with pytest.raises(PseudonymisationError, match="E501"):
        model.save_key(out / "meetings" / "key.json")  # a later save into the copy is refused too
    assert not any(p.name.endswith(".json") and p.name != MARKER_FILE for p in out.rglob("*"))
    assert default_key_path(out) == (tmp_path / "shared-key.json").resolve()


def test_output_folder_checks(tmp_path, corpus_dir):
    model, corpus = fitted(corpus_dir)
    with pytest.raises(PseudonymisationError, match="E502"):
        model.write_corpus(corpus, corpus_dir / "shared")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(PseudonymisationError, match="E502"):
        model.write_corpus(corpus, busy, overwrite=True)
    assert (busy / "notes.txt").read_text(encoding="utf-8") == "mine"
    model.write_corpus(corpus, tmp_path / "shared")
    with pytest.raises(PseudonymisationError, match="E502"):
        model.write_corpus(corpus, tmp_path / "shared")
    assert model.write_corpus(corpus, tmp_path / "shared", overwrite=True).ok


def test_unreadable_files_are_not_copied(tmp_path, corpus_dir):
    (corpus_dir / "broken.docx").write_bytes(b"not a zip, and it names Rose")
    model, corpus = fitted(corpus_dir)
    report = model.write_corpus(corpus, tmp_path / "shared")
    assert not (tmp_path / "shared" / "broken.docx").exists()
    assert "broken.docx" in set(report.files["doc_id"])


def test_check_copy_finds_names_left_in_a_copy(tmp_path, corpus_dir):
    model, corpus = fitted(corpus_dir)
    out = tmp_path / "shared"
    model.write_corpus(corpus, out)
    tampered = out / "meetings" / "second.txt"
    tampered.write_text(tampered.read_text(encoding="utf-8").replace("Lived Experience 2:", "Tom:", 1),
                        encoding="utf-8")
    problems = model.check_copy(corpus, out)
    assert {"speaker name remains", "speaker remains", "text differs"} <= set(problems["problem"])


def test_pseudonymise_folder_twice_gives_the_same_pseudonyms(tmp_path, corpus_dir):
    out = tmp_path / "shared"
    first = pseudonymise_folder(corpus_dir, out, entities=False)
    key_file = default_key_path(out)
    assert first.ok and first.key_path == key_file and key_file.is_file()
    assert set(first.review["text"]) >= {"Will", "Mark"} and "Sheila" in set(first.names["name"])
    key = load_key(key_file)
    (corpus_dir / "meetings" / "third.txt").write_text(
        "Amara: Hello Rose.\nRose: Hello.\nAmara: Bye.\nRose: Bye.\n", encoding="utf-8")
    second = pseudonymise_folder(corpus_dir, out, entities=False, overwrite=True)
    assert second.ok
    extended = load_key(key_file)
    assert {k: extended[k] for k in key} == key and "Amara" in extended
    text = (out / "meetings" / "third.txt").read_text(encoding="utf-8")
    assert text.startswith(f"{extended['Amara']}: Hello {key['Rose']}.")


# -- the demo corpus ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory):
    from workbench.annotate import load_pipeline

    corpus = load_corpus(DEMO)
    model = Pseudonymiser().fit(corpus, nlp=load_pipeline())
    out = tmp_path_factory.mktemp("demo") / "shared"
    report = model.write_corpus(corpus, out, key_path=out.parent / "key.json")
    return corpus, model, report, load_corpus(out)


@pytest.mark.slow
def test_demo_corpus_copy_has_no_original_speaker_names(demo_copy):
    corpus, model, report, copy = demo_copy
    assert report.ok, report.problems.to_string()
    speakers = {s for d in corpus.documents for s in d.speakers} | {
        s for d in corpus.documents for s in d.speaker_roles}
    assert len(speakers) >= 20
    copied = {s for d in copy.documents for s in d.speakers} | {s for d in copy.documents for s in d.speaker_roles}
    assert not speakers & copied
    assert {s.speaker for s in copy.segments if s.speaker} == {model.key_[s] for s in speakers
                                                               if any(s in d.speakers for d in corpus.documents)}
    # no full or multi-word name anywhere in the texts, and no one-word speaker name mid-sentence
    for doc in copy.documents:
        for name in speakers:
            assert not re.search(rf"(?<![\w-]){re.escape(name)}(?!\w)", doc.text) or name.lower() in {
                "hope", "will", "grace", "joy", "bill", "june", "rose", "ruth"}, (doc.doc_id, name)
    kept = model.review_
    assert set(kept["reason"]) <= {"date", "common word"}
    assert (kept["text"] == "June").all()  # "12 June 2025" in a blog byline


@pytest.mark.slow
def test_demo_corpus_copy_keeps_documents_segments_and_authors(demo_copy):
    corpus, model, report, copy = demo_copy
    assert [d.doc_id for d in copy.documents] == [d.doc_id for d in corpus.documents]
    assert [s.seg_id for s in copy.segments] == [s.seg_id for s in corpus.segments]
    authors = {d.attributes.get("author") for d in corpus.documents if d.kind == "blog"}
    assert authors and not authors & {d.attributes.get("author") for d in copy.documents}
    assert model.key_["Tayo"].startswith("Participant ")  # a PERSON entity, not a speaker
    assert "Attendance" not in model.key_ and "Carer" not in model.key_  # entities that are no names
    assert not (report.out_dir / "key.json").exists() and (report.out_dir.parent / "key.json").is_file()
