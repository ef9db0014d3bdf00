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
from harness.processors import consistency_issues, derive, merge_traced
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
    """busy ≈ 2 × wall within 30%; 2 workers; worker spans merged under the submitting span."""
    assert node.concurrent and node.concurrency == "workers"
    assert node.workers == 2
    assert node.tasks == tasks
    ratio = node.busy_ns / node.wall_ns
    assert 2 * 0.7 <= ratio <= 2 * 1.3, ratio
    assert node.wall_ns >= (tasks // 2) * TASK_S * 1e9 * 0.9
    child = node.children["validate_one"]
    assert child.remote and child.count == tasks and child.counters == {"samples": 2 * tasks}
    assert child.children["run_solver"].count == tasks
    # merged children's times are sums over workers: ≈ busy, ≈ 2 × the parent's wall
    assert abs(child.wall_ns - node.busy_ns) <= 0.1 * node.busy_ns


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
    assert pd["busy_ns"] == node.busy_ns and pd["workers"] == 2 and 0.7 <= pd["efficiency"] <= 1.0
    assert not any(c["name"] == "(unaccounted)" for c in pd["children"])  # no sequential gap
    assert consistency_issues(d) == []


def test_processes_merge_under_parent_with_busy_twice_wall() -> None:
    pool = get_reusable_executor(max_workers=2, timeout=30)
    try:
        pids = set(pool.map(_pid, range(8)))  # warm up both workers
        assert len(pids) == 2
        with Recorder() as rec:
            with span("phase4_score") as s:
                futures = [pool.submit(traced(sleepy_task), i) for i in range(4)]
                results = [merge_worker(s, f.result()) for f in futures]
    finally:
        pool.shutdown(wait=True, kill_workers=True)
    assert results == [0, 1, 4, 9]
    node = rec.tree.children["phase4_score"]
    _check_pool_node(node, 4)
    assert {label.split(":")[0] for label in node.worker_labels} == {str(p) for p in pids}
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
    assert gap["name"] == "(unaccounted)" and abs(gap["wall_ns"] - 60 * MS) <= 20 * MS


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
    # overlapping calls: wall is the covered time, busy the sum of the three latencies
    assert task.concurrency == "overlapping-calls" and task.workers == 3
    assert abs(task.wall_ns - 30 * MS) <= 15 * MS
    assert 2.5 <= task.busy_ns / task.wall_ns <= 3.01
    assert task.wall_ns <= same.wall_ns and not same.concurrent  # no sum-of-latencies in the parent
    mixed = root.children["gather_mixed"]
    assert set(mixed.children) == {"a", "b"}
    assert mixed.concurrency == "overlapping-children" and mixed.workers == 2
    assert mixed.children["a"].children["inner"].count == 1
    assert consistency_issues(derive(rec.tree)) == []


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
