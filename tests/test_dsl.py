"""Tests of the grid DSL (solver_core.dsl): exact expected values on small hand-made inputs.

Every primitive must be covered: a test named ``test_<primitive>`` covers that primitive,
and ``@covers(...)`` adds more names. ``test_every_primitive_has_a_test`` lists the gaps.
"""

from __future__ import annotations

import random
import re
import sys

import pytest

from solver_core import types as dsl_types
from solver_core.constants import *
from solver_core.dsl import *
from solver_core.dsl import PRIMITIVES


def covers(*names):
    """Mark a test as covering the named primitives (besides the one in its name)."""

    def mark(fn):
        fn.covers = names
        return fn

    return mark


def fs(*items):
    return frozenset(items)


G = (
    (0, 0, 1),
    (0, 2, 1),
    (3, 3, 0),
)
R = (
    (1, 2, 3),
    (4, 5, 6),
)
P = fs((1, 2), (3, 0), (2, 4))
OBJ = fs((7, (1, 2)), (7, (3, 0)), (8, (2, 4)))


# --------------------------------------------------------------------------- meta


def test_every_primitive_has_a_test():
    module = sys.modules[__name__]
    covered = set()
    for name, fn in vars(module).items():
        if name.startswith("test_") and callable(fn):
            covered.add(name[len("test_") :])
            covered.update(getattr(fn, "covers", ()))
    missing = [name for name in PRIMITIVES if name not in covered]
    assert not missing, f"primitives without a test: {', '.join(missing)}"


def test_primitive_registry():
    assert len(PRIMITIVES) >= 150
    names = list(PRIMITIVES)
    assert names[:3] == ["identity", "add", "subtract"]
    assert all(not name.startswith("_") for name in names)
    assert "PRIMITIVES" not in PRIMITIVES and "MAX_SIDE" not in PRIMITIVES
    assert all(fn.__module__ == "solver_core.dsl" for fn in PRIMITIVES.values())


def test_annotations_use_only_type_aliases():
    allowed = set(dsl_types.__all__)
    bad = []
    for name, fn in PRIMITIVES.items():
        annotations = fn.__annotations__
        params = fn.__code__.co_varnames[: fn.__code__.co_argcount]
        if set(params) | {"return"} != set(annotations):
            bad.append(f"{name}: not every parameter/return annotated")
        for key, value in annotations.items():
            if not isinstance(value, str) or value not in allowed:
                bad.append(f"{name}.{key}: {value!r}")
    assert not bad, bad


def test_one_line_docstrings():
    bad = [
        name
        for name, fn in PRIMITIVES.items()
        if not fn.__doc__ or "\n" in fn.__doc__.strip() or fn.__doc__ != fn.__doc__.strip()
    ]
    assert not bad, bad


def test_types_module_aliases():
    assert dsl_types.Grid == tuple[tuple[int, ...], ...]
    assert dsl_types.Samples == tuple[tuple[dsl_types.Grid, dsl_types.Grid], ...]
    assert dsl_types.IntegerTuple == tuple[int, int]
    for name in dsl_types.__all__:
        assert hasattr(dsl_types, name), name


def test_constants():
    assert (F, T) == (False, True)
    assert (ZERO, FIVE, NINE, TEN, NEG_ONE, NEG_TWO) == (0, 5, 9, 10, -1, -2)
    assert (ORIGIN, UNITY, DOWN, RIGHT, UP, LEFT) == ((0, 0), (1, 1), (1, 0), (0, 1), (-1, 0), (0, -1))
    assert (NEG_UNITY, UP_RIGHT, DOWN_LEFT) == ((-1, -1), (-1, 1), (1, -1))
    assert (ZERO_BY_TWO, TWO_BY_ZERO, TWO_BY_TWO, THREE_BY_THREE) == ((0, 2), (2, 0), (2, 2), (3, 3))
    assert MAX_SIDE == 60


# --------------------------------------------------------------------------- determinism


def _differently_ordered_copies(items):
    """Two equal frozensets of items whose iteration orders differ."""
    rng = random.Random(7)
    base = frozenset(items)
    for _ in range(2000):
        shuffled = list(items)
        rng.shuffle(shuffled)
        other_set = frozenset(shuffled)
        if list(other_set) != list(base):
            return base, other_set
    raise AssertionError("could not build two differently ordered copies")


def test_tie_breaks_do_not_depend_on_iteration_order():
    # -1 and -2 share a hash, so insertion order decides iteration order.
    a, b = fs(-1, -2), frozenset([-2, -1])
    assert list(a) != list(b)
    assert first(a) == first(b) == -2
    assert last(a) == last(b) == -1
    locs = [(i, j) for i in range(-3, 3) for j in (-2, -1)]
    a, b = _differently_ordered_copies(locs)
    assert first(a) == first(b) == (-3, -2)
    assert last(a) == last(b) == (2, -1)
    assert totuple(a) == totuple(b) == tuple(sorted(locs))
    assert argmax(a, lambda loc: loc[1]) == argmax(b, lambda loc: loc[1]) == (-3, -1)
    assert argmin(a, lambda loc: 0) == argmin(b, lambda loc: 0) == (-3, -2)
    assert extract(a, lambda loc: loc[0] > 0) == extract(b, lambda loc: loc[0] > 0) == (1, -2)
    assert order(a, lambda loc: loc[1]) == order(b, lambda loc: loc[1])
    assert pair(a, b) == tuple(zip(sorted(locs), sorted(locs), strict=True))
    cells = [(c, loc) for c, loc in zip((-1, -2) * 6, locs, strict=True)]
    a, b = _differently_ordered_copies(cells)
    assert first(a) == first(b) == (-2, (-3, -1))
    objs_a = fs(a, fs((1, (0, 0))), fs((2, (0, 0))))
    objs_b = fs(fs((2, (0, 0))), fs((1, (0, 0))), b)
    assert first(objs_a) == first(objs_b) == a
    assert totuple(objs_a) == totuple(objs_b)


def test_colour_tie_breaks():
    assert mostcolor(((1, 2), (2, 1))) == 1
    assert mostcolor(fs((5, (0, 0)), (4, (0, 1)))) == 4
    assert leastcolor(((7, 3), (3, 7), (9, 9), (9, 9))) == 3
    assert color(fs((5, (0, 0)), (2, (0, 1)))) == 2
    assert mostcommon((3, 1, 1, 3)) == 1
    assert leastcommon(fs((1, 2), (0, 5))) == (0, 5)


def test_canonical_order_is_total_on_mixed_sets():
    mixed = fs(1, (0, 0), (1, (2, 3)), fs(4), True and 7, (1, (2, (3,))))
    assert totuple(mixed) == (1, 7, (0, 0), (1, (2, 3)), (1, (2, (3,))), fs(4))
    assert first(mixed) == 1 and last(mixed) == fs(4)


# --------------------------------------------------------------------------- guards


def test_guards_raise_value_error():
    too_wide = canvas(0, (1, MAX_SIDE))
    too_tall = canvas(0, (MAX_SIDE, 1))
    cases = [
        lambda: canvas(0, (MAX_SIDE + 1, 1)),
        lambda: canvas(0, (1, MAX_SIDE + 1)),
        lambda: canvas(0, (-1, 2)),
        lambda: hupscale(too_wide, 2),
        lambda: vupscale(too_tall, 2),
        lambda: upscale(canvas(0, (31, 2)), 2),
        lambda: upscale(fs((1, (0, 0)), (1, (0, 30))), 2),
        lambda: hconcat(too_wide, ((1,),)),
        lambda: vconcat(too_tall, ((1,),)),
        lambda: crop(((0,) * (MAX_SIDE + 1),), (0, 0), (1, MAX_SIDE + 1)),
        lambda: interval(0, 1001, 1),
        lambda: interval(0, -2002, -2),
        lambda: repeat(0, 1001),
        lambda: power(identity, 17),
        lambda: power(identity, -1),
        lambda: hupscale(G, 0),
        lambda: vupscale(G, -1),
        lambda: upscale(G, 0),
        lambda: downscale(G, 0),
        lambda: downscale(G, -2),
        lambda: hsplit(G, 0),
        lambda: vsplit(G, -1),
        lambda: product(interval(0, 1000, 1), interval(0, 1000, 1)),
        lambda: prapply(add, interval(0, 1000, 1), interval(0, 1000, 1)),
        lambda: connect((0, 0), (0, 5000)),
    ]
    for case in cases:
        with pytest.raises(ValueError):
            case()
    assert len(interval(0, 1000, 1)) == 1000
    assert power(identity, 16)(3) == 3
    assert shape(canvas(0, (MAX_SIDE, MAX_SIDE))) == (MAX_SIDE, MAX_SIDE)


def test_no_stop_iteration_leaks():
    with pytest.raises(ValueError):
        uppermost(fs())
    with pytest.raises(ValueError):
        extract(fs(1, 3), even)
    with pytest.raises(ValueError):
        apply(uppermost, (fs((0, 0)), fs()))


# --------------------------------------------------------------------------- arithmetic & logic


def test_identity():
    assert identity(G) is G
    assert identity(3) == 3


def test_add():
    assert add(1, 2) == 3
    assert add((1, 2), (3, 4)) == (4, 6)
    assert add(1, (2, 3)) == (3, 4)
    assert add((2, 3), 1) == (3, 4)


def test_subtract():
    assert subtract(5, 2) == 3
    assert subtract((5, 5), (1, 2)) == (4, 3)
    assert subtract(5, (1, 2)) == (4, 3)
    assert subtract((5, 6), 1) == (4, 5)


def test_multiply():
    assert multiply(3, 4) == 12
    assert multiply((1, 2), (3, 4)) == (3, 8)
    assert multiply(2, (3, 4)) == (6, 8)
    assert multiply((3, 4), 2) == (6, 8)


def test_divide():
    assert divide(7, 2) == 3
    assert divide(-7, 2) == -4
    assert divide((7, 9), (2, 4)) == (3, 2)
    assert divide(7, (2, 3)) == (3, 2)
    assert divide((7, 9), 2) == (3, 4)


def test_invert():
    assert invert(3) == -3
    assert invert((1, -2)) == (-1, 2)


def test_even():
    assert even(4) and even(0) and even(-2)
    assert not even(3)


def test_double():
    assert double(3) == 6
    assert double((1, -2)) == (2, -4)


def test_halve():
    assert halve(7) == 3
    assert halve(-3) == -2
    assert halve((5, 4)) == (2, 2)


def test_flip():
    assert flip(True) is False
    assert flip(False) is True


def test_equality():
    assert equality((1, 2), (1, 2))
    assert not equality(1, 2)


def test_contained():
    assert contained(2, (1, 2))
    assert not contained(3, fs(1))


def test_combine():
    assert combine((1, 2), (3,)) == (1, 2, 3)
    assert combine(fs(1), fs(2)) == fs(1, 2)
    assert combine((1,), fs(3, 2)) == (1, 2, 3)


def test_intersection():
    assert intersection(fs(1, 2, 3), fs(2, 3, 4)) == fs(2, 3)


def test_difference():
    assert difference(fs(1, 2, 3), fs(2)) == fs(1, 3)
    assert difference((1, 2, 3, 2), (2,)) == (1, 3)


def test_dedupe():
    assert dedupe((1, 2, 1, 3, 2)) == (1, 2, 3)


def test_order():
    assert order((3, 1, 2), identity) == (1, 2, 3)
    assert order(((1, 1), (0,), (2, 2)), size) == ((0,), (1, 1), (2, 2))
    assert order(fs((2,), (1, 1), (0, 0), (5,)), size) == ((2,), (5,), (0, 0), (1, 1))


def test_repeat():
    assert repeat(7, 3) == (7, 7, 7)
    assert repeat(G, 0) == ()


def test_greater():
    assert greater(2, 1)
    assert not greater(1, 1)


def test_size():
    assert size((1, 2, 3)) == 3
    assert size(fs()) == 0


def test_merge():
    assert merge(fs(fs(1, 2), fs(3))) == fs(1, 2, 3)
    assert merge(((1, 2), (3,))) == (1, 2, 3)
    assert merge((fs(2, 1), (3,))) == (1, 2, 3)


def test_maximum():
    assert maximum(fs(1, 5, 3)) == 5
    assert maximum(fs()) == 0


def test_minimum():
    assert minimum(fs(4, 5, 3)) == 3
    assert minimum(fs()) == 0


def test_valmax():
    assert valmax(((1, 2), (1,), (1, 2, 3)), size) == 3
    assert valmax((), size) == 0


def test_valmin():
    assert valmin(fs((1, 2), (1,), (1, 2, 3)), size) == 1


def test_argmax():
    assert argmax(((1,), (1, 2), (3, 4)), size) == (1, 2)
    assert argmax(fs((3, 4), (1, 2), (5,)), size) == (1, 2)
    assert argmax(fs((5,), (1, 2, 3)), size) == (1, 2, 3)


def test_argmin():
    assert argmin(((1, 2), (3,), (4,)), size) == (3,)
    assert argmin(fs((4,), (3,), (1, 2)), size) == (3,)


def test_mostcommon():
    assert mostcommon((1, 2, 2, 3, 3)) == 2
    assert mostcommon((5, 5, 1)) == 5


def test_leastcommon():
    assert leastcommon((1, 1, 2, 3, 3)) == 2
    assert leastcommon((4, 4, 3, 2)) == 2


def test_initset():
    assert initset(3) == fs(3)


def test_both():
    assert both(True, True)
    assert not both(True, False)


def test_either():
    assert either(False, True)
    assert not either(False, False)


def test_increment():
    assert increment(1) == 2
    assert increment((1, 2)) == (2, 3)


def test_decrement():
    assert decrement(1) == 0
    assert decrement((1, 2)) == (0, 1)


def test_crement():
    assert crement(0) == 0
    assert crement(3) == 4
    assert crement(-3) == -4
    assert crement((0, -2)) == (0, -3)
    assert crement((2, 0)) == (3, 0)


def test_sign():
    assert (sign(-5), sign(0), sign(7)) == (-1, 0, 1)
    assert sign((-2, 3)) == (-1, 1)
    assert sign((0, 0)) == (0, 0)


def test_positive():
    assert positive(1)
    assert not positive(0) and not positive(-1)


def test_toivec():
    assert toivec(3) == (3, 0)


def test_tojvec():
    assert tojvec(3) == (0, 3)


# --------------------------------------------------------------------------- containers


def test_sfilter():
    assert sfilter((1, 2, 3, 4), even) == (2, 4)
    assert sfilter(fs(1, 2, 3, 4), even) == fs(2, 4)


def test_mfilter():
    assert mfilter(fs(fs(1), fs(2, 3), fs(4, 5, 6)), lambda x: len(x) > 1) == fs(2, 3, 4, 5, 6)


def test_extract():
    assert extract((1, 4, 2), even) == 4
    assert extract(fs(4, 2, 6), even) == 2


def test_totuple():
    assert totuple(fs(3, 1, 2)) == (1, 2, 3)
    assert totuple((3, 1)) == (3, 1)


def test_first():
    assert first((3, 1)) == 3
    assert first(fs((1, 2), (0, 5), (3, 1))) == (0, 5)


def test_last():
    assert last((3, 1)) == 1
    assert last(fs((1, 2), (0, 5), (3, 1))) == (3, 1)


def test_insert():
    assert insert(3, fs(1)) == fs(1, 3)


def test_remove():
    assert remove(2, (1, 2, 3, 2)) == (1, 3)
    assert remove(2, fs(1, 2)) == fs(1)


def test_other():
    assert other(fs(1, 2), 1) == 2
    assert other((4, 5), 5) == 4


def test_interval():
    assert interval(0, 5, 2) == (0, 2, 4)
    assert interval(3, 0, -1) == (3, 2, 1)
    assert interval(2, 2, 1) == ()


def test_astuple():
    assert astuple(1, 2) == (1, 2)


def test_product():
    assert product((1, 2), (3,)) == fs((1, 3), (2, 3))
    assert product(fs(), (1,)) == fs()


def test_pair():
    assert pair((1, 2, 3), (4, 5)) == ((1, 4), (2, 5))


def test_branch():
    assert branch(True, 1, 2) == 1
    assert branch(False, 1, 2) == 2


# --------------------------------------------------------------------------- higher order


def test_compose():
    assert compose(double, increment)(3) == 8


def test_chain():
    assert chain(double, increment, invert)(3) == -4


def test_matcher():
    assert matcher(size, 2)((1, 2))
    assert not matcher(size, 2)((1,))


def test_rbind():
    assert rbind(subtract, 1)(5) == 4
    assert rbind(crop, (1, 1))(G, (1, 1)) == ((2,),)
    assert rbind(objects, True)(G, True, False) == objects(G, True, False, True)
    assert rbind(rbind(crop, (1, 1)), (0, 2))(G) == ((1,),)


def test_lbind():
    assert lbind(subtract, 10)(3) == 7
    assert lbind(fill, G)(5, fs((0, 0))) == fill(G, 5, fs((0, 0)))
    assert lbind(objects, G)(True, False, True) == objects(G, True, False, True)


def test_power():
    assert power(double, 3)(1) == 8
    assert power(double, 1)(5) == 10
    assert power(double, 0)(5) == 5
    assert power(rot90, 4)(R) == R


def test_fork():
    assert fork(add, double, increment)(3) == 10


def test_apply():
    assert apply(double, (1, 2)) == (2, 4)
    assert apply(double, fs(1, 2)) == fs(2, 4)


def test_rapply():
    assert rapply((double, increment), 3) == (6, 4)
    assert rapply(fs(double, increment), 3) == fs(6, 4)


def test_mapply():
    assert mapply(dneighbors, fs((0, 0))) == fs((-1, 0), (1, 0), (0, -1), (0, 1))
    assert mapply(lambda x: (x, x), (1, 2)) == (1, 1, 2, 2)


def test_papply():
    assert papply(add, (1, 2), (10, 20)) == (11, 22)


def test_mpapply():
    assert mpapply(astuple, (1, 2), (3, 4)) == (1, 3, 2, 4)


def test_prapply():
    assert prapply(add, (1, 2), (10, 20)) == fs(11, 21, 12, 22)


# --------------------------------------------------------------------------- colours, sizes, patches


def test_mostcolor():
    assert mostcolor(G) == 0
    assert mostcolor(OBJ) == 7


def test_leastcolor():
    assert leastcolor(G) == 2
    assert leastcolor(((3, 1, 5), (5, 5, 5))) == 1
    assert leastcolor(OBJ) == 8


def test_height():
    assert height(G) == 3
    assert height(R) == 2
    assert height(P) == 3
    assert height(OBJ) == 3
    assert height(fs()) == 0


def test_width():
    assert width(R) == 3
    assert width(((1, 2, 3, 4),)) == 4
    assert width(P) == 5
    assert width(OBJ) == 5
    assert width(fs()) == 0


def test_shape():
    assert shape(R) == (2, 3)
    assert shape(fs((0, 0), (2, 5))) == (3, 6)


def test_portrait():
    assert portrait(((1,), (2,)))
    assert not portrait(G)
    assert portrait(fs((0, 0), (1, 0)))


def test_colorcount():
    assert colorcount(G, 0) == 4
    assert colorcount(G, 9) == 0
    assert colorcount(OBJ, 7) == 2


def test_colorfilter():
    objs = objects(G, True, False, True)
    assert colorfilter(objs, 3) == fs(fs((3, (2, 0)), (3, (2, 1))))
    assert colorfilter(objs, 5) == fs()


def test_sizefilter():
    objs = objects(G, True, False, True)
    assert sizefilter(objs, 1) == fs(fs((2, (1, 1))))
    assert sizefilter(((1,), (1, 2), (3,)), 1) == fs((1,), (3,))


def test_asindices():
    assert asindices(((1, 2),)) == fs((0, 0), (0, 1))
    assert len(asindices(G)) == 9


def test_ofcolor():
    assert ofcolor(G, 1) == fs((0, 2), (1, 2))
    assert ofcolor(G, 9) == fs()


@covers("urcorner", "llcorner", "lrcorner")
def test_ulcorner():
    assert ulcorner(P) == (1, 0)
    assert urcorner(P) == (1, 4)
    assert llcorner(P) == (3, 0)
    assert lrcorner(P) == (3, 4)
    assert ulcorner(OBJ) == (1, 0)
    assert lrcorner(OBJ) == (3, 4)


def test_crop():
    assert crop(G, (1, 1), (2, 2)) == ((2, 1), (3, 0))
    assert crop(G, (0, 0), (1, 3)) == ((0, 0, 1),)
    assert crop(G, (2, 2), (5, 5)) == ((0,),)


def test_toindices():
    assert toindices(fs((1, (0, 0)), (2, (1, 1)))) == fs((0, 0), (1, 1))
    assert toindices(P) is P
    assert toindices(fs()) == fs()


def test_recolor():
    assert recolor(5, fs((0, 0))) == fs((5, (0, 0)))
    assert recolor(5, fs((1, (0, 0)), (2, (0, 1)))) == fs((5, (0, 0)), (5, (0, 1)))


def test_shift():
    assert shift(fs((0, 0), (1, 1)), (1, 2)) == fs((1, 2), (2, 3))
    assert shift(fs((4, (0, 0))), (-1, 1)) == fs((4, (-1, 1)))
    assert shift(fs(), (1, 1)) == fs()


def test_normalize():
    assert normalize(fs((2, 3), (3, 5))) == fs((0, 0), (1, 2))
    assert normalize(OBJ) == fs((7, (0, 2)), (7, (2, 0)), (8, (1, 4)))


def test_dneighbors():
    assert dneighbors((1, 1)) == fs((0, 1), (2, 1), (1, 0), (1, 2))


def test_ineighbors():
    assert ineighbors((1, 1)) == fs((0, 0), (0, 2), (2, 0), (2, 2))


def test_neighbors():
    assert neighbors((1, 1)) == asindices(canvas(0, (3, 3))) - fs((1, 1))


def test_objects():
    ones = fs((1, (0, 2)), (1, (1, 2)))
    two = fs((2, (1, 1)))
    threes = fs((3, (2, 0)), (3, (2, 1)))
    assert objects(G, True, False, True) == fs(ones, two, threes)
    assert objects(G, False, True, True) == fs(ones | two | threes)
    assert objects(G, True, False, False) == fs(
        ones, two, threes, fs((0, (0, 0)), (0, (0, 1)), (0, (1, 0))), fs((0, (2, 2)))
    )
    diag = ((1, 0), (0, 1))
    assert objects(diag, True, False, True) == fs(fs((1, (0, 0))), fs((1, (1, 1))))
    assert objects(diag, True, True, True) == fs(fs((1, (0, 0)), (1, (1, 1))))
    assert objects(diag, False, False, False) == fs(asobject(diag))


def test_partition():
    assert partition(((1, 2), (2, 1))) == fs(fs((1, (0, 0)), (1, (1, 1))), fs((2, (0, 1)), (2, (1, 0))))
    assert len(partition(G)) == 4


def test_fgpartition():
    assert fgpartition(G) == fs(
        fs((1, (0, 2)), (1, (1, 2))),
        fs((2, (1, 1))),
        fs((3, (2, 0)), (3, (2, 1))),
    )


@covers("lowermost", "leftmost", "rightmost")
def test_uppermost():
    assert (uppermost(P), lowermost(P), leftmost(P), rightmost(P)) == (1, 3, 0, 4)
    assert (uppermost(OBJ), lowermost(OBJ), leftmost(OBJ), rightmost(OBJ)) == (1, 3, 0, 4)


def test_square():
    assert square(G)
    assert not square(((1, 2),))
    assert square(fs((0, 0), (0, 1), (1, 0), (1, 1)))
    assert not square(fs((0, 0), (1, 1)))


def test_vline():
    assert vline(fs((0, 1), (1, 1), (2, 1)))
    assert not vline(fs((0, 1), (2, 1)))
    assert not vline(fs((0, 0), (0, 1)))


def test_hline():
    assert hline(fs((3, (1, 0)), (3, (1, 1))))
    assert not hline(fs((0, 1), (1, 1)))


def test_hmatching():
    assert hmatching(fs((0, 0), (1, 0)), fs((1, 5)))
    assert not hmatching(fs((0, 0), (1, 0)), fs((2, 5)))


def test_vmatching():
    assert vmatching(fs((0, 0), (0, 1)), fs((5, 1)))
    assert not vmatching(fs((0, 0), (0, 1)), fs((5, 2)))


def test_manhattan():
    assert manhattan(fs((0, 0)), fs((2, 3), (1, 1))) == 2
    assert manhattan(fs((4, (0, 0))), fs((0, 3))) == 3


def test_adjacent():
    assert adjacent(fs((0, 0)), fs((0, 1)))
    assert not adjacent(fs((0, 0)), fs((1, 1)))


def test_bordering():
    grid = canvas(0, (3, 3))
    assert not bordering(fs((1, 1)), grid)
    assert bordering(fs((0, 1)), grid)
    assert bordering(fs((1, 2)), grid)
    assert bordering(fs((2, 1)), grid)


def test_centerofmass():
    assert centerofmass(fs((0, 0), (0, 2), (3, 1))) == (1, 1)
    assert centerofmass(fs((0, 0), (1, 1))) == (0, 0)


def test_palette():
    assert palette(G) == fs(0, 1, 2, 3)
    assert palette(OBJ) == fs(7, 8)


def test_numcolors():
    assert numcolors(G) == 4
    assert numcolors(OBJ) == 2


def test_color():
    assert color(fs((4, (0, 0)), (4, (1, 0)))) == 4


def test_toobject():
    assert toobject(fs((0, 2), (2, 2), (5, 5)), G) == fs((1, (0, 2)), (0, (2, 2)))


def test_asobject():
    assert asobject(((1, 2),)) == fs((1, (0, 0)), (2, (0, 1)))


# --------------------------------------------------------------------------- grid transforms


def test_rot90():
    assert rot90(R) == ((4, 1), (5, 2), (6, 3))


def test_rot180():
    assert rot180(R) == ((6, 5, 4), (3, 2, 1))


def test_rot270():
    assert rot270(R) == ((3, 6), (2, 5), (1, 4))
    assert rot270(rot90(G)) == G


def test_hmirror():
    assert hmirror(R) == ((4, 5, 6), (1, 2, 3))
    assert hmirror(fs((0, 0), (1, 0), (1, 1))) == fs((1, 0), (0, 0), (0, 1))
    assert hmirror(fs((7, (2, 3)), (8, (4, 3)))) == fs((7, (4, 3)), (8, (2, 3)))


def test_vmirror():
    assert vmirror(R) == ((3, 2, 1), (6, 5, 4))
    assert vmirror(fs((0, 0), (0, 1), (1, 0))) == fs((0, 1), (0, 0), (1, 1))
    assert vmirror(fs((7, (0, 5)), (8, (0, 6)))) == fs((7, (0, 6)), (8, (0, 5)))


def test_dmirror():
    assert dmirror(R) == ((1, 4), (2, 5), (3, 6))
    assert dmirror(fs((1, 2), (1, 3), (1, 4))) == fs((1, 2), (2, 2), (3, 2))
    assert dmirror(fs((5, (1, 2)), (6, (1, 3)))) == fs((5, (1, 2)), (6, (2, 2)))


def test_cmirror():
    assert cmirror(R) == ((6, 3), (5, 2), (4, 1))
    assert cmirror(fs((0, 0), (0, 1))) == fs((0, 0), (1, 0))
    assert cmirror(fs((5, (0, 0)), (6, (0, 1)))) == fs((6, (0, 0)), (5, (1, 0)))


def test_fill():
    assert fill(G, 5, fs((0, 0), (9, 9), (-1, 0))) == ((5, 0, 1), (0, 2, 1), (3, 3, 0))
    assert fill(G, 5, fs((4, (2, 2)))) == ((0, 0, 1), (0, 2, 1), (3, 3, 5))


def test_paint():
    obj = fs((7, (0, 0)), (8, (2, 2)), (9, (5, 5)))
    assert paint(G, obj) == ((7, 0, 1), (0, 2, 1), (3, 3, 8))
    assert paint(canvas(0, (1, 1)), fs((3, (0, 0)), (6, (0, 0)))) == ((6,),)


def test_underfill():
    assert underfill(G, 5, fs((0, 0), (1, 1))) == ((5, 0, 1), (0, 2, 1), (3, 3, 0))


def test_underpaint():
    assert underpaint(G, fs((7, (0, 1)), (7, (0, 2)))) == ((0, 7, 1), (0, 2, 1), (3, 3, 0))


def test_hupscale():
    assert hupscale(((1, 2),), 2) == ((1, 1, 2, 2),)


def test_vupscale():
    assert vupscale(((1, 2),), 2) == ((1, 2), (1, 2))


def test_upscale():
    assert upscale(((1, 2),), 2) == ((1, 1, 2, 2), (1, 1, 2, 2))
    assert upscale(fs((1, (1, 1)), (2, (1, 2))), 2) == fs(
        (1, (1, 1)), (1, (1, 2)), (1, (2, 1)), (1, (2, 2)), (2, (1, 3)), (2, (1, 4)), (2, (2, 3)), (2, (2, 4))
    )
    assert upscale(fs(), 3) == fs()


def test_downscale():
    grid = ((1, 1, 2, 2), (1, 1, 2, 2), (3, 3, 4, 4), (3, 3, 4, 4))
    assert downscale(grid, 2) == ((1, 2), (3, 4))
    assert downscale(upscale(G, 3), 3) == G


def test_hconcat():
    assert hconcat(((1,), (2,)), ((3,), (4,))) == ((1, 3), (2, 4))


def test_vconcat():
    assert vconcat(((1, 2),), ((3, 4),)) == ((1, 2), (3, 4))


def test_subgrid():
    assert subgrid(fs((1, 1), (2, 2)), G) == ((2, 1), (3, 0))
    assert subgrid(fs((1, (0, 2)), (1, (1, 2))), G) == ((1,), (1,))


def test_hsplit():
    assert hsplit(((1, 2, 3, 4),), 2) == (((1, 2),), ((3, 4),))
    assert hsplit(((1, 0, 2),), 2) == (((1,),), ((2,),))


def test_vsplit():
    assert vsplit(((1,), (2,), (3,), (4,)), 2) == (((1,), (2,)), ((3,), (4,)))
    assert vsplit(((1,), (0,), (2,)), 2) == (((1,),), ((2,),))


def test_cellwise():
    assert cellwise(((1, 2), (3, 4)), ((1, 0), (3, 0)), 9) == ((1, 9), (3, 9))


def test_replace():
    assert replace(G, 0, 7) == ((7, 7, 1), (7, 2, 1), (3, 3, 7))
    assert replace(G, 9, 7) == G


def test_switch():
    assert switch(G, 0, 3) == ((3, 3, 1), (3, 2, 1), (0, 0, 3))


def test_center():
    assert center(fs((0, 0), (2, 4))) == (1, 2)
    assert center(fs((1, 1), (1, 2))) == (1, 2)


def test_position():
    origin = fs((0, 0))
    assert position(origin, fs((0, 5))) == (0, 1)
    assert position(origin, fs((0, -5))) == (0, -1)
    assert position(origin, fs((5, 0))) == (1, 0)
    assert position(origin, fs((3, 3))) == (1, 1)
    assert position(fs((3, 3)), origin) == (-1, -1)
    assert position(origin, fs((-2, 2))) == (-1, 1)


def test_index():
    assert index(G, (1, 1)) == 2
    assert index(G, (3, 0)) is None
    assert index(G, (-1, 0)) is None


def test_canvas():
    assert canvas(4, (2, 3)) == ((4, 4, 4), (4, 4, 4))
    assert canvas(0, (0, 0)) == ()


def test_corners():
    assert corners(fs((1, 1), (2, 3), (3, 2))) == fs((1, 1), (1, 3), (3, 1), (3, 3))


def test_connect():
    assert connect((0, 0), (0, 3)) == fs((0, 0), (0, 1), (0, 2), (0, 3))
    assert connect((2, 1), (0, 1)) == fs((0, 1), (1, 1), (2, 1))
    assert connect((0, 0), (2, 2)) == fs((0, 0), (1, 1), (2, 2))
    assert connect((0, 2), (2, 0)) == fs((0, 2), (1, 1), (2, 0))
    assert connect((0, 0), (1, 2)) == fs()


def test_cover():
    assert cover(G, fs((1, (0, 2)), (1, (1, 2)))) == ((0, 0, 0), (0, 2, 0), (3, 3, 0))


def test_trim():
    assert trim(((1, 2, 3), (4, 5, 6), (7, 8, 9))) == ((5,),)


def test_move():
    assert move(G, fs((2, (1, 1))), (1, 1)) == ((0, 0, 1), (0, 0, 1), (3, 3, 2))


@covers("bottomhalf")
def test_tophalf():
    assert tophalf(((1,), (2,), (3,))) == ((1,),)
    assert bottomhalf(((1,), (2,), (3,))) == ((3,),)
    assert tophalf(((1,), (2,), (3,), (4,))) == ((1,), (2,))
    assert bottomhalf(((1,), (2,), (3,), (4,))) == ((3,), (4,))


@covers("righthalf")
def test_lefthalf():
    assert lefthalf(((1, 2, 3),)) == ((1,),)
    assert righthalf(((1, 2, 3),)) == ((3,),)
    assert lefthalf(((1, 2, 3, 4),)) == ((1, 2),)
    assert righthalf(((1, 2, 3, 4),)) == ((3, 4),)


def test_vfrontier():
    assert vfrontier((2, 3)) == frozenset((i, 3) for i in range(MAX_SIDE))


def test_hfrontier():
    assert hfrontier((2, 3)) == frozenset((2, j) for j in range(MAX_SIDE))


def test_backdrop():
    assert backdrop(fs((1, 1), (2, 3))) == fs((1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3))
    assert backdrop(fs()) == fs()


def test_delta():
    assert delta(fs((1, 1), (2, 3))) == fs((1, 2), (1, 3), (2, 1), (2, 2))
    assert delta(fs()) == fs()


def test_gravitate():
    assert gravitate(fs((0, 0)), fs((0, 5))) == (0, 4)
    assert gravitate(fs((5, 2)), fs((0, 2), (1, 2))) == (-3, 0)


RING = fs((1, 1), (1, 2), (1, 3), (2, 1), (2, 3), (3, 1), (3, 2), (3, 3))


def test_inbox():
    assert inbox(fs((0, 0), (4, 4))) == RING


def test_outbox():
    assert outbox(fs((2, 2))) == RING


def test_box():
    assert box(fs((1, 1), (3, 3))) == RING
    assert box(fs()) == fs()


def test_shoot():
    assert shoot((5, 5), (0, -1)) == frozenset((5, j) for j in range(5 - MAX_SIDE, 6))
    assert shoot((0, 0), (1, 1)) == frozenset((k, k) for k in range(MAX_SIDE + 1))


def test_occurrences():
    grid = ((1, 0, 1), (0, 1, 0))
    assert occurrences(grid, fs((1, (0, 0)))) == fs((0, 0), (0, 2), (1, 1))
    assert occurrences(grid, fs((1, (5, 5)), (0, (5, 6)))) == fs((0, 0), (1, 1))
    assert occurrences(grid, fs((7, (0, 0)))) == fs()


def test_frontiers():
    assert frontiers(((1, 1, 1), (2, 0, 3), (4, 4, 4))) == fs(
        fs((1, (0, 0)), (1, (0, 1)), (1, (0, 2))), fs((4, (2, 0)), (4, (2, 1)), (4, (2, 2)))
    )
    assert frontiers(((1, 5), (2, 5))) == fs(fs((5, (0, 1)), (5, (1, 1))))


def test_compress():
    assert compress(((0, 0, 0), (1, 0, 2), (0, 0, 0))) == ((1, 2),)


def test_hperiod():
    assert hperiod(asobject(((1, 2, 1, 2),))) == 2
    assert hperiod(asobject(((1, 2, 3),))) == 3


def test_vperiod():
    assert vperiod(asobject(((4,), (4,), (4,)))) == 1
    assert vperiod(asobject(((1,), (2,), (3,)))) == 3


# --------------------------------------------------------------------------- demo samples

S = (
    (((1, 2),), ((3,),)),
    (((1,),), ((3, 4),)),
)


def test_demo_inputs():
    assert demo_inputs(S) == (((1, 2),), ((1,),))


def test_demo_outputs():
    assert demo_outputs(S) == (((3,),), ((3, 4),))


def test_new_colors():
    assert new_colors(S) == fs(3, 4)
    assert new_colors(((G, G),)) == fs()


def test_lost_colors():
    assert lost_colors(S) == fs(1, 2)


def test_output_shape():
    assert output_shape(S) == (1, 1)


def test_first_new_color():
    assert first_new_color(S) == 3
    assert first_new_color(((G, G),)) == 0


def test_module_has_no_prints_or_classes():
    import inspect

    import solver_core.dsl as dsl

    source = inspect.getsource(dsl)
    assert not re.search(r"^\s*class\s", source, re.M)
    assert "print(" not in source


# --------------------------------------------------------------------------- gravitate edge cases


def test_gravitate_edge_cases():
    assert gravitate(fs((0, 0)), fs((0, 1))) == (0, 0)  # already adjacent
    assert gravitate(fs((0, 3)), fs((0, 0))) == (0, -2)  # leftwards
    assert gravitate(fs((0, 0)), fs((0, 0))) == (-1, 0)  # overlapping: one step up makes them adjacent
    assert gravitate(fs((0, 0), (0, 1), (0, 2)), fs((0, 1))) == (-1, 0)
    assert gravitate(fs((0, 0)), fs((0, 90))) == (0, 42)  # too far: capped at 42 steps
    assert gravitate(fs((0, 0), (0, 1)), fs((3, 2))) == (0, 42)  # passes by diagonally, never touches
    assert gravitate(fs((9, (4, 0))), fs((0, 0), (1, 0))) == (-2, 0)  # objects and indices alike


# --------------------------------------------------------------------------- added for evaluation tasks


def test_settle():
    grid = (
        (0, 2, 2, 0, 3),
        (0, 0, 2, 0, 0),
        (1, 0, 0, 0, 0),
    )
    assert settle(grid, RIGHT) == (
        (0, 0, 2, 2, 3),  # the 2-piece stops against the 3 (which went first), keeping its shape
        (0, 0, 0, 2, 0),
        (0, 0, 0, 0, 1),
    )
    assert settle(grid, DOWN) == (
        (0, 0, 0, 0, 0),
        (0, 2, 2, 0, 0),
        (1, 0, 2, 0, 3),
    )
    assert settle(grid, LEFT)[0] == (2, 2, 3, 0, 0)
    assert settle(grid, ORIGIN) == grid
    assert settle(((5, 5), (5, 5)), UP) == ((5, 5), (5, 5))  # nothing but background
