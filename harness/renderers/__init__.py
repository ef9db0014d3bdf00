"""Renderers: run record → text. Terminal (rich) and JSON here; others subclass :class:`Renderer`.

The comparison report: :class:`MarkdownRenderer` (a comparison → markdown) and, imported on first
use because they need matplotlib, the charts (``render_charts``).
"""

from __future__ import annotations

from typing import Any

from harness.renderers.base import Renderer, record_dict
from harness.renderers.json import JSONRenderer
from harness.renderers.markdown import MarkdownRenderer, render_markdown
from harness.renderers.terminal import TerminalRenderer, fmt_bytes, fmt_ns, print_record, render_terminal


def __getattr__(name: str) -> Any:
    if name == "render_charts":  # matplotlib is imported only when charts are drawn
        from harness.renderers.charts import render_charts

        return render_charts
    raise AttributeError(f"module 'harness.renderers' has no attribute {name!r}")


__all__ = [
    "JSONRenderer",
    "MarkdownRenderer",
    "Renderer",
    "TerminalRenderer",
    "fmt_bytes",
    "fmt_ns",
    "print_record",
    "record_dict",
    "render_charts",
    "render_markdown",
    "render_terminal",
]
