"""phase2_inline: AST inlining of a program into its canonical source, whose md5 is its identity.

The canonical form of a program is one function `def solve(<params>): return <expression>` in which
every variable has been replaced by its defining expression (names normalised away). A DAG becomes
a tree, which can blow up exponentially: the tree size is computed on the DAG first and programs
over `MAX_CALLS` calls are refused with a recorded reason instead of being built.

`expand` turns a canonical source back into readable `x1 = ...` lines (the stored file format);
`inline(parse(expand(c))) == c` for every canonical source `c`.
"""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from harness.safe_read import UnsafeRead, load_json
from solver_core.program import (
    MAX_SOURCE_CHARS,
    Arg,
    Program,
    ProgramFormatError,
    Step,
    parse_function,
    passes_allow_list,
    render,
)
from solver_core.store import MD5, atomic_write_text

#: Largest canonical expression, in DSL calls, before a program is refused as a blow-up.
MAX_CALLS = 400
#: Deepest nesting of calls in a canonical expression (Python's parser stops at 200 parentheses).
MAX_DEPTH = 100


#: Largest inline-cache shard read (a compacted shard of every task of a dataset is a few MB).
MAX_SHARD_BYTES = 256 * 1024**2

log = logging.getLogger(__name__)


class InlineTooLarge(ValueError):
    """The inlined tree of a program would exceed `MAX_CALLS` calls or `MAX_DEPTH` nesting."""


def md5_text(text: str) -> str:
    """Hex md5 of UTF-8 text."""
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def tree_size(program: Program) -> int:
    """Number of calls in the program's inlined expression, computed on the DAG."""
    sizes: list[int] = []
    for step in program.steps:
        sizes.append(1 + sum(sizes[a] for a in step.args if isinstance(a, int)))
    return sizes[-1]


def tree_depth(program: Program) -> int:
    """Nesting depth of the program's inlined expression, computed on the DAG."""
    depths: list[int] = []
    for step in program.steps:
        depths.append(1 + max((depths[a] for a in step.args if isinstance(a, int)), default=0))
    return depths[-1]


def inline_problem(program: Program) -> str | None:
    """Why a program cannot be inlined (too many calls, too deep), or None."""
    size = tree_size(program)
    if size > MAX_CALLS:
        return f"inlined program would have {size} calls (cap {MAX_CALLS})"
    depth = tree_depth(program)
    if depth > MAX_DEPTH:
        return f"inlined program would nest {depth} calls deep (cap {MAX_DEPTH})"
    return None


class _Substitute(ast.NodeTransformer):
    def __init__(self, definitions: dict[str, ast.expr]) -> None:
        self.definitions = definitions

    def visit_Name(self, node: ast.Name) -> ast.expr:
        # the definition node itself, shared: the AST becomes a DAG, which `ast.unparse` reads as
        # the tree it stands for (no copies: the tree size was checked against MAX_CALLS first)
        return self.definitions.get(node.id, node)


def canonical_source(program: Program, params: tuple[str, ...] = ("S", "I")) -> str:
    """The canonical source of a program: its readable source, parsed, inlined and unparsed."""
    problem = inline_problem(program)
    if problem:
        raise InlineTooLarge(problem)
    module = ast.parse(render(program, "solve", params))
    func = module.body[0]
    assert isinstance(func, ast.FunctionDef)
    definitions: dict[str, ast.expr] = {}
    for stmt in func.body[:-1]:
        assert isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name)
        definitions[stmt.targets[0].id] = _Substitute(definitions).visit(stmt.value)
    returned = func.body[-1]
    assert isinstance(returned, ast.Return) and isinstance(returned.value, ast.Name)
    func.body = [ast.Return(value=definitions[returned.value.id])]
    return ast.unparse(module) + "\n"


def canonical_text(program: Program, params: tuple[str, ...] = ("S", "I")) -> str:
    """What `canonical_source` returns, built as text from the DAG (no AST): how a cache entry is
    checked before it is trusted. Each step's text is built once and shared by the steps using it."""
    texts: list[str] = []
    for step in program.steps:
        args = ", ".join(texts[a] if isinstance(a, int) else a for a in step.args)
        texts.append(f"{step.func}({args})")
    return f"def solve({', '.join(params)}):\n    return {texts[-1]}\n"


def canonical_direct(program: Program, params: tuple[str, ...] = ("S", "I")) -> str:
    """`canonical_source(program, params)` built as text from the DAG (no parse, no AST, no cache): a
    program's arguments are names and earlier steps only, so `ast.unparse` of the inlined tree is
    exactly `canonical_text` (tests/test_text_ops.py checks it on generated candidates)."""
    problem = inline_problem(program)
    if problem:
        raise InlineTooLarge(problem)
    return canonical_text(program, params)


def expand_program(program: Program, params: tuple[str, ...] = ("S", "I"), *,
                   where: str = "canonical source") -> str:
    """`expand(canonical_direct(program, params))` read off the DAG (no text parsed): the same post-order
    walk over the inlined tree's calls, each distinct call once (a shared step is walked once)."""
    steps: list[Step] = []
    seen: dict[Step, int] = {}
    index: dict[int, int] = {}

    def visit(k: int) -> int:
        if k not in index:
            step = program.steps[k]
            call = Step(step.func, tuple(visit(a) if isinstance(a, int) else a for a in step.args))
            if call not in seen:
                seen[call] = len(steps)
                steps.append(call)
            index[k] = seen[call]
        return index[k]

    visit(program.output)
    expanded = Program(tuple(steps))
    text = render(expanded, "solve", params)
    # the stored form must pass the allow-list (read off the steps; parsed when in doubt, to say why)
    if len(text) > MAX_SOURCE_CHARS or not passes_allow_list(expanded, params):
        parse_function(text, where=where)
    return text


@lru_cache(maxsize=256)
def differ_text(program: Program, params: tuple[str, ...]) -> str:
    """`canonical_direct`, memoised by program (a differ's program is the same for every task)."""
    return canonical_direct(program, params)


@lru_cache(maxsize=256)
def expand_once(canonical: str, where: str = "canonical source") -> str:
    """`expand`, memoised by content (the differs' sources are the same for every task)."""
    return expand(canonical, where=where)


def expand(canonical: str, *, where: str = "canonical source") -> str:
    """Readable `x1 = ...` lines for a canonical source (identical subexpressions computed once)."""
    if len(canonical) > MAX_SOURCE_CHARS:
        raise ProgramFormatError(where, None, f"canonical source of {len(canonical)} characters, too long")
    try:
        module = ast.parse(canonical)
    except (SyntaxError, RecursionError, MemoryError) as exc:
        raise ProgramFormatError(where, None, f"not a canonical DSL source ({type(exc).__name__})") from None
    func = module.body[0] if len(module.body) == 1 else None
    if not (isinstance(func, ast.FunctionDef) and len(func.body) == 1 and isinstance(func.body[-1], ast.Return)
            and func.body[-1].value is not None):
        raise ProgramFormatError(where, None, "not a canonical DSL source (`def solve(...): return <call>`)")
    params = tuple(a.arg for a in func.args.args)
    steps: list[Step] = []
    seen: dict[Step, int] = {}

    def visit(node: ast.expr) -> Arg:
        if isinstance(node, ast.Name):
            return node.id
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            raise ValueError(f"{where}: not a canonical DSL expression: {ast.unparse(node)[:60]}")
        step = Step(node.func.id, tuple(visit(a) for a in node.args))
        if step not in seen:
            seen[step] = len(steps)
            steps.append(step)
        return seen[step]

    visit(func.body[-1].value)
    text = render(Program(tuple(steps)), "solve", params)
    parse_function(text, where=where)  # the stored form must pass the allow-list
    return text


@dataclass
class InlineCache:
    """Canonical sources keyed by the md5 of the readable source: in memory, and on disk if a folder
    is given. The disk side is batched: new entries are written together as one shard file per
    `flush()` (atomically, so processes and runs can share the folder), and every shard is read once
    when the cache is first used; more than `MAX_SHARDS` shards are compacted into one."""

    folder: Path | None = None
    hits: int = 0
    misses: int = 0
    #: entries found but refused (not the canonical source of their program) and rebuilt
    rebuilt: int = 0

    MAX_SHARDS = 64

    def __post_init__(self) -> None:
        self._memory: dict[str, str] = {}
        self._pending: dict[str, str] = {}
        self._loaded = self.folder is None

    def _load(self) -> None:
        """Read every shard once: regular files only (no link followed, nothing that blocks), bounded;
        a shard that is not a JSON object of md5 -> text is skipped with a warning (a cache miss)."""
        self._loaded = True
        assert self.folder is not None
        for shard in sorted(self.folder.glob("[!.]*.json")):
            try:
                entries = load_json(shard, limit=MAX_SHARD_BYTES, follow=False)
            except FileNotFoundError:  # compacted away meanwhile
                continue
            except (OSError, UnsafeRead) as exc:
                log.warning("inline cache: %s; skipped", exc)
                continue
            if not isinstance(entries, dict):
                log.warning("inline cache: %s: not an object of md5 -> source; skipped", shard)
                continue
            self._memory.update((k, v) for k, v in entries.items()
                                if isinstance(k, str) and isinstance(v, str) and MD5.fullmatch(k))

    def canonical(self, program: Program, params: tuple[str, ...] = ("S", "I")) -> str:
        """`canonical_source(program)`, from the cache when possible."""
        if not self._loaded:
            self._load()
        key = md5_text(render(program, "solve", params))
        found = self._memory.get(key)
        if found is not None:
            if inline_problem(program) is None and found == canonical_text(program, params):
                self.hits += 1
                return found
            self.rebuilt += 1  # a poisoned or stale entry: never trusted, rebuilt and written again
            if self.rebuilt == 1:
                log.warning("inline cache %s: an entry does not match its program; rebuilt", self.folder)
        self.misses += 1
        result = canonical_source(program, params)
        self._memory[key] = result
        if self.folder is not None:
            self._pending[key] = result
        return result

    def flush(self) -> int:
        """Write the entries added since the last flush as one shard; returns files written."""
        if self.folder is None or not self._pending:
            return 0
        text = json.dumps(self._pending, sort_keys=True)
        atomic_write_text(self.folder / f"{os.getpid()}-{md5_text(text)}.json", text)
        self._pending = {}
        shards = sorted(self.folder.glob("[!.]*.json"))
        if len(shards) > self.MAX_SHARDS:  # compact: everything known in one shard, then drop the others
            merged = json.dumps(self._memory, sort_keys=True)
            atomic_write_text(self.folder / f"all-{md5_text(merged)}.json", merged)
            for shard in shards:
                if not shard.name.startswith("all-") or shard.name != f"all-{md5_text(merged)}.json":
                    shard.unlink(missing_ok=True)
            return 2
        return 1
