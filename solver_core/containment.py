"""What keeps a candidate's side effects from reaching the run or the next candidate.

Generated candidates are calls of DSL primitives, which are pure; but a primitive (or a hostile one
injected by a test) may still raise `BaseException` subclasses, change the working directory, block
signals, swap the SIGALRM handler, rebind module globals, write gigabytes to stdout or fork.

- `is_interrupt(exc)`: only a KeyboardInterrupt in a process that takes Ctrl-C stops the run. Worker
  processes ignore SIGINT (`limit_worker`), so a KeyboardInterrupt there can only be the candidate's
  own and is its failure; in the main process a KeyboardInterrupt is a real Ctrl-C.
- `Snapshot`: the process state a candidate could change (working directory, signal mask, SIGALRM
  handler, recursion limit, `sys.stdout`/`sys.stderr`, the DSL module's globals), taken before a
  candidate and compared after it: only what changed is put back, so an honest candidate pays for a
  few cheap comparisons (two system calls), nothing more. In worker processes the DSL module is also
  read-only (`freeze_module`): `dsl.name = ...` fails there as the candidate's own error.
- `quiet_worker` (worker initializer): the worker's stdout and stderr file descriptors go to
  /dev/null; Python's `sys.stderr` writes to the run's stderr through `BoundedWriter`, which lets at
  most `WORKER_STDERR_BYTES` through (the worker's own warnings), then drops the rest.
- `reap_children`: every process a candidate started (fork, double fork, setsid) is killed once its
  chunk is done; a worker is a child subreaper, so orphaned grandchildren come back to it.
"""

from __future__ import annotations

import ctypes
import io
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TypeVar

from solver_core import dsl

T = TypeVar("T")
R = TypeVar("R")

#: Bytes of stderr a worker may write to the run's terminal in its lifetime; the rest is dropped.
WORKER_STDERR_BYTES = 64 * 1024
_PR_SET_CHILD_SUBREAPER = 36

#: Modules whose globals a candidate must not rebind for the next one.
GUARDED_MODULES: tuple[ModuleType, ...] = (dsl,)


def is_interrupt(exc: BaseException) -> bool:
    """Whether `exc` is a real Ctrl-C that must stop the run, rather than a candidate's own exception."""
    return isinstance(exc, KeyboardInterrupt) and signal.getsignal(signal.SIGINT) is not signal.SIG_IGN


def failure_name(exc: BaseException) -> str:
    """The exception's type name, bounded (a hostile class may have any name)."""
    name = type(exc).__name__
    return name if len(name) <= 80 and name.isidentifier() else "BaseException"


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # the folder was removed under us
        return None


_NO_SIGNALS: frozenset[int] = frozenset()
_Globals = tuple[tuple[tuple[str, ...], tuple[object, ...]], ...]


@dataclass(slots=True)
class Snapshot:
    """Process state before a candidate ran (see the module docstring).

    `take()` (light, for every candidate program: about a microsecond and a half) records the working
    directory, the signal mask, the recursion limit and stdio; `take(full=True)` (for a shared DAG, a
    work item) also the SIGALRM, SIGINT and SIGTERM handlers and the DSL module's globals."""

    cwd: str | None
    mask: set[int] | frozenset[int]
    alarm_handler: object
    recursion: int
    stdout: object
    stderr: object
    #: SIGINT and SIGTERM handlers (a worker that ignored SIGTERM could not be stopped at once); full only
    stop_handlers: tuple[object, object] | None = None
    #: (names, values) of every guarded module; full only
    globals: _Globals | None = None

    @classmethod
    def take(cls, *, full: bool = False, alarm: bool = False) -> Snapshot:
        """`alarm`: the SIGALRM handler too (in a light snapshot a step alarm puts its own back)."""
        snap = cls(_cwd(), signal.pthread_sigmask(signal.SIG_BLOCK, _NO_SIGNALS),
                   signal.getsignal(signal.SIGALRM) if alarm or full else None,
                   sys.getrecursionlimit(), sys.stdout, sys.stderr)
        if full:
            snap.stop_handlers = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
            snap.globals = tuple((tuple(vars(m)), tuple(vars(m).values())) for m in GUARDED_MODULES)
        return snap

    def restore(self) -> int:
        """Put back whatever changed since the snapshot; returns how many kinds of state were restored."""
        fixed = 0
        if self.cwd is not None and _cwd() != self.cwd:
            try:
                os.chdir(self.cwd)
                fixed += 1
            except OSError:
                pass
        if signal.pthread_sigmask(signal.SIG_BLOCK, _NO_SIGNALS) != self.mask:
            signal.pthread_sigmask(signal.SIG_SETMASK, self.mask)
            fixed += 1
        if self.alarm_handler is not None and signal.getsignal(signal.SIGALRM) is not self.alarm_handler:
            signal.signal(signal.SIGALRM, self.alarm_handler)  # type: ignore[arg-type]
            fixed += 1
        if sys.getrecursionlimit() != self.recursion:
            sys.setrecursionlimit(self.recursion)
            fixed += 1
        if sys.stdout is not self.stdout or sys.stderr is not self.stderr:
            sys.stdout, sys.stderr = self.stdout, self.stderr  # type: ignore[assignment]
            fixed += 1
        if self.stop_handlers is not None:
            fixed += self._restore_stop_handlers(self.stop_handlers)
        if self.globals is not None:
            for module, (keys, values) in zip(GUARDED_MODULES, self.globals, strict=True):
                fixed += _restore_globals(vars(module), keys, values)
        return fixed

    def check_step(self) -> None:
        """After one step of a shared DAG: what a step could change that the next one would feel (signal
        mask, SIGALRM handler, stdio, recursion limit) put back if changed; about a microsecond."""
        if (sys.stdout is not self.stdout or sys.stderr is not self.stderr
                or sys.getrecursionlimit() != self.recursion
                or signal.getsignal(signal.SIGALRM) is not self.alarm_handler
                or signal.pthread_sigmask(signal.SIG_BLOCK, _NO_SIGNALS) != self.mask):
            Snapshot(None, self.mask, self.alarm_handler, self.recursion, self.stdout, self.stderr).restore()

    @staticmethod
    def _restore_stop_handlers(handlers: tuple[object, object]) -> int:
        fixed = 0
        for signum, handler in zip((signal.SIGINT, signal.SIGTERM), handlers, strict=True):
            if handler is not None and signal.getsignal(signum) is not handler:
                signal.signal(signum, handler)  # type: ignore[arg-type]
                fixed += 1
        return fixed


def _restore_globals(names: dict[str, object], keys: tuple[str, ...], values: tuple[object, ...]) -> int:
    """Rebind a module's globals to `keys`/`values` if any changed; 1 if something was restored."""
    try:  # the trusted old values on the left; identity decides for every unchanged name
        if len(names) == len(keys) and values == tuple(names.values()) and keys == tuple(names):
            return 0
    except BaseException as exc:  # a rebound global whose __eq__ misbehaves: changed, certainly
        if is_interrupt(exc):
            raise
    for key in set(names) - set(keys):
        del names[key]
    for key, value in zip(keys, values, strict=True):
        if names.get(key) is not value:
            names[key] = value
    return 1


class ReadOnlyModule(ModuleType):
    """A module whose attributes cannot be set or deleted (`freeze_module`)."""

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"module {self.__name__!r} is read-only in a worker process")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"module {self.__name__!r} is read-only in a worker process")


def freeze_module(module: ModuleType) -> None:
    """Refuse `module.name = value` from now on in this process (candidate code rebinding a DSL helper
    would change every later candidate's result); the module's own `global` statements still work."""
    module.__class__ = ReadOnlyModule


def trusted_code(value: object) -> bool:
    """Whether `value` is not code, or is code of the DSL module itself (a primitive, or a function a
    DSL combinator built); anything else (an injected primitive, a function it returned) is not."""
    return not callable(value) or getattr(value, "__module__", None) == _DSL_NAME


_DSL_NAME = dsl.__name__


def run_contained(fn: Callable[[T], R], item: T) -> R:
    """`fn(item)` for one work item in a worker: the whole process state put back afterwards."""
    snap = Snapshot.take(full=True)
    try:
        return fn(item)
    finally:
        snap.restore()


def guarded(fn: Callable[[], object]) -> object:
    """`fn()` with the whole process state (`Snapshot.take(full=True)`) restored afterwards."""
    snap = Snapshot.take(full=True)
    try:
        return fn()
    finally:
        snap.restore()


# --------------------------------------------------------------------------------- worker output
class BoundedWriter(io.TextIOBase):
    """A text stream onto a file descriptor that passes at most `limit` bytes, then drops the rest."""

    def __init__(self, fd: int, limit: int = WORKER_STDERR_BYTES) -> None:
        self._fd = fd
        self._left = limit
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        data = str(text).encode("utf-8", "replace")
        if self._left > 0:
            part = data[:self._left]
            self._left -= len(part)
            try:
                os.write(self._fd, part)
            except OSError:
                pass
            if self._left <= 0 and len(data) > len(part):
                try:
                    os.write(self._fd, b"\n[worker output truncated]\n")
                except OSError:
                    pass
        self.dropped += max(0, len(data) - max(self._left, 0))
        return len(text)

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        return self._fd  # for faulthandler's crash reports (small, and worth seeing)


def quiet_worker() -> None:
    """Worker initializer part: stdout and stderr descriptors to /dev/null; bounded Python stderr."""
    try:
        keep = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives as long as the worker)
    sys.stderr = BoundedWriter(keep)  # type: ignore[assignment]


# ------------------------------------------------------------------------------------- processes
_PR_SET_PDEATHSIG = 1
_worker = False


def _prctl(option: int, value: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the running process: libc is loaded (no `ldconfig` run)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def become_subreaper() -> bool:
    """Make this process adopt its orphaned descendants (Linux); False where not supported."""
    return _prctl(_PR_SET_CHILD_SUBREAPER, 1)


def _die_with_parent() -> None:
    """In a process forked by candidate code in a worker: die when the worker dies (killed or not)."""
    parent = os.getppid()
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(0)


def prepare_worker() -> None:
    """Worker initializer part: SIGINT ignored (a KeyboardInterrupt here is a candidate's own; Ctrl-C
    stops the main process, which stops its workers), quiet stdio, and processes that candidates fork
    tied to the worker: adopted (subreaper), killed after each chunk, killed when the worker dies."""
    global _worker
    _worker = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for module in GUARDED_MODULES:
        freeze_module(module)
    quiet_worker()
    become_subreaper()
    os.register_at_fork(after_in_child=_die_with_parent)


def worker_children() -> set[int] | None:
    """In a worker: its current child processes (to keep); None in any other process (nothing is reaped)."""
    return children() if _worker else None


def children() -> set[int]:
    """Process ids of this process's children (Linux `/proc`; empty elsewhere)."""
    out: set[int] = set()
    base = f"/proc/{os.getpid()}/task"
    try:
        threads = os.listdir(base)
    except OSError:
        return out
    for tid in threads:
        try:
            with open(f"{base}/{tid}/children", encoding="ascii") as fh:
                out.update(int(p) for p in fh.read().split())
        except (OSError, ValueError):
            continue
    return out


def reap_children(keep: set[int], rounds: int = 20) -> int:
    """Kill (SIGKILL, process group and process) and reap every child not in `keep`, until none is
    left; orphans of killed children come back to a subreaper and are killed in the next round."""
    killed = 0
    for _ in range(rounds):
        extra = children() - keep
        if not extra:
            break
        for pid in extra:
            for kill in (_kill_group, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
            killed += 1
    return killed


def _kill_group(pid: int, sig: int) -> None:
    pgid = os.getpgid(pid)
    if pgid != os.getpgid(0):  # never our own group
        os.killpg(pgid, sig)
