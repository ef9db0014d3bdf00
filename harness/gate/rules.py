"""Gate rules (``[PHASE:] VARIANT / BASELINE <= THRESHOLD``) and the ``[tool.phasebench.gate]`` config."""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

#: Exit codes of `phasebench gate`; none of them means two things. 2 is argparse's (a mistyped option),
#: 3 every phasebench command's own usage error (a bad rule, an unknown variant, phase or REF, a saved run
#: of another workload): both are mistakes in the command, never a measurement's outcome.
EXIT_PASS = 0
EXIT_REGRESSION = 1
EXIT_ARGPARSE = 2
EXIT_USAGE = 3
EXIT_INCONCLUSIVE = 4
EXIT_ERROR = 5

PASS, FAIL, INCONCLUSIVE = "pass", "fail", "inconclusive"
USAGE_ERROR, ERROR = "usage error", "error"
#: Overall verdicts and their exit codes.
VERDICT_EXIT = {"pass": EXIT_PASS, "regression": EXIT_REGRESSION, "inconclusive": EXIT_INCONCLUSIVE,
                USAGE_ERROR: EXIT_USAGE, ERROR: EXIT_ERROR}
#: One line per exit code (``--help``, README, bench/README.md).
EXIT_HELP = ("exit codes: 0 pass, 1 regression (names the phase), 2 usage error (argparse: a mistyped option), "
             "3 usage error (a bad rule, unknown variant, phase or REF, a saved run of another workload), "
             "4 inconclusive (no decision within the budget), 5 infrastructure error (a run, valgrind or git failed)")
#: The names of the two sides of ``gate --base REF`` rules (``PHASE: head / base <= X``).
HEAD, BASE = "head", "base"
VERDICT_SCHEMA = "phasebench.gate/1"
SAVED_SUFFIX = "@saved"
STATISTICS = ("ratio of medians", "median of ratios")
TOTAL = "total"

Samples = dict[str, dict[str, list[int]]]  # name -> phase -> per-round wall ns
Measure = Callable[[int], Mapping[str, Sequence[Mapping[str, Any]]]]


class GateError(ValueError):
    """A usage problem (bad rule, missing phase, unreadable or incomparable saved run): exit 3."""


class InfrastructureError(GateError):
    """The measurement could not be made (a run crashed, valgrind or git failed): exit 5."""


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
    #: ``gate --base REF``: its rules (``PHASE: head / base <= X``) and the variant both sides run
    base_rules: tuple[Rule, ...] = ()
    base_variant: str = ""
    #: "auto" (instructions where callgrind works, else cpu), "instructions", "cpu" or "wall"
    measure: str = "auto"
    #: the band around an instruction-count ratio taken as noise (same code repeats within ~0.1%)
    instructions_tolerance: float = 0.005
    #: time limit of one run under callgrind, s
    count_timeout_s: float = 170.0
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
        if self.measure not in ("auto", "instructions", "cpu", "wall"):
            raise GateError(f"{self.source}: measure must be auto, instructions, cpu or wall, got {self.measure!r}")
        if not (0 <= self.instructions_tolerance < 0.5 and self.count_timeout_s > 0):
            raise GateError(f"{self.source}: need 0 <= instructions_tolerance < 0.5 and count_timeout_s > 0")
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


_LOOP_KEYS = {f.name for f in fields(GateConfig)} - {"rules", "base_rules", "workload", "source"}
#: Where the table lives in pyproject.toml.
TABLE = ("tool", "phasebench", "gate")


def config_from_mapping(table: Mapping[str, Any], source: str = "<config>", *,
                        workload_keys: Collection[str] = ()) -> GateConfig:
    """A `GateConfig` from the ``[tool.phasebench.gate]`` table; unknown keys are errors (typos).

    `workload_keys`: the keys that describe the measured workload (the workload's `config_keys`),
    collected into `GateConfig.workload` with the table's ``workload`` sub-table.
    """
    unknown = set(table) - _LOOP_KEYS - set(workload_keys) - {"rules", "base_rules", "workload"}
    if unknown:
        raise GateError(f"{source}: unknown gate setting(s): {', '.join(sorted(unknown))}")
    rules = _rules(table.get("rules", []), source)
    base_rules = _rules(table.get("base_rules", []), source)
    check_base_rules(base_rules, f"{source}: base_rules")
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
    workload.update({k: table[k] for k in table if k in workload_keys})
    return GateConfig(rules=rules, base_rules=base_rules, workload=workload, source=source, **loop)


def _rules(raw: Any, source: str) -> tuple[Rule, ...]:
    if isinstance(raw, (str, Mapping)):
        raw = [raw]
    try:
        return tuple(parse_rule(r) for r in raw)
    except GateError as exc:
        raise GateError(f"{source}: {exc}") from None


def check_base_rules(rules: Sequence[Rule], where: str) -> None:
    """``gate --base`` rules compare the two sides: ``PHASE: head / base <= X`` (or ``base / head``)."""
    for r in rules:
        if {r.variant, r.baseline} != {HEAD, BASE}:
            raise GateError(f"{where}: rule {r.text!r} must compare {HEAD} with {BASE}, "
                            f"e.g. 'score_demo: {HEAD} / {BASE} <= 1.02'")


def load_config(path: str | os.PathLike[str] | None = None, *, missing_ok: bool = False,
                workload_keys: Collection[str] = ()) -> GateConfig | None:
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
    return config_from_mapping(table, str(p), workload_keys=workload_keys)
