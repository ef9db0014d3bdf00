"""The harness's only module-level state: the span that is current in this context.

`CURRENT` holds the innermost open :class:`~harness.node.SpanNode` of the active recorder, or
``None`` when no recorder is active (disabled mode). Because it is a :class:`contextvars.ContextVar`,
every thread has its own value and every asyncio task starts from a copy of the context that
created it, so spans opened in concurrent tasks nest under the span that created the task and
never under each other. Plain threads start with an empty context (disabled); work in other
threads or processes is recorded with :func:`harness.traced` and merged back explicitly.

`IMPORT_PERF_NS` is a constant, not state: the `perf_counter_ns()` reading when the harness was
first imported, the fallback for the process start time where ``/proc/self/stat`` is unavailable.
"""

from __future__ import annotations

from contextvars import ContextVar
from time import perf_counter_ns
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.node import SpanNode

CURRENT: ContextVar[SpanNode | None] = ContextVar("phasebench_current_span", default=None)

IMPORT_PERF_NS: int = perf_counter_ns()

__all__ = ["CURRENT", "IMPORT_PERF_NS"]
