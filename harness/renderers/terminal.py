"""`TerminalRenderer`: the span tree as an indented table, readable at a glance (colour via rich).

Columns: wall, CPU, self, share of parent, count, and for concurrent nodes busy time, workers and
efficiency. Rows are in execution order; ``(unaccounted)`` rows appear when significant (≥1% of the
parent or ≥1 ms), highlighted by size, with the profile's top functions for the gap when a profile
pass is attached. Times of merged worker spans are sums over workers (marked ``Σ``). Consistency
flags are marked on their rows (⚠) and listed below the table.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from harness.node import KIND_OVERLAPPING_CALLS
from harness.processors import (
    GAP_ROWS,
    NO_WORKER_BUSY,
    STARTUP,
    UNACCOUNTED,
    WORKER_STARTUP,
    Issue,
    consistency_issues,
    derive,
    path_str,
    process_startup_ns,
    root_gap,
)
from harness.renderers.base import Renderer, record_dict
from harness.units import fmt_bytes, fmt_duration

#: The terminal's name for the one duration formatter (`harness.units.fmt_duration`).
fmt_ns = fmt_duration


def _notes(node: Mapping[str, Any], limit: int = 60) -> str:
    parts = [f"{k}={v}" for k, v in (node.get("counters") or {}).items()]
    parts += [f"{k}={v}" for k, v in (node.get("attrs") or {}).items()]
    text = " ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _name_cell(node: Mapping[str, Any], parent: Mapping[str, Any] | None, prefix: str, last: bool,
               flagged: bool) -> tuple[Text, str]:
    """The tree column of a row (guides, name, ⇉, ⚠) and the style of its wall time."""
    guide = "" if parent is None else ("└─ " if last else "├─ ")
    name = Text(prefix + guide, style="dim")
    style = ""
    if node.get("synthetic"):
        share = float(node.get("share", 0.0))
        if int(node["wall_ns"]) < 0 or share >= 0.2:
            style = "bold red"
        elif share >= 0.05:
            style = "bold yellow"
        else:
            style = "dim italic"
        name.append(str(node.get("name") or UNACCOUNTED), style=style)
        if node.get("estimated"):
            name.append(" ≈", style="dim")
        return name, style
    name.append(node["name"], style="bold" if parent is None else "")
    if node.get("concurrent"):
        name.append(" ⇉", style="cyan")
    if flagged:
        name.append(" ⚠", style="bold red")
        style = "red"
    return name, style


def _share_text(node: Mapping[str, Any], parent: Mapping[str, Any] | None) -> str:
    """% of the parent's wall time (ᵇ: of its busy time, for children of concurrent work)."""
    if parent is None:
        return ""
    own = parent.get("concurrent") and not node.get("synthetic") and not node.get("remote") and not parent.get("remote")
    elapsed = node.get("name") in (NO_WORKER_BUSY, WORKER_STARTUP) or own
    of_busy = parent.get("concurrent") and parent.get("concurrency") != KIND_OVERLAPPING_CALLS and not elapsed
    base = int(parent.get("busy_ns", parent["wall_ns"])) if of_busy else int(parent["wall_ns"])
    if base <= 0:
        return ""
    return f"{100 * int(node['wall_ns']) / base:.1f}%" + ("ᵇ" if of_busy else "")


def _concurrency_text(node: Mapping[str, Any]) -> str:
    if not node.get("concurrent"):
        return ""
    text = f"busy {fmt_ns(node.get('busy_ns'))} · {node.get('workers')} workers"
    if node.get("efficiency") is not None:
        text += f" · eff {node['efficiency']:.0%}"
    if node.get("cpu_efficiency") is not None:
        text += f" · cpu {node['cpu_efficiency']:.0%}"
    return text


def _startup_cells(startup_ns: int, root: str) -> dict[str, Text]:
    """The ``(startup)`` row above the root: process start -> root span (elapsed, outside the root)."""
    cells = {key: Text("") for key, _, _ in _COLUMNS}
    cells["phase"] = Text(STARTUP, style="italic")
    cells["wall"] = Text(fmt_ns(startup_ns))
    cells["notes"] = Text(f"process start -> {root} (before the root: not in its wall)", style="dim")
    cells["path"] = Text(STARTUP)
    return cells


#: (key, header, justify) of every column, in display order.
_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("phase", "phase", "left"),
    ("wall", "wall", "right"),
    ("cpu", "cpu", "right"),
    ("self", "self", "right"),
    ("share", "% parent", "right"),
    ("count", "count", "right"),
    ("conc", "concurrency", "left"),
    ("mem", "peak mem", "right"),
    ("notes", "notes", "left"),
)
#: Columns always shown, then the order in which others are kept when the width is short.
_ALWAYS = frozenset({"phase", "wall", "share"})
_PRIORITY = ("phase", "wall", "share", "cpu", "conc", "count", "self", "mem", "notes")
#: Width between two columns (padding of both sides and the separator).
_SEP = 3


class TerminalRenderer(Renderer):
    """Render a run record as a rich table.

    `color` None detects (only :func:`print_record` can; :meth:`render` then gives plain text),
    `show_all` also shows insignificant ``(unaccounted)`` rows, `max_depth` limits the depth,
    `gap_functions` is how many profile functions to name under a significant gap.
    """

    output_file_extension = "txt"

    def __init__(
        self,
        *,
        color: bool | None = False,
        width: int = 132,
        show_all: bool = False,
        max_depth: int | None = None,
        gap_functions: int = 3,
    ) -> None:
        self.color = color
        self.width = width
        self.show_all = show_all
        self.max_depth = max_depth
        self.gap_functions = gap_functions

    # -- entry points -----------------------------------------------------------------------------
    def render_dict(self, record: dict[str, Any]) -> str:
        buf = io.StringIO()
        console = Console(
            file=buf,
            force_terminal=bool(self.color),
            no_color=not self.color,
            color_system="truecolor" if self.color else None,
            width=self.width,
            highlight=False,
            emoji=False,
            soft_wrap=False,
        )
        self.print_to(console, record)
        return buf.getvalue()

    def print_to(self, console: Console, record: Any) -> None:
        """Print `record` on a rich console (colour as the console allows; columns fit its width)."""
        data = record_dict(record)
        for renderable in self.renderables(data, width=console.width):
            console.print(renderable)

    # -- building ---------------------------------------------------------------------------------
    def renderables(self, record: dict[str, Any], width: int | None = None) -> list[Any]:
        """Header, table, gap section and footer of `record`, the table fitted to `width` columns."""
        tree = derive(record["tree"])
        issues = consistency_issues(tree)
        flagged = {i.path for i in issues}
        gaps = {  # keyed by (source, path): the main process's gaps, and the workers' (Σ rows)
            (g.get("source", "main"), *g["path"]): g
            for g in (record.get("passes", {}).get("profile", {}) or {}).get("gaps", [])
            if g.get("path")
        }
        memory = {tuple(p["path"]): p for p in (record.get("passes", {}).get("memory", {}) or {}).get("peaks", [])}
        rows: list[dict[str, Text]] = []
        gap_notes: list[tuple[tuple[str, ...], int, Mapping[str, Any]]] = []
        startup = process_startup_ns(record)
        if startup is not None:
            rows.append(_startup_cells(startup, str(tree["name"])))
        self._rows(rows, tree, None, (), "", True, 0, flagged, gaps, memory, gap_notes)
        table, chosen = self._table(rows, width or self.width)
        out: list[Any] = [self._header(record), table]
        if "conc" not in chosen:  # too narrow for the column: list the concurrent nodes instead
            for r in rows:
                if r["conc"].plain:
                    line = Text(f"⇉ {r['path'].plain}: ", style="cyan")
                    line.append(r["conc"].plain)
                    out.append(line)
        out.extend(self._gap_section(gap_notes))
        out.extend(self._footer(record, tree, issues))
        return out

    def _table(self, rows: list[dict[str, Text]], width: int) -> tuple[Table, set[str]]:
        """The table with the columns that fit in `width` (by priority, shown in their usual order)."""
        widths = {key: max([len(header)] + [r[key].cell_len for r in rows]) for key, header, _ in _COLUMNS}
        present = {key for key, _, _ in _COLUMNS if any(r[key].plain for r in rows)}
        chosen: set[str] = set()
        used = -_SEP
        for key in _PRIORITY:
            if key not in present and key not in _ALWAYS:
                continue
            need = widths[key] + _SEP
            if key == "notes":  # takes what is left, truncated
                room = width - used - _SEP
                if room >= 12:
                    widths[key] = min(widths[key], room)
                    chosen.add(key)
                continue
            if key in _ALWAYS or used + need <= width:
                chosen.add(key)
                used += need
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=False, padding=(0, 1))
        keys = [key for key, _, _ in _COLUMNS if key in chosen]
        for key, header, justify in _COLUMNS:
            if key in chosen:
                table.add_column(
                    header,
                    justify=justify,  # type: ignore[arg-type]
                    no_wrap=True,
                    overflow="ellipsis",
                    max_width=widths[key] if key == "notes" else None,
                    min_width=widths[key] if key != "notes" else None,
                )
        for r in rows:
            table.add_row(*(r[key] for key in keys))
        return table, chosen

    def _gap_section(self, gap_notes: list[tuple[tuple[str, ...], int, Mapping[str, Any]]]) -> list[Any]:
        """Where each significant (unaccounted) row's time went, according to the profile pass."""
        if not gap_notes:
            return []
        out: list[Any] = [Text("where the unaccounted time went (profile pass, self time in each gap):", style="bold")]
        for path, wall, gap in gap_notes:
            total = max(int(gap.get("gap_ns", 0)), 1)
            line = Text(f"  {path_str(path)} {fmt_ns(wall)}: ")
            parts = []
            for t in gap["top"][: max(self.gap_functions, 5)]:
                builtins = f" incl. {', '.join(t['builtins'][:2])}" if t.get("builtins") else ""
                parts.append(f"{t['function']} ({t['location']}{builtins}) {100 * int(t['self_ns']) / total:.0f}%")
            line.append("; ".join(parts), style="dim")
            if gap.get("includes_spans"):
                line.append(
                    f" [the profile's gap also holds with-block spans: {', '.join(gap['includes_spans'][:5])}]",
                    style="dim",
                )
            out.append(line)
        return out

    def _header(self, record: Mapping[str, Any]) -> Text:
        env = record.get("environment") or {}
        git = env.get("git") or {}
        text = Text()
        text.append(f"{record.get('name', 'run')}", style="bold")
        if record.get("variant") is not None:
            text.append(f"  variant={record['variant']}")
        text.append(f"  {record.get('created', '')}", style="dim")
        text.append("\n")
        if record.get("workload") is not None:
            from harness.renderers.prose import workload_words

            text.append(f"workload: {workload_words(record['workload'])}\n")
        bits = [
            f"python {env.get('python', '?')}",
            f"{env.get('cpu_model', '?')} ×{env.get('cpu_count', '?')}",
        ]
        if env.get("gpu"):
            bits.append(str(env["gpu"]))
        if git.get("commit"):
            bits.append(f"git {git['commit'][:10]}{' (dirty)' if git.get('dirty') else ''}")
        if env.get("fingerprint_id"):
            bits.append(f"machine {env['fingerprint_id']}")
        text.append(" · ".join(bits), style="dim")
        return text

    def _rows(
        self,
        rows: list[dict[str, Text]],
        node: Mapping[str, Any],
        parent: Mapping[str, Any] | None,
        path: tuple[str, ...],
        prefix: str,
        last: bool,
        depth: int,
        flagged: set[tuple[str, ...]],
        gaps: Mapping[tuple[str, ...], Mapping[str, Any]],
        memory: Mapping[tuple[str, ...], Mapping[str, Any]],
        gap_notes: list[tuple[tuple[str, ...], int, Mapping[str, Any]]],
    ) -> None:
        here = (*path, node["name"])
        synthetic = bool(node.get("synthetic"))
        name, style = _name_cell(node, parent, prefix, last, here in flagged)
        wall = int(node["wall_ns"])
        summed = node.get("remote") or (synthetic and parent is not None and parent.get("remote"))
        wall_txt = ("Σ " if summed else "") + fmt_ns(wall)
        notes = _notes(node)
        if synthetic:
            notes = ""
            gap = gaps.get(("workers" if summed else "main", *path)) if node["name"] in GAP_ROWS else None
            if gap and gap.get("top") and node.get("significant") and self.gap_functions > 0:
                total = max(int(gap.get("gap_ns", 0)), 1)
                top = gap["top"][: self.gap_functions]
                notes = "profile: " + ", ".join(f"{t['function']} {100 * int(t['self_ns']) / total:.0f}%" for t in top)
                gap_notes.append(((*path, str(node["name"])), wall, gap))
        mem = memory.get(here)
        rows.append(
            {
                "phase": name,
                "wall": Text(wall_txt, style=style),
                "cpu": Text("" if node.get("elapsed_only") else fmt_ns(int(node["cpu_ns"]))),
                "self": Text(fmt_ns(node.get("self_ns")) if not synthetic else ""),
                "share": Text(_share_text(node, parent)),
                "count": Text("" if synthetic else str(node["count"])),
                "conc": Text(_concurrency_text(node), style="cyan"),
                "mem": Text(fmt_bytes(mem["peak_bytes"]) if mem else ""),
                "notes": Text(notes, style="dim"),
                "path": Text(path_str(here)),
            }
        )

        child_prefix = prefix + ("" if parent is None else ("   " if last else "│  "))
        if synthetic:
            return
        if self.max_depth is not None and depth >= self.max_depth:
            return
        children = [
            c for c in node.get("children", ()) if not c.get("synthetic") or self.show_all or c.get("significant")
        ]
        for i, child in enumerate(children):
            self._rows(
                rows,
                child,
                node,
                here,
                child_prefix,
                i == len(children) - 1,
                depth + 1,
                flagged,
                gaps,
                memory,
                gap_notes,
            )

    def _footer(self, record: Mapping[str, Any], tree: Mapping[str, Any], issues: list[Issue]) -> list[Any]:
        out: list[Any] = []
        gap = root_gap({**record, "tree": tree})
        if gap is not None:
            line = Text("process: ", style="dim")
            line.append(
                f"{fmt_ns(gap['lifetime_ns'])} from process start to the end of the root; "
                f"{fmt_ns(gap['outside_root_ns'])} ({gap['outside_root_share']:.0%}) outside the root "
                f"(start-up, imports, setup); CPU outside the root {fmt_ns(gap['outside_root_cpu_ns'])}"
                f" [start from {gap['start_source']}]",
                style="dim",
            )
            out.append(line)
        if any(n.get("concurrent") for n in _iter(tree)):
            out.append(
                Text(
                    "⇉ concurrent: busy = Σ of the concurrent work's durations; eff = busy / (wall × workers); "
                    "Σ = summed over workers; ᵇ = % of the parent's busy time; "
                    f"{NO_WORKER_BUSY} = wall − the union of the workers' busy intervals and the node's own "
                    "child spans (≈: estimated, clocks not comparable)",
                    style="dim",
                )
            )
        passes = record.get("passes") or {}
        names = [k for k in passes if k != "timing"]
        if names:
            out.append(Text(f"numbers from the timing pass; also attached: {', '.join(names)} pass(es)", style="dim"))
        if issues:
            out.append(Text(f"⚠ {len(issues)} consistency issue(s):", style="bold red"))
            for issue in issues:
                out.append(Text(f"  {path_str(issue.path)}: {issue.message}", style="red"))
        return out


def _iter(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    out = [node]
    for c in node.get("children", ()):
        out.extend(_iter(c))
    return out


def render_terminal(record: Any, **options: Any) -> str:
    """Render `record` as plain text (``color=True`` for ANSI colours); options as TerminalRenderer."""
    return TerminalRenderer(**options).render(record)


def print_record(record: Any, console: Console | None = None, **options: Any) -> None:
    """Print `record` on `console` (a new rich Console by default: colour where the terminal allows)."""
    console = console or Console(highlight=False)
    TerminalRenderer(**options).print_to(console, record)


__all__ = ["TerminalRenderer", "fmt_bytes", "fmt_ns", "print_record", "render_terminal"]
