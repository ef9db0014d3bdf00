"""`phasebench gate`: the CI regression gate on the pipeline (decision logic in `harness.gate`).

::

    phasebench gate                       # rules from [tool.phasebench.gate] in pyproject.toml
    phasebench gate --rule "phase3a_validate: fast / baseline <= 0.6" --budget 60
    phasebench gate --aa --runs 20        # baseline against itself: the false-positive rate
    phasebench gate --against reports/gate/verdict.json   # compare with a saved run (same machine)

Exit codes: 0 pass, 1 regression, 2 inconclusive, 3 usage or infrastructure error. Writes
``verdict.json`` and ``summary.md`` (also appended to ``$GITHUB_STEP_SUMMARY`` when set).

Testing aid: ``PHASEBENCH_INJECT_SLOWDOWN="phase3a_validate:1.3:fast"`` makes the named phase of the
named variant take 1.3× its time (busy-waiting inside the phase's span), in this process and in the
pipeline's worker processes; ``phase3a_validate:1.3:fast-slow=fast`` first registers ``fast-slow`` as
a copy of ``fast`` and slows only that one. Several injections are separated by commas. The pipeline's
code is not touched: the phase functions of `solver_core.pipeline.task` are wrapped at run time.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from solver_core.cli import UsageError, add_workload_options, select_workload, settings_from, subcommand

INJECT_ENV = "PHASEBENCH_INJECT_SLOWDOWN"
#: Phases that are functions in `solver_core.pipeline.task` (the ones a slowdown can be injected into).
INJECTABLE = ("run_batt", "check_batt", "score_demo", "score_test", "phase1_filter", "phase2_inline",
              "phase3a_validate", "phase3b_file_ops", "phase4_differs")
#: Tasks measured when neither the command line nor the config names them.
DEFAULT_TASKS = "1"


# ------------------------------------------------------------------------------ slowdown injection
@dataclass(frozen=True)
class Slowdown:
    """Make `phase` take `factor` × its time for `variant` (None: every variant)."""

    phase: str
    factor: float
    variant: str | None = None
    copy_of: str | None = None  # register `variant` as a copy of this one first


def parse_slowdowns(spec: str | None) -> tuple[Slowdown, ...]:
    """``PHASE:FACTOR[:VARIANT[=BASE]]`` items separated by commas."""
    out = []
    for item in (spec or "").split(","):
        item = item.strip()
        if not item:
            continue
        parts = item.split(":")
        if len(parts) not in (2, 3):
            raise UsageError(f"{INJECT_ENV}: cannot parse {item!r}: expected PHASE:FACTOR[:VARIANT[=BASE]]")
        phase, factor_text = parts[0].strip(), parts[1].strip()
        if phase not in INJECTABLE:
            raise UsageError(f"{INJECT_ENV}: cannot slow down {phase!r}: choose from {', '.join(INJECTABLE)}")
        try:
            factor = float(factor_text)
        except ValueError:
            raise UsageError(f"{INJECT_ENV}: factor {factor_text!r} is not a number") from None
        if not factor >= 1.0:
            raise UsageError(f"{INJECT_ENV}: factor must be >= 1, got {factor}")
        variant, copy_of = None, None
        if len(parts) == 3 and parts[2].strip():
            variant, _, base = parts[2].strip().partition("=")
            copy_of = base or None
        out.append(Slowdown(phase, factor, variant, copy_of))
    return tuple(out)


def _spin(ns: int) -> None:
    """Busy-wait `ns` nanoseconds (CPU work, like a real slowdown; not a sleep)."""
    end = time.perf_counter_ns() + ns
    while time.perf_counter_ns() < end:
        pass


def _slowed(inner: Callable[..., Any], factors: Mapping[str | None, float]) -> Callable[..., Any]:
    @functools.wraps(inner)
    def slowed(*args: Any, **kwargs: Any) -> Any:
        ctx = args[-1] if args else kwargs.get("ctx")
        variant = getattr(getattr(getattr(ctx, "settings", None), "variant", None), "name", None)
        factor = factors.get(variant, factors.get(None, 1.0))
        t0 = time.perf_counter_ns()
        result = inner(*args, **kwargs)
        if factor > 1.0:
            _spin(int((time.perf_counter_ns() - t0) * (factor - 1.0)))
        return result

    return slowed


_PATCHED_ATTR = "_phasebench_unslowed"


def install_phase_slowdowns(slowdowns: Sequence[Slowdown]) -> None:
    """Wrap the phase functions of `solver_core.pipeline.task` in this process (idempotent).

    The wrapper runs inside the phase's span: the phase's own timing includes the injected time.
    """
    from harness import span
    from solver_core.pipeline import run as run_module
    from solver_core.pipeline import task as task_module

    by_phase: dict[str, dict[str | None, float]] = {}
    for s in slowdowns:
        by_phase.setdefault(s.phase, {})[s.variant] = s.factor
    for phase, factors in by_phase.items():
        current = getattr(task_module, phase)
        if getattr(current, _PATCHED_ATTR, None) is not None:
            continue
        inner = getattr(current, "__wrapped__", None)
        if inner is None:
            raise UsageError(f"cannot inject a slowdown into {phase!r}: not a span-decorated function")
        wrapped = span(phase)(_slowed(inner, factors))
        setattr(wrapped, _PATCHED_ATTR, current)
        setattr(task_module, phase, wrapped)
        if phase == "run_batt":
            run_module.run_batt = wrapped


def remove_phase_slowdowns() -> None:
    """Undo `install_phase_slowdowns` in this process."""
    from solver_core.pipeline import run as run_module
    from solver_core.pipeline import task as task_module

    for phase in INJECTABLE:
        current = getattr(task_module, phase)
        original = getattr(current, _PATCHED_ATTR, None)
        if original is not None:
            setattr(task_module, phase, original)
            if phase == "run_batt":
                run_module.run_batt = original


_ORIGINAL_RUN_TASKS: list[Callable[..., Any]] = []


@dataclass(frozen=True)
class InjectedRunTasks:
    """Stands in for `solver_core.pipeline.run.run_tasks`: installs the phase wrappers in whichever
    process runs it (the main process, or a task worker after unpickling), then runs the tasks."""

    slowdowns: tuple[Slowdown, ...]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from solver_core.pipeline import run as run_module

        install_phase_slowdowns(self.slowdowns)
        original = _ORIGINAL_RUN_TASKS[0] if _ORIGINAL_RUN_TASKS else run_module.run_tasks
        return original(*args, **kwargs)


@contextmanager
def inject_slowdown(slowdowns: Sequence[Slowdown] | str | None) -> Iterator[tuple[Slowdown, ...]]:
    """Inject `slowdowns` (or a spec string) into every pipeline run inside the block; undone on exit.

    Variants named ``NEW=BASE`` are registered for the block's duration.
    """
    from solver_core.pipeline import run as run_module
    from solver_core.variants import VARIANTS, get_variant, register

    items = parse_slowdowns(slowdowns) if isinstance(slowdowns, str) or slowdowns is None else tuple(slowdowns)
    if not items:
        yield items
        return
    if _ORIGINAL_RUN_TASKS:
        raise RuntimeError("inject_slowdown blocks cannot be nested")
    added = []
    try:
        for s in items:
            if s.copy_of and s.variant and s.variant not in VARIANTS:
                try:
                    base = get_variant(s.copy_of)
                except KeyError as exc:
                    raise UsageError(exc.args[0]) from None
                register(replace(base, name=s.variant, summary=f"{base.name} with an injected slowdown (test aid)"))
                added.append(s.variant)
        _ORIGINAL_RUN_TASKS.append(run_module.run_tasks)
        run_module.run_tasks = InjectedRunTasks(items)
        yield items
    finally:
        if _ORIGINAL_RUN_TASKS:
            run_module.run_tasks = _ORIGINAL_RUN_TASKS.pop()
        remove_phase_slowdowns()
        for name in added:
            VARIANTS.pop(name, None)


# ------------------------------------------------------------------------------------ measuring
AA_SUFFIX = ".aa"


def _variant_for(label: str) -> str:
    """The registered variant a measured name runs (``baseline.aa`` runs ``baseline``)."""
    return label[: -len(AA_SUFFIX)] if label.endswith(AA_SUFFIX) else label


def make_measure(tasks: Sequence[Any], workload: argparse.Namespace, labels: Sequence[str], work_dir: Path, *,
                 warmup: int, seed: int, dataset: str,
                 progress: Callable[[str], None] | None = None) -> Callable[[int], dict[str, list[dict]]]:
    """`measure(rounds)`: the pipeline run `rounds` times per label, interleaved; warm-up only on the
    first call. Each run gets a fresh output folder (deleted after it), and returns its phase times."""
    from harness.gate import record_phase_times
    from harness.interleave import run_interleaved
    from solver_core.pipeline import run_pipeline

    counter = itertools.count()
    calls = itertools.count()
    for label in labels:  # fail early on unknown variants
        settings_from(workload, _variant_for(label), work_dir)

    def runner(label: str) -> Callable[[int], dict]:
        def run(_round: int) -> dict:
            out = work_dir / f"{next(counter):05d}-{label}"
            settings = settings_from(workload, _variant_for(label), out)
            try:
                result = run_pipeline(tasks, settings, workers=workload.workers, workload={"dataset": dataset})
                # the span tree only: `to_dict()` would also probe the environment (~80 ms, git) every run
                return record_phase_times({"tree": result.recorder.tree.to_dict()})
            finally:
                shutil.rmtree(out, ignore_errors=True)

        return run

    runners = {label: runner(label) for label in labels}

    def measure(rounds: int) -> dict[str, list[dict]]:
        n = next(calls)
        return run_interleaved(runners, rounds=rounds, warmup=warmup if n == 0 else 0, seed=seed + n)

    return measure


# ------------------------------------------------------------------------------------------ CLI
def _merged_workload(args: argparse.Namespace, configured: Mapping[str, Any]) -> argparse.Namespace:
    """Command-line workload options over the config's, over the defaults."""
    defaults = getattr(args, "workload_defaults", {})

    def pick(key: str) -> Any:
        value = getattr(args, key, None)
        if value is not None:
            return value
        return configured.get(key, defaults.get(key))

    tasks = args.task or args.tasks
    if tasks is None and not args.all:
        tasks = str(configured.get("tasks", DEFAULT_TASKS))
    return argparse.Namespace(
        dataset=pick("dataset"), task=None, tasks=tasks, all=args.all, seed=int(pick("seed")),
        timeout=None if pick("timeout") is None else float(pick("timeout")), workers=pick("workers"),
        parents=int(pick("parents")), mutants=int(pick("mutants")), scheduler=getattr(args, "scheduler", None),
    )


def _gate_config(args: argparse.Namespace):
    from harness.gate import GateError, config_from_mapping, load_config, parse_rule

    config = load_config(args.config, missing_ok=bool(args.rule))
    if config is None:  # rules on the command line, no table in ./pyproject.toml
        config = config_from_mapping({}, "<command line>")
    overrides: dict[str, Any] = {}
    if args.rule:
        overrides["rules"] = tuple(parse_rule(r) for r in args.rule)
    if args.statistic is not None:
        overrides["statistic"] = args.statistic.replace("-", " ")
    for key in ("budget_s", "rounds", "step", "max_rounds", "confidence", "resamples", "warmup"):
        value = getattr(args, key)
        if value is not None:
            overrides[key] = value
    try:
        return replace(config, **overrides)
    except GateError:
        raise
    except (TypeError, ValueError) as exc:
        raise GateError(str(exc)) from None


def _progress(args: argparse.Namespace) -> Callable[[str], None] | None:
    if args.quiet:
        return None
    return lambda line: print(line, file=sys.stderr, flush=True)


def _outputs(args: argparse.Namespace, mode: str) -> tuple[Path, Path]:
    out = Path(args.out) if args.out else Path("reports") / ("gate-aa" if mode == "aa" else "gate")
    verdict = Path(args.verdict) if args.verdict else out / "verdict.json"
    summary = Path(args.summary) if args.summary else out / "summary.md"
    return verdict, summary


def _gate(args: argparse.Namespace) -> int:
    from harness import gate as g

    mode = "aa" if args.aa else "against" if args.against else "gate"
    verdict_path, summary_path = _outputs(args, mode)
    config = g.GateConfig()
    try:
        config = _gate_config(args)
        return _run_gate(args, config, mode, verdict_path, summary_path)
    except (g.GateError, UsageError) as exc:
        return _fail(config, mode, f"{exc}", verdict_path, summary_path)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - infrastructure failure: exit 3 with a clear message
        if os.environ.get("PHASEBENCH_DEBUG"):
            raise
        where = ""
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is not None:
            where = f" (at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno})"
        return _fail(config, mode, f"measuring failed: {type(exc).__name__}: {exc}{where}", verdict_path,
                     summary_path)


def _fail(config: Any, mode: str, message: str, verdict_path: Path, summary_path: Path) -> int:
    from harness import gate as g

    print(f"phasebench gate: error: {message}", file=sys.stderr)
    v = g.error_verdict(config, message, mode=mode)
    try:
        g.write_outputs(v.to_dict(), g.render_markdown(v), verdict_path, summary_path)
    except OSError:
        pass
    return g.EXIT_ERROR


def _run_gate(args: argparse.Namespace, config: Any, mode: str, verdict_path: Path, summary_path: Path) -> int:
    from harness import gate as g
    from harness.environment import capture_environment

    env = capture_environment(probe_gpu=False)
    progress = _progress(args)
    saved = None
    if mode == "aa":  # `run_aa` turns the rules' phases into A/A rules
        if args.aa_threshold is not None:
            config = replace(config, aa_threshold=args.aa_threshold)
    elif mode == "against":
        saved = g.load_saved(args.against)
        warning = g.check_fingerprint(saved, env, allow_mismatch=args.allow_fingerprint_mismatch)
        if warning:
            print(warning, file=sys.stderr)
        explicit = [r for r in config.rules if g.is_saved(r.variant) or g.is_saved(r.baseline)]
        variants = [v.strip() for v in args.variants.split(",") if v.strip()] if args.variants else None
        rules = tuple(explicit) if explicit and not variants and args.max_ratio is None else \
            g.against_rules(config, saved, args.max_ratio, variants)
        config = replace(config, rules=rules)
    else:
        saved_rules = [r.text for r in config.rules if g.is_saved(r.variant) or g.is_saved(r.baseline)]
        if saved_rules:
            config = replace(config, rules=tuple(r for r in config.rules if r.text not in saved_rules))
    if not config.rules:
        raise g.GateError(f"{config.source}: no gate rules: add `rules = [\"fast / baseline <= 0.9\", ...]` to "
                          "[tool.phasebench.gate] in pyproject.toml, or give --rule")
    ns = _merged_workload(args, config.workload)
    tasks = select_workload(ns, default=ns.tasks or DEFAULT_TASKS)
    workload = {"dataset": ns.dataset, "tasks": [t.id for t in tasks], "parents": ns.parents,
                "mutants": ns.mutants, "seed": ns.seed, "timeout": ns.timeout, "workers": ns.workers}
    config = replace(config, workload=workload)
    labels = list(config.variants)
    if mode == "aa":
        labels = [args.aa, args.aa + AA_SUFFIX]
    slowdowns = parse_slowdowns(os.environ.get(INJECT_ENV))
    if slowdowns:
        print(f"{INJECT_ENV} (testing aid): injecting "
              + ", ".join(f"{s.phase} x{s.factor:g} in {s.variant or 'every variant'}" for s in slowdowns),
              file=sys.stderr)
    work_root = Path(args.work_dir) if args.work_dir else None
    if work_root is not None:
        work_root.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="phasebench-gate-", dir=work_root))
    try:
        with inject_slowdown(slowdowns):
            measure = make_measure(tasks, ns, labels, work_dir, warmup=config.warmup, seed=config.seed,
                                   dataset=ns.dataset)
            if mode == "aa":
                aa = g.run_aa(config, measure, runs=args.runs, variant=args.aa, progress=progress)
                payload = aa.to_dict()
                payload.update(environment=env, workload=workload)
                markdown = g.render_aa_markdown(aa)
                written = g.write_outputs(payload, markdown, verdict_path, summary_path)
                print(markdown)
                print(f"A/A false-positive rate: {aa.false_positive_rate:.1%} "
                      f"({aa.count('regression')}/{aa.runs} runs)")
                for path in written:
                    print(f"wrote {path}")
                return g.EXIT_REGRESSION if aa.false_positive_rate > args.max_fp_rate else g.EXIT_PASS
            columns = saved.samples if saved is not None else None
            verdict = g.run_gate(config, measure, saved=columns, progress=progress, environment=env, mode=mode)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    if saved is not None:
        verdict.saved = {"source": saved.source, "kind": saved.kind, "fingerprint_id": saved.fingerprint_id,
                         "variants": sorted(saved.samples)}
    written = g.write_outputs(verdict.to_dict(), g.render_markdown(verdict), verdict_path, summary_path)
    print(g.render_text(verdict))
    for path in written:
        print(f"wrote {path}")
    return verdict.exit_code


@subcommand("gate", "CI regression gate: decide phase-time ratio rules on bootstrap CIs (exit 0/1/2/3)", run=_gate)
def _gate_options(p: argparse.ArgumentParser) -> None:
    add_workload_options(p)
    # the config's workload applies unless given on the command line; then `phasebench run`'s defaults
    keys = ("dataset", "seed", "timeout", "parents", "mutants")
    p.set_defaults(workload_defaults={k: p.get_default(k) for k in keys}, **dict.fromkeys(keys))
    p.add_argument("--config", metavar="FILE",
                   help="TOML file with the rules (default: [tool.phasebench.gate] in ./pyproject.toml)")
    p.add_argument("--rule", action="append", metavar="RULE",
                   help="'[PHASE:] VARIANT / BASELINE <= X' (repeatable; replaces the config's rules)")
    p.add_argument("--budget", dest="budget_s", type=float, help="seconds of measuring before 'inconclusive'")
    p.add_argument("--rounds", type=int, help="interleaved rounds of the first look")
    p.add_argument("--step", type=int, help="most rounds added per further look")
    p.add_argument("--max-rounds", type=int, help="stop adding rounds here")
    p.add_argument("--warmup", type=int, help="warm-up rounds (discarded)")
    p.add_argument("--confidence", type=float, help="confidence of the intervals (default 0.95)")
    p.add_argument("--resamples", type=int, help="bootstrap resamples (default 2000)")
    p.add_argument("--statistic", choices=["ratio-of-medians", "median-of-ratios"],
                   help="ratio statistic of paired rules (default median-of-ratios: median over rounds of "
                        "variant / baseline; ratio-of-medians: median(variant) / median(baseline))")
    p.add_argument("--out", metavar="DIR", help="where verdict.json and summary.md go (default reports/gate/)")
    p.add_argument("--verdict", metavar="FILE", help="verdict JSON path")
    p.add_argument("--summary", metavar="FILE", help="markdown summary path")
    p.add_argument("--work-dir", metavar="DIR", help="parent folder of the runs' scratch output")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    aa = p.add_argument_group("A/A (false-positive rate)")
    aa.add_argument("--aa", nargs="?", const="baseline", metavar="VARIANT",
                    help="run VARIANT (default baseline) against itself --runs times")
    aa.add_argument("--runs", type=int, default=20, help="A/A gate runs (default 20)")
    aa.add_argument("--aa-threshold", type=float, help="A/A rule bound (default aa_threshold, 1.05)")
    aa.add_argument("--max-fp-rate", type=float, default=0.1,
                    help="exit 1 when the A/A false-positive rate is above this (default 0.1)")
    sv = p.add_argument_group("against a saved run")
    sv.add_argument("--against", metavar="FILE",
                    help="a saved gate verdict.json, pytest-benchmark JSON, run record or folder of run records")
    sv.add_argument("--max-ratio", type=float, help="bound of 'V / V@saved' (default against_max_ratio, 1.10)")
    sv.add_argument("--variants", metavar="A,B", help="variants to compare with the saved run")
    sv.add_argument("--allow-fingerprint-mismatch", action="store_true",
                    help="compare with a run recorded on a different machine fingerprint anyway")
