"""`Renderer`: the base class of everything that turns a run record into text."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.record import LoadedRecord


def record_dict(record: Any) -> dict[str, Any]:
    """The record dict of a :class:`~harness.recorder.Recorder`, a :class:`LoadedRecord` or a dict."""
    if isinstance(record, LoadedRecord):
        return dict(record.data)
    if isinstance(record, Mapping):
        return dict(record)
    to_dict = getattr(record, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise TypeError(f"cannot render {type(record).__name__}: expected a Recorder, a LoadedRecord or a dict")


class Renderer:
    """Turns a run record into text; subclasses implement :meth:`render_dict`.

    ``render`` accepts a :class:`~harness.recorder.Recorder`, a :class:`LoadedRecord` or a record dict.
    """

    #: Extension (without the dot) of the files this renderer writes.
    output_file_extension: str = "txt"

    def render(self, record: Any) -> str:
        """The rendered text of `record`."""
        return self.render_dict(record_dict(record))

    def render_dict(self, record: dict[str, Any]) -> str:
        raise NotImplementedError

    def write(self, record: Any, path: str | os.PathLike[str]) -> Path:
        """Render `record` into the file `path` (folders created); returns the path."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.render(record), encoding="utf-8")
        return target
