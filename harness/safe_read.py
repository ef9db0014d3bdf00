"""Reading files that someone else may have written: regular files only, bounded, never blocking;
and checking the shape of the JSON they hold before any work is done with it.

`read_regular` opens with `O_NONBLOCK` (a FIFO or a device never blocks the open), optionally
`O_NOFOLLOW` (a symbolic link is refused rather than followed), checks that what it opened is a
regular file no larger than the limit, and reads at most that much. `load_json` decodes such bytes
as strict UTF-8 JSON: nesting deeper than Python can follow, integers too long to convert and any
other fault end as one `UnsafeRead` naming the file, never a traceback. `read_document` is the
strictest form, for the harness's own documents (run records, ``compare.json``, saved benchmark
runs): a duplicated key, NaN or Infinity is refused too.

Shapes: `check_shape(value, spec, source)` walks a decoded value against a spec built from
`Scalar`, `ListOf`, `MapOf`, `Fields`, `Either` and `Tree` (all iterative: a deep value cannot
exhaust the stack) and raises one `ShapeError` naming the file and the JSON path, e.g.
``compare.json: variants[2]: expected a string, got 3``.
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Largest harness document read (a run record with per-call samples is well below this).
DOCUMENT_LIMIT = 256 << 20


class UnsafeRead(ValueError):
    """A file that must not be read (not a regular file, a link, too large) or is not valid JSON.

    `problem` is the reason without the file name; `str()` names the file."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class ShapeError(UnsafeRead):
    """Valid JSON of the wrong shape: `where` is the JSON path (``rounds[2].variant``; empty: the top)."""

    def __init__(self, path: str | os.PathLike[str], where: str, problem: str) -> None:
        self.where = where
        super().__init__(path, f"{where}: {problem}" if where else problem)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a link")):
        if test(mode):
            return name
    return "not a regular file"


def read_regular(path: str | os.PathLike[str], *, limit: int, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else is an `UnsafeRead`.

    With `follow=False` the last component must not be a symbolic link. `FileNotFoundError` is
    passed on unchanged (callers often treat a missing file as empty); other `OSError`s become
    `UnsafeRead` with the system's reason.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if not follow and os.path.islink(path):
            raise UnsafeRead(path, "is a symbolic link, which is not followed") from None
        raise UnsafeRead(path, f"cannot open: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeRead(path, f"is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise UnsafeRead(path, f"{info.st_size} bytes, more than the limit of {limit}")
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise UnsafeRead(path, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while being read
        raise UnsafeRead(path, f"more than the limit of {limit} bytes")
    return data


class JsonObject(dict):  # type: ignore[type-arg]
    """A decoded JSON object that remembers keys that appeared more than once."""

    duplicates: tuple[str, ...] = ()


def _object(pairs: Iterable[tuple[str, object]]) -> JsonObject:
    out = JsonObject()
    duplicates = []
    for key, value in pairs:
        if key in out:
            duplicates.append(key)
        out[key] = value
    if duplicates:
        out.duplicates = tuple(duplicates)
    return out


class _NotStrict(ValueError):
    pass


def _no_constant(name: str) -> object:
    raise _NotStrict(f"{name} is not allowed (strict JSON)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotStrict(f"the number {text[:40]} is out of range")
    return value


def decode_json(data: bytes | str, path: str | os.PathLike[str], *, strict: bool = False) -> object:
    """JSON from UTF-8 bytes; objects are `JsonObject`s (see `duplicates`). `strict`: NaN, Infinity and
    numbers that overflow a float are refused."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnsafeRead(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    else:
        text = data
    hooks: dict[str, Any] = {"parse_constant": _no_constant, "parse_float": _finite_float} if strict else {}
    try:
        return json.loads(text, object_pairs_hook=_object, **hooks)
    except json.JSONDecodeError as exc:
        raise UnsafeRead(path, f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise UnsafeRead(path, "malformed JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise UnsafeRead(path, f"malformed JSON: {str(exc).split(';')[0][:120]}") from None
    except MemoryError:
        raise UnsafeRead(path, "malformed JSON: too large to decode") from None


def load_json(path: str | os.PathLike[str], *, limit: int, follow: bool = True) -> object:
    """`decode_json(read_regular(path))`: the JSON value of a bounded regular file."""
    return decode_json(read_regular(path, limit=limit, follow=follow), path)


def read_document(path: str | os.PathLike[str], *, limit: int = DOCUMENT_LIMIT) -> object:
    """A harness document: strict JSON (no duplicate keys, NaN or Infinity) of a bounded regular file.
    Every fault, a missing file included, is an `UnsafeRead` naming the file."""
    try:
        data = read_regular(path, limit=limit)
    except FileNotFoundError:
        raise UnsafeRead(path, "no such file") from None
    value = decode_json(data, path, strict=True)
    duplicate = find_duplicates(value)
    if duplicate is not None:
        raise UnsafeRead(path, f"malformed JSON: key {describe(duplicate)} appears twice in one object")
    return value


def find_duplicates(value: object) -> str | None:
    """The first duplicated key of an object (or of an object inside lists/objects), as a short text."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, JsonObject):
            if item.duplicates:
                return item.duplicates[0]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def describe(value: object, limit: int = 40) -> str:
    """A short, bounded description of a decoded JSON value for an error message."""
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "an object"
    if value is None:
        return "null"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**30:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def is_inside(path: Path, root: Path) -> bool:
    """Whether `path` (made absolute, not resolved) lies under `root`, by its components."""
    try:
        Path(os.path.abspath(path)).relative_to(os.path.abspath(root))
    except ValueError:
        return False
    return True


# ------------------------------------------------------------------------------------------ shapes
class Spec:
    """The expected shape of a decoded JSON value (see the module docstring)."""

    name = "a value"

    def problem(self, value: Any) -> str | None:
        """Why `value` itself (not its parts) does not fit, or None."""
        return None

    def flat(self) -> bool:
        """Whether `fits` judges the whole value: lists of such values are checked in one tight loop."""
        return True

    def fits(self, value: Any) -> bool:
        """Whether a value of a `flat` spec fits (fast; `problem` and `parts` say why not)."""
        return self.problem(value) is None

    def parts(self, value: Any, where: str, depth: int) -> Iterable[tuple[Any, Spec, str, int]]:
        """The parts of a fitting `value` to check next: ``(value, spec, where, depth)``."""
        return ()


#: Anything at all (free-form fields).
ANY = Spec()


@dataclass(frozen=True)
class Scalar(Spec):
    """A string, number or boolean of the given Python types, within ``[lo, hi]`` for numbers."""

    types: tuple[type, ...]
    name: str = "a value"  # type: ignore[misc]
    lo: float | None = None
    hi: float | None = None

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, self.types) or (isinstance(value, bool) and bool not in self.types):
            return f"expected {self.name}, got {describe(value)}"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
                return f"{describe(value)} is out of range ({self.lo:g} to {self.hi:g})"
        return None

    def fits(self, value: Any) -> bool:
        if type(value) not in self.types:  # exact types: a bool is no int here, a subclass takes the slow path
            return self.problem(value) is None
        if self.lo is None or type(value) is str or type(value) is bool:
            return True
        return self.lo <= value <= self.hi  # type: ignore[operator]


STR = Scalar((str,), "a string")
BOOL = Scalar((bool,), "a boolean")
#: A 64-bit signed integer (durations in ns, counts).
INT = Scalar((int,), "an integer", -(2**63), 2**63 - 1)
#: A finite number of a sensible size.
NUM = Scalar((int, float), "a number", -1e300, 1e300)


def _key(where: str, key: str) -> str:
    """The JSON path of field `key` of the value at `where` (``a.b``, ``a["odd key"]``)."""
    if key.isidentifier():
        return f"{where}.{key}" if where else key
    return f"{where}[{json.dumps(key[:40])}]"


@dataclass(frozen=True)
class ListOf(Spec):
    """A list whose every item fits `item`."""

    item: Spec
    name: str = "a list"  # type: ignore[misc]

    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, list) else f"expected {self.name}, got {describe(value)}"

    def flat(self) -> bool:
        return False

    def parts(self, value: Any, where: str, depth: int) -> Iterable[tuple[Any, Spec, str, int]]:
        if self.item.flat():  # only a failing item is handed on (a list of a million samples stays cheap)
            fits = self.item.fits
            return ((v, self.item, f"{where}[{i}]", depth) for i, v in enumerate(value) if not fits(v))
        return ((v, self.item, f"{where}[{i}]", depth) for i, v in enumerate(value))


@dataclass(frozen=True)
class Items(Spec):
    """A list of exactly the given items (``[start_ns, end_ns, worker]``)."""

    items: tuple[Spec, ...]
    name: str = "a list"  # type: ignore[misc]

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, list) or len(value) != len(self.items):
            return f"expected {self.name} of {len(self.items)} items, got {describe(value)}" + (
                f" of {len(value)}" if isinstance(value, list) else "")
        return None

    def flat(self) -> bool:
        return all(s.flat() for s in self.items)

    def fits(self, value: Any) -> bool:
        if type(value) is not list or len(value) != len(self.items):
            return False
        for v, s in zip(value, self.items):  # noqa: B905 - lengths checked
            if not s.fits(v):
                return False
        return True

    def parts(self, value: Any, where: str, depth: int) -> Iterable[tuple[Any, Spec, str, int]]:
        return ((v, s, f"{where}[{i}]", depth) for i, (v, s) in enumerate(zip(value, self.items, strict=True)))


@dataclass(frozen=True)
class MapOf(Spec):
    """An object whose every value fits `value` (any keys)."""

    value: Spec
    name: str = "an object"  # type: ignore[misc]

    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, dict) else f"expected {self.name}, got {describe(value)}"

    def flat(self) -> bool:
        return self.value is ANY

    def parts(self, value: Any, where: str, depth: int) -> Iterable[tuple[Any, Spec, str, int]]:
        if self.value is ANY:
            return ()
        return ((v, self.value, _key(where, k), depth) for k, v in value.items())


#: Any object (free-form values).
OBJECT = MapOf(ANY)


@dataclass(frozen=True)
class Fields(Spec):
    """An object with the `required` fields and perhaps the `optional` ones (others are not checked)."""

    required: Mapping[str, Spec] = field(default_factory=dict)
    optional: Mapping[str, Spec] = field(default_factory=dict)
    name: str = "an object"  # type: ignore[misc]

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, dict):
            return f"expected {self.name}, got {describe(value)}"
        missing = next((k for k in self.required if k not in value), None)
        return None if missing is None else f"field {missing!r} is missing"

    def flat(self) -> bool:
        return False

    def parts(self, value: Any, where: str, depth: int) -> Iterable[tuple[Any, Spec, str, int]]:
        for fields in (self.required, self.optional):
            for k, spec in fields.items():
                if k in value:
                    yield value[k], spec, _key(where, k), depth


@dataclass(frozen=True)
class Either(Spec):
    """A value that fits one of `options` (tried in order; e.g. ``Either((STR, NULL))``)."""

    options: tuple[Spec, ...]
    name: str = "a value"  # type: ignore[misc]

    def problem(self, value: Any) -> str | None:
        return None if self.pick(value) is not None else f"expected {self.name}, got {describe(value)}"

    def pick(self, value: Any) -> Spec | None:
        return next((s for s in self.options if s.problem(value) is None), None)

    def flat(self) -> bool:
        return all(s.flat() for s in self.options)

    def fits(self, value: Any) -> bool:
        for s in self.options:
            if s.fits(value):
                return True
        return False

    def parts(self, value: Any, where: str, depth: int) -> Iterable[tuple[Any, Spec, str, int]]:
        chosen = self.pick(value)
        return chosen.parts(value, where, depth) if chosen is not None else ()


@dataclass(frozen=True)
class Free(Spec):
    """A free-form value (any JSON), except that an object must fit `fields` (the keys a reader uses)."""

    fields: Fields
    name: str = "a value"  # type: ignore[misc]

    def problem(self, value: Any) -> str | None:
        return self.fields.problem(value) if isinstance(value, dict) else None

    def flat(self) -> bool:
        return False

    def parts(self, value: Any, where: str, depth: int) -> Iterable[tuple[Any, Spec, str, int]]:
        return self.fields.parts(value, where, depth) if isinstance(value, dict) else ()


@dataclass(frozen=True)
class _Null(Spec):
    name: str = "null"  # type: ignore[misc]

    def problem(self, value: Any) -> str | None:
        return None if value is None else f"expected null, got {describe(value)}"


NULL = _Null()


def nullable(spec: Spec) -> Either:
    """`spec` or null."""
    return Either((spec, NULL), f"{spec.name} or null")


@dataclass(frozen=True)
class Tree(Spec):
    """A tree of nodes: each fits `node`, and its `key` field (if present) is a list of such nodes, at
    most `max_depth` levels deep (code that walks a tree recursively must not run out of stack)."""

    node: Fields
    key: str = "children"
    max_depth: int = 100
    name: str = "a node"  # type: ignore[misc]

    def problem(self, value: Any) -> str | None:
        return self.node.problem(value)

    def flat(self) -> bool:
        return False

    def parts(self, value: Any, where: str, depth: int) -> Iterable[tuple[Any, Spec, str, int]]:
        yield from self.node.parts(value, where, depth)
        children = value.get(self.key)
        if self.key in value and not isinstance(children, list):
            yield children, ListOf(self), _key(where, self.key), depth
            return
        for i, child in enumerate(children or ()):
            yield child, _Level(self, depth + 1), f"{_key(where, self.key)}[{i}]", depth + 1


@dataclass(frozen=True)
class _Level(Spec):
    """A node of `tree` at `depth` (checks the depth bound before the node)."""

    tree: Tree
    depth: int

    def problem(self, value: Any) -> str | None:
        if self.depth > self.tree.max_depth:
            return f"nested more than {self.tree.max_depth} levels deep"
        return self.tree.problem(value)

    def flat(self) -> bool:
        return False

    def parts(self, value: Any, where: str, depth: int) -> Iterable[tuple[Any, Spec, str, int]]:
        return self.tree.parts(value, where, self.depth)


def check_shape(value: Any, spec: Spec, source: str | os.PathLike[str], where: str = "") -> None:
    """Raise `ShapeError` (naming `source` and the JSON path) at the first part of `value` that does
    not fit `spec`; `where` is the path of `value` itself."""
    stack: list[tuple[Any, Spec, str, int]] = [(value, spec, where, 0)]
    while stack:
        item, shape, at, depth = stack.pop()
        problem = shape.problem(item)
        if problem is not None:
            raise ShapeError(source, at, problem)
        stack.extend(reversed(list(shape.parts(item, at, depth))))


def load_document(path: str | os.PathLike[str], spec: Spec, *, limit: int = DOCUMENT_LIMIT) -> Any:
    """`read_document(path)` checked against `spec`."""
    value = read_document(path, limit=limit)
    check_shape(value, spec, path)
    return value


__all__ = ["ANY", "BOOL", "DOCUMENT_LIMIT", "INT", "NULL", "NUM", "OBJECT", "STR", "Either", "Fields", "Free", "Items",
           "JsonObject", "ListOf", "MapOf", "Scalar", "ShapeError", "Spec", "Tree", "UnsafeRead", "check_shape",
           "decode_json", "describe", "find_duplicates", "is_inside", "load_document", "load_json", "nullable",
           "read_document", "read_regular"]
