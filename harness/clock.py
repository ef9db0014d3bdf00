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

The same object carries the recorder's wall clock (`wall`, ``perf_counter_ns`` by default). Both
clocks can be injected (``Recorder(wall_clock=..., cpu_read=...)``): :class:`ManualClock` is a
deterministic one for tests of timing logic, whose time moves only when the test moves it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from time import perf_counter_ns, process_time_ns, thread_time_ns
from typing import Literal

CpuClockKind = Literal["process", "thread"]

#: Default coalescing window of CPU readings, in ns of wall time.
DEFAULT_CPU_RESOLUTION_NS = 10_000

_READERS: dict[str, Callable[[], int]] = {"process": process_time_ns, "thread": thread_time_ns}


class CpuClock:
    """A CPU clock (`read`) plus its last reading `v`, taken at wall time `t` on the wall clock `wall`.

    `read` defaults to the `kind`'s clock, `wall` to ``perf_counter_ns``; both are ns counters.
    """

    __slots__ = ("kind", "read", "resolution", "t", "v", "wall")

    def __init__(self, kind: CpuClockKind = "process", resolution_ns: int = DEFAULT_CPU_RESOLUTION_NS, *,
                 read: Callable[[], int] | None = None, wall: Callable[[], int] | None = None) -> None:
        if kind not in _READERS:
            raise ValueError(f"cpu clock must be 'process' or 'thread', not {kind!r}")
        if resolution_ns < 0:
            raise ValueError(f"resolution_ns must be >= 0, not {resolution_ns}")
        self.kind: CpuClockKind = kind
        self.read: Callable[[], int] = _READERS[kind] if read is None else read
        self.wall: Callable[[], int] = perf_counter_ns if wall is None else wall
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


class ManualClock:
    """A wall clock and a CPU clock (ns) that move only when told: timing logic tested without timing.

    ``Recorder(wall_clock=clock.wall, cpu_read=clock.cpu)`` records exactly what the test advanced
    inside each span: ``clock.sleep(ns)`` moves wall time only (waiting), ``clock.spin(ns)`` moves wall
    and CPU time alike (computing). Thread-safe; reading never moves it.
    """

    def __init__(self, start_ns: int = 0) -> None:
        self.wall_ns = start_ns
        self.cpu_ns = 0
        self._lock = threading.Lock()

    def wall(self) -> int:
        return self.wall_ns

    def cpu(self) -> int:
        return self.cpu_ns

    def sleep(self, ns: int) -> None:
        """`ns` of wall time pass, no CPU time."""
        self._advance(ns, 0)

    def spin(self, ns: int) -> None:
        """`ns` of wall time pass, all of it CPU time."""
        self._advance(ns, ns)

    def _advance(self, wall_ns: int, cpu_ns: int) -> None:
        if wall_ns < 0 or cpu_ns < 0:
            raise ValueError("a clock only moves forward")
        with self._lock:
            self.wall_ns += wall_ns
            self.cpu_ns += cpu_ns

    def __repr__(self) -> str:
        return f"ManualClock(wall_ns={self.wall_ns}, cpu_ns={self.cpu_ns})"


__all__ = ["DEFAULT_CPU_RESOLUTION_NS", "CpuClock", "CpuClockKind", "ManualClock"]
