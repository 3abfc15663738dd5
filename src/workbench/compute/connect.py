"""Choosing and opening the executor: in this process (the default), a running Dask scheduler, or a
LocalCluster of N worker processes started (and stopped) here.

Configuration (analysis.toml)::

    [compute]
    scheduler = "tcp://host:8786"   # a running Dask scheduler (CLI: --scheduler)
    workers = 4                     # without scheduler: start 4 local worker processes (CLI: --workers);
                                    # with scheduler: wait until 4 workers have joined

A command-line value wins over the config. Neither: everything runs in this process, nothing starts.
"""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from typing import Iterator

from ..errors import ComputeError, Errors
from .executor import DaskExecutor, Executor, InProcess

CONNECT_TIMEOUT = 10.0    # seconds to reach a scheduler
WORKERS_TIMEOUT = 60.0    # seconds for the wanted workers to join
# Set for the worker processes a LocalCluster starts: offline, and one BLAS/torch thread each (a worker is
# one process with one thread; several workers share the cores).
WORKER_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "OMP_NUM_THREADS": "1",
              "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}


def resolve(scheduler: str | None = None, workers: int | None = None, config=None) -> tuple[str | None, int | None]:
    """(scheduler, workers) from the command line, else from ``config.compute``; checked (E544)."""
    section = getattr(config, "compute", None)
    if scheduler is None and section is not None:
        scheduler = section.scheduler
    if workers is None and section is not None:
        workers = section.workers
    if scheduler is not None:
        scheduler = str(scheduler).strip()
        if not scheduler:
            scheduler = None
        elif "://" not in scheduler:
            if ":" not in scheduler:
                raise ComputeError(Errors.E544.format(name="scheduler", value=scheduler,
                                                      detail="it needs a port, e.g. tcp://host:8786"))
            scheduler = f"tcp://{scheduler}"
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ComputeError(Errors.E544.format(name="workers", value=workers, detail="it must be a whole number >= 1"))
    return scheduler, workers


def from_options(scheduler: str | None = None, workers: int | None = None, config=None, **kwargs):
    """The context manager the CLI and the facade use: ``with from_options(args.scheduler, args.workers,
    config) as executor: ...``. See ``open_executor`` for ``kwargs``."""
    scheduler, workers = resolve(scheduler, workers, config)
    return open_executor(scheduler, workers, **kwargs)


@contextmanager
def open_executor(scheduler: str | None = None, workers: int | None = None, *, check_versions: bool = True,
                  connect_timeout: float = CONNECT_TIMEOUT, workers_timeout: float = WORKERS_TIMEOUT,
                  threads_per_worker: int = 1, memory_limit: str | float | None = "auto") -> Iterator[Executor]:
    """An executor for the duration of a ``with`` block.

    - neither argument: ``InProcess`` (nothing is imported or started);
    - ``scheduler``: a client of that running scheduler (E540 if unreachable; E541 if fewer than ``workers``
      or no worker joins in ``workers_timeout``). Only the client is closed afterwards: the scheduler and
      its workers are someone else's and keep running;
    - ``workers`` alone: a LocalCluster of that many worker processes (``threads_per_worker`` threads each),
      closed afterwards.

    With ``check_versions`` the workers' packages are compared with this process's (E542)."""
    scheduler, workers = resolve(scheduler, workers)
    if scheduler is None and workers is None:
        yield InProcess()
        return
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is None:
        os.environ.update({k: v for k, v in WORKER_ENV.items() if k.endswith("OFFLINE")})
        cluster = LocalCluster(n_workers=workers, threads_per_worker=threads_per_worker, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR, env=dict(WORKER_ENV),
                               memory_limit=memory_limit)
        try:
            client = Client(cluster, set_as_default=False)
        except BaseException:
            cluster.close()
            raise
        address = cluster.scheduler_address
    else:
        address = scheduler
        try:
            client = Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as err:
            raise ComputeError(Errors.E540.format(address=address, timeout=connect_timeout,
                                                  detail=f"{type(err).__name__}: {err}"[:300])) from None
    try:
        wanted = workers or 1
        try:
            client.wait_for_workers(wanted, timeout=workers_timeout)
        except TimeoutError:
            found = len(client.scheduler_info(n_workers=-1)["workers"])
            raise ComputeError(Errors.E541.format(address=address, found=found, wanted=wanted,
                                                  timeout=workers_timeout)) from None
        if check_versions:
            from .versions import check_workers

            check_workers(client)
        yield DaskExecutor(client, address)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
