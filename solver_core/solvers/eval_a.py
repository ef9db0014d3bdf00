"""Solvers for ARC-AGI-1 evaluation tasks (set A), written for this project.

Same format as the training solvers: one DSL call per line, bare-name arguments only.
"""

from __future__ import annotations

from solver_core.constants import *
from solver_core.dsl import *
from solver_core.types import Grid


def solve_0692e18c(I: Grid) -> Grid:
    x1 = palette(I)
    x2 = other(x1, ZERO)
    x3 = switch(I, ZERO, x2)
    x4 = hconcat(x3, x3)
    x5 = hconcat(x4, x3)
    x6 = vconcat(x5, x5)
    x7 = vconcat(x6, x5)
    x8 = upscale(I, THREE)
    O = cellwise(x7, x8, ZERO)
    return O


def solve_0c786b71(I: Grid) -> Grid:
    x1 = vmirror(I)
    x2 = hconcat(x1, I)
    x3 = hmirror(x2)
    O = vconcat(x3, x2)
    return O


def solve_0c9aba6e(I: Grid) -> Grid:
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = replace(x1, TWO, ONE)
    x4 = replace(x2, SIX, ONE)
    x5 = cellwise(x3, x4, ONE)
    x6 = replace(x5, ZERO, EIGHT)
    O = replace(x6, ONE, ZERO)
    return O


def solve_195ba7dc(I: Grid) -> Grid:
    x1 = hsplit(I, TWO)
    x2 = first(x1)
    x3 = last(x1)
    x4 = cellwise(x2, x3, SEVEN)
    O = replace(x4, SEVEN, ONE)
    return O


def solve_31d5ba1a(I: Grid) -> Grid:
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = replace(x1, NINE, ONE)
    x4 = replace(x2, FOUR, ONE)
    x5 = cellwise(x3, x4, SIX)
    O = replace(x5, ONE, ZERO)
    return O


def solve_34b99a2b(I: Grid) -> Grid:
    x1 = replace(I, EIGHT, FIVE)
    x2 = lefthalf(x1)
    x3 = righthalf(x1)
    x4 = cellwise(x2, x3, TWO)
    O = replace(x4, FIVE, ZERO)
    return O


def solve_48131b3c(I: Grid) -> Grid:
    x1 = palette(I)
    x2 = other(x1, ZERO)
    x3 = switch(I, ZERO, x2)
    x4 = vconcat(x3, x3)
    O = hconcat(x4, x4)
    return O


def solve_5d2a5c43(I: Grid) -> Grid:
    x1 = lefthalf(I)
    x2 = righthalf(I)
    x3 = ofcolor(x1, FOUR)
    x4 = ofcolor(x2, FOUR)
    x5 = combine(x3, x4)
    O = fill(x1, EIGHT, x5)
    return O


def solve_60c09cac(I: Grid) -> Grid:
    O = upscale(I, TWO)
    return O


def solve_66e6c45b(I: Grid) -> Grid:
    x1 = trim(I)
    x2 = upscale(x1, TWO)
    x3 = asindices(x2)
    x4 = corners(x3)
    x5 = difference(x3, x4)
    O = fill(x2, ZERO, x5)
    return O


def solve_a59b95c0(I: Grid) -> Grid:
    x1 = numcolors(I)
    x2 = repeat(I, x1)
    x3 = merge(x2)
    x4 = dmirror(x3)
    x5 = repeat(x4, x1)
    x6 = merge(x5)
    O = dmirror(x6)
    return O


def solve_d19f7514(I: Grid) -> Grid:
    x1 = replace(I, FIVE, THREE)
    x2 = tophalf(x1)
    x3 = bottomhalf(x1)
    x4 = cellwise(x2, x3, THREE)
    O = replace(x4, THREE, FOUR)
    return O


def solve_e133d23d(I: Grid) -> Grid:
    x1 = replace(I, SIX, TWO)
    x2 = replace(x1, EIGHT, TWO)
    x3 = lefthalf(x2)
    x4 = righthalf(x2)
    O = cellwise(x3, x4, TWO)
    return O


def solve_e345f17b(I: Grid) -> Grid:
    x1 = lefthalf(I)
    x2 = righthalf(I)
    x3 = ofcolor(x1, ZERO)
    x4 = ofcolor(x2, ZERO)
    x5 = intersection(x3, x4)
    x6 = replace(x1, SIX, ZERO)
    O = fill(x6, FOUR, x5)
    return O


def solve_00576224(I: Grid) -> Grid:
    x1 = hconcat(I, I)
    x2 = hconcat(x1, I)
    x3 = vmirror(x2)
    x4 = vconcat(x2, x3)
    O = vconcat(x4, x2)
    return O


def solve_2072aba6(I: Grid) -> Grid:
    x1 = canvas(TWO, TWO_BY_TWO)
    x2 = connect(ORIGIN, UNITY)
    x3 = fill(x1, ONE, x2)
    x4 = hconcat(x3, x3)
    x5 = hconcat(x4, x3)
    x6 = vconcat(x5, x5)
    x7 = vconcat(x6, x5)
    x8 = upscale(I, TWO)
    x9 = ofcolor(x8, ZERO)
    O = fill(x7, ZERO, x9)
    return O


def solve_7953d61e(I: Grid) -> Grid:
    x1 = rot270(I)
    x2 = hconcat(I, x1)
    x3 = rot180(I)
    x4 = rot90(I)
    x5 = hconcat(x3, x4)
    O = vconcat(x2, x5)
    return O


def solve_c48954c1(I: Grid) -> Grid:
    x1 = vmirror(I)
    x2 = hconcat(x1, I)
    x3 = hconcat(x2, x1)
    x4 = hmirror(x3)
    x5 = vconcat(x4, x3)
    O = vconcat(x5, x4)
    return O


def solve_ccd554ac(I: Grid) -> Grid:
    x1 = width(I)
    x2 = repeat(I, x1)
    x3 = merge(x2)
    x4 = rot90(x3)
    x5 = repeat(x4, x1)
    x6 = merge(x5)
    O = rot270(x6)
    return O


def solve_d4b1c2b1(I: Grid) -> Grid:
    x1 = numcolors(I)
    O = upscale(I, x1)
    return O


def solve_e633a9e5(I: Grid) -> Grid:
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = vconcat(x1, I)
    x4 = vconcat(x3, x2)
    x5 = lefthalf(x4)
    x6 = righthalf(x4)
    x7 = hconcat(x5, x4)
    O = hconcat(x7, x6)
    return O


def solve_e99362f0(I: Grid) -> Grid:
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = lefthalf(x1)
    x4 = righthalf(x1)
    x5 = lefthalf(x2)
    x6 = righthalf(x2)
    x7 = ofcolor(x4, NINE)
    x8 = fill(x5, NINE, x7)
    x9 = ofcolor(x3, SEVEN)
    x10 = fill(x8, SEVEN, x9)
    x11 = ofcolor(x6, EIGHT)
    O = fill(x10, EIGHT, x11)
    return O
