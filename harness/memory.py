"""Optional memory pass: peak traced memory per span, with tracemalloc, in a pass of its own.

tracemalloc slows allocation-heavy code several-fold, so its pass never provides timings. At each span
entry the peak so far is credited to the enclosing span and tracemalloc's peak is reset; at exit the
span's peak is read and credited upwards. The numbers land in the pass's own tree as node attributes
``mem_peak_bytes`` (highest traced memory while the span ran) and ``mem_growth_bytes`` (that peak
minus the traced memory at entry), the maximum over calls. Spans must nest (one thread, no
interleaved asyncio spans); spans that exit out of order are skipped.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.node import SpanNode
from harness.processors import walk
from harness.recorder import Recorder

PEAK_ATTR = "mem_peak_bytes"
GROWTH_ATTR = "mem_growth_bytes"


class PeakMemoryHook:
    """Recorder hook tracking per-span peaks with ``tracemalloc.reset_peak`` (see module docs)."""

    def __init__(self) -> None:
        self.stack: list[list[Any]] = []  # [node, traced at entry, peak so far]

    def enter(self, node: SpanNode) -> None:
        current, peak = tracemalloc.get_traced_memory()
        if self.stack and peak > self.stack[-1][2]:
            self.stack[-1][2] = peak
        tracemalloc.reset_peak()
        self.stack.append([node, current, current])

    def exit(self, node: SpanNode) -> None:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        stack = self.stack
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] is node:
                break
        else:
            return
        entry = stack.pop(i)
        if i != len(stack):  # out-of-order exit: numbers would be wrong, skip this call
            return
        span_peak = max(entry[2], peak)
        if stack and span_peak > stack[-1][2]:
            stack[-1][2] = span_peak
        attrs = node.attrs
        attrs[PEAK_ATTR] = max(int(attrs.get(PEAK_ATTR, 0)), span_peak)
        attrs[GROWTH_ATTR] = max(int(attrs.get(GROWTH_ATTR, 0)), span_peak - entry[1])


@dataclass(frozen=True)
class MemoryPass:
    """Result of :func:`memory_pass`: the program's result, the pass's tree and the per-span peaks."""

    result: Any
    tree: dict[str, Any]
    peaks: tuple[dict[str, Any], ...]

    def summary(self) -> dict[str, Any]:
        """Alias of :meth:`to_pass_dict`."""
        return self.to_pass_dict()

    def to_pass_dict(self) -> dict[str, Any]:
        """The ``passes.memory`` section of a run record."""
        return {
            "produced": ["peaks"],
            "tool": "tracemalloc",
            "peaks": [dict(p) for p in self.peaks],
            "note": "peak traced memory per span from a separate tracemalloc pass; its times are not used",
        }


def memory_pass(fn: Callable[..., Any], /, *args: Any, name: str = "run", **kwargs: Any) -> MemoryPass:
    """Run ``fn(*args, **kwargs)`` under a recorder with tracemalloc and collect per-span peaks.

    `name` must match the timing run's recorder name so that the peaks' paths match its tree. If `fn`
    opens its own :class:`Recorder`, that recorder inherits the hook and the peaks follow its tree.
    """
    rec = Recorder(name=name)
    rec.hook = PeakMemoryHook()
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        with rec:
            result = fn(*args, **kwargs)
    finally:
        if started:
            tracemalloc.stop()
    # a program that opens its own Recorder records its spans there (it inherits the hook)
    trees = [r.tree.to_dict() for r in rec.nested] or [rec.tree.to_dict()]
    peaks = tuple(
        {"path": list(path), "peak_bytes": node["attrs"][PEAK_ATTR], "growth_bytes": node["attrs"][GROWTH_ATTR]}
        for tree in trees
        for path, node in walk(tree)
        if PEAK_ATTR in node.get("attrs", {})
    )
    return MemoryPass(result, trees[0], peaks)


__all__ = ["GROWTH_ATTR", "PEAK_ATTR", "MemoryPass", "PeakMemoryHook", "memory_pass"]
