"""Shared fixtures and hooks of the pytest-benchmark suites in ``bench/``.

::

    pytest bench/ --benchmark-autosave          # run and save under .benchmarks/<machine>/
    pytest bench/ --benchmark-compare --benchmark-compare-fail=median:15%

- ``bench_*.py`` files are collected here (the project's default ``testpaths`` is ``tests/``).
- The workload is small and real: ARC tasks 007bbfb7 and 00d62c1b, 16 parents × 4 mutants (about a
  second per pipeline run on 2 cores). Override with ``PHASEBENCH_BENCH_TASKS`` (ids, comma-separated),
  ``PHASEBENCH_BENCH_PARENTS``, ``PHASEBENCH_BENCH_MUTANTS``, ``PHASEBENCH_BENCH_ROUNDS`` (rounds per
  benchmark), ``PHASEBENCH_BENCH_VARIANTS`` (comma-separated, default all registered variants) and
  ``PHASEBENCH_BENCH_WORKERS`` (worker processes of the end-to-end runs, default 1: a parallel variant's
  time then does not depend on how many cores happen to be free).
- Robust by construction: 2 warm-up rounds per pipeline benchmark, garbage collected before every round
  (not timed), fixed workload and seed, stores written to RAM (``/dev/shm``; ``PHASEBENCH_BENCH_SCRATCH``
  chooses another folder) so that the disk's fsync latency is not what is measured; compare saved runs
  on the **median**.
- Every benchmark stores its per-phase samples in ``extra_info`` (`harness.benchjson.extra_info`);
  the ``pytest_benchmark_update_json`` hook below adds the machine's environment fingerprint and a
  per-variant index of the end-to-end phase samples to the saved JSON, which
  ``phasebench report FILE.json`` and ``phasebench gate --against FILE.json`` read back.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from benchlib import (
    BENCH_MUTANTS,
    BENCH_PARENTS,
    BENCH_TASKS,
    BenchWorkload,
    PhaseBench,
    check_environment,
    scratch_parent,
)

from harness.benchjson import json_section


# ---------------------------------------------------------------------------------- collection
def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    """Collect ``bench_*.py`` as test modules (unless pytest already does: a file named on the
    command line, or a ``python_files`` setting that matches)."""
    if file_path.suffix != ".py" or not file_path.name.startswith("bench_"):
        return None
    if parent.session.isinitpath(file_path):
        return None
    patterns = parent.config.getini("python_files")
    if any(file_path.match(p) for p in patterns):
        return None
    return pytest.Module.from_parent(parent, path=file_path)


def pytest_configure(config: pytest.Config) -> None:
    """Bad ``PHASEBENCH_BENCH_*`` values: one usage error before anything is collected or run."""
    check_environment()


# ---------------------------------------------------------------------------------- JSON hooks
def pytest_benchmark_update_machine_info(config: pytest.Config, machine_info: dict[str, Any]) -> None:
    """Record phasebench's machine fingerprint next to pytest-benchmark's own machine info."""
    from harness.environment import capture_environment

    machine_info["phasebench_fingerprint_id"] = capture_environment(probe_gpu=False)["fingerprint_id"]
    machine_info["phasebench_scratch"] = scratch_parent() or tempfile.gettempdir()


def pytest_benchmark_update_json(config: pytest.Config, benchmarks: list[Any], output_json: dict[str, Any]) -> None:
    """Add the ``phasebench`` section: environment fingerprint and per-variant phase samples."""
    output_json["phasebench"] = json_section(benchmarks)


@pytest.hookimpl(wrapper=True)
def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> Any:
    """A failed ``--benchmark-compare-fail`` ends the run with one line and exit status 1, not with a
    ``PerformanceRegression`` traceback (pytest-benchmark has already listed what regressed)."""
    from pytest_benchmark.session import PerformanceRegression

    try:
        return (yield)
    except PerformanceRegression:
        terminalreporter.write_line(
            "phasebench: --benchmark-compare-fail: the benchmarks listed above regressed against the saved run "
            "(on a busy machine, timings of two sessions differ by far more than 15%: `phasebench compare --saved "
            "A B` gives phase ratios with confidence intervals, `phasebench gate --base REF` decides)", red=True)
        terminalreporter._session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return None


# ------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="session")
def workload() -> BenchWorkload:
    from solver_core.tasks import get_task

    return BenchWorkload(tuple(get_task(t) for t in BENCH_TASKS), BENCH_PARENTS, BENCH_MUTANTS)


@pytest.fixture(scope="session")
def scratch() -> Iterator[Callable[[str], Path]]:
    """`scratch(label)`: a new, empty output folder (all removed at the end of the session)."""
    root = Path(tempfile.mkdtemp(prefix="phasebench-bench-", dir=scratch_parent()))
    counter = iter(range(10**9))

    def make(label: str) -> Path:
        return root / f"{next(counter):06d}-{label}"

    yield make
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def _prepared_cache() -> dict[str, Any]:
    return {}


@pytest.fixture
def phase_bench(workload: BenchWorkload, scratch: Callable[[str], Path],
                _prepared_cache: dict[str, Any]) -> PhaseBench:
    return PhaseBench(workload, scratch, _prepared_cache)
