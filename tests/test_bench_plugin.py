"""The ``bench/`` pytest-benchmark suites: collection of ``bench_*.py``, per-phase samples in
``extra_info`` and in the saved JSON (``pytest_benchmark_update_json``), autosave + compare, and the
conversion of a saved run back into run records (`harness.benchjson`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness import benchjson
from harness.gate import load_saved, to_columns
from harness.record import validate_record

ROOT = Path(__file__).resolve().parents[1]
TINY = {"PHASEBENCH_BENCH_ROUNDS": "2", "PHASEBENCH_BENCH_TASKS": "007bbfb7", "PHASEBENCH_BENCH_PARENTS": "8",
        "PHASEBENCH_BENCH_MUTANTS": "2", "PHASEBENCH_BENCH_VARIANTS": "baseline,fast"}


def _pytest(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=ROOT,
                          capture_output=True, text=True, env=full_env, timeout=300)


def test_pytest_bench_collects_every_suite() -> None:
    done = _pytest("bench/", "--collect-only", "-q", env=TINY)
    assert done.returncode == 0, done.stdout + done.stderr
    ids = [line for line in done.stdout.splitlines() if "::" in line]
    for expected in ("bench/bench_end_to_end.py::test_pipeline[baseline]",
                     "bench/bench_end_to_end.py::test_pipeline[fast]",
                     "bench/bench_phases.py::test_generate",
                     "bench/bench_phases.py::test_phase[phase3a_validate-fast]",
                     "bench/bench_dsl.py::test_primitive[objects(T,F,T)]",
                     "bench/bench_span_overhead.py::test_span_enabled_nested"):
        assert expected in ids, expected
    assert len(ids) == len(set(ids))
    one = _pytest("bench/bench_dsl.py", "--collect-only", "-q")  # named explicitly: collected once
    assert one.returncode == 0 and sum("::" in line for line in one.stdout.splitlines()) == 12


@pytest.mark.slow
def test_saved_json_keeps_the_phase_breakdown(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = _pytest("bench/bench_end_to_end.py", "bench/bench_phases.py", "-k", "pipeline or phase3a_validate",
                   f"--benchmark-json={out}", "-q", env=TINY)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    doc = json.loads(out.read_text())
    by_name = {b["name"]: b for b in doc["benchmarks"]}
    e2e = by_name["test_pipeline[fast]"]
    assert e2e["group"] == "end-to-end"
    info = e2e["extra_info"]
    assert info["variant"] == "fast" and info["phase"] == "end-to-end" and info["rounds"] == 2
    assert len(info["trees"]) == 2 and len(info["phase_samples_ns"]["phase3a_validate"]) == 2
    phase = by_name["test_phase[phase3a_validate-baseline]"]
    assert phase["group"] == "phase: phase3a_validate"
    assert len(phase["extra_info"]["phase_samples_ns"]["phase3a_validate"]) == 2
    section = doc["phasebench"]
    assert section["schema"] == "phasebench.benchjson/1"
    assert section["fingerprint_id"] == section["environment"]["fingerprint_id"]
    assert doc["machine_info"]["phasebench_fingerprint_id"] == section["fingerprint_id"]
    assert set(section["variants"]) == {"baseline", "fast"}
    assert section["variants"]["fast"]["total"] == info["phase_samples_ns"]["total"]

    records = benchjson.records_from_benchmark_json(out)
    assert set(records) == {"baseline", "fast"} and len(records["fast"]) == 2
    for rec in records["fast"]:
        validate_record(rec)
        assert rec["tree"]["name"] == "run" and rec["variant"] == "fast"
        assert rec["result"]["digest"] == records["baseline"][0]["result"]["digest"]
    assert to_columns(records["fast"])["phase3a_validate"] == info["phase_samples_ns"]["phase3a_validate"]
    saved = load_saved(out)
    assert saved.kind == "pytest-benchmark" and saved.fingerprint_id == section["fingerprint_id"]


@pytest.mark.slow
def test_autosave_then_compare_works(tmp_path: Path) -> None:
    storage = f"file://{tmp_path / 'store'}"
    args = ("bench/bench_dsl.py", "-k", "rot90 or palette", f"--benchmark-storage={storage}", "-q")
    first = _pytest(*args, "--benchmark-autosave")
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    saved = list((tmp_path / "store").rglob("0001_*.json"))
    doc = json.loads(saved[0].read_text())
    assert len(saved) == 1 and "phasebench" in doc
    for b in doc["benchmarks"]:  # a saved run a thousand times slower: no load can make this a regression
        b["stats"].update({k: b["stats"][k] * 1000 for k in ("min", "max", "mean", "median")})
    saved[0].write_text(json.dumps(doc))
    second = _pytest(*args, "--benchmark-compare", "--benchmark-compare-fail=median:15%")
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert "0001" in second.stdout  # the saved run shows up in the comparison table


def test_a_failed_compare_ends_in_one_line_and_exit_1_not_a_traceback(tmp_path: Path) -> None:
    storage = f"file://{tmp_path / 'store'}"
    args = ("bench/bench_dsl.py", "-k", "rot90", f"--benchmark-storage={storage}", "-q")
    assert _pytest(*args, "--benchmark-autosave").returncode == 0
    saved = next((tmp_path / "store").rglob("0001_*.json"))
    doc = json.loads(saved.read_text())
    for b in doc["benchmarks"]:  # a saved run a thousand times faster: a certain "regression"
        b["stats"].update({k: b["stats"][k] / 1000 for k in ("min", "max", "mean", "median")})
    saved.write_text(json.dumps(doc))
    done = _pytest(*args, "--benchmark-compare", "--benchmark-compare-fail=median:15%")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out[-2000:]
    assert "Performance has regressed" in out and "phasebench: --benchmark-compare-fail" in out
    assert "Traceback" not in out and "PerformanceRegression" not in out


def test_histogram_is_written(tmp_path: Path) -> None:
    pytest.importorskip("pygal", reason="the bench extra (pygal, pygaljs) is not installed")
    pytest.importorskip("pygaljs", reason="the bench extra (pygal, pygaljs) is not installed")
    done = _pytest("bench/bench_dsl.py", "-k", "rot90", "-q", f"--benchmark-histogram={tmp_path / 'h'}")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    svg = tmp_path / "h-dsl.svg"
    assert svg.is_file() and b"<svg" in svg.read_bytes()[:2000]


def test_bench_pipeline_runs_are_described_with_one_worker() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import benchlib
    finally:
        sys.path.remove(str(ROOT / "bench"))
    assert benchlib.BENCH_WORKERS == int(os.environ.get("PHASEBENCH_BENCH_WORKERS", "1"))
    assert benchlib.WARMUP_ROUNDS >= 2


class _FakeBench:
    def __init__(self, fullname: str, group: str, extra_info: dict[str, Any]) -> None:
        self.fullname, self.name, self.group, self.extra_info = fullname, fullname, group, extra_info


def _tree(total: int, validate: int) -> dict[str, Any]:
    return {"name": "run", "wall_ns": total, "cpu_ns": total, "count": 1, "children": [
        {"name": "phase3a_validate", "wall_ns": validate, "cpu_ns": validate, "count": 1, "children": [],
         "samples": [[0, validate, "w"]]}]}


def test_extra_info_and_json_section_from_trees() -> None:
    info = benchjson.extra_info("fast", "end-to-end", {"tasks": ["x"]}, [_tree(100, 40), _tree(90, 30)])
    assert info["phase_samples_ns"] == {"total": [100, 90], "phase3a_validate": [40, 30], "run/(unaccounted)": [60, 60]}
    assert "samples" not in info["trees"][0]["children"][0]  # per-call samples are not kept
    phase_only = benchjson.extra_info("baseline", "phase3a_validate", {}, [_tree(50, 45)], keep_trees=False)
    assert "trees" not in phase_only
    section = benchjson.json_section(
        [_FakeBench("a", "end-to-end", info), _FakeBench("b", "phase: phase3a_validate", phase_only),
         _FakeBench("c", "dsl", {"primitive": "rot90"})], environment={"fingerprint_id": "abc"})
    assert section["fingerprint_id"] == "abc" and section["variants"] == {"fast": info["phase_samples_ns"]}
    assert [b["fullname"] for b in section["benchmarks"]] == ["a", "b"]


def test_records_from_per_phase_benchmarks_only(tmp_path: Path) -> None:
    infos = [benchjson.extra_info("phase1", phase, {}, [
        {"name": "run", "wall_ns": 10 * k, "cpu_ns": 0, "count": 1,
         "children": [{"name": phase, "wall_ns": 9 * k, "cpu_ns": 0, "count": 1, "children": []}]}
        for k in (1, 2, 3)], keep_trees=False) for phase in ("score_demo", "phase2_inline")]
    doc = {"machine_info": {"python_version": "3.11.7"}, "commit_info": {}, "datetime": "2025-01-01T00:00:00+00:00",
           "benchmarks": [{"name": n, "fullname": n, "group": "g", "extra_info": i}
                          for n, i in zip(("a", "b"), infos, strict=True)]}
    path = tmp_path / "b.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    records = benchjson.records_from_benchmark_json(path)["phase1"]
    assert len(records) == 3
    cols = to_columns(records)
    assert cols["score_demo"] == [9, 18, 27] and cols["total"] == [18, 36, 54]
    for rec in records:
        validate_record(rec)
        assert rec["created"] == "2025-01-01T00:00:00Z"


def test_records_from_a_foreign_json_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"machine_info": {}, "benchmarks": [{"name": "t", "extra_info": {}}]}))
    with pytest.raises(ValueError, match="no phasebench benchmarks"):
        benchjson.records_from_benchmark_json(path)
    path.write_text("{}")
    with pytest.raises(ValueError, match="'benchmarks' is missing"):
        benchjson.records_from_benchmark_json(path)


def test_bench_stores_go_to_ram_unless_told(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import benchlib
    finally:
        sys.path.remove(str(ROOT / "bench"))
    monkeypatch.delenv(benchlib.SCRATCH_ENV, raising=False)
    ram = os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK)
    assert benchlib.scratch_parent() == ("/dev/shm" if ram else None)
    monkeypatch.setenv(benchlib.SCRATCH_ENV, str(tmp_path))  # a disk folder, chosen on purpose
    assert benchlib.scratch_parent() == str(tmp_path)
    monkeypatch.setenv(benchlib.SCRATCH_ENV, str(tmp_path / "missing"))
    with pytest.raises(pytest.UsageError, match="PHASEBENCH_BENCH_SCRATCH=.*missing: not a writable folder"):
        benchlib.scratch_parent()


def test_rounds_are_spread_over_the_minimum_measuring_time(monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import benchlib
    finally:
        sys.path.remove(str(ROOT / "bench"))
    monkeypatch.setattr(benchlib, "ROUNDS_OVERRIDE", None)
    monkeypatch.setattr(benchlib, "MIN_MEASURE_S", 0.5)
    assert benchlib.spread_rounds(0.001, 5, 40) == 40  # 500 wanted, capped
    assert benchlib.spread_rounds(0.05, 5, 40) == 10  # 0.5 s / 50 ms
    assert benchlib.spread_rounds(2.0, 5, 40) == 5  # never fewer than the minimum
    assert benchlib.spread_rounds(0.0, 5, 40) == 40  # a round too fast to time
    monkeypatch.setattr(benchlib, "ROUNDS_OVERRIDE", "3")  # PHASEBENCH_BENCH_ROUNDS wins
    assert benchlib.spread_rounds(0.001, 5, 40) == 3
    calls: list[int] = []
    assert benchlib.time_one_round(lambda x: calls.append(x), lambda: ((7,), {})) >= 0 and calls == [7, 7]


def test_bad_bench_environment_is_one_usage_error_before_any_work(tmp_path: Path) -> None:
    env = {**os.environ, "PHASEBENCH_BENCH_MIN_TIME": "abc", "PHASEBENCH_BENCH_ROUNDS": "0",
           "PHASEBENCH_BENCH_WORKERS": "-2", "PHASEBENCH_BENCH_SCRATCH": str(tmp_path / "missing")}
    done = _pytest("bench/bench_dsl.py", "-q", f"--benchmark-json={tmp_path / 'out.json'}", env=env)
    out = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, out[-2000:]
    assert "PHASEBENCH_BENCH_MIN_TIME=abc: expected a number >= 0" in out
    assert "PHASEBENCH_BENCH_ROUNDS=0: expected an integer >= 1" in out
    assert "PHASEBENCH_BENCH_WORKERS=-2: expected an integer >= 1" in out
    assert "missing: not a writable folder" in out and "Traceback" not in out
    assert not (tmp_path / "out.json").exists()  # nothing ran, nothing written
