"""Every registered variant computes exactly what baseline computes (same digest, same pools)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from harness import cli
from solver_core.generator import GeneratorConfig
from solver_core.pipeline import RunSettings, run_pipeline
from solver_core.pipeline.inline import MAX_CALLS, tree_size
from solver_core.solvers import library, library_programs
from solver_core.store import POOL_SIZE, PoolEntry
from solver_core.tasks import load_dataset
from solver_core.variants import BASELINE, VARIANTS, Variant, get_variant, register

#: Tasks with a solver in the library (the generator seeds the batch with it) ...
N_SOLVED = 14
#: ... and tasks without one (every parent comes from other tasks).
N_UNSOLVED = 6
CONFIG = GeneratorConfig(parents=8, mutants=4)


@pytest.fixture(scope="module")
def workload():
    """At least 20 real ARC-AGI-1 training tasks, some with and some without a library solver."""
    tasks = load_dataset("arc1-train")
    solvers = library()
    solved = [t for t in tasks if t.id in solvers][:N_SOLVED]
    unsolved = [t for t in tasks if t.id not in solvers][:N_UNSOLVED]
    chosen = solved + unsolved
    if len(chosen) < N_SOLVED + N_UNSOLVED:  # the library may one day cover the whole dataset
        chosen += [t for t in tasks if t.id in solvers][N_SOLVED:N_SOLVED + N_SOLVED + N_UNSOLVED - len(chosen)]
    assert len(chosen) >= 20 and len(solved) == N_SOLVED
    assert "007bbfb7" in {t.id for t in solved}
    return chosen


@pytest.fixture(scope="module")
def baseline(workload, tmp_path_factory):
    out = tmp_path_factory.mktemp("variants") / "baseline"
    return run_pipeline(workload, RunSettings(BASELINE, out, seed=3, generator=CONFIG))


def test_baseline_solves_the_tasks_it_has_solvers_for(baseline, workload):
    solvers = library()
    by_id = {r.task_id: r for r in baseline.tasks}
    assert sorted(by_id) == sorted(t.id for t in workload)
    for task in workload:
        passing = [s for s in by_id[task.id].pool if s.status == "pass" and s.o_score == len(task.samples)]
        if task.id in solvers and tree_size(library_programs()[task.id]) <= MAX_CALLS:
            assert passing, task.id  # the task's own solver is always the first parent
    assert baseline.recorder.result["tasks_with_demo_solver"] >= N_SOLVED


@pytest.mark.parametrize("name", [n for n in VARIANTS if n != "baseline"])
def test_variant_gives_the_baseline_digest(name, workload, baseline, tmp_path):
    result = run_pipeline(workload, RunSettings(get_variant(name), tmp_path / name, seed=3, generator=CONFIG))
    mismatched = [a.task_id for a, b in zip(baseline.tasks, result.tasks, strict=True) if a != b]
    assert mismatched == []
    assert result.digest == baseline.digest
    assert result.recorder.variant == name


SHARED_FOLDER_TASKS = ("00d62c1b", "05269061")
SHARED_FOLDER_CONFIG = GeneratorConfig(parents=16, mutants=6)


def _runs_in_one_folder(variant: str, out) -> list[str]:
    """Digests of seed 0 then seed 1, both written to the same output folder."""
    from solver_core.tasks import get_task

    tasks = [get_task(t) for t in SHARED_FOLDER_TASKS]
    digests = [run_pipeline(tasks, RunSettings(get_variant(variant), out, seed=seed,
                                               generator=SHARED_FOLDER_CONFIG)).digest for seed in (0, 1)]
    for t in SHARED_FOLDER_TASKS:
        assert len(json.loads((out / "solver_dir" / t / "pool.json").read_text())) == POOL_SIZE
    return digests


@pytest.fixture(scope="module")
def shared_folder_baseline(tmp_path_factory):
    return _runs_in_one_folder("baseline", tmp_path_factory.mktemp("shared-folder") / "baseline")


@pytest.mark.parametrize("name", ["phase1", "fast"])
def test_variants_agree_across_runs_sharing_an_output_folder(name, shared_folder_baseline, tmp_path):
    """Later runs see the stored pools (the early refusal counts them): still baseline's results."""
    assert len(set(shared_folder_baseline)) == 2
    assert _runs_in_one_folder(name, tmp_path / name) == shared_folder_baseline


def test_a_stored_pool_that_beats_everything_refuses_every_candidate(tmp_path, task_007, span_lookup):
    """The early refusal with a full stored pool: nothing new gets in, same result as baseline."""
    stored = [PoolEntry(f"{n:032x}", 99, 9999, 1) for n in range(POOL_SIZE)]
    digests = {}
    for variant in ("baseline", "phase1"):
        out = tmp_path / variant
        pool_file = out / "solver_dir" / task_007.id / "pool.json"
        pool_file.parent.mkdir(parents=True)
        pool_file.write_text(json.dumps([{"md5": e.md5, "o_score": e.o_score, "cells": e.cells,
                                          "grade": e.grade} for e in stored]))
        result = run_pipeline([task_007], RunSettings(get_variant(variant), out, generator=CONFIG))
        digests[variant] = result.digest
        (task_result,) = result.tasks
        assert [s.md5 for s in task_result.pool] == [e.md5 for e in stored]
        assert {s.status for s in task_result.pool} == {"stored"}
        if variant == "phase1":
            attrs = span_lookup(result.recorder.tree, "phase1_filter").counters
            assert attrs["refused"] == task_result.unique and attrs["candidates_out"] == 0
            assert span_lookup(result.recorder.tree, "phase3a_validate").counters["candidates_in"] == 0
    assert digests["phase1"] == digests["baseline"]


# ------------------------------------------------------------------------------- the registry
def test_variants_command_lists_every_variant(capsys):
    assert cli.main(["variants"]) == 0
    out = capsys.readouterr().out
    names = [line.split()[0] for line in out.splitlines() if line and not line.startswith(" ")]
    assert names == list(VARIANTS)
    assert {"baseline", "phase1", "phase2", "phase4", "shared", "fast"} <= set(names)
    for v in VARIANTS.values():
        assert f"{v.name:<9} {v.summary}" in out
    assert out.count("task_backend") == len(VARIANTS)


def test_changed_phases_phase1_vs_baseline():
    phase1 = get_variant("phase1")
    assert phase1.changed_phases(BASELINE) == (
        "phase1_filter", "phase2_inline", "phase3a_validate", "phase3b_file_ops", "phase4_differs")
    assert BASELINE.changed_phases(BASELINE) == ()
    assert phase1.changed_phases(phase1) == ()
    assert get_variant("phase2").changed_phases(phase1) == ("phase3a_validate",)
    assert get_variant("fast").changed_phases(get_variant("shared")) == (
        "score_demo", "score_test", "phase3a_validate", "phase4_differs",  # ..., differ_scope
        "run_batt", "phase1_filter", "phase2_inline", "phase3b_file_ops")  # task_backend, text_ops
    assert get_variant("pooled").changed_phases(get_variant("nested")) == ("score_demo", "phase4_differs")


def test_parallel_phases_and_strategies():
    assert BASELINE.parallel_phases == ()
    assert get_variant("phase4").parallel_phases == ("score_demo", "score_test", "phase3a_validate")
    assert get_variant("fast").parallel_phases == ("run_batt",)
    strategies = get_variant("shared").strategies()
    assert "name" not in strategies and "summary" not in strategies
    assert strategies["scoring"] == "shared" and strategies["early_exit"] is True


def test_registry_refuses_duplicates_and_names_unknown_variants():
    with pytest.raises(ValueError, match="registered twice"):
        register(replace(BASELINE))
    with pytest.raises(KeyError, match="baseline"):
        get_variant("no-such-variant")
    assert isinstance(get_variant("fast"), Variant)
