"""`compare_records`: extract and align the rows, run every analysis, assemble the `Comparison`."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from harness.processors.compare import analyses as an
from harness.processors.compare.extract import build_tables
from harness.processors.compare.model import SCHEMA_ID, Comparison
from harness.processors.compare.rows import CIOptions, build_rows
from harness.renderers.prose import verdict_line
from harness.stats import MIN_EFFECT_NS, MIN_EFFECT_RATIO, MIN_ROUNDS_FOR_CI


def _check(records: Mapping[str, Sequence[Any]], baseline: str, timeline_variant: str | None) -> None:
    if not records:
        raise ValueError("no records to compare")
    variants = list(records)
    if baseline not in records:
        raise ValueError(f"baseline {baseline!r} is not among the variants ({', '.join(variants)})")
    if timeline_variant is not None and timeline_variant not in records:
        raise ValueError(f"timeline variant {timeline_variant!r} is not among the variants ({', '.join(variants)})")


def compare_records(
    records: Mapping[str, Sequence[Any]],
    *,
    baseline: str = "baseline",
    changed: Mapping[str, Sequence[str]] | None = None,
    profiles: Mapping[str, Mapping[str, Any]] | None = None,
    meta: Mapping[str, Any] | None = None,
    containers: Collection[str] | None = None,
    timeline_variant: str | None = None,
    resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    gap_min_share: float = 0.01,
    gap_min_ns: int = 1_000_000,
    timeline_max_bars: int = 4000,
    paired: bool = True,
) -> Comparison:
    """Compare the variants' timing rounds phase by phase (see the package docstring).

    `records`: ``{variant: [run record per timing round]}`` in display order (dicts, ``LoadedRecord`` or
    ``Recorder``); round ``i`` of every variant is paired. `baseline` must be one of them. `changed`:
    ``{variant: phase names it changes vs the baseline}`` for the Amdahl prediction (variants missing
    get none). `profiles`: ``{variant: passes.profile section}`` of a profile pass, for the gaps.
    `containers`: names of nodes expanded into phase rows (default: nodes with grandchildren).
    `paired`: round ``i`` of every variant was measured in the same interleaved round (ratios are then the
    median of per-round ratios); False for runs measured apart (two saved runs: the ratio of medians).
    """
    _check(records, baseline, timeline_variant)
    t = build_tables(records, baseline, containers)
    ci = CIOptions(resamples, confidence, seed, paired)
    rows = build_rows(t, baseline, ci)
    changed_t = {k: tuple(vs) for k, vs in (changed or {}).items()}
    prints = an.fingerprints(t)
    summary = an.summarise(t, baseline, changed_t, ci, prints)
    bottlenecks = {v: an.bottleneck(v, baseline, rows) for v in t.variants}
    predictions = {v: an.predict(v, baseline, changed_t[v], rows, summary)
                   for v in t.variants if v != baseline and v in changed_t}
    first = t.data[baseline][0]
    method = {
        "statistic": "median over rounds",
        "ratio": ("median over rounds of variant[i] / baseline[i] (time ratio: below 1 is faster), paired bootstrap "
                  "over rounds" if paired else "median(variant) / median(baseline) (time ratio: below 1 is faster), "
                  "unpaired bootstrap (the runs were measured apart, not interleaved)"),
        "statistic_id": ci.statistic,
        "paired": paired,
        "min_rounds_for_ci": MIN_ROUNDS_FOR_CI,
        "min_effect": {"ratio": MIN_EFFECT_RATIO, "ns": MIN_EFFECT_NS},
        "confidence": confidence,
        "resamples": resamples,
        "seed": seed,
        "containers": sorted(t.containers),
    }
    return Comparison(
        schema=SCHEMA_ID, baseline=baseline, variants=t.variants, rounds=min(t.rounds.values()),
        meta=dict(meta or {}), workload=first.get("workload"), environment=dict(first.get("environment") or {}),
        fingerprints=prints, summary=summary, rows=rows, journey=an.journey(t, summary, ci), bottlenecks=bottlenecks,
        predictions=predictions, concurrency=an.concurrency(t), counters=an.counters(t),
        gaps=an.gaps(t, rows, profiles or {}, gap_min_share, gap_min_ns),
        timeline=an.timeline(t, timeline_variant, timeline_max_bars), arithmetic=an.arithmetic(t),
        record_checks=an.record_checks(t),
        verdicts={v: verdict_line(v, baseline, summary, bottlenecks) for v in t.variants},
        method=method, profiles={v: dict(p) for v, p in (profiles or {}).items()},
    )


__all__ = ["compare_records"]
