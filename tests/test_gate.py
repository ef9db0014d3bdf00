"""The CI regression gate: rules, CI-based decisions, the budget loop, verdict files, exit codes,
A/A runs, saved-run comparisons, fingerprints and workload checks (synthetic samples and injected
measure functions), measures (CPU per phase, instruction counts), and `phasebench gate --base` end to
end on a throwaway git repository whose fake `phasebench run` writes fixed phase times (and, under
callgrind, executes fixed amounts of work). No test here decides on a measured time: a loaded machine
cannot change any verdict these tests check."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from phase_slowdown import inject_slowdown, parse_slowdowns

from harness import gate as g
from harness.cli import gate as cli_gate
from harness.cli import main
from harness.gate import GateConfig, GateError, Rule, parse_rule
from harness.workload import Workload
from solver_core.workload import ArcWorkload

#: The gate-config keys of the ARC workload (the default workload of the CLI).
ARC_KEYS = ArcWorkload.config_keys


def _callgrind_problem() -> str | None:
    from harness.gate.measures import callgrind_problem

    return callgrind_problem()


NEEDS_CALLGRIND = pytest.mark.skipif(_callgrind_problem() is not None,
                                     reason=f"instructions cannot be counted here: {_callgrind_problem()}")

BASE_NS = {"total": 100_000_000, "phase3a_validate": 20_000_000, "score_demo": 50_000_000}


class FakeClock:
    """A clock that only moves when the synthetic measurement says so."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def synthetic(ratios: Mapping[str, Mapping[str, float]], *, noise: float = 0.02, seed: int = 0,
              clock: FakeClock | None = None, seconds_per_round: float = 1.0) -> Callable[[int], dict]:
    """`measure(rounds)` of flat phase-time samples: each name's phases are BASE_NS × its ratio, with
    a drift common to the round (what pairing cancels) and independent log-normal noise."""
    rng = np.random.default_rng(seed)
    calls: list[int] = []

    def measure(rounds: int) -> dict[str, list[dict[str, int]]]:
        calls.append(rounds)
        out: dict[str, list[dict[str, int]]] = {name: [] for name in ratios}
        for _ in range(rounds):
            drift = rng.lognormal(0, 0.10)
            for name, r in ratios.items():
                out[name].append({p: int(ns * r.get(p, 1.0) * drift * rng.lognormal(0, noise))
                                  for p, ns in BASE_NS.items()})
        if clock is not None:
            clock.t += seconds_per_round * rounds
        return out

    measure.calls = calls  # type: ignore[attr-defined]
    return measure


def config(*rules: str, **kw: Any) -> GateConfig:
    return GateConfig(rules=tuple(parse_rule(r) for r in rules), **kw)


# ------------------------------------------------------------------------------------------ rules
def test_parse_rule_forms() -> None:
    r = parse_rule("phase3a_validate: fast / baseline <= 0.6")
    assert (r.phase, r.variant, r.baseline, r.threshold, r.op) == ("phase3a_validate", "fast", "baseline", 0.6, "<=")
    assert parse_rule("fast/baseline<=0.25").phase == "total"
    assert parse_rule("total: fast / baseline ≤ 0.25").op == "<="
    assert parse_rule("score_demo: shared / baseline >= 1.5").op == ">="
    assert parse_rule("fast / fast@saved <= 1.1").baseline == "fast@saved"
    assert not parse_rule("fast / fast@saved <= 1.1").paired
    table = parse_rule({"phase": "phase2_inline", "variant": "phase1", "baseline": "baseline", "max": 0.9})
    assert table == Rule("phase2_inline", "phase1", "baseline", 0.9)
    assert parse_rule({"variant": "a", "baseline": "b", "min": 2}).op == ">="


@pytest.mark.parametrize("bad", ["fast baseline <= 1", "fast / baseline", "fast / baseline <= -1",
                                 "fast / fast <= 1.1", "x: fast / baseline == 2",
                                 {"variant": "fast", "baseline": "b"}, {"variant": "a", "baseline": "b", "max": "x"},
                                 {"variant": "a", "baseline": "b", "max": 1, "typo": 2}])
def test_parse_rule_rejects(bad: Any) -> None:
    with pytest.raises(GateError):
        parse_rule(bad)


@pytest.mark.parametrize(("op", "low", "high", "verdict"), [
    ("<=", 0.50, 0.58, "pass"), ("<=", 0.62, 0.70, "fail"), ("<=", 0.55, 0.65, "inconclusive"),
    ("<=", 0.50, 0.60, "pass"), (">=", 0.61, 0.70, "pass"), (">=", 0.40, 0.59, "fail"),
    (">=", 0.55, 0.65, "inconclusive"),
])
def test_decide_needs_the_whole_interval(op: str, low: float, high: float, verdict: str) -> None:
    assert Rule("total", "a", "b", 0.6, op).decide(low, high) == verdict


def test_load_config_from_pyproject_and_own_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.phasebench.gate]\n'
        'rules = ["fast / baseline <= 0.9", "phase3a_validate: fast / baseline <= 0.6"]\n'
        'budget_s = 45\ntasks = "2"\nparents = 8\n', encoding="utf-8")
    c = g.load_config(tmp_path / "pyproject.toml", workload_keys=ARC_KEYS)
    assert [r.text for r in c.rules] == ["total: fast / baseline <= 0.9", "phase3a_validate: fast / baseline <= 0.6"]
    assert c.budget_s == 45.0 and c.workload == {"tasks": "2", "parents": 8}
    assert c.variants == ["baseline", "fast"]
    own = tmp_path / "gate.toml"
    own.write_text('rules = [{phase = "score_demo", variant = "shared", baseline = "baseline", max = 0.8}]\n'
                   "rounds = 6\n", encoding="utf-8")
    assert g.load_config(own).rules[0].text == "score_demo: shared / baseline <= 0.8"


@pytest.mark.parametrize(("text", "message"), [
    ('[tool.phasebench.gate]\nrules = ["fast / baseline <= 1"]\nbugdet_s = 3\n', "unknown gate setting"),
    ('[tool.phasebench.gate]\nrules = ["nonsense"]\n', "cannot parse rule"),
    ('[tool.phasebench.gate]\nrounds = "ten"\n', "rounds must be an integer"),
    ('[tool.phasebench.gate]\nrounds = 1\n', "rounds >= 2"),
    ("[tool.other]\nx = 1\n", "no [tool.phasebench.gate]"),
    ("not toml = = =\n", "not valid TOML"),
])
def test_load_config_errors_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GateError, match="pyproject.toml") as info:
        g.load_config(path, workload_keys=ARC_KEYS)
    assert message in str(info.value)


def test_project_pyproject_gate_table_is_valid() -> None:
    c = g.load_config(Path(__file__).resolve().parents[1] / "pyproject.toml", workload_keys=ARC_KEYS)
    assert c.rules and all(r.variant != r.baseline for r in c.rules)


# ------------------------------------------------------------------------------------- decisions
def test_injected_30_percent_slowdown_in_one_phase_fails_and_names_it() -> None:
    clock = FakeClock()
    measure = synthetic({"baseline": {}, "slow": {"phase3a_validate": 1.3, "total": 1.06}}, clock=clock)
    c = config("slow / baseline <= 1.25", "phase3a_validate: slow / baseline <= 1.1",
               "score_demo: slow / baseline <= 1.1", budget_s=60)
    v = g.run_gate(c, measure, clock=clock)
    assert v.verdict == "regression" and v.exit_code == g.EXIT_REGRESSION
    assert v.failed_phases == ["phase3a_validate"]
    assert "phase3a_validate" in v.headline()
    (failed,) = v.failed
    assert failed.low > 1.1 and abs(failed.ratio - 1.3) < 0.05


def test_median_of_ratios_statistic() -> None:
    measure = synthetic({"baseline": {}, "slow": {"phase3a_validate": 1.3}})
    c = config("phase3a_validate: slow / baseline <= 1.1", "score_demo: slow / baseline <= 1.1",
               statistic="median of ratios")
    v = g.run_gate(c, measure)
    assert v.verdict == "regression" and v.failed_phases == ["phase3a_validate"]
    assert all("median of ratios" in o.method for o in v.outcomes)
    assert v.to_dict()["settings"]["statistic"] == "median of ratios"
    with pytest.raises(GateError, match="statistic"):
        config("slow / baseline <= 1", statistic="mean")


def test_a_against_a_passes() -> None:
    clock = FakeClock()
    measure = synthetic({"baseline": {}, "baseline.aa": {}}, clock=clock)
    c = config("baseline.aa / baseline <= 1.05", "phase3a_validate: baseline.aa / baseline <= 1.05")
    v = g.run_gate(c, measure, clock=clock)
    assert v.verdict == "pass" and v.exit_code == 0 and v.rounds == c.rounds
    assert all(o.low <= 1.0 <= o.high for o in v.outcomes)


def test_ambiguous_ratio_measures_up_to_the_budget_then_is_inconclusive() -> None:
    clock = FakeClock()
    measure = synthetic({"baseline": {}, "v": {"score_demo": 1.10}}, noise=0.05, clock=clock, seconds_per_round=1.0)
    c = config("score_demo: v / baseline <= 1.10", rounds=10, step=10, budget_s=35)
    v = g.run_gate(c, measure, clock=clock)
    assert v.verdict == "inconclusive" and v.exit_code == g.EXIT_INCONCLUSIVE
    assert measure.calls == [10, 10, 10, 5]  # type: ignore[attr-defined]  # the last look fits the budget
    assert v.rounds == 35 and "budget" in v.stopped
    assert [look["rounds"] for look in v.looks] == [10, 20, 30, 35]
    (o,) = v.undecided
    assert o.low <= 1.10 <= o.high


def test_more_rounds_resolve_a_straddling_interval() -> None:
    clock = FakeClock()
    measure = synthetic({"baseline": {}, "v": {"total": 1.35}}, noise=0.2, seed=5, clock=clock)
    c = config("v / baseline <= 1.2", rounds=10, step=10, budget_s=600)
    v = g.run_gate(c, measure, clock=clock)
    assert v.verdict == "regression"
    assert len(v.looks) > 1 and v.looks[0]["verdict"] == "inconclusive"


def test_max_rounds_caps_the_loop() -> None:
    clock = FakeClock()
    measure = synthetic({"baseline": {}, "v": {"total": 1.1}}, noise=0.05, clock=clock)
    v = g.run_gate(config("v / baseline <= 1.1", rounds=5, step=5, max_rounds=12, budget_s=1e6), measure, clock=clock)
    assert v.verdict == "inconclusive" and v.rounds == 12 and "max_rounds" in v.stopped


def test_first_look_runs_even_past_the_budget() -> None:
    clock = FakeClock()
    measure = synthetic({"baseline": {}, "v": {"total": 1.1}}, noise=0.05, clock=clock, seconds_per_round=10)
    v = g.run_gate(config("v / baseline <= 1.1", budget_s=5), measure, clock=clock)
    assert v.rounds == 10 and len(v.looks) == 1


def test_a_phase_that_measured_nothing_is_not_called_never_run() -> None:
    base = synthetic({"baseline": {}, "v": {}})

    def zero_phase(rounds: int) -> dict:  # score_demo ran but read 0 in every round (e.g. CPU of a wait)
        return {name: [{**r, "score_demo": 0} for r in recs] for name, recs in base(rounds).items()}

    with pytest.raises(GateError, match="phase 'score_demo' ran in 'v' but measured 0 in all"):
        g.run_gate(config("score_demo: v / baseline <= 2"), zero_phase)


def test_unknown_phase_and_short_measurements_are_errors() -> None:
    measure = synthetic({"baseline": {}, "v": {}})
    with pytest.raises(GateError, match="phase 'phase9' never ran in 'v'"):
        g.run_gate(config("phase9: v / baseline <= 2"), measure)

    def short(rounds: int) -> dict:
        return {name: recs[:-1] for name, recs in measure(rounds).items()}

    with pytest.raises(GateError, match="expected 10"):
        g.run_gate(config("v / baseline <= 2"), short)
    with pytest.raises(GateError, match="no gate rules"):
        g.run_gate(GateConfig(), measure)


def test_run_records_are_read_through_their_span_tree() -> None:
    def record(total: int, validate: int) -> dict:
        return {"tree": {"name": "run", "wall_ns": total, "cpu_ns": 0, "count": 1, "children": [
            {"name": "run_batt", "wall_ns": total - 10, "cpu_ns": 0, "count": 2, "children": [
                {"name": "phase3a_validate", "wall_ns": validate // 2, "cpu_ns": 0, "count": 1, "children": []},
                {"name": "phase3a_validate", "wall_ns": validate // 2, "cpu_ns": 0, "count": 1, "children": []}]},
            {"name": "(unaccounted)", "wall_ns": 10, "cpu_ns": 0, "count": 1, "synthetic": True, "children": []}]}}

    times = g.record_phase_times(record(1000, 400))
    assert times["total"] == 1000 and times["phase3a_validate"] == 400 and "(unaccounted)" not in times
    cols = g.to_columns([record(1000, 400), record(900, 300)])
    assert cols["phase3a_validate"] == [400, 300]


# -------------------------------------------------------------------------------------- outputs
def test_verdict_json_and_markdown_are_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    step = tmp_path / "step_summary.md"
    step.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    measure = synthetic({"baseline": {}, "slow": {"phase3a_validate": 1.3}})
    v = g.run_gate(config("phase3a_validate: slow / baseline <= 1.1", "slow / baseline <= 1.5"), measure)
    verdict, summary = tmp_path / "out" / "verdict.json", tmp_path / "out" / "summary.md"
    written = g.write_outputs(v.to_dict(), g.render_markdown(v), verdict, summary)
    assert written == [verdict, summary]
    data = json.loads(verdict.read_text())
    assert data["schema"] == "phasebench.gate/1" and data["verdict"] == "regression" and data["exit_code"] == 1
    assert data["failed_phases"] == ["phase3a_validate"]
    rule = data["rules"][0]
    assert rule["verdict"] == "fail" and rule["ci"][0] > 1.1 and rule["n"] == data["rounds"]
    assert len(data["samples"]["slow"]["phase3a_validate"]) == data["rounds"]
    md = summary.read_text()
    assert "regression" in md and "phase3a_validate" in md and "| rule |" in md
    assert step.read_text().startswith("earlier step\n") and "phasebench gate" in step.read_text()
    assert "REGRESSION" in g.render_text(v)


# -------------------------------------------------------------------------------------------- A/A
def test_aa_runs_report_the_false_positive_rate() -> None:
    clock = FakeClock()
    measure = synthetic({"baseline": {}, "baseline.aa": {}}, clock=clock)
    c = config("fast / baseline <= 0.5", "phase3a_validate: fast / baseline <= 0.3")
    aa = g.run_aa(c, measure, runs=5, clock=clock)
    assert [r.text for r in g.aa_rules(c)] == ["total: baseline.aa / baseline <= 1.05",
                                               "phase3a_validate: baseline.aa / baseline <= 1.05"]
    assert aa.runs == 5 and aa.false_positive_rate == 0.0 and aa.count("pass") == 5
    d = aa.to_dict()
    assert d["mode"] == "aa" and d["false_positive_rate"] == 0.0 and len(d["runs_detail"]) == 5
    assert "False-positive rate: 0.0%" in g.render_aa_markdown(aa)


# ------------------------------------------------------------------------------------ saved runs
def _saved_verdict(tmp_path: Path, fingerprint: str, ratios: Mapping[str, Mapping[str, float]]) -> Path:
    v = g.run_gate(config("fast / baseline <= 2"), synthetic(ratios, seed=7),
                   environment={"fingerprint_id": fingerprint, "python": "3.11.7", "cpu_count": 2})
    path = tmp_path / "saved.json"
    path.write_text(json.dumps(v.to_dict()), encoding="utf-8")
    return path


def test_against_a_saved_run_on_the_same_machine(tmp_path: Path) -> None:
    path = _saved_verdict(tmp_path, "abc123abc123", {"baseline": {}, "fast": {}})
    saved = g.load_saved(path)
    assert saved.kind == "gate verdict" and saved.fingerprint_id == "abc123abc123"
    assert g.check_fingerprint(saved, {"fingerprint_id": "abc123abc123"}) is None
    c = config("fast / baseline <= 2", "phase3a_validate: fast / baseline <= 2")
    rules = g.against_rules(c, saved, 1.1)
    assert [r.text for r in rules] == ["total: fast / fast@saved <= 1.1", "phase3a_validate: fast / fast@saved <= 1.1"]
    same = g.run_gate(GateConfig(rules=rules), synthetic({"fast": {}}, seed=8), saved=saved.samples)
    assert same.verdict == "pass" and all("unpaired" in o.method for o in same.outcomes)
    slower = g.run_gate(GateConfig(rules=rules), synthetic({"fast": {"phase3a_validate": 1.3}}, seed=9),
                        saved=saved.samples)
    assert slower.verdict == "regression" and slower.failed_phases == ["phase3a_validate"]


def test_refuses_a_saved_run_from_another_fingerprint(tmp_path: Path) -> None:
    saved = g.load_saved(_saved_verdict(tmp_path, "000000000000", {"baseline": {}, "fast": {}}))
    with pytest.raises(GateError, match="not comparable.*--allow-fingerprint-mismatch"):
        g.check_fingerprint(saved, {"fingerprint_id": "ffffffffffff"})
    warning = g.check_fingerprint(saved, {"fingerprint_id": "ffffffffffff"}, allow_mismatch=True)
    assert warning and "000000000000" in warning and "ffffffffffff" in warning


def test_saved_run_records_in_a_folder(tmp_path: Path) -> None:
    def record(variant: str, total: int) -> dict:
        return {"schema": "phasebench.run/1", "variant": variant, "created": "2025-01-01T00:00:00Z",
                "environment": {"fingerprint_id": "f1"}, "passes": {}, "result": {},
                "tree": {"name": "run", "wall_ns": total, "cpu_ns": 0, "count": 1, "children": []}}

    for i in range(3):
        (tmp_path / f"r{i}").mkdir()
        (tmp_path / f"r{i}" / "run.json").write_text(json.dumps(record("fast", 100 + i)), encoding="utf-8")
    saved = g.load_saved(tmp_path)
    assert saved.samples["fast"]["total"] == [100, 101, 102] and saved.fingerprint_id == "f1"
    with pytest.raises(GateError, match="no such file"):
        g.load_saved(tmp_path / "missing.json")


# ------------------------------------------------------------------------------------------- CLI
def _cli(tmp_path: Path, *args: str) -> tuple[int, dict, str]:
    out = tmp_path / "gate-out"
    code = main(["gate", "--out", str(out), "--quiet", "--force", "--work-dir", str(tmp_path / "work"), *args])
    verdict = json.loads((out / "verdict.json").read_text())
    return code, verdict, (out / "summary.md").read_text()


def test_cli_usage_errors_exit_3_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, verdict, md = _cli(tmp_path, "--rule", "fast / baseline <<= 1")
    assert code == g.EXIT_USAGE == 3 and verdict["verdict"] == "usage error" and "usage error" in md
    err = capsys.readouterr().err
    assert "cannot parse rule" in err and "Traceback" not in err
    code, verdict, _ = _cli(tmp_path, "--rule", "fast / nosuchvariant <= 1", "--task", "007bbfb7", "--measure", "wall")
    assert code == 3 and "unknown variant 'nosuchvariant'" in verdict["error"]
    code, verdict, _ = _cli(tmp_path, "--aa", "--measure", "instructions", "--rule", "fast / baseline <= 1")
    assert code == 3 and "--base HEAD" in verdict["error"]
    code, verdict, _ = _cli(tmp_path, "--base", "HEAD", "--rule", "score_demo: fast / baseline <= 1")
    assert code == 3 and "must compare head with base" in verdict["error"]


def test_exit_codes_are_distinct_and_argparse_keeps_2(capsys: pytest.CaptureFixture[str]) -> None:
    codes = [g.EXIT_PASS, g.EXIT_REGRESSION, g.EXIT_ARGPARSE, g.EXIT_USAGE, g.EXIT_INCONCLUSIVE, g.EXIT_ERROR]
    assert len(set(codes)) == len(codes) and g.EXIT_ARGPARSE == 2
    assert set(g.VERDICT_EXIT.values()) == set(codes) - {g.EXIT_ARGPARSE}
    with pytest.raises(SystemExit) as exc:
        main(["gate", "--no-such-option"])  # a typo in CI is a usage error, never "inconclusive"
    assert exc.value.code == 2 != g.EXIT_INCONCLUSIVE
    with pytest.raises(SystemExit):
        main(["gate", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for code, word in ((0, "pass"), (1, "regression"), (3, "usage error"), (4, "inconclusive"),
                       (5, "infrastructure error")):
        assert f"{code} {word}" in out


def test_cli_inconclusive_exits_4(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    measure = synthetic({"baseline": {}, "fast": {"total": 1.1}}, noise=0.05)
    monkeypatch.setattr(cli_gate, "make_measure", lambda *a, **k: measure)
    monkeypatch.chdir(tmp_path)  # no pyproject.toml here: the --rule alone is the config
    code, verdict, md = _cli(tmp_path, "--rule", "fast / baseline <= 1.1", "--task", "007bbfb7", "--measure", "wall",
                             "--rounds", "6", "--step", "3", "--max-rounds", "12")
    assert code == g.EXIT_INCONCLUSIVE == 4 and verdict["verdict"] == "inconclusive" and verdict["rounds"] == 12
    assert verdict["measure"] == "wall" and "inconclusive" in md and "**Measure: wall**" in md


def test_cli_against_refuses_another_fingerprint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _saved_verdict(tmp_path, "000000000000", {"baseline": {}, "fast": {}})
    code, verdict, _ = _cli(tmp_path, "--rule", "fast / baseline <= 2", "--against", str(path), "--task", "007bbfb7")
    assert code == g.EXIT_USAGE and "not comparable" in verdict["error"]
    assert "--allow-fingerprint-mismatch" in capsys.readouterr().err


def test_cli_against_a_saved_run_of_this_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.environment import capture_environment

    here = capture_environment(probe_gpu=False)["fingerprint_id"]
    path = _saved_verdict(tmp_path, here, {"baseline": {}, "fast": {}})
    measured: list[list[str]] = []

    def fake_make_measure(workload: Any, spec: Any, labels: list[str], *a: Any, **k: Any) -> Callable[[int], dict]:
        measured.append(list(labels))
        return synthetic({"fast": {"phase3a_validate": 1.4}}, seed=11)

    monkeypatch.setattr(cli_gate, "make_measure", fake_make_measure)
    code, verdict, _ = _cli(tmp_path, "--rule", "fast / baseline <= 2",
                            "--rule", "phase3a_validate: fast / baseline <= 2",
                            "--against", str(path), "--task", "007bbfb7", "--max-ratio", "1.15")
    assert measured == [["fast"]]  # only the variant compared with the saved run is measured
    assert code == g.EXIT_REGRESSION and verdict["failed_phases"] == ["phase3a_validate"]
    assert verdict["mode"] == "against" and verdict["saved"]["fingerprint_id"] == here
    assert {r["rule"] for r in verdict["rules"]} == {"total: fast / fast@saved <= 1.15",
                                                     "phase3a_validate: fast / fast@saved <= 1.15"}


def test_slowdown_spec_parsing() -> None:
    (s,) = parse_slowdowns("phase3a_validate:1.3:fast")
    assert (s.phase, s.factor, s.variant, s.copy_of) == ("phase3a_validate", 1.3, "fast", None)
    a, b = parse_slowdowns("score_demo:2, phase2_inline:1.5:slow=baseline")
    assert a.variant is None and (b.variant, b.copy_of) == ("slow", "baseline")
    for bad in ("digest:1.3", "score_demo:fast", "score_demo:0.5", "score_demo"):
        with pytest.raises(ValueError):
            parse_slowdowns(bad)


def _injected(record: dict, phase: str) -> int:
    """How many times the injected slowdown ran inside `phase` (its spans' counter, summed over the tree)."""
    from phase_slowdown import INJECTED_COUNTER

    def visit(node: dict) -> int:
        here = node.get("counters", {}).get(INJECTED_COUNTER, 0) if node["name"] == phase else 0
        return here + sum(visit(c) for c in node.get("children", ()))

    return visit(record["tree"])


def test_injected_slowdown_reaches_task_worker_processes(tmp_path: Path) -> None:
    """`fast` runs tasks in worker processes: the injection must take effect there, and be undone. Checked
    by the counter the injection leaves on the slowed phase's spans, not by comparing times."""
    from solver_core.generator import GeneratorConfig
    from solver_core.pipeline import RunSettings, run_pipeline
    from solver_core.pipeline import task as task_module
    from solver_core.tasks import get_task
    from solver_core.variants import VARIANTS, get_variant

    original = task_module.phase2_inline
    tasks = [get_task("007bbfb7"), get_task("00d62c1b")]

    def run(name: str, out: str) -> dict:
        settings = RunSettings(get_variant(name), tmp_path / out, generator=GeneratorConfig(parents=8, mutants=2))
        return run_pipeline(tasks, settings, workers=2).recorder.to_dict()

    plain = run("fast", "plain")
    with inject_slowdown("phase2_inline:8:fast-slow=fast"):
        assert "fast-slow" in VARIANTS
        slowed = run("fast-slow", "slow")
        untouched = run("fast", "untouched")
    assert "fast-slow" not in VARIANTS and task_module.phase2_inline is original
    # ran once per phase2_inline call, in the task workers (the spans merged from them carry the counter)
    calls = sum(n["count"] for n in _nodes(slowed["tree"], "phase2_inline"))
    assert calls > 0 and _injected(slowed, "phase2_inline") == calls
    assert _injected(plain, "phase2_inline") == 0 and _injected(untouched, "phase2_inline") == 0
    assert slowed["result"]["digest"] == plain["result"]["digest"]


def _nodes(node: dict, name: str) -> Any:
    if node["name"] == name:
        yield node
    for c in node.get("children", ()):
        yield from _nodes(c, name)




def test_cli_aa_against_itself_passes_on_an_injected_measure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A/A through the CLI: two identical synthetic distributions (what a real A/A run is on a quiet machine)."""
    measure = synthetic({"baseline": {}, "baseline.aa": {}}, seed=3)
    monkeypatch.setattr(cli_gate, "make_measure", lambda *a, **k: measure)
    code, report, md = _cli(tmp_path, "--aa", "--runs", "2", "--task", "007bbfb7", "--measure", "cpu",
                            "--rule", "score_demo: fast / baseline <= 2", "--aa-threshold", "1.2", "--rounds", "8")
    assert code == 0 and report["mode"] == "aa" and report["runs"] == 2 and report["pass"] == 2
    assert report["runs_detail"][0]["rules"][0]["rule"] == "score_demo: baseline.aa / baseline <= 1.2"
    assert report["measure"] == "cpu" and "False-positive rate: 0.0%" in md and "CPU time" in md


# ------------------------------------------------------------------------------- output files
def test_verdict_files_are_never_overwritten_without_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    seeds = iter(range(10))
    monkeypatch.setattr(cli_gate, "make_measure",
                        lambda *a, **k: synthetic({"baseline": {}, "fast": {}}, seed=next(seeds)))
    out = tmp_path / "gate-out"
    args = ["gate", "--out", str(out), "--quiet", "--measure", "wall", "--rule", "fast / baseline <= 1.5",
            "--task", "007bbfb7", "--work-dir", str(tmp_path / "work")]
    assert main(args) == 0
    first = (out / "verdict.json").read_text()
    assert main(args) == 0
    assert (out / "verdict.json").read_text() == first and (out / "verdict-2.json").exists()
    assert (out / "summary-2.md").exists()
    assert "not overwritten" in capsys.readouterr().out
    assert main([*args, "--force"]) == 0
    assert (out / "verdict.json").read_text() != first and not (out / "verdict-3.json").exists()
    paths, clash = g.free_paths([out / "verdict.json", out / "summary.md"], force=False)
    assert [p.name for p in paths] == ["verdict-3.json", "summary-3.md"] and clash == out / "verdict.json"


# ------------------------------------------------------------------------ saved runs: comparable?
def test_against_refuses_another_workload_or_measure(tmp_path: Path) -> None:
    path = _saved_verdict(tmp_path, "f1", {"baseline": {}, "fast": {}})
    doc = json.loads(path.read_text())
    doc["workload"] = {"dataset": "arc1-train", "tasks": ["007bbfb7"], "parents": 16, "mutants": 4, "workers": 2}
    path.write_text(json.dumps(doc))
    saved = g.load_saved(path)
    now = {"dataset": "arc1-train", "tasks": ["007bbfb7"], "parents": 8, "mutants": 2, "workers": 1}
    with pytest.raises(GateError, match="another workload or settings.*mutants: saved 4, now 2.*parents: saved 16"):
        g.check_comparable(saved, now, "wall")
    same = {**now, "parents": 16, "mutants": 4, "workers": 2}
    assert g.check_comparable(saved, same, "wall") is None
    with pytest.raises(GateError, match="holds wall measurements; this gate measures cpu"):
        g.check_comparable(saved, same, "cpu")
    # a run record names its tasks by ids and its timeout as timeout_s
    record_workload = {"tasks": 1, "task_ids": ["007bbfb7"], "timeout_s": 60.0, "parents": 8, "dataset": "arc1-train"}
    assert g.workload_differences(record_workload, {"tasks": ["007bbfb7"], "timeout": 60.0, "parents": 8}) == []
    assert g.workload_differences(record_workload, {"tasks": ["00d62c1b"], "timeout": None}) == [
        "tasks: saved ['007bbfb7'], now ['00d62c1b']"]


def test_cli_against_a_saved_run_of_another_workload_exits_3(tmp_path: Path) -> None:
    from harness.environment import capture_environment

    path = _saved_verdict(tmp_path, capture_environment(probe_gpu=False)["fingerprint_id"],
                          {"baseline": {}, "fast": {}})
    doc = json.loads(path.read_text())
    doc["workload"] = {"dataset": "arc1-train", "tasks": ["007bbfb7"], "parents": 16, "mutants": 4, "workers": 1}
    path.write_text(json.dumps(doc))
    code, verdict, _ = _cli(tmp_path, "--rule", "fast / baseline <= 2", "--against", str(path), "--task", "007bbfb7",
                            "--parents", "8", "--mutants", "2", "--workers", "1")
    assert code == g.EXIT_USAGE and "parents: saved 16, now 8" in verdict["error"]


# ----------------------------------------------------------------------------------- measures
def tree_node(name: str, cpu: int, children: list | None = None, **extra: Any) -> dict:
    return {"name": name, "wall_ns": 10 * cpu, "cpu_ns": cpu, "count": 1, "children": children or [], **extra}


def test_cpu_per_phase_counts_the_workers_that_did_the_work() -> None:
    # baseline-like: score_demo's work done by a sandbox worker (busy_cpu_ns on the main-process node, the
    # worker's spans merged below it); fast-like: a whole task in a worker, score_demo a worker-side span
    tree = tree_node("run", 100, [
        tree_node("check_batt", 20, [tree_node("score_demo", 5, [tree_node("run_batch", 700)], busy_cpu_ns=800)]),
        tree_node("tasks", 3, [tree_node("run_batt", 900, [tree_node("score_demo", 400)])], busy_cpu_ns=950),
    ])
    cpu = g.phase_values({"tree": tree}, "cpu")
    assert cpu["score_demo"] == (5 + 800) + 400 and cpu["run_batch"] == 700 and cpu["run_batt"] == 900
    assert cpu["check_batt"] == 20 + 800  # its own process's CPU and its descendants' worker jobs
    assert cpu["tasks"] == 3 + 950 and cpu["total"] == 100 + 800 + 950
    assert g.phase_values({"tree": tree}, "wall")["total"] == 1000


def test_instruction_counts_per_phase_leave_gc_apart() -> None:
    from harness.gate.measures import instruction_phases

    inclusive = {"run": 1000, "run/tasks": 900, "run/tasks/run_batt/score_demo": 300,
                 "run/tasks/run_batt": 800, "run/other/score_demo": 50}
    counts, gcs = instruction_phases(inclusive, {"run": 40, "run/tasks": 30, "run/tasks/run_batt/score_demo": 20,
                                                 "run/tasks/run_batt": 30})
    assert counts["score_demo"] == 300 + 50 - 20 and counts["total"] == 1000 - 40
    assert gcs["score_demo"] == 20 and gcs["total"] == 40


@pytest.mark.parametrize(("head", "verdict"), [(1000, "pass"), (1085, "fail"), (1019, "inconclusive")])
def test_counts_decide_with_a_noise_band(head: int, verdict: str) -> None:
    rule = parse_rule("score_demo: head / base <= 1.02")
    (o,) = g.decide_counts([rule], {"base": {"score_demo": 1000}, "head": {"score_demo": head}}, 0.005)
    assert o.verdict == verdict and o.ratio == head / 1000 and o.low < o.ratio < o.high and o.n == 1
    with pytest.raises(GateError, match="never ran in 'head'"):
        g.decide_counts([rule], {"base": {"score_demo": 1}, "head": {}}, 0.005)


def test_measure_choice_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.gate import measures

    monkeypatch.setattr(measures, "callgrind_problem", lambda: "valgrind is not installed (apt-get install valgrind)")
    auto = g.resolve_measure(None)
    assert auto.name == "cpu" and "valgrind is not installed" in auto.reason
    with pytest.raises(g.InfrastructureError, match="--measure instructions: valgrind is not installed"):
        g.resolve_measure("instructions")
    assert g.resolve_measure("wall").name == "wall"
    monkeypatch.setattr(measures, "callgrind_problem", lambda: None)
    assert g.resolve_measure("auto").name == "instructions"
    with pytest.raises(GateError, match="unknown measure"):
        g.resolve_measure("cycles")


def test_base_rules_in_the_config_compare_head_with_base(tmp_path: Path) -> None:
    c = g.config_from_mapping({"base_rules": ["score_demo: head / base <= 1.02"], "base_variant": "fast",
                               "measure": "instructions", "instructions_tolerance": 0.002})
    assert c.base_rules[0].text == "score_demo: head / base <= 1.02" and c.base_variant == "fast"
    assert c.measure == "instructions" and c.instructions_tolerance == 0.002
    with pytest.raises(GateError, match="must compare head with base"):
        g.config_from_mapping({"base_rules": ["score_demo: fast / baseline <= 1"]})
    with pytest.raises(GateError, match="measure must be"):
        g.config_from_mapping({"measure": "cycles"})
    project = g.load_config(Path(__file__).resolve().parents[1] / "pyproject.toml", workload_keys=ARC_KEYS)
    assert project is not None and project.base_rules and project.base_variant == "fast"


# ---------------------------------------------------------------- --base end to end (fake project)
FAKE_CLI = '''
import json
import sys
from pathlib import Path

WORK = {work!r}
MARKS = {marks!r}
EXIT = {exit!r}


def spin(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def main():
    argv = sys.argv[1:]
    if EXIT:
        print("the fake pipeline crashed", file=sys.stderr)
        return EXIT
    out = Path(argv[argv.index("--out") + 1])
    out.mkdir(parents=True, exist_ok=True)
    cg = None
    if MARKS:
        from harness import callgrind as cg
    if cg:
        cg.enter_phase(["run"])
    children = []
    for name, n in WORK.items():
        if cg:
            cg.enter_phase(["run", name])
        spin(n)
        if cg:
            cg.exit_phase(["run", name])
        children.append({{"name": name, "wall_ns": n * 100, "cpu_ns": n * 90, "count": 1, "children": []}})
    if cg:
        cg.exit_phase(["run"])
    total = sum(c["wall_ns"] for c in children)
    tree = {{"name": "run", "wall_ns": total, "cpu_ns": total, "count": 1, "children": children}}
    (out / "run.json").write_text(json.dumps({{"schema": "phasebench.run/1", "tree": tree}}))
    return 0
'''


class FakeWorkload(Workload):
    """Runs the fake project's `phasebench run` (see FAKE_CLI): its phase times are written, not measured."""

    name = "fake"
    baseline = "v"

    def variants(self) -> dict[str, str]:
        return {"v": "the fake pipeline"}

    def run_argv(self, spec: Any, variant: str, out_dir: Path) -> list[str]:
        return ["run", "--variant", variant, "--out", str(out_dir)]


def git(repo: Path, *args: str) -> str:
    import subprocess

    done = subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org",
                           "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def fake_commit(repo: Path, message: str, work: dict[str, int], *, marks: bool = False, exit: int = 0) -> None:
    (repo / "fakecli.py").write_text(FAKE_CLI.format(work=work, marks=marks, exit=exit))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def fake_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose `phasebench` is fakecli:main: commit 1 the base work, the working tree's cwd."""
    import shutil

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "proj"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "pyproject.toml").write_text('[project]\nname = "fake"\n\n[project.scripts]\nphasebench = "fakecli:main"\n')
    fake_commit(repo, "base", {"generate": 3000, "score_demo": 6000})
    monkeypatch.chdir(repo)
    return repo


def _base_cli(tmp_path: Path, *args: str) -> tuple[int, dict, str]:
    return _cli(tmp_path, "--workload", "test_gate:FakeWorkload", "--rounds", "3", "--warmup", "0", *args)


def test_base_cpu_catches_a_slower_phase_and_passes_a_against_a(fake_repo: Path, tmp_path: Path) -> None:
    fake_commit(fake_repo, "head: score_demo does 10% more work", {"generate": 3000, "score_demo": 6600})
    rules = ["--rule", "score_demo: head / base <= 1.05", "--rule", "generate: head / base <= 1.05"]
    code, verdict, md = _base_cli(tmp_path, "--base", "HEAD~1", "--measure", "cpu", *rules)
    assert code == g.EXIT_REGRESSION and verdict["failed_phases"] == ["score_demo"], verdict["headline"]
    assert verdict["mode"] == "base" and verdict["measure"] == "cpu" and verdict["rounds"] == 3
    ratio = {r["phase"]: r["ratio"] for r in verdict["rules"]}
    assert ratio == {"score_demo": pytest.approx(1.1), "generate": pytest.approx(1.0)}
    assert verdict["sides"]["base"]["commit"] == git(fake_repo, "rev-parse", "HEAD~1")
    assert verdict["sides"]["head"]["commit"] == git(fake_repo, "rev-parse", "HEAD")
    assert "| base | HEAD~1 |" in md and "**Measure: cpu**" in md
    code, verdict, _ = _base_cli(tmp_path, "--base", "HEAD", "--measure", "wall", *rules)
    assert code == g.EXIT_PASS and verdict["measure"] == "wall", verdict["headline"]
    assert git(fake_repo, "worktree", "list").count("\n") == 0  # the base's worktree is gone


def test_base_usage_and_infrastructure_errors(fake_repo: Path, tmp_path: Path) -> None:
    rule = ["--rule", "score_demo: head / base <= 1.05", "--measure", "cpu"]
    code, verdict, _ = _base_cli(tmp_path, "--base", "no-such-ref", *rule)
    assert code == g.EXIT_USAGE and "unknown git revision 'no-such-ref'" in verdict["error"]
    code, verdict, _ = _base_cli(tmp_path, "--base", "HEAD", *rule[:2], "--measure", "cpu", "--variant", "w")
    assert code == g.EXIT_USAGE and "unknown variant 'w'" in verdict["error"]
    fake_commit(fake_repo, "head crashes", {"score_demo": 1}, exit=7)
    code, verdict, _ = _base_cli(tmp_path, "--base", "HEAD~1", *rule)
    assert code == g.EXIT_ERROR == 5 and "head" in verdict["error"] and "failed (exit 7)" in verdict["error"]
    assert "the fake pipeline crashed" in verdict["error"]


@NEEDS_CALLGRIND
@pytest.mark.slow
def test_base_instructions_decide_on_counts(fake_repo: Path, tmp_path: Path) -> None:
    """Instruction counts: the base without marks falls back to CPU time (said so); with marks on both sides,
    twice the work of one phase is caught and the same commit passes, whatever the machine's load."""
    rules = ["--rule", "score_demo: head / base <= 1.02", "--rule", "generate: head / base <= 1.02"]
    fake_commit(fake_repo, "marks", {"generate": 3000, "score_demo": 6000}, marks=True)
    code, verdict, md = _base_cli(tmp_path, "--base", "HEAD~1", "--measure", "instructions", *rules)
    assert code == g.EXIT_PASS and verdict["measure"] == "cpu", verdict["headline"]  # fixed cpu numbers: equal
    assert "marked no phase under callgrind" in verdict["measure_reason"] and "marked no phase" in md
    fake_commit(fake_repo, "head: score_demo twice the work", {"generate": 3000, "score_demo": 12000}, marks=True)
    code, verdict, md = _base_cli(tmp_path, "--base", "HEAD~1", "--measure", "instructions", *rules)
    assert code == g.EXIT_REGRESSION and verdict["failed_phases"] == ["score_demo"], verdict["headline"]
    ratio = {r["phase"]: r["ratio"] for r in verdict["rules"]}
    assert 1.8 < ratio["score_demo"] < 2.1 and abs(ratio["generate"] - 1) < 0.005
    assert verdict["measure"] == "instructions" and verdict["sides"]["head"]["instructions_total"] > 0
    assert "instr" in md and "noise band" in md
    code, verdict, _ = _base_cli(tmp_path, "--base", "HEAD", "--measure", "instructions", *rules)
    assert code == g.EXIT_PASS and all(abs(r["ratio"] - 1) < 0.005 for r in verdict["rules"]), verdict["headline"]


@NEEDS_CALLGRIND
@pytest.mark.slow
def test_real_pipeline_counted_per_phase_with_worker_jobs(tmp_path: Path) -> None:
    """The ARC pipeline under callgrind: fast's scoring runs in task worker processes and still counts
    towards score_demo; fast scores with far fewer instructions than baseline (a deterministic ratio)."""
    code, verdict, _ = _cli(tmp_path, "--measure", "instructions", "--task", "007bbfb7", "--parents", "8",
                            "--mutants", "2", "--workers", "1", "--rule", "score_demo: fast / baseline <= 0.6",
                            "--rule", "total: fast / baseline <= 1.5")
    assert code == g.EXIT_PASS, verdict["headline"]
    assert verdict["sides"]["fast"]["processes"] >= 2  # the main process and a task worker
    for side in ("fast", "baseline"):
        phases = verdict["samples"][side]
        assert phases["score_demo"][0] > 0 and phases["total"][0] >= phases["score_demo"][0]
    assert "tasks" in verdict["samples"]["fast"] and "worker_setup" in verdict["samples"]["fast"]
