"""Issue 19 on the command line: errors before work, --skip-bad, progress with the time left (injected
clock), compare's added rounds (scripted CI widths, injected clock), help defaults that match the real
ones, and the CI workflow. Nothing here depends on the machine's speed or load."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pytest

from harness import Recorder, span
from harness import driver as drv
from harness.cli import main
from harness.progress import EtaProgress, estimate_left, fmt_seconds
from harness.workload import Spec, Workload

ROOT = Path(__file__).resolve().parents[1]


class Tiny(Workload):
    """Two variants that do next to nothing (the time is never looked at)."""

    name = "tiny"

    def variants(self) -> dict[str, str]:
        return {"baseline": "a", "fast": "b"}

    def describe(self, args: Any, command: str, configured: Any = None) -> Spec:
        return Spec(description={"items": 3}, ids=("x",))

    def run(self, spec: Spec, variant: str, work_dir: Path, progress: Any = None) -> Recorder:
        with Recorder(variant=variant, workload=spec.description) as rec:
            with span("work"):
                sum(range(100))
        rec.result["digest"] = "same"
        if progress:
            progress("x")
        return rec


TINY = f"{__name__}:Tiny"


def _no_work(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("work started before the options were checked")


# ------------------------------------------------------------------------- errors before work
@pytest.mark.parametrize("argv, message", [
    (["compare", "--workload", TINY, "--out", "{file}"], "--out {file}: exists and is not a folder"),
    (["compare", "--workload", TINY, "--out", "{file}/sub"], "--out {file}/sub: "),
    (["compare", "--workload", TINY, "--rounds", "0"], "--rounds must be at least 1, got 0"),
    (["compare", "--workload", TINY, "--budget", "-5"], "--budget must be between 0"),
    (["compare", "--workload", TINY, "--rounds", "8", "--max-rounds", "4"], "--max-rounds (4) is below --rounds (8)"),
    (["compare", "--saved", "{tmp}/nope-a", "{tmp}/nope-b"], "no such file or folder"),
    (["report", "{tmp}/nope"], "{tmp}/nope: no such file or folder"),
    (["run", "--task", "007bbfb7", "--out", "{file}"], "exists and is not a folder"),
    (["run", "--dataset", "{tmp}/no-such-dir", "--task", "x"], "{tmp}/no-such-dir: no such folder"),
    (["verify", "--tasks", "2", "--workers", "0"], "--workers must be between 1"),
    (["verify", "--tasks", "2", "--variants", "fast,warp"], "unknown variant"),
])
def test_errors_before_any_work_one_line_exit_3(argv, message, tmp_path, capsys, monkeypatch):
    import solver_core.pipeline as pipeline

    monkeypatch.setattr(drv, "measure_variants", _no_work)
    monkeypatch.setattr(pipeline, "run_pipeline", _no_work)
    afile = tmp_path / "afile"
    afile.write_text("")
    fill = {"{file}": str(afile), "{tmp}": str(tmp_path)}
    argv = [a.replace("{file}", fill["{file}"]).replace("{tmp}", fill["{tmp}"]) for a in argv]
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert message.replace("{file}", fill["{file}"]).replace("{tmp}", fill["{tmp}"]) in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def _task_folder(root: Path) -> Path:
    from solver_core.tasks import get_task

    root.mkdir()
    t = get_task("007bbfb7")
    pairs = {k: [{"input": [list(r) for r in p.input], "output": [list(r) for r in p.output]} for p in ps]
             for k, ps in (("train", t.demo), ("test", t.test))}
    (root / "007bbfb7.json").write_text(json.dumps(pairs))
    (root / "broken.json").write_text('{"train": 3}')
    return root


def test_skip_bad_leaves_bad_task_files_out(tmp_path, capsys):
    folder = _task_folder(tmp_path / "tasks")
    assert main(["tasks", "--dataset", str(folder)]) == 3
    err = capsys.readouterr().err
    assert "broken.json" in err and "--skip-bad" in err
    assert main(["tasks", "--dataset", str(folder), "--skip-bad"]) == 0
    captured = capsys.readouterr()
    assert "007bbfb7" in captured.out and "1 tasks" in captured.out
    assert "skipped a bad task file: " in captured.err and "broken.json" in captured.err


# ------------------------------------------------------------------------------- time left
class Clock:
    def __init__(self, step: float = 0.0) -> None:
        self.t, self.step = 0.0, step

    def __call__(self) -> float:
        self.t += self.step
        return self.t


def test_estimate_left_and_its_words():
    assert estimate_left(0, 10, 5.0) is None
    assert estimate_left(2, 10, 10.0) == pytest.approx(40.0)
    assert estimate_left(10, 10, 10.0) == 0.0
    assert fmt_seconds(None) == "?" and fmt_seconds(42.4) == "42 s"
    assert fmt_seconds(185) == "3 min 05 s" and fmt_seconds(3720) == "1 h 02 min"


def test_eta_progress_prints_done_elapsed_and_left_with_an_injected_clock():
    clock, out = Clock(), io.StringIO()
    bar = EtaProgress(4, "verify", unit="task runs", stream=out, clock=clock, log_every_s=0)
    for _ in range(2):
        clock.t += 5.0
        bar.advance("baseline t1")
    lines = out.getvalue().splitlines()
    assert lines[-1] == "verify: 2/4 task runs (50%) · 10 s elapsed · about 10 s left · baseline t1"
    clock.t += 30
    bar.advance()
    bar.advance()
    bar.close()
    assert out.getvalue().splitlines()[-1] == "verify: 4/4 task runs (100%) · 40 s elapsed"
    quiet = io.StringIO()
    EtaProgress(3, "run", stream=quiet, enabled=False).advance()
    assert quiet.getvalue() == ""


# ---------------------------------------------------------------------- compare adds rounds
def test_next_round_decisions():
    ext = drv.Extension(budget_s=60, max_rounds=10, target=0.05)
    wide, tight = {"fast": 0.2}, {"fast": 0.04, "phase1": 0.01}
    assert drv.next_round(None, wide, rounds_done=5, elapsed_s=0, round_s=1) == "fixed"
    assert drv.next_round(ext, tight, rounds_done=5, elapsed_s=0, round_s=1) == "precise"
    assert drv.next_round(ext, {"fast": math.inf}, rounds_done=10, elapsed_s=0, round_s=1) == "max-rounds"
    assert drv.next_round(ext, wide, rounds_done=6, elapsed_s=55, round_s=6) == "budget"
    assert drv.next_round(ext, wide, rounds_done=6, elapsed_s=50, round_s=6) is None


def _measure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, widths: list[float], *, clock_step: float,
             extension: drv.Extension | None) -> dict[str, Any]:
    seq = iter(widths)
    monkeypatch.setattr(drv, "headline_widths", lambda records, baseline: {"fast": next(seq)})
    records = drv.measure_variants(Tiny(), Spec(ids=("x",)), ["baseline", "fast"], rounds=2, warmup=0,
                                   out_dir=tmp_path, progress=False, extension=extension, clock=Clock(clock_step))
    meta = json.loads((tmp_path / "compare.json").read_text())
    assert meta["rounds"] == len(records["fast"]) == len(list((tmp_path / "records" / "fast").glob("round-*.json")))
    return meta


def test_compare_adds_rounds_until_the_headline_ci_is_within_5_percent(tmp_path, monkeypatch):
    meta = _measure(tmp_path, monkeypatch, [math.inf, 0.12, 0.049], clock_step=0.0,
                    extension=drv.Extension(budget_s=1e6, max_rounds=20))
    assert meta["rounds"] == 4 and meta["extension"]["stopped"] == "precise"
    assert meta["extension"]["min_rounds"] == 2 and meta["extension"]["half_widths"] == {"fast": 0.049}


def test_compare_stops_when_its_budget_ends(tmp_path, monkeypatch):
    # the clock moves 1 s per reading: 2 rounds take a few seconds, a budget of 8 s allows one more round
    meta = _measure(tmp_path, monkeypatch, [0.5] * 20, clock_step=1.0,
                    extension=drv.Extension(budget_s=8, max_rounds=20))
    assert meta["extension"]["stopped"] == "budget" and 2 < meta["rounds"] < 20


def test_compare_without_budget_runs_exactly_its_rounds(tmp_path, monkeypatch, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", "--workload", TINY, "--rounds", "3", "--budget", "0", "--warmup", "0", "--no-progress",
                 "--no-charts", "--out", str(out)]) == 0
    meta = json.loads((out / "compare.json").read_text())
    assert meta["rounds"] == 3 and "extension" not in meta
    for f in [out / "compare.json", out / "report.md", out / "report.json", *out.glob("records/*/round-*.json")]:
        assert f.stat().st_mode & 0o777 == 0o644 & ~_umask(), f
    md = (out / "report.md").read_text()
    assert "Fewer than 5 timing rounds (3)" in md and "**Workload:** items 3" in md
    assert f"report:  {out / 'report.md'}" in capsys.readouterr().out


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_terminal_header_says_the_workload_in_words():
    from harness.renderers.terminal import render_terminal

    with Recorder(variant="fast", workload={"tasks": 2, "task_ids": ["007bbfb7", "00d62c1b"], "dataset": "arc1-train",
                                            "parents": 16, "mutants": 4, "seed": 0, "timeout_s": 60.0,
                                            "workers": 2}) as rec:
        with span("work"):
            pass
    text = " ".join(render_terminal(rec, width=200).split())
    assert ("workload: 2 tasks of arc1-train (007bbfb7, 00d62c1b) · 16 parents × 4 mutants · seed 0 · timeout 60 s "
            "· 2 workers") in text
    assert "{" not in text.split("workload:")[1].split("python")[0]


# ------------------------------------------------------------------------------ help and CI
def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    return " ".join(capsys.readouterr().out.split())


def test_help_defaults_are_the_real_ones(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    text = _help(["compare"], capsys)
    assert f"(default {drv.DEFAULT_ROUNDS};" in text and f"(default {drv.DEFAULT_BUDGET_S:g};" in text
    assert "(default 16 for compare)" in text and "(default 4 for compare)" in text
    import tomllib

    table = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["phasebench"]["gate"]
    text = _help(["gate"], capsys)
    for key in ("parents", "mutants", "workers", "tasks"):
        if key in table:
            assert f"(default {table[key]} from [tool.phasebench.gate] in ./pyproject.toml)" in text, key


def test_the_github_actions_workflow_tests_then_gates_against_the_pr_base():
    import yaml

    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "phasebench.yml").read_text())
    steps = [s for job in flow["jobs"].values() for s in job["steps"]]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "pytest" in runs and "phasebench gate --base ${{ github.event.pull_request.base.sha }}" in runs
    assert runs.index("pytest") < runs.index("phasebench gate")
    assert "GITHUB_STEP_SUMMARY" in runs or "--step-summary" in runs
    assert any("actions/upload-artifact" in s.get("uses", "") for s in steps)
    assert any(s.get("with", {}).get("fetch-depth") == 0 for s in steps)  # the base commit must be there
