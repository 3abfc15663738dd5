"""Tables over codings, checked on a hand-made example over the two cd_ transcripts."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.coding import (Coding, CodingError, co_occurrence, code_document_matrix, code_frequencies,
                              codings_frame, quotes_for)

# t1.txt#0000 6-63 Rose (lived experience)    t1.txt#0001 76-137 Dev Patel (commissioner)
# t1.txt#0002 145-205 Rose                    t2.txt#0000 8-63 Sheila (lived experience)
# t2.txt#0001 72-114 Amara (researcher)       t2.txt#0002 124-177 Sheila
CODES = ["agenda", "care", "contract", "payment", "power"]


@pytest.fixture
def cd_frame(cd_corpus) -> pd.DataFrame:
    t1 = cd_corpus.document("t1.txt").text
    agenda = t1.index("the agenda was already written")

    def c(seg, start, end, codes, coder="rose", status="accepted", source="human"):
        return Coding(doc_id=seg.split("#")[0], seg_id=seg, start_char=start, end_char=end, codes=codes,
                      coder=coder, source=source, status=status)

    return codings_frame([
        c("t1.txt#0000", agenda, agenda + 30, ["agenda", "power"]),
        c("t1.txt#0001", 76, 137, ["contract"]),
        c("t1.txt#0002", 145, 205, ["contract", "power"]),
        c("t1.txt#0002", 145, 205, ["power"], coder="amara"),      # same segment, same code: counts once
        c("t2.txt#0000", 8, 63, ["payment"]),
        c("t2.txt#0002", 124, 177, ["payment", "care"], coder="amara"),
        c("t2.txt#0001", 72, 114, ["payment"], coder="workbench", status="pending", source="model"),
        c("t1.txt#0001", 76, 137, ["agenda"], coder="workbench", status="rejected", source="rule"),
    ])


def test_code_frequencies_by_document(cd_frame, cd_corpus):
    table = code_frequencies(cd_frame, cd_corpus.segments_df(), by="doc_id")
    expected = pd.DataFrame({"t1.txt": [1, 0, 2, 0, 2], "t2.txt": [0, 1, 0, 2, 0]}, index=CODES)
    pd.testing.assert_frame_equal(table, expected, check_names=False)
    assert table.index.name == "code" and table.columns.name == "doc_id"


def test_code_frequencies_by_role_and_kind(cd_frame, cd_corpus):
    segments = cd_corpus.segments_df()
    table = code_frequencies(cd_frame, segments, by="speaker_role")
    expected = pd.DataFrame({"commissioner": [0, 0, 1, 0, 0], "lived experience": [1, 1, 1, 2, 2],
                             "researcher": [0, 0, 0, 0, 0]}, index=CODES)  # the pending one is left out
    pd.testing.assert_frame_equal(table, expected, check_names=False)
    everything = code_frequencies(cd_frame, segments, by="speaker_role", status=None)
    assert everything.loc["payment", "researcher"] == 1 and everything.loc["agenda", "commissioner"] == 1
    by_kind = code_frequencies(cd_frame, segments, by="kind")
    assert by_kind["transcript"].tolist() == [1, 1, 2, 2, 2]
    with pytest.raises(CodingError) as err:
        code_frequencies(cd_frame, segments, by="speaker")
    assert err.value.code == "E417"


def test_co_occurrence(cd_frame):
    expected = pd.DataFrame([[1, 0, 0, 0, 1],
                             [0, 1, 0, 1, 0],
                             [0, 0, 2, 0, 1],
                             [0, 1, 0, 2, 0],
                             [1, 0, 1, 0, 2]], index=CODES, columns=CODES)
    table = co_occurrence(cd_frame)
    pd.testing.assert_frame_equal(table, expected, check_names=False)
    assert (table.to_numpy() == table.to_numpy().T).all()
    by_doc = co_occurrence(cd_frame, level="document")
    t1, t2 = [1, 0, 1, 0, 1], [0, 1, 0, 1, 0]
    pd.testing.assert_frame_equal(by_doc, pd.DataFrame([t1, t2, t1, t2, t1], index=CODES, columns=CODES),
                                  check_names=False)
    with pytest.raises(CodingError):
        co_occurrence(cd_frame, level="word")


def test_code_document_matrix(cd_frame):
    expected = pd.DataFrame({"t1.txt": [1, 0, 2, 0, 2], "t2.txt": [0, 1, 0, 2, 0]}, index=CODES)
    pd.testing.assert_frame_equal(code_document_matrix(cd_frame), expected, check_names=False)
    assert code_document_matrix(cd_frame[cd_frame["coder"] == "nobody"]).empty


def test_quotes_for(cd_frame, cd_corpus):
    quotes = quotes_for(cd_frame, cd_corpus, "power")
    assert list(quotes.columns[:6]) == ["doc_id", "seg_id", "start_char", "end_char", "speaker", "text"]
    assert quotes[["seg_id", "speaker", "text", "coders"]].values.tolist() == [
        ["t1.txt#0000", "Rose", "the agenda was already written", "rose"],
        ["t1.txt#0002", "Rose", "Then change the contract. We should be there from the start.", "amara; rose"],
    ]
    doc = cd_corpus.document("t1.txt").text
    assert all(doc[r.start_char:r.end_char] == r.text for r in quotes.itertuples())
    assert quotes_for(cd_frame, cd_corpus, "payment", doc_id="t2.txt")["speaker"].tolist() == ["Sheila", "Sheila"]
    assert quotes_for(cd_frame, cd_corpus, "payment", doc_id="t1.txt").empty
    assert quotes_for(cd_frame, cd_corpus, "payment", status=None)["speaker"].tolist() == \
        ["Sheila", "Amara", "Sheila"]
