"""`add_unaccounted`: make the time that no child span covers explicit, as a child row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from harness.processors._tree import NO_WORKER_BUSY, UNACCOUNTED, as_tree, real_children
from harness.processors.startup import startup_row

if TYPE_CHECKING:
    from harness.node import SpanNode

#: An ``(unaccounted)`` row is significant (shown) when it is at least this share of its parent ...
MIN_SHARE = 0.01
#: ... or at least this many nanoseconds.
MIN_NS = 1_000_000


def is_significant(gap_ns: int, parent_wall_ns: int) -> bool:
    """The display rule: a gap is shown when ≥1% of the parent's wall or ≥1 ms (negative gaps always)."""
    if gap_ns < 0:
        return True
    return gap_ns >= MIN_NS or (parent_wall_ns > 0 and gap_ns >= MIN_SHARE * parent_wall_ns)


def add_unaccounted(tree: Mapping[str, Any] | SpanNode) -> dict[str, Any]:
    """Return a copy of `tree` where every sequential parent has an ``(unaccounted)`` last child.

    Its ``wall_ns`` = parent wall − Σ children wall (``cpu_ns`` likewise), kept even when small; the
    ``significant`` flag says whether renderers show it (see :func:`is_significant`). Existing
    ``(unaccounted)`` rows are recomputed. Concurrent nodes get no ``(unaccounted)`` row (their children
    overlap, so a sequential gap is meaningless) but a ``(no worker busy)`` row: wall − the node's
    ``busy_union_ns`` (the union of its workers' busy intervals and its own-process children's calls),
    the time during which neither a worker nor a named span of the node worked; ``estimated`` when the
    intervals were not on one clock (see SCHEMA.md). Nodes whose own calls overlapped get neither.
    """
    out = as_tree(tree)
    _add(out)
    return out


def _add(node: dict[str, Any]) -> None:
    children = real_children(node)
    for c in children:
        _add(c)
    node["children"] = children
    if node.get("concurrent"):
        rows = [_idle_row(node, children)] if "busy_union_ns" in node else []
        startup = startup_row(node)
        node["children"] = children + rows + ([startup] if startup else [])
        return
    if not children:
        return
    wall = int(node["wall_ns"])
    gap = wall - sum(int(c["wall_ns"]) for c in children)
    cpu_gap = int(node["cpu_ns"]) - sum(int(c["cpu_ns"]) for c in children)
    children.append(
        {
            "name": UNACCOUNTED,
            "wall_ns": gap,
            "cpu_ns": cpu_gap,
            "count": int(node["count"]),
            "synthetic": True,
            "share": (gap / wall) if wall > 0 else 0.0,
            "significant": is_significant(gap, wall),
            "children": [],
        }
    )


def _idle_row(node: dict[str, Any], children: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``(no worker busy)`` row of a concurrent node (its CPU: the node's own process outside its
    own-process children, which may partly fall while workers were busy)."""
    wall = int(node["wall_ns"])
    idle = max(0, wall - int(node["busy_union_ns"]))
    own = [c for c in children if node.get("remote") or not c.get("remote")]
    own_cpu = int(node["cpu_ns"]) - sum(int(c["cpu_ns"]) for c in own)
    row = {
        "name": NO_WORKER_BUSY,
        "wall_ns": idle,
        "cpu_ns": max(0, own_cpu),
        "count": int(node["count"]),
        "synthetic": True,
        "share": (idle / wall) if wall > 0 else 0.0,
        "significant": is_significant(idle, wall) and idle > 0,
        "children": [],
    }
    if node.get("union_estimated"):
        row["estimated"] = True
    return row
