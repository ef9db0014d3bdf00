"""Execution backends: ordered results, span merging from workers, closures across processes, and
no threads or processes left behind by pipeline runs."""

from __future__ import annotations

import os
import threading
import time
from functools import partial

import pytest

from harness import Recorder, call_in_span, span
from solver_core import dsl
from solver_core.execution import (
    BACKENDS,
    Backend,
    ProcessBackend,
    ThreadBackend,
    backends,
    chunked,
    make_backend,
)
from solver_core.pipeline import RunSettings, run_pipeline
from solver_core.tasks import get_task
from solver_core.variants import get_variant

#: The names a variant may use, plus every other registered backend (e.g. "inline", "sandbox"); Dask
#: (a cluster per backend) has its own tests in test_distributed.py.
NAMES = ["serial", "threads", "processes"] + sorted(set(BACKENDS) - {"serial", "threads", "processes", "dask"})
#: Backends whose workers are other threads or processes (their spans are merged back).
POOLED = [n for n in NAMES if n not in ("serial", "inline")]


def _open(name: str) -> Backend:
    return make_backend(name, 2)


@pytest.fixture(scope="module")
def grids():
    task = get_task("007bbfb7")
    return [p.input for p in task.samples] + [p.output for p in task.samples]


# ------------------------------------------------------------------------------------- results
@pytest.mark.parametrize("chunksize", [None, 1, 7])
@pytest.mark.parametrize("name", NAMES)
def test_map_returns_results_in_order(name, chunksize, grids):
    items = list(range(53))
    with _open(name) as backend:
        assert backend.map(dsl.double, items, chunksize=chunksize) == [dsl.double(x) for x in items]
        assert backend.map(dsl.vmirror, grids, chunksize=chunksize) == [dsl.vmirror(g) for g in grids]
        assert backend.map(dsl.double, [], chunksize=chunksize) == []


@pytest.mark.parametrize("name", NAMES)
def test_map_raises_the_workers_exception(name):
    with _open(name) as backend, pytest.raises(ZeroDivisionError):
        backend.map(partial(dsl.divide, 10), [5, 2, 0, 1])


def test_chunked_covers_every_item_once():
    items = list(range(10))
    assert chunked(items, 3) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert [x for c in chunked(items, 4) for x in c] == items


def test_make_backend_names():
    threads = make_backend("threads", 3)
    assert isinstance(threads, ThreadBackend) and threads.workers == 3
    threads.close()
    processes = make_backend("processes", 2)
    assert isinstance(processes, ProcessBackend) and processes.workers == 2
    processes.close()
    with pytest.raises(ValueError, match="unknown backend 'gpu'.*serial.*threads.*processes"):
        make_backend("gpu")


# -------------------------------------------------------------------------------- span merging
@pytest.mark.parametrize("name", POOLED)
def test_worker_spans_merge_under_the_calling_span(name, span_lookup):
    pause = 0.03
    work = partial(call_in_span, "inner", time.sleep)
    with _open(name) as backend, Recorder() as rec:
        with span("outer"):
            assert backend.map(work, [pause] * 8, chunksize=2) == [None] * 8
    outer = span_lookup(rec.tree, "outer")
    inner = span_lookup(rec.tree, "inner")
    assert inner.path == ["run", "outer", "inner"]
    assert inner.remote and inner.count == 8
    assert inner.wall_ns >= 8 * pause * 1e9
    assert outer.concurrent and outer.concurrency == "workers"
    assert outer.tasks == 4  # chunks
    assert outer.attrs.get("chunksize", 2) == 2
    assert outer.workers == 2 and 1 <= len(outer.worker_labels) <= 2
    if name != "threads":
        assert all(int(label.split(":")[0]) != os.getpid() for label in outer.worker_labels)
    # busy time = the sum of the workers' task times, which hold the inner spans (and no less than the sleeps)
    assert 8 * pause * 1e9 <= inner.wall_ns <= outer.busy_ns
    exported = rec.to_dict()["tree"]
    (outer_dict,) = [c for c in exported["children"] if c["name"] == "outer"]
    assert outer_dict["busy_ns"] == outer.busy_ns and outer_dict["workers"] == 2


def _meet(barrier: threading.Barrier, pause: float) -> None:
    barrier.wait(timeout=60)  # returns only once the other task is running too
    time.sleep(pause)


def test_thread_backend_runs_its_tasks_at_once(span_lookup):
    """Two chunks on two threads meet at a barrier, so they run at once however loaded the machine is: their
    task intervals overlap, and busy (Σ task times) exceeds the time the tasks covered."""
    barrier = threading.Barrier(2)
    work = partial(call_in_span, "inner", _meet, barrier)
    with ThreadBackend(2) as backend, Recorder(keep_samples=True) as rec, span("outer"):
        assert backend.map(work, [0.03, 0.03], chunksize=1) == [None, None]
    outer = span_lookup(rec.tree, "outer")
    (a0, a1, wa), (b0, b1, wb) = outer.task_samples or []
    assert wa != wb and max(a0, b0) < min(a1, b1)  # two threads, overlapping
    assert outer.workers == 2 and outer.busy_ns == (a1 - a0) + (b1 - b0) > max(a1, b1) - min(a0, b0)


def test_in_process_backend_nests_spans_directly(span_lookup):
    with Recorder() as rec, span("outer"):
        Backend().map(partial(call_in_span, "inner", time.sleep), [0.001] * 3)
    outer, inner = span_lookup(rec.tree, "outer"), span_lookup(rec.tree, "inner")
    assert not outer.concurrent and inner.count == 3 and not inner.remote
    assert inner.path == ["run", "outer", "inner"]


def test_map_without_a_recorder_still_works():
    with ThreadBackend(2) as backend:
        assert backend.map(partial(call_in_span, "inner", abs), [-1, -2, 3]) == [1, 2, 3]


# ---------------------------------------------------------------------------- closures travel
def test_processes_backend_runs_dsl_closures(grids):
    closures = [
        dsl.compose(dsl.vmirror, dsl.hmirror),
        dsl.fork(dsl.hconcat, dsl.identity, dsl.vmirror),
        dsl.rbind(dsl.upscale, 2),
        dsl.power(dsl.rot90, 3),
        dsl.chain(dsl.dmirror, dsl.rot90, dsl.trim),
    ]
    with ProcessBackend(2) as backend:
        pids = backend.map(lambda _: os.getpid(), list(range(4)), chunksize=1)
        assert os.getpid() not in pids
        for fn in closures:
            safe = [g for g in grids if _ok(fn, g)]
            assert safe
            assert backend.map(fn, safe) == [fn(g) for g in safe]
        # a closure as the item, applied in the worker
        apply_to = partial(_apply, grids[0])
        assert backend.map(apply_to, closures[:4]) == [fn(grids[0]) for fn in closures[:4]]
    assert closures[0](grids[0]) == dsl.rot180(grids[0])


def _ok(fn, grid) -> bool:
    try:
        fn(grid)
    except Exception:
        return False
    return True


def _apply(grid, fn):
    return fn(grid)


# ------------------------------------------------------------------------------------- no leaks
def test_process_backend_workers_are_seen_and_then_gone(accounting):
    before = accounting.quiet()
    backend = ProcessBackend(2)
    backend.map(dsl.double, list(range(8)), chunksize=1)
    during = accounting.workers()
    assert len(during) >= 1 and all(pid != os.getpid() for pid, _ in during)
    backend.close()
    assert accounting.settled(before) == before


def test_backends_close_even_when_the_body_raises(accounting):
    before = accounting.quiet()
    with pytest.raises(RuntimeError), backends(["threads", "processes", "threads"], workers=2) as opened:
        assert sorted(opened) == ["processes", "threads"]
        opened["threads"].map(dsl.double, [1, 2, 3])
        opened["processes"].map(dsl.double, [1, 2, 3])
        raise RuntimeError("boom")
    assert accounting.settled(before) == before


def test_pipeline_runs_leave_no_threads_or_processes(accounting, tmp_path, small_config):
    tasks = [get_task(t) for t in ("007bbfb7", "00d62c1b", "017c7c7b")]
    before = accounting.quiet()
    assert before["workers"] == []
    digests = set()
    for n, variant in enumerate(["baseline", "fast", "phase4", "fast", "phase4"]):
        result = run_pipeline(tasks, RunSettings(get_variant(variant), tmp_path / f"{n}", generator=small_config),
                              workers=2)
        digests.add(result.digest)
        assert accounting.settled(before) == before, variant
    assert len(digests) == 1


# ----------------------------------------------------------------------------- memory cap kind
def test_the_memory_cap_is_the_address_space_without_a_usable_gpu(monkeypatch):
    import importlib.util
    import resource

    from solver_core import execution

    real_find = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "cupy" else real_find(name, *a))
    monkeypatch.setattr(execution, "_gpu_driver_present", lambda: True)
    assert execution.memory_limit_kind() == resource.RLIMIT_AS  # no CuPy


def test_the_memory_cap_spares_cuda_reservations_where_cupy_can_reach_a_gpu(monkeypatch):
    import importlib.machinery
    import importlib.util
    import resource

    from solver_core import execution

    real_find = importlib.util.find_spec
    fake = importlib.machinery.ModuleSpec("cupy", None)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: fake if name == "cupy" else real_find(name, *a))
    monkeypatch.setattr(execution, "_gpu_driver_present", lambda: True)
    monkeypatch.delenv("PHASEBENCH_ARRAY_BACKEND", raising=False)
    assert execution.memory_limit_kind() == resource.RLIMIT_DATA
    monkeypatch.setenv("PHASEBENCH_ARRAY_BACKEND", "numpy")  # the GPU turned off: the strict cap again
    assert execution.memory_limit_kind() == resource.RLIMIT_AS
    monkeypatch.delenv("PHASEBENCH_ARRAY_BACKEND")
    monkeypatch.setattr(execution, "_gpu_driver_present", lambda: False)  # CuPy but no driver
    assert execution.memory_limit_kind() == resource.RLIMIT_AS


def _allocate_under_data_cap(_: int) -> str:
    import resource

    resource.setrlimit(resource.RLIMIT_DATA, (512 * 1024**2, resource.getrlimit(resource.RLIMIT_DATA)[1]))
    try:
        bytearray(1024**3)  # a memory bomb: 1 GiB of writable memory
    except MemoryError:
        return "MemoryError"
    return "allocated"


@pytest.mark.skipif(os.uname().sysname != "Linux", reason="RLIMIT_DATA counts mmap from Linux 4.7 on")
def test_a_memory_bomb_still_fails_under_the_data_cap():
    from solver_core.execution import SandboxBackend

    with SandboxBackend(1) as box:  # a process of its own: the cap must not reach the test process
        assert box.map(_allocate_under_data_cap, [0]) == ["MemoryError"]


# ------------------------------------------------------------------ forked: workers that start warm
_LOADED: list[int] = []


def _load_here() -> None:
    _LOADED.append(os.getpid())


def _what_was_loaded(_: int) -> list[int]:
    return list(_LOADED)


def test_forked_workers_start_with_what_preload_loaded_once_in_the_parent():
    _LOADED.clear()
    with make_backend("forked", 2, preload=_load_here) as backend:
        seen = backend.map(_what_was_loaded, [1, 2, 3, 4], chunksize=1)
    assert _LOADED == [os.getpid()]  # once, here
    assert seen == [[os.getpid()]] * 4  # and every worker has it without loading it again


def test_with_a_profiler_running_forked_workers_start_afresh():
    import sys

    _LOADED.clear()
    sys.setprofile(lambda *args: None)  # e.g. a profile pass: its state must not be half-copied into workers
    try:
        with make_backend("forked", 2, preload=_load_here) as backend:
            seen = backend.map(_what_was_loaded, [1, 2], chunksize=1)
    finally:
        sys.setprofile(None)
    assert seen == [[], []]  # fresh interpreters: nothing of this process's state
