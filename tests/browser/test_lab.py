"""A user in JupyterLab: open the phrases notebook, run all cells, search the concordance widget.

JupyterLab is started with a random token rather than none: with an empty token JupyterLab refuses
state-changing REST calls (403 "_xsrf missing"), which the tests need to shut kernels down.
"""
from __future__ import annotations

import json
import re
import secrets

import pytest

pytestmark = pytest.mark.browser

RUN_ALL_TIMEOUT = 240_000  # ms: 02_phrases annotates (cached), mines phrases and keyness on 2 busy cores
IDLE = "Python 3 (ipykernel) | Idle"
# The prompts of all code cells: "[ ]:" before a run, "[*]:" while running, "[7]:" when done.
PROMPTS = "[...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')].map(e => e.textContent.trim())"


@pytest.fixture(scope="module")
def lab(browser_site, start_server):
    token = secrets.token_hex(16)
    settings = browser_site.parent / "lab-settings"
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    server = start_server(
        ["jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", "--ServerApp.port={port}",
         "--ServerApp.port_retries=0", "--ServerApp.allow_root=True", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={browser_site / 'notebooks'}", "--LabApp.workspaces_dir={base}/workspaces",
         f"--LabApp.user_settings_dir={settings}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.expose_app_in_browser=True"],
        cwd=browser_site / "notebooks", ready_path="/api", token=token)
    yield server
    server.shutdown_sessions()


def test_run_phrases_notebook_and_search_concordance(lab, open_page):
    page = open_page(f"{lab.url}/lab/tree/02_phrases.ipynb?token={lab.token}")
    try:
        # The toolbar reads idle before a kernel exists; the status bar names the kernel once it is up.
        page.locator("#jp-main-statusbar").get_by_text(IDLE).wait_for(timeout=120_000)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.commands", timeout=60_000)
        # The copy has stored outputs and counts: clear them so that fresh counts prove the run.
        page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        page.wait_for_function(f"() => {PROMPTS}.every(t => t === '[ ]:')", timeout=60_000)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        # All cells ran when every code cell shows an execution count ("[*]:" while running).
        page.wait_for_function(f"() => {PROMPTS}.every(t => /^\\[\\d+\\]:$/.test(t))", timeout=RUN_ALL_TIMEOUT)
        page.locator("#jp-main-statusbar").get_by_text(IDLE).wait_for(timeout=60_000)
        assert "Traceback (most recent call last)" not in page.locator(".jp-Notebook").inner_text()

        query = page.locator(".jp-OutputArea-output .wb-concordance-query input")
        assert query.count() == 1
        query.scroll_into_view_if_needed()
        query.fill("rubber stamp")
        query.press("Enter")  # continuous_update=False: the value reaches the kernel on Enter

        status = page.locator(".jp-OutputArea-output .wb-concordance-status")
        status.get_by_text(re.compile(r"lines for rubber stamp")).wait_for(timeout=60_000)
        n_lines = int(re.search(r"(\d+) lines", status.inner_text()).group(1))
        lines = page.locator(".jp-OutputArea-output .wb-concordance-results .wb-kwic-line")
        assert n_lines > 0 and lines.count() == min(n_lines, 200)
        for match in lines.locator(".wb-kwic-match").all_inner_texts():
            assert re.search(r"rubber[- ]stamp", match, re.IGNORECASE), match
        seg_ids = lines.locator(".wb-kwic-where").all_inner_texts()
        assert all(re.fullmatch(r".+#\d{4}", s.strip()) for s in seg_ids), seg_ids
        page.locator(".jp-OutputArea-output .wb-concordance").scroll_into_view_if_needed()
        open_page.screenshot(page, "lab-concordance")
    finally:
        lab.shutdown_sessions()
