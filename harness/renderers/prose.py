"""The comparison's sentences: the verdict line of each variant and the Amdahl difference named in words.

Pure functions of the comparison's model objects; the processor stores their text in the comparison
(``verdicts``, ``predictions[*].named``) so that every renderer shows the same words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from harness.stats import MIN_EFFECT_NS, MIN_EFFECT_RATIO, MIN_ROUNDS_FOR_CI, RatioCI, direction, has_ci, significance
from harness.units import fmt_duration

if TYPE_CHECKING:
    from harness.processors.compare.model import Bottleneck, PredictionItem, VariantSummary


def prediction_named(items: Sequence[PredictionItem], difference_ns: float, total_ns: float) -> str:
    """The largest item of an Amdahl difference, in words (or "as predicted" within 2% of the total)."""
    if not items:
        return "as predicted"
    big = max(items, key=lambda it: abs(it.delta_ns))
    sign = "+" if big.delta_ns >= 0 else "−"
    if abs(difference_ns) < 0.02 * max(total_ns, 1.0):
        return f"as predicted (within 2%); largest deviation: {big.label} ({sign}{fmt_duration(abs(big.delta_ns))})"
    return f"{big.label} ({sign}{fmt_duration(abs(big.delta_ns))})"


def _ids(ids: Sequence[Any], shown: int = 6) -> str:
    text = ", ".join(str(i) for i in ids[:shown])
    return text + (f", … ({len(ids)} in all)" if len(ids) > shown else "")


def workload_words(wl: Any) -> str:
    """A workload description (a run record's ``workload``) in words, e.g. ``2 tasks of arc1-train
    (007bbfb7, 00d62c1b) · 16 parents × 4 mutants · seed 0 · timeout 5 s · 1 worker``; keys it does not
    know are shown as ``key value``; a non-dict is shown as text."""
    if wl is None:
        return "not recorded"
    if not isinstance(wl, Mapping):
        return str(wl)
    rest = dict(wl)
    bits = []
    tasks = rest.pop("tasks", None)
    ids = rest.pop("task_ids", None)
    if isinstance(tasks, (list, tuple)):
        ids, tasks = list(tasks), len(tasks)
    dataset = rest.pop("dataset", None)
    if tasks is not None or ids:
        count = tasks if tasks is not None else len(ids or ())
        text = f"{count} task{'s' if count != 1 else ''}" + (f" of {dataset}" if dataset else "")
        bits.append(text + (f" ({_ids(list(ids))})" if ids else ""))
    elif dataset:
        bits.append(f"dataset {dataset}")
    parents, mutants = rest.pop("parents", None), rest.pop("mutants", None)
    if parents is not None:
        bits.append(f"{parents} parents × {mutants} mutants" if mutants is not None else f"{parents} parents")
    if rest.get("seed") is not None:
        bits.append(f"seed {rest.pop('seed')}")
    for key in ("timeout_s", "timeout"):
        if rest.get(key) is not None:
            bits.append(f"timeout {float(rest.pop(key)):g} s")
        rest.pop(key, None)
    workers = rest.pop("workers", None)
    if workers is not None:
        bits.append(f"{workers} worker{'s' if workers != 1 else ''}")
    bits += [f"{k} {v}" for k, v in rest.items() if v is not None and not isinstance(v, (dict, list))]
    return " · ".join(bits) or "not described"


def ratio_words(r: RatioCI, base_ns: float, new_ns: float, what: str = "total") -> str:
    """A ratio in the one convention (time ratio new / base; faster / slower), with its CI when it has one."""
    if not math.isfinite(r.ratio):
        return f"no ratio for the {what} (the baseline took no time)"
    if not has_ci(r):
        return (f"{r.ratio:.2f}× the baseline's time ({direction(r.ratio)}) over {r.n} round(s): fewer than "
                f"{MIN_ROUNDS_FOR_CI} rounds, no confidence interval")
    interval = f"95% CI {r.low:.2f}–{r.high:.2f}"
    word = significance(r, base_ns, new_ns)
    if word is not None:
        return f"{r.ratio:.2f}× the baseline's time: {word} ({interval})"
    if r.excludes_one:
        return (f"no meaningful change in the {what} ({r.ratio:.2f}×, {interval}: below the minimum effect of "
                f"{MIN_EFFECT_RATIO:.0%} and {fmt_duration(MIN_EFFECT_NS)})")
    return f"no measurable change in the {what} ({r.ratio:.2f}×, {interval} includes 1)"


def significant_changes(c: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What changed significantly (`harness.stats.significance`), from a comparison's dict: every valid
    variant's total and rows, totals first, then the largest changes in time first (asv's "changed
    significantly")."""
    base = c["baseline"]
    out: list[dict[str, Any]] = []

    def add(v: str, phase: str, ci: Mapping[str, Any] | None, base_ns: float | None, new_ns: float | None) -> None:
        word = significance(ci, base_ns, new_ns)
        if word is None or ci is None:
            return
        out.append({"variant": v, "phase": phase, "base_ns": base_ns, "new_ns": new_ns, "ratio": ci["ratio"],
                    "low": ci["low"], "high": ci["high"], "n": ci["n"], "direction": word})

    for v in c["variants"]:
        s = c["summary"][v]
        if v == base or s.get("invalid"):
            continue
        add(v, "total", s.get("ratio"), c["summary"][base]["total_median_ns"], s["total_median_ns"])
        for r in c["rows"]:
            cell, ref = r["cells"].get(v), r["cells"].get(base)
            if r["kind"] == "group" or cell is None or ref is None:
                continue
            add(v, r["key"], cell.get("ratio"), ref["median_ns"], cell["median_ns"])
    return sorted(out, key=lambda x: (x["phase"] != "total", -abs(x["new_ns"] - x["base_ns"])))


def verdict_line(v: str, baseline: str, summary: Mapping[str, VariantSummary],
                 bottlenecks: Mapping[str, Bottleneck]) -> str:
    """One sentence per variant: its speed-up with CI, whether its results are identical, the bottleneck."""
    s = summary[v]
    b = bottlenecks[v]
    base_b = bottlenecks[baseline]
    if s.invalid and s.digest_missing:
        lead = "INVALID: a run recorded no result digest, so its results cannot be checked nor its timings compared"
    elif s.invalid and summary[baseline].digest_missing:
        lead = "INVALID: the baseline recorded no result digest to check its results against"
    elif s.invalid:
        lead = "INVALID: results differ from the baseline (digest mismatch), so its timings are not comparable"
    elif v == baseline:
        lead = f"reference: {fmt_duration(s.total_median_ns)} median total over {s.rounds} round(s)"
    else:
        assert s.ratio is not None
        lead = ratio_words(s.ratio, summary[baseline].total_median_ns, s.total_median_ns, "total")
    parts = [lead]
    if v != baseline and not s.invalid:
        parts.append("results identical")
    # a Σ row's share is attributed: its share of the parallel section's work × the section's share of the total
    sigma = " of the total, attributed from Σ worker time" if b.largest_summed else " of the total"
    if b.largest:
        share = f"{b.largest_share:.0%}"
        if v == baseline or b.largest == base_b.largest:
            parts.append(f"{b.largest} is the bottleneck ({share}{sigma})" if v == baseline else
                         f"{b.largest} still the bottleneck ({share}{sigma})")
        else:
            parts.append(f"{base_b.largest} no longer the bottleneck; {b.largest} now {share}{sigma}")
    return ", ".join(parts[:2]) + ("; " + "; ".join(parts[2:]) if len(parts) > 2 else "")


__all__ = ["prediction_named", "ratio_words", "significant_changes", "verdict_line", "workload_words"]
