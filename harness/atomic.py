"""The one atomic file writer every harness output (and the solver store) goes through.

`write_atomic(path, data)` writes to a temporary file with a unique name in the target's folder
(`tempfile.mkstemp`, so concurrent writers never share one), flushes and fsyncs it, renames it over
the target with `os.replace`, then fsyncs the folder so that the rename itself survives a crash.
Readers see the old file or the new one, never a part. ``durable=False`` skips both fsyncs: still
atomic for readers and after a process crash (the rename is atomic, the page cache survives), but
after an OS crash or power loss the file may be missing or torn; use it for files that are checked
when read (content-addressed files) and make one durable write the commit point. The file gets the usual permissions
(``0o644`` less the umask) rather than mkstemp's ``0o600``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_MODE = 0o644


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """fsync a folder (a rename inside it is durable afterwards); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, encoding: str = "utf-8",
                 mode: int | None = None, prefix: str | None = None, durable: bool = True,
                 make_folders: bool = True) -> Path:
    """Write `data` (text is encoded with `encoding`) to `path` atomically; folders are created
    (`make_folders=False`: the caller has just made sure the folder exists, e.g. the store).

    `mode`: the file's permission bits (default ``0o644 & ~umask``). `prefix`: the temporary file's
    name prefix (default ``.<name>.``; the store names its temporaries by pid to clean up after
    killed writers). `durable` (default): fsync the file and its folder, so that the new file
    survives an OS crash; False: atomic only (see the module docstring). Returns the path.
    """
    target = Path(path)
    if make_folders:
        target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=prefix or f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.chmod(tmp, _MODE & ~_umask() if mode is None else mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable:
        fsync_dir(target.parent)
    return target


__all__ = ["fsync_dir", "write_atomic"]
