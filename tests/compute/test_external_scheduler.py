"""``workbench analyse --scheduler tcp://...`` against a scheduler and a worker started as separate processes, the
way a user runs them (``dask scheduler``, ``dask worker``): the tables are the ones made in this process, and the
scheduler and its worker keep running afterwards (they are the user's)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench.cli import main

REPO = Path(__file__).resolve().parents[2]
SECOND = REPO / "tests" / "data" / "second_corpus"

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def scheduler(tmp_path):
    """A scheduler and one worker in their own processes; their address."""
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    logs = [open(tmp_path / "scheduler.log", "w"), open(tmp_path / "worker.log", "w")]
    processes = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                   "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
                                  stdout=logs[0], stderr=subprocess.STDOUT, env=env)]
    try:
        processes.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address,
                                           "--nthreads", "1", "--no-dashboard", "--local-directory",
                                           str(tmp_path / "worker")],
                                          stdout=logs[1], stderr=subprocess.STDOUT, env=env))
        from distributed import Client

        deadline = time.monotonic() + 120
        while True:  # the scheduler takes a moment to listen
            try:
                with Client(address, timeout=5, set_as_default=False) as client:
                    client.wait_for_workers(1, timeout=90)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)
        yield address, processes
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()


def test_analyse_on_an_external_scheduler_gives_the_tables_made_in_process(capsys, tmp_path, scheduler, monkeypatch):
    address, processes = scheduler
    here, there = tmp_path / "here", tmp_path / "there"
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(tmp_path / "models-here"))  # each run fits its own themes
    assert main(["analyse", str(SECOND), "--out", str(here), "--no-progress", "--recompute",
                 "--cache-dir", str(tmp_path / "cache-here")]) == 0
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(tmp_path / "models-there"))
    assert main(["analyse", str(SECOND), "--out", str(there), "--no-progress", "--recompute",
                 "--cache-dir", str(tmp_path / "cache-there"), "--scheduler", address]) == 0
    capsys.readouterr()
    tables = sorted(p.name for p in here.glob("*.csv"))
    assert "barriers.csv" in tables and "phrases.csv" in tables
    assert tables == sorted(p.name for p in there.glob("*.csv"))
    for name in tables:
        assert (here / name).read_bytes() == (there / name).read_bytes(), name
    import json

    manifest = json.loads((there / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["compute"]["kind"] != "in_process"
    assert manifest["annotation_cache"]["document_parts"]["stances"]["computed"] == 4  # every document, on the worker
    assert all(process.poll() is None for process in processes)  # the user's scheduler and worker still run
