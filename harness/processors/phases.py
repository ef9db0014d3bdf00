"""`phase_times`: the flat ``{phase: wall ns}`` view of a run, the one every consumer uses
(the comparison's samples, the gate's columns, the benchmark JSON's ``phase_samples_ns``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.processors._tree import UNACCOUNTED
from harness.processors.unaccounted import add_unaccounted

#: The key of the root's wall time.
TOTAL = "total"


def _tree_of(source: Any) -> Mapping[str, Any]:
    data = getattr(source, "data", None)  # a LoadedRecord
    if isinstance(data, Mapping):
        source = data
    if not isinstance(source, Mapping) and callable(getattr(source, "to_dict", None)):
        source = source.to_dict()  # a Recorder or a SpanNode
    if not isinstance(source, Mapping):
        raise TypeError(f"not a run record or span tree: {type(source).__name__}")
    tree = source.get("tree", source)
    if not isinstance(tree, Mapping) or "wall_ns" not in tree:
        raise TypeError("not a run record or span tree: no 'tree' and no 'wall_ns'")
    return tree


def phase_times(source: Any) -> dict[str, int]:
    """Phase name -> ``wall_ns`` summed over every node of that name, for a run record or a span tree.

    ``(unaccounted)`` rows are keyed ``"<parent name>/(unaccounted)"`` (e.g. ``"check_batt/(unaccounted)"``;
    they are derived when the tree lacks them), a concurrent node's ``(no worker busy)`` row likewise
    ``"<name>/(no worker busy)"``, and ``"total"`` is the root's ``wall_ns``. Times of
    nodes merged from workers are sums over the workers (the tree's ``remote`` flag); the root's wall
    is elapsed time.
    """
    tree = add_unaccounted(_tree_of(source))
    out: dict[str, int] = {}

    def visit(node: Mapping[str, Any]) -> None:
        for c in node.get("children", ()):
            key = f"{node['name']}/{c.get('name') or UNACCOUNTED}" if c.get("synthetic") else str(c["name"])
            out[key] = out.get(key, 0) + int(c["wall_ns"])
            visit(c)

    visit(tree)
    out[TOTAL] = int(tree["wall_ns"])
    return out


__all__ = ["TOTAL", "phase_times"]
