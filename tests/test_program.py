"""Programs: parsing and rendering round trips, canonical inlining and its inverse, and the size cap."""

from __future__ import annotations

import inspect

import pytest

from harness import Recorder
from solver_core.execution import Backend
from solver_core.pipeline.evaluate import run_program
from solver_core.pipeline.filter import Rebuilt
from solver_core.pipeline.inline import (
    MAX_CALLS,
    InlineCache,
    InlineTooLarge,
    canonical_source,
    expand,
    inline_problem,
    md5_text,
    tree_size,
)
from solver_core.pipeline.task import Phases, RunSettings, phase2_inline
from solver_core.program import (
    Program,
    ProgramFormatError,
    Step,
    dependencies,
    extract,
    input_names,
    parse_function,
    referenced_names,
    render,
)
from solver_core.solvers import library, library_programs
from solver_core.tasks import get_task
from solver_core.variants import BASELINE

LIB = library_programs()


def test_the_library_is_large():
    assert len(LIB) >= 60 and "007bbfb7" in LIB


# ----------------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("params", [("I",), ("S", "I")])
def test_parse_render_round_trip_on_every_library_solver(params):
    failures = []
    for task_id, program in LIB.items():
        text = render(program, f"solve_{task_id}", params)
        back = parse_function(text, where=task_id)
        if back != (f"solve_{task_id}", params, program):
            failures.append(task_id)
    assert failures == []


def test_library_sources_parse_to_their_programs():
    for task_id, fn in list(library().items())[:40]:
        _name, params, program = parse_function(inspect.getsource(fn), where=task_id)
        assert params == ("I",)
        assert program == LIB[task_id]
        assert input_names(program) == ("I",)


def test_expand_inverts_canonical_source_on_every_library_solver():
    failures = []
    too_large = []
    for task_id, program in LIB.items():
        if tree_size(program) > MAX_CALLS:  # refused by design (see the report on such solvers)
            too_large.append(task_id)
            with pytest.raises(InlineTooLarge):
                canonical_source(program)
            continue
        canonical = canonical_source(program)
        assert canonical.startswith("def solve(S, I):\n    return ") and canonical.count("\n") == 2
        expanded = expand(canonical, where=task_id)
        name, params, back = parse_function(expanded, where=task_id)
        assert (name, params) == ("solve", ("S", "I"))
        if canonical_source(back, params) != canonical:
            failures.append(task_id)
        assert len(back.steps) <= len(program.steps)  # identical subexpressions computed once
    assert failures == []
    assert len(too_large) <= len(LIB) // 20, too_large


@pytest.mark.parametrize("task_id", ["007bbfb7", "00d62c1b", "017c7c7b"])
def test_expanded_solver_still_solves_its_task(task_id):
    task = get_task(task_id)
    _n, params, program = parse_function(expand(canonical_source(LIB[task_id])), where=task_id)
    for pair in task.samples:
        assert run_program(program, {"I": pair.input, "S": task.demo_samples}) == pair.output


def test_canonical_source_identifies_programs_up_to_variable_names():
    a = parse_function("def f(I):\n    x1 = vmirror(I)\n    x2 = hmirror(x1)\n    return x2\n", where="a")[2]
    b = parse_function("def g(I):\n    y = vmirror(I)\n    z = hmirror(y)\n    return z\n", where="b")[2]
    c = parse_function("def f(I):\n    x1 = hmirror(I)\n    x2 = vmirror(x1)\n    return x2\n", where="c")[2]
    assert canonical_source(a) == canonical_source(b) == "def solve(S, I):\n    return hmirror(vmirror(I))\n"
    assert canonical_source(a) != canonical_source(c)


def test_expand_refuses_what_the_allow_list_refuses():
    with pytest.raises(ProgramFormatError, match="not a DSL primitive"):
        expand("def solve(S, I):\n    return __import__(I)\n")
    with pytest.raises(ValueError, match="not a canonical DSL expression"):
        expand("def solve(S, I):\n    return vmirror(I.x)\n")


# ---------------------------------------------------------------------------------- the size cap
def _doubling_chain(n: int) -> Program:
    """x1 = combine(I, I); x_k = combine(x_{k-1}, x_{k-1}): 2**n - 1 calls once inlined."""
    return Program((Step("combine", ("I", "I")),) + tuple(Step("combine", (k, k)) for k in range(n - 1)))


def test_inline_too_large_for_a_doubling_chain():
    assert tree_size(_doubling_chain(8)) == 255
    assert tree_size(_doubling_chain(9)) == 511 > MAX_CALLS
    canonical_source(_doubling_chain(8))
    with pytest.raises(InlineTooLarge, match=f"511 calls \\(cap {MAX_CALLS}\\)"):
        canonical_source(_doubling_chain(9))
    with pytest.raises(InlineTooLarge):
        canonical_source(_doubling_chain(40))  # refused before anything is built (2**40 calls)


def _tree_of_size(size: int) -> Program:
    """A shallow program whose inlined tree has exactly `size` calls (all of them distinct)."""
    steps: list[Step] = []

    def build(n: int) -> int:
        if n == 1:
            steps.append(Step("vmirror", ("I",)) if len(steps) % 2 else Step("hmirror", ("I",)))
        elif n == 2:
            steps.append(Step("rot90", (build(1),)))
        else:
            left = build((n - 1) // 2)
            right = build(n - 1 - (n - 1) // 2)
            steps.append(Step("hconcat", (left, right)))
        return len(steps) - 1

    build(size)
    return Program(tuple(steps))


def test_the_cap_is_inclusive():
    assert tree_size(_tree_of_size(MAX_CALLS)) == MAX_CALLS
    canonical = canonical_source(_tree_of_size(MAX_CALLS))
    assert canonical.count("(") == MAX_CALLS + 1  # and one for `def solve(`
    _n, params, back = parse_function(expand(canonical), where="cap")
    assert canonical_source(back, params) == canonical
    with pytest.raises(InlineTooLarge):
        canonical_source(_tree_of_size(MAX_CALLS + 1))


def _chain(n: int) -> Program:
    return Program((Step("vmirror", ("I",)),) + tuple(Step("vmirror", (k,)) for k in range(n - 1)))


@pytest.mark.parametrize("depth", [201, MAX_CALLS])
def test_a_deep_program_under_the_cap_is_inlined_or_refused(depth):
    program = _chain(depth)
    assert tree_size(program) == depth <= MAX_CALLS
    try:
        canonical = canonical_source(program)
    except InlineTooLarge:
        return
    _n, params, back = parse_function(expand(canonical), where="deep")
    assert canonical_source(back, params) == canonical


def test_phase2_inline_counts_refused_blow_ups(tmp_path):
    good = LIB["007bbfb7"]
    rebuilt = [Rebuilt(n, p, md5_text(render(p)), 0, 0)
               for n, p in enumerate([good, _doubling_chain(12), good])]
    ctx = Phases(RunSettings(BASELINE, tmp_path), {"serial": Backend()}, None)
    with Recorder() as rec:
        out = phase2_inline(rebuilt, ctx)
    assert [c.rebuilt.t_n for c in out] == [0, 2]
    assert out[0].md5 == md5_text(canonical_source(good)) == out[1].md5
    (node,) = [n for n in rec.tree.walk() if n.name == "phase2_inline"]
    assert node.counters == {"candidates_in": 3, "candidates_out": 2, "too_large": 1}


def test_inline_cache_hits_memory_and_disk(tmp_path):
    programs = [LIB[t] for t in ("007bbfb7", "00d62c1b")]
    cache = InlineCache(tmp_path)
    first = [cache.canonical(p) for p in programs + programs]
    assert (cache.hits, cache.misses) == (2, 2)
    assert first == [canonical_source(p) for p in programs + programs]
    assert list(tmp_path.iterdir()) == []  # nothing on disk before a flush
    assert cache.flush() == 1 and cache.flush() == 0  # one shard for both entries, then nothing new
    assert len(list(tmp_path.glob("*.json"))) == 1
    again = InlineCache(tmp_path)  # a new run reads the disk copies
    assert [again.canonical(p) for p in programs] == first[:2]
    assert (again.hits, again.misses) == (2, 0)
    assert InlineCache(None).canonical(programs[0]) == first[0]
    with pytest.raises(InlineTooLarge):
        cache.canonical(_doubling_chain(9))


# ----------------------------------------------------------------------------------- structure
def test_dependencies_and_extract():
    steps = (Step("vmirror", ("I",)), Step("hmirror", ("I",)), Step("rot90", (0,)), Step("hconcat", (2, 0)))
    assert dependencies(steps, 3) == [0, 2, 3]
    assert dependencies(steps, 1) == [1]
    assert extract(steps, 3) == Program((Step("vmirror", ("I",)), Step("rot90", (0,)), Step("hconcat", (1, 0))))
    assert referenced_names([Program(steps)]) == {"vmirror", "hmirror", "rot90", "hconcat"}
    assert input_names(Program((Step("first_new_color", ("S",)), Step("replace", ("I", 0, "ZERO"))))) == ("S", "I")


def test_render_is_readable():
    assert render(Program((Step("vmirror", ("I",)), Step("hconcat", ("I", 0))))) == (
        "def solve(S, I):\n    x1 = vmirror(I)\n    O = hconcat(I, x1)\n    return O\n")
    with pytest.raises(ValueError):
        Program(())


@pytest.mark.parametrize(("source", "problem"), [
    ("import os\n", "exactly one function"),
    ("def f(I):\n    x1 = os.system(I)\n    return x1\n", "not a DSL primitive name"),
    ("def f(I):\n    x1 = vmirror(3)\n    return x1\n", "not a bare name"),
    ("def f(I):\n    x1 = vmirror(I, k=I)\n    return x1\n", "keyword arguments"),
    ("def f(I):\n    x1 = vmirror(I)\n    x1 = hmirror(x1)\n    return x1\n", "assigned twice"),
    ("def f(I):\n    x1 = vmirror(I)\n    x2 = hmirror(x1)\n    return x1\n", "must return the last step"),
    ("def f(I):\n    x1 = eval(I)\n    return x1\n", "not a DSL primitive"),
    ("def f(I):\n    x1 = vmirror(y)\n    return x1\n", "`y` is not an earlier variable"),
    ("def f(X):\n    x1 = vmirror(X)\n    return x1\n", "parameters must be among"),
    ("def f(I):\n    for a in I:\n        pass\n    return I\n", "expected `name = primitive(...)`, got `for"),
    ("def f(I):\n    x1 = vmirror(I)\n", "must end with `return <variable>`"),
    ("def f(I):\n    if I:\n        x1 = vmirror(I)\n    return x1\n", "expected `name = primitive(...)`"),
    ("def __f(I):\n    x1 = vmirror(I)\n    return x1\n", "dunder"),
    ("def f(I):\n    ZERO = vmirror(I)\n    return ZERO\n", "reserved"),
    ("def f(I)\n", "not valid Python"),
])
def test_parse_function_refuses_anything_but_straight_line_dsl(source, problem):
    with pytest.raises(ProgramFormatError) as info:
        parse_function(source, where="somewhere.py")
    assert problem in str(info.value)
    assert str(info.value).startswith("somewhere.py")


def test_inline_cache_compacts_many_shards(tmp_path):
    cache = InlineCache(tmp_path)
    programs = [p for p in LIB.values() if inline_problem(p) is None][: InlineCache.MAX_SHARDS + 2]
    for p in programs:
        cache.canonical(p)
        cache.flush()
    shards = list(tmp_path.glob("*.json"))
    assert len(shards) <= 2
    again = InlineCache(tmp_path)
    assert [again.canonical(p) for p in programs] == [cache.canonical(p) for p in programs]
    assert again.misses == 0
