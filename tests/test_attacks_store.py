"""The store attacked from outside: poisoned pool files, links and special files where the store keeps
its own, tampered stored files, interrupted updates, full and read-only disks, foreign temporaries.
Each ends as a clean `StoreError` naming the path or as a repaired store; nothing outside the store is
ever written, opened or deleted."""

from __future__ import annotations

import errno
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from solver_core.pipeline.inline import md5_text
from solver_core.store import (
    MAX_POOL_BYTES,
    POOL_SIZE,
    STALE_SECONDS,
    PoolEntry,
    Store,
    StoreError,
    owner_tag,
)

TASK = "007bbfb7"


@pytest.fixture(autouse=True)
def no_hang():
    """Fail instead of hanging if anything blocks (a FIFO opened for reading would)."""

    def expire(_signum, _frame):
        raise TimeoutError("blocked on a special file")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _entry(n: int, o_score: int = 1, cells: int = 0, grade: int = 1) -> PoolEntry:
    return PoolEntry(md5_text(f"solver {n}"), o_score, cells, grade)


def _source(entry: PoolEntry) -> str:
    return f"def solve(S, I):\n    O = identity(I)\n    return O\n# {entry.md5}\n"


def _offer(entries):
    return [(e, _source(e)) for e in entries]


def _entries(start: int, count: int) -> list[PoolEntry]:
    return [_entry(n, n % 4, (n * 37) % 500, (n * 7) % 9 + 1) for n in range(start, start + count)]


def consistent(store: Store, task: str = TASK) -> list[PoolEntry]:
    """The task's links are exactly its pool's, each resolving to its stored file."""
    pool = store.load_pool(task)
    links = {Path(d) / f for d, _, files in os.walk(store.task_dir(task)) for f in files
             if f.endswith(".py") and not f.startswith(".")}
    assert links == {store.solver_link(task, e) for e in pool}
    for entry in pool:
        assert store.solver_link(task, entry).resolve() == store.solver_file(entry.md5).resolve()
        assert store.solver_file(entry.md5).is_file()
    return pool


@pytest.fixture
def outside(tmp_path):
    """A folder next to the store with a file that must survive every attack."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "victim.py").write_text("precious\n")
    return folder


def _untouched(outside: Path) -> None:
    assert sorted(p.name for p in outside.iterdir()) == ["victim.py"]
    assert (outside / "victim.py").read_text() == "precious\n"


def _write_pool(store: Store, raw: object) -> Path:
    path = store.task_dir(TASK) / "pool.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(raw if isinstance(raw, str) else json.dumps(raw))
    return path


# ------------------------------------------------------------------------------ poisoned pool files
def _poison(md5=None, o_score=1, cells=0, grade=1):
    return [{"md5": md5 or md5_text("x"), "o_score": o_score, "cells": cells, "grade": grade}]


POISONED_POOLS = {
    "absolute-md5": lambda out: _poison(md5=str(out / "victim")),
    "relative-md5": lambda out: _poison(md5="../../../outside/victim"),
    "md5-with-slash": lambda out: _poison(md5="a" * 16 + "/" + "b" * 15),
    "uppercase-md5": lambda out: _poison(md5="A" * 32),
    "short-md5": lambda out: _poison(md5="abc"),
    "md5-number": lambda out: _poison(md5=12345),
    "score-path": lambda out: _poison(o_score="../.."),
    "score-negative": lambda out: _poison(grade=-1),
    "score-huge": lambda out: _poison(o_score=10**40),
    "score-bool": lambda out: _poison(o_score=True),
    "score-float": lambda out: _poison(cells=1.5),
    "extra-key": lambda out: [{**_poison()[0], "path": "/etc"}],
    "duplicate-md5": lambda out: _poison() + _poison(),
    "duplicate-key": lambda out: f'[{{"md5": "{md5_text("a")}", "md5": "{md5_text("b")}", '
                                 '"o_score": 1, "cells": 0, "grade": 1}]',
    "deep": lambda out: "[" * 100_000 + "]" * 100_000,
    "huge-int": lambda out: f'[{{"md5": "{md5_text("a")}", "o_score": {"9" * 5000}, "cells": 0, "grade": 1}}]',
    "too-many-entries": lambda out: [{"md5": md5_text(str(i)), "o_score": 1, "cells": 0, "grade": 1}
                                     for i in range(5000)],
}


@pytest.mark.parametrize("label", list(POISONED_POOLS))
def test_a_poisoned_pool_file_is_a_clean_error_and_nothing_outside_is_touched(tmp_path, outside, label):
    store = Store(tmp_path / "store")
    path = _write_pool(store, POISONED_POOLS[label](outside))
    for action in (lambda: store.load_pool(TASK), lambda: store.update_pool(TASK, _offer(_entries(0, 40)))):
        with pytest.raises(StoreError) as info:
            action()
        assert str(path) in str(info.value) and "malformed" in str(info.value)
        assert len(str(info.value)) < 400 + len(str(path))
    _untouched(outside)


def test_an_absolute_md5_in_a_pool_file_no_longer_deletes_a_file_outside(tmp_path, outside):
    store = Store(tmp_path / "store")
    victim = outside / "victim"  # the store would have unlinked <md5>.py, i.e. outside/victim.py
    _write_pool(store, [{"md5": str(victim), "o_score": 0, "cells": 0, "grade": 99}])
    with pytest.raises(StoreError):
        store.update_pool(TASK, _offer(_entries(0, POOL_SIZE + 5)))
    _untouched(outside)


@pytest.mark.parametrize("task_id", ["..", ".", "", "../x", "/etc", "a/b", ".hidden", "x" * 65, "é"])
def test_task_ids_that_would_leave_the_store_are_refused(tmp_path, task_id):
    store = Store(tmp_path / "store")
    for action in (lambda: store.task_dir(task_id), lambda: store.load_pool(task_id),
                   lambda: store.update_pool(task_id, _offer(_entries(0, 1))),
                   lambda: store.write_differ_scores(task_id, {}),
                   lambda: store.write_differ(task_id, md5_text("d"), "x", 1)):
        with pytest.raises(StoreError, match="task id"):
            action()
    assert not (tmp_path / "store" / "pool.json").exists()
    assert not (tmp_path / "store" / "scores.json").exists()


@pytest.mark.parametrize("bad", [PoolEntry("../" * 10 + "x", 1, 0, 1), PoolEntry(md5_text("a"), -1, 0, 1),
                                 PoolEntry(md5_text("a"), 1, 0, 10**12)])
def test_offered_entries_with_bad_names_are_refused_before_anything_is_written(tmp_path, bad):
    store = Store(tmp_path / "store")
    with pytest.raises(StoreError):
        store.update_pool(TASK, _offer(_entries(0, 3)) + [(bad, "x")])
    assert store.load_pool(TASK) == [] and not (tmp_path / "store" / "solver_md5").exists()


# --------------------------------------------------------------------- links and special files
def test_a_lock_file_that_is_a_link_creates_nothing_outside_and_is_replaced(tmp_path, outside, caplog):
    store = Store(tmp_path / "store")
    store.task_dir(TASK).mkdir(parents=True)
    os.symlink(outside / "created-by-the-store", store.task_dir(TASK) / ".lock")
    with caplog.at_level(logging.WARNING, "solver_core.store"):
        store.update_pool(TASK, _offer(_entries(0, 3)))
    _untouched(outside)
    assert (store.task_dir(TASK) / ".lock").is_file() and not (store.task_dir(TASK) / ".lock").is_symlink()
    assert "replaced" in caplog.text
    consistent(store)


@pytest.mark.parametrize("name", [".lock", "pool.json"])
def test_a_fifo_where_the_store_keeps_a_file_never_hangs(tmp_path, name):
    store = Store(tmp_path / "store")
    store.task_dir(TASK).mkdir(parents=True)
    os.mkfifo(store.task_dir(TASK) / name)
    if name == "pool.json":
        with pytest.raises(StoreError, match="FIFO"):
            store.update_pool(TASK, _offer(_entries(0, 3)))
    else:  # the lock file is the store's own: replaced
        store.update_pool(TASK, _offer(_entries(0, 3)))
        consistent(store)


def test_a_pool_file_that_is_a_link_is_not_followed(tmp_path, outside):
    store = Store(tmp_path / "store")
    (outside / "pool.json").write_text(json.dumps(_poison()))
    store.task_dir(TASK).mkdir(parents=True)
    os.symlink(outside / "pool.json", store.task_dir(TASK) / "pool.json")
    with pytest.raises(StoreError, match="symbolic link"):
        store.load_pool(TASK)
    os.unlink(outside / "pool.json")
    _untouched(outside)


@pytest.mark.parametrize("where", ["solver_dir", "task", "solver_md5", "score"])
def test_a_folder_of_the_store_that_is_a_link_is_never_written_through(tmp_path, outside, where):
    store = Store(tmp_path / "store")
    entry = _entry(1, o_score=2, grade=3)
    target = {"solver_dir": store.root / "solver_dir", "task": store.task_dir(TASK),
              "solver_md5": store.root / "solver_md5", "score": store.task_dir(TASK) / "2"}[where]
    target.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside, target)
    with pytest.raises(StoreError, match="folder"):
        store.update_pool(TASK, _offer([entry]))
    _untouched(outside)


def test_a_folder_where_a_link_belongs_is_a_clean_error(tmp_path):
    store = Store(tmp_path / "store")
    entry = _entry(1)
    store.update_pool(TASK, _offer([entry]))
    link = store.solver_link(TASK, entry)
    link.unlink()
    link.mkdir()
    with pytest.raises(StoreError, match="folder"):
        store.update_pool(TASK, _offer(_entries(10, POOL_SIZE + 1)))


# ------------------------------------------------------------------------------ tampered files
@pytest.mark.parametrize("tamper", ["content", "empty", "link-outside", "fifo"])
def test_a_tampered_stored_file_is_rewritten_with_a_warning_before_it_is_linked(tmp_path, outside, caplog, tamper):
    store = Store(tmp_path / "store")
    entry = _entry(1)
    path = store.solver_file(entry.md5)
    path.parent.mkdir(parents=True)
    if tamper == "content":
        path.write_text("def solve(S, I):\n    O = vmirror(I)\n    return O\n")
    elif tamper == "empty":
        path.write_text("")
    elif tamper == "link-outside":
        os.symlink(outside / "victim.py", path)
    else:
        os.mkfifo(path)
    with caplog.at_level(logging.WARNING, "solver_core.store"):
        update = store.update_pool(TASK, _offer([entry]))
    assert update.files_written == 3  # the file, the pool file, the link
    assert path.is_file() and not path.is_symlink() and path.read_text() == _source(entry)
    assert "rewritten" in caplog.text
    _untouched(outside)
    consistent(store)


def test_an_intact_stored_file_is_not_rewritten(tmp_path):
    store = Store(tmp_path / "store")
    entry = _entry(1)
    store.write_solver(entry.md5, _source(entry))
    before = os.stat(store.solver_file(entry.md5))
    assert store.write_solver(entry.md5, _source(entry)) is False
    assert os.stat(store.solver_file(entry.md5)).st_ino == before.st_ino


def test_store_files_are_readable_by_the_group_and_others(tmp_path):
    store = Store(tmp_path / "store")
    store.update_pool(TASK, _offer(_entries(0, 2)))
    mask = os.umask(0)
    os.umask(mask)
    for path in [store.solver_file(e.md5) for e in _entries(0, 2)] + [store.task_dir(TASK) / "pool.json"]:
        assert os.stat(path).st_mode & 0o777 == 0o644 & ~mask


# ---------------------------------------------------------------------- interrupted updates
class Killed(BaseException):
    """Stands for SIGKILL: unwinds without any `except Exception` handling it."""


def _kill_at(monkeypatch, store_module, k: int) -> list[int]:
    """Make the k-th file system change of the store (write, link or unlink) die; returns the counter."""
    count = [0]
    for name in ("atomic_write_text", "atomic_link"):
        real = getattr(store_module, name)

        def dying(*args, _real=real, **kwargs):
            count[0] += 1
            if count[0] == k:
                raise Killed
            return _real(*args, **kwargs)

        monkeypatch.setattr(store_module, name, dying)
    real_unlink = os.unlink

    def dying_unlink(path, *args, **kwargs):
        if ".tmp-" not in str(path):
            count[0] += 1
            if count[0] == k:
                raise Killed
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(store_module.os, "unlink", dying_unlink)
    return count


@pytest.mark.parametrize("write_all", [False, True])
def test_an_update_killed_at_any_step_is_repaired_by_the_next_one(tmp_path, monkeypatch, write_all):
    import solver_core.store as store_module

    first, second = _entries(0, 24), _entries(100, 12) + [_entry(999, 9, 0, 1)]  # 37 > 32: evictions too
    steps = 0
    with monkeypatch.context() as m:  # how many file system changes the second update makes
        count = _kill_at(m, store_module, 0)
        probe = Store(tmp_path / "probe")
        probe.update_pool(TASK, _offer(first), write_all=write_all)
        count[0] = 0
        probe.update_pool(TASK, _offer(second), write_all=write_all)
        steps = count[0]
    assert steps > 10
    expected = consistent(probe)
    for k in range(1, steps + 1):
        store = Store(tmp_path / f"k{k}")
        store.update_pool(TASK, _offer(first), write_all=write_all)
        with monkeypatch.context() as m:
            _kill_at(m, store_module, k)
            with pytest.raises(Killed):
                store.update_pool(TASK, _offer(second), write_all=write_all)
        pool = store.load_pool(TASK)
        assert pool in (sorted(first, key=PoolEntry.rank), expected)  # the old pool or the new one
        store.update_pool(TASK, [], write_all=write_all)  # any later update of the task repairs it
        assert consistent(store) == pool
        store.update_pool(TASK, _offer(second), write_all=write_all)  # and the update can be redone
        assert consistent(store) == expected


def test_orphan_links_of_a_killed_run_do_not_survive_a_run_with_other_candidates(tmp_path):
    store = Store(tmp_path / "store")
    store.update_pool(TASK, _offer(_entries(0, 10)))
    orphans = _entries(500, 13)
    for entry in orphans:  # links written by a naive run killed before its pool file
        store.write_solver(entry.md5, _source(entry))
        link = store.solver_link(TASK, entry)
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.path.relpath(store.solver_file(entry.md5), link.parent), link)
    update = store.update_pool(TASK, _offer(_entries(1000, 5)))
    assert update.repaired == 13
    assert len(consistent(store)) == 15


KILL_LOOP = """
import random, sys, time
from pathlib import Path
from solver_core.store import PoolEntry, Store
store = Store(Path(sys.argv[1]))
print("ready", flush=True)
n = 0
while True:
    n += 1
    offer = [(PoolEntry("%032x" % random.getrandbits(128), random.randint(0, 6), random.randint(0, 5000),
                        random.randint(1, 20)), "def solve(S, I):\\n    O = identity(I)\\n    return O\\n")
             for _ in range(random.randint(1, 40))]
    store.update_pool("007bbfb7", offer, write_all=bool(n % 2))
"""


def test_sigkill_at_random_moments_of_pool_updates_is_always_repaired(tmp_path):
    out = tmp_path / "store"
    survived = 0
    for round_ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", KILL_LOOP, str(out)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.05 + 0.07 * round_)  # no assertion depends on it: only where the kill lands
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        store = Store(out)
        pool = store.load_pool(TASK)  # the pool file is always whole
        assert len(pool) <= POOL_SIZE
        store.update_pool(TASK, [])
        assert consistent(store) == pool
        survived += 1
    assert survived == 8


# ------------------------------------------------------------------------ full and read-only disks
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EACCES])
def test_write_errors_are_one_clean_store_error_and_the_store_stays_consistent(tmp_path, monkeypatch, code):
    import solver_core.store as store_module

    for k in range(1, 9):  # the disk fills (or turns read-only) at the k-th file written
        store = Store(tmp_path / f"{code}-{k}")
        store.update_pool(TASK, _offer(_entries(0, 5)))
        real = store_module.atomic_write_text
        count = [0]

        def failing(path, text, durable=True, *, make_folders=True, _real=real, _count=count, _k=k):
            _count[0] += 1
            if _count[0] >= _k:
                raise OSError(code, os.strerror(code), str(path))
            return _real(path, text, durable, make_folders=make_folders)

        monkeypatch.setattr(store_module, "atomic_write_text", failing)
        with pytest.raises(StoreError) as info:
            store.update_pool(TASK, _offer(_entries(50, 10)))
            store.write_differ(TASK, md5_text("d"), "def differ(I, C):\n    O = identity(I)\n    return O\n", 5)
            store.write_differ_scores(TASK, {md5_text("d"): {}})
            raise OSError(code, "not reached")  # pragma: no cover
        message = str(info.value)
        assert str(store.root) in message and os.strerror(code) in message and "\n" not in message
        monkeypatch.setattr(store_module, "atomic_write_text", real)
        store.update_pool(TASK, [])
        consistent(store)


def test_a_read_only_store_can_still_be_read(tmp_path):
    store = Store(tmp_path / "store")
    store.update_pool(TASK, _offer(_entries(0, 3)))
    assert len(store.load_pool(TASK)) == 3


# ------------------------------------------------------------------------------ temporaries
def test_cleanup_tells_owners_apart_and_lets_foreign_temporaries_age_out(tmp_path):
    store = Store(tmp_path / "store")
    folder = store.root / "solver_md5"
    folder.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    mine = owner_tag()
    files = {
        "own-dead": f".tmp-{mine}-{dead_pid}-abc.tmp",
        "own-live": f".tmp-{mine}-{os.getpid()}-abc.tmp",
        "foreign-fresh": f".tmp-{'0' * 12 if mine != '0' * 12 else '1' * 12}-{dead_pid}-abc.tmp",
        "foreign-old": f".tmp-{'0' * 12 if mine != '0' * 12 else '1' * 12}-{os.getpid()}-old.tmp",
        "legacy-fresh": f".tmp-{dead_pid}-xyz.py",
    }
    for name in files.values():
        (folder / name).write_text("partial")
    old = time.time() - STALE_SECONDS - 60
    os.utime(folder / files["foreign-old"], (old, old))
    assert store.remove_stale_temporaries() == 2
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([files["own-live"], files["foreign-fresh"], files["legacy-fresh"]])
    assert store.remove_stale_temporaries(now=time.time() + STALE_SECONDS + 120) == 2  # they age out
    assert [p.name for p in folder.iterdir()] == [files["own-live"]]


def test_cleanup_does_not_follow_links_out_of_the_store(tmp_path, outside):
    (outside / f".tmp-{owner_tag()}-1-x.tmp").write_text("not ours")
    store = Store(tmp_path / "store")
    (store.root / "solver_dir").mkdir(parents=True)
    os.symlink(outside, store.root / "solver_dir" / "escape")
    store.remove_stale_temporaries(now=time.time() + 10 * STALE_SECONDS)
    assert (outside / f".tmp-{owner_tag()}-1-x.tmp").exists()


def test_pool_file_size_is_bounded(tmp_path):
    store = Store(tmp_path / "store")
    path = store.task_dir(TASK) / "pool.json"
    path.parent.mkdir(parents=True)
    with open(path, "wb") as fh:
        fh.truncate(MAX_POOL_BYTES + 1)
    with pytest.raises(StoreError, match="limit"):
        store.load_pool(TASK)


def test_the_store_root_is_absolute_once_made(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = Store(Path("relative"))
    monkeypatch.chdir("/")
    assert store.root == tmp_path / "relative"
    assert store.task_dir(TASK) == tmp_path / "relative" / "solver_dir" / TASK
