"""Solvers for ARC-AGI-1 training tasks c9–f (batch D)."""

from __future__ import annotations

from solver_core.constants import *
from solver_core.dsl import *
from solver_core.types import Grid


def solve_c9e6f938(I: Grid) -> Grid:
    x1 = vmirror(I)
    O = hconcat(I, x1)
    return O


def solve_c9f8e694(I: Grid) -> Grid:
    x1 = dmirror(I)
    x2 = first(x1)
    x3 = width(I)
    x4 = repeat(x2, x3)
    x5 = dmirror(x4)
    x6 = ofcolor(I, FIVE)
    x7 = toobject(x6, x5)
    O = paint(I, x7)
    return O


def solve_caa06a1f(I: Grid) -> Grid:
    x1 = shape(I)
    x2 = decrement(x1)
    x3 = index(I, x2)
    x4 = asobject(I)
    x5 = matcher(first, x3)
    x6 = compose(flip, x5)
    x7 = sfilter(x4, x6)
    x8 = vperiod(x7)
    x9 = hperiod(x7)
    x10 = interval(ZERO, TEN, ONE)
    x11 = rbind(multiply, x8)
    x12 = apply(x11, x10)
    x13 = rbind(multiply, x9)
    x14 = apply(x13, x10)
    x15 = product(x12, x14)
    x16 = lbind(shift, x7)
    x17 = mapply(x16, x15)
    x18 = add(x1, RIGHT)
    x19 = canvas(ZERO, x18)
    x20 = paint(x19, x17)
    O = crop(x20, RIGHT, x1)
    return O


def solve_cbded52d(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = sizefilter(x1, ONE)
    x3 = merge(x2)
    x4 = tojvec(SIX)
    x5 = shift(x3, x4)
    x6 = intersection(x3, x5)
    x7 = toivec(SIX)
    x8 = shift(x3, x7)
    x9 = intersection(x3, x8)
    x10 = invert(THREE)
    x11 = tojvec(x10)
    x12 = shift(x6, x11)
    x13 = toivec(x10)
    x14 = shift(x9, x13)
    x15 = paint(I, x12)
    O = paint(x15, x14)
    return O


def solve_cce03e0d(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = rbind(multiply, THREE)
    x3 = apply(x2, x1)
    x4 = asobject(I)
    x5 = lbind(shift, x4)
    x6 = mapply(x5, x3)
    x7 = astuple(NINE, NINE)
    x8 = canvas(ZERO, x7)
    O = paint(x8, x6)
    return O


def solve_cdecee7f(I: Grid) -> Grid:
    x1 = compress(I)
    x2 = dmirror(x1)
    x3 = apply(maximum, x2)
    x4 = repeat(x3, ONE)
    x5 = size(x3)
    x6 = subtract(NINE, x5)
    x7 = astuple(ONE, x6)
    x8 = canvas(ZERO, x7)
    x9 = hconcat(x4, x8)
    x10 = hsplit(x9, THREE)
    x11 = first(x10)
    x12 = last(x10)
    x13 = tojvec(THREE)
    x14 = astuple(ONE, THREE)
    x15 = crop(x9, x13, x14)
    x16 = vmirror(x15)
    x17 = vconcat(x11, x16)
    O = vconcat(x17, x12)
    return O


def solve_ce22a75a(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = mapply(neighbors, x1)
    x3 = fill(I, ONE, x2)
    O = replace(x3, FIVE, ONE)
    return O


def solve_ce4f8723(I: Grid) -> Grid:
    x1 = vsplit(I, TWO)
    x2 = first(x1)
    x3 = last(x1)
    O = cellwise(x2, x3, THREE)
    return O


def solve_ce9e57f2(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = compose(increment, height)
    x3 = chain(toivec, halve, x2)
    x4 = fork(shift, identity, x3)
    x5 = fork(intersection, identity, x4)
    x6 = mapply(x5, x1)
    O = fill(I, EIGHT, x6)
    return O


def solve_cf98881b(I: Grid) -> Grid:
    x1 = astuple(FOUR, FOUR)
    x2 = tojvec(TEN)
    x3 = crop(I, x2, x1)
    x4 = tojvec(FIVE)
    x5 = crop(I, x4, x1)
    x6 = crop(I, ORIGIN, x1)
    x7 = ofcolor(x5, NINE)
    x8 = ofcolor(x6, FOUR)
    x9 = fill(x3, NINE, x7)
    O = fill(x9, FOUR, x8)
    return O


def solve_d037b0a7(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = rbind(shoot, DOWN)
    x3 = lbind(mapply, x2)
    x4 = compose(x3, toindices)
    x5 = fork(recolor, color, x4)
    x6 = mapply(x5, x1)
    O = paint(I, x6)
    return O


def solve_d06dbe63(I: Grid) -> Grid:
    x1 = ofcolor(I, EIGHT)
    x2 = first(x1)
    x3 = multiply(UP, TWO)
    x4 = add(x3, RIGHT)
    x5 = multiply(UP_RIGHT, TWO)
    x6 = initset(UP)
    x7 = insert(x3, x6)
    x8 = insert(x4, x7)
    x9 = insert(x5, x8)
    x10 = interval(ZERO, TEN, ONE)
    x11 = rbind(multiply, x5)
    x12 = apply(x11, x10)
    x13 = lbind(shift, x9)
    x14 = mapply(x13, x12)
    x15 = apply(invert, x14)
    x16 = combine(x14, x15)
    x17 = shift(x16, x2)
    O = fill(I, FIVE, x17)
    return O


def solve_d0f5fe59(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = size(x1)
    x3 = decrement(x2)
    x4 = astuple(x3, x3)
    x5 = connect(ORIGIN, x4)
    x6 = shape(x5)
    x7 = canvas(ZERO, x6)
    O = fill(x7, EIGHT, x5)
    return O


def solve_d10ecb37(I: Grid) -> Grid:
    O = crop(I, ORIGIN, TWO_BY_TWO)
    return O


def solve_d13f3404(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = merge(x1)
    x3 = rbind(shoot, UNITY)
    x4 = compose(x3, last)
    x5 = fork(recolor, first, x4)
    x6 = mapply(x5, x2)
    x7 = astuple(SIX, SIX)
    x8 = canvas(ZERO, x7)
    O = paint(x8, x6)
    return O


def solve_d23f8c26(I: Grid) -> Grid:
    x1 = width(I)
    x2 = halve(x1)
    x3 = tojvec(x2)
    x4 = vfrontier(x3)
    x5 = toobject(x4, I)
    x6 = shape(I)
    x7 = canvas(ZERO, x6)
    O = paint(x7, x5)
    return O


def solve_d2abd087(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = sizefilter(x1, SIX)
    x3 = merge(x2)
    x4 = replace(I, FIVE, ONE)
    O = fill(x4, TWO, x3)
    return O


def solve_d364b489(I: Grid) -> Grid:
    x1 = initset(UP)
    x2 = recolor(TWO, x1)
    x3 = initset(LEFT)
    x4 = recolor(SEVEN, x3)
    x5 = initset(RIGHT)
    x6 = recolor(SIX, x5)
    x7 = initset(DOWN)
    x8 = recolor(EIGHT, x7)
    x9 = combine(x2, x4)
    x10 = combine(x6, x8)
    x11 = combine(x9, x10)
    x12 = ofcolor(I, ONE)
    x13 = lbind(shift, x11)
    x14 = mapply(x13, x12)
    O = paint(I, x14)
    return O


def solve_d406998b(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = width(I)
    x3 = lbind(add, x2)
    x4 = chain(even, x3, last)
    x5 = compose(flip, x4)
    x6 = sfilter(x1, x5)
    O = fill(I, THREE, x6)
    return O


def solve_d43fd935(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = sizefilter(x1, ONE)
    x3 = merge(x2)
    x4 = ofcolor(I, THREE)
    x5 = product(x3, x4)
    x6 = compose(last, first)
    x7 = fork(connect, x6, last)
    x8 = compose(first, first)
    x9 = fork(recolor, x8, x7)
    x10 = apply(x9, x5)
    x11 = fork(either, vline, hline)
    x12 = mfilter(x10, x11)
    O = underpaint(I, x12)
    return O


def solve_d4469b4b(I: Grid) -> Grid:
    x1 = palette(I)
    x2 = maximum(x1)
    x3 = astuple(ONE, UNITY)
    x4 = astuple(TWO, RIGHT)
    x5 = astuple(THREE, TWO_BY_TWO)
    x6 = initset(x3)
    x7 = insert(x4, x6)
    x8 = insert(x5, x7)
    x9 = matcher(first, x2)
    x10 = extract(x8, x9)
    x11 = last(x10)
    x12 = canvas(ZERO, THREE_BY_THREE)
    x13 = hfrontier(x11)
    x14 = vfrontier(x11)
    x15 = fill(x12, FIVE, x13)
    O = fill(x15, FIVE, x14)
    return O


def solve_d4a91cb9(I: Grid) -> Grid:
    x1 = ofcolor(I, EIGHT)
    x2 = ofcolor(I, TWO)
    x3 = mapply(vfrontier, x1)
    x4 = mapply(hfrontier, x2)
    x5 = combine(x3, x4)
    x6 = combine(x1, x2)
    x7 = backdrop(x6)
    x8 = intersection(x5, x7)
    O = underfill(I, FOUR, x8)
    return O


def solve_d4f3cd78(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = inbox(x1)
    x3 = backdrop(x2)
    x4 = outbox(x2)
    x5 = difference(x4, x1)
    x6 = center(x5)
    x7 = center(x1)
    x8 = subtract(x6, x7)
    x9 = sign(x8)
    x10 = shoot(x6, x9)
    x11 = combine(x3, x10)
    O = fill(I, EIGHT, x11)
    return O


def solve_d511f180(I: Grid) -> Grid:
    O = switch(I, FIVE, EIGHT)
    return O


def solve_d5d6de2d(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = mapply(delta, x1)
    x3 = replace(I, TWO, ZERO)
    O = fill(x3, THREE, x2)
    return O


def solve_d631b094(I: Grid) -> Grid:
    x1 = palette(I)
    x2 = maximum(x1)
    x3 = canvas(x2, UNITY)
    x4 = colorcount(I, x2)
    O = hupscale(x3, x4)
    return O


def solve_d687bc17(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = sizefilter(x1, ONE)
    x3 = difference(x1, x2)
    x4 = apply(color, x3)
    x5 = rbind(contained, x4)
    x6 = compose(x5, color)
    x7 = sfilter(x2, x6)
    x8 = lbind(extract, x3)
    x9 = lbind(matcher, color)
    x10 = compose(x8, x9)
    x11 = compose(x10, color)
    x12 = fork(gravitate, identity, x11)
    x13 = fork(shift, identity, x12)
    x14 = mapply(x13, x7)
    x15 = merge(x2)
    x16 = cover(I, x15)
    O = paint(x16, x14)
    return O


def solve_d6ad076f(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = argmin(x1, size)
    x3 = argmax(x1, size)
    x4 = vmatching(x2, x3)
    x5 = branch(x4, DOWN, RIGHT)
    x6 = branch(x4, RIGHT, DOWN)
    x7 = center(x3)
    x8 = center(x2)
    x9 = subtract(x7, x8)
    x10 = sign(x9)
    x11 = multiply(x10, x5)
    x12 = invert(x11)
    x13 = invert(x6)
    x14 = toindices(x2)
    x15 = shift(x14, x6)
    x16 = shift(x14, x13)
    x17 = intersection(x14, x15)
    x18 = intersection(x17, x16)
    x19 = rbind(shoot, x11)
    x20 = mapply(x19, x18)
    x21 = rbind(shoot, x12)
    x22 = toindices(x3)
    x23 = mapply(x21, x22)
    x24 = intersection(x20, x23)
    x25 = ofcolor(I, ZERO)
    x26 = intersection(x24, x25)
    O = fill(I, EIGHT, x26)
    return O


def solve_d89b689b(I: Grid) -> Grid:
    x1 = ofcolor(I, EIGHT)
    x2 = ulcorner(x1)
    x3 = objects(I, T, F, T)
    x4 = sizefilter(x3, ONE)
    x5 = rbind(subtract, x2)
    x6 = chain(sign, x5, ulcorner)
    x7 = chain(halve, increment, x6)
    x8 = lbind(add, x2)
    x9 = chain(initset, x8, x7)
    x10 = fork(recolor, color, x9)
    x11 = mapply(x10, x4)
    x12 = shape(I)
    x13 = canvas(ZERO, x12)
    O = paint(x13, x11)
    return O


def solve_d8c310e9(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = merge(x1)
    x3 = hperiod(x2)
    x4 = width(I)
    x5 = interval(ZERO, x4, x3)
    x6 = apply(tojvec, x5)
    x7 = lbind(shift, x2)
    x8 = mapply(x7, x6)
    O = paint(I, x8)
    return O


def solve_d90796e8(I: Grid) -> Grid:
    x1 = objects(I, F, F, T)
    x2 = sizefilter(x1, TWO)
    x3 = initset(TWO)
    x4 = insert(THREE, x3)
    x5 = matcher(palette, x4)
    x6 = mfilter(x2, x5)
    x7 = toindices(x6)
    x8 = ofcolor(I, THREE)
    x9 = intersection(x7, x8)
    x10 = ofcolor(I, TWO)
    x11 = intersection(x7, x10)
    x12 = fill(I, EIGHT, x9)
    O = fill(x12, ZERO, x11)
    return O


def solve_d9fac9be(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, size)
    x3 = color(x2)
    x4 = palette(I)
    x5 = remove(ZERO, x4)
    x6 = other(x5, x3)
    O = canvas(x6, UNITY)
    return O


def solve_dae9d2b5(I: Grid) -> Grid:
    x1 = hsplit(I, TWO)
    x2 = first(x1)
    x3 = last(x1)
    O = cellwise(x2, x3, SIX)
    return O


def solve_db3e9e38(I: Grid) -> Grid:
    x1 = ofcolor(I, SEVEN)
    x2 = lrcorner(x1)
    x3 = shoot(x2, NEG_UNITY)
    x4 = shoot(x2, UP_RIGHT)
    x5 = combine(x3, x4)
    x6 = rbind(shoot, UP)
    x7 = mapply(x6, x5)
    x8 = last(x2)
    x9 = even(x8)
    x10 = compose(even, last)
    x11 = matcher(x10, x9)
    x12 = sfilter(x7, x11)
    x13 = difference(x7, x12)
    x14 = fill(I, SEVEN, x12)
    O = fill(x14, EIGHT, x13)
    return O


def solve_dbc1a6ce(I: Grid) -> Grid:
    x1 = ofcolor(I, ONE)
    x2 = rbind(shoot, RIGHT)
    x3 = mapply(x2, x1)
    x4 = rbind(shoot, LEFT)
    x5 = mapply(x4, x1)
    x6 = intersection(x3, x5)
    x7 = rbind(shoot, DOWN)
    x8 = mapply(x7, x1)
    x9 = rbind(shoot, UP)
    x10 = mapply(x9, x1)
    x11 = intersection(x8, x10)
    x12 = combine(x6, x11)
    O = underfill(I, EIGHT, x12)
    return O


def solve_dc0a314f(I: Grid) -> Grid:
    x1 = ofcolor(I, THREE)
    x2 = rot180(I)
    O = subgrid(x1, x2)
    return O


def solve_dc1df850(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = mapply(neighbors, x1)
    O = underfill(I, ONE, x2)
    return O


def solve_dc433765(I: Grid) -> Grid:
    x1 = ofcolor(I, THREE)
    x2 = ofcolor(I, FOUR)
    x3 = position(x1, x2)
    x4 = shift(x1, x3)
    x5 = fill(I, ZERO, x1)
    O = fill(x5, THREE, x4)
    return O


def solve_ddf7fa4f(I: Grid) -> Grid:
    x1 = width(I)
    x2 = astuple(ONE, x1)
    x3 = crop(I, ORIGIN, x2)
    x4 = rbind(toobject, x3)
    x5 = objects(I, T, F, T)
    x6 = colorfilter(x5, FIVE)
    x7 = chain(toivec, invert, uppermost)
    x8 = fork(shift, identity, x7)
    x9 = chain(palette, x4, x8)
    x10 = compose(maximum, x9)
    x11 = fork(recolor, x10, identity)
    x12 = mapply(x11, x6)
    O = paint(I, x12)
    return O


def solve_de1cd16c(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = mapply(dneighbors, x2)
    x4 = toobject(x3, I)
    x5 = mostcolor(x4)
    O = canvas(x5, UNITY)
    return O


def solve_ded97339(I: Grid) -> Grid:
    x1 = ofcolor(I, EIGHT)
    x2 = rbind(shoot, LEFT)
    x3 = mapply(x2, x1)
    x4 = rbind(shoot, RIGHT)
    x5 = mapply(x4, x1)
    x6 = intersection(x3, x5)
    x7 = rbind(shoot, UP)
    x8 = mapply(x7, x1)
    x9 = rbind(shoot, DOWN)
    x10 = mapply(x9, x1)
    x11 = intersection(x8, x10)
    x12 = combine(x6, x11)
    O = fill(I, EIGHT, x12)
    return O


def solve_e179c5f4(I: Grid) -> Grid:
    x1 = height(I)
    x2 = width(I)
    x3 = decrement(x1)
    x4 = toivec(x3)
    x5 = shoot(x4, UP_RIGHT)
    x6 = decrement(x2)
    x7 = multiply(UP_RIGHT, x6)
    x8 = add(x4, x7)
    x9 = shoot(x8, NEG_UNITY)
    x10 = combine(x5, x9)
    x11 = double(x6)
    x12 = interval(ZERO, TEN, ONE)
    x13 = rbind(multiply, x11)
    x14 = apply(x13, x12)
    x15 = apply(invert, x14)
    x16 = apply(toivec, x15)
    x17 = lbind(shift, x10)
    x18 = mapply(x17, x16)
    x19 = shape(I)
    x20 = canvas(EIGHT, x19)
    O = fill(x20, ONE, x18)
    return O


def solve_e21d9049(I: Grid) -> Grid:
    x1 = objects(I, F, F, T)
    x2 = merge(x1)
    x3 = totuple(x2)
    x4 = compose(first, last)
    x5 = compose(last, last)
    x6 = apply(x4, x3)
    x7 = apply(x5, x3)
    x8 = mostcommon(x6)
    x9 = mostcommon(x7)
    x10 = matcher(x4, x8)
    x11 = matcher(x5, x9)
    x12 = sfilter(x2, x10)
    x13 = sfilter(x2, x11)
    x14 = width(x12)
    x15 = height(x13)
    x16 = invert(TEN)
    x17 = interval(x16, TEN, ONE)
    x18 = rbind(multiply, x14)
    x19 = apply(x18, x17)
    x20 = apply(tojvec, x19)
    x21 = lbind(shift, x12)
    x22 = mapply(x21, x20)
    x23 = rbind(multiply, x15)
    x24 = apply(x23, x17)
    x25 = apply(toivec, x24)
    x26 = lbind(shift, x13)
    x27 = mapply(x26, x25)
    x28 = paint(I, x22)
    O = paint(x28, x27)
    return O


def solve_e26a3af2(I: Grid) -> Grid:
    x1 = rot90(I)
    x2 = apply(mostcommon, I)
    x3 = apply(mostcommon, x1)
    x4 = repeat(x2, ONE)
    x5 = repeat(x3, ONE)
    x6 = dedupe(x2)
    x7 = size(x6)
    x8 = dedupe(x3)
    x9 = size(x8)
    x10 = greater(x9, x7)
    x11 = height(I)
    x12 = width(I)
    x13 = rot90(x4)
    x14 = hupscale(x13, x12)
    x15 = vupscale(x5, x11)
    O = branch(x10, x15, x14)
    return O


def solve_e3497940(I: Grid) -> Grid:
    x1 = vmirror(I)
    x2 = lefthalf(x1)
    x3 = asobject(x2)
    x4 = lefthalf(I)
    O = underpaint(x4, x3)
    return O


def solve_e48d4e1a(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = size(x1)
    x3 = fill(I, ZERO, x1)
    x4 = palette(x3)
    x5 = other(x4, ZERO)
    x6 = frontiers(x3)
    x7 = extract(x6, hline)
    x8 = extract(x6, vline)
    x9 = uppermost(x7)
    x10 = leftmost(x8)
    x11 = astuple(x9, x10)
    x12 = multiply(DOWN_LEFT, x2)
    x13 = add(x11, x12)
    x14 = hfrontier(x13)
    x15 = vfrontier(x13)
    x16 = combine(x14, x15)
    x17 = shape(I)
    x18 = canvas(ZERO, x17)
    O = fill(x18, x5, x16)
    return O


def solve_e509e548(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = fork(difference, toindices, box)
    x3 = chain(positive, size, x2)
    x4 = mfilter(x1, x3)
    x5 = fork(add, height, width)
    x6 = fork(greater, x5, size)
    x7 = mfilter(x1, x6)
    x8 = replace(I, THREE, SIX)
    x9 = fill(x8, TWO, x4)
    O = fill(x9, ONE, x7)
    return O


def solve_e50d258f(I: Grid) -> Grid:
    x1 = shape(I)
    x2 = canvas(ZERO, x1)
    x3 = hconcat(I, x2)
    x4 = objects(x3, F, F, T)
    x5 = rbind(colorcount, TWO)
    x6 = argmax(x4, x5)
    O = subgrid(x6, I)
    return O


def solve_e73095fd(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = compose(size, delta)
    x4 = matcher(x3, ZERO)
    x5 = sfilter(x2, x4)
    x6 = ofcolor(I, FIVE)
    x7 = compose(outbox, outbox)
    x8 = lbind(mapply, dneighbors)
    x9 = chain(x8, corners, x7)
    x10 = fork(intersection, x9, x7)
    x11 = rbind(intersection, x6)
    x12 = chain(size, x11, x10)
    x13 = matcher(x12, ZERO)
    x14 = mfilter(x5, x13)
    O = fill(I, FOUR, x14)
    return O


def solve_e76a88a6(I: Grid) -> Grid:
    x1 = ofcolor(I, ZERO)
    x2 = ofcolor(I, FIVE)
    x3 = combine(x1, x2)
    x4 = asindices(I)
    x5 = difference(x4, x3)
    x6 = subgrid(x5, I)
    x7 = asobject(x6)
    x8 = objects(I, T, F, T)
    x9 = colorfilter(x8, FIVE)
    x10 = apply(ulcorner, x9)
    x11 = lbind(shift, x7)
    x12 = mapply(x11, x10)
    O = paint(I, x12)
    return O


def solve_e8593010(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = lbind(subtract, FOUR)
    x3 = compose(x2, size)
    x4 = fork(recolor, x3, identity)
    x5 = mapply(x4, x1)
    O = paint(I, x5)
    return O


def solve_e9614598(I: Grid) -> Grid:
    x1 = ofcolor(I, ONE)
    x2 = first(x1)
    x3 = last(x1)
    x4 = add(x2, x3)
    x5 = halve(x4)
    x6 = dneighbors(x5)
    x7 = insert(x5, x6)
    O = fill(I, THREE, x7)
    return O


def solve_e98196ab(I: Grid) -> Grid:
    x1 = vsplit(I, TWO)
    x2 = first(x1)
    x3 = last(x1)
    x4 = asobject(x3)
    O = underpaint(x2, x4)
    return O


def solve_e9afcf9a(I: Grid) -> Grid:
    x1 = hmirror(I)
    x2 = asindices(I)
    x3 = compose(even, last)
    x4 = compose(flip, x3)
    x5 = sfilter(x2, x4)
    x6 = toobject(x5, x1)
    O = paint(I, x6)
    return O


def solve_ea32f347(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = order(x1, size)
    x3 = astuple(TWO, FOUR)
    x4 = repeat(ONE, ONE)
    x5 = combine(x3, x4)
    x6 = mpapply(recolor, x5, x2)
    O = paint(I, x6)
    return O


def solve_ea786f4a(I: Grid) -> Grid:
    x1 = ofcolor(I, ZERO)
    x2 = first(x1)
    x3 = ineighbors(ORIGIN)
    x4 = lbind(shoot, x2)
    x5 = mapply(x4, x3)
    O = fill(I, ZERO, x5)
    return O


def solve_eb281b96(I: Grid) -> Grid:
    x1 = asobject(I)
    x2 = hmirror(x1)
    x3 = height(I)
    x4 = decrement(x3)
    x5 = toivec(x4)
    x6 = shift(x2, x5)
    x7 = combine(x1, x6)
    x8 = double(x5)
    x9 = shift(x7, x8)
    x10 = combine(x7, x9)
    x11 = shape(x10)
    x12 = canvas(ZERO, x11)
    O = paint(x12, x10)
    return O


def solve_eb5a1d5d(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = size(x1)
    x3 = compose(invert, size)
    x4 = order(x1, x3)
    x5 = apply(color, x4)
    x6 = double(x2)
    x7 = decrement(x6)
    x8 = decrement(x7)
    x9 = interval(ZERO, x2, ONE)
    x10 = fork(astuple, identity, identity)
    x11 = lbind(subtract, x8)
    x12 = compose(x10, x11)
    x13 = compose(initset, x12)
    x14 = fork(insert, x10, x13)
    x15 = compose(box, x14)
    x16 = apply(x15, x9)
    x17 = mpapply(recolor, x5, x16)
    x18 = astuple(x7, x7)
    x19 = canvas(ZERO, x18)
    O = paint(x19, x17)
    return O


def solve_ec883f72(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = compose(size, backdrop)
    x3 = argmax(x1, x2)
    x4 = color(x3)
    x5 = palette(I)
    x6 = remove(ZERO, x5)
    x7 = other(x6, x4)
    x8 = ulcorner(x3)
    x9 = add(x8, NEG_UNITY)
    x10 = shoot(x9, NEG_UNITY)
    x11 = urcorner(x3)
    x12 = add(x11, UP_RIGHT)
    x13 = shoot(x12, UP_RIGHT)
    x14 = llcorner(x3)
    x15 = add(x14, DOWN_LEFT)
    x16 = shoot(x15, DOWN_LEFT)
    x17 = lrcorner(x3)
    x18 = add(x17, UNITY)
    x19 = shoot(x18, UNITY)
    x20 = combine(x10, x13)
    x21 = combine(x16, x19)
    x22 = combine(x20, x21)
    O = underfill(I, x7, x22)
    return O


def solve_ed36ccf7(I: Grid) -> Grid:
    O = rot270(I)
    return O


def solve_ef135b50(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = prapply(connect, x1, x1)
    x3 = mfilter(x2, hline)
    x4 = ofcolor(I, ZERO)
    x5 = intersection(x3, x4)
    x6 = fill(I, NINE, x5)
    x7 = trim(x6)
    x8 = asobject(x7)
    x9 = shift(x8, UNITY)
    O = paint(I, x9)
    return O


def solve_f25fbde4(I: Grid) -> Grid:
    x1 = ofcolor(I, FOUR)
    x2 = subgrid(x1, I)
    O = upscale(x2, TWO)
    return O


def solve_f25ffba3(I: Grid) -> Grid:
    x1 = hmirror(I)
    x2 = asobject(I)
    O = underpaint(x1, x2)
    return O


def solve_f2829549(I: Grid) -> Grid:
    x1 = hsplit(I, TWO)
    x2 = first(x1)
    x3 = last(x1)
    x4 = cellwise(x2, x3, THREE)
    O = switch(x4, ZERO, THREE)
    return O


def solve_f5b8619d(I: Grid) -> Grid:
    x1 = hconcat(I, I)
    x2 = vconcat(x1, x1)
    x3 = ofcolor(x2, ZERO)
    x4 = asindices(x2)
    x5 = difference(x4, x3)
    x6 = mapply(vfrontier, x5)
    x7 = intersection(x6, x3)
    O = fill(x2, EIGHT, x7)
    return O


def solve_f76d97a5(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = palette(I)
    x3 = other(x2, FIVE)
    x4 = shape(I)
    x5 = canvas(ZERO, x4)
    O = fill(x5, x3, x1)
    return O


def solve_f8a8fe49(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = colorfilter(x1, TWO)
    x3 = first(x2)
    x4 = last(x2)
    x5 = hmatching(x3, x4)
    x6 = dmirror(I)
    x7 = branch(x5, x6, I)
    x8 = ofcolor(x7, TWO)
    x9 = uppermost(x8)
    x10 = lowermost(x8)
    x11 = add(x9, x10)
    x12 = halve(x11)
    x13 = ofcolor(x7, FIVE)
    x14 = rbind(greater, x12)
    x15 = compose(x14, first)
    x16 = sfilter(x13, x15)
    x17 = difference(x13, x16)
    x18 = hmirror(x17)
    x19 = double(x9)
    x20 = uppermost(x17)
    x21 = lowermost(x17)
    x22 = add(x20, x21)
    x23 = subtract(x19, x22)
    x24 = toivec(x23)
    x25 = shift(x18, x24)
    x26 = hmirror(x16)
    x27 = double(x10)
    x28 = uppermost(x16)
    x29 = lowermost(x16)
    x30 = add(x28, x29)
    x31 = subtract(x27, x30)
    x32 = toivec(x31)
    x33 = shift(x26, x32)
    x34 = replace(x7, FIVE, ZERO)
    x35 = fill(x34, FIVE, x25)
    x36 = fill(x35, FIVE, x33)
    x37 = dmirror(x36)
    O = branch(x5, x37, x36)
    return O


def solve_f8b3ba0a(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = argmax(x1, size)
    x3 = remove(x2, x1)
    x4 = compose(invert, size)
    x5 = order(x3, x4)
    x6 = apply(color, x5)
    x7 = rbind(repeat, ONE)
    O = apply(x7, x6)
    return O


def solve_f8ff0b80(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = order(x1, size)
    x3 = apply(color, x2)
    x4 = repeat(x3, ONE)
    x5 = dmirror(x4)
    O = hmirror(x5)
    return O


def solve_f9012d9b(I: Grid) -> Grid:
    x1 = asobject(I)
    x2 = matcher(first, ZERO)
    x3 = compose(flip, x2)
    x4 = sfilter(x1, x3)
    x5 = vperiod(x4)
    x6 = hperiod(x4)
    x7 = invert(FIVE)
    x8 = interval(x7, SIX, ONE)
    x9 = rbind(multiply, x5)
    x10 = apply(x9, x8)
    x11 = rbind(multiply, x6)
    x12 = apply(x11, x8)
    x13 = product(x10, x12)
    x14 = lbind(shift, x4)
    x15 = mapply(x14, x13)
    x16 = paint(I, x15)
    x17 = ofcolor(I, ZERO)
    O = subgrid(x17, x16)
    return O


def solve_fafffa47(I: Grid) -> Grid:
    x1 = bottomhalf(I)
    x2 = tophalf(I)
    x3 = cellwise(x1, x2, FIVE)
    x4 = replace(x3, ZERO, TWO)
    O = replace(x4, FIVE, ZERO)
    return O


def solve_fcb5c309(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = objects(I, T, F, T)
    x3 = colorfilter(x2, x1)
    x4 = difference(x2, x3)
    x5 = rbind(subgrid, I)
    x6 = apply(x5, x4)
    x7 = rbind(colorcount, x1)
    x8 = argmax(x6, x7)
    x9 = palette(I)
    x10 = remove(ZERO, x9)
    x11 = other(x10, x1)
    O = replace(x8, x11, x1)
    return O


def solve_fcc82909(I: Grid) -> Grid:
    x1 = objects(I, F, T, T)
    x2 = rbind(add, DOWN)
    x3 = compose(x2, llcorner)
    x4 = compose(toivec, numcolors)
    x5 = fork(add, lrcorner, x4)
    x6 = compose(initset, x5)
    x7 = fork(insert, x3, x6)
    x8 = compose(backdrop, x7)
    x9 = mapply(x8, x1)
    O = fill(I, THREE, x9)
    return O


def solve_feca6190(I: Grid) -> Grid:
    x1 = palette(I)
    x2 = remove(ZERO, x1)
    x3 = size(x2)
    x4 = multiply(x3, FIVE)
    x5 = interval(ZERO, x4, ONE)
    x6 = fork(astuple, identity, identity)
    x7 = apply(x6, x5)
    x8 = asobject(I)
    x9 = lbind(shift, x8)
    x10 = mapply(x9, x7)
    x11 = astuple(x4, x4)
    x12 = canvas(ZERO, x11)
    x13 = paint(x12, x10)
    O = hmirror(x13)
    return O


def solve_ff28f65a(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = size(x1)
    x3 = double(x2)
    x4 = canvas(ZERO, THREE_BY_THREE)
    x5 = asindices(x4)
    x6 = rbind(multiply, THREE)
    x7 = compose(x6, first)
    x8 = fork(add, x7, last)
    x9 = compose(even, x8)
    x10 = lbind(greater, x3)
    x11 = compose(x10, x8)
    x12 = fork(both, x9, x11)
    x13 = sfilter(x5, x12)
    O = fill(x4, ONE, x13)
    return O


def solve_ff805c23(I: Grid) -> Grid:
    x1 = ofcolor(I, ONE)
    x2 = rot180(I)
    O = subgrid(x1, x2)
    return O
