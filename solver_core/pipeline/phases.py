"""The pipeline's phases, declared once: their span names (a public contract), order, nesting, what
each does, and which variant strategies change it.

Everything else derives from `PHASES`: `check_batt` runs the phases under it in this order
(`solver_core.pipeline.task`), `changed_phases` (the report's Amdahl prediction) reads `strategies`,
the tests' slowdown injection wraps these span functions, and the README's phase table is checked
against it (tests/test_variants.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Phase:
    """One phase: a span-decorated function of `solver_core.pipeline.task` with the same name."""

    name: str
    parent: str | None
    summary: str
    #: `Variant` fields whose value changes how this phase works
    strategies: tuple[str, ...] = ()


PHASES: tuple[Phase, ...] = (
    Phase("run_batt", None, "generate the task's batch, then check it", ("task_backend",)),
    Phase("check_batt", "run_batt", "everything below, for one task"),
    Phase("score_demo", "check_batt", "run the batch on every demo pair; o_score, cell scores, differ scores",
          ("scoring", "score_backend", "memo_differs", "differ_scope", "match_backend")),
    Phase("score_test", "check_batt", "run the batch on every test pair; exact matches",
          ("scoring", "score_backend", "match_backend")),
    Phase("phase1_filter", "check_batt", "rebuild each candidate's program; drop duplicates and refused ones",
          ("early_filter", "text_ops")),
    Phase("phase2_inline", "check_batt", "inline to the canonical source whose md5 is the program's identity",
          ("early_filter", "inline_cache", "text_ops")),
    Phase("phase3a_validate", "check_batt", "run each solver on every pair under a time limit",
          ("early_filter", "validate_backend", "early_exit")),
    Phase("phase3b_file_ops", "check_batt", "content-addressed store, relative links, elite pool",
          ("early_filter", "text_ops")),
    Phase("phase4_differs", "check_batt", "store the differs with their task statistics",
          ("inline_cache", "text_ops", "differ_scope")),
)

#: Phase names in pipeline order.
PHASE_NAMES: tuple[str, ...] = tuple(p.name for p in PHASES)
#: The phases `check_batt` runs, in order.
CHECK_BATT: tuple[str, ...] = tuple(p.name for p in PHASES if p.parent == "check_batt")


def changed_phases(variant: Any, reference: Any) -> tuple[str, ...]:
    """Phases whose strategy differs between two variants: per differing strategy (in `Variant` field
    order), the phases it changes (in pipeline order)."""
    mine, theirs = variant.strategies(), reference.strategies()
    changed: list[str] = []
    for key in mine:
        if mine[key] != theirs.get(key):
            changed += [p.name for p in PHASES if key in p.strategies and p.name not in changed]
    return tuple(changed)


__all__ = ["CHECK_BATT", "PHASES", "PHASE_NAMES", "Phase", "changed_phases"]
