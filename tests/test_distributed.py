"""The `dask` backend against a real LocalCluster of 2 worker processes: results and digest equal to
the other backends', spans merged under the caller with Dask worker names, containment of crashes and
hangs, a worker killed mid-run (Dask reschedules, the span says so), an existing cluster through
`scheduler=`, and nothing left running after `close()`."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import warnings
from dataclasses import replace

import pytest

pytest.importorskip("distributed")

from harness import (  # noqa: E402
    Recorder,
    cli,  # noqa: E402
    span,
)
from harness.concurrency import Traced  # noqa: E402
from solver_core.commands import settings_from  # noqa: E402
from solver_core.distributed import DaskBackend, local_clock, relabel  # noqa: E402
from solver_core.execution import Lost, memory_limit_kind  # noqa: E402
from solver_core.generator import GeneratorConfig  # noqa: E402
from solver_core.pipeline import RunSettings, run_pipeline  # noqa: E402
from solver_core.tasks import get_task  # noqa: E402
from solver_core.variants import get_variant  # noqa: E402

TINY = GeneratorConfig(parents=6, mutants=2)
TASKS = ("007bbfb7", "00d62c1b", "017c7c7b", "025d127b")
NAMES = {"dask:0", "dask:1"}


# ------------------------------------------------------------------ work sent to the workers
def square(x: int) -> int:
    with span("square"):
        return x * x


def fail(x: int) -> int:
    raise ValueError(f"bad item {x}")


def die_on_3(x: int) -> int:
    if x == 3:
        os._exit(7)
    return x + 1


def nap(x: int) -> int:
    time.sleep(0.2)
    return -x


def containment_state(_: int) -> dict:
    """What the process that runs a work item looks like from inside."""
    import resource

    from solver_core import containment

    return {"pid": os.getpid(), "sigint_ignored": signal.getsignal(signal.SIGINT) is signal.SIG_IGN,
            "contained": containment.worker_children() is not None, "stdout": os.readlink("/proc/self/fd/1"),
            "stderr": os.readlink("/proc/self/fd/2"), "memory_cap": resource.getrlimit(memory_limit_kind())[0],
            "recursion": sys.getrecursionlimit()}


def fork_a_sleeper(_: int) -> int:
    """A hostile item: a process in a session of its own that would outlive the chunk."""
    pid = os.fork()
    if pid == 0:
        os.setsid()
        time.sleep(60)
        os._exit(0)
    return pid


# ------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def backend():
    """One LocalCluster of 2 workers, started by the backend, shared by the map tests."""
    with DaskBackend(2) as b:
        yield b


@pytest.fixture(scope="module")
def cluster():
    """An existing cluster (as `dask scheduler` + `dask worker` would give), not owned by any backend."""
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.worker.daemon": False}):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
            c = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=50)
        with c, Client(c, set_as_default=False) as client:
            yield c, client


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    tasks = [get_task(t) for t in TASKS]
    out = tmp_path_factory.mktemp("baseline")
    return run_pipeline(tasks, RunSettings(get_variant("baseline"), out, generator=TINY)).digest


def _node(rec: Recorder, name: str) -> dict:
    found = [c for c in rec.tree.to_dict()["children"] if c["name"] == name]
    assert len(found) == 1
    return found[0]


# ------------------------------------------------------------------------------- map
def test_map_returns_results_in_order_and_merges_spans_with_worker_names(backend):
    with Recorder(keep_samples=True) as rec, span("m"):
        assert backend.map(square, list(range(23)), chunksize=3) == [x * x for x in range(23)]
    m = _node(rec, "m")
    assert m["tasks"] == 8 and m["concurrency"] == "workers"
    assert set(m["worker_labels"]) <= NAMES and m["worker_labels"]
    assert {s[2] for s in m["task_samples"]} <= NAMES
    assert m["children"][0]["name"] == "pool_start"  # the cluster's start: an elapsed row of its own
    sq = next(c for c in m["children"] if c["name"] == "square")
    assert sq["count"] == 23
    assert {s[2] for s in sq["samples"]} <= NAMES  # the timeline's per-call samples carry the names too
    assert m["attrs"]["dask_workers"] == 2
    assert m["counters"] == {"dask_workers_lost": 0, "dask_chunks_rescheduled": 0}


def test_map_of_nothing_and_without_a_recorder(backend):
    assert backend.map(square, []) == []
    assert backend.map(square, [4, 5]) == [16, 25]


def test_the_works_exception_propagates(backend):
    with pytest.raises(ValueError, match="bad item"):
        backend.map(fail, [1, 2, 3], chunksize=2)


def test_an_item_that_kills_its_process_is_lost_alone(backend):
    with Recorder() as rec, span("m"):
        out = backend.map(die_on_3, list(range(6)), chunksize=2)
    assert out[:3] == [1, 2, 3] and out[4:] == [5, 6]
    assert isinstance(out[3], Lost) and out[3].reason == "crashed"
    counters = _node(rec, "m")["counters"]
    assert counters["chunks_retried"] == 1 and counters["items_crashed"] == 1
    assert counters["dask_workers_lost"] == 0  # the contained child died, not the Dask worker
    assert backend.map(square, [3]) == [9]  # and the worker carries on


def test_an_item_past_its_deadline_is_killed_alone(backend):
    with Recorder() as rec, span("m"):
        # time.sleep travels by reference: nothing to import in a fresh child, so the deadline can be short
        out = backend.map(time.sleep, [0.01, 60, 0.01], chunksize=3, deadline=0.5)
    assert out[0] is None and out[2] is None
    assert isinstance(out[1], Lost) and out[1].reason == "killed"
    assert _node(rec, "m")["counters"]["items_killed"] == 1


# ------------------------------------------------------------------------------- containment
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_chunk_runs_contained_as_in_the_process_backends(backend):
    from solver_core.execution import WORKER_MEMORY_BYTES, WORKER_RECURSION_LIMIT, ProcessBackend

    (state,) = backend.map(containment_state, [0])
    assert state["pid"] not in set(backend.client.run(os.getpid).values())  # a child of the Dask worker
    assert state["sigint_ignored"] and state["contained"]
    assert state["stdout"] == state["stderr"] == os.devnull
    assert state["memory_cap"] <= WORKER_MEMORY_BYTES and state["recursion"] == WORKER_RECURSION_LIMIT
    with ProcessBackend(1) as loky:
        (reference,) = loky.map(containment_state, [0])
    assert {k: v for k, v in state.items() if k != "pid"} == {k: v for k, v in reference.items() if k != "pid"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_process_an_item_starts_does_not_outlive_its_chunk(backend):
    import psutil

    (pid,) = backend.map(fork_a_sleeper, [0])
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert backend.map(square, [5]) == [25]  # and the child carries on


# ------------------------------------------------------------------------------- pipeline
def test_pipeline_on_dask_gives_the_baseline_digest(baseline, tmp_path):
    tasks = [get_task(t) for t in TASKS]
    result = run_pipeline(tasks, RunSettings(get_variant("dask"), tmp_path, generator=TINY), workers=2)
    assert result.digest == baseline
    node = _node(result.recorder, "tasks")
    assert set(node["worker_labels"]) <= NAMES
    assert node["counters"]["dask_workers_lost"] == 0 and "tasks_rerun_contained" not in node["counters"]
    assert node["attrs"]["dask_startup_ms"] > 0


def test_a_worker_killed_mid_run_is_rescheduled_and_reported(baseline, cluster, tmp_path):
    c, client = cluster
    pids = client.run(os.getpid)
    killed: list[str] = []
    stop = threading.Event()

    def kill_the_first_busy_worker() -> None:
        while not stop.is_set():
            busy = [addr for addr, keys in client.processing().items()
                    if any(str(k).startswith("phasebench-chunk-") for k in keys)]
            if busy:
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(busy[0])
                return
            time.sleep(0.005)

    killer = threading.Thread(target=kill_the_first_busy_worker)
    killer.start()
    try:
        settings = RunSettings(get_variant("dask"), tmp_path, generator=TINY, scheduler=c.scheduler_address)
        result = run_pipeline([get_task(t) for t in TASKS], settings, workers=2)
    finally:
        stop.set()
        killer.join()
    assert killed, "no chunk of the run was ever seen running"
    assert result.digest == baseline
    counters = _node(result.recorder, "tasks")["counters"]
    assert counters["dask_workers_lost"] == 1 and counters["dask_chunks_rescheduled"] >= 1
    client.wait_for_workers(2, timeout=30)  # the nanny restarted it; the cluster is not ours to stop


def test_an_existing_cluster_is_left_running_without_our_child_processes(cluster):
    import psutil

    c, client = cluster
    with DaskBackend(2, scheduler=c.scheduler_address) as b:
        assert b.map(square, list(range(8))) == [x * x for x in range(8)]
        assert b.cluster is None
    assert len(client.scheduler_info()["workers"]) == 2

    def children_of_worker() -> list[str]:
        return [" ".join(p.cmdline()) for p in psutil.Process().children()
                if "resource_tracker" not in " ".join(p.cmdline())]

    assert all("LokyProcess" not in cmd for cmd in client.run(children_of_worker).values() for cmd in cmd)


def test_close_leaves_no_process_or_thread(accounting):
    from distributed.utils import _offload_executor

    _offload_executor.submit(int).result()  # distributed's one offload thread lives as long as the process
    before = accounting.quiet()
    b = DaskBackend(2)
    assert b.map(square, [1, 2, 3]) == [1, 4, 9]
    assert len(accounting.workers()) >= 2
    b.close()
    b.close()  # twice is harmless
    assert accounting.settled(before, timeout=10) == before


# ------------------------------------------------------------------------------- units
def test_relabel_renames_the_workers_labels_and_shifts_its_times():
    spans = {"name": "(task)", "samples": [[1, 2, "7:MainThread"]], "children": [
        {"name": "a", "samples": [[3, 4, "7:MainThread"], [5, 6, "7:pool_0"], [7, 8, "9:MainThread"]],
         "task_samples": [[3, 4, "7:MainThread"]], "worker_labels": ["7:MainThread", "9:MainThread"]}]}
    value = relabel(Traced([1], spans, "7:MainThread", 10, 20), "dask:w", 100)
    assert (value.worker, value.start_ns, value.end_ns, value.result) == ("dask:w", 110, 120, [1])
    a = value.spans["children"][0]
    assert a["samples"] == [[103, 104, "dask:w"], [105, 106, "dask:w/pool_0"], [107, 108, "9:MainThread"]]
    assert a["task_samples"] == [[103, 104, "dask:w"]] and a["worker_labels"] == ["dask:w", "9:MainThread"]
    assert spans["children"][0]["samples"][0][2] == "7:MainThread"  # the original is untouched
    assert local_clock().boot_id == local_clock().boot_id


def test_scheduler_option_reaches_the_run_settings(tmp_path):
    args = cli.build_parser().parse_args(["run", "--variant", "dask", "--scheduler", "tcp://10.0.0.5:8786"])
    assert settings_from(args, "dask", tmp_path).scheduler == "tcp://10.0.0.5:8786"
    args = cli.build_parser().parse_args(["run"])
    settings = settings_from(args, "dask", tmp_path)
    assert settings.scheduler is None and replace(settings, scheduler="x").scheduler == "x"
    assert get_variant("dask").task_backend == "dask"
