"""Run records: the versioned JSON document a run leaves behind (documented in ``SCHEMA.md``)."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, TypedDict, cast

from harness.atomic import write_atomic
from harness.node import SpanNode, jsonable
from harness.safe_read import (
    ANY,
    BOOL,
    INT,
    NUM,
    OBJECT,
    STR,
    Either,
    Fields,
    Free,
    Items,
    ListOf,
    MapOf,
    Tree,
    check_shape,
    load_document,
    nullable,
    read_document,
)

#: Schema identifier written into every record; the part after ``/`` is the major version.
SCHEMA = "phasebench.run/1"
SCHEMA_NAME, _, _major = SCHEMA.partition("/")
SCHEMA_MAJOR = int(_major)

#: A per-call sample ``[start_ns, end_ns, worker]``.
_SAMPLE = Items((INT, INT, Either((STR, INT), "a worker label")))
#: A span node as the processors read it (``SCHEMA.md``, Nodes); its ``children`` at most 100 deep.
NODE = Tree(Fields(
    required={"name": STR, "wall_ns": INT, "cpu_ns": INT, "count": INT, "children": ANY},
    optional={"min_ns": nullable(INT), "max_ns": nullable(INT), "attrs": OBJECT, "counters": MapOf(INT),
              "concurrent": BOOL, "concurrency": nullable(STR), "busy_ns": INT, "workers": INT,
              "declared_workers": INT, "busy_cpu_ns": INT, "tasks": INT, "worker_labels": ListOf(STR),
              "remote": BOOL, "synthetic": BOOL, "samples": ListOf(_SAMPLE), "task_samples": ListOf(_SAMPLE),
              "open": INT, "busy_union_ns": INT, "union_estimated": BOOL, "self_ns": nullable(INT),
              "efficiency": nullable(NUM), "cpu_efficiency": nullable(NUM), "share": nullable(NUM),
              "significant": BOOL}))
_NAMES = ListOf(STR)
#: The profile pass's section (``passes.profile``) as the comparison's gaps read it.
_PROFILE = Fields(optional={"gaps": ListOf(Fields(optional={
    "path": nullable(_NAMES), "phase_path": nullable(_NAMES), "profile_ns": nullable(INT), "gap_ns": nullable(INT),
    "includes_spans": _NAMES,
    "top": ListOf(Fields(required={"function": STR, "location": STR, "self_ns": INT},
                         optional={"builtins": _NAMES}))}))})
#: A record's ``workload`` (free-form; what the renderers read of an object) and ``result`` (free-form;
#: ``digest`` is the public contract).
WORKLOAD = Free(Fields(optional={"task_ids": nullable(ListOf(ANY)), "timeout_s": nullable(NUM),
                                 "timeout": nullable(NUM)}))
RESULT = Fields(optional={"digest": nullable(STR)})
#: A whole run record: what the processors and renderers read of it (free-form sections stay free).
RECORD = Fields(
    required={"schema": STR, "created": STR,
              "environment": Fields(optional={"fingerprint_id": nullable(STR),
                                              "git": nullable(Fields(optional={"commit": nullable(STR)}))}),
              "passes": Fields(optional={"profile": _PROFILE, "timing": OBJECT, "memory": OBJECT}),
              "tree": NODE, "result": RESULT},
    optional={"name": STR, "variant": ANY, "workload": WORKLOAD, "process": nullable(MapOf(ANY)),
              "checks": ListOf(OBJECT), "meta": OBJECT})
#: What the harness reads of a ``compare.json`` (written by `harness.driver`; other fields are free).
COMPARE_META = Fields(optional={
    "schema": STR, "workload": STR, "variants": _NAMES, "baseline": STR, "title": STR, "command": STR,
    "started": STR, "finished": STR, "warmup": nullable(INT), "seed": nullable(INT), "duration_s": nullable(NUM),
    "summaries": MapOf(STR), "changed_phases": nullable(MapOf(_NAMES)), "parallel_phases": MapOf(_NAMES),
    "sources": MapOf(STR)})


class SpanTree(TypedDict, total=False):
    """An exported span node (``tree`` and every ``children`` entry; fields in ``SCHEMA.md``)."""

    name: str
    wall_ns: int
    cpu_ns: int
    count: int
    children: list[SpanTree]
    synthetic: bool
    concurrent: bool
    busy_ns: int
    workers: int


class RunRecord(TypedDict):
    """A run record as it travels between the harness's parts (``run.json``; see ``SCHEMA.md``)."""

    schema: str
    name: str
    created: str
    environment: dict[str, Any]
    variant: Any
    workload: Any
    passes: dict[str, Any]
    process: dict[str, Any] | None
    tree: dict[str, Any]
    checks: list[Any]
    meta: dict[str, Any]
    result: dict[str, Any]


def utc_now_iso() -> str:
    """The current time as an ISO 8601 UTC string (second precision)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def build_record(
    *,
    tree: Mapping[str, Any],
    environment: Mapping[str, Any],
    passes: Mapping[str, Any],
    result: Mapping[str, Any],
    name: str = "run",
    created: str | None = None,
    variant: Any = None,
    workload: Any = None,
    process: Mapping[str, Any] | None = None,
    checks: list[Mapping[str, Any]] | None = None,
    meta: Mapping[str, Any] | None = None,
) -> RunRecord:
    """Assemble a record dict with the sections in their documented order (values made JSON-ready)."""
    record: RunRecord = {
        "schema": SCHEMA,
        "name": name,
        "created": created or utc_now_iso(),
        "environment": jsonable(environment),
        "variant": jsonable(variant),
        "workload": jsonable(workload),
        "passes": jsonable(passes),
        "process": jsonable(process) if process is not None else None,
        "tree": jsonable(tree),
        "checks": jsonable(checks or []),
        "meta": jsonable(meta or {}),
        "result": jsonable(result),
    }
    return record


def validate_record(data: Any, source: str = "<record>") -> None:
    """Raise ``ValueError`` (a `harness.safe_read.ShapeError`) naming `source` and the offending field's
    JSON path unless `data` is a valid record of this major version."""
    check_shape(data, OBJECT, source)
    schema = data.get("schema")
    if not isinstance(schema, str):
        raise ValueError(f"{source}: field 'schema' is missing: not a phasebench run record")
    name, _, major = schema.partition("/")
    if name != SCHEMA_NAME or not major.isdigit() or len(major) > 6:
        raise ValueError(f"{source}: field 'schema' is {schema[:60]!r}: not a phasebench run record ({SCHEMA!r})")
    if int(major) != SCHEMA_MAJOR:
        raise ValueError(
            f"{source}: field 'schema' is {schema!r}: incompatible with this harness, which reads {SCHEMA!r}"
        )
    check_shape(data, RECORD, source)


def dumps_record(data: Mapping[str, Any]) -> str:
    """The record as strict JSON text (no NaN/Infinity)."""
    return json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def save_record(data: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write `data` to `path` atomically (`harness.atomic.write_atomic`)."""
    return write_atomic(path, dumps_record(data))


@dataclass(frozen=True)
class LoadedRecord:
    """A run record read back from disk (or built from a dict); the data is never modified."""

    data: RunRecord
    source: str = field(default="<record>")

    @cached_property
    def tree(self) -> SpanNode:
        """The span tree rebuilt as :class:`SpanNode` objects (derived rows left out)."""
        return SpanNode.from_dict(self.data["tree"])

    def to_dict(self) -> RunRecord:
        """A deep copy of the record dict, equal to what was saved."""
        return copy.deepcopy(self.data)

    @property
    def schema(self) -> str:
        return str(self.data["schema"])

    @property
    def environment(self) -> dict[str, Any]:
        return self.data["environment"]

    @property
    def passes(self) -> dict[str, Any]:
        return self.data["passes"]

    @property
    def result(self) -> dict[str, Any]:
        return self.data["result"]

    @property
    def variant(self) -> Any:
        return self.data.get("variant")

    @property
    def workload(self) -> Any:
        return self.data.get("workload")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<record>") -> LoadedRecord:
        """Validate `data` and wrap a private copy of it."""
        validate_record(data, source)
        return cls(cast(RunRecord, copy.deepcopy(dict(data))), source)


def load_record(path: str | os.PathLike[str]) -> LoadedRecord:
    """Read and validate a run record; ``ValueError`` names the file and the bad field (or why the file
    cannot be read: not a regular file, too large, not UTF-8, not strict JSON)."""
    source = os.fspath(path)
    data = read_document(source)
    validate_record(data, source)
    return LoadedRecord(cast(RunRecord, data), source)


def load_compare_meta(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A ``compare.json``, checked for what the harness reads of it (`COMPARE_META`)."""
    return cast(dict[str, Any], load_document(path, COMPARE_META))


def round_number(path: Path) -> int:
    """`k` of a round file ``round-<k>.json``; ``ValueError`` naming the file for any other name."""
    digits = path.stem.partition("-")[2]
    if not (digits.isdigit() and digits.isascii() and len(digits) <= 9):
        raise ValueError(f"{path}: not a round file name (expected round-<number>.json)")
    return int(digits)


__all__ = [
    "SCHEMA",
    "LoadedRecord",
    "RunRecord",
    "SpanTree",
    "build_record",
    "dumps_record",
    "load_compare_meta",
    "load_record",
    "round_number",
    "save_record",
    "utc_now_iso",
    "validate_record",
]
