"""The gate's verdict as markdown (``summary.md``, ``$GITHUB_STEP_SUMMARY``) and as terminal text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.units import fmt_duration

if TYPE_CHECKING:
    from harness.gate.decide import AAResult, GateVerdict

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
                     f"| {'≤' if r.op == '<=' else '≥'} {r.threshold:g} | {fmt_duration(o.variant_median_ns)} "
                     f"| {fmt_duration(o.baseline_median_ns)} | {_verdict_word(o.verdict)} |")
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


__all__ = ["render_aa_markdown", "render_markdown", "render_text"]
