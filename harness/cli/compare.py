"""`phasebench compare`: measure a workload's variants interleaved and write the comparison report.

::

    phasebench compare                                   # the ARC workload: 6 tasks, 3 rounds after 1 warm-up
    phasebench compare --variants baseline,fast --tasks 8 --rounds 5 --profile --out reports/mine
    phasebench compare --workload mypkg.bench:Sorting    # another pipeline

Every timing round's run record is saved under ``<out>/records/<variant>/round-<k>.json``, with
``report.md``, ``report.json`` and ``charts/``. Exit codes: 0 ok; 1 a variant's result digest differs
from the baseline's (the report is written and says so); 3 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.cli.common import (
    add_step_summary_option,
    add_workload_option,
    append_to_step_summary,
    command_line,
    print_outcome,
)
from harness.workload import Command, UsageError, Workload, default_out

DEFAULT_ROUNDS = 3
DEFAULT_WARMUP = 1


def configure(p: argparse.ArgumentParser, workload: Workload) -> None:
    add_workload_option(p)
    workload.add_options(p, "compare")
    default = ",".join(workload.default_variants or workload.variants())
    p.add_argument("--variants", default=default, metavar="A,B,...",
                   help=f"variants to compare, in report order (default: {default})")
    p.add_argument("--baseline", default=workload.baseline,
                   help=f"the reference variant (default {workload.baseline})")
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


def run(args: argparse.Namespace, workload: Workload) -> int:
    from harness.driver import measure_variants, profile_variants
    from harness.report import build_report

    if args.rounds < 1:
        raise UsageError(f"--rounds must be at least 1, got {args.rounds}")
    if args.warmup < 0:
        raise UsageError(f"--warmup must be 0 or more, got {args.warmup}")
    names = variant_order(workload, args.variants, args.baseline)
    spec = workload.describe(args, "compare")
    out_dir = Path(args.out) if args.out else default_out(args.label)
    measure_variants(workload, spec, names, rounds=args.rounds, warmup=args.warmup, seed=args.order_seed,
                     out_dir=out_dir, progress=not args.no_progress,
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
