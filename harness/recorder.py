"""`Recorder`: owns one run's span tree; ``with Recorder() as rec:`` records every span inside."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from time import process_time_ns
from types import TracebackType
from typing import Any, Protocol

from harness.clock import DEFAULT_CPU_RESOLUTION_NS, CpuClock, CpuClockKind
from harness.context import CURRENT
from harness.environment import capture_environment
from harness.node import SpanNode
from harness.processors import consistency_issues, derive, process_start_perf_ns
from harness.record import LoadedRecord, RunRecord, build_record, load_record, save_record, utc_now_iso
from harness.span import make_trampoline


class SpanHook(Protocol):
    """Called around every span of a recorder in a special pass (e.g. the tracemalloc pass)."""

    def enter(self, node: SpanNode) -> None: ...

    def exit(self, node: SpanNode) -> None: ...


class Recorder:
    """Record the spans of a run, in the style of pyinstrument's ``Profiler``.

    ``rec.tree`` is the root :class:`SpanNode` (named `name`); ``rec.result`` is a dict the caller
    fills (it becomes the record's ``result`` section: the pipeline stores its ``digest`` there);
    ``rec.meta`` is free-form. ``keep_samples`` keeps per-call ``(start_ns, end_ns, worker)`` samples.
    `cpu_clock` ``"process"`` (default) times the process's CPU, ``"thread"`` the calling thread's
    (used for worker threads); `cpu_resolution_ns` is the coalescing window of CPU readings (see
    :mod:`harness.clock`; 0 = read at every span boundary). `wall_clock` and `cpu_read` replace the
    wall clock (``perf_counter_ns``) and the CPU clock, e.g. by a :class:`~harness.clock.ManualClock`
    in tests; the record then has no ``process`` section (that one is on the real clocks). A recorder
    may be entered again after it exits: the root aggregates.
    """

    #: pid of the process whose first outermost recorder has been entered (its start-up is that one's)
    _first_root_pid: int | None = None

    def __init__(
        self,
        *,
        variant: Any = None,
        workload: Any = None,
        keep_samples: bool = False,
        name: str = "run",
        cpu_clock: CpuClockKind = "process",
        cpu_resolution_ns: int = DEFAULT_CPU_RESOLUTION_NS,
        wall_clock: Callable[[], int] | None = None,
        cpu_read: Callable[[], int] | None = None,
    ) -> None:
        clock = CpuClock(cpu_clock, cpu_resolution_ns, read=cpu_read, wall=wall_clock)
        self._real_clocks = wall_clock is None and cpu_read is None
        self.name = name
        self.variant = variant
        self.workload = workload
        self.keep_samples = keep_samples
        self.cpu_clock: CpuClockKind = cpu_clock
        self.cpu_resolution_ns = clock.resolution
        self.result: dict[str, Any] = {}
        self.meta: dict[str, Any] = {}
        self.passes: dict[str, Any] = {}
        #: True in a profile pass: decorated spans run through ``phase[<name>]`` trampolines.
        self.phase_frames = False
        self.hook: SpanHook | None = None
        self.created: str | None = None
        self.environment: dict[str, Any] | None = None
        self._exit_cpu_ns: int | None = None
        self._process_start: tuple[int, str] | None = None
        self._first_in_process = False
        self.first_start_ns: int | None = None
        self.last_end_ns: int | None = None
        #: Recorders opened inside this one while it runs a profile or memory pass (they inherit the mode).
        self.nested: list[Recorder] = []
        #: In a profile pass: ``(submitting span path, worker label, session JSON)`` of every merged task.
        self.worker_profiles: list[tuple[tuple[str, ...], str, dict[str, Any]]] = []
        self._labels: dict[int, str] = {}
        self._trampolines: dict[str, Callable[..., Any]] = {}
        self._token: Any = None
        self._t0 = 0
        root = SpanNode(name, None, self)
        root.clk = clock
        root.samples = [] if keep_samples else None
        self.tree = root

    def __repr__(self) -> str:
        state = "active" if self._token is not None else "idle"
        return f"<Recorder {self.name!r} {state}, {self.tree.count} run(s)>"

    # -- recording --------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        """True between ``__enter__`` and ``__exit__``."""
        return self._token is not None

    def __enter__(self) -> Recorder:
        if self._token is not None:
            raise RuntimeError(f"Recorder {self.name!r} is already active")
        outer = CURRENT.get()
        self._inherit_pass_mode(outer)
        if self.hook is None and outer is None and os.environ.get("PHASEBENCH_CALLGRIND"):
            from harness.callgrind import CallgrindHook, live

            if live():  # a run under `phasebench gate --measure instructions`: mark every span
                self.hook = CallgrindHook(stop_after_root=True)
        root = self.tree
        root.hook = self.hook
        if self.created is None:
            self.created = utc_now_iso()
        outermost = CURRENT.get() is None
        if self.hook is not None:
            self.hook.enter(root)
        root.open = 1
        self._token = CURRENT.set(root)
        clock: CpuClock = root.clk  # type: ignore[assignment]
        root.u_c0 = clock.fresh(0)
        t0 = clock.wall()
        clock.t = t0
        root.u_t0 = self._t0 = t0
        if self.first_start_ns is None:
            self.first_start_ns = t0
            if outermost and Recorder._first_root_pid != os.getpid():  # the process's first recorder
                Recorder._first_root_pid = os.getpid()
                self._first_in_process = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        root = self.tree
        clock: CpuClock = root.clk  # type: ignore[assignment]
        t1 = clock.wall()
        c1 = clock.fresh(t1)
        token, self._token = self._token, None
        CURRENT.reset(token)
        d = t1 - self._t0
        root.count += 1
        root.wall_ns += d
        root.calls_ns += d
        root.cpu_ns += c1 - root.u_c0
        root.min_ns = min(root.min_ns, d)
        root.max_ns = max(root.max_ns, d)
        root.open = 0
        if root.samples is not None:
            root.samples.append((self._t0, t1, self.worker_label()))
        if exc_type is not None:
            root.add("raised")
        if self.hook is not None:
            self.hook.exit(root)
        self.last_end_ns = t1
        self._exit_cpu_ns = process_time_ns()

    def _inherit_pass_mode(self, outer: SpanNode | None) -> None:
        """Inside a profile or memory pass, a recorder the program opens itself takes on the pass's mode.

        Its spans then show as ``phase[...]`` frames (profile) or get peaks (memory), and the pass finds
        it in ``nested``. Outside passes, nested recorders stay private.
        """
        outer_rec = outer.rec if outer is not None else None
        if outer_rec is None or outer_rec is self:
            return
        inherited = False
        if outer_rec.phase_frames and not self.phase_frames:
            self.phase_frames = inherited = True
        if outer_rec.hook is not None and self.hook is None:
            self.hook = outer_rec.hook
            inherited = True
        if inherited and self not in outer_rec.nested:
            outer_rec.nested.append(self)

    @property
    def process(self) -> dict[str, Any] | None:
        """The record's ``process`` section (None before the first exit): lifetime and CPU at the root's exit."""
        if self.last_end_ns is None or self._exit_cpu_ns is None or not self._real_clocks:
            return None
        if self._process_start is None:
            self._process_start = process_start_perf_ns()
        start, source = self._process_start
        out: dict[str, Any] = {
            "pid": os.getpid(),
            "start_source": source,
            "lifetime_ns": self.last_end_ns - start,
            "cpu_ns": self._exit_cpu_ns,
        }
        if self._first_in_process and self.first_start_ns is not None:
            out["startup_ns"] = max(0, self.first_start_ns - start)
        return out

    def worker_label(self) -> str:
        """``"pid:thread-name"`` of the calling thread (cached per thread)."""
        ident = threading.get_ident()
        label = self._labels.get(ident)
        if label is None:
            label = self._labels[ident] = f"{os.getpid()}:{threading.current_thread().name}"
        return label

    def trampoline(self, name: str) -> Callable[..., Any]:
        """The cached ``phase[<name>]`` trampoline used by :func:`~harness.span.call_in_span`."""
        tramp = self._trampolines.get(name)
        if tramp is None:
            tramp = self._trampolines[name] = make_trampoline(name)
        return tramp

    # -- the run record ---------------------------------------------------------------------------
    def add_pass(self, name: str, info: Mapping[str, Any] | Any) -> None:
        """Attach the description and numbers of another pass (``profile``, ``memory``, ...).

        `info` is a mapping or an object with ``to_pass_dict()`` (e.g. a profile or memory pass result).
        """
        to_pass = getattr(info, "to_pass_dict", None)
        self.passes[name] = dict(to_pass() if callable(to_pass) else info)

    def _timing_pass(self) -> dict[str, Any]:
        return {
            "produced": ["tree", "process"],
            "clock": "perf_counter_ns",
            "cpu_clock": f"{self.cpu_clock}_time_ns",
            "cpu_resolution_ns": self.cpu_resolution_ns,
            "keep_samples": self.keep_samples,
            "runs": self.tree.count,
            "note": "wall and CPU numbers of the tree come from this pass only",
        }

    def to_dict(self) -> RunRecord:
        """The JSON-ready run record (schema ``phasebench.run/1``; see ``harness/SCHEMA.md``)."""
        if self.environment is None:
            self.environment = capture_environment()
        tree = derive(self.tree)
        passes = {"timing": self._timing_pass(), **self.passes}
        return build_record(
            name=self.name,
            created=self.created,
            environment=self.environment,
            variant=self.variant,
            workload=self.workload,
            passes=passes,
            process=self.process,
            tree=tree,
            checks=[i.to_dict() for i in consistency_issues(tree)],
            meta=self.meta,
            result=self.result,
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the run record to `path` atomically; returns the path."""
        return save_record(self.to_dict(), path)

    @staticmethod
    def load(path: str | os.PathLike[str]) -> LoadedRecord:
        """Read a saved run record (``ValueError`` naming the file and field if it is bad)."""
        return load_record(path)


__all__ = ["Recorder", "SpanHook"]
