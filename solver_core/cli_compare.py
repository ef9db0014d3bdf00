"""`phasebench compare` and `phasebench report`: the phase-by-phase comparison report.

::

    phasebench compare                                   # 6 tasks, 3 rounds after 1 warm-up, all variants
    phasebench compare --variants baseline,fast --tasks 8 --rounds 5 --profile --out reports/mine
    phasebench report reports/mine                       # re-render from the saved records

`compare` measures the variants interleaved (shuffled order each round, warm-up rounds first), saves
every timing round's run record under ``<out>/records/<variant>/round-<k>.json`` and writes
``report.md``, ``report.json`` and ``charts/``. `report` rebuilds those from the saved records.
Exit codes: 0 ok; 1 a variant's result digest differs from the baseline's (the report is written
and says so); 3 usage errors (unknown variant, ``--rounds 0``, a folder without records, ...).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from solver_core.cli import (
    EXIT_FAIL,
    EXIT_OK,
    UsageError,
    add_workload_options,
    default_out,
    select_workload,
    settings_from,
    subcommand,
)

#: The default workload, sized so that `phasebench compare` with no options (6 tasks, 3 rounds after 1
#: warm-up round, all six variants: 24 pipeline runs) takes about a minute on 2 cores: the first 6
#: tasks with batches of 16 parents × 4 mutants (80 candidates per task; `phasebench run` uses 32 × 8).
DEFAULT_TASKS = "6"
DEFAULT_ROUNDS = 3
DEFAULT_WARMUP = 1
DEFAULT_PARENTS = 16
DEFAULT_MUTANTS = 4


#: The optimisation journey compared by default; `gpu` and `dask` are compared on request (`--variants`),
#: where a GPU or a cluster makes them meaningful.
DEFAULT_VARIANTS = "baseline,phase1,phase2,phase4,shared,fast"


def _print_outcome(files: dict[str, Path], run_dir: Path) -> int:
    import json

    data = json.loads(files["json"].read_text(encoding="utf-8"))
    invalid = [v for v in data["variants"] if data["summary"][v]["invalid"]]
    from harness.processors.compare import fmt_duration

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


def _step_summary(args: argparse.Namespace, files: dict[str, Path]) -> None:
    if not getattr(args, "step_summary", False):
        return
    import json

    from harness.report import append_step_summary, step_summary

    data = json.loads(files["json"].read_text(encoding="utf-8"))
    target = append_step_summary(step_summary(data))
    if target is None:
        print("--step-summary: GITHUB_STEP_SUMMARY is not set; nothing appended", file=sys.stderr)


# ------------------------------------------------------------------------------------- compare
def _compare(args: argparse.Namespace) -> int:
    from solver_core.compare import build_report, command_line, measure_variants, profile_variants, resolve_variants

    if args.rounds < 1:
        raise UsageError(f"--rounds must be at least 1, got {args.rounds}")
    if args.warmup < 0:
        raise UsageError(f"--warmup must be 0 or more, got {args.warmup}")
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {args.workers}")
    names = [n.strip() for n in args.variants.split(",") if n.strip()]
    try:
        resolve_variants(names)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.baseline not in names:
        try:
            resolve_variants([args.baseline])
        except ValueError as exc:
            raise UsageError(f"--baseline: {exc}") from None
        names.insert(0, args.baseline)
        print(f"note: the baseline {args.baseline!r} is measured too (added to --variants)", file=sys.stderr)
    names = [args.baseline] + [n for n in names if n != args.baseline]
    tasks = select_workload(args, default=DEFAULT_TASKS)
    out_dir = Path(args.out) if args.out else default_out(args.label)
    rs = settings_from(args, args.baseline, out_dir)  # validates --timeout, --parents, --mutants
    settings = {"seed": rs.seed, "timeout": rs.timeout, "generator": rs.generator}
    workload = {"dataset": args.dataset}
    meta = {"command": command_line(), "label": args.label}
    measure_variants(tasks, names, rounds=args.rounds, warmup=args.warmup, seed=args.order_seed, settings=settings,
                     workers=args.workers, out_dir=out_dir, progress=not args.no_progress, workload=workload,
                     meta=meta)
    if args.profile:
        print("profile pass: one run of each variant under pyinstrument ...", file=sys.stderr)
        profile_variants(tasks, names, settings=settings, workers=args.workers, out_dir=out_dir, workload=workload)
    files = build_report(out_dir, charts=not args.no_charts, baseline=args.baseline)
    _step_summary(args, files)
    return _print_outcome(files, out_dir)


@subcommand("compare", "measure variants interleaved and write the phase-by-phase comparison report", run=_compare)
def _compare_options(p: argparse.ArgumentParser) -> None:
    add_workload_options(p)
    p.add_argument("--variants", default=DEFAULT_VARIANTS, metavar="A,B,...",
                   help=f"variants to compare, in report order (default: {DEFAULT_VARIANTS})")
    p.add_argument("--baseline", default="baseline", help="the reference variant (default baseline)")
    p.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS,
                   help=f"timing rounds; every variant runs once per round (default {DEFAULT_ROUNDS})")
    p.add_argument("--warmup", type=int, default=DEFAULT_WARMUP,
                   help=f"warm-up rounds before them, discarded (default {DEFAULT_WARMUP})")
    p.add_argument("--order-seed", type=int, default=0, help="seed of the shuffled order of each round (default 0)")
    p.add_argument("--profile", action="store_true",
                   help="after the timing rounds, one pyinstrument pass per variant: names what fills the gaps")
    p.add_argument("--out", metavar="DIR", help="output folder (default reports/<date>-<label>/)")
    p.add_argument("--label", default="compare", help="label of the default output folder (default compare)")
    p.add_argument("--no-charts", action="store_true", help="skip the matplotlib charts")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--step-summary", action="store_true",
                   help="also append the report (without images) to $GITHUB_STEP_SUMMARY")
    p.set_defaults(parents=DEFAULT_PARENTS, mutants=DEFAULT_MUTANTS)
    for action in p._actions:  # say so in --help
        if action.dest in ("parents", "mutants"):
            action.help = f"{action.help.split(' (default')[0]} (default {p.get_default(action.dest)} for compare)"
        if action.dest == "tasks":
            action.help = f"{action.help} (default {DEFAULT_TASKS})"


# -------------------------------------------------------------------------------------- report
def _report(args: argparse.Namespace) -> int:
    from solver_core.compare import build_report, report_folder

    run_dir = Path(args.run_dir)
    try:
        files = build_report(run_dir, charts=not args.no_charts, baseline=args.baseline,
                             timeline_variant=args.timeline)
    except (ValueError, KeyError) as exc:
        raise UsageError(str(exc)) from None
    _step_summary(args, files)
    return _print_outcome(files, report_folder(run_dir))


@subcommand("report", "regenerate the comparison report of a `compare` folder from its saved records", run=_report)
def _report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("run_dir", metavar="RUN_DIR",
                   help="a folder written by `phasebench compare`, or a pytest-benchmark JSON saved from bench/ "
                        "(its report goes to <name>-report/ next to it)")
    p.add_argument("--baseline", default=None, help="reference variant (default: the one the comparison used)")
    p.add_argument("--timeline", metavar="VARIANT", default=None,
                   help="variant whose median round is drawn as a timeline (default: the last parallel one)")
    p.add_argument("--no-charts", action="store_true", help="skip the matplotlib charts")
    p.add_argument("--step-summary", action="store_true",
                   help="also append the report (without images) to $GITHUB_STEP_SUMMARY")


__all__ = ["DEFAULT_MUTANTS", "DEFAULT_PARENTS", "DEFAULT_ROUNDS", "DEFAULT_TASKS", "DEFAULT_WARMUP"]
