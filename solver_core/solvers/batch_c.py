"""Solvers for ARC-AGI-1 training tasks 9–c8 (batch C)."""

from __future__ import annotations

from solver_core.constants import *
from solver_core.dsl import *
from solver_core.types import Grid


def solve_90c28cc7(I: Grid) -> Grid:
    x1 = dedupe(I)
    x2 = dmirror(x1)
    x3 = dedupe(x2)
    x4 = dmirror(x3)
    x5 = ofcolor(x4, ZERO)
    x6 = asindices(x4)
    x7 = difference(x6, x5)
    O = subgrid(x7, x4)
    return O


def solve_913fb3ed(I: Grid) -> Grid:
    x1 = ofcolor(I, THREE)
    x2 = mapply(neighbors, x1)
    x3 = fill(I, SIX, x2)
    x4 = ofcolor(I, EIGHT)
    x5 = mapply(neighbors, x4)
    x6 = fill(x3, FOUR, x5)
    x7 = ofcolor(I, TWO)
    x8 = mapply(neighbors, x7)
    O = fill(x6, ONE, x8)
    return O


def solve_91413438(I: Grid) -> Grid:
    x1 = colorcount(I, ZERO)
    x2 = subtract(NINE, x1)
    x3 = interval(ZERO, x1, ONE)
    x4 = product(x3, x3)
    x5 = rbind(multiply, x1)
    x6 = compose(x5, first)
    x7 = fork(add, x6, last)
    x8 = lbind(greater, x2)
    x9 = compose(x8, x7)
    x10 = sfilter(x4, x9)
    x11 = rbind(multiply, THREE)
    x12 = apply(x11, x10)
    x13 = asobject(I)
    x14 = lbind(shift, x13)
    x15 = mapply(x14, x12)
    x16 = multiply(x1, THREE)
    x17 = astuple(x16, x16)
    x18 = canvas(ZERO, x17)
    O = paint(x18, x15)
    return O


def solve_91714a58(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, size)
    x3 = color(x2)
    x4 = ofcolor(I, x3)
    x5 = shift(x4, UP)
    x6 = shift(x4, LEFT)
    x7 = shift(x4, NEG_UNITY)
    x8 = intersection(x4, x5)
    x9 = intersection(x6, x7)
    x10 = intersection(x8, x9)
    x11 = shift(x10, UNITY)
    x12 = combine(x10, x11)
    x13 = backdrop(x12)
    x14 = shape(I)
    x15 = canvas(ZERO, x14)
    O = fill(x15, x3, x13)
    return O


def solve_9172f3a0(I: Grid) -> Grid:
    O = upscale(I, THREE)
    return O


def solve_928ad970(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = inbox(x1)
    x3 = palette(I)
    x4 = remove(FIVE, x3)
    x5 = other(x4, ZERO)
    O = fill(I, x5, x2)
    return O


def solve_93b581b8(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = merge(x1)
    x3 = dmirror(x2)
    x4 = cmirror(x3)
    x5 = upscale(x4, THREE)
    x6 = astuple(NEG_TWO, NEG_TWO)
    x7 = shift(x5, x6)
    x8 = paint(I, x7)
    x9 = toindices(x2)
    x10 = mapply(hfrontier, x9)
    x11 = mapply(vfrontier, x9)
    x12 = combine(x10, x11)
    x13 = fill(x8, ZERO, x12)
    O = paint(x13, x2)
    return O


def solve_941d9a10(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = argmin(x2, ulcorner)
    x4 = argmax(x2, lrcorner)
    x5 = shape(I)
    x6 = halve(x5)
    x7 = apply(toindices, x2)
    x8 = lbind(contained, x6)
    x9 = extract(x7, x8)
    x10 = fill(I, ONE, x3)
    x11 = fill(x10, TWO, x9)
    O = fill(x11, THREE, x4)
    return O


def solve_94f9d214(I: Grid) -> Grid:
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = cellwise(x1, x2, TWO)
    O = switch(x3, ZERO, TWO)
    return O


def solve_952a094c(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, size)
    x3 = inbox(x2)
    x4 = outbox(x2)
    x5 = corners(x3)
    x6 = fill(I, ZERO, x5)
    x7 = ulcorner(x3)
    x8 = index(I, x7)
    x9 = lrcorner(x4)
    x10 = initset(x9)
    x11 = fill(x6, x8, x10)
    x12 = urcorner(x3)
    x13 = index(I, x12)
    x14 = llcorner(x4)
    x15 = initset(x14)
    x16 = fill(x11, x13, x15)
    x17 = llcorner(x3)
    x18 = index(I, x17)
    x19 = urcorner(x4)
    x20 = initset(x19)
    x21 = fill(x16, x18, x20)
    x22 = lrcorner(x3)
    x23 = index(I, x22)
    x24 = ulcorner(x4)
    x25 = initset(x24)
    O = fill(x21, x23, x25)
    return O


def solve_9565186b(I: Grid) -> Grid:
    x1 = mostcolor(I)
    x2 = shape(I)
    x3 = canvas(x1, x2)
    O = cellwise(I, x3, FIVE)
    return O


def solve_95990924(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = apply(outbox, x1)
    x3 = apply(ulcorner, x2)
    x4 = fill(I, ONE, x3)
    x5 = apply(urcorner, x2)
    x6 = fill(x4, TWO, x5)
    x7 = apply(llcorner, x2)
    x8 = fill(x6, THREE, x7)
    x9 = apply(lrcorner, x2)
    O = fill(x8, FOUR, x9)
    return O


def solve_963e52fc(I: Grid) -> Grid:
    x1 = asobject(I)
    x2 = hperiod(x1)
    x3 = width(I)
    x4 = double(x3)
    x5 = interval(ZERO, x4, x2)
    x6 = apply(tojvec, x5)
    x7 = lbind(shift, x1)
    x8 = mapply(x7, x6)
    x9 = height(I)
    x10 = astuple(x9, x4)
    x11 = canvas(ZERO, x10)
    O = paint(x11, x8)
    return O


def solve_97999447(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = rbind(shoot, RIGHT)
    x3 = compose(x2, center)
    x4 = fork(recolor, color, x3)
    x5 = mapply(x4, x1)
    x6 = paint(I, x5)
    x7 = interval(ZERO, TEN, ONE)
    x8 = apply(double, x7)
    x9 = apply(increment, x8)
    x10 = apply(tojvec, x9)
    x11 = prapply(shift, x1, x10)
    x12 = merge(x11)
    O = fill(x6, FIVE, x12)
    return O


def solve_995c5fa3(I: Grid) -> Grid:
    x1 = hsplit(I, THREE)
    x2 = rbind(ofcolor, ZERO)
    x3 = lbind(contained, UNITY)
    x4 = compose(x3, x2)
    x5 = lbind(contained, DOWN)
    x6 = compose(x5, x2)
    x7 = astuple(THREE, ONE)
    x8 = lbind(contained, x7)
    x9 = compose(x8, x2)
    x10 = rbind(multiply, SIX)
    x11 = compose(x10, x4)
    x12 = rbind(multiply, TWO)
    x13 = compose(x12, x9)
    x14 = fork(add, x11, x6)
    x15 = fork(add, x14, x13)
    x16 = compose(increment, x15)
    x17 = compose(increment, x16)
    x18 = rbind(canvas, UNITY)
    x19 = compose(x18, x17)
    x20 = apply(x19, x1)
    x21 = merge(x20)
    O = hupscale(x21, THREE)
    return O


def solve_99b1bc43(I: Grid) -> Grid:
    x1 = tophalf(I)
    x2 = bottomhalf(I)
    x3 = replace(x2, TWO, ONE)
    x4 = cellwise(x1, x3, THREE)
    O = replace(x4, ONE, ZERO)
    return O


def solve_99fa7670(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = rbind(shoot, RIGHT)
    x3 = compose(x2, center)
    x4 = fork(recolor, color, x3)
    x5 = mapply(x4, x1)
    x6 = paint(I, x5)
    x7 = width(I)
    x8 = decrement(x7)
    x9 = tojvec(x8)
    x10 = height(I)
    x11 = astuple(x10, ONE)
    x12 = crop(x6, x9, x11)
    x13 = shape(I)
    x14 = canvas(ZERO, x13)
    x15 = hconcat(x12, x14)
    x16 = rbind(shift, DOWN)
    x17 = compose(x16, asobject)
    x18 = fork(underpaint, identity, x17)
    x19 = power(x18, x10)
    x20 = repeat(x15, ONE)
    x21 = apply(x19, x20)
    x22 = first(x21)
    x23 = crop(x22, ORIGIN, x11)
    x24 = asobject(x23)
    x25 = shift(x24, x9)
    O = paint(x6, x25)
    return O


def solve_9af7a82c(I: Grid) -> Grid:
    x1 = partition(I)
    x2 = compose(invert, size)
    x3 = order(x1, x2)
    x4 = chain(toivec, decrement, size)
    x5 = lbind(connect, ORIGIN)
    x6 = compose(x5, x4)
    x7 = fork(recolor, color, x6)
    x8 = apply(x7, x3)
    x9 = size(x3)
    x10 = interval(ZERO, x9, ONE)
    x11 = apply(tojvec, x10)
    x12 = mpapply(shift, x8, x11)
    x13 = valmax(x1, size)
    x14 = astuple(x13, x9)
    x15 = canvas(ZERO, x14)
    O = paint(x15, x12)
    return O


def solve_9dfd6313(I: Grid) -> Grid:
    O = dmirror(I)
    return O


def solve_9ecd008a(I: Grid) -> Grid:
    x1 = rot180(I)
    x2 = ofcolor(I, ZERO)
    x3 = ulcorner(x2)
    x4 = shape(x2)
    O = crop(x1, x3, x4)
    return O


def solve_9edfc990(I: Grid) -> Grid:
    x1 = replace(I, ONE, ZERO)
    x2 = objects(x1, T, F, F)
    x3 = colorfilter(x2, ZERO)
    x4 = rbind(toobject, I)
    x5 = lbind(contained, ONE)
    x6 = chain(x5, palette, x4)
    x7 = mfilter(x3, x6)
    O = fill(I, ONE, x7)
    return O


def solve_9f236235(I: Grid) -> Grid:
    x1 = frontiers(I)
    x2 = fork(add, uppermost, leftmost)
    x3 = valmin(x1, x2)
    x4 = increment(x3)
    x5 = downscale(I, x4)
    O = vmirror(x5)
    return O


def solve_a1570a43(I: Grid) -> Grid:
    x1 = replace(I, TWO, ZERO)
    x2 = ofcolor(I, THREE)
    x3 = inbox(x2)
    x4 = ulcorner(x3)
    x5 = ofcolor(I, TWO)
    x6 = normalize(x5)
    x7 = shift(x6, x4)
    O = fill(x1, TWO, x7)
    return O


def solve_a2fd1cf0(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = ofcolor(I, THREE)
    x3 = first(x1)
    x4 = first(x2)
    x5 = first(x3)
    x6 = last(x4)
    x7 = astuple(x5, x6)
    x8 = connect(x3, x7)
    x9 = connect(x7, x4)
    x10 = combine(x8, x9)
    O = underfill(I, EIGHT, x10)
    return O


def solve_a3325580(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = valmax(x1, size)
    x3 = matcher(size, x2)
    x4 = sfilter(x1, x3)
    x5 = order(x4, leftmost)
    x6 = apply(color, x5)
    O = repeat(x6, x2)
    return O


def solve_a3df8b1e(I: Grid) -> Grid:
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
    x20 = canvas(ZERO, x19)
    O = fill(x20, ONE, x18)
    return O


def solve_a416b8f3(I: Grid) -> Grid:
    O = hconcat(I, I)
    return O


def solve_a48eeaf7(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = outbox(x1)
    x3 = uppermost(x2)
    x4 = lowermost(x2)
    x5 = leftmost(x2)
    x6 = rightmost(x2)
    x7 = initset(x4)
    x8 = rbind(insert, x7)
    x9 = chain(minimum, x8, first)
    x10 = initset(x3)
    x11 = rbind(insert, x10)
    x12 = chain(maximum, x11, x9)
    x13 = initset(x6)
    x14 = rbind(insert, x13)
    x15 = chain(minimum, x14, last)
    x16 = initset(x5)
    x17 = rbind(insert, x16)
    x18 = chain(maximum, x17, x15)
    x19 = fork(astuple, x12, x18)
    x20 = ofcolor(I, FIVE)
    x21 = apply(x19, x20)
    x22 = replace(I, FIVE, ZERO)
    O = fill(x22, FIVE, x21)
    return O


def solve_a5313dff(I: Grid) -> Grid:
    x1 = ofcolor(I, ZERO)
    x2 = asindices(I)
    x3 = box(x2)
    x4 = intersection(x1, x3)
    x5 = objects(I, T, F, F)
    x6 = colorfilter(x5, ZERO)
    x7 = rbind(intersection, x4)
    x8 = chain(size, x7, toindices)
    x9 = matcher(x8, ZERO)
    x10 = mfilter(x6, x9)
    O = underfill(I, ONE, x10)
    return O


def solve_a5f85a15(I: Grid) -> Grid:
    x1 = objects(I, T, T, T)
    x2 = chain(flip, even, first)
    x3 = rbind(sfilter, x2)
    x4 = chain(x3, normalize, toindices)
    x5 = fork(shift, x4, ulcorner)
    x6 = mapply(x5, x1)
    O = fill(I, FOUR, x6)
    return O


def solve_a61ba2ce(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = apply(normalize, x1)
    x3 = compose(first, delta)
    x4 = lbind(subtract, UNITY)
    x5 = compose(x4, x3)
    x6 = rbind(multiply, TWO)
    x7 = compose(x6, x5)
    x8 = fork(shift, identity, x7)
    x9 = mapply(x8, x2)
    x10 = astuple(FOUR, FOUR)
    x11 = canvas(ZERO, x10)
    O = paint(x11, x9)
    return O


def solve_a61f2674(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, height)
    x3 = argmin(x1, height)
    x4 = shape(I)
    x5 = canvas(ZERO, x4)
    x6 = fill(x5, ONE, x2)
    O = fill(x6, TWO, x3)
    return O


def solve_a65b410d(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = urcorner(x1)
    x3 = shoot(x2, LEFT)
    x4 = rbind(shoot, UP_RIGHT)
    x5 = mapply(x4, x3)
    x6 = underfill(I, THREE, x5)
    x7 = rbind(shoot, DOWN_LEFT)
    x8 = mapply(x7, x1)
    O = underfill(x6, ONE, x8)
    return O


def solve_a68b268e(I: Grid) -> Grid:
    x1 = vsplit(I, TWO)
    x2 = rbind(hsplit, TWO)
    x3 = apply(x2, x1)
    x4 = first(x3)
    x5 = last(x3)
    x6 = matcher(first, ZERO)
    x7 = compose(flip, x6)
    x8 = rbind(sfilter, x7)
    x9 = compose(x8, asobject)
    x10 = apply(x9, x4)
    x11 = apply(x9, x5)
    x12 = last(x5)
    x13 = first(x11)
    x14 = paint(x12, x13)
    x15 = last(x10)
    x16 = paint(x14, x15)
    x17 = first(x10)
    O = paint(x16, x17)
    return O


def solve_a699fb00(I: Grid) -> Grid:
    x1 = ofcolor(I, ONE)
    x2 = shift(x1, ZERO_BY_TWO)
    x3 = intersection(x2, x1)
    x4 = shift(x3, LEFT)
    x5 = recolor(TWO, x4)
    O = paint(I, x5)
    return O


def solve_a740d043(I: Grid) -> Grid:
    x1 = mostcolor(I)
    x2 = ofcolor(I, x1)
    x3 = asindices(I)
    x4 = difference(x3, x2)
    x5 = replace(I, x1, ZERO)
    O = subgrid(x4, x5)
    return O


def solve_a79310a0(I: Grid) -> Grid:
    x1 = ofcolor(I, EIGHT)
    x2 = shift(x1, DOWN)
    x3 = shape(I)
    x4 = canvas(ZERO, x3)
    O = fill(x4, TWO, x2)
    return O


def solve_a85d4709(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = matcher(last, ZERO)
    x3 = sfilter(x1, x2)
    x4 = mapply(hfrontier, x3)
    x5 = matcher(last, ONE)
    x6 = sfilter(x1, x5)
    x7 = mapply(hfrontier, x6)
    x8 = matcher(last, TWO)
    x9 = sfilter(x1, x8)
    x10 = mapply(hfrontier, x9)
    x11 = fill(I, TWO, x4)
    x12 = fill(x11, FOUR, x7)
    O = fill(x12, THREE, x10)
    return O


def solve_a87f7484(I: Grid) -> Grid:
    x1 = palette(I)
    x2 = dmirror(I)
    x3 = portrait(I)
    x4 = branch(x3, x2, I)
    x5 = size(x1)
    x6 = decrement(x5)
    x7 = hsplit(x4, x6)
    x8 = rbind(ofcolor, ZERO)
    x9 = apply(x8, x7)
    x10 = leastcommon(x9)
    x11 = matcher(x8, x10)
    x12 = extract(x7, x11)
    x13 = dmirror(x12)
    O = branch(x3, x13, x12)
    return O


def solve_a9f96cdd(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = first(x1)
    x3 = add(x2, NEG_UNITY)
    x4 = astuple(THREE, x3)
    x5 = add(x2, UP_RIGHT)
    x6 = astuple(SIX, x5)
    x7 = add(x2, DOWN_LEFT)
    x8 = astuple(EIGHT, x7)
    x9 = add(x2, UNITY)
    x10 = astuple(SEVEN, x9)
    x11 = initset(x4)
    x12 = insert(x6, x11)
    x13 = insert(x8, x12)
    x14 = insert(x10, x13)
    x15 = shape(I)
    x16 = canvas(ZERO, x15)
    O = paint(x16, x14)
    return O


def solve_aabf363d(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, size)
    x3 = argmin(x1, size)
    x4 = color(x3)
    x5 = cover(I, x3)
    O = fill(x5, x4, x2)
    return O


def solve_ac0a08a4(I: Grid) -> Grid:
    x1 = palette(I)
    x2 = remove(ZERO, x1)
    x3 = size(x2)
    O = upscale(I, x3)
    return O


def solve_ae3edfdc(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = colorfilter(x1, THREE)
    x3 = ofcolor(I, TWO)
    x4 = rbind(gravitate, x3)
    x5 = fork(shift, identity, x4)
    x6 = mapply(x5, x2)
    x7 = colorfilter(x1, SEVEN)
    x8 = ofcolor(I, ONE)
    x9 = rbind(gravitate, x8)
    x10 = fork(shift, identity, x9)
    x11 = mapply(x10, x7)
    x12 = replace(I, THREE, ZERO)
    x13 = replace(x12, SEVEN, ZERO)
    x14 = paint(x13, x6)
    O = paint(x14, x11)
    return O


def solve_ae4f1146(I: Grid) -> Grid:
    x1 = objects(I, F, F, T)
    x2 = rbind(colorcount, EIGHT)
    x3 = order(x1, x2)
    x4 = first(x3)
    O = subgrid(x4, I)
    return O


def solve_aedd82e4(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = rbind(intersection, x1)
    x3 = chain(size, x2, dneighbors)
    x4 = matcher(x3, ZERO)
    x5 = sfilter(x1, x4)
    O = fill(I, ONE, x5)
    return O


def solve_af902bf9(I: Grid) -> Grid:
    x1 = ofcolor(I, FOUR)
    x2 = product(x1, x1)
    x3 = rbind(intersection, x1)
    x4 = chain(size, x3, corners)
    x5 = matcher(x4, FOUR)
    x6 = sfilter(x2, x5)
    x7 = apply(corners, x6)
    x8 = compose(backdrop, inbox)
    x9 = mapply(x8, x7)
    O = fill(I, TWO, x9)
    return O


def solve_b0c4d837(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = ofcolor(I, EIGHT)
    x3 = uppermost(x2)
    x4 = uppermost(x1)
    x5 = subtract(x3, x4)
    x6 = astuple(ONE, x5)
    x7 = canvas(EIGHT, x6)
    x8 = subtract(SIX, x5)
    x9 = astuple(ONE, x8)
    x10 = canvas(ZERO, x9)
    x11 = hconcat(x7, x10)
    x12 = hsplit(x11, TWO)
    x13 = first(x12)
    x14 = last(x12)
    x15 = vmirror(x14)
    x16 = vconcat(x13, x15)
    x17 = asobject(x16)
    x18 = canvas(ZERO, THREE_BY_THREE)
    O = paint(x18, x17)
    return O


def solve_b190f7f5(I: Grid) -> Grid:
    x1 = portrait(I)
    x2 = dmirror(I)
    x3 = branch(x1, x2, I)
    x4 = lefthalf(x3)
    x5 = righthalf(x3)
    x6 = palette(x4)
    x7 = contained(EIGHT, x6)
    x8 = branch(x7, x4, x5)
    x9 = branch(x7, x5, x4)
    x10 = width(x9)
    x11 = upscale(x9, x10)
    x12 = dmirror(x8)
    x13 = repeat(x12, x10)
    x14 = merge(x13)
    x15 = dmirror(x14)
    x16 = repeat(x15, x10)
    x17 = merge(x16)
    x18 = ofcolor(x17, ZERO)
    x19 = fill(x11, ZERO, x18)
    x20 = dmirror(x19)
    O = branch(x1, x20, x19)
    return O


def solve_b1948b0a(I: Grid) -> Grid:
    O = replace(I, SIX, TWO)
    return O


def solve_b230c067(I: Grid) -> Grid:
    x1 = replace(I, EIGHT, ONE)
    x2 = objects(I, T, T, T)
    x3 = lbind(matcher, normalize)
    x4 = compose(x3, normalize)
    x5 = lbind(sfilter, x2)
    x6 = chain(size, x5, x4)
    x7 = argmin(x2, x6)
    O = fill(x1, TWO, x7)
    return O


def solve_b27ca6d3(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = rbind(intersection, x1)
    x3 = chain(size, x2, dneighbors)
    x4 = compose(positive, x3)
    x5 = sfilter(x1, x4)
    x6 = mapply(neighbors, x5)
    O = underfill(I, THREE, x6)
    return O


def solve_b2862040(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = rbind(add, TWO_BY_TWO)
    x3 = compose(x2, shape)
    x4 = lbind(canvas, NINE)
    x5 = compose(x4, x3)
    x6 = rbind(shift, UNITY)
    x7 = compose(x6, normalize)
    x8 = fork(paint, x5, x7)
    x9 = rbind(objects, F)
    x10 = rbind(x9, F)
    x11 = rbind(x10, T)
    x12 = chain(size, x11, x8)
    x13 = rbind(greater, TWO)
    x14 = compose(x13, x12)
    x15 = mfilter(x1, x14)
    O = fill(I, EIGHT, x15)
    return O


def solve_b548a754(I: Grid) -> Grid:
    x1 = replace(I, EIGHT, ZERO)
    x2 = ofcolor(I, EIGHT)
    x3 = objects(x1, F, F, T)
    x4 = first(x3)
    x5 = toindices(x4)
    x6 = combine(x5, x2)
    x7 = backdrop(x6)
    x8 = box(x7)
    x9 = ulcorner(x4)
    x10 = index(I, x9)
    x11 = palette(x4)
    x12 = other(x11, x10)
    x13 = fill(x1, x12, x7)
    O = fill(x13, x10, x8)
    return O


def solve_b60334d2(I: Grid) -> Grid:
    x1 = canvas(FIVE, THREE_BY_THREE)
    x2 = dneighbors(UNITY)
    x3 = fill(x1, ONE, x2)
    x4 = initset(UNITY)
    x5 = fill(x3, ZERO, x4)
    x6 = asobject(x5)
    x7 = ofcolor(I, FIVE)
    x8 = rbind(add, NEG_UNITY)
    x9 = apply(x8, x7)
    x10 = lbind(shift, x6)
    x11 = mapply(x10, x9)
    O = paint(I, x11)
    return O


def solve_b6afb2da(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = shift(x1, UP)
    x3 = shift(x1, DOWN)
    x4 = intersection(x2, x3)
    x5 = shift(x1, LEFT)
    x6 = shift(x1, RIGHT)
    x7 = intersection(x5, x6)
    x8 = fill(I, FOUR, x1)
    x9 = combine(x4, x7)
    x10 = difference(x1, x9)
    x11 = fill(x8, ONE, x10)
    x12 = intersection(x4, x7)
    O = fill(x11, TWO, x12)
    return O


def solve_b782dc8a(I: Grid) -> Grid:
    x1 = palette(I)
    x2 = remove(ZERO, x1)
    x3 = remove(EIGHT, x2)
    x4 = first(x3)
    x5 = last(x3)
    x6 = ofcolor(I, x4)
    x7 = ofcolor(I, x5)
    x8 = combine(x6, x7)
    x9 = objects(I, T, F, F)
    x10 = colorfilter(x9, ZERO)
    x11 = rbind(adjacent, x8)
    x12 = mfilter(x10, x11)
    x13 = toindices(x12)
    x14 = combine(x13, x8)
    x15 = first(x6)
    x16 = fork(add, first, last)
    x17 = first(x15)
    x18 = last(x15)
    x19 = add(x17, x18)
    x20 = even(x19)
    x21 = compose(even, x16)
    x22 = matcher(x21, x20)
    x23 = sfilter(x14, x22)
    x24 = difference(x14, x23)
    x25 = fill(I, x4, x23)
    O = fill(x25, x5, x24)
    return O


def solve_b8825c91(I: Grid) -> Grid:
    x1 = ofcolor(I, FOUR)
    x2 = vmirror(I)
    x3 = toobject(x1, x2)
    x4 = paint(I, x3)
    x5 = ofcolor(x4, FOUR)
    x6 = hmirror(x4)
    x7 = toobject(x5, x6)
    O = paint(x4, x7)
    return O


def solve_b8cdaf2b(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = argmin(x1, lowermost)
    x3 = ulcorner(x2)
    x4 = urcorner(x2)
    x5 = shoot(x3, NEG_UNITY)
    x6 = shoot(x4, UP_RIGHT)
    x7 = combine(x5, x6)
    x8 = add(x3, DOWN)
    x9 = index(I, x8)
    O = underfill(I, x9, x7)
    return O


def solve_b91ae062(I: Grid) -> Grid:
    x1 = partition(I)
    x2 = size(x1)
    x3 = decrement(x2)
    O = upscale(I, x3)
    return O


def solve_b94a9452(I: Grid) -> Grid:
    x1 = ofcolor(I, ZERO)
    x2 = asindices(I)
    x3 = difference(x2, x1)
    x4 = subgrid(x3, I)
    x5 = palette(x4)
    x6 = first(x5)
    x7 = last(x5)
    O = switch(x4, x6, x7)
    return O


def solve_b9b7f026(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = compose(size, delta)
    x3 = argmax(x1, x2)
    x4 = color(x3)
    O = canvas(x4, UNITY)
    return O


def solve_ba26e723(I: Grid) -> Grid:
    x1 = width(I)
    x2 = interval(ZERO, x1, THREE)
    x3 = ofcolor(I, FOUR)
    x4 = rbind(contained, x2)
    x5 = compose(x4, last)
    x6 = sfilter(x3, x5)
    O = fill(I, SIX, x6)
    return O


def solve_ba97ae07(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = compose(size, delta)
    x3 = argmax(x1, x2)
    x4 = backdrop(x3)
    x5 = color(x3)
    O = fill(I, x5, x4)
    return O


def solve_bb43febb(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = rbind(intersection, x1)
    x3 = chain(size, x2, neighbors)
    x4 = matcher(x3, EIGHT)
    x5 = sfilter(x1, x4)
    O = fill(I, TWO, x5)
    return O


def solve_bbc9ae5d(I: Grid) -> Grid:
    x1 = index(I, ORIGIN)
    x2 = ofcolor(I, x1)
    x3 = urcorner(x2)
    x4 = width(I)
    x5 = halve(x4)
    x6 = decrement(x5)
    x7 = add(x3, x6)
    x8 = connect(x3, x7)
    x9 = combine(x2, x8)
    x10 = rbind(shoot, DOWN)
    x11 = mapply(x10, x9)
    x12 = astuple(x5, x4)
    x13 = canvas(ZERO, x12)
    O = fill(x13, x1, x11)
    return O


def solve_bc1d5164(I: Grid) -> Grid:
    x1 = palette(I)
    x2 = other(x1, ZERO)
    x3 = crop(I, ORIGIN, THREE_BY_THREE)
    x4 = crop(I, TWO_BY_ZERO, THREE_BY_THREE)
    x5 = tojvec(FOUR)
    x6 = crop(I, x5, THREE_BY_THREE)
    x7 = astuple(TWO, FOUR)
    x8 = crop(I, x7, THREE_BY_THREE)
    x9 = canvas(ZERO, THREE_BY_THREE)
    x10 = rbind(ofcolor, x2)
    x11 = astuple(x3, x4)
    x12 = astuple(x6, x8)
    x13 = combine(x11, x12)
    x14 = mapply(x10, x13)
    O = fill(x9, x2, x14)
    return O


def solve_bd4472b8(I: Grid) -> Grid:
    x1 = first(I)
    x2 = width(I)
    x3 = rbind(repeat, x2)
    x4 = apply(x3, x1)
    x5 = vconcat(x4, x4)
    x6 = astuple(TWO, x2)
    x7 = crop(I, ORIGIN, x6)
    O = vconcat(x7, x5)
    return O


def solve_bda2d7a6(I: Grid) -> Grid:
    x1 = index(I, ORIGIN)
    x2 = index(I, UNITY)
    x3 = index(I, TWO_BY_TWO)
    x4 = switch(I, x1, x2)
    O = switch(x4, x2, x3)
    return O


def solve_bdad9b1f(I: Grid) -> Grid:
    x1 = ofcolor(I, EIGHT)
    x2 = mapply(vfrontier, x1)
    x3 = ofcolor(I, TWO)
    x4 = mapply(hfrontier, x3)
    x5 = fill(I, EIGHT, x2)
    x6 = fill(x5, TWO, x4)
    x7 = intersection(x2, x4)
    O = fill(x6, FOUR, x7)
    return O


def solve_be94b721(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = order(x1, size)
    x3 = last(x2)
    O = subgrid(x3, I)
    return O


def solve_beb8660c(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = order(x1, size)
    x3 = width(I)
    x4 = lbind(astuple, ONE)
    x5 = compose(x4, size)
    x6 = fork(canvas, color, x5)
    x7 = lbind(subtract, x3)
    x8 = chain(x4, x7, size)
    x9 = lbind(canvas, ZERO)
    x10 = compose(x9, x8)
    x11 = fork(hconcat, x10, x6)
    x12 = apply(x11, x2)
    x13 = merge(x12)
    x14 = height(I)
    x15 = height(x13)
    x16 = subtract(x14, x15)
    x17 = astuple(x16, x3)
    x18 = canvas(ZERO, x17)
    O = vconcat(x18, x13)
    return O


def solve_c0f76784(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = lbind(add, THREE)
    x3 = compose(x2, width)
    x4 = fork(recolor, x3, delta)
    x5 = mapply(x4, x1)
    O = paint(I, x5)
    return O


def solve_c1d99e64(I: Grid) -> Grid:
    x1 = frontiers(I)
    x2 = colorfilter(x1, ZERO)
    x3 = merge(x2)
    O = fill(I, TWO, x3)
    return O


def solve_c3e719e8(I: Grid) -> Grid:
    x1 = mostcolor(I)
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


def solve_c3f564a4(I: Grid) -> Grid:
    x1 = palette(I)
    x2 = remove(ZERO, x1)
    x3 = size(x2)
    x4 = ofcolor(I, ZERO)
    x5 = asindices(I)
    x6 = difference(x5, x4)
    x7 = toobject(x6, I)
    x8 = invert(FOUR)
    x9 = interval(x8, FIVE, ONE)
    x10 = rbind(multiply, x3)
    x11 = apply(x10, x9)
    x12 = apply(tojvec, x11)
    x13 = lbind(shift, x7)
    x14 = mapply(x13, x12)
    O = paint(I, x14)
    return O


def solve_c444b776(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = colorfilter(x1, FOUR)
    x3 = difference(x1, x2)
    x4 = merge(x3)
    x5 = multiply(NEG_TWO, TEN)
    x6 = multiply(THREE, TEN)
    x7 = interval(x5, x6, TEN)
    x8 = product(x7, x7)
    x9 = lbind(shift, x4)
    x10 = mapply(x9, x8)
    O = paint(I, x10)
    return O


def solve_c59eb873(I: Grid) -> Grid:
    O = upscale(I, TWO)
    return O


def solve_c8f0f002(I: Grid) -> Grid:
    O = replace(I, SEVEN, FIVE)
    return O


def solve_c909285e(I: Grid) -> Grid:
    x1 = palette(I)
    x2 = lbind(colorcount, I)
    x3 = argmin(x1, x2)
    x4 = ofcolor(I, x3)
    O = subgrid(x4, I)
    return O
