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

#: Schema identifier written into every record; the part after ``/`` is the major version.
SCHEMA = "phasebench.run/1"
SCHEMA_NAME, _, _major = SCHEMA.partition("/")
SCHEMA_MAJOR = int(_major)

#: Top-level sections every record has, with the JSON type each must have.
REQUIRED_SECTIONS: dict[str, type | tuple[type, ...]] = {
    "schema": str,
    "created": str,
    "environment": dict,
    "passes": dict,
    "tree": dict,
    "result": dict,
}
_NODE_FIELDS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "wall_ns": int,
    "cpu_ns": int,
    "count": int,
    "children": list,
}


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


def _type_name(t: type | tuple[type, ...]) -> str:
    return " or ".join(x.__name__ for x in t) if isinstance(t, tuple) else t.__name__


def _check_type(value: Any, expected: type | tuple[type, ...], where: str, source: str) -> None:
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if not ok:
        raise ValueError(f"{source}: field {where!r}: expected {_type_name(expected)}, got {type(value).__name__}")


def _validate_node(node: Any, where: str, source: str) -> None:
    _check_type(node, dict, where, source)
    for key, expected in _NODE_FIELDS.items():
        if key not in node:
            raise ValueError(f"{source}: field {where + '.' + key!r} is missing")
        _check_type(node[key], expected, f"{where}.{key}", source)
    for i, child in enumerate(node["children"]):
        _validate_node(child, f"{where}.children[{i}]", source)


def validate_record(data: Any, source: str = "<record>") -> None:
    """Raise ``ValueError`` naming `source` and the offending field unless `data` is a valid record."""
    _check_type(data, dict, "<top level>", source)
    schema = data.get("schema")
    if not isinstance(schema, str):
        raise ValueError(f"{source}: field 'schema' is missing: not a phasebench run record")
    name, _, major = schema.partition("/")
    if name != SCHEMA_NAME or not major.isdigit():
        raise ValueError(f"{source}: field 'schema' is {schema!r}: not a phasebench run record ({SCHEMA!r})")
    if int(major) != SCHEMA_MAJOR:
        raise ValueError(
            f"{source}: field 'schema' is {schema!r}: incompatible with this harness, which reads {SCHEMA!r}"
        )
    for key, expected in REQUIRED_SECTIONS.items():
        if key not in data:
            raise ValueError(f"{source}: field {key!r} is missing")
        _check_type(data[key], expected, key, source)
    _validate_node(data["tree"], "tree", source)


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
    """Read and validate a run record; ``ValueError`` names the file and the bad field."""
    source = os.fspath(path)
    try:
        with open(source, encoding="utf-8") as f:
            data = json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f"{source}: not valid JSON ({e.msg} at line {e.lineno} column {e.colno})") from e
    validate_record(data, source)
    return LoadedRecord(data, source)


__all__ = [
    "SCHEMA",
    "LoadedRecord",
    "RunRecord",
    "SpanTree",
    "build_record",
    "dumps_record",
    "load_record",
    "save_record",
    "utc_now_iso",
    "validate_record",
]
