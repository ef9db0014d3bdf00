"""Hostile candidates that try to reach the run: exceptions that are not `Exception`s, their own
KeyboardInterrupt, rewritten globals, blocked or replaced signal handlers, a changed working directory,
gigabytes of output, forked and detached processes. Each is contained: a recorded candidate failure
(or a plain output), every other candidate's result unchanged, the store where it was, the output
bounded, no process left; and a real Ctrl-C still stops the run.

The hostile primitives live here (test-only). Steps name them with `AttackName`, whose unpickling in a
fresh worker interpreter registers them there first; pebble workers are forked and inherit them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from solver_core import dsl, generator, program
from solver_core.containment import Snapshot, is_interrupt, run_contained
from solver_core.pipeline.evaluate import Failure, measure_program, run_dag
from solver_core.program import Program, Step
from solver_core.types import Grid

ATTACK_DIR_ENV = "PHASEBENCH_ATTACK_DIR"
MARK_ENV = "PHASEBENCH_ATTACK_MARK"
TESTS = Path(__file__).resolve().parent


# ---------------------------------------------------------------------------- hostile primitives
class Boom(BaseException):
    """Not an `Exception`: `except Exception` does not stop it."""


def _record(pid: int) -> None:
    folder = os.environ.get(ATTACK_DIR_ENV)
    if folder:
        with open(Path(folder) / "pids", "a", encoding="ascii") as fh:
            fh.write(f"{pid}\n")


def raise_keyboard_interrupt(grid: Grid) -> Grid:
    raise KeyboardInterrupt


def raise_base_exception(grid: Grid) -> Grid:
    raise Boom("hostile")


def raise_generator_exit(grid: Grid) -> Grid:
    raise GeneratorExit


def raise_long_name(grid: Grid) -> Grid:
    raise type("E" * 5000, (Exception,), {})()


def rewrite_name_table(grid: Grid) -> Grid:
    program.namespace()["vmirror"] = lambda g: g  # type: ignore[index]
    return grid


def rebind_dsl_global(grid: Grid) -> Grid:
    dsl._ordered = lambda container: ()  # type: ignore[attr-defined]
    dsl.vmirror = lambda g: ((9,),)  # type: ignore[attr-defined]
    return grid


def block_alarm(grid: Grid) -> Grid:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    return grid


def ignore_alarm(grid: Grid) -> Grid:
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    return grid


def ignore_sigterm(grid: Grid) -> Grid:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    return grid


def lower_recursion(grid: Grid) -> Grid:
    sys.setrecursionlimit(60)
    return grid


def break_stdio(grid: Grid) -> Grid:
    sys.stdout = None  # type: ignore[assignment]
    sys.stderr = None  # type: ignore[assignment]
    return grid


def chdir_away(grid: Grid) -> Grid:
    folder = Path(os.environ.get(ATTACK_DIR_ENV, "/tmp")) / "elsewhere"
    folder.mkdir(exist_ok=True)
    os.chdir(folder)
    return grid


def shout(grid: Grid) -> Grid:
    print("x" * 4_000_000)
    os.write(1, b"y" * 4_000_000)
    sys.stderr.write("z" * 4_000_000)
    os.write(2, b"w" * 4_000_000)
    return grid


def fork_setsid(grid: Grid) -> Grid:
    pid = os.fork()
    if pid == 0:
        os.setsid()
        time.sleep(300)
        os._exit(0)
    _record(pid)
    return grid


def double_fork(grid: Grid) -> Grid:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        grandchild = os.fork()
        if grandchild == 0:
            os.setsid()
            time.sleep(300)
            os._exit(0)
        os.write(write, str(grandchild).encode())
        os._exit(0)
    os.waitpid(pid, 0)
    _record(int(os.read(read, 32)))
    os.close(read)
    os.close(write)
    return grid


def spin_after(grid: Grid) -> Grid:
    """Runs after the candidates that block or replace SIGALRM: its time limit must still work."""
    while True:
        pass


def nap(grid: Grid) -> Grid:
    time.sleep(2.0)
    return grid


#: In batch order (extras are appended after the generated candidates, in this order).
HOSTILE = (raise_keyboard_interrupt, raise_base_exception, raise_generator_exit, raise_long_name,
           rewrite_name_table, rebind_dsl_global, block_alarm, ignore_alarm, ignore_sigterm, lower_recursion,
           break_stdio, chdir_away, shout, fork_setsid, double_fork, spin_after)
PRIMITIVES = {f.__name__: f for f in HOSTILE + (nap,)}
#: Reason recorded on every sample ("" = the candidate's output is a grid: nothing to record).
EXPECTED = {"raise_keyboard_interrupt": "error:KeyboardInterrupt", "raise_base_exception": "error:Boom",
            "raise_generator_exit": "error:GeneratorExit", "raise_long_name": "error:BaseException",
            "rewrite_name_table": "error:TypeError", "spin_after": "timeout",
            # in a worker process the DSL module is read-only (in-process, the rebinding is undone instead)
            "rebind_dsl_global": "error:AttributeError"}


def install() -> None:
    if all(dsl.PRIMITIVES.get(n) is f for n, f in PRIMITIVES.items()):
        return
    for f in PRIMITIVES.values():
        f.__annotations__ = {"grid": "Grid", "return": "Grid"}
    dsl.PRIMITIVES.update(PRIMITIVES)
    _clear()


def uninstall() -> None:
    for name in PRIMITIVES:
        dsl.PRIMITIVES.pop(name, None)
    _clear()


def _clear() -> None:
    program.reset_namespace()
    generator.signature.cache_clear()
    generator._same_signature.cache_clear()


class AttackName(str):
    """A hostile primitive's name in a step; unpickled in another interpreter, it installs them there."""

    __slots__ = ()

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (_arrive, (str(self),))


def _arrive(name: str) -> AttackName:
    install()
    return AttackName(name)


def extras(names) -> tuple[tuple[str, Program], ...]:
    return tuple((f"attack:{n}", Program((Step(AttackName(n), ("I",)),))) for n in names)


@pytest.fixture
def attacks():
    install()
    yield
    uninstall()


# ------------------------------------------------------------------- one candidate, in-process
GRID = ((1, 2), (3, 4))


def _program(*names: str) -> Program:
    return Program(tuple(Step(n, ("I",) if i == 0 else (i - 1,)) for i, n in enumerate(names)))


@pytest.mark.parametrize("name,reason", [("raise_base_exception", "error:Boom"),
                                         ("raise_generator_exit", "error:GeneratorExit"),
                                         ("raise_long_name", "error:BaseException"),
                                         ("rewrite_name_table", "error:TypeError")])
@pytest.mark.parametrize("strategy", ["independent", "shared"])
def test_any_exception_of_a_candidate_is_its_failure(attacks, name, reason, strategy):
    prog = _program(name)
    if strategy == "shared":
        (value,) = run_dag(prog.steps, {"I": GRID}, step_timeout=5.0)
    else:
        value, _ = measure_program(prog, {"I": GRID}, 5.0)
    assert value == Failure(reason, 0)


@pytest.mark.parametrize("strategy", ["independent", "shared"])
def test_a_candidates_keyboard_interrupt_is_its_failure_only_where_sigint_is_ignored(attacks, strategy):
    prog = _program("raise_keyboard_interrupt")

    def run():
        if strategy == "shared":
            return run_dag(prog.steps, {"I": GRID}, step_timeout=5.0)[0]
        return measure_program(prog, {"I": GRID}, 5.0)[0]

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as in every worker process
    try:
        assert run() == Failure("error:KeyboardInterrupt", 0)
    finally:
        signal.signal(signal.SIGINT, previous)
    with pytest.raises(KeyboardInterrupt):  # where Ctrl-C is taken (the main process): a real one
        run()
    assert is_interrupt(KeyboardInterrupt()) and not is_interrupt(Boom())


@pytest.mark.parametrize("strategy", ["independent", "shared"])
@pytest.mark.parametrize("first", ["block_alarm", "ignore_alarm"])
def test_a_candidate_cannot_switch_off_the_time_limit_of_the_next(attacks, strategy, first):
    handler = signal.getsignal(signal.SIGALRM)
    if strategy == "shared":  # two candidates in one DAG: step 1 does not depend on step 0
        steps = (Step(first, ("I",)), Step("spin_after", ("I",)))
        values = run_dag(steps, {"I": GRID}, step_timeout=0.2)
        assert values == [GRID, Failure("timeout", 1)]
    else:
        assert measure_program(_program(first), {"I": GRID}, 0.2)[0] == GRID
        assert measure_program(_program("spin_after"), {"I": GRID}, 0.2)[0] == Failure("timeout", 0)
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.SIGALRM not in signal.pthread_sigmask(signal.SIG_BLOCK, ())


@pytest.mark.parametrize("strategy", ["program", "shared", "work-item"])
def test_each_candidate_starts_from_the_state_the_last_one_found(attacks, strategy, tmp_path, monkeypatch):
    """Per candidate program: working directory, recursion limit, stdio (cheap); per shared DAG and per
    work item of a worker: the stop handlers and the DSL module's globals too."""
    monkeypatch.setenv(ATTACK_DIR_ENV, str(tmp_path))
    cwd, limit, out, err = os.getcwd(), sys.getrecursionlimit(), sys.stdout, sys.stderr
    term, ordered, vmirror = signal.getsignal(signal.SIGTERM), dsl._ordered, dsl.vmirror
    light = ("chdir_away", "lower_recursion", "break_stdio")
    full = light + ("ignore_sigterm", "rebind_dsl_global")
    for name in light if strategy == "program" else full:
        if strategy == "shared":
            assert run_dag((Step(name, ("I",)),), {"I": GRID}, step_timeout=5.0) == [GRID]
        elif strategy == "program":
            assert measure_program(_program(name), {"I": GRID}, 5.0)[0] == GRID
        else:
            assert run_contained(lambda p: measure_program(p, {"I": GRID}, 5.0)[0], _program(name)) == GRID
    assert (os.getcwd(), sys.getrecursionlimit(), sys.stdout, sys.stderr) == (cwd, limit, out, err)
    assert signal.getsignal(signal.SIGTERM) is term
    assert dsl._ordered is ordered and dsl.vmirror is vmirror
    assert program.namespace()["vmirror"] is vmirror


def test_an_honest_candidate_restores_nothing():
    snap = Snapshot.take(full=True)
    measure_program(_program("vmirror", "hmirror"), {"I": GRID}, 5.0)
    assert snap.restore() == 0


# ------------------------------------------------------------------ whole runs, in a subprocess
RUN = """
import json, os, sys
from dataclasses import replace
from pathlib import Path
import test_attacks_candidates as attacks
from solver_core.generator import GeneratorConfig
from solver_core.pipeline import RunSettings, run_pipeline
from solver_core.tasks import get_task
from solver_core.variants import get_variant

variant, names = sys.argv[1], sys.argv[2].split(",")
attacks.install()
config = GeneratorConfig(parents=6, mutants=2)
task = get_task("007bbfb7")
def run(out, extra):
    settings = RunSettings(get_variant(variant), Path(out), timeout=0.2, generator=replace(config, extra=extra))
    return run_pipeline([task], settings)
clean = run("store-clean", ())
hostile = run("store-hostile", attacks.extras(names))
(c,), (h,) = clean.tasks, hostile.tasks
last = max(h.scores)
steps = dict(zip(names, range(last - len(names) + 1, last + 1)))
summary = {
    "reasons": {n: sorted(set(h.failures.get(t, ("",)))) for n, t in steps.items()},
    "others_equal": ({t: s for t, s in h.scores.items() if t not in steps.values()} == c.scores
                     and {t: r for t, r in h.failures.items() if t not in steps.values()} == c.failures),
    "cwd": os.getcwd(),
    "store_here": Path("store-hostile/solver_dir").is_dir(),
    "pool": len(h.pool),
    "counters": {k: v for k, v in hostile.recorder.to_dict()["tree"].get("counters", {}).items()},
    "digest": hostile.digest,
}
Path(os.environ["PHASEBENCH_ATTACK_DIR"], "summary.json").write_text(json.dumps(summary))
"""


def _marked_processes(mark: str) -> list[int]:
    """Live (not zombie) processes whose environment carries `mark`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as fh:
                env = fh.read()
            with open(f"/proc/{entry}/stat", "rb") as fh:
                state = fh.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if f"{MARK_ENV}={mark}".encode() in env and state != b"Z":
            found.append(int(entry))
    return found


def _wait_gone(mark: str, seconds: float = 10.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while True:
        left = _marked_processes(mark)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def _env(tmp_path: Path, mark: str) -> dict[str, str]:
    return {**os.environ, ATTACK_DIR_ENV: str(tmp_path), MARK_ENV: mark,
            "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process checks read /proc")
@pytest.mark.parametrize("variant", ["baseline", "fast"])
def test_hostile_candidates_in_a_real_run_are_contained(tmp_path, variant):
    mark = f"{os.getpid()}-{variant}-{time.monotonic_ns()}"
    names = [f.__name__ for f in HOSTILE]
    proc = subprocess.run([sys.executable, "-c", RUN, variant, ",".join(names)], cwd=tmp_path,
                          env=_env(tmp_path, mark), capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-3000:]
    summary = json.loads((tmp_path / "summary.json").read_text())
    for name in names:  # each hostile candidate: its failure, or its (harmless) output
        assert summary["reasons"][name] == [EXPECTED.get(name, "")], (name, summary["reasons"][name])
    assert summary["others_equal"]  # every other candidate's scores and failures as in a clean run
    assert summary["cwd"] == str(tmp_path) and summary["store_here"]  # the store did not move
    assert not (tmp_path / "elsewhere" / "store-hostile").exists()
    assert len(proc.stdout) < 64 * 1024  # 16 MB written per call of `shout`: bounded or discarded
    assert len(proc.stderr) < 1024 * 1024
    assert _wait_gone(mark) == []  # no process of a candidate outlives the run
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    assert len(pids) >= 2


RUN_AND_INTERRUPT = """
import sys
from dataclasses import replace
from pathlib import Path
import test_attacks_candidates as attacks
from solver_core.generator import GeneratorConfig
from solver_core.pipeline import RunSettings, run_pipeline
from solver_core.tasks import get_task
from solver_core.variants import get_variant

attacks.install()
config = GeneratorConfig(parents=4, mutants=1, extra=attacks.extras(["nap"] * 1))
settings = RunSettings(get_variant(sys.argv[1]), Path("store"), timeout=60, generator=config)
print("started", flush=True)
try:
    run_pipeline([get_task("007bbfb7")], settings)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(130)
print("finished", flush=True)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process checks read /proc")
@pytest.mark.parametrize("variant", ["baseline", "fast"])
def test_a_real_ctrl_c_still_stops_the_run(tmp_path, variant):
    mark = f"{os.getpid()}-int-{variant}-{time.monotonic_ns()}"
    proc = subprocess.Popen([sys.executable, "-c", RUN_AND_INTERRUPT, variant], cwd=tmp_path,
                            env=_env(tmp_path, mark), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"started"
    deadline = time.monotonic() + 60
    while len(_marked_processes(mark)) < 2 and time.monotonic() < deadline:  # a worker is running `nap`
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert proc.returncode == 130, err.decode(errors="replace")[-2000:]
    assert b"interrupted" in out
    assert _wait_gone(mark) == []
