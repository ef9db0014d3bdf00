"""Work in threads, processes and asyncio tasks: merged under the submitting span, busy ≠ wall."""

from __future__ import annotations

import asyncio
import os
import pickle
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from loky import get_reusable_executor

from harness import Recorder, Traced, current_span, merge_worker, span, traced, traced_from_exception
from harness.clock import ManualClock
from harness.processors import NO_WORKER_BUSY, consistency_issues, derive, merge_traced
from harness.processors.consistency import CHILDREN_EXCEED_PARENT, IMPOSSIBLE_EFFICIENCY
from harness.span import NOOP

MS = 1_000_000
TASK_S = 0.1


def sleepy_task(i: int) -> int:
    """Module-level so that it pickles by reference for process pools."""
    with span("validate_one", index=i) as s:
        with span("run_solver"):
            time.sleep(TASK_S)
        s.add("samples", 2)
    return i * i


def failing_task(i: int) -> int:
    with span("before_failure"):
        pass
    raise RuntimeError(f"task {i} failed")


def _check_pool_node(node: Any, tasks: int) -> None:
    """Worker spans merged under the submitting span of a 2-worker pool; times no less than the sleeps.

    Only directions that load cannot reverse: every task sleeps TASK_S, so busy (Σ task times) is at
    least tasks × TASK_S and the wall at least the tasks of the busier worker. The exact arithmetic
    (busy = Σ, efficiency = busy / (workers × wall)) is tested on a manual clock below.
    """
    assert node.concurrent and node.concurrency == "workers"
    assert 1 <= node.workers == len(node.worker_labels) <= 2
    assert node.tasks == tasks
    assert node.busy_ns >= tasks * TASK_S * 1e9
    assert node.wall_ns >= (tasks // 2) * TASK_S * 1e9  # ≤ 2 workers: one of them ran ≥ tasks / 2 of them
    assert node.wall_ns * node.workers >= node.busy_ns  # each worker's tasks lie inside the span, one at a time
    child = node.children["validate_one"]
    assert child.remote and child.count == tasks and child.counters == {"samples": 2 * tasks}
    assert child.children["run_solver"].count == tasks
    # merged children's times are sums over workers, each inside its task: between the sleeps and busy
    assert tasks * TASK_S * 1e9 <= child.wall_ns <= node.busy_ns


def test_threads_merge_under_parent_with_busy_twice_wall() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda _: None, range(4)))  # start both threads before timing
        with Recorder(keep_samples=True) as rec:
            with span("phase3a_validate") as s:
                futures = [pool.submit(traced(sleepy_task), i) for i in range(4)]
                results = [s.merge(f.result()) for f in futures]
    assert results == [0, 1, 4, 9]
    node = rec.tree.children["phase3a_validate"]
    _check_pool_node(node, 4)
    assert all(label.split(":")[0] == str(os.getpid()) for label in node.worker_labels)
    assert len(node.task_samples or []) == 4
    samples = node.children["validate_one"].samples or []
    assert len(samples) == 4 and {w for _, _, w in samples} == set(node.worker_labels)
    # task intervals lie inside the submitting span (same monotonic clock)
    ((p_start, p_end, _),) = node.samples or []
    assert all(p_start <= s0 <= s1 <= p_end for s0, s1, _ in node.task_samples or [])
    d = derive(rec.tree)
    pd = d["children"][0]
    assert pd["busy_ns"] == node.busy_ns and pd["workers"] == node.workers and 0 < pd["efficiency"] <= 1.0
    assert not any(c["name"] == "(unaccounted)" for c in pd["children"])  # no sequential gap
    assert consistency_issues(d) == []


def test_processes_merge_under_parent_with_busy_twice_wall() -> None:
    pool = get_reusable_executor(max_workers=2, timeout=30)
    try:
        pids: set[int] = set()
        while len(pids) < 2:  # warm up both workers (however long a loaded machine takes to start them)
            pids |= set(pool.map(_pid, range(8)))
        with Recorder() as rec:
            with span("phase4_score") as s:
                futures = [pool.submit(traced(sleepy_task), i) for i in range(4)]
                results = [merge_worker(s, f.result()) for f in futures]
    finally:
        pool.shutdown(wait=True, kill_workers=True)
    assert results == [0, 1, 4, 9]
    node = rec.tree.children["phase4_score"]
    _check_pool_node(node, 4)
    assert {label.split(":")[0] for label in node.worker_labels} <= {str(p) for p in pids}
    assert consistency_issues(derive(rec.tree)) == []


def _pid(_: int) -> int:
    time.sleep(0.05)
    return os.getpid()


def test_named_task_shows_worker_side_gap() -> None:
    def task(i: int) -> int:
        with span("inner"):
            time.sleep(0.01)
        time.sleep(0.03)  # untimed inside the worker
        return i

    with ThreadPoolExecutor(max_workers=2) as pool, Recorder() as rec, span("pool") as s:
        for f in [pool.submit(traced(task, name="task"), i) for i in range(2)]:
            s.merge(f.result())
    tree = derive(rec.tree)
    task_node = tree["children"][0]["children"][0]
    assert task_node["name"] == "task" and task_node["count"] == 2
    gap = task_node["children"][-1]
    # the two untimed 30 ms sleeps at least (load only adds to the gap); exact figures: see the manual-clock test
    assert gap["name"] == "(unaccounted)" and gap["wall_ns"] >= 60 * MS
    assert gap["wall_ns"] == task_node["wall_ns"] - task_node["children"][0]["wall_ns"]


def test_traced_is_picklable_and_works_disabled() -> None:
    call = traced(sleepy_task)
    assert pickle.loads(pickle.dumps(call)).fn is sleepy_task
    value = call(3)  # no recorder active: only the task is timed
    assert isinstance(value, Traced) and value.result == 9 and value.spans == {}
    assert value.end_ns - value.start_ns >= TASK_S * 1e9 * 0.9
    with span("nothing") as s:
        assert s.merge(value) == 9


def test_failed_task_carries_its_spans() -> None:
    with ThreadPoolExecutor(max_workers=1) as pool, Recorder() as rec, span("pool") as s:
        future = pool.submit(traced(failing_task), 1)
        with pytest.raises(RuntimeError) as info:
            s.merge(future.result())
        partial = traced_from_exception(info.value)
        assert partial is not None and partial.result is None
        s.merge(partial)
    node = rec.tree.children["pool"]
    assert node.tasks == 1 and node.children["before_failure"].count == 1


def test_plain_threads_start_disabled() -> None:
    seen: list[object] = []
    with Recorder() as rec, span("parent"):
        thread = threading.Thread(target=lambda: seen.append(current_span()))
        thread.start()
        thread.join()
    assert seen == [NOOP] and list(rec.tree.children["parent"].children) == []


def test_merge_traced_is_pure() -> None:
    with Recorder() as rec, span("parent"):
        pass
    before = rec.tree.to_dict()
    v = Traced(
        1,
        {
            "name": "(task)",
            "wall_ns": 5,
            "cpu_ns": 1,
            "count": 1,
            "children": [{"name": "w", "wall_ns": 4, "cpu_ns": 1, "count": 1, "children": []}],
        },
        "1:t",
        0,
        5,
    )
    merged = merge_traced(before, v, ["run", "parent"])
    assert rec.tree.to_dict() == before
    parent = merged["children"][0]
    assert parent["busy_ns"] == 5 and parent["workers"] == 1 and parent["children"][0]["name"] == "w"
    with pytest.raises(KeyError):
        merge_traced(before, v, ["run", "missing"])


async def _task(name: str, delay: float) -> None:
    with span(name), span("inner"):
        await asyncio.sleep(delay)


async def _amain() -> None:
    with span("gather_same"):
        await asyncio.gather(*(_task("task", 0.03) for _ in range(3)))
    with span("gather_mixed"):
        await asyncio.gather(_task("a", 0.03), _task("b", 0.03))


def test_asyncio_tasks_nest_under_their_creator() -> None:
    with Recorder() as rec:
        asyncio.run(_amain())
    root = rec.tree
    assert list(root.children) == ["gather_same", "gather_mixed"]
    same = root.children["gather_same"]
    assert list(same.children) == ["task"]  # tasks never nest inside each other
    task = same.children["task"]
    assert list(task.children) == ["inner"] and task.count == 3
    # overlapping calls: wall is the covered time, busy the sum of the three latencies. All three start
    # in one turn of the event loop, before any sleep ends: they overlap, so wall < busy <= 3 × wall
    # (exact figures: the manual-clock test below)
    assert task.concurrency == "overlapping-calls" and task.workers == 3
    assert task.wall_ns >= 30 * MS and task.busy_ns >= 3 * 30 * MS
    assert task.wall_ns < task.busy_ns <= 3 * task.wall_ns
    assert task.wall_ns <= same.wall_ns and not same.concurrent  # no sum-of-latencies in the parent
    mixed = root.children["gather_mixed"]
    assert set(mixed.children) == {"a", "b"}
    assert mixed.concurrency == "overlapping-children" and mixed.workers == 2
    assert mixed.children["a"].children["inner"].count == 1
    assert consistency_issues(derive(rec.tree)) == []


def _worker_task(i: int, start: int, worker: str, inner: dict[str, Any] | None = None, *, task: str | None = None,
                 wall: int = 100 * MS, cpu: int = 30 * MS) -> Traced[int]:
    """What a worker returns for task `i` that ran [start, start + wall) on the manual clock."""
    run = {"name": "run_solver", "wall_ns": 80 * MS, "cpu_ns": cpu, "count": 1, "children": []}
    one = inner or {"name": "validate_one", "wall_ns": 90 * MS, "cpu_ns": cpu, "count": 1, "counters": {"samples": 2},
                    "children": [run]}
    root = {"name": task or "(task)", "wall_ns": wall, "cpu_ns": cpu, "count": 1, "children": [one]}
    return Traced(i * i, root, worker, start, start + wall, cpu, task)


def test_busy_efficiency_and_idle_time_on_a_manual_clock() -> None:
    """2 workers × 2 tasks of 100 ms in a 300 ms span: busy = Σ task times = 400 ms, efficiency = busy /
    (workers × wall) = 400 / 600, (no worker busy) = wall − union of the tasks = 300 − 250 ms; exact."""
    clock = ManualClock()
    with Recorder(wall_clock=clock.wall, cpu_read=clock.cpu) as rec:
        with span("phase3a_validate") as s:
            t0 = clock.wall()
            clock.sleep(300 * MS)
            starts = [(0, "1:w1"), (100, "1:w1"), (50, "1:w2"), (150, "1:w2")]  # [0, 250) covered
            results = [s.merge(_worker_task(i, t0 + at * MS, w)) for i, (at, w) in enumerate(starts)]
    assert results == [0, 1, 4, 9]
    node = rec.tree.children["phase3a_validate"]
    assert (node.wall_ns, node.busy_ns, node.workers, node.tasks) == (300 * MS, 400 * MS, 2, 4)
    child = node.children["validate_one"]
    assert child.remote and (child.count, child.wall_ns, child.cpu_ns) == (4, 360 * MS, 120 * MS)
    assert child.children["run_solver"].wall_ns == 320 * MS and child.counters == {"samples": 8}
    pd = derive(rec.tree)["children"][0]
    assert pd["busy_ns"] == 400 * MS and pd["busy_union_ns"] == 250 * MS
    assert pd["efficiency"] == pytest.approx(400 / 600) and pd["cpu_efficiency"] == pytest.approx(120 / 600)
    idle = [c for c in pd["children"] if c["name"] == NO_WORKER_BUSY]
    assert [c["wall_ns"] for c in idle] == [50 * MS]
    assert not any(c["name"] == "(unaccounted)" for c in pd["children"])  # concurrent: no sequential gap
    assert consistency_issues(derive(rec.tree)) == []


def test_named_task_gap_on_a_manual_clock() -> None:
    """A named task of 40 ms whose span `inner` took 10 ms, run twice: the task's (unaccounted) = 2 × 30 ms."""
    clock = ManualClock()
    inner = {"name": "inner", "wall_ns": 10 * MS, "cpu_ns": 0, "count": 1, "children": []}
    with Recorder(wall_clock=clock.wall, cpu_read=clock.cpu) as rec, span("pool") as s:
        t0 = clock.wall()
        clock.sleep(40 * MS)
        for i in range(2):
            s.merge(_worker_task(i, t0, f"1:w{i}", inner, task="task", wall=40 * MS, cpu=0))
    task_node = derive(rec.tree)["children"][0]["children"][0]
    assert task_node["name"] == "task" and task_node["count"] == 2 and task_node["wall_ns"] == 80 * MS
    rows = [(c["name"], c["wall_ns"]) for c in task_node["children"]]
    assert rows == [("inner", 20 * MS), ("(unaccounted)", 60 * MS)]


async def _manual_task(clock: ManualClock, ms: int) -> None:
    with span("task"):
        await asyncio.sleep(0)  # every task enters before any leaves
        clock.sleep(ms * MS)


def test_overlapping_calls_on_a_manual_clock() -> None:
    """Three asyncio tasks enter at t = 0 and leave at 10, 20, 30 ms: wall is the covered 30 ms, busy the
    summed latencies 10 + 20 + 30 = 60 ms, three calls at once."""
    clock = ManualClock()

    async def main() -> None:
        with span("gather"):
            await asyncio.gather(*(_manual_task(clock, 10) for _ in range(3)))

    with Recorder(wall_clock=clock.wall, cpu_read=clock.cpu) as rec:
        asyncio.run(main())
    gather = rec.tree.children["gather"]
    task = gather.children["task"]
    assert task.concurrency == "overlapping-calls" and task.workers == 3 and task.count == 3
    assert (task.wall_ns, task.busy_ns, gather.wall_ns) == (30 * MS, 60 * MS, 30 * MS)
    assert (task.min_ns, task.max_ns) == (10 * MS, 30 * MS)
    assert not gather.concurrent and consistency_issues(derive(rec.tree)) == []


def _node(name: str, wall: int, children: list[dict[str, Any]] | None = None, **kw: Any) -> dict[str, Any]:
    return {"name": name, "wall_ns": wall, "cpu_ns": 0, "count": 1, "children": children or [], **kw}


def test_impossible_efficiency_is_flagged() -> None:
    """The "225% efficiency from 4 GIL-bound threads" kind of number is flagged, with the node's path."""
    fake = _node(
        "run",
        10 * MS,
        [
            _node("validate", 1 * MS, concurrent=True, concurrency="workers", busy_ns=5 * MS, workers=2),
        ],
    )
    issues = consistency_issues(fake)
    assert [i.kind for i in issues] == [IMPOSSIBLE_EFFICIENCY]
    assert issues[0].path == ("run", "validate") and "250%" in issues[0].message
    assert "run/validate" in str(issues[0])


def test_sum_of_latencies_is_flagged() -> None:
    """Children summing to more than a sequential parent (the "37.7× faster" mistake) are flagged."""
    fake = _node("check_batt", 371 * MS, [_node("check_solver_speed", 6984 * MS)])
    issues = consistency_issues(fake)
    assert [i.kind for i in issues] == [CHILDREN_EXCEED_PARENT]
    assert issues[0].path == ("check_batt",)
    # declaring the node concurrent with enough workers makes the same numbers consistent
    fake.update(concurrent=True, concurrency="declared", busy_ns=6984 * MS, workers=32)
    assert consistency_issues(fake) == []


def test_declared_workers() -> None:
    with Recorder() as rec, span("pool", workers=2):
        with span("x"):
            time.sleep(0.001)
    node = rec.tree.children["pool"]
    assert node.concurrency == "declared" and node.workers == 2 and "workers" not in node.attrs
