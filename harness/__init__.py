"""phasebench harness: phase-by-phase timing that accounts for every millisecond.

::

    from harness import span, Recorder

    with Recorder(variant="baseline", workload={"tasks": ["007bbfb7"]}) as rec:
        with span("phase1_filter", candidates_in=149) as s:
            ...
            s.set(candidates_out=32)
    rec.result["digest"] = digest
    rec.save("reports/run/run.json")
    print(render_terminal(rec))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.concurrency import Traced, TracedCall, merge_worker, traced, traced_from_exception
from harness.node import SpanNode
from harness.record import SCHEMA, LoadedRecord, load_record
from harness.recorder import Recorder
from harness.span import call_in_span, current_span, span

if TYPE_CHECKING:
    from harness.interleave import run_interleaved
    from harness.memory import MemoryPass, memory_pass
    from harness.processors.compare import compare_records, phase_times
    from harness.profile import ProfilePass, profile_pass
    from harness.renderers import (
        JSONRenderer,
        MarkdownRenderer,
        Renderer,
        TerminalRenderer,
        print_record,
        render_terminal,
    )
    from harness.report import write_report
    from harness.stats import RatioCI, median, ratio_ci

# Imported on first use (PEP 562), so that `import harness` in a worker process stays light:
# pyinstrument, rich and tracemalloc are only needed for profiling, rendering and memory passes.
_LAZY = {
    "MemoryPass": "harness.memory",
    "memory_pass": "harness.memory",
    "ProfilePass": "harness.profile",
    "profile_pass": "harness.profile",
    "JSONRenderer": "harness.renderers",
    "Renderer": "harness.renderers",
    "TerminalRenderer": "harness.renderers",
    "print_record": "harness.renderers",
    "render_terminal": "harness.renderers",
    "MarkdownRenderer": "harness.renderers",
    "RatioCI": "harness.stats",
    "median": "harness.stats",
    "ratio_ci": "harness.stats",
    "run_interleaved": "harness.interleave",
    "compare_records": "harness.processors.compare",
    "phase_times": "harness.processors.compare",
    "write_report": "harness.report",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'harness' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "SCHEMA",
    "JSONRenderer",
    "LoadedRecord",
    "MarkdownRenderer",
    "RatioCI",
    "MemoryPass",
    "ProfilePass",
    "Recorder",
    "Renderer",
    "SpanNode",
    "TerminalRenderer",
    "Traced",
    "TracedCall",
    "call_in_span",
    "compare_records",
    "current_span",
    "load_record",
    "median",
    "memory_pass",
    "merge_worker",
    "phase_times",
    "print_record",
    "profile_pass",
    "ratio_ci",
    "render_terminal",
    "run_interleaved",
    "span",
    "traced",
    "traced_from_exception",
    "write_report",
]
