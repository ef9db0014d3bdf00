"""Bad task files written from outside: every one ends as a `TaskFormatError` naming the file (and the
JSON path where there is one), never a traceback, a hang or gigabytes read."""

from __future__ import annotations

import json
import os
import signal
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from solver_core.tasks import (
    MAX_TASK_BYTES,
    DatasetError,
    TaskFormatError,
    load_dataset,
    load_folder,
    load_task_file,
    select_tasks,
)

GOOD = {"train": [{"input": [[1, 2], [3, 4]], "output": [[4, 3], [2, 1]]}],
        "test": [{"input": [[0]], "output": [[9]]}]}


@pytest.fixture(autouse=True)
def no_hang():
    """Fail (instead of hanging the suite) if anything here blocks for 20 s."""

    def expire(_signum, _frame):
        raise TimeoutError("blocked: a loader must never wait on a special file")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _text(folder: Path, text: str, name: str = "t1") -> Path:
    path = folder / f"{name}.json"
    path.write_text(text)
    return path


def _with_cell(value: str) -> str:
    return '{"train": [{"input": [[' + value + ']], "output": [[1]]}], "test": [{"input": [[0]], "output": [[9]]}]}'


def _deep(n: int) -> str:
    return "[" * n + "]" * n


def _fifo(folder: Path) -> Path:
    path = folder / "x.json"
    os.mkfifo(path)
    return path


def _socket(folder: Path) -> Path:
    path = folder / "s.json"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()
    return path


def _symlink(target: str, name: str = "z") -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / f"{name}.json"
        os.symlink(target, path)
        return path
    return make


def _sparse(size: int) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / "big.json"
        with open(path, "wb") as fh:
            fh.truncate(size)
        return path
    return make


def _bytes(data: bytes, name: str = "t1") -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / f"{name}.json"
        path.write_bytes(data)
        return path
    return make


def _txt(text: str, name: str = "t1") -> Callable[[Path], Path]:
    return lambda folder: _text(folder, text, name)


#: label -> (how to make the file, a word the message must contain)
ATTACKS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "deep-top-level-100k": (_txt(_deep(100_000)), "nested too deeply"),
    "deep-in-a-cell-100k": (_txt(_with_cell(_deep(100_000))), "nested too deeply"),
    "deep-in-a-cell-500": (_txt(_with_cell(_deep(500))), "got a list"),
    "deep-object-100k": (_txt('{"a":' * 100_000 + "1" + "}" * 100_000), "nested too deeply"),
    "cell-5000-digits": (_txt(_with_cell("7" * 5000)), "malformed JSON"),
    "cell-4000-digits": (_txt(_with_cell("7" * 4000)), "digits outside 0-9"),
    "cell-1e400": (_txt(_with_cell("1e400")), "integer"),
    "cell-NaN": (_txt(_with_cell("NaN")), "integer"),
    "cell-Infinity": (_txt(_with_cell("-Infinity")), "integer"),
    "cell-1MB-string": (_txt(_with_cell(json.dumps("x" * 1_000_000))), "integer"),
    "cell-object": (_txt(_with_cell('{"a": 1}')), "got an object"),
    "symlink-to-dev-zero": (_symlink("/dev/zero"), "character device"),
    "symlink-to-dev-null": (_symlink("/dev/null"), "character device"),
    "symlink-loop": (lambda f: _symlink("loop.json", "loop")(f), "cannot open"),
    "dangling-symlink": (_symlink("nowhere.json"), "cannot read file"),
    "fifo": (_fifo, "FIFO"),
    "socket": (_socket, "cannot open"),
    "folder-named-json": (lambda f: (f / "d.json").mkdir() or f / "d.json", "folder"),
    "larger-than-the-limit": (_sparse(MAX_TASK_BYTES + 1), "limit"),
    "sparse-2GB": (_sparse(2 * 1024**3), "limit"),
    "duplicate-top-level-key": (_txt('{"train": [], "train": [], "test": []}'), "duplicate key 'train'"),
    "duplicate-pair-key": (_txt('{"train": [{"input": [[1]], "input": [[2]], "output": [[1]]}], '
                                '"test": [{"input": [[0]], "output": [[9]]}]}'), "duplicate key 'input'"),
    "task-id-dot-dot": (_txt(json.dumps(GOOD), ".."), "task id"),
    "task-id-hidden": (_txt(json.dumps(GOOD), ".hidden"), "task id"),
    "task-id-space": (_txt(json.dumps(GOOD), "a b"), "task id"),
    "task-id-unicode": (_txt(json.dumps(GOOD), "tâche"), "task id"),
    "task-id-too-long": (_txt(json.dumps(GOOD), "a" * 65), "task id"),
    "not-utf8": (_bytes(b'{"train": "\xff\xfe"}'), "not UTF-8"),
    "utf16": (_bytes(json.dumps(GOOD).encode("utf-16")), "UTF-8"),
    "bom": (_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode()), "malformed JSON"),
    "empty-file": (_bytes(b""), "malformed JSON"),
    "nul-bytes": (_bytes(b"\x00" * 100), "malformed JSON"),
    "null": (_txt("null"), "top level"),
    "trailing-garbage": (_txt(json.dumps(GOOD) + " x"), "malformed JSON"),
}


@pytest.mark.parametrize("label", list(ATTACKS))
def test_every_bad_task_file_is_a_clean_error_naming_it(tmp_path, label):
    make, word = ATTACKS[label]
    path = make(tmp_path)
    with pytest.raises(TaskFormatError) as info:
        load_task_file(path)
    message = str(info.value)
    assert str(path) in message
    assert word in message, message
    assert len(message) < 400 + len(str(path))  # bounded: no 5000-digit or megabyte values echoed


def test_a_folder_with_a_fifo_or_a_folder_named_json_loads_nothing_and_does_not_hang(tmp_path):
    _text(tmp_path, json.dumps(GOOD), "a")
    _fifo(tmp_path)
    with pytest.raises(TaskFormatError, match="FIFO"):
        load_folder(tmp_path)
    os.unlink(tmp_path / "x.json")
    (tmp_path / "round-1.json").mkdir()
    with pytest.raises(TaskFormatError, match="folder"):
        load_dataset(str(tmp_path))


def test_a_file_named_dot_dot_json_is_refused_before_any_store_sees_it(tmp_path):
    _text(tmp_path, json.dumps(GOOD), "a")
    _text(tmp_path, json.dumps(GOOD), "..")
    with pytest.raises(TaskFormatError, match="task id"):
        load_folder(tmp_path)


def test_a_symlink_to_a_good_task_file_is_read(tmp_path):
    real = _text(tmp_path, json.dumps(GOOD), "real")
    os.symlink(real, tmp_path / "alias.json")
    assert load_task_file(tmp_path / "alias.json").id == "alias"


@pytest.mark.parametrize("spec,word", [(",", "no task ids"), (" , ,", "no task ids"),
                                       ("007bbfb7,007bbfb7", "more than once"), ("0", "at least 1"),
                                       ("x" * 10_000, "unknown task id")])
def test_task_specs_that_select_nothing_are_errors(spec, word):
    tasks = load_dataset("arc1-train")
    with pytest.raises(DatasetError, match=word) as info:
        select_tasks(tasks, spec)
    assert len(str(info.value)) < 300


def test_huge_task_count_selects_everything():
    tasks = load_dataset("arc1-train")
    assert select_tasks(tasks, "9" * 40) == tasks
