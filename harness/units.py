"""Number formatting shared by every renderer: the one duration formatter, ratios, shares, bytes."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
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


_UNITS = ((1.0, "ns"), (1e3, "µs"), (1e6, "ms"), (1e9, "s"))


def pick_unit(values: Iterable[float | None]) -> tuple[float, str]:
    """One unit for a table column (``(scale in ns, name)``): the largest unit in which the column's median
    value is at least 1 (ms when there is no value)."""
    finite = sorted(abs(v) for v in values if v is not None and math.isfinite(v) and v != 0)
    if not finite:
        return 1e6, "ms"
    ref = finite[len(finite) // 2]
    for scale, unit in reversed(_UNITS):
        if ref >= scale:
            return scale, unit
    return _UNITS[0]


def fmt_in_unit(ns: float | None, scale: float) -> str:
    """`ns` in the column's unit (`pick_unit`) without the unit's name: ``12,300``, ``41.2``, ``0.137``."""
    if ns is None or not math.isfinite(ns):
        return "–"
    v = ns / scale
    a = abs(v)
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1 or a == 0:
        return f"{v:.2f}" if a else "0"
    digits = min(6, 2 - math.floor(math.log10(a)))
    text = f"{v:.{digits}f}"
    return text if float(text) != 0 else f"<{10 ** -digits:.{digits}f}"


def fmt_factor(ratio: float | None) -> str:
    """A time ratio new / base in the one convention (as asv): ``0.42`` -> ``0.42× faster``, ``1.3`` ->
    ``1.30× slower`` (the ratio is always new / base; the word says which way)."""
    if ratio is None or not math.isfinite(ratio) or ratio <= 0:
        return "–"
    if ratio == 1:
        return "1.00× same"
    return f"{ratio:.2f}× {'faster' if ratio < 1 else 'slower'}"


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
    """``0.52× (0.50–0.54)``: a time ratio and its interval, the interval only from at least 5 rounds
    (`harness.stats.MIN_ROUNDS_FOR_CI`). Never bold: whether a change is significant also needs the
    times (`harness.stats.significance`; the markdown report's ratio cells)."""
    if not ci or ci.get("ratio") is None:
        return "–"
    r = fmt_ratio(ci["ratio"])
    low, high, n = ci.get("low"), ci.get("high"), int(ci.get("n") or 0)
    if low is None or high is None or n < 5:
        return r
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


__all__ = ["fmt_bytes", "fmt_ci", "fmt_duration", "fmt_factor", "fmt_in_unit", "fmt_num", "fmt_pct", "fmt_ratio",
           "pick_unit"]
