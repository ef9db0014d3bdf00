"""Shared fixtures for the pipeline tests: real ARC tasks, small generator configs, span lookup,
a test-only slow DSL primitive, and process/thread accounting for leak checks."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harness import SpanNode
from solver_core import dsl, generator, program
from solver_core.generator import GeneratorConfig
from solver_core.tasks import Task, get_task

#: A batch small enough to keep a pipeline run well under a second, still with duplicates.
SMALL = GeneratorConfig(parents=8, mutants=4)

#: Name under which the slow primitive is registered for a test.
SLOW_PRIMITIVE = "zz_test_slow_grid"


@pytest.fixture(scope="session")
def small_config() -> GeneratorConfig:
    return SMALL


@pytest.fixture(scope="session")
def task_007() -> Task:
    """007bbfb7: 5 demo pairs and 1 test pair; the library has its solver."""
    return get_task("007bbfb7")


def find_nodes(root: SpanNode, name: str) -> list[SpanNode]:
    """Every node called `name` in the tree under `root` (depth first)."""
    return [n for n in root.walk() if n.name == name]


def find_dicts(tree: dict, name: str) -> list[dict]:
    """Every exported node dict called `name` (from `rec.to_dict()["tree"]`)."""
    out = []
    stack = [tree]
    while stack:
        d = stack.pop()
        if d["name"] == name:
            out.append(d)
        stack.extend(reversed(d.get("children", ())))
    return out


@pytest.fixture(scope="session")
def spans_named() -> Callable[[SpanNode, str], list[SpanNode]]:
    """`spans_named(root, name)`: every node called `name` under `root`."""
    return find_nodes


@pytest.fixture(scope="session")
def span_dicts_named() -> Callable[[dict, str], list[dict]]:
    """`span_dicts_named(tree_dict, name)`: every exported node dict called `name`."""
    return find_dicts


@pytest.fixture(scope="session")
def span_lookup() -> Callable[[SpanNode, str], SpanNode]:
    """`lookup(root, name)`: the one node called `name` under `root` (fails if none or several)."""

    def lookup(root: SpanNode, name: str) -> SpanNode:
        found = find_nodes(root, name)
        assert len(found) == 1, f"expected one span {name!r}, found {[n.path for n in found]}"
        return found[0]

    return lookup


def _clear_name_caches() -> None:
    reset = getattr(program, "reset_namespace", None)  # primitives() and the namespace are cached
    if reset is not None:
        reset()
    else:
        program._namespace.cache_clear()
    generator.signature.cache_clear()
    generator._same_signature.cache_clear()


@pytest.fixture
def slow_primitive() -> Iterator[str]:
    """Register `zz_test_slow_grid(grid) -> grid`, which spins for ~1 s of pure Python per call.

    Removed again (and every name cache cleared) afterwards, whatever the test did.
    """

    def zz_test_slow_grid(grid: dsl.Grid) -> dsl.Grid:
        end = time.perf_counter() + 1.0
        n = 0
        while time.perf_counter() < end:  # pure Python: SIGALRM interrupts it between bytecodes
            n += 1
        return grid

    zz_test_slow_grid.__annotations__ = {"grid": "Grid", "return": "Grid"}
    assert SLOW_PRIMITIVE not in dsl.PRIMITIVES
    dsl.PRIMITIVES[SLOW_PRIMITIVE] = zz_test_slow_grid
    _clear_name_caches()
    try:
        yield SLOW_PRIMITIVE
    finally:
        dsl.PRIMITIVES.pop(SLOW_PRIMITIVE, None)
        _clear_name_caches()


# ---------------------------------------------------------------------------------- leak accounting
def child_processes() -> list[tuple[int, str]]:
    """(pid, command line) of every live child process of this process (Linux /proc)."""
    me = os.getpid()
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == me:
            out.append((int(entry), cmdline.strip()))
    return sorted(out)


def worker_processes() -> list[tuple[int, str]]:
    """Child processes other than the per-interpreter resource trackers (started once, on purpose)."""
    return [(pid, cmd) for pid, cmd in child_processes() if "resource_tracker" not in cmd]


def resources() -> dict[str, object]:
    """Threads (Python and OS level) and worker processes of this process right now."""
    return {
        "python_threads": threading.active_count(),
        "os_threads": len(os.listdir("/proc/self/task")),
        "workers": worker_processes(),
    }


def settled(expected: dict[str, object], timeout: float = 5.0) -> dict[str, object]:
    """Poll `resources()` until it equals `expected` or `timeout` passes; return the last reading.

    Queue feeder threads of a pool that was shut down exit asynchronously, a few ms later.
    """
    deadline = time.monotonic() + timeout
    now = resources()
    while now != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        now = resources()
    return now


def quiet(steady: float = 0.2, timeout: float = 5.0) -> dict[str, object]:
    """`resources()` once it has stayed the same for `steady` seconds (threads of an earlier test
    that were already shut down may take a moment to exit)."""
    deadline = time.monotonic() + timeout
    last = resources()
    since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.02)
        now = resources()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= steady:
            break
    return last


class Accounting:
    """What the leak tests use: `quiet()`, `resources()`, `settled(expected)`, `workers()`."""

    quiet = staticmethod(quiet)
    resources = staticmethod(resources)
    settled = staticmethod(settled)
    workers = staticmethod(worker_processes)
    children = staticmethod(child_processes)


@pytest.fixture
def accounting() -> Accounting:
    """Thread and child-process accounting (Linux /proc; skipped elsewhere)."""
    if not Path("/proc/self/task").is_dir():
        pytest.skip("needs Linux /proc")
    return Accounting()


@pytest.fixture
def fresh_out(tmp_path: Path) -> Callable[[str], Path]:
    """`fresh_out(label)`: a new, not yet existing output folder under tmp_path."""

    def make(label: str) -> Path:
        path = tmp_path / label
        assert not path.exists()
        return path

    return make
