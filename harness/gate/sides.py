"""The sides a gate compares when each runs as a command of its own: this working tree ("head") and a
commit checked out in a temporary worktree ("base", `harness.worktree`), or two variants of the head.

Every side runs the workload's one-run command (`run_argv`, e.g. ``phasebench run --variant fast
--out DIR ...``) through its own ``phasebench`` entry point, by import path, so the base commit's code
runs exactly as committed. Two ways to measure:

- :func:`count_sides`: each side once under callgrind, all sides at the same time; instructions do not
  depend on what else runs.
- :func:`subprocess_measure`: a gate ``measure(rounds)`` (see `harness.gate.decide.run_gate`) that
  runs every side once per round, interleaved in a shuffled order, and reads CPU or wall time per
  phase from the run record the side wrote.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.gate.measures import phase_values
from harness.gate.rules import GateError, InfrastructureError

if TYPE_CHECKING:
    from harness.callgrind import PhaseCounts
    from harness.workload import Spec, Workload
    from harness.worktree import Checkout

#: Programs a run may start that valgrind need not follow (the environment probe's git, nvidia-smi).
SKIP_CHILDREN = "*/git,*/nvidia-smi,*/uname"
RUN_RECORD = "run.json"


@dataclass(frozen=True)
class Side:
    """One side of a comparison: which code (`ref`, `commit`), which variant, and how to start it."""

    label: str
    variant: str
    prefix: tuple[str, ...]
    env: dict[str, str] = field(repr=False)
    cwd: Path
    ref: str
    commit: str
    dirty: tuple[str, ...] = ()

    def command(self, args: Sequence[str]) -> list[str]:
        return [*self.prefix, *args]

    def describe(self) -> dict[str, Any]:
        return {"label": self.label, "variant": self.variant, "ref": self.ref, "commit": self.commit,
                "uncommitted_changes": list(self.dirty)}


def side_from_checkout(checkout: Checkout, label: str, variant: str, *, dirty: Sequence[str] = ()) -> Side:
    """A side that runs `checkout`'s ``phasebench`` (a worktree of a REF, or the working tree itself)."""
    return Side(label, variant, tuple(checkout.command()), checkout.env(), checkout.root, checkout.ref,
                checkout.commit, tuple(dirty))


def head_checkout(repo: Path | str = ".") -> tuple[Checkout, list[str]]:
    """The working tree as a `Checkout` (its own files, by import path, bytecode compiled as for a base
    worktree) and its uncommitted changes."""
    from harness.worktree import Checkout, _git, compile_bytecode, dirty_paths, read_entry_point, repo_root

    root = repo_root(Path(repo))
    compile_bytecode(root)
    done = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    commit = done.stdout.strip() if done.returncode == 0 else "(no commit yet)"
    return Checkout("(working tree)", commit, root, read_entry_point(root), root), dirty_paths(root)


def run_argv(workload: Workload, spec: Spec, variant: str, out_dir: Path) -> list[str]:
    """The ``phasebench`` arguments that run `variant` of `spec` once into `out_dir` (the workload says)."""
    make = getattr(workload, "run_argv", None)
    if make is None:
        raise GateError(f"workload {workload.name!r} has no run_argv(spec, variant, out_dir): the gate cannot "
                        "run it as a command (needed by --base and by --measure instructions)")
    return [str(a) for a in make(spec, variant, out_dir)]


def _failure(side: Side, what: str, detail: str) -> InfrastructureError:
    where = f"{side.ref} {side.commit[:12]}" if side.ref != side.commit else side.commit[:12]
    tail = "\n".join(detail.strip().splitlines()[-8:])
    message = f"{side.label} ({where}, variant {side.variant}) {what}"
    return InfrastructureError(message + (f":\n{tail}" if tail else ""))


# ------------------------------------------------------------------------------------- instructions
def count_sides(sides: Sequence[Side], workload: Workload, spec: Spec, work_dir: Path, *, timeout: float,
                instr_atstart: bool = False) -> dict[str, PhaseCounts]:
    """Every side once under callgrind, all started at once (dump files in ``work_dir/<label>-callgrind``);
    ``{label: counts}``. `timeout` bounds them all together; past it, on a failure of one side, or on
    Ctrl-C / SIGTERM, every side's process group is killed."""
    from harness import callgrind

    started: list[tuple[Side, callgrind.CountedRun]] = []
    try:
        for side in sides:
            argv = side.command(run_argv(workload, spec, side.variant, work_dir / f"{side.label}-out"))
            started.append((side, callgrind.start_counted(
                argv, work_dir / f"{side.label}-callgrind", side.env, instr_atstart=instr_atstart, cwd=side.cwd,
                extra=[f"--trace-children-skip={SKIP_CHILDREN}"])))
        deadline = time.monotonic() + timeout
        return {side.label: _wait(side, run, deadline - time.monotonic(), timeout) for side, run in started}
    except callgrind.CallgrindUnavailable as exc:
        raise InfrastructureError(str(exc)) from None
    finally:
        for _, run in started:
            run.kill()  # a no-op for the runs that ended


def _wait(side: Side, run: Any, left: float, timeout: float) -> PhaseCounts:
    try:
        return run.wait(max(left, 0.001))
    except subprocess.TimeoutExpired:
        raise _failure(side, f"did not finish within {timeout:g} s under callgrind", "") from None
    except subprocess.CalledProcessError as exc:
        raise _failure(side, f"failed under callgrind (exit {exc.returncode})", str(exc.stderr or "")) from None


# --------------------------------------------------------------------------------- cpu / wall time
def run_side_once(side: Side, workload: Workload, spec: Spec, out_dir: Path, measure: str, *,
                  timeout: float) -> dict[str, int]:
    """`side` run once as a command; its phase values (`measure`) from the run record it wrote."""
    argv = side.command(run_argv(workload, spec, side.variant, out_dir))
    try:
        done = subprocess.run(argv, env=side.env, cwd=side.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise _failure(side, f"did not finish within {timeout:g} s", "") from None
    if done.returncode != 0:
        raise _failure(side, f"failed (exit {done.returncode})", done.stderr or "")
    try:
        record = json.loads((out_dir / RUN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _failure(side, f"wrote no readable {RUN_RECORD} in {out_dir}", str(exc)) from None
    return phase_values(record, measure)


def subprocess_measure(sides: Sequence[Side], workload: Workload, spec: Spec, work_dir: Path, measure: str, *,
                       warmup: int, seed: int, timeout: float) -> Callable[[int], dict[str, list[dict[str, int]]]]:
    """A gate `measure(rounds)`: every side once per round, interleaved, each run in a fresh folder (deleted
    after it); warm-up rounds only on the first call."""
    from harness.interleave import run_interleaved

    counter = itertools.count()
    calls = itertools.count()

    def runner(side: Side) -> Callable[[int], dict[str, int]]:
        def run(_round: int) -> dict[str, int]:
            out = work_dir / f"{next(counter):05d}-{side.label}"
            try:
                return run_side_once(side, workload, spec, out, measure, timeout=timeout)
            finally:
                shutil.rmtree(out, ignore_errors=True)

        return run

    runners = {side.label: runner(side) for side in sides}

    def measure_rounds(rounds: int) -> dict[str, list[dict[str, int]]]:
        n = next(calls)
        return run_interleaved(runners, rounds=rounds, warmup=warmup if n == 0 else 0, seed=seed + n)

    return measure_rounds


def python_label() -> str:
    """The interpreter both sides run with."""
    return f"{sys.executable} ({sys.version.split()[0]})"


def side_table(sides: Sequence[Side], extra: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The verdict's ``sides`` section: each side's ref, commit, variant (and `extra` per label)."""
    return {s.label: {**s.describe(), **dict((extra or {}).get(s.label, {}))} for s in sides}


__all__ = ["RUN_RECORD", "SKIP_CHILDREN", "Side", "count_sides", "head_checkout", "python_label",
           "run_argv", "run_side_once", "side_from_checkout", "side_table", "subprocess_measure"]
