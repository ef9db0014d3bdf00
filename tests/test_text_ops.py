"""The `text_ops` strategy (variant `text`, part of `fast`) computes what the AST path computes: the
canonical text from the DAG equals `canonical_source` on every generated candidate, candidates rebuilt
once equal candidates rebuilt each time, and lazily offered sources leave the store byte-identical
while only the pool's entrants are ever made."""

from __future__ import annotations

from pathlib import Path

import pytest

from solver_core.differs import differ_programs
from solver_core.generator import GeneratorConfig, generate_batch
from solver_core.pipeline.filter import rebuild
from solver_core.pipeline.inline import (
    InlineTooLarge,
    canonical_direct,
    canonical_source,
    differ_text,
    expand,
    expand_once,
    expand_program,
    inline_problem,
)
from solver_core.program import extract
from solver_core.solvers import library_programs
from solver_core.store import PoolEntry, Store
from solver_core.variants import get_variant

TASKS = ("007bbfb7", "00d62c1b", "017c7c7b")


class _Scores:
    """Just what `rebuild` reads: o_score and cells per t_n."""

    def __init__(self, t_ns: set[int]) -> None:
        self.o_score = {t: t % 3 for t in t_ns}
        self.cells = {t: t % 7 for t in t_ns}


@pytest.fixture(scope="module")
def batches():
    return [generate_batch(t, library_programs(), 0, GeneratorConfig(parents=8, mutants=4)) for t in TASKS]


def test_direct_text_is_the_canonical_source(batches) -> None:
    checked = refused = 0
    for batch in batches:
        for cand in batch.candidates:
            program = extract(batch.steps, cand.t_n)
            if inline_problem(program):
                with pytest.raises(InlineTooLarge):
                    canonical_direct(program)
                refused += 1
                continue
            assert canonical_direct(program) == canonical_source(program)
            assert expand_program(program) == expand(canonical_source(program))
            checked += 1
    assert checked > 50
    for program in differ_programs().values():
        assert differ_text(program, ("I", "C")) == canonical_source(program, ("I", "C"))
        text = differ_text(program, ("I", "C"))
        assert expand_once(text, "differ") == expand(text, where="differ")


def test_allow_list_read_off_the_steps(batches) -> None:
    from solver_core.program import Program, ProgramFormatError, Step, parse_function, passes_allow_list, render

    programs = [extract(b.steps, c.t_n) for b in batches for c in b.candidates]
    programs += list(library_programs().values())[:100]
    for program in programs:
        if passes_allow_list(program):
            parse_function(render(program), where="candidate")  # accepted: never a false yes
    assert all(passes_allow_list(p) for p in programs)
    bad = [Program((Step("no_such_primitive", ("I",)),)), Program((Step("identity", ("nope",)),)),
           Program((Step("identity", (0,)),)), Program((Step("identity", ("I",)), Step("identity", ("None",))))]
    for program in bad:
        assert not passes_allow_list(program)
        with pytest.raises(ProgramFormatError):
            parse_function(render(program), where="bad")
    assert not passes_allow_list(programs[0], ("I", "I")) and not passes_allow_list(programs[0], ("Q",))


def test_rebuilt_once_equals_rebuilt_each_time(batches) -> None:
    for batch in batches:
        scores = _Scores({c.t_n for c in batch.candidates})
        assert rebuild(batch, scores, once=True) == rebuild(batch, scores)  # type: ignore[arg-type]


def test_refusal_by_bisection_is_the_same() -> None:
    from solver_core.pipeline.filter import Rebuilt, refuse_hopeless
    from solver_core.program import Program, Step

    program = Program((Step("identity", ("I",)),))
    unique = [Rebuilt(n, program, f"{n:032x}", (n * 7) % 5, (n * 13) % 9) for n in range(120)]
    stored = [PoolEntry(f"{n:032x}", n % 6, n % 8, 0) for n in range(0, 60, 3)]
    for bound in (1, 5, 32, 200):
        for pool in ([], stored):
            assert refuse_hopeless(unique, pool, bound, bisect=True) == refuse_hopeless(unique, pool, bound)


def _files(root: Path) -> dict[str, object]:
    """Every file's bytes, link's target and folder under `root`."""
    import os

    return {str(p.relative_to(root)): os.readlink(p) if p.is_symlink() else p.read_bytes() if p.is_file() else "dir"
            for p in sorted(root.rglob("*"))}


def test_lazy_sources_same_store_only_entrants_made(tmp_path: Path) -> None:
    def source(n: int) -> str:
        return f"def solve(S, I):\n    x1 = identity{n}(I)\n    return x1\n"

    entries = [PoolEntry(f"{n:032x}", n % 5, n % 11, n % 3) for n in range(40)]
    eager, lazy = Store(tmp_path / "eager"), Store(tmp_path / "lazy", check_once=True)
    made: list[int] = []

    def maker(n: int):
        def make() -> str:
            made.append(n)
            return source(n)
        return make

    for round_ in (entries[:30], entries[10:]):
        a = eager.update_pool("007bbfb7", [(e, source(int(e.md5, 16))) for e in round_])
        b = lazy.update_pool("007bbfb7", [(e, maker(int(e.md5, 16))) for e in round_])
        assert a == b
    assert _files(tmp_path / "eager") == _files(tmp_path / "lazy")
    assert len(made) == len(set(made)) < 40  # losers never made, entrants once


def test_folders_checked_once_same_store_and_links_still_refused(tmp_path: Path) -> None:
    import os

    from solver_core.store import StoreError

    def offer(start: int) -> list[tuple[PoolEntry, str]]:
        return [(PoolEntry(f"{n:032x}", n % 4, n % 9, n % 2), f"def solve(S, I):\n    return x{n}\n")
                for n in range(start, start + 40)]

    for write_all in (False, True):  # write_all removes the losers' folders: checked again after
        plain, once = tmp_path / f"plain{write_all}", tmp_path / f"once{write_all}"
        for start in (0, 20, 50):
            a = Store(plain).update_pool("007bbfb7", offer(start), write_all=write_all)
            store = Store(once, check_once=True)
            b = store.update_pool("007bbfb7", offer(start), write_all=write_all)
            b2 = store.update_pool("007bbfb7", offer(start + 5), write_all=write_all)
            Store(plain).update_pool("007bbfb7", offer(start + 5), write_all=write_all)
            assert a.kept == b.kept and b2.kept
        assert _files(plain) == _files(once)
    trap = tmp_path / "trap"
    os.makedirs(trap / "solver_dir")
    os.symlink(tmp_path, trap / "solver_dir" / "007bbfb7")  # a link where the task folder goes
    with pytest.raises(StoreError):
        Store(trap, check_once=True).update_pool("007bbfb7", offer(0))


def test_fast_includes_text_ops() -> None:
    assert get_variant("text").text_ops and get_variant("fast").text_ops
    assert not get_variant("baseline").text_ops
    assert "phase3b_file_ops" in get_variant("text").changed_phases(get_variant("lean"))
