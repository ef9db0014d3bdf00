"""phase1_filter: rebuild each candidate's program from its step dependencies; drop duplicates and
candidates the elite pool would refuse.

A candidate's program is its dependency cone in the batch, renumbered; the md5 of its readable
source identifies it within the batch (identical calls are shared, so equal programs have equal
cones). With `early=False` (baseline) every candidate flows on, duplicates included.

The early refusal is sound: a candidate is refused only if at least `POOL_SIZE` distinct programs
are strictly better on `(o_score, cells)`, the first two components of the pool's ranking, and
small enough to pass phase 2's size cap, so it could never be kept whatever its grade or md5.
Programs already in the stored pool count, but as
the same program can be both stored and new, only `max(new, stored)` better ones are counted as
surely distinct. Partial scorers flow on.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from solver_core.generator import Batch
from solver_core.pipeline.inline import inline_problem, md5_text
from solver_core.pipeline.score import Scores
from solver_core.program import Program, extract, render
from solver_core.store import POOL_SIZE, PoolEntry


@dataclass(frozen=True)
class Rebuilt:
    """A candidate's program rebuilt from the batch, with its scores."""

    t_n: int
    program: Program
    body_md5: str
    o_score: int
    cells: int


def rebuild(batch: Batch, scores: Scores, *, once: bool = False) -> list[Rebuilt]:
    """Every candidate of the batch (duplicates included), in batch order. With `once`, candidates that
    share their output step (the same program: identical calls are shared) are rebuilt once."""
    out = []
    made: dict[int, tuple[Program, str]] = {}
    for cand in batch.candidates:
        found = made.get(cand.t_n) if once else None
        if found is None:
            program = extract(batch.steps, cand.t_n)
            found = (program, md5_text(render(program)))
            if once:
                made[cand.t_n] = found
        out.append(Rebuilt(cand.t_n, found[0], found[1], scores.o_score[cand.t_n], scores.cells[cand.t_n]))
    return out


def drop_duplicates(candidates: Sequence[Rebuilt]) -> list[Rebuilt]:
    """The first candidate of each distinct program."""
    seen: set[str] = set()
    out = []
    for c in candidates:
        if c.body_md5 not in seen:
            seen.add(c.body_md5)
            out.append(c)
    return out


def refuse_hopeless(unique: Sequence[Rebuilt], stored: Sequence[PoolEntry],
                    bound: int = POOL_SIZE, *, bisect: bool = False) -> list[Rebuilt]:
    """Drop candidates that at least `bound` surely-distinct programs beat on (o_score, cells). With
    `bisect`, the better keys are counted by binary search in the sorted keys instead of one by one."""
    # only candidates that will survive inlining's size cap can push others out of the pool
    new_keys = sorted(((c.o_score, c.cells) for c in unique if inline_problem(c.program) is None), reverse=True)
    old_keys = sorted(((e.o_score, e.cells) for e in stored), reverse=True)
    if bisect:
        new_keys.reverse()  # ascending: the keys above `key` are those right of bisect_right(keys, key)
        old_keys.reverse()

    def better(keys: list[tuple[int, int]], key: tuple[int, int]) -> int:
        if bisect:
            return len(keys) - bisect_right(keys, key)
        return sum(k > key for k in keys)

    return [c for c in unique
            if max(better(new_keys, (c.o_score, c.cells)), better(old_keys, (c.o_score, c.cells))) < bound]
