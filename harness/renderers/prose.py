"""The comparison's sentences: the verdict line of each variant and the Amdahl difference named in words.

Pure functions of the comparison's model objects; the processor stores their text in the comparison
(``verdicts``, ``predictions[*].named``) so that every renderer shows the same words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from harness.units import fmt_duration, fmt_factor

if TYPE_CHECKING:
    from harness.processors.compare.model import Bottleneck, PredictionItem, VariantSummary


def prediction_named(items: Sequence[PredictionItem], difference_ns: float, total_ns: float) -> str:
    """The largest item of an Amdahl difference, in words (or "as predicted" within 2% of the total)."""
    big = max(items, key=lambda it: abs(it.delta_ns))
    sign = "+" if big.delta_ns >= 0 else "−"
    if abs(difference_ns) < 0.02 * max(total_ns, 1.0):
        return f"as predicted (within 2%); largest deviation: {big.label} ({sign}{fmt_duration(abs(big.delta_ns))})"
    return f"{big.label} ({sign}{fmt_duration(abs(big.delta_ns))})"


def verdict_line(v: str, baseline: str, summary: Mapping[str, VariantSummary],
                 bottlenecks: Mapping[str, Bottleneck]) -> str:
    """One sentence per variant: its speed-up with CI, whether its results are identical, the bottleneck."""
    s = summary[v]
    b = bottlenecks[v]
    base_b = bottlenecks[baseline]
    if s.invalid:
        lead = "INVALID: results differ from the baseline (digest mismatch), so its timings are not comparable"
    elif v == baseline:
        lead = f"reference: {fmt_duration(s.total_median_ns)} median total over {s.rounds} round(s)"
    else:
        r = s.ratio
        assert r is not None
        if r.n < 2:
            lead = f"{fmt_factor(r.ratio)} (one round: no confidence interval)"
        elif r.excludes_one:
            if r.ratio <= 1:
                lead = f"{fmt_factor(r.ratio)} (CI {1 / r.high:.2f}–{1 / r.low:.2f}×)"
            else:
                lead = f"{fmt_factor(r.ratio)} (CI {r.low:.2f}–{r.high:.2f}×)"
        else:
            lead = f"no measurable change in total ({r.ratio:.2f}×, CI {r.low:.2f}–{r.high:.2f} includes 1)"
    parts = [lead]
    if v != baseline and not s.invalid:
        parts.append("results identical" if s.digest_ok else "results not checked (no digest)")
    sigma = " of the workers' time, Σ" if b.largest_summed else " of the total"
    if b.largest:
        share = f"{b.largest_share:.0%}"
        if v == baseline or b.largest == base_b.largest:
            parts.append(f"{b.largest} is the bottleneck ({share}{sigma})" if v == baseline else
                         f"{b.largest} still the bottleneck ({share}{sigma})")
        else:
            parts.append(f"{base_b.largest} no longer the bottleneck; {b.largest} now {share}{sigma}")
    return ", ".join(parts[:2]) + ("; " + "; ".join(parts[2:]) if len(parts) > 2 else "")


__all__ = ["prediction_named", "verdict_line"]
