"""Instruction counts per phase under valgrind's callgrind: a measure that machine load cannot move.

Wall and CPU time of a phase move with what else the machine runs; the number of instructions a
phase executes does not (same code, same input, ``PYTHONHASHSEED=0``, ASLR off). This module has
three parts:

**Client requests** (in the measured process). A tiny C shim, compiled on first use with the system C
compiler into ``$XDG_CACHE_HOME/phasebench/`` (default ``~/.cache/phasebench/``; the file name is
keyed by a hash of the source, the compiler and callgrind.h), is loaded with ctypes and exposes
callgrind's client requests: :func:`dump`, :func:`zero`, :func:`start_instrumentation`,
:func:`stop_instrumentation`, :func:`toggle_collect` and :func:`running_on_valgrind`. They are
*live* only when the environment variable ``PHASEBENCH_CALLGRIND`` is set (:func:`run_counted` sets
it to the shim's path) and the process really runs under valgrind; otherwise every call returns at
once and nothing is compiled or loaded.

**Marks.** :func:`mark` dumps callgrind's counters with a label, so the instructions between two
consecutive marks of a process form one *segment*. ``mark("enter <path>")`` / ``mark("exit <path>")``
(:func:`enter_phase`, :func:`exit_phase`, :class:`CallgrindHook` for a recorder's spans) delimit a phase; the
path is the span path, names joined by ``/`` (``%`` and ``/`` inside a name are %-escaped). The
parser keeps a stack of open paths per process and credits each segment to the innermost open path
(*exclusive*) and to that path and all its prefixes (*inclusive*); a segment with no open path is
``(unattributed)``. A worker process (forked or exec'd) writes its own dump files; it marks
``enter <submitting span path>`` / ``exit ...`` around each job it runs (the path travels with the
job), so its segments count towards the phase that submitted the job, exactly as if it ran inline.
Instrumentation starts at a process's first live mark (with ``--instr-atstart=no``), so start-up
and imports before the first mark cost valgrind's fast uninstrumented mode and count nothing.

**Runner and parser.** :func:`run_counted` runs a command under ``valgrind --tool=callgrind`` with
``--trace-children=yes``, ``PYTHONHASHSEED=0`` and ASLR off (``setarch -R`` when present) and
returns instructions per phase path; :func:`count_dir` parses the dump files of a finished run.
Only the header of each dump file (``pid``, ``part``, ``thread``, the trigger) and its last line
(``totals:``) are read, so many large dump files stay cheap.

A forked child inherits the counters its parent accumulated since the parent's last dump: they land
in the child's first segment, which opens no phase, so they count towards ``(total)`` and
``(unattributed)`` twice but never towards a phase.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

ENV_VAR = "PHASEBENCH_CALLGRIND"
INSTALL_HINT = "install them with `apt-get install valgrind gcc`"
TOTAL = "(total)"
UNATTRIBUTED = "(unattributed)"
ENTER = "enter "
EXIT = "exit "
GC_START = "gc start"
GC_STOP = "gc stop"
#: Collections of these generations are marked (``PHASEBENCH_CALLGRIND_GC``: e.g. ``2``, or ``none``).
GC_GENERATIONS = (1, 2)
GC_ENV_VAR = "PHASEBENCH_CALLGRIND_GC"
DUMP_GLOB = "callgrind.out.*"

SHIM_SOURCE = r"""
#include <valgrind/callgrind.h>
int pb_running_on_valgrind(void) { return (int)RUNNING_ON_VALGRIND; }
void pb_dump(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }
void pb_zero(void) { CALLGRIND_ZERO_STATS; }
void pb_start(void) { CALLGRIND_START_INSTRUMENTATION; }
void pb_stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
void pb_toggle(void) { CALLGRIND_TOGGLE_COLLECT; }
"""
_HEADER = "/usr/include/valgrind/callgrind.h"


class CallgrindUnavailable(RuntimeError):
    """valgrind, its callgrind.h header or a C compiler is missing (the message says which)."""


# ------------------------------------------------------------------------------------------- shim
def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/phasebench`` (default ``~/.cache/phasebench``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "phasebench"


def find_compiler() -> str:
    """Path of the C compiler: ``$CC``, else ``cc``, else ``gcc``; raises if there is none."""
    for name in (os.environ.get("CC"), "cc", "gcc"):
        if name and (path := shutil.which(name)):
            return path
    raise CallgrindUnavailable(f"no C compiler (cc or gcc) for the callgrind shim: {INSTALL_HINT}")


def _stamp(path: str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return f"{path}:absent"
    return f"{os.path.realpath(path)}:{st.st_size}:{st.st_mtime_ns}"


def shim_path(compiler: str, directory: Path | None = None) -> Path:
    """Where the shim built by `compiler` is cached (a hash of source, compiler and header)."""
    key = "\n".join([SHIM_SOURCE, _stamp(compiler), _stamp(_HEADER)])
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return (directory or cache_dir()) / f"callgrind-shim-{digest}.so"


def build_shim(directory: Path | None = None, compiler: str | None = None) -> Path:
    """Compile the shim once (cached) and return its path; raises :class:`CallgrindUnavailable`."""
    cc = compiler or find_compiler()
    target = shim_path(cc, directory)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        src = Path(tmp) / "shim.c"
        src.write_text(SHIM_SOURCE)
        out = Path(tmp) / target.name
        done = subprocess.run([cc, "-O2", "-shared", "-fPIC", "-o", str(out), str(src)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            if "callgrind.h" in done.stderr or "valgrind.h" in done.stderr:
                raise CallgrindUnavailable(f"valgrind's header valgrind/callgrind.h is missing: {INSTALL_HINT}")
            first = (done.stderr.strip().splitlines() or ["(no message)"])[0]
            raise CallgrindUnavailable(f"compiling the callgrind shim with {cc} failed: {first}")
        os.replace(out, target)  # atomic: concurrent builders all end with a complete file
    return target


def _load(path: str) -> Any:
    lib = ctypes.CDLL(path)
    lib.pb_dump.argtypes = [ctypes.c_char_p]
    lib.pb_dump.restype = None
    lib.pb_running_on_valgrind.restype = ctypes.c_int
    for name in ("pb_zero", "pb_start", "pb_stop", "pb_toggle"):
        getattr(lib, name).restype = None
    return lib


class _State:
    """Per-process decision (inherited by forked children, which share the parent's valgrind state)."""

    decided = False
    lib: Any = None  # the loaded shim while live, else None
    started = False
    gc_hooked = False
    gc_generations: tuple[int, ...] = ()


def _live_lib() -> Any:
    if _State.decided:
        return _State.lib
    _State.decided = True
    setting = os.environ.get(ENV_VAR)
    if not setting or setting == "0":
        return None
    path = setting if os.path.isfile(setting) else str(build_shim())
    lib = _load(path)
    _State.lib = lib if lib.pb_running_on_valgrind() else None
    return _State.lib


def reset() -> None:
    """Forget this process's decision (live or not) and unhook the GC marks; the next call decides again."""
    _State.decided, _State.lib, _State.started = False, None, False
    if _State.gc_hooked and _gc_callback in gc.callbacks:
        gc.callbacks.remove(_gc_callback)
    _State.gc_hooked = False


# --------------------------------------------------------------------------------- client requests
def live() -> bool:
    """True when marks reach callgrind: ``PHASEBENCH_CALLGRIND`` is set and valgrind runs this process."""
    return _live_lib() is not None


def running_on_valgrind() -> bool:
    """True under valgrind (asks the shim, compiling it if needed; False without ``PHASEBENCH_CALLGRIND``)."""
    return live()


def dump(label: str) -> None:
    """``CALLGRIND_DUMP_STATS_AT(label)``: write the counters since the last dump, then zero them."""
    lib = _live_lib()
    if lib is not None:
        lib.pb_dump(label.encode("utf-8", "replace"))


def zero() -> None:
    """``CALLGRIND_ZERO_STATS``: drop the counters since the last dump."""
    lib = _live_lib()
    if lib is not None:
        lib.pb_zero()


def start_instrumentation() -> None:
    """``CALLGRIND_START_INSTRUMENTATION`` (a no-op when already instrumenting)."""
    lib = _live_lib()
    if lib is not None:
        lib.pb_start()
        _State.started = True


def stop_instrumentation() -> None:
    """``CALLGRIND_STOP_INSTRUMENTATION``: later code runs uninstrumented (and counts nothing)."""
    lib = _live_lib()
    if lib is not None:
        lib.pb_stop()
        _State.started = False


def toggle_collect() -> None:
    """``CALLGRIND_TOGGLE_COLLECT``: flip whether events are collected (instrumentation stays on)."""
    lib = _live_lib()
    if lib is not None:
        lib.pb_toggle()


def mark(label: str) -> None:
    """A segment boundary: start instrumenting on the process's first mark, then dump at `label`."""
    lib = _live_lib()
    if lib is None:
        return
    if not _State.started:
        lib.pb_start()
        _State.started = True
        if not _State.gc_hooked:
            _State.gc_hooked = True
            _State.gc_generations = gc_generations()
            if _State.gc_generations:
                gc.callbacks.append(_gc_callback)
    lib.pb_dump(label.encode("utf-8", "replace"))


def gc_generations() -> tuple[int, ...]:
    """The generations whose collections are marked (:data:`GC_GENERATIONS` or ``$PHASEBENCH_CALLGRIND_GC``)."""
    setting = os.environ.get(GC_ENV_VAR)
    if setting is None:
        return GC_GENERATIONS
    return tuple(int(g) for g in setting.replace(",", " ").split() if g.isdigit())


def _gc_callback(phase: str, info: dict[str, int]) -> None:
    """Mark the cyclic GC's collections: where one runs depends on allocations anywhere in the process
    (and its cost on the whole heap), so the parser keeps its instructions apart from the phases'."""
    lib = _State.lib
    if lib is not None and _State.started and info.get("generation") in _State.gc_generations:
        lib.pb_dump(GC_START.encode() if phase == "start" else GC_STOP.encode())


def path_label(names: Iterable[str]) -> str:
    """The path key of span names: joined by ``/``, with ``%``, ``/`` and control characters %-escaped."""
    return "/".join(quote(n, safe=" !\"#$&'()*+,-.:;<=>?@[\\]^_`{|}~") for n in names)


def split_label(path: str) -> list[str]:
    """The span names of a path key (inverse of :func:`path_label`)."""
    return [unquote(p) for p in path.split("/")]


def enter_phase(names: Sequence[str]) -> None:
    """Mark the start of the phase at span path `names`."""
    if _live_lib() is not None:
        mark(ENTER + path_label(names))


def exit_phase(names: Sequence[str]) -> None:
    """Mark the end of the phase at span path `names`."""
    if _live_lib() is not None:
        mark(EXIT + path_label(names))


class CallgrindHook:
    """A recorder hook (``rec.hook``) that marks every span's entry and exit.

    `prefix` None: paths are the nodes' own paths (the main recorder, root included). A worker's
    private recorder gets ``prefix=<submitting span path>``: its root maps to that path and its spans
    below it, so the worker's instructions count towards the submitting phase. `stop_after_root`:
    stop instrumenting when the recorder's root exits (the next mark starts it again).
    """

    def __init__(self, prefix: Sequence[str] | None = None, *, stop_after_root: bool = False) -> None:
        self.prefix = None if prefix is None else tuple(prefix)
        self.stop_after_root = stop_after_root

    def names(self, node: Any) -> list[str]:
        path: list[str] = node.path
        return path if self.prefix is None else [*self.prefix, *path[1:]]

    def enter(self, node: Any) -> None:
        mark(ENTER + path_label(self.names(node)))

    def exit(self, node: Any) -> None:
        mark(EXIT + path_label(self.names(node)))
        if self.stop_after_root and node.parent is None:
            stop_instrumentation()  # what runs after the run's root (report, record) counts nothing


# ------------------------------------------------------------------------------------------ parser
@dataclass(frozen=True)
class Dump:
    """The header of one callgrind dump file: one segment of one process (and thread)."""

    pid: int
    part: int
    thread: int
    trigger: str
    instructions: int

    @property
    def label(self) -> str | None:
        """The mark's label when a client request triggered the dump, else None."""
        prefix = "Client Request: "
        return self.trigger[len(prefix):] if self.trigger.startswith(prefix) else None


def _summary(values: str, events: list[str]) -> int:
    numbers = values.split()
    index = events.index("Ir") if "Ir" in events else 0
    return int(numbers[index]) if index < len(numbers) else 0


def _totals_from_tail(path: Path, events: list[str]) -> int | None:
    with path.open("rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - 4096))
        tail = f.read().decode("utf-8", "replace")
    for line in reversed(tail.splitlines()):
        if line.startswith("totals:"):
            return _summary(line[7:], events)
    return None


def read_dump(path: Path, header_lines: int = 64) -> Dump | None:
    """Parse a dump file's header; None for an empty file (a process that exec'd or was killed)."""
    fields: dict[str, str] = {}
    with path.open("r", encoding="utf-8", errors="replace") as f:
        for _, line in zip(range(header_lines), f, strict=False):
            key, sep, value = line.rstrip("\n").partition(": ")
            if not sep:
                continue
            if key == "desc" and value.startswith("Trigger: "):
                fields["trigger"] = value[len("Trigger: "):]
            elif key in ("pid", "part", "thread", "events", "summary"):
                fields[key] = value
            if key == "summary":
                break
    if "pid" not in fields:
        return None
    events = fields.get("events", "Ir").split()
    # the file's last line `totals:` is exact; the header's `summary:` wraps around below zero when the
    # process stopped instrumenting before it ended (seen with valgrind 3.19): used only without totals
    total = _totals_from_tail(path, events)
    if total is None:
        total = _summary(fields["summary"], events) if "summary" in fields else 0
    return Dump(int(fields["pid"]), int(fields.get("part", "1")), int(fields.get("thread", "1")),
                fields.get("trigger", ""), total)


def iter_dumps(directory: Path) -> Iterator[Dump]:
    """Every non-empty dump file under `directory` (``callgrind.out.*``)."""
    for path in sorted(directory.glob(DUMP_GLOB)):
        if path.is_file() and (d := read_dump(path)) is not None:
            yield d


@dataclass(frozen=True)
class PhaseCounts:
    """Instructions per phase path, all processes together.

    `inclusive`: the phase and everything below it; `exclusive`: segments whose innermost open phase
    it is (``(unattributed)``: none open); `gc`: the part of `inclusive` spent in marked cyclic-GC
    collections (see :data:`GC_GENERATIONS`); `unmatched`: exit marks with no open phase.
    """

    inclusive: dict[str, int]
    exclusive: dict[str, int]
    gc: dict[str, int]
    total: int
    processes: int
    segments: int
    unmatched: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, int]:
        """Inclusive counts plus ``(total)`` and ``(unattributed)``."""
        return {**self.inclusive, TOTAL: self.total, UNATTRIBUTED: self.exclusive.get(UNATTRIBUTED, 0)}

    def phase(self, name: str, *, gc: bool = True) -> int:
        """Inclusive instructions of every path ending in `name` (outermost occurrences only);
        ``gc=False`` leaves out the marked GC collections that ran inside it."""
        total = phase_total(self.inclusive, name)
        return total if gc else total - phase_total(self.gc, name)


def phase_total(inclusive: Mapping[str, int], name: str) -> int:
    """Sum of the inclusive counts of paths whose last name is `name` and no ancestor is `name`."""
    total = 0
    for path, n in inclusive.items():
        names = split_label(path)
        if names[-1] == name and name not in names[:-1]:
            total += n
    return total


def _prefixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


@dataclass
class _Tally:
    inclusive: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    exclusive: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    gc: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unmatched: list[str] = field(default_factory=list)
    total: int = 0
    segments: int = 0

    def credit(self, stack: list[str], cost: int, in_gc: bool) -> None:
        self.segments += 1
        self.total += cost
        self.exclusive[stack[-1] if stack else UNATTRIBUTED] += cost
        for path in {p for s in stack for p in _prefixes(s)}:
            self.inclusive[path] += cost
            if in_gc:
                self.gc[path] += cost


def _apply(label: str, stack: list[str], tally: _Tally, pid: int) -> None:
    if label.startswith(ENTER):
        stack.append(label[len(ENTER):])
    elif label.startswith(EXIT):
        path = label[len(EXIT):]
        if path in stack:
            del stack[len(stack) - 1 - stack[::-1].index(path)]
        else:
            tally.unmatched.append(f"{pid}: {label}")


def attribute(dumps: Iterable[Dump], threads: Sequence[int] | None = None) -> PhaseCounts:
    """Credit each process's segments to the phases open while they ran (see the module docs).

    Segments are ordered by ``part`` per process; the files of one part (one per thread with
    ``--separate-threads=yes``) share its label. `threads`: count only these valgrind thread ids
    (1 = a process's main thread); None counts all. A segment between ``gc start`` and ``gc stop``
    also counts in `gc`.
    """
    parts: dict[int, dict[int, list[Dump]]] = defaultdict(lambda: defaultdict(list))
    for d in dumps:
        parts[d.pid][d.part].append(d)
    tally = _Tally()
    for pid in sorted(parts):
        stack: list[str] = []
        in_gc = False
        for part in sorted(parts[pid]):
            files = parts[pid][part]
            tally.credit(stack, sum(d.instructions for d in files if threads is None or d.thread in threads), in_gc)
            label = files[0].label or ""
            if label in (GC_START, GC_STOP):
                in_gc = label == GC_START
            else:
                _apply(label, stack, tally, pid)
    return PhaseCounts(dict(tally.inclusive), dict(tally.exclusive), dict(tally.gc), tally.total, len(parts),
                       tally.segments, tuple(tally.unmatched))


def count_dir(directory: Path, threads: Sequence[int] | None = None) -> PhaseCounts:
    """Parse every dump file of a finished run in `directory`."""
    return attribute(iter_dumps(directory), threads)


# ------------------------------------------------------------------------------------------ runner
def check_tools() -> str:
    """Path of valgrind, after checking that the shim can be built; raises :class:`CallgrindUnavailable`."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise CallgrindUnavailable(f"valgrind is not installed (needed for instruction counts): {INSTALL_HINT}")
    build_shim()
    return valgrind


def valgrind_command(argv: Sequence[str], out_dir: Path, *, instr_atstart: bool = False,
                     extra: Sequence[str] = ()) -> list[str]:
    """The command line :func:`run_counted` runs (``setarch -R`` first when available)."""
    valgrind = shutil.which("valgrind") or "valgrind"
    cmd = [valgrind, "--tool=callgrind", f"--instr-atstart={'yes' if instr_atstart else 'no'}",
           "--trace-children=yes", "--dump-line=no", "--dump-instr=no", "--quiet",
           f"--callgrind-out-file={out_dir.resolve()}/callgrind.out.%p", *extra, *argv]
    setarch = shutil.which("setarch")
    return [setarch, platform.machine(), "-R", *cmd] if setarch else cmd


@dataclass
class CountedRun:
    """A command started under callgrind (:func:`start_counted`); :meth:`wait` for its counts."""

    proc: subprocess.Popen[bytes]
    cmd: list[str]
    out_dir: Path
    threads: Sequence[int] | None = None

    def wait(self, timeout: float | None = None) -> PhaseCounts:
        """Wait for the command and parse its dump files. Past `timeout` (or on Ctrl-C) its whole process
        group (valgrind and every worker it traces) is killed and the exception re-raised
        (``subprocess.TimeoutExpired``); a failing command raises ``subprocess.CalledProcessError``
        (stderr's tail in ``stderr``)."""
        try:
            returncode = self.proc.wait(timeout=timeout)
        except BaseException:  # a timeout, Ctrl-C or SIGTERM: no valgrind process may outlive the call
            self.kill()
            raise
        if returncode != 0:
            tail = (self.out_dir / "stderr.txt").read_text(errors="replace")[-2000:]
            raise subprocess.CalledProcessError(returncode, self.cmd, stderr=tail)
        return count_dir(self.out_dir, self.threads)

    def kill(self) -> None:
        """Kill the command's process group (a no-op once it has ended)."""
        import signal

        if self.proc.returncode is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.proc.wait()


def start_counted(argv: Sequence[str], out_dir: Path, env: Mapping[str, str] | None = None, *,
                  instr_atstart: bool = False, cwd: Path | None = None, threads: Sequence[int] | None = None,
                  extra: Sequence[str] = ()) -> CountedRun:
    """Start `argv` under callgrind, in a session of its own, and return at once (see :func:`run_counts`)."""
    check_tools()
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.glob(DUMP_GLOB)):
        raise FileExistsError(f"{out_dir} already holds callgrind dump files: give run_counted an empty folder")
    full_env = {**os.environ, **(env or {}), "PYTHONHASHSEED": "0", ENV_VAR: str(build_shim())}
    cmd = valgrind_command(argv, out_dir, instr_atstart=instr_atstart, extra=extra)
    with (out_dir / "stdout.txt").open("wb") as out, (out_dir / "stderr.txt").open("wb") as err:
        proc = subprocess.Popen(cmd, env=full_env, cwd=cwd, stdout=out, stderr=err, start_new_session=True)
    return CountedRun(proc, cmd, out_dir, threads)


def run_counts(argv: Sequence[str], out_dir: Path, env: Mapping[str, str] | None = None, *,
               instr_atstart: bool = False, timeout: float | None = None, cwd: Path | None = None,
               threads: Sequence[int] | None = None, extra: Sequence[str] = ()) -> PhaseCounts:
    """Run `argv` under callgrind; its :class:`PhaseCounts` (all processes, all dump files).

    `env` is added to this process's environment; ``PYTHONHASHSEED=0`` and ``PHASEBENCH_CALLGRIND``
    are set. `out_dir` gets the dump files and the command's ``stdout.txt`` / ``stderr.txt``; it must
    hold no dump files yet. The command runs in a session of its own: past `timeout` the whole group
    (valgrind and every worker it traces) is killed and ``subprocess.TimeoutExpired`` raised. Raises
    :class:`CallgrindUnavailable` without the tools, ``subprocess.CalledProcessError`` (stderr's tail in
    ``stderr``) if the command fails.
    """
    run = start_counted(argv, out_dir, env, instr_atstart=instr_atstart, cwd=cwd, threads=threads, extra=extra)
    return run.wait(timeout)


def run_counted(argv: Sequence[str], out_dir: Path, env: Mapping[str, str] | None = None, *,
                instr_atstart: bool = False, timeout: float | None = None, cwd: Path | None = None,
                threads: Sequence[int] | None = None, extra: Sequence[str] = ()) -> dict[str, int]:
    """:func:`run_counts` as a dict: instructions per phase path (inclusive) plus ``(total)``/``(unattributed)``."""
    return run_counts(argv, out_dir, env, instr_atstart=instr_atstart, timeout=timeout, cwd=cwd, threads=threads,
                      extra=extra).as_dict()


__all__ = [
    "ENV_VAR",
    "TOTAL",
    "UNATTRIBUTED",
    "CallgrindHook",
    "CallgrindUnavailable",
    "CountedRun",
    "Dump",
    "PhaseCounts",
    "attribute",
    "build_shim",
    "check_tools",
    "count_dir",
    "dump",
    "enter_phase",
    "exit_phase",
    "gc_generations",
    "iter_dumps",
    "live",
    "mark",
    "path_label",
    "phase_total",
    "read_dump",
    "reset",
    "run_counted",
    "run_counts",
    "running_on_valgrind",
    "split_label",
    "start_counted",
    "start_instrumentation",
    "stop_instrumentation",
    "toggle_collect",
    "valgrind_command",
    "zero",
]
