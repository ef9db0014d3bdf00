"""Hostile primitives: what generated programs do at their worst, for the reliability tests.

They are NOT part of the DSL. A run sees them only when `$PHASEBENCH_PRIMITIVES` names this module
(`solver_core.program.EXTRA_PRIMITIVES_ENV`), and candidates use them only when they are injected
with `GeneratorConfig(extra=...)`. Each one must end as a recorded failure with its reason, never as a
crash, a hang or a lost result of any other candidate.
"""

from __future__ import annotations

import itertools
import os
import sys

from solver_core.types import Grid


def spin(grid: Grid) -> Grid:
    """An infinite loop in Python (stopped by the step time limit)."""
    while True:
        pass


def spin_in_c(grid: Grid) -> Grid:
    """An infinite loop inside C code, deaf to signals (the worker is killed at its deadline)."""
    return sum(itertools.repeat(0))  # type: ignore[return-value]


def memory_bomb(grid: Grid) -> Grid:
    """Allocate far more memory than any worker may have (a MemoryError, not a dead machine)."""
    return bytearray(64 * 1024**3)  # type: ignore[return-value]


def recurse(grid: Grid) -> Grid:
    """Unbounded recursion (a RecursionError)."""
    return recurse(grid)


def leave(grid: Grid) -> Grid:
    """`sys.exit` from inside a candidate (a SystemExit that must not end the run)."""
    sys.exit(3)


def die(grid: Grid) -> Grid:
    """`os._exit`: the process is gone without cleanup (its worker is replaced)."""
    os._exit(7)


def huge(grid: Grid) -> Grid:
    """A grid far larger than 30x30."""
    return tuple(tuple(0 for _ in range(100)) for _ in range(100))


def wrong_type(grid: Grid) -> Grid:
    """Not a grid at all."""
    return "not a grid"  # type: ignore[return-value]


def explode(grid: Grid) -> Grid:
    """An ordinary exception."""
    raise ValueError("hostile candidate")


PRIMITIVES = {f.__name__: f for f in (spin, spin_in_c, memory_bomb, recurse, leave, die, huge, wrong_type, explode)}

#: The reason each hostile primitive's candidate is recorded with (in scoring), by name.
EXPECTED_REASON = {
    "spin": "timeout",
    "spin_in_c": "killed",
    "memory_bomb": "error:MemoryError",
    "recurse": "error:RecursionError",
    "leave": "error:SystemExit",
    "die": "crashed",
    "huge": "invalid:too-large",
    "wrong_type": "invalid:not-a-grid",
    "explode": "error:ValueError",
}
