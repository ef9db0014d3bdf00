"""The `phasebench` command line.

Each subcommand is a thin layer: it parses options, calls the library, prints, and maps the
library's clear errors (`TaskFormatError`, `DatasetError`, `UsageError`) to exit code 3 with the
message on stderr and no traceback. Subcommands are registered in `COMMANDS`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from solver_core.tasks import DatasetError, TaskFormatError


class UsageError(ValueError):
    """Bad command-line input; the message is shown as is."""


EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 3

Runner = Callable[[argparse.Namespace], int]
Configure = Callable[[argparse.ArgumentParser], None]


@dataclass(frozen=True)
class Subcommand:
    """One `phasebench` subcommand: its options and the function that runs it."""

    name: str
    help: str
    configure: Configure
    run: Runner


COMMANDS: dict[str, Subcommand] = {}


def subcommand(name: str, help: str, run: Runner) -> Callable[[Configure], Configure]:
    """Register the decorated option-configuring function as subcommand `name`."""

    def register(configure: Configure) -> Configure:
        COMMANDS[name] = Subcommand(name, help, configure, run)
        return configure

    return register


# --------------------------------------------------------------------------------------- tasks
def _tasks(args: argparse.Namespace) -> int:
    from solver_core.tasks import get_task, grid_shape, load_dataset

    if args.show:
        task = get_task(args.show, args.dataset)
        print(f"task {task.id}: {len(task.demo)} demo pairs, {len(task.test)} test pairs")
        for kind, pairs in (("demo", task.demo), ("test", task.test)):
            for n, pair in enumerate(pairs):
                for side, grid in (("input", pair.input), ("output", pair.output)):
                    h, w = grid_shape(grid)
                    print(f"\n{kind}[{n}].{side} ({h}x{w})")
                    for row in grid:
                        print("  " + " ".join(str(c) for c in row))
        return EXIT_OK
    tasks = load_dataset(args.dataset)
    print(f"{'task':<10} {'demo':>4} {'test':>4}  grid sizes (demo inputs -> outputs)")
    for task in tasks:
        sizes = ", ".join(
            f"{len(p.input)}x{len(p.input[0])}->{len(p.output)}x{len(p.output[0])}" for p in task.demo
        )
        print(f"{task.id:<10} {len(task.demo):>4} {len(task.test):>4}  {sizes}")
    print(f"\n{len(tasks)} tasks, {sum(len(t.demo) for t in tasks)} demo pairs, "
          f"{sum(len(t.test) for t in tasks)} test pairs")
    return EXIT_OK


@subcommand("tasks", "list a dataset's tasks or show one", run=_tasks)
def _tasks_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", default="arc1-train",
                   help="arc1-train, arc1-eval, arc2-train, arc2-eval, or a folder of <task_id>.json files")
    p.add_argument("--show", metavar="TASK_ID", help="print one task's grids")


# ------------------------------------------------------------------------------------- solvers
def _solvers(args: argparse.Namespace) -> int:
    from solver_core.solvers import verify_library

    report = verify_library(args.dataset)
    for failure in report.failures:
        print(f"FAIL {failure}")
    print(f"{report.total} solvers, {report.passed} pass all their pairs "
          f"({report.pairs} pairs) in {report.seconds * 1000:.1f} ms")
    return EXIT_OK if report.passed == report.total else EXIT_FAIL


@subcommand("solvers", "verify every hand-written solver on all pairs of its task", run=_solvers)
def _solvers_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", default="arc1-train", help="dataset the solvers' tasks come from")


# ------------------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="phasebench",
        description="Phase-by-phase benchmark and profiling harness for ARC program-search pipelines.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for cmd in COMMANDS.values():
        cmd.configure(sub.add_parser(cmd.name, help=cmd.help, description=cmd.help))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command].run(args)
    except (TaskFormatError, DatasetError, UsageError) as exc:
        print(f"phasebench {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `phasebench tasks | head`: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print(f"phasebench {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
