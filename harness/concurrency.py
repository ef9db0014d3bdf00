"""Record work done in other threads or processes and merge it back under the submitting span.

::

    with span("phase3a_validate") as s:
        futures = [pool.submit(traced(validate_one), solver) for solver in solvers]
        results = [s.merge(f.result()) for f in futures]   # merge returns the task's result

`traced(fn)` is a picklable callable (pickle by reference, or cloudpickle via loky). In the worker it
runs ``fn`` under a fresh private :class:`~harness.recorder.Recorder` and returns a :class:`Traced`:
the result, the worker's spans as plain dicts, the worker label ``"pid:thread-name"`` and the task's
start / end on ``perf_counter_ns`` (CLOCK_MONOTONIC on Linux, so comparable across processes of one
host). Merging makes the submitting node concurrent: it keeps its own wall time, and gains
``busy_ns`` (Σ task times), the distinct worker labels and ``workers``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from time import perf_counter_ns, thread_time_ns
from typing import Any, Generic, TypeVar

from harness.context import CURRENT
from harness.recorder import Recorder
from harness.span import SpanHandle, call_in_span

T = TypeVar("T")

#: Attribute under which a failed task's :class:`Traced` (result None) rides on its exception.
EXC_ATTR = "phasebench_traced"


@dataclass(frozen=True)
class Traced(Generic[T]):
    """What a traced task returns: its result plus the spans it recorded in the worker."""

    result: T
    spans: dict[str, Any]
    worker: str
    start_ns: int
    end_ns: int
    cpu_ns: int = 0
    task: str | None = None
    #: in a profile pass: the worker's pyinstrument session of this task (``Session.to_json()``)
    profile: dict[str, Any] | None = None

    @property
    def wall_ns(self) -> int:
        return self.end_ns - self.start_ns


def _worker_label() -> str:
    return f"{os.getpid()}:{threading.current_thread().name}"


@dataclass(frozen=True)
class TracedCall(Generic[T]):
    """Picklable callable made by :func:`traced`; calling it returns a :class:`Traced`."""

    fn: Callable[..., T]
    task: str | None = None
    keep_samples: bool = False
    enabled: bool = True
    #: the submitting span's path: under callgrind the worker's instructions count towards it
    path: tuple[str, ...] | None = None
    #: in a profile pass: the submitting span's name; the worker profiles the task under ``phase[<frame>]``
    frame: str | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Traced[T]:
        label = _worker_label()
        if not self.enabled:
            c0 = thread_time_ns()
            t0 = perf_counter_ns()
            result = self.fn(*args, **kwargs)
            t1 = perf_counter_ns()
            return Traced(result, {}, label, t0, t1, thread_time_ns() - c0, self.task)
        main = threading.current_thread() is threading.main_thread()
        rec = Recorder(
            name=self.task or "(task)",
            keep_samples=self.keep_samples,
            cpu_clock="process" if main else "thread",
        )
        if self.path is not None and os.environ.get("PHASEBENCH_CALLGRIND"):
            from harness.callgrind import CallgrindHook, live

            if live():  # under `phasebench gate --measure instructions`: mark this job's phase
                rec.hook = CallgrindHook(prefix=self.path)
        profiler = None
        if self.frame is not None:
            from harness.profile import WorkerProfiler

            profiler = WorkerProfiler.start(self.frame)  # None where it cannot run (then: timing only)
            rec.phase_frames = profiler is not None
        call = profiler.call if profiler is not None else _call
        try:
            with rec:
                if self.task is not None:
                    result = call(call_in_span, self.task, self.fn, *args, **kwargs)
                else:
                    result = call(self.fn, *args, **kwargs)
        except BaseException as exc:
            if profiler is not None:
                profiler.stop()
            root = rec.tree
            failed = Traced(
                None, root.to_dict(), label, rec.first_start_ns or 0, rec.last_end_ns or 0, root.cpu_ns, self.task
            )
            try:
                setattr(exc, EXC_ATTR, failed)
            except (AttributeError, TypeError):
                pass
            raise
        root = rec.tree
        spans = root.to_dict()
        if self.task is not None:
            # the task span itself is the one child of the private root
            spans = spans["children"][0] if spans["children"] else spans
        session = profiler.stop() if profiler is not None else None
        return Traced(result, spans, label, rec.first_start_ns or 0, rec.last_end_ns or 0, root.cpu_ns, self.task,
                      session)


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return fn(*args, **kwargs)


def traced(fn: Callable[..., T], *, name: str | None = None, keep_samples: bool | None = None) -> TracedCall[T]:
    """Wrap `fn` for a pool: the worker records its spans and returns a :class:`Traced`.

    `name`: record the whole task as a span of that name (so the worker-side gap shows as
    ``(unaccounted)``); None merges the spans that `fn` opens directly under the submitting span.
    `keep_samples` defaults to the active recorder's setting. With no active recorder the worker
    only times the task (cheap) and merging is a no-op.
    """
    current = CURRENT.get()
    if keep_samples is None:
        keep_samples = current is not None and current.samples is not None
    call = TracedCall(fn, name, keep_samples, current is not None, None if current is None else tuple(current.path))
    if current is not None and current.rec is not None and current.rec.phase_frames:
        call = replace(call, frame=current.name)  # a profile pass: each worker profiles its tasks too
    return call


def merge_worker(handle: SpanHandle, value: Traced[T]) -> T:
    """Merge `value` under the span `handle` (same as ``handle.merge(value)``); return its result."""
    return handle.merge(value)


def traced_from_exception(exc: BaseException) -> Traced[None] | None:
    """The spans a failed traced task recorded before raising `exc`, if it carries them."""
    value = getattr(exc, EXC_ATTR, None)
    return value if isinstance(value, Traced) else None


__all__ = ["Traced", "TracedCall", "merge_worker", "traced", "traced_from_exception"]
