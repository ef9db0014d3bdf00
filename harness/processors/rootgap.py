"""`root_gap`: the root span against the process's whole life (imports, setup outside the recorder)."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any

from harness.context import IMPORT_PERF_NS


def process_start_perf_ns() -> tuple[int, str]:
    """The process start on the `perf_counter_ns` clock, and its source.

    From ``/proc/self/stat`` (start in clock ticks since boot; resolution one tick, 10 ms at 100 Hz)
    where available, else the time the harness was imported (source ``"harness-import"``).
    """
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            stat = f.read()
        fields = stat[stat.rindex(")") + 2 :].split()
        start_ticks = int(fields[19])
        tick_ns = 1_000_000_000 // os.sysconf("SC_CLK_TCK")
        boot_now = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
        perf_now = time.perf_counter_ns()
        age = boot_now - start_ticks * tick_ns
        start = perf_now - age
        if 0 <= age and start <= IMPORT_PERF_NS:
            return start, "/proc/self/stat"
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    return IMPORT_PERF_NS, "harness-import"


def root_gap(record: Mapping[str, Any]) -> dict[str, Any] | None:
    """Time and CPU of the process outside the root span, from a record's ``process`` section.

    Returns None when the record has no ``process`` section (e.g. a record built by hand).
    """
    proc = record.get("process")
    tree = record.get("tree")
    if not proc or not tree:
        return None
    lifetime = int(proc["lifetime_ns"])
    root_wall = int(tree["wall_ns"])
    cpu = int(proc.get("cpu_ns", 0))
    root_cpu = int(tree["cpu_ns"])
    outside = lifetime - root_wall
    return {
        "start_source": proc.get("start_source"),
        "lifetime_ns": lifetime,
        "root_wall_ns": root_wall,
        "outside_root_ns": outside,
        "outside_root_share": outside / lifetime if lifetime > 0 else 0.0,
        "cpu_ns": cpu,
        "root_cpu_ns": root_cpu,
        "outside_root_cpu_ns": cpu - root_cpu,
    }
