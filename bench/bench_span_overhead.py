"""Overhead of a span: enter + exit, enabled (nested under an open span) and disabled.

Run:  pytest bench/bench_span_overhead.py --benchmark-only -q

Each benchmark round runs `LOOP` spans in a plain ``for`` loop (so pytest-benchmark's own call
overhead is spread over many spans); ``extra_info["per_span_median_ns"]`` is the round median divided
by `LOOP` (loop overhead of ~15 ns included).

The enabled nested span's budget is relative, never an absolute time a busy machine breaks: in the
same test, rounds of `LOOP` spans alternate with rounds of `LOOP` plain calls of an empty function,
and the fastest span round over the fastest plain-call round must stay within `BUDGET_CALLS` plain
calls (override with ``PHASEBENCH_SPAN_BUDGET_CALLS``). On the reference 2-core machine, next to two
CPU burners and two callgrind runs: 792-809 ns per span, 19.6-19.8 ns per plain call, ratio 40-41
(while the benchmark's median per span moved from 865 to 3,470 ns). Absolute times are reported in
``extra_info`` and printed, not asserted.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from harness import Recorder, span

LOOP = 1000
ROUNDS = 300
#: Rounds of the paired span / plain-call measurement.
PAIRED_ROUNDS = 200
BUDGET_CALLS = float(os.environ.get("PHASEBENCH_SPAN_BUDGET_CALLS", "80"))


def _with_loop() -> None:
    for _ in range(LOOP):
        with span("child"):
            pass


@span("decorated")
def _decorated() -> None:
    return None


def _decorated_loop() -> None:
    for _ in range(LOOP):
        _decorated()


def _plain() -> None:
    return None


def _plain_loop() -> None:
    for _ in range(LOOP):
        _plain()


def _empty_loop() -> None:
    for _ in range(LOOP):
        pass


@pytest.fixture
def nested(request: pytest.FixtureRequest) -> Iterator[Recorder]:
    """An active recorder with an open parent span, so benchmarked spans are nested children."""
    resolution = getattr(request, "param", None)
    kwargs: dict[str, Any] = {} if resolution is None else {"cpu_resolution_ns": resolution}
    with Recorder(**kwargs) as rec, span("parent"):
        yield rec


def _run(benchmark: Any, fn: Callable[[], None], label: str) -> float:
    benchmark.group = "span-overhead"
    benchmark.extra_info["spans_per_round"] = LOOP
    from benchlib import spread_rounds, time_one_round

    benchmark.pedantic(fn, rounds=spread_rounds(time_one_round(fn), ROUNDS, 20_000), warmup_rounds=20, iterations=1)
    per_span = benchmark.stats.stats.median / LOOP * 1e9
    benchmark.extra_info["per_span_median_ns"] = round(per_span, 1)
    print(f"\n{label}: median {per_span:.0f} ns per span")
    return per_span


def paired_ratio(fn: Callable[[], None], reference: Callable[[], None], rounds: int) -> tuple[float, float, float]:
    """``(fastest fn round ns, fastest reference round ns, their ratio)``, the two alternating round by round.

    The fastest rounds, not the medians: on a busy machine a round is often preempted, the longer one
    (the spans') far more often than the short one, which would move a ratio of medians with the load;
    the fastest of many rounds is a round that ran alone, for both."""
    a, b = [], []
    for _ in range(rounds):
        t0 = time.perf_counter_ns()
        fn()
        t1 = time.perf_counter_ns()
        reference()
        t2 = time.perf_counter_ns()
        a.append(t1 - t0)
        b.append(t2 - t1)
    return min(a), min(b), min(a) / max(1, min(b))


def test_span_enabled_nested(benchmark: Any, nested: Recorder) -> None:
    per_span = _run(benchmark, _with_loop, "enabled nested `with span` (default CPU resolution)")
    child = nested.tree.children["parent"].children["child"]
    assert child.count >= ROUNDS * LOOP  # at least ROUNDS rounds (more where spread over MIN_MEASURE_S)
    span_ns, plain_ns, ratio = paired_ratio(_with_loop, _plain_loop, PAIRED_ROUNDS)
    benchmark.extra_info.update(plain_call_median_ns=round(plain_ns / LOOP, 1), span_per_plain_call=round(ratio, 1))
    print(f"paired, fastest rounds: {span_ns / LOOP:.0f} ns per span, {plain_ns / LOOP:.1f} ns per plain call, "
          f"ratio {ratio:.1f} (budget {BUDGET_CALLS:g}); benchmark median {per_span:.0f} ns per span")
    assert ratio <= BUDGET_CALLS, (f"an enabled span costs {ratio:.0f} plain calls (fastest of {PAIRED_ROUNDS} paired "
                                   f"rounds each) > budget {BUDGET_CALLS:g}")


@pytest.mark.parametrize("nested", [0], indirect=True, ids=["cpu_resolution_0"])
def test_span_enabled_nested_exact_cpu(benchmark: Any, nested: Recorder) -> None:
    _run(benchmark, _with_loop, "enabled nested `with span`, CPU clock read at every boundary")


def test_span_enabled_decorated(benchmark: Any, nested: Recorder) -> None:
    _run(benchmark, _decorated_loop, "enabled decorated call (includes the call)")


def test_span_disabled(benchmark: Any) -> None:
    _run(benchmark, _with_loop, "disabled `with span`")


def test_span_disabled_decorated(benchmark: Any) -> None:
    _run(benchmark, _decorated_loop, "disabled decorated call (includes the call)")


def test_plain_call_baseline(benchmark: Any) -> None:
    _run(benchmark, _plain_loop, "baseline: plain call of an undecorated function")


def test_empty_loop_baseline(benchmark: Any) -> None:
    _run(benchmark, _empty_loop, "baseline: empty loop iteration")
