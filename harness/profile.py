"""Profile pass: run the program under pyinstrument with every phase visible as a ``phase[<name>]`` frame.

Profiling is a pass of its own, never the source of timings: pyinstrument slows call-heavy code
3-4x on CPython 3.11. The pass writes ``profile.pyisession``, ``profile.html`` and
``profile.speedscope.json`` into `out_dir` (the run record's folder) and returns, for every phase,
the functions with the most self time in the phase's *gap*: its time outside nested phase frames,
which is what the timing pass shows as ``(unaccounted)``. Only decorated spans and
:func:`~harness.span.call_in_span` calls make frames; the time of ``with span(...)`` blocks inside a
phase is part of that phase's gap in the profile (each gap lists them in ``includes_spans``).

pyinstrument samples only the thread that started it. Work sent to other processes or threads through
:func:`harness.traced` is profiled where it runs: each task under its own pyinstrument session, inside a
``phase[<submitting span>]`` frame and with the same ``phase[<name>]`` frames as in the main process; the
sessions come back with the task's spans and the pass writes them per worker
(``profile.worker-<n>.pyisession``) and merged (``profile.workers.*``), with their gaps (``source:
"workers"``, times summed over the workers) next to the main process's (``source: "main"``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from pyinstrument import Profiler
from pyinstrument import __version__ as pyinstrument_version
from pyinstrument.frame import Frame
from pyinstrument.renderers import HTMLRenderer, SpeedscopeRenderer
from pyinstrument.session import Session

from harness.node import SpanNode
from harness.recorder import Recorder
from harness.span import make_trampoline

_PHASE = re.compile(r"^phase\[(.*)\]$")

#: File names written by the profile pass, by kind (the ``workers-*`` ones when work ran in workers).
FILES = {"session": "profile.pyisession", "html": "profile.html", "speedscope": "profile.speedscope.json",
         "workers-html": "profile.workers.html", "workers-speedscope": "profile.workers.speedscope.json",
         "workers-session": "profile.workers.pyisession"}
#: Sampling interval of the workers' profilers, seconds.
WORKER_INTERVAL = 0.001


@dataclass(frozen=True)
class GapFunction:
    """A Python function with self time inside a phase's gap.

    The time of built-in (C) functions it called is folded into it; their names are in `builtins`.
    """

    function: str
    location: str
    self_ns: int
    builtins: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "location": self.location,
            "self_ns": self.self_ns,
            "builtins": list(self.builtins),
        }


@dataclass(frozen=True)
class PhaseGap:
    """Where a phase's time outside nested phase frames went, according to the profiler.

    `path` is the span path in the run's tree (None when the phase could not be matched),
    `phase_path` the chain of ``phase[...]`` frames, `profile_ns` the phase's time in the profile,
    `gap_ns` the part outside nested phase frames, `includes_spans` the ``with``-block spans whose
    time falls inside the gap, and `top` the functions with the most self time in the gap.
    """

    path: tuple[str, ...] | None
    phase_path: tuple[str, ...]
    profile_ns: int
    gap_ns: int
    includes_spans: tuple[str, ...]
    top: tuple[GapFunction, ...]
    #: "main" (the main process's main thread) or "workers" (the workers' sessions: times summed over them)
    source: str = "main"

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "path": list(self.path) if self.path is not None else None,
            "phase_path": list(self.phase_path),
            "profile_ns": self.profile_ns,
            "gap_ns": self.gap_ns,
            "includes_spans": list(self.includes_spans),
            "top": [f.to_dict() for f in self.top],
        }


@dataclass(frozen=True)
class ProfilePass:
    """Result of :func:`profile_pass`; attach it with ``rec.add_pass("profile", prof)``."""

    result: Any
    files: dict[str, str]
    gaps: tuple[PhaseGap, ...]
    interval_s: float
    async_mode: str
    duration_ns: int
    sample_count: int
    out_dir: str

    def gap_for(self, path: tuple[str, ...] | list[str], source: str = "main") -> PhaseGap | None:
        """The gap of the phase at span `path` in the main process (or ``source="workers"``), if seen."""
        key = tuple(path)
        return next((g for g in self.gaps if g.path == key and g.source == source), None)

    def summary(self) -> dict[str, Any]:
        """Alias of :meth:`to_pass_dict`."""
        return self.to_pass_dict()

    def to_pass_dict(self) -> dict[str, Any]:
        """The ``passes.profile`` section of a run record (file names relative to `out_dir`)."""
        return {
            "produced": ["files", "gaps"],
            "tool": f"pyinstrument {pyinstrument_version}",
            "interval_s": self.interval_s,
            "async_mode": self.async_mode,
            "duration_ns": self.duration_ns,
            "sample_count": self.sample_count,
            "dir": self.out_dir,
            "files": dict(self.files),
            "gaps": [g.to_dict() for g in self.gaps],
            "note": "times in this pass are inflated by the profiler; the tree's numbers come from the timing pass",
        }


def phase_name(frame: Frame) -> str | None:
    """The span name if `frame` is a ``phase[<name>]`` frame, else None."""
    m = _PHASE.match(frame.function)
    return m.group(1) if m else None


class _Acc:
    __slots__ = ("time", "gap", "funcs", "builtins")

    def __init__(self) -> None:
        self.time = 0.0
        self.gap = 0.0
        self.funcs: dict[tuple[str, str], float] = {}
        self.builtins: dict[tuple[str, str], dict[str, None]] = {}


def _is_builtin(frame: Frame) -> bool:
    path = frame.file_path
    return not path or path.startswith("<built-in>")


def _collect(
    frame: Frame,
    phase_path: tuple[str, ...],
    owner: _Acc | None,
    acc: dict[tuple[str, ...], _Acc],
    caller: tuple[str, str] | None = None,
) -> None:
    name = phase_name(frame)
    if name is not None:
        here = (*phase_path, name)
        entry = acc.setdefault(here, _Acc())
        entry.time += frame.time
        entry.gap += frame.time
        if owner is not None:
            owner.gap -= frame.time
        for child in frame.children:
            _collect(child, here, entry, acc, None)
        return
    if frame.is_synthetic:
        if owner is None:  # a grouping frame above any phase (the [root] of sessions from several threads)
            for child in frame.children:
                _collect(child, phase_path, owner, acc, caller)
        return  # [self] / [await] leaves: counted in their parent's total_self_time
    builtin = _is_builtin(frame)
    key = (frame.function, frame.code_position_short() or "")
    if builtin and caller is not None:
        key = caller  # time in C functions goes to the Python function that called them
    if owner is not None:
        self_time = frame.total_self_time
        if self_time > 0:
            owner.funcs[key] = owner.funcs.get(key, 0.0) + self_time
            if builtin and key == caller:
                owner.builtins.setdefault(key, {})[frame.function] = None
    for child in frame.children:
        _collect(child, phase_path, owner, acc, key)


def _find_framed(node: SpanNode, name: str) -> SpanNode | None:
    """The nearest framed descendant called `name`, searching through non-framed nodes only."""
    queue = list(node.children.values())
    while queue:
        n = queue.pop(0)
        if n.framed and n.name == name:
            return n
        if not n.framed:
            queue.extend(n.children.values())
    return None


def _unframed_inside(node: SpanNode) -> list[str]:
    out: list[str] = []

    def visit(n: SpanNode, prefix: str) -> None:
        for c in n.children.values():
            if not c.framed and not c.remote:  # spans merged from workers ran elsewhere, not in this gap
                rel = f"{prefix}{c.name}"
                out.append(rel)
                visit(c, rel + "/")

    visit(node, "")
    return out


def phase_gaps(
    session: Session,
    tree: SpanNode | None = None,
    *,
    top: int = 10,
    trees: list[SpanNode] | None = None,
) -> list[PhaseGap]:
    """For every phase frame path in `session`, the top `top` functions by self time in its gap.

    `tree` is the profile pass's span tree, used to translate phase paths into span paths (below the
    root frame ``phase[<name>]``); `trees` gives several candidate roots, tried in order (the trees of
    recorders the program opened itself inside the pass).
    """
    root = session.root_frame()
    if root is None:
        return []
    acc: dict[tuple[str, ...], _Acc] = {}
    _collect(root, (), None, acc)
    if trees is None:
        trees = [] if tree is None else [tree]
    gaps: list[PhaseGap] = []
    for phase_path, entry in acc.items():
        path: tuple[str, ...] | None = None
        includes: list[str] = []
        for root_node in trees if phase_path else ():
            node: SpanNode | None = root_node
            for name in phase_path[1:]:
                node = _find_framed(node, name) if node is not None else None
            if node is not None:
                path = tuple(node.path)
                includes = _unframed_inside(node)
                break
        funcs = sorted(entry.funcs.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        gaps.append(
            PhaseGap(
                path=path,
                phase_path=phase_path,
                profile_ns=round(entry.time * 1e9),
                gap_ns=round(max(entry.gap, 0.0) * 1e9),
                includes_spans=tuple(includes),
                top=tuple(
                    GapFunction(f, loc, round(t * 1e9), tuple(entry.builtins.get((f, loc), {})))
                    for (f, loc), t in funcs
                ),
            )
        )
    return gaps


class WorkerProfiler:
    """One traced task's pyinstrument session in a worker (started by :class:`harness.concurrency.TracedCall`)."""

    __slots__ = ("frame", "profiler")

    def __init__(self, frame: str, profiler: Profiler) -> None:
        self.frame = frame
        self.profiler = profiler

    @classmethod
    def start(cls, frame: str) -> WorkerProfiler | None:
        """A started profiler for a task submitted from span `frame`; None where none can run here."""
        try:
            profiler = Profiler(interval=WORKER_INTERVAL, async_mode="disabled")
            profiler.start()
        except Exception:  # noqa: BLE001 - e.g. another profiler owns this thread: the task is timed only
            return None
        return cls(frame, profiler)

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` inside a ``phase[<frame>]`` frame."""
        return make_trampoline(self.frame)(fn, args, kwargs)

    def stop(self) -> dict[str, Any] | None:
        """The session as JSON (None if it could not be stopped)."""
        try:
            return self.profiler.stop().to_json()
        except Exception:  # noqa: BLE001
            return None


def combine_sessions(sessions: list[Session]) -> Session:
    """One session holding the samples of `sessions` (concatenated: an aggregate view, not a timeline)."""
    first = min(sessions, key=lambda s: s.start_time)
    return Session(
        frame_records=[r for s in sessions for r in s.frame_records],
        start_time=first.start_time,
        duration=sum(s.duration for s in sessions),
        min_interval=min(s.min_interval for s in sessions),
        max_interval=max(s.max_interval for s in sessions),
        sample_count=sum(s.sample_count for s in sessions),
        start_call_stack=first.start_call_stack,
        target_description=f"phasebench profile pass: {len(sessions)} worker task(s)",
        cpu_time=sum(s.cpu_time for s in sessions),
        sys_path=list(dict.fromkeys(p for s in sessions for p in s.sys_path)),
        sys_prefixes=list(dict.fromkeys(p for s in sessions for p in s.sys_prefixes)),
    )


def _tree_node(trees: list[SpanNode], path: tuple[str, ...]) -> SpanNode | None:
    for root in trees:
        node: SpanNode | None = root if root.name == path[0] else None
        for name in path[1:]:
            node = node.children.get(name) if node is not None else None
        if node is not None:
            return node
    return None


def _write_session(session: Session, out: Path, prefix: str, files: dict[str, str], kind: str = "") -> None:
    names = {"session": f"{prefix}.pyisession", "html": f"{prefix}.html", "speedscope": f"{prefix}.speedscope.json"}
    session.save(out / names["session"])
    if kind:
        (out / names["html"]).write_text(HTMLRenderer().render(session), encoding="utf-8")
        (out / names["speedscope"]).write_text(SpeedscopeRenderer().render(session), encoding="utf-8")
        files.update({f"{kind}-{k}": v for k, v in names.items()})
    else:
        files[prefix] = names["session"]


def worker_profiles(recorders: list[Recorder], out: Path, top: int) -> tuple[dict[str, str], list[PhaseGap]]:
    """Write the workers' sessions (per worker and merged) and their gaps, from the recorders' merged tasks."""
    entries = [e for r in recorders for e in r.worker_profiles]
    if not entries:
        return {}, []
    files: dict[str, str] = {}
    by_worker: dict[str, list[Session]] = {}
    by_submitter: dict[tuple[str, ...], list[Session]] = {}
    for path, worker, data in entries:
        session = Session.from_json(data)
        by_worker.setdefault(worker, []).append(session)
        by_submitter.setdefault(path, []).append(session)
    for n, sessions in enumerate(by_worker.values(), 1):  # side by side: one session file per worker
        _write_session(combine_sessions(sessions), out, f"profile.worker-{n}", files)
    _write_session(combine_sessions([s for ss in by_worker.values() for s in ss]), out, "profile.workers", files,
                   kind="workers")
    trees = [r.tree for r in recorders]
    gaps: list[PhaseGap] = []
    for submitter, sessions in by_submitter.items():
        found = [g for g in phase_gaps(combine_sessions(sessions), top=top) if g.phase_path]
        framed = {g.phase_path for g in found}
        for g in found:
            path = (*submitter[:-1], *g.phase_path)
            node = _tree_node(trees, path)
            # the node's children that made no frame in the workers: with-block spans, inside this gap
            inside = () if node is None else tuple(n for n, c in node.children.items()
                                                   if c.remote and (*g.phase_path, n) not in framed)
            gaps.append(replace(g, path=path if node is not None else None, source="workers", includes_spans=inside))
    return files, gaps


def profile_pass(
    fn: Callable[..., Any],
    /,
    *args: Any,
    out_dir: str | Path,
    name: str = "run",
    interval: float = 0.001,
    async_mode: Literal["enabled", "disabled", "strict"] = "disabled",
    top: int = 10,
    **kwargs: Any,
) -> ProfilePass:
    """Run ``fn(*args, **kwargs)`` under pyinstrument with phase frames; write the profile files.

    `name` must match the timing run's recorder name so that gap paths match its tree. The whole run
    is itself the frame ``phase[<name>]``. If `fn` opens its own :class:`Recorder`, that recorder
    inherits the phase frames and gap paths follow its tree. Keyword arguments other than the ones
    listed go to `fn`.
    ``async_mode="disabled"`` (default) lets this profiler nest inside another one.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rec = Recorder(name=name)
    rec.phase_frames = True
    rec.tree.framed = True
    root_tramp = make_trampoline(name)
    profiler = Profiler(interval=interval, async_mode=async_mode)
    with rec:
        profiler.start(caller_frame=inspect.currentframe(), target_description=f"phasebench profile pass {name!r}")
        try:
            result = root_tramp(fn, args, kwargs)
        finally:
            session = profiler.stop()
    files: dict[str, str] = {}
    session.save(out / FILES["session"])
    files["session"] = FILES["session"]
    (out / FILES["html"]).write_text(HTMLRenderer().render(session), encoding="utf-8")
    files["html"] = FILES["html"]
    (out / FILES["speedscope"]).write_text(SpeedscopeRenderer().render(session), encoding="utf-8")
    files["speedscope"] = FILES["speedscope"]
    # a program that opens its own Recorder records its spans there (it inherits the phase frames)
    trees = [r.tree for r in rec.nested] or [rec.tree]
    gaps = phase_gaps(session, top=top, trees=trees)
    worker_files, worker_gaps = worker_profiles([rec, *rec.nested], out, top)
    files.update(worker_files)
    gaps += worker_gaps
    return ProfilePass(
        result=result,
        files=files,
        gaps=tuple(gaps),
        interval_s=interval,
        async_mode=async_mode,
        duration_ns=round(session.duration * 1e9),
        sample_count=session.sample_count,
        out_dir=str(out),
    )


__all__ = ["FILES", "GapFunction", "PhaseGap", "ProfilePass", "WorkerProfiler", "combine_sessions", "phase_gaps",
           "phase_name", "profile_pass", "worker_profiles"]
