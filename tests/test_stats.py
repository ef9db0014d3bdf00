"""harness.stats (medians, paired-bootstrap ratio CIs) and harness.interleave (shuffled rounds)."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.interleave import round_order, run_interleaved
from harness.stats import RatioCI, median, quantiles, ratio_ci


# ------------------------------------------------------------------------------------- median
def test_median_odd_even_and_empty():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    assert median([7]) == 7
    with pytest.raises(ValueError):
        median([])


def test_median_ignores_outliers_the_mean_does_not():
    xs = [100, 101, 99, 100, 1000]
    assert median(xs) == 100
    assert sum(xs) / len(xs) > 250


def test_quantiles():
    assert quantiles([1, 2, 3, 4, 5]) == [2, 3, 4]


# ------------------------------------------------------------------------------------ ratio_ci
def test_ratio_is_ratio_of_medians_and_ci_brackets_it():
    b = [10.0, 11.0, 10.5, 30.0, 10.2]
    v = [5.0, 5.6, 5.1, 5.3, 20.0]
    ci = ratio_ci(b, v)
    assert ci.ratio == pytest.approx(median(v) / median(b))
    assert ci.low <= ci.ratio <= ci.high
    assert ci.n == 5
    assert ci.method == "paired bootstrap, ratio of medians"


def test_planted_2x_change_ci_contains_truth_and_excludes_one():
    rng = np.random.default_rng(1)
    drift = rng.lognormal(0, 0.3, 20)  # machine state per round, shared by both variants
    b = 100 * drift * rng.lognormal(0, 0.03, 20)
    v = 200 * drift * rng.lognormal(0, 0.03, 20)
    ci = ratio_ci(b, v)
    assert ci.contains(2.0)
    assert ci.low > 1.0 and ci.excludes_one
    assert ci.speedup == pytest.approx(1 / ci.ratio)


def test_coverage_of_the_95_percent_interval_is_near_nominal():
    rng = np.random.default_rng(7)
    hits = 0
    trials = 60
    for t in range(trials):
        drift = rng.lognormal(0, 0.2, 25)
        b = 50 * drift * rng.lognormal(0, 0.05, 25)
        v = 25 * drift * rng.lognormal(0, 0.05, 25)
        hits += ratio_ci(b, v, seed=t, resamples=1000).contains(0.5)
    assert hits / trials >= 0.8


def test_paired_interval_is_tighter_than_unpaired_under_shared_drift():
    rng = np.random.default_rng(3)
    drift = rng.lognormal(0, 0.4, 30)
    b = 10 * drift * rng.lognormal(0, 0.02, 30)
    v = 8.5 * drift * rng.lognormal(0, 0.02, 30)
    paired = ratio_ci(b, v)
    unpaired = ratio_ci(b, v, paired=False)
    assert paired.high - paired.low < (unpaired.high - unpaired.low) / 2
    assert paired.contains(0.85)
    assert unpaired.method.startswith("unpaired")


def test_median_of_ratios_statistic():
    b = [10.0, 20.0, 30.0]
    v = [5.0, 10.0, 15.0]
    ci = ratio_ci(b, v, statistic="median of ratios")
    assert ci.ratio == pytest.approx(0.5) and ci.low == pytest.approx(0.5) and ci.high == pytest.approx(0.5)
    assert "median of ratios" in ci.method
    with pytest.raises(ValueError):
        ratio_ci(b, v, paired=False, statistic="median of ratios")


def test_single_round_and_determinism():
    ci = ratio_ci([10], [5])
    assert (ci.ratio, ci.low, ci.high, ci.n) == (0.5, 0.5, 0.5, 1)
    b, v = [1.0, 2.0, 3.0, 4.0], [2.0, 2.5, 6.5, 7.0]
    assert ratio_ci(b, v, seed=5) == ratio_ci(b, v, seed=5)


def test_bad_input():
    with pytest.raises(ValueError):
        ratio_ci([1, 2, 3], [1, 2])  # paired needs equal lengths
    with pytest.raises(ValueError):
        ratio_ci([], [])
    with pytest.raises(ValueError):
        ratio_ci([1, 2], [1, 2], confidence=1.5)
    assert ratio_ci([1, 2, 3], [1, 2], paired=False).n == 2


def test_zero_baseline_gives_nan_and_strict_json():
    ci = ratio_ci([0, 0, 0], [1, 2, 3])
    assert not math.isfinite(ci.ratio)
    d = ci.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["ratio"] is None and d["low"] is None
    assert RatioCI.from_dict(d).n == 3


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(min_value=1.0, max_value=1e6), min_size=2, max_size=12),
    st.floats(min_value=0.05, max_value=20.0),
)
def test_ci_brackets_the_point_and_scales(xs, k):
    rng = random.Random(len(xs))
    ys = [x * rng.uniform(0.5, 1.5) for x in xs]
    ci = ratio_ci(xs, ys, resamples=200)
    assert ci.low <= ci.ratio <= ci.high
    scaled = ratio_ci(xs, [k * y for y in ys], resamples=200)
    assert scaled.ratio == pytest.approx(k * ci.ratio, rel=1e-9)
    assert scaled.low == pytest.approx(k * ci.low, rel=1e-9)


# ---------------------------------------------------------------------------------- interleave
def test_run_interleaved_orders_discards_warmup_and_reports_progress():
    calls: list[tuple[int, str]] = []
    progress: list[tuple[int, str]] = []

    def runner(name):
        def run(r):
            calls.append((r, name))
            return {"name": name, "round": r}

        return run

    names = ["a", "b", "c", "d"]
    out = run_interleaved({n: runner(n) for n in names}, rounds=3, warmup=2, seed=9,
                          progress=lambda r, n: progress.append((r, n)))
    assert list(out) == names
    assert all([rec["round"] for rec in out[n]] == [2, 3, 4] for n in names)
    assert progress == calls and len(calls) == 5 * 4
    for r in range(5):
        order = [n for rr, n in calls if rr == r]
        expected = list(names)
        random.Random(f"9:{r}").shuffle(expected)
        assert order == expected == round_order(names, 9, r)
    assert len({tuple(round_order(names, 9, r)) for r in range(5)}) > 1  # the order changes between rounds


def test_run_interleaved_rejects_bad_arguments():
    with pytest.raises(ValueError):
        run_interleaved({"a": lambda r: {}}, rounds=0)
    with pytest.raises(ValueError):
        run_interleaved({"a": lambda r: {}}, rounds=1, warmup=-1)
    with pytest.raises(ValueError):
        run_interleaved({}, rounds=1)
