"""Running programs and batches on one sample: independently, or as one shared DAG.

Every way of evaluating gives the same `Outcome` for a candidate: its output grid, or a `Failure`
naming the first step that failed and why. The rules that make the two strategies agree:

- a program runs its steps in ascending order and stops at the first step that raises, so its
  failure is that of the lowest-numbered failing step;
- in a shared DAG a step whose argument failed is not run; it inherits the failure with the lowest
  step number among its arguments, which is the same step (a failing step with a lower number than
  every other failing ancestor has no failed argument itself, so both strategies run it).

An output that is not a valid ARC grid (1x1..30x30, cells 0..9) is a failure too.

Containment (`solver_core.containment`): whatever a candidate raises, `BaseException` subclasses and
its own `KeyboardInterrupt` included, is its failure (only a real Ctrl-C stops the run); the process
state it could change (working directory, signal mask, SIGALRM handler, recursion limit, stdio, the DSL
module's globals) is compared after every program and every shared DAG and put back where it changed;
in a shared DAG the signal mask, the SIGALRM handler, stdio and the recursion limit are also checked
after every step that may run code from outside the DSL (`untrusted_steps`), so that no such step can
switch off the time limit of the steps after it (the working directory and module globals, which no
DSL step reads, after the whole DAG).
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from solver_core.containment import Snapshot, failure_name, is_interrupt, trusted_code
from solver_core.program import Arg, Program, Step, namespace
from solver_core.types import Grid

MAX_SIDE = 30


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a candidate produced no valid output: `error:<Type>`, `timeout` or `invalid:<what>`."""

    reason: str
    step: int


Outcome = Grid | Failure


class StepTimeout(Exception):
    """Raised inside a running program when its time limit expires."""


#: What a candidate may raise and still be only a failed candidate: anything. A real Ctrl-C still
#: stops the run (`containment.is_interrupt` tells it from a candidate's own KeyboardInterrupt).
CANDIDATE_ERRORS: tuple[type[BaseException], ...] = (BaseException,)


def grid_problem(value: object) -> str | None:
    """None if `value` is a valid ARC grid, else a short reason."""
    if type(value) is not tuple or not value:
        return "invalid:not-a-grid"
    if len(value) > MAX_SIDE:
        return "invalid:too-large"
    width = None
    for row in value:
        if type(row) is not tuple or not row:
            return "invalid:not-a-grid"
        if width is None:
            width = len(row)
            if width > MAX_SIDE:
                return "invalid:too-large"
        elif len(row) != width:
            return "invalid:ragged"
        for cell in row:
            if type(cell) is not int or not 0 <= cell <= 9:
                return "invalid:bad-cell"
    return None


def as_outcome(value: object, step: int) -> Outcome:
    """The value itself when it is a valid grid, else an `invalid:` failure at `step`."""
    problem = grid_problem(value)
    return value if problem is None else Failure(problem, step)  # type: ignore[return-value]


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `StepTimeout` in the running code after `seconds` (main thread only; else no limit).

    SIGALRM interrupts pure-Python work between bytecodes, so a runaway candidate is really stopped,
    not abandoned in a busy thread. Work that must be stoppable anywhere runs in a process worker
    that the execution backend kills and replaces (see `solver_core.execution`).
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise StepTimeout(f"time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    try:  # armed inside the try: even a limit that expires at once is undone (handler restored)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class StepAlarm:
    """A per-step time limit for many steps: the SIGALRM handler is installed once, each step only
    arms and disarms the timer (two cheap syscalls). Inactive off the main thread or without limit."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.active = bool(seconds) and threading.current_thread() is threading.main_thread()
        self._previous: object = None

    def __enter__(self) -> StepAlarm:
        if self.active:
            seconds = self.seconds

            def expire(_signum: int, _frame: object) -> None:
                raise StepTimeout(f"step time limit of {seconds:g} s")

            self._previous = signal.signal(signal.SIGALRM, expire)
        return self

    def arm(self) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, self.seconds)  # type: ignore[arg-type]

    def disarm(self) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def __exit__(self, *exc: object) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)  # type: ignore[arg-type]

    def reset(self) -> None:
        """After a step that may have run outside code: nothing to do (every step arms afresh)."""


class LazyStepAlarm(StepAlarm):
    """`StepAlarm` with the same per-step limit, but one timer for many steps: `arm` only notes the
    step's deadline (a clock read); the timer is set when none is pending, and when it fires, the
    handler raises `StepTimeout` only if the running step is past its own deadline, else it sets the
    timer again for what is left of that step's limit (between steps: for nothing; the next `arm` sets
    it). Each step is still stopped `seconds` after its own start, and the next step gets its full
    limit; an honest DAG makes one `setitimer` call instead of two per step."""

    def __init__(self, seconds: float | None) -> None:
        super().__init__(seconds)
        self._deadline = math.inf
        self._pending = False

    def __enter__(self) -> LazyStepAlarm:
        if self.active:
            self._previous = signal.signal(signal.SIGALRM, self._expire)
        return self

    def _expire(self, _signum: int, _frame: object) -> None:
        left = self._deadline - time.perf_counter()
        if left <= 0:
            self._pending = False
            self._deadline = math.inf
            raise StepTimeout(f"step time limit of {self.seconds:g} s")
        if left == math.inf:  # between steps: the next `arm` sets the timer
            self._pending = False
            return
        signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6))

    def arm(self) -> None:
        if self.active:
            self._deadline = time.perf_counter() + self.seconds  # type: ignore[operator]
            if not self._pending:
                self._pending = True
                signal.setitimer(signal.ITIMER_REAL, self.seconds)  # type: ignore[arg-type]

    def disarm(self) -> None:
        self._deadline = math.inf

    def reset(self) -> None:
        """After a step that may have run outside code (it could have cleared or moved the timer):
        the next `arm` sets the timer afresh."""
        if self.active:
            self._pending = False
            signal.setitimer(signal.ITIMER_REAL, 0)

    def __exit__(self, *exc: object) -> None:
        self._deadline = math.inf
        self._pending = False
        super().__exit__(*exc)


# ----------------------------------------------------------------------------------- compiling
#: A compiled step: the function, and per argument either ("s", step index) or ("v", value).
Compiled = tuple[Callable[..., object], tuple[tuple[str, object], ...]]


def compile_steps(steps: Sequence[Step], inputs: Mapping[str, object],
                  calls: Mapping[str, Callable[..., object]] | None = None,
                  values: Mapping[str, object] | None = None) -> list[Compiled]:
    """Resolve every name once: primitives, constants and the sample's inputs.

    `calls`: the function each step calls, by primitive name (e.g. memoising wrappers of the
    primitives, `score.TaskMemo`); None = the primitives themselves. `values`: what a name used as an
    argument is (e.g. `nested.NestedMemo.values`); None = `namespace()`.
    """
    names = namespace()
    funcs = names if calls is None else calls
    if values is not None:
        names = values

    def resolve(arg: Arg) -> tuple[str, object]:
        if isinstance(arg, int):
            return ("s", arg)
        return ("v", inputs[arg] if arg in inputs else names[arg])

    return [(funcs[s.func], tuple(resolve(a) for a in s.args)) for s in steps]  # type: ignore[misc]


def _failure(exc: BaseException, step: int) -> Failure:
    if is_interrupt(exc):
        raise exc
    if isinstance(exc, StepTimeout):
        return Failure("timeout", step)
    return Failure(f"error:{failure_name(exc)}", step)


# ---------------------------------------------------------------------------------- evaluation
def run_program(program: Program, inputs: Mapping[str, object], step_timeout: float | None = None) -> object | Failure:
    """Run one program on one sample: the value of its last step, or the first step's `Failure`.

    For trusted programs (the differs, which read only grids); a candidate's program goes through
    `program_outcome` or `measure_program`, which also put back any process state it changed."""
    return _measure(compile_steps(program.steps, inputs), step_timeout)[0]


def measure_program(program: Program, inputs: Mapping[str, object],
                    step_timeout: float | None = None) -> tuple[object | Failure, int]:
    """`run_program`, plus the program's work units: one per step run plus the size of every
    container a step produced (deterministic, unlike a clock).

    With `step_timeout`, each step runs under its own alarm (a timed-out step is a `timeout`
    failure); without it, a `StepTimeout` from an enclosing `time_limit` propagates to the caller.
    """
    before = Snapshot.take()  # a candidate: the next one starts from the state this one found
    try:
        return _measure(compile_steps(program.steps, inputs), step_timeout)
    finally:
        before.restore()


def _measure(compiled: list[Compiled], step_timeout: float | None) -> tuple[object | Failure, int]:
    """The steps of one program in order, each under the step alarm, with their work units."""
    values: list[object] = []
    work = 0
    with StepAlarm(step_timeout) as alarm:
        for k, (fn, args) in enumerate(compiled):
            work += 1
            value = _call(fn, [values[a] if kind == "s" else a for kind, a in args], k, alarm)  # type: ignore[index, call-overload]
            if type(value) is Failure:
                if value.reason == "timeout" and not alarm.active:
                    raise StepTimeout("enclosing time limit")
                return value, work
            values.append(value)
            if isinstance(value, (tuple, frozenset)):
                work += len(value)
    return values[-1], work


def program_outcome(program: Program, inputs: Mapping[str, object], step_timeout: float | None = None) -> Outcome:
    """Run a candidate program: its output grid, or a `Failure` (error, timeout or invalid output)."""
    value = measure_program(program, inputs, step_timeout)[0]
    if type(value) is Failure:
        return value  # type: ignore[return-value]
    return as_outcome(value, program.output)


def run_dag(steps: Sequence[Step], inputs: Mapping[str, object], wanted: Sequence[int] | None = None,
            step_timeout: float | None = None,
            calls: Mapping[str, Callable[..., object]] | None = None,
            lazy_alarm: bool = False) -> list[object | Failure]:
    """Evaluate a shared step list once; failed steps hold a `Failure`, dependents inherit it.

    `wanted` restricts evaluation to the steps these outputs depend on (None = all steps); `calls` as
    in `compile_steps`; `lazy_alarm`: the per-step limit by a `LazyStepAlarm` (same limits, fewer
    timer calls).
    """
    compiled = compile_steps(steps, inputs, calls)
    needed = None if wanted is None else _cone(compiled, wanted)
    values: list[object | Failure] = [None] * len(compiled)
    before = Snapshot.take(full=True)  # once per DAG: the DSL globals and stop handlers too
    try:
        with (LazyStepAlarm if lazy_alarm else StepAlarm)(step_timeout) as alarm:
            armed = Snapshot.take(alarm=True)  # with the step alarm's handler installed
            watch = untrusted_steps(steps, compiled)
            for k, (fn, args) in enumerate(compiled):
                if needed is None or k in needed:
                    values[k] = _dag_step(k, fn, args, values, alarm)
                    if watch[k]:  # code from outside the DSL ran: it must not switch off the next step's limit
                        armed.check_step()
                        alarm.reset()
    finally:
        before.restore()
    return values


@dataclass(frozen=True, slots=True)
class DagPlan:
    """A shared step list resolved once for all the samples of a task (`plan` scoring): the steps to
    run in ascending order, each step's function and arguments (`(0, value)` a constant, `(1, k)` step
    k, `(2, name)` an input read per sample) and whether it may run code from outside the DSL.
    `run_plan(plan, inputs)` gives exactly what `run_dag` gives for the same step list."""

    steps: tuple[Step, ...]
    wanted: tuple[int, ...] | None
    calls: Mapping[str, Callable[..., object]] | None
    order: tuple[int, ...]
    funcs: tuple[Callable[..., object], ...]
    args: tuple[tuple[tuple[int, object], ...], ...]
    watch: tuple[bool, ...]
    inputs: tuple[str, ...]


def plan_dag(steps: Sequence[Step], inputs: Sequence[str], wanted: Sequence[int] | None = None,
             calls: Mapping[str, Callable[..., object]] | None = None,
             stable_inputs: Sequence[str] = (), values: Mapping[str, object] | None = None) -> DagPlan:
    """Resolve `steps` once (see `DagPlan`). `calls` (e.g. `score.TaskMemo`'s memoising wrappers) is
    called only by the steps whose arguments are all constants, `stable_inputs` or such steps: the
    others call the primitive itself, as the wrapper would (it memoises only calls of stable objects).
    `values`: as in `compile_steps`."""
    marks = {name: _InputMark(name) for name in inputs}
    compiled = compile_steps(steps, marks, values=values)
    order = range(len(compiled)) if wanted is None else sorted(_cone(compiled, wanted))
    stable: list[bool] = []
    funcs: list[Callable[..., object]] = []
    args: list[tuple[tuple[int, object], ...]] = []
    for step, (fn, step_args) in zip(steps, compiled, strict=True):
        resolved = tuple((1, a) if kind == "s" else (2, a.name) if type(a) is _InputMark else (0, a)
                         for kind, a in step_args)
        stable.append(all((kind == 1 and stable[a]) or (kind == 2 and a in stable_inputs) or kind == 0  # type: ignore[index, call-overload]
                          for kind, a in resolved))
        funcs.append(calls[step.func] if calls is not None and stable[-1] else fn)
        args.append(resolved)
    return DagPlan(tuple(steps), None if wanted is None else tuple(wanted), calls, tuple(order), tuple(funcs),
                   tuple(args), tuple(untrusted_steps(steps, compiled)), tuple(inputs))


@dataclass(frozen=True, slots=True)
class _InputMark:
    """Where a plan reads an input (a value no program can name)."""

    name: str


def _cone(compiled: Sequence[Compiled], wanted: Sequence[int]) -> set[int]:
    """The steps the `wanted` outputs depend on (themselves included)."""
    needed: set[int] = set()
    stack = list(wanted)
    while stack:
        k = stack.pop()
        if k not in needed:
            needed.add(k)
            stack.extend(a for kind, a in compiled[k][1] if kind == "s")  # type: ignore[misc]
    return needed


def run_plan(plan: DagPlan, inputs: Mapping[str, object], step_timeout: float | None = None) -> list[object | Failure]:
    """`run_dag(plan.steps, inputs, plan.wanted, step_timeout, plan.calls, lazy_alarm=True)`, without
    resolving the steps again and with no function call per step but the primitive's (or its memo's)."""
    if not all(trusted_code(inputs[name]) for name in plan.inputs):  # an input that is code: the general path
        return run_dag(plan.steps, inputs, plan.wanted, step_timeout, plan.calls, lazy_alarm=True)
    values: list[object | Failure] = [None] * len(plan.funcs)
    funcs, all_args, watch = plan.funcs, plan.args, plan.watch
    before = Snapshot.take(full=True)
    try:
        with LazyStepAlarm(step_timeout) as alarm:
            armed = Snapshot.take(alarm=True)
            arm, disarm = alarm.arm, alarm.disarm
            for k in plan.order:
                failed: Failure | None = None
                call_args = []
                for kind, a in all_args[k]:
                    if kind == 1:
                        v = values[a]  # type: ignore[index, call-overload]
                        if type(v) is Failure and (failed is None or v.step < failed.step):
                            failed = v
                    else:
                        v = inputs[a] if kind == 2 else a  # type: ignore[index]
                    call_args.append(v)
                if failed is not None:
                    values[k] = failed
                else:
                    try:
                        arm()  # inside the try, as in `_call`
                        try:
                            values[k] = funcs[k](*call_args)
                        finally:
                            disarm()
                    except CANDIDATE_ERRORS as exc:
                        values[k] = _failure(exc, k)
                if watch[k]:
                    armed.check_step()
                    alarm.reset()
    finally:
        before.restore()
    return values


def untrusted_steps(steps: Sequence[Step], compiled: Sequence[Compiled]) -> list[bool]:
    """Per step, whether it may run code from outside the DSL module: its primitive (by name: not a
    wrapper `compile_steps` may call instead), a function passed to it, or a value from such a step (a
    function it returned) is not the DSL's own. Only those steps are followed by `Snapshot.check_step`
    in a DAG: the DSL's primitives are pure, and an honest batch pays nothing per step."""
    names = namespace()
    out: list[bool] = []
    for step, (_fn, args) in zip(steps, compiled, strict=True):
        out.append(not trusted_code(names[step.func]) or any(
            out[a] if kind == "s" else not trusted_code(a) for kind, a in args))  # type: ignore[index, call-overload]
    return out


def _dag_step(k: int, fn: Callable[..., object], args: tuple[tuple[str, object], ...],
              values: list[object | Failure], alarm: StepAlarm) -> object | Failure:
    """One step of a shared DAG: inherit the earliest failed argument, else run it under the alarm."""
    failed: Failure | None = None
    call_args = []
    for kind, a in args:
        if kind == "s":
            v = values[a]  # type: ignore[index, call-overload]
            if type(v) is Failure and (failed is None or v.step < failed.step):
                failed = v
            call_args.append(v)
        else:
            call_args.append(a)
    if failed is not None:
        return failed
    return _call(fn, call_args, k, alarm)


def _call(fn: Callable[..., object], args: Sequence[object], k: int, alarm: StepAlarm) -> object | Failure:
    """Call one primitive under the step alarm; a candidate's exception or timeout is its failure."""
    try:
        alarm.arm()  # inside the try: a limit so short that it expires in `arm` is still the step's timeout
        try:
            return fn(*args)
        finally:
            alarm.disarm()
    except CANDIDATE_ERRORS as exc:  # also a StepTimeout that fired just before the disarm
        return _failure(exc, k)


def dag_outcome(values: Sequence[object | Failure], t_n: int) -> Outcome:
    """The outcome of output step `t_n` from `run_dag` values."""
    value = values[t_n]
    if type(value) is Failure:
        return value  # type: ignore[return-value]
    return as_outcome(value, t_n)


def timed(fn: Callable[[], Outcome]) -> tuple[Outcome, int]:
    """Run `fn` and return its outcome with the elapsed nanoseconds."""
    start = time.perf_counter_ns()
    out = fn()
    return out, time.perf_counter_ns() - start


class Specialised:
    """A program with the steps that depend only on `fixed` inputs computed once, ahead of time.

    `specialised(free_inputs)` returns exactly what `run_program(program, {**fixed, **free})` would
    (the same value, or the same first `Failure`), but runs only the steps that read a free input.
    Used to score many candidate grids `C` against one expected grid `I` with the same differ.
    """

    def __init__(self, program: Program, fixed: Mapping[str, object], free: Sequence[str]) -> None:
        self._free = tuple(free)
        placeholder = {name: name for name in free}
        compiled = compile_steps(program.steps, {**fixed, **placeholder})
        depends: list[bool] = []
        for _fn, args in compiled:
            depends.append(any((kind == "s" and depends[a]) or (kind == "v" and a in self._free and  # type: ignore[index, call-overload]
                               isinstance(a, str)) for kind, a in args))
        self._plan: list[tuple[bool, Compiled]] = list(zip(depends, compiled, strict=True))
        self._fixed_values: list[object] = []
        for k, (is_free, (fn, args)) in enumerate(self._plan):
            if is_free:
                self._fixed_values.append(None)
                continue
            try:
                self._fixed_values.append(fn(*[self._fixed_values[a] if kind == "s" else a for kind, a in args]))  # type: ignore[index, call-overload]
            except StepTimeout:
                raise
            except CANDIDATE_ERRORS as exc:  # the program's failure, reported when it would have happened
                self._fixed_values.append(_failure(exc, k))  # (a real Ctrl-C is raised again there)

    def __call__(self, free: Mapping[str, object]) -> object | Failure:
        values = list(self._fixed_values)
        for k, (is_free, (fn, args)) in enumerate(self._plan):
            if not is_free:
                if type(values[k]) is Failure:
                    return values[k]
                continue
            call_args = []
            for kind, a in args:
                if kind == "s":
                    call_args.append(values[a])  # type: ignore[index, call-overload]
                elif isinstance(a, str) and a in self._free:
                    call_args.append(free[a])
                else:
                    call_args.append(a)
            try:
                values[k] = fn(*call_args)
            except StepTimeout:
                raise
            except CANDIDATE_ERRORS as exc:  # any exception of a candidate is its failure, never ours
                return _failure(exc, k)
        return values[-1]
