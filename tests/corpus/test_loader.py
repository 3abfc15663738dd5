"""load_corpus / read_document: one bad file becomes a LoadProblem, the rest of the corpus loads."""
from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest

from workbench.corpus import LoadProblem, load_corpus, read_document
from workbench.errors import CorpusError, FileReadError

GOOD = {"good.txt": "Rose: Hello.\nDev: Hi.\nRose: Bye.\n", "notes/ok.md": "# Ok\n\nFine words.\n"}
GOOD_IDS = ["good.txt", "notes/ok.md"]


def load_with(write_files, corpus_dir, bad: dict[str, str | bytes], **kwargs):
    write_files({**GOOD, **bad})
    return load_corpus(corpus_dir, **kwargs)


def problem_codes(corpus):
    return {p.path: p.code for p in corpus.problems}


def assert_only_problem(corpus, path, code):
    assert [(p.path, p.code) for p in corpus.problems] == [(path, code)]
    problem = corpus.problems[0]
    assert problem.reason.startswith(f"[{code}] '{path}'")
    assert sorted(d.doc_id for d in corpus) == GOOD_IDS


# -- bad files, one per test --------------------------------------------------------------------------
def test_binary_file_named_txt_is_e002(write_files, corpus_dir):
    corpus = load_with(write_files, corpus_dir, {"photo.txt": bytes(range(256)) * 4})
    assert_only_problem(corpus, "photo.txt", "E002")


def test_control_bytes_without_nul_are_e002(write_files, corpus_dir):
    corpus = load_with(write_files, corpus_dir, {"ctrl.txt": b"\x01\x02\x03abc" * 10})
    assert_only_problem(corpus, "ctrl.txt", "E002")


def test_empty_file_is_e001(write_files, corpus_dir):
    corpus = load_with(write_files, corpus_dir, {"empty.txt": b""})
    assert_only_problem(corpus, "empty.txt", "E001")


@pytest.mark.parametrize("name, data", [
    ("blank.txt", b"  \n\t\r\n  "),
    ("blank.md", b"\n\n   \n"),
    ("blank-utf16.txt", "   \n  ".encode("utf-16")),
    ("blank-nbsp.txt", "\u00a0 \u2003\n".encode("utf-8")),
])
def test_whitespace_only_file_is_e001(write_files, corpus_dir, name, data):
    corpus = load_with(write_files, corpus_dir, {name: data})
    assert_only_problem(corpus, name, "E001")


def test_cp1252_file_of_only_non_ascii_characters_is_not_empty(write_files, corpus_dir):
    write_files({"symbols.txt": b"\x93\xa3\x80\x94"})  # “£€” in Windows-1252
    corpus = load_corpus(corpus_dir)
    assert corpus.problems == []
    assert corpus.document("symbols.txt").text == "“£€”"


def test_random_bytes_docx_is_e005(write_files, corpus_dir):
    corpus = load_with(write_files, corpus_dir, {"report.docx": random.Random(7).randbytes(600)})
    assert_only_problem(corpus, "report.docx", "E005")


def test_truncated_docx_is_e005(write_files, corpus_dir, docx_bytes):
    data = docx_bytes(paragraphs=["Hello world."])
    corpus = load_with(write_files, corpus_dir, {"cut.docx": data[: len(data) // 2]})
    assert_only_problem(corpus, "cut.docx", "E005")


@pytest.mark.parametrize("data", [b"%PDF-1.4\ngarbage garbage\n%%EOF\n", b"not a pdf"])
def test_corrupt_pdf_is_e006(write_files, corpus_dir, data):
    corpus = load_with(write_files, corpus_dir, {"broken.pdf": data})
    assert_only_problem(corpus, "broken.pdf", "E006")


def test_vtt_without_header_is_e007(write_files, corpus_dir):
    corpus = load_with(write_files, corpus_dir, {"a.vtt": "00:00:01.000 --> 00:00:02.000\nHello\n"})
    assert_only_problem(corpus, "a.vtt", "E007")


def test_vtt_without_cues_is_e007(write_files, corpus_dir):
    corpus = load_with(write_files, corpus_dir, {"a.vtt": "WEBVTT\n\nNOTE nothing to see\n"})
    assert_only_problem(corpus, "a.vtt", "E007")


def test_srt_without_timing_lines_is_e008(write_files, corpus_dir):
    corpus = load_with(write_files, corpus_dir, {"a.srt": "1\nHello there\n\n2\nMore\n"})
    assert_only_problem(corpus, "a.srt", "E008")


def test_csv_without_text_column_is_e009(write_files, corpus_dir):
    corpus = load_with(write_files, corpus_dir, {"turns.csv": "speaker,timestamp\nRose,00:01\n"})
    assert_only_problem(corpus, "turns.csv", "E009")


def test_unsupported_extension_is_e003(write_files, corpus_dir):
    corpus = load_with(write_files, corpus_dir, {"photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF"})
    assert_only_problem(corpus, "photo.jpg", "E003")
    assert "'.jpg'" in corpus.problems[0].reason


def test_file_without_extension_is_e003(write_files, corpus_dir):
    corpus = load_with(write_files, corpus_dir, {"README": "hello"})
    assert_only_problem(corpus, "README", "E003")


def test_file_over_size_limit_is_e004(write_files, corpus_dir):
    write_files({"small.txt": "Short prose.", "big.txt": "Some prose here. " * 100})  # 1700 bytes
    corpus = load_corpus(corpus_dir, max_file_mb=0.001)  # 1048 bytes
    assert [(p.path, p.code) for p in corpus.problems] == [("big.txt", "E004")]
    assert [d.doc_id for d in corpus] == ["small.txt"]


def test_size_limit_is_checked_before_parsing(write_files, corpus_dir, docx_bytes):
    write_files({"big.docx": docx_bytes(paragraphs=["x"])})
    corpus = load_corpus(corpus_dir, max_file_mb=0.001)
    assert problem_codes(corpus) == {"big.docx": "E004"}


def test_heading_only_text_is_e013(write_files, corpus_dir):
    corpus = load_with(write_files, corpus_dir, {"h.md": "# Title only\n"})
    assert_only_problem(corpus, "h.md", "E013")


def test_malformed_front_matter_is_e014(write_files, corpus_dir):
    corpus = load_with(write_files, corpus_dir, {"fm.md": "---\ntitle: [oops\n---\nBody.\n"})
    assert_only_problem(corpus, "fm.md", "E014")


def test_broken_file_symlink_is_e012(write_files, corpus_dir):
    write_files(GOOD)
    os.symlink(corpus_dir / "missing.txt", corpus_dir / "dangling.txt")
    corpus = load_corpus(corpus_dir)
    assert_only_problem(corpus, "dangling.txt", "E012")


def test_directory_symlink_to_its_parent_is_e011(write_files, corpus_dir):
    write_files(GOOD)
    os.symlink("..", corpus_dir / "notes" / "up")
    corpus = load_corpus(corpus_dir)
    assert_only_problem(corpus, "notes/up", "E011")


def test_directory_symlink_to_itself_is_e011(write_files, corpus_dir):
    write_files(GOOD)
    os.symlink(".", corpus_dir / "notes" / "again")
    corpus = load_corpus(corpus_dir)
    assert problem_codes(corpus) == {"notes/again": "E011"}


def test_symlink_to_sibling_folder_does_not_report_real_folder_as_loop(write_files, corpus_dir):
    write_files({"zreal/a.txt": "Real prose."})
    os.symlink("zreal", corpus_dir / "alias")
    corpus = load_corpus(corpus_dir)
    assert "zreal" not in problem_codes(corpus)
    assert "zreal/a.txt" in [d.doc_id for d in corpus]


def test_file_symlink_inside_corpus_is_followed(write_files, corpus_dir):
    write_files(GOOD)
    os.symlink(corpus_dir / "good.txt", corpus_dir / "link.txt")
    corpus = load_corpus(corpus_dir)
    assert corpus.problems == []
    assert corpus.document("link.txt").text == corpus.document("good.txt").text


def test_many_bad_files_each_get_their_own_problem(write_files, corpus_dir, docx_bytes):
    bad = {"a/empty.txt": b"", "b/photo.jpg": b"\xff\xd8", "c/bin.txt": b"\x00" * 50,
           "d/x.docx": b"PK nonsense", "e/x.pdf": b"%PDF-1.4 junk", "f/x.vtt": b"no header"}
    corpus = load_with(write_files, corpus_dir, bad)
    assert problem_codes(corpus) == {"a/empty.txt": "E001", "b/photo.jpg": "E003", "c/bin.txt": "E002",
                                     "d/x.docx": "E005", "e/x.pdf": "E006", "f/x.vtt": "E007"}
    assert sorted(d.doc_id for d in corpus) == GOOD_IDS
    assert all(isinstance(p, LoadProblem) and re.fullmatch(r"E\d{3}", p.code) for p in corpus.problems)


def test_problems_df_lists_path_code_reason(write_files, corpus_dir):
    corpus = load_with(write_files, corpus_dir, {"empty.txt": b""})
    frame = corpus.problems_df()
    assert list(frame.columns) == ["path", "code", "reason"]
    assert frame.iloc[0].to_dict()["code"] == "E001"


# -- strict, missing folder, single file ------------------------------------------------------------
def test_strict_raises_e052_when_a_file_fails(write_files, corpus_dir):
    write_files({**GOOD, "empty.txt": b""})
    with pytest.raises(CorpusError) as info:
        load_corpus(corpus_dir, strict=True)
    assert info.value.code == "E052"
    assert "1 file(s)" in str(info.value)


def test_strict_loads_a_clean_corpus(write_files, corpus_dir):
    write_files(GOOD)
    assert len(load_corpus(corpus_dir, strict=True)) == 2


def test_nonexistent_folder_raises_e050(tmp_path):
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path / "no-such-folder")
    assert info.value.code == "E050"


def test_single_file_instead_of_folder_raises_e056(write_files, corpus_dir):
    write_files(GOOD)
    with pytest.raises(CorpusError) as info:
        load_corpus(corpus_dir / "good.txt")
    assert info.value.code == "E056"


def test_empty_folder_gives_empty_corpus(corpus_dir):
    corpus = load_corpus(corpus_dir)
    assert (len(corpus), corpus.segments, corpus.problems) == (0, [], [])


# -- what is and is not a document ---------------------------------------------------------------------
def test_hidden_files_and_folders_are_not_documents(write_files, corpus_dir):
    write_files({**GOOD, ".hidden.txt": "Secret words.", ".git/config.txt": "More words.",
                 ".DS_Store": b"\x00\x01", "__pycache__/x.txt": "cache words", "~$draft.docx": b"lock"})
    corpus = load_corpus(corpus_dir)
    assert sorted(d.doc_id for d in corpus) == GOOD_IDS
    assert corpus.problems == []


def test_metadata_csv_is_not_a_document(write_files, corpus_dir):
    write_files({**GOOD, "metadata.csv": "doc_id,kind\ngood.txt,transcript\n"})
    corpus = load_corpus(corpus_dir)
    assert sorted(d.doc_id for d in corpus) == GOOD_IDS
    assert corpus.problems == []
    assert "metadata.csv" in corpus.extra_files


def test_documents_are_in_sorted_path_order(write_files, corpus_dir):
    write_files({"b.txt": "Bee words.", "a/z.txt": "Zed words.", "a.txt": "Ay words.", "c/a.txt": "Sea words."})
    assert [d.doc_id for d in load_corpus(corpus_dir)] == ["a.txt", "b.txt", "a/z.txt", "c/a.txt"]


def test_doc_ids_use_forward_slashes_relative_to_root(write_files, corpus_dir):
    write_files({"deep/er/x.txt": "Some words."})
    assert [d.doc_id for d in load_corpus(corpus_dir)] == ["deep/er/x.txt"]


def test_load_accepts_str_path(write_files, corpus_dir):
    write_files(GOOD)
    assert len(load_corpus(str(corpus_dir))) == 2


# -- read_document ----------------------------------------------------------------------------------
def test_read_document_records_sha256_and_format(write_files, corpus_dir):
    import hashlib

    write_files({"a.txt": "Some prose."})
    doc = read_document(corpus_dir / "a.txt", "a.txt")
    assert doc.sha256 == hashlib.sha256(b"Some prose.").hexdigest()
    assert (doc.doc_id, doc.source_format, doc.kind) == ("a.txt", "txt", "notes")


def test_read_document_unknown_suffix_raises_file_read_error(tmp_path: Path):
    path = tmp_path / "x.odt"
    path.write_bytes(b"data")
    with pytest.raises(FileReadError) as info:
        read_document(path, "x.odt")
    assert info.value.code == "E003"


def test_file_hashes_cover_documents_and_metadata(write_files, corpus_dir):
    write_files({**GOOD, "metadata.csv": "doc_id,kind\ngood.txt,transcript\n"})
    assert sorted(load_corpus(corpus_dir).file_hashes()) == ["good.txt", "metadata.csv", "notes/ok.md"]
