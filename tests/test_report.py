"""The comparison report: its arithmetic on synthetic run records, the renderers, the charts and the CLI.

Synthetic records have known phase times, so every number in the report can be checked exactly:
phase rows add up to the total, ratios are ratios of medians, a planted 2× change is found with a
confidence interval that contains 2, an (unaccounted) gap is a first-class row, sums over workers
are never added to wall time, and a digest mismatch marks the variant invalid.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from harness.cli import main
from harness.processors.compare import compare_records, phase_times
from harness.record import build_record
from harness.renderers.charts import CHARTS, render_charts
from harness.renderers.markdown import MarkdownRenderer, render_markdown
from harness.report import append_step_summary, step_summary, write_report

MS = 1_000_000
ENV = {"python": "3.11.7", "implementation": "CPython", "system": "Linux", "machine": "x86_64",
       "cpu_model": "Test CPU", "cpu_count": 2, "fingerprint_id": "abcdef123456",
       "git": {"commit": "0123456789abcdef", "dirty": False, "untracked": 0}}
BASE_PHASES = {"score_demo": 400 * MS, "score_test": 80 * MS, "phase1_filter": 20 * MS, "phase2_inline": 100 * MS,
               "phase3a_validate": 300 * MS, "phase3b_file_ops": 200 * MS, "phase4_differs": 30 * MS}
GENERATE = 50 * MS
CHECK_GAP = 7 * MS  # a planted (unaccounted) row inside check_batt
BATT_GAP = 1 * MS
DIGEST = 2 * MS
ROOT_GAP = 3 * MS


def node(name, wall, *, cpu=None, count=1, children=(), **extra):
    return {"name": name, "wall_ns": int(wall), "cpu_ns": int(wall * 0.9 if cpu is None else cpu), "count": count,
            "children": list(children), **extra}


def phase_nodes(phases, *, remote=False, t0=0, lane=None):
    out = []
    t = t0
    for name, wall in phases.items():
        extra = {"remote": True} if remote else {}
        if lane is not None:
            extra["samples"] = [[t, t + int(wall), lane]]
        t += int(wall)
        if name == "score_demo":  # sub-spans: detail rows, with their own gap
            kids = [node("run_batch", wall * 0.6, **extra), node("differs", wall * 0.35, **extra)]
            out.append(node(name, wall, children=kids, **extra))
        else:
            out.append(node(name, wall, **extra))
    return out


def run_batt(phases, *, remote=False, t0=0, lane=None):
    extra = {"remote": True} if remote else {}
    check_wall = sum(phases.values()) + CHECK_GAP
    check = node("check_batt", check_wall, children=phase_nodes(phases, remote=remote, t0=t0 + GENERATE, lane=lane),
                 **extra)
    gen = node("generate", GENERATE, **extra)
    return node("run_batt", GENERATE + check_wall + BATT_GAP, children=[gen, check], **extra)


def make_record(variant, phases, *, digest="d" * 64, k=0):
    batt = run_batt(phases)
    root = node("run", batt["wall_ns"] + DIGEST + ROOT_GAP, children=[batt, node("digest", DIGEST)])
    return build_record(tree=root, environment=ENV, passes={"timing": {}}, result={"digest": digest, "tasks": 2},
                        variant=variant, workload={"tasks": 2, "task_ids": ["t1", "t2"], "dataset": "synthetic"},
                        meta={"compare": {"round": k}})


def make_parallel_record(variant, phases, *, workers=2, eff=0.8, digest="d" * 64):
    """Whole tasks in workers: a concurrent `tasks` node whose children are sums over the workers."""
    batt = run_batt(phases, remote=True, lane="101:MainThread")
    worker_gap = 4 * MS
    busy = batt["wall_ns"] + worker_gap
    wall = int(busy / (workers * eff))
    tasks = node("tasks", wall, cpu=10 * MS, children=[batt], concurrent=True, concurrency="workers", busy_ns=busy,
                 workers=workers, busy_cpu_ns=int(busy * 0.9), tasks=2, worker_labels=["101:MainThread", "102:M"],
                 task_samples=[[0, busy // 2, "101:MainThread"], [0, busy // 2, "102:M"]],
                 samples=[[0, wall, "100:MainThread"]])
    root = node("run", wall + DIGEST + ROOT_GAP, children=[tasks, node("digest", DIGEST)],
                samples=[[0, wall + DIGEST + ROOT_GAP, "100:MainThread"]])
    return build_record(tree=root, environment=ENV, passes={"timing": {}}, result={"digest": digest, "tasks": 2},
                        variant=variant, workload={"tasks": 2, "task_ids": ["t1", "t2"], "dataset": "synthetic"})


def scaled(phases, factor, **override):
    out = {k: int(v * factor) for k, v in phases.items()}
    out.update(override)
    return out


@pytest.fixture(scope="module")
def rounds():
    """5 interleaved rounds: baseline, phase1 (validation planted exactly 2× faster), fast (parallel)."""
    rng = np.random.default_rng(0)
    drift = rng.lognormal(0, 0.05, 5)  # the machine's state in each round, shared by every variant
    records = {"baseline": [], "phase1": [], "fast": []}
    for k, d in enumerate(drift):
        base = scaled(BASE_PHASES, d)
        records["baseline"].append(make_record("baseline", base, k=k))
        records["phase1"].append(make_record("phase1", {**base, "phase3a_validate": base["phase3a_validate"] // 2},
                                             k=k))
        records["fast"].append(make_parallel_record("fast", scaled(base, 0.5)))
    return records


@pytest.fixture(scope="module")
def comparison(rounds):
    changed = {"phase1": ["phase3a_validate"], "fast": ["run_batt"]}
    return compare_records(rounds, changed=changed, meta={"rounds": 5, "warmup": 1})


# ------------------------------------------------------------------------------------ phase_times
def test_phase_times_names_unaccounted_and_total(rounds):
    rec = rounds["baseline"][0]
    t = phase_times(rec)
    assert t["total"] == rec["tree"]["wall_ns"]
    assert t["check_batt/(unaccounted)"] == CHECK_GAP
    assert t["run_batt/(unaccounted)"] == BATT_GAP
    assert t["run/(unaccounted)"] == ROOT_GAP
    assert t["phase3a_validate"] == rec["tree"]["children"][0]["children"][1]["children"][4]["wall_ns"]
    assert t["score_demo/(unaccounted)"] == pytest.approx(0.05 * t["score_demo"], abs=2)
    fast = phase_times(rounds["fast"][0])
    assert fast["tasks"] == rounds["fast"][0]["tree"]["children"][0]["wall_ns"]
    assert "phase3a_validate" in fast  # a sum over workers, under the same name


# ------------------------------------------------------------------------------------ arithmetic
def test_phase_rows_add_up_to_the_total_in_every_round(comparison, rounds):
    for v in comparison.variants:
        rows = [r for r in comparison.phase_rows if v in r.cells and not r.cells[v].summed]
        for k, total in enumerate(comparison.summary[v].total_samples_ns):
            assert sum(r.cells[v].samples_ns[k] for r in rows) == total
    assert all(a.ok and a.max_error_ns == 0 for a in comparison.arithmetic)
    base_keys = [r.key for r in comparison.phase_rows if "baseline" in r.cells]
    assert base_keys == ["generate", *BASE_PHASES, "check_batt/(unaccounted)", "run_batt/(unaccounted)", "digest",
                         "run/(unaccounted)"]


def test_unaccounted_rows_are_first_class(comparison):
    row = comparison.row("check_batt/(unaccounted)")
    assert row.partition and row.kind == "unaccounted"
    assert row.cells["baseline"].median_ns == CHECK_GAP
    assert row.cells["baseline"].share == pytest.approx(CHECK_GAP / comparison.summary["baseline"].total_median_ns)
    detail = comparison.row("score_demo/(unaccounted)")
    assert not detail.partition and detail.kind == "detail-unaccounted"


def test_ratios_are_ratios_of_medians_and_the_ci_contains_the_planted_2x(comparison, rounds):
    cell = comparison.row("phase3a_validate").cells["phase1"]
    assert cell.ratio is not None
    assert cell.ratio.ratio == pytest.approx(0.5, rel=1e-6)  # exactly halved in every round
    assert cell.ratio.contains(0.5) and cell.ratio.n == 5
    untouched = comparison.row("phase2_inline").cells["phase1"].ratio
    assert untouched is not None and untouched.ratio == pytest.approx(1.0) and untouched.contains(1.0)
    totals_b = [r["tree"]["wall_ns"] for r in rounds["baseline"]]
    totals_v = [r["tree"]["wall_ns"] for r in rounds["phase1"]]
    s = comparison.summary["phase1"].ratio
    assert s is not None and s.ratio == pytest.approx(np.median(totals_v) / np.median(totals_b))


def test_ci_contains_the_truth_on_a_noisy_planted_2x_change():
    rng = np.random.default_rng(42)
    drift = rng.lognormal(0, 0.2, 12)
    noise = rng.lognormal(0, 0.03, (12, 2))
    base = [make_record("baseline", scaled(BASE_PHASES, d * n[0])) for d, n in zip(drift, noise, strict=True)]
    slow = [make_record("phase1", scaled(BASE_PHASES, d * n[1], score_demo=int(800 * MS * d * n[1])))
            for d, n in zip(drift, noise, strict=True)]
    c = compare_records({"baseline": base, "phase1": slow})
    ci = c.row("score_demo").cells["phase1"].ratio
    assert ci is not None and ci.contains(2.0) and ci.low > 1.5
    assert c.row("phase2_inline").cells["phase1"].ratio.contains(1.0)


def test_sums_over_workers_are_marked_and_never_added_to_wall_time(comparison, rounds):
    tasks = comparison.row("tasks")
    assert tasks.kind == "parallel" and set(tasks.cells) == {"fast"} and not tasks.cells["fast"].summed
    cell = comparison.row("phase3a_validate").cells["fast"]
    assert cell.summed and cell.share_base == "tasks"
    busy = rounds["fast"][0]["tree"]["children"][0]["busy_ns"]
    assert cell.share == pytest.approx(cell.median_ns / busy, rel=0.05)
    gap = comparison.row("tasks/(unaccounted)").cells["fast"]
    assert gap.summed and gap.median_ns == 4 * MS
    checks = {a.what: a for a in comparison.arithmetic if a.variant == "fast"}
    assert all(a.ok for a in checks.values()) and any("busy" in w for w in checks)
    conc = [r for r in comparison.concurrency if r.variant == "fast"]
    assert len(conc) == 1 and conc[0].workers == 2 and conc[0].efficiency == pytest.approx(0.8, rel=1e-3)


def test_amdahl_prediction(comparison):
    p = comparison.predictions["phase1"]
    assert p.changed_rows == ("phase3a_validate",)
    assert p.predicted_ns == pytest.approx(p.actual_ns, rel=1e-3)  # nothing else moved
    assert abs(sum(i.delta_ns for i in p.items) - p.difference_ns) < 1
    fast = comparison.predictions["fast"]
    assert fast.actual_ns < fast.predicted_ns  # the parallel section overlapped the work
    assert "tasks" in fast.named and fast.items[0].kind == "parallel-overlap"
    assert abs(sum(i.delta_ns for i in fast.items) - fast.difference_ns) < 1


def test_amdahl_names_an_unchanged_phase_that_moved():
    base = [make_record("baseline", BASE_PHASES) for _ in range(3)]
    var = [make_record("phase1", {**BASE_PHASES, "phase3a_validate": 150 * MS, "phase3b_file_ops": 260 * MS})
           for _ in range(3)]
    c = compare_records({"baseline": base, "phase1": var}, changed={"phase1": ["phase3a_validate"]})
    p = c.predictions["phase1"]
    assert p.difference_ns == pytest.approx(60 * MS)
    assert "phase3b_file_ops" in p.named


def test_bottleneck_shift_and_verdicts(comparison):
    assert comparison.bottlenecks["baseline"].largest == "score_demo"
    b = comparison.bottlenecks["phase1"]
    assert b.shrank == "phase3a_validate" and b.grew == "score_demo"
    v = comparison.verdicts["phase1"]
    assert "faster" in v and "results identical" in v and "CI" in v
    assert "Σ" in comparison.verdicts["fast"]


def test_digest_mismatch_marks_the_variant_invalid(rounds):
    bad = [make_record("phase1", BASE_PHASES, digest="e" * 64) for _ in range(5)]
    c = compare_records({"baseline": rounds["baseline"], "phase1": bad})
    s = c.summary["phase1"]
    assert s.invalid and s.digest_ok is False
    assert c.verdicts["phase1"].startswith("INVALID")
    md = render_markdown(c)
    assert "[!CAUTION]" in md and "phase1 is INVALID" in md and "✗" in md


def test_bad_inputs():
    with pytest.raises(ValueError):
        compare_records({})
    with pytest.raises(ValueError):
        compare_records({"phase1": [make_record("phase1", BASE_PHASES)]})  # no baseline
    with pytest.raises(ValueError):
        compare_records({"baseline": []})


# ------------------------------------------------------------------------------------ renderers
def test_json_is_strict_and_markdown_has_every_section(comparison):
    data = comparison.to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text)["summary"]["phase1"]["ratio"]["n"] == 5
    md = MarkdownRenderer().render(comparison)
    for heading in ("# ", "## Summary", "## Verdicts", "## Per-phase times", "## The journey", "## Bottleneck shift",
                    "## Expected vs actual", "## Concurrency", "## Counters", "## What is in the gaps", "## Checks"):
        assert heading in md, heading
    assert "*(unaccounted)* in check_batt" in md
    assert "Σ = summed over the workers" in md
    assert "fingerprint `abcdef123456`" in md and "`0123456789…`" in md
    assert md == MarkdownRenderer().render_dict(json.loads(text))  # renders from the JSON alone
    assert "nan" not in md.lower().replace("nanosec", "")


def test_charts_are_written_and_not_empty(comparison, tmp_path):
    files = render_charts(comparison, tmp_path, dpi=60)
    assert set(files) == set(CHARTS)
    for by_fmt in files.values():
        assert set(by_fmt) == {"png", "svg"}
        assert by_fmt["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert by_fmt["svg"].stat().st_size > 1000 and b"<svg" in by_fmt["svg"].read_bytes()[:2000]


def test_write_report_and_step_summary(comparison, tmp_path, monkeypatch):
    files = write_report(comparison, tmp_path, charts=False)
    assert files["markdown"].read_text().startswith("# ")
    data = json.loads(files["json"].read_text())
    assert data["schema"] == "phasebench.compare/1" and data["charts"] == {}
    summary_file = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary_file))
    assert append_step_summary(step_summary(data)) == summary_file
    assert "## Summary" in summary_file.read_text() and "![" not in summary_file.read_text()


# ------------------------------------------------------------------------------------------ CLI
def _write_run_dir(root: Path, rounds) -> Path:
    for v, recs in rounds.items():
        for k, r in enumerate(recs):
            p = root / "records" / v / f"round-{k}.json"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(json.dumps(r))
    (root / "compare.json").write_text(json.dumps({"variants": list(rounds), "baseline": "baseline", "rounds": 5,
                                                   "warmup": 1, "changed_phases": {"phase1": ["phase3a_validate"]}}))
    return root


def test_report_command_regenerates_from_saved_records(rounds, tmp_path, capsys):
    run_dir = _write_run_dir(tmp_path / "run", rounds)
    assert main(["report", str(run_dir), "--no-charts"]) == 0
    out = capsys.readouterr().out
    assert "report:" in out and (run_dir / "report.md").is_file() and (run_dir / "report.json").is_file()
    data = json.loads((run_dir / "report.json").read_text())
    assert data["variants"] == ["baseline", "phase1", "fast"]
    assert data["predictions"]["phase1"]["changed_rows"] == ["phase3a_validate"]


def test_report_command_exits_1_on_an_invalid_variant(rounds, tmp_path, capsys):
    bad = {"baseline": rounds["baseline"], "phase1": [make_record("phase1", BASE_PHASES, digest="0" * 64)] * 5}
    run_dir = _write_run_dir(tmp_path / "bad", bad)
    assert main(["report", str(run_dir), "--no-charts"]) == 1
    assert "INVALID" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["report", "{tmp}/nothing-here"], "no such file or folder"),
    (["report", "{tmp}"], "no run records"),
    (["compare", "--rounds", "0", "--out", "{tmp}/x"], "--rounds"),
    (["compare", "--variants", "baseline,warp", "--out", "{tmp}/x"], "unknown variant"),
    (["compare", "--warmup", "-1", "--out", "{tmp}/x"], "--warmup"),
])
def test_usage_errors_exit_3_without_traceback(argv, message, tmp_path, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_compare_end_to_end_tiny(tmp_path, capsys):
    out = tmp_path / "cmp"
    rc = main(["compare", "--tasks", "1", "--rounds", "1", "--budget", "0", "--warmup", "0",
               "--variants", "baseline,fast",
               "--parents", "8", "--mutants", "4", "--no-progress", "--no-charts", "--out", str(out)])
    assert rc == 0, capsys.readouterr()
    assert (out / "records" / "baseline" / "round-0.json").is_file()
    assert (out / "records" / "fast" / "round-0.json").is_file()
    meta = json.loads((out / "compare.json").read_text())
    assert meta["variants"] == ["baseline", "fast"] and meta["rounds"] == 1 and meta["order"]
    data = json.loads((out / "report.json").read_text())
    assert data["summary"]["fast"]["digest_ok"] is True
    assert all(a["ok"] for a in data["arithmetic"])
    assert not math.isnan(data["summary"]["fast"]["total_median_ns"])
