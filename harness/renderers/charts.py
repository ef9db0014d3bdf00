"""Charts of a comparison (matplotlib, Agg backend): PNG and SVG files linked from the report.

- ``phases``: stacked bars of the phases per variant (median), ``(unaccounted)`` hatched. Phases that
  ran inside a parallel section are sums over workers; in the bar they are scaled to the section's
  elapsed time (their share of the workers' busy time × the section's wall), drawn lighter and
  labelled as such, so a bar's length is always elapsed time.
- ``forest``: per-phase ratio to the baseline with its 95% CI, log scale (hollow markers: Σ rows).
- ``samples``: raw per-round samples per phase and variant (box + points).
- ``timeline``: spans per worker for one round of a parallel variant (a Gantt chart).

All functions take the comparison's plain data (``Comparison.to_dict()``), so charts can be redrawn
from ``report.json``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from harness.processors import UNACCOUNTED  # noqa: E402
from harness.units import fmt_duration  # noqa: E402

_PALETTE = [
    "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#CCB974", "#64B5CD", "#17becf",
    "#2f4f4f", "#e6ab02", "#66a61e", "#e7298a", "#8b0000", "#1f3a93",
]
_VARIANT_PALETTE = ["#333333", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                    "#17becf", "#bcbd22"]


def _unit(max_ns: float) -> tuple[float, str]:
    if max_ns >= 2e9:
        return 1e9, "s"
    if max_ns >= 2e6:
        return 1e6, "ms"
    return 1e3, "µs"


def phase_colors(c: Mapping[str, Any]) -> dict[str, str]:
    """One colour per row key: phase rows first, then detail rows (distinct colours while the palette
    lasts), ``(unaccounted)`` rows in greys."""
    colors: dict[str, str] = {}
    greys = ["#9e9e9e", "#bdbdbd", "#7a7a7a", "#d0d0d0", "#5f5f5f"]
    g = 0
    for r in c["rows"]:
        if r["key"].endswith(UNACCOUNTED):
            colors[r["key"]] = greys[g % len(greys)]
            g += 1
    ordered = [r["key"] for r in c["rows"] if r["kind"] == "phase"]
    ordered += [r["key"] for r in c["rows"] if r["kind"] == "detail"]
    # a row's kind is the baseline's: a parallel section there (score_demo in a sandbox) can be a phase
    # inside another variant's parallel section, and is drawn there too
    ordered += [r["key"] for r in c["rows"] if r["key"] not in colors and r["key"] not in ordered]
    for i, key in enumerate(ordered):
        colors[key] = _PALETTE[i % len(_PALETTE)]
    return colors


def variant_colors(c: Mapping[str, Any]) -> dict[str, str]:
    return {v: _VARIANT_PALETTE[i % len(_VARIANT_PALETTE)] for i, v in enumerate(c["variants"])}


# ------------------------------------------------------------------------------------- phases
def phases_chart(c: Mapping[str, Any]) -> Figure:
    variants = list(c["variants"])
    colors = phase_colors(c)
    rows = [r for r in c["rows"] if r["partition"]]
    max_total = max(c["summary"][v]["total_median_ns"] for v in variants)
    scale, unit = _unit(max_total)
    fig, ax = plt.subplots(figsize=(10, 1.0 + 0.55 * len(variants) + 1.2), layout="constrained")
    used: dict[str, bool] = {}
    scaled_any = False
    for y, v in enumerate(variants):
        left = 0.0
        for r in rows:
            cell = r["cells"].get(v)
            if cell is None or cell["summed"]:
                continue
            if r["kind"] == "parallel":
                inner = [x for x in rows if (x["cells"].get(v) or {}).get("share_base") == r["key"]]
                section = cell["median_ns"]
                for x in inner:
                    xc = x["cells"][v]
                    width = max(xc["share"] or 0.0, 0.0) * section / scale
                    if width <= 0:
                        continue
                    unacc = x["key"].endswith(UNACCOUNTED)
                    ax.barh(y, width, left=left, color=colors[x["key"]], alpha=0.55, edgecolor="white", linewidth=0.5,
                            hatch="//" if unacc else None)
                    used[x["key"]] = unacc
                    left += width
                    scaled_any = True
                continue
            width = max(cell["median_ns"], 0.0) / scale
            if width <= 0:
                continue
            unacc = r["key"].endswith(UNACCOUNTED)
            ax.barh(y, width, left=left, color=colors[r["key"]], edgecolor="white", linewidth=0.5,
                    hatch="//" if unacc else None)
            used[r["key"]] = unacc
            left += width
        s = c["summary"][v]
        label = fmt_duration(s["total_median_ns"])
        if s.get("ratio") and s["ratio"].get("ratio"):
            label += f"  ({s['ratio']['ratio']:.2f}× baseline)"
        if s["invalid"]:
            label += "  INVALID: digest differs"
        ax.text(s["total_median_ns"] / scale + max_total / scale * 0.01, y, label, va="center", fontsize=8.5,
                color="#b00020" if s["invalid"] else "#222222")
    ax.set_yticks(range(len(variants)), [v + (" ✗" if c["summary"][v]["invalid"] else "") for v in variants])
    ax.invert_yaxis()
    ax.set_xlim(0, max_total / scale * 1.32)
    ax.set_xlabel(f"median wall time ({unit})")
    ax.set_title("Where the time goes: phases per variant (median over rounds)", fontsize=11)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    handles = [Patch(facecolor=colors[k], hatch="//" if unacc else None, edgecolor="white", label=k)
               for k, unacc in used.items()]
    if scaled_any:
        handles.append(Patch(facecolor="#bbbbbb", alpha=0.55, label="lighter: inside a parallel section, Σ work "
                                                                  "scaled to its elapsed time"))
    fig.legend(handles=handles, loc="outside lower center", ncol=min(4, max(1, len(handles))), fontsize=8,
               frameon=False)
    return fig


# ------------------------------------------------------------------------------------- forest
def forest_chart(c: Mapping[str, Any], *, min_share: float = 0.005) -> Figure:
    variants = [v for v in c["variants"] if v != c["baseline"]]
    vcolors = variant_colors(c)
    base_total = c["summary"][c["baseline"]]["total_median_ns"]
    rows = [r for r in c["rows"] if r["partition"] and r["kind"] != "parallel"
            and any((r["cells"].get(v) or {}).get("ratio") for v in variants)
            and max(cell["median_ns"] for cell in r["cells"].values()) >= min_share * base_total]
    labels = ["total"] + [r["key"] for r in rows]
    n = max(len(variants), 1)
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.16 * n * len(labels) + 0.8), layout="constrained")
    lo_all, hi_all = [], []
    points: list[tuple[float, float, str]] = []
    for i, v in enumerate(variants):
        offset = (i - (n - 1) / 2) * (0.8 / n)
        entries = [("total", c["summary"][v].get("ratio"), False)]
        entries += [(r["key"], (r["cells"].get(v) or {}).get("ratio"), (r["cells"].get(v) or {}).get("summed", False))
                    for r in rows]
        for y, (_, ci, summed) in enumerate(entries):
            if not ci or ci.get("ratio") is None or ci["ratio"] <= 0:
                continue
            ratio = ci["ratio"]
            low = ci.get("low") if ci.get("low") is not None else ratio
            high = ci.get("high") if ci.get("high") is not None else ratio
            low, high = max(low, 1e-3), max(high, 1e-3)
            lo_all.append(low)
            hi_all.append(high)
            points.append((ratio, y + offset, v))
            ax.errorbar(ratio, y + offset, xerr=[[max(ratio - low, 0)], [max(high - ratio, 0)]], fmt="o",
                        color=vcolors[v], ms=5 if y == 0 else 4, capsize=2, lw=1.2,
                        mfc="white" if summed else vcolors[v], mew=1.2)
    ax.axvline(1.0, color="#444444", lw=1, ls="--")
    ax.set_xscale("log")
    if lo_all:
        _forest_limits(ax, lo_all, hi_all, points, vcolors)
    ax.set_yticks(range(len(labels)), labels)
    ax.get_yticklabels()[0].set_fontweight("bold")
    for y in range(len(labels)):
        if y % 2 == 0:
            ax.axhspan(y - 0.5, y + 0.5, color="#f2f2f2", zorder=0)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlabel("ratio to baseline: median(variant) / median(baseline), log scale   (< 1 = faster)")
    ax.set_title(f"Per-phase ratio to {c['baseline']} with 95% paired-bootstrap CI "
                 f"(phases of ≥ {min_share:.1%} of its total)", fontsize=11)
    ax.grid(axis="x", which="both", alpha=0.25)
    handles = [Line2D([], [], color=vcolors[v], marker="o", ls="", label=v) for v in variants]
    handles.append(Line2D([], [], color="#555555", marker="o", mfc="white", ls="",
                          label="hollow: Σ over workers (work, not elapsed)"))
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4), fontsize=8, frameon=False)
    return fig


#: The forest chart's axis spans at most this factor either side of 1: a tiny row whose ratio is far off
#: (a gap that vanished) is drawn as an arrow at the edge, with its value, instead of stretching the axis.
FOREST_MAX_FACTOR = 32.0


def _forest_limits(ax: Any, lo_all: list[float], hi_all: list[float], points: list[tuple[float, float, str]],
                   vcolors: Mapping[str, Any]) -> None:
    lo = max(min(lo_all) / 1.5, 1 / FOREST_MAX_FACTOR)
    hi = min(max(hi_all) * 1.5, FOREST_MAX_FACTOR)
    lo, hi = min(lo, 0.8), max(hi, 1.25)
    ax.set_xlim(lo, hi)
    for ratio, y, v in points:
        if lo <= ratio <= hi:
            continue
        edge, marker, align = (lo, "<", "left") if ratio < lo else (hi, ">", "right")
        ax.plot([edge], [y], marker=marker, color=vcolors[v], ms=7, clip_on=False)
        ax.annotate(f"{ratio:.3g}×", (edge, y), xytext=(6 if align == "left" else -6, 0), textcoords="offset points",
                    ha=align, va="center", fontsize=7, color=vcolors[v])


# ------------------------------------------------------------------------------------ samples
def samples_chart(c: Mapping[str, Any], *, min_share: float = 0.01, max_panels: int = 16) -> Figure:
    variants = list(c["variants"])
    vcolors = variant_colors(c)
    base_total = c["summary"][c["baseline"]]["total_median_ns"]
    panels: list[tuple[str, dict[str, Any]]] = [("total", {v: {"samples_ns": c["summary"][v]["total_samples_ns"],
                                                              "summed": False} for v in variants})]
    for r in c["rows"]:
        if not r["partition"] or r["kind"] == "parallel":
            continue
        big = max((cell["median_ns"] for cell in r["cells"].values()), default=0)
        if big >= min_share * base_total:
            panels.append((r["key"], r["cells"]))
    panels = panels[:max_panels]
    ncols = min(4, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.1 * ncols, 2.5 * nrows + 0.6), layout="constrained",
                             squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax, (key, cells) in zip(axes.flat, panels, strict=False):
        present = [v for v in variants if v in cells]
        allv = [x for v in present for x in cells[v]["samples_ns"]]
        scale, unit = _unit(max(allv) if allv else 1)
        data = [[x / scale for x in cells[v]["samples_ns"]] for v in present]
        pos = list(range(len(present)))
        ax.boxplot(data, positions=pos, widths=0.55, showfliers=False, medianprops={"color": "black"},
                   boxprops={"color": "#888888"}, whiskerprops={"color": "#888888"}, capprops={"color": "#888888"})
        for i, v in enumerate(present):
            xs = cells[v]["samples_ns"]
            jit = [(j - (len(xs) - 1) / 2) * (0.25 / max(len(xs), 1)) for j in range(len(xs))]
            summed = cells[v].get("summed")
            ax.scatter([i + d for d in jit], [x / scale for x in xs], s=14, color=vcolors[v],
                       facecolors="white" if summed else vcolors[v], linewidths=1, zorder=3)
        ax.set_xticks(pos, [v + ("Σ" if cells[v].get("summed") else "") for v in present], rotation=35, ha="right",
                        fontsize=7.5)
        ax.set_ylabel(unit, fontsize=8)
        ax.tick_params(axis="y", labelsize=7.5)
        ax.set_title(key, fontsize=9, fontweight="bold" if key == "total" else "normal")
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Raw samples: every timing round, per phase and variant (hollow / Σ = summed over workers)",
                 fontsize=11)
    return fig


# ----------------------------------------------------------------------------------- timeline
def timeline_chart(c: Mapping[str, Any]) -> Figure | None:
    tl = c.get("timeline")
    if not tl or not tl.get("bars"):
        return None
    colors = phase_colors(c)
    lanes = list(tl["lanes"])
    scale, unit = _unit(tl["total_ns"])
    fig, ax = plt.subplots(figsize=(11, 1.4 + 0.55 * len(lanes) + 1.0), layout="constrained")
    heights = {"task": 0.9, "group": 0.9, "phase": 0.62, "detail": 0.3}
    groups: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    for b in tl["bars"]:
        groups.setdefault((b["lane"], b["key"], b["level"]), []).append(
            (b["start_ns"] / scale, max(b["end_ns"] - b["start_ns"], 0) / scale))
    order = {"task": 0, "group": 1, "phase": 2, "detail": 3}
    phase_lanes = {lane for (lane, _, level) in groups if level == "phase"}
    used: dict[str, str] = {}
    extra = iter(_PALETTE[::-1])
    for (lane, key, level), spans in sorted(groups.items(), key=lambda kv: order[kv[0][2]]):
        y = lanes.index(lane)
        h = heights[level]
        if level in ("task", "group"):
            ax.broken_barh(spans, (y - h / 2, h), facecolors="#eeeeee", edgecolors="#999999", linewidth=0.6)
            if "group" not in used:
                used["group"] = "#eeeeee"
            if lane not in phase_lanes:  # e.g. the main process waiting for its workers: say what it is
                for x0, w in spans:
                    if w >= 0.12 * tl["total_ns"] / scale:
                        ax.text(x0 + w / 2, y, f"{key} ⇉ (waiting for the workers)" if level == "group" else key,
                                ha="center", va="center", fontsize=8, color="#555555")
            continue
        if level == "detail":
            if lane in phase_lanes:  # the phase bar already covers it
                continue
            h = heights["phase"]
        color = colors.get(key) or used.get(key) or next(extra, "#777777")
        ax.broken_barh(spans, (y - h / 2, h), facecolors=color, edgecolors="none",
                       hatch="//" if key.endswith(UNACCOUNTED) else None)
        used[key] = color
    ax.set_yticks(range(len(lanes)), lanes)
    ax.set_ylim(len(lanes) - 0.4, -0.6)
    ax.set_xlim(0, tl["total_ns"] / scale)
    ax.set_xlabel(f"time since the run started ({unit})")
    note = f", {tl['truncated']} short spans left out" if tl.get("truncated") else ""
    ax.set_title(f"Timeline of {tl['variant']}: timing round {tl['round'] + 1}, the one with the median total{note}",
                 fontsize=11)
    ax.grid(axis="x", alpha=0.3)
    handles = [Patch(facecolor=col, edgecolor="#999999" if k == "group" else "none",
                     label="task / container span (grey)" if k == "group" else k) for k, col in used.items()]
    fig.legend(handles=handles, loc="outside lower center", ncol=min(5, max(1, len(handles))), fontsize=8,
               frameon=False)
    return fig


# ------------------------------------------------------------------------------------- output
CHARTS = ("phases", "forest", "samples", "timeline")


def render_charts(
    comparison: Any,
    out_dir: str | Path,
    *,
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 100,
    only: Iterable[str] | None = None,
) -> dict[str, dict[str, Path]]:
    """Draw every chart into `out_dir` as ``<name>.<format>``; returns ``{name: {format: path}}``.

    `comparison` is a `Comparison` or its dict. A chart without data (no parallel variant for the
    timeline) is skipped.
    """
    c = comparison.to_dict() if hasattr(comparison, "to_dict") else comparison
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    makers = {"phases": phases_chart, "forest": forest_chart, "samples": samples_chart, "timeline": timeline_chart}
    wanted = list(only) if only is not None else list(CHARTS)
    if len(c["variants"]) < 2 and "forest" in wanted:
        wanted.remove("forest")
    files: dict[str, dict[str, Path]] = {}
    with plt.rc_context({"svg.hashsalt": "phasebench", "svg.fonttype": "none", "font.size": 9}):
        for name in wanted:
            fig = makers[name](c)
            if fig is None:
                continue
            try:
                for fmt in formats:
                    path = out / f"{name}.{fmt}"
                    meta = {"Date": None} if fmt == "svg" else {}
                    fig.savefig(path, dpi=dpi, format=fmt, metadata=meta)
                    files.setdefault(name, {})[fmt] = path
                    fig.set_layout_engine("none")  # keep the layout computed for the first format
            finally:
                plt.close(fig)
    return files


__all__ = ["CHARTS", "forest_chart", "phase_colors", "phases_chart", "render_charts", "samples_chart",
           "timeline_chart", "variant_colors"]
