"""Run options abused from the command line: out-of-bounds limits, an empty task list, an output folder
under a file or relative to a working directory a candidate could change. Each is one clear error
line (exit 3) before any work, or a run that works; the shortest time limit never crashes the run."""

from __future__ import annotations

import math
import signal

import pytest

from harness import cli
from solver_core.limits import (
    MAX_MUTANTS,
    MAX_PARENTS,
    MAX_TIMEOUT,
    MIN_TIMEOUT,
    LimitError,
    check_run_limits,
    max_workers,
    resolve_out,
)
from solver_core.pipeline.evaluate import Failure, StepTimeout, run_dag, time_limit
from solver_core.program import Step

OK = {"timeout": 60.0, "workers": None, "parents": 32, "mutants": 8}


@pytest.mark.parametrize("option,value", [
    ("timeout", 1e-9), ("timeout", 0.0), ("timeout", -1.0), ("timeout", math.nan), ("timeout", math.inf),
    ("timeout", 1e300), ("timeout", MAX_TIMEOUT * 2),
    ("workers", 0), ("workers", -3), ("workers", 10_000),
    ("parents", 0), ("parents", MAX_PARENTS + 1), ("mutants", -1), ("mutants", 100_000),
])
def test_options_out_of_bounds_are_refused_naming_the_option(option, value):
    with pytest.raises(LimitError, match=f"--{option}"):
        check_run_limits(**{**OK, option: value}, cores=2)


def test_the_bounds_themselves_are_allowed():
    check_run_limits(timeout=MIN_TIMEOUT, workers=max_workers(2), parents=MAX_PARENTS, mutants=MAX_MUTANTS, cores=2)
    check_run_limits(timeout=MAX_TIMEOUT, workers=1, parents=1, mutants=0, cores=2)
    assert max_workers(2) == 16 and max_workers(64) == 512


def test_out_is_made_absolute_and_created_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = resolve_out("reports/run-1")
    assert out == tmp_path / "reports" / "run-1" and out.is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(LimitError, match="cannot create"):
        resolve_out(tmp_path / "file" / "under")
    with pytest.raises(LimitError, match="not a folder"):
        resolve_out(tmp_path / "file")


def _cli(capsys, *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    err = capsys.readouterr().err
    return code, err


@pytest.mark.parametrize("argv,word", [
    (["--timeout", "1e300"], "--timeout"), (["--timeout", "1e-9"], "--timeout"), (["--timeout", "nan"], "--timeout"),
    (["--workers", "10000"], "--workers"), (["--mutants", "100000"], "--mutants"), (["--parents", "0"], "--parents"),
    (["--tasks", ","], "no task ids"), (["--tasks", "007bbfb7,007bbfb7"], "more than once"),
])
def test_the_run_command_refuses_with_one_line_and_exit_3(capsys, tmp_path, argv, word):
    code, err = _cli(capsys, "run", "--variant", "baseline", "--out", str(tmp_path / "out"), *argv)
    assert code == 3
    assert word in err and "Traceback" not in err and err.count("\n") == 1
    assert not (tmp_path / "out" / "solver_dir").exists()


def test_out_under_a_file_is_refused_before_any_work(capsys, tmp_path):
    (tmp_path / "file").write_text("x")
    code, err = _cli(capsys, "run", "--task", "007bbfb7", "--out", str(tmp_path / "file" / "out"))
    assert code == 3 and "--out" in err and "Traceback" not in err


def test_verify_refuses_bounds_too(capsys):
    code, err = _cli(capsys, "verify", "--tasks", "1", "--workers", "100000", "--variants", "baseline")
    assert code == 3 and "--workers" in err


def test_the_shortest_time_limit_works_in_a_real_run(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = cli.main(["run", "--variant", "baseline", "--task", "007bbfb7", "--parents", "3", "--mutants", "1",
                     "--timeout", str(MIN_TIMEOUT), "--out", "relative-out"])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "relative-out" / "run.json").is_file()
    assert (tmp_path / "relative-out" / "solver_dir" / "007bbfb7" / "pool.json").is_file()


def test_a_limit_that_expires_at_once_is_a_timeout_not_a_crash():
    handler = signal.getsignal(signal.SIGALRM)
    for _ in range(200):  # the timer may fire in setitimer itself: still inside the protected region
        with pytest.raises(StepTimeout):
            with time_limit(1e-9):
                while True:
                    pass
        assert signal.getsignal(signal.SIGALRM) is handler
        values = run_dag((Step("vmirror", ("I",)), Step("hmirror", (0,))), {"I": ((1, 2),)}, step_timeout=1e-9)
        assert all(v == Failure("timeout", v.step) or not isinstance(v, Failure) for v in values)
        assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
