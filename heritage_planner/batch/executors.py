"""Where tasks run: a local process pool, or a Dask distributed cluster.

Both call :func:`~heritage_planner.batch.partition.run_task` on the same tasks and hand every
outcome back on the calling thread, so the runner (which alone writes outputs) cannot tell
them apart. A worker that dies mid-task is replaced and the task retried; a task that keeps
killing its worker fails on its own, never taking its neighbours down with it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Protocol

from .partition import Task, run_task

DEFAULT_RETRIES = 2


class WorkerDied(Exception):
    """The process running a task died (killed, out of memory, crashed)."""


@dataclass
class Outcome:
    task: Task
    result: Any = None
    error: BaseException | None = None
    attempts: int = 1


OnDone = Callable[[Outcome], None]


class Executor(Protocol):
    description: str

    def run(self, tasks: list[Task], on_done: OnDone) -> None: ...

    def close(self) -> None: ...


class LocalExecutor:
    """A pool of worker processes (spawned: no state inherited from the parent)."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        retries: int = DEFAULT_RETRIES,
        initializer: Callable[[], None] | None = None,
    ) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.retries = retries
        self.initializer = initializer
        self.description = f"local process pool, {self.workers} workers"
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=self.initializer,
        )
        return self._pool

    def run(self, tasks: list[Task], on_done: OnDone) -> None:
        queue = list(tasks)
        suspects: list[Task] = []  # in flight when a worker died: retried one at a time
        attempts = {t.key: 0 for t in tasks}
        running: dict[Future, Task] = {}
        pool = self._pool or self._new_pool()
        while queue or suspects or running:
            solo = False
            if not running and suspects:
                t = suspects.pop(0)
                attempts[t.key] += 1
                running[pool.submit(run_task, t)] = t
                solo = True
            elif not suspects:
                while queue and len(running) < self.workers:
                    t = queue.pop(0)
                    attempts[t.key] += 1
                    running[pool.submit(run_task, t)] = t
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                t = running.pop(fut)
                n = attempts[t.key]
                exc = fut.exception()
                if isinstance(exc, BrokenProcessPool):
                    broken = True
                    if solo and n > self.retries:
                        on_done(Outcome(t, error=_died(n), attempts=n))
                    else:
                        suspects.append(t)
                elif exc is not None:
                    on_done(Outcome(t, error=exc, attempts=n))
                else:
                    on_done(Outcome(t, result=fut.result(), attempts=n))
            if broken:  # every task still in flight died with the pool
                suspects.extend(running.values())
                running.clear()
                pool = self._new_pool()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _died(attempts: int) -> WorkerDied:
    return WorkerDied(
        f"the worker running it died {attempts} times (killed or out of memory?); "
        "nothing was written for this job"
    )


class DaskExecutor:
    """Tasks sent to a running Dask distributed scheduler (``tcp://HOST:8786``).

    The scheduler re-runs a task whose worker died (up to its ``allowed-failures``, 3 by
    default); beyond that the task's job fails cleanly. Workers must see the input files
    at the same paths (a shared file system); outputs are written here, by the client.
    """

    def __init__(self, address: str, *, timeout: float = 20.0) -> None:
        from ..core.errors import InputError

        try:
            from distributed import Client
        except ImportError:
            raise InputError("--scheduler needs Dask: pip install 'dask[distributed]'") from None
        try:
            self.client = Client(address, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise InputError(f"--scheduler {address}: cannot connect ({exc})") from None
        n = len(self.client.scheduler_info().get("workers", {}))
        self.description = f"Dask scheduler {address}, {n} workers"

    def run(self, tasks: list[Task], on_done: OnDone) -> None:
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        futures = {
            self.client.submit(
                run_task, t, key=f"heritage-planner-{t.key}-{os.urandom(4).hex()}", pure=False
            ): t
            for t in tasks
        }
        for fut in as_completed(futures):
            t = futures[fut]
            outcome = Outcome(t)
            try:
                outcome.result = fut.result()
            except KilledWorker:
                outcome.error = WorkerDied(
                    "the Dask workers running it died repeatedly (killed or out of "
                    "memory?); nothing was written for this job"
                )
            except Exception as exc:  # noqa: BLE001 - reported with its job
                outcome.error = exc
            del futures[fut]  # let the cluster forget the result
            on_done(outcome)

    def close(self) -> None:
        self.client.close()
