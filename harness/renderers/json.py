"""`JSONRenderer`: the run record as strict JSON text (what ``Recorder.save`` writes)."""

from __future__ import annotations

import json
from typing import Any

from harness.renderers.base import Renderer


class JSONRenderer(Renderer):
    """Render the record dict as JSON (`indent` None gives one line)."""

    output_file_extension = "json"

    def __init__(self, indent: int | None = 1) -> None:
        self.indent = indent

    def render_dict(self, record: dict[str, Any]) -> str:
        return json.dumps(record, indent=self.indent, ensure_ascii=False, allow_nan=False) + "\n"
