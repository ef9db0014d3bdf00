"""`phasebench compare`: measure a workload's variants interleaved and write the comparison report.

::

    phasebench compare                                   # the ARC workload: 6 tasks, 5+ rounds after 1 warm-up
    phasebench compare --variants baseline,fast --tasks 8 --rounds 5 --profile --out reports/mine
    phasebench compare --rounds 3 --budget 0             # exactly 3 rounds (no confidence intervals)
    phasebench compare --workload mypkg.bench:Sorting    # another pipeline
    phasebench compare --saved A B                       # two saved results (folders or pytest-benchmark JSONs)

At least ``--rounds`` timing rounds; then rounds are added until every headline ratio (each variant's
total against the baseline's) has a 95% CI within ±5%, while the measuring time stays within
``--budget`` seconds (up to ``--max-rounds``). Every timing round's run record is saved under
``<out>/records/<variant>/round-<k>.json``, with ``report.md``, ``report.json`` and ``charts/``. Every
option is checked before any work. Exit codes: 0 ok; 1 a variant's result digest differs from the
baseline's (the report is written and says so); 3 usage errors.
"""

from __future__ import annotations

import argparse
import sys

from harness.cli.common import (
    add_saved_options,
    add_step_summary_option,
    add_workload_option,
    append_to_step_summary,
    check_out_dir,
    check_range,
    check_source,
    command_line,
    print_outcome,
    run_saved,
)
from harness.workload import Command, UsageError, Workload, default_out

DEFAULT_WARMUP = 1


def configure(p: argparse.ArgumentParser, workload: Workload) -> None:
    # imported here: the driver and statistics (NumPy) cost every other command their start-up otherwise
    from harness.driver import DEFAULT_BUDGET_S, DEFAULT_MAX_ROUNDS, DEFAULT_ROUNDS
    from harness.stats import MIN_ROUNDS_FOR_CI, TARGET_HALF_WIDTH

    add_workload_option(p)
    workload.add_options(p, "compare")
    default = ",".join(workload.default_variants or workload.variants())
    p.add_argument("--variants", default=default, metavar="A,B,...",
                   help=f"variants to compare, in report order (default: {default})")
    p.add_argument("--baseline", default=workload.baseline,
                   help=f"the reference variant (default {workload.baseline})")
    p.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS,
                   help=f"timing rounds at least; every variant runs once per round (default {DEFAULT_ROUNDS}; "
                        f"fewer than {MIN_ROUNDS_FOR_CI} give no confidence interval)")
    p.add_argument("--budget", type=float, default=DEFAULT_BUDGET_S, metavar="SECONDS",
                   help="measuring time within which rounds are added after --rounds until every headline CI is "
                        f"within ±{100 * TARGET_HALF_WIDTH:.0f}%% (default {DEFAULT_BUDGET_S:g}; 0: exactly --rounds)")
    p.add_argument("--max-rounds", type=int, default=DEFAULT_MAX_ROUNDS,
                   help=f"timing rounds at most (default {DEFAULT_MAX_ROUNDS})")
    p.add_argument("--warmup", type=int, default=DEFAULT_WARMUP,
                   help=f"warm-up rounds before them, discarded (default {DEFAULT_WARMUP})")
    p.add_argument("--order-seed", type=int, default=0, help="seed of the shuffled order of each round (default 0)")
    p.add_argument("--profile", action="store_true",
                   help="after the timing rounds, one pyinstrument pass per variant: names what fills the gaps")
    p.add_argument("--out", metavar="DIR", help="output folder (default reports/<date>-<label>/)")
    p.add_argument("--label", default="compare", help="label of the default output folder (default compare)")
    p.add_argument("--no-charts", action="store_true", help="skip the matplotlib charts")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--saved", nargs=2, metavar=("A", "B"), default=None,
                   help="measure nothing: the report of saved result B against A (compare or run folders, "
                        "pytest-benchmark JSONs); refuses different workloads or machines unless --allow-mismatch")
    add_saved_options(p)
    add_step_summary_option(p)


def variant_order(workload: Workload, variants: str, baseline: str) -> list[str]:
    """The variants to measure, the baseline first (added, with a note, when not listed)."""
    names = workload.check_variants(variants.split(","))
    if baseline not in names:
        try:
            workload.check_variants([baseline])
        except UsageError as exc:
            raise UsageError(f"--baseline: {exc}") from None
        print(f"note: the baseline {baseline!r} is measured too (added to --variants)", file=sys.stderr)
    return [baseline] + [n for n in names if n != baseline]


def check_options(args: argparse.Namespace) -> None:
    """Every number in range (a `UsageError` naming the option), before any work."""
    check_range("--rounds", args.rounds, 1)
    check_range("--warmup", args.warmup, 0)
    check_range("--budget", args.budget, 0, 7 * 86_400)
    check_range("--max-rounds", args.max_rounds, 1)
    if args.max_rounds < args.rounds:
        raise UsageError(f"--max-rounds ({args.max_rounds}) is below --rounds ({args.rounds})")


def run(args: argparse.Namespace, workload: Workload) -> int:
    from harness.driver import Extension, measure_variants, profile_variants
    from harness.report import build_report

    if args.saved:
        return run_saved(args, check_source(args.saved[0]), check_source(args.saved[1]))
    check_options(args)
    names = variant_order(workload, args.variants, args.baseline)
    spec = workload.describe(args, "compare")
    out_dir = check_out_dir(args.out) or check_out_dir(default_out(args.label))
    assert out_dir is not None
    extension = Extension(args.budget, args.max_rounds, baseline=args.baseline) if args.budget > 0 else None
    measure_variants(workload, spec, names, rounds=args.rounds, warmup=args.warmup, seed=args.order_seed,
                     out_dir=out_dir, progress=not args.no_progress, extension=extension,
                     meta={"command": command_line(), "label": args.label})
    if args.profile:
        print("profile pass: one run of each variant under pyinstrument ...", file=sys.stderr)
        profile_variants(workload, spec, names, out_dir=out_dir)
    files = build_report(out_dir, charts=not args.no_charts, baseline=args.baseline, workload=workload)
    append_to_step_summary(args, files)
    return print_outcome(files, out_dir)


def command(workload: Workload) -> Command:
    return Command("compare", "measure variants interleaved and write the phase-by-phase comparison report",
                   lambda p: configure(p, workload), lambda args: run(args, workload))


__all__ = ["command", "variant_order"]
