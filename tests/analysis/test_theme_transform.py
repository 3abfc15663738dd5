"""New segments join saved themes (issue 18): nearest centre, the rest kept as saved."""
from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analysis.themes import ASSIGNMENT_COLUMNS, THEME_COLUMNS, ThemeModel
from workbench.cache import digest
from workbench.corpus.model import Segment


def seg(i: int, text: str, doc: str = "d1") -> Segment:
    return Segment(f"{doc}#{i:04d}", doc, i * 100, i * 100 + len(text), text)


def saved_model() -> tuple[ThemeModel, list[Segment]]:
    segs = [seg(0, "budgets were shared with the panel early on"), seg(1, "the panel saw the budget lines too"),
            seg(2, "trust took a long time to build here"), seg(3, "we trusted them after the second year")]
    model = ThemeModel(min_similarity=0.5, procedural=False)
    model.embeddings_ = np.array([[1, 0, 0], [0.96, 0.28, 0], [0, 1, 0], [0.28, 0.96, 0]], dtype=np.float32)
    topics = [0, 0, 1, 1]
    model.assignments_ = pd.DataFrame({"seg_id": [s.seg_id for s in segs], "doc_id": "d1",
                                       "start_char": [s.start_char for s in segs], "end_char": [s.end_char for s in segs],
                                       "speaker": None, "theme_id": topics, "probability": 0.9,
                                       "text": [s.text for s in segs]}, columns=ASSIGNMENT_COLUMNS)
    model.themes_ = pd.DataFrame([
        {"theme_id": 0, "label": "budget · panel", "keywords": "budget; panel", "size": 2, "doc_count": 1,
         "stability": 0.8, "guided": False, "procedural": False},
        {"theme_id": 1, "label": "trust", "keywords": "trust", "size": 2, "doc_count": 1, "stability": 0.6,
         "guided": False, "procedural": False}], columns=THEME_COLUMNS)
    model.procedural_theme_ = None
    model.history_ = {"fit_segments": 4, "changed_since_fit": 0}
    return model, segs


def test_new_segments_take_the_nearest_saved_theme_and_the_rest_is_kept(monkeypatch):
    model, segs = saved_model()
    hashes = {s.seg_id: digest(s.text, 24) for s in segs}
    new = [seg(0, "money for the panel was on the table", "d2"), seg(1, "an unrelated remark about parking", "d2")]
    vectors = {new[0].text: [0.9, 0.1, 0.0], new[1].text: [0.0, 0.0, 1.0]}
    monkeypatch.setattr(ThemeModel, "_embed", lambda self, texts: (np.array([vectors[t] for t in texts]), None, None))
    corpus_segments = segs[:2] + segs[3:] + new  # seg 2 removed
    info = model.transform_corpus(corpus_segments, hashes)
    assert info == {"new_segments": 2, "removed_segments": 1, "kept_segments": 3}
    a = model.assignments_
    assert a["seg_id"].tolist() == [s.seg_id for s in corpus_segments]
    assert a["theme_id"].tolist() == [0, 0, 1, 0, -1]  # the parking remark is like no theme: unassigned
    themes = model.themes_.set_index("theme_id")
    assert themes.loc[0, "label"] == "budget · panel" and themes.loc[0, "stability"] == 0.8  # kept
    assert themes.loc[0, "size"] == 3 and themes.loc[0, "doc_count"] == 2 and themes.loc[1, "size"] == 1
    assert set(model.quotes_["seg_id"]) <= {s.seg_id for s in corpus_segments}
    assert model.history_ == {"fit_segments": 4, "changed_since_fit": 3}


def test_a_changed_text_is_a_new_segment():
    model, segs = saved_model()
    hashes = {s.seg_id: digest(s.text, 24) for s in segs}
    changed = [segs[0], Segment(segs[1].seg_id, "d1", 100, 130, "a different text now"), *segs[2:]]
    assert ThemeModel.changed_segments(changed, hashes) == (1, 1)
    assert ThemeModel.changed_segments(segs, hashes) == (0, 0)
