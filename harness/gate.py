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

The overall verdict is ``regression`` (exit 1) when any rule fails, ``inconclusive`` (exit 2) when none
fails but some rule is undecided, ``pass`` (exit 0) otherwise; usage and infrastructure errors exit 3.
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
"""

from __future__ import annotations

import json
import math
import os
import re
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

EXIT_PASS = 0
EXIT_REGRESSION = 1
EXIT_INCONCLUSIVE = 2
EXIT_ERROR = 3

PASS, FAIL, INCONCLUSIVE = "pass", "fail", "inconclusive"
#: Overall verdicts and their exit codes.
VERDICT_EXIT = {"pass": EXIT_PASS, "regression": EXIT_REGRESSION, "inconclusive": EXIT_INCONCLUSIVE,
                "error": EXIT_ERROR}
VERDICT_SCHEMA = "phasebench.gate/1"
SAVED_SUFFIX = "@saved"
STATISTICS = ("ratio of medians", "median of ratios")
TOTAL = "total"

Samples = dict[str, dict[str, list[int]]]  # name -> phase -> per-round wall ns
Measure = Callable[[int], Mapping[str, Sequence[Mapping[str, Any]]]]


class GateError(ValueError):
    """A usage or infrastructure problem (bad rule, missing phase, unreadable saved run): exit 3."""


# ------------------------------------------------------------------------------------------ rules
_OPS = {"<=": "<=", "≤": "<=", "<": "<=", ">=": ">=", "≥": ">=", ">": ">="}
_NAME = r"[A-Za-z0-9_.+\-]+(?:@saved)?"
_RULE_RE = re.compile(
    rf"^\s*(?:(?P<phase>[^:]+?)\s*:\s*)?(?P<num>{_NAME})\s*/\s*(?P<den>{_NAME})\s*"
    r"(?P<op><=|≤|>=|≥|<|>)\s*(?P<thr>[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*$"
)


@dataclass(frozen=True)
class Rule:
    """``phase: variant / baseline <= threshold`` (or ``>=``): a bound on a ratio of median times."""

    phase: str
    variant: str
    baseline: str
    threshold: float
    op: str = "<="

    def __post_init__(self) -> None:
        if self.op not in ("<=", ">="):
            raise GateError(f"rule {self.text!r}: operator must be <= or >=")
        if not (self.threshold > 0 and math.isfinite(self.threshold)):
            raise GateError(f"rule {self.text!r}: the threshold must be a positive number")
        if self.variant == self.baseline:
            raise GateError(f"rule {self.text!r}: a variant cannot be compared with itself (use --aa)")

    @property
    def text(self) -> str:
        return f"{self.phase}: {self.variant} / {self.baseline} {self.op} {self.threshold:g}"

    @property
    def paired(self) -> bool:
        """Both sides measured in the same interleaved rounds (neither is a saved run)."""
        return not (is_saved(self.variant) or is_saved(self.baseline))

    def decide(self, low: float, high: float) -> str:
        """pass / fail / inconclusive for a confidence interval ``[low, high]`` of the ratio."""
        if self.op == "<=":
            return PASS if high <= self.threshold else FAIL if low > self.threshold else INCONCLUSIVE
        return PASS if low >= self.threshold else FAIL if high < self.threshold else INCONCLUSIVE


def is_saved(name: str) -> bool:
    return name.endswith(SAVED_SUFFIX)


def parse_rule(spec: str | Mapping[str, Any]) -> Rule:
    """A rule from ``"[PHASE:] VARIANT / BASELINE <= THRESHOLD"`` or a table
    ``{phase = "...", variant = "...", baseline = "...", max = 0.6}`` (``min`` for a lower bound)."""
    if isinstance(spec, Mapping):
        unknown = set(spec) - {"phase", "variant", "baseline", "max", "min"}
        if unknown:
            raise GateError(f"rule {dict(spec)!r}: unknown key(s) {', '.join(sorted(unknown))}")
        if ("max" in spec) == ("min" in spec):
            raise GateError(f"rule {dict(spec)!r}: give exactly one of 'max' and 'min'")
        try:
            op, thr = ("<=", spec["max"]) if "max" in spec else (">=", spec["min"])
            return Rule(str(spec.get("phase", TOTAL)), str(spec["variant"]), str(spec["baseline"]), float(thr), op)
        except KeyError as exc:
            raise GateError(f"rule {dict(spec)!r}: missing key {exc.args[0]!r}") from None
        except (TypeError, ValueError) as exc:
            if isinstance(exc, GateError):
                raise
            raise GateError(f"rule {dict(spec)!r}: threshold is not a number") from None
    if not isinstance(spec, str):
        raise GateError(f"rule {spec!r}: expected a string such as 'phase3a_validate: fast / baseline <= 0.6'")
    m = _RULE_RE.match(spec)
    if not m:
        raise GateError(f"cannot parse rule {spec!r}: expected '[PHASE:] VARIANT / BASELINE <= THRESHOLD', "
                        "e.g. 'phase3a_validate: fast / baseline <= 0.6'")
    phase = (m["phase"] or TOTAL).strip()
    return Rule(phase, m["num"], m["den"], float(m["thr"]), _OPS[m["op"]])


# ----------------------------------------------------------------------------------------- config
@dataclass(frozen=True)
class GateConfig:
    """Rules, the measuring loop's parameters and the workload (free-form, for the caller)."""

    rules: tuple[Rule, ...] = ()
    rounds: int = 10  # rounds of the first look
    step: int = 10  # most rounds added per further look
    max_rounds: int = 200
    budget_s: float = 60.0
    warmup: int = 1
    confidence: float = 0.95
    resamples: int = 2000
    seed: int = 0
    against_max_ratio: float = 1.10  # default rule bound for comparisons with a saved run
    aa_threshold: float = 1.05  # the bound of the A/A rules
    #: "median of ratios" (the median of the per-round ratios variant[i] / baseline[i]: pairs measured
    #: in the same round, the tightest estimate on a noisy machine) or "ratio of medians"
    #: (median(variant) / median(baseline)); unpaired rules (saved runs) use the ratio of medians
    statistic: str = "median of ratios"
    workload: dict[str, Any] = field(default_factory=dict)
    source: str = "<defaults>"

    def __post_init__(self) -> None:
        if self.rounds < 2 or self.step < 1 or self.max_rounds < self.rounds:
            raise GateError(f"{self.source}: need rounds >= 2, step >= 1 and max_rounds >= rounds "
                            f"(got rounds={self.rounds}, step={self.step}, max_rounds={self.max_rounds})")
        if not self.budget_s > 0:
            raise GateError(f"{self.source}: budget_s must be positive, got {self.budget_s}")
        if not 0.5 <= self.confidence < 1:
            raise GateError(f"{self.source}: confidence must be in [0.5, 1), got {self.confidence}")
        if self.resamples < 100 or self.warmup < 0:
            raise GateError(f"{self.source}: need resamples >= 100 and warmup >= 0")
        if self.statistic not in STATISTICS:
            raise GateError(f"{self.source}: statistic must be one of {', '.join(map(repr, STATISTICS))}, "
                            f"got {self.statistic!r}")

    @property
    def variants(self) -> list[str]:
        """Names the rules need measured (saved runs excluded), in first-mention order."""
        out: list[str] = []
        for r in self.rules:
            for name in (r.baseline, r.variant):
                if not is_saved(name) and name not in out:
                    out.append(name)
        return out


_LOOP_KEYS = {f.name for f in fields(GateConfig)} - {"rules", "workload", "source"}
#: Workload keys the gate's CLI understands (passed through in `GateConfig.workload`).
WORKLOAD_KEYS = {"dataset", "tasks", "parents", "mutants", "seed", "timeout", "workers"}
#: Where the table lives in pyproject.toml.
TABLE = ("tool", "phasebench", "gate")


def config_from_mapping(table: Mapping[str, Any], source: str = "<config>") -> GateConfig:
    """A `GateConfig` from the ``[tool.phasebench.gate]`` table; unknown keys are errors (typos)."""
    unknown = set(table) - _LOOP_KEYS - WORKLOAD_KEYS - {"rules", "workload"}
    if unknown:
        raise GateError(f"{source}: unknown gate setting(s): {', '.join(sorted(unknown))}")
    raw_rules = table.get("rules", [])
    if isinstance(raw_rules, (str, Mapping)):
        raw_rules = [raw_rules]
    try:
        rules = tuple(parse_rule(r) for r in raw_rules)
    except GateError as exc:
        raise GateError(f"{source}: {exc}") from None
    loop: dict[str, Any] = {}
    for key in _LOOP_KEYS & set(table):
        kind = type(getattr(GateConfig, key, None)) if hasattr(GateConfig, key) else None
        value = table[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise GateError(f"{source}: {key} must be an integer, got {value!r}")
        if kind is float and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise GateError(f"{source}: {key} must be a number, got {value!r}")
        if kind is str and not isinstance(value, str):
            raise GateError(f"{source}: {key} must be a string, got {value!r}")
        loop[key] = float(value) if kind is float else value
    workload = dict(table.get("workload", {}))
    workload.update({k: table[k] for k in WORKLOAD_KEYS & set(table)})
    return GateConfig(rules=rules, workload=workload, source=source, **loop)


def load_config(path: str | os.PathLike[str] | None = None, *, missing_ok: bool = False) -> GateConfig | None:
    """The gate's config from `path` or, by default, ``pyproject.toml`` in the current folder.

    A file may hold the table at ``[tool.phasebench.gate]`` (pyproject style), at ``[gate]``, or at
    its top level. With `missing_ok`, a missing default file or table gives None instead of an error.
    """
    p = Path(path) if path is not None else Path("pyproject.toml")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if missing_ok and path is None:
            return None
        raise GateError(f"{p}: no such file (give the gate's rules with --config or in pyproject.toml)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GateError(f"{p}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise GateError(f"{p}: not valid TOML: {exc}") from None
    table: Any = data
    for key in TABLE:
        table = table.get(key) if isinstance(table, dict) else None
    if table is None:
        if "gate" in data and isinstance(data["gate"], dict):
            table = data["gate"]
        elif path is not None and "tool" not in data:
            table = data
        elif missing_ok and path is None:
            return None
        else:
            raise GateError(f"{p}: no [tool.phasebench.gate] table")
    return config_from_mapping(table, str(p))


# ---------------------------------------------------------------------------------------- samples
def _flat_phase_times(record: Mapping[str, Any]) -> dict[str, int]:
    """Phase name -> wall ns summed over the tree, ``total`` = root wall (no synthetic rows)."""
    tree = record["tree"]
    out: dict[str, int] = {TOTAL: int(tree["wall_ns"])}
    stack = list(tree.get("children", ()))
    while stack:
        node = stack.pop()
        if node.get("synthetic"):
            continue
        out[node["name"]] = out.get(node["name"], 0) + int(node["wall_ns"])
        stack.extend(node.get("children", ()))
    return out


def record_phase_times(record: Mapping[str, Any]) -> dict[str, int]:
    """Phase times of one sample: a run record (via `harness.processors.compare.phase_times`), or
    already a flat ``{phase: ns}`` mapping (synthetic samples, saved columns)."""
    if "tree" not in record:
        return {str(k): int(v) for k, v in record.items()}
    try:
        from harness.processors.compare import phase_times
    except ImportError:  # pragma: no cover - the comparison module is optional for the gate
        return _flat_phase_times(record)
    times = dict(phase_times(record))
    times.setdefault(TOTAL, int(record["tree"]["wall_ns"]))
    return times


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


# --------------------------------------------------------------------------------------- deciding
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
    if col is None or not any(col):
        seen = ", ".join(sorted(p for p, c in samples[name].items() if any(c)))
        raise GateError(f"phase {phase!r} never ran in {name!r}: check the rule's phase name "
                        f"(phases seen: {seen})")
    return col


def evaluate(samples: Samples, rules: Sequence[Rule], *, confidence: float = 0.95, resamples: int = 2000,
             seed: int = 0, ratio_ci: RatioFn | None = None,
             statistic: str = "median of ratios") -> list[RuleOutcome]:
    """Decide every rule on the samples: bootstrap CI of the median of per-round ratios (paired rules,
    by default) or of the ratio of medians (`statistic`, and always for unpaired rules)."""
    if ratio_ci is None:
        from harness.stats import ratio_ci
    from harness.stats import median

    out = []
    for rule in rules:
        num = _column(samples, rule.variant, rule.phase)
        den = _column(samples, rule.baseline, rule.phase)
        paired = rule.paired and len(num) == len(den)
        kwargs = {"statistic": statistic} if paired and statistic != "ratio of medians" else {}
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
        if self.verdict == "error":
            return f"gate: ERROR: {self.error}"
        if self.verdict == "regression":
            return "gate: REGRESSION in " + "; ".join(o.describe() for o in self.failed)
        if self.verdict == "inconclusive":
            return (f"gate: INCONCLUSIVE after {self.rounds} rounds ({self.stopped}): "
                    + "; ".join(o.describe() for o in self.undecided))
        return f"gate: PASS ({len(self.outcomes)} rule(s), {self.rounds} rounds)"

    def to_dict(self, *, include_samples: bool = True) -> dict[str, Any]:
        c = self.config
        out: dict[str, Any] = {
            "schema": VERDICT_SCHEMA,
            "mode": self.mode,
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "headline": self.headline(),
            "failed_phases": self.failed_phases,
            "rules": [o.to_dict() for o in self.outcomes],
            "rounds": self.rounds,
            "elapsed_s": round(self.elapsed_s, 3),
            "stopped": self.stopped,
            "settings": {"budget_s": c.budget_s, "rounds": c.rounds, "step": c.step, "max_rounds": c.max_rounds,
                         "warmup": c.warmup, "confidence": c.confidence, "resamples": c.resamples,
                         "statistic": c.statistic,
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


def error_verdict(config: GateConfig, message: str, *, mode: str = "gate") -> GateVerdict:
    """A verdict for a gate that could not run (exit 3)."""
    return GateVerdict("error", [], 0, 0.0, config, {}, stopped="error", mode=mode, error=message)


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
            raise GateError(f"the measurement returned no records of {', '.join(missing)}")
        for name in config.variants:
            got = len(batch[name])
            if got != ask:
                raise GateError(f"the measurement returned {got} records of {name!r}, expected {ask}")
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


# ------------------------------------------------------------------------------------------- A/A
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


# ----------------------------------------------------------------------------------------- output
_BADGE = {"pass": "✅ pass", "regression": "❌ regression", "inconclusive": "⚠️ inconclusive", "error": "💥 error"}


def render_markdown(v: GateVerdict) -> str:
    """A markdown summary (for ``$GITHUB_STEP_SUMMARY``)."""
    c = v.config
    lines = [f"## phasebench gate: {_BADGE[v.verdict]} (exit {v.exit_code})", ""]
    if v.verdict == "error":
        return "\n".join([*lines, f"The gate could not run: {v.error}", ""])
    lines += [f"{v.rounds} interleaved rounds in {v.elapsed_s:.1f} s (budget {c.budget_s:g} s; stopped: "
              f"{v.stopped}). Ratio = "
              + ("median(variant) / median(baseline)" if c.statistic == "ratio of medians"
                 else "median over rounds of variant / baseline")
              + " of the phase's wall time; "
              f"{c.confidence:.0%} bootstrap CI ({c.resamples} resamples). A rule fails only when the whole CI "
              "is beyond its threshold.", ""]
    if c.workload:
        lines += ["Workload: " + ", ".join(f"{k}={val}" for k, val in c.workload.items()), ""]
    lines += ["| rule | ratio | CI | threshold | median variant | median baseline | verdict |",
              "|---|---:|---|---|---:|---:|---|"]
    for o in v.outcomes:
        r = o.rule
        lines.append(f"| `{r.phase}: {r.variant} / {r.baseline}` | {o.ratio:.3f} | [{o.low:.3f}, {o.high:.3f}] "
                     f"| {'≤' if r.op == '<=' else '≥'} {r.threshold:g} | {_ms(o.variant_median_ns)} "
                     f"| {_ms(o.baseline_median_ns)} | {_verdict_word(o.verdict)} |")
    lines.append("")
    if v.failed:
        lines += ["**Regressed phase(s): " + ", ".join(v.failed_phases) + "**", ""]
        lines += [f"- {o.describe()}" for o in v.failed] + [""]
    elif v.undecided:
        lines += ["Undecided after the budget (the CI straddles the threshold): "
                  + "; ".join(o.describe() for o in v.undecided), ""]
    if v.environment:
        e = v.environment
        lines += [f"Machine: {e.get('cpu_model')} ({e.get('cpu_count')} CPUs), Python {e.get('python')}, "
                  f"fingerprint `{e.get('fingerprint_id')}`", ""]
    return "\n".join(lines)


def render_aa_markdown(aa: AAResult) -> str:
    rate = aa.false_positive_rate
    lines = [f"## phasebench gate --aa: {aa.variant} against itself", "",
             f"{aa.runs} gate runs in {aa.elapsed_s:.1f} s: {aa.count('pass')} pass, "
             f"{aa.count('regression')} regression (false positives), {aa.count('inconclusive')} inconclusive.",
             "", f"**False-positive rate: {rate:.1%}** ({aa.count('regression')}/{aa.runs}); "
             f"CIs excluding the true ratio 1.0: {aa.excludes_one}/{aa.decisions} rule decisions.", "",
             "| run | verdict | rounds | s | widest CI |", "|---:|---|---:|---:|---|"]
    for i, v in enumerate(aa.verdicts, 1):
        widest = max(v.outcomes, key=lambda o: o.high - o.low, default=None)
        ci = f"{widest.rule.phase} [{widest.low:.3f}, {widest.high:.3f}]" if widest else ""
        lines.append(f"| {i} | {v.verdict} | {v.rounds} | {v.elapsed_s:.1f} | {ci} |")
    return "\n".join([*lines, ""])


def _verdict_word(verdict: str) -> str:
    return {"pass": "pass", "fail": "**FAIL**", "inconclusive": "inconclusive"}[verdict]


def _ms(ns: float) -> str:
    return f"{ns / 1e6:.2f} ms" if math.isfinite(ns) else "-"


def render_text(v: GateVerdict) -> str:
    """A plain-text table for the terminal."""
    if v.verdict == "error":
        return v.headline()
    width = max((len(o.rule.text) for o in v.outcomes), default=10)
    lines = [f"{'rule':<{width}}  {'ratio':>7}  {'CI':<17}  verdict"]
    for o in v.outcomes:
        lines.append(f"{o.rule.text:<{width}}  {o.ratio:>7.3f}  [{o.low:.3f}, {o.high:.3f}]  {o.verdict}")
    return "\n".join([*lines, f"{v.rounds} rounds in {v.elapsed_s:.1f} s (budget {v.config.budget_s:g} s; "
                               f"{v.stopped})", v.headline()])


def write_outputs(payload: Mapping[str, Any], markdown: str, verdict_path: Path | None,
                  summary_path: Path | None, *, step_summary: bool = True) -> list[Path]:
    """Write the verdict JSON and the markdown summary; append the summary to $GITHUB_STEP_SUMMARY."""
    written = []
    if verdict_path is not None:
        verdict_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = verdict_path.with_name(verdict_path.name + ".tmp")
        tmp.write_text(json.dumps(payload, indent=1, allow_nan=False) + "\n", encoding="utf-8")
        os.replace(tmp, verdict_path)
        written.append(verdict_path)
    if summary_path is not None:
        summary_path.parent.mkdir(parents=True, exist_ok=True)
        summary_path.write_text(markdown, encoding="utf-8")
        written.append(summary_path)
    gh = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and gh:
        try:
            with open(gh, "a", encoding="utf-8") as f:
                f.write(markdown + "\n")
        except OSError:
            pass
    return written


# ------------------------------------------------------------------------------------ saved runs
@dataclass(frozen=True)
class SavedRun:
    """Per-variant phase columns from a saved run, with the machine fingerprint it was recorded on."""

    source: str
    kind: str
    samples: dict[str, dict[str, list[int]]]
    fingerprint_id: str | None
    environment: dict[str, Any] | None


def _fingerprint(env: Any) -> str | None:
    return env.get("fingerprint_id") if isinstance(env, dict) else None


def load_saved(path: str | os.PathLike[str]) -> SavedRun:
    """Read a saved run: a gate verdict JSON (its ``samples``), a pytest-benchmark JSON saved from
    ``bench/`` (see `harness.benchjson`), a run record, or a folder of run records (``*.json``)."""
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.rglob("*.json") if f.is_file())
        if not files:
            raise GateError(f"{p}: no *.json run records in this folder")
        docs = [(f, _read_json(f)) for f in files]
        records = [(f, d) for f, d in docs
                   if isinstance(d, dict) and str(d.get("schema", "")).startswith("phasebench.run/")]
        if not records:
            raise GateError(f"{p}: none of its {len(files)} JSON files is a phasebench run record")
        return _from_records(str(p), [d for _, d in records])
    doc = _read_json(p)
    if not isinstance(doc, dict):
        raise GateError(f"{p}: not a saved run (expected a JSON object)")
    schema = str(doc.get("schema", ""))
    if schema == VERDICT_SCHEMA:
        if doc.get("mode") == "aa" or "samples" not in doc:
            raise GateError(f"{p}: this gate verdict holds no samples to compare against")
        samples = {name: {ph: [int(x) for x in col] for ph, col in cols.items()}
                   for name, cols in doc["samples"].items()}
        env = doc.get("environment")
        return SavedRun(str(p), "gate verdict", samples, _fingerprint(env), env)
    if schema.startswith("phasebench.run/"):
        return _from_records(str(p), [doc])
    if "benchmarks" in doc and "machine_info" in doc:
        from harness.benchjson import benchmark_environment, records_from_benchmark_json

        try:
            per_variant = records_from_benchmark_json(p)
        except ValueError as exc:
            raise GateError(str(exc)) from None
        env = benchmark_environment(doc)
        samples = {name: to_columns(recs) for name, recs in per_variant.items()}
        return SavedRun(str(p), "pytest-benchmark", samples, _fingerprint(env), env)
    raise GateError(f"{p}: not a gate verdict, run record or pytest-benchmark JSON")


def _read_json(p: Path) -> Any:
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GateError(f"{p}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GateError(f"{p}: cannot read JSON: {exc}") from None


def _from_records(source: str, records: list[dict[str, Any]]) -> SavedRun:
    fps = {_fingerprint(r.get("environment")) for r in records}
    if len(fps) > 1:
        raise GateError(f"{source}: the run records come from different machine fingerprints "
                        f"({', '.join(sorted(str(f) for f in fps))}): not comparable with each other")
    by_variant: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_variant.setdefault(str(r.get("variant")), []).append(r)
    samples = {name: to_columns(recs) for name, recs in by_variant.items()}
    env = records[0].get("environment")
    return SavedRun(source, "run records", samples, fps.pop(), env if isinstance(env, dict) else None)


def check_fingerprint(saved: SavedRun, current: Mapping[str, Any], *, allow_mismatch: bool = False) -> str | None:
    """Refuse (GateError) a saved run from another machine fingerprint unless `allow_mismatch`;
    returns a warning line when comparing anyway, else None."""
    here = current.get("fingerprint_id")
    if saved.fingerprint_id == here and here is not None:
        return None
    if saved.fingerprint_id is None:
        problem = f"{saved.source} records no machine fingerprint (environment.fingerprint_id)"
    else:
        theirs = saved.environment or {}
        problem = (f"{saved.source} was recorded on machine fingerprint {saved.fingerprint_id} "
                   f"({_describe_env(theirs)}); this machine is {here} ({_describe_env(current)})")
    if not allow_mismatch:
        raise GateError(f"{problem}: timings from different machines are not comparable. "
                        "Re-record the saved run here, or pass --allow-fingerprint-mismatch to compare anyway")
    return f"warning: {problem}; comparing anyway (--allow-fingerprint-mismatch)"


def _describe_env(env: Mapping[str, Any]) -> str:
    return (f"Python {env.get('python')}, {env.get('machine')}, {env.get('cpu_model')}, "
            f"{env.get('cpu_count')} CPUs")


def against_rules(config: GateConfig, saved: SavedRun, max_ratio: float | None = None,
                  variants: Sequence[str] | None = None) -> tuple[Rule, ...]:
    """``PHASE: V / V@saved <= max_ratio`` for each measured variant V the saved run also has and each
    phase the configured rules name (``total`` if none)."""
    bound = config.against_max_ratio if max_ratio is None else max_ratio
    names = list(variants) if variants else [r.variant for r in config.rules if not is_saved(r.variant)]
    names = [n for n in dict.fromkeys(names)]
    if not names:
        raise GateError("no variants to compare with the saved run (give --variants)")
    missing = [n for n in names if n not in saved.samples]
    if missing:
        raise GateError(f"{saved.source} has no samples of {', '.join(missing)} "
                        f"(it has: {', '.join(sorted(saved.samples)) or 'none'})")
    phases = list(dict.fromkeys(r.phase for r in config.rules)) or [TOTAL]
    return tuple(Rule(p, n, n + SAVED_SUFFIX, bound) for n in names for p in phases)


__all__ = [
    "EXIT_ERROR", "EXIT_INCONCLUSIVE", "EXIT_PASS", "EXIT_REGRESSION", "AAResult", "GateConfig", "GateError",
    "GateVerdict", "Rule", "RuleOutcome", "SavedRun", "aa_rules", "against_rules", "check_fingerprint",
    "config_from_mapping", "error_verdict", "evaluate", "load_config", "load_saved", "overall", "parse_rule",
    "record_phase_times", "render_aa_markdown", "render_markdown", "render_text", "run_aa", "run_gate",
    "to_columns", "write_outputs",
]
