"""Nothing hides (issue 15): time inside concurrent phases, start-up rows, and the main process's time
in a concurrent phase named in the data, the terminal, the report and the profile.

Timing assertions are generous lower bounds for a planted sleep only, never upper bounds.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from harness import Recorder, render_terminal, span, traced
from harness.node import SpanNode, interval_union
from harness.processors import NO_WORKER_BUSY, WORKER_STARTUP, derive, worker_startup_ns
from harness.processors.compare import compare_records
from harness.profile import profile_pass
from solver_core.generator import GeneratorConfig
from solver_core.pipeline import RunSettings, run_pipeline
from solver_core.pipeline import task as task_module
from solver_core.tasks import get_task
from solver_core.variants import get_variant

MS = 1_000_000
PLANTED_S = 0.3
TINY = GeneratorConfig(parents=4, mutants=2)
SCORE_DEMO = ("run", "run_batt", "check_batt", "score_demo")


def child(node: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in node["children"] if c["name"] == name)


def at(tree: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    node = tree
    assert node["name"] == path[0]
    for name in path[1:]:
        node = child(node, name)
    return node


# ---------------------------------------------------------------------------------- the model
def test_interval_union_counts_overlaps_once() -> None:
    assert interval_union([(0, 10), (5, 15), (20, 30), (30, 31)]) == 26
    assert interval_union([]) == 0


def test_no_worker_busy_is_wall_minus_the_union_of_busy_intervals() -> None:
    def work(_: int) -> None:
        time.sleep(0.02)

    with Recorder() as rec:
        with span("pool") as s, ThreadPoolExecutor(2) as ex:
            time.sleep(0.1)  # the main process alone: nobody is busy
            for f in [ex.submit(traced(work), i) for i in range(4)]:
                s.merge(f.result())
    tree = derive(rec.to_dict()["tree"])
    pool = child(tree, "pool")
    idle = child(pool, NO_WORKER_BUSY)
    assert idle["synthetic"] and idle["wall_ns"] >= 95 * MS
    assert pool["busy_union_ns"] + idle["wall_ns"] == pool["wall_ns"]
    assert "union_estimated" not in pool


def test_a_foreign_clock_makes_the_row_an_estimate() -> None:
    from harness.concurrency import Traced

    with Recorder() as rec:
        with span("remote") as s:
            s.merge(Traced(None, {}, "host-b:1", 10, 10 + 5 * MS, 0))  # not this host's clock
            time.sleep(0.01)
    node = child(derive(rec.to_dict()["tree"]), "remote")
    assert node["union_estimated"] and child(node, NO_WORKER_BUSY)["estimated"]


def test_the_row_survives_a_round_trip_through_a_saved_record(tmp_path: Path) -> None:
    with Recorder(keep_samples=True) as rec:
        with span("pool") as s, ThreadPoolExecutor(1) as ex:
            time.sleep(0.05)
            s.merge(ex.submit(traced(time.sleep), 0.01).result())
    path = rec.save(tmp_path / "run.json")
    again = SpanNode.from_dict(Recorder.load(path).data["tree"]).to_dict()
    assert again["children"][0]["busy_union_ns"] == rec.to_dict()["tree"]["children"][0]["busy_union_ns"]


def test_worker_start_up_is_elapsed_time_when_no_worker_did_anything_else() -> None:
    node = {
        "name": "tasks", "wall_ns": 100, "cpu_ns": 0, "count": 1, "concurrent": True,
        "task_samples": [[10, 60, "a"], [20, 90, "b"]],
        "children": [
            {"name": "setup", "remote": True, "attrs": {"startup": True}, "wall_ns": 50, "cpu_ns": 0, "count": 2,
             "samples": [[10, 40, "a"], [20, 40, "b"]], "children": []},
        ],
    }
    assert worker_startup_ns(node) == 30  # 10..40: both workers only set up


# ------------------------------------------------------------------- a planted main-process sleep
@pytest.fixture
def planted_sleep(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A 300 ms sleep in the main process inside baseline's score_demo (while building its jobs)."""
    original = task_module.sample_jobs

    def sleepy(task: Any, batch: Any, kind: str, *args: Any, **kwargs: Any) -> Any:
        if kind == "demo":
            time.sleep(PLANTED_S)
        return original(task, batch, kind, *args, **kwargs)

    monkeypatch.setattr(task_module, "sample_jobs", sleepy)
    yield


def _baseline(out: Path) -> tuple[RunSettings, list[Any]]:
    return RunSettings(get_variant("baseline"), out, generator=TINY), [get_task("007bbfb7")]


def test_a_planted_sleep_in_score_demo_shows_in_its_no_worker_busy_row(planted_sleep: None, tmp_path: Path) -> None:
    settings, tasks = _baseline(tmp_path / "out")
    record = run_pipeline(tasks, settings).recorder.to_dict()
    score_demo = at(record["tree"], SCORE_DEMO)
    assert score_demo["concurrent"]
    idle = child(score_demo, NO_WORKER_BUSY)
    assert idle["wall_ns"] >= 250 * MS and idle["significant"]  # in run.json
    text = render_terminal(record, width=160)
    line = next(ln for ln in text.splitlines() if NO_WORKER_BUSY in ln and "ms" in ln
                and float(ln.split(NO_WORKER_BUSY)[1].split()[0]) >= 250)
    assert line  # in the terminal tree, under score_demo
    comparison = compare_records({"baseline": [record]})
    row = comparison.row(f"score_demo/{NO_WORKER_BUSY}")
    assert row.cells["baseline"].median_ns >= 250 * MS
    gaps = [g for g in comparison.gaps if g.key == row.key]
    assert gaps and gaps[0].tree_path == SCORE_DEMO  # ranked with the (unaccounted) rows


def test_the_profile_pass_names_the_planted_sleep(planted_sleep: None, tmp_path: Path) -> None:
    settings, tasks = _baseline(tmp_path / "profiled")
    prof = profile_pass(run_pipeline, tasks, settings, out_dir=tmp_path / "profile")
    gap = prof.gap_for(SCORE_DEMO)
    assert gap is not None
    assert any("sleep" in f.builtins or f.function == "sleep" for f in gap.top)


def test_pool_start_and_worker_start_up_are_elapsed_rows(tmp_path: Path) -> None:
    settings = RunSettings(get_variant("fast"), tmp_path / "fast", generator=TINY)
    record = run_pipeline([get_task("007bbfb7"), get_task("00d62c1b")], settings, workers=2).recorder.to_dict()
    tree = derive(record["tree"])
    tasks = child(tree, "tasks")
    pool = child(tasks, "pool_start")
    assert not pool.get("remote") and pool["wall_ns"] > 0
    startup = child(tasks, WORKER_STARTUP)
    assert startup["wall_ns"] >= 0
    assert child(tasks, "worker_setup")["attrs"]["startup"] is True
    assert any(c["name"] == NO_WORKER_BUSY for c in tasks["children"])
    text = render_terminal(record, width=160)
    # a forked worker may be ready before its first task is even sent: then the row holds 0 ns and, like any
    # derived row that holds no time, is shown only with show_all (the test must not depend on that timing)
    assert "pool_start" in text and (WORKER_STARTUP in text) == (startup["wall_ns"] > 0)
    assert WORKER_STARTUP in render_terminal(record, width=160, show_all=True)


def test_startup_is_recorded_for_the_first_recorder_of_a_process_only() -> None:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        first, second = pool.apply(_two_recorders)
    assert first is not None and first > 0
    assert second is None


def _two_recorders() -> tuple[int | None, int | None]:
    out = []
    for _ in range(2):
        with Recorder() as rec:
            pass
        out.append((rec.process or {}).get("startup_ns"))
    return out[0], out[1]


# ------------------------------------------------------------------------------ workers' profiles
def test_the_profile_pass_profiles_the_workers_with_the_same_phase_frames(tmp_path: Path) -> None:
    settings = RunSettings(get_variant("fast"), tmp_path / "fast", generator=TINY)
    tasks = [get_task("007bbfb7"), get_task("00d62c1b")]
    prof = profile_pass(run_pipeline, tasks, settings, workers=2, out_dir=tmp_path / "profile")
    for kind in ("workers-html", "workers-speedscope", "workers-session"):
        assert (tmp_path / "profile" / prof.files[kind]).is_file()
    assert any(k.startswith("profile.worker-") for k in prof.files)  # one session per worker, side by side
    gap = prof.gap_for(("run", "tasks", "run_batt", "check_batt", "score_demo"), source="workers")
    assert gap is not None and gap.profile_ns > 0
    assert any("solver_core/" in f.location for f in gap.top)  # the scoring work itself, seen in the workers


# ------------------------------------------------------------------------------- smaller points
def test_amdahl_predicts_exactly_one_for_a_variant_that_changes_nothing() -> None:
    from tests.test_report import BASE_PHASES, make_record, scaled

    # phases vary independently between rounds, so the median total differs from the sum of phase medians
    noise = [{"score_demo": 1.3, "phase3a_validate": 0.8}, {"score_demo": 0.8, "phase3a_validate": 1.3},
             {}, {"phase2_inline": 1.5}, {"phase2_inline": 0.6}]
    base = [make_record("baseline", {k: int(v * f.get(k, 1.0)) for k, v in BASE_PHASES.items()}, k=i)
            for i, f in enumerate(noise)]
    same = [make_record("same", scaled(BASE_PHASES, 1.0), k=i) for i in range(5)]
    c = compare_records({"baseline": base, "same": same}, changed={"same": []})
    p = c.predictions["same"]
    assert p.predicted_ratio == pytest.approx(1.0, abs=1e-12)
    assert p.difference_ns == pytest.approx(sum(it.delta_ns for it in p.items))  # the items explain all of it


def test_no_dangling_sigma_in_a_verdict_line() -> None:
    from tests.test_report import BASE_PHASES, make_parallel_record, make_record

    base = [make_record("baseline", BASE_PHASES, k=i) for i in range(5)]
    fast = [make_parallel_record("fast", BASE_PHASES) for _ in range(5)]
    verdict = compare_records({"baseline": base, "fast": fast}).verdicts["fast"]
    assert not verdict.rstrip().endswith("Σ") and ", Σ" not in verdict


def test_sigma_marks_on_derived_rows_under_sigma_nodes() -> None:
    settings_tree = {"name": "run", "wall_ns": 100, "cpu_ns": 0, "count": 1, "children": [
        {"name": "tasks", "wall_ns": 100, "cpu_ns": 0, "count": 1, "concurrent": True, "concurrency": "workers",
         "busy_ns": 150, "workers": 2, "tasks": 2, "worker_labels": ["a", "b"], "busy_union_ns": 90, "children": [
             {"name": "check", "remote": True, "wall_ns": 150, "cpu_ns": 0, "count": 2, "children": [
                 {"name": "inner", "remote": True, "wall_ns": 100, "cpu_ns": 0, "count": 2, "children": []}]}]}]}
    text = render_terminal({"tree": settings_tree, "environment": {}, "passes": {}, "result": {}}, show_all=True)
    gap_line = next(ln for ln in text.splitlines() if "(unaccounted)" in ln)
    assert "Σ 50 ns" in gap_line  # the worker-side gap of a Σ node is Σ too
    idle_line = next(ln for ln in text.splitlines() if NO_WORKER_BUSY in ln)
    assert "Σ" not in idle_line and "10 ns" in idle_line  # the idle row is elapsed time
