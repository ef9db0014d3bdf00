"""Parse callgrind's dump files and credit their instructions to phases (`harness.callgrind`'s parser).

Each dump file is one *segment* of one process (and thread): the instructions between two consecutive
marks. Only a file's header (``pid``, ``part``, ``thread``, the trigger, i.e. the mark's label) and its
last line (``totals:``) are read. :func:`attribute` replays each process's ``enter <path>`` /
``exit <path>`` marks in ``part`` order and credits every segment to the paths open while it ran (see
the docs of :mod:`harness.callgrind`). Pure Python with no valgrind needed: the runner and the client
requests live in :mod:`harness.callgrind`, which re-exports everything here.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

TOTAL = "(total)"
UNATTRIBUTED = "(unattributed)"
ENTER = "enter "
EXIT = "exit "
GC_START = "gc start"
GC_STOP = "gc stop"
DUMP_GLOB = "callgrind.out.*"


def path_label(names: Iterable[str]) -> str:
    """The path key of span names: joined by ``/``, with ``%``, ``/`` and control characters %-escaped."""
    return "/".join(quote(n, safe=" !\"#$&'()*+,-.:;<=>?@[\\]^_`{|}~") for n in names)


def split_label(path: str) -> list[str]:
    """The span names of a path key (inverse of :func:`path_label`)."""
    return [unquote(p) for p in path.split("/")]



@dataclass(frozen=True)
class Dump:
    """The header of one callgrind dump file: one segment of one process (and thread)."""

    pid: int
    part: int
    thread: int
    trigger: str
    instructions: int

    @property
    def label(self) -> str | None:
        """The mark's label when a client request triggered the dump, else None."""
        prefix = "Client Request: "
        return self.trigger[len(prefix):] if self.trigger.startswith(prefix) else None


def _summary(values: str, events: list[str]) -> int:
    numbers = values.split()
    index = events.index("Ir") if "Ir" in events else 0
    return int(numbers[index]) if index < len(numbers) else 0


def _totals_from_tail(path: Path, events: list[str]) -> int | None:
    with path.open("rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - 4096))
        tail = f.read().decode("utf-8", "replace")
    for line in reversed(tail.splitlines()):
        if line.startswith("totals:"):
            return _summary(line[7:], events)
    return None


def read_dump(path: Path, header_lines: int = 64) -> Dump | None:
    """Parse a dump file's header; None for an empty file (a process that exec'd or was killed)."""
    fields: dict[str, str] = {}
    with path.open("r", encoding="utf-8", errors="replace") as f:
        for _, line in zip(range(header_lines), f, strict=False):
            key, sep, value = line.rstrip("\n").partition(": ")
            if not sep:
                continue
            if key == "desc" and value.startswith("Trigger: "):
                fields["trigger"] = value[len("Trigger: "):]
            elif key in ("pid", "part", "thread", "events", "summary"):
                fields[key] = value
            if key == "summary":
                break
    if "pid" not in fields:
        return None
    events = fields.get("events", "Ir").split()
    # the file's last line `totals:` is exact; the header's `summary:` wraps around below zero when the
    # process stopped instrumenting before it ended (seen with valgrind 3.19): used only without totals
    total = _totals_from_tail(path, events)
    if total is None:
        total = _summary(fields["summary"], events) if "summary" in fields else 0
    return Dump(int(fields["pid"]), int(fields.get("part", "1")), int(fields.get("thread", "1")),
                fields.get("trigger", ""), total)


def iter_dumps(directory: Path) -> Iterator[Dump]:
    """Every non-empty dump file under `directory` (``callgrind.out.*``)."""
    for path in sorted(directory.glob(DUMP_GLOB)):
        if path.is_file() and (d := read_dump(path)) is not None:
            yield d


@dataclass(frozen=True)
class PhaseCounts:
    """Instructions per phase path, all processes together.

    `inclusive`: the phase and everything below it; `exclusive`: segments whose innermost open phase
    it is (``(unattributed)``: none open); `gc`: the part of `inclusive` spent in marked cyclic-GC
    collections (see :data:`harness.callgrind.GC_GENERATIONS`); `unmatched`: exit marks with no open phase.
    """

    inclusive: dict[str, int]
    exclusive: dict[str, int]
    gc: dict[str, int]
    total: int
    processes: int
    segments: int
    unmatched: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, int]:
        """Inclusive counts plus ``(total)`` and ``(unattributed)``."""
        return {**self.inclusive, TOTAL: self.total, UNATTRIBUTED: self.exclusive.get(UNATTRIBUTED, 0)}

    def phase(self, name: str, *, gc: bool = True) -> int:
        """Inclusive instructions of every path ending in `name` (outermost occurrences only);
        ``gc=False`` leaves out the marked GC collections that ran inside it."""
        total = phase_total(self.inclusive, name)
        return total if gc else total - phase_total(self.gc, name)


def phase_total(inclusive: Mapping[str, int], name: str) -> int:
    """Sum of the inclusive counts of paths whose last name is `name` and no ancestor is `name`."""
    total = 0
    for path, n in inclusive.items():
        names = split_label(path)
        if names[-1] == name and name not in names[:-1]:
            total += n
    return total


def _prefixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


@dataclass
class _Tally:
    inclusive: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    exclusive: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    gc: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unmatched: list[str] = field(default_factory=list)
    total: int = 0
    segments: int = 0

    def credit(self, stack: list[str], cost: int, in_gc: bool) -> None:
        self.segments += 1
        self.total += cost
        self.exclusive[stack[-1] if stack else UNATTRIBUTED] += cost
        for path in {p for s in stack for p in _prefixes(s)}:
            self.inclusive[path] += cost
            if in_gc:
                self.gc[path] += cost


def _apply(label: str, stack: list[str], tally: _Tally, pid: int) -> None:
    if label.startswith(ENTER):
        stack.append(label[len(ENTER):])
    elif label.startswith(EXIT):
        path = label[len(EXIT):]
        if path in stack:
            del stack[len(stack) - 1 - stack[::-1].index(path)]
        else:
            tally.unmatched.append(f"{pid}: {label}")


def attribute(dumps: Iterable[Dump], threads: Sequence[int] | None = None) -> PhaseCounts:
    """Credit each process's segments to the phases open while they ran (see the module docs).

    Segments are ordered by ``part`` per process; the files of one part (one per thread with
    ``--separate-threads=yes``) share its label. `threads`: count only these valgrind thread ids
    (1 = a process's main thread); None counts all. A segment between ``gc start`` and ``gc stop``
    also counts in `gc`.
    """
    parts: dict[int, dict[int, list[Dump]]] = defaultdict(lambda: defaultdict(list))
    for d in dumps:
        parts[d.pid][d.part].append(d)
    tally = _Tally()
    for pid in sorted(parts):
        stack: list[str] = []
        in_gc = False
        for part in sorted(parts[pid]):
            files = parts[pid][part]
            tally.credit(stack, sum(d.instructions for d in files if threads is None or d.thread in threads), in_gc)
            label = files[0].label or ""
            if label in (GC_START, GC_STOP):
                in_gc = label == GC_START
            else:
                _apply(label, stack, tally, pid)
    return PhaseCounts(dict(tally.inclusive), dict(tally.exclusive), dict(tally.gc), tally.total, len(parts),
                       tally.segments, tuple(tally.unmatched))


def count_dir(directory: Path, threads: Sequence[int] | None = None) -> PhaseCounts:
    """Parse every dump file of a finished run in `directory`."""
    return attribute(iter_dumps(directory), threads)


__all__ = [
    "DUMP_GLOB",
    "ENTER",
    "EXIT",
    "GC_START",
    "GC_STOP",
    "TOTAL",
    "UNATTRIBUTED",
    "Dump",
    "PhaseCounts",
    "attribute",
    "count_dir",
    "iter_dumps",
    "path_label",
    "phase_total",
    "read_dump",
    "split_label",
]
