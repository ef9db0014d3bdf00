"""The candidate generator: determinism, batch structure, the batch module and type-safe mutations."""

from __future__ import annotations

import inspect
import random
import re

import pytest

from solver_core import dsl, generator
from solver_core.generator import (
    Batch,
    GeneratorConfig,
    derive_colour,
    generate_batch,
    merge,
    mutate,
    nudge_constant,
    replace_arg,
    signature,
    swap_func,
)
from solver_core.pipeline.evaluate import Failure, run_dag
from solver_core.pipeline.inline import canonical_source
from solver_core.program import INPUTS, Program, Step, namespace, parse_function, render
from solver_core.solvers import library_programs

SMALL = GeneratorConfig(parents=8, mutants=4)
LIB = library_programs()


def _without_solver() -> str:
    from solver_core.tasks import load_dataset

    missing = [t.id for t in load_dataset("arc1-train") if t.id not in LIB]
    if not missing:
        pytest.skip("the library covers every task")
    return missing[0]


# ----------------------------------------------------------------------------------- determinism
def test_same_seed_same_batch():
    a = generate_batch("007bbfb7", LIB, 5, SMALL)
    generate_batch("00d62c1b", LIB, 5, SMALL)  # no hidden state between calls
    b = generate_batch("007bbfb7", LIB, 5, SMALL)
    assert a == b
    assert a.to_module() == b.to_module()


def test_other_seed_or_task_other_batch():
    a = generate_batch("007bbfb7", LIB, 5, SMALL)
    assert generate_batch("007bbfb7", LIB, 6, SMALL) != a
    other = generate_batch("00d62c1b", LIB, 5, SMALL)
    assert other.steps != a.steps and other.task_id == "00d62c1b"


def test_default_config_is_32_parents_8_mutants():
    batch = generate_batch("007bbfb7", LIB, 0)
    assert len(batch.parents) == 32 and len(batch.candidates) == 32 * 9


# ------------------------------------------------------------------------------------- structure
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batch_structure(seed):
    batch = generate_batch("007bbfb7", LIB, seed, SMALL)
    assert batch.seed == seed and batch.task_id == "007bbfb7"
    assert len(batch.parents) == 8 == len(set(batch.parents))
    assert batch.parents[0] == "007bbfb7"  # the task's own solver first
    assert len(batch.candidates) == 8 * (1 + 4)
    # duplicates: identical programs share their output step
    assert len({c.t_n for c in batch.candidates}) < len(batch.candidates)
    assert any(c.mutated for c in batch.candidates)
    assert not any(c.mutated for c in batch.candidates if c.variant == 0)
    assert [c.variant for c in batch.candidates] == [0, 1, 2, 3, 4] * 8
    assert [c.parent for c in batch.candidates] == [p for p in batch.parents for _ in range(5)]
    # every step refers to earlier steps only, and to known names
    names = namespace()
    for k, step in enumerate(batch.steps):
        assert step.func in dsl.PRIMITIVES
        for arg in step.args:
            if isinstance(arg, int):
                assert 0 <= arg < k, (k, step)
            else:
                assert arg in INPUTS or arg in names, arg
    assert len(set(batch.steps)) == len(batch.steps)  # identical calls are shared
    assert all(0 <= c.t_n < len(batch.steps) for c in batch.candidates)
    assert len(batch.mutations) > 0


def test_unmutated_candidates_compute_their_parent(task_007):
    batch = generate_batch("007bbfb7", LIB, 0, SMALL)
    for cand in batch.candidates:
        program = batch.program(cand.t_n)
        if not cand.mutated:
            assert canonical_source(program) == canonical_source(LIB[cand.parent])
    # the task's own solver, rebuilt from the batch, solves the task
    own = batch.program(batch.candidates[0].t_n)
    values = run_dag(own.steps, {"I": task_007.demo[0].input, "S": task_007.demo_samples})
    assert values[-1] == task_007.demo[0].output


def test_a_task_without_solver_gets_other_parents():
    task_id = _without_solver()
    batch = generate_batch(task_id, LIB, 0, SMALL)
    assert task_id not in batch.parents and len(batch.parents) == 8
    assert set(batch.parents) <= set(LIB)


def test_merge_shares_identical_calls():
    a = Program((Step("vmirror", ("I",)), Step("hmirror", (0,))))
    b = Program((Step("vmirror", ("I",)), Step("rot90", (0,))))
    steps, outputs = merge([a, b, a])
    assert steps == (Step("vmirror", ("I",)), Step("hmirror", (0,)), Step("rot90", (0,)))
    assert outputs == [1, 2, 1]


# ---------------------------------------------------------------------------------- the module
def test_to_module_is_python_that_defines_batt(task_007):
    batch = generate_batch("007bbfb7", LIB, 0, SMALL)
    source = batch.to_module()
    code = compile(source, "<batch>", "exec")
    namespace_: dict[str, object] = {}
    exec(code, namespace_)
    batt = namespace_["batt"]
    assert callable(batt) and list(inspect.signature(batt).parameters) == ["S", "I"]
    assert namespace_["PARENTS"] == batch.parents and namespace_["MUTATIONS"] == batch.mutations
    assert source.count("    o.append(") == len(batch.candidates)
    assert sum(line.startswith("    t") and " = " in line for line in source.splitlines()) == len(batch.steps)


def test_batt_returns_every_candidate_output(task_007):
    """`batt` of a batch whose steps all succeed gives the same values as the DAG evaluator."""
    for seed in range(30):
        batch = generate_batch("007bbfb7", LIB, seed, GeneratorConfig(parents=1, mutants=3))
        inputs = {"I": task_007.demo[0].input, "S": task_007.demo_samples}
        values = run_dag(batch.steps, inputs)
        if not any(type(v) is Failure for v in values):
            break
    else:
        pytest.fail("no batch without failing steps in 30 seeds")
    namespace_: dict[str, object] = {}
    exec(compile(batch.to_module(), "<batch>", "exec"), namespace_)
    out = namespace_["batt"](task_007.demo_samples, task_007.demo[0].input)
    in_step_order = sorted(batch.candidates, key=lambda c: c.t_n)  # stable: batch order within a step
    assert [(t, m, p) for t, m, p, _ in out] == [(c.t_n + 1, c.mutated, c.parent) for c in in_step_order]
    assert [v for *_, v in out] == [values[c.t_n] for c in in_step_order]
    assert out[0][3] == task_007.demo[0].output


# ----------------------------------------------------------------------------------- mutations
def _type(steps, arg) -> str:
    return generator._type_of(steps, arg)


def _skeleton(steps) -> list[tuple]:
    """Per step: the primitive's signature and the type of every argument."""
    return [(signature(s.func), tuple(_type(steps, a) for a in s.args),
             tuple(signature(a) if isinstance(a, str) and a in dsl.PRIMITIVES else None for a in s.args))
            for s in steps]


def _spot_programs():
    rng = random.Random(11)
    names = sorted(LIB)
    return [LIB[n] for n in rng.sample(names, min(60, len(names)))]


@pytest.mark.parametrize("mutation", [replace_arg, swap_func, nudge_constant])
def test_in_place_mutations_keep_every_type(mutation):
    applied = 0
    for n, program in enumerate(_spot_programs()):
        for seed in range(4):
            steps = list(program.steps)
            what = mutation(steps, random.Random(f"{n}:{seed}"))
            if what is None:
                assert steps == list(program.steps)
                continue
            applied += 1
            assert what.startswith(mutation.__name__)
            assert len(steps) == len(program.steps)
            assert _skeleton(steps) == _skeleton(program.steps), what
            assert sum(a != b for a, b in zip(steps, program.steps, strict=True)) <= 1
            _assert_well_formed(Program(tuple(steps)))
    assert applied >= 40


def test_derive_colour_inserts_a_colour_of_the_demo_pairs():
    applied = 0
    for n, program in enumerate(_spot_programs()):
        steps = list(program.steps)
        what = derive_colour(steps, random.Random(n))
        if what is None:
            continue
        applied += 1
        assert len(steps) == len(program.steps) + 1
        found = re.fullmatch(r"derive_colour t(\d+)\[(\d+)\] first_new_color\(S\)", what)
        assert found, what
        k, p = int(found[1]) - 1, int(found[2])
        assert steps[k] == Step("first_new_color", ("S",))
        assert signature("first_new_color").returns == "Integer"
        # the step after it uses it where the original had an integer constant of an Integer param
        user = steps[k + 1]
        original = program.steps[k]
        assert user.args[p] == k and user.func == original.func
        assert signature(user.func).params[p] == "Integer"
        assert original.args[p] in generator._INT_CONSTANTS
        # removing the inserted step and shifting back gives the original program
        restored = [Step(s.func, tuple(a - 1 if isinstance(a, int) and a > k else a for a in s.args))
                    for s in steps[:k] + steps[k + 1:]]
        restored[k] = Step(restored[k].func, restored[k].args[:p] + (original.args[p],) + restored[k].args[p + 1:])
        assert tuple(restored) == program.steps
        _assert_well_formed(Program(tuple(steps)))
    assert applied >= 10


def test_mutate_with_zero_count_is_the_identity():
    program = LIB["007bbfb7"]
    assert mutate(program, random.Random(1), 0) == (program, ())
    mutated, done = mutate(program, random.Random(1), 2)
    assert 1 <= len(done) <= 2
    _assert_well_formed(mutated)


def _assert_well_formed(program: Program) -> None:
    for k, step in enumerate(program.steps):
        assert all(not isinstance(a, int) or 0 <= a < k for a in step.args)
    params = ("S", "I")
    _name, _params, back = parse_function(render(program, "solve", params), where="mutant")
    assert back == program


def test_batch_is_a_frozen_value():
    batch = generate_batch("007bbfb7", LIB, 0, SMALL)
    assert isinstance(batch, Batch)
    with pytest.raises(AttributeError):
        batch.seed = 1  # type: ignore[misc]
    assert hash(batch.steps) == hash(generate_batch("007bbfb7", LIB, 0, SMALL).steps)

