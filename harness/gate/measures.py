"""What the gate measures per phase: instructions (callgrind), CPU time or wall time, and how it decides.

- **instructions** (default where valgrind, its ``callgrind.h`` header and a C compiler are present):
  each side runs once under callgrind (`harness.callgrind`); a phase's count is its inclusive
  instructions in every process, worker jobs counted towards the phase that submitted them, the
  cyclic GC's marked collections left out (reported apart: where a full collection lands depends on
  allocations anywhere in the process). Machine load does not move these counts: the same code
  repeats within ~0.1% (`instructions_tolerance`, default 0.5%, is the band around the ratio that
  the decision treats as noise).
- **cpu**: CPU time per phase from the span tree (the process's CPU for spans of the main process,
  each worker's CPU for spans merged from workers; ``total`` is the main process's CPU over the run
  plus every worker's), interleaved rounds and paired bootstrap CIs as for wall time. A busy
  neighbour moves CPU time far less than wall time (no waiting for a core counts), but caches and
  frequency still do.
- **wall**: elapsed time per phase (worker phases: summed over workers).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.gate.decide import RuleOutcome
from harness.gate.rules import INCONCLUSIVE, TOTAL, GateError, InfrastructureError, Rule

MEASURES = ("instructions", "cpu", "wall")
AUTO = "auto"
#: What each measure's values are (the renderers' unit).
UNITS = {"instructions": "instructions", "cpu": "ns", "wall": "ns"}


@dataclass(frozen=True)
class MeasureChoice:
    """The measure that decides, and why it was chosen (said in the verdict and the summary)."""

    name: str
    reason: str


def callgrind_problem() -> str | None:
    """Why instructions cannot be counted here (one line), or None when valgrind, header and compiler work."""
    from harness import callgrind

    try:
        callgrind.check_tools()
    except callgrind.CallgrindUnavailable as exc:
        return str(exc)
    except OSError as exc:
        return f"the callgrind shim cannot be built: {exc}"
    return None


def resolve_measure(requested: str | None) -> MeasureChoice:
    """``instructions`` / ``cpu`` / ``wall`` as asked, or for ``auto`` (None): instructions where callgrind
    works, else cpu. An explicit ``instructions`` without the tools is an infrastructure error."""
    name = requested or AUTO
    if name not in (*MEASURES, AUTO):
        raise GateError(f"unknown measure {name!r}: choose from {', '.join(MEASURES)} or {AUTO}")
    if name == AUTO:
        problem = callgrind_problem()
        if problem is None:
            return MeasureChoice("instructions", "instruction counts under callgrind (valgrind found): "
                                                 "machine load does not move them")
        return MeasureChoice("cpu", f"CPU time, because instructions cannot be counted here: {problem}")
    if name == "instructions":
        problem = callgrind_problem()
        if problem is not None:
            raise InfrastructureError(f"--measure instructions: {problem} (or use --measure cpu)")
        return MeasureChoice(name, "instruction counts under callgrind (asked for)")
    return MeasureChoice(name, f"{'CPU' if name == 'cpu' else 'wall'} time (asked for)")


# ------------------------------------------------------------------------------------- span trees
def _children(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [c for c in node.get("children", ()) if not c.get("synthetic")]


def phase_cpu_times(tree: Mapping[str, Any]) -> dict[str, int]:
    """Phase name -> CPU ns summed over every node of that name; ``total``: the root's (the main process's
    CPU over the run plus every worker's).

    A node's CPU is its own process's over its calls (``cpu_ns``: the main process's for a span of the
    main process, the worker's for a span merged from a worker) plus the CPU of every worker job
    submitted inside it (``busy_cpu_ns`` of the node and of its descendants): a phase whose work
    sandbox workers do costs their CPU, not the main process's waiting."""
    out: dict[str, int] = {}

    def visit(node: Mapping[str, Any]) -> int:
        """Worker CPU submitted in `node`'s subtree; records the children's CPU on the way."""
        submitted = int(node.get("busy_cpu_ns", 0))
        for c in _children(node):
            inside = visit(c)
            name = str(c["name"])
            out[name] = out.get(name, 0) + int(c.get("cpu_ns", 0)) + inside
            submitted += inside
        return submitted

    out[TOTAL] = int(tree.get("cpu_ns", 0)) + visit(tree)
    return out


def phase_values(record: Mapping[str, Any], measure: str) -> dict[str, int]:
    """The flat ``{phase: value}`` of a run record or span tree for the ``cpu`` or ``wall`` measure."""
    from harness.processors.phases import phase_times

    tree = record.get("tree", record)
    if not isinstance(tree, Mapping) or "wall_ns" not in tree:
        raise InfrastructureError("not a run record or span tree: no 'tree' and no 'wall_ns'")
    if measure == "cpu":
        return phase_cpu_times(tree)
    if measure == "wall":
        return phase_times({"tree": tree})
    raise GateError(f"phase_values: measure {measure!r} is not read from span trees")


# ----------------------------------------------------------------------------------- instructions
def instruction_phases(inclusive: Mapping[str, int], gc: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """``({phase: instructions without GC}, {phase: GC instructions})`` from callgrind's inclusive counts
    per path (`harness.callgrind.PhaseCounts`). A phase sums the outermost paths ending in its name;
    ``total`` is the roots' (one-name paths: the main recorder's root, whatever its name)."""
    from harness.callgrind import phase_total, split_label

    names = {split_label(p)[-1] for p in inclusive}
    counts = {n: phase_total(inclusive, n) - phase_total(gc, n) for n in sorted(names)}
    gcs = {n: phase_total(gc, n) for n in sorted(names) if phase_total(gc, n)}
    roots = [p for p in inclusive if "/" not in p]
    counts[TOTAL] = sum(inclusive[p] - gc.get(p, 0) for p in roots)
    if any(gc.get(p) for p in roots):
        gcs[TOTAL] = sum(gc.get(p, 0) for p in roots)
    return counts, gcs


def decide_counts(rules: Sequence[Rule], counts: Mapping[str, Mapping[str, int]],
                  tolerance: float) -> list[RuleOutcome]:
    """Decide each rule on ``counts[side][phase]`` (one count per side): the band ``ratio × (1 ± tolerance)``
    must be wholly within the threshold to pass, wholly beyond it to fail; otherwise it is inconclusive."""
    if not 0 <= tolerance < 0.5:
        raise GateError(f"instructions_tolerance must be in [0, 0.5), got {tolerance}")
    out = []
    for rule in rules:
        num, den = (_count(counts, name, rule.phase) for name in (rule.variant, rule.baseline))
        ratio = num / den
        low, high = ratio * (1 - tolerance), ratio * (1 + tolerance)
        verdict = rule.decide(low, high) if math.isfinite(ratio) else INCONCLUSIVE
        out.append(RuleOutcome(rule, verdict, ratio, low, high, 1, f"instruction counts, ±{tolerance:.1%} band",
                               float(num), float(den)))
    return out


def _count(counts: Mapping[str, Mapping[str, int]], name: str, phase: str) -> int:
    if name not in counts:
        raise GateError(f"no counts of {name!r} (have: {', '.join(sorted(counts)) or 'none'})")
    value = counts[name].get(phase, 0)
    if value <= 0:
        seen = ", ".join(sorted(p for p, v in counts[name].items() if v > 0))
        raise GateError(f"phase {phase!r} never ran in {name!r}: check the rule's phase name (phases seen: {seen})")
    return value


__all__ = ["AUTO", "MEASURES", "UNITS", "MeasureChoice", "callgrind_problem", "decide_counts", "instruction_phases",
           "phase_cpu_times", "phase_values", "resolve_measure"]
