"""Bounds of a run's options, and the output folder resolved once, before any work.

The command line calls `check_run_limits` for `--timeout`, `--workers`, `--parents` and `--mutants`,
and `resolve_out` for `--out`: every value outside its bounds is a `LimitError` saying which option
and what the bounds are, instead of an OverflowError, ten thousand worker processes or an unbounded
batch. `resolve_out` makes the folder absolute (a candidate changing the working directory cannot
move the store) and creates it, so that a path under a file or a read-only place is refused at once.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

#: Shortest and longest time limit, seconds (the timer's resolution; a day).
MIN_TIMEOUT = 0.001
MAX_TIMEOUT = 86_400.0
#: Worker processes per usable core, at most (and never fewer than `MIN_WORKER_CAP` allowed).
WORKERS_PER_CORE = 8
MIN_WORKER_CAP = 16
#: Parents per batch and mutants per parent, at most (the defaults are 32 and 8).
MAX_PARENTS = 4096
MAX_MUTANTS = 256


class LimitError(ValueError):
    """An option outside its bounds; the message names the option."""


def max_workers(cores: int | None = None) -> int:
    """The largest `--workers`: `WORKERS_PER_CORE` per usable core, at least `MIN_WORKER_CAP`."""
    if cores is None:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
    return max(MIN_WORKER_CAP, WORKERS_PER_CORE * max(1, cores))


def check_run_limits(*, timeout: float | None, workers: int | None, parents: int, mutants: int,
                     cores: int | None = None) -> None:
    """A `LimitError` for the first option outside its bounds."""
    if timeout is not None and not (math.isfinite(timeout) and MIN_TIMEOUT <= timeout <= MAX_TIMEOUT):
        raise LimitError(f"--timeout must be between {MIN_TIMEOUT:g} and {MAX_TIMEOUT:g} seconds, got {timeout:g}")
    top = max_workers(cores)
    if workers is not None and not 1 <= workers <= top:
        raise LimitError(f"--workers must be between 1 and {top} ({WORKERS_PER_CORE} per usable core), got {workers}")
    if not 1 <= parents <= MAX_PARENTS:
        raise LimitError(f"--parents must be between 1 and {MAX_PARENTS}, got {parents}")
    if not 0 <= mutants <= MAX_MUTANTS:
        raise LimitError(f"--mutants must be between 0 and {MAX_MUTANTS}, got {mutants}")


def resolve_out(path: str | os.PathLike[str]) -> Path:
    """`path` made absolute (once, from the current working directory) and created as a folder; a
    `LimitError` naming it when it cannot be one (a file is there or above it, no permission, ...)."""
    out = Path(os.path.abspath(path))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise LimitError(f"--out {out}: exists and is not a folder") from None
    except OSError as exc:
        raise LimitError(f"--out {out}: cannot create the folder: {exc.strerror or exc}") from None
    if not out.is_dir():
        raise LimitError(f"--out {out}: not a folder")
    return out
