"""The gate's verdict as markdown (``summary.md``, ``$GITHUB_STEP_SUMMARY``) and as terminal text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.units import fmt_duration

if TYPE_CHECKING:
    from harness.gate.decide import AAResult, GateVerdict

_BADGE = {"pass": "✅ pass", "regression": "❌ regression", "inconclusive": "⚠️ inconclusive", "error": "💥 error",
          "usage error": "⛔ usage error"}
_MEASURE_WORDS = {"instructions": "instructions executed", "cpu": "CPU time", "wall": "wall time"}


def fmt_value(x: float, measure: str) -> str:
    """A phase's value: a duration, or an instruction count (``1.23 G instr``)."""
    if measure != "instructions":
        return fmt_duration(x)
    for scale, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= scale:
            return f"{x / scale:.3f} {unit} instr"
    return f"{x:.0f} instr"


def _how(v: GateVerdict) -> str:
    """How the numbers were made and decided (one paragraph)."""
    c = v.config
    if v.measure == "instructions":
        return (f"Each side ran once under callgrind ({v.elapsed_s:.1f} s). Ratio = instructions of the phase "
                "(every process; worker jobs count towards the phase that submitted them; cyclic-GC collections "
                f"left out), one side to the other; the ±{c.instructions_tolerance:.1%} band around it is taken as "
                "noise: a rule fails only when the whole band is beyond its threshold.")
    return (f"{v.rounds} interleaved rounds in {v.elapsed_s:.1f} s (budget {c.budget_s:g} s; stopped: "
            f"{v.stopped}). Ratio = "
            + ("median(variant) / median(baseline)" if c.statistic == "ratio of medians"
               else "median over rounds of variant / baseline")
            + f" of the phase's {_MEASURE_WORDS.get(v.measure, v.measure)}; "
            f"{c.confidence:.0%} bootstrap CI ({c.resamples} resamples). A rule fails only when the whole CI "
            "is beyond its threshold.")


def _sides_lines(v: GateVerdict) -> list[str]:
    if not v.sides:
        return []
    lines = ["| side | code | commit | variant |", "|---|---|---|---|"]
    for label, s in v.sides.items():
        dirty = " (+ uncommitted changes)" if s.get("uncommitted_changes") else ""
        lines.append(f"| {label} | {s.get('ref')}{dirty} | `{str(s.get('commit'))[:12]}` | {s.get('variant')} |")
    return [*lines, ""]


def render_markdown(v: GateVerdict) -> str:
    """A markdown summary (for ``$GITHUB_STEP_SUMMARY``)."""
    c = v.config
    lines = [f"## phasebench gate: {_BADGE[v.verdict]} (exit {v.exit_code})", ""]
    if v.verdict in ("error", "usage error"):
        return "\n".join([*lines, f"The gate could not run: {v.error}", ""])
    lines += [f"**Measure: {v.measure}** ({v.measure_reason or _MEASURE_WORDS.get(v.measure, v.measure)}).", "",
              _how(v), ""]
    lines += _sides_lines(v)
    if c.workload:
        lines += ["Workload: " + ", ".join(f"{k}={val}" for k, val in c.workload.items()), ""]
    band = "noise band" if v.measure == "instructions" else "CI"
    value = "" if v.measure == "instructions" else "median "
    lines += [f"| rule | ratio | {band} | threshold | {value}variant | {value}baseline | verdict |",
              "|---|---:|---|---|---:|---:|---|"]
    for o in v.outcomes:
        r = o.rule
        lines.append(f"| `{r.phase}: {r.variant} / {r.baseline}` | {o.ratio:.3f} | [{o.low:.3f}, {o.high:.3f}] "
                     f"| {'≤' if r.op == '<=' else '≥'} {r.threshold:g} | {fmt_value(o.variant_median_ns, v.measure)} "
                     f"| {fmt_value(o.baseline_median_ns, v.measure)} | {_verdict_word(o.verdict)} |")
    lines.append("")
    lines += [f"- {note}" for note in v.notes] + ([""] if v.notes else [])
    if v.failed:
        lines += ["**Regressed phase(s): " + ", ".join(v.failed_phases) + "**", ""]
        lines += [f"- {o.describe()}" for o in v.failed] + [""]
    elif v.undecided:
        lines += [f"Undecided ({v.stopped}: the {band} straddles the threshold): "
                  + "; ".join(o.describe() for o in v.undecided), ""]
    if v.environment:
        e = v.environment
        lines += [f"Machine: {e.get('cpu_model')} ({e.get('cpu_count')} CPUs), Python {e.get('python')}, "
                  f"fingerprint `{e.get('fingerprint_id')}`", ""]
    return "\n".join(lines)


def render_aa_markdown(aa: AAResult, measure: str = "wall") -> str:
    rate = aa.false_positive_rate
    lines = [f"## phasebench gate --aa: {aa.variant} against itself ({_MEASURE_WORDS.get(measure, measure)})", "",
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
    return {"pass": "pass", "fail": "**FAIL**", "inconclusive": "inconclusive"}.get(verdict, verdict)


def render_text(v: GateVerdict) -> str:
    """A plain-text table for the terminal."""
    if v.verdict in ("error", "usage error"):
        return v.headline()
    width = max((len(o.rule.text) for o in v.outcomes), default=10)
    band = "noise band" if v.measure == "instructions" else "CI"
    lines = [f"{'rule':<{width}}  {'ratio':>7}  {band:<16}  verdict"]
    for o in v.outcomes:
        lines.append(f"{o.rule.text:<{width}}  {o.ratio:>7.3f}  [{o.low:.3f}, {o.high:.3f}]  {o.verdict}")
    if v.measure == "instructions":
        how = f"instruction counts, one run per side under callgrind, {v.elapsed_s:.1f} s; {v.stopped}"
    else:
        how = (f"{v.measure} time, {v.rounds} rounds in {v.elapsed_s:.1f} s (budget {v.config.budget_s:g} s; "
               f"{v.stopped})")
    return "\n".join([*lines, *v.notes, f"measure: {v.measure}: {v.measure_reason or '-'}", how, v.headline()])


__all__ = ["render_aa_markdown", "render_markdown", "render_text"]
