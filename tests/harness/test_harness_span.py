"""Spans and the recorder: nesting, aggregation, attributes, disabled mode, the unaccounted gap."""

from __future__ import annotations

import asyncio
import time

import pytest

from harness import Recorder, call_in_span, current_span, span
from harness.context import CURRENT
from harness.processors import UNACCOUNTED, add_unaccounted
from harness.span import NOOP

MS = 1_000_000


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_disabled_mode_is_a_noop() -> None:
    assert CURRENT.get() is None
    with span("x", a=1) as s:
        assert s is NOOP
        s.set(b=2)
        s.add("c")
        assert current_span() is NOOP

    @span("decorated")
    def f(x: int) -> int:
        return x + 1

    assert f(1) == 2
    assert call_in_span("adhoc", f, 2) == 3
    assert CURRENT.get() is None


def test_spans_nest_and_aggregate_in_execution_order() -> None:
    with Recorder() as rec:
        with span("load"):
            pass
        for _ in range(5):
            with span("score"):
                with span("batt"):
                    time.sleep(0.001)
        with span("filter"):
            pass
        with span("load"):  # repeats aggregate into the first node, order of first appearance kept
            pass
    root = rec.tree
    assert root.count == 1
    assert list(root.children) == ["load", "score", "filter"]
    score = root.children["score"]
    assert score.count == 5 and root.children["load"].count == 2
    batt = score.children["batt"]
    assert batt.count == 5
    assert 5 * MS <= batt.wall_ns <= score.wall_ns <= root.wall_ns
    assert batt.min_ns <= batt.max_ns and batt.min_ns >= 1 * MS
    assert not score.concurrent and score.busy_ns == score.wall_ns and score.workers == 1
    assert CURRENT.get() is None


def test_attrs_counters_and_current_span() -> None:
    with Recorder() as rec:
        for n in (149, 120):
            with span("phase1_filter", candidates_in=n) as s:
                s.set(candidates_out=32)
                current_span().add("duplicates", 10)
                current_span().add("duplicates")
    node = rec.tree.children["phase1_filter"]
    assert node.attrs == {"candidates_in": 120, "candidates_out": 32}  # last value wins
    assert node.counters == {"duplicates": 22}  # counters sum
    d = rec.to_dict()["tree"]["children"][0]
    assert d["attrs"]["candidates_in"] == 120 and d["counters"]["duplicates"] == 22


def test_cpu_time_is_recorded() -> None:
    with Recorder(cpu_resolution_ns=0) as rec:
        with span("spin"):
            _spin(0.03)
        with span("sleep"):
            time.sleep(0.03)
    spin, sleep = rec.tree.children["spin"], rec.tree.children["sleep"]
    # CPU-bound: cpu ≈ wall on an idle machine (≥ 5 of 30 ms even when the cores are shared)
    assert 5 * MS <= spin.cpu_ns <= spin.wall_ns * 1.1
    assert sleep.cpu_ns <= 5 * MS  # sleeping: little CPU
    assert rec.tree.cpu_ns >= spin.cpu_ns


def test_untimed_sleep_shows_as_unaccounted() -> None:
    """An untimed 50 ms sleep inside a parent: (unaccounted) = 50 ms ± 15 ms."""
    with Recorder() as rec:
        with span("check_batt"):
            with span("score"):
                time.sleep(0.01)
            time.sleep(0.05)  # the "mystery" time: inside the parent, in no child
            with span("filter"):
                time.sleep(0.005)
    tree = add_unaccounted(rec.tree)
    parent = tree["children"][0]
    gap = parent["children"][-1]
    assert gap["name"] == UNACCOUNTED and gap["synthetic"]
    assert abs(gap["wall_ns"] - 50 * MS) <= 15 * MS, gap["wall_ns"]
    assert gap["significant"] and gap["share"] > 0.5
    assert gap["wall_ns"] == parent["wall_ns"] - sum(c["wall_ns"] for c in parent["children"][:-1])
    # the same row is in the saved record
    rec_gap = rec.to_dict()["tree"]["children"][0]["children"][-1]
    assert rec_gap["name"] == UNACCOUNTED and abs(rec_gap["wall_ns"] - 50 * MS) <= 15 * MS


def test_decorator_sync_async_and_generators() -> None:
    @span("sync_phase", kind="sync")
    def sync_phase(x: int) -> int:
        return x * 2

    @span("async_phase")
    async def async_phase(x: int) -> int:
        await asyncio.sleep(0.001)
        return x * 3

    with Recorder() as rec:
        assert sync_phase(2) == 4
        assert asyncio.run(async_phase(2)) == 6
        assert call_in_span("adhoc", sum, [1, 2, 3]) == 6
    assert set(rec.tree.children) == {"sync_phase", "async_phase", "adhoc"}
    assert rec.tree.children["sync_phase"].attrs == {"kind": "sync"}
    assert rec.tree.children["async_phase"].wall_ns >= 1 * MS
    assert sync_phase.__name__ == "sync_phase"

    with pytest.raises(TypeError, match="generator"):

        @span("gen")
        def gen() -> object:
            yield 1


def test_exceptions_are_counted_and_context_restored() -> None:
    with Recorder() as rec:
        for _ in range(3):
            with pytest.raises(ValueError), span("fails"):
                raise ValueError("boom")
        assert CURRENT.get() is rec.tree
    node = rec.tree.children["fails"]
    assert node.count == 3 and node.counters == {"raised": 3}


def test_recursion_nests_and_keep_samples() -> None:
    def rec_fn(n: int) -> None:
        with span("level"):
            if n:
                rec_fn(n - 1)

    with Recorder(keep_samples=True) as rec:
        rec_fn(2)
        rec_fn(0)
    level = rec.tree.children["level"]
    assert level.count == 2 and level.children["level"].children["level"].count == 1
    assert len(level.samples or []) == 2
    start, end, worker = (level.samples or [])[0]
    assert start < end and worker.endswith(":MainThread")
    d = rec.to_dict()["tree"]["children"][0]
    assert len(d["samples"]) == 2


def test_recorder_reentry_aggregates_and_nesting_recorders_are_private() -> None:
    rec = Recorder(name="outer")
    with rec:
        with span("a"):
            pass
        with pytest.raises(RuntimeError):
            rec.__enter__()
        with Recorder(name="inner") as inner, span("b"):
            pass
        with span("c"):
            pass
    with rec, span("a"):
        pass
    assert rec.tree.count == 2
    assert list(rec.tree.children) == ["a", "c"] and rec.tree.children["a"].count == 2
    assert list(inner.tree.children) == ["b"]
