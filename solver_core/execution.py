"""Execution backends: serial, threads and processes behind one `map` interface.

`backend.map(fn, items)` returns `[fn(x) for x in items]` in order. Concurrent backends send items
in chunks (large enough that dispatch cost stays small next to the work), run every chunk under
`harness.traced` in the worker, and merge the worker's spans back under the span that called `map`,
which records both its wall time and the workers' busy time.

Processes come from `loky` (cloudpickle, so closures built by the DSL's combinators travel), are
started once per pipeline run, and are shut down when the backend closes: nothing is left behind.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from harness import current_span, traced

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """Usable cores (the CPU affinity mask where available)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_chunk(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    """Apply `fn` to every item of a chunk (runs inside a worker)."""
    return [fn(x) for x in chunk]


def chunked(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Consecutive slices of at most `size` items."""
    return [items[i:i + size] for i in range(0, len(items), size)]


class Backend:
    """Runs `fn` over items; the base class runs them serially in the calling thread."""

    name = "serial"

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers

    def map(self, fn: Callable[[T], R], items: Sequence[T], chunksize: int | None = None) -> list[R]:
        """`[fn(x) for x in items]`, in order."""
        return run_chunk(fn, items)

    def close(self) -> None:
        """Release workers (nothing to do serially)."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PoolBackend(Backend):
    """Common part of the thread and process backends: chunking, tracing and span merging."""

    def _executor(self) -> Executor:
        raise NotImplementedError

    def map(self, fn: Callable[[T], R], items: Sequence[T], chunksize: int | None = None) -> list[R]:
        if not items:
            return []
        size = chunksize or max(1, math.ceil(len(items) / (self.workers * 4)))
        chunks = chunked(items, size)
        executor = self._executor()
        handle = current_span()
        work = traced(run_chunk)
        futures = [executor.submit(work, fn, chunk) for chunk in chunks]
        results: list[R] = []
        for future in futures:
            done = future.result()
            handle.merge(done)
            results.extend(done.result)
        handle.set(workers=self.workers, chunks=len(chunks), chunksize=size)
        return results


class ThreadBackend(PoolBackend):
    """A thread pool: concurrency for work that releases the GIL, not for pure-Python work."""

    name = "threads"

    def __init__(self, workers: int = 2) -> None:
        super().__init__(workers)
        self._pool: ThreadPoolExecutor | None = None

    def _executor(self) -> Executor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="phasebench")
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


class ProcessBackend(PoolBackend):
    """A loky process pool, started on first use and shut down (workers killed) on close."""

    name = "processes"

    def __init__(self, workers: int = 2) -> None:
        super().__init__(workers)
        self._pool: Any = None

    def _executor(self) -> Executor:
        if self._pool is None:
            from loky import get_reusable_executor

            self._pool = get_reusable_executor(max_workers=self.workers, timeout=60, reuse=True)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, kill_workers=True)
            self._pool = None


BACKENDS: dict[str, type[Backend]] = {"serial": Backend, "threads": ThreadBackend, "processes": ProcessBackend}


def make_backend(name: str, workers: int | None = None) -> Backend:
    """A backend by name (`serial`, `threads`, `processes`, `dask`)."""
    if name == "dask":
        from solver_core.distributed import DaskBackend

        return DaskBackend(workers or default_workers())
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}: choose from {', '.join([*BACKENDS, 'dask'])}")
    return BACKENDS[name](workers or default_workers()) if name != "serial" else Backend()


@contextmanager
def backends(names: Sequence[str], workers: int | None = None) -> Iterator[dict[str, Backend]]:
    """One open backend per distinct name, all closed on exit."""
    opened = {name: make_backend(name, workers) for name in dict.fromkeys(names)}
    try:
        yield opened
    finally:
        for backend in opened.values():
            backend.close()
