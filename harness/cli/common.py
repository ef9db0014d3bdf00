"""What the `phasebench` commands share: exit codes, the ``--workload`` option, the report's outcome."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from harness.units import fmt_duration
from harness.workload import DEFAULT_WORKLOAD, Command, Workload

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 3

#: A harness command, made for the workload ``--workload`` selects.
CommandFactory = Callable[[Workload], Command]


def add_workload_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workload", metavar="NAME", default=None,
                   help=f"the pipeline to measure: an installed workload (entry point group phasebench.workloads) "
                        f"or module:attr (default {DEFAULT_WORKLOAD})")


def peek_workload(argv: list[str]) -> str | None:
    """The value of ``--workload`` in `argv` (before parsing: the workload adds options of its own)."""
    for i, arg in enumerate(argv):
        if arg == "--workload" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--workload="):
            return arg.split("=", 1)[1]
    return None


def command_line() -> str:
    """The command as typed (for the report's header)."""
    prog = Path(sys.argv[0]).name if sys.argv else "phasebench"
    return " ".join([prog if prog != "__main__.py" else "phasebench", *sys.argv[1:]])


def print_outcome(files: dict[str, Path], run_dir: Path) -> int:
    """Print each variant's verdict line and where the report went; exit 1 if a variant is invalid."""
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    invalid = [v for v in data["variants"] if data["summary"][v]["invalid"]]
    width = max(len(v) for v in data["variants"])
    for v in data["variants"]:
        s = data["summary"][v]
        mark = "✗" if s["invalid"] else " "
        print(f"{mark} {v:<{width}}  {fmt_duration(s['total_median_ns']):>9}  {data['verdicts'][v]}")
    print(f"\nreport:  {files['markdown']}")
    print(f"json:    {files['json']}")
    charts = sorted(str(p) for k, p in files.items() if k.startswith("chart:") and p.suffix == ".png")
    if charts:
        print(f"charts:  {run_dir / 'charts'}/ ({', '.join(Path(c).stem for c in charts)})")
    if invalid:
        print(f"\nINVALID: {', '.join(invalid)}: result digest differs from the baseline's", file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


def add_step_summary_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--step-summary", action="store_true",
                   help="also append the report (without images) to $GITHUB_STEP_SUMMARY")


def append_to_step_summary(args: argparse.Namespace, files: dict[str, Path]) -> None:
    """With ``--step-summary``: the report (without images) appended to ``$GITHUB_STEP_SUMMARY``."""
    if not getattr(args, "step_summary", False):
        return
    from harness.report import append_step_summary, step_summary

    data = json.loads(files["json"].read_text(encoding="utf-8"))
    if append_step_summary(step_summary(data)) is None:
        print("--step-summary: GITHUB_STEP_SUMMARY is not set; nothing appended", file=sys.stderr)


__all__ = ["EXIT_FAIL", "EXIT_OK", "EXIT_USAGE", "CommandFactory", "add_step_summary_option", "add_workload_option",
           "append_to_step_summary", "command_line", "peek_workload", "print_outcome"]
