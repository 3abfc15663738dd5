"""Themes on the demo corpus and small corpora: determinism (in one process and across two), outlier
share, stability in [0, 1], save/load round trip, curation surviving a re-run, guided themes."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.analysis.procedural import PROCEDURAL_LABEL, is_procedural
from workbench.analysis.themes import ThemeModel, keyword_documents, load_guided_themes, make_label
from workbench.config import Config
from workbench.errors import ConfigError, WorkbenchError
from workbench.project import Workbench

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "corpora" / "coproduction"


@pytest.fixture(scope="module")
def th_dirs(tmp_path_factory):
    base = tmp_path_factory.mktemp("themes")
    return {"cache": base / "cache", "models": base / "models"}


def _bench(th_dirs, runs: int = 2) -> Workbench:
    config = Config()
    config.themes.stability_runs = runs
    return Workbench(DEMO, config, cache_dir=th_dirs["cache"], models_dir=th_dirs["models"], progress=False)


@pytest.fixture(scope="module")
def th_bench(th_dirs) -> Workbench:
    return _bench(th_dirs)


@pytest.fixture(scope="module")
def th_model(th_bench) -> ThemeModel:
    return th_bench.themes


def test_demo_outlier_share_is_at_most_15_percent(th_model):
    assert 0.0 <= th_model.outlier_share_ <= 0.15
    assert len(th_model.themes_) >= 4


def test_demo_themes_are_distinct_and_readably_labelled(th_model):
    labels = list(th_model.themes_["label"])
    assert len(set(labels)) == len(labels)
    for label in th_model.themes_.loc[~th_model.themes_["procedural"], "label"]:
        parts = label.split(" · ")
        assert 2 <= len(parts) <= 3
        assert all(p.strip() and p.lower() not in {"um", "yeah", "you know", "kind of", "the"} for p in parts)
    keywords = " ".join(th_model.themes_["keywords"])
    assert "payment" in keywords and "trust" in keywords


def test_every_assignment_and_quote_traces_to_the_text(th_bench, th_model):
    corpus = th_bench.corpus
    for row in th_model.assignments_.itertuples(index=False):
        assert corpus.document(row.doc_id).text[row.start_char:row.end_char] == row.text
    for row in th_model.quotes_.itertuples(index=False):
        assert corpus.document(row.doc_id).text[row.start_char:row.end_char] == row.text
        assert (th_model.assignments_.set_index("seg_id").loc[row.seg_id, "theme_id"]) == row.theme_id
    sizes = th_model.assignments_.query("theme_id >= 0").groupby("theme_id").size()
    assert dict(sizes) == dict(zip(th_model.themes_["theme_id"], th_model.themes_["size"]))


def test_stability_values_lie_in_unit_interval(th_model):
    stability = th_model.themes_["stability"]
    assert stability.notna().all()
    assert ((stability >= 0) & (stability <= 1)).all()


@pytest.mark.slow  # several seconds: `make test` runs it, `make check` does not
def test_two_fits_in_one_process_are_identical(th_bench, th_dirs):
    one = ThemeModel(cache_dir=th_dirs["cache"], models_dir=th_dirs["models"]).fit(th_bench.tokens)
    two = ThemeModel(cache_dir=th_dirs["cache"], models_dir=th_dirs["models"]).fit(th_bench.tokens)
    assert (one.assignments_["theme_id"].to_numpy() == two.assignments_["theme_id"].to_numpy()).all()
    assert list(one.themes_["label"]) == list(two.themes_["label"])
    assert list(one.themes_["keywords"]) == list(two.themes_["keywords"])


@pytest.mark.slow  # several seconds: `make test` runs it, `make check` does not
def test_the_seed_chooses_the_stability_subsamples_not_the_themes(th_bench, th_dirs):
    embeddings = th_bench.themes.embeddings_
    one = ThemeModel(seed=1, stability_runs=2).fit(th_bench.tokens, embeddings)
    two = ThemeModel(seed=2, stability_runs=2).fit(th_bench.tokens, embeddings)
    assert (one.assignments_["theme_id"] == two.assignments_["theme_id"]).all()
    assert [r.tolist() for r, _ in one.refits_] != [r.tolist() for r, _ in two.refits_]
    again = ThemeModel(seed=1, stability_runs=2).fit(th_bench.tokens, embeddings)
    assert [r.tolist() for r, _ in again.refits_] == [r.tolist() for r, _ in one.refits_]
    assert list(again.themes_["stability"]) == list(one.themes_["stability"])


CHILD = textwrap.dedent("""
    import json, sys, warnings
    warnings.filterwarnings("ignore")
    from workbench.analysis.themes import ThemeModel
    from workbench.project import Workbench
    bench = Workbench(sys.argv[1], cache_dir=sys.argv[2], models_dir=sys.argv[3], progress=False)
    model = ThemeModel(cache_dir=sys.argv[2], models_dir=sys.argv[3]).fit(bench.tokens)
    print(json.dumps({"themes": model.assignments_["theme_id"].tolist(), "labels": model.themes_["label"].tolist()}))
""")


@pytest.mark.slow  # several seconds: `make test` runs it, `make check` does not
def test_fit_is_identical_across_processes(th_bench, th_dirs):
    here = ThemeModel(cache_dir=th_dirs["cache"], models_dir=th_dirs["models"]).fit(th_bench.tokens)
    result = subprocess.run([sys.executable, "-c", CHILD, str(DEMO), str(th_dirs["cache"]), str(th_dirs["models"])],
                            capture_output=True, text=True, check=True, timeout=600)
    child = json.loads(result.stdout.strip().splitlines()[-1])
    assert child["themes"] == here.assignments_["theme_id"].tolist()
    assert child["labels"] == here.themes_["label"].tolist()


def test_save_and_load_give_the_same_assignments(th_bench, th_model, tmp_path):
    th_model.save(tmp_path / "model")
    loaded = ThemeModel.load(tmp_path / "model", corpus=th_bench.corpus)
    pd.testing.assert_frame_equal(loaded.assignments_, th_model.assignments_, check_dtype=False)
    pd.testing.assert_frame_equal(loaded.themes_, th_model.themes_, check_dtype=False)
    assert np.allclose(loaded.embeddings_, th_model.embeddings_)
    saved = {p.name for p in (tmp_path / "model" / "bertopic").iterdir()}
    assert "topic_embeddings.safetensors" in saved and not any(n.endswith((".pkl", ".pickle")) for n in saved)


def test_loading_a_folder_without_a_model_is_a_clear_error(tmp_path):
    with pytest.raises(WorkbenchError, match=r"^\[E364\]"):
        ThemeModel.load(tmp_path)


@pytest.mark.slow  # several seconds: `make test` runs it, `make check` does not
def test_curation_survives_a_rerun(th_dirs):
    dirs = {"cache": th_dirs["cache"], "models": th_dirs["models"].parent / "models-curation"}
    first = _bench(dirs, runs=0)
    themes = first.themes.themes_
    payment = int(themes[themes["keywords"].str.contains("payment")].iloc[0]["theme_id"])
    members = first.themes.assignments_.query("theme_id == @payment")["seg_id"].tolist()
    first.curation.rename(payment, "Money and being paid", members)
    two = themes["theme_id"].tolist()[-2:]
    members_two = [first.themes.assignments_.query("theme_id == @t")["seg_id"].tolist() for t in two]
    first.curation.merge(two, "Merged by hand", members_two)

    rerun = _bench(dirs, runs=0)  # a new run: fitted again, the saved curation re-applied
    labels = rerun.themes.themes_.set_index("theme_id")["label"]
    assert "Money and being paid" in set(labels)
    renamed = int(labels[labels == "Money and being paid"].index[0])
    assignments = rerun.themes.assignments_
    assert set(assignments.loc[assignments["theme_id"] == renamed, "seg_id"]) == set(members)
    merged = int(labels[labels == "Merged by hand"].index[0])
    assert set(assignments.loc[assignments["theme_id"] == merged, "seg_id"]) == set(sum(members_two, []))
    assert len(rerun.themes.themes_) == len(themes) - 1
    assert rerun.curation_pending_ == []


GUIDED = """themes:
  - name: Paying people properly
    description: Payment, vouchers, fees, expenses and benefits for people who take part.
  - name: Trust
    seed_words: [trust, honesty, promise, believe]
"""


def test_guided_themes_combine_with_found_ones(th_bench, th_dirs, tmp_path):
    path = tmp_path / "guided.yml"
    path.write_text(GUIDED, encoding="utf-8")
    guided = load_guided_themes(path)
    assert guided[1].prompt == "trust, honesty, promise, believe"
    model = ThemeModel(guided=guided, cache_dir=th_dirs["cache"], models_dir=th_dirs["models"]).fit(th_bench.tokens)
    named = model.themes_[model.themes_["guided"]]
    assert "Paying people properly" in set(named["label"])
    unguided = model.themes_[~model.themes_["guided"]]
    assert len(unguided) >= 2  # inductive themes alongside the deductive ones
    pay = int(named[named["label"] == "Paying people properly"]["theme_id"].iloc[0])
    texts = " ".join(model.assignments_.loc[model.assignments_["theme_id"] == pay, "text"]).lower()
    assert "pay" in texts or "voucher" in texts


def test_bad_guided_file_is_a_numbered_error(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text("themes:\n  - description: no name\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^\[E363\].*bad\.yml"):
        load_guided_themes(path)


def _small_corpus(folder: Path, n_turns: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    topics = [
        "We need proper payment for our time, not vouchers, and expenses paid on the day.",
        "The budget is held by the commissioners and the contract decides everything in the end.",
        "Trust takes years to build and one broken promise to lose with services.",
    ]
    lines = [f"{['Ana', 'Ben', 'Cy'][i % 3]}: {topics[i % 3]} Point {i} about this." for i in range(n_turns)]
    (folder / "meeting.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_small_corpus_assigns_everyone_one_topic_per_theme(tmp_path, th_dirs):
    bench = Workbench(_small_corpus(tmp_path / "small", 30), cache_dir=th_dirs["cache"], progress=False)
    model = ThemeModel(cache_dir=th_dirs["cache"], models_dir=th_dirs["models"]).fit(bench.tokens)
    assert model.outlier_share_ == 0.0
    groups = model.assignments_.groupby("theme_id")["text"].apply(lambda t: {s.split(".")[0] for s in t})
    assert all(len(g) == 1 for g in groups)  # each theme holds one of the three topics


def test_asking_for_a_number_of_themes(tmp_path, th_dirs):
    bench = Workbench(_small_corpus(tmp_path / "small", 30), cache_dir=th_dirs["cache"], progress=False)
    model = ThemeModel(n_themes=2, cache_dir=th_dirs["cache"], models_dir=th_dirs["models"]).fit(bench.tokens)
    assert len(model.themes_) == 2


def test_too_few_segments_is_a_numbered_error(tmp_path, th_dirs):
    bench = Workbench(_small_corpus(tmp_path / "tiny", 4), cache_dir=th_dirs["cache"], progress=False)
    with pytest.raises(WorkbenchError, match=r"^\[E362\]"):
        ThemeModel(cache_dir=th_dirs["cache"]).fit(bench.tokens)


def test_keyword_documents_drop_fillers_and_speaker_names(th_bench):
    docs = keyword_documents(th_bench.tokens)
    words = {w for d in docs for w in d.split()}
    assert "lived_experience" in words
    assert not {"um", "yeah", "rose", "amara"} & words


def test_make_label_prefers_phrases_and_avoids_repeats():
    assert make_label(["payment", "proper payment", "voucher", "cash"]) == "proper payment · voucher · cash"
    assert make_label([]) == "(no keywords)"
    nouns = {"payment", "voucher", "advice"}
    assert make_label(["decide", "benefit advice", "anxious", "voucher", "payment"], nouns=nouns) == \
        "benefit advice · voucher · payment"
    assert make_label(["decide", "anxious"], nouns=nouns) == "decide · anxious"  # no noun at all: keywords as they are


def test_no_theme_holds_more_than_35_percent_of_the_demo(th_model):
    assigned = th_model.assignments_[th_model.assignments_["theme_id"] >= 0]
    assert assigned["theme_id"].value_counts().max() <= 0.35 * len(assigned)


def test_procedural_talk_is_one_clearly_labelled_theme(th_model):
    procedural = th_model.themes_[th_model.themes_["procedural"]]
    assert len(procedural) == 1 and procedural.iloc[0]["label"] == PROCEDURAL_LABEL
    assert procedural.iloc[0]["stability"] == 1.0
    bucket = int(procedural.iloc[0]["theme_id"])
    found = th_model.assignments_[[is_procedural(t) for t in th_model.assignments_["text"]]]
    assert len(found) >= 5 and (found["theme_id"] == bucket).all()  # "Yeah." and "Fair point." are not a topic
    topical = th_model.themes_[~th_model.themes_["procedural"]]
    assert not topical["label"].str.contains("Procedural").any()


def test_labels_are_noun_phrases(th_bench, th_model):
    nouns = th_model._nouns(th_bench.tokens)
    topical = th_model.themes_[~th_model.themes_["procedural"] & ~th_model.themes_["guided"]]
    for label in topical["label"]:
        assert all(part.split()[-1] in nouns for part in label.split(" · ")), label


def test_procedural_theme_survives_save_and_load(th_bench, th_model, tmp_path):
    loaded = ThemeModel.load(th_model.save(tmp_path / "m"), th_bench.corpus)
    assert loaded.procedural_theme_ == th_model.procedural_theme_
    assert loaded.themes_["procedural"].tolist() == th_model.themes_["procedural"].tolist()


@pytest.mark.slow  # several seconds: `make test` runs it, `make check` does not
def test_themes_csv_from_analyse(tmp_path, th_dirs):
    from workbench.cli import main

    config = tmp_path / "a.toml"
    config.write_text("[themes]\nstability_runs = 1\n", encoding="utf-8")
    out = tmp_path / "out"
    import os
    os.environ["WORKBENCH_MODELS_DIR"] = str(th_dirs["models"].parent / "models-cli")
    try:
        assert main(["analyse", str(DEMO), "--out", str(out), "--config", str(config), "--cache-dir",
                     str(th_dirs["cache"]), "--no-progress"]) == 0
    finally:
        del os.environ["WORKBENCH_MODELS_DIR"]
    themes = pd.read_csv(out / "themes.csv")
    assert list(themes.columns) == ["theme_id", "label", "keywords", "size", "doc_count", "stability",
                                    "representative"]
    assert (themes["theme_id"] >= 0).all()
    segment_themes = pd.read_csv(out / "segment_themes.csv")
    assert list(segment_themes.columns) == ["seg_id", "doc_id", "start_char", "end_char", "theme_id", "probability"]
    from workbench.corpus import load_corpus

    segments = {seg.seg_id: seg for seg in load_corpus(DEMO).segments}
    assert len(segment_themes) == len(segments)  # every segment, assigned or not (-1)
    for row in segment_themes.itertuples(index=False):  # each row traceable to its quote by offsets
        assert (row.start_char, row.end_char) == (segments[row.seg_id].start_char, segments[row.seg_id].end_char)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["models"]["embedding"].startswith("st:all-MiniLM-L6-v2")
    assert manifest["themes"]["outlier_share"] <= 0.15


@pytest.mark.slow  # several seconds: `make test` runs it, `make check` does not
def test_a_saved_model_is_reused_only_while_nothing_it_depends_on_changes(th_dirs):
    dirs = {"cache": th_dirs["cache"], "models": th_dirs["models"].parent / "models-reuse"}
    cold = _bench(dirs, runs=1)
    fitted = cold.themes
    assert not getattr(fitted, "from_cache_", False)
    warm = _bench(dirs, runs=1)
    assert warm.themes.from_cache_ and warm.timings["themes"] < cold.timings["themes"]
    pd.testing.assert_frame_equal(warm.themes.themes_, fitted.themes_, check_dtype=False)
    pd.testing.assert_frame_equal(warm.themes.assignments_, fitted.assignments_, check_dtype=False)
    pd.testing.assert_frame_equal(warm.themes.quotes_, fitted.quotes_, check_dtype=False)
    # Another setting the themes depend on: fitted again.
    other = _bench(dirs, runs=2)
    assert not getattr(other.themes, "from_cache_", False)
    # A setting they do not depend on (barrier threshold) does not invalidate the saved model.
    again = _bench(dirs, runs=2)
    again.config.barriers.threshold = 0.7
    assert again.themes.from_cache_
    # Curating a reused model fits it once more, then applies the step; the next run reuses that.
    theme = int(again.themes.themes_["theme_id"].iloc[0])
    members = again.themes.assignments_.query("theme_id == @theme")["seg_id"].tolist()
    again.curation.rename(theme, "Named by hand", members)
    themes, _, _ = again.reapply_curation()
    assert "Named by hand" in set(themes["label"])
    after = _bench(dirs, runs=2)
    assert after.themes.from_cache_ and "Named by hand" in set(after.themes.themes_["label"])
    # Asked not to reuse: fitted again.
    fresh = Workbench(DEMO, after.config, cache_dir=dirs["cache"], models_dir=dirs["models"], progress=False,
                      reuse_models=False)
    assert not getattr(fresh.themes, "from_cache_", False)
    assert "Named by hand" in set(fresh.themes.themes_["label"])


@pytest.mark.slow  # several seconds: `make test` runs it, `make check` does not
def test_codebook_categories_seed_guided_themes(th_bench, th_dirs, tmp_path):
    from workbench.analysis.themes import guided_from_codebook
    from workbench.config import load_config

    seeds = guided_from_codebook()
    names = [g.name for g in seeds]
    assert "power and hierarchy" in names and "barriers" not in names  # categories, not their parents
    assert all(g.prompt for g in seeds)
    (tmp_path / "analysis.toml").write_text("[themes]\nguided_from_codebook = true\n", encoding="utf-8")
    config = load_config(tmp_path / "analysis.toml")
    bench = Workbench(th_bench.corpus_path, config, cache_dir=th_dirs["cache"], models_dir=tmp_path / "models",
                      progress=False)
    themes = bench.themes.themes_
    assert themes["guided"].any() and set(themes.loc[themes["guided"], "label"]) <= set(names)
    (tmp_path / "bad.toml").write_text("[themes]\nguided_from_codebook = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^\[E152\]"):
        load_config(tmp_path / "bad.toml")
