"""VariantSuggester (controller, headless) and its widget: suggest, accept, reject, save into the user's
families file without losing anything, and the saved wording is then found by the family."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from workbench.analysis.families import PhraseFamilies, load_families
from workbench.project import Workbench
from workbench.views.variant_suggester import VariantSuggester, VariantSuggesterWidget

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))
from an_helpers import an_write  # noqa: E402
from test_an_variant_suggestions import AN_SUG_BLOG, AN_SUG_T, NEW, BagOfWords  # noqa: E402

MINE = """families:
  - label: my slogan
    description: Ours, to keep.
    phrases: [you said we did]
"""


@pytest.fixture()
def bench(tmp_path):
    root = an_write(tmp_path / "corpus", {"transcripts/s1.txt": AN_SUG_T, "blogs/s2.md": AN_SUG_BLOG})
    return Workbench(root, cache_dir=tmp_path / "cache", progress=False)


def test_accept_save_and_the_family_then_finds_the_wording(bench, tmp_path):
    path = tmp_path / "my-families.yml"
    path.write_text(MINE, encoding="utf-8")
    s = VariantSuggester(bench, top=5, embedder=BagOfWords())
    assert "with, not for" in s.families()
    found = s.suggest("with, not for")
    assert found.iloc[0]["wording"] == NEW
    assert s.accept([0]) == [NEW]
    assert NEW not in set(s.suggestions["wording"])
    assert s.save(path) == {"with, not for": [NEW]}
    specs = {spec.label: spec for spec in load_families(path)}
    assert specs["my slogan"].phrases == ["you said we did"]  # the user's own family is kept
    mine = specs["with, not for"]
    shipped = next(x for x in PhraseFamilies().specs() if x.label == "with, not for")
    assert mine.patterns == shipped.patterns and mine.description == shipped.description
    assert mine.phrases == [NEW]
    assert path.with_name("my-families.yml.bak").read_text(encoding="utf-8") == MINE
    again = PhraseFamilies(families_file=path).fit(bench.annotated)
    assert NEW in set(again.matches_.query("family == 'with, not for'")["surface"])
    assert s.save(path) == {}  # nothing accepted since


def test_rejected_wordings_are_not_suggested_again(bench):
    s = VariantSuggester(bench, top=3, embedder=BagOfWords())
    first = s.suggest("with, not for")["wording"].tolist()
    assert s.reject([0]) == [first[0]]
    assert first[0] not in set(s.suggest("with, not for")["wording"])


def test_saving_the_same_wording_twice_adds_it_once(bench, tmp_path):
    path = tmp_path / "new.yml"
    s = VariantSuggester(bench, top=3, embedder=BagOfWords())
    s.suggest("with, not for")
    s.accept([0])
    s.save(path)
    s.accepted = {"with, not for": [NEW.upper()]}
    assert s.save(path) == {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [f["label"] for f in data["families"]] == ["with, not for"]


def test_a_broken_families_file_is_left_alone(bench, tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text("families: [label: x\n", encoding="utf-8")
    s = VariantSuggester(bench, top=3, embedder=BagOfWords())
    s.suggest("with, not for")
    s.accept([0])
    with pytest.raises(Exception, match=r"\[E300\]"):
        s.save(path)
    assert path.read_text(encoding="utf-8") == "families: [label: x\n"


def test_default_file_is_beside_the_corpus_not_in_it(bench):
    s = VariantSuggester(bench)
    assert s.default_path() == Path(bench.corpus_path).resolve().parent / "my-families.yml"


def test_widget_is_a_thin_layer(bench, tmp_path):
    pytest.importorskip("ipywidgets")
    widget = VariantSuggesterWidget(VariantSuggester(bench, top=4, embedder=BagOfWords()))
    widget.family.value = "with, not for"
    widget.suggest_button.click()
    assert widget.choices.options[0][0].startswith(NEW)
    widget.choices.value = (0,)
    widget.accept_button.click()
    assert "Accepted" in widget.status.value and NEW not in [o[0] for o in widget.choices.options]
    widget.path.value = str(tmp_path / "w.yml")
    widget.save_button.click()
    assert "Saved 1 wording" in widget.status.value
    assert NEW in (tmp_path / "w.yml").read_text(encoding="utf-8")
