"""Solvers for ARC-AGI-1 training tasks 4–8 (batch B)."""

from __future__ import annotations

from solver_core.constants import *
from solver_core.dsl import *
from solver_core.types import Grid


def solve_40853293(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = fork(connect, ulcorner, lrcorner)
    x3 = fork(recolor, color, x2)
    x4 = apply(x3, x1)
    x5 = sfilter(x4, portrait)
    x6 = merge(x4)
    x7 = paint(I, x6)
    x8 = merge(x5)
    O = paint(x7, x8)
    return O


def solve_4093f84a(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = replace(I, x1, FIVE)
    x3 = rbind(order, identity)
    x4 = rbind(order, invert)
    x5 = lefthalf(x2)
    x6 = righthalf(x2)
    x7 = apply(x3, x5)
    x8 = apply(x4, x6)
    x9 = hconcat(x7, x8)
    x10 = dmirror(x2)
    x11 = lefthalf(x10)
    x12 = righthalf(x10)
    x13 = apply(x3, x11)
    x14 = apply(x4, x12)
    x15 = hconcat(x13, x14)
    x16 = dmirror(x15)
    x17 = ofcolor(I, FIVE)
    x18 = portrait(x17)
    O = branch(x18, x9, x16)
    return O


def solve_41e4d17e(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = apply(center, x1)
    x3 = mapply(hfrontier, x2)
    x4 = mapply(vfrontier, x2)
    x5 = combine(x3, x4)
    O = underfill(I, SIX, x5)
    return O


def solve_4258a5f9(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = mapply(outbox, x1)
    O = underfill(I, ONE, x2)
    return O


def solve_42a50994(I: Grid) -> Grid:
    x1 = objects(I, F, T, T)
    x2 = rbind(greater, ONE)
    x3 = compose(x2, size)
    x4 = mfilter(x1, x3)
    x5 = shape(I)
    x6 = mostcolor(I)
    x7 = canvas(x6, x5)
    O = paint(x7, x4)
    return O


def solve_4347f46a(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = fork(recolor, color, box)
    x3 = apply(x2, x1)
    x4 = merge(x3)
    x5 = shape(I)
    x6 = canvas(ZERO, x5)
    O = paint(x6, x4)
    return O


def solve_444801d8(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = colorfilter(x1, ONE)
    x3 = rbind(subgrid, I)
    x4 = compose(leastcolor, x3)
    x5 = rbind(shift, UP)
    x6 = fork(combine, identity, x5)
    x7 = compose(backdrop, x6)
    x8 = fork(recolor, x4, x7)
    x9 = mapply(x8, x2)
    O = underpaint(I, x9)
    return O


def solve_445eab21(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = compose(size, backdrop)
    x3 = order(x1, x2)
    x4 = last(x3)
    x5 = color(x4)
    x6 = canvas(x5, UNITY)
    O = upscale(x6, TWO)
    return O


def solve_44d8ac46(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = rbind(bordering, I)
    x4 = compose(flip, x3)
    x5 = sfilter(x2, x4)
    x6 = mfilter(x5, square)
    O = fill(I, TWO, x6)
    return O


def solve_44f52bb0(I: Grid) -> Grid:
    x1 = lefthalf(I)
    x2 = righthalf(I)
    x3 = vmirror(x2)
    x4 = equality(x1, x3)
    x5 = branch(x4, ONE, SEVEN)
    O = canvas(x5, UNITY)
    return O


def solve_4522001f(I: Grid) -> Grid:
    x1 = objects(I, F, F, T)
    x2 = first(x1)
    x3 = toindices(x2)
    x4 = contained(ZERO_BY_TWO, x3)
    x5 = contained(TWO_BY_TWO, x3)
    x6 = contained(TWO_BY_ZERO, x3)
    x7 = astuple(NINE, NINE)
    x8 = canvas(ZERO, x7)
    x9 = astuple(FOUR, FOUR)
    x10 = canvas(THREE, x9)
    x11 = asobject(x10)
    x12 = shift(x11, x9)
    x13 = combine(x11, x12)
    x14 = paint(x8, x13)
    x15 = rot90(x14)
    x16 = rot180(x14)
    x17 = rot270(x14)
    x18 = branch(x4, x15, x14)
    x19 = branch(x5, x16, x18)
    O = branch(x6, x17, x19)
    return O


def solve_469497ad(I: Grid) -> Grid:
    x1 = numcolors(I)
    x2 = decrement(x1)
    x3 = upscale(I, x2)
    x4 = objects(x3, T, F, T)
    x5 = sfilter(x4, square)
    x6 = argmax(x5, size)
    x7 = ulcorner(x6)
    x8 = urcorner(x6)
    x9 = shoot(x7, NEG_UNITY)
    x10 = shoot(x7, UNITY)
    x11 = shoot(x8, UP_RIGHT)
    x12 = shoot(x8, DOWN_LEFT)
    x13 = combine(x9, x10)
    x14 = combine(x11, x12)
    x15 = combine(x13, x14)
    O = underfill(x3, TWO, x15)
    return O


def solve_46442a0e(I: Grid) -> Grid:
    x1 = rot270(I)
    x2 = vconcat(I, x1)
    x3 = rot180(x2)
    O = hconcat(x2, x3)
    return O


def solve_46f33fce(I: Grid) -> Grid:
    x1 = shape(I)
    x2 = crop(I, UNITY, x1)
    x3 = downscale(x2, TWO)
    x4 = hupscale(x3, FOUR)
    O = vupscale(x4, FOUR)
    return O


def solve_47c1f68c(I: Grid) -> Grid:
    x1 = asindices(I)
    x2 = center(x1)
    x3 = index(I, x2)
    x4 = tophalf(I)
    x5 = lefthalf(x4)
    x6 = leastcolor(x5)
    x7 = replace(x5, x6, x3)
    x8 = vmirror(x7)
    x9 = hconcat(x7, x8)
    x10 = hmirror(x9)
    O = vconcat(x9, x10)
    return O


def solve_48d8fb45(I: Grid) -> Grid:
    x1 = objects(I, F, T, T)
    x2 = argmax(x1, numcolors)
    x3 = mostcolor(x2)
    x4 = matcher(first, x3)
    x5 = sfilter(x2, x4)
    O = subgrid(x5, I)
    return O


def solve_4938f0c2(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = ofcolor(I, THREE)
    x3 = ulcorner(x1)
    x4 = lrcorner(x1)
    x5 = add(x3, x4)
    x6 = ulcorner(x2)
    x7 = lrcorner(x2)
    x8 = add(x6, x7)
    x9 = subtract(x8, x5)
    x10 = vmirror(x1)
    x11 = hmirror(x1)
    x12 = hmirror(x10)
    x13 = last(x9)
    x14 = tojvec(x13)
    x15 = first(x9)
    x16 = toivec(x15)
    x17 = shift(x10, x14)
    x18 = shift(x11, x16)
    x19 = shift(x12, x9)
    x20 = combine(x17, x18)
    x21 = combine(x20, x19)
    O = fill(I, TWO, x21)
    return O


def solve_496994bd(I: Grid) -> Grid:
    x1 = hmirror(I)
    x2 = asobject(x1)
    O = underpaint(I, x2)
    return O


def solve_49d1d64f(I: Grid) -> Grid:
    x1 = asobject(I)
    x2 = shape(I)
    x3 = add(x2, TWO)
    x4 = canvas(ZERO, x3)
    x5 = shift(x1, RIGHT)
    x6 = paint(x4, x5)
    x7 = shift(x1, DOWN)
    x8 = paint(x6, x7)
    x9 = add(DOWN, UNITY)
    x10 = shift(x1, x9)
    x11 = paint(x8, x10)
    x12 = add(RIGHT, UNITY)
    x13 = shift(x1, x12)
    x14 = paint(x11, x13)
    x15 = shift(x1, UNITY)
    O = paint(x14, x15)
    return O


def solve_4be741c5(I: Grid) -> Grid:
    x1 = first(I)
    x2 = dedupe(x1)
    x3 = repeat(x2, ONE)
    x4 = dmirror(I)
    x5 = first(x4)
    x6 = dedupe(x5)
    x7 = repeat(x6, ONE)
    x8 = dmirror(x7)
    x9 = portrait(I)
    O = branch(x9, x8, x3)
    return O


def solve_4c4377d9(I: Grid) -> Grid:
    x1 = hmirror(I)
    O = vconcat(x1, I)
    return O


def solve_4c5c2cf0(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = fork(equality, identity, vmirror)
    x3 = extract(x1, x2)
    x4 = other(x1, x3)
    x5 = toindices(x4)
    x6 = ulcorner(x5)
    x7 = lrcorner(x5)
    x8 = add(x6, x7)
    x9 = ulcorner(x3)
    x10 = lrcorner(x3)
    x11 = add(x9, x10)
    x12 = subtract(x11, x8)
    x13 = vmirror(x5)
    x14 = hmirror(x5)
    x15 = hmirror(x13)
    x16 = last(x12)
    x17 = tojvec(x16)
    x18 = first(x12)
    x19 = toivec(x18)
    x20 = shift(x13, x17)
    x21 = shift(x14, x19)
    x22 = shift(x15, x12)
    x23 = combine(x20, x21)
    x24 = combine(x23, x22)
    x25 = color(x4)
    O = fill(I, x25, x24)
    return O


def solve_50cb2852(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = merge(x1)
    x3 = fill(I, EIGHT, x2)
    x4 = fork(recolor, color, box)
    x5 = mapply(x4, x1)
    O = paint(x3, x5)
    return O


def solve_5117e062(I: Grid) -> Grid:
    x1 = objects(I, F, T, T)
    x2 = argmax(x1, numcolors)
    x3 = palette(x2)
    x4 = other(x3, EIGHT)
    x5 = recolor(x4, x2)
    x6 = paint(I, x5)
    O = subgrid(x5, x6)
    return O


def solve_5168d44c(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = ofcolor(I, THREE)
    x3 = portrait(x2)
    x4 = branch(x3, TWO_BY_ZERO, ZERO_BY_TWO)
    x5 = shift(x1, x4)
    x6 = cover(I, x1)
    O = fill(x6, TWO, x5)
    return O


def solve_539a4f51(I: Grid) -> Grid:
    x1 = first(I)
    x2 = remove(ZERO, x1)
    x3 = combine(x2, x2)
    x4 = combine(x3, x3)
    x5 = repeat(x4, TEN)
    x6 = astuple(TEN, TEN)
    x7 = crop(x5, ORIGIN, x6)
    x8 = dmirror(x7)
    x9 = asindices(x7)
    x10 = fork(greater, first, last)
    x11 = sfilter(x9, x10)
    x12 = toobject(x11, x8)
    O = paint(x7, x12)
    return O


def solve_53b68214(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = first(x1)
    x3 = vperiod(x2)
    x4 = interval(ZERO, TEN, x3)
    x5 = apply(toivec, x4)
    x6 = lrcorner(x2)
    x7 = add(x6, DOWN)
    x8 = initset(x7)
    x9 = insert(ORIGIN, x8)
    x10 = portrait(x2)
    x11 = branch(x10, x5, x9)
    x12 = lbind(shift, x2)
    x13 = mapply(x12, x11)
    x14 = astuple(TEN, TEN)
    x15 = canvas(ZERO, x14)
    O = paint(x15, x13)
    return O


def solve_543a7ed5(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, EIGHT)
    x3 = rbind(bordering, I)
    x4 = compose(flip, x3)
    x5 = mfilter(x2, x4)
    x6 = fill(I, FOUR, x5)
    x7 = colorfilter(x1, SIX)
    x8 = mapply(outbox, x7)
    O = fill(x6, THREE, x8)
    return O


def solve_54d82841(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = mapply(delta, x1)
    x3 = mapply(vfrontier, x2)
    x4 = asindices(I)
    x5 = llcorner(x4)
    x6 = hfrontier(x5)
    x7 = intersection(x3, x6)
    x8 = recolor(FOUR, x7)
    O = paint(I, x8)
    return O


def solve_54d9e175(I: Grid) -> Grid:
    x1 = replace(I, ONE, SIX)
    x2 = replace(x1, TWO, SEVEN)
    x3 = replace(x2, THREE, EIGHT)
    x4 = replace(x3, FOUR, NINE)
    x5 = objects(x4, T, F, T)
    x6 = sizefilter(x5, ONE)
    x7 = compose(backdrop, outbox)
    x8 = fork(recolor, color, x7)
    x9 = mapply(x8, x6)
    O = paint(x4, x9)
    return O


def solve_5521c0d9(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = rbind(multiply, UP)
    x3 = compose(x2, height)
    x4 = fork(shift, identity, x3)
    x5 = apply(x4, x1)
    x6 = merge(x5)
    x7 = shape(I)
    x8 = canvas(ZERO, x7)
    O = paint(x8, x6)
    return O


def solve_5582e5ca(I: Grid) -> Grid:
    x1 = mostcolor(I)
    O = canvas(x1, THREE_BY_THREE)
    return O


def solve_5614dbcf(I: Grid) -> Grid:
    x1 = replace(I, FIVE, ZERO)
    O = downscale(x1, THREE)
    return O


def solve_56dc2b01(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = ofcolor(I, THREE)
    x3 = gravitate(x2, x1)
    x4 = shift(x2, x3)
    x5 = sign(x3)
    x6 = shape(x2)
    x7 = increment(x6)
    x8 = multiply(x5, x7)
    x9 = invert(x8)
    x10 = shift(x1, x9)
    x11 = fill(I, ZERO, x2)
    x12 = fill(x11, THREE, x4)
    O = fill(x12, EIGHT, x10)
    return O


def solve_56ff96f3(I: Grid) -> Grid:
    x1 = palette(I)
    x2 = remove(ZERO, x1)
    x3 = lbind(ofcolor, I)
    x4 = compose(backdrop, x3)
    x5 = fork(recolor, identity, x4)
    x6 = mapply(x5, x2)
    O = paint(I, x6)
    return O


def solve_5ad4f10b(I: Grid) -> Grid:
    x1 = objects(I, T, T, T)
    x2 = argmax(x1, size)
    x3 = color(x2)
    x4 = subgrid(x2, I)
    x5 = palette(I)
    x6 = remove(ZERO, x5)
    x7 = other(x6, x3)
    x8 = replace(x4, x7, ZERO)
    x9 = replace(x8, x3, x7)
    x10 = width(x4)
    x11 = divide(x10, THREE)
    O = downscale(x9, x11)
    return O


def solve_5bd6f4ac(I: Grid) -> Grid:
    x1 = tojvec(SIX)
    O = crop(I, x1, THREE_BY_THREE)
    return O


def solve_5c0a986e(I: Grid) -> Grid:
    x1 = ofcolor(I, ONE)
    x2 = ofcolor(I, TWO)
    x3 = ulcorner(x1)
    x4 = lrcorner(x2)
    x5 = shoot(x3, NEG_UNITY)
    x6 = shoot(x4, UNITY)
    x7 = fill(I, ONE, x5)
    O = fill(x7, TWO, x6)
    return O


def solve_60b61512(I: Grid) -> Grid:
    x1 = objects(I, F, T, T)
    x2 = apply(backdrop, x1)
    x3 = merge(x2)
    O = underfill(I, SEVEN, x3)
    return O


def solve_6150a2bd(I: Grid) -> Grid:
    O = rot180(I)
    return O


def solve_623ea044(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = first(x1)
    x3 = center(x2)
    x4 = shoot(x3, UNITY)
    x5 = shoot(x3, NEG_UNITY)
    x6 = shoot(x3, UP_RIGHT)
    x7 = shoot(x3, DOWN_LEFT)
    x8 = combine(x4, x5)
    x9 = combine(x6, x7)
    x10 = combine(x8, x9)
    x11 = color(x2)
    O = fill(I, x11, x10)
    return O


def solve_62c24649(I: Grid) -> Grid:
    x1 = hmirror(I)
    x2 = vconcat(I, x1)
    x3 = vmirror(x2)
    O = hconcat(x2, x3)
    return O


def solve_63613498(I: Grid) -> Grid:
    x1 = crop(I, ORIGIN, THREE_BY_THREE)
    x2 = partition(x1)
    x3 = colorfilter(x2, ZERO)
    x4 = difference(x2, x3)
    x5 = first(x4)
    x6 = toindices(x5)
    x7 = normalize(x6)
    x8 = objects(I, T, F, T)
    x9 = color(x5)
    x10 = colorfilter(x8, x9)
    x11 = difference(x8, x10)
    x12 = compose(toindices, normalize)
    x13 = matcher(x12, x7)
    x14 = mfilter(x11, x13)
    O = fill(I, FIVE, x14)
    return O


def solve_6430c8c4(I: Grid) -> Grid:
    x1 = vsplit(I, TWO)
    x2 = first(x1)
    x3 = last(x1)
    x4 = cellwise(x2, x3, NINE)
    x5 = replace(x4, ZERO, THREE)
    O = replace(x5, NINE, ZERO)
    return O


def solve_6455b5f5(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = matcher(color, ZERO)
    x3 = sfilter(x1, x2)
    x4 = order(x3, size)
    x5 = last(x4)
    x6 = first(x4)
    x7 = size(x6)
    x8 = sizefilter(x3, x7)
    x9 = merge(x8)
    x10 = fill(I, EIGHT, x9)
    O = fill(x10, ONE, x5)
    return O


def solve_662c240a(I: Grid) -> Grid:
    x1 = dmirror(I)
    x2 = hsplit(x1, THREE)
    x3 = apply(dmirror, x2)
    x4 = difference(x3, x2)
    O = first(x4)
    return O


def solve_67385a82(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = ofcolor(I, THREE)
    x3 = fill(I, EIGHT, x2)
    x4 = sizefilter(x1, ONE)
    x5 = colorfilter(x4, THREE)
    x6 = merge(x5)
    O = fill(x3, THREE, x6)
    return O


def solve_673ef223(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = colorfilter(x1, TWO)
    x3 = argmin(x2, uppermost)
    x4 = argmax(x2, uppermost)
    x5 = uppermost(x3)
    x6 = uppermost(x4)
    x7 = subtract(x6, x5)
    x8 = toivec(x7)
    x9 = leftmost(x3)
    x10 = equality(x9, ZERO)
    x11 = branch(x10, LEFT, RIGHT)
    x12 = ofcolor(I, EIGHT)
    x13 = rbind(shoot, x11)
    x14 = mapply(x13, x12)
    x15 = replace(I, EIGHT, FOUR)
    x16 = underfill(x15, EIGHT, x14)
    x17 = shift(x12, x8)
    x18 = mapply(hfrontier, x17)
    O = underfill(x16, EIGHT, x18)
    return O


def solve_6773b310(I: Grid) -> Grid:
    x1 = vsplit(I, THREE)
    x2 = rbind(hsplit, THREE)
    x3 = apply(x2, x1)
    x4 = rbind(colorcount, SIX)
    x5 = lbind(apply, x4)
    x6 = apply(x5, x3)
    x7 = replace(x6, ONE, ZERO)
    x8 = replace(x7, THREE, ZERO)
    O = replace(x8, TWO, ONE)
    return O


def solve_67a3c6ac(I: Grid) -> Grid:
    O = vmirror(I)
    return O


def solve_67a423a3(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = first(x1)
    x3 = last(x1)
    x4 = backdrop(x2)
    x5 = backdrop(x3)
    x6 = intersection(x4, x5)
    x7 = first(x6)
    x8 = neighbors(x7)
    O = fill(I, FOUR, x8)
    return O


def solve_67e8384a(I: Grid) -> Grid:
    x1 = hmirror(I)
    x2 = vconcat(I, x1)
    x3 = vmirror(x2)
    O = hconcat(x2, x3)
    return O


def solve_681b3aeb(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = first(x1)
    x3 = last(x1)
    x4 = color(x2)
    x5 = color(x3)
    x6 = canvas(x4, THREE_BY_THREE)
    x7 = normalize(x3)
    x8 = paint(x6, x7)
    x9 = canvas(x5, THREE_BY_THREE)
    x10 = normalize(x2)
    x11 = paint(x9, x10)
    x12 = ofcolor(x8, x4)
    x13 = normalize(x12)
    x14 = toindices(x2)
    x15 = normalize(x14)
    x16 = equality(x13, x15)
    O = branch(x16, x8, x11)
    return O


def solve_68b16354(I: Grid) -> Grid:
    O = hmirror(I)
    return O


def solve_694f12f3(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, FOUR)
    x3 = argmin(x2, size)
    x4 = argmax(x2, size)
    x5 = inbox(x3)
    x6 = backdrop(x5)
    x7 = inbox(x4)
    x8 = backdrop(x7)
    x9 = fill(I, ONE, x6)
    O = fill(x9, TWO, x8)
    return O


def solve_6b9890af(I: Grid) -> Grid:
    x1 = ofcolor(I, TWO)
    x2 = subgrid(x1, I)
    x3 = leastcolor(I)
    x4 = ofcolor(I, x3)
    x5 = subgrid(x4, I)
    x6 = trim(x2)
    x7 = width(x6)
    x8 = divide(x7, THREE)
    x9 = upscale(x5, x8)
    x10 = asobject(x9)
    x11 = shift(x10, UNITY)
    O = paint(x2, x11)
    return O


def solve_6c434453(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = compose(size, delta)
    x3 = matcher(x2, ONE)
    x4 = sfilter(x1, x3)
    x5 = compose(dneighbors, center)
    x6 = fork(insert, center, x5)
    x7 = mapply(x6, x4)
    x8 = merge(x4)
    x9 = fill(I, ZERO, x8)
    O = fill(x9, TWO, x7)
    return O


def solve_6cdd2623(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = matcher(last, ZERO)
    x4 = sfilter(x2, x3)
    x5 = mapply(hfrontier, x4)
    x6 = matcher(first, ZERO)
    x7 = sfilter(x2, x6)
    x8 = mapply(vfrontier, x7)
    x9 = combine(x5, x8)
    x10 = shape(I)
    x11 = canvas(ZERO, x10)
    O = fill(x11, x1, x9)
    return O


def solve_6cf79266(I: Grid) -> Grid:
    x1 = ofcolor(I, ZERO)
    x2 = canvas(ZERO, THREE_BY_THREE)
    x3 = asindices(x2)
    x4 = lbind(shift, x3)
    x5 = rbind(difference, x1)
    x6 = chain(size, x5, x4)
    x7 = matcher(x6, ZERO)
    x8 = lbind(add, LEFT)
    x9 = compose(x7, x8)
    x10 = lbind(add, UP)
    x11 = compose(x7, x10)
    x12 = lbind(add, NEG_UNITY)
    x13 = compose(x7, x12)
    x14 = fork(either, x9, x11)
    x15 = fork(either, x14, x13)
    x16 = compose(flip, x15)
    x17 = fork(both, x7, x16)
    x18 = sfilter(x1, x17)
    x19 = mapply(x4, x18)
    O = fill(I, ONE, x19)
    return O


def solve_6d0160f0(I: Grid) -> Grid:
    x1 = ofcolor(I, FOUR)
    x2 = first(x1)
    x3 = divide(x2, FOUR)
    x4 = multiply(x3, FOUR)
    x5 = crop(I, x4, THREE_BY_THREE)
    x6 = subtract(x2, x4)
    x7 = multiply(x6, FOUR)
    x8 = asobject(x5)
    x9 = shift(x8, x7)
    x10 = ofcolor(I, FIVE)
    x11 = shape(I)
    x12 = canvas(ZERO, x11)
    x13 = fill(x12, FIVE, x10)
    O = paint(x13, x9)
    return O


def solve_6d0aefbc(I: Grid) -> Grid:
    x1 = vmirror(I)
    O = hconcat(I, x1)
    return O


def solve_6d58a25d(I: Grid) -> Grid:
    x1 = objects(I, T, T, T)
    x2 = argmax(x1, size)
    x3 = remove(x2, x1)
    x4 = uppermost(x2)
    x5 = rbind(greater, x4)
    x6 = compose(x5, uppermost)
    x7 = rbind(vmatching, x2)
    x8 = fork(both, x6, x7)
    x9 = sfilter(x3, x8)
    x10 = compose(vfrontier, center)
    x11 = mapply(x10, x9)
    x12 = toindices(x2)
    x13 = intersection(x12, x11)
    x14 = rbind(shoot, DOWN)
    x15 = mapply(x14, x13)
    x16 = first(x3)
    x17 = color(x16)
    O = underfill(I, x17, x15)
    return O


def solve_6d75e8bb(I: Grid) -> Grid:
    x1 = ofcolor(I, EIGHT)
    x2 = delta(x1)
    O = fill(I, TWO, x2)
    return O


def solve_6e02f1e3(I: Grid) -> Grid:
    x1 = numcolors(I)
    x2 = canvas(ZERO, THREE_BY_THREE)
    x3 = shoot(ORIGIN, UNITY)
    x4 = fill(x2, FIVE, x3)
    x5 = vmirror(x4)
    x6 = hfrontier(ORIGIN)
    x7 = fill(x2, FIVE, x6)
    x8 = equality(x1, ONE)
    x9 = equality(x1, TWO)
    x10 = branch(x9, x4, x5)
    O = branch(x8, x7, x10)
    return O


def solve_6e82a1ae(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = sizefilter(x1, FOUR)
    x3 = sizefilter(x1, THREE)
    x4 = sizefilter(x1, TWO)
    x5 = merge(x2)
    x6 = merge(x3)
    x7 = merge(x4)
    x8 = fill(I, ONE, x5)
    x9 = fill(x8, TWO, x6)
    O = fill(x9, THREE, x7)
    return O


def solve_6ecd11f4(I: Grid) -> Grid:
    x1 = objects(I, F, T, T)
    x2 = argmax(x1, numcolors)
    x3 = subgrid(x2, I)
    x4 = cover(I, x2)
    x5 = palette(x4)
    x6 = other(x5, ZERO)
    x7 = ofcolor(x4, x6)
    x8 = subgrid(x7, x4)
    x9 = width(x8)
    x10 = width(x3)
    x11 = divide(x9, x10)
    x12 = downscale(x8, x11)
    x13 = ofcolor(x12, x6)
    x14 = toobject(x13, x3)
    x15 = shape(x3)
    x16 = canvas(ZERO, x15)
    O = paint(x16, x14)
    return O


def solve_6f8cd79b(I: Grid) -> Grid:
    x1 = asindices(I)
    x2 = box(x1)
    O = fill(I, EIGHT, x2)
    return O


def solve_6fa7a44f(I: Grid) -> Grid:
    x1 = hmirror(I)
    O = vconcat(I, x1)
    return O


def solve_72ca375d(I: Grid) -> Grid:
    x1 = objects(I, T, T, T)
    x2 = fork(equality, identity, vmirror)
    x3 = extract(x1, x2)
    O = subgrid(x3, I)
    return O


def solve_73251a56(I: Grid) -> Grid:
    x1 = dmirror(I)
    x2 = ofcolor(I, ZERO)
    x3 = toobject(x2, x1)
    x4 = paint(I, x3)
    x5 = asindices(I)
    x6 = fork(equality, first, last)
    x7 = sfilter(x5, x6)
    x8 = index(I, ORIGIN)
    x9 = fill(x4, x8, x7)
    x10 = mostcolor(I)
    O = replace(x9, ZERO, x10)
    return O


def solve_7447852a(I: Grid) -> Grid:
    x1 = astuple(THREE, FOUR)
    x2 = crop(I, ORIGIN, x1)
    x3 = hconcat(x2, x2)
    x4 = hconcat(x3, x3)
    x5 = hconcat(x4, x4)
    x6 = objects(x5, T, F, F)
    x7 = colorfilter(x6, ZERO)
    x8 = rbind(divide, SIX)
    x9 = rbind(multiply, SIX)
    x10 = compose(x9, x8)
    x11 = fork(equality, identity, x10)
    x12 = chain(x11, decrement, rightmost)
    x13 = mfilter(x7, x12)
    x14 = fill(x5, FOUR, x13)
    x15 = shape(I)
    O = crop(x14, ORIGIN, x15)
    return O


def solve_7468f01a(I: Grid) -> Grid:
    x1 = compress(I)
    O = vmirror(x1)
    return O


def solve_746b3537(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = order(x1, leftmost)
    x3 = apply(color, x2)
    x4 = repeat(x3, ONE)
    x5 = order(x1, uppermost)
    x6 = apply(color, x5)
    x7 = repeat(x6, ONE)
    x8 = dmirror(x7)
    x9 = first(I)
    x10 = dedupe(x9)
    x11 = size(x10)
    x12 = equality(x11, ONE)
    O = branch(x12, x8, x4)
    return O


def solve_74dd1130(I: Grid) -> Grid:
    O = dmirror(I)
    return O


def solve_75b8110e(I: Grid) -> Grid:
    x1 = lefthalf(I)
    x2 = righthalf(I)
    x3 = tophalf(x1)
    x4 = bottomhalf(x1)
    x5 = tophalf(x2)
    x6 = bottomhalf(x2)
    x7 = ofcolor(x6, NINE)
    x8 = fill(x3, NINE, x7)
    x9 = ofcolor(x4, SIX)
    x10 = fill(x8, SIX, x9)
    x11 = ofcolor(x5, FIVE)
    O = fill(x10, FIVE, x11)
    return O


def solve_760b3cac(I: Grid) -> Grid:
    x1 = ofcolor(I, EIGHT)
    x2 = vmirror(x1)
    x3 = ofcolor(I, FOUR)
    x4 = ulcorner(x3)
    x5 = index(I, x4)
    x6 = equality(x5, FOUR)
    x7 = tojvec(THREE)
    x8 = invert(x7)
    x9 = branch(x6, x8, x7)
    x10 = shift(x2, x9)
    O = fill(I, EIGHT, x10)
    return O


def solve_776ffc46(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = colorfilter(x1, FIVE)
    x3 = compose(box, toindices)
    x4 = fork(equality, toindices, x3)
    x5 = sfilter(x2, x4)
    x6 = mapply(backdrop, x5)
    x7 = difference(x1, x2)
    x8 = rbind(difference, x6)
    x9 = chain(size, x8, toindices)
    x10 = matcher(x9, ZERO)
    x11 = sfilter(x7, x10)
    x12 = compose(normalize, toindices)
    x13 = lbind(matcher, x12)
    x14 = compose(x13, x12)
    x15 = lbind(sfilter, x7)
    x16 = chain(merge, x15, x14)
    x17 = fork(recolor, color, x16)
    x18 = mapply(x17, x11)
    O = paint(I, x18)
    return O


def solve_77fdfe62(I: Grid) -> Grid:
    x1 = trim(I)
    x2 = trim(x1)
    x3 = width(x2)
    x4 = halve(x3)
    x5 = width(I)
    x6 = decrement(x5)
    x7 = downscale(I, x6)
    x8 = upscale(x7, x4)
    x9 = ofcolor(x2, EIGHT)
    x10 = toobject(x9, x8)
    x11 = shape(x2)
    x12 = canvas(ZERO, x11)
    O = paint(x12, x10)
    return O


def solve_780d0b14(I: Grid) -> Grid:
    x1 = objects(I, T, T, F)
    x2 = colorfilter(x1, ZERO)
    x3 = difference(x1, x2)
    x4 = fork(recolor, color, backdrop)
    x5 = mapply(x4, x3)
    x6 = shape(I)
    x7 = canvas(ZERO, x6)
    x8 = paint(x7, x5)
    x9 = compress(x8)
    x10 = dedupe(x9)
    x11 = dmirror(x10)
    x12 = dedupe(x11)
    O = dmirror(x12)
    return O


def solve_794b24be(I: Grid) -> Grid:
    x1 = colorcount(I, ONE)
    x2 = astuple(ONE, x1)
    x3 = canvas(TWO, x2)
    x4 = asobject(x3)
    x5 = canvas(ZERO, THREE_BY_THREE)
    x6 = paint(x5, x4)
    x7 = initset(UNITY)
    x8 = fill(x6, TWO, x7)
    x9 = equality(x1, FOUR)
    O = branch(x9, x8, x6)
    return O


def solve_7b6016b9(I: Grid) -> Grid:
    x1 = replace(I, ZERO, THREE)
    x2 = objects(x1, T, F, F)
    x3 = colorfilter(x2, THREE)
    x4 = rbind(bordering, x1)
    x5 = matcher(x4, F)
    x6 = mfilter(x3, x5)
    O = fill(x1, TWO, x6)
    return O


def solve_7b7f7511(I: Grid) -> Grid:
    x1 = tophalf(I)
    x2 = lefthalf(I)
    x3 = portrait(I)
    O = branch(x3, x1, x2)
    return O


def solve_7c008303(I: Grid) -> Grid:
    x1 = ofcolor(I, THREE)
    x2 = ofcolor(I, EIGHT)
    x3 = ofcolor(I, ZERO)
    x4 = combine(x1, x2)
    x5 = combine(x4, x3)
    x6 = asindices(I)
    x7 = difference(x6, x5)
    x8 = subgrid(x7, I)
    x9 = upscale(x8, THREE)
    x10 = normalize(x1)
    x11 = toobject(x10, x9)
    x12 = shape(x9)
    x13 = canvas(ZERO, x12)
    O = paint(x13, x11)
    return O


def solve_7ddcd7ec(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = argmax(x1, size)
    x3 = color(x2)
    x4 = remove(x2, x1)
    x5 = center(x2)
    x6 = rbind(subtract, x5)
    x7 = chain(sign, x6, center)
    x8 = fork(shoot, center, x7)
    x9 = mapply(x8, x4)
    O = fill(I, x3, x9)
    return O


def solve_7e0986d6(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = replace(I, x1, ZERO)
    x4 = palette(x3)
    x5 = remove(ZERO, x4)
    x6 = first(x5)
    x7 = ofcolor(x3, x6)
    x8 = rbind(intersection, x7)
    x9 = chain(size, x8, dneighbors)
    x10 = rbind(greater, ONE)
    x11 = compose(x10, x9)
    x12 = sfilter(x2, x11)
    O = fill(x3, x6, x12)
    return O


def solve_7f4411dc(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = canvas(ZERO, TWO_BY_TWO)
    x4 = asindices(x3)
    x5 = lbind(shift, x4)
    x6 = rbind(difference, x2)
    x7 = chain(size, x6, x5)
    x8 = matcher(x7, ZERO)
    x9 = sfilter(x2, x8)
    x10 = mapply(x5, x9)
    x11 = difference(x2, x10)
    O = fill(I, ZERO, x11)
    return O


def solve_7fe24cdd(I: Grid) -> Grid:
    x1 = rot270(I)
    x2 = vconcat(I, x1)
    x3 = rot180(x2)
    O = hconcat(x2, x3)
    return O


def solve_80af3007(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = merge(x1)
    x3 = subgrid(x2, I)
    x4 = downscale(x3, THREE)
    x5 = upscale(x4, THREE)
    x6 = hconcat(x4, x4)
    x7 = hconcat(x6, x4)
    x8 = vconcat(x7, x7)
    x9 = vconcat(x8, x7)
    O = cellwise(x5, x9, ZERO)
    return O


def solve_810b9b61(I: Grid) -> Grid:
    x1 = objects(I, T, T, T)
    x2 = fork(equality, toindices, box)
    x3 = sfilter(x1, x2)
    x4 = chain(positive, size, delta)
    x5 = mfilter(x3, x4)
    x6 = recolor(THREE, x5)
    O = paint(I, x6)
    return O


def solve_82819916(I: Grid) -> Grid:
    x1 = objects(I, F, F, T)
    x2 = argmax(x1, size)
    x3 = remove(x2, x1)
    x4 = ulcorner(x2)
    x5 = index(I, x4)
    x6 = matcher(first, x5)
    x7 = sfilter(x2, x6)
    x8 = difference(x2, x7)
    x9 = toindices(x7)
    x10 = toindices(x8)
    x11 = uppermost(x2)
    x12 = rbind(subtract, x11)
    x13 = chain(toivec, x12, uppermost)
    x14 = lbind(shift, x9)
    x15 = compose(x14, x13)
    x16 = lbind(shift, x10)
    x17 = compose(x16, x13)
    x18 = lbind(index, I)
    x19 = compose(x18, ulcorner)
    x20 = fork(other, palette, x19)
    x21 = fork(recolor, x19, x15)
    x22 = fork(recolor, x20, x17)
    x23 = fork(combine, x21, x22)
    x24 = mapply(x23, x3)
    O = paint(I, x24)
    return O


def solve_83302e8f(I: Grid) -> Grid:
    x1 = replace(I, ZERO, FOUR)
    x2 = objects(x1, T, F, F)
    x3 = colorfilter(x2, FOUR)
    x4 = mfilter(x3, square)
    O = fill(x1, THREE, x4)
    return O


def solve_834ec97d(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = first(x1)
    x3 = ulcorner(x2)
    x4 = first(x3)
    x5 = last(x3)
    x6 = width(I)
    x7 = interval(x5, NEG_ONE, NEG_TWO)
    x8 = interval(x5, x6, TWO)
    x9 = combine(x7, x8)
    x10 = lbind(astuple, x4)
    x11 = fork(connect, tojvec, x10)
    x12 = mapply(x11, x9)
    x13 = shift(x2, DOWN)
    x14 = cover(I, x2)
    x15 = fill(x14, FOUR, x12)
    O = paint(x15, x13)
    return O


def solve_8403a5d5(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = first(x1)
    x3 = color(x2)
    x4 = leftmost(x2)
    x5 = interval(x4, TEN, TWO)
    x6 = apply(tojvec, x5)
    x7 = mapply(vfrontier, x6)
    x8 = fill(I, x3, x7)
    x9 = increment(x4)
    x10 = interval(x9, TEN, FOUR)
    x11 = apply(tojvec, x10)
    x12 = fill(x8, FIVE, x11)
    x13 = add(x4, THREE)
    x14 = interval(x13, TEN, FOUR)
    x15 = lbind(astuple, NINE)
    x16 = apply(x15, x14)
    O = fill(x12, FIVE, x16)
    return O


def solve_855e0971(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = difference(x1, x2)
    x4 = argmax(x3, size)
    x5 = width(x4)
    x6 = width(I)
    x7 = equality(x5, x6)
    x8 = branch(x7, vfrontier, hfrontier)
    x9 = lbind(mapply, x8)
    x10 = compose(x9, delta)
    x11 = fork(intersection, backdrop, x10)
    x12 = mapply(x11, x3)
    O = fill(I, ZERO, x12)
    return O


def solve_85c4e7cd(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = shape(I)
    x3 = halve(x2)
    x4 = decrement(x3)
    x5 = lbind(subtract, x4)
    x6 = lbind(index, I)
    x7 = chain(x6, x5, ulcorner)
    x8 = fork(recolor, x7, identity)
    x9 = mapply(x8, x1)
    O = paint(I, x9)
    return O


def solve_868de0fa(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = colorfilter(x1, ZERO)
    x3 = sfilter(x2, square)
    x4 = compose(even, height)
    x5 = sfilter(x3, x4)
    x6 = difference(x3, x5)
    x7 = merge(x5)
    x8 = merge(x6)
    x9 = fill(I, TWO, x7)
    O = fill(x9, SEVEN, x8)
    return O


def solve_8731374e(I: Grid) -> Grid:
    x1 = objects(I, T, F, F)
    x2 = argmax(x1, size)
    x3 = toindices(x2)
    x4 = rbind(difference, x3)
    x5 = chain(size, x4, neighbors)
    x6 = matcher(x5, ZERO)
    x7 = sfilter(x3, x6)
    x8 = outbox(x7)
    x9 = subgrid(x8, I)
    x10 = leastcolor(x9)
    x11 = ofcolor(x9, x10)
    x12 = mapply(hfrontier, x11)
    x13 = mapply(vfrontier, x11)
    x14 = combine(x12, x13)
    O = fill(x9, x10, x14)
    return O


def solve_88a10436(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = first(x1)
    x3 = objects(I, F, T, T)
    x4 = argmax(x3, size)
    x5 = center(x4)
    x6 = subtract(x2, x5)
    x7 = shift(x4, x6)
    O = paint(I, x7)
    return O


def solve_88a62173(I: Grid) -> Grid:
    x1 = vsplit(I, TWO)
    x2 = rbind(hsplit, TWO)
    x3 = apply(x2, x1)
    x4 = merge(x3)
    O = leastcommon(x4)
    return O


def solve_890034e9(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = inbox(x2)
    x4 = backdrop(x3)
    x5 = recolor(ZERO, x4)
    x6 = occurrences(I, x5)
    x7 = normalize(x2)
    x8 = shift(x7, NEG_UNITY)
    x9 = lbind(shift, x8)
    x10 = mapply(x9, x6)
    O = fill(I, x1, x10)
    return O


def solve_8be77c9e(I: Grid) -> Grid:
    x1 = hmirror(I)
    O = vconcat(I, x1)
    return O


def solve_8d5021e8(I: Grid) -> Grid:
    x1 = hmirror(I)
    x2 = vconcat(x1, I)
    x3 = vconcat(x2, x1)
    x4 = vmirror(x3)
    O = hconcat(x4, x3)
    return O


def solve_8d510a79(I: Grid) -> Grid:
    x1 = ofcolor(I, FIVE)
    x2 = uppermost(x1)
    x3 = ofcolor(I, ONE)
    x4 = ofcolor(I, TWO)
    x5 = asindices(I)
    x6 = lbind(greater, x2)
    x7 = compose(x6, first)
    x8 = sfilter(x5, x7)
    x9 = rbind(greater, x2)
    x10 = compose(x9, first)
    x11 = sfilter(x5, x10)
    x12 = rbind(shoot, UP)
    x13 = rbind(shoot, DOWN)
    x14 = intersection(x3, x8)
    x15 = mapply(x12, x14)
    x16 = intersection(x3, x11)
    x17 = mapply(x13, x16)
    x18 = intersection(x4, x8)
    x19 = mapply(x13, x18)
    x20 = intersection(x19, x8)
    x21 = intersection(x4, x11)
    x22 = mapply(x12, x21)
    x23 = intersection(x22, x11)
    x24 = fill(I, ONE, x15)
    x25 = fill(x24, ONE, x17)
    x26 = fill(x25, TWO, x20)
    O = fill(x26, TWO, x23)
    return O


def solve_8e1813be(I: Grid) -> Grid:
    x1 = replace(I, FIVE, ZERO)
    x2 = fgpartition(x1)
    x3 = size(x2)
    x4 = order(x2, leftmost)
    x5 = apply(color, x4)
    x6 = repeat(x5, x3)
    x7 = order(x2, uppermost)
    x8 = apply(color, x7)
    x9 = repeat(x8, x3)
    x10 = dmirror(x9)
    x11 = first(x2)
    x12 = portrait(x11)
    O = branch(x12, x6, x10)
    return O


def solve_8e5a5113(I: Grid) -> Grid:
    x1 = crop(I, ORIGIN, THREE_BY_THREE)
    x2 = rot90(x1)
    x3 = rot180(x1)
    x4 = astuple(THREE, ONE)
    x5 = canvas(FIVE, x4)
    x6 = hconcat(x1, x5)
    x7 = hconcat(x6, x2)
    x8 = hconcat(x7, x5)
    O = hconcat(x8, x3)
    return O


def solve_8eb1be9a(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = first(x1)
    x3 = uppermost(x2)
    x4 = height(x2)
    x5 = width(I)
    x6 = toivec(x3)
    x7 = astuple(x4, x5)
    x8 = crop(I, x6, x7)
    x9 = height(I)
    x10 = repeat(x8, x9)
    x11 = merge(x10)
    x12 = decrement(x4)
    x13 = multiply(x3, x12)
    x14 = toivec(x13)
    x15 = shape(I)
    O = crop(x11, x14, x15)
    return O


def solve_8efcae92(I: Grid) -> Grid:
    x1 = replace(I, TWO, ONE)
    x2 = objects(x1, T, F, F)
    x3 = colorfilter(x2, ONE)
    x4 = rbind(toobject, I)
    x5 = rbind(colorcount, TWO)
    x6 = compose(x5, x4)
    x7 = argmax(x3, x6)
    O = subgrid(x7, I)
    return O


def solve_8f2ea7aa(I: Grid) -> Grid:
    x1 = fgpartition(I)
    x2 = first(x1)
    x3 = normalize(x2)
    x4 = toindices(x3)
    x5 = rbind(multiply, THREE)
    x6 = apply(x5, x4)
    x7 = lbind(shift, x3)
    x8 = mapply(x7, x6)
    x9 = shape(I)
    x10 = canvas(ZERO, x9)
    O = paint(x10, x8)
    return O


def solve_484b58aa(I: Grid) -> Grid:
    x1 = partition(I)
    x2 = colorfilter(x1, ZERO)
    x3 = difference(x1, x2)
    x4 = merge(x3)
    x5 = toindices(x4)
    x6 = invert(TEN)
    x7 = increment(TEN)
    x8 = interval(x6, x7, ONE)
    x9 = product(x8, x8)
    x10 = lbind(shift, x4)
    x11 = rbind(intersection, x4)
    x12 = chain(size, x11, x10)
    x13 = rbind(intersection, x5)
    x14 = compose(toindices, x10)
    x15 = chain(size, x13, x14)
    x16 = fork(equality, x12, x15)
    x17 = sfilter(x9, x16)
    x18 = mapply(x10, x17)
    O = paint(I, x18)
    return O


def solve_4612dd53(I: Grid) -> Grid:
    x1 = ofcolor(I, ONE)
    x2 = box(x1)
    x3 = difference(x1, x2)
    x4 = width(x3)
    x5 = equality(x4, ONE)
    x6 = mapply(vfrontier, x3)
    x7 = mapply(hfrontier, x3)
    x8 = branch(x5, x6, x7)
    x9 = combine(x2, x8)
    x10 = backdrop(x1)
    x11 = intersection(x9, x10)
    O = underfill(I, TWO, x11)
    return O


def solve_508bd3b6(I: Grid) -> Grid:
    x1 = ofcolor(I, EIGHT)
    x2 = ofcolor(I, TWO)
    x3 = first(x1)
    x4 = last(x1)
    x5 = subtract(x4, x3)
    x6 = sign(x5)
    x7 = shoot(x3, x6)
    x8 = invert(x6)
    x9 = shoot(x3, x8)
    x10 = combine(x7, x9)
    x11 = ofcolor(I, ZERO)
    x12 = intersection(x10, x11)
    x13 = rbind(adjacent, x2)
    x14 = compose(x13, initset)
    x15 = extract(x12, x14)
    x16 = subtract(x15, x3)
    x17 = sign(x16)
    x18 = portrait(x2)
    x19 = branch(x18, DOWN_LEFT, UP_RIGHT)
    x20 = multiply(x17, x19)
    x21 = shoot(x15, x20)
    x22 = combine(x10, x21)
    O = underfill(I, THREE, x22)
    return O


def solve_5daaa586(I: Grid) -> Grid:
    x1 = ofcolor(I, ZERO)
    x2 = apply(first, x1)
    x3 = apply(last, x1)
    x4 = asindices(I)
    x5 = apply(first, x4)
    x6 = apply(last, x4)
    x7 = difference(x5, x2)
    x8 = difference(x6, x3)
    x9 = product(x7, x8)
    x10 = subgrid(x9, I)
    x11 = fgpartition(x10)
    x12 = argmax(x11, size)
    x13 = color(x12)
    x14 = ofcolor(x10, x13)
    x15 = asindices(x10)
    x16 = box(x15)
    x17 = intersection(x14, x16)
    x18 = difference(x14, x16)
    x19 = rbind(gravitate, x17)
    x20 = compose(x19, initset)
    x21 = fork(add, identity, x20)
    x22 = fork(connect, identity, x21)
    x23 = mapply(x22, x18)
    O = fill(x10, x13, x23)
    return O


def solve_6855a6e4(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = colorfilter(x1, TWO)
    x3 = first(x2)
    x4 = portrait(x3)
    x5 = dmirror(I)
    x6 = branch(x4, x5, I)
    x7 = objects(x6, T, T, T)
    x8 = colorfilter(x7, FIVE)
    x9 = argmin(x8, uppermost)
    x10 = argmax(x8, uppermost)
    x11 = ofcolor(x6, TWO)
    x12 = uppermost(x11)
    x13 = lowermost(x11)
    x14 = double(x12)
    x15 = uppermost(x9)
    x16 = lowermost(x9)
    x17 = add(x15, x16)
    x18 = subtract(x14, x17)
    x19 = toivec(x18)
    x20 = hmirror(x9)
    x21 = shift(x20, x19)
    x22 = double(x13)
    x23 = uppermost(x10)
    x24 = lowermost(x10)
    x25 = add(x23, x24)
    x26 = subtract(x22, x25)
    x27 = toivec(x26)
    x28 = hmirror(x10)
    x29 = shift(x28, x27)
    x30 = merge(x8)
    x31 = cover(x6, x30)
    x32 = paint(x31, x21)
    x33 = paint(x32, x29)
    x34 = dmirror(x33)
    O = branch(x4, x34, x33)
    return O


def solve_6e19193c(I: Grid) -> Grid:
    x1 = objects(I, T, F, T)
    x2 = first(x1)
    x3 = color(x2)
    x4 = compose(first, delta)
    x5 = fork(add, ulcorner, lrcorner)
    x6 = fork(subtract, x5, x4)
    x7 = fork(subtract, x4, x6)
    x8 = fork(add, x4, x7)
    x9 = fork(shoot, x8, x7)
    x10 = mapply(x9, x1)
    O = fill(I, x3, x10)
    return O


def solve_7837ac64(I: Grid) -> Grid:
    x1 = partition(I)
    x2 = colorfilter(x1, ZERO)
    x3 = difference(x1, x2)
    x4 = argmax(x3, size)
    x5 = remove(x4, x3)
    x6 = merge(x5)
    x7 = subgrid(x6, I)
    x8 = width(x7)
    x9 = decrement(x8)
    x10 = divide(x9, THREE)
    x11 = downscale(x7, x10)
    x12 = crop(x11, ORIGIN, THREE_BY_THREE)
    x13 = crop(x11, RIGHT, THREE_BY_THREE)
    x14 = crop(x11, DOWN, THREE_BY_THREE)
    x15 = crop(x11, UNITY, THREE_BY_THREE)
    x16 = cellwise(x12, x13, ZERO)
    x17 = cellwise(x16, x14, ZERO)
    x18 = cellwise(x17, x15, ZERO)
    x19 = color(x4)
    O = replace(x18, x19, ZERO)
    return O


def solve_5c2c9af4(I: Grid) -> Grid:
    x1 = leastcolor(I)
    x2 = ofcolor(I, x1)
    x3 = center(x2)
    x4 = width(x2)
    x5 = decrement(x4)
    x6 = halve(x5)
    x7 = multiply(TEN, THREE)
    x8 = interval(ZERO, x7, x6)
    x9 = lbind(subtract, x3)
    x10 = lbind(add, x3)
    x11 = fork(connect, x9, x10)
    x12 = compose(box, x11)
    x13 = mapply(x12, x8)
    O = fill(I, x1, x13)
    return O


def solve_846bdb03(I: Grid) -> Grid:
    x1 = objects(I, F, F, T)
    x2 = lbind(contained, FOUR)
    x3 = compose(x2, palette)
    x4 = sfilter(x1, x3)
    x5 = merge(x4)
    x6 = difference(x1, x4)
    x7 = merge(x6)
    x8 = subgrid(x5, I)
    x9 = subgrid(x7, I)
    x10 = index(x8, DOWN)
    x11 = ofcolor(x9, x10)
    x12 = leftmost(x11)
    x13 = equality(x12, ZERO)
    x14 = vmirror(x9)
    x15 = branch(x13, x9, x14)
    x16 = asobject(x15)
    x17 = shift(x16, UNITY)
    O = paint(x8, x17)
    return O


def solve_8a004b2b(I: Grid) -> Grid:
    x1 = ofcolor(I, FOUR)
    x2 = backdrop(x1)
    x3 = objects(I, F, T, T)
    x4 = rbind(difference, x2)
    x5 = chain(size, x4, toindices)
    x6 = matcher(x5, ZERO)
    x7 = sfilter(x3, x6)
    x8 = difference(x3, x7)
    x9 = first(x8)
    x10 = ofcolor(I, ZERO)
    x11 = difference(x2, x10)
    x12 = difference(x11, x1)
    x13 = width(x12)
    x14 = width(x9)
    x15 = divide(x13, x14)
    x16 = upscale(x9, x15)
    x17 = normalize(x16)
    x18 = ulcorner(x12)
    x19 = shift(x17, x18)
    x20 = paint(I, x19)
    O = subgrid(x1, x20)
    return O


def solve_72322fa7(I: Grid) -> Grid:
    x1 = objects(I, F, T, T)
    x2 = matcher(numcolors, TWO)
    x3 = sfilter(x1, x2)
    x4 = lbind(matcher, first)
    x5 = compose(x4, color)
    x6 = fork(sfilter, identity, x5)
    x7 = fork(difference, identity, x6)
    x8 = lbind(lbind, shift)
    x9 = lbind(rbind, subtract)
    x10 = lbind(occurrences, I)
    x11 = chain(x9, ulcorner, x6)
    x12 = fork(compose, x8, x11)
    x13 = compose(x10, x6)
    x14 = fork(mapply, x12, x13)
    x15 = chain(x9, ulcorner, x7)
    x16 = fork(compose, x8, x15)
    x17 = compose(x10, x7)
    x18 = fork(mapply, x16, x17)
    x19 = fork(combine, x14, x18)
    x20 = mapply(x19, x3)
    O = paint(I, x20)
    return O


def solve_7df24a62(I: Grid) -> Grid:
    x1 = ofcolor(I, ONE)
    x2 = subgrid(x1, I)
    x3 = replace(x2, ONE, ZERO)
    x4 = rot90(x3)
    x5 = rot180(x3)
    x6 = rot270(x3)
    x7 = hmirror(x3)
    x8 = vmirror(x3)
    x9 = dmirror(x3)
    x10 = cmirror(x3)
    x11 = astuple(x3, x4)
    x12 = astuple(x5, x6)
    x13 = astuple(x7, x8)
    x14 = astuple(x9, x10)
    x15 = combine(x11, x12)
    x16 = combine(x13, x14)
    x17 = combine(x15, x16)
    x18 = shape(x3)
    x19 = maximum(x18)
    x20 = astuple(x19, x19)
    x21 = shape(I)
    x22 = double(x20)
    x23 = add(x21, x22)
    x24 = canvas(ZERO, x23)
    x25 = asobject(I)
    x26 = shift(x25, x20)
    x27 = paint(x24, x26)
    x28 = lbind(lbind, shift)
    x29 = compose(x28, asindices)
    x30 = lbind(occurrences, x27)
    x31 = compose(x30, asobject)
    x32 = fork(mapply, x29, x31)
    x33 = mapply(x32, x17)
    x34 = invert(x20)
    x35 = shift(x33, x34)
    O = underfill(I, ONE, x35)
    return O


def solve_57aa92db(I: Grid) -> Grid:
    x1 = objects(I, F, T, T)
    x2 = totuple(x1)
    x3 = apply(palette, x2)
    x4 = merge(x3)
    x5 = mostcommon(x4)
    x6 = matcher(first, x5)
    x7 = rbind(sfilter, x6)
    x8 = rbind(colorcount, x5)
    x9 = compose(double, x8)
    x10 = fork(subtract, size, x9)
    x11 = argmax(x1, x10)
    x12 = remove(x11, x1)
    x13 = sfilter(x11, x6)
    x14 = width(x13)
    x15 = compose(width, x7)
    x16 = rbind(divide, x14)
    x17 = compose(x16, x15)
    x18 = lbind(upscale, x11)
    x19 = compose(x18, x17)
    x20 = compose(x7, x19)
    x21 = compose(ulcorner, x7)
    x22 = compose(ulcorner, x20)
    x23 = fork(subtract, x21, x22)
    x24 = fork(shift, x19, x23)
    x25 = rbind(other, x5)
    x26 = compose(x25, palette)
    x27 = compose(x7, x24)
    x28 = fork(difference, x24, x27)
    x29 = fork(recolor, x26, x28)
    x30 = mapply(x29, x12)
    O = paint(I, x30)
    return O
