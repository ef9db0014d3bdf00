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
from harness.stats import (
    MIN_ROUNDS_FOR_CI,
    RatioCI,
    direction,
    half_width,
    has_ci,
    median,
    quantiles,
    ratio_ci,
    significance,
    spread,
)


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


# ------------------------------------------------------------------- spread and significance
def test_spread_counts_tukey_outliers_and_ops():
    sp = spread([10, 11, 10, 12, 11, 10, 40])
    assert sp.median == 11 and sp.n == 7 and sp.low == 10 and sp.high == 40
    assert sp.iqr == pytest.approx(sp.q3 - sp.q1) and sp.outliers == 1
    assert spread([5e6] * 4).outliers == 0 and spread([5e6]).ops == pytest.approx(200.0)
    with pytest.raises(ValueError):
        spread([])


def test_median_of_ratios_leaves_out_rounds_whose_baseline_took_no_time():
    ci = ratio_ci([0, 10, 20, 30, 40, 50], [7, 5, 10, 15, 20, 25], statistic="median of ratios")
    assert ci.ratio == pytest.approx(0.5) and ci.n == 5
    assert not math.isfinite(ratio_ci([0, 0], [1, 2], statistic="median of ratios").ratio)


def _ci(ratio, low, high, n=MIN_ROUNDS_FOR_CI):
    return RatioCI(ratio, low, high, n)


def test_no_ci_and_no_significance_under_five_rounds():
    few = _ci(0.5, 0.45, 0.55, n=MIN_ROUNDS_FOR_CI - 1)
    assert not has_ci(few) and significance(few, 100e6, 50e6) is None and half_width(few) == math.inf
    enough = _ci(0.5, 0.45, 0.55)
    assert has_ci(enough) and significance(enough, 100e6, 50e6) == "faster"
    assert has_ci(enough.to_dict()) and significance(enough.to_dict(), 100e6, 50e6) == "faster"
    assert half_width(enough) == pytest.approx(0.1)


def test_a_minimum_effect_is_never_significant():
    assert significance(_ci(0.99, 0.985, 0.995), 1e9, 0.99e9) is None  # CI excludes 1 but < 2%
    assert significance(_ci(0.5, 0.4, 0.6), 1.5e6, 0.75e6) is None  # 50% but only 0.75 ms
    assert significance(_ci(1.3, 1.2, 1.4), 10e6, 13e6) == "slower"
    assert significance(_ci(0.7, 0.5, 1.1), 10e6, 7e6) is None  # CI includes 1
    assert significance(None, 1, 2) is None


def test_one_ratio_convention():
    assert direction(0.5) == "faster" and direction(2.0) == "slower" and direction(1.0) == "same"
    assert direction(None) == "same" and direction(math.nan) == "same"


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
