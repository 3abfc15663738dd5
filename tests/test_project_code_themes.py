"""``workbench analyse`` writes codes_by_theme.csv and its quotes when codings exist, and the report shows
the matrix. The themes are a stand-in (segments dealt to three themes by position) so the test needs no
embedding model; the matrix itself is tested in tests/analysis/test_code_themes.py."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from workbench.config import Config
from workbench.export.tables import read_table_csv
from workbench.project import Workbench

pytestmark = pytest.mark.slow  # annotates the small corpus with spaCy


def stand_in_themes(bench: Workbench) -> SimpleNamespace:
    segs = bench.corpus.segments_df()
    theme = [(-1 if i % 4 == 3 else i % 3) for i in range(len(segs))]
    assignments = segs[["seg_id", "doc_id", "start_char", "end_char", "speaker", "text"]].assign(
        theme_id=theme, probability=0.5)
    themes = pd.DataFrame([{"theme_id": t, "label": f"topic {t}", "keywords": "a; b", "size": theme.count(t),
                            "doc_count": 1, "stability": 0.9, "representative": "", "guided": False}
                           for t in (0, 1, 2)])
    quotes = assignments[assignments["theme_id"] >= 0].groupby("theme_id").head(1).assign(rank=1, similarity=0.9)
    return SimpleNamespace(themes_=themes, assignments_=assignments, quotes_=quotes, outlier_share_=0.25,
                           from_cache_=False)


def test_analyse_writes_codes_by_theme_when_codings_exist(tmp_path, wb_corpus_copy, wb_cache_dir, monkeypatch):
    config = Config()
    config.barriers.enabled = False
    bench = Workbench(wb_corpus_copy, config, progress=False)
    model = stand_in_themes(bench)
    monkeypatch.setattr(Workbench, "themes", property(lambda self: model))

    first = bench.analyse(tmp_path / "before")
    assert "codes_by_theme" not in first and not (tmp_path / "before" / "codes_by_theme.csv").exists()
    assert bench.codes_by_theme() is None

    segs = bench.corpus.segments[:6]
    for seg in segs[:4]:
        bench.codings.code_span(bench.corpus, seg.seg_id, ["trust"], coder="Ana")
    bench.codings.code_span(bench.corpus, segs[5].seg_id, ["time and resources"], coder="Ana",
                            start_char=segs[5].start_char, end_char=segs[5].start_char + 5)
    written = bench.analyse(tmp_path / "out")

    table = read_table_csv(written["codes_by_theme"])
    by_size = model.themes_.sort_values(["size", "theme_id"], ascending=[False, True])["theme_id"]
    assert list(table.columns) == ["code", "coded_segments", "main_theme", "main_share", "reading",
                                   *[f"{t}: topic {t}" for t in by_size], "-1: Not in any theme"]
    trust = table.set_index("code").loc["trust"]
    assert trust.coded_segments == 4 and [trust[f"{t}: topic {t}"] for t in (0, 1, 2)] == [1, 1, 1]
    assert trust["-1: Not in any theme"] == 1
    quotes = read_table_csv(written["codes_by_theme_quotes"])
    assert len(quotes) == 5
    for row in quotes.itertuples(index=False):
        assert bench.corpus.document(row.doc_id).text[row.start_char:row.end_char] == row.text
    time_row = quotes[quotes["code"] == "time and resources"].iloc[0]
    assert (time_row.seg_id, time_row.end_char - time_row.start_char, time_row.theme) == (
        segs[5].seg_id, 5, "topic 2")

    report = written["report"].read_text(encoding="utf-8")
    assert 'id="codes-themes"' in report and "topic 2" in report
