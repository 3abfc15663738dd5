"""Executors: run one function over many items, here (``InProcess``) or as Dask tasks (``DaskExecutor``).

Both give the results in the order of the items; an exception raised by the function reaches the caller
as itself. Nothing here imports ``distributed`` unless a Dask executor is made.
"""
from __future__ import annotations

import uuid
from typing import Any, Callable, Sequence

from ..errors import ComputeError, Errors


class Executor:
    """Where tasks run. ``kind`` is ``"in_process"`` or ``"dask"``; ``map`` keeps the items' order."""

    kind: str = "executor"
    address: str | None = None

    @property
    def n_workers(self) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def map(self, func: Callable[[Any], Any], items: Sequence[Any], *, name: str = "task") -> list:
        raise NotImplementedError  # pragma: no cover - interface

    def describe(self) -> dict[str, Any]:
        """For the manifest: where the work ran."""
        return {"kind": self.kind, "address": self.address, "workers": self.n_workers}


class InProcess(Executor):
    """Today's behaviour: every task in this process, one after the other. Starts nothing."""

    kind = "in_process"

    @property
    def n_workers(self) -> int:
        return 1

    def map(self, func: Callable[[Any], Any], items: Sequence[Any], *, name: str = "task") -> list:
        return [func(item) for item in items]


class DaskExecutor(Executor):
    """Tasks on a ``distributed.Client``'s workers. It never closes or shuts down the client or cluster:
    whoever made them does (see ``connect.open_executor``)."""

    kind = "dask"

    def __init__(self, client, address: str | None = None):
        self.client = client
        self.address = address or client.scheduler.address

    @property
    def n_workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def map(self, func: Callable[[Any], Any], items: Sequence[Any], *, name: str = "task") -> list:
        if not items:
            return []
        from distributed.client import FutureCancelledError
        from distributed.comm import CommClosedError
        from distributed.scheduler import KilledWorker

        run = uuid.uuid4().hex[:8]
        futures = [self.client.submit(func, item, key=f"workbench-{name}-{run}-{i}", pure=False)
                   for i, item in enumerate(items)]
        try:
            return self.client.gather(futures)
        except (KilledWorker, CommClosedError, FutureCancelledError) as err:
            raise ComputeError(Errors.E545.format(task=name, detail=f"{type(err).__name__}: {err}"[:500])) from None
        finally:
            for future in futures:
                future.release()
