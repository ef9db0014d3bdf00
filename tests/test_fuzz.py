"""Property-based tests: malformed task files give only the loader's clear errors; every DSL primitive
given arbitrary valid grids ends as a value or a recorded failure, never a crash of the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver_core import dsl
from solver_core.generator import signature
from solver_core.pipeline.evaluate import Failure, run_dag
from solver_core.program import Step
from solver_core.tasks import Task, TaskFormatError, load_task_file

# ------------------------------------------------------------------------------------- the loader
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-20, 20) | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["train", "test", "input", "output", "x"]), inner, max_size=4),
    max_leaves=30,
)
cells = st.integers(-2, 11)
rows = st.integers(0, 4).flatmap(lambda w: st.lists(st.lists(cells, min_size=w, max_size=w), min_size=0, max_size=4))
ragged_or_not = rows | st.lists(st.lists(cells, max_size=4), max_size=4)
pair = st.fixed_dictionaries({"input": ragged_or_not, "output": ragged_or_not})
near_tasks = st.fixed_dictionaries({"train": st.lists(pair, max_size=3), "test": st.lists(pair, max_size=2)})


def _load(tmp_path: Path, text: str | bytes) -> None:
    path = tmp_path / "t.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    try:
        task = load_task_file(path)
    except TaskFormatError as exc:
        assert str(path) in str(exc)
        return
    assert isinstance(task, Task)
    for p in task.samples:
        for grid in (p.input, p.output):
            assert 1 <= len(grid) <= 30 and all(len(r) == len(grid[0]) for r in grid)
            assert all(type(c) is int and 0 <= c <= 9 for r in grid for c in r)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values | near_tasks)
def test_any_json_is_a_task_or_a_clear_error(tmp_path, value):
    _load(tmp_path, json.dumps(value))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200))
def test_any_bytes_are_a_task_or_a_clear_error(tmp_path, data):
    _load(tmp_path, data)


# ------------------------------------------------------------------------------------ primitives
grids = st.integers(1, 12).flatmap(
    lambda h: st.integers(1, 12).flatmap(
        lambda w: st.lists(st.lists(st.integers(0, 9), min_size=w, max_size=w), min_size=h, max_size=h)
    )
).map(lambda g: tuple(tuple(r) for r in g))

#: How to supply an argument of each type from the input grid `I` (extra steps come first).
_PREFIX = (
    Step("objects", ("I", "T", "F", "T")),      # 0: Objects
    Step("first", (0,)),                        # 1: Object
    Step("asindices", ("I",)),                  # 2: Indices
    Step("palette", ("I",)),                    # 3: IntegerSet
    Step("partition", ("I",)),                  # 4: Objects (every colour)
)
_ARG = {
    "Grid": "I", "Element": "I", "Piece": "I", "Integer": "TWO", "Boolean": "T", "IntegerTuple": "UNITY",
    "Numerical": "ONE", "Objects": 0, "Object": 1, "Patch": 1, "Indices": 2, "IntegerSet": 3,
    "Container": 0, "ContainerContainer": 4, "FrozenSet": 2, "Tuple": "I", "TupleTuple": "I",
    "Callable": "identity", "Any": "I", "Samples": "S",
}
FUZZED = sorted(n for n in dsl.PRIMITIVES if all(p in _ARG for p in signature(n).params))


def test_nearly_every_primitive_is_fuzzed():
    assert len(FUZZED) >= 0.9 * len(dsl.PRIMITIVES), sorted(set(dsl.PRIMITIVES) - set(FUZZED))


@settings(max_examples=40, deadline=None)
@given(grid=grids, other=grids)
def test_every_primitive_on_arbitrary_grids_is_a_value_or_a_failure(grid, other):
    steps = list(_PREFIX) + [Step(name, tuple(_ARG[p] for p in signature(name).params)) for name in FUZZED]
    values = run_dag(steps, {"I": grid, "S": ((grid, other),)}, step_timeout=5.0)
    assert len(values) == len(steps)
    for step, value in zip(steps, values, strict=True):
        if type(value) is Failure:
            assert value.reason.startswith("error:"), (step, value)  # no timeouts on tiny grids


# --------------------------------------------------------------------------- deterministic order
elements = st.one_of(
    st.integers(-3, 9),
    st.tuples(st.integers(0, 5), st.integers(0, 5)),
    st.tuples(st.integers(0, 9), st.tuples(st.integers(0, 5), st.integers(0, 5))),
)


@settings(max_examples=300, deadline=None)
@given(items=st.lists(elements, min_size=2, max_size=12), kind=st.sampled_from(["one", "mixed"]))
def test_fast_ordering_equals_the_canonical_key_order(items, kind):
    if kind == "one":  # homogeneous sets take the key-free path
        items = [x for x in items if type(x) is type(items[0]) and (type(x) is int or type(x[1]) is type(items[0][1]))]
    s = frozenset(items)
    if len(s) < 2:
        return
    assert dsl._ordered(s) == tuple(sorted(s, key=dsl._canonical_key))
    assert dsl.first(s) == min(s, key=dsl._canonical_key)


@pytest.mark.parametrize("build", [lambda xs: frozenset(xs), lambda xs: frozenset(reversed(xs))])
def test_order_does_not_depend_on_how_a_set_was_built(build):
    xs = [(3, (1, 2)), (1, (0, 0)), (3, (0, 5)), (2, (2, 2))]
    assert dsl._ordered(build(xs)) == ((1, (0, 0)), (2, (2, 2)), (3, (0, 5)), (3, (1, 2)))
