"""The ARC pipeline as a phasebench workload (entry point ``arc`` in ``phasebench.workloads``).

`phasebench compare`, `report` and `gate` measure it by default; its own subcommands (tasks, solvers,
run, verify, variants) come from `solver_core.commands`. Importing this module is light: the pipeline
is imported when a run starts.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.workload import Command, Progress, Spec, Workload
from solver_core import commands as arc_commands

if TYPE_CHECKING:
    from harness.recorder import Recorder
    from solver_core.tasks import Task

#: `phasebench compare`'s default workload: sized so that `phasebench compare` with no options (6 tasks,
#: 3 rounds after 1 warm-up round, six variants: 24 pipeline runs) takes about a minute on 2 cores: the
#: first 6 tasks with batches of 16 parents × 4 mutants (80 candidates per task; `phasebench run` uses 32 × 8).
COMPARE_DEFAULTS: dict[str, Any] = {"tasks": "6", "parents": 16, "mutants": 4}
#: Tasks the gate measures when neither the command line nor the config names them.
GATE_DEFAULT_TASKS = "1"
#: Options the gate takes from its config unless given on the command line.
GATE_CONFIGURABLE = ("dataset", "seed", "timeout", "parents", "mutants")


@dataclass(frozen=True)
class ArcRun:
    """What every run of a comparison or gate shares (`Spec.data`)."""

    tasks: tuple[Task, ...]
    options: argparse.Namespace


def _compare_defaults(p: argparse.ArgumentParser) -> None:
    p.set_defaults(parents=COMPARE_DEFAULTS["parents"], mutants=COMPARE_DEFAULTS["mutants"])
    for action in p._actions:  # say so in --help
        if action.dest in ("parents", "mutants") and action.help:
            action.help = f"{action.help.split(' (default')[0]} (default {p.get_default(action.dest)} for compare)"
        if action.dest == "tasks":
            action.help = f"{action.help} (default {COMPARE_DEFAULTS['tasks']})"


def _gate_options(args: argparse.Namespace, configured: Mapping[str, Any]) -> argparse.Namespace:
    """Command-line workload options over the config's, over `phasebench run`'s defaults."""
    defaults = getattr(args, "workload_defaults", {})

    def pick(key: str) -> Any:
        value = getattr(args, key, None)
        if value is not None:
            return value
        return configured.get(key, defaults.get(key))

    tasks = args.task or args.tasks
    if tasks is None and not args.all:
        tasks = str(configured.get("tasks", GATE_DEFAULT_TASKS))
    return argparse.Namespace(
        dataset=pick("dataset"), task=None, tasks=tasks, all=args.all, seed=int(pick("seed")),
        timeout=None if pick("timeout") is None else float(pick("timeout")), workers=pick("workers"),
        parents=int(pick("parents")), mutants=int(pick("mutants")), scheduler=getattr(args, "scheduler", None),
    )


def _gate_help(p: argparse.ArgumentParser, defaults: Mapping[str, Any], keys: frozenset[str]) -> None:
    """`gate --help` shows the defaults the gate really uses: ``[tool.phasebench.gate]`` of ./pyproject.toml
    (when it has the key), else `phasebench run`'s."""
    try:
        from harness.gate.rules import load_config

        config = load_config(missing_ok=True, workload_keys=keys)
        configured = dict(config.workload) if config is not None else {}
    except Exception:  # a broken config is reported when the gate runs, not in --help
        configured = {}
    for action in p._actions:
        if not action.help or action.dest not in (*defaults, "tasks", "workers"):
            continue
        base = action.help.split(" (default")[0]
        if action.dest in configured:
            action.help = f"{base} (default {configured[action.dest]} from [tool.phasebench.gate] in ./pyproject.toml)"
        elif action.dest == "tasks":
            action.help = f"{base} (default {GATE_DEFAULT_TASKS})"


class ArcWorkload(Workload):
    """ARC tasks through the phased program-search pipeline (`solver_core.pipeline`)."""

    name = "arc"
    summary = "ARC-AGI tasks through the phased program-search pipeline"
    baseline = "baseline"
    default_variants = ("baseline", "phase1", "phase2", "phase4", "shared", "fast")
    config_keys = frozenset({"dataset", "tasks", "parents", "mutants", "seed", "timeout", "workers"})

    def usage_errors(self) -> tuple[type[Exception], ...]:
        from solver_core.store import StoreError
        from solver_core.tasks import DatasetError, TaskFormatError

        return (TaskFormatError, DatasetError, StoreError)

    def variants(self) -> dict[str, str]:
        from solver_core.variants import VARIANTS

        return {name: v.summary for name, v in VARIANTS.items()}

    def changed_phases(self, variant: str, reference: str) -> tuple[str, ...]:
        from solver_core.pipeline.phases import changed_phases
        from solver_core.variants import VARIANTS

        return changed_phases(VARIANTS[variant], VARIANTS[reference])

    def parallel_phases(self, variant: str) -> tuple[str, ...]:
        from solver_core.variants import VARIANTS

        return VARIANTS[variant].parallel_phases

    def add_options(self, parser: argparse.ArgumentParser, command: str) -> None:
        arc_commands.add_run_options(parser)
        if command == "compare":
            _compare_defaults(parser)
        elif command == "gate":  # the config's workload applies unless given on the command line
            defaults = {k: parser.get_default(k) for k in GATE_CONFIGURABLE}
            parser.set_defaults(workload_defaults=defaults, **dict.fromkeys(GATE_CONFIGURABLE))
            _gate_help(parser, defaults, self.config_keys)

    def describe(self, args: argparse.Namespace, command: str, configured: Mapping[str, Any] | None = None) -> Spec:
        from solver_core.generator import GeneratorConfig

        if command == "gate":
            args = _gate_options(args, configured or {})
            tasks = arc_commands.select_tasks(args, default=str(args.tasks or GATE_DEFAULT_TASKS))
        else:
            tasks = arc_commands.select_tasks(args, default=COMPARE_DEFAULTS["tasks"])
        arc_commands.check_run_options(args)
        generator = GeneratorConfig(parents=args.parents, mutants=args.mutants)
        description = {"dataset": args.dataset, "tasks": [t.id for t in tasks], "parents": args.parents,
                       "mutants": args.mutants, "seed": args.seed, "timeout": args.timeout, "workers": args.workers}
        settings = {"seed": args.seed, "timeout": args.timeout, "generator": asdict(generator)}
        return Spec(description=description, ids=tuple(t.id for t in tasks), settings=settings,
                    workers=args.workers, data=ArcRun(tasks, args))

    def run(self, spec: Spec, variant: str, work_dir: Path, progress: Progress | None = None) -> Recorder:
        from solver_core.pipeline import run_pipeline

        arc: ArcRun = spec.data
        settings = arc_commands.settings_from(arc.options, variant, work_dir)
        result = run_pipeline(arc.tasks, settings, workers=spec.workers, workload={"dataset": arc.options.dataset},
                              progress=progress)
        return result.recorder

    def run_argv(self, spec: Spec, variant: str, out_dir: Path) -> list[str]:
        """`phasebench run` arguments for one run of `variant` on `spec` (the gate runs any commit's CLI)."""
        d = spec.description
        ids = list(d["tasks"])
        argv = ["run", "--variant", variant, "--out", str(out_dir), "--dataset", str(d["dataset"]),
                *(["--task", ids[0]] if len(ids) == 1 else ["--tasks", ",".join(ids)]),
                "--seed", str(d["seed"]), "--parents", str(d["parents"]), "--mutants", str(d["mutants"])]
        for key in ("timeout", "workers"):
            if d.get(key) is not None:
                argv += [f"--{key}", str(d[key])]
        return argv

    def commands(self) -> Sequence[Command]:
        return arc_commands.COMMANDS


__all__ = ["ArcWorkload"]
