"""Issue 19 / 14 on reports: every saved form reported (compare folder, run folder, pytest-benchmark JSON),
two saved results compared (refusing different workloads or machines), one statistic with no CI and no
bold under 5 rounds, headline = tables, the "changed significantly" list, one unit per column.

Synthetic records with planted times: nothing here depends on the machine's speed or load.
"""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_report import BASE_PHASES, ENV, make_record, scaled

from harness import benchjson
from harness.cli import main
from harness.processors.compare import compare_records
from harness.renderers.markdown import render_markdown

MS = 1_000_000


def _rounds(n: int, *, factor: float = 0.5, seed: int = 0, noise: float = 0.02) -> dict[str, list[dict[str, Any]]]:
    """`n` interleaved rounds: baseline, and `fast` with phase3a_validate at `factor` of the baseline's."""
    rng = np.random.default_rng(seed)
    out: dict[str, list[dict[str, Any]]] = {"baseline": [], "fast": []}
    for k, d in enumerate(rng.lognormal(0, noise, n)):
        base = scaled(BASE_PHASES, d)
        out["baseline"].append(make_record("baseline", base, k=k))
        out["fast"].append(make_record("fast", {**base, "phase3a_validate": int(base["phase3a_validate"] * factor)},
                                       k=k))
    return out


def _write_compare_dir(root: Path, rounds: dict[str, list[dict[str, Any]]]) -> Path:
    for v, recs in rounds.items():
        for k, r in enumerate(recs):
            p = root / "records" / v / f"round-{k}.json"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(json.dumps(r))
    (root / "compare.json").write_text(json.dumps({"variants": list(rounds), "baseline": next(iter(rounds)),
                                                   "rounds": len(next(iter(rounds.values()))), "warmup": 1}))
    return root


def _bold_ratios(md: str) -> list[str]:
    return re.findall(r"\*\*[0-9.]+×[^*]*\*\*", md)


# --------------------------------------------------------------------------- one statistic
def test_three_rounds_print_no_ci_and_no_bold():
    md = render_markdown(compare_records(_rounds(3)))
    assert "Fewer than 5 timing rounds (3): no confidence intervals" in md
    assert "## Changed significantly" not in md
    assert _bold_ratios(md) == [] and "95% CI 0" not in md
    assert "(0." not in md.split("## Summary")[1].split("## Verdicts")[0]  # no interval in the summary table


def test_enough_rounds_headline_tables_and_verdict_agree():
    c = compare_records(_rounds(12)).to_dict()
    md = render_markdown(c)
    r = c["summary"]["fast"]["ratio"]
    assert r["n"] == 12 and r["method"] == "paired bootstrap, median of ratios"
    headline = md.splitlines()[2]
    assert headline.startswith("> **fast**: ") and f"{r['ratio']:.2f}× the baseline's time: faster" in headline
    assert f"95% CI {r['low']:.2f}–{r['high']:.2f}" in headline
    assert f"**{r['ratio']:.2f}× faster**" in md.split("## Summary")[1]  # the same statistic in the table
    assert c["method"]["statistic_id"] == "median of ratios"
    per_round = [f / b for f, b in zip(c["summary"]["fast"]["total_samples_ns"],
                                       c["summary"]["baseline"]["total_samples_ns"], strict=True)]
    assert r["ratio"] == pytest.approx(float(np.median(per_round)))


def test_changed_significantly_lists_real_changes_only():
    md = render_markdown(compare_records(_rounds(8)))
    top = md.split("## Changed significantly")[1].split("## Summary")[0]
    assert "`phase3a_validate`" in top and "**total**" in top and "faster" in top
    assert "`score_demo`" not in top  # unchanged phases are not listed
    assert md.index("## Changed significantly") < md.index("## Summary")


def test_a_trivial_change_is_never_bold():
    # phase3a_validate 1% faster with a tight CI: below the 2% minimum effect
    md = render_markdown(compare_records(_rounds(8, factor=0.99, noise=0.0)))
    assert "Nothing changed significantly" in md
    assert _bold_ratios(md) == []


def test_one_unit_per_column_with_iqr_and_outliers():
    md = render_markdown(compare_records(_rounds(6)))
    table = md.split("## Per-phase times")[1].split("\n\n")[1].splitlines()
    assert table[0] == "| phase | baseline (ms) | fast (ms) |"
    for line in table[2:]:
        cells = line.split(" | ")[1:]
        assert not any(re.search(r"\d (ns|µs|ms|s)\b", c) for c in cells), line
        assert all("IQR" in c and "outlier" in c for c in cells), line
    summary = md.split("## Summary")[1].split("\n\n")[1].splitlines()[0]
    assert "total, median (s)" in summary and "IQR (s)" in summary and "outliers" in summary and "runs/s" in summary


# --------------------------------------------------------------------- every saved form
def test_report_of_a_compare_folder_with_charts(tmp_path, capsys):
    run_dir = _write_compare_dir(tmp_path / "cmp", _rounds(5))
    assert main(["report", str(run_dir)]) == 0
    out = capsys.readouterr().out
    assert f"report:  {run_dir / 'report.md'}" in out and "charts:" in out
    md = (run_dir / "report.md").read_text()
    assert "**Workload:** 2 tasks of synthetic (t1, t2)" in md
    assert (run_dir / "charts" / "phases.png").stat().st_size > 0
    assert stat.S_IMODE((run_dir / "report.md").stat().st_mode) & 0o644 == 0o644


def test_report_of_a_run_folder(tmp_path, capsys):
    run_dir = tmp_path / "run-fast"
    run_dir.mkdir()
    (run_dir / "run.json").write_text(json.dumps(make_record("fast", BASE_PHASES)))
    assert main(["report", str(run_dir)]) == 0
    assert "report:" in capsys.readouterr().out
    md = (run_dir / "report.md").read_text()
    assert "**Workload:** 2 tasks of synthetic" in md and (run_dir / "charts" / "phases.png").is_file()


def _bench_json(path: Path, *, workload: dict[str, Any], fingerprint: str = "abcdef123456", rounds: int = 5) -> Path:
    infos = []
    for variant, factor in (("baseline", 1.0), ("fast", 0.5)):
        recs = _rounds(rounds, factor=factor)["fast" if variant == "fast" else "baseline"]
        infos.append((variant, benchjson.extra_info(variant, "end-to-end", workload, [r["tree"] for r in recs],
                                                    results=[r["result"] for r in recs])))
    doc = {"machine_info": {"python_version": "3.11.7"}, "commit_info": {}, "datetime": "2025-01-01T00:00:00+00:00",
           "benchmarks": [{"name": f"test_pipeline[{v}]", "fullname": f"bench/x.py::test_pipeline[{v}]",
                           "group": "end-to-end", "extra_info": info} for v, info in infos],
           "phasebench": {"environment": {**ENV, "fingerprint_id": fingerprint}}}
    path.write_text(json.dumps(doc))
    return path


BENCH_WORKLOAD = {"tasks": ["007bbfb7", "00d62c1b"], "parents": 16, "mutants": 4, "seed": 0, "timeout_s": 5.0,
                  "workers": 1}


def test_report_of_a_pytest_benchmark_json_with_charts(tmp_path, capsys):
    saved = _bench_json(tmp_path / "0001_bench.json", workload=BENCH_WORKLOAD)
    assert main(["report", str(saved)]) == 0
    assert "report:" in capsys.readouterr().out
    folder = tmp_path / "0001_bench-report"
    md = (folder / "report.md").read_text()
    assert ("**Workload:** 2 tasks (007bbfb7, 00d62c1b) · 16 parents × 4 mutants · seed 0 · timeout 5 s · 1 worker"
            in md)
    assert {p.name for p in (folder / "charts").glob("*.png")} >= {"phases.png", "forest.png", "samples.png"}


# ------------------------------------------------------------------- two saved results
def test_compare_saved_b_against_a(tmp_path, capsys):
    a = _bench_json(tmp_path / "a.json", workload=BENCH_WORKLOAD)
    b = _write_compare_dir(tmp_path / "b", {"fast": _rounds(6)["fast"]})
    out = tmp_path / "ab"
    # different workloads (the compare folder's records describe another one): refused, clearly
    rc = main(["compare", "--saved", str(a), str(b), "--variant", "fast", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 3 and "different workloads" in err and "--allow-mismatch" in err and "Traceback" not in err
    assert main(["compare", "--saved", str(a), str(b), "--variant", "fast", "--allow-mismatch", "--out", str(out),
                 "--no-charts"]) == 0
    data = json.loads((out / "report.json").read_text())
    assert data["variants"] == ["A:fast", "B:fast"] and data["method"]["paired"] is False
    assert data["summary"]["B:fast"]["ratio"]["method"] == "unpaired bootstrap, ratio of medians"
    assert "**Saved runs:** A = " in (out / "report.md").read_text()


def test_report_a_b_refuses_another_machine(tmp_path, capsys):
    a = _bench_json(tmp_path / "a.json", workload=BENCH_WORKLOAD)
    b = _bench_json(tmp_path / "b.json", workload=BENCH_WORKLOAD, fingerprint="0000other000")
    assert main(["report", str(a), str(b), "--out", str(tmp_path / "r")]) == 3
    assert "different machines" in capsys.readouterr().err
    same = _bench_json(tmp_path / "c.json", workload=BENCH_WORKLOAD)
    assert main(["report", str(a), str(same), "--out", str(tmp_path / "r"), "--no-charts"]) == 0
    data = json.loads((tmp_path / "r" / "report.json").read_text())
    assert data["variants"] == ["A:baseline", "B:baseline"]  # the baseline by default
    assert data["summary"]["B:baseline"]["ratio"]["ratio"] == pytest.approx(1.0)


def test_the_invalid_line_says_whether_a_digest_differs_or_is_missing():
    from harness.cli.common import invalid_reasons

    data = {"baseline": "baseline", "summary": {
        "baseline": {"digest_missing": False}, "a": {"digest_missing": False}, "b": {"digest_missing": True}}}
    line = invalid_reasons(data, ["a", "b"])
    assert line == ("a (result digest differs from the baseline's); "
                    "b (a record has no result digest: nothing to check)")
    data["summary"]["baseline"]["digest_missing"] = True
    assert invalid_reasons(data, ["a"]) == "a (the baseline baseline's record has no result digest to check it against)"
