"""Number formatting shared by every renderer: the one duration formatter, ratios, shares, bytes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def fmt_duration(ns: float | None) -> str:
    """A duration with ~3 significant digits and a unit (``812 ns``, ``12.3 µs``, ``250 ms``, ``1.23 s``)."""
    if ns is None or not math.isfinite(ns):
        return "–"
    for scale, unit in ((1.0, "ns"), (1e3, "µs"), (1e6, "ms"), (1e9, "s")):
        v = ns / scale
        digits = 0 if unit == "ns" or abs(v) >= 99.95 else (1 if abs(v) >= 9.995 else 2)
        text = f"{v:.{digits}f}"
        if abs(float(text)) < 1000 or unit == "s":
            return f"{text} {unit}"
    return f"{ns / 1e9:.2f} s"  # pragma: no cover


def fmt_factor(ratio: float | None) -> str:
    """``0.42`` -> ``2.38× faster``; ``1.3`` -> ``1.30× slower``."""
    if ratio is None or not math.isfinite(ratio) or ratio <= 0:
        return "–"
    if ratio <= 1:
        return f"{1 / ratio:.2f}× faster"
    return f"{ratio:.2f}× slower"


def fmt_num(x: float | None) -> str:
    """A plain number with ~3 significant digits (``–`` for None / NaN)."""
    if x is None or not math.isfinite(x):
        return "–"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if abs(x) >= 0.1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def fmt_ratio(x: float | None) -> str:
    """``0.523`` -> ``0.52×``; three significant digits for small ratios."""
    text = fmt_num(x)
    return text if text == "–" else f"{text}×"


def fmt_ci(ci: Mapping[str, Any] | None) -> str:
    """``0.52× (0.50–0.54)``, the ratio in bold when the interval excludes 1."""
    if not ci or ci.get("ratio") is None:
        return "–"
    r = fmt_ratio(ci["ratio"])
    low, high, n = ci.get("low"), ci.get("high"), int(ci.get("n") or 0)
    if low is None or high is None or n < 2:
        return r
    if high < 1 or low > 1:
        return f"**{r}** ({fmt_num(low)}–{fmt_num(high)})"
    return f"{r} ({fmt_num(low)}–{fmt_num(high)})"


def fmt_pct(x: float | None, digits: int = 0) -> str:
    """``0.123`` -> ``12%``."""
    if x is None or not math.isfinite(x):
        return "–"
    return f"{100 * x:.{digits}f}%"


def fmt_bytes(n: int | None) -> str:
    """Bytes in binary units."""
    if n is None:
        return "–"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


__all__ = ["fmt_bytes", "fmt_ci", "fmt_duration", "fmt_factor", "fmt_num", "fmt_pct", "fmt_ratio"]
