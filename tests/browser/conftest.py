"""Fixtures for the browser tests: JupyterLab and Voila served on 127.0.0.1, driven by Playwright in
Debian's headless chromium (see /work/shared/browser-testing.md for why each flag is there).

- ``browser_site``: a temporary copy of the project layout the notebooks need (notebooks/, corpora/,
  models/), so JupyterLab's autosave and the theme model never touch the repository.
- ``start_server``: starts a server in its own process group on a free port, waits until it answers,
  and always stops it (SIGTERM, then SIGKILL for the group, which takes stray kernels with it).
- ``open_page``: a fresh browser context whose every request off 127.0.0.1 is aborted and recorded;
  the test fails if anything but the Font Awesome CDN (asked for by Voila's template) tried to leave.
  A screenshot of the final state (and ``failure.png`` when the test failed) is saved into the test's
  output folder: ``$WB_BROWSER_ARTIFACTS/<test>`` if set, else the test's ``tmp_path`` (the paths are
  listed at the end of the run).

Chromium is Debian's ``/usr/bin/chromium``: without it the tests are skipped, except under CI
(``CI`` set), where they fail.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Read at import time: tests/conftest.py points WORKBENCH_CACHE_DIR at a throwaway folder per test, but the
# kernels should reuse the shared annotation and embedding caches (the Makefile's default).
SHARED_CACHE = os.environ.get("WORKBENCH_CACHE_DIR") or str(REPO_ROOT / ".cache" / "workbench")
ALLOWED_OFFSITE = re.compile(r"^https://(cdn\.jsdelivr\.net/npm/@fortawesome/fontawesome-free@|cdnjs\.cloudflare\.com/ajax/libs/font-awesome/)")
START_TIMEOUT = 120  # seconds for a server to answer
SCREENSHOTS: list[Path] = []


def pytest_runtest_makereport(item, call):
    if call.when == "call":
        item.wb_failed = call.excinfo is not None


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS:
        terminalreporter.write_sep("-", "browser screenshots")
        for path in SCREENSHOTS:
            terminalreporter.write_line(str(path))


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _missing(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


# -- the served copy of the project ------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_site(tmp_path_factory) -> Path:
    """<tmp>/site with copies of notebooks/*.ipynb, corpora/coproduction and the saved theme model."""
    site = tmp_path_factory.mktemp("browser") / "site"
    (site / "notebooks").mkdir(parents=True)
    for nb in (REPO_ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy2(nb, site / "notebooks" / nb.name)
    shutil.copytree(REPO_ROOT / "corpora" / "coproduction", site / "corpora" / "coproduction",
                    ignore=shutil.ignore_patterns(".workbench"))
    (site / "models").mkdir()  # models/ beside corpora/: fitted models land here, not in the repo
    themes = REPO_ROOT / "models" / "coproduction" / "themes"
    if themes.is_dir():  # the dashboard reuses it when corpus and config are unchanged (else it fits again)
        shutil.copytree(themes, site / "models" / "coproduction" / "themes")
    return site


def server_env(base: Path) -> dict[str, str]:
    """Isolated Jupyter folders, offline models, the shared workbench cache."""
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        folder = base / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    env.pop("WORKBENCH_MODELS_DIR", None)
    env.pop("WORKBENCH_CORPUS", None)  # the demo, unless a test passes its own corpus to start_server
    env.update(JUPYTER_PLATFORM_DIRS="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               WORKBENCH_CACHE_DIR=SHARED_CACHE, PYTHONUNBUFFERED="1")
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running server: ``url`` (no trailing slash), ``token`` ('' for Voila) and its log file."""

    url: str
    token: str
    proc: subprocess.Popen
    log: Path
    sessions: list[str] = field(default_factory=list)

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def api(self, method: str, path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"} if self.token else {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as err:
            return err.code, b""

    def shutdown_sessions(self) -> None:
        """Kernels outlive the page: delete every session (needs the token, see the module docstring)."""
        status, body = self.api("GET", "/api/sessions")
        if status == 200:
            for session in json.loads(body or b"[]"):
                self.api("DELETE", f"/api/sessions/{session['id']}")

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # stray kernels in the same process group
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def start_server(tmp_path_factory):
    """``start_server(args, cwd, ready_path, token, env)`` -> Server (``env``: extra environment variables, e.g.
    WORKBENCH_CORPUS); every server is stopped at module end."""
    started: list[Server] = []

    def start(args: list[str], cwd: Path, ready_path: str, token: str = "", env: dict | None = None) -> Server:
        base = tmp_path_factory.mktemp("jupyter")
        port = free_port()
        log = base / "server.log"
        cmd = [sys.executable, "-m", *[a.format(port=port, base=base) for a in args]]
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, cwd=cwd, env={**server_env(base), **(env or {})}, stdout=out,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        server = Server(f"http://127.0.0.1:{port}", token, proc, log)
        started.append(server)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"{args[0]} exited with {proc.returncode}:\n{server.log_tail()}", pytrace=False)
            if _port_open(port) and server.api("GET", ready_path)[0] == 200:
                return server
            if time.monotonic() > deadline:
                pytest.fail(f"{args[0]} did not answer {ready_path} in {START_TIMEOUT} s:\n{server.log_tail()}",
                            pytrace=False)
            time.sleep(0.5)

    yield start
    for server in started:
        server.stop()


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


# -- the browser -------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium, launched headless by Playwright (launch() makes a fresh temporary profile)."""
    if not Path(CHROMIUM).exists():
        _missing(f"{CHROMIUM} is missing: install it with 'apt-get install -y chromium'")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed: pip install -e '.[dev]'")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def artifacts(request, tmp_path) -> Path:
    """Where this test's screenshots go."""
    base = os.environ.get("WB_BROWSER_ARTIFACTS")
    if not base:
        return tmp_path
    folder = Path(base) / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def open_page(chromium, artifacts, request):
    """``open_page(url)`` -> a Playwright page in a fresh context; off-machine requests are aborted."""
    contexts, blocked = [], []

    def guard(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1":
            blocked.append(url)
            return route.abort()
        return route.continue_()

    def open_(url: str, timeout_s: float = 120):
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", guard)
        context.set_default_timeout(60_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(url, timeout=timeout_s * 1000, wait_until="domcontentloaded")
        return page

    def shot(page, name: str) -> Path:
        path = artifacts / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        SCREENSHOTS.append(path)
        print(f"screenshot: {path}")
        return path

    open_.screenshot = shot
    open_.blocked = blocked
    yield open_
    if getattr(request.node, "wb_failed", False):
        for i, context in enumerate(contexts):
            for page in context.pages:
                try:
                    shot(page, f"failure-{i}")
                except Exception as err:  # the page may be gone; the failure itself matters more
                    print(f"no failure screenshot: {err}")
    for context in contexts:
        context.close()
    leaks = [u for u in blocked if not ALLOWED_OFFSITE.match(u)]
    assert not leaks, f"requests tried to leave 127.0.0.1: {leaks}"
