"""Choosing where work runs (workbench.compute): the in-process default, options, numbered errors.
No cluster is started here (the LocalCluster tests are in test_compute_cluster.py)."""
from __future__ import annotations

import socket
import subprocess
import sys
import textwrap

import pytest

from workbench import compute
from workbench.compute.chunks import chunked
from workbench.compute.versions import check_workers, differences, result_versions
from workbench.config import Config, load_config
from workbench.errors import ComputeError, ConfigError


def _double(x: int) -> int:
    return 2 * x


def test_the_default_runs_in_process_and_starts_nothing(monkeypatch):
    distributed = pytest.importorskip("distributed")
    started = []
    monkeypatch.setattr(distributed, "Client", lambda *a, **k: started.append(("Client", a, k)))
    monkeypatch.setattr(distributed, "LocalCluster", lambda *a, **k: started.append(("LocalCluster", a, k)))
    with compute.from_options(None, None, Config()) as executor:
        assert isinstance(executor, compute.InProcess)
        assert executor.describe() == {"kind": "in_process", "address": None, "workers": 1}
        assert compute.map_documents(_double, [3, 1, 2], executor) == [6, 2, 4]
    assert started == []


def test_in_process_does_not_even_import_distributed(tmp_path):
    code = textwrap.dedent("""
        import sys
        from workbench import compute
        from workbench.config import Config
        with compute.from_options(None, None, Config()) as executor:
            assert compute.map_documents(len, ["ab", "c"], executor) == [2, 1]
        print("distributed" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_options_come_from_the_command_line_then_the_config(tmp_path):
    path = tmp_path / "analysis.toml"
    path.write_text('[compute]\nscheduler = "tcp://cluster.example:8786"\nworkers = 3\n', encoding="utf-8")
    config = load_config(path)
    assert compute.resolve(None, None, config) == ("tcp://cluster.example:8786", 3)
    assert compute.resolve("tcp://other:9000", None, config) == ("tcp://other:9000", 3)
    assert compute.resolve(None, None, Config()) == (None, None)
    assert compute.resolve("headnode:8786", None, None) == ("tcp://headnode:8786", None)  # scheme added
    assert compute.resolve(None, 2, None) == (None, 2)


@pytest.mark.parametrize("scheduler, workers", [("headnode", None), (None, 0), (None, -2), (None, "2")])
def test_bad_options_are_numbered_errors(scheduler, workers):
    with pytest.raises(ComputeError) as err:
        compute.resolve(scheduler, workers, None)
    assert err.value.code == "E544"


def test_the_compute_section_is_checked_and_changes_no_fingerprint(tmp_path):
    path = tmp_path / "analysis.toml"
    path.write_text("[compute]\nworkers = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.code == "E152" and "compute.workers" in str(err.value)
    path.write_text("[compute]\nworkers = 4\n", encoding="utf-8")
    assert load_config(path).fingerprint() == Config().fingerprint()  # where it runs changes no result


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_scheduler_is_named_with_how_to_start_one():
    pytest.importorskip("distributed")
    address = f"tcp://127.0.0.1:{_closed_port()}"
    with pytest.raises(ComputeError) as err:
        with compute.open_executor(address, connect_timeout=2):
            pass  # pragma: no cover - never reached
    message = str(err.value)
    assert err.value.code == "E540"
    assert address in message and "dask scheduler" in message and f"dask worker {address}" in message


class _FakeClient:
    def __init__(self, workers: dict):
        self.workers = workers

    def run(self, func):
        return self.workers


def test_workers_with_other_packages_are_refused_naming_each_difference():
    here = result_versions()
    same = dict(here)
    other = {**here, "spacy": "3.7.0", "torch": "not installed"}
    assert check_workers(_FakeClient({"tcp://a:1": same})) == {"tcp://a:1": same}
    with pytest.raises(ComputeError) as err:
        check_workers(_FakeClient({"tcp://a:1": same, "tcp://b:2": other}))
    message = str(err.value)
    assert err.value.code == "E542"
    assert f"tcp://b:2: spacy 3.7.0 (this machine: {here['spacy']})" in message
    assert "tcp://b:2: torch not installed" in message and "tcp://a:1" not in message
    assert differences(here, {"w": same}) == []


def test_work_is_cut_into_contiguous_runs_of_about_the_same_size():
    items = list("abcdefghij")
    sizes = [5, 1, 1, 1, 9, 1, 1, 1, 1, 30]
    runs = chunked(items, sizes, n_workers=2, tasks_per_worker=2)
    assert [x for run in runs for x in run] == items  # order kept, nothing lost or repeated
    assert runs == chunked(items, sizes, n_workers=2, tasks_per_worker=2)
    assert ["j"] in runs  # a big item is a run of its own
    assert chunked([], [], 3) == []
    assert chunked(items, [1] * 10, n_workers=1, tasks_per_worker=1) == [items]


def test_map_documents_raises_the_functions_own_error():
    with pytest.raises(ZeroDivisionError):
        compute.map_documents(lambda x: 1 / x, [1, 0])
