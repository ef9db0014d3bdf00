"""`phasebench gate`: the CI regression gate on a workload (decision logic in `harness.gate`).

::

    phasebench gate                       # rules from [tool.phasebench.gate] in pyproject.toml
    phasebench gate --base HEAD~1         # this commit against its parent (base_rules: head / base)
    phasebench gate --base main --rule "score_demo: head / base <= 1.02"
    phasebench gate --measure cpu --rule "phase3a_validate: fast / baseline <= 0.6" --budget 60
    phasebench gate --aa --runs 20        # baseline against itself: the false-positive rate of timings
    phasebench gate --against reports/gate/verdict.json   # compare with a saved run (same machine, workload)

Measures (``--measure``): instructions under callgrind where valgrind, its header and a C compiler
are installed (the default), else CPU time; wall time when asked. Exit codes: see
`harness.gate.rules.EXIT_HELP`. Writes ``verdict.json`` and ``summary.md`` (also appended to
``$GITHUB_STEP_SUMMARY``), never over an earlier run's files unless ``--force``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.cli.common import add_workload_option, check_out_dir
from harness.workload import Command, Spec, UsageError, Workload

if TYPE_CHECKING:
    from harness import gate as g
else:
    class _Gate:
        """`harness.gate`, imported on first use: its rules, statistics and renderers cost every other
        command (`phasebench run`) their start-up otherwise."""

        def __getattr__(self, name: str) -> Any:
            from harness import gate

            return getattr(gate, name)

    g = _Gate()

AA_SUFFIX = ".aa"


def variant_for(label: str) -> str:
    """The variant a measured name runs (``baseline.aa`` runs ``baseline``)."""
    return label[: -len(AA_SUFFIX)] if label.endswith(AA_SUFFIX) else label


def make_measure(workload: Workload, spec: Spec, labels: Sequence[str], work_dir: Path, *, warmup: int,
                 seed: int, measure: str = "wall") -> g.Measure:
    """`measure(rounds)`: the workload run `rounds` times per label in this process, interleaved; warm-up
    only on the first call. Each run gets a fresh output folder (deleted after it), and returns its
    phase values (`measure`: ``cpu`` or ``wall``)."""
    from harness.interleave import run_interleaved

    known = workload.variants()
    for label in labels:  # fail early on unknown variants
        if variant_for(label) not in known:
            raise UsageError(f"unknown variant {variant_for(label)!r}: choose from {', '.join(known)}")
    counter = itertools.count()
    calls = itertools.count()

    def runner(label: str) -> Callable[[int], dict[str, int]]:
        def run(_round: int) -> dict[str, int]:
            out = work_dir / f"{next(counter):05d}-{label}"
            try:
                rec = workload.run(spec, variant_for(label), out)
                # the span tree only: `to_dict()` would also probe the environment (~80 ms, git) every run
                return g.phase_values({"tree": rec.tree.to_dict()}, measure)
            finally:
                shutil.rmtree(out, ignore_errors=True)

        return run

    runners = {label: runner(label) for label in labels}

    def measure_rounds(rounds: int) -> dict[str, list[dict[str, int]]]:
        n = next(calls)
        return run_interleaved(runners, rounds=rounds, warmup=warmup if n == 0 else 0, seed=seed + n)

    return measure_rounds


def _gate_config(args: argparse.Namespace, workload: Workload) -> g.GateConfig:
    config = g.load_config(args.config, missing_ok=bool(args.rule), workload_keys=workload.config_keys)
    if config is None:  # rules on the command line, no table in ./pyproject.toml
        config = g.config_from_mapping({}, "<command line>")
    overrides: dict[str, Any] = {}
    if args.rule:
        rules = tuple(g.parse_rule(r) for r in args.rule)
        overrides["base_rules" if args.base else "rules"] = rules
    if args.statistic is not None:
        overrides["statistic"] = args.statistic.replace("-", " ")
    for key in ("budget_s", "rounds", "step", "max_rounds", "confidence", "resamples", "warmup", "measure"):
        value = getattr(args, key)
        if value is not None:
            overrides[key] = value
    try:
        return replace(config, **overrides)
    except g.GateError:
        raise
    except (TypeError, ValueError) as exc:
        raise g.GateError(str(exc)) from None


def _progress(args: argparse.Namespace) -> Callable[[str], None] | None:
    if args.quiet:
        return None
    return lambda line: print(line, file=sys.stderr, flush=True)


def _outputs(args: argparse.Namespace, mode: str) -> tuple[Path, Path]:
    default = {"aa": "gate-aa", "base": "gate-base"}.get(mode, "gate")
    out = Path(args.out) if args.out else Path("reports") / default
    verdict = Path(args.verdict) if args.verdict else out / "verdict.json"
    summary = Path(args.summary) if args.summary else out / "summary.md"
    return verdict, summary


def _mode(args: argparse.Namespace) -> str:
    chosen = [m for m, on in (("aa", args.aa), ("against", args.against), ("base", args.base)) if on]
    if len(chosen) > 1:
        raise g.GateError(f"--{' and --'.join(chosen)} cannot be combined: choose one")
    return chosen[0] if chosen else "gate"


def run(args: argparse.Namespace, workload: Workload) -> int:
    from harness.worktree import WorktreeError, WorktreeFailure

    mode = "aa" if args.aa else "against" if args.against else "base" if args.base else "gate"
    paths = _outputs(args, mode)
    config = g.GateConfig()
    usage_errors: tuple[type[BaseException], ...] = (g.GateError, UsageError, WorktreeError, *workload.usage_errors())
    previous = _exit_on_sigterm()
    try:
        mode = _mode(args)
        check_out_dir(args.out)  # a file there fails now, not after minutes of measuring
        config = _gate_config(args, workload)
        return _run_gate(args, workload, config, mode, paths)
    except (g.InfrastructureError, WorktreeFailure) as exc:
        return _fail(args, config, mode, str(exc), paths, usage=False)
    except usage_errors as exc:
        return _fail(args, config, mode, str(exc), paths, usage=True)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - infrastructure failure: exit 5 with a clear message
        if os.environ.get("PHASEBENCH_DEBUG"):
            raise
        where = ""
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is not None:
            where = f" (at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno})"
        return _fail(args, config, mode, f"measuring failed: {type(exc).__name__}: {exc}{where}", paths, usage=False)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm() -> Any:
    """SIGTERM (a CI job's timeout) unwinds like Ctrl-C: the base's worktree is removed and the counted runs
    are killed. Returns the previous handler (None off the main thread, where none can be set)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    return signal.signal(signal.SIGTERM, stop)


def _fail(args: argparse.Namespace, config: g.GateConfig, mode: str, message: str, paths: tuple[Path, Path], *,
          usage: bool) -> int:
    v = g.error_verdict(config, message, mode=mode, usage=usage)
    print(f"phasebench gate: {v.verdict}: {message}", file=sys.stderr)
    try:
        _report(args, v.to_dict(), g.render_markdown(v), "", paths)
    except (OSError, g.GateError):
        pass
    return v.exit_code


def _measure_choice(args: argparse.Namespace, config: g.GateConfig, workload: Workload, mode: str,
                    saved: g.SavedRun | None) -> g.MeasureChoice:
    asked = None if config.measure == "auto" else config.measure
    if mode == "against" and saved is not None and asked is None:
        return g.resolve_measure(saved.measure) if saved.measure == "instructions" else \
            g.MeasureChoice(saved.measure, f"{saved.measure} time, as the saved run {saved.source} measured")
    if mode == "aa":
        if asked == "instructions":
            raise g.GateError("--aa measures timing noise: instruction counts do not need it (use --base HEAD "
                              "for the same commit against itself), give --measure cpu or wall")
        return g.MeasureChoice(asked or "cpu", f"{asked or 'cpu'} time" + (" (asked for)" if asked else
                                                                          " (A/A runs repeat a timing measure)"))
    if asked is None and getattr(workload, "run_argv", None) is None:
        return g.MeasureChoice("cpu", f"CPU time: workload {workload.name!r} cannot run as a command "
                                      "(no run_argv), which counting instructions needs")
    return g.resolve_measure(asked)


def _mode_rules(args: argparse.Namespace, config: g.GateConfig, mode: str,
                env: dict[str, Any]) -> tuple[g.GateConfig, g.SavedRun | None]:
    """The rules this mode decides: the config's (saved-run rules dropped), A/A's, head / base, or against a
    saved run."""
    saved = None
    if mode == "aa":  # `run_aa` turns the rules' phases into A/A rules
        if args.aa_threshold is not None:
            config = replace(config, aa_threshold=args.aa_threshold)
    elif mode == "base":
        g.check_base_rules(config.base_rules, "--base rules")
        config = replace(config, rules=config.base_rules)
        if not config.rules:
            raise g.GateError(f"{config.source}: no --base rules: add `base_rules = [\"score_demo: head / base <= "
                              "1.02\", ...]` to [tool.phasebench.gate], or give --rule")
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
    return config, saved


def _report(args: argparse.Namespace, payload: dict[str, Any], markdown: str, text: str,
            paths: tuple[Path, Path]) -> None:
    where, clash = g.free_paths(paths, force=args.force)
    written = g.write_outputs(payload, markdown, where[0], where[1])
    if text:
        print(text)
    if clash is not None:
        print(f"{clash} holds an earlier run's output: not overwritten (--force overwrites)")
    for path in written:
        print(f"wrote {path}")


def _known_variant(workload: Workload, variant: str) -> str:
    known = workload.variants()
    if variant not in known:
        raise UsageError(f"unknown variant {variant!r}: choose from {', '.join(known)}")
    return variant


def _decide(args: argparse.Namespace, workload: Workload, spec: Spec, config: g.GateConfig, mode: str,
            choice: g.MeasureChoice, saved: g.SavedRun | None, env: dict[str, Any], work_dir: Path) -> g.GateVerdict:
    """Measure as `mode` and `choice` say and decide the rules."""
    from harness.gate.sides import head_checkout, side_from_checkout

    progress = _progress(args)
    if mode == "base":
        variant = _known_variant(workload, args.variant or config.base_variant or workload.baseline)
        return g.gate_against_base(config, args.base, variant, workload, spec, work_dir, choice=choice,
                                   progress=progress, environment=env)
    if choice.name == "instructions":
        head, dirty = head_checkout(".")
        names = [_known_variant(workload, name) for name in config.variants]
        sides = [side_from_checkout(head, name, name, dirty=dirty) for name in names]
        extra = None
        if saved is not None:
            extra = {n + g.SAVED_SUFFIX: {p: col[0] for p, col in cols.items() if col}
                     for n, cols in saved.samples.items()}
        try:
            verdict = g.counted_verdict(config, sides, workload, spec, work_dir, mode=mode, extra_counts=extra,
                                        progress=progress, environment=env)
        except g.NoMarks as exc:
            raise g.InfrastructureError(f"{exc}: no phase marks under callgrind (run with --measure cpu)") from None
    else:
        measure = make_measure(workload, spec, config.variants, work_dir, warmup=config.warmup, seed=config.seed,
                               measure=choice.name)
        columns = saved.samples if saved is not None else None
        verdict = g.run_gate(config, measure, saved=columns, progress=progress, environment=env, mode=mode)
        verdict.measure = choice.name
    verdict.measure_reason = choice.reason
    return verdict


def _run_gate(args: argparse.Namespace, workload: Workload, config: g.GateConfig, mode: str,
              paths: tuple[Path, Path]) -> int:
    from harness.environment import capture_environment

    env = capture_environment(probe_gpu=False)
    config, saved = _mode_rules(args, config, mode, env)
    choice = _measure_choice(args, config, workload, mode, saved)
    spec = workload.describe(args, "gate", config.workload)
    config = replace(config, workload=spec.description)
    if saved is not None and (warning := g.check_comparable(saved, spec.description, choice.name)):
        print(warning, file=sys.stderr)
    work_root = Path(args.work_dir) if args.work_dir else None
    if work_root is not None:
        work_root.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="phasebench-gate-", dir=work_root))
    try:
        if mode == "aa":
            return _run_aa(args, workload, spec, config, choice, env, work_dir, paths)
        verdict = _decide(args, workload, spec, config, mode, choice, saved, env, work_dir)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    if saved is not None:
        verdict.saved = {"source": saved.source, "kind": saved.kind, "fingerprint_id": saved.fingerprint_id,
                         "variants": sorted(saved.samples), "measure": saved.measure}
    _report(args, verdict.to_dict(), g.render_markdown(verdict), g.render_text(verdict), paths)
    return verdict.exit_code


def _run_aa(args: argparse.Namespace, workload: Workload, spec: Spec, config: g.GateConfig, choice: g.MeasureChoice,
            env: dict[str, Any], work_dir: Path, paths: tuple[Path, Path]) -> int:
    labels = [args.aa, args.aa + AA_SUFFIX]
    measure = make_measure(workload, spec, labels, work_dir, warmup=config.warmup, seed=config.seed,
                           measure=choice.name)
    aa = g.run_aa(config, measure, runs=args.runs, variant=args.aa, progress=_progress(args))
    payload = {**aa.to_dict(), "environment": env, "workload": spec.description, "measure": choice.name,
               "measure_reason": choice.reason}
    rate = f"A/A false-positive rate: {aa.false_positive_rate:.1%} ({aa.count('regression')}/{aa.runs} runs)"
    markdown = g.render_aa_markdown(aa, measure=choice.name)
    _report(args, payload, markdown, f"{markdown}\n{rate}", paths)
    return g.EXIT_REGRESSION if aa.false_positive_rate > args.max_fp_rate else g.EXIT_PASS


def configure(p: argparse.ArgumentParser, workload: Workload) -> None:
    p.epilog = g.EXIT_HELP
    add_workload_option(p)
    workload.add_options(p, "gate")  # the config's workload keys apply unless given on the command line
    p.add_argument("--config", metavar="FILE",
                   help="TOML file with the rules (default: [tool.phasebench.gate] in ./pyproject.toml)")
    p.add_argument("--rule", action="append", metavar="RULE",
                   help="'[PHASE:] VARIANT / BASELINE <= X', with --base 'PHASE: head / base <= X' "
                        "(repeatable; replaces the config's rules)")
    p.add_argument("--measure", choices=[*g.MEASURES, "auto"],
                   help="what decides: instructions (callgrind; load cannot move them), cpu or wall time "
                        "(default auto: instructions where valgrind, its header and a C compiler are installed, "
                        "else cpu; config key `measure`)")
    p.add_argument("--budget", dest="budget_s", type=float,
                   help="seconds of measuring before 'inconclusive' (cpu and wall)")
    p.add_argument("--rounds", type=int, help="interleaved rounds of the first look (cpu and wall)")
    p.add_argument("--step", type=int, help="most rounds added per further look")
    p.add_argument("--max-rounds", type=int, help="stop adding rounds here")
    p.add_argument("--warmup", type=int, help="warm-up rounds (discarded)")
    p.add_argument("--confidence", type=float, help="confidence of the intervals (default 0.95)")
    p.add_argument("--resamples", type=int, help="bootstrap resamples (default 2000)")
    p.add_argument("--statistic", choices=["ratio-of-medians", "median-of-ratios"],
                   help="ratio statistic of paired rules (default median-of-ratios: median over rounds of "
                        "variant / baseline; ratio-of-medians: median(variant) / median(baseline))")
    p.add_argument("--out", metavar="DIR",
                   help="where verdict.json and summary.md go (default reports/gate/, reports/gate-base/ with --base)")
    p.add_argument("--verdict", metavar="FILE", help="verdict JSON path")
    p.add_argument("--summary", metavar="FILE", help="markdown summary path")
    p.add_argument("--force", action="store_true",
                   help="overwrite an earlier run's verdict and summary (default: write <name>-2.json, ... and say so)")
    p.add_argument("--work-dir", metavar="DIR", help="parent folder of the runs' scratch output")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    base = p.add_argument_group("this commit against a base commit")
    base.add_argument("--base", metavar="REF",
                      help="run REF (from a temporary git worktree) and the working tree on the same workload and "
                           "decide 'PHASE: head / base <= X' rules (base_rules in the config)")
    base.add_argument("--variant", metavar="NAME",
                      help="the variant both sides run (default: base_variant in the config, else the baseline)")
    aa = p.add_argument_group("A/A (false-positive rate of a timing measure)")
    aa.add_argument("--aa", nargs="?", const="baseline", metavar="VARIANT",
                    help="run VARIANT (default baseline) against itself --runs times")
    aa.add_argument("--runs", type=int, default=20, help="A/A gate runs (default 20)")
    aa.add_argument("--aa-threshold", type=float, help="A/A rule bound (default aa_threshold, 1.05)")
    aa.add_argument("--max-fp-rate", type=float, default=0.1,
                    help="exit 1 when the A/A false-positive rate is above this (default 0.1)")
    sv = p.add_argument_group("against a saved run")
    sv.add_argument("--against", metavar="FILE",
                    help="a saved gate verdict.json, pytest-benchmark JSON, run record or folder of run records "
                         "(refused when its workload, settings or measure differ)")
    sv.add_argument("--max-ratio", type=float, help="bound of 'V / V@saved' (default against_max_ratio, 1.10)")
    sv.add_argument("--variants", metavar="A,B", help="variants to compare with the saved run")
    sv.add_argument("--allow-fingerprint-mismatch", action="store_true",
                    help="compare with a run recorded on a different machine fingerprint anyway")


def command(workload: Workload) -> Command:
    return Command("gate", "CI regression gate: decide phase ratio rules on instruction counts or CPU/wall time, "
                           "variants or this commit against a base (exit 0 pass, 1 regression, 2/3 usage, "
                           "4 inconclusive, 5 error)",
                   lambda p: configure(p, workload), lambda args: run(args, workload))


__all__ = ["AA_SUFFIX", "command", "make_measure", "variant_for"]
