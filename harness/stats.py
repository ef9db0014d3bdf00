"""Robust statistics for comparing variants: medians and paired-bootstrap confidence intervals of ratios.

Timings on a shared machine are skewed by outliers (a neighbour's burst moves a mean by +185% while
the median moves +23%), so every comparison here is built on medians. The ratio of a variant to the
baseline (a time ratio, new / base: below 1 is faster) is, in comparison reports, the median over rounds
of the per-round ratios (`DEFAULT_STATISTIC`; the gate may use the ratio of medians); its uncertainty
is a bootstrap over *rounds*: in an interleaved measurement ``baseline[i]`` and ``variant[i]`` were
measured in the same round, under the same machine state, so the pair is resampled jointly (paired
bootstrap). That cancels drift common to both and gives much tighter intervals than resampling each
side on its own.

::

    >>> ci = ratio_ci([10, 11, 10, 12], [5, 5.5, 5.2, 6])
    >>> round(ci.ratio, 3), ci.low <= ci.ratio <= ci.high
    (0.508, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

Statistic = Literal["ratio of medians", "median of ratios"]

#: The one statistic of comparison reports (`phasebench compare`, `report`): the median over rounds of
#: the per-round time ratios ``variant[i] / baseline[i]`` (both measured in round *i*), with a paired
#: bootstrap CI of that same median. Headline, tables and verdicts all show it.
DEFAULT_STATISTIC: Statistic = "median of ratios"
#: With fewer timing rounds no confidence interval is shown and no change is called significant.
MIN_ROUNDS_FOR_CI = 5
#: The smallest change ever called significant: 2% of the baseline's time and 1 ms.
MIN_EFFECT_RATIO = 0.02
MIN_EFFECT_NS = 1_000_000
#: `phasebench compare` adds rounds until every headline CI is within ±5% of its ratio (or its budget ends).
TARGET_HALF_WIDTH = 0.05
#: Tukey's fences: a sample further than 1.5 IQR below Q1 or above Q3 is an outlier (as pytest-benchmark counts).
OUTLIER_IQR = 1.5


@dataclass(frozen=True)
class RatioCI:
    """A ratio ``median(variant) / median(baseline)`` with its bootstrap confidence interval."""

    ratio: float  # median(variant) / median(baseline)
    low: float  # 95% (or `confidence`) paired-bootstrap interval of that ratio
    high: float
    n: int  # number of paired rounds
    method: str = "paired bootstrap, ratio of medians"

    @property
    def speedup(self) -> float:
        """``1 / ratio``: how many times faster the variant is (below 1: slower)."""
        return 1.0 / self.ratio if self.ratio > 0 else math.inf

    @property
    def excludes_one(self) -> bool:
        """True when the interval lies entirely above or below 1 (a change the data supports)."""
        return self.high < 1.0 or self.low > 1.0

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def to_dict(self) -> dict[str, Any]:
        """Plain data; non-finite numbers (a zero baseline) become None so the JSON stays strict."""
        return {k: (finite_or_none(v) if isinstance(v, float) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RatioCI:
        nan = math.nan
        return cls(
            ratio=nan if d.get("ratio") is None else float(d["ratio"]),
            low=nan if d.get("low") is None else float(d["low"]),
            high=nan if d.get("high") is None else float(d["high"]),
            n=int(d.get("n", 0)),
            method=str(d.get("method", "paired bootstrap, ratio of medians")),
        )


def finite_or_none(x: float | None) -> float | None:
    """`x` when it is a finite number, else None (strict JSON has no NaN or Infinity)."""
    if x is None or not math.isfinite(x):
        return None
    return float(x)


def median(xs: Sequence[float]) -> float:
    """The median of `xs` (mean of the two middle values for an even count); ValueError when empty."""
    if len(xs) == 0:
        raise ValueError("median of an empty sequence")
    import numpy as np  # here, not at import: a command that prints one run record never loads numpy

    return float(np.median(np.asarray(xs, dtype=float)))


def quantiles(xs: Sequence[float], qs: Sequence[float] = (0.25, 0.5, 0.75)) -> list[float]:
    """Linear-interpolated quantiles of `xs` (for spreads such as the interquartile range)."""
    if len(xs) == 0:
        raise ValueError("quantiles of an empty sequence")
    import numpy as np

    return [float(q) for q in np.quantile(np.asarray(xs, dtype=float), list(qs))]


def _ratio(num: float, den: float) -> float:
    if den == 0:
        return math.nan if num == 0 else math.copysign(math.inf, num)
    return num / den


def ratio_ci(
    baseline: Sequence[float],
    variant: Sequence[float],
    *,
    paired: bool = True,
    resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    statistic: Statistic = "ratio of medians",
) -> RatioCI:
    """The ratio of `variant` to `baseline` with a bootstrap percentile interval.

    `paired` (default): ``baseline[i]`` and ``variant[i]`` come from the same round; round indices are
    resampled jointly (both sequences must have the same length). Unpaired: each side is resampled on
    its own. `statistic` ``"ratio of medians"`` (default) or ``"median of ratios"`` (the median of the
    per-round ratios; paired only). Vectorised with numpy: ``resamples × n`` indices in one draw.
    With one round the interval is the point itself; a zero baseline median gives a NaN ratio.
    """
    import numpy as np

    b = np.asarray(baseline, dtype=float)
    v = np.asarray(variant, dtype=float)
    if b.ndim != 1 or v.ndim != 1 or len(b) == 0 or len(v) == 0:
        raise ValueError("ratio_ci needs two non-empty 1-D sequences")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    if resamples < 1:
        raise ValueError(f"resamples must be >= 1, got {resamples}")
    if paired and len(b) != len(v):
        raise ValueError(f"paired samples need equal lengths, got {len(b)} baseline and {len(v)} variant rounds")
    if statistic not in ("ratio of medians", "median of ratios"):
        raise ValueError(f"unknown statistic {statistic!r}")
    if statistic == "median of ratios" and not paired:
        raise ValueError("the median of per-round ratios needs paired samples")
    method = f"{'paired' if paired else 'unpaired'} bootstrap, {statistic}"
    n = len(b) if paired else min(len(b), len(v))
    if statistic == "median of ratios":  # a round whose baseline took no time has no ratio: left out
        keep = b != 0
        if not keep.all() and keep.any():
            b, v = b[keep], v[keep]
            n = len(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        if statistic == "ratio of medians":
            point = _ratio(float(np.median(v)), float(np.median(b)))
        else:
            point = float(np.median(v / b))
        if len(b) == 1 and len(v) == 1:
            return RatioCI(point, point, point, n, method)
        rng = np.random.default_rng(seed)
        if paired:
            idx = rng.integers(0, len(b), size=(resamples, len(b)))
            bs, vs = b[idx], v[idx]
            if statistic == "ratio of medians":
                boot = np.median(vs, axis=1) / np.median(bs, axis=1)
            else:
                boot = np.median(vs / bs, axis=1)
        else:
            bs = b[rng.integers(0, len(b), size=(resamples, len(b)))]
            vs = v[rng.integers(0, len(v), size=(resamples, len(v)))]
            boot = np.median(vs, axis=1) / np.median(bs, axis=1)
    if not math.isfinite(point):
        return RatioCI(point, math.nan, math.nan, n, method)
    boot = boot[np.isfinite(boot)]
    if len(boot) == 0:
        return RatioCI(point, math.nan, math.nan, n, method)
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(boot, [alpha, 1.0 - alpha])
    # the percentile interval of a median can exclude the point estimate on tiny samples: widen to it
    return RatioCI(point, float(min(low, point)), float(max(high, point)), n, method)


@dataclass(frozen=True)
class Spread:
    """How a phase's samples spread around their median (what pytest-benchmark's table shows)."""

    n: int
    median: float
    q1: float
    q3: float
    low: float  # min
    high: float  # max
    outliers: int  # samples beyond Tukey's fences (`OUTLIER_IQR` × IQR outside Q1–Q3)

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1

    @property
    def ops(self) -> float | None:
        """Operations per second at the median (``1e9 / median_ns``); None for a zero median."""
        return 1e9 / self.median if self.median > 0 else None


def spread(xs: Sequence[float]) -> Spread:
    """Median, quartiles, min, max and the outlier count of `xs` (ValueError when empty)."""
    if len(xs) == 0:
        raise ValueError("spread of an empty sequence")
    import numpy as np

    a = np.asarray(xs, dtype=float)
    q1, med, q3 = (float(q) for q in np.quantile(a, [0.25, 0.5, 0.75]))
    fence = OUTLIER_IQR * (q3 - q1)
    outliers = int(np.count_nonzero((a < q1 - fence) | (a > q3 + fence)))
    return Spread(len(a), med, q1, q3, float(a.min()), float(a.max()), outliers)


def _get(ci: RatioCI | Mapping[str, Any], key: str) -> float:
    value = getattr(ci, key) if isinstance(ci, RatioCI) else ci.get(key)
    return math.nan if value is None else float(value)


def has_ci(ci: RatioCI | Mapping[str, Any] | None) -> bool:
    """True when `ci` has a finite interval from at least `MIN_ROUNDS_FOR_CI` rounds (else: show no CI)."""
    if ci is None:
        return False
    n = ci.n if isinstance(ci, RatioCI) else int(ci.get("n") or 0)
    return n >= MIN_ROUNDS_FOR_CI and math.isfinite(_get(ci, "low")) and math.isfinite(_get(ci, "high"))


def direction(ratio: float | None) -> str:
    """The words of the one ratio convention (time ratio new / base, as asv): ``faster`` below 1,
    ``slower`` above, ``same`` at 1 or without a ratio."""
    if ratio is None or not math.isfinite(ratio) or ratio == 1.0:
        return "same"
    return "faster" if ratio < 1.0 else "slower"


def significance(ci: RatioCI | Mapping[str, Any] | None, base_ns: float | None, new_ns: float | None) -> str | None:
    """``"faster"`` or ``"slower"`` when the change is significant, else None.

    Significant: a CI (`has_ci`: at least `MIN_ROUNDS_FOR_CI` rounds) that excludes 1, and an effect of
    at least `MIN_EFFECT_RATIO` (2%) of the ratio and `MIN_EFFECT_NS` (1 ms) between the medians.
    """
    if ci is None or not has_ci(ci):
        return None
    ratio, low, high = _get(ci, "ratio"), _get(ci, "low"), _get(ci, "high")
    if not (high < 1.0 or low > 1.0) or not math.isfinite(ratio) or abs(ratio - 1.0) < MIN_EFFECT_RATIO:
        return None
    if base_ns is None or new_ns is None or not (math.isfinite(base_ns) and math.isfinite(new_ns)):
        return None
    if abs(new_ns - base_ns) < MIN_EFFECT_NS:
        return None
    return direction(ratio)


def half_width(ci: RatioCI | Mapping[str, Any] | None) -> float:
    """The CI's larger distance from its ratio, relative to the ratio (0.05: within ±5%); inf without a CI."""
    if ci is None or not has_ci(ci):
        return math.inf
    ratio, low, high = _get(ci, "ratio"), _get(ci, "low"), _get(ci, "high")
    if not math.isfinite(ratio) or ratio <= 0:
        return math.inf
    return max(high / ratio - 1.0, 1.0 - low / ratio)


__all__ = ["DEFAULT_STATISTIC", "MIN_EFFECT_NS", "MIN_EFFECT_RATIO", "MIN_ROUNDS_FOR_CI", "OUTLIER_IQR",
           "TARGET_HALF_WIDTH", "RatioCI", "Spread", "Statistic", "direction", "finite_or_none", "half_width",
           "has_ci", "median", "quantiles", "ratio_ci", "significance", "spread"]
