"""``phasebench gate --base REF``: this commit (the working tree, "head") against REF ("base").

REF is checked out in a temporary worktree (`harness.worktree.checkout`) and both sides run the same
variant on the same workload through their own ``phasebench`` (`harness.gate.sides`), so what differs
is the code alone. With the instructions measure each side runs once under callgrind, both at the
same time, and each rule ``PHASE: head / base <= X`` is decided on the ratio of the phase's
instruction counts (`harness.gate.measures.decide_counts`); with cpu or wall time the sides run
interleaved, round after round, and the rules are decided on paired bootstrap CIs as usual
(`harness.gate.decide.run_gate`). A base from before the harness marked its phases for callgrind
gives no per-phase counts: the gate says so and decides on CPU time instead.

:func:`counted_verdict` is the instructions path for any sides (also ``fast`` against ``baseline``
of the head, and comparisons with a saved verdict of instruction counts).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.gate.decide import GateVerdict, overall, run_gate
from harness.gate.measures import MeasureChoice, decide_counts, instruction_phases
from harness.gate.rules import BASE, HEAD, INCONCLUSIVE, GateConfig
from harness.gate.sides import (
    Side,
    count_sides,
    head_checkout,
    side_from_checkout,
    side_table,
    subprocess_measure,
)

if TYPE_CHECKING:
    from harness.workload import Spec, Workload

Progress = Callable[[str], None]


class NoMarks(Exception):
    """A side ran under callgrind but marked no phase (its code predates the marks)."""

    def __init__(self, labels: Sequence[str]) -> None:
        super().__init__(", ".join(labels))
        self.labels = list(labels)


def _say(progress: Progress | None, line: str) -> None:
    if progress is not None:
        progress(line)


def counted_verdict(config: GateConfig, sides: Sequence[Side], workload: Workload, spec: Spec, work_dir: Path, *,
                    mode: str, extra_counts: Mapping[str, Mapping[str, int]] | None = None,
                    progress: Progress | None = None, environment: dict[str, Any] | None = None,
                    clock: Callable[[], float] = time.monotonic) -> GateVerdict:
    """Count every side once under callgrind (in parallel) and decide `config.rules` on the counts.

    `extra_counts` adds counts measured earlier (a saved verdict's, as ``NAME@saved``). Raises
    :class:`NoMarks` when a side marked no phase.
    """
    start = clock()
    names = ", ".join(f"{s.label} ({s.variant})" for s in sides)
    _say(progress, f"counting instructions under callgrind, all at once: {names} ...")
    counts = count_sides(sides, workload, spec, work_dir, timeout=config.count_timeout_s)
    unmarked = [label for label, c in counts.items() if not c.inclusive]
    if unmarked:
        raise NoMarks(unmarked)
    phases = {label: instruction_phases(c.inclusive, c.gc) for label, c in counts.items()}
    values: dict[str, Mapping[str, int]] = {label: p[0] for label, p in phases.items()}
    values.update(extra_counts or {})
    outcomes = decide_counts(config.rules, values, config.instructions_tolerance)
    verdict = overall(outcomes)
    elapsed = clock() - start
    _say(progress, f"counted in {elapsed:.1f} s: {verdict}"
         + "".join(f"\n  {o.verdict:<12} {o.describe()}" for o in outcomes))
    samples = {label: {ph: [n] for ph, n in p[0].items()} for label, p in phases.items()}
    extra = {label: {"instructions_total": c.total, "instructions_unattributed": c.exclusive.get("(unattributed)", 0),
                     "processes": c.processes, "gc_instructions": phases[label][1]} for label, c in counts.items()}
    stopped = "within the noise band" if verdict == INCONCLUSIVE else "decided"
    v = GateVerdict(verdict, outcomes, 1, elapsed, config, samples, [], stopped, environment, mode=mode,
                    measure="instructions")
    v.sides = side_table(sides, extra)
    v.notes += gc_notes(config, phases)
    return v


def gc_notes(config: GateConfig, phases: Mapping[str, tuple[Mapping[str, int], Mapping[str, int]]]) -> list[str]:
    """One line: the marked cyclic-GC collections left out of the ruled phases' counts, per side."""
    labels = list(phases)
    parts = []
    for phase in dict.fromkeys(r.phase for r in config.rules):
        gcs = [phases[label][1].get(phase, 0) for label in labels]
        if any(gcs):
            parts.append(f"{phase} " + " / ".join(f"{n / 1e6:.2f} M" for n in gcs))
    if not parts:
        return []
    return [f"cyclic-GC instructions left out of the counts ({' / '.join(labels)}; where a collection lands "
            f"depends on allocations anywhere in the process): {'; '.join(parts)}"]


def gate_against_base(config: GateConfig, ref: str, variant: str, workload: Workload, spec: Spec, work_dir: Path, *,
                      choice: MeasureChoice, repo: Path | str = ".", progress: Progress | None = None,
                      environment: dict[str, Any] | None = None) -> GateVerdict:
    """REF ("base") against the working tree ("head"), both running `variant`; `config.rules` compare
    ``head`` with ``base``."""
    from harness.worktree import checkout

    head, dirty = head_checkout(repo)
    notes = []
    if dirty:
        notes.append(f"head is the working tree, with uncommitted changes to {len(dirty)} file(s): "
                     + ", ".join(dirty[:5]) + (" ..." if len(dirty) > 5 else ""))
    _say(progress, f"checking out {ref} in a temporary worktree ...")
    with checkout(ref, repo=head.root) as base:
        sides = [side_from_checkout(base, BASE, variant), side_from_checkout(head, HEAD, variant, dirty=dirty)]
        verdict = None
        if choice.name == "instructions":
            try:
                verdict = counted_verdict(config, sides, workload, spec, work_dir, mode="base", progress=progress,
                                          environment=environment)
            except NoMarks as exc:
                line = (f"{' and '.join(exc.labels)} ({ref if BASE in exc.labels else 'head'}) marked no phase under "
                        "callgrind (its code predates the phase marks): decided on CPU time instead")
                _say(progress, line)
                notes.append(line)
                choice = MeasureChoice("cpu", line)
        if verdict is None:
            measure = subprocess_measure(sides, workload, spec, work_dir, choice.name, warmup=config.warmup,
                                         seed=config.seed, timeout=config.count_timeout_s)
            verdict = run_gate(config, measure, progress=progress, environment=environment, mode="base")
            verdict.measure = choice.name
            verdict.sides = side_table(sides)
    verdict.measure_reason = choice.reason
    verdict.notes = notes + verdict.notes
    return verdict


__all__ = ["NoMarks", "counted_verdict", "gate_against_base", "gc_notes"]
