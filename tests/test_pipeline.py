"""The pipeline end to end on real ARC tasks: determinism, a found and stored solver, duplicate
dropping, the validation time limit, the store layout and elite pool, the phase spans, run.json
and the `phasebench run` command line."""

from __future__ import annotations

import json
import os
import signal
from dataclasses import replace
from pathlib import Path

import pytest

from harness import Recorder, cli
from solver_core.differs import differ_programs
from solver_core.execution import Backend, ProcessBackend, default_workers
from solver_core.generator import Batch, Candidate, GeneratorConfig
from solver_core.pipeline import RunSettings, run_pipeline, save_run
from solver_core.pipeline.evaluate import Failure, run_program
from solver_core.pipeline.filter import Rebuilt, refuse_hopeless
from solver_core.pipeline.inline import MAX_CALLS, canonical_source, md5_text, tree_size
from solver_core.pipeline.score import SampleScores, Scores
from solver_core.pipeline.task import Inlined, Phases, check_batt, phase3a_validate
from solver_core.pipeline.validate import TIMEOUT_GRADE, ValidateJob, validate
from solver_core.program import Program, Step, parse_function, render
from solver_core.solvers import library_programs
from solver_core.store import POOL_SIZE, PoolEntry, Store
from solver_core.variants import get_variant

PHASE_SPANS = ("run_batt", "generate", "check_batt", "score_demo", "score_test", "phase1_filter",
               "phase2_inline", "phase3a_validate", "phase3b_file_ops", "phase4_differs", "digest")
TWO_TASKS = ("007bbfb7", "00d62c1b")


def _run(variant: str, out: Path, tasks, config: GeneratorConfig, seed: int = 0, **kw):
    settings = RunSettings(get_variant(variant), out, seed=seed, generator=config, **kw)
    return run_pipeline(list(tasks), settings), settings


@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory, task_007, small_config):
    """One baseline run of 007bbfb7 (small batch), shared by the tests that only read it."""
    return _run("baseline", tmp_path_factory.mktemp("baseline") / "out", [task_007], small_config)


@pytest.fixture(scope="module")
def phase1_run(tmp_path_factory, task_007, small_config):
    return _run("phase1", tmp_path_factory.mktemp("phase1") / "out", [task_007], small_config)


@pytest.fixture(scope="module")
def two_tasks():
    from solver_core.tasks import get_task

    return [get_task(t) for t in TWO_TASKS]


# ------------------------------------------------------------------------------------ determinism
def test_same_seed_gives_same_digest_and_store_twice(two_tasks, small_config, fresh_out):
    first, s1 = _run("baseline", fresh_out("a"), two_tasks, small_config, seed=7)
    second, s2 = _run("baseline", fresh_out("b"), two_tasks, small_config, seed=7)
    assert len(first.digest) == 64 and int(first.digest, 16) >= 0
    assert first.digest == second.digest
    assert first.tasks == second.tasks
    assert s1.store.stored_names() == s2.store.stored_names()
    assert len(s1.store.stored_names()) > 0
    for t in TWO_TASKS:
        assert s1.store.load_pool(t) == s2.store.load_pool(t)
        assert s1.store.load_pool(t)


def test_other_seed_gives_other_digest(two_tasks, small_config, fresh_out):
    seven, _ = _run("baseline", fresh_out("a"), two_tasks, small_config, seed=7)
    eight, _ = _run("baseline", fresh_out("b"), two_tasks, small_config, seed=8)
    assert seven.digest != eight.digest
    assert [t.pool for t in seven.tasks] != [t.pool for t in eight.tasks]


def test_digest_ignores_the_output_folder_and_timings(baseline_run, task_007, small_config, fresh_out):
    first, _ = baseline_run
    again, _ = _run("baseline", fresh_out("elsewhere") / "deeper", [task_007], small_config)
    assert again.digest == first.digest


# ---------------------------------------------------------------------------- a solver is found
def test_007bbfb7_solver_found_stored_and_linked(baseline_run, task_007):
    result, settings = baseline_run
    store = settings.store
    (task_result,) = result.tasks
    assert len(task_007.samples) == 6  # 5 demo + 1 test
    winners = [s for s in task_result.pool if s.status == "pass" and s.o_score == 6]
    assert winners, [(s.status, s.o_score) for s in task_result.pool]
    pool_json = json.loads((store.task_dir("007bbfb7") / "pool.json").read_text())
    for w in winners:
        stored = store.solver_file(w.md5)
        assert stored == settings.out_dir / "solver_md5" / f"{w.md5}.py"
        assert stored.is_file()
        link = settings.out_dir / "solver_dir" / "007bbfb7" / str(w.o_score) / str(w.grade) / f"{w.md5}.py"
        assert link.is_symlink()
        target = os.readlink(link)
        assert not target.startswith("/")
        assert target == f"../../../../solver_md5/{w.md5}.py"
        assert link.resolve() == stored.resolve()
        assert str(link.relative_to(settings.out_dir)) in task_result.stored
        assert {"md5": w.md5, "o_score": 6, "cells": w.cells, "grade": w.grade} in pool_json
        # the stored file is a valid program that solves every pair, and its md5 is its identity
        name, params, program = parse_function(stored.read_text(), where=str(stored))
        assert (name, params) == ("solve", ("S", "I"))
        assert md5_text(canonical_source(program, params)) == w.md5
        for pair in task_007.samples:
            assert run_program(program, {"S": task_007.demo_samples, "I": pair.input}) == pair.output
        assert w.cells == 5000  # every cell of the 5 demo outputs
        check = validate(_job(task_007, program, 2.0))
        assert check.status == "pass" and check.grade == w.grade == check.work.bit_length()


def test_every_pool_member_is_stored_and_linked(baseline_run):
    result, settings = baseline_run
    store = settings.store
    (task_result,) = result.tasks
    pool = store.load_pool("007bbfb7")
    assert [(e.md5, e.o_score, e.cells, e.grade) for e in pool] == \
        [(s.md5, s.o_score, s.cells, s.grade) for s in task_result.pool]
    assert pool == sorted(pool, key=lambda e: e.rank())
    links = sorted(p for p in store.task_dir("007bbfb7").rglob("*.py"))
    assert links == sorted(store.solver_link("007bbfb7", e) for e in pool)
    for link in links:
        assert link.is_symlink() and not os.readlink(link).startswith("/")
        assert link.resolve().parent == (settings.out_dir / "solver_md5").resolve()
        assert link.resolve().is_file()
    # differs: stored, linked under the task, one scores.json
    differ_links = list((settings.out_dir / "differ_dir" / "007bbfb7").rglob("*.py"))
    assert len(differ_links) == len(task_result.d_score) == len(differ_programs()) >= 9
    for link in differ_links:
        assert link.is_symlink() and not os.readlink(link).startswith("/") and link.resolve().is_file()
    scores = json.loads((settings.out_dir / "differ_dir" / "007bbfb7" / "scores.json").read_text())
    assert len(scores) == len(differ_programs()) and all(set(v) == {e.md5 for e in pool} for v in scores.values())


# ------------------------------------------------------------------------------------ duplicates
def test_phase1_drops_duplicates_and_counters_prove_it(phase1_run, span_lookup, span_dicts_named):
    result, _ = phase1_run
    (task_result,) = result.tasks
    tree = result.recorder.tree
    f = span_lookup(tree, "phase1_filter").counters
    assert f["candidates_in"] == task_result.candidates == 40
    assert f["duplicates"] > 0
    assert f["duplicates"] == task_result.candidates - task_result.unique
    assert f["candidates_out"] == f["candidates_in"] - f["duplicates"] - f["refused"]
    assert f["candidates_out"] < f["candidates_in"]
    inline = span_lookup(tree, "phase2_inline").counters
    assert inline["candidates_in"] == f["candidates_out"]
    assert span_lookup(tree, "phase3a_validate").counters["candidates_in"] == inline["candidates_out"]
    # the same counters in the exported record
    (exported,) = span_dicts_named(result.recorder.to_dict()["tree"], "phase1_filter")
    assert exported["counters"] == f


@pytest.mark.parametrize("variant", ["phase1", "fast"])
def test_counters_add_up_over_the_tasks_of_a_run(variant, two_tasks, small_config, fresh_out, span_lookup):
    result, _ = _run(variant, fresh_out(variant), two_tasks, small_config)
    node = span_lookup(result.recorder.tree, "phase1_filter")
    assert node.count == 2

    def total(key: str) -> int:
        return node.counters[key]

    assert total("candidates_in") == sum(t.candidates for t in result.tasks) == 80
    assert total("duplicates") == sum(t.candidates - t.unique for t in result.tasks)


def test_baseline_keeps_duplicates_but_ends_with_the_same_result(phase1_run, baseline_run, span_lookup):
    base, _ = baseline_run
    early, _ = phase1_run
    f = span_lookup(base.recorder.tree, "phase1_filter").counters
    assert f["candidates_in"] == f["candidates_out"] == 40
    assert "duplicates" not in f
    assert span_lookup(base.recorder.tree, "phase3a_validate").counters["candidates_in"] == 40
    assert base.digest == early.digest


# --------------------------------------------------------------------------------- slow candidate
def _slow_dsl_program() -> Program:
    """A real DSL program that rotates its input 10**6 times (several seconds on any grid)."""
    steps = [Step("power", ("rot90", "TEN"))]
    for _ in range(5):
        steps.append(Step("power", (len(steps) - 1, "TEN")))
    tower = len(steps) - 1
    steps += [Step("initset", ("I",)), Step("apply", (tower, tower + 1)), Step("first", (tower + 2,))]
    return Program(tuple(steps))


def _job(task, program: Program, timeout: float, early_exit: bool = False) -> ValidateJob:
    return ValidateJob(0, program, task.samples, len(task.demo), task.demo_samples,
                       tuple(False for _ in task.samples), timeout, early_exit)


def test_validate_stops_a_slow_registered_primitive(slow_primitive, task_007):
    handler = signal.getsignal(signal.SIGALRM)
    program = Program((Step(slow_primitive, ("I",)),))
    v = validate(_job(task_007, program, 0.2))
    # the limit stopped the primitive inside its first call (it returns its input after 1 s otherwise): a
    # timeout status with no pair run; at least the 0.2 s limit went by (load can only add to it)
    assert v.status == "demo[0]:timeout"
    assert v.grade == TIMEOUT_GRADE and v.work == 0 and v.pairs_run == 0
    assert v.elapsed_ns > 0.15e9
    # the time limit is fully undone
    assert signal.getsignal(signal.SIGALRM) == handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_validate_stops_a_slow_dsl_program(task_007):
    v = validate(_job(task_007, _slow_dsl_program(), 0.2, early_exit=True))
    assert v.status == "demo[0]:timeout"  # the limit fired (unlimited: a mismatch after several seconds)
    assert v.grade == TIMEOUT_GRADE and v.elapsed_ns > 0.15e9


def test_registry_is_restored_after_the_slow_primitive(task_007):
    from solver_core import dsl
    from solver_core.program import namespace

    assert not any(name.startswith("zz_test_") for name in dsl.PRIMITIVES)
    assert not any(name.startswith("zz_test_") for name in namespace())


def _inlined(program: Program, t_n: int) -> Inlined:
    canonical = canonical_source(program)
    return Inlined(Rebuilt(t_n, program, md5_text(render(program)), 0, 0), md5_text(canonical), canonical)


def _scores_for(task, outcomes_by_t: dict[int, list]) -> Scores:
    keys = [("demo", i) for i in range(len(task.demo))] + [("test", i) for i in range(len(task.test))]
    samples = tuple(SampleScores(kind, i, {t: outs[n] for t, outs in outcomes_by_t.items()}, frozenset(), {}, {})
                    for n, (kind, i) in enumerate(keys))
    zero = {t: 0 for t in outcomes_by_t}
    return Scores(zero, zero, {}, samples)


@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_phase3a_records_a_timeout_next_to_a_pass(backend, task_007, tmp_path, span_lookup):
    solver = library_programs()["007bbfb7"]
    slow = _slow_dsl_program()
    inlined = [_inlined(solver, 0), _inlined(slow, 1)]
    scores = _scores_for(task_007, {0: [p.output for p in task_007.samples],
                                    1: [Failure("timeout", 0)] * len(task_007.samples)})
    settings = RunSettings(replace(get_variant("baseline"), validate_backend=backend), tmp_path, timeout=0.2)
    opened = {"serial": Backend()} if backend == "serial" else {"processes": ProcessBackend(2)}
    try:
        with Recorder() as rec:
            results = phase3a_validate(task_007, inlined, scores, Phases(settings, opened, None))
    finally:
        for b in opened.values():
            b.close()
    # the slow program's timeout status is the limit firing (without it: 6 pairs of several seconds each)
    assert [r.status for r in results] == ["pass", "demo[0]:timeout"]
    assert results[1].grade == TIMEOUT_GRADE
    attrs = span_lookup(rec.tree, "phase3a_validate").counters
    assert attrs["candidates_in"] == 2 and attrs["passed"] == 1 and attrs["timeouts"] == 1
    assert attrs["errors"] == 0 and attrs["disagreements"] == 0


def test_a_slow_candidate_in_a_batch_is_stopped_in_every_phase(slow_primitive, task_007, tmp_path,
                                                                 span_lookup):
    from solver_core.tasks import Task

    task = Task(task_007.id, task_007.demo[:1], task_007.test)  # 2 samples: ~2 s unlimited
    batch = Batch(task.id, 0, (Step(slow_primitive, ("I",)),), (Candidate(0, True, "test", 1),), ("test",))
    settings = RunSettings(get_variant("baseline"), tmp_path, timeout=0.2)
    with Recorder() as rec:
        result = check_batt(task, batch, Phases(settings, {"serial": Backend()}, None))
    # stopped in every phase: a failure in each scoring phase (unlimited, the primitive returns its input:
    # no failure) and a timeout in validation
    (stored,) = result.pool
    assert stored.status == "demo[0]:timeout" and stored.grade == TIMEOUT_GRADE and stored.o_score == 0
    tree = rec.tree
    assert span_lookup(tree, "score_demo").counters["candidate_failures"] == 1
    assert span_lookup(tree, "score_test").counters["candidate_failures"] == 1
    assert span_lookup(tree, "phase3a_validate").counters["timeouts"] == 1
    assert Store(tmp_path).load_pool(task.id)[0].md5 == stored.md5


# ------------------------------------------------------------------------------- elite pool store
@pytest.mark.parametrize("task_id", ["007bbfb7", "00d62c1b"])
def test_full_size_batch_fills_and_caps_the_elite_pool(task_id, fresh_out, span_lookup):
    from solver_core.tasks import get_task

    task = get_task(task_id)
    config = GeneratorConfig(parents=16, mutants=6)
    base, bs = _run("baseline", fresh_out("base"), [task], config)
    early, es = _run("phase1", fresh_out("early"), [task], config)
    assert base.digest == early.digest
    unique = base.tasks[0].unique
    assert unique > POOL_SIZE  # more distinct programs than the pool keeps: some are evicted
    f = span_lookup(early.recorder.tree, "phase1_filter").counters
    assert f["refused"] >= 0  # 00d62c1b has refusals with today's library; a library change may alter that
    assert f["candidates_out"] == unique - f["refused"]
    for settings, result in ((bs, base), (es, early)):
        store = settings.store
        pool = store.load_pool(task_id)
        assert len(pool) == POOL_SIZE == len(result.tasks[0].pool)
        links = sorted(store.task_dir(task_id).rglob("*.py"))
        assert links == sorted(store.solver_link(task_id, e) for e in pool)
        assert all(not os.readlink(p).startswith("/") and p.resolve().is_file() for p in links)
        assert any(s.status == "pass" and s.o_score == len(task.samples) for s in result.tasks[0].pool)
    assert bs.store.load_pool(task_id) == es.store.load_pool(task_id)
    # the naive strategy wrote every candidate's file and removed the losers' again; the early filter wrote
    # only the winners': both stores hold the same files (the digest covers them)
    base_files = {p.name for p in (bs.out_dir / "solver_md5").iterdir()}
    early_files = {p.name for p in (es.out_dir / "solver_md5").iterdir()}
    assert early_files == {f"{e.md5}.py" for e in es.store.load_pool(task_id)} == base_files
    attrs = span_lookup(base.recorder.tree, "phase3b_file_ops").counters
    assert attrs["files_written"] >= 2 * base.tasks[0].candidates  # a file and a link per offered candidate
    assert attrs["candidates_in"] == base.tasks[0].candidates
    assert attrs["candidates_out"] == POOL_SIZE and attrs["added"] == POOL_SIZE


def _rebuilt(n: int, o_score: int, cells: int) -> Rebuilt:
    return Rebuilt(n, Program((Step("vmirror", ("I",)),)), f"{n:032x}", o_score, cells)


def test_refuse_hopeless_needs_32_strictly_better_distinct_programs():
    unique = [_rebuilt(n, 1, 100 - n) for n in range(40)]  # strictly ordered keys
    kept = refuse_hopeless(unique, [])
    assert [c.t_n for c in kept] == list(range(POOL_SIZE))  # the 33rd has 32 better ones: refused
    assert [c.t_n for c in refuse_hopeless(unique, [], bound=5)] == [0, 1, 2, 3, 4]
    ties = [_rebuilt(n, 1, 0) for n in range(40)]
    assert refuse_hopeless(ties, []) == ties  # equal keys never refuse each other
    # stored entries count, but new and stored better ones are not added up (they may be the same)
    few = [_rebuilt(n, 2, 0) for n in range(20)] + [_rebuilt(99, 1, 0)]
    stored = [PoolEntry(f"{n:032x}", 2, 0, 1) for n in range(20)]
    assert refuse_hopeless(few, stored) == few
    stored32 = [PoolEntry(f"{n:032x}", 2, 0, 1) for n in range(POOL_SIZE)]
    assert refuse_hopeless(few, stored32) == few[:20]
    # programs that phase 2 will refuse as too large cannot push anyone out of the pool
    huge = Program((Step("combine", ("I", "I")),) + tuple(Step("combine", (k, k)) for k in range(9)))
    assert tree_size(huge) > MAX_CALLS
    blown = [Rebuilt(n, huge, f"{n:032x}", 3, 0) for n in range(POOL_SIZE)] + [_rebuilt(99, 1, 0)]
    assert refuse_hopeless(blown, []) == blown


# ----------------------------------------------------------------------------------------- spans
def _assert_phase_spans(result, spans_named, under: str | None, count: int) -> None:
    tree = result.recorder.tree
    for name in PHASE_SPANS:
        nodes = spans_named(tree, name)
        assert len(nodes) == 1, (name, [n.path for n in nodes])
        node = nodes[0]
        assert node.count == (1 if name == "digest" else count), (name, node.count)
        assert node.wall_ns > 0
        if under is not None and name != "digest":
            assert under in node.path, node.path
    exported = result.recorder.to_dict()["tree"]
    names = set()
    stack = [exported]
    while stack:
        d = stack.pop()
        names.add(d["name"])
        stack.extend(d["children"])
    assert set(PHASE_SPANS) <= names


def test_every_phase_span_present_serial(baseline_run, spans_named):
    result, _ = baseline_run
    _assert_phase_spans(result, spans_named, None, 1)
    assert [c.name for c in result.recorder.tree.children.values()][:3] == ["open_store", "run_batt", "digest"]


def test_every_phase_span_present_fast(two_tasks, small_config, fresh_out, spans_named, span_lookup):
    result, _ = _run("fast", fresh_out("fast"), two_tasks, small_config)
    _assert_phase_spans(result, spans_named, "tasks", 2)
    tasks = span_lookup(result.recorder.tree, "tasks")
    assert tasks.concurrent and tasks.concurrency == "workers"
    assert tasks.workers == default_workers() and tasks.tasks == 2  # one chunk per task here
    assert all(int(label.split(":")[0]) != os.getpid() for label in tasks.worker_labels)
    assert tasks.busy_ns >= span_lookup(result.recorder.tree, "run_batt").wall_ns
    assert span_lookup(result.recorder.tree, "run_batt").remote
    base, _ = _run("baseline", fresh_out("base"), two_tasks, small_config)
    assert result.digest == base.digest


# -------------------------------------------------------------------------------------- run.json
def test_run_json_holds_the_digest(baseline_run, tmp_path):
    result, _ = baseline_run
    path = save_run(result, tmp_path)
    assert path == tmp_path / "run.json"
    record = json.loads(path.read_text())
    assert record["result"]["digest"] == result.digest
    assert record["variant"] == "baseline"
    assert record["result"]["tasks"] == 1
    assert record["result"]["candidates"] == result.candidates == 40
    assert record["result"]["tasks_with_demo_solver"] == 1
    assert record["workload"]["task_ids"] == ["007bbfb7"]
    assert not list(tmp_path.glob(".tmp-*"))


# ------------------------------------------------------------------------------------------- cli
def test_cli_run_writes_run_json(tmp_path, capsys, task_007):
    out = tmp_path / "cli"
    rc = cli.main(["run", "--task", "007bbfb7", "--variant", "baseline", "--out", str(out),
                   "--parents", "8", "--mutants", "2"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    record = json.loads((out / "run.json").read_text())
    digest = record["result"]["digest"]
    assert f"result digest: {digest}" in captured.out
    direct = run_pipeline([task_007], RunSettings(get_variant("baseline"), tmp_path / "direct",
                                                 generator=GeneratorConfig(parents=8, mutants=2)))
    assert direct.digest == digest
    assert Store(out).load_pool("007bbfb7")


@pytest.mark.parametrize(("args", "needle"), [
    (["--task", "nope"], "nope"),
    (["--timeout", "-1"], "--timeout"),
    (["--timeout", "0"], "--timeout"),
    (["--variant", "nope"], "unknown variant 'nope'"),
    (["--dataset", "/nonexistent"], "/nonexistent"),
    (["--parents", "0"], "--parents"),
    (["--timeout", "nan"], "--timeout"),
    (["--timeout", "inf"], "--timeout"),
    (["--workers", "-1", "--variant", "fast"], "--workers"),
])
def test_cli_run_bad_input_is_a_clear_error(args, needle, tmp_path, capsys):
    argv = ["run", "--task", "007bbfb7", "--variant", "baseline", "--out", str(tmp_path / "o"),
            "--parents", "2", "--mutants", "1"]
    # later options win in argparse, so appending overrides the defaults above
    rc = cli.main(argv + args)
    captured = capsys.readouterr()
    assert rc == 3
    assert "Traceback" not in captured.err
    assert captured.err.startswith("phasebench run: error: ")
    assert needle in captured.err
    assert captured.err.count("\n") == 1
    assert not (tmp_path / "o" / "run.json").exists()


def test_cli_run_malformed_store_is_a_clear_error(tmp_path, capsys):
    out = tmp_path / "o"
    (out / "solver_dir" / "007bbfb7").mkdir(parents=True)
    (out / "solver_dir" / "007bbfb7" / "pool.json").write_text("{not json")
    rc = cli.main(["run", "--task", "007bbfb7", "--variant", "baseline", "--out", str(out),
                   "--parents", "2", "--mutants", "1"])
    captured = capsys.readouterr()
    assert rc == 3
    assert "pool.json" in captured.err and "Traceback" not in captured.err
