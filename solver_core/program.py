"""Straight-line DSL programs: the data model, a strict parser with an allow-list, and rendering.

A program is a sequence of SSA steps; step `k` calls one DSL primitive on arguments that are either
an earlier step (an `int` index) or a *name* (a `str`): a program input (`I`, the test input grid;
`S`, the demo pairs), a DSL primitive passed as a function, or a constant of `solver_core.constants`.
The last step is the output.

The same parser reads the hand-written solvers, the generated candidates and the files that the store
reads back, so "only DSL names, constants and earlier variables" is enforced in one place: anything
else (imports, attributes, dunder names, literals, builtins, keywords, control flow) is refused with a
`ProgramFormatError` naming the source and line.
"""

from __future__ import annotations

import ast
import keyword
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from solver_core import constants, dsl
from solver_core import types as dsl_types

#: Names a program may receive as inputs, in parameter order (`C`: a candidate grid, for differs).
INPUTS: tuple[str, ...] = ("S", "I", "C")

#: Arguments: `int` = index of an earlier step, `str` = input, primitive or constant name.
Arg = int | str

#: What a parameter or return annotation may be: the bare name of a DSL type (`I: Grid`), nothing else
#: (an annotation is evaluated when the `def` runs, so anything more would be code).
ANNOTATION_NAMES: frozenset[str] = frozenset(
    name for name in vars(dsl_types) if name[:1].isupper() and not name.isupper())

#: Longest source `parse_function` reads (a stored solver is a few hundred characters).
MAX_SOURCE_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class Step:
    """One DSL call."""

    func: str
    args: tuple[Arg, ...]


@dataclass(frozen=True, slots=True)
class Program:
    """A straight-line DSL program; its output is the value of the last step."""

    steps: tuple[Step, ...]

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError("a program needs at least one step")

    @property
    def output(self) -> int:
        """Index of the output step."""
        return len(self.steps) - 1


class ProgramFormatError(ValueError):
    """Source code is not a straight-line DSL program; names the source and line."""

    def __init__(self, where: str, line: int | None, problem: str) -> None:
        self.where = where
        self.line = line
        self.problem = problem
        at = f"{where}:{line}" if line is not None else where
        super().__init__(f"{at}: {problem}")


@cache
def constant_values() -> Mapping[str, object]:
    """Every constant of `solver_core.constants` by name."""
    return MappingProxyType({name: value for name, value in vars(constants).items() if name.isupper()})


@cache
def primitives() -> Mapping[str, Callable[..., object]]:
    """The DSL's primitives (the allow-list of function names; tests register extra ones in `dsl.PRIMITIVES`)."""
    return MappingProxyType(dict(dsl.PRIMITIVES))


def namespace() -> Mapping[str, object]:
    """Primitives and constants: everything a program may name besides its inputs and steps."""
    return _namespace()


@cache
def _namespace() -> Mapping[str, object]:
    # read-only: candidate code running in the same process cannot rewrite the table other candidates use
    return MappingProxyType({**constant_values(), **primitives()})


def reset_namespace() -> None:
    """Forget the cached primitives (after changing `dsl.PRIMITIVES`)."""
    primitives.cache_clear()
    _namespace.cache_clear()


# ------------------------------------------------------------------------------------- parsing
def parse_function(source: str | bytes, *, where: str) -> tuple[str, tuple[str, ...], Program]:
    """Parse the source of one `def name(params): x1 = f(...); ...; return xN` function.

    Returns `(name, params, program)`. Variables may have any plain name except inputs, primitives,
    constants and dunder names; each is assigned exactly once before it is used. Bytes must be UTF-8;
    sources over `MAX_SOURCE_CHARS`, and expressions too deep or complex for Python's parser, are
    refused like any other fault (a `ProgramFormatError`, never a RecursionError or MemoryError).
    """
    text = _text(source, where)
    try:
        module = ast.parse(text)
    except SyntaxError as exc:
        raise ProgramFormatError(where, exc.lineno, f"not valid Python: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ProgramFormatError(where, _longest_line(text), "expression too deeply nested to parse") from None
    if len(module.body) != 1 or not isinstance(module.body[0], ast.FunctionDef):
        line = module.body[0].lineno if module.body else None
        raise ProgramFormatError(where, line, "expected exactly one function definition and nothing else")
    return parse_function_node(module.body[0], where=where)


def _text(source: str | bytes, where: str) -> str:
    """The source as text within `MAX_SOURCE_CHARS`; bytes must be UTF-8."""
    if isinstance(source, bytes):
        if len(source) > 4 * MAX_SOURCE_CHARS:
            raise ProgramFormatError(where, None,
                                     f"source of {len(source)} bytes, more than {MAX_SOURCE_CHARS} characters")
        raw = source
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            raise ProgramFormatError(where, line, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if len(source) > MAX_SOURCE_CHARS:
        raise ProgramFormatError(where, None, f"source of {len(source)} characters, more than {MAX_SOURCE_CHARS}")
    if "\x00" in source:
        raise ProgramFormatError(where, source[:source.index("\x00")].count("\n") + 1, "NUL character in source")
    return source


def _longest_line(text: str) -> int:
    """1-based number of the longest line: where a too-deep expression almost surely is."""
    lines = text.splitlines() or [""]
    return max(range(len(lines)), key=lambda i: len(lines[i])) + 1


def parse_function_node(func: ast.FunctionDef, *, where: str) -> tuple[str, tuple[str, ...], Program]:
    """`parse_function` for an already parsed function definition (e.g. one of a module's)."""
    return func.name, _params(func, where), _body(func, where)


def _params(func: ast.FunctionDef, where: str) -> tuple[str, ...]:
    args = func.args
    if func.decorator_list:
        raise ProgramFormatError(where, func.lineno, "decorators are not allowed")
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs or args.defaults or args.kw_defaults:
        raise ProgramFormatError(where, func.lineno, "parameters must be plain positional names")
    for note in [func.returns] + [a.annotation for a in args.args]:
        if note is not None and not (isinstance(note, ast.Name) and note.id in ANNOTATION_NAMES):
            raise ProgramFormatError(where, note.lineno,
                                     f"annotation `{_short(note)}` is not a DSL type name (e.g. Grid)")
    if any(a.type_comment for a in args.args):
        raise ProgramFormatError(where, func.lineno, "type comments are not allowed")
    if func.type_comment or getattr(func, "type_params", None):
        raise ProgramFormatError(where, func.lineno, "type comments and type parameters are not allowed")
    params = tuple(a.arg for a in args.args)
    unknown = [p for p in params if p not in INPUTS]
    if unknown or len(set(params)) != len(params) or not params:
        raise ProgramFormatError(where, func.lineno, f"parameters must be among {', '.join(INPUTS)}")
    if func.name.startswith("__"):
        raise ProgramFormatError(where, func.lineno, f"dunder name {func.name!r} is not allowed")
    return params


def _body(func: ast.FunctionDef, where: str) -> Program:
    body = list(func.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]  # a docstring
    if not body or not isinstance(body[-1], ast.Return) or not isinstance(body[-1].value, ast.Name):
        raise ProgramFormatError(where, func.lineno, "the body must end with `return <variable>`")
    params = {a.arg for a in func.args.args}
    names = namespace()
    variables: dict[str, int] = {}
    steps: list[Step] = []
    for stmt in body[:-1]:
        line = stmt.lineno
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            raise ProgramFormatError(where, line, f"expected `name = primitive(...)`, got `{_short(stmt)}`")
        target = stmt.targets[0].id
        if target in variables or target in params or target in names or target.startswith("__"):
            raise ProgramFormatError(where, line, f"variable {target!r} is reserved or assigned twice")
        call = stmt.value
        if not isinstance(call, ast.Call):
            raise ProgramFormatError(where, line, f"right-hand side must be one DSL call, got `{_short(call)}`")
        if not isinstance(call.func, ast.Name):
            raise ProgramFormatError(where, line, f"`{_short(call.func)}` is not a DSL primitive name")
        if call.func.id not in primitives():
            raise ProgramFormatError(where, line, f"`{call.func.id}` is not a DSL primitive")
        if call.keywords:
            raise ProgramFormatError(where, line, "keyword arguments are not allowed")
        args: list[Arg] = []
        for arg in call.args:
            if not isinstance(arg, ast.Name):
                raise ProgramFormatError(where, line, f"argument `{_short(arg)}` is not a bare name")
            if arg.id in variables:
                args.append(variables[arg.id])
            elif arg.id in params or arg.id in names:
                args.append(arg.id)
            else:
                raise ProgramFormatError(
                    where, line, f"`{arg.id}` is not an earlier variable, an input, a DSL name or a constant")
        variables[target] = len(steps)
        steps.append(Step(call.func.id, tuple(args)))
    result = body[-1].value.id
    if result not in variables:
        raise ProgramFormatError(where, body[-1].lineno, f"returns {result!r}, which is not a step")
    if variables[result] != len(steps) - 1:
        raise ProgramFormatError(where, body[-1].lineno, "must return the last step")
    if not steps:
        raise ProgramFormatError(where, func.lineno, "no steps")
    return Program(tuple(steps))


def _short(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except (RecursionError, MemoryError, ValueError):  # a refused expression may be arbitrarily deep
        return f"<{type(node).__name__} too deep to show>"
    return text if len(text) <= 60 else text[:57] + "..."


def passes_allow_list(program: Program, params: tuple[str, ...] = ("S", "I")) -> bool:
    """True when `parse_function(render(program, "solve", params))` accepts the text if it is within
    `MAX_SOURCE_CHARS` (the caller checks the length), read off the program (nothing parsed): calls of
    primitives, arguments that are earlier steps, inputs, primitives or constants, variable names free.
    False means "parse it to learn why" (never a verdict alone)."""
    names = namespace()
    if not params or len(set(params)) != len(params) or any(p not in INPUTS for p in params):
        return False
    targets = {"O", *(f"x{k + 1}" for k in range(len(program.steps) - 1))}
    if any(t in names or t in params for t in targets):
        return False
    calls = primitives()
    for k, step in enumerate(program.steps):
        if step.func not in calls or not _plain_name(step.func):
            return False
        for arg in step.args:
            if isinstance(arg, int):
                if not 0 <= arg < k:
                    return False
            elif not ((arg in params or arg in names) and _plain_name(arg)):
                return False
    return True


def _plain_name(name: str) -> bool:
    """Python reads `name` as a bare name (an identifier, not a keyword such as `None`)."""
    return name.isidentifier() and not keyword.iskeyword(name)


# ----------------------------------------------------------------------------------- rendering
def render_arg(arg: Arg, var: str = "x") -> str:
    """Source text of one argument (`x3` for step 2 with prefix `x`)."""
    return f"{var}{arg + 1}" if isinstance(arg, int) else arg


def render(program: Program, name: str = "solve", params: tuple[str, ...] = ("S", "I")) -> str:
    """Readable source: `def name(S, I):`, one `xN = f(...)` line per step, `O = ...`, `return O`."""
    lines = [f"def {name}({', '.join(params)}):"]
    last = program.output
    for k, step in enumerate(program.steps):
        target = "O" if k == last else f"x{k + 1}"
        lines.append(f"    {target} = {step.func}({', '.join(render_arg(a) for a in step.args)})")
    lines.append("    return O")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------- structure
def dependencies(steps: tuple[Step, ...], target: int) -> list[int]:
    """Indices of the steps `target` depends on (itself included), in ascending order."""
    needed = {target}
    stack = [target]
    while stack:
        for arg in steps[stack.pop()].args:
            if isinstance(arg, int) and arg not in needed:
                needed.add(arg)
                stack.append(arg)
    return sorted(needed)


def renumber(steps: tuple[Step, ...], cone: list[int]) -> Program:
    """The steps listed in `cone` (ascending, closed under dependencies) as a program of their own."""
    position = {old: new for new, old in enumerate(cone)}
    return Program(tuple(
        Step(steps[i].func, tuple(position[a] if isinstance(a, int) else a for a in steps[i].args))
        for i in cone
    ))


def extract(steps: tuple[Step, ...], target: int) -> Program:
    """The program computing step `target` of a larger step list (its dependency cone, renumbered)."""
    return renumber(steps, dependencies(steps, target))


def input_names(program: Program) -> tuple[str, ...]:
    """The inputs a program reads, in `INPUTS` order."""
    used = {a for step in program.steps for a in step.args if isinstance(a, str)}
    return tuple(name for name in INPUTS if name in used)


def referenced_names(programs: Iterable[Program]) -> set[str]:
    """Every primitive and constant name the programs use."""
    out: set[str] = set()
    for program in programs:
        for step in program.steps:
            out.add(step.func)
            out.update(a for a in step.args if isinstance(a, str) and a not in INPUTS)
    return out
