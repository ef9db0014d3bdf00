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
returns instructions per phase path; :func:`count_dir` parses the dump files of a finished run (the
parser is :mod:`harness.callgrind_parse`, re-exported here).
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# the dump parser lives in its own module; its names stay importable from here
from harness.callgrind_parse import (
    DUMP_GLOB,
    ENTER,
    EXIT,
    GC_START,
    GC_STOP,
    TOTAL,
    UNATTRIBUTED,
    Dump,
    PhaseCounts,
    attribute,
    count_dir,
    iter_dumps,
    path_label,
    phase_total,
    read_dump,
    split_label,
)

ENV_VAR = "PHASEBENCH_CALLGRIND"
INSTALL_HINT = "install them with `apt-get install valgrind gcc`"
#: Collections of these generations are marked (``PHASEBENCH_CALLGRIND_GC``: e.g. ``2``, or ``none``).
GC_GENERATIONS = (1, 2)
GC_ENV_VAR = "PHASEBENCH_CALLGRIND_GC"

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
