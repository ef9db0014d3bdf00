"""Pipeline variants: named, documented configurations of per-phase strategies.

A variant changes HOW the pipeline works, never WHAT it computes: every variant must produce the
result digest of `baseline` for the same seed and data (`tests/test_variants.py`,
`phasebench verify`). Adding a variant is one `register(Variant(...))` call: name the strategies and
say in one line what changed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Literal

Backend = str  # a backend registered in `solver_core.execution.BACKENDS` (serial, threads, processes, dask, ...)


@dataclass(frozen=True)
class Variant:
    """Per-phase strategies of one pipeline configuration."""

    name: str
    summary: str
    #: score_demo / score_test: "independent" (each candidate's program run on its own), "shared"
    #: (the batch as one DAG per sample: each distinct step computed once for all candidates) or "memo"
    #: (the shared DAG; steps of `S` and constants once per task; validation in the same process reads
    #: the DAG's outcomes back: `solver_core.pipeline.score.TaskMemo`)
    #: "lean" is "memo" with Python's cyclic garbage collector paused while a sample's DAG and differs run,
    #: and all differs of a sample as one DAG (`score.DifferDag`: calls shared between differs)
    #: "timer" is "lean" with one step timer per DAG (`evaluate.LazyStepAlarm`: same per-step limits);
    #: "plan" is "timer" with the batch resolved once per task (`evaluate.DagPlan`, `score.TaskMemo.plan`);
    #: "nested" is "plan" with a few primitives memoised where they run inside others (`pipeline.nested`)
    scoring: Literal["independent", "shared", "memo", "lean", "timer", "plan", "nested"] = "independent"
    #: score the samples of a task concurrently on this backend ("serial" = one after another)
    score_backend: Backend = "serial"
    #: phase1_filter: drop duplicates and candidates the elite pool would refuse BEFORE inlining
    early_filter: bool = False
    #: phase2_inline: in-memory and on-disk cache of canonical sources, keyed by source hash
    inline_cache: bool = False
    #: phase3a_validate: run the unique solvers concurrently on this backend
    validate_backend: Backend = "serial"
    #: phase3a_validate: stop a solver at its first mismatching demo pair
    early_exit: bool = False
    #: differs: memoise differ results per distinct (expected, candidate) grid pair
    memo_differs: bool = False
    #: differs: the s_scores of "every" candidate on every demo pair (in score_demo), or only of the candidates
    #: the elite pool keeps ("pool", in phase4_differs): s_score is read for pool members only
    differ_scope: Literal["every", "pool"] = "every"
    #: run whole tasks (in chunks) concurrently on this backend
    task_backend: Backend = "serial"
    #: score_demo / score_test: exact matches and cell scores computed per sample in Python ("python"),
    #: or for all candidate outputs of the phase in one padded-array batch (`solver_core.pipeline.
    #: batch_scoring`; CuPy on a GPU from the calibrated batch size on, NumPy otherwise)
    match_backend: Literal["python", "array"] = "python"
    #: phase1-4 text work: each distinct candidate rebuilt once, canonical source built as text from the DAG
    #: (no AST, no cache), a source expanded only when a pool takes it (from its DAG), the differs' sources once
    #: per process, store folders checked once per phase and task (`Store.check_once`)
    text_ops: bool = False

    @property
    def parallel_phases(self) -> tuple[str, ...]:
        """Phases whose work this variant spreads over workers."""
        out = []
        if self.task_backend != "serial":
            out.append("run_batt")
        if self.score_backend != "serial":
            out += ["score_demo", "score_test"]
        if self.validate_backend != "serial":
            out.append("phase3a_validate")
        return tuple(out)

    def strategies(self) -> dict[str, object]:
        """The per-phase strategies as a plain dict (recorded in every run record)."""
        out = asdict(self)
        del out["name"], out["summary"]
        return out

    def changed_phases(self, reference: Variant) -> tuple[str, ...]:
        """Phases whose strategy differs from `reference` (for the report's Amdahl prediction): which phase
        each strategy changes is declared once, in `solver_core.pipeline.phases.PHASES`."""
        from solver_core.pipeline.phases import changed_phases

        return changed_phases(self, reference)


VARIANTS: dict[str, Variant] = {}


def register(variant: Variant) -> Variant:
    """Add a variant to the registry (names are unique)."""
    if variant.name in VARIANTS:
        raise ValueError(f"variant {variant.name!r} is registered twice")
    VARIANTS[variant.name] = variant
    return variant


def get_variant(name: str) -> Variant:
    """A registered variant by name, or a clear error listing the names."""
    if name not in VARIANTS:
        raise KeyError(f"unknown variant {name!r}: choose from {', '.join(VARIANTS)}")
    return VARIANTS[name]


BASELINE = register(Variant(
    "baseline",
    "everything sequential; each candidate evaluated on its own; every candidate inlined and validated",
))
PHASE1 = register(replace(
    BASELINE, name="phase1",
    summary="+ drop duplicates and refused candidates before inlining; cached inlining",
    early_filter=True, inline_cache=True,
))
PHASE2 = register(replace(
    PHASE1, name="phase2", summary="+ validate the unique solvers in parallel (processes)",
    validate_backend="processes",
))
PHASE4 = register(replace(
    PHASE2, name="phase4", summary="+ score demo and test samples in parallel (processes)",
    score_backend="processes",
))
SHARED = register(replace(
    PHASE4, name="shared",
    summary="+ the batch as one shared DAG per sample; memoised differs; early exit in validation",
    scoring="shared", memo_differs=True, early_exit=True,
))
TASKS = register(replace(
    SHARED, name="tasks",
    summary="shared-DAG work, serial inside a task, whole tasks in chunks across processes",
    score_backend="serial", validate_backend="serial", task_backend="processes",
))
MEMO = register(replace(
    TASKS, name="memo",
    summary="+ calls of S and constants once per task (memo by argument identity); validation reads the DAG back",
    scoring="memo",
))
LEAN = register(replace(
    MEMO, name="lean",
    summary="+ no cyclic GC while a sample's DAG and differs run; all differs as one shared DAG per expected grid",
    scoring="lean",
))
TIMER = register(replace(
    LEAN, name="timer",
    summary="+ one step timer per DAG, set again only when it fires (same per-step limits, no 2 syscalls a step)",
    scoring="timer",
))
PLAN = register(replace(
    TIMER, name="plan",
    summary="+ the batch resolved once per task (names, cone, trust; memo only where arguments are stable), "
            "one loop per DAG",
    scoring="plan",
))
TEXT = register(replace(
    LEAN, name="text",
    summary="lean + candidates rebuilt once, canonical text without AST, sources expanded only for pool entrants",
    text_ops=True,
))
WARM = register(replace(
    PLAN, name="warm",
    summary="plan + text + task workers forked from the running process: no interpreter start, imports or "
            "library parse per worker",
    text_ops=True, task_backend="forked",
))
NESTED = register(replace(
    WARM, name="nested",
    summary="+ normalize, mostcolor, objects, ... memoised by argument identity where they run inside other "
            "primitives (one table per DAG)",
    scoring="nested",
))
POOLED = register(replace(
    NESTED, name="pooled",
    summary="+ differ scores only for the candidates the elite pool keeps (in phase4), not for every candidate",
    differ_scope="pool",
))
FAST = register(replace(
    POOLED, name="fast",
    summary="every step above: shared, memoised work, serial inside a task, whole tasks across forked processes",
    text_ops=True,
))
GPU = register(replace(
    FAST, name="gpu",
    summary="fast + exact-match and cell scores of a phase's candidates in one array batch (GPU when it pays)",
    match_backend="array",
    # spawned task workers: CUDA cannot be used in a process forked from one that has touched it
    task_backend="processes",
))
DASK = register(replace(
    FAST, name="dask",
    summary="fast's per-task work, whole tasks in chunks on a Dask cluster (LocalCluster or --scheduler)",
    task_backend="dask",
))
