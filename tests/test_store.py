"""The content-addressed store: atomic writes, relative links, the elite pool and its file."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from solver_core.pipeline.inline import md5_text
from solver_core.store import (
    POOL_SIZE,
    PoolEntry,
    Store,
    StoreError,
    atomic_link,
    atomic_write_text,
)

TASK = "007bbfb7"


def _entry(n: int, o_score: int, cells: int, grade: int) -> PoolEntry:
    return PoolEntry(md5_text(f"solver {n}"), o_score, cells, grade)


def _source(entry: PoolEntry) -> str:
    return f"def solve(S, I):\n    O = identity(I)\n    return O\n# {entry.md5}\n"


def _offer(entries):
    return [(e, _source(e)) for e in entries]


def _entries(start: int, count: int) -> list[PoolEntry]:
    """Distinct entries with mixed scores (ties on o_score and cells included)."""
    return [_entry(n, n % 4, (n * 37) % 500, (n * 7) % 9 + 1) for n in range(start, start + count)]


def _links(store: Store) -> dict[str, str]:
    """Every link under the task's folder: relative path -> link target."""
    base = store.task_dir(TASK)
    return {str(p.relative_to(store.root)): os.readlink(p) for p in base.rglob("*.py")}


def _temporaries(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.startswith(".tmp")]


# ------------------------------------------------------------------------------------ elite pool
@pytest.mark.parametrize("write_all", [False, True])
def test_update_pool_keeps_the_best_32_by_rank(tmp_path, write_all):
    store = Store(tmp_path)
    offered = _entries(0, 45)
    update = store.update_pool(TASK, _offer(offered), write_all=write_all)
    best = sorted(offered, key=PoolEntry.rank)[:POOL_SIZE]
    assert len(update.kept) == POOL_SIZE
    assert list(update.kept) == best
    assert update.kept[0].o_score == 3 and update.kept[-1].o_score == 1  # 11 threes, 11 twos, 10 of 11 ones
    assert [e.o_score for e in update.kept].count(1) == 10
    assert set(update.added) == set(best)
    assert update.evicted == ()  # nothing old was evicted
    assert store.load_pool(TASK) == best
    raw = json.loads((store.task_dir(TASK) / "pool.json").read_text())
    assert raw == [{"md5": e.md5, "o_score": e.o_score, "cells": e.cells, "grade": e.grade} for e in best]
    links = _links(store)
    assert set(links) == {str(store.solver_link(TASK, e).relative_to(tmp_path)) for e in best}
    for entry in best:
        link = store.solver_link(TASK, entry)
        assert link == tmp_path / "solver_dir" / TASK / str(entry.o_score) / str(entry.grade) / f"{entry.md5}.py"
        assert os.readlink(link) == f"../../../../solver_md5/{entry.md5}.py"
        assert link.read_text() == _source(entry)
    losers = [e for e in offered if e not in best]
    assert len(losers) == 45 - POOL_SIZE
    for entry in losers:
        assert not store.solver_link(TASK, entry).exists() and not store.solver_link(TASK, entry).is_symlink()
        # the naive strategy wrote every file first and removed the losers' again: the store ends the same
        assert not store.solver_file(entry.md5).exists()
    assert update.files_written == (2 * 45 if write_all else 2 * POOL_SIZE) + 1
    assert not _temporaries(tmp_path)


@pytest.mark.parametrize("write_all", [False, True])
def test_better_entries_evict_the_worst_old_ones(tmp_path, write_all):
    store = Store(tmp_path)
    first = _entries(0, POOL_SIZE)
    store.update_pool(TASK, _offer(first), write_all=write_all)
    better = [_entry(1000 + n, 5, 900, 1) for n in range(10)]
    worse = [_entry(2000 + n, 0, 0, 40) for n in range(5)]
    update = store.update_pool(TASK, _offer(better + worse), write_all=write_all)
    old_ranked = sorted(first, key=PoolEntry.rank)
    expected = sorted(better, key=PoolEntry.rank) + old_ranked[:POOL_SIZE - 10]
    assert list(update.kept) == expected == store.load_pool(TASK)
    assert set(update.added) == set(better)
    assert set(update.evicted) == set(old_ranked[POOL_SIZE - 10:])  # the 10 worst old ones
    for entry in update.evicted:
        link = store.solver_link(TASK, entry)
        assert not link.is_symlink()
        assert store.solver_file(entry.md5).is_file()  # solver_md5/ is append-only
    for entry in worse:
        assert not store.solver_link(TASK, entry).is_symlink()
    assert set(_links(store)) == {str(store.solver_link(TASK, e).relative_to(tmp_path)) for e in expected}
    assert not _temporaries(tmp_path)


def test_write_all_and_winners_only_end_with_identical_pools_and_links(tmp_path):
    naive, lean = Store(tmp_path / "naive"), Store(tmp_path / "lean")
    rounds = [_entries(0, 40), _entries(30, 25) + [_entry(9000, 9, 0, 3)], _entries(100, 3)]
    for offered in rounds:
        a = naive.update_pool(TASK, _offer(offered), write_all=True)
        b = lean.update_pool(TASK, _offer(offered), write_all=False)
        assert (a.kept, a.added, a.evicted) == (b.kept, b.added, b.evicted)
        assert _links(naive) == _links(lean)
        assert (naive.task_dir(TASK) / "pool.json").read_bytes() == (lean.task_dir(TASK) / "pool.json").read_bytes()
    assert len(naive.load_pool(TASK)) == POOL_SIZE
    assert naive.load_pool(TASK)[0].md5 == _entry(9000, 9, 0, 3).md5


def test_links_are_relative_and_survive_moving_the_store(tmp_path):
    store = Store(tmp_path / "a")
    offered = _entries(0, 5)
    store.update_pool(TASK, _offer(offered))
    store.write_differ(TASK, md5_text("differ"), "def differ_x(I, C):\n    O = identity(I)\n    return O\n", 700)
    for target in list(_links(store).values()):
        assert not target.startswith("/")
    moved = Store(tmp_path / "b")
    shutil.move(str(store.root), str(moved.root))
    for entry in offered:
        assert moved.solver_link(TASK, entry).read_text() == _source(entry)
    differ = moved.differ_link(TASK, 700, md5_text("differ"))
    assert os.readlink(differ) == f"../../../differ_md5/{md5_text('differ')}.py"
    assert differ.read_text().startswith("def differ_x")


def test_same_md5_offered_again_is_not_added_twice(tmp_path):
    store = Store(tmp_path)
    entries = _entries(0, 3)
    store.update_pool(TASK, _offer(entries))
    update = store.update_pool(TASK, _offer(entries + entries))
    assert update.added == () and update.evicted == ()
    assert sorted(store.load_pool(TASK), key=PoolEntry.rank) == sorted(entries, key=PoolEntry.rank)
    assert len(store.load_pool(TASK)) == 3


def test_rank_orders_by_matches_then_cells_then_grade_then_md5():
    a = PoolEntry("b" * 32, 2, 10, 5)
    b = PoolEntry("a" * 32, 2, 10, 5)
    c = PoolEntry("c" * 32, 2, 10, 4)
    d = PoolEntry("d" * 32, 2, 11, 9)
    e = PoolEntry("e" * 32, 3, 0, 60)
    assert sorted([a, b, c, d, e], key=PoolEntry.rank) == [e, d, c, b, a]


def test_bound_is_respected(tmp_path):
    store = Store(tmp_path)
    update = store.update_pool(TASK, _offer(_entries(0, 10)), bound=4)
    assert len(update.kept) == 4 == len(store.load_pool(TASK)) == len(_links(store))


def test_stored_names_lists_files_and_links_but_no_hidden_files(tmp_path):
    store = Store(tmp_path)
    entries = _entries(0, 2)
    store.update_pool(TASK, _offer(entries))
    names = store.stored_names()
    assert names == sorted(names)
    assert f"solver_dir/{TASK}/pool.json" in names
    assert all(f"solver_md5/{e.md5}.py" in names for e in entries)
    assert all(str(store.solver_link(TASK, e).relative_to(tmp_path)) in names for e in entries)
    assert not any(Path(n).name.startswith(".") for n in names)  # the .lock file is not a stored name
    assert (store.task_dir(TASK) / ".lock").exists()


# --------------------------------------------------------------------------------- atomic writes
def test_atomic_write_text_replaces_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "deep" / "er" / "file.json"
    atomic_write_text(path, "one")
    atomic_write_text(path, "two")
    assert path.read_text() == "two"
    assert sorted(p.name for p in path.parent.iterdir()) == ["file.json"]


def test_atomic_write_text_failure_keeps_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "file.py"
    atomic_write_text(path, "old")
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(path, "new \ud800 text")  # a lone surrogate cannot be encoded
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.py"]


def test_atomic_link_replaces_a_link_and_leaves_no_temporary(tmp_path):
    a, b = tmp_path / "store" / "a.py", tmp_path / "store" / "b.py"
    atomic_write_text(a, "A")
    atomic_write_text(b, "B")
    link = tmp_path / "links" / "x" / "l.py"
    atomic_link(a, link)
    assert os.readlink(link) == "../../store/a.py" and link.read_text() == "A"
    atomic_link(b, link)
    assert os.readlink(link) == "../../store/b.py" and link.read_text() == "B"
    assert sorted(p.name for p in link.parent.iterdir()) == ["l.py"]


def test_a_pipeline_store_has_no_temporary_files(tmp_path, task_007, small_config):
    from solver_core.pipeline import RunSettings, run_pipeline, save_run
    from solver_core.variants import get_variant

    for variant in ("baseline", "phase1"):
        out = tmp_path / variant
        result = run_pipeline([task_007], RunSettings(get_variant(variant), out, generator=small_config))
        save_run(result, out)
        assert not _temporaries(out)
        assert (out / "run.json").is_file()


# ----------------------------------------------------------------------------- malformed pools
@pytest.mark.parametrize("text", [
    "{not json",
    "",
    "null",
    '"a string"',
    "[1, 2]",
    '{"md5": "x", "o_score": 1, "cells": 0, "grade": 1}',
    '[{"md5": "x", "o_score": 1, "cells": 0}]',
    '[{"md5": "x", "o_score": "many", "cells": 0, "grade": 1}]',
    '[{"md5": "x", "o_score": null, "cells": 0, "grade": 1}]',
    "{}",
])
def test_malformed_pool_json_is_a_store_error_naming_the_file(tmp_path, text):
    store = Store(tmp_path)
    path = store.task_dir(TASK) / "pool.json"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    with pytest.raises(StoreError) as info:
        store.load_pool(TASK)
    assert str(path) in str(info.value)
    assert "malformed" in str(info.value)
    # an update does not overwrite (or silently repair) the bad file
    with pytest.raises(StoreError):
        store.update_pool(TASK, _offer(_entries(0, 2)))
    assert path.read_text() == text
    assert not store.solver_link(TASK, _entries(0, 1)[0]).is_symlink()


def test_non_utf8_pool_json_is_a_store_error(tmp_path):
    store = Store(tmp_path)
    path = store.task_dir(TASK) / "pool.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"[\xff\xfe]")
    with pytest.raises(StoreError, match="pool.json"):
        store.load_pool(TASK)


def test_unreadable_pool_json_is_a_store_error(tmp_path):
    store = Store(tmp_path)
    (store.task_dir(TASK) / "pool.json").mkdir(parents=True)
    with pytest.raises(StoreError, match="pool.json"):
        store.load_pool(TASK)


def test_missing_pool_is_empty(tmp_path):
    assert Store(tmp_path).load_pool(TASK) == []
    assert not (tmp_path / "solver_dir").exists()
