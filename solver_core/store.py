"""The content-addressed store of solvers and differs, with one elite pool per task.

Layout under the output folder (the upstream layout, with relative links):

    solver_md5/<md5>.py                                   one file per canonical solver (x1.. lines)
    solver_dir/<task>/<o_score>/<grade>/<md5>.py  ->  ../../../../solver_md5/<md5>.py
    solver_dir/<task>/pool.json                           the elite pool: at most `POOL_SIZE` entries
    differ_md5/<md5>.py
    differ_dir/<task>/<d_score>/<md5>.py          ->  ../../../differ_md5/<md5>.py
    differ_dir/<task>/scores.json                         s_score of every differ for every pool member

Every path stays inside the store: md5s are 32 hex digits, task ids have the form of `tasks.TASK_ID`,
scores are bounded integers, every folder on the way is checked to be a real folder (a symbolic link
is never followed), and files are opened with `O_NOFOLLOW | O_NONBLOCK` and must be regular files.

Consistency. `pool.json` is the one commit point of a pool update: the solver files it names are
written first, then the pool file, then the links. Every file is written atomically
(`harness.atomic.write_atomic`: a temporary renamed over the target), but only the pool file is
durable (fsync of the file and its folder, once per update): content files (`solver_md5/`,
`differ_md5/`), links and `scores.json` are not fsynced. A process crash loses nothing; after an OS
crash or power loss a content file may be missing or torn, which the store detects when that program
is offered again (the file is read back and compared with the source its md5 stands for) and rewrites.
Every update starts by reconciling the task's links with its pool file, so a
run killed at any moment leaves a state that the next update of the task repairs fully (missing
links made, stray links removed). A stored file that is not what its name says (tampered) is
rewritten with a warning before it is linked. Temporaries are named `.tmp-<owner>-<pid>-...`, where
the owner tag identifies host, boot and PID namespace: start-up cleanup removes only temporaries of
dead processes of its own owner, and leaves others to age out (`STALE_SECONDS`). Pools are updated
under an exclusive lock on their task folder. A file system error (disk full, read-only store) is a
`StoreError` naming the path.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import secrets
import socket
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from harness.atomic import write_atomic
from harness.safe_read import UnsafeRead, decode_json, describe, read_regular
from solver_core.tasks import TASK_ID

POOL_SIZE = 32
#: A stored file's name: the md5 of its canonical source.
MD5 = re.compile(r"[0-9a-f]{32}")
#: Bounds of what a pool file may hold (scores name folders, so they are bounded too).
MAX_POOL_BYTES = 1 << 20
MAX_POOL_ENTRIES = 4096
MAX_SCORE = 10**9
#: Largest stored source read back for checking.
MAX_SOURCE_BYTES = 1 << 20
#: Temporaries of other hosts or PID namespaces are removed only once this old.
STALE_SECONDS = 24 * 3600
TMP = ".tmp-"
#: The store's folders under the output folder (what `Store.manifest` covers).
STORE_FOLDERS = ("solver_md5", "solver_dir", "differ_md5", "differ_dir")
_TMP_NAME = re.compile(r"\.tmp-([0-9a-f]{12})-(\d+)-")

#: A solver's source as offered to a pool: the text, or a function returning it (made only if written).
Source = str | Callable[[], str]


def source_text(source: Source) -> str:
    """The text of an offered source."""
    return source if isinstance(source, str) else source()


log = logging.getLogger(__name__)


class StoreError(ValueError):
    """A store file is unreadable, malformed or cannot be written; names the file."""


@cache
def owner_tag() -> str:
    """This writer's host, boot and PID namespace, as 12 hex digits (pids are only comparable within one)."""
    parts = [socket.gethostname()]
    for path in ("/proc/sys/kernel/random/boot_id", "/etc/machine-id"):
        try:
            parts.append(Path(path).read_text(encoding="ascii", errors="replace").strip())
        except OSError:
            parts.append("")
    try:
        parts.append(str(os.stat("/proc/self/ns/pid").st_ino))
    except OSError:
        parts.append("")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]


def temp_prefix() -> str:
    """Name prefix of this process's temporaries: `.tmp-<owner>-<pid>-`."""
    return f"{TMP}{owner_tag()}-{os.getpid()}-"


def atomic_write_text(path: Path, text: str, durable: bool = True, *, make_folders: bool = True) -> None:
    """Write `text` to `path` atomically, and durably unless `durable` is False (`harness.atomic.write_atomic`),
    with a temporary named by owner and pid. OS errors propagate (callers outside the store may tolerate them).
    `make_folders=False`: the caller has just made sure the folder exists (`Store.folder`)."""
    write_atomic(path, text, prefix=temp_prefix(), durable=durable, make_folders=make_folders)


def atomic_link(target: Path, link: Path, *, make_folders: bool = True) -> None:
    """Create (or replace) `link` as a RELATIVE symbolic link to `target`, atomically (`make_folders`: as above)."""
    if make_folders:
        link.parent.mkdir(parents=True, exist_ok=True)
    relative = os.path.relpath(target, link.parent)
    tmp = link.parent / f"{temp_prefix()}{secrets.token_hex(4)}-link"
    os.symlink(relative, tmp)
    try:
        os.replace(tmp, link)
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (in this PID namespace)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kind(mode: int) -> str:
    return {stat.S_IFLNK: "a symbolic link", stat.S_IFDIR: "a folder", stat.S_IFIFO: "a FIFO",
            stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device",
            stat.S_IFREG: "a file"}.get(stat.S_IFMT(mode), "a special file")


def _os_error(path: Path, exc: OSError, doing: str) -> StoreError:
    return StoreError(f"{path}: cannot {doing}: {exc.strerror or exc}")


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """An exclusive advisory lock on `folder` (a `.lock` file inside it), across processes. The lock
    file is opened without following a link and without blocking; a lock file that is not a regular
    file (a link, a FIFO) is replaced with a warning."""
    path = folder / ".lock"
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    for attempt in range(2):
        try:
            fd = os.open(path, flags, 0o644)
        except OSError as exc:
            if attempt == 0 and _replace_special(path):
                continue
            raise _os_error(path, exc, "open the lock file") from None
        if stat.S_ISREG(os.fstat(fd).st_mode):
            break
        os.close(fd)
        if attempt == 1 or not _replace_special(path):
            raise StoreError(f"{path}: the lock file is not a regular file")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _replace_special(path: Path) -> bool:
    """Remove a link or special file where a plain file belongs (never a folder); True if removed."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return False
    log.warning("%s: was %s, not a regular file; replaced", path, _kind(mode))
    _unlink_quietly(path)
    return True


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
    """What one pool update did (`repaired`: links or files put right after a crash or tampering)."""

    kept: tuple[PoolEntry, ...]
    added: tuple[PoolEntry, ...]
    evicted: tuple[PoolEntry, ...]
    files_written: int
    repaired: int = 0


def check_md5(md5: object, where: str = "md5") -> str:
    """`md5` if it is 32 lowercase hex digits, else a `StoreError` (it names a file of the store)."""
    if not isinstance(md5, str) or not MD5.fullmatch(md5):
        raise StoreError(f"{where}: {describe(md5)} is not an md5 (32 hex digits)")
    return md5


def check_task(task_id: object) -> str:
    """`task_id` if it has the form of a task id, else a `StoreError` (it names a folder of the store)."""
    if not isinstance(task_id, str) or not TASK_ID.fullmatch(task_id):
        raise StoreError(f"task id {describe(task_id)} cannot name a store folder")
    return task_id


def check_score(value: object, what: str) -> int:
    """A non-negative integer within `MAX_SCORE` (scores name folders of the store)."""
    if type(value) is not int or not 0 <= value <= MAX_SCORE:
        raise StoreError(f"{what} {describe(value)} is not an integer in 0..{MAX_SCORE}")
    return value


def entry_from_json(raw: object) -> PoolEntry:
    """One pool file entry, checked in full."""
    if not isinstance(raw, dict) or set(raw) != {"md5", "o_score", "cells", "grade"}:
        raise StoreError("expected an object with exactly md5, o_score, cells and grade")
    if getattr(raw, "duplicates", ()):
        raise StoreError(f"duplicate key {describe(raw.duplicates[0])}")  # type: ignore[attr-defined]
    return PoolEntry(check_md5(raw["md5"]), check_score(raw["o_score"], "o_score"),
                     check_score(raw["cells"], "cells"), check_score(raw["grade"], "grade"))


@dataclass(frozen=True)
class Store:
    """The store under one output folder (made absolute once, when the store is made)."""

    root: Path
    #: a folder this store object has made or checked is not checked again by the same object (one
    #: phase's writes for one task: the `text_ops` strategy); False: every write checks its folders
    check_once: bool = False
    _checked: set[Path] = field(default_factory=set, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(os.path.abspath(self.root)))

    # ------------------------------------------------------------------------------ paths
    def solver_file(self, md5: str) -> Path:
        return self.root / "solver_md5" / f"{check_md5(md5)}.py"

    def task_dir(self, task_id: str) -> Path:
        return self.root / "solver_dir" / check_task(task_id)

    def solver_link(self, task_id: str, entry: PoolEntry) -> Path:
        return (self.task_dir(task_id) / str(check_score(entry.o_score, "o_score"))
                / str(check_score(entry.grade, "grade")) / f"{check_md5(entry.md5)}.py")

    def differ_file(self, md5: str) -> Path:
        return self.root / "differ_md5" / f"{check_md5(md5)}.py"

    def differ_dir(self, task_id: str) -> Path:
        return self.root / "differ_dir" / check_task(task_id)

    def differ_link(self, task_id: str, d_score: int, md5: str) -> Path:
        return self.differ_dir(task_id) / str(check_score(d_score, "d_score")) / f"{check_md5(md5)}.py"

    def folder(self, path: Path) -> Path:
        """Make sure `path` (a folder inside the store) and every folder above it up to the root are
        real folders, creating the missing ones; a link or file on the way is a `StoreError`."""
        if self.check_once and path in self._checked:
            return path
        try:
            parts = path.relative_to(self.root).parts
        except ValueError:
            raise StoreError(f"{path}: outside the store {self.root}") from None
        current = self.root
        try:
            current.mkdir(parents=True, exist_ok=True)  # the root itself may be a link: the user's choice
            for part in parts:
                current = current / part
                try:
                    os.mkdir(current)
                except FileExistsError:
                    mode = os.lstat(current).st_mode
                    if not stat.S_ISDIR(mode):
                        raise StoreError(f"{current}: is {_kind(mode)}, where the store needs a folder "
                                         "(links are not followed)") from None
        except OSError as exc:
            raise _os_error(current, exc, "make the folder") from None
        if self.check_once:
            self._checked.add(path)
        return path

    def _no_link_above(self, path: Path) -> None:
        """A `StoreError` if a folder between the root and `path` is a link or not a folder."""
        current = self.root
        for part in path.relative_to(self.root).parts[:-1]:
            current = current / part
            try:
                mode = os.lstat(current).st_mode
            except FileNotFoundError:
                return
            except OSError as exc:
                raise _os_error(current, exc, "read") from None
            if not stat.S_ISDIR(mode):
                raise StoreError(f"{current}: is {_kind(mode)}, where the store needs a folder "
                                 "(links are not followed)")

    # ------------------------------------------------------------------------------ pools
    def load_pool(self, task_id: str) -> list[PoolEntry]:
        """The task's current pool (empty if none); a malformed pool file is a `StoreError`."""
        path = self.task_dir(task_id) / "pool.json"
        self._no_link_above(path)
        try:
            raw = decode_json(read_regular(path, limit=MAX_POOL_BYTES, follow=False), path)
        except FileNotFoundError:
            return []
        except UnsafeRead as exc:
            kind = "malformed pool file" if exc.problem.startswith("malformed") else "unreadable pool file"
            raise StoreError(f"{path}: {kind} ({exc.problem})") from None
        if not isinstance(raw, list):
            raise StoreError(f"{path}: malformed pool file, expected a list of entries, got {type(raw).__name__}")
        if len(raw) > MAX_POOL_ENTRIES:
            raise StoreError(f"{path}: malformed pool file, {len(raw)} entries (at most {MAX_POOL_ENTRIES})")
        entries = []
        for n, item in enumerate(raw):
            try:
                entries.append(entry_from_json(item))
            except StoreError as exc:
                raise StoreError(f"{path}: malformed pool entry [{n}]: {exc}") from None
        if len({e.md5 for e in entries}) != len(entries):
            raise StoreError(f"{path}: malformed pool file, an md5 appears twice")
        return entries

    def write_solver(self, md5: str, source: str) -> bool:
        """Make `solver_md5/<md5>.py` hold `source`: written if absent, rewritten (with a warning) if it
        holds anything else (tampered, truncated, a link); True if a file was written."""
        return self._content_file(self.solver_file(md5), source)

    def _content_file(self, path: Path, source: str) -> bool:
        expected = source.encode("utf-8")
        try:
            if read_regular(path, limit=MAX_SOURCE_BYTES, follow=False) == expected:
                return False
            problem = "its content is not the source its name stands for"
        except FileNotFoundError:
            problem = ""
        except UnsafeRead as exc:
            problem = exc.problem
            if os.path.isdir(path) and not os.path.islink(path):
                raise StoreError(f"{path}: is a folder, where the store needs a file") from None
        if problem:
            log.warning("%s: %s; rewritten", path, problem)
        self._write(path, source, durable=False)  # content: checked when offered again, not fsynced
        return True

    def _write(self, path: Path, text: str, durable: bool = True) -> None:
        self.folder(path.parent)
        try:
            atomic_write_text(path, text, durable, make_folders=False)  # `folder` made it: no second mkdir
        except OSError as exc:
            raise _os_error(path, exc, "write") from None

    def _link(self, target: Path, link: Path) -> None:
        self.folder(link.parent)
        try:
            atomic_link(target, link, make_folders=False)
        except OSError as exc:
            raise _os_error(link, exc, "link") from None

    def _unlink(self, path: Path) -> bool:
        """Remove a link (or a stray file) of the store; never a folder, never through a link."""
        try:
            mode = os.lstat(path).st_mode
            if stat.S_ISDIR(mode):
                raise StoreError(f"{path}: is a folder, where the store expects a link")
            os.unlink(path)
            return True
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise _os_error(path, exc, "remove") from None

    def update_pool(self, task_id: str, offered: Sequence[tuple[PoolEntry, Source]],
                    bound: int = POOL_SIZE, write_all: bool = False) -> PoolUpdate:
        """Offer candidates `(entry, source)` to the task's pool and keep the best `bound`.

        A source is the text, or a function that makes it, called only for a file that is written
        (so that a candidate the pool refuses costs no source; `write_all` makes every one).

        With `write_all` (the naive strategy) every offered candidate's file and link are written
        first and the losers unlinked afterwards (with the files and folders this update made for
        them); otherwise only the winners are written. The store ends byte-identical either way.
        Order: files, `pool.json` (the commit
        point), links; the task's links are first reconciled with its pool file (crash repair).
        """
        written = 0
        task_dir = self.folder(self.task_dir(task_id))
        for entry, _source in offered:
            self.solver_link(task_id, entry)  # every offered name is checked before anything is written
        with locked(task_dir):
            old = self.load_pool(task_id)
            repaired = self.reconcile(task_id, old)
            made: set[Path] = set()  # files and folders this update created (write_all: removed if unused)
            if write_all:
                for entry, source in offered:
                    path, link = self.solver_file(entry.md5), self.solver_link(task_id, entry)
                    made.update(p for p in (path, link.parent, link.parent.parent) if not os.path.lexists(p))
                    self._write(path, source_text(source), durable=False)
                    self._link(path, link)
                    written += 2
            merged = {e.md5: e for e in old}
            sources: dict[str, Source] = {}
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
                    written += self.write_solver(entry.md5, source_text(sources[entry.md5]))
            self._write(task_dir / "pool.json", json.dumps([asdict(e) for e in kept], indent=1) + "\n")
            written += 1
            for entry in evicted:
                self._unlink(self.solver_link(task_id, entry))
            if write_all:
                self._remove_made(made, {self.solver_file(e.md5) for e in kept})
            if not write_all:
                for entry in added:
                    self._link(self.solver_file(entry.md5), self.solver_link(task_id, entry))
                    written += 1
        return PoolUpdate(tuple(kept), tuple(added), tuple(e for e in evicted if e.md5 in old_md5), written,
                          repaired)

    def _remove_made(self, made: set[Path], keep: set[Path]) -> None:
        """Remove the solver files and the (then empty) link folders that an update made for candidates
        that did not stay (call under the task's lock). Only files this update created go: a file that
        was there before may be another pool's."""
        self._checked.clear()  # folders may go: check them again
        for path in sorted(made - keep, key=lambda p: -len(p.parts)):
            try:
                if path.suffix == ".py":
                    os.unlink(path)
                else:
                    os.rmdir(path)  # only when empty: a folder another link still uses stays
            except OSError:
                continue

    def reconcile(self, task_id: str, pool: Sequence[PoolEntry]) -> int:
        """Make the task's links exactly those of `pool` (call under the task's lock): stray links and
        files removed, missing or wrong links made; returns how many were put right."""
        task_dir = self.task_dir(task_id)
        wanted = {self.solver_link(task_id, e): self.solver_file(e.md5) for e in pool}
        fixed = 0
        for path in _links_under(task_dir):
            if path not in wanted:
                log.warning("%s: not in the pool file (an interrupted update); removed", path)
                fixed += self._unlink(path)
        for link, target in wanted.items():
            expected = os.path.relpath(target, link.parent)
            try:
                if os.readlink(link) == expected:
                    continue
            except OSError:
                pass
            if not _is_regular(target):
                continue  # nothing to link to: the pool entry stays, its file comes when offered again
            log.warning("%s: missing or wrong link (an interrupted update); made", link)
            self._link(target, link)
            fixed += 1
        return fixed

    def write_differ(self, task_id: str, md5: str, source: str, d_score: int) -> int:
        """Store one differ and link it under the task (its link under any other score removed);
        returns files written."""
        path = self.differ_file(md5)
        written = int(self._content_file(path, source))
        link = self.differ_link(task_id, d_score, md5)
        for other in _links_under(self.differ_dir(task_id)):
            if other.name == link.name and other != link:
                self._unlink(other)
        self._link(path, link)
        return written + 1

    def write_differ_scores(self, task_id: str, scores: dict[str, dict[str, int]]) -> None:
        """`differ_dir/<task>/scores.json`: s_score[differ md5][solver md5]."""
        for differ, per_solver in scores.items():
            check_md5(differ)
            for solver in per_solver:
                check_md5(solver)
        self._write(self.differ_dir(task_id) / "scores.json", json.dumps(scores, indent=1, sort_keys=True) + "\n")

    def remove_stale_temporaries(self, now: float | None = None) -> int:
        """Delete temporary files left by killed writers; returns how many. A temporary of this owner
        (host, boot, PID namespace) goes when its process is gone; another owner's (another host on
        a shared file system, another container) only once older than `STALE_SECONDS`."""
        removed = 0
        now = time.time() if now is None else now
        mine = owner_tag()
        for path in self._temporaries():
            match = _TMP_NAME.match(path.name)
            try:
                if match and match.group(1) == mine:
                    stale = not _alive(int(match.group(2)))
                else:
                    stale = now - os.lstat(path).st_mtime > STALE_SECONDS
                if stale:
                    os.unlink(path)
                    removed += 1
            except OSError:  # gone meanwhile, or a read-only store: nothing to clean
                continue
        return removed

    def _temporaries(self) -> Iterator[Path]:
        for top in ("solver_md5", "solver_dir", "differ_md5", "differ_dir", "cache"):
            for folder, dirs, files in os.walk(self.root / top):  # links to folders are not followed
                for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
                    if name.startswith(TMP):
                        yield Path(folder) / name

    def manifest(self) -> list[tuple[str, str, str]]:
        """Every file under the store's folders, sorted: ``(path relative to the root, kind, what)`` with
        kind ``file`` (what: sha256 of its bytes), ``link`` (its target, as written), or the kind of a
        special file. Folders are not listed (an empty one holds no bytes), nor temporaries of writers
        (`.tmp-...`). It is part of the run's result digest: two runs that leave different bytes, names
        or links leave different manifests."""
        out: list[tuple[str, str, str]] = []
        for top in STORE_FOLDERS:
            for folder, dirs, files in os.walk(self.root / top):  # links to folders are listed, not followed
                for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
                    if not name.startswith(TMP):
                        out.append(self._manifest_entry(Path(folder) / name))
        return sorted(out)

    def _manifest_entry(self, path: Path) -> tuple[str, str, str]:
        rel = os.path.relpath(path, self.root)
        try:
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                return rel, "link", os.readlink(path)
            if stat.S_ISREG(mode):
                with open(path, "rb", opener=_no_follow) as f:
                    return rel, "file", hashlib.sha256(f.read()).hexdigest()
        except OSError as exc:
            raise _os_error(path, exc, "read") from None
        return rel, _kind(mode), ""

    def stored_names(self) -> list[str]:
        """Every file and link under the store's folders, relative to the root, sorted."""
        out = []
        for top in ("solver_md5", "solver_dir", "differ_md5", "differ_dir"):
            for folder, dirs, files in os.walk(self.root / top):
                for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
                    if not name.startswith("."):
                        out.append(os.path.relpath(os.path.join(folder, name), self.root))
        return sorted(out)


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK)


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _links_under(folder: Path) -> list[Path]:
    """The `*.py` entries two levels under a task folder (`<score>/<grade>/<md5>.py` for solvers,
    `<d_score>/<md5>.py` for differs), without following links."""
    out = []
    for top, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(top, d))]:
            if name.endswith(".py") and not name.startswith("."):
                out.append(Path(top) / name)
    return out
