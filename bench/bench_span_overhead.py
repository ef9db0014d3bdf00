"""Overhead of a span: enter + exit, enabled (nested under an open span) and disabled.

Run:  pytest bench/bench_span_overhead.py --benchmark-only -q

Each benchmark round runs `LOOP` spans in a plain ``for`` loop (so pytest-benchmark's own call
overhead is spread over many spans); ``extra_info["per_span_median_ns"]`` is the round median divided
by `LOOP` (loop overhead of ~15 ns included). The enabled nested span must stay within the budget,
1.5 µs median on the reference 2-core machine (override with ``PHASEBENCH_SPAN_BUDGET_NS``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from harness import Recorder, span

LOOP = 1000
ROUNDS = 300
BUDGET_NS = float(os.environ.get("PHASEBENCH_SPAN_BUDGET_NS", "1500"))


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
    benchmark.pedantic(fn, rounds=ROUNDS, warmup_rounds=20, iterations=1)
    per_span = benchmark.stats.stats.median / LOOP * 1e9
    benchmark.extra_info["per_span_median_ns"] = round(per_span, 1)
    print(f"\n{label}: median {per_span:.0f} ns per span")
    return per_span


def test_span_enabled_nested(benchmark: Any, nested: Recorder) -> None:
    per_span = _run(benchmark, _with_loop, "enabled nested `with span` (default CPU resolution)")
    child = nested.tree.children["parent"].children["child"]
    assert child.count >= ROUNDS * LOOP
    assert per_span <= BUDGET_NS, f"enabled span enter+exit {per_span:.0f} ns > budget {BUDGET_NS:.0f} ns"


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
