"""`phasebench report`: regenerate the comparison report of a saved result, or compare two saved results.

::

    phasebench report reports/mine                 # a compare folder: report.md, report.json, charts/ rebuilt there
    phasebench report reports/run-fast             # a `phasebench run` folder (one variant, one round)
    phasebench report .benchmarks/…/0001_x.json     # a pytest-benchmark JSON saved from bench/
    phasebench report A B --variant fast           # B against A (as `phasebench compare --saved A B`)

Exit codes as `phasebench compare`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.cli.common import (
    add_saved_options,
    add_step_summary_option,
    add_workload_option,
    append_to_step_summary,
    check_source,
    print_outcome,
    run_saved,
)
from harness.workload import Command, UsageError, Workload, load_workload


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("run_dir", metavar="SAVED", nargs="+",
                   help="a folder written by `phasebench compare` or `phasebench run`, or a pytest-benchmark JSON "
                        "saved from bench/ (its report goes to <name>-report/ next to it); two of them (A B): the "
                        "report of B against A, as `phasebench compare --saved A B`")
    add_saved_options(p)
    p.add_argument("--out", metavar="DIR", default=None,
                   help="with two saved results: the report's folder (default reports/<date>-saved-compare/)")
    p.add_argument("--baseline", default=None, help="reference variant (default: the one the comparison used)")
    p.add_argument("--timeline", metavar="VARIANT", default=None,
                   help="variant whose median round is drawn as a timeline (default: the last parallel one)")
    p.add_argument("--no-charts", action="store_true", help="skip the matplotlib charts")
    add_workload_option(p)
    add_step_summary_option(p)


def _workload_of(run_dir: Path, given: Workload, named: str | None) -> Workload:
    """The workload the records come from: ``--workload``, else ``compare.json``'s, else the default."""
    meta_path = run_dir / "compare.json"
    if named is None and meta_path.is_file():
        from harness.record import load_compare_meta

        recorded = load_compare_meta(meta_path).get("workload")  # a ValueError names the file and the field
        if isinstance(recorded, str) and recorded != given.name:
            try:
                return load_workload(recorded)
            except UsageError:
                return given
    return given


def run(args: argparse.Namespace, workload: Workload) -> int:
    from harness.report import build_report, report_folder

    if len(args.run_dir) > 2:
        raise UsageError(f"give one saved result, or two to compare (got {len(args.run_dir)})")
    for source in args.run_dir:
        check_source(source)
    if len(args.run_dir) == 2:
        return run_saved(args, Path(args.run_dir[0]), Path(args.run_dir[1]))
    if args.out is not None:
        raise UsageError("--out is for two saved results; one result's report is rebuilt where it is saved")
    run_dir = Path(args.run_dir[0])
    try:
        files = build_report(run_dir, charts=not args.no_charts, baseline=args.baseline,
                             timeline_variant=args.timeline, workload=_workload_of(run_dir, workload, args.workload))
    except (ValueError, KeyError) as exc:
        raise UsageError(str(exc)) from None
    append_to_step_summary(args, files)
    return print_outcome(files, report_folder(run_dir))


def command(workload: Workload) -> Command:
    return Command("report", "regenerate the report of a saved result (compare or run folder, pytest-benchmark JSON), "
                             "or compare two saved results",
                   configure, lambda args: run(args, workload))


__all__ = ["command"]
