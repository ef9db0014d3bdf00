"""`compare_records`: the phase-by-phase comparison of variants, as plain data (a pure processor).

Input: the timing rounds' run records of every variant (``{variant: [record of round 0, 1, ...]}``,
round ``i`` of every variant measured in the same interleaved round). Output: a :class:`Comparison`,
which the markdown and JSON renderers format and :mod:`harness.renderers.charts` draws.

Rows. Every record's tree is cut into *phase rows* that add up, in every round, exactly to the
root's wall time: the tree is expanded from the root through *containers* (nodes whose children have
children of their own, such as ``run_batt`` and ``check_batt``); the other nodes, and every
``(unaccounted)`` row of an expanded node, are phase rows. Their descendants are *detail* rows. A
concurrent container (e.g. ``tasks``, whole tasks spread over worker processes) is a phase row of
kind ``parallel`` holding the section's elapsed time; the phases below it are sums over the workers
(``summed``, shown with Σ): they add up to the section's *busy* time (Σ of the workers' task times),
with the rest of the workers' time as a ``<section>/(unaccounted)`` row, and are never added to wall
time. Paths below a concurrent container leave the container out, so ``phase2_inline`` of a variant
that runs whole tasks in workers lines up with ``phase2_inline`` of the sequential baseline.

Statistics. Per phase and variant: median wall and CPU over the rounds, share of the total (or of
the section's busy time for Σ rows), and the ratio to the baseline's median with a paired-bootstrap
confidence interval (:func:`harness.stats.ratio_ci`). Never a mean.

Keys. A row's key is its name when that is unambiguous (``phase3a_validate``), else the shortest
unambiguous path suffix (``score_demo/run_batch``); ``(unaccounted)`` rows are
``<parent>/(unaccounted)``, as in :func:`phase_times`.
"""

from __future__ import annotations

from harness.processors.compare.build import compare_records
from harness.processors.compare.extract import container_names
from harness.processors.compare.model import (
    SCHEMA_ID,
    ArithmeticCheck,
    Bottleneck,
    Cell,
    Comparison,
    ConcurrencyRow,
    CounterRow,
    GapRow,
    JourneyStep,
    Prediction,
    PredictionItem,
    Row,
    Timeline,
    TimelineBar,
    VariantSummary,
)
from harness.processors.phases import phase_times
from harness.units import fmt_duration, fmt_factor

__all__ = [
    "ArithmeticCheck",
    "Bottleneck",
    "Cell",
    "Comparison",
    "ConcurrencyRow",
    "CounterRow",
    "GapRow",
    "JourneyStep",
    "Prediction",
    "PredictionItem",
    "Row",
    "SCHEMA_ID",
    "Timeline",
    "TimelineBar",
    "VariantSummary",
    "compare_records",
    "container_names",
    "fmt_duration",
    "fmt_factor",
    "phase_times",
]
