"""The comparison's data model: plain frozen dataclasses, JSON-ready through ``to_dict()``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.processors import GAP_ROWS, UNACCOUNTED
from harness.stats import RatioCI, finite_or_none

#: Version of ``report.json`` (a comparison's ``to_dict()``).
SCHEMA_ID = "phasebench.compare/1"


def _jsonable(x: Any) -> Any:
    if isinstance(x, float):
        return finite_or_none(x)
    if isinstance(x, RatioCI):
        return x.to_dict()
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "to_dict"):
        return x.to_dict()
    return x


class _Data:
    """Mixin: ``to_dict`` of a dataclass, JSON-ready (tuples as lists, NaN as None)."""

    def to_dict(self) -> dict[str, Any]:
        return {k: _jsonable(getattr(self, k)) for k in self.__dataclass_fields__}  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Cell(_Data):
    """One phase of one variant over the rounds."""

    samples_ns: tuple[int, ...]
    cpu_samples_ns: tuple[int, ...]
    median_ns: float
    cpu_median_ns: float
    share: float | None  # of the total (elapsed rows) or of the section's busy time (summed rows)
    share_base: str  # "total" or the key of the parallel section / concurrent phase whose busy time it is part of
    attributed_share: float | None  # share of the total; for Σ rows: share of the section × its share of the total
    summed: bool  # Σ over concurrent work: not elapsed time
    concurrent: bool  # the node itself ran concurrent work (wall = elapsed; busy etc. under `concurrency`)
    kind: str
    ratio: RatioCI | None  # vs the baseline's same row (None: baseline itself, missing, or zero)
    cpu_ratio: float | None


@dataclass(frozen=True)
class Row(_Data):
    """One phase row (or detail row) of the comparison, with a cell per variant that has it."""

    key: str
    name: str
    path: tuple[str, ...]
    kind: str  # phase, unaccounted, parallel, group, detail, detail-unaccounted
    depth: int
    partition: bool  # a phase row: the rows of a variant add up to its total (Σ rows: to their section's busy)
    cells: dict[str, Cell]

    @property
    def unaccounted(self) -> bool:
        return self.path[-1] == UNACCOUNTED

    @property
    def gap(self) -> bool:
        """An ``(unaccounted)`` or ``(no worker busy)`` row: time that no span names."""
        return self.path[-1] in GAP_ROWS


@dataclass(frozen=True)
class VariantSummary(_Data):
    name: str
    rounds: int
    total_samples_ns: tuple[int, ...]
    total_median_ns: float
    total_min_ns: int
    total_max_ns: int
    cpu_median_ns: float  # the main process's CPU
    worker_cpu_median_ns: float | None  # Σ of the worker processes' CPU (merged worker tasks), when any
    ratio: RatioCI | None
    digest: str | None
    digests: tuple[str, ...]
    digest_ok: bool  # recorded and equal to the baseline's in every round (the baseline: recorded in every round)
    invalid: bool  # not digest_ok: a digest that differs, or a record (of it or of the baseline) without one
    parallel: bool
    changed_phases: tuple[str, ...] | None
    fingerprint: str | None
    digest_missing: bool = False  # a record of this variant has no result digest (cannot be checked)


@dataclass(frozen=True)
class JourneyStep(_Data):
    variant: str
    previous: str
    total_median_ns: float
    delta_ns: float  # vs the previous step
    step_ratio: RatioCI  # this / previous
    cumulative_ratio: RatioCI | None  # this / baseline


@dataclass(frozen=True)
class Bottleneck(_Data):
    variant: str
    largest: str  # key of the largest phase row
    largest_share: float  # of the total (attributed for Σ rows)
    largest_summed: bool
    grew: str | None  # the phase whose share grew most vs the baseline
    grew_from: float | None
    grew_to: float | None
    shrank: str | None
    shrank_from: float | None
    shrank_to: float | None


@dataclass(frozen=True)
class PredictionItem(_Data):
    label: str
    key: str | None
    delta_ns: float
    kind: str  # unchanged-moved, missing, new, parallel-overlap, non-additive


@dataclass(frozen=True)
class Prediction(_Data):
    """Amdahl: the baseline's total with only the changed phases moved to their measured medians."""

    variant: str
    changed: tuple[str, ...]  # phase names the variant changes (as declared)
    changed_rows: tuple[str, ...]  # baseline phase rows affected
    predicted_ns: float  # Σ of the baseline's phase medians, the changed ones replaced by the variant's
    actual_ns: float  # Σ of the variant's phase medians (elapsed rows): the same base as the prediction
    difference_ns: float  # actual − predicted
    predicted_ratio: float | None
    actual_ratio: float | None
    items: tuple[PredictionItem, ...]  # the difference, explained (sums to difference_ns)
    named: str  # the largest item, in words


@dataclass(frozen=True)
class ConcurrencyRow(_Data):
    variant: str
    key: str
    path: tuple[str, ...]
    kind: str  # workers, declared, overlapping-calls, overlapping-children
    workers: int
    tasks: int | None
    wall_median_ns: float
    busy_median_ns: float
    busy_cpu_median_ns: float | None
    efficiency: float | None  # median over rounds of busy / (wall × workers)
    cpu_efficiency: float | None
    speedup: float | None  # busy / wall (median over rounds)
    summed: bool  # the node itself is inside another concurrent node


@dataclass(frozen=True)
class CounterRow(_Data):
    key: str  # row key, or "result" for the run's result section
    counter: str
    source: str  # "counter" (summed over calls and workers), "attr" (value of the last call), "result"
    values: dict[str, int | float | None]
    varies: tuple[str, ...]  # variants whose value differs between rounds


@dataclass(frozen=True)
class GapRow(_Data):
    variant: str
    key: str
    tree_path: tuple[str, ...]
    median_ns: float
    share: float | None
    summed: bool
    profile: dict[str, Any] | None  # the profile pass's gap (path, gap_ns, top functions, includes_spans)
    large: bool = True  # at least `gap_min_share` of the total (else: the variant's largest gap, shown anyway)


@dataclass(frozen=True)
class TimelineBar(_Data):
    lane: str
    key: str
    level: str  # task, group, phase, detail
    start_ns: int
    end_ns: int


@dataclass(frozen=True)
class Timeline(_Data):
    variant: str
    round: int
    total_ns: int
    lanes: tuple[str, ...]
    bars: tuple[TimelineBar, ...]
    truncated: int  # bars left out to keep the chart readable


@dataclass(frozen=True)
class ArithmeticCheck(_Data):
    variant: str
    what: str
    max_error_ns: int
    ok: bool


@dataclass(frozen=True)
class Comparison(_Data):
    """Everything the report says, as plain data (``to_dict()`` is the report's JSON)."""

    schema: str
    baseline: str
    variants: tuple[str, ...]
    rounds: int
    meta: dict[str, Any]
    workload: Any
    environment: dict[str, Any]
    fingerprints: dict[str, tuple[str, ...]]
    summary: dict[str, VariantSummary]
    rows: tuple[Row, ...]
    journey: tuple[JourneyStep, ...]
    bottlenecks: dict[str, Bottleneck]
    predictions: dict[str, Prediction]
    concurrency: tuple[ConcurrencyRow, ...]
    counters: tuple[CounterRow, ...]
    gaps: tuple[GapRow, ...]
    timeline: Timeline | None
    arithmetic: tuple[ArithmeticCheck, ...]
    record_checks: dict[str, list[str]]
    verdicts: dict[str, str]
    method: dict[str, Any] = field(default_factory=dict)
    profiles: dict[str, Any] = field(default_factory=dict)  # the profile pass of each variant (passes.profile)

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(f"no row {key!r}; rows: {', '.join(r.key for r in self.rows)}")

    @property
    def phase_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.partition)


__all__ = [
    "ArithmeticCheck", "Bottleneck", "Cell", "Comparison", "ConcurrencyRow", "CounterRow", "GapRow",
    "JourneyStep", "Prediction", "PredictionItem", "Row", "SCHEMA_ID", "Timeline", "TimelineBar", "VariantSummary",
]
