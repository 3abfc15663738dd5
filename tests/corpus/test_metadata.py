"""metadata.csv beside the documents (workbench.corpus.metadata and its use in load_corpus)."""
from __future__ import annotations

import codecs

import pytest

from workbench.corpus import load_corpus
from workbench.corpus.metadata import parse_roles, read_metadata
from workbench.errors import CorpusError

TRANSCRIPT = "Rose: Hello.\nDev Patel: Hi.\nRose: Bye.\n"
FILES = {"t/one.txt": TRANSCRIPT, "blog.md": "# Blog title\n\nSome prose.\n"}
METADATA = ("doc_id,kind,title,date,event,author,speaker_roles\n"
            "t/one.txt,transcript,Workshop one,2025-03-14,Session 1,,Rose=carer; Dev Patel=commissioner\n"
            "blog.md,notes,,2025-02-10,,Nadia,\n")


@pytest.fixture
def corpus(write_files, corpus_dir):
    write_files({**FILES, "metadata.csv": METADATA})
    return load_corpus(corpus_dir)


# -- parse_roles --------------------------------------------------------------------------------------
def test_parse_roles_splits_pairs_and_trims():
    assert parse_roles(" Rose = carer ;Dev Patel=practitioner; ") == {"Rose": "carer", "Dev Patel": "practitioner"}


def test_parse_roles_skips_malformed_parts():
    assert parse_roles("Rose; =x; Tom=; Ann=lived experience") == {"Ann": "lived experience"}


def test_parse_roles_keeps_equals_in_role():
    assert parse_roles("Ann=a=b") == {"Ann": "a=b"}


@pytest.mark.parametrize("value", ["", None])
def test_parse_roles_empty(value):
    assert parse_roles(value) == {}


# -- applied to documents --------------------------------------------------------------------------
def test_metadata_kind_applied(corpus):
    assert corpus.document("blog.md").kind == "notes"


def test_metadata_title_applied(corpus):
    assert corpus.document("t/one.txt").title == "Workshop one"


def test_empty_metadata_title_keeps_reader_title(corpus):
    assert corpus.document("blog.md").title == "Blog title"


def test_metadata_date_applied(corpus):
    assert corpus.document("t/one.txt").date == "2025-03-14"


def test_metadata_speaker_roles_applied(corpus):
    assert corpus.document("t/one.txt").speaker_roles == {"Rose": "carer", "Dev Patel": "commissioner"}


def test_metadata_roles_appear_in_segments_df(corpus):
    frame = corpus.segments_df()
    rows = frame[frame.doc_id == "t/one.txt"]
    assert rows[["speaker", "speaker_role"]].values.tolist() == [
        ["Rose", "carer"], ["Dev Patel", "commissioner"], ["Rose", "carer"]]


def test_metadata_roles_override_roles_from_labels(write_files, corpus_dir):
    write_files({"t.txt": "Rose (mum): a.\nDev: b.\nRose: c.\n",
                 "metadata.csv": "doc_id,speaker_roles\nt.txt,Rose=carer\n"})
    assert load_corpus(corpus_dir).document("t.txt").speaker_roles == {"Rose": "carer"}


def test_free_attributes_kept_in_documents_df(corpus):
    frame = corpus.documents_df().set_index("doc_id")
    assert frame.loc["t/one.txt", "event"] == "Session 1"
    assert frame.loc["blog.md", "author"] == "Nadia"


def test_documents_df_fixed_columns_first(corpus):
    assert list(corpus.documents_df().columns[:8]) == ["doc_id", "kind", "title", "date", "format", "segments",
                                                       "words", "speakers"]


def test_unknown_kind_is_not_applied(write_files, corpus_dir):
    write_files({"a.md": "Prose.\n", "metadata.csv": "doc_id,kind\na.md,podcast\n"})
    assert load_corpus(corpus_dir).document("a.md").kind == "blog"


def test_unknown_doc_id_gives_w002_warning(write_files, corpus_dir):
    write_files({**FILES, "metadata.csv": METADATA + "ghost.txt,transcript,,,,,\n"})
    corpus = load_corpus(corpus_dir)
    assert len(corpus.warnings) == 1
    assert corpus.warnings[0].startswith("[W002]") and "'ghost.txt'" in corpus.warnings[0]
    assert len(corpus) == 2


def test_metadata_row_for_a_problem_file_is_not_a_warning(write_files, corpus_dir):
    write_files({**FILES, "empty.txt": b"", "metadata.csv": METADATA + "empty.txt,notes,,,,,\n"})
    corpus = load_corpus(corpus_dir)
    assert corpus.warnings == []
    assert [p.path for p in corpus.problems] == ["empty.txt"]


def test_missing_key_column_raises_e053(write_files, corpus_dir):
    write_files({**FILES, "metadata.csv": "name,kind\nt/one.txt,transcript\n"})
    with pytest.raises(CorpusError) as info:
        load_corpus(corpus_dir)
    assert info.value.code == "E053"
    assert "name, kind" in str(info.value)


def test_empty_metadata_file_raises_e053(write_files, corpus_dir):
    write_files({**FILES, "metadata.csv": ""})
    with pytest.raises(CorpusError) as info:
        load_corpus(corpus_dir)
    assert info.value.code == "E053"


@pytest.mark.parametrize("key", ["file", "path", "filename", "File", " DOC_ID "])
def test_alternative_key_columns(write_files, corpus_dir, key):
    write_files({**FILES, "metadata.csv": f"{key},title\nblog.md,Renamed\n"})
    assert load_corpus(corpus_dir).document("blog.md").title == "Renamed"


def test_backslash_paths_are_accepted(write_files, corpus_dir):
    write_files({**FILES, "metadata.csv": "doc_id,title\nt\\one.txt,Windows path\n"})
    assert load_corpus(corpus_dir).document("t/one.txt").title == "Windows path"


def test_metadata_with_bom_and_crlf(write_files, corpus_dir):
    write_files({**FILES, "metadata.csv": codecs.BOM_UTF8 + METADATA.replace("\n", "\r\n").encode()})
    corpus = load_corpus(corpus_dir)
    assert corpus.document("t/one.txt").title == "Workshop one"
    assert corpus.warnings == []


def test_read_metadata_without_file(tmp_path):
    assert read_metadata(tmp_path) == ({}, None)


def test_read_metadata_rows_drop_empty_values(write_files, corpus_dir):
    write_files({"metadata.csv": METADATA})
    rows, sha = read_metadata(corpus_dir)
    assert rows["blog.md"] == {"kind": "notes", "date": "2025-02-10", "author": "Nadia"}
    assert len(sha) == 64


def test_metadata_in_subfolder_is_not_metadata(write_files, corpus_dir):
    write_files({**FILES, "sub/metadata.csv": "doc_id,title\nblog.md,Renamed\n"})
    corpus = load_corpus(corpus_dir)
    assert corpus.document("blog.md").title == "Blog title"
