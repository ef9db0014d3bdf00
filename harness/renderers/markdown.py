"""`MarkdownRenderer`: a comparison (``compare_records(...).to_dict()``) as GitHub-flavoured markdown.

The report a user reads: header, summary, verdicts, per-phase table, the journey, bottleneck shift,
expected vs actual (Amdahl), concurrency, counters, what is in the gaps, charts and checks. It renders
the comparison's plain data only (what ``report.json`` holds), so a report can be re-rendered from
its JSON. ``images=False`` leaves out the chart images (for ``$GITHUB_STEP_SUMMARY``, where relative
image links do not resolve).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from harness.processors import GAP_ROWS, STARTUP, UNACCOUNTED, WORKER_STARTUP
from harness.renderers.base import Renderer
from harness.renderers.gaps import gap_section
from harness.renderers.prose import significant_changes, workload_words
from harness.stats import MIN_EFFECT_NS, MIN_EFFECT_RATIO, MIN_ROUNDS_FOR_CI, has_ci, significance, spread
from harness.units import fmt_ci, fmt_duration, fmt_in_unit, fmt_pct, fmt_ratio, pick_unit
from harness.units import fmt_num as _num


def _esc(text: Any) -> str:
    return str(text).replace("|", "\\|")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: Sequence[str] | None = None) -> list[str]:
    align = align or ["l"] + ["r"] * (len(header) - 1)
    marks = {"l": ":--", "r": "--:", "c": ":-:"}
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def ratio_cell(ci: Mapping[str, Any] | None, base_ns: float | None, new_ns: float | None) -> str:
    """A time ratio new / base: ``**0.52× faster** (0.50–0.54)`` when the change is significant
    (`harness.stats.significance`), ``0.99× (0.95–1.03)`` when not, ``0.52×`` alone without a CI (fewer
    than `MIN_ROUNDS_FOR_CI` rounds)."""
    if not ci or ci.get("ratio") is None:
        return "–"
    r = fmt_ratio(ci["ratio"])
    if not has_ci(ci):
        return r
    interval = f"({_num(ci['low'])}–{_num(ci['high'])})"
    word = significance(ci, base_ns, new_ns)
    return f"**{r} {word}** {interval}" if word else f"{r} {interval}"


def _outliers(n: int) -> str:
    return f"{n} outlier{'s' if n != 1 else ''}"


def _short(s: str | None, n: int = 10) -> str:
    return "–" if not s else (s[:n] + "…" if len(s) > n else s)


def row_label(row: Mapping[str, Any]) -> str:
    """Display label of a row: ``↳`` for detail rows, ``⇉`` for parallel sections, italics for gaps."""
    key = row["key"]
    kind = row["kind"]
    depth = int(row.get("depth") or 0)
    gap = next((g for g in (*GAP_ROWS, WORKER_STARTUP) if key.endswith("/" + g)), None)
    if gap is not None:
        label = f"*{gap}* in {key[: -len(gap) - 1]}"
    elif key == STARTUP:
        label = f"*{STARTUP}* (process start → root, before the total)"
    else:
        label = f"`{row['name']}`"
    if kind == "parallel":
        label = f"⇉ `{row['name']}` (parallel section, elapsed)"
    if kind in ("detail", "detail-unaccounted") or (kind == "elapsed" and key != STARTUP):
        label = "&nbsp;&nbsp;" * max(depth - 1, 0) + "↳ " + label
    return label


class MarkdownRenderer(Renderer):
    """Render a comparison dict as a markdown report.

    `charts`: ``{name: {"png": relative path, "svg": relative path}}`` to embed; `profile_links`:
    ``{variant: {"html": path, ...}}`` of profile files; `images` False leaves images out;
    `max_gap_functions`: functions named per gap.
    """

    output_file_extension = "md"

    def __init__(
        self,
        *,
        charts: Mapping[str, Mapping[str, str]] | None = None,
        profile_links: Mapping[str, Mapping[str, str]] | None = None,
        images: bool = True,
        max_gap_functions: int = 5,
    ) -> None:
        self.charts = dict(charts or {})
        self.profile_links = dict(profile_links or {})
        self.images = images
        self.max_gap_functions = max_gap_functions

    def render_dict(self, record: dict[str, Any]) -> str:
        c = record
        if "summary" not in c or "rows" not in c:
            raise TypeError("MarkdownRenderer renders a comparison (compare_records(...).to_dict()), not a run record")
        parts: list[list[str]] = [
            self.header(c),
            self.invalid_banner(c),
            self.changed(c),
            self.summary(c),
            self.verdicts(c),
            self.phase_table(c),
            self.journey(c),
            self.bottlenecks(c),
            self.predictions(c),
            self.concurrency(c),
            self.counters(c),
            self.gaps(c),
            self.chart_section(c),
            self.cpu_table(c),
            self.checks(c),
        ]
        return "\n".join(line for part in parts if part for line in [*part, ""]).rstrip() + "\n"

    # -- sections ---------------------------------------------------------------------------------
    def header(self, c: Mapping[str, Any]) -> list[str]:
        meta = c.get("meta") or {}
        variants = c["variants"]
        title = meta.get("title") or f"phasebench comparison: {' → '.join(variants)}"
        out = [f"# {_esc(title)}", ""]
        best = self._headline(c)
        if best:
            out += [f"> **{best[0]}**: {best[1]}", ""]
        sources = meta.get("sources") or {}
        if sources:
            out.append("**Saved runs:** " + " · ".join(f"{k} = `{_esc(p)}`" for k, p in sources.items()) + "  ")
        out.append(f"**Workload:** {_esc(workload_words(c.get('workload')))}  ")
        rounds = c.get("rounds")
        warm = meta.get("warmup")
        method = c.get("method") or {}
        conf = method.get("confidence", 0.95)
        measure = f"{rounds} timing round(s)"
        if warm is not None:
            measure += f" after {warm} warm-up round(s)"
        if method.get("paired", True):
            measure += (f", variants interleaved in a shuffled order each round (seed {meta.get('seed', 0)}), each "
                        "run in a fresh temporary folder; times are medians over rounds; a ratio is the time ratio "
                        "new / baseline (below 1: faster), the median over rounds of the per-round ratios, with a "
                        f"{conf:.0%} paired-bootstrap CI over rounds ({method.get('resamples', 2000)} resamples)")
        else:
            measure += ("; the two runs were measured apart (not interleaved); times are medians; a ratio is the "
                        "time ratio new / base (below 1: faster), the ratio of the medians, with a "
                        f"{conf:.0%} unpaired-bootstrap CI ({method.get('resamples', 2000)} resamples)")
        ext = meta.get("extension") or {}
        if ext:
            why = {"precise": f"every headline CI within ±{float(ext.get('target', 0.05)):.0%}",
                   "budget": f"the time budget of {float(ext.get('budget_s', 0)):g} s ended",
                   "max-rounds": f"{ext.get('max_rounds')} rounds at most"}.get(str(ext.get("stopped")), "")
            measure += (f"; rounds added after the minimum of {ext.get('min_rounds')} while a headline CI was wider "
                        f"than ±{float(ext.get('target', 0.05)):.0%}: stopped at {ext.get('rounds')} ({why})")
        out.append(f"**Measurement:** {measure}  ")
        env = c.get("environment") or {}
        env_bits = [f"{env.get('implementation', 'Python')} {env.get('python', '?')}",
                    f"{env.get('system', '?')} {env.get('machine', '')}".strip(),
                    f"{env.get('cpu_model', '?')} ×{env.get('cpu_count', '?')}"]
        if env.get("cpu_affinity") and env.get("cpu_affinity") != env.get("cpu_count"):
            env_bits.append(f"{env['cpu_affinity']} usable cores")
        if env.get("numpy"):
            env_bits.append(f"numpy {env['numpy']}")
        if env.get("gpu"):
            env_bits.append(str(env["gpu"]))
        env_bits.append(f"fingerprint `{env.get('fingerprint_id', '?')}`")
        out.append(f"**Environment:** {' · '.join(env_bits)}  ")
        git = env.get("git") or {}
        commit = git.get("commit")
        line = f"**Commit:** `{_short(commit, 10)}`" if commit else "**Commit:** unknown (no git)"
        if git.get("dirty"):
            line += " (with uncommitted changes)"
        if meta.get("finished") or meta.get("started"):
            line += f" · measured {meta.get('started', '')}"
            if meta.get("duration_s") is not None:
                line += f" in {float(meta['duration_s']):.0f} s"
        if meta.get("command"):
            line += f" · `{_esc(meta['command'])}`"
        out.append(line)
        return out

    def _headline(self, c: Mapping[str, Any]) -> tuple[str, str] | None:
        valid = [v for v in c["variants"] if v != c["baseline"] and not c["summary"][v]["invalid"]]
        if not valid:
            return None
        def key(v: str) -> float:
            r = c["summary"][v].get("ratio") or {}
            return r["ratio"] if r.get("ratio") is not None else c["summary"][v]["total_median_ns"]

        best = min(valid, key=key)
        return best, c["verdicts"][best]

    def changed(self, c: Mapping[str, Any], limit: int = 10) -> list[str]:
        """The short list at the top: what changed significantly (asv's "changed significantly"), or one
        plain line saying why there is none."""
        if len(c["variants"]) < 2:
            return []
        rounds = int(c.get("rounds") or 0)
        if rounds < MIN_ROUNDS_FOR_CI:
            return [f"Fewer than {MIN_ROUNDS_FOR_CI} timing rounds ({rounds}): no confidence intervals and no "
                    "change marked significant; run more rounds (`--rounds 5` or more) for them."]
        found = significant_changes(c)
        minimum = f"CI excludes 1, and at least {MIN_EFFECT_RATIO:.0%} and {fmt_duration(MIN_EFFECT_NS)}"
        out = ["## Changed significantly", ""]
        if not found:
            return out + [f"Nothing changed significantly ({minimum})."]
        b_scale, b_unit = pick_unit(x["base_ns"] for x in found)
        n_scale, n_unit = pick_unit(x["new_ns"] for x in found)
        rows = []
        for x in found[:limit]:
            mark = "−" if x["direction"] == "faster" else "+"
            rows.append([mark, f"**{x['variant']}**", "**total**" if x["phase"] == "total" else f"`{x['phase']}`",
                         fmt_in_unit(x["base_ns"], b_scale), fmt_in_unit(x["new_ns"], n_scale),
                         f"**{fmt_ratio(x['ratio'])} {x['direction']}** ({_num(x['low'])}–{_num(x['high'])})"])
        out += _table(["", "variant", "phase", f"baseline ({b_unit})", f"variant ({n_unit})",
                       "ratio new / baseline (95% CI)"], rows, ["c", "l", "l", "r", "r", "r"])
        more = f" ({len(found) - limit} more in the tables below)" if len(found) > limit else ""
        out += ["", f"Significant: {minimum}. − faster, + slower{more}."]
        return out

    def invalid_banner(self, c: Mapping[str, Any]) -> list[str]:
        out: list[str] = []
        base = c["summary"][c["baseline"]]
        if len(base.get("digests") or []) > 1:
            out += ["> [!WARNING]",
                    f"> The baseline **{c['baseline']}** produced different digests in different rounds: "
                    "its results are not deterministic, so no variant can be checked against it.", ""]
        for v in c["variants"]:
            s = c["summary"][v]
            if s["invalid"] and (s.get("digest_missing") or base.get("digest_missing")):
                whose = "it" if s.get("digest_missing") else f"the baseline {c['baseline']}"
                out += ["> [!CAUTION]",
                        f"> **{v} is INVALID**: {whose} recorded no result digest in some round, so its results "
                        "cannot be checked; its timings are shown but must not be compared.", ""]
            elif s["invalid"]:
                out += ["> [!CAUTION]",
                        f"> **{v} is INVALID**: its result digest ({', '.join(_short(d, 12) for d in s['digests'])}) "
                        f"differs from the baseline's ({_short(base.get('digest'), 12)}). It computes something else; "
                        "its timings are shown but must not be compared.", ""]
        fps = {fp for fps in (c.get("fingerprints") or {}).values() for fp in fps}
        if len(fps) > 1:
            out += ["> [!WARNING]",
                    f"> The records come from different machines (fingerprints {', '.join(sorted(fps))}):"
                    " their timings are not comparable.", ""]
        return out[:-1] if out else out

    def summary(self, c: Mapping[str, Any]) -> list[str]:
        out = ["## Summary", ""]
        base = c["summary"][c["baseline"]]
        spreads = {v: spread(c["summary"][v]["total_samples_ns"] or [c["summary"][v]["total_median_ns"]])
                   for v in c["variants"]}
        t_scale, t_unit = pick_unit(c["summary"][v]["total_median_ns"] for v in c["variants"])
        c_scale, c_unit = pick_unit(c["summary"][v]["cpu_median_ns"] for v in c["variants"])
        rows = []
        for v in c["variants"]:
            s, sp = c["summary"][v], spreads[v]
            if v == c["baseline"]:
                vs, dig = "1× (reference)", "✓ reference" if s.get("digest") else "–"
            else:
                vs = ratio_cell(s.get("ratio"), base["total_median_ns"], s["total_median_ns"])
                dig = {True: "✓ identical", False: "✗ **DIFFERS: INVALID**", None: "? not recorded"}[s["digest_ok"]]
                if s.get("digest_missing"):
                    dig = "✗ **not recorded: INVALID**"
            cpu = fmt_in_unit(s["cpu_median_ns"], c_scale)
            if s.get("worker_cpu_median_ns") is not None:
                cpu += f" + {fmt_in_unit(s['worker_cpu_median_ns'], c_scale)} in workers"
            ops = _num(sp.ops) if sp.ops is not None else "–"
            name = f"**{v}**" if not s["invalid"] else f"~~{v}~~ ✗"
            rows.append([name, f"**{fmt_in_unit(s['total_median_ns'], t_scale)}**", fmt_in_unit(sp.iqr, t_scale),
                         str(sp.outliers), f"{fmt_in_unit(s['total_min_ns'], t_scale)} – "
                         f"{fmt_in_unit(s['total_max_ns'], t_scale)}", ops, cpu, vs, dig])
        out += _table(["variant", f"total, median ({t_unit})", f"IQR ({t_unit})", "outliers", f"min – max ({t_unit})",
                       "runs/s", f"CPU, median ({c_unit})", "ratio new / baseline (95% CI)", "result digest"],
                      rows, ["l", "r", "r", "r", "r", "r", "r", "r", "l"])
        out += ["", f"Total = wall time of the whole run (root span), median of {c['rounds']} round(s); IQR = "
                "interquartile range; outliers = rounds beyond 1.5 IQR of the quartiles; runs/s = 1 / median. CPU: "
                "the main process's CPU time, plus the worker processes' CPU where tasks ran in workers. Ratios are "
                "time ratios new / baseline (below 1: faster); **bold** with the word faster or slower only when "
                f"the change is significant (at least {MIN_ROUNDS_FOR_CI} rounds, a CI that excludes 1, at least "
                f"{MIN_EFFECT_RATIO:.0%} and {fmt_duration(MIN_EFFECT_NS)})."]
        return out

    def verdicts(self, c: Mapping[str, Any]) -> list[str]:
        out = ["## Verdicts", ""]
        for v in c["variants"]:
            mark = "⛔ " if c["summary"][v]["invalid"] else ""
            out.append(f"- {mark}**{v}**: {_esc(c['verdicts'][v])}")
        return out

    def phase_table(self, c: Mapping[str, Any]) -> list[str]:
        variants = c["variants"]
        base = c["baseline"]
        out = ["## Per-phase times", ""]
        scale, unit = pick_unit(cell["median_ns"] for r in c["rows"] if r["kind"] != "group"
                                for cell in r["cells"].values())
        header = ["phase", *[f"{v} ({unit})" for v in variants]]
        rows = []
        any_sum = any(cell.get("summed") for r in c["rows"] for cell in r["cells"].values())
        for r in c["rows"]:
            if r["kind"] == "group":
                continue
            line = [row_label(r)]
            ref = r["cells"].get(base)
            for v in variants:
                cell = r["cells"].get(v)
                if cell is None:
                    line.append("–")
                    continue
                sigma = "Σ " if cell["summed"] else ""
                share = fmt_pct(cell["share"], 1 if (cell["share"] or 0) < 0.1 else 0)
                if cell["share_base"] != "total":
                    share += "ᵇ"
                sp = spread(cell.get("samples_ns") or [cell["median_ns"]])
                text = (f"{sigma}{fmt_in_unit(cell['median_ns'], scale)} (IQR {fmt_in_unit(sp.iqr, scale)}, "
                        f"{_outliers(sp.outliers)}) · {share}")
                if cell.get("concurrent"):
                    text = "⇉ " + text
                if v != base:
                    text += "<br>" + ratio_cell(cell.get("ratio"), ref["median_ns"] if ref else None, cell["median_ns"])
                line.append(text)
            rows.append(line)
        totals = ["**total**"]
        b_total = c["summary"][base]["total_median_ns"]
        for v in variants:
            s = c["summary"][v]
            sp = spread(s.get("total_samples_ns") or [s["total_median_ns"]])
            text = (f"**{fmt_in_unit(s['total_median_ns'], scale)}** (IQR {fmt_in_unit(sp.iqr, scale)}, "
                    f"{_outliers(sp.outliers)}) · 100%")
            if v != base:
                text += "<br>" + ratio_cell(s.get("ratio"), b_total, s["total_median_ns"])
            totals.append(text)
        rows.append(totals)
        out += _table(header, rows)
        ok = all(a["ok"] for a in c.get("arithmetic", ()) if "elapsed" in a["what"])
        notes = [
            f"Each cell: median over {c['rounds']} round(s) in {unit} (interquartile range, outliers beyond 1.5 IQR) "
            "· share of the variant's total"
            + (" · time ratio new / baseline (95% CI), **bold** with faster or slower only when significant (see "
               "Summary)." if len(variants) > 1 else "."),
            f"Phase rows (not ↳) add up to the total in every round: {'✓ exact' if ok else '✗ see Checks'}; their "
            "medians need not add up exactly. ↳ rows are inside the phase above them and are not added again. "
            f"*{UNACCOUNTED}* rows are the time inside a span that no child span covers.",
            "⇉ marks a phase that ran concurrent work: its time is still elapsed time (see Concurrency).",
        ]
        if any_sum:
            notes.append(
                "**Σ = summed over the workers** of a concurrent section or phase: this is work (worker time), not "
                "elapsed time, and Σ cells must not be added to elapsed times. ᵇ = share of that section's busy time "
                "(Σ of the workers' task times) instead of the total. The ratio of a Σ cell compares that work with "
                "the baseline's time for the phase (for a serial baseline, its elapsed time equals its work)."
            )
        out += [""] + [f"- {n}" for n in notes]
        return out

    def cpu_table(self, c: Mapping[str, Any]) -> list[str]:
        variants = c["variants"]
        rows = []
        scale, unit = pick_unit(cell["cpu_median_ns"] for r in c["rows"] if r["partition"]
                                for cell in r["cells"].values())
        for r in c["rows"]:
            if not r["partition"]:
                continue
            line = [row_label(r)]
            for v in variants:
                cell = r["cells"].get(v)
                line.append("–" if cell is None else ("Σ " if cell["summed"] else "") +
                            fmt_in_unit(cell["cpu_median_ns"], scale))
            rows.append(line)
        out = ["<details><summary>CPU time per phase (median)</summary>", ""]
        out += _table(["phase", *[f"{v} ({unit})" for v in variants]], rows)
        out += ["", "CPU time of the process (or, for Σ rows, of the worker) that ran the phase. Work sent to "
                "worker processes from a phase in the main process does not count in that phase's CPU: see "
                "Concurrency for the workers' CPU.", "", "</details>"]
        return out

    def journey(self, c: Mapping[str, Any]) -> list[str]:
        steps = c.get("journey") or []
        if not steps:
            return []
        summaries = (c.get("meta") or {}).get("summaries") or {}
        base = c["baseline"]
        b = c["summary"][base]
        out = ["## The journey", ""]
        scale, unit = pick_unit([b["total_median_ns"], *(s["total_median_ns"] for s in steps)])
        rows = [["0", f"**{base}**", _esc(summaries.get(base, "")), fmt_in_unit(b["total_median_ns"], scale), "–",
                 "–", "1×"]]
        for i, s in enumerate(steps, 1):
            prev_total = s["total_median_ns"] - s["delta_ns"]
            pct = s["delta_ns"] / prev_total if prev_total else math.nan
            delta = f"{'+' if s['delta_ns'] >= 0 else '−'}{fmt_in_unit(abs(s['delta_ns']), scale)} ({pct:+.0%})"
            inv = " ✗" if c["summary"][s["variant"]]["invalid"] else ""
            rows.append([str(i), f"**{s['variant']}**{inv}", _esc(summaries.get(s["variant"], "")),
                         fmt_in_unit(s["total_median_ns"], scale), delta,
                         ratio_cell(s["step_ratio"], prev_total, s["total_median_ns"]),
                         ratio_cell(s.get("cumulative_ratio"), b["total_median_ns"], s["total_median_ns"])])
        out += _table(["step", "variant", "what changed", f"total ({unit})", f"change vs previous step ({unit})",
                       "ratio vs previous (CI)", "ratio vs baseline (CI)"], rows, ["r", "l", "l", "r", "r", "r", "r"])
        return out

    def bottlenecks(self, c: Mapping[str, Any]) -> list[str]:
        out = ["## Bottleneck shift", ""]
        rows = []
        for v in c["variants"]:
            b = c["bottlenecks"][v]
            sig = "ᵇ Σ" if b["largest_summed"] else ""
            grew = "–"
            if b.get("grew"):
                grew = (f"`{b['grew']}` {fmt_pct(b['grew_from'])} → {fmt_pct(b['grew_to'])} "
                        f"(+{100 * (b['grew_to'] - b['grew_from']):.0f} pp)")
            shrank = "–"
            if b.get("shrank"):
                shrank = (f"`{b['shrank']}` {fmt_pct(b['shrank_from'])} → {fmt_pct(b['shrank_to'])} "
                          f"({100 * (b['shrank_to'] - b['shrank_from']):.0f} pp)")
            rows.append([f"**{v}**", f"`{b['largest']}`" if b["largest"] else "–", fmt_pct(b["largest_share"]) + sig,
                         grew, shrank])
        out += _table(["variant", "largest phase", "its share", "share grew most (vs baseline)",
                       "share shrank most"], rows, ["l", "l", "r", "l", "l"])
        out += ["", "Shares are of the variant's total. For Σ phases inside a parallel section the share is the "
                "phase's share of the workers' busy time, times the section's share of the total (an attribution, "
                "marked ᵇ Σ)."]
        return out

    def predictions(self, c: Mapping[str, Any]) -> list[str]:
        preds = c.get("predictions") or {}
        if not preds:
            return []
        out = ["## Expected vs actual", "",
               "Amdahl's prediction: the baseline's phase times, with only the phases that a variant changes "
               "replaced by their measured medians in that variant; against the variant's measured phase medians. "
               "Both sides add phase medians (one base: a variant that changes nothing is predicted exactly 1×).", ""]
        rows = []
        details = []
        for v, p in preds.items():
            changed = ", ".join(f"`{k}`" for k in p["changed_rows"]) or "none"
            diff = p["difference_ns"]
            pct = diff / p["predicted_ns"] if p["predicted_ns"] else math.nan
            rows.append([f"**{v}**", changed, fmt_duration(p["predicted_ns"]), fmt_duration(p["actual_ns"]),
                         f"{'+' if diff >= 0 else '−'}{fmt_duration(abs(diff))} ({pct:+.0%})", _esc(p["named"])])
            items = [it for it in p["items"] if abs(it["delta_ns"]) >= 0.005 * max(p["actual_ns"], 1)]
            if items:
                details.append(f"- **{v}**: " + "; ".join(
                    f"{_esc(it['label'])} {'+' if it['delta_ns'] >= 0 else '−'}{fmt_duration(abs(it['delta_ns']))}"
                    for it in items[:6]))
        out += _table(["variant", "phases it changes (baseline rows)", "predicted (Σ medians)", "measured (Σ medians)",
                       "difference", "the difference is mostly"], rows, ["l", "l", "r", "r", "r", "l"])
        if details:
            out += ["", "<details><summary>The difference, item by item (≥ 0.5% of the total)</summary>", "",
                    *details, "", "</details>"]
        return out

    def concurrency(self, c: Mapping[str, Any]) -> list[str]:
        rows = []
        scale, unit = pick_unit(r["wall_median_ns"] for r in c.get("concurrency") or [])
        for r in c.get("concurrency") or []:
            rows.append([f"**{r['variant']}**", f"`{r['key']}`" + (" (Σ)" if r["summed"] else ""),
                         str(r["workers"]), "–" if r.get("tasks") is None else str(r["tasks"]),
                         fmt_in_unit(r["wall_median_ns"], scale), fmt_in_unit(r["busy_median_ns"], scale),
                         _num(r["speedup"]) + "×" if r.get("speedup") is not None else "–",
                         fmt_pct(r.get("efficiency")), fmt_pct(r.get("cpu_efficiency"))])
        if not rows:
            return ["## Concurrency", "", "No variant ran concurrent work."]
        out = ["## Concurrency", ""]
        out += _table(["variant", "phase", "workers", "jobs", f"wall, elapsed ({unit})", f"busy, Σ workers ({unit})",
                       "busy / wall", "efficiency", "CPU efficiency"], rows)
        out += ["", "Medians over rounds. busy = Σ of the workers' job times; efficiency = busy / (wall × workers); "
                "CPU efficiency = the workers' CPU / (wall × workers): low values mean the workers waited "
                "(start-up, transfer, I/O) rather than computed."]
        return out

    def counters(self, c: Mapping[str, Any]) -> list[str]:
        rows_in = c.get("counters") or []
        if not rows_in:
            return []
        variants = c["variants"]
        base = c["baseline"]
        partition = {r["key"] for r in c["rows"] if r["partition"] or r["kind"] in ("detail",)}
        rows = []
        any_attr = False
        for r in rows_in:
            if r["key"] != "result" and r["key"] not in partition:
                continue
            mark = ""
            if r["source"] == "attr":
                mark, any_attr = "¹", True
            line = [f"`{r['key']}`" if r["key"] != "result" else "**run result**", f"{r['counter']}{mark}"]
            bv = r["values"].get(base)
            for v in variants:
                val = r["values"].get(v)
                text = "–" if val is None else f"{val:,}" if isinstance(val, int) else _num(val)
                if val is not None and bv is not None and val != bv and v != base:
                    text = f"**{text}**"
                if v in r.get("varies", ()):
                    text += "²"
                line.append(text)
            rows.append(line)
        out = ["## Counters", ""]
        out += _table(["phase", "counter", *variants], rows, ["l", "l", *["r"] * len(variants)])
        notes = ["Values from the first timing round; **bold** differs from the baseline."]
        if any_attr:
            notes.append("¹ an attribute set by each call: the value of the **last** call (the last task run), not a "
                         "total over tasks. Counters without the mark are totals over all calls and workers.")
        if any(r.get("varies") for r in rows_in):
            notes.append("² the value changed between rounds.")
        out += ["", *notes]
        return out

    def gaps(self, c: Mapping[str, Any]) -> list[str]:
        return gap_section(c, self.profile_links, self.max_gap_functions)

    def chart_section(self, c: Mapping[str, Any]) -> list[str]:
        if not self.charts:
            return []
        captions = {
            "phases": "Phases per variant (median; ⁄⁄ hatched = *(unaccounted)*)",
            "forest": "Ratio to baseline per phase, with 95% CI (log scale)",
            "samples": "Raw samples per phase and variant (every round)",
            "timeline": "Timeline of one round of a parallel variant, per worker",
        }
        out = ["## Charts", ""]
        for name, files in self.charts.items():
            caption = captions.get(name, name)
            links = " · ".join(f"[{fmt.upper()}]({path})" for fmt, path in files.items())
            if self.images and "png" in files:
                out += [f"**{caption}** ({links})", "", f"![{caption}]({files['png']})", ""]
            else:
                out.append(f"- {caption}: {links}")
        if not self.images:
            out += ["", "(Charts are files next to the report; they are not embedded here.)"]
        return out

    def checks(self, c: Mapping[str, Any]) -> list[str]:
        out = ["## Checks", ""]
        for a in c.get("arithmetic") or []:
            mark = "✓" if a["ok"] else "✗"
            err = "" if a["ok"] else f" (off by up to {fmt_duration(a['max_error_ns'])})"
            out.append(f"- {mark} **{a['variant']}**: {a['what']}{err}")
        for v in c["variants"]:
            s = c["summary"][v]
            if v == c["baseline"]:
                out.append(f"- {'✓' if len(s['digests']) <= 1 else '✗'} **{v}**: result digest "
                           f"`{_short(s.get('digest'), 16)}` in every round" if len(s["digests"]) <= 1 else
                           f"- ✗ **{v}**: {len(s['digests'])} different digests across rounds")
            elif s["digest_ok"] is not None:
                out.append(f"- {'✓' if s['digest_ok'] else '✗'} **{v}**: result digest "
                           f"{'equal to' if s['digest_ok'] else '**differs from**'} the baseline's in every round")
        for v, msgs in (c.get("record_checks") or {}).items():
            for m in msgs[:5]:
                out.append(f"- ⚠ **{v}**: {_esc(m)}")
            if len(msgs) > 5:
                out.append(f"- ⚠ **{v}**: … {len(msgs) - 5} more consistency issue(s)")
        fps = c.get("fingerprints") or {}
        if fps:
            ids = sorted({f for fs in fps.values() for f in fs})
            out.append(f"- {'✓' if len(ids) == 1 else '✗'} every record from the same machine fingerprint "
                       f"({', '.join(f'`{i}`' for i in ids)})")
        return out


def render_markdown(comparison: Any, **options: Any) -> str:
    """The markdown report of a comparison (a `Comparison` or its dict); options as MarkdownRenderer."""
    return MarkdownRenderer(**options).render(comparison)


__all__ = ["MarkdownRenderer", "fmt_ci", "fmt_pct", "fmt_ratio", "render_markdown", "row_label"]
