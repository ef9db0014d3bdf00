"""Spans and the recorder: nesting, aggregation, attributes, disabled mode, the unaccounted gap."""

from __future__ import annotations

import asyncio
import time

import pytest

from harness import Recorder, call_in_span, current_span, span
from harness.clock import ManualClock
from harness.context import CURRENT
from harness.processors import UNACCOUNTED, add_unaccounted
from harness.span import NOOP

MS = 1_000_000


def _spin_cpu(ns: int) -> None:
    """Compute until this process has used `ns` more CPU time (however long a loaded machine makes it)."""
    end = time.process_time_ns() + ns
    while time.process_time_ns() < end:
        pass


def _manual() -> tuple[ManualClock, Recorder]:
    """A recorder on a manual clock: every span's wall and CPU time is exactly what the test advanced."""
    clock = ManualClock()
    return clock, Recorder(wall_clock=clock.wall, cpu_read=clock.cpu, cpu_resolution_ns=0)


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
    clock, rec = _manual()
    with rec:
        with span("load"):
            pass
        for i in range(5):
            with span("score"):
                clock.sleep(1 * MS)
                with span("batt"):
                    clock.sleep((i + 1) * MS)
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
    assert (batt.wall_ns, score.wall_ns, root.wall_ns) == (15 * MS, 20 * MS, 20 * MS)  # 1+2+3+4+5, + 5 × 1
    assert (batt.min_ns, batt.max_ns) == (1 * MS, 5 * MS) and (score.min_ns, score.max_ns) == (2 * MS, 6 * MS)
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
    """Computing shows as CPU time, waiting does not (a manual clock: the numbers are exact)."""
    clock, rec = _manual()
    with rec:
        with span("spin"):
            clock.spin(30 * MS)
        with span("sleep"):
            clock.sleep(30 * MS)
        with span("mixed"):
            clock.spin(10 * MS)
            clock.sleep(20 * MS)
    spin, sleep, mixed = (rec.tree.children[n] for n in ("spin", "sleep", "mixed"))
    assert (spin.wall_ns, spin.cpu_ns) == (30 * MS, 30 * MS)
    assert (sleep.wall_ns, sleep.cpu_ns) == (30 * MS, 0)
    assert (mixed.wall_ns, mixed.cpu_ns) == (30 * MS, 10 * MS)
    assert (rec.tree.wall_ns, rec.tree.cpu_ns) == (90 * MS, 40 * MS)


def test_cpu_time_comes_from_the_process_clock() -> None:
    """The real CPU clock: a span that computes until 5 ms of CPU are used shows at least 5 ms of CPU
    (a loaded machine only stretches its wall time)."""
    with Recorder(cpu_resolution_ns=0) as rec:
        with span("spin"):
            _spin_cpu(5 * MS)
    spin = rec.tree.children["spin"]
    assert spin.cpu_ns >= 5 * MS and rec.tree.cpu_ns >= spin.cpu_ns
    assert rec.to_dict()["process"] is not None  # real clocks: the record has its process section


def test_untimed_sleep_shows_as_unaccounted() -> None:
    """An untimed 50 ms wait inside a parent (a manual clock): (unaccounted) = exactly 50 ms."""
    clock, rec = _manual()
    with rec:
        with span("check_batt"):
            with span("score"):
                clock.sleep(10 * MS)
            clock.spin(20 * MS)  # the "mystery" time: inside the parent, in no child
            clock.sleep(30 * MS)
            with span("filter"):
                clock.sleep(5 * MS)
    tree = add_unaccounted(rec.tree)
    parent = tree["children"][0]
    gap = parent["children"][-1]
    assert gap["name"] == UNACCOUNTED and gap["synthetic"]
    assert (gap["wall_ns"], gap["cpu_ns"]) == (50 * MS, 20 * MS)
    assert gap["significant"] and gap["share"] == pytest.approx(50 / 65)
    assert gap["wall_ns"] == parent["wall_ns"] - sum(c["wall_ns"] for c in parent["children"][:-1])
    # the same row is in the saved record (which, on injected clocks, has no process section)
    saved = rec.to_dict()
    rec_gap = saved["tree"]["children"][0]["children"][-1]
    assert rec_gap["name"] == UNACCOUNTED and rec_gap["wall_ns"] == 50 * MS
    assert saved["process"] is None


def test_untimed_real_sleep_is_at_least_its_length() -> None:
    """On the real clock the gap holds the whole untimed sleep: >= 50 ms (load can only add to it)."""
    with Recorder() as rec:
        with span("check_batt"):
            with span("score"):
                pass
            time.sleep(0.05)
    gap = add_unaccounted(rec.tree)["children"][0]["children"][-1]
    assert gap["name"] == UNACCOUNTED and gap["wall_ns"] >= 50 * MS


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
