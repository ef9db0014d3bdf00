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


def solve_fc754716(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = replace(I, x1, ZERO)
    x3 = asindices(I)
    x4 = box(x3)
    O = fill(x2, x1, x4)
    return O


def solve_6a11f6da(I: Grid) -> Grid:
    x1 = vsplit(I, THREE)
    x2 = first(x1)
    x3 = last(x1)
    x4 = remove(x2, x1)
    x5 = first(x4)
    x6 = ofcolor(x2, ONE)
    x7 = fill(x5, ONE, x6)
    x8 = ofcolor(x3, SIX)
    O = fill(x7, SIX, x8)
    return O


def solve_8e2edd66(I: Grid) -> Grid:
    x1 = palette(I)
    x2 = other(x1, ZERO)
    x3 = switch(I, ZERO, x2)
    x4 = vconcat(x3, x3)
    x5 = vconcat(x4, x3)
    x6 = hconcat(x5, x5)
    x7 = hconcat(x6, x5)
    x8 = upscale(x3, THREE)
    O = cellwise(x7, x8, ZERO)
    return O


def solve_e872b94a(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = size(x1)
    x3 = increment(x2)
    x4 = astuple(x3, ONE)
    O = canvas(ZERO, x4)
    return O


def solve_f5aa3634(I: Grid) -> Grid:
    x1 = objects(I, F, T, T)
    x2 = lbind(occurrences, I)
    x3 = compose(size, x2)
    x4 = argmax(x1, x3)
    O = subgrid(x4, I)
    return O


def solve_68b67ca3(I: Grid) -> Grid:
    O = downscale(I, TWO)
    return O


def solve_6f473927(I: Grid) -> Grid:
    x1 = vmirror(I)
    x2 = replace(x1, ZERO, EIGHT)
    x3 = replace(x2, TWO, ZERO)
    x4 = hconcat(I, x3)
    x5 = hconcat(x3, I)
    x6 = ofcolor(I, TWO)
    x7 = leftmost(x6)
    x8 = positive(x7)
    O = branch(x8, x4, x5)
    return O


def solve_15696249(I: Grid) -> Grid:
    x1 = frontiers(I)
    x2 = merge(x1)
    x3 = canvas(ZERO, THREE_BY_THREE)
    x4 = paint(x3, x2)
    x5 = upscale(x4, THREE)
    x6 = ofcolor(x5, ZERO)
    x7 = hconcat(I, I)
    x8 = hconcat(x7, I)
    x9 = vconcat(x8, x8)
    x10 = vconcat(x9, x8)
    O = fill(x10, ZERO, x6)
    return O


def solve_27a77e38(I: Grid) -> Grid:
    x1 = tophalf(I)
    x2 = mostcolor(x1)
    x3 = asindices(I)
    x4 = center(x3)
    x5 = vfrontier(x4)
    x6 = lrcorner(x3)
    x7 = hfrontier(x6)
    x8 = intersection(x5, x7)
    O = fill(I, x2, x8)
    return O


def solve_4852f2fa(I: Grid) -> Grid:
    x1 = ofcolor(I, EIGHT)
    x2 = lrcorner(x1)
    x3 = subtract(x2, TWO_BY_TWO)
    x4 = crop(I, x3, THREE_BY_THREE)
    x5 = colorcount(I, FOUR)
    x6 = dmirror(x4)
    x7 = repeat(x6, x5)
    x8 = merge(x7)
    O = dmirror(x8)
    return O


def solve_64a7c07e(I: Grid) -> Grid:
    x1 = objects(I, T, T, T)
    x2 = compose(tojvec, width)
    x3 = fork(shift, identity, x2)
    x4 = mapply(x3, x1)
    x5 = merge(x1)
    x6 = cover(I, x5)
    O = paint(x6, x4)
    return O


def solve_8ee62060(I: Grid) -> Grid:
    x1 = hmirror(I)
    x2 = objects(x1, F, F, T)
    x3 = apply(hmirror, x2)
    x4 = merge(x3)
    x5 = merge(x2)
    x6 = cover(x1, x5)
    O = paint(x6, x4)
    return O


def solve_9a4bb226(I: Grid) -> Grid:
    x1 = objects(I, F, F, T)
    x2 = argmax(x1, numcolors)
    O = subgrid(x2, I)
    return O


def solve_e0fb7511(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = sizefilter(x2, ONE)
    x4 = difference(x2, x3)
    x5 = merge(x4)
    O = fill(I, EIGHT, x5)
    return O


def solve_ed98d772(I: Grid) -> Grid:
    x1 = rot270(I)
    x2 = hconcat(I, x1)
    x3 = hconcat(x1, I)
    x4 = rot180(x3)
    O = vconcat(x2, x4)
    return O


def solve_e1baa8a4(I: Grid) -> Grid:
    x1 = dedupe(I)
    x2 = dmirror(x1)
    x3 = dedupe(x2)
    O = dmirror(x3)
    return O


def solve_bbb1b8b6(I: Grid) -> Grid:
    x1 = lefthalf(I)
    x2 = righthalf(I)
    x3 = ofcolor(x1, ZERO)
    x4 = ofcolor(x2, ZERO)
    x5 = asindices(x2)
    x6 = difference(x5, x4)
    x7 = equality(x3, x6)
    x8 = toobject(x6, x2)
    x9 = paint(x1, x8)
    O = branch(x7, x9, x1)
    return O


def solve_be03b35f(I: Grid) -> Grid:
    x1 = crop(I, ORIGIN, TWO_BY_TWO)
    O = rot270(x1)
    return O


def solve_d56f2372(I: Grid) -> Grid:
    x1 = objects(I, T, T, T)
    x2 = fork(equality, identity, vmirror)
    x3 = extract(x1, x2)
    O = subgrid(x3, I)
    return O


def solve_e7dd8335(I: Grid) -> Grid:
    x1 = ofcolor(I, ONE)
    x2 = height(x1)
    x3 = halve(x2)
    x4 = toivec(x3)
    x5 = backdrop(x1)
    x6 = shift(x5, x4)
    x7 = intersection(x1, x6)
    O = fill(I, TWO, x7)
    return O


def solve_66f2d22f(I: Grid) -> Grid:
    x1 = replace(I, TWO, THREE)
    x2 = lefthalf(x1)
    x3 = righthalf(x1)
    x4 = cellwise(x2, x3, THREE)
    x5 = replace(x4, ZERO, FIVE)
    O = replace(x5, THREE, ZERO)
    return O


def solve_506d28a5(I: Grid) -> Grid:
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = ofcolor(x1, TWO)
    x4 = ofcolor(x2, ONE)
    x5 = combine(x3, x4)
    O = fill(x2, THREE, x5)
    return O


def solve_1a2e2828(I: Grid) -> Grid:
    x1 = frontiers(I)
    x2 = merge(x1)
    x3 = mostcolor(x2)
    O = canvas(x3, UNITY)
    return O


def solve_32e9702f(I: Grid) -> Grid:
    x1 = asobject(I)
    x2 = shift(x1, LEFT)
    x3 = shape(I)
    x4 = canvas(ZERO, x3)
    x5 = paint(x4, x2)
    O = replace(x5, ZERO, FIVE)
    return O


def solve_5783df64(I: Grid) -> Grid:
    x1 = height(I)
    x2 = divide(x1, THREE)
    x3 = rbind(divide, x2)
    x4 = compose(x3, ulcorner)
    x5 = fork(subtract, x4, ulcorner)
    x6 = fork(shift, identity, x5)
    x7 = objects(I, T, F, T)
    x8 = mapply(x6, x7)
    x9 = canvas(ZERO, THREE_BY_THREE)
    O = paint(x9, x8)
    return O


def solve_aa18de87(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = merge(x1)
    x3 = toindices(x2)
    x4 = product(x3, x3)
    x5 = fork(connect, first, last)
    x6 = mapply(x5, x4)
    O = underfill(I, TWO, x6)
    return O


def solve_7039b2d7(I: Grid) -> Grid:
    x1 = mostcolor(I)
    x2 = objects(I, T, F, F)
    x3 = colorfilter(x2, x1)
    x4 = first(x3)
    x5 = lbind(hmatching, x4)
    x6 = sfilter(x3, x5)
    x7 = size(x6)
    x8 = lbind(vmatching, x4)
    x9 = sfilter(x3, x8)
    x10 = size(x9)
    x11 = astuple(x10, x7)
    O = canvas(x1, x11)
    return O


def solve_7ee1c6ea(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = subgrid(x1, I)
    x3 = palette(x2)
    x4 = remove(ZERO, x3)
    x5 = remove(FIVE, x4)
    x6 = first(x5)
    x7 = last(x5)
    x8 = switch(x2, x6, x7)
    x9 = asobject(x8)
    x10 = ulcorner(x1)
    x11 = shift(x9, x10)
    O = paint(I, x11)
    return O


def solve_3b4c2228(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = colorfilter(x1, THREE)
    x3 = sizefilter(x2, FOUR)
    x4 = size(x3)
    x5 = decrement(x4)
    x6 = astuple(x5, x5)
    x7 = connect(ORIGIN, x6)
    x8 = canvas(ZERO, THREE_BY_THREE)
    O = fill(x8, ONE, x7)
    return O


def solve_f0df5ff0(I: Grid) -> Grid:
    x1 = ofcolor(I, ONE)
    x2 = mapply(neighbors, x1)
    O = underfill(I, ONE, x2)
    return O


def solve_5ffb2104(I: Grid) -> Grid:
    O = settle(I, RIGHT)
    return O


def solve_6ad5bdfd(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = asindices(I)
    x3 = position(x2, x1)
    O = settle(I, x3)
    return O


def solve_27f8ce4f(I: Grid) -> Grid:
    x1 = mostcolor(I)
    x2 = ofcolor(I, x1)
    x3 = canvas(ZERO, THREE_BY_THREE)
    x4 = fill(x3, ONE, x2)
    x5 = upscale(x4, THREE)
    x6 = ofcolor(x5, ZERO)
    x7 = vconcat(I, I)
    x8 = vconcat(x7, I)
    x9 = hconcat(x8, x8)
    x10 = hconcat(x9, x8)
    O = fill(x10, ZERO, x6)
    return O


def solve_48f8583b(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = rbind(multiply, THREE)
    x4 = apply(x3, x2)
    x5 = asobject(I)
    x6 = lbind(shift, x5)
    x7 = mapply(x6, x4)
    x8 = shape(I)
    x9 = multiply(x8, THREE)
    x10 = canvas(ZERO, x9)
    O = paint(x10, x7)
    return O


def solve_59341089(I: Grid) -> Grid:
    x1 = vmirror(I)
    x2 = hconcat(x1, I)
    O = hconcat(x2, x2)
    return O


def solve_bc4146bd(I: Grid) -> Grid:
    x1 = vmirror(I)
    x2 = hconcat(I, x1)
    x3 = hconcat(x2, x2)
    O = hconcat(x3, I)
    return O


def solve_310f3251(I: Grid) -> Grid:
    x1 = hconcat(I, I)
    x2 = hconcat(x1, x1)
    x3 = vconcat(x2, x2)
    x4 = vconcat(x3, x3)
    x5 = ofcolor(x4, ZERO)
    x6 = asindices(x4)
    x7 = difference(x6, x5)
    x8 = shift(x7, NEG_UNITY)
    x9 = underfill(x4, TWO, x8)
    x10 = shape(I)
    x11 = multiply(x10, THREE)
    O = crop(x9, ORIGIN, x11)
    return O
