"""A trainer in front of a room: open the Voila dashboard, click a theme and read its quotes;
then a phrase family and a barrier. Every quote shown must be real text from the corpus."""
from __future__ import annotations

import re

import pytest

from workbench.corpus import load_corpus

pytestmark = pytest.mark.browser

# The dashboard kernel annotates (cached) and loads the saved theme model, or fits the themes again
# (about a minute on an idle machine) when there is none for this corpus and config.
LOAD_TIMEOUT = 240_000  # ms


@pytest.fixture(scope="module")
def voila(browser_site, start_server):
    return start_server(
        ["voila", "dashboard.ipynb", "--no-browser", "--Voila.ip=127.0.0.1", "--Voila.port={port}",
         "--Voila.port_retries=0", "--VoilaExecutor.timeout=600"],
        cwd=browser_site / "notebooks", ready_path="/voila/static/voila.js")


@pytest.fixture(scope="module")
def corpus(browser_site):
    return load_corpus(browser_site / "corpora" / "coproduction")


def squash(text: str) -> str:
    return " ".join(text.split())


def check_quotes(panel, corpus) -> int:
    """Every quote in the panel names a real segment and shows (the start of) its text."""
    quotes = panel.locator(".wb-dash-quote")
    n = quotes.count()
    assert n > 0
    for i in range(n):
        quote = quotes.nth(i)
        seg = corpus.segment(quote.get_attribute("data-seg-id"))
        shown = squash(quote.locator(".wb-dash-quote-text").inner_text()).strip("“”").removesuffix(" …")
        assert shown and shown in squash(corpus.document(seg.doc_id).text[seg.start_char:seg.end_char]), shown
        assert seg.seg_id in quote.locator(".wb-dash-source").inner_text()
    return n


def test_click_a_theme_and_read_its_quotes(voila, open_page, corpus):
    from playwright.sync_api import expect  # here, so a missing playwright skips (or fails under CI)

    page = open_page(f"{voila.url}/", timeout_s=LOAD_TIMEOUT / 1000)
    themes = page.locator(".wb-dash-theme")
    page.get_by_role("tab", name="Themes").wait_for(timeout=LOAD_TIMEOUT)
    assert page.locator(".wb-dash-title").inner_text().strip() == "Co-production workshops: what people said"
    open_page.screenshot(page, "dashboard-start")

    page.get_by_role("tab", name="Themes").click()
    themes.first.wait_for(state="visible")
    assert themes.count() >= 2
    label = re.sub(r"\s*\(\d+\)$", "", themes.nth(1).inner_text().strip())
    themes.nth(1).click()
    panel = page.locator(".wb-dash-theme-quotes")
    expect(panel.locator("h2")).to_have_text(label, timeout=60_000)
    assert re.search(r"\d+ passages in \d+ documents · stability", panel.inner_text())
    check_quotes(panel, corpus)
    assert float(panel.locator(".wb-dash-quote-text").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")) >= 20  # readable from the back of a room
    open_page.screenshot(page, "dashboard-theme")

    page.get_by_role("tab", name="Phrases").click()
    page.locator(".wb-dash-phrase", has_text=re.compile(r"^with, not for \(\d+\)$")).first.click()
    panel = page.locator(".wb-dash-phrase-quotes")
    expect(panel.locator("h2")).to_have_text("with, not for", timeout=60_000)
    check_quotes(panel, corpus)
    assert panel.locator("mark.wb-match").count() > 0
    open_page.screenshot(page, "dashboard-phrase")

    page.get_by_role("tab", name="Barriers, enablers, benefits").click()
    barrier = page.locator(".wb-dash-barrier").first
    category = re.sub(r"\s*\(\d+\)$", "", barrier.inner_text().strip())
    barrier.click()
    panel = page.locator(".wb-dash-category-quotes")
    expect(panel.locator("h2")).to_have_text(category, timeout=60_000)
    check_quotes(panel, corpus)
    open_page.screenshot(page, "dashboard-barrier")
    benefit = page.locator(".wb-dash-benefit").first  # benefits have their own group, below the enablers
    category = re.sub(r"\s*\(\d+\)$", "", benefit.inner_text().strip())
    benefit.click()
    expect(panel.locator("h2")).to_have_text(category, timeout=60_000)
    expect(panel).to_contain_text("Benefit ·")
    check_quotes(panel, corpus)
