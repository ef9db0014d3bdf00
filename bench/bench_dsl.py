"""Micro-benchmarks of the costliest DSL primitives on a 30×30 grid (group ``dsl``).

Run:  pytest bench/bench_dsl.py --benchmark-only

Object extraction and partitions dominate the solvers' time (0.2–2.6 ms per call on 30×30 in the
public DSL); cheap primitives (``rot90``, ``palette``) are included as reference points. A round
calls the primitive ``iterations`` times; ``extra_info["per_call_median_ns"]`` is the per-call
median.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from solver_core import dsl


def _grid(side: int = 30, seed: int = 0) -> tuple[tuple[int, ...], ...]:
    """A deterministic grid: background 0, a dozen rectangles of 1-9, sprinkled single cells."""
    rng = random.Random(seed)
    cells = [[0] * side for _ in range(side)]
    for _ in range(12):
        colour = rng.randint(1, 9)
        i, j = rng.randrange(side - 4), rng.randrange(side - 4)
        for a in range(i, i + rng.randint(2, 5)):
            for b in range(j, j + rng.randint(2, 5)):
                cells[a][b] = colour
    for _ in range(40):
        cells[rng.randrange(side)][rng.randrange(side)] = rng.randint(1, 9)
    return tuple(tuple(r) for r in cells)


GRID = _grid()
SMALL_OBJECT = frozenset({(GRID[0][0], (0, 0)), (GRID[0][1], (0, 1)), (GRID[1][0], (1, 0))})

#: name -> (call, iterations per round)
PRIMITIVES: dict[str, tuple[Callable[[], Any], int]] = {
    "objects(T,F,T)": (lambda: dsl.objects(GRID, True, False, True), 5),
    "objects(F,T,T)": (lambda: dsl.objects(GRID, False, True, True), 5),
    "objects(T,T,F)": (lambda: dsl.objects(GRID, True, True, False), 5),
    "partition": (lambda: dsl.partition(GRID), 10),
    "fgpartition": (lambda: dsl.fgpartition(GRID), 10),
    "frontiers": (lambda: dsl.frontiers(GRID), 20),
    "occurrences": (lambda: dsl.occurrences(GRID, SMALL_OBJECT), 5),
    "mostcolor": (lambda: dsl.mostcolor(GRID), 20),
    "replace": (lambda: dsl.replace(GRID, 0, 5), 20),
    "compress": (lambda: dsl.compress(GRID), 20),
    "palette": (lambda: dsl.palette(GRID), 50),
    "rot90": (lambda: dsl.rot90(GRID), 50),
}


@pytest.mark.parametrize("name", list(PRIMITIVES))
def test_primitive(benchmark: Any, name: str) -> None:
    from benchlib import spread_rounds, time_one_round

    call, iterations = PRIMITIVES[name]
    benchmark.group = "dsl"
    benchmark.extra_info.update(
        {"primitive": name, "grid": f"{len(GRID)}x{len(GRID[0])}", "calls_per_round": iterations})
    rounds = spread_rounds(time_one_round(call, calls=3) * iterations, 30, 20_000)
    benchmark.pedantic(call, rounds=rounds, iterations=iterations, warmup_rounds=2)
    benchmark.extra_info["per_call_median_ns"] = round(benchmark.stats.stats.median * 1e9, 1)
