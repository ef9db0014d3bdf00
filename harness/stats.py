"""Robust statistics for comparing variants: medians and paired-bootstrap confidence intervals of ratios.

Timings on a shared machine are skewed by outliers (a neighbour's burst moves a mean by +185% while
the median moves +23%), so every comparison here is built on medians. The ratio of a variant to the
baseline is the ratio of their medians; its uncertainty is a bootstrap over *rounds*: in an
interleaved measurement ``baseline[i]`` and ``variant[i]`` were measured in the same round, under the
same machine state, so the pair is resampled jointly (paired bootstrap). That cancels drift common to
both and gives much tighter intervals than resampling each side on its own.

::

    >>> ci = ratio_ci([10, 11, 10, 12], [5, 5.5, 5.2, 6])
    >>> round(ci.ratio, 3), ci.low <= ci.ratio <= ci.high
    (0.508, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

Statistic = Literal["ratio of medians", "median of ratios"]


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
    return float(np.median(np.asarray(xs, dtype=float)))


def quantiles(xs: Sequence[float], qs: Sequence[float] = (0.25, 0.5, 0.75)) -> list[float]:
    """Linear-interpolated quantiles of `xs` (for spreads such as the interquartile range)."""
    if len(xs) == 0:
        raise ValueError("quantiles of an empty sequence")
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


__all__ = ["RatioCI", "Statistic", "finite_or_none", "median", "quantiles", "ratio_ci"]
