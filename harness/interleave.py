"""Interleaved measurement: run several variants round by round, in a shuffled order each round.

Machine drift (a neighbour's job, thermal throttling, a cache filling up) then hits every variant
alike instead of whichever ran in the slow block, and round ``i`` of every variant forms a pair for the
paired bootstrap (:func:`harness.stats.ratio_ci`). Warm-up rounds come first and are discarded (imports,
first-call caches, page cache). Generic: a runner is any function ``runner(round_index) -> record``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import TypeVar

#: What a runner returns for a round (a run record, or a sample of phase times).
R = TypeVar("R")


def round_order(names: list[str], seed: int, round_index: int) -> list[str]:
    """The order in which round `round_index` runs `names` (deterministic for a seed)."""
    order = list(names)
    random.Random(f"{seed}:{round_index}").shuffle(order)
    return order


def run_interleaved(
    runners: Mapping[str, Callable[[int], R]],
    *,
    rounds: int,
    warmup: int = 1,
    seed: int = 0,
    progress: Callable[[int, str], None] | None = None,
) -> dict[str, list[R]]:
    """Call every runner once per round and return the timing rounds' records per name.

    Rounds are numbered ``0 .. warmup + rounds - 1``; the first `warmup` ones are warm-up rounds whose
    records are discarded. Each round calls the runners in an order shuffled with
    ``random.Random(f"{seed}:{round}")``, passing the round number. `progress(round, name)` is called
    after each call. The result keeps the runners' order: ``{name: [record of timing round 0, 1, ...]}``.
    """
    if rounds < 1:
        raise ValueError(f"rounds must be >= 1, got {rounds}")
    if warmup < 0:
        raise ValueError(f"warmup must be >= 0, got {warmup}")
    if not runners:
        raise ValueError("no runners to interleave")
    names = list(runners)
    out: dict[str, list[R]] = {name: [] for name in names}
    for r in range(warmup + rounds):
        for name in round_order(names, seed, r):
            record = runners[name](r)
            if r >= warmup:
                out[name].append(record)
            if progress is not None:
                progress(r, name)
    return out


__all__ = ["round_order", "run_interleaved"]
