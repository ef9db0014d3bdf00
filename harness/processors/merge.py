"""`merge_traced`: merge a worker's spans under a node of an exported tree (pure function)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from harness.node import SpanNode

if TYPE_CHECKING:
    from harness.concurrency import Traced


def merge_traced(tree: Mapping[str, Any] | SpanNode, traced: Traced[Any], path: Sequence[str]) -> dict[str, Any]:
    """Return a copy of `tree` with `traced` merged under the node at `path` (root name first).

    Same rules as :meth:`SpanNode.merge`: the node becomes concurrent, its ``busy_ns`` grows by the
    task's duration, the worker's label is counted, and the worker's spans become its children.
    """
    root = SpanNode.from_dict(tree if isinstance(tree, Mapping) else tree.to_dict())
    if not path or path[0] != root.name:
        raise KeyError(f"path {list(path)!r} does not start at the root {root.name!r}")
    node = root
    for name in path[1:]:
        try:
            node = node.children[name]
        except KeyError:
            raise KeyError(f"no node {name!r} under {'/'.join(node.path)!r}") from None
    node.merge(traced)
    return root.to_dict()
