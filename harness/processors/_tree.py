"""Helpers shared by the processors: copying and walking exported (dict) span trees."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.node import SpanNode

#: Name of the derived child row holding parent wall − Σ children wall.
UNACCOUNTED = "(unaccounted)"
#: Name of the derived child row of a concurrent node holding its wall − the union of its workers' busy
#: intervals (and its own-process children's calls): dispatch, pickling, polling, waiting, start-up.
NO_WORKER_BUSY = "(no worker busy)"
#: Names of derived rows that are gaps (time no span names), ranked together in reports.
GAP_ROWS = (UNACCOUNTED, NO_WORKER_BUSY)
#: Name of the derived elapsed row of a concurrent node's workers' start-up (`harness.processors.startup`).
WORKER_STARTUP = "(worker start-up)"


def as_tree(tree: Mapping[str, Any] | SpanNode) -> dict[str, Any]:
    """A private deep copy of `tree` as plain dicts (a :class:`SpanNode` is exported first)."""
    if isinstance(tree, Mapping):
        return copy.deepcopy(dict(tree))
    return tree.to_dict()


def real_children(node: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Children that are recorded spans (derived rows such as ``(unaccounted)`` left out)."""
    return [c for c in node.get("children", ()) if not c.get("synthetic")]


def walk(node: Mapping[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any]]]:
    """Yield ``(path, node)`` for `node` and every descendant, depth first, in execution order."""
    here = (*path, node["name"])
    yield here, node
    for c in node.get("children", ()):
        yield from walk(c, here)


def path_str(path: tuple[str, ...] | list[str]) -> str:
    """Display form of a node path: names joined by ``/``."""
    return "/".join(path)
