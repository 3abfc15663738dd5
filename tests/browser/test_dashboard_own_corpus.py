"""A trainer with their own material: `make dashboard CORPUS=<folder>` serves the dashboard of a corpus that
is not the demo (here tests/data/second_corpus, copied outside corpora/), and its tabs show bar charts whose
bars open that corpus's quotes."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from workbench.corpus import load_corpus

from .conftest import SHARED_CACHE
from .test_dashboard import LOAD_TIMEOUT, check_quotes

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def own_corpus(browser_site) -> Path:
    dest = browser_site.parent / "elsewhere" / "riverside-garden"
    if not dest.exists():
        shutil.copytree(REPO_ROOT / "tests" / "data" / "second_corpus", dest)
    return dest


@pytest.fixture(scope="module")
def own_models(own_corpus) -> Path:
    """Fit and save the second corpus's themes and find its barriers before Voila starts (in the shared caches,
    as a trainer's earlier run would have), so the page load measures the dashboard, not a cold theme fit."""
    from workbench.project import Workbench

    models = own_corpus.parent / "models"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WORKBENCH_CACHE_DIR", SHARED_CACHE)
        bench = Workbench(own_corpus, models_dir=models, progress=False)
        bench.phrase_tables, bench.family_tables, bench.themes
        for kind in ("barrier", "enabler"):
            bench.barrier_hits(kind)
    return models


@pytest.fixture(scope="module")
def voila_own(browser_site, start_server, own_corpus, own_models):
    # What `make dashboard CORPUS=...` does: WORKBENCH_CORPUS for the server and its kernels.
    return start_server(
        ["voila", "dashboard.ipynb", "--no-browser", "--Voila.ip=127.0.0.1", "--Voila.port={port}",
         "--Voila.port_retries=0", "--VoilaExecutor.timeout=600"],
        cwd=browser_site / "notebooks", ready_path="/voila/static/voila.js",
        env={"WORKBENCH_CORPUS": str(own_corpus), "WORKBENCH_MODELS_DIR": str(own_models)})


def test_dashboard_on_another_corpus_with_bar_charts(voila_own, open_page, own_corpus):
    from playwright.sync_api import expect

    corpus = load_corpus(own_corpus)
    page = open_page(f"{voila_own.url}/", timeout_s=LOAD_TIMEOUT / 1000)
    page.get_by_role("tab", name="Themes").wait_for(timeout=LOAD_TIMEOUT)
    assert page.locator(".wb-dash-title").inner_text().strip() == "Riverside garden: what people said"
    picker = page.locator(".wb-corpus-picker select")
    assert picker.input_value() == f"riverside-garden ({own_corpus.resolve().parent})"  # a folder outside corpora/
    open_page.screenshot(page, "own-start")

    page.get_by_role("tab", name="Themes").click()
    bars = page.locator(".wb-bar-theme")
    bars.first.wait_for(state="visible")
    assert bars.count() >= 2
    assert "Click a bar" in page.locator(".wb-dash-bar-hint").first.inner_text()
    first_fill = bars.first.evaluate("e => getComputedStyle(e).backgroundImage")
    assert "linear-gradient" in first_fill and "100%" in first_fill  # the largest theme fills the width
    assert float(bars.first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 20  # readable in a room
    widths = [float(re.search(r"([\d.]+)%, rgba\(0, 0, 0, 0\)", bars.nth(i).evaluate(
        "e => getComputedStyle(e).backgroundImage")).group(1)) for i in range(bars.count())]
    assert widths == sorted(widths, reverse=True) and widths[0] == 100.0  # longest bar first
    label = re.sub(r"\s*\(\d+\)$", "", bars.nth(1).inner_text().strip())
    bars.nth(1).click()
    panel = page.locator(".wb-dash-theme-quotes")
    expect(panel.locator("h2")).to_have_text(label, timeout=60_000)
    check_quotes(panel, corpus)  # real text of the second corpus, with its seg_ids
    open_page.screenshot(page, "own-theme")

    page.get_by_role("tab", name="Barriers, enablers, benefits").click()
    barrier = page.locator(".wb-bar-barrier").first
    barrier.wait_for(state="visible")
    category = re.sub(r"\s*\(\d+\)$", "", barrier.inner_text().strip())
    barrier.click()
    panel = page.locator(".wb-dash-category-quotes")
    expect(panel.locator("h2")).to_have_text(category, timeout=60_000)
    check_quotes(panel, corpus)
    for seg_id in panel.locator(".wb-dash-quote").evaluate_all("es => es.map(e => e.dataset.segId)"):
        assert seg_id.split("#")[0] in {d.doc_id for d in corpus.documents}
    open_page.screenshot(page, "own-barrier")
