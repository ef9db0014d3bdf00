"""The gate's decision: samples per phase, CI-based rule outcomes, the budgeted measuring loop, A/A runs."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from harness.gate.rules import (
    ERROR,
    FAIL,
    INCONCLUSIVE,
    SAVED_SUFFIX,
    TOTAL,
    USAGE_ERROR,
    VERDICT_EXIT,
    VERDICT_SCHEMA,
    GateConfig,
    GateError,
    InfrastructureError,
    Measure,
    Rule,
    Samples,
    is_saved,
)
from harness.processors.phases import phase_times


def record_phase_times(record: Mapping[str, Any]) -> dict[str, int]:
    """Phase times of one sample: a run record (`harness.processors.phases.phase_times`), or
    already a flat ``{phase: ns}`` mapping (synthetic samples, saved columns)."""
    if "tree" not in record:
        return {str(k): int(v) for k, v in record.items()}
    return phase_times(record)


def to_columns(records: Iterable[Mapping[str, Any]]) -> dict[str, list[int]]:
    """Per-phase columns from per-round records; a phase absent from a round counts 0 there."""
    rows = [record_phase_times(r) for r in records]
    phases: list[str] = []
    for row in rows:
        phases += [p for p in row if p not in phases]
    return {p: [row.get(p, 0) for row in rows] for p in phases}


def _extend(samples: Samples, name: str, columns: Mapping[str, list[int]], before: int) -> None:
    """Append a batch's columns, keeping every phase column as long as the round count."""
    mine = samples.setdefault(name, {})
    added = max((len(c) for c in columns.values()), default=0)
    for phase in set(mine) | set(columns):
        col = mine.setdefault(phase, [0] * before)
        col.extend(columns.get(phase, [0] * added))


@dataclass(frozen=True)
class RuleOutcome:
    """One rule's decision on the rounds measured so far."""

    rule: Rule
    verdict: str
    ratio: float
    low: float
    high: float
    n: int
    method: str
    variant_median_ns: float
    baseline_median_ns: float

    def to_dict(self) -> dict[str, Any]:
        r = self.rule
        return {"rule": r.text, "phase": r.phase, "variant": r.variant, "baseline": r.baseline, "op": r.op,
                "threshold": r.threshold, "verdict": self.verdict, "ratio": _num(self.ratio),
                "ci": [_num(self.low), _num(self.high)], "n": self.n, "method": self.method,
                "variant_median_ns": _num(self.variant_median_ns),
                "baseline_median_ns": _num(self.baseline_median_ns)}

    def describe(self) -> str:
        return (f"{self.rule.phase}: {self.rule.variant} / {self.rule.baseline} = {self.ratio:.3f} "
                f"[{self.low:.3f}, {self.high:.3f}] vs {self.rule.op} {self.rule.threshold:g}")


def _num(x: float) -> float | None:
    return round(float(x), 6) if math.isfinite(x) else None


RatioFn = Callable[..., Any]  # harness.stats.ratio_ci's signature


def _column(samples: Samples, name: str, phase: str) -> list[int]:
    if name not in samples:
        raise GateError(f"no samples of {name!r} (have: {', '.join(sorted(samples)) or 'none'})")
    col = samples[name].get(phase)
    if col is None:
        seen = ", ".join(sorted(p for p, c in samples[name].items() if any(c)))
        raise GateError(f"phase {phase!r} never ran in {name!r}: check the rule's phase name "
                        f"(phases seen: {seen})")
    if not any(col):  # it ran, but every round measured nothing (e.g. CPU of a phase that only waits)
        raise GateError(f"phase {phase!r} ran in {name!r} but measured 0 in all {len(col)} rounds: no ratio "
                        "can be formed; gate it with another measure (--measure wall) or gate its parent phase")
    return col


def evaluate(samples: Samples, rules: Sequence[Rule], *, confidence: float = 0.95, resamples: int = 2000,
             seed: int = 0, ratio_ci: RatioFn | None = None,
             statistic: str = "median of ratios") -> list[RuleOutcome]:
    """Decide every rule on the samples: bootstrap CI of the median of per-round ratios (paired rules,
    by default) or of the ratio of medians (`statistic`, and always for unpaired rules)."""
    from harness.stats import median
    from harness.stats import ratio_ci as default_ratio_ci

    ratio_ci = ratio_ci or default_ratio_ci

    out = []
    for rule in rules:
        num = _column(samples, rule.variant, rule.phase)
        den = _column(samples, rule.baseline, rule.phase)
        paired = rule.paired and len(num) == len(den)
        kwargs: dict[str, Any] = {"statistic": statistic} if paired and statistic != "ratio of medians" else {}
        ci = ratio_ci(den, num, paired=paired, resamples=resamples, confidence=confidence, seed=seed, **kwargs)
        low, high = float(ci.low), float(ci.high)
        verdict = rule.decide(low, high) if math.isfinite(low) and math.isfinite(high) else INCONCLUSIVE
        out.append(RuleOutcome(rule, verdict, float(ci.ratio), low, high, int(ci.n), str(ci.method),
                               float(median(num)), float(median(den))))
    return out


def overall(outcomes: Sequence[RuleOutcome]) -> str:
    """regression if any rule failed, else inconclusive if any is undecided, else pass."""
    verdicts = {o.verdict for o in outcomes}
    return "regression" if FAIL in verdicts else "inconclusive" if INCONCLUSIVE in verdicts else "pass"


@dataclass
class GateVerdict:
    """The gate's result: overall verdict, per-rule outcomes, what was measured and why it stopped."""

    verdict: str
    outcomes: list[RuleOutcome]
    rounds: int
    elapsed_s: float
    config: GateConfig
    samples: Samples
    looks: list[dict[str, Any]] = field(default_factory=list)
    stopped: str = ""
    environment: dict[str, Any] | None = None
    saved: dict[str, Any] | None = None
    mode: str = "gate"
    error: str | None = None
    #: what decided: "wall", "cpu" or "instructions", and why that measure (said in the summary)
    measure: str = "wall"
    measure_reason: str = ""
    #: ``gate --base``: the two sides (ref, commit, ...); lines the summary shows as they are
    sides: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return VERDICT_EXIT[self.verdict]

    @property
    def failed(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if o.verdict == FAIL]

    @property
    def undecided(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if o.verdict == INCONCLUSIVE]

    @property
    def failed_phases(self) -> list[str]:
        return list(dict.fromkeys(o.rule.phase for o in self.failed))

    def headline(self) -> str:
        """One line for the terminal / log."""
        if self.verdict in (ERROR, USAGE_ERROR):
            return f"gate: {self.verdict.upper()}: {self.error}"
        if self.verdict == "regression":
            return "gate: REGRESSION in " + "; ".join(o.describe() for o in self.failed)
        if self.verdict == "inconclusive":
            return (f"gate: INCONCLUSIVE after {self.rounds} {self._rounds_word} ({self.stopped}): "
                    + "; ".join(o.describe() for o in self.undecided))
        return f"gate: PASS ({len(self.outcomes)} rule(s), {self.rounds} {self._rounds_word}, {self.measure})"

    @property
    def _rounds_word(self) -> str:
        return "counted run(s) per side" if self.measure == "instructions" else "rounds"

    def to_dict(self, *, include_samples: bool = True) -> dict[str, Any]:
        c = self.config
        out: dict[str, Any] = {
            "schema": VERDICT_SCHEMA,
            "mode": self.mode,
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "headline": self.headline(),
            "measure": self.measure,
            "measure_reason": self.measure_reason,
            "sides": self.sides,
            "notes": self.notes,
            "failed_phases": self.failed_phases,
            "rules": [o.to_dict() for o in self.outcomes],
            "rounds": self.rounds,
            "elapsed_s": round(self.elapsed_s, 3),
            "stopped": self.stopped,
            "settings": {"budget_s": c.budget_s, "rounds": c.rounds, "step": c.step, "max_rounds": c.max_rounds,
                         "warmup": c.warmup, "confidence": c.confidence, "resamples": c.resamples,
                         "statistic": c.statistic, "measure": c.measure,
                         "instructions_tolerance": c.instructions_tolerance,
                         "seed": c.seed, "config": c.source},
            "workload": c.workload,
            "looks": self.looks,
            "environment": self.environment,
            "saved": self.saved,
            "error": self.error,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        if include_samples:
            out["samples"] = {name: cols for name, cols in self.samples.items() if not is_saved(name)}
        return out


def error_verdict(config: GateConfig, message: str, *, mode: str = "gate", usage: bool = False) -> GateVerdict:
    """A verdict for a gate that could not run: a usage error (exit 3) or an infrastructure error (exit 5)."""
    kind = USAGE_ERROR if usage else ERROR
    return GateVerdict(kind, [], 0, 0.0, config, {}, stopped=kind, mode=mode, error=message)


def run_gate(config: GateConfig, measure: Measure, *, saved: Mapping[str, Mapping[str, list[int]]] | None = None,
             clock: Callable[[], float] = time.monotonic, progress: Callable[[str], None] | None = None,
             ratio_ci: RatioFn | None = None, environment: dict[str, Any] | None = None,
             mode: str = "gate") -> GateVerdict:
    """Measure in looks until every rule is decided, a rule fails, or the budget / max rounds run out.

    The first look measures `config.rounds` rounds whatever the budget; each further look measures at
    most `config.step` rounds, only as many as the remaining budget fits at the pace seen so far.
    `saved` adds a saved run's columns (``{variant: {phase: [ns, ...]}}``) as ``variant@saved``.
    """
    if not config.rules:
        raise GateError(f"{config.source}: no gate rules (add rules = [...] to [tool.phasebench.gate])")
    samples: Samples = {}
    for name, cols in (saved or {}).items():
        samples[name if is_saved(name) else name + SAVED_SUFFIX] = {p: list(c) for p, c in cols.items()}
    for rule in config.rules:
        for name in (rule.variant, rule.baseline):
            if is_saved(name) and name not in samples:
                raise GateError(f"rule {rule.text!r} needs a saved run of {name[:-len(SAVED_SUFFIX)]!r} "
                                f"(have: {', '.join(sorted(samples)) or 'no saved run'})")
    start = clock()
    measuring = 0.0
    rounds = 0
    ask = config.rounds
    looks: list[dict[str, Any]] = []
    env = environment
    while True:
        t0 = clock()
        batch = measure(ask)
        measuring += clock() - t0
        missing = [n for n in config.variants if n not in batch]
        if missing:
            raise InfrastructureError(f"the measurement returned no records of {', '.join(missing)}")
        for name in config.variants:
            got = len(batch[name])
            if got != ask:
                raise InfrastructureError(f"the measurement returned {got} records of {name!r}, expected {ask}")
            if env is None:
                env = next((r.get("environment") for r in batch[name] if isinstance(r.get("environment"), dict)),
                           None)
            _extend(samples, name, to_columns(batch[name]), rounds)
        rounds += ask
        outcomes = evaluate(samples, config.rules, confidence=config.confidence, resamples=config.resamples,
                            seed=config.seed + len(looks), ratio_ci=ratio_ci, statistic=config.statistic)
        verdict = overall(outcomes)
        elapsed = clock() - start
        looks.append({"rounds": rounds, "elapsed_s": round(elapsed, 3), "verdict": verdict,
                      "undecided": [o.rule.text for o in outcomes if o.verdict == INCONCLUSIVE]})
        if progress:
            progress(f"look {len(looks)}: {rounds} rounds, {elapsed:.1f} s: {verdict}"
                     + "".join(f"\n  {o.verdict:<12} {o.describe()}" for o in outcomes))
        if verdict != "inconclusive":
            stopped = "decided"
            break
        if rounds >= config.max_rounds:
            stopped = f"max_rounds {config.max_rounds} reached"
            break
        per_round = measuring / rounds
        fit = int((config.budget_s - elapsed) / per_round) if per_round > 0 else config.step
        if fit < 1:
            stopped = f"time budget {config.budget_s:g} s spent"
            break
        ask = min(config.step, fit, config.max_rounds - rounds)
    saved_info = {"variants": sorted(saved)} if saved else None
    return GateVerdict(verdict, outcomes, rounds, clock() - start, config, samples, looks, stopped, env,
                       saved_info, mode)


def aa_rules(config: GateConfig, variant: str = "baseline", threshold: float | None = None) -> tuple[Rule, ...]:
    """``PHASE: <variant>.aa / <variant> <= aa_threshold`` for every phase the configured rules name."""
    phases = list(dict.fromkeys(r.phase for r in config.rules)) or [TOTAL]
    thr = config.aa_threshold if threshold is None else threshold
    return tuple(Rule(p, f"{variant}.aa", variant, thr) for p in phases)


@dataclass
class AAResult:
    """A/A runs of one variant against itself: how often the gate wrongly cried regression."""

    variant: str
    verdicts: list[GateVerdict]
    elapsed_s: float

    @property
    def runs(self) -> int:
        return len(self.verdicts)

    def count(self, verdict: str) -> int:
        return sum(v.verdict == verdict for v in self.verdicts)

    @property
    def false_positive_rate(self) -> float:
        return self.count("regression") / self.runs if self.runs else 0.0

    @property
    def excludes_one(self) -> int:
        """Rule decisions whose CI excluded 1.0 (a true A/A ratio): the CI's own miss rate."""
        return sum(1 for v in self.verdicts for o in v.outcomes if not o.low <= 1.0 <= o.high)

    @property
    def decisions(self) -> int:
        return sum(len(v.outcomes) for v in self.verdicts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": VERDICT_SCHEMA, "mode": "aa", "variant": self.variant, "runs": self.runs,
            "pass": self.count("pass"), "regression": self.count("regression"),
            "inconclusive": self.count("inconclusive"), "false_positive_rate": self.false_positive_rate,
            "ci_excludes_1": self.excludes_one, "rule_decisions": self.decisions,
            "elapsed_s": round(self.elapsed_s, 3),
            "runs_detail": [v.to_dict(include_samples=False) for v in self.verdicts],
        }


def run_aa(config: GateConfig, measure: Measure, *, runs: int, variant: str = "baseline",
           threshold: float | None = None, clock: Callable[[], float] = time.monotonic,
           progress: Callable[[str], None] | None = None, ratio_ci: RatioFn | None = None) -> AAResult:
    """Run the gate `runs` times on `variant` against itself (measured as ``variant`` and ``variant.aa``)."""
    if runs < 1:
        raise GateError(f"--runs must be >= 1, got {runs}")
    aa = replace(config, rules=aa_rules(config, variant, threshold))
    start = clock()
    verdicts = []
    for i in range(runs):
        v = run_gate(replace(aa, seed=config.seed + 1000 * i), measure, clock=clock, ratio_ci=ratio_ci, mode="aa")
        verdicts.append(v)
        if progress:
            progress(f"A/A run {i + 1}/{runs}: {v.verdict} after {v.rounds} rounds, {v.elapsed_s:.1f} s"
                     + "".join(f"\n  {o.verdict:<12} {o.describe()}" for o in v.outcomes))
    return AAResult(variant, verdicts, clock() - start)
