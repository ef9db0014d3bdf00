"""What the `phasebench` commands share: exit codes, the ``--workload`` option, the report's outcome."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.units import fmt_duration
from harness.workload import DEFAULT_WORKLOAD, Command, UsageError, Workload, default_out

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
    changed = data.get("changed_significantly") or []
    if changed:
        shown = [f"{x['variant']} {x['phase']} {x['ratio']:.2f}× {x['direction']}" for x in changed[:6]]
        more = f" (+{len(changed) - 6} more in the report)" if len(changed) > 6 else ""
        print(f"\nchanged significantly: {'; '.join(shown)}{more}")
    print(f"\nreport:  {files['markdown']}")
    print(f"json:    {files['json']}")
    charts = sorted(str(p) for k, p in files.items() if k.startswith("chart:") and p.suffix == ".png")
    if charts:
        print(f"charts:  {run_dir / 'charts'}/ ({', '.join(Path(c).stem for c in charts)})")
    if invalid:
        print(f"\nINVALID: {invalid_reasons(data, invalid)}", file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


def invalid_reasons(data: dict[str, Any], invalid: list[str]) -> str:
    """Why each invalid variant is invalid, in one line: its digest differs, or a record lacks one."""
    summary = data["summary"]
    base = data.get("baseline")
    base_missing = bool(base and summary.get(base, {}).get("digest_missing"))
    parts = []
    for v in invalid:
        if summary[v].get("digest_missing"):
            parts.append(f"{v} (a record has no result digest: nothing to check)")
        elif base_missing:
            parts.append(f"{v} (the baseline {base}'s record has no result digest to check it against)")
        else:
            parts.append(f"{v} (result digest differs from the baseline's)")
    return "; ".join(parts)


def check_out_dir(value: str | Path | None, option: str = "--out") -> Path | None:
    """`value` as a folder, created now (before any work): `UsageError` when it exists and is not a folder,
    or cannot be created. None stays None (the command picks its default)."""
    if value is None:
        return None
    out = Path(value)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{option} {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{option} {out}: cannot create the folder: {exc.strerror or exc}") from None
    return out


def check_source(value: str | Path) -> Path:
    """A saved result named on the command line: `UsageError` "no such file or folder" when it is not there."""
    path = Path(value)
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    return path


def check_range(option: str, value: float | None, low: float, high: float | None = None) -> None:
    """`UsageError` naming `option` when `value` is outside ``low..high`` (None: not given, fine)."""
    if value is None:
        return
    if value < low or (high is not None and value > high):
        bounds = f"at least {low:g}" if high is None else f"between {low:g} and {high:g}"
        raise UsageError(f"{option} must be {bounds}, got {value:g}")


def add_saved_options(p: argparse.ArgumentParser) -> None:
    """Options of a comparison of two saved results (`report A B`, `compare --saved A B`)."""
    p.add_argument("--variant", metavar="NAME", default=None,
                   help="with two saved results: the variant compared between them (default: baseline, when both "
                        "have it, else the first they share)")
    p.add_argument("--allow-mismatch", action="store_true",
                   help="with two saved results: compare them even when their workloads or machines differ")


def run_saved(args: argparse.Namespace, a: Path, b: Path) -> int:
    """The report of saved result B against A (`harness.report.compare_saved`), printed like a comparison's."""
    from harness.report import MismatchError, compare_saved

    out = check_out_dir(getattr(args, "out", None)) or default_out("saved-compare")
    try:
        files = compare_saved(a, b, out, variant=args.variant, allow_mismatch=args.allow_mismatch,
                              charts=not args.no_charts)
    except MismatchError as exc:
        raise UsageError(f"{exc}; --allow-mismatch to compare them anyway") from None
    except (ValueError, KeyError) as exc:
        raise UsageError(str(exc)) from None
    append_to_step_summary(args, files)
    return print_outcome(files, out)


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


__all__ = ["EXIT_FAIL", "EXIT_OK", "EXIT_USAGE", "CommandFactory", "add_saved_options", "add_step_summary_option",
           "add_workload_option", "append_to_step_summary", "check_out_dir", "check_range", "check_source",
           "command_line", "peek_workload", "print_outcome", "run_saved"]
