"""Hostile primitives: what generated programs do at their worst, for the reliability tests only.

They are NOT part of the DSL, and nothing in the product can add them to the parser's allow-list: the
tests register them (`install`, undone by `uninstall`), and candidates use them only when injected
with `GeneratorConfig(extra=...)` as steps named by `hostile_step`. Task and pool workers are fresh
interpreters: a step's name is a `PrimitiveName`, whose unpickling there registers the primitives
in that process first. Each primitive must end as a recorded failure with its reason, never as a
crash, a hang or a lost result of any other candidate.
"""

from __future__ import annotations

import itertools
import os
import sys

from solver_core import dsl, generator, program
from solver_core.program import Program, Step
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


def _clear_name_caches() -> None:
    program.reset_namespace()
    generator.signature.cache_clear()
    generator._same_signature.cache_clear()


def install() -> None:
    """Register the hostile primitives in this process (idempotent)."""
    if all(dsl.PRIMITIVES.get(name) is f for name, f in PRIMITIVES.items()):
        return
    dsl.PRIMITIVES.update(PRIMITIVES)
    _clear_name_caches()


def uninstall() -> None:
    """Remove them again (and every cached view of the DSL's names)."""
    for name in PRIMITIVES:
        dsl.PRIMITIVES.pop(name, None)
    _clear_name_caches()


class PrimitiveName(str):
    """The name of a hostile primitive in a step: unpickled in another process, it registers them there."""

    __slots__ = ()

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (_arrive, (str(self),))


def _arrive(name: str) -> PrimitiveName:
    install()
    return PrimitiveName(name)


def hostile_step(name: str) -> tuple[str, Program]:
    """``(label, program)`` for `GeneratorConfig.extra`: one step calling the hostile primitive `name`."""
    return f"hostile:{name}", Program((Step(PrimitiveName(name), ("I",)),))

