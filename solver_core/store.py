"""The content-addressed store of solvers and differs, with one elite pool per task.

Layout under the output folder (the upstream layout, with relative links):

    solver_md5/<md5>.py                                   one file per canonical solver (x1.. lines)
    solver_dir/<task>/<o_score>/<grade>/<md5>.py  ->  ../../../../solver_md5/<md5>.py
    solver_dir/<task>/pool.json                           the elite pool: at most `POOL_SIZE` entries
    differ_md5/<md5>.py
    differ_dir/<task>/<d_score>/<md5>.py          ->  ../../../differ_md5/<md5>.py
    differ_dir/<task>/scores.json                         s_score of every differ for every pool member

Every file is written atomically (a temporary file in the same folder, then `os.replace`), links
too, so a run killed at any point leaves either the old or the new file, never a partial one. A pool
is updated under an exclusive lock on its task folder, so concurrent runs sharing an output folder
end with consistent pools within their bound. `solver_md5/` is append-only: content-addressed files
are never rewritten with other content and never deleted.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

POOL_SIZE = 32


class StoreError(ValueError):
    """A store file is unreadable or malformed; names the file."""


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same folder and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".tmp-{os.getpid()}-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with _ignoring(OSError):
            os.unlink(tmp)
        raise


def atomic_link(target: Path, link: Path) -> None:
    """Create (or replace) `link` as a RELATIVE symbolic link to `target`, atomically."""
    link.parent.mkdir(parents=True, exist_ok=True)
    relative = os.path.relpath(target, link.parent)
    tmp = link.parent / f".tmp-{os.getpid()}-link-{link.name}"
    with _ignoring(FileNotFoundError):
        os.unlink(tmp)
    os.symlink(relative, tmp)
    os.replace(tmp, link)


@contextmanager
def _ignoring(*errors: type[BaseException]) -> Iterator[None]:
    try:
        yield
    except errors:
        pass


def _alive(pid: int) -> bool:
    """Whether a process with this id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """An exclusive advisory lock on `folder` (a `.lock` file inside it), across processes."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass(frozen=True, order=True)
class PoolEntry:
    """A stored solver of a task with the scores that rank it."""

    md5: str
    o_score: int
    cells: int
    grade: int

    def rank(self) -> tuple[int, int, int, str]:
        """Sort key, best first: most exact matches, most matching cells, lowest grade, then md5."""
        return (-self.o_score, -self.cells, self.grade, self.md5)


@dataclass(frozen=True)
class PoolUpdate:
    """What one pool update did."""

    kept: tuple[PoolEntry, ...]
    added: tuple[PoolEntry, ...]
    evicted: tuple[PoolEntry, ...]
    files_written: int


@dataclass(frozen=True)
class Store:
    """The store under one output folder."""

    root: Path

    # ------------------------------------------------------------------------------ paths
    def solver_file(self, md5: str) -> Path:
        return self.root / "solver_md5" / f"{md5}.py"

    def task_dir(self, task_id: str) -> Path:
        return self.root / "solver_dir" / task_id

    def solver_link(self, task_id: str, entry: PoolEntry) -> Path:
        return self.task_dir(task_id) / str(entry.o_score) / str(entry.grade) / f"{entry.md5}.py"

    def differ_file(self, md5: str) -> Path:
        return self.root / "differ_md5" / f"{md5}.py"

    def differ_link(self, task_id: str, d_score: int, md5: str) -> Path:
        return self.root / "differ_dir" / task_id / str(d_score) / f"{md5}.py"

    # ------------------------------------------------------------------------------ pools
    def load_pool(self, task_id: str) -> list[PoolEntry]:
        """The task's current pool (empty if none); a malformed pool file is a `StoreError`."""
        path = self.task_dir(task_id) / "pool.json"
        if not path.exists():
            return []
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"{path}: unreadable pool file ({exc})") from None
        except ValueError as exc:
            raise StoreError(f"{path}: malformed pool file, not JSON ({exc})") from None
        if not isinstance(raw, list):
            raise StoreError(f"{path}: malformed pool file, expected a list of entries, got {type(raw).__name__}")
        try:
            return [PoolEntry(str(e["md5"]), int(e["o_score"]), int(e["cells"]), int(e["grade"])) for e in raw]
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{path}: malformed pool entry ({type(exc).__name__}: {exc})") from None

    def write_solver(self, md5: str, source: str) -> bool:
        """Write `solver_md5/<md5>.py` unless present; True if a file was written."""
        path = self.solver_file(md5)
        if path.exists():
            return False
        atomic_write_text(path, source)
        return True

    def update_pool(self, task_id: str, offered: Sequence[tuple[PoolEntry, str]],
                    bound: int = POOL_SIZE, write_all: bool = False) -> PoolUpdate:
        """Offer candidates `(entry, source)` to the task's pool and keep the best `bound`.

        With `write_all` (the naive strategy) every offered candidate's file and link are written
        first and the losers unlinked afterwards; otherwise only the winners are written. The final
        pool, links and pool file are the same either way.
        """
        written = 0
        with locked(self.task_dir(task_id)):
            old = self.load_pool(task_id)
            if write_all:
                for entry, source in offered:
                    atomic_write_text(self.solver_file(entry.md5), source)
                    atomic_link(self.solver_file(entry.md5), self.solver_link(task_id, entry))
                    written += 2
            merged = {e.md5: e for e in old}
            sources = {}
            for entry, source in offered:
                merged.setdefault(entry.md5, entry)
                sources.setdefault(entry.md5, source)
            kept = sorted(merged.values(), key=PoolEntry.rank)[:bound]
            kept_md5 = {e.md5 for e in kept}
            old_md5 = {e.md5 for e in old}
            added = [e for e in kept if e.md5 not in old_md5]
            evicted = [e for e in merged.values() if e.md5 not in kept_md5]
            if not write_all:
                for entry in added:
                    written += self.write_solver(entry.md5, sources[entry.md5])
                    atomic_link(self.solver_file(entry.md5), self.solver_link(task_id, entry))
                    written += 1
            for entry in evicted:
                with _ignoring(FileNotFoundError):
                    os.unlink(self.solver_link(task_id, entry))
            atomic_write_text(self.task_dir(task_id) / "pool.json",
                              json.dumps([asdict(e) for e in kept], indent=1) + "\n")
            written += 1
        return PoolUpdate(tuple(kept), tuple(added), tuple(e for e in evicted if e.md5 in old_md5), written)

    def write_differ(self, task_id: str, md5: str, source: str, d_score: int) -> int:
        """Store one differ and link it under the task; returns files written."""
        written = 0
        path = self.differ_file(md5)
        if not path.exists():
            atomic_write_text(path, source)
            written += 1
        atomic_link(path, self.differ_link(task_id, d_score, md5))
        return written + 1

    def write_differ_scores(self, task_id: str, scores: dict[str, dict[str, int]]) -> None:
        """`differ_dir/<task>/scores.json`: s_score[differ md5][solver md5]."""
        atomic_write_text(self.root / "differ_dir" / task_id / "scores.json",
                          json.dumps(scores, indent=1, sort_keys=True) + "\n")

    def remove_stale_temporaries(self) -> int:
        """Delete temporary files left by writers that were killed (their process no longer exists);
        returns how many. Temporaries of live processes (a concurrent run) are left alone."""
        removed = 0
        for top in ("solver_md5", "solver_dir", "differ_md5", "differ_dir", "cache"):
            base = self.root / top
            if not base.exists():
                continue
            for path in base.rglob(".tmp-*"):
                pid = path.name.split("-")[1] if path.name.count("-") >= 2 else ""  # .tmp-<pid>-...
                if pid.isdigit() and not _alive(int(pid)):
                    with _ignoring(FileNotFoundError):
                        path.unlink()
                        removed += 1
        return removed

    def stored_names(self) -> list[str]:
        """Every file and link under the store's folders, relative to the root, sorted."""
        out = []
        for top in ("solver_md5", "solver_dir", "differ_md5", "differ_dir"):
            base = self.root / top
            if base.exists():
                out += [str(p.relative_to(self.root)) for p in base.rglob("*")
                        if (p.is_file() or p.is_symlink()) and not p.name.startswith(".")]
        return sorted(out)
