"""Solvers for ARC-AGI-1 training tasks 0123… (batch A)."""

from __future__ import annotations

from solver_core.constants import *
from solver_core.dsl import *
from solver_core.types import Grid


def solve_007bbfb7(I: Grid) -> Grid:
    x1 = shape(I)
    x2 = multiply(x1, THREE)
    x3 = canvas(ZERO, x2)
    x4 = ofcolor(I, ZERO)
    x5 = asindices(I)
    x6 = difference(x5, x4)
    x7 = rbind(multiply, THREE)
    x8 = apply(x7, x6)
    x9 = asobject(I)
    x10 = lbind(shift, x9)
    x11 = mapply(x10, x8)
    O = paint(x3, x11)
    return O


def solve_00d62c1b(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = rbind(bordering, I)
    x3 = sfilter(x1, x2)
    x4 = merge(x3)
    x5 = ofcolor(I, ZERO)
    x6 = toindices(x4)
    x7 = difference(x5, x6)
    O = fill(I, FOUR, x7)
    return O


def solve_017c7c7b(I: Grid) -> Grid:
    x1 = replace(I, ONE, TWO)
    x2 = asobject(x1)
    x3 = vperiod(x2)
    x4 = interval(ZERO, NINE, x3)
    x5 = apply(toivec, x4)
    x6 = lbind(shift, x2)
    x7 = mapply(x6, x5)
    x8 = astuple(NINE, THREE)
    x9 = canvas(ZERO, x8)
    O = paint(x9, x7)
    return O


def solve_025d127b(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = fork(combine, vfrontier, hfrontier)
    x3 = compose(x2, lrcorner)
    x4 = fork(difference, toindices, x3)
    x5 = mapply(x4, x1)
    x6 = toobject(x5, I)
    O = move(I, x6, RIGHT)
    return O


def solve_045e512c(I: Grid) -> Grid:
    x1 = objects(I, T, T, T)
    x2 = argmax(x1, size)
    x3 = remove(x2, x1)
    x4 = lbind(position, x2)
    x5 = interval(ONE, SIX, ONE)
    x6 = rbind(multiply, FOUR)
    x7 = apply(x6, x5)
    x8 = rbind(apply, x7)
    x9 = lbind(lbind, multiply)
    x10 = chain(x8, x9, x4)
    x11 = lbind(shift, x2)
    x12 = lbind(mapply, x11)
    x13 = compose(x12, x10)
    x14 = fork(recolor, color, x13)
    x15 = mapply(x14, x3)
    O = paint(I, x15)
    return O


def solve_0520fde7(I: Grid) -> Grid:
    x1 = lefthalf(I)
    x2 = righthalf(I)
    x3 = cellwise(x1, x2, ZERO)
    O = replace(x3, ONE, TWO)
    return O


def solve_05269061(I: Grid) -> Grid:
    x1 = objects(I, F, T, T)
    x2 = merge(x1)
    x3 = invert(SIX)
    x4 = interval(x3, SEVEN, ONE)
    x5 = fork(astuple, identity, invert)
    x6 = apply(x5, x4)
    x7 = lbind(shift, x2)
    x8 = mapply(x7, x6)
    x9 = multiply(THREE, FOUR)
    x10 = invert(x9)
    x11 = increment(x9)
    x12 = interval(x10, x11, THREE)
    x13 = apply(tojvec, x12)
    x14 = lbind(shift, x8)
    x15 = mapply(x14, x13)
    O = paint(I, x15)
    return O


def solve_05f2a901(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = ofcolor(I, EIGHT)
    x3 = gravitate(x1, x2)
    x4 = toobject(x1, I)
    O = move(I, x4, x3)
    return O


def solve_06df4c85(I: Grid) -> Grid:
    x1 = mostcolor(I)
    x2 = palette(I)
    x3 = remove(ZERO, x2)
    x4 = remove(x1, x3)
    x5 = lbind(ofcolor, I)
    x6 = lbind(prapply, connect)
    x7 = fork(x6, x5, x5)
    x8 = fork(either, hline, vline)
    x9 = rbind(mfilter, x8)
    x10 = compose(x9, x7)
    x11 = ofcolor(I, ZERO)
    x12 = rbind(intersection, x11)
    x13 = compose(x12, x10)
    x14 = fork(recolor, identity, x13)
    x15 = mapply(x14, x4)
    O = paint(I, x15)
    return O


def solve_08ed6ac7(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = order(x1, height)
    x3 = size(x1)
    x4 = interval(x3, ZERO, NEG_ONE)
    x5 = mpapply(recolor, x4, x2)
    O = paint(I, x5)
    return O


def solve_09629e4f(I: Grid) -> Grid:
    x1 = vsplit(I, THREE)
    x2 = rbind(hsplit, THREE)
    x3 = mapply(x2, x1)
    x4 = rbind(colorcount, ZERO)
    x5 = argmax(x3, x4)
    x6 = upscale(x5, FOUR)
    x7 = shape(I)
    x8 = crop(x6, ORIGIN, x7)
    x9 = ofcolor(I, FIVE)
    O = fill(x8, FIVE, x9)
    return O


def solve_0962bcdd(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = ineighbors(ORIGIN)
    x4 = apply(double, x3)
    x5 = combine(x3, x4)
    x6 = lbind(shift, x5)
    x7 = mapply(x6, x2)
    x8 = fill(I, x1, x7)
    x9 = first(x2)
    x10 = add(x9, DOWN)
    x11 = index(I, x10)
    x12 = dneighbors(ORIGIN)
    x13 = apply(double, x12)
    x14 = lbind(shift, x13)
    x15 = mapply(x14, x2)
    O = fill(x8, x11, x15)
    return O


def solve_0a938d79(I: Grid) -> Grid:
    x1 = portrait(I)
    x2 = dmirror(I)
    x3 = branch(x1, x2, I)
    x4 = objects(x3, T, F, T)
    x5 = argmin(x4, leftmost)
    x6 = argmax(x4, leftmost)
    x7 = leftmost(x5)
    x8 = leftmost(x6)
    x9 = subtract(x8, x7)
    x10 = double(x9)
    x11 = width(x3)
    x12 = interval(x7, x11, x10)
    x13 = interval(x8, x11, x10)
    x14 = apply(tojvec, x12)
    x15 = apply(tojvec, x13)
    x16 = mapply(vfrontier, x14)
    x17 = mapply(vfrontier, x15)
    x18 = color(x5)
    x19 = color(x6)
    x20 = fill(x3, x18, x16)
    x21 = fill(x20, x19, x17)
    x22 = dmirror(x21)
    O = branch(x1, x22, x21)
    return O


def solve_0b148d64(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = ulcorner(x2)
    x4 = shape(x2)
    O = crop(I, x3, x4)
    return O


def solve_0ca9ddb6(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = colorfilter(x1, TWO)
    x3 = compose(corners, outbox)
    x4 = mapply(x3, x2)
    x5 = colorfilter(x1, ONE)
    x6 = fork(difference, outbox, x3)
    x7 = mapply(x6, x5)
    x8 = underfill(I, FOUR, x4)
    O = underfill(x8, SEVEN, x7)
    return O


def solve_0d3d703e(I: Grid) -> Grid:
    x1 = rbind(switch, FOUR)
    x2 = rbind(x1, THREE)
    x3 = rbind(switch, NINE)
    x4 = rbind(x3, EIGHT)
    x5 = rbind(switch, SIX)
    x6 = rbind(x5, TWO)
    x7 = rbind(switch, FIVE)
    x8 = rbind(x7, ONE)
    x9 = chain(x2, x4, x6)
    x10 = compose(x9, x8)
    x11 = initset(x10)
    x12 = rapply(x11, I)
    O = first(x12)
    return O


def solve_0dfd9992(I: Grid) -> Grid:
    x1 = lbind(contained, ZERO)
    x2 = chain(flip, x1, palette)
    x3 = height(I)
    x4 = vsplit(I, x3)
    x5 = sfilter(x4, x2)
    x6 = compose(hperiod, asobject)
    x7 = valmax(x5, x6)
    x8 = width(I)
    x9 = hsplit(I, x8)
    x10 = sfilter(x9, x2)
    x11 = compose(vperiod, asobject)
    x12 = valmax(x10, x11)
    x13 = astuple(x12, x7)
    x14 = interval(NEG_TWO, THREE, ONE)
    x15 = product(x14, x14)
    x16 = lbind(multiply, x13)
    x17 = apply(x16, x15)
    x18 = ofcolor(I, ZERO)
    x19 = asindices(I)
    x20 = difference(x19, x18)
    x21 = toobject(x20, I)
    x22 = lbind(shift, x21)
    x23 = mapply(x22, x17)
    O = paint(I, x23)
    return O


def solve_0e206a2e(I: Grid) -> Grid:
    x1 = objects(I, F, F, T)
    x2 = compose(positive, decrement)
    x3 = compose(x2, numcolors)
    x4 = sfilter(x1, x3)
    x5 = merge(x4)
    x6 = cover(I, x5)
    x7 = apply(hmirror, x4)
    x8 = apply(vmirror, x4)
    x9 = apply(hmirror, x8)
    x10 = combine(x4, x7)
    x11 = combine(x8, x9)
    x12 = combine(x10, x11)
    x13 = apply(dmirror, x12)
    x14 = combine(x12, x13)
    x15 = lbind(compose, flip)
    x16 = lbind(matcher, first)
    x17 = chain(x15, x16, mostcolor)
    x18 = fork(sfilter, identity, x17)
    x19 = compose(ulcorner, x18)
    x20 = lbind(occurrences, x6)
    x21 = compose(x20, x18)
    x22 = lbind(rbind, subtract)
    x23 = compose(x22, x19)
    x24 = fork(apply, x23, x21)
    x25 = lbind(lbind, shift)
    x26 = fork(mapply, x25, x24)
    x27 = mapply(x26, x14)
    O = paint(x6, x27)
    return O


def solve_10fcaaa3(I: Grid) -> Grid:
    x1 = hconcat(I, I)
    x2 = vconcat(x1, x1)
    x3 = ofcolor(x2, ZERO)
    x4 = asindices(x2)
    x5 = difference(x4, x3)
    x6 = mapply(ineighbors, x5)
    x7 = intersection(x6, x3)
    O = fill(x2, EIGHT, x7)
    return O


def solve_11852cab(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = merge(x1)
    x3 = hmirror(x2)
    x4 = combine(x2, x3)
    x5 = vmirror(x4)
    x6 = combine(x4, x5)
    x7 = dmirror(x6)
    x8 = combine(x6, x7)
    O = paint(I, x8)
    return O


def solve_1190e5a7(I: Grid) -> Grid:
    x1 = mostcolor(I)
    x2 = objects(I, T, F, F)
    x3 = colorfilter(x2, x1)
    x4 = apply(uppermost, x3)
    x5 = apply(leftmost, x3)
    x6 = size(x4)
    x7 = size(x5)
    x8 = astuple(x6, x7)
    O = canvas(x1, x8)
    return O


def solve_137eaa0f(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = rbind(subtract, UNITY)
    x3 = apply(x2, x1)
    x4 = lbind(crop, I)
    x5 = rbind(x4, THREE_BY_THREE)
    x6 = apply(x5, x3)
    x7 = mapply(asobject, x6)
    x8 = canvas(ZERO, THREE_BY_THREE)
    O = paint(x8, x7)
    return O


def solve_178fcbfb(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = mapply(vfrontier, x1)
    x3 = fill(I, TWO, x2)
    x4 = objects(I, T, F, T)
    x5 = colorfilter(x4, TWO)
    x6 = difference(x4, x5)
    x7 = compose(hfrontier, center)
    x8 = fork(recolor, color, x7)
    x9 = mapply(x8, x6)
    O = paint(x3, x9)
    return O


def solve_1a07d186(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = sizefilter(x1, ONE)
    x3 = merge(x2)
    x4 = cover(I, x3)
    x5 = difference(x1, x2)
    x6 = lbind(rbind, gravitate)
    x7 = lbind(fork, shift)
    x8 = lbind(x7, identity)
    x9 = compose(x8, x6)
    x10 = lbind(colorfilter, x2)
    x11 = compose(x10, color)
    x12 = fork(mapply, x9, x11)
    x13 = mapply(x12, x5)
    O = paint(x4, x13)
    return O


def solve_1b2d62fb(I: Grid) -> Grid:
    x1 = hsplit(I, TWO)
    x2 = first(x1)
    x3 = last(x1)
    x4 = cellwise(x2, x3, NINE)
    x5 = replace(x4, ZERO, EIGHT)
    O = replace(x5, NINE, ZERO)
    return O


def solve_1b60fb0c(I: Grid) -> Grid:
    x1 = ofcolor(I, ONE)
    x2 = height(x1)
    x3 = uppermost(x1)
    x4 = rightmost(x1)
    x5 = subtract(x4, x2)
    x6 = increment(x5)
    x7 = astuple(x3, x6)
    x8 = astuple(x2, x2)
    x9 = crop(I, x7, x8)
    x10 = rot90(x9)
    x11 = rot180(x9)
    x12 = rot270(x9)
    x13 = ofcolor(x10, ONE)
    x14 = ofcolor(x11, ONE)
    x15 = ofcolor(x12, ONE)
    x16 = combine(x13, x14)
    x17 = combine(x16, x15)
    x18 = shift(x17, x7)
    O = underfill(I, TWO, x18)
    return O


def solve_1bfc4729(I: Grid) -> Grid:
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = leastcolor(x1)
    x4 = leastcolor(x2)
    x5 = ofcolor(I, x3)
    x6 = first(x5)
    x7 = hfrontier(x6)
    x8 = asindices(I)
    x9 = box(x8)
    x10 = combine(x7, x9)
    x11 = fill(I, x3, x10)
    x12 = tophalf(x11)
    x13 = hmirror(x12)
    x14 = replace(x13, x3, x4)
    O = vconcat(x12, x14)
    return O


def solve_1c786137(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = fork(equality, toindices, box)
    x3 = sfilter(x1, x2)
    x4 = argmax(x3, size)
    x5 = inbox(x4)
    O = subgrid(x5, I)
    return O


def solve_1caeab9d(I: Grid) -> Grid:
    x1 = objects(I, T, T, T)
    x2 = colorfilter(x1, ONE)
    x3 = first(x2)
    x4 = uppermost(x3)
    x5 = lbind(astuple, x4)
    x6 = compose(x5, leftmost)
    x7 = fork(shift, normalize, x6)
    x8 = mapply(x7, x1)
    x9 = shape(I)
    x10 = canvas(ZERO, x9)
    O = paint(x10, x8)
    return O


def solve_1cf80156(I: Grid) -> Grid:
    x1 = mostcolor(I)
    x2 = ofcolor(I, x1)
    x3 = asindices(I)
    x4 = difference(x3, x2)
    O = subgrid(x4, I)
    return O


def solve_1e0a9b12(I: Grid) -> Grid:
    x1 = dmirror(I)
    x2 = rbind(sfilter, positive)
    x3 = matcher(identity, ZERO)
    x4 = rbind(sfilter, x3)
    x5 = fork(combine, x4, x2)
    x6 = apply(x5, x1)
    O = dmirror(x6)
    return O


def solve_1e32b0e9(I: Grid) -> Grid:
    x1 = astuple(FIVE, FIVE)
    x2 = crop(I, ORIGIN, x1)
    x3 = ofcolor(x2, ZERO)
    x4 = asindices(x2)
    x5 = difference(x4, x3)
    x6 = astuple(FIVE, ZERO)
    x7 = index(I, x6)
    x8 = width(I)
    x9 = interval(ZERO, x8, SIX)
    x10 = product(x9, x9)
    x11 = lbind(shift, x5)
    x12 = mapply(x11, x10)
    O = underfill(I, x7, x12)
    return O


def solve_1f0c79e5(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = palette(I)
    x3 = remove(ZERO, x2)
    x4 = other(x3, TWO)
    x5 = ofcolor(I, ZERO)
    x6 = asindices(I)
    x7 = difference(x6, x5)
    x8 = ulcorner(x7)
    x9 = rbind(subtract, x8)
    x10 = compose(double, x9)
    x11 = rbind(subtract, UNITY)
    x12 = compose(x11, x10)
    x13 = lbind(shoot, ORIGIN)
    x14 = compose(x13, x12)
    x15 = mapply(x14, x1)
    x16 = lbind(shift, x7)
    x17 = mapply(x16, x15)
    O = fill(I, x4, x17)
    return O


def solve_1f642eb9(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, size)
    x3 = remove(x2, x1)
    x4 = toindices(x2)
    x5 = lbind(argmin, x4)
    x6 = lbind(rbind, manhattan)
    x7 = rbind(compose, initset)
    x8 = compose(x7, x6)
    x9 = compose(x5, x8)
    x10 = compose(initset, x9)
    x11 = fork(recolor, color, x10)
    x12 = mapply(x11, x3)
    O = paint(I, x12)
    return O


def solve_1f85a75f(I: Grid) -> Grid:
    x1 = objects(I, T, T, T)
    x2 = valmax(x1, size)
    x3 = sizefilter(x1, x2)
    x4 = merge(x3)
    O = subgrid(x4, I)
    return O


def solve_1f876c06(I: Grid) -> Grid:
    x1 = palette(I)
    x2 = remove(ZERO, x1)
    x3 = lbind(ofcolor, I)
    x4 = fork(connect, first, last)
    x5 = compose(x4, x3)
    x6 = fork(recolor, identity, x5)
    x7 = mapply(x6, x2)
    O = paint(I, x7)
    return O


def solve_1fad071e(I: Grid) -> Grid:
    x1 = canvas(ONE, TWO_BY_TWO)
    x2 = asobject(x1)
    x3 = occurrences(I, x2)
    x4 = size(x3)
    x5 = astuple(ONE, FIVE)
    x6 = canvas(ZERO, x5)
    x7 = decrement(x4)
    x8 = tojvec(x7)
    x9 = connect(ORIGIN, x8)
    O = fill(x6, ONE, x9)
    return O


def solve_2013d3e2(I: Grid) -> Grid:
    x1 = ofcolor(I, ZERO)
    x2 = asindices(I)
    x3 = difference(x2, x1)
    x4 = ulcorner(x3)
    O = crop(I, x4, THREE_BY_THREE)
    return O


def solve_2204b7a8(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = colorfilter(x1, THREE)
    x3 = difference(x1, x2)
    x4 = lbind(lbind, manhattan)
    x5 = lbind(argmin, x3)
    x6 = chain(color, x5, x4)
    x7 = fork(recolor, x6, identity)
    x8 = mapply(x7, x2)
    O = paint(I, x8)
    return O


def solve_22168020(I: Grid) -> Grid:
    x1 = asindices(I)
    x2 = ofcolor(I, ZERO)
    x3 = difference(x1, x2)
    x4 = lbind(index, I)
    x5 = lbind(ofcolor, I)
    x6 = compose(x5, x4)
    x7 = fork(intersection, hfrontier, x6)
    x8 = compose(backdrop, x7)
    x9 = fork(recolor, x4, x8)
    x10 = mapply(x9, x3)
    O = paint(I, x10)
    return O


def solve_22233c11(I: Grid) -> Grid:
    x1 = objects(I, T, T, T)
    x2 = fork(contained, ulcorner, toindices)
    x3 = sfilter(x1, x2)
    x4 = difference(x1, x3)
    x5 = compose(halve, height)
    x6 = compose(toivec, x5)
    x7 = compose(tojvec, x5)
    x8 = fork(subtract, x7, x6)
    x9 = compose(invert, x8)
    x10 = fork(add, x6, x7)
    x11 = compose(invert, x10)
    x12 = compose(vmirror, toindices)
    x13 = fork(shift, x12, x8)
    x14 = fork(shift, x12, x9)
    x15 = fork(combine, x13, x14)
    x16 = fork(difference, x15, backdrop)
    x17 = mapply(x16, x3)
    x18 = fork(shift, x12, x10)
    x19 = fork(shift, x12, x11)
    x20 = fork(combine, x18, x19)
    x21 = fork(difference, x20, backdrop)
    x22 = mapply(x21, x4)
    x23 = combine(x17, x22)
    O = fill(I, EIGHT, x23)
    return O


def solve_2281f1f4(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = mapply(vfrontier, x1)
    x3 = mapply(hfrontier, x1)
    x4 = intersection(x2, x3)
    x5 = underfill(I, TWO, x4)
    x6 = width(I)
    x7 = decrement(x6)
    x8 = tojvec(x7)
    x9 = initset(x8)
    O = fill(x5, ZERO, x9)
    return O


def solve_228f6490(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = rbind(bordering, I)
    x4 = compose(flip, x3)
    x5 = sfilter(x2, x4)
    x6 = colorfilter(x1, FIVE)
    x7 = difference(x1, x2)
    x8 = difference(x7, x6)
    x9 = lbind(colorfilter, x8)
    x10 = chain(size, x9, color)
    x11 = matcher(x10, ONE)
    x12 = sfilter(x8, x11)
    x13 = compose(normalize, toindices)
    x14 = apply(x13, x5)
    x15 = rbind(contained, x14)
    x16 = compose(x15, x13)
    x17 = sfilter(x12, x16)
    x18 = lbind(extract, x5)
    x19 = lbind(matcher, x13)
    x20 = chain(x18, x19, x13)
    x21 = fork(recolor, color, x20)
    x22 = mapply(x21, x17)
    x23 = merge(x17)
    x24 = cover(I, x23)
    O = paint(x24, x22)
    return O


def solve_22eb0ac0(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = matcher(height, ONE)
    x3 = sfilter(x1, x2)
    x4 = fork(connect, ulcorner, urcorner)
    x5 = fork(recolor, color, x4)
    x6 = mapply(x5, x3)
    O = paint(I, x6)
    return O


def solve_23581191(I: Grid) -> Grid:
    x1 = ofcolor(I, EIGHT)
    x2 = ofcolor(I, SEVEN)
    x3 = fork(combine, hfrontier, vfrontier)
    x4 = mapply(x3, x1)
    x5 = mapply(x3, x2)
    x6 = fill(I, EIGHT, x4)
    x7 = fill(x6, SEVEN, x5)
    x8 = intersection(x4, x5)
    O = fill(x7, TWO, x8)
    return O


def solve_239be575(I: Grid) -> Grid:
    x1 = objects(I, F, T, T)
    x2 = rbind(colorcount, TWO)
    x3 = valmax(x1, x2)
    x4 = equality(x3, EIGHT)
    x5 = canvas(EIGHT, UNITY)
    x6 = canvas(ZERO, UNITY)
    O = branch(x4, x5, x6)
    return O


def solve_23b5c85d(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = order(x1, size)
    x3 = first(x2)
    x4 = ulcorner(x3)
    x5 = shape(x3)
    O = crop(I, x4, x5)
    return O


def solve_253bf280(I: Grid) -> Grid:
    x1 = ofcolor(I, EIGHT)
    x2 = prapply(connect, x1, x1)
    x3 = fork(either, hline, vline)
    x4 = mfilter(x2, x3)
    x5 = fill(I, THREE, x4)
    O = fill(x5, EIGHT, x1)
    return O


def solve_25d487eb(I: Grid) -> Grid:
    x1 = objects(I, F, T, T)
    x2 = first(x1)
    x3 = leastcolor(x2)
    x4 = ofcolor(I, x3)
    x5 = center(x4)
    x6 = position(x4, x2)
    x7 = shoot(x5, x6)
    O = underfill(I, x3, x7)
    return O


def solve_25d8a9c8(I: Grid) -> Grid:
    x1 = frontiers(I)
    x2 = sfilter(x1, hline)
    x3 = merge(x2)
    x4 = shape(I)
    x5 = canvas(ZERO, x4)
    O = fill(x5, FIVE, x3)
    return O


def solve_25ff71a9(I: Grid) -> Grid:
    x1 = width(I)
    x2 = astuple(ONE, x1)
    x3 = canvas(ZERO, x2)
    x4 = vconcat(x3, I)
    x5 = shape(I)
    O = crop(x4, ORIGIN, x5)
    return O


def solve_272f95fa(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = rbind(bordering, I)
    x4 = compose(flip, x3)
    x5 = extract(x2, x4)
    x6 = lbind(position, x5)
    x7 = matcher(x6, UP)
    x8 = extract(x2, x7)
    x9 = matcher(x6, DOWN)
    x10 = extract(x2, x9)
    x11 = matcher(x6, LEFT)
    x12 = extract(x2, x11)
    x13 = matcher(x6, RIGHT)
    x14 = extract(x2, x13)
    x15 = fill(I, SIX, x5)
    x16 = fill(x15, TWO, x8)
    x17 = fill(x16, ONE, x10)
    x18 = fill(x17, FOUR, x12)
    O = fill(x18, THREE, x14)
    return O


def solve_27a28665(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = size(x1)
    x3 = equality(x2, SEVEN)
    x4 = equality(x2, NINE)
    x5 = equality(x2, FIVE)
    x6 = branch(x5, SIX, THREE)
    x7 = branch(x4, TWO, x6)
    x8 = branch(x3, ONE, x7)
    O = canvas(x8, UNITY)
    return O


def solve_28bf18c6(I: Grid) -> Grid:
    x1 = ofcolor(I, ZERO)
    x2 = asindices(I)
    x3 = difference(x2, x1)
    x4 = subgrid(x3, I)
    O = hconcat(x4, x4)
    return O


def solve_28e73c20(I: Grid) -> Grid:
    x1 = width(I)
    x2 = decrement(x1)
    x3 = astuple(x2, x2)
    x4 = increment(x1)
    x5 = halve(x4)
    x6 = interval(ZERO, x5, TWO)
    x7 = fork(astuple, identity, identity)
    x8 = apply(x7, x6)
    x9 = lbind(subtract, x3)
    x10 = fork(connect, identity, x9)
    x11 = compose(box, x10)
    x12 = mapply(x11, x8)
    x13 = fill(I, THREE, x12)
    x14 = halve(x2)
    x15 = interval(ZERO, x14, TWO)
    x16 = apply(x7, x15)
    x17 = rbind(add, DOWN)
    x18 = apply(x17, x16)
    x19 = fill(x13, ZERO, x18)
    x20 = add(DOWN, UNITY)
    x21 = rbind(add, x20)
    x22 = apply(x21, x16)
    O = fill(x19, THREE, x22)
    return O


def solve_29623171(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = replace(I, x1, ZERO)
    x3 = objects(x2, T, F, F)
    x4 = colorfilter(x3, ZERO)
    x5 = rbind(toobject, I)
    x6 = rbind(colorcount, x1)
    x7 = compose(x6, x5)
    x8 = valmax(x4, x7)
    x9 = matcher(x7, x8)
    x10 = mfilter(x4, x9)
    O = fill(x2, x1, x10)
    return O


def solve_29c11459(I: Grid) -> Grid:
    x1 = lefthalf(I)
    x2 = righthalf(I)
    x3 = objects(x1, T, F, T)
    x4 = objects(x2, T, F, T)
    x5 = compose(hfrontier, center)
    x6 = fork(recolor, color, x5)
    x7 = mapply(x6, x3)
    x8 = paint(x1, x7)
    x9 = mapply(x6, x4)
    x10 = paint(x2, x9)
    x11 = width(I)
    x12 = halve(x11)
    x13 = tojvec(x12)
    x14 = vfrontier(x13)
    x15 = objects(I, T, F, T)
    x16 = mapply(x5, x15)
    x17 = intersection(x14, x16)
    x18 = fill(I, FIVE, x17)
    x19 = height(I)
    x20 = astuple(x19, ONE)
    x21 = crop(x18, x13, x20)
    x22 = hconcat(x8, x21)
    O = hconcat(x22, x10)
    return O


def solve_29ec7d0e(I: Grid) -> Grid:
    x1 = height(I)
    x2 = vsplit(I, x1)
    x3 = rbind(colorcount, ZERO)
    x4 = matcher(x3, ZERO)
    x5 = sfilter(x2, x4)
    x6 = compose(hperiod, asobject)
    x7 = valmax(x5, x6)
    x8 = interval(NEG_TWO, THREE, ONE)
    x9 = rbind(multiply, x7)
    x10 = apply(x9, x8)
    x11 = product(x10, x10)
    x12 = ofcolor(I, ZERO)
    x13 = asindices(I)
    x14 = difference(x13, x12)
    x15 = toobject(x14, I)
    x16 = lbind(shift, x15)
    x17 = mapply(x16, x11)
    O = paint(I, x17)
    return O


def solve_2bcee788(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = colorfilter(x1, TWO)
    x3 = first(x2)
    x4 = difference(x1, x2)
    x5 = first(x4)
    x6 = hmatching(x3, x5)
    x7 = vmirror(x5)
    x8 = hmirror(x5)
    x9 = branch(x6, x7, x8)
    x10 = center(x3)
    x11 = center(x5)
    x12 = subtract(x10, x11)
    x13 = sign(x12)
    x14 = branch(x6, RIGHT, DOWN)
    x15 = multiply(x13, x14)
    x16 = shape(x5)
    x17 = multiply(x15, x16)
    x18 = shift(x9, x17)
    x19 = replace(I, ZERO, THREE)
    O = paint(x19, x18)
    return O


def solve_2bee17df(I: Grid) -> Grid:
    x1 = trim(I)
    x2 = frontiers(x1)
    x3 = colorfilter(x2, ZERO)
    x4 = merge(x3)
    x5 = shift(x4, UNITY)
    O = fill(I, THREE, x5)
    return O


def solve_2c608aff(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, size)
    x3 = remove(x2, x1)
    x4 = rbind(hmatching, x2)
    x5 = rbind(vmatching, x2)
    x6 = fork(either, x4, x5)
    x7 = sfilter(x3, x6)
    x8 = rbind(gravitate, x2)
    x9 = fork(add, center, x8)
    x10 = fork(connect, center, x9)
    x11 = fork(recolor, color, x10)
    x12 = mapply(x11, x7)
    O = paint(I, x12)
    return O


def solve_2dc579da(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = mostcolor(I)
    x3 = replace(I, x1, x2)
    x4 = objects(x3, T, F, F)
    x5 = ofcolor(I, x1)
    x6 = first(x5)
    x7 = lbind(contained, x6)
    x8 = compose(x7, toindices)
    x9 = extract(x4, x8)
    O = subgrid(x9, I)
    return O


def solve_2dee498d(I: Grid) -> Grid:
    x1 = hsplit(I, THREE)
    O = first(x1)
    return O


def solve_31aa019c(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = outbox(x2)
    x4 = asindices(I)
    x5 = fill(I, ZERO, x4)
    x6 = fill(x5, TWO, x3)
    O = fill(x6, x1, x2)
    return O


def solve_321b1fc6(I: Grid) -> Grid:
    x1 = replace(I, EIGHT, ZERO)
    x2 = asindices(I)
    x3 = ofcolor(x1, ZERO)
    x4 = difference(x2, x3)
    x5 = toobject(x4, I)
    x6 = normalize(x5)
    x7 = recolor(EIGHT, x6)
    x8 = occurrences(I, x7)
    x9 = lbind(shift, x6)
    x10 = mapply(x9, x8)
    x11 = shape(I)
    x12 = canvas(ZERO, x11)
    O = paint(x12, x10)
    return O


def solve_32597951(I: Grid) -> Grid:
    x1 = ofcolor(I, EIGHT)
    x2 = backdrop(x1)
    x3 = ofcolor(I, ONE)
    x4 = intersection(x2, x3)
    O = fill(I, THREE, x4)
    return O


def solve_3345333e(I: Grid) -> Grid:
    x1 = mostcolor(I)
    x2 = asobject(I)
    x3 = matcher(first, x1)
    x4 = compose(flip, x3)
    x5 = sfilter(x2, x4)
    x6 = leastcolor(x5)
    x7 = ofcolor(I, x6)
    x8 = fill(I, x1, x7)
    x9 = objects(x8, T, T, T)
    x10 = merge(x9)
    x11 = vmirror(x10)
    x12 = width(I)
    x13 = invert(x12)
    x14 = interval(x13, x12, ONE)
    x15 = apply(tojvec, x14)
    x16 = lbind(shift, x11)
    x17 = lbind(intersection, x10)
    x18 = compose(x17, x16)
    x19 = compose(size, x18)
    x20 = argmax(x15, x19)
    x21 = shift(x11, x20)
    O = paint(x8, x21)
    return O


def solve_3428a4f5(I: Grid) -> Grid:
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = ofcolor(x1, TWO)
    x4 = ofcolor(x2, TWO)
    x5 = combine(x3, x4)
    x6 = intersection(x3, x4)
    x7 = difference(x5, x6)
    x8 = shape(x1)
    x9 = canvas(ZERO, x8)
    O = fill(x9, THREE, x7)
    return O


def solve_3618c87e(I: Grid) -> Grid:
    x1 = ofcolor(I, ONE)
    x2 = fill(I, ZERO, x1)
    x3 = shift(x1, TWO_BY_ZERO)
    O = fill(x2, ONE, x3)
    return O


def solve_3631a71a(I: Grid) -> Grid:
    x1 = replace(I, NINE, ZERO)
    x2 = dmirror(x1)
    x3 = papply(pair, x1, x2)
    x4 = lbind(apply, maximum)
    x5 = apply(x4, x3)
    x6 = shape(I)
    x7 = subtract(x6, TWO)
    x8 = crop(x5, TWO_BY_TWO, x7)
    x9 = vmirror(x8)
    x10 = papply(pair, x8, x9)
    x11 = apply(x4, x10)
    x12 = hmirror(x11)
    x13 = papply(pair, x11, x12)
    x14 = apply(x4, x13)
    x15 = asobject(x14)
    x16 = shift(x15, TWO_BY_TWO)
    O = paint(x5, x16)
    return O


def solve_363442ee(I: Grid) -> Grid:
    x1 = crop(I, ORIGIN, THREE_BY_THREE)
    x2 = hconcat(x1, x1)
    x3 = hconcat(x2, x1)
    x4 = vconcat(x3, x3)
    x5 = vconcat(x4, x3)
    x6 = astuple(ONE, FIVE)
    x7 = astuple(SEVEN, SEVEN)
    x8 = crop(I, x6, x7)
    x9 = downscale(x8, THREE)
    x10 = upscale(x9, THREE)
    x11 = ofcolor(x10, ZERO)
    x12 = fill(x5, ZERO, x11)
    x13 = asobject(x12)
    x14 = tojvec(FOUR)
    x15 = shift(x13, x14)
    O = paint(I, x15)
    return O


def solve_36d67576(I: Grid) -> Grid:
    x1 = objects(I, F, T, T)
    x2 = argmax(x1, numcolors)
    x3 = hmirror(x2)
    x4 = vmirror(x2)
    x5 = hmirror(x4)
    x6 = initset(x2)
    x7 = insert(x3, x6)
    x8 = insert(x4, x7)
    x9 = insert(x5, x8)
    x10 = apply(dmirror, x9)
    x11 = combine(x9, x10)
    x12 = initset(TWO)
    x13 = insert(FOUR, x12)
    x14 = rbind(contained, x13)
    x15 = compose(x14, first)
    x16 = rbind(sfilter, x15)
    x17 = compose(ulcorner, x16)
    x18 = lbind(occurrences, I)
    x19 = compose(x18, x16)
    x20 = lbind(rbind, subtract)
    x21 = compose(x20, x17)
    x22 = fork(apply, x21, x19)
    x23 = lbind(lbind, shift)
    x24 = fork(mapply, x23, x22)
    x25 = mapply(x24, x11)
    O = paint(I, x25)
    return O


def solve_36fdfd69(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = shift(x1, DOWN)
    x3 = shift(x1, RIGHT)
    x4 = combine(x2, x3)
    x5 = fill(I, TWO, x4)
    x6 = objects(x5, T, T, F)
    x7 = colorfilter(x6, TWO)
    x8 = rbind(intersection, x1)
    x9 = chain(backdrop, x8, toindices)
    x10 = mapply(x9, x7)
    x11 = fill(I, FOUR, x10)
    O = fill(x11, TWO, x1)
    return O


def solve_3906de3d(I: Grid) -> Grid:
    x1 = replace(I, ZERO, NINE)
    x2 = rot270(x1)
    x3 = rbind(order, identity)
    x4 = apply(x3, x2)
    x5 = rot90(x4)
    O = replace(x5, NINE, ZERO)
    return O


def solve_39a8645d(I: Grid) -> Grid:
    x1 = objects(I, T, T, T)
    x2 = lbind(occurrences, I)
    x3 = compose(size, x2)
    x4 = argmax(x1, x3)
    O = subgrid(x4, I)
    return O


def solve_39e1d7f9(I: Grid) -> Grid:
    x1 = frontiers(I)
    x2 = first(x1)
    x3 = color(x2)
    x4 = objects(I, T, F, F)
    x5 = colorfilter(x4, x3)
    x6 = colorfilter(x4, ZERO)
    x7 = difference(x4, x5)
    x8 = difference(x7, x6)
    x9 = lbind(greater, FIVE)
    x10 = lbind(compose, x9)
    x11 = lbind(lbind, manhattan)
    x12 = compose(x10, x11)
    x13 = lbind(sfilter, x8)
    x14 = compose(x13, x12)
    x15 = compose(size, x14)
    x16 = argmax(x8, x15)
    x17 = initset(x16)
    x18 = apply(x14, x17)
    x19 = first(x18)
    x20 = merge(x19)
    x21 = color(x16)
    x22 = colorfilter(x8, x21)
    x23 = ulcorner(x16)
    x24 = rbind(subtract, x23)
    x25 = compose(x24, ulcorner)
    x26 = lbind(shift, x20)
    x27 = compose(x26, x25)
    x28 = mapply(x27, x22)
    O = paint(I, x28)
    return O


def solve_3aa6fb7a(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = fork(difference, corners, toindices)
    x3 = mapply(x2, x1)
    O = fill(I, ONE, x3)
    return O


def solve_3ac3eb23(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = merge(x1)
    x3 = shift(x2, DOWN_LEFT)
    x4 = shift(x2, UNITY)
    x5 = combine(x2, x3)
    x6 = combine(x5, x4)
    x7 = height(I)
    x8 = interval(ZERO, x7, TWO)
    x9 = apply(toivec, x8)
    x10 = lbind(shift, x6)
    x11 = mapply(x10, x9)
    O = paint(I, x11)
    return O


def solve_3af2c5a8(I: Grid) -> Grid:
    x1 = hmirror(I)
    x2 = vconcat(I, x1)
    x3 = rot180(x2)
    O = hconcat(x2, x3)
    return O


def solve_3bd67248(I: Grid) -> Grid:
    x1 = asindices(I)
    x2 = urcorner(x1)
    x3 = llcorner(x1)
    x4 = connect(x3, x2)
    x5 = fill(I, TWO, x4)
    x6 = hfrontier(x3)
    x7 = fill(x5, FOUR, x6)
    x8 = vfrontier(ORIGIN)
    x9 = index(I, ORIGIN)
    O = fill(x7, x9, x8)
    return O


def solve_3bdb4ada(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = compose(hfrontier, center)
    x3 = fork(intersection, toindices, x2)
    x4 = compose(normalize, x3)
    x5 = chain(flip, even, last)
    x6 = rbind(sfilter, x5)
    x7 = compose(x6, x4)
    x8 = compose(ulcorner, x3)
    x9 = fork(shift, x7, x8)
    x10 = mapply(x9, x1)
    O = fill(I, ZERO, x10)
    return O


def solve_3befdf3e(I: Grid) -> Grid:
    x1 = objects(I, F, F, T)
    x2 = rbind(subtract, TWO)
    x3 = compose(x2, width)
    x4 = compose(toivec, x3)
    x5 = compose(tojvec, x3)
    x6 = compose(invert, x4)
    x7 = compose(invert, x5)
    x8 = fork(shift, toindices, x4)
    x9 = fork(shift, toindices, x5)
    x10 = fork(shift, toindices, x6)
    x11 = fork(shift, toindices, x7)
    x12 = fork(combine, x8, x9)
    x13 = fork(combine, x10, x11)
    x14 = fork(combine, x12, x13)
    x15 = fork(recolor, mostcolor, x14)
    x16 = mapply(x15, x1)
    x17 = fork(recolor, leastcolor, box)
    x18 = fork(difference, backdrop, box)
    x19 = fork(recolor, mostcolor, x18)
    x20 = mapply(x17, x1)
    x21 = mapply(x19, x1)
    x22 = underpaint(I, x16)
    x23 = paint(x22, x20)
    O = paint(x23, x21)
    return O


def solve_3c9b0459(I: Grid) -> Grid:
    O = rot180(I)
    return O


def solve_3de23699(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = argmax(x1, width)
    x3 = other(x1, x2)
    x4 = subgrid(x2, I)
    x5 = trim(x4)
    x6 = color(x3)
    x7 = color(x2)
    O = replace(x5, x6, x7)
    return O


def solve_3e980e27(I: Grid) -> Grid:
    x1 = objects(I, F, T, T)
    x2 = sizefilter(x1, ONE)
    x3 = difference(x1, x2)
    x4 = lbind(lbind, contained)
    x5 = rbind(compose, palette)
    x6 = chain(x5, x4, color)
    x7 = lbind(extract, x3)
    x8 = compose(x7, x6)
    x9 = compose(vmirror, x8)
    x10 = matcher(first, TWO)
    x11 = rbind(extract, x10)
    x12 = chain(last, x11, x9)
    x13 = fork(subtract, ulcorner, x12)
    x14 = fork(shift, x9, x13)
    x15 = colorfilter(x2, TWO)
    x16 = mapply(x14, x15)
    x17 = matcher(first, THREE)
    x18 = rbind(extract, x17)
    x19 = chain(last, x18, x8)
    x20 = fork(subtract, ulcorner, x19)
    x21 = fork(shift, x8, x20)
    x22 = colorfilter(x2, THREE)
    x23 = mapply(x21, x22)
    x24 = paint(I, x16)
    O = paint(x24, x23)
    return O


def solve_3eda0437(I: Grid) -> Grid:
    x1 = canvas(ZERO, TWO_BY_TWO)
    x2 = asobject(x1)
    x3 = occurrences(I, x2)
    x4 = apply(increment, x3)
    x5 = product(x3, x4)
    x6 = apply(backdrop, x5)
    x7 = ofcolor(I, ZERO)
    x8 = rbind(difference, x7)
    x9 = compose(size, x8)
    x10 = matcher(x9, ZERO)
    x11 = fork(either, hline, vline)
    x12 = compose(flip, x11)
    x13 = fork(both, x10, x12)
    x14 = sfilter(x6, x13)
    x15 = argmax(x14, size)
    O = fill(I, SIX, x15)
    return O


def solve_3f7978a0(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = ulcorner(x1)
    x3 = add(x2, UP)
    x4 = shape(x1)
    x5 = add(x4, TWO_BY_ZERO)
    O = crop(I, x3, x5)
    return O


def solve_d9f24cd1(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = ofcolor(I, FIVE)
    x3 = mapply(vfrontier, x1)
    x4 = intersection(x3, x2)
    x5 = rbind(shoot, UP)
    x6 = mapply(x5, x4)
    x7 = rbind(add, UNITY)
    x8 = compose(x5, x7)
    x9 = mapply(x8, x4)
    x10 = difference(x3, x6)
    x11 = combine(x10, x9)
    O = underfill(I, TWO, x11)
    return O
