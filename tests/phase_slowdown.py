"""Test aid: slow down one phase of one variant, to check that the gate catches it (not in the product).

``inject_slowdown("phase3a_validate:1.3:fast")`` makes the named phase of the named variant take
1.3× its time (busy-waiting inside the phase's span) for every pipeline run inside the block, in
this process and in the pipeline's task worker processes (`InjectedRunTasks` travels to them and
wraps the phases there); ``phase3a_validate:1.3:fast-slow=fast`` first registers ``fast-slow`` as
a copy of ``fast`` and slows only that one. Several injections are separated by commas. The
pipeline's code is not touched: the span functions of `solver_core.pipeline.task` (the phases of
`solver_core.pipeline.phases`) are wrapped at run time and restored on exit.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from harness import current_span
from solver_core.pipeline.phases import PHASE_NAMES

#: Phases a slowdown can be injected into: every declared phase (each is a span function of task.py).
INJECTABLE = PHASE_NAMES
#: Counter added to a slowed phase's span each time the injection ran.
INJECTED_COUNTER = "injected_slowdowns"


@dataclass(frozen=True)
class Slowdown:
    """Make `phase` take `factor` × its time for `variant` (None: every variant)."""

    phase: str
    factor: float
    variant: str | None = None
    copy_of: str | None = None  # register `variant` as a copy of this one first


def parse_slowdowns(spec: str | None) -> tuple[Slowdown, ...]:
    """``PHASE:FACTOR[:VARIANT[=BASE]]`` items separated by commas."""
    out = []
    for item in (spec or "").split(","):
        item = item.strip()
        if not item:
            continue
        parts = item.split(":")
        if len(parts) not in (2, 3):
            raise ValueError(f"slowdown: cannot parse {item!r}: expected PHASE:FACTOR[:VARIANT[=BASE]]")
        phase, factor_text = parts[0].strip(), parts[1].strip()
        if phase not in INJECTABLE:
            raise ValueError(f"slowdown: cannot slow down {phase!r}: choose from {', '.join(INJECTABLE)}")
        try:
            factor = float(factor_text)
        except ValueError:
            raise ValueError(f"slowdown: factor {factor_text!r} is not a number") from None
        if not factor >= 1.0:
            raise ValueError(f"slowdown: factor must be >= 1, got {factor}")
        variant, copy_of = None, None
        if len(parts) == 3 and parts[2].strip():
            variant, _, base = parts[2].strip().partition("=")
            copy_of = base or None
        out.append(Slowdown(phase, factor, variant, copy_of))
    return tuple(out)


def _spin(ns: int) -> None:
    """Busy-wait `ns` nanoseconds (CPU work, like a real slowdown; not a sleep)."""
    end = time.perf_counter_ns() + ns
    while time.perf_counter_ns() < end:
        pass


def _slowed(inner: Callable[..., Any], factors: Mapping[str | None, float]) -> Callable[..., Any]:
    @functools.wraps(inner)
    def slowed(*args: Any, **kwargs: Any) -> Any:
        ctx = args[-1] if args else kwargs.get("ctx")
        variant = getattr(getattr(getattr(ctx, "settings", None), "variant", None), "name", None)
        factor = factors.get(variant, factors.get(None, 1.0))
        t0 = time.perf_counter_ns()
        result = inner(*args, **kwargs)
        if factor > 1.0:
            _spin(int((time.perf_counter_ns() - t0) * (factor - 1.0)))
            current_span().add(INJECTED_COUNTER)  # where it ran, for tests that must not compare times
        return result

    return slowed


_PATCHED_ATTR = "_phasebench_unslowed"


def install_phase_slowdowns(slowdowns: Sequence[Slowdown]) -> None:
    """Wrap the phase functions of `solver_core.pipeline.task` in this process (idempotent).

    The wrapper runs inside the phase's span: the phase's own timing includes the injected time.
    """
    from harness import span
    from solver_core.pipeline import run as run_module
    from solver_core.pipeline import task as task_module

    by_phase: dict[str, dict[str | None, float]] = {}
    for s in slowdowns:
        by_phase.setdefault(s.phase, {})[s.variant] = s.factor
    for phase, factors in by_phase.items():
        current = getattr(task_module, phase)
        if getattr(current, _PATCHED_ATTR, None) is not None:
            continue
        inner = getattr(current, "__wrapped__", None)
        if inner is None:
            raise ValueError(f"cannot inject a slowdown into {phase!r}: not a span-decorated function")
        wrapped = span(phase)(_slowed(inner, factors))
        setattr(wrapped, _PATCHED_ATTR, current)
        setattr(task_module, phase, wrapped)
        if phase == "run_batt":
            run_module.run_batt = wrapped


def remove_phase_slowdowns() -> None:
    """Undo `install_phase_slowdowns` in this process."""
    from solver_core.pipeline import run as run_module
    from solver_core.pipeline import task as task_module

    for phase in INJECTABLE:
        current = getattr(task_module, phase)
        original = getattr(current, _PATCHED_ATTR, None)
        if original is not None:
            setattr(task_module, phase, original)
            if phase == "run_batt":
                run_module.run_batt = original


_ORIGINAL_RUN_TASKS: list[Callable[..., Any]] = []


@dataclass(frozen=True)
class InjectedRunTasks:
    """Stands in for `solver_core.pipeline.run.run_tasks`: installs the phase wrappers in whichever
    process runs it (the main process, or a task worker after unpickling), then runs the tasks."""

    slowdowns: tuple[Slowdown, ...]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from solver_core.pipeline import run as run_module

        install_phase_slowdowns(self.slowdowns)
        original = _ORIGINAL_RUN_TASKS[0] if _ORIGINAL_RUN_TASKS else run_module.run_tasks
        return original(*args, **kwargs)


@contextmanager
def inject_slowdown(slowdowns: Sequence[Slowdown] | str | None) -> Iterator[tuple[Slowdown, ...]]:
    """Inject `slowdowns` (or a spec string) into every pipeline run inside the block; undone on exit.

    Variants named ``NEW=BASE`` are registered for the block's duration.
    """
    from solver_core.pipeline import run as run_module
    from solver_core.variants import VARIANTS, get_variant, register

    items = parse_slowdowns(slowdowns) if isinstance(slowdowns, str) or slowdowns is None else tuple(slowdowns)
    if not items:
        yield items
        return
    if _ORIGINAL_RUN_TASKS:
        raise RuntimeError("inject_slowdown blocks cannot be nested")
    added = []
    try:
        for s in items:
            if s.copy_of and s.variant and s.variant not in VARIANTS:
                try:
                    base = get_variant(s.copy_of)
                except KeyError as exc:
                    raise ValueError(exc.args[0]) from None
                register(replace(base, name=s.variant, summary=f"{base.name} with an injected slowdown (test aid)"))
                added.append(s.variant)
        _ORIGINAL_RUN_TASKS.append(run_module.run_tasks)
        run_module.run_tasks = InjectedRunTasks(items)
        yield items
    finally:
        if _ORIGINAL_RUN_TASKS:
            run_module.run_tasks = _ORIGINAL_RUN_TASKS.pop()
        remove_phase_slowdowns()
        for name in added:
            VARIANTS.pop(name, None)
