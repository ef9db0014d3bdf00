"""A CI regression gate on phase-time ratios, decided on paired-bootstrap confidence intervals.

The gate is generic: it takes a ``measure(rounds) -> {name: [record, ...]}`` callable that runs every
measured variant ``rounds`` times, interleaved (round *i* of each variant forms a pair), and a list of
rules such as ``phase3a_validate: fast / baseline <= 0.6``. For every rule it computes the ratio of
the phase's time, variant to baseline, and its bootstrap confidence interval, paired when both sides
were measured in the same rounds (by default the median of the per-round ratios, which cancels what a
round's machine state does to both; ``statistic = "ratio of medians"`` for median(variant) /
median(baseline); comparisons with a saved run are unpaired ratios of medians), then decides:

- **pass** when the whole interval is within the threshold,
- **fail** when the whole interval is beyond it,
- **inconclusive** when it straddles the threshold: the gate measures more rounds, as long as the time
  budget allows, and re-decides on all rounds so far; if it still straddles, the rule stays
  inconclusive.

The overall verdict is ``regression`` (exit 1) when any rule fails, ``inconclusive`` (exit 4) when none
fails but some rule is undecided, ``pass`` (exit 0) otherwise; usage errors exit 3 (argparse's own: 2)
and infrastructure errors 5 (`harness.gate.rules.EXIT_HELP`).

What is measured (`harness.gate.measures`): instruction counts under callgrind where valgrind is
installed (each side runs once; load does not move them), else CPU time, or wall time when asked;
the verdict and the summary say which measure decided and why. ``gate --base REF``
(`harness.gate.base`) compares the working tree ("head") with a commit ("base") run from a temporary
worktree, on rules ``PHASE: head / base <= X`` (``base_rules`` in the config).
Each look at the data uses the configured confidence; repeated looks raise the error rate somewhat for
a true ratio sitting right on a threshold, so leave thresholds a margin over the ratio you expect.

Rules come from ``[tool.phasebench.gate]`` in ``pyproject.toml`` (or a TOML file of their own)::

    [tool.phasebench.gate]
    rules = [
        "total: fast / baseline <= 0.9",
        "phase3a_validate: fast / baseline <= 0.6",
    ]
    budget_s = 60

A rule without ``PHASE:`` is about ``total`` (the run's root). ``>=`` rules are lower bounds. A name
written ``NAME@saved`` refers to a saved run's samples (``load_saved``); such comparisons are unpaired.


Modules: `harness.gate.rules` (rules, config, exit codes), `harness.gate.decide` (samples, decisions,
the measuring loop, A/A), `harness.gate.measures` (instructions / cpu / wall), `harness.gate.sides`
(running a side as a command), `harness.gate.base` (head against base, counted verdicts),
`harness.gate.saved` (saved runs, fingerprints, workload checks, output files) and the renderers in
`harness.renderers.gate`.
"""

from __future__ import annotations

from harness.gate.base import NoMarks, counted_verdict, gate_against_base
from harness.gate.decide import (
    AAResult,
    GateVerdict,
    RatioFn,
    RuleOutcome,
    aa_rules,
    error_verdict,
    evaluate,
    overall,
    record_phase_times,
    run_aa,
    run_gate,
    to_columns,
)
from harness.gate.measures import MEASURES, MeasureChoice, decide_counts, phase_values, resolve_measure
from harness.gate.rules import (
    BASE,
    EXIT_ARGPARSE,
    EXIT_ERROR,
    EXIT_HELP,
    EXIT_INCONCLUSIVE,
    EXIT_PASS,
    EXIT_REGRESSION,
    EXIT_USAGE,
    FAIL,
    HEAD,
    INCONCLUSIVE,
    PASS,
    SAVED_SUFFIX,
    STATISTICS,
    TABLE,
    TOTAL,
    VERDICT_EXIT,
    VERDICT_SCHEMA,
    GateConfig,
    GateError,
    InfrastructureError,
    Measure,
    Rule,
    Samples,
    check_base_rules,
    config_from_mapping,
    is_saved,
    load_config,
    parse_rule,
)
from harness.gate.saved import (
    SavedRun,
    against_rules,
    check_comparable,
    check_fingerprint,
    free_paths,
    load_saved,
    workload_differences,
    write_outputs,
)
from harness.renderers.gate import render_aa_markdown, render_markdown, render_text

__all__ = [
    "BASE", "EXIT_ARGPARSE", "EXIT_ERROR", "EXIT_HELP", "EXIT_INCONCLUSIVE", "EXIT_PASS", "EXIT_REGRESSION",
    "EXIT_USAGE", "FAIL", "HEAD", "INCONCLUSIVE", "MEASURES", "PASS", "SAVED_SUFFIX", "STATISTICS", "TABLE", "TOTAL",
    "VERDICT_EXIT", "VERDICT_SCHEMA", "AAResult", "GateConfig", "GateError", "GateVerdict", "InfrastructureError",
    "Measure", "MeasureChoice", "NoMarks", "RatioFn", "Rule", "RuleOutcome", "Samples", "SavedRun", "aa_rules",
    "against_rules", "check_base_rules", "check_comparable", "check_fingerprint", "config_from_mapping",
    "counted_verdict", "decide_counts", "error_verdict", "evaluate", "free_paths", "gate_against_base", "is_saved",
    "load_config", "load_saved", "overall", "parse_rule", "phase_values", "record_phase_times", "render_aa_markdown",
    "render_markdown", "render_text", "resolve_measure", "run_aa", "run_gate", "to_columns", "workload_differences",
    "write_outputs",
]
