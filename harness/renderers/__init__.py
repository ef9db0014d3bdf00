"""Renderers: run record → text. Terminal (rich) and JSON here; others subclass :class:`Renderer`."""

from __future__ import annotations

from harness.renderers.base import Renderer, record_dict
from harness.renderers.json import JSONRenderer
from harness.renderers.terminal import TerminalRenderer, fmt_bytes, fmt_ns, print_record, render_terminal

__all__ = [
    "JSONRenderer",
    "Renderer",
    "TerminalRenderer",
    "fmt_bytes",
    "fmt_ns",
    "print_record",
    "record_dict",
    "render_terminal",
]
