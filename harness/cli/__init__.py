"""The `phasebench` command line: a harness app over workloads.

The harness's commands (`compare`, `report`, `gate`; one module each, listed in `COMMANDS`) work on
the workload ``--workload`` selects (default ``arc``, see `harness.workload`); every installed
workload adds its own subcommands (the ARC workload: tasks, solvers, run, verify, variants). Each
command parses options, calls the library and prints; usage errors (`UsageError` and the workloads'
`usage_errors()`) exit 3 with the message on stderr and no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from harness.cli import compare, gate, report
from harness.cli.common import EXIT_OK, EXIT_USAGE, CommandFactory, peek_workload
from harness.workload import Command, UsageError, Workload, installed_workloads, load_workload

#: The harness's own commands, made for the selected workload (in `phasebench --help` order).
COMMANDS: tuple[CommandFactory, ...] = (compare.command, report.command, gate.command)


def _workloads(selected: Workload) -> list[Workload]:
    """The selected workload and every installed one (each contributes its subcommands)."""
    out = [selected]
    for name in installed_workloads():
        if name != selected.name:
            out.append(load_workload(name))
    return out


def commands_for(selected: Workload) -> dict[str, Command]:
    """Every command by name: the harness's, then the workloads' (a name is taken by the first that has it)."""
    found: dict[str, Command] = {}
    for make in COMMANDS:
        cmd = make(selected)
        found[cmd.name] = cmd
    for workload in _workloads(selected):
        for cmd in workload.commands():
            found.setdefault(cmd.name, cmd)
    return found


def build_parser(commands: dict[str, Command] | None = None, only: str | None = None) -> argparse.ArgumentParser:
    """The parser of `phasebench` (with the default workload's commands unless `commands` are given).
    With `only`, the other commands are listed but their options not configured (their modules'
    imports are not needed to parse one command line)."""
    if commands is None:
        commands = commands_for(load_workload())
    parser = argparse.ArgumentParser(
        prog="phasebench",
        description="Phase-by-phase benchmark and profiling harness: compare, report and gate a pipeline's variants.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for cmd in commands.values():
        parser_of = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        if only is None or cmd.name == only:
            cmd.configure(parser_of)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        selected = load_workload(peek_workload(argv))
    except UsageError as exc:
        print(f"phasebench: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    commands = commands_for(selected)
    # the command is the first argument (options come after it): only its options are configured
    args = build_parser(commands, argv[0] if argv and argv[0] in commands else None).parse_args(argv)
    usage_errors: tuple[type[Exception], ...] = (UsageError, *(e for w in _workloads(selected)
                                                               for e in w.usage_errors()))
    try:
        return commands[args.command].run(args)
    except usage_errors as exc:
        print(f"phasebench {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `phasebench tasks | head`: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print(f"phasebench {args.command}: interrupted", file=sys.stderr)
        return 130


__all__ = ["COMMANDS", "build_parser", "commands_for", "main"]
