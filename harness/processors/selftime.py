"""`self_time`: time a node spent outside its child spans."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from harness.processors._tree import as_tree, real_children

if TYPE_CHECKING:
    from harness.node import SpanNode


def node_self_ns(node: Mapping[str, Any]) -> int | None:
    """Wall − Σ children wall for a sequential node; None for a concurrent one (children overlap)."""
    if node.get("synthetic"):
        return int(node["wall_ns"])
    if node.get("concurrent"):
        return None
    return int(node["wall_ns"]) - sum(int(c["wall_ns"]) for c in real_children(node))


def self_time(tree: Mapping[str, Any] | SpanNode) -> dict[str, Any]:
    """Return a copy of `tree` with ``self_ns`` on every node (None on concurrent nodes)."""
    out = as_tree(tree)
    stack = [out]
    while stack:
        node = stack.pop()
        node["self_ns"] = node_self_ns(node)
        stack.extend(node.get("children", ()))
    return out
