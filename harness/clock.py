"""`CpuClock`: the CPU clock of a recorder, with reads coalesced to keep spans cheap.

Reading the process CPU clock is a system call (``clock_gettime(CLOCK_PROCESS_CPUTIME_ID)``):
~250 ns on the reference machine, ~590 ns on some sandboxed kernels, i.e. most of a span's cost if
read twice per span. A recorder's spans therefore share one clock object: a span boundary reuses
the last reading when it is less than `resolution_ns` of wall time old, and reads the clock
otherwise. Each boundary's CPU value is then at most `resolution_ns` of wall time stale (× the
number of busy threads for the process clock), so a single call's CPU is exact to about
±`resolution_ns`, and sums over many calls are unbiased in expectation (a reading lands inside a
span with probability equal to the span's share of the time). ``resolution_ns=0`` reads the clock
at every boundary.
"""

from __future__ import annotations

from collections.abc import Callable
from time import process_time_ns, thread_time_ns
from typing import Literal

CpuClockKind = Literal["process", "thread"]

#: Default coalescing window of CPU readings, in ns of wall time.
DEFAULT_CPU_RESOLUTION_NS = 10_000

_READERS: dict[str, Callable[[], int]] = {"process": process_time_ns, "thread": thread_time_ns}


class CpuClock:
    """A CPU clock (`read`) plus its last reading `v`, taken at wall time `t` (perf_counter_ns)."""

    __slots__ = ("kind", "read", "resolution", "t", "v")

    def __init__(self, kind: CpuClockKind = "process", resolution_ns: int = DEFAULT_CPU_RESOLUTION_NS) -> None:
        if kind not in _READERS:
            raise ValueError(f"cpu clock must be 'process' or 'thread', not {kind!r}")
        if resolution_ns < 0:
            raise ValueError(f"resolution_ns must be >= 0, not {resolution_ns}")
        self.kind: CpuClockKind = kind
        self.read: Callable[[], int] = _READERS[kind]
        self.resolution = int(resolution_ns)
        self.t = -(1 << 62)
        self.v = 0

    def fresh(self, now_ns: int) -> int:
        """Read the clock now (at wall time `now_ns`) and remember the reading."""
        v = self.v = self.read()
        self.t = now_ns
        return v

    def __repr__(self) -> str:
        return f"CpuClock({self.kind!r}, resolution_ns={self.resolution})"


__all__ = ["DEFAULT_CPU_RESOLUTION_NS", "CpuClock", "CpuClockKind"]
