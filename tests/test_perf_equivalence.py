"""The performance steps change how results are computed, never what: `memo`/`lean` scoring against
`shared`, validation read back from the memo against validation that runs every solver, and the cheaper
DSL primitive bodies against plain reference implementations written here (random grids, hypothesis)."""

from __future__ import annotations

import gc
from dataclasses import replace

import pytest

from solver_core.generator import GeneratorConfig, generate_batch
from solver_core.pipeline import score as score_mod
from solver_core.pipeline.evaluate import Failure
from solver_core.pipeline.score import (
    TaskMemo,
    active_memo,
    combine,
    drop_memo,
    gc_paused,
    pool_s_scores,
    sample_jobs,
    score_sample,
    task_memo,
)
from solver_core.pipeline.validate import ValidateJob, from_memo, validate
from solver_core.program import Program, Step, extract
from solver_core.solvers import library_programs
from solver_core.tasks import Task, get_task

CONFIG = GeneratorConfig(parents=6, mutants=4)


@pytest.fixture(scope="module")
def task() -> Task:
    return get_task("007bbfb7")


@pytest.fixture(scope="module")
def scored(task: Task) -> dict[str, list]:
    """Every sample of one small batch scored with each strategy (the memo of `memo` kept)."""
    batch = generate_batch(task.id, library_programs(), 0, CONFIG)
    out: dict[str, list] = {}
    for strategy in ("shared", "lean", "memo"):  # `memo` last: its memo stays for the validation tests
        out[strategy] = [score_sample(j) for kind in ("demo", "test")
                         for j in sample_jobs(task, batch, kind, strategy, True, 60.0)]
    out["batch"] = [batch]
    return out


def test_memo_scoring_gives_shared_scoring_outcomes(scored):
    for strategy in ("memo", "lean"):
        for mine, ref in zip(scored[strategy], scored["shared"], strict=True):
            assert (mine.kind, mine.index) == (ref.kind, ref.index)
            assert mine.outcomes == ref.outcomes
            assert mine.matched == ref.matched and mine.cells == ref.cells and mine.differs == ref.differs


def test_pool_s_scores_are_the_s_scores_of_every_candidate(task, scored):
    """`differ_scope="pool"`: the differs run later, for the pool's members only, and give them what scoring
    every candidate on every demo pair gives."""
    (batch,) = scored["batch"]
    full = combine(batch, scored["lean"])
    without = [replace(s, differs={}) if s.kind == "demo" else s for s in scored["lean"]]
    late = combine(batch, without)
    assert all(late.s_score[n] == {} for n in full.s_score) and (late.o_score, late.cells) == (full.o_score, full.cells)
    members = sorted({c.t_n for c in batch.candidates})[::3]
    assert len(members) > 3 and any(full.s_score[n][t] for n in full.s_score for t in members)
    pooled = pool_s_scores(late, task.demo, members + members[:2])  # a member named twice counts once
    assert pooled.s_score == {n: {t: full.s_score[n][t] for t in members} for n in full.s_score}
    assert pooled.samples == late.samples and pooled.o_score == full.o_score


def _jobs(task: Task, scored, early_exit: bool) -> list[ValidateJob]:
    (batch,) = scored["batch"]
    outcomes = [s.outcomes for s in scored["memo"]]
    return [ValidateJob(t, extract(batch.steps, t), task.samples, len(task.demo), task.demo_samples,
                        tuple(o[t] == p.output for o, p in zip(outcomes, task.samples, strict=True)), 60.0,
                        early_exit)
            for t in sorted({c.t_n for c in batch.candidates})]


@pytest.mark.parametrize("early_exit", [False, True])
def test_validation_read_back_from_the_memo_equals_running_every_solver(task, scored, early_exit):
    memo = active_memo(task.demo_samples)
    assert memo is not None  # a new `demo_samples` tuple around the same grids finds the task's memo
    for job in _jobs(task, scored, early_exit):
        recorded = from_memo(job, memo, 0)
        assert recorded is not None
        drop_memo()
        try:
            ran = validate(job)
        finally:
            _ACTIVE_restore(memo)
        assert (recorded.status, recorded.work, recorded.grade, recorded.pairs_run, recorded.disagreements) == \
               (ran.status, ran.work, ran.grade, ran.pairs_run, ran.disagreements), job.t_n


def _ACTIVE_restore(memo: TaskMemo) -> None:
    score_mod._ACTIVE[:] = [memo]


def test_from_memo_declines_what_it_does_not_hold(task, scored):
    memo = active_memo(task.demo_samples)
    assert memo is not None
    job = _jobs(task, scored, True)[0]
    assert from_memo(replace(job, program=Program((Step("identity", ("I",)),))), memo, 0) is None
    assert from_memo(replace(job, t_n=10**6), memo, 0) is None
    other = get_task("00d62c1b")
    assert active_memo(other.demo_samples) is None


def test_task_memo_runs_calls_of_stable_arguments_once_and_replays_failures(task):
    drop_memo()
    memo = task_memo(task.demo_samples, ())
    calls = []

    def spy(*args):
        calls.append(args)
        if args[0] == 0:
            raise ZeroDivisionError("boom")
        return ("value", *args)

    wrapped = memo._wrap(spy)
    one, zero = 1, 0  # small ints are interned: the namespace's ONE and ZERO
    first = wrapped(one, memo.demo)
    assert wrapped(one, memo.demo) is first and len(calls) == 1  # stable arguments: once
    assert wrapped(first) is wrapped(first) and len(calls) == 2  # a memoised result is stable too
    grid = ((1, 2), (3, 4))
    wrapped(grid)
    wrapped(grid)
    assert len(calls) == 4  # a sample's own data is never memoised
    for _ in range(2):
        with pytest.raises(Exception) as caught:
            wrapped(zero)
        assert type(caught.value).__name__ == "ZeroDivisionError"
        assert caught.value.__traceback__ is not None
    assert len(calls) == 5
    assert memo.hits == 3 and memo.misses == 3
    drop_memo()
    assert active_memo(task.demo_samples) is None


def test_gc_paused_restores_the_collector():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested: the outer block decides
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError
    assert gc.isenabled()
    with gc_paused(False):
        assert gc.isenabled()


def test_failures_in_memo_scoring_name_the_same_step(task):
    batch = generate_batch(task.id, library_programs(), 3, CONFIG)
    ref = [score_sample(j) for j in sample_jobs(task, batch, "demo", "shared", True, 60.0)]
    mine = [score_sample(j) for j in sample_jobs(task, batch, "demo", "lean", True, 60.0)]
    failures = [(t, o) for s in ref for t, o in s.outcomes.items() if type(o) is Failure]
    assert failures  # the batch has failing candidates
    assert [s.outcomes for s in mine] == [s.outcomes for s in ref]
    drop_memo()


# ------------------------------------------------------------------------ DSL primitive bodies
# Plain reference implementations of the primitives whose bodies were made cheaper (the straightforward
# way: a sort for every canonical order, one generator per container); each new body must give the same
# value, or raise the same exception type, on any input.
from collections import Counter  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from solver_core import dsl  # noqa: E402


def ref_homogeneous(container):
    first = next(iter(container))
    if type(first) is int:
        return all(type(e) is int for e in container)
    if type(first) is not tuple or len(first) != 2:
        return False
    if type(first[0]) is int and type(first[1]) is int:
        return all(type(e) is tuple and len(e) == 2 and type(e[0]) is int and type(e[1]) is int for e in container)
    return all(type(e) is tuple and len(e) == 2 and type(e[0]) is int and type(e[1]) is tuple and len(e[1]) == 2
               and type(e[1][0]) is int and type(e[1][1]) is int for e in container)


def ref_ordered(container):
    if type(container) is tuple:
        return container
    if isinstance(container, frozenset | set):
        return tuple(sorted(container, key=dsl._canonical_key))
    return tuple(container)


def ref_merge(containers):
    if type(containers) is tuple:
        return tuple(e for c in containers for e in ref_ordered(c))
    return frozenset(e for c in containers for e in c)


def ref_apply(function, container):
    return tuple(map(function, container)) if type(container) is tuple else type(container)(map(function, container))


def ref_mapply(function, container):
    return ref_merge(ref_apply(function, container))


def ref_toindices(patch):
    if len(patch) == 0:
        return frozenset()
    if dsl._is_object(patch):
        return frozenset(loc for _, loc in patch)
    return patch


def ref_shift(patch, directions):
    if len(patch) == 0:
        return patch
    di, dj = directions
    if dsl._is_object(patch):
        return frozenset((v, (i + di, j + dj)) for v, (i, j) in patch)
    return frozenset((i + di, j + dj) for i, j in patch)


def ref_normalize(patch):
    if len(patch) == 0:
        return patch
    rows, cols = zip(*ref_toindices(patch), strict=True)
    return ref_shift(patch, (-min(rows), -min(cols)))


def ref_recolor(value, patch):
    return frozenset((value, loc) for loc in ref_toindices(patch))


def ref_sfilter(container, condition):
    if type(container) is tuple:
        return tuple(e for e in container if condition(e))
    return type(container)(e for e in container if condition(e))


def ref_paint_map(obj):
    cells = {loc: v for v, loc in obj}
    if len(cells) != len(obj):
        cells = {loc: v for v, loc in ref_ordered(obj)}
    return cells


def ref_paint(grid, obj):
    h = len(grid)
    w = len(grid[0]) if h else 0
    rows = [list(row) for row in grid]
    for (i, j), v in ref_paint_map(obj).items():
        if 0 <= i < h and 0 <= j < w:
            rows[i][j] = v
    return tuple(tuple(row) for row in rows)


def ref_underpaint(grid, obj):
    h = len(grid)
    w = len(grid[0]) if h else 0
    bg = dsl.mostcolor(grid)
    rows = [list(row) for row in grid]
    for (i, j), v in ref_paint_map(obj).items():
        if 0 <= i < h and 0 <= j < w and grid[i][j] == bg:
            rows[i][j] = v
    return tuple(tuple(row) for row in rows)


def ref_ofcolor(grid, value):
    return frozenset((i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if v == value)


def _ref_smallest(candidates):
    return min(candidates, key=dsl._canonical_key)


def ref_mostcommon(container):
    counts = Counter(container)
    best = max(counts.values())
    return _ref_smallest([e for e, n in counts.items() if n == best])


def ref_leastcommon(container):
    counts = Counter(container)
    best = min(counts.values())
    return _ref_smallest([e for e, n in counts.items() if n == best])


def _same(new, ref, *args):
    """`new(*args)` equals `ref(*args)` (same type too), or both raise the same exception type."""
    try:
        want = ref(*args)
    except Exception as exc:  # noqa: BLE001 - the exception type is the result here
        with pytest.raises(type(exc)):
            new(*args)
        return
    got = new(*args)
    assert got == want and type(got) is type(want), (new.__name__, args)


colours = st.integers(0, 9)
coords = st.integers(-3, 12)
locations = st.tuples(coords, coords)
cells = st.tuples(colours, locations)
grids = st.integers(1, 8).flatmap(lambda w: st.lists(st.tuples(*[colours] * w), min_size=1, max_size=8).map(tuple))
objects_ = st.frozensets(cells, max_size=40)  # several colours at one location included
indices = st.frozensets(locations, max_size=40)
patches = st.one_of(objects_, indices)
odd = st.one_of(st.integers(-2, 12), st.booleans(), locations, cells, st.frozensets(st.integers(0, 3), max_size=2),
                st.tuples(colours, colours, colours))
mixed = st.frozensets(st.one_of(odd, cells, locations), max_size=12)  # what a mutant may build


@settings(max_examples=300, deadline=None)
@given(st.one_of(patches, mixed, st.frozensets(st.integers(-5, 5), min_size=1)))
def test_homogeneous_and_ordered_match_the_reference(container):
    if container:
        assert dsl._homogeneous(container) == ref_homogeneous(container)
    _same(dsl._ordered, ref_ordered, container)
    if container:
        _same(dsl._smallest, _ref_smallest, container)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.frozensets(st.one_of(objects_, indices), max_size=6), st.tuples(*[patches] * 3),
                 st.frozensets(odd, max_size=4), st.tuples(mixed, mixed), st.integers(0, 3), mixed))
def test_merge_matches_the_reference(containers):
    _same(dsl.merge, ref_merge, containers)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.frozensets(locations, max_size=8), st.tuples(locations, locations)), patches)
def test_mapply_of_shifts_matches_the_reference(offsets, patch):
    fn = dsl.lbind(dsl.shift, patch)
    _same(dsl.mapply, ref_mapply, fn, offsets)
    _same(dsl.mapply, ref_mapply, dsl.dneighbors, offsets)
    _same(dsl.mpapply, lambda f, a, b: ref_merge(tuple(map(f, a, b))), dsl.recolor,
          (1, 2, 3), (patch, patch, frozenset()))


directions = st.one_of(st.tuples(st.integers(-3, 3), st.integers(-3, 3)),
                       st.tuples(st.integers(-40, 40), st.integers(-40, 40)),  # too long: `connect` raises
                       st.tuples(st.booleans(), st.integers(-1, 1)), st.tuples(*[st.integers(-1, 1)] * 3))
rays_starts = st.one_of(st.frozensets(locations, max_size=30), mixed,
                        st.frozensets(st.tuples(coords, st.booleans()), max_size=3))


@settings(max_examples=400, deadline=None)
@given(rays_starts, directions)
def test_mapply_of_rays_matches_the_reference(starts, direction):
    _same(dsl.mapply, ref_mapply, dsl.rbind(dsl.shoot, direction), starts)


def test_rays_take_their_own_path_where_they_can():
    starts = frozenset({(0, 0), (0, 5), (3, 3), (-2, 7), (10, 1)})
    for direction in [(0, 1), (0, -2), (1, 0), (-3, 0), (1, 1), (-2, -2), (1, -1), (-1, 1), (0, 0), (1, 2)]:
        assert dsl._rays_apply(starts, direction)
        assert dsl._rays_union(starts, direction) == ref_mapply(dsl.rbind(dsl.shoot, direction), starts)
    assert not dsl._rays_apply(starts, (40, 0))  # too long: `connect` raises, on the general path
    assert not dsl._rays_apply(frozenset({(0, True)}), (1, 0)) and not dsl._rays_apply(starts, (True, 0))


@settings(max_examples=300, deadline=None)
@given(st.one_of(patches, mixed, st.frozensets(st.integers(0, 5))), locations, colours)
def test_patch_primitives_match_the_reference(patch, offset, colour):
    _same(dsl.toindices, ref_toindices, patch)
    _same(dsl.shift, ref_shift, patch, offset)
    _same(dsl.normalize, ref_normalize, patch)
    _same(dsl.recolor, ref_recolor, colour, patch)
    _same(dsl.sfilter, ref_sfilter, patch, lambda e: hash(e) % 3 == 0)
    _same(dsl.sfilter, ref_sfilter, tuple(patch), lambda e: hash(e) % 2 == 0)


@settings(max_examples=300, deadline=None)
@given(grids, st.one_of(objects_, indices, mixed, st.tuples(cells, cells)), colours)
def test_paint_matches_the_reference(grid, obj, colour):
    _same(dsl.paint, ref_paint, grid, obj)
    _same(dsl.underpaint, ref_underpaint, grid, obj)
    _same(dsl.ofcolor, ref_ofcolor, grid, colour)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.frozensets(st.one_of(colours, locations, cells), max_size=8), st.tuples(colours, colours, colours),
                 st.lists(colours, max_size=12).map(tuple), mixed))
def test_mostcommon_leastcommon_match_the_reference(container):
    _same(dsl.mostcommon, ref_mostcommon, container)
    _same(dsl.leastcommon, ref_leastcommon, container)


@settings(max_examples=150, deadline=None)
@given(grids, st.lists(grids, min_size=1, max_size=4))
def test_differ_dag_scores_like_each_differ_alone(expected, candidates):
    from solver_core.differs import differ_programs, differ_score
    from solver_core.pipeline.evaluate import Specialised
    from solver_core.pipeline.score import DifferDag

    dag = DifferDag(expected)
    for grid in candidates:
        want = []
        for program in differ_programs().values():
            value = Specialised(program, {"I": expected}, ("C",))({"C": grid})
            want.append(0 if type(value) is Failure else differ_score(value))
        assert dag.scores(grid) == tuple(want)


def ref_objects(grid, univalued, diagonal, without_bg):
    h = len(grid)
    if h == 0:
        return frozenset()
    w = len(grid[0])
    bg = dsl.mostcolor(grid) if without_bg else None
    offsets = [(-1, 0), (1, 0), (0, -1), (0, 1)] + ([(-1, -1), (-1, 1), (1, -1), (1, 1)] if diagonal else [])
    seen = set()
    result = []
    for i in range(h):
        for j in range(w):
            if (i, j) in seen or grid[i][j] == bg:
                continue
            val = grid[i][j]
            seen.add((i, j))
            cells, stack = [(val, (i, j))], [(i, j)]
            while stack:
                ci, cj = stack.pop()
                for di, dj in offsets:
                    ni, nj = ci + di, cj + dj
                    if 0 <= ni < h and 0 <= nj < w and (ni, nj) not in seen:
                        v = grid[ni][nj]
                        if (v == val) if univalued else (v != bg):
                            seen.add((ni, nj))
                            cells.append((v, (ni, nj)))
                            stack.append((ni, nj))
            result.append(frozenset(cells))
    return frozenset(result)


ragged = st.lists(st.lists(st.integers(0, 3), min_size=0, max_size=6).map(tuple), min_size=1, max_size=6).map(tuple)


@settings(max_examples=300, deadline=None)
@given(st.one_of(grids, ragged, grids.map(lambda g: g + ((9,) * (len(g[0]) + 2),))), st.booleans(), st.booleans(),
       st.booleans())
def test_objects_matches_the_reference(grid, univalued, diagonal, without_bg):
    _same(dsl.objects, ref_objects, grid, univalued, diagonal, without_bg)


def ref_merge_programs(programs, start=()):
    """The generator's merge written plainly (Step objects as keys)."""
    steps = list(start)
    index = {s: k for k, s in enumerate(steps)}
    local = [{} for _ in programs]
    for row in range(max(len(p.steps) for p in programs)):
        for n, program in enumerate(programs):
            if row < len(program.steps):
                step = program.steps[row]
                shared = Step(step.func, tuple(local[n][a] if isinstance(a, int) else a for a in step.args))
                if shared not in index:
                    index[shared] = len(steps)
                    steps.append(shared)
                local[n][row] = index[shared]
    return tuple(steps), [local[n][p.output] for n, p in enumerate(programs)]


@pytest.mark.parametrize("task_id", ["007bbfb7", "0dfd9992", "06df4c85"])
def test_generator_merge_matches_the_reference(task_id):
    import random

    from solver_core.generator import merge, mutate

    library = library_programs()
    rng = random.Random(task_id)
    programs = [library[t] for t in rng.sample(sorted(library), 12)]
    programs += [mutate(p, rng, 2)[0] for p in programs for _ in range(3)]
    assert merge(programs) == ref_merge_programs(programs)
    first, _ = merge(programs[:5])
    assert merge(programs[5:], start=first) == ref_merge_programs(programs[5:], start=first)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.frozensets(locations, max_size=12), mixed, st.frozensets(st.tuples(coords), max_size=3),
                 st.frozensets(st.frozensets(coords, min_size=2, max_size=2), max_size=3)),
       st.one_of(patches, mixed, st.just(frozenset()), st.frozensets(st.integers(0, 3), max_size=3)))
def test_mapply_special_cases_match_the_reference(container, patch):
    for fn in (dsl.vfrontier, dsl.hfrontier, dsl.lbind(dsl.shift, patch), dsl.lbind(dsl.shift, tuple(patch)),
               dsl.rbind(dsl.shift, (1, 2)), dsl.lbind(dsl.add, (1, 1))):
        _same(dsl.mapply, ref_mapply, fn, container)


# ----------------------------------------------------------- paint of large objects, shifted copies in a tuple
big_objects = st.one_of(st.frozensets(cells, min_size=20, max_size=150),
                        st.frozensets(st.one_of(cells, odd), min_size=20, max_size=80))
small_grids = st.integers(1, 4).flatmap(
    lambda w: st.lists(st.tuples(*[colours] * w), min_size=1, max_size=4).map(tuple))


@settings(max_examples=300, deadline=None)
@given(small_grids, big_objects)
def test_paint_of_objects_larger_than_the_grid_matches_the_reference(grid, obj):
    """More cells than the grid has (`dsl._plain_cells_on_grid`): clashes, cells off the grid, odd elements."""
    _same(dsl.paint, ref_paint, grid, obj)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.tuples(), st.tuples(locations), st.tuples(locations, locations, locations),
                 st.tuples(locations, odd), st.tuples(odd, locations),
                 st.tuples(st.tuples(st.floats(-2, 2, allow_nan=False), coords), locations),
                 st.tuples(st.tuples(st.booleans(), coords))),
       st.one_of(patches, mixed, st.frozensets(st.integers(0, 3), max_size=3)))
def test_mapply_of_shifts_over_a_tuple_matches_the_reference(offsets, patch):
    """`dsl._shifted_concat`: the patch sorted once, each copy shifted in that order."""
    _same(dsl.mapply, ref_mapply, dsl.lbind(dsl.shift, patch), offsets)
