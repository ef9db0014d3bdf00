"""Progress lines with an estimate of the time left, for long commands (`verify`, `run --tasks N`).

`EtaProgress` counts units of work (tasks) towards a known total and prints, on stderr, how many are
done, the time elapsed and an estimate of the time left (elapsed / done × remaining). On a terminal it
rewrites one line; in a log (CI) it prints a line at most every `log_every_s` seconds and at the end.
`estimate_left` and `fmt_seconds` are pure: tests drive `EtaProgress` with an injected clock.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import TextIO


def estimate_left(done: float, total: float, elapsed_s: float) -> float | None:
    """Seconds left at the pace so far (None before the first unit is done)."""
    if done <= 0 or total <= 0 or elapsed_s < 0:
        return None
    return max(total - done, 0.0) * elapsed_s / done


def fmt_seconds(seconds: float | None) -> str:
    """``45 s``, ``3 min 05 s``, ``1 h 02 min``; ``?`` when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "?"
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {(s % 3600) // 60:02d} min"


class EtaProgress:
    """``label: 3/20 tasks (15%) · 12 s elapsed · about 1 min 08 s left`` on `stream` (default stderr).

    `advance(note)` after each unit; `close()` at the end (prints the final line). `clock` is injectable;
    `enabled` False prints nothing.
    """

    def __init__(self, total: int, label: str, *, unit: str = "tasks", enabled: bool = True,
                 stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic,
                 log_every_s: float = 15.0) -> None:
        self.total, self.label, self.unit = max(int(total), 0), label, unit
        self.enabled = enabled and self.total > 0
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.log_every_s = log_every_s
        self.done = 0
        self.t0 = clock()
        self._last_print = -math.inf
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._open_line = False

    def line(self, note: str = "") -> str:
        elapsed = self.clock() - self.t0
        pct = 100.0 * self.done / self.total if self.total else 100.0
        text = (f"{self.label}: {self.done}/{self.total} {self.unit} ({pct:.0f}%) · {fmt_seconds(elapsed)} elapsed")
        if self.done < self.total:
            text += f" · about {fmt_seconds(estimate_left(self.done, self.total, elapsed))} left"
        return text + (f" · {note}" if note else "")

    def advance(self, note: str = "", n: int = 1) -> None:
        self.done = min(self.done + n, self.total) if self.total else self.done + n
        if not self.enabled:
            return
        now = self.clock()
        if self._tty:
            self.stream.write("\r\x1b[2K" + self.line(note))
            self._open_line = True
        elif now - self._last_print >= self.log_every_s or self.done >= self.total:
            self.stream.write(self.line(note) + "\n")
            self._last_print = now
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._open_line:
            self.stream.write("\n")
            self.stream.flush()
            self._open_line = False


__all__ = ["EtaProgress", "estimate_left", "fmt_seconds"]
