"""The ARC workload's own `phasebench` subcommands: tasks, solvers, run, verify, variants.

Each is a thin layer: it parses options, calls the library and prints; `harness.cli` maps the
library's clear errors (`TaskFormatError`, `DatasetError`, `StoreError`, `UsageError`) to exit 3.
The options that choose tasks and run settings (`add_run_options`) are shared with the workload's
`compare` and `gate` options (`solver_core.workload`).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from harness.progress import EtaProgress
from harness.workload import Command, UsageError, default_out

if TYPE_CHECKING:
    from solver_core.pipeline import RunSettings
    from solver_core.tasks import Task

EXIT_OK = 0
EXIT_FAIL = 1


# ------------------------------------------------------------------------------------- options
def add_run_options(p: argparse.ArgumentParser) -> None:
    """Options that choose the tasks and the run's settings (run, verify, and the workload's compare, gate)."""
    p.add_argument("--dataset", default="arc1-train",
                   help="arc1-train, arc1-eval, arc2-train, arc2-eval, or a folder of task files")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--task", metavar="ID", help="one task id")
    group.add_argument("--tasks", metavar="N|ID,ID", help="the first N tasks (by id) or a list of ids")
    group.add_argument("--all", action="store_true", help="every task of the dataset")
    p.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="time limit per solver in validation and per step in scoring, s (default 60: a safety "
                        "net for runaways, far above any honest step, so that results never depend on the clock)")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: usable cores)")
    p.add_argument("--parents", type=int, default=32, help="parent solvers per batch (default 32)")
    p.add_argument("--mutants", type=int, default=8, help="mutants per parent (default 8)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="Dask scheduler (tcp://host:port) for variants that run tasks on Dask (e.g. `dask`); "
                        "default: a LocalCluster of --workers processes, started and stopped by the run")
    add_skip_bad_option(p)


def add_skip_bad_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--skip-bad", action="store_true",
                   help="with a folder as --dataset: leave out task files that are not valid ARC tasks (each "
                        "named on stderr) instead of refusing the folder")


def load_tasks(args: argparse.Namespace, spec: str | None = None) -> tuple[Task, ...]:
    """The tasks of ``--dataset`` that `spec` chooses (all when None; see `solver_core.tasks.select_ids`), with
    ``--skip-bad`` (bad files named on stderr)."""
    import sys

    from solver_core.tasks import DatasetError, TaskFormatError, load_selection

    def skipped(exc: Exception) -> None:
        print(f"skipped a bad task file: {exc}", file=sys.stderr)

    try:
        return load_selection(args.dataset, spec, skip_bad=getattr(args, "skip_bad", False), on_skip=skipped)
    except TaskFormatError as exc:
        if Path(args.dataset).is_dir():
            raise DatasetError(f"{exc} (--skip-bad leaves bad task files out)") from None
        raise


def select_tasks(args: argparse.Namespace, default: str = "1") -> tuple[Task, ...]:
    """The tasks chosen by --task/--tasks/--all (default: the first `default` tasks)."""
    return load_tasks(args, None if args.all else args.task or args.tasks or default)


def check_run_options(args: argparse.Namespace) -> None:
    """`UsageError` for a --timeout, --workers, --parents or --mutants outside its bounds (`solver_core.limits`)."""
    from solver_core.limits import LimitError, check_run_limits

    try:
        check_run_limits(timeout=args.timeout, workers=args.workers, parents=args.parents, mutants=args.mutants)
    except LimitError as exc:
        raise UsageError(str(exc)) from None


def settings_from(args: argparse.Namespace, variant_name: str, out_dir: Path) -> RunSettings:
    """`RunSettings` from the run options (checked)."""
    from solver_core.generator import GeneratorConfig
    from solver_core.pipeline import RunSettings
    from solver_core.variants import get_variant

    check_run_options(args)
    try:
        variant = get_variant(variant_name)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    return RunSettings(variant, out_dir, seed=args.seed, timeout=args.timeout,
                       generator=GeneratorConfig(parents=args.parents, mutants=args.mutants),
                       scheduler=getattr(args, "scheduler", None))


# --------------------------------------------------------------------------------------- tasks
def _print_task(task_id: str, dataset: str) -> None:
    from solver_core.tasks import get_task, grid_shape

    task = get_task(task_id, dataset)
    print(f"task {task.id}: {len(task.demo)} demo pairs, {len(task.test)} test pairs")
    for kind, pairs in (("demo", task.demo), ("test", task.test)):
        for n, pair in enumerate(pairs):
            for side, grid in (("input", pair.input), ("output", pair.output)):
                h, w = grid_shape(grid)
                print(f"\n{kind}[{n}].{side} ({h}x{w})")
                for row in grid:
                    print("  " + " ".join(str(c) for c in row))


def _tasks(args: argparse.Namespace) -> int:
    if args.show:
        _print_task(args.show, args.dataset)
        return EXIT_OK
    tasks = load_tasks(args)
    print(f"{'task':<10} {'demo':>4} {'test':>4}  grid sizes (demo inputs -> outputs)")
    for task in tasks:
        sizes = ", ".join(
            f"{len(p.input)}x{len(p.input[0])}->{len(p.output)}x{len(p.output[0])}" for p in task.demo
        )
        print(f"{task.id:<10} {len(task.demo):>4} {len(task.test):>4}  {sizes}")
    print(f"\n{len(tasks)} tasks, {sum(len(t.demo) for t in tasks)} demo pairs, "
          f"{sum(len(t.test) for t in tasks)} test pairs")
    return EXIT_OK


def _tasks_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", default="arc1-train",
                   help="arc1-train, arc1-eval, arc2-train, arc2-eval, or a folder of <task_id>.json files")
    p.add_argument("--show", metavar="TASK_ID", help="print one task's grids")
    add_skip_bad_option(p)


# ------------------------------------------------------------------------------------- solvers
def _solvers(args: argparse.Namespace) -> int:
    from solver_core.solvers import verify_library

    report = verify_library(args.dataset)
    for failure in report.failures:
        print(f"FAIL {failure}")
    print(f"{report.total} solvers, {report.passed} pass all their pairs "
          f"({report.pairs} pairs) in {report.seconds * 1000:.1f} ms")
    return EXIT_OK if report.passed == report.total else EXIT_FAIL


def _solvers_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", default="arc1-train", help="dataset the solvers' tasks come from")


# ----------------------------------------------------------------------------------------- run
def _run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from harness import print_record
    from solver_core.limits import LimitError, resolve_out
    from solver_core.pipeline import run_pipeline, save_run

    check_run_options(args)
    tasks = select_tasks(args)
    try:  # absolute once, before any work: a candidate's chdir cannot move the store
        out_dir = resolve_out(args.out if args.out else default_out(f"run-{args.variant}"))
    except LimitError as exc:
        raise UsageError(str(exc)) from None
    settings = settings_from(args, args.variant, out_dir)
    workload = {"dataset": args.dataset}
    bar = EtaProgress(len(tasks), f"run {settings.variant.name}", enabled=len(tasks) > 1)
    try:
        result = run_pipeline(tasks, settings, workers=args.workers, workload=workload,
                              progress=lambda task_id: bar.advance(task_id))
    finally:
        bar.close()
    if args.profile:
        from harness import profile_pass  # pyinstrument: imported only for a profile pass

        profile = profile_pass(run_pipeline, tasks, replace(settings, out_dir=out_dir / "profile-pass"),
                               workers=args.workers, workload=workload, out_dir=out_dir)
        result.recorder.passes["profile"] = profile.summary()
    path = save_run(result, out_dir)
    print_record(result.recorder)
    print(f"\n{len(tasks)} task(s), {result.candidates} candidates, variant {settings.variant.name}")
    print(f"result digest: {result.digest}")
    print(f"run record:    {path}")
    if args.profile:
        for kind, name in result.recorder.passes["profile"]["files"].items():
            print(f"profile:       {out_dir / name}  ({kind})")
    return EXIT_OK


def _run_options(p: argparse.ArgumentParser) -> None:
    add_run_options(p)
    p.add_argument("--variant", default="fast", help="pipeline variant (see `phasebench variants`)")
    p.add_argument("--out", metavar="DIR", help="output folder (default reports/<date>-run-<variant>/)")
    p.add_argument("--profile", action="store_true",
                   help="add a pyinstrument pass; writes its session, HTML and speedscope files")


# ------------------------------------------------------------------------------------ variants
def _variants(args: argparse.Namespace) -> int:
    from solver_core.variants import VARIANTS

    for v in VARIANTS.values():
        print(f"{v.name:<9} {v.summary}")
        for key, value in v.strategies().items():
            print(f"{'':<9}   {key:<17} {value}")
    return EXIT_OK


def _variants_options(p: argparse.ArgumentParser) -> None:
    pass


# -------------------------------------------------------------------------------------- verify
def _verify_names(args: argparse.Namespace) -> list[str]:
    from solver_core.execution import BACKENDS, backend_available
    from solver_core.pipeline.run import variant_backends
    from solver_core.variants import VARIANTS

    if args.variants:
        names = [n.strip() for n in args.variants.split(",")]
    else:
        names = []
        for name, v in VARIANTS.items():
            missing = [b for b in variant_backends(v) if not backend_available(b)]
            for b in missing:
                print(f"{name} variant skipped: {BACKENDS[b].unavailable}")
            if not missing:
                names.append(name)
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        raise UsageError(f"unknown variant(s) {', '.join(unknown)}: choose from {', '.join(VARIANTS)}")
    if "baseline" not in names:
        names.insert(0, "baseline")
    return names


def _verify(args: argparse.Namespace) -> int:
    from solver_core.pipeline import result_digest, run_pipeline

    names = _verify_names(args)
    tasks = select_tasks(args, default="400")
    for name in names:  # every variant's options checked before the first run
        settings_from(args, name, Path(tempfile.gettempdir()))
    print(f"{len(tasks)} tasks of {args.dataset}, seed {args.seed}, {len(names)} variants "
          f"({len(tasks) * len(names)} task runs; progress and time left on stderr)")
    print(f"{'variant':<10} {'seconds':>8}  {'candidates':>10}  digest")
    per_task: dict[str, dict[str, str]] = {}
    digests: dict[str, str] = {}
    manifests: dict[str, dict[str, tuple[str, str]]] = {}
    bar = EtaProgress(len(tasks) * len(names), "verify", unit="task runs")
    with tempfile.TemporaryDirectory(prefix="phasebench-verify-") as tmp:
        for name in names:
            settings = settings_from(args, name, Path(tmp) / name)
            start = time.perf_counter()
            def advance(task_id: str, name: str = name) -> None:
                bar.advance(f"{name} {task_id}")

            try:
                result = run_pipeline(tasks, settings, workers=args.workers, progress=advance)
            finally:
                bar.close()
            seconds = time.perf_counter() - start
            digests[name] = result.digest
            per_task[name] = {r.task_id: result_digest([r]) for r in result.tasks}
            manifests[name] = {path: (kind, what) for path, kind, what in result.manifest}
            same = "" if name == "baseline" else ("  = baseline" if result.digest == digests["baseline"]
                                                  else "  DIFFERS FROM BASELINE")
            print(f"{name:<10} {seconds:>8.2f}  {result.candidates:>10}  {result.digest}{same}", flush=True)
    bad = [n for n in names if not digests[n] or not digests["baseline"] or digests[n] != digests["baseline"]]
    for name in bad:
        tasks_off = [t for t, d in per_task[name].items() if d != per_task["baseline"].get(t)]
        print(f"{name}: {len(tasks_off)} task(s) differ from baseline: {', '.join(tasks_off[:20])}")
        _print_store_difference(name, manifests[name], manifests["baseline"])
    print("all variants give baseline's digest" if not bad else f"INVALID: {', '.join(bad)}")
    return EXIT_OK if not bad else EXIT_FAIL


def _print_store_difference(name: str, mine: dict[str, tuple[str, str]], base: dict[str, tuple[str, str]]) -> None:
    """The entries of the store that differ from the baseline's (the manifest is part of the digest)."""
    diff = sorted(p for p in set(mine) | set(base) if mine.get(p) != base.get(p))
    if not diff:
        return
    def what(entry: tuple[str, str] | None) -> str:
        return "absent" if entry is None else f"{entry[0]} {entry[1][:12]}".strip()
    print(f"{name}: {len(diff)} store entr{'y' if len(diff) == 1 else 'ies'} differ from baseline's:")
    for path in diff[:10]:
        print(f"  {path}: {what(mine.get(path))} (baseline: {what(base.get(path))})")


def _verify_options(p: argparse.ArgumentParser) -> None:
    add_run_options(p)
    p.add_argument("--variants", help="comma-separated variants (default: all; baseline is always included)")


#: The subcommands, in `phasebench --help` order.
COMMANDS: tuple[Command, ...] = (
    Command("tasks", "list a dataset's tasks or show one", _tasks_options, _tasks),
    Command("solvers", "verify every hand-written solver on all pairs of its task", _solvers_options, _solvers),
    Command("run", "run the pipeline on tasks and print the timing tree", _run_options, _run),
    Command("verify", "run every variant on the same tasks and print their result digests side by side",
            _verify_options, _verify),
    Command("variants", "list the pipeline variants and their per-phase strategies", _variants_options, _variants),
)

__all__ = ["COMMANDS", "add_run_options", "check_run_options", "select_tasks", "settings_from"]
