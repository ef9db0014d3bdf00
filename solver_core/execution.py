"""Execution backends: inline, threads, processes and a sandbox, behind one `map` interface.

`backend.map(fn, items)` returns `[fn(x) for x in items]` in order. Concurrent backends send items
in chunks (large enough that dispatch cost stays small next to the work), run every chunk under
`harness.traced` in the worker, and merge the worker's spans back under the span that called `map`,
which records both its wall time and the workers' busy time.

Containment. Candidate programs are generated code: they may loop in C, exhaust memory, or kill
their process (`os._exit`). Pure-Python runaways are stopped inside any process by SIGALRM limits
(`solver_core.pipeline.evaluate`); for the rest, work runs in processes that can die:
- `ProcessBackend` (loky, cloudpickle) detects a dead worker or a chunk past its deadline, kills the
  pool and hands the unfinished items to a sandbox; `ForkBackend` (`forked`) is the same with workers
  forked from the running process, which start with its modules and whatever it preloaded (no
  interpreter start, imports or solver-library parse per worker);
- `SandboxBackend` (pebble) gives each chunk a deadline, kills and replaces a worker that overruns
  it or dies, and retries the chunk's items one by one; an item that still fails is returned as a
  `Lost` value, which the caller turns into a recorded failure. Nothing is silently dropped.
Workers get a memory cap and a recursion limit. The cap is `RLIMIT_AS` (address space), except where
CuPy can reach a GPU: a CUDA context reserves tens of GiB of address space that it never commits, so
under an address-space cap every CUDA call fails ("out of memory", seen on an H200) and the `gpu`
variant silently fell back to NumPy; there the cap is `RLIMIT_DATA` (writable private memory, which a
memory bomb still exhausts, and which CUDA's inaccessible reservations do not count against).
Every pool is shut down when its backend closes, so no process, thread or semaphore outlives a run.
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import os
import resource
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from harness import call_in_span, current_span, traced

T = TypeVar("T")
R = TypeVar("R")

#: Address-space cap of every worker process, bytes (a memory bomb fails there, not here).
WORKER_MEMORY_BYTES = 4 * 1024**3
#: Recursion limit in worker processes (deep recursion becomes a RecursionError, not a crash).
WORKER_RECURSION_LIMIT = 4000
#: A chunk is presumed stuck after this many items' deadlines (then its items run one by one).
CHUNK_DEADLINE_ITEMS = 4


@dataclass(frozen=True)
class Lost:
    """An item whose worker process died (`crashed`) or overran its deadline (`killed`), twice."""

    reason: str
    detail: str


def default_workers() -> int:
    """Usable cores (the CPU affinity mask where available)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def limit_worker(memory_bytes: int = WORKER_MEMORY_BYTES, recursion: int = WORKER_RECURSION_LIMIT) -> None:
    """Worker initializer: cap the address space, set the recursion limit, and let SIGTERM kill at
    once (a Python-level handler could not run while a candidate loops in C, and the pool would wait
    seconds before its SIGKILL). Then `containment.prepare_worker`: SIGINT ignored, candidate output
    discarded (bounded), processes a candidate forks killed with its chunk or its worker."""
    from solver_core.containment import prepare_worker

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    prepare_worker()
    kind = memory_limit_kind()
    soft, hard = resource.getrlimit(kind)
    if hard == resource.RLIM_INFINITY or hard > memory_bytes:
        resource.setrlimit(kind, (memory_bytes, hard))
    sys.setrecursionlimit(recursion)


def memory_limit_kind() -> int:
    """The rlimit that caps a worker's memory: `RLIMIT_DATA` where this process may use CUDA through
    CuPy (installed, a GPU driver present, not turned off by `$PHASEBENCH_ARRAY_BACKEND=numpy`), else
    `RLIMIT_AS`. Decided without initialising CUDA (the worker has not touched the GPU yet)."""
    import importlib.util

    from solver_core.arrays import ENV_BACKEND

    if os.environ.get(ENV_BACKEND, "auto").strip().lower() == "numpy":
        return resource.RLIMIT_AS
    if importlib.util.find_spec("cupy") is None or not _gpu_driver_present():
        return resource.RLIMIT_AS
    return resource.RLIMIT_DATA


def _gpu_driver_present() -> bool:
    """An NVIDIA kernel driver is loaded (its device file or its /proc folder exists)."""
    return os.path.exists("/dev/nvidiactl") or os.path.exists("/proc/driver/nvidia")


def worker_ready() -> int:
    """A no-op job: its answer means a worker has started and can take work (the pool-start warm-up)."""
    return os.getpid()


def run_chunk(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    """Apply `fn` to every item of a chunk (runs inside a worker; in a worker process, any process a
    candidate started is killed when the chunk is done, and the process state is put back after
    every item)."""
    from solver_core.containment import reap_children, run_contained, worker_children

    keep = worker_children()
    if keep is None:  # not a worker process (an inline backend): nothing to contain
        return [fn(x) for x in chunk]
    try:
        return [run_contained(fn, x) for x in chunk]
    finally:
        reap_children(keep)


def chunked(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Consecutive slices of at most `size` items."""
    return [items[i:i + size] for i in range(0, len(items), size)]


class Backend:
    """Runs `fn` over items in the calling process (no containment: for disposable workers)."""

    name = "inline"
    workers = 1

    def map(self, fn: Callable[[T], R], items: Sequence[T], chunksize: int | None = None,
            deadline: float | None = None) -> list[R | Lost]:
        """`[fn(x) for x in items]`, in order; `deadline` (seconds per item) is ignored inline."""
        return run_chunk(fn, items)

    def close(self) -> None:
        """Release workers (nothing to do inline)."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PoolBackend(Backend):
    """Common part of the pooled backends: chunking, tracing and span merging."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self._pool: Any = None

    def _chunks(self, items: Sequence[T], chunksize: int | None) -> list[Sequence[T]]:
        size = chunksize or max(1, math.ceil(len(items) / (self.workers * 4)))
        current_span().set(workers=self.workers, chunksize=size)
        return chunked(items, size)


class ThreadBackend(PoolBackend):
    """A thread pool: concurrency for work that releases the GIL. It cannot stop or contain
    anything, so no variant runs candidate code on it."""

    name = "threads"

    def map(self, fn: Callable[[T], R], items: Sequence[T], chunksize: int | None = None,
            deadline: float | None = None) -> list[R | Lost]:
        if not items:
            return []
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="phasebench")
        handle = current_span()
        futures = [self._pool.submit(traced(run_chunk), fn, c) for c in self._chunks(items, chunksize)]
        return [r for f in futures for r in handle.merge(f.result())]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


class SandboxBackend(PoolBackend):
    """pebble worker processes: a chunk past its deadline or whose worker died is retried item by
    item; an item that fails alone too comes back as `Lost`. Workers are killed and replaced."""

    name = "sandbox"

    def _executor(self) -> Any:
        if self._pool is None:
            self._pool = call_in_span("pool_start", self._start_pool)
        return self._pool

    def _start_pool(self) -> Any:
        """A new pool, once a worker answers: spawn, imports, initializer (elapsed start-up, `pool_start`)."""
        from pebble import ProcessPool

        pool = ProcessPool(max_workers=self.workers, initializer=limit_worker)
        pool.schedule(worker_ready).result()
        return pool

    def map(self, fn: Callable[[T], R], items: Sequence[T], chunksize: int | None = None,
            deadline: float | None = None) -> list[R | Lost]:
        if not items:
            return []
        chunks = self._chunks(items, chunksize)
        pool = self._executor()
        handle = current_span()
        work = traced(run_chunk)

        def schedule(chunk: Sequence[T]) -> Any:
            # a chunk may take a few items' deadlines; past that it is presumed stuck and retried item by
            # item, which costs time but never changes a result (each item then has its own deadline)
            limit = deadline * min(len(chunk), CHUNK_DEADLINE_ITEMS) if deadline else None
            return pool.schedule(work, args=(fn, chunk), timeout=limit)

        results: list[R | Lost] = []
        for chunk, future in [(c, schedule(c)) for c in chunks]:
            outcome = _settle(future)
            if not isinstance(outcome, Lost):
                results.extend(handle.merge(outcome))
                continue
            if len(chunk) == 1:
                handle.add(f"items_{outcome.reason}")
                results.append(outcome)
                continue
            handle.add("chunks_retried")
            for item in chunk:  # alone, so that one bad item cannot take others with it
                single = _settle(schedule([item]))
                if isinstance(single, Lost):
                    handle.add(f"items_{single.reason}")
                    results.append(single)
                else:
                    results.extend(handle.merge(single))
        return results

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None


def _settle(future: Any) -> Any:
    """A future's result, or `Lost` if its worker died or it was killed at its deadline."""
    from pebble import ProcessExpired

    try:
        return future.result()
    except cf.TimeoutError:
        return Lost("killed", "deadline passed; the worker was killed and replaced")
    except ProcessExpired as exc:
        return Lost("crashed", f"worker died (exit code {exc.exitcode})")


class ProcessBackend(PoolBackend):
    """A loky process pool (cloudpickle: closures built by DSL combinators travel). A dead worker or
    a run past its deadline kills the pool; unfinished items go to a `SandboxBackend`."""

    name = "processes"

    def _executor(self) -> Any:
        if self._pool is None:
            self._pool = call_in_span("pool_start", self._start_pool)
        return self._pool

    def _start_pool(self) -> Any:
        """The pool, once a worker answers: spawn, imports, initializer (elapsed start-up, `pool_start`)."""
        from loky import get_reusable_executor

        pool = get_reusable_executor(max_workers=self.workers, timeout=60, reuse=True, initializer=limit_worker)
        pool.submit(worker_ready).result()
        return pool

    def map(self, fn: Callable[[T], R], items: Sequence[T], chunksize: int | None = None,
            deadline: float | None = None) -> list[R | Lost]:
        if not items:
            return []
        from loky.process_executor import ShutdownExecutorError

        chunks = self._chunks(items, chunksize)
        handle = current_span()
        executor = self._executor()
        futures = [executor.submit(traced(run_chunk), fn, c) for c in chunks]
        # past this the pool is presumed stuck (a loop in C): its unfinished items go to a sandbox
        rounds = math.ceil(len(chunks) / self.workers)
        cf.wait(futures, timeout=deadline * CHUNK_DEADLINE_ITEMS * rounds if deadline else None)
        results: list[R | Lost] = []
        broken = False
        for chunk, future in zip(chunks, futures, strict=True):
            try:
                if not future.done():
                    raise cf.TimeoutError
                results.extend(handle.merge(future.result()))
                continue
            except (cf.TimeoutError, cf.CancelledError, BrokenProcessPool, ShutdownExecutorError):
                broken = True  # the pool failed (not the work: its own exceptions propagate)
            handle.add("chunks_to_sandbox")
            if self._pool is not None:  # kill the stuck or broken pool before going on
                self._pool.shutdown(wait=True, kill_workers=True)
                self._pool = None
            with SandboxBackend(self.workers) as sandbox:
                results.extend(sandbox.map(fn, chunk, chunksize=len(chunk), deadline=deadline))
        if broken:
            handle.set(pool_restarted=True)
        return results

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, kill_workers=True)
            self._pool = None


class ForkBackend(ProcessBackend):
    """`ProcessBackend` (the same containment) with workers forked from this process: no interpreter
    start and no imports per worker, and what `preload` loads here before the fork (e.g. the parsed solver
    library) every worker has without loading it again. Where `fork` is not offered, or a profiler or tracer
    runs in this process, its workers start as `ProcessBackend`'s do."""

    name = "forked"

    def __init__(self, workers: int = 2, preload: Callable[[], object] | None = None) -> None:
        super().__init__(workers)
        self._preload = preload

    def _start_pool(self) -> Any:
        if not fork_available() or sys.getprofile() is not None or sys.gettrace() is not None:
            # a profiler, tracer or debugger here (e.g. a profile pass): its half-copied state would follow a
            # fork into the workers, so they start afresh, as in `ProcessBackend`
            return super()._start_pool()
        import multiprocessing

        from loky import ProcessPoolExecutor

        if self._preload is not None:
            self._preload()
        pool = ProcessPoolExecutor(max_workers=self.workers, initializer=limit_worker,
                                   context=multiprocessing.get_context("fork"))
        pool.submit(worker_ready).result()
        return pool


def fork_available() -> bool:
    """Whether worker processes are forked here: Linux only (macOS offers `fork` but it is unsafe there)."""
    import multiprocessing

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


# ------------------------------------------------------------------------------------ registry
@dataclass(frozen=True)
class BackendInfo:
    """A registered backend: `factory(workers, **options)` makes one (options it does not know are ignored)."""

    name: str
    factory: Callable[..., Backend]
    summary: str
    #: whether it can run here (its optional dependencies are installed)
    available: Callable[[], bool] = lambda: True
    #: what to tell the user when it cannot
    unavailable: str = ""


#: Every backend by name. A backend registers itself (`register_backend`) where it is defined:
#: the ones above here, `dask` in `solver_core.distributed`.
BACKENDS: dict[str, BackendInfo] = {}


def register_backend(name: str, factory: Callable[..., Backend], summary: str, *,
                     available: Callable[[], bool] | None = None, unavailable: str = "") -> BackendInfo:
    """Add a backend to the registry (names are unique)."""
    if name in BACKENDS:
        raise ValueError(f"backend {name!r} is registered twice")
    info = BackendInfo(name, factory, summary, available or (lambda: True), unavailable)
    BACKENDS[name] = info
    return info


def backend_available(name: str) -> bool:
    """Whether the backend `name` is registered and can run here."""
    return name in BACKENDS and BACKENDS[name].available()


def make_backend(name: str, workers: int | None = None, **options: Any) -> Backend:
    """A backend by name (see `BACKENDS`), with `workers` workers (default: usable cores); `options`
    (e.g. `scheduler` for dask) go to its factory."""
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}: choose from {', '.join(BACKENDS)}")
    return BACKENDS[name].factory(workers or default_workers(), **options)


register_backend("inline", lambda workers, **_: Backend(), "in the calling process (no containment)")
register_backend("serial", lambda workers, **_: SandboxBackend(1),
                 "a one-worker sandbox: one job at a time, contained")
register_backend("threads", lambda workers, **_: ThreadBackend(workers), "a thread pool (no containment)")
register_backend("processes", lambda workers, **_: ProcessBackend(workers),
                 "a loky process pool; stuck or dead workers' items go to a sandbox")
register_backend("forked", lambda workers, preload=None, **_: ForkBackend(workers, preload),
                 "a loky process pool forked from the running process (no start-up per worker); as processes")
register_backend("sandbox", lambda workers, **_: SandboxBackend(workers),
                 "pebble worker processes with deadlines, killed and replaced")


@contextmanager
def backends(names: Sequence[str], workers: int | None = None, **options: Any) -> Iterator[dict[str, Backend]]:
    """One open backend per distinct name, all closed on exit."""
    opened = {name: make_backend(name, workers, **options) for name in dict.fromkeys(names)}
    try:
        yield opened
    finally:
        for backend in opened.values():
            backend.close()
