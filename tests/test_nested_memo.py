"""`nested` scoring's memo (`solver_core.pipeline.nested`): the same values as the primitives, by identity."""

from __future__ import annotations

import pytest

from solver_core import dsl
from solver_core.containment import trusted_code
from solver_core.generator import GeneratorConfig, generate_batch
from solver_core.pipeline.evaluate import Failure, plan_dag, run_dag, run_plan
from solver_core.pipeline.nested import NESTED, NestedMemo, memoised
from solver_core.pipeline.score import drop_memo, task_memo
from solver_core.program import namespace
from solver_core.solvers import library_programs
from solver_core.tasks import get_task

GRID = ((1, 1, 0), (0, 2, 2), (3, 0, 3))


def test_a_wrapper_answers_the_same_objects_again_and_counts_nothing_else_as_the_same():
    calls: list[object] = []

    def colour_count(grid, value):
        calls.append((grid, value))
        return dsl.colorcount(grid, value)

    table: dict = {}
    memo = memoised(colour_count, table)
    assert memo(GRID, 1) == 2 and memo(GRID, 1) == 2
    assert len(calls) == 1  # the same objects: answered from the table
    copy = tuple(tuple(row) for row in GRID)
    assert memo(copy, 1) == 2 and len(calls) == 2  # an equal grid is another object: computed again
    assert memo(GRID, True) == 2 and len(calls) == 3  # True == 1, but it is not the same object
    table.clear()
    assert memo(GRID, 1) == 2 and len(calls) == 4


def test_a_call_that_raises_stores_nothing_and_raises_again():
    table: dict = {}
    memo = memoised(dsl.normalize, table)
    for _ in range(2):
        with pytest.raises(TypeError):
            memo(frozenset({1, 2}))  # normalize of a set of integers (not a patch) raises
    assert table == {}


@pytest.mark.parametrize("name", NESTED)
def test_wrappers_look_like_their_primitives(name):
    primitive = namespace()[name]
    wrapper = NestedMemo().values[name]
    assert wrapper is not primitive
    assert wrapper.__code__.co_argcount == primitive.__code__.co_argcount  # lbind / rbind read this
    assert (wrapper.__name__, wrapper.__qualname__, wrapper.__module__) == (
        primitive.__name__, primitive.__qualname__, primitive.__module__)
    assert trusted_code(wrapper)


def test_lbind_of_a_wrapper_binds_like_lbind_of_the_primitive():
    memo = NestedMemo()
    for name in ("ofcolor", "colorcount"):
        assert dsl.lbind(memo.values[name], GRID)(2) == dsl.lbind(namespace()[name], GRID)(2)


def test_only_names_of_nested_change_and_clear_empties_the_table():
    memo = NestedMemo()
    base = namespace()
    assert {n for n in base if memo.values[n] is not base[n]} == set(NESTED)
    memo.values["normalize"](frozenset({(1, 1)}))
    assert len(memo) == 1
    memo.clear()
    assert len(memo) == 0


def test_a_primitive_with_other_arguments_is_refused():
    with pytest.raises(ValueError, match="1 to 4 plain arguments"):
        memoised(lambda *xs: xs, {})


@pytest.mark.parametrize("task_id,seed", [("007bbfb7", 0), ("0dfd9992", 1), ("06df4c85", 2)])
def test_a_plan_with_the_nested_memo_gives_run_dags_values(task_id, seed):
    task = get_task(task_id)
    batch = generate_batch(task.id, library_programs(), seed, GeneratorConfig(parents=8, mutants=4))
    wanted = sorted({c.t_n for c in batch.candidates})
    drop_memo()
    memo = task_memo(task.demo_samples, batch.steps)
    plan = memo.plan(wanted, nested=True)
    wrappers = {id(w) for n, w in memo.nested.values.items() if n in NESTED}
    assert any(kind == 0 and id(a) in wrappers for args in plan.args for kind, a in args)  # the memo is in play
    for pair in task.demo + task.test:
        inputs = {"I": pair.input, "S": memo.demo}
        mine = run_plan(plan, inputs, 60.0)
        memo.nested.clear()
        ref = run_dag(batch.steps, inputs, wanted, 60.0)
        assert [mine[t] for t in wanted] == [ref[t] for t in wanted]
        assert [type(mine[t]) is Failure for t in wanted] == [type(ref[t]) is Failure for t in wanted]
    drop_memo()
    assert memo.plan(wanted).args == plan_dag(batch.steps, ("I", "S"), wanted).args  # not nested: the primitives
