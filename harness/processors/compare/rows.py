"""The per-phase rows: for every row and variant, its samples, medians, shares and ratio to the baseline."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from harness.processors import UNACCOUNTED
from harness.processors.compare.extract import PARTITION_KINDS, RowPath, Tables, busy
from harness.processors.compare.model import Cell, Row
from harness.stats import DEFAULT_STATISTIC, RatioCI, median, ratio_ci


@dataclass(frozen=True)
class CIOptions:
    """How the bootstrap confidence intervals are computed: paired rounds (an interleaved measurement) use
    `DEFAULT_STATISTIC`, the median of per-round ratios; unpaired samples (two saved runs measured apart)
    the ratio of medians, the only ratio they have."""

    resamples: int = 2000
    confidence: float = 0.95
    seed: int = 0
    paired: bool = True

    @property
    def statistic(self) -> str:
        return DEFAULT_STATISTIC if self.paired else "ratio of medians"

    def ratio(self, baseline: Sequence[float], variant: Sequence[float]) -> RatioCI:
        """variant / baseline with its bootstrap CI over rounds (see the class docstring); paired: the
        rounds both have (the first ``min(len)``)."""
        if not self.paired:
            return ratio_ci(baseline, variant, paired=False, resamples=self.resamples, confidence=self.confidence,
                            seed=self.seed)
        n = min(len(baseline), len(variant))
        return ratio_ci(baseline[:n], variant[:n], resamples=self.resamples, confidence=self.confidence,
                        seed=self.seed, statistic=DEFAULT_STATISTIC)


def med(xs: Sequence[float]) -> float:
    """The median, NaN for no samples."""
    return median(xs) if len(xs) else math.nan


def ratio_or_none(num: float, den: float) -> float | None:
    """num / den, None unless both are finite and den > 0."""
    if not (math.isfinite(num) and math.isfinite(den)) or den <= 0:
        return None
    return num / den


def section_busy(t: Tables, v: str) -> dict[RowPath, list[int]]:
    """Per concurrent row of `v`: its busy ns per round."""
    out: dict[RowPath, list[int]] = {}
    for path, slot in t.by_path[v].items():
        if any(e is not None and e.node is not None and e.node.get("concurrent") for e in slot):
            out[path] = [0 if e is None or e.node is None else busy(e.node) for e in slot]
    return out


def _cell(t: Tables, v: str, path: RowPath, baseline: str, busy_of: Mapping[RowPath, list[int]],
          ci: CIOptions) -> Cell | None:
    e0 = t.first(v, path)
    if e0 is None:
        return None
    xs, cs = t.samples(v, path), t.samples(v, path, cpu=True)
    m = med(xs)
    if e0.summed and e0.section is not None and e0.section in busy_of:
        share = ratio_or_none(m, med(busy_of[e0.section]))
        base = t.keys.get(e0.section, "/".join(e0.section))
    else:
        share, base = ratio_or_none(m, med(t.totals[v])), "total"
    ratio = None
    cpu_ratio = None
    if v != baseline and path in t.by_path[baseline]:
        bx = t.samples(baseline, path)
        n = min(len(bx), len(xs))
        if n and med(bx[:n]) > 0 and med(xs[:n]) >= 0:
            ratio = ci.ratio(bx, xs)
        cpu_ratio = ratio_or_none(med(cs), med(t.samples(baseline, path, cpu=True)))
    return Cell(
        samples_ns=tuple(xs), cpu_samples_ns=tuple(cs), median_ns=m, cpu_median_ns=med(cs), share=share,
        share_base=base, attributed_share=None, summed=e0.summed,
        concurrent=bool(e0.node is not None and e0.node.get("concurrent")), kind=e0.kind, ratio=ratio,
        cpu_ratio=cpu_ratio,
    )


def _attributed(t: Tables, cells: Mapping[RowPath, Mapping[str, Cell]], v: str, path: RowPath,
                depth: int = 0) -> float | None:
    """Share of the total; for Σ rows: the share of the section × the section's own attributed share."""
    cell = cells[path].get(v)
    if cell is None or cell.share is None:
        return None
    e0 = t.first(v, path)
    if not cell.summed or e0 is None or e0.section is None or depth > 16:
        return cell.share
    outer = _attributed(t, cells, v, e0.section, depth + 1) if e0.section in cells else None
    return None if outer is None else cell.share * outer


def build_rows(t: Tables, baseline: str, ci: CIOptions) -> tuple[Row, ...]:
    """One `Row` per path of the merged order, with a `Cell` for every variant that has it."""
    cells: dict[RowPath, dict[str, Cell]] = {p: {} for p in t.order}
    for v in t.variants:
        busy_of = section_busy(t, v)
        for path in t.order:
            cell = _cell(t, v, path, baseline, busy_of, ci)
            if cell is not None:
                cells[path][v] = cell
    for v in t.variants:
        shares = {path: _attributed(t, cells, v, path) for path in t.order if v in cells[path]}
        for path, share in shares.items():
            cells[path][v] = replace(cells[path][v], attributed_share=share)
    rows: list[Row] = []
    for path in t.order:
        mine = {v: cells[path][v] for v in t.variants if v in cells[path]}
        ref = mine.get(baseline) or next(iter(mine.values()))
        entry = t.any_entry(path)
        name = path[-1] if path[-1] != UNACCOUNTED else t.keys[path]
        rows.append(Row(t.keys[path], name, path, ref.kind, 0 if entry is None else entry.depth,
                        ref.kind in PARTITION_KINDS, mine))
    return tuple(rows)


__all__ = ["CIOptions", "build_rows", "med", "ratio_or_none", "section_busy"]
