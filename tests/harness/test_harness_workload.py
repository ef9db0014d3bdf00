"""A third-party workload (not ARC): compared, reported and gated through the real `phasebench` CLI.

`Sorting` has two variants of some CPU work (sort numbers with an insertion sort or with `sorted`),
both giving the same digest; it is registered for the test without an install, once through a
monkeypatched entry-point lookup and once as ``--workload module:attr``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from harness import Recorder, span
from harness import workload as workload_module
from harness.cli import main
from harness.workload import Spec, UsageError, Workload


def _insertion_sort(xs: list[int]) -> list[int]:
    out: list[int] = []
    for x in xs:
        i = len(out)
        while i > 0 and out[i - 1] > x:
            i -= 1
        out.insert(i, x)
    return out


class Sorting(Workload):
    """Sort seeded lists of numbers: `baseline` by insertion, `fast` with `sorted`."""

    name = "sorting"
    summary = "sort numbers"
    config_keys = frozenset({"size"})

    def variants(self) -> dict[str, str]:
        return {"baseline": "insertion sort", "fast": "sorted()"}

    def add_options(self, parser: argparse.ArgumentParser, command: str) -> None:
        parser.add_argument("--size", type=int, default=None, help="numbers per list")

    def describe(self, args: argparse.Namespace, command: str, configured: Mapping[str, Any] | None = None) -> Spec:
        size = args.size if args.size is not None else int((configured or {}).get("size", 300))
        if size < 1:
            raise UsageError(f"--size must be at least 1, got {size}")
        return Spec(description={"size": size, "lists": 3}, ids=("a", "b", "c"), data=size)

    def changed_phases(self, variant: str, reference: str) -> tuple[str, ...]:
        return () if variant == reference else ("sort",)

    def run(self, spec: Spec, variant: str, work_dir: Path, progress: Any = None) -> Recorder:
        digest = hashlib.sha256()
        # CPU read at every span boundary: `sorted` of 150 numbers takes a few µs, under the default 10 µs
        # coalescing window, so its CPU would often read 0 (and the gate say the phase never ran)
        with Recorder(variant=variant, workload=spec.description, cpu_resolution_ns=0) as rec:
            for list_id in spec.ids:
                with span("generate"):
                    rng = random.Random(list_id)
                    xs = [rng.randrange(10**6) for _ in range(spec.data)]
                with span("sort"):
                    out = _insertion_sort(xs) if variant == "baseline" else sorted(xs)
                digest.update(json.dumps(out).encode())
                if progress is not None:
                    progress(list_id)
        rec.result["digest"] = digest.hexdigest()
        return rec


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """`sorting` as if it were declared in the phasebench.workloads entry-point group."""
    real = workload_module.installed_workloads

    def with_sorting() -> dict[str, Any]:
        return {**real(), "sorting": lambda: Sorting}

    monkeypatch.setattr(workload_module, "installed_workloads", with_sorting)


def test_compare_and_report_a_third_party_workload(installed: None, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cmp"
    rc = main(["compare", "--workload", "sorting", "--size", "200", "--rounds", "3", "--warmup", "0",
               "--no-progress", "--no-charts", "--out", str(out)])
    assert rc == 0, capsys.readouterr()
    meta = json.loads((out / "compare.json").read_text())
    assert meta["workload"] == "sorting" and meta["variants"] == ["baseline", "fast"]
    assert meta["task_ids"] == ["a", "b", "c"] and meta["changed_phases"]["fast"] == ["sort"]
    data = json.loads((out / "report.json").read_text())
    assert data["summary"]["fast"]["digest_ok"] is True
    assert "sort" in [r["key"] for r in data["rows"]] and all(a["ok"] for a in data["arithmetic"])
    assert data["predictions"]["fast"]["changed_rows"] == ["sort"]
    assert main(["report", str(out), "--no-charts"]) == 0  # the workload comes from compare.json


def test_gate_a_third_party_workload_given_as_module_attr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no pyproject.toml here: the rules come from --rule
    (tmp_path / "gate.toml").write_text('rules = ["sort: fast / baseline <= 100"]\nsize = 150\n', encoding="utf-8")
    rc = main(["gate", "--workload", f"{__name__}:Sorting", "--config", "gate.toml", "--rounds", "4",
               "--budget", "30", "--quiet", "--out", str(tmp_path / "gate")])
    verdict = json.loads((tmp_path / "gate" / "verdict.json").read_text())
    assert verdict["workload"] == {"size": 150, "lists": 3}
    assert [r["rule"] for r in verdict["rules"]] == ["sort: fast / baseline <= 100"]
    # a bound far above any honest ratio (CPU time: ~0.05): pass, or inconclusive (exit 4) if a loaded machine
    # left too few rounds within the budget; never a regression
    assert (rc, verdict["verdict"]) in ((0, "pass"), (4, "inconclusive")), (rc, verdict["verdict"])
    assert set(verdict["samples"]) == {"baseline", "fast"} and len(verdict["samples"]["fast"]["sort"]) >= 4


def test_gate_refuses_an_out_that_is_a_file_before_measuring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # no pyproject.toml here: the rule comes from --rule
    runs: list[str] = []
    monkeypatch.setattr(Sorting, "run", lambda self, spec, variant, *a, **k: runs.append(variant))
    taken = tmp_path / "taken.txt"
    taken.write_text("not a folder", encoding="utf-8")
    rc = main(["gate", "--workload", f"{__name__}:Sorting", "--rule", "sort: fast / baseline <= 100",
               "--measure", "cpu", "--quiet", "--out", str(taken)])
    assert rc == 3 and runs == []  # a usage error, before any run
    assert f"--out {taken}: exists and is not a folder" in capsys.readouterr().err
    assert taken.read_text(encoding="utf-8") == "not a folder"


def test_workload_usage_errors_exit_3(installed: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--workload", "sorting", "--size", "0", "--out", str(tmp_path / "x")]) == 3
    assert "--size must be at least 1" in capsys.readouterr().err
    assert main(["compare", "--workload", "sorting", "--variants", "baseline,quick", "--out", str(tmp_path)]) == 3
    assert "unknown variant" in capsys.readouterr().err
    assert main(["compare", "--workload", "nosuch"]) == 3
    assert "unknown workload 'nosuch'" in capsys.readouterr().err
    assert main(["compare", "--workload", "harness.workload:Spec"]) == 3
    assert "not a phasebench Workload" in capsys.readouterr().err


def test_the_arc_workload_is_declared_as_an_entry_point() -> None:
    from solver_core.workload import ArcWorkload

    assert "arc" in workload_module.installed_workloads()
    arc = workload_module.load_workload()
    assert isinstance(arc, ArcWorkload) and {"baseline", "fast"} <= set(arc.variants())
    assert {c.name for c in arc.commands()} == {"tasks", "solvers", "run", "verify", "variants"}
