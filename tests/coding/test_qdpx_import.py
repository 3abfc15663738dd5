"""import-qdpx: codings made in another program come back into the coding store, offsets checked."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from workbench.analysis.codebook import Codebook
from workbench.cli import main
from workbench.coding import CodingError, CodingStore, agreement
from workbench.coding.qdpx_import import import_qdpx
from workbench.corpus import load_corpus
from workbench.export import ExportError, write_qdpx
from workbench.export.refi import MACHINE_USER, guid
from workbench.export.refi_read import read_qdpx

from conftest import CD_T1


def cd_span(corpus, doc_id: str, words: str) -> tuple[str, int, int]:
    text = corpus.document(doc_id).text
    start = text.index(words)
    seg = next(s for s in corpus.segments_of(doc_id) if s.start_char <= start < s.end_char)
    return seg.seg_id, start, start + len(words)


def cd_two_coders(corpus, store: CodingStore) -> None:
    seg, a, b = cd_span(corpus, "t1.txt", "the agenda was already written")
    store.code_span(corpus, seg, ["power"], "Rose", a, b, memo="decided before we came")
    store.code_span(corpus, seg, ["power", "timing"], "Dev Patel", a, b)
    seg, a, b = cd_span(corpus, "t2.txt", "never paid for their time")
    store.code_span(corpus, seg, "payment", "Rose", a, b)
    store.code_span(corpus, seg, "payment", "Dev Patel", a, b)
    store.code_span(corpus, "t1.txt#0002", "contract", "Rose")


def cd_export(corpus, store, path: Path, **kw) -> Path:
    return write_qdpx(corpus, Codebook.default(), store, path, project_name="corpus", author="workbench", **kw)


def cd_edit(path: Path, out: Path, edit) -> Path:
    """A copy of the .qdpx with project.qde changed by ``edit(xml_text) -> xml_text``."""
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members["project.qde"] = edit(members["project.qde"].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out


def cd_fields(store: CodingStore) -> list[tuple]:
    return sorted((c.doc_id, c.seg_id, c.start_char, c.end_char, tuple(c.codes), c.coder, c.memo, c.text)
                  for c in store.all())


def test_round_trip_into_a_fresh_store(cd_corpus, cd_store, tmp_path):
    cd_two_coders(cd_corpus, cd_store)
    path = cd_export(cd_corpus, cd_store, tmp_path / "p.qdpx")
    fresh = CodingStore(tmp_path / "fresh")
    report = import_qdpx(path, cd_corpus, fresh)
    assert report.imported == 5 and dict(report.by_coder) == {"Rose": 3, "Dev Patel": 2}
    assert cd_fields(fresh) == cd_fields(cd_store)
    assert {c.status for c in fresh.all()} == {"accepted"} and {c.source for c in fresh.all()} == {"human"}
    # agreement and code tables work on them
    table = agreement(fresh.frame(), "Rose", "Dev Patel")
    assert table.set_index("code").loc["payment", "kappa"] == pytest.approx(
        agreement(cd_store.frame(), "Rose", "Dev Patel").set_index("code").loc["payment", "kappa"])
    # importing again, or into the store it came from, adds nothing
    again = import_qdpx(path, cd_corpus, fresh)
    assert (again.imported, again.already_there) == (0, 5)
    back = import_qdpx(path, cd_corpus, cd_store)
    assert (back.imported, back.already_there) == (0, 5) and len(cd_store) == 5


def test_codings_made_in_another_program(cd_corpus, cd_store, tmp_path):
    cd_two_coders(cd_corpus, cd_store)
    cd_store.suggest([])  # nothing pending
    path = cd_export(cd_corpus, cd_store, tmp_path / "p.qdpx")
    text = cd_corpus.document("t1.txt").text
    across = (text.index("That's fair"), text.index("from the start.") + len("from the start."))
    label = (text.index("Rose: Then"), text.index("Rose: Then") + len("Rose:"))
    kim = "11111111-2222-3333-4444-555555555555"
    source = guid("source", "t1.txt")

    def edit(xml: str) -> str:
        xml = xml.replace("</Users>", f'<User guid="{kim}" name="Kim"/></Users>')
        code = guid("code", "power")
        added = "".join(
            f'<PlainTextSelection guid="{g}" name="x" startPosition="{a}" endPosition="{b}" creatingUser="{kim}" '
            f'creationDateTime="2025-05-01T09:30:00Z"><Description>from NVivo</Description><Coding guid="{c}" '
            f'creatingUser="{kim}"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
            for g, c, (a, b) in (("aaaaaaaa-0000-0000-0000-000000000001", "aaaaaaaa-0000-0000-0000-000000000002", across),
                                 ("aaaaaaaa-0000-0000-0000-000000000003", "aaaaaaaa-0000-0000-0000-000000000004", label)))
        head, rest = xml.split(f'guid="{source}"', 1)
        first_close = rest.index("</Description>") + len("</Description>")
        return head + f'guid="{source}"' + rest[:first_close] + added + rest[first_close:]

    edited = cd_edit(path, tmp_path / "nvivo.qdpx", edit)
    report = import_qdpx(edited, cd_corpus, cd_store)
    assert report.imported == 2 and report.by_coder == {"Kim": 2} and report.split == 1
    assert report.already_there == 5
    assert len(report.not_imported) == 1 and "covers no segment text" in report.not_imported[0][2]
    assert "'x'" in report.summary() and "Not imported" in report.summary()
    kims = cd_store.all(coder="Kim")
    assert [(c.seg_id, c.codes) for c in kims] == [("t1.txt#0001", ["power"]), ("t1.txt#0002", ["power"])]
    assert kims[0].text == "That's fair. The timeline was set by the contract, not by us."
    assert kims[1].text == "Then change the contract. We should be there from the start."
    assert kims[0].memo.startswith("from NVivo\n\nPart 1 of 2 of one selection made in workbench")
    assert kims[0].created.startswith("2025-05-01T09:30:00")


def test_machine_suggestions_are_not_imported(cd_corpus, cd_store, tmp_path):
    from workbench.coding import Coding

    seg = cd_corpus.segment("t2.txt#0000")
    hit = Coding(doc_id="t2.txt", seg_id=seg.seg_id, start_char=seg.start_char, end_char=seg.end_char,
                 codes=["payment"], coder="workbench", source="rule", status="pending", score=0.8, text=seg.text)
    path = cd_export(cd_corpus, [], tmp_path / "p.qdpx", suggestions=[hit])
    assert MACHINE_USER in read_qdpx(path).users.values()
    report = import_qdpx(path, cd_corpus, cd_store)
    assert (report.imported, report.skipped_suggestions) == (0, 1) and len(cd_store) == 0


def test_offsets_that_do_not_match_are_a_numbered_error_and_nothing_is_saved(cd_root, cd_corpus, cd_store,
                                                                                 tmp_path, cd_rewrite):
    cd_two_coders(cd_corpus, cd_store)
    path = cd_export(cd_corpus, cd_store, tmp_path / "p.qdpx")
    cd_rewrite(t1=CD_T1.replace("I think", "Well, I think"))  # the corpus moved on
    edited = load_corpus(cd_root)
    fresh = CodingStore(tmp_path / "fresh")
    with pytest.raises(CodingError) as err:
        import_qdpx(path, edited, fresh)
    message = str(err.value)
    assert err.value.code == "E456" and "3 coded selection(s) do not match" in message
    assert "(1) source 't1.txt' (corpus path t1.txt), selection 'the agenda was already written'" in message
    assert "at 14-44: the project has 'the agenda was already written' there, the corpus 'think the agenda was " \
           "already w'" in message
    assert "(3) source 't1.txt'" in message and "That's fair" not in message
    assert len(fresh) == 0 and not fresh.path.exists()
    # a source that is not in the corpus at all, and an offset past the end
    other = tmp_path / "other"
    other.mkdir()
    (other / "t2.txt").write_text("Short.\n", encoding="utf-8")
    with pytest.raises(CodingError) as err:
        import_qdpx(path, load_corpus(other), fresh)
    message = str(err.value)
    assert "source 't1.txt' (3 coded selections) matches no document of the corpus" in message
    assert "source 't2.txt' (corpus path t2.txt), selection" in message and "outside the document" in message


def test_unreadable_files_are_E455(tmp_path, cd_corpus, cd_store):
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(ExportError, match=r"\[E455\].*not a zip archive"):
        import_qdpx(bad, cd_corpus, cd_store)
    with zipfile.ZipFile(tmp_path / "empty.qdpx", "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ExportError, match=r"\[E455\].*no project.qde"):
        import_qdpx(tmp_path / "empty.qdpx", cd_corpus, cd_store)
    with zipfile.ZipFile(tmp_path / "xml.qdpx", "w") as archive:
        archive.writestr("project.qde", '<!DOCTYPE x [<!ENTITY a "aaaa">]><Project name="x">&a;</Project>')
    with pytest.raises(ExportError, match=r"\[E455\].*not valid XML"):
        import_qdpx(tmp_path / "xml.qdpx", cd_corpus, cd_store)


def test_cli_import_then_agreement(capsys, cd_root, cd_corpus, tmp_path):
    made = CodingStore(tmp_path / "elsewhere")
    cd_two_coders(cd_corpus, made)
    path = cd_export(cd_corpus, made, tmp_path / "coded in nvivo.qdpx")
    assert main(["import-qdpx", str(path), "--corpus", str(cd_root)]) == 0
    out = capsys.readouterr().out
    assert "Imported 5 codings" in out and "Dev Patel 2, Rose 3" in out
    assert main(["agreement", str(cd_root), "--coders", "Rose", "Dev Patel"]) == 0
    assert "payment" in capsys.readouterr().out
    assert main(["import-qdpx", str(tmp_path / "missing.qdpx"), "--corpus", str(cd_root)]) == 1
    assert "[E455]" in capsys.readouterr().err
