"""`consistency_issues`: flag numbers that cannot be true, so no report silently repeats them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.processors._tree import as_tree, path_str, real_children, walk

if TYPE_CHECKING:
    from harness.node import SpanNode

#: Issue kinds.
CHILDREN_EXCEED_PARENT = "children-exceed-parent"
IMPOSSIBLE_EFFICIENCY = "impossible-efficiency"
BAD_NUMBERS = "bad-numbers"


@dataclass(frozen=True)
class Issue:
    """One flagged node: its path from the root, the kind of problem and a readable message."""

    path: tuple[str, ...]
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{path_str(self.path)}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": list(self.path), "kind": self.kind, "message": self.message}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Issue:
        return cls(tuple(d["path"]), str(d["kind"]), str(d["message"]))


def _ms(ns: int) -> str:
    return f"{ns / 1e6:.3f} ms"


def consistency_issues(
    tree: Mapping[str, Any] | SpanNode, *, tolerance: float = 0.01, slack_ns: int = 1000
) -> list[Issue]:
    """Flags for impossible numbers, each naming the node's path.

    - a sequential node whose children's wall exceeds its own (by more than `slack_ns`): children that
      ran concurrently without the node being declared concurrent;
    - a concurrent node with busy / wall > workers × (1 + `tolerance`): an efficiency above 100%;
    - negative times or counts.
    """
    root = as_tree(tree) if not isinstance(tree, Mapping) else tree
    issues: list[Issue] = []
    for path, node in walk(root):
        if node.get("synthetic"):
            continue
        wall = int(node["wall_ns"])
        if wall < 0 or int(node["count"]) < 0 or int(node.get("busy_ns", 0)) < 0:
            issues.append(Issue(path, BAD_NUMBERS, f"negative time or count (wall {wall} ns)"))
        children = real_children(node)
        if node.get("concurrent"):
            workers = int(node.get("workers") or 0)
            busy = int(node.get("busy_ns", wall))
            if wall > 0 and workers > 0 and busy > wall * workers * (1 + tolerance):
                issues.append(
                    Issue(
                        path,
                        IMPOSSIBLE_EFFICIENCY,
                        f"busy {_ms(busy)} over wall {_ms(wall)} is {busy / wall:.2f}× with only {workers} "
                        f"worker(s): efficiency {busy / (wall * workers):.0%} > 100% (busy time measured "
                        "outside the span, or workers under-counted)",
                    )
                )
        elif children:
            total = sum(int(c["wall_ns"]) for c in children)
            if total > wall + slack_ns:
                issues.append(
                    Issue(
                        path,
                        CHILDREN_EXCEED_PARENT,
                        f"children's wall {_ms(total)} exceeds the node's own {_ms(wall)} "
                        f"({total / wall if wall else float('inf'):.2f}×) but the node is not concurrent: "
                        "a sum of overlapping latencies is not elapsed time",
                    )
                )
    return issues
