"""Differs: DSL programs `(I, C) -> (score, value)` measuring a relationship between two grids.

A differ compares a grid `I` with a candidate grid `C` and returns a score from 0 (unrelated) to
1000 (identical in that respect) and a value describing the relationship. The pipeline applies
every differ to (expected output, candidate output) of each demo pair to get `s_score`, and to
(demo input, expected output) to characterise the task (`d_score`). Differs are written, parsed,
inlined and stored exactly like solvers (same straight-line format, same allow-list).
"""

from __future__ import annotations

from functools import cache

from solver_core.program import Program, parse_function

DIFFER_SOURCES: dict[str, str] = {
    "same_shape": """
def differ_same_shape(I, C):
    x1 = shape(I)
    x2 = shape(C)
    x3 = equality(x1, x2)
    x4 = branch(x3, THOUSAND, ZERO)
    O = astuple(x4, x3)
    return O
""",
    "cell_match": """
def differ_cell_match(I, C):
    x1 = cellwise(I, C, NEG_ONE)
    x2 = colorcount(x1, NEG_ONE)
    x3 = height(I)
    x4 = width(I)
    x5 = multiply(x3, x4)
    x6 = subtract(x5, x2)
    x7 = multiply(x6, THOUSAND)
    x8 = divide(x7, x5)
    O = astuple(x8, x2)
    return O
""",
    "palette": """
def differ_palette(I, C):
    x1 = palette(I)
    x2 = palette(C)
    x3 = intersection(x1, x2)
    x4 = combine(x1, x2)
    x5 = size(x3)
    x6 = size(x4)
    x7 = multiply(x5, THOUSAND)
    x8 = divide(x7, x6)
    x9 = difference(x2, x1)
    x10 = size(x9)
    O = astuple(x8, x10)
    return O
""",
    "object_count": """
def differ_object_count(I, C):
    x1 = objects(I, T, F, T)
    x2 = objects(C, T, F, T)
    x3 = size(x1)
    x4 = size(x2)
    x5 = astuple(x3, x4)
    x6 = minimum(x5)
    x7 = maximum(x5)
    x8 = multiply(x6, THOUSAND)
    x9 = divide(x8, x7)
    x10 = subtract(x4, x3)
    O = astuple(x9, x10)
    return O
""",
    "size_change": """
def differ_size_change(I, C):
    x1 = height(I)
    x2 = width(I)
    x3 = multiply(x1, x2)
    x4 = height(C)
    x5 = width(C)
    x6 = multiply(x4, x5)
    x7 = astuple(x3, x6)
    x8 = minimum(x7)
    x9 = maximum(x7)
    x10 = multiply(x8, THOUSAND)
    x11 = divide(x10, x9)
    x12 = subtract(x6, x3)
    O = astuple(x11, x12)
    return O
""",
    "background": """
def differ_background(I, C):
    x1 = mostcolor(I)
    x2 = mostcolor(C)
    x3 = equality(x1, x2)
    x4 = branch(x3, THOUSAND, ZERO)
    O = astuple(x4, x2)
    return O
""",
    "foreground_cells": """
def differ_foreground_cells(I, C):
    x1 = mostcolor(I)
    x2 = mostcolor(C)
    x3 = colorcount(I, x1)
    x4 = colorcount(C, x2)
    x5 = height(I)
    x6 = width(I)
    x7 = multiply(x5, x6)
    x8 = subtract(x7, x3)
    x9 = height(C)
    x10 = width(C)
    x11 = multiply(x9, x10)
    x12 = subtract(x11, x4)
    x13 = astuple(x8, x12)
    x14 = minimum(x13)
    x15 = maximum(x13)
    x16 = increment(x14)
    x17 = increment(x15)
    x18 = multiply(x16, THOUSAND)
    x19 = divide(x18, x17)
    O = astuple(x19, x12)
    return O
""",
    "colour_count": """
def differ_colour_count(I, C):
    x1 = numcolors(I)
    x2 = numcolors(C)
    x3 = astuple(x1, x2)
    x4 = minimum(x3)
    x5 = maximum(x3)
    x6 = multiply(x4, THOUSAND)
    x7 = divide(x6, x5)
    x8 = subtract(x2, x1)
    O = astuple(x7, x8)
    return O
""",
    "mirror_symmetry": """
def differ_mirror_symmetry(I, C):
    x1 = vmirror(I)
    x2 = equality(x1, I)
    x3 = vmirror(C)
    x4 = equality(x3, C)
    x5 = equality(x2, x4)
    x6 = branch(x5, THOUSAND, ZERO)
    O = astuple(x6, x4)
    return O
""",
}


@cache
def differ_programs() -> dict[str, Program]:
    """Every differ parsed as a `Program` over inputs `I` and `C`, by name."""
    out = {}
    for name, source in DIFFER_SOURCES.items():
        fname, params, program = parse_function(source.strip() + "\n", where=f"differ {name}")
        if params != ("I", "C") or fname != f"differ_{name}":
            raise ValueError(f"differ {name}: must be `def differ_{name}(I, C)`")
        out[name] = program
    return out


def differ_score(value: object) -> int:
    """The score of a differ's result: an int in 0..1000, or 0 for anything malformed."""
    if type(value) is tuple and len(value) == 2 and type(value[0]) is int and 0 <= value[0] <= 1000:
        return value[0]
    return 0
