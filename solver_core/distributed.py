"""The `dask` execution backend: chunks of work on a Dask cluster (`dask.distributed`).

`DaskBackend(workers)` starts a `LocalCluster` of `workers` single-threaded worker processes on
first use and stops it on `close()`; `DaskBackend(workers, scheduler="tcp://host:port")` uses an
existing cluster instead (and leaves it running). `map` has the contract of the other pooled
backends (`solver_core.execution`): results in order, the workers' spans merged under the calling
span, failures that containment catches returned as `Lost`.

Per chunk, one Dask task. Dask runs tasks in threads of its worker processes, where the SIGALRM
limits of `solver_core.pipeline.evaluate` cannot fire and no memory cap applies; so the task hands
its chunk to a contained child process that the Dask worker owns (a one-process loky pool per Dask
worker thread, with `limit_worker` applied). There candidate code runs exactly as in the
`processes` backend, which keeps the results (digest) identical. Then, mirroring `SandboxBackend`:
- a chunk whose child process dies is retried item by item (each item its own Dask task); an item
  that kills its child alone comes back `Lost("crashed")`;
- a chunk past its deadline (`deadline` per item, at most `CHUNK_DEADLINE_ITEMS` items' worth) has its
  child killed on the worker, and is retried item by item likewise (`Lost("killed")`).

Worker loss is Dask's job: a task whose worker process dies is rescheduled on another worker (up to
the scheduler's `allowed-failures`, then `KilledWorker`, which comes back `Lost("crashed")`). The
backend reads the scheduler's event log after each map and counts, on the calling span,
`dask_workers_lost` (workers that died while holding this map's chunks) and
`dask_chunks_rescheduled`, so the run record and the report say what happened.

Spans: each chunk runs under `harness.traced` in the child; its `Traced` is relabelled on the Dask
worker so that the worker label (`Traced.worker`, and the per-call samples that the timeline draws)
reads `dask:<worker name>` instead of `pid:thread`. Timestamps are `perf_counter_ns`
(CLOCK_MONOTONIC), comparable across processes of one host; on another host (another boot id) they
are shifted by the difference of the two hosts' wall-clock offsets, so the timeline stays aligned as
well as the hosts' clocks agree.

Child processes die with their Dask worker (Linux: PR_SET_PDEATHSIG, so even one stuck in C code),
and `close()` stops them: with the LocalCluster's workers, or, on an existing cluster, by a
`client.run(shutdown_children)` on every worker (which leaves the cluster as it found it).

Workers must be allowed to start child processes. For its LocalCluster the backend sets Dask's
`distributed.worker.daemon` to False while the cluster runs; workers of an existing cluster must be
started with `DASK_DISTRIBUTED__WORKER__DAEMON=False` (or `dask worker --no-nanny`), with phasebench
installed; else the first chunk raises a `RuntimeError` that says so.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass, replace
from time import perf_counter_ns, time_ns
from typing import Any, TypeVar

from harness import call_in_span, current_span, traced
from harness.concurrency import Traced
from solver_core.execution import CHUNK_DEADLINE_ITEMS, Lost, PoolBackend, limit_worker, register_backend, run_chunk

T = TypeVar("T")
R = TypeVar("R")

#: Level of the LocalCluster's log handlers while it runs (a killed worker is reported by the
#: backend's counters, not by a screenful of warnings).
CLUSTER_LOG_LEVEL = logging.CRITICAL


# ------------------------------------------------------------------------------ on the workers
@dataclass(frozen=True)
class Clock:
    """Which monotonic clock a timestamp belongs to, and its offset to the wall clock there."""

    boot_id: str
    #: `time_ns() - perf_counter_ns()`: wall-clock time of monotonic zero
    offset_ns: int


def _boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            return f.read().strip()
    except OSError:  # not Linux: one host, one monotonic clock
        return socket.gethostname()


def local_clock() -> Clock:
    """This host's clock identity (processes of one boot share CLOCK_MONOTONIC)."""
    return Clock(_boot_id(), time_ns() - perf_counter_ns())


_children: dict[int, Any] = {}
_children_lock = threading.Lock()


def _child_pool() -> Any:
    """The calling Dask worker thread's contained child process (a one-worker loky pool)."""
    ident = threading.get_ident()
    with _children_lock:
        pool = _children.get(ident)
        if pool is None:
            if multiprocessing.current_process().daemon:
                raise RuntimeError(
                    "this Dask worker is a daemonic process, which may not start the child process that "
                    "contains candidate code: start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False "
                    "(or `dask worker --no-nanny`)")
            from loky import ProcessPoolExecutor

            pool = ProcessPoolExecutor(max_workers=1, initializer=_start_child, initargs=(os.getpid(),))
            pool.submit(int).result()  # started (and its imports done) before any deadline counts
            _children[ident] = pool
        return pool


def _start_child(parent: int) -> None:
    """Initializer of a contained child: `limit_worker`, and die with the Dask worker that started it
    (a killed worker must not leave its child behind, perhaps spinning in C)."""
    limit_worker()
    if sys.platform.startswith("linux"):
        import ctypes

        # PR_SET_PDEATHSIG: SIGKILL when the parent thread ends (the Dask worker thread, which lives as
        # long as its worker); the kernel delivers it, so even a child stuck in C code goes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)
    else:
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, name="phasebench-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the worker died before the signal was armed
        os._exit(1)


def _drop_child_pool(kill: bool) -> None:
    with _children_lock:
        pool = _children.pop(threading.get_ident(), None)
    if pool is not None:
        pool.shutdown(wait=True, kill_workers=kill)


def shutdown_children() -> int:
    """Stop every contained child process of this worker process; how many pools were stopped."""
    with _children_lock:
        pools = list(_children.values())
        _children.clear()
    for pool in pools:
        pool.shutdown(wait=True, kill_workers=True)
    return len(pools)


def relabel(value: Traced[Any], label: str, shift_ns: int = 0) -> Traced[Any]:
    """`value` with the worker labels of its process (`"<pid>:<thread>"`) renamed `label` (other
    threads of it: `label/<thread>`), and every timestamp shifted by `shift_ns`."""
    pid = value.worker.partition(":")[0]

    def name(worker: Any) -> Any:
        w = str(worker)
        p, _, thread = w.partition(":")
        if p != pid:
            return worker
        return label if thread == "MainThread" else f"{label}/{thread}"

    def walk(d: dict[str, Any]) -> dict[str, Any]:
        out = dict(d)
        for key in ("samples", "task_samples"):
            if d.get(key):
                out[key] = [[s[0] + shift_ns, s[1] + shift_ns, *map(name, s[2:])] for s in d[key]]
        if d.get("worker_labels"):
            out["worker_labels"] = [name(w) for w in d["worker_labels"]]
        if d.get("children"):
            out["children"] = [walk(c) for c in d["children"]]
        return out

    return replace(value, spans=walk(value.spans) if value.spans else value.spans, worker=name(value.worker),
                   start_ns=value.start_ns + shift_ns, end_ns=value.end_ns + shift_ns)


def run_on_worker(work: Callable[..., Traced[list[R]]], fn: Callable[[T], R], chunk: Sequence[T],
                  limit: float | None, origin: Clock) -> Traced[list[R]] | Lost:
    """The Dask task: run `work(fn, chunk)` in this worker thread's contained child process, within
    `limit` seconds; its `Traced`, relabelled `dask:<worker name>`, or `Lost` if the child died or
    overran (then it is killed). Exceptions of the work itself propagate."""
    from distributed import get_worker

    worker = get_worker()
    label = f"dask:{worker.name}"
    if worker.state.nthreads > 1:
        label += f"/{threading.current_thread().name}"
    future = _child_pool().submit(work, fn, chunk)
    try:
        value = future.result(timeout=limit)
    except cf.TimeoutError:
        _drop_child_pool(kill=True)
        return Lost("killed", f"deadline of {limit:g} s passed on {label}; its process was killed")
    except BrokenProcessPool as exc:  # loky's TerminatedWorkerError too
        _drop_child_pool(kill=True)
        return Lost("crashed", f"the process of {label} died ({type(exc).__name__})")
    here = local_clock()
    shift = 0 if here.boot_id == origin.boot_id else here.offset_ns - origin.offset_ns
    return relabel(value, label, shift)


# ------------------------------------------------------------------------------ on the client
class DaskBackend(PoolBackend):
    """Chunks of `map` as tasks on a Dask cluster: a `LocalCluster` of `workers` processes that the
    backend starts and stops, or the existing cluster at `scheduler` (`tcp://host:port`)."""

    name = "dask"

    def __init__(self, workers: int = 2, scheduler: str | None = None) -> None:
        super().__init__(workers)
        self.scheduler = scheduler
        self.client: Any = None
        self.cluster: Any = None
        self.startup_ns = 0
        self._stack: ExitStack | None = None

    def connect(self) -> Any:
        """The `distributed.Client` (the cluster is started, or connected to, on first call)."""
        if self.client is not None:
            return self.client
        import dask
        from distributed import Client, LocalCluster

        t0 = perf_counter_ns()
        stack = ExitStack()
        try:
            if self.scheduler:
                client = stack.enter_context(Client(self.scheduler, set_as_default=False))
            else:
                # the workers start contained child processes: they must not be daemonic (the nanny
                # reads this when it (re)starts a worker, so it holds while the cluster runs)
                stack.enter_context(dask.config.set({"distributed.worker.daemon": False}))
                with warnings.catch_warnings():  # no dashboard; its port (8787) may be taken by another cluster
                    warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
                    cluster = stack.enter_context(LocalCluster(
                        n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                        silence_logs=CLUSTER_LOG_LEVEL))
                client = stack.enter_context(Client(cluster, set_as_default=False))
                self.cluster = cluster
        except BaseException:
            stack.close()
            self.cluster = None
            raise
        self._stack = stack
        self.client = client
        self.startup_ns = perf_counter_ns() - t0
        return client

    @property
    def address(self) -> str:
        """The scheduler's address (connects if needed)."""
        return str(self.connect().scheduler.address)

    def worker_names(self) -> dict[str, str]:
        """Address -> name of every worker now in the cluster."""
        info = self.connect().scheduler_info(n_workers=-1)
        return {addr: str(w.get("name", addr)) for addr, w in info["workers"].items()}

    def map(self, fn: Callable[[T], R], items: Sequence[T], chunksize: int | None = None,
            deadline: float | None = None) -> list[R | Lost]:
        if not items:
            return []
        first = self.client is None
        client = call_in_span("pool_start", self.connect) if first else self.connect()  # cluster start: elapsed
        handle = current_span()
        if first:
            handle.set(dask_startup_ms=round(self.startup_ns / 1e6, 1))
        handle.set(dask_workers=len(self.worker_names()))
        chunks = self._chunks(items, chunksize)
        work = traced(run_chunk)
        origin = local_clock()
        keys: set[str] = set()

        def submit(chunk: Sequence[T]) -> Any:
            limit = deadline * min(len(chunk), CHUNK_DEADLINE_ITEMS) if deadline else None
            future = client.submit(run_on_worker, work, fn, chunk, limit, origin, pure=False,
                                   key=f"phasebench-chunk-{uuid.uuid4().hex}")
            keys.add(future.key)
            return future

        futures = [submit(c) for c in chunks]
        pending = list(futures)
        try:
            results: list[R | Lost] = []
            for chunk, future in zip(chunks, futures, strict=True):
                outcome = _settle(future)
                if not isinstance(outcome, Lost):
                    results.extend(handle.merge(outcome))
                    continue
                if len(chunk) == 1:
                    handle.add(f"items_{outcome.reason}")
                    results.append(outcome)
                    continue
                handle.add("chunks_retried")
                singles = [submit([item]) for item in chunk]  # alone, so that one bad item cannot take others
                pending += singles
                for single in singles:
                    alone = _settle(single)
                    if isinstance(alone, Lost):
                        handle.add(f"items_{alone.reason}")
                        results.append(alone)
                    else:
                        results.extend(handle.merge(alone))
            return results
        finally:
            client.cancel([f for f in pending if not f.done()], force=True)
            self._count_losses(keys)

    def _count_losses(self, keys: set[str]) -> None:
        """Count, on the calling span, workers that died while they held chunks of this map."""
        lost: set[str] = set()
        rescheduled: set[str] = set()
        try:
            events = self.client.get_events("all")
        except Exception:  # noqa: BLE001 - the scheduler may be gone; the results are what matter
            return
        for _, msg in events:
            if not isinstance(msg, dict) or msg.get("action") != "remove-worker" or msg.get("expected"):
                continue
            hit = keys & (set(msg.get("processing-tasks") or ()) | set(msg.get("lost-computed-tasks") or ()))
            if hit:
                lost.add(str(msg.get("worker")))
                rescheduled |= hit
        handle = current_span()
        handle.add("dask_workers_lost", len(lost))
        handle.add("dask_chunks_rescheduled", len(rescheduled))

    def close(self) -> None:
        """Close the client, and the cluster if this backend started it (its workers' child processes
        stop with them); with an existing cluster, stop the child processes this run started there."""
        if self._stack is None:
            return
        if self.cluster is None and self.client is not None:
            try:
                self.client.run(shutdown_children)
            except Exception:  # noqa: BLE001 - best effort: the cluster may be gone already
                pass
        stack, self._stack = self._stack, None
        self.client = self.cluster = None
        stack.close()


def _settle(future: Any) -> Traced[Any] | Lost:
    """A chunk's outcome; `Lost` when Dask gave up on it (its workers kept dying)."""
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as exc:
        return Lost("crashed", f"Dask gave up on the chunk: {exc}")


def _installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("distributed") is not None


register_backend("dask", lambda workers, scheduler=None, **_: DaskBackend(workers, scheduler=scheduler),
                 "chunks on a Dask cluster (a LocalCluster, or the one at `scheduler`)", available=_installed,
                 unavailable="dask.distributed is not installed (pip install -e '.[dask]')")


__all__ = ["Clock", "DaskBackend", "local_clock", "relabel", "run_on_worker",
           "shutdown_children"]
