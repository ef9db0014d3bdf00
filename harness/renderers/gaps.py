"""The report's "What is in the gaps" section: every *(unaccounted)* and *(no worker busy)* row of at least
1% of its variant's total, largest first, with the profile pass's view of it (the main process's profile
for elapsed gaps, the workers' for Σ gaps)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.processors import GAP_ROWS, NO_WORKER_BUSY, UNACCOUNTED
from harness.units import fmt_duration, fmt_pct


def gap_section(c: Mapping[str, Any], profile_links: Mapping[str, Mapping[str, str]],
                max_gap_functions: int = 5) -> list[str]:
    """The section's markdown lines for a comparison dict `c`."""
    out = ["## What is in the gaps", ""]
    gaps = c.get("gaps") or []
    if not gaps:
        out.append(f"No *{UNACCOUNTED}* or *{NO_WORKER_BUSY}* row reaches 1% of its variant's total (and 1 ms): "
                   "the spans cover the run.")
        return out
    any_profile = bool(c.get("profiles"))
    out.append(f"*{UNACCOUNTED}* rows (time inside a span that no child span covers) and *{NO_WORKER_BUSY}* rows "
               "(time inside a concurrent phase when no worker was busy and the phase's own process ran no named "
               "span: dispatch, pickling, polling, waiting) of at least 1% of the total (and 1 ms), largest first "
               "(a variant without one shows its largest gap of 1 ms or more)"
               + (", with the functions that had the most self time in the gap in the profile pass (a separate "
                  "run under pyinstrument; its times are inflated, so only proportions are shown)."
                  if any_profile else "."))
    out.append("")
    for v in c["variants"]:
        mine = [g for g in gaps if g["variant"] == v]
        if not mine:
            continue
        links = profile_links.get(v) or {}
        link = ""
        if links:
            link = " (profile: " + ", ".join(f"[{k}]({p})" for k, p in links.items()
                                             if not k.endswith("session")) + ")"
        out.append(f"- **{v}**{link}")
        for g in mine:
            sig = "Σ " if g["summed"] else ""
            small = "" if g.get("large", True) else ", its largest gap"
            name = next((n for n in GAP_ROWS if g["key"].endswith("/" + n)), UNACCOUNTED)
            where = g["key"][: -len(name) - 1]
            line = (f"  - *{name}* in `{where}`: {sig}{fmt_duration(g['median_ns'])} "
                    f"({fmt_pct(g['share'], 1)} of the total{small})")
            prof = g.get("profile")
            if prof and prof.get("top"):
                total = max(int(prof.get("gap_ns") or 0), 1)
                funcs = []
                for t in [t for t in prof["top"] if int(t["self_ns"]) >= 0.01 * total][: max_gap_functions]:
                    builtins = f", incl. {', '.join(t['builtins'][:2])}" if t.get("builtins") else ""
                    funcs.append(f"`{t['function']}` ({t['location']}{builtins}) "
                                 f"{100 * int(t['self_ns']) / total:.0f}%")
                line += ": " + "; ".join(funcs)
                if name == NO_WORKER_BUSY and not g["summed"]:
                    line += " [the main process's profile of the phase also holds its waits while workers were busy]"
                if prof.get("includes_spans"):
                    line += (f" [the profile's gap also holds the with-block spans "
                             f"{', '.join(prof['includes_spans'][:5])}]")
            elif prof is not None:
                line += ": the profile saw no Python frames in this gap"
            elif v in (c.get("profiles") or {}):
                line += ": no profile data for this gap (its span makes no phase frame)"
            out.append(line)
    if not any_profile:
        out += ["", "No profile pass in this run: add `--profile` to `phasebench compare` to name the functions "
                "that fill these gaps."]
    else:
        out += ["", "Elapsed gaps are explained by the main process's profile; Σ gaps (summed over workers) by the "
                "workers' own profiles (one pyinstrument session per worker task, merged in `profile.workers.html`)."]
    return out


__all__ = ["gap_section"]
