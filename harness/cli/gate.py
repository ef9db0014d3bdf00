"""`phasebench gate`: the CI regression gate on a workload (decision logic in `harness.gate`).

::

    phasebench gate                       # rules from [tool.phasebench.gate] in pyproject.toml
    phasebench gate --rule "phase3a_validate: fast / baseline <= 0.6" --budget 60
    phasebench gate --aa --runs 20        # baseline against itself: the false-positive rate
    phasebench gate --against reports/gate/verdict.json   # compare with a saved run (same machine)
    phasebench gate --workload mypkg.bench:Sorting --rule "sort: fast / baseline <= 0.5"

Exit codes: 0 pass, 1 regression, 2 inconclusive, 3 usage or infrastructure error. Writes
``verdict.json`` and ``summary.md`` (also appended to ``$GITHUB_STEP_SUMMARY`` when set).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness import gate as g
from harness.cli.common import add_workload_option
from harness.workload import Command, Spec, UsageError, Workload

AA_SUFFIX = ".aa"


def variant_for(label: str) -> str:
    """The variant a measured name runs (``baseline.aa`` runs ``baseline``)."""
    return label[: -len(AA_SUFFIX)] if label.endswith(AA_SUFFIX) else label


def make_measure(workload: Workload, spec: Spec, labels: Sequence[str], work_dir: Path, *, warmup: int,
                 seed: int) -> g.Measure:
    """`measure(rounds)`: the workload run `rounds` times per label, interleaved; warm-up only on the
    first call. Each run gets a fresh output folder (deleted after it), and returns its phase times."""
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
                return g.record_phase_times({"tree": rec.tree.to_dict()})
            finally:
                shutil.rmtree(out, ignore_errors=True)

        return run

    runners = {label: runner(label) for label in labels}

    def measure(rounds: int) -> dict[str, list[dict[str, int]]]:
        n = next(calls)
        return run_interleaved(runners, rounds=rounds, warmup=warmup if n == 0 else 0, seed=seed + n)

    return measure


def _gate_config(args: argparse.Namespace, workload: Workload) -> g.GateConfig:
    config = g.load_config(args.config, missing_ok=bool(args.rule), workload_keys=workload.config_keys)
    if config is None:  # rules on the command line, no table in ./pyproject.toml
        config = g.config_from_mapping({}, "<command line>")
    overrides: dict[str, Any] = {}
    if args.rule:
        overrides["rules"] = tuple(g.parse_rule(r) for r in args.rule)
    if args.statistic is not None:
        overrides["statistic"] = args.statistic.replace("-", " ")
    for key in ("budget_s", "rounds", "step", "max_rounds", "confidence", "resamples", "warmup"):
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
    out = Path(args.out) if args.out else Path("reports") / ("gate-aa" if mode == "aa" else "gate")
    verdict = Path(args.verdict) if args.verdict else out / "verdict.json"
    summary = Path(args.summary) if args.summary else out / "summary.md"
    return verdict, summary


def run(args: argparse.Namespace, workload: Workload) -> int:
    mode = "aa" if args.aa else "against" if args.against else "gate"
    verdict_path, summary_path = _outputs(args, mode)
    config = g.GateConfig()
    try:
        config = _gate_config(args, workload)
        return _run_gate(args, workload, config, mode, (verdict_path, summary_path))
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


def _fail(config: g.GateConfig, mode: str, message: str, verdict_path: Path, summary_path: Path) -> int:
    print(f"phasebench gate: error: {message}", file=sys.stderr)
    v = g.error_verdict(config, message, mode=mode)
    try:
        g.write_outputs(v.to_dict(), g.render_markdown(v), verdict_path, summary_path)
    except OSError:
        pass
    return g.EXIT_ERROR


def _mode_rules(args: argparse.Namespace, config: g.GateConfig, mode: str,
                env: dict[str, Any]) -> tuple[g.GateConfig, g.SavedRun | None]:
    """The rules this mode decides: the config's (saved-run rules dropped), A/A's, or against a saved run."""
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
    return config, saved


def _report(payload: dict[str, Any], markdown: str, text: str, paths: tuple[Path, Path]) -> None:
    written = g.write_outputs(payload, markdown, *paths)
    print(text)
    for path in written:
        print(f"wrote {path}")


def _run_gate(args: argparse.Namespace, workload: Workload, config: g.GateConfig, mode: str,
              paths: tuple[Path, Path]) -> int:
    from harness.environment import capture_environment

    env = capture_environment(probe_gpu=False)
    config, saved = _mode_rules(args, config, mode, env)
    spec = workload.describe(args, "gate", config.workload)
    config = replace(config, workload=spec.description)
    labels = [args.aa, args.aa + AA_SUFFIX] if mode == "aa" else list(config.variants)
    work_root = Path(args.work_dir) if args.work_dir else None
    if work_root is not None:
        work_root.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="phasebench-gate-", dir=work_root))
    try:
        measure = make_measure(workload, spec, labels, work_dir, warmup=config.warmup, seed=config.seed)
        if mode == "aa":
            aa = g.run_aa(config, measure, runs=args.runs, variant=args.aa, progress=_progress(args))
            payload = {**aa.to_dict(), "environment": env, "workload": spec.description}
            rate = (f"A/A false-positive rate: {aa.false_positive_rate:.1%} "
                    f"({aa.count('regression')}/{aa.runs} runs)")
            markdown = g.render_aa_markdown(aa)
            _report(payload, markdown, f"{markdown}\n{rate}", paths)
            return g.EXIT_REGRESSION if aa.false_positive_rate > args.max_fp_rate else g.EXIT_PASS
        columns = saved.samples if saved is not None else None
        verdict = g.run_gate(config, measure, saved=columns, progress=_progress(args), environment=env, mode=mode)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    if saved is not None:
        verdict.saved = {"source": saved.source, "kind": saved.kind, "fingerprint_id": saved.fingerprint_id,
                         "variants": sorted(saved.samples)}
    _report(verdict.to_dict(), g.render_markdown(verdict), g.render_text(verdict), paths)
    return verdict.exit_code


def configure(p: argparse.ArgumentParser, workload: Workload) -> None:
    add_workload_option(p)
    workload.add_options(p, "gate")  # the config's workload keys apply unless given on the command line
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


def command(workload: Workload) -> Command:
    return Command("gate", "CI regression gate: decide phase-time ratio rules on bootstrap CIs (exit 0/1/2/3)",
                   lambda p: configure(p, workload), lambda args: run(args, workload))


__all__ = ["AA_SUFFIX", "command", "make_measure", "variant_for"]
