"""Reading files that someone else may have written: regular files only, bounded, never blocking.

`read_regular` opens with `O_NONBLOCK` (a FIFO or a device never blocks the open), optionally
`O_NOFOLLOW` (a symbolic link is refused rather than followed), checks that what it opened is a
regular file no larger than the limit, and reads at most that much. `load_json` decodes such bytes
as strict UTF-8 JSON: duplicate object keys, nesting deeper than Python can follow, integers too long
to convert and any other fault end as one `UnsafeRead` naming the file, never a traceback.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path


class UnsafeRead(ValueError):
    """A file that must not be read (not a regular file, a link, too large) or is not valid JSON.

    `problem` is the reason without the file name; `str()` names the file."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


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


def decode_json(data: bytes | str, path: str | os.PathLike[str]) -> object:
    """Strict JSON from UTF-8 bytes; objects are `JsonObject`s (see `duplicates`)."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnsafeRead(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    else:
        text = data
    try:
        return json.loads(text, object_pairs_hook=_object)
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
