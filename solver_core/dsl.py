"""The grid DSL: one flat module of small, pure, typed primitives.

Vocabulary, argument orders and meanings follow the well-known public ARC-DSL
(Michael Hodel's ``arc-dsl``), so solvers written in that style work unchanged.
Differences that matter to solver writers:

* Determinism: nothing depends on frozenset iteration order. Where the public
  DSL picks "whatever comes first", this module picks by a total order
  (``_canonical_key``): ``first``/``last`` of a frozenset are its smallest /
  largest element, ``totuple``/``order`` sort frozensets, ``argmax``/``argmin``/
  ``extract``/``mostcommon`` break ties by the smallest element, ``mostcolor``/
  ``leastcolor`` ties go to the smallest colour, ``color`` of a multicoloured
  object is its smallest colour, and ``paint`` resolves two cells at one
  location by the larger colour. Tuples keep their order and are never sorted.
* Guards: grid builders raise ``ValueError`` beyond ``MAX_SIDE`` rows or columns;
  ``interval``/``repeat`` beyond 1000 elements, ``power`` outside 0..16,
  non-positive scale factors and oversized ``product``/``prapply``/``connect``
  raise ``ValueError`` too.
* ``vfrontier``/``hfrontier``/``shoot`` reach ``MAX_SIDE`` cells (not 30/42).

A patch is treated as an Object or as Indices by looking at one of its elements,
as in the public DSL: mixed frozensets of cells and locations are unsupported.
"""

from __future__ import annotations

import inspect as _inspect
from collections import Counter as _Counter
from itertools import chain as _chain

from solver_core.constants import MAX_SIDE
from solver_core.types import (
    Any,
    Boolean,
    Callable,
    Container,
    ContainerContainer,
    Element,
    FrozenSet,
    Grid,
    Indices,
    Integer,
    IntegerSet,
    IntegerTuple,
    Numerical,
    Object,
    Objects,
    Patch,
    Piece,
    Samples,
    Tuple,
    TupleTuple,
)

_MAX_ELEMENTS = 1000
_MAX_PAIRS = 4 * MAX_SIDE * MAX_SIDE
_MAX_POWER = 16


# --------------------------------------------------------------------------- helpers


def _canonical_key(x: Any) -> Tuple:
    """Total-order sort key: numbers by value, tuples element-wise, frozensets as sorted keys."""
    t = type(x)
    if t is int or t is bool or t is float:
        return (0, x)
    if t is tuple:
        if len(x) == 2:
            a, b = x
            if type(a) is int:
                tb = type(b)
                if tb is int:
                    return (1, x)
                if tb is tuple and len(b) == 2 and type(b[0]) is int and type(b[1]) is int:
                    return (2, x)
        for e in x:
            te = type(e)
            if te is not int and te is not bool and te is not float:
                break
        else:
            return (1, x)
        return (3, tuple(map(_canonical_key, x)))
    if t is frozenset or t is set:
        if x and _homogeneous(x):  # same key as below, without a key call per element
            first = next(iter(x))
            kind = 0 if type(first) is int else 1 if type(first[1]) is int else 2
            return (4, tuple([(kind, e) for e in sorted(x)]))
        return (4, tuple(sorted(map(_canonical_key, x))))
    return (5, t.__name__, getattr(x, "__qualname__", ""), repr(x))


def _homogeneous(container: Container) -> bool:
    """Whether every element is an int, every one a location ``(i, j)``, or every one a cell.

    For such sets the native order of Python values equals the ``_canonical_key`` order, so
    sorting can skip building keys (the hot path: objects, patches, palettes).
    """
    first = next(iter(container))
    if type(first) is int:
        for e in container:
            if type(e) is not int:
                return False
        return True
    if type(first) is not tuple or len(first) != 2:
        return False
    if type(first[0]) is int and type(first[1]) is int:
        for e in container:
            if type(e) is not tuple or len(e) != 2 or type(e[0]) is not int or type(e[1]) is not int:
                return False
        return True
    for e in container:  # plain loops: a third cheaper than all() over a generator
        if type(e) is not tuple or len(e) != 2 or type(e[0]) is not int:
            return False
        loc = e[1]
        if type(loc) is not tuple or len(loc) != 2 or type(loc[0]) is not int or type(loc[1]) is not int:
            return False
    return True


def _ordered(container: Container) -> Tuple:
    """Tuples unchanged; sets sorted by ``_canonical_key``."""
    if type(container) is tuple:
        return container
    if isinstance(container, (frozenset, set)):
        if len(container) <= 1:
            return tuple(container)
        if _homogeneous(container):
            return tuple(sorted(container))
        return tuple(sorted(container, key=_canonical_key))
    return tuple(container)


def _smallest(candidates: Container) -> Any:
    """The smallest element by ``_canonical_key`` (the only one when there is one)."""
    if len(candidates) == 1:
        return next(iter(candidates))
    if _homogeneous(candidates):
        return min(candidates)
    return min(candidates, key=_canonical_key)


def _is_object(patch: Patch) -> Boolean:
    """Whether a non-empty patch holds cells (an Object) rather than locations."""
    for e in patch:
        return type(e[1]) is tuple
    raise ValueError("empty patch")


def _check_side(h: Integer, w: Integer, what: str) -> None:
    """Raise ValueError if a grid of h x w would exceed MAX_SIDE."""
    if h > MAX_SIDE or w > MAX_SIDE:
        raise ValueError(f"{what}: result {h}x{w} exceeds MAX_SIDE={MAX_SIDE}")


def _check_factor(factor: Integer, what: str) -> None:
    """Raise ValueError for a non-positive factor."""
    if factor < 1:
        raise ValueError(f"{what}: factor must be positive, got {factor}")


def _color_counts(element: Element) -> dict:
    """Colour -> number of cells, for a grid or an object."""
    if isinstance(element, tuple):
        return _Counter(_chain.from_iterable(element))
    return _Counter(v for v, _ in element)


def _paint_map(obj: Object) -> dict:
    """Location -> colour of an object; two colours at one location resolve to the larger."""
    cells = {loc: v for v, loc in obj}
    if len(cells) != len(obj):
        if not isinstance(obj, (frozenset, set)):
            return {loc: v for v, loc in _ordered(obj)}
        # In canonical order the largest cell at a location comes last and wins: only the locations
        # holding several cells need that order, not the whole object. Plain cells: the larger colour.
        if _homogeneous(obj):
            for v, loc in obj:
                if v > cells[loc]:
                    cells[loc] = v
            return cells
        groups: dict = {}
        for cell in obj:
            _, loc = cell
            groups.setdefault(loc, []).append(cell)
        for loc, group in groups.items():
            if len(group) > 1:
                cells[loc] = max(group, key=_canonical_key)[0]
    return cells


def _box_lines(si: Integer, sj: Integer, ei: Integer, ej: Integer) -> Indices:
    """Outline of the rectangle with corners (si, sj) and (ei, ej)."""
    si, ei = min(si, ei), max(si, ei)
    sj, ej = min(sj, ej), max(sj, ej)
    vlines = {(i, sj) for i in range(si, ei + 1)} | {(i, ej) for i in range(si, ei + 1)}
    hlines = {(si, j) for j in range(sj, ej + 1)} | {(ei, j) for j in range(sj, ej + 1)}
    return frozenset(vlines | hlines)


# --------------------------------------------------------------------------- arithmetic & logic


def identity(x: Any) -> Any:
    """Return the argument unchanged."""
    return x


def add(a: Numerical, b: Numerical) -> Numerical:
    """Sum of two integers or pairs (an integer is broadcast over a pair)."""
    if isinstance(a, int):
        if isinstance(b, int):
            return a + b
        return (a + b[0], a + b[1])
    if isinstance(b, int):
        return (a[0] + b, a[1] + b)
    return (a[0] + b[0], a[1] + b[1])


def subtract(a: Numerical, b: Numerical) -> Numerical:
    """Difference a - b of integers or pairs (an integer is broadcast over a pair)."""
    if isinstance(a, int):
        if isinstance(b, int):
            return a - b
        return (a - b[0], a - b[1])
    if isinstance(b, int):
        return (a[0] - b, a[1] - b)
    return (a[0] - b[0], a[1] - b[1])


def multiply(a: Numerical, b: Numerical) -> Numerical:
    """Product of integers or pairs (an integer is broadcast over a pair)."""
    if isinstance(a, int):
        if isinstance(b, int):
            return a * b
        return (a * b[0], a * b[1])
    if isinstance(b, int):
        return (a[0] * b, a[1] * b)
    return (a[0] * b[0], a[1] * b[1])


def divide(a: Numerical, b: Numerical) -> Numerical:
    """Floor division a // b of integers or pairs (an integer is broadcast over a pair)."""
    if isinstance(a, int):
        if isinstance(b, int):
            return a // b
        return (a // b[0], a // b[1])
    if isinstance(b, int):
        return (a[0] // b, a[1] // b)
    return (a[0] // b[0], a[1] // b[1])


def invert(n: Numerical) -> Numerical:
    """Negation of an integer or a pair."""
    if isinstance(n, int):
        return -n
    return (-n[0], -n[1])


def even(n: Integer) -> Boolean:
    """Whether an integer is even."""
    return n % 2 == 0


def double(n: Numerical) -> Numerical:
    """Twice an integer or a pair."""
    if isinstance(n, int):
        return n * 2
    return (n[0] * 2, n[1] * 2)


def halve(n: Numerical) -> Numerical:
    """Floor half of an integer or a pair."""
    if isinstance(n, int):
        return n // 2
    return (n[0] // 2, n[1] // 2)


def flip(b: Boolean) -> Boolean:
    """Logical not."""
    return not b


def equality(a: Any, b: Any) -> Boolean:
    """Whether a equals b."""
    return a == b


def contained(value: Any, container: Container) -> Boolean:
    """Whether value is an element of container."""
    return value in container


def combine(a: Container, b: Container) -> Container:
    """Union of two containers (concatenation for tuples), typed like a."""
    if type(a) is tuple:
        return a + _ordered(b)
    return type(a)((*a, *b))


def intersection(a: FrozenSet, b: FrozenSet) -> FrozenSet:
    """Elements in both frozensets."""
    return a & b


def difference(a: Container, b: Container) -> Container:
    """Elements of a that are not in b, typed like a."""
    if type(a) is frozenset:
        return a - frozenset(b)
    return type(a)(e for e in a if e not in b)


def dedupe(items: Tuple) -> Tuple:
    """A tuple without repeats, keeping first occurrences in order."""
    return tuple(dict.fromkeys(items))


def order(container: Container, compfunc: Callable) -> Tuple:
    """Elements sorted by compfunc (stable; frozenset ties by the canonical order)."""
    if type(container) is tuple:
        return tuple(sorted(container, key=compfunc))
    decorated = sorted(((compfunc(e), e) for e in container), key=lambda ve: ve[0])
    result = []
    n = len(decorated)
    start = 0
    while start < n:
        stop = start + 1
        value = decorated[start][0]
        while stop < n and decorated[stop][0] == value:
            stop += 1
        if stop - start == 1:
            result.append(decorated[start][1])
        else:
            result.extend(sorted((e for _, e in decorated[start:stop]), key=_canonical_key))
        start = stop
    return tuple(result)


def repeat(item: Any, num: Integer) -> Tuple:
    """A tuple of num copies of item (at most 1000)."""
    if num > _MAX_ELEMENTS:
        raise ValueError(f"repeat: {num} copies exceed the limit of {_MAX_ELEMENTS}")
    return (item,) * max(num, 0)


def greater(a: Integer, b: Integer) -> Boolean:
    """Whether a > b."""
    return a > b


def size(container: Container) -> Integer:
    """Number of elements."""
    return len(container)


def merge(containers: ContainerContainer) -> Container:
    """Flatten a container of containers (a tuple of them gives a tuple)."""
    if type(containers) is tuple:
        out: list = []
        for c in containers:
            out.extend(c if type(c) is tuple else _ordered(c))
        return tuple(out)
    return frozenset().union(*containers)  # one C loop; set members are merged without rehashing


def maximum(container: IntegerSet) -> Integer:
    """Largest integer (0 if empty)."""
    return max(container, default=0)


def minimum(container: IntegerSet) -> Integer:
    """Smallest integer (0 if empty)."""
    return min(container, default=0)


def valmax(container: Container, compfunc: Callable) -> Integer:
    """Largest value of compfunc over the container (0 if empty)."""
    return max(map(compfunc, container), default=0)


def valmin(container: Container, compfunc: Callable) -> Integer:
    """Smallest value of compfunc over the container (0 if empty)."""
    return min(map(compfunc, container), default=0)


def argmax(container: Container, compfunc: Callable) -> Any:
    """Element maximising compfunc (ties: first in a tuple, canonically smallest in a set)."""
    if type(container) is tuple or len(container) <= 1:
        return max(container, key=compfunc)
    scored = [(compfunc(e), e) for e in container]
    best = max(v for v, _ in scored)
    return _smallest([e for v, e in scored if v == best])


def argmin(container: Container, compfunc: Callable) -> Any:
    """Element minimising compfunc (ties: first in a tuple, canonically smallest in a set)."""
    if type(container) is tuple or len(container) <= 1:
        return min(container, key=compfunc)
    scored = [(compfunc(e), e) for e in container]
    best = min(v for v, _ in scored)
    return _smallest([e for v, e in scored if v == best])


def mostcommon(container: Container) -> Any:
    """Most frequent element (ties: canonically smallest)."""
    if type(container) is frozenset and container:  # every element once: all tie
        return _smallest(container)
    counts = _Counter(container)
    best = max(counts.values())
    return _smallest([e for e, n in counts.items() if n == best])


def leastcommon(container: Container) -> Any:
    """Least frequent element (ties: canonically smallest)."""
    if type(container) is frozenset and container:  # every element once: all tie
        return _smallest(container)
    counts = _Counter(container)
    best = min(counts.values())
    return _smallest([e for e, n in counts.items() if n == best])


def initset(value: Any) -> FrozenSet:
    """A frozenset holding just value."""
    return frozenset((value,))


def both(a: Boolean, b: Boolean) -> Boolean:
    """Logical and."""
    return a and b


def either(a: Boolean, b: Boolean) -> Boolean:
    """Logical or."""
    return a or b


def increment(x: Numerical) -> Numerical:
    """Add one (to both parts of a pair)."""
    if isinstance(x, int):
        return x + 1
    return (x[0] + 1, x[1] + 1)


def decrement(x: Numerical) -> Numerical:
    """Subtract one (from both parts of a pair)."""
    if isinstance(x, int):
        return x - 1
    return (x[0] - 1, x[1] - 1)


def crement(x: Numerical) -> Numerical:
    """Move away from zero by one: increment positives, decrement negatives, keep zero."""
    if isinstance(x, int):
        return 0 if x == 0 else (x + 1 if x > 0 else x - 1)
    a, b = x
    return (
        0 if a == 0 else (a + 1 if a > 0 else a - 1),
        0 if b == 0 else (b + 1 if b > 0 else b - 1),
    )


def sign(x: Numerical) -> Numerical:
    """Sign (-1, 0 or 1) of an integer or of each part of a pair."""
    if isinstance(x, int):
        return 0 if x == 0 else (1 if x > 0 else -1)
    a, b = x
    return (0 if a == 0 else (1 if a > 0 else -1), 0 if b == 0 else (1 if b > 0 else -1))


def positive(x: Integer) -> Boolean:
    """Whether x > 0."""
    return x > 0


def toivec(i: Integer) -> IntegerTuple:
    """The vertical vector (i, 0)."""
    return (i, 0)


def tojvec(j: Integer) -> IntegerTuple:
    """The horizontal vector (0, j)."""
    return (0, j)


# --------------------------------------------------------------------------- containers


def sfilter(container: Container, condition: Callable) -> Container:
    """Elements satisfying condition, typed like the container."""
    if type(container) is tuple:
        return tuple(filter(condition, container))
    if type(container) is frozenset:
        return frozenset(filter(condition, container))
    return type(container)(e for e in container if condition(e))


def mfilter(container: Container, function: Callable) -> FrozenSet:
    """Filter by function, then merge the kept containers."""
    return merge(sfilter(container, function))


def extract(container: Container, condition: Callable) -> Any:
    """First element satisfying condition (in a set: the canonically smallest one)."""
    if type(container) is tuple:
        for e in container:
            if condition(e):
                return e
        raise ValueError("extract: no element satisfies the condition")
    matches = [e for e in container if condition(e)]
    if not matches:
        raise ValueError("extract: no element satisfies the condition")
    return _smallest(matches)


def totuple(container: FrozenSet) -> Tuple:
    """Tuple of the elements (a frozenset comes sorted canonically)."""
    return _ordered(container)


def first(container: Container) -> Any:
    """First element of a tuple, or the canonically smallest element of a set."""
    if type(container) is tuple:
        return container[0]
    if isinstance(container, (frozenset, set)):
        return _smallest(container)
    return tuple(container)[0]


def last(container: Container) -> Any:
    """Last element of a tuple, or the canonically largest element of a set."""
    if type(container) is tuple:
        return container[-1]
    if isinstance(container, (frozenset, set)):
        if len(container) == 1:
            return next(iter(container))
        return max(container, key=_canonical_key)
    return tuple(container)[-1]


def insert(value: Any, container: FrozenSet) -> FrozenSet:
    """The frozenset with value added."""
    return container.union((value,))


def remove(value: Any, container: Container) -> Container:
    """The container without (any copy of) value."""
    if type(container) is frozenset:
        return container - {value}
    return type(container)(e for e in container if e != value)


def other(container: Container, value: Any) -> Any:
    """The first element that is not value."""
    return first(remove(value, container))


def interval(start: Integer, stop: Integer, step: Integer) -> Tuple:
    """tuple(range(start, stop, step)), at most 1000 elements."""
    r = range(start, stop, step)
    if len(r) > _MAX_ELEMENTS:
        raise ValueError(f"interval: {len(r)} elements exceed the limit of {_MAX_ELEMENTS}")
    return tuple(r)


def astuple(a: Integer, b: Integer) -> IntegerTuple:
    """The pair (a, b)."""
    return (a, b)


def product(a: Container, b: Container) -> FrozenSet:
    """Cartesian product as a frozenset of pairs."""
    if len(a) * len(b) > _MAX_PAIRS:
        raise ValueError(f"product: {len(a) * len(b)} pairs exceed the limit of {_MAX_PAIRS}")
    return frozenset((i, j) for j in b for i in a)


def pair(a: Tuple, b: Tuple) -> TupleTuple:
    """Zip two tuples into a tuple of pairs."""
    return tuple(zip(_ordered(a), _ordered(b), strict=False))


def branch(condition: Boolean, a: Any, b: Any) -> Any:
    """a if condition else b."""
    return a if condition else b


# --------------------------------------------------------------------------- higher order


def compose(outer: Callable, inner: Callable) -> Callable:
    """The function x -> outer(inner(x))."""
    return lambda x: outer(inner(x))


def chain(h: Callable, g: Callable, f: Callable) -> Callable:
    """The function x -> h(g(f(x)))."""
    return lambda x: h(g(f(x)))


def matcher(function: Callable, target: Any) -> Callable:
    """The predicate x -> function(x) == target."""
    return lambda x: function(x) == target


def rbind(function: Callable, fixed: Any) -> Callable:
    """Fix the last argument of a function of 2, 3 or 4 arguments."""
    code = getattr(function, "__code__", None)
    n = code.co_argcount if code is not None else 2
    if n == 2:
        return lambda x: function(x, fixed)
    if n == 3:
        return lambda x, y: function(x, y, fixed)
    return lambda x, y, z: function(x, y, z, fixed)


def lbind(function: Callable, fixed: Any) -> Callable:
    """Fix the first argument of a function of 2, 3 or 4 arguments."""
    code = getattr(function, "__code__", None)
    n = code.co_argcount if code is not None else 2
    if n == 2:
        return lambda y: function(fixed, y)
    if n == 3:
        return lambda y, z: function(fixed, y, z)
    return lambda y, z, a: function(fixed, y, z, a)


_LBIND2_CODE = lbind(lambda a, b: None, None).__code__  # the closure lbind builds for two arguments
_RBIND2_CODE = rbind(lambda a, b: None, None).__code__  # the closure rbind builds for two arguments


def power(function: Callable, n: Integer) -> Callable:
    """The function applied n times (0 <= n <= 16; 0 gives identity)."""
    if n < 0 or n > _MAX_POWER:
        raise ValueError(f"power: n must be in 0..{_MAX_POWER}, got {n}")
    if n == 0:
        return identity
    if n == 1:
        return function

    def powered(x):
        for _ in range(n):
            x = function(x)
        return x

    return powered


def fork(outer: Callable, a: Callable, b: Callable) -> Callable:
    """The function x -> outer(a(x), b(x))."""
    return lambda x: outer(a(x), b(x))


def apply(function: Callable, container: Container) -> Container:
    """Map function over the container, typed like it."""
    if type(container) is tuple:
        return tuple(map(function, container))
    return type(container)(map(function, container))


def rapply(functions: Container, value: Any) -> Container:
    """Apply each function to value, typed like the functions container."""
    return type(functions)(function(value) for function in functions)


def mapply(function: Callable, container: ContainerContainer) -> FrozenSet:
    """Map, then merge."""
    if type(container) is frozenset:
        if function is vfrontier or function is hfrontier:  # whole columns / rows: each line once
            lines = {loc[1] for loc in container} if function is vfrontier else {loc[0] for loc in container}
            span = range(MAX_SIDE)
            if function is vfrontier:
                return frozenset({(i, j) for j in lines for i in span})
            return frozenset({(i, j) for i in lines for j in span})
        patch = _bound_first(function, shift)
        if type(patch) is frozenset:  # lbind(shift, patch): every shifted copy in one set
            return _shifted_union(patch, container)
        direction = _bound_first(function, shoot, _RBIND2_CODE)
        if type(direction) is tuple and _rays_apply(container, direction):  # rbind(shoot, direction)
            return _rays_union(container, direction)
        return frozenset().union(*frozenset(map(function, container)))
    if type(container) is tuple:
        patch = _bound_first(function, shift)
        if (type(patch) is frozenset and len(patch) > 1 and _homogeneous(patch)
                and type(next(iter(patch))) is tuple):  # locations or cells, not integers
            return _shifted_concat(patch, container)
    return merge(apply(function, container))


def _shifted_concat(patch: FrozenSet, offsets: Tuple) -> Tuple:
    """`mapply(lbind(shift, patch), offsets)` for a tuple of offsets and a homogeneous patch of two or
    more locations or cells: `merge` concatenates each shifted copy in sorted order, and a shift by whole numbers
    keeps that order, so the patch is sorted once (any other offset goes through `shift` itself, which
    also raises what it raises)."""
    ordered = sorted(patch)
    is_object = _is_object(patch)
    out: list = []
    for offset in offsets:
        di, dj = offset  # what `shift` unpacks first (the patch is not empty)
        if type(di) is not int or type(dj) is not int:
            out.extend(_ordered(shift(patch, offset)))
        elif is_object:
            out.extend([(v, (i + di, j + dj)) for v, (i, j) in ordered])
        else:
            out.extend([(i + di, j + dj) for i, j in ordered])
    return tuple(out)


_NOT_BOUND = object()


def _bound_first(function: Callable, primitive: Callable, code: Any = _LBIND2_CODE) -> Any:
    """`fixed` when `function` is `lbind(primitive, fixed)` of a two-argument primitive (with `code` =
    `_RBIND2_CODE`: `rbind(primitive, fixed)`), else a marker."""
    if getattr(function, "__code__", None) is not code:
        return _NOT_BOUND
    cells = dict(zip(code.co_freevars, (c.cell_contents for c in function.__closure__), strict=True))
    return cells["fixed"] if cells["function"] is primitive else _NOT_BOUND


def _rays_apply(starts: FrozenSet, direction: Tuple) -> bool:
    """Whether `_rays_union` computes `mapply(rbind(shoot, direction), starts)`: locations of ints shot in a
    direction of two ints whose lines `connect` draws (not too long: else the general path raises its error)."""
    if len(direction) != 2 or type(direction[0]) is not int or type(direction[1]) is not int or not starts:
        return False
    di, dj = direction
    if MAX_SIDE * max(abs(di), abs(dj)) >= _MAX_ELEMENTS or not _homogeneous(starts):
        return False
    first = next(iter(starts))
    return type(first) is tuple and type(first[0]) is int and type(first[1]) is int


def _rays_union(starts: FrozenSet, direction: Tuple) -> FrozenSet:
    """`mapply(rbind(shoot, direction), starts)` for locations of ints: each ray runs MAX_SIDE * the larger
    component cells on from its start (straight or diagonal; any other direction draws nothing); rays on one
    line are merged into runs first, so each location of the union is built once."""
    di, dj = direction
    if di and dj and abs(di) != abs(dj):
        return frozenset()
    ui, uj = (di > 0) - (di < 0), (dj > 0) - (dj < 0)
    reach = MAX_SIDE * max(abs(di), abs(dj))
    if not ui and not uj:
        return frozenset(starts)
    lines: dict[int, list[int]] = {}  # line -> where each ray starts along it (its row; its column if level)
    for i, j in starts:
        lines.setdefault(i if not ui else j if not uj else i - ui * uj * j, []).append(j if not ui else i)
    step = ui or uj  # along the line, a ray runs from its start towards increasing (1) or decreasing (-1) values
    out: set = set()
    for line, firsts in lines.items():
        firsts.sort()
        runs: list[list[int]] = []
        for p in firsts:
            lo, hi = (p, p + reach) if step > 0 else (p - reach, p)
            if runs and lo <= runs[-1][1] + 1:
                runs[-1][1] = max(runs[-1][1], hi)
            else:
                runs.append([lo, hi])
        for lo, hi in runs:
            if not ui:
                out.update([(line, j) for j in range(lo, hi + 1)])
            elif not uj:
                out.update([(i, line) for i in range(lo, hi + 1)])
            else:
                out.update([(i, ui * uj * (i - line)) for i in range(lo, hi + 1)])
    return frozenset(out)


def _shifted_union(patch: FrozenSet, offsets: FrozenSet) -> FrozenSet:
    """`mapply(lbind(shift, patch), offsets)`: the same checks in the same order (the first offset
    unpacked, then the patch's kind; an empty patch shifts to itself), one set built."""
    if not offsets or not patch:
        return frozenset()
    di, dj = next(iter(offsets))
    if _is_object(patch):
        return frozenset({(v, (i + di, j + dj)) for di, dj in offsets for v, (i, j) in patch})
    return frozenset({(i + di, j + dj) for di, dj in offsets for i, j in patch})


def papply(function: Callable, a: Tuple, b: Tuple) -> Tuple:
    """Apply function pairwise over two tuples."""
    return tuple(map(function, _ordered(a), _ordered(b)))


def mpapply(function: Callable, a: Tuple, b: Tuple) -> Tuple:
    """Pairwise apply, then merge."""
    return merge(papply(function, a, b))


def prapply(function: Callable, a: Container, b: Container) -> FrozenSet:
    """Apply function over the Cartesian product, collecting a frozenset."""
    if len(a) * len(b) > _MAX_PAIRS:
        raise ValueError(f"prapply: {len(a) * len(b)} pairs exceed the limit of {_MAX_PAIRS}")
    return frozenset(function(i, j) for j in b for i in a)


# --------------------------------------------------------------------------- colours & sizes


def mostcolor(element: Element) -> Integer:
    """Most common colour (ties: the smallest colour)."""
    counts = _color_counts(element)
    best = max(counts.values())
    return min(c for c, n in counts.items() if n == best)


def leastcolor(element: Element) -> Integer:
    """Least common colour (ties: the smallest colour)."""
    counts = _color_counts(element)
    best = min(counts.values())
    return min(c for c, n in counts.items() if n == best)


def height(piece: Piece) -> Integer:
    """Number of rows of a grid, or row extent of a patch."""
    if len(piece) == 0:
        return 0
    if isinstance(piece, tuple):
        return len(piece)
    rows = [loc[0] for _, loc in piece] if _is_object(piece) else [i for i, _ in piece]
    return max(rows) - min(rows) + 1


def width(piece: Piece) -> Integer:
    """Number of columns of a grid, or column extent of a patch."""
    if len(piece) == 0:
        return 0
    if isinstance(piece, tuple):
        return len(piece[0])
    cols = [loc[1] for _, loc in piece] if _is_object(piece) else [j for _, j in piece]
    return max(cols) - min(cols) + 1


def shape(piece: Piece) -> IntegerTuple:
    """(height, width)."""
    return (height(piece), width(piece))


def portrait(piece: Piece) -> Boolean:
    """Whether height > width."""
    return height(piece) > width(piece)


def colorcount(element: Element, value: Integer) -> Integer:
    """Number of cells of colour value."""
    if isinstance(element, tuple):
        return sum(row.count(value) for row in element)
    return sum(1 for v, _ in element if v == value)


def colorfilter(objs: Objects, value: Integer) -> Objects:
    """Objects whose colour is value."""
    return frozenset(obj for obj in objs if color(obj) == value)


def sizefilter(container: Container, n: Integer) -> FrozenSet:
    """Elements with exactly n items."""
    return frozenset(item for item in container if len(item) == n)


def asindices(grid: Grid) -> Indices:
    """All locations of a grid."""
    h = len(grid)
    w = len(grid[0]) if h else 0
    return frozenset((i, j) for i in range(h) for j in range(w))


def ofcolor(grid: Grid, value: Integer) -> Indices:
    """Locations holding colour value."""
    return frozenset(
        {(i, j) for i, row in enumerate(grid) if value in row for j, v in enumerate(row) if v == value}
    )


def ulcorner(patch: Patch) -> IntegerTuple:
    """Upper-left corner of the bounding box."""
    rows, cols = zip(*toindices(patch), strict=True)
    return (min(rows), min(cols))


def urcorner(patch: Patch) -> IntegerTuple:
    """Upper-right corner of the bounding box."""
    rows, cols = zip(*toindices(patch), strict=True)
    return (min(rows), max(cols))


def llcorner(patch: Patch) -> IntegerTuple:
    """Lower-left corner of the bounding box."""
    rows, cols = zip(*toindices(patch), strict=True)
    return (max(rows), min(cols))


def lrcorner(patch: Patch) -> IntegerTuple:
    """Lower-right corner of the bounding box."""
    rows, cols = zip(*toindices(patch), strict=True)
    return (max(rows), max(cols))


def crop(grid: Grid, start: IntegerTuple, dims: IntegerTuple) -> Grid:
    """The sub-grid of shape dims whose upper-left corner is start."""
    i, j = start
    h, w = dims
    result = tuple(row[j : j + w] for row in grid[i : i + h])
    if result:
        _check_side(len(result), len(result[0]), "crop")
    return result


def toindices(patch: Patch) -> Indices:
    """Locations of a patch."""
    if len(patch) == 0:
        return frozenset()
    if _is_object(patch):
        return frozenset({loc for _, loc in patch})
    return patch


def recolor(value: Integer, patch: Patch) -> Object:
    """An object of colour value on the patch's locations."""
    if len(patch) == 0:
        return frozenset()
    if _is_object(patch):
        return frozenset({(value, loc) for _, loc in patch})
    return frozenset({(value, loc) for loc in patch})


def shift(patch: Patch, directions: IntegerTuple) -> Patch:
    """Translate a patch by (di, dj)."""
    if len(patch) == 0:
        return patch
    di, dj = directions
    if _is_object(patch):
        return frozenset({(v, (i + di, j + dj)) for v, (i, j) in patch})
    return frozenset({(i + di, j + dj) for i, j in patch})


def normalize(patch: Patch) -> Patch:
    """Translate a patch so its upper-left corner is the origin."""
    if len(patch) == 0:
        return patch
    if _is_object(patch):  # ulcorner and shift in one go, same checks and errors
        rows, cols = zip(*[loc for _, loc in patch], strict=True)
        di, dj = -min(rows), -min(cols)
        return frozenset({(v, (i + di, j + dj)) for v, (i, j) in patch})
    i, j = ulcorner(patch)
    return shift(patch, (-i, -j))


def dneighbors(loc: IntegerTuple) -> Indices:
    """The four orthogonal neighbours."""
    i, j = loc
    return frozenset(((i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)))


def ineighbors(loc: IntegerTuple) -> Indices:
    """The four diagonal neighbours."""
    i, j = loc
    return frozenset(((i - 1, j - 1), (i - 1, j + 1), (i + 1, j - 1), (i + 1, j + 1)))


def neighbors(loc: IntegerTuple) -> Indices:
    """The eight surrounding locations."""
    i, j = loc
    return frozenset(
        (
            (i - 1, j),
            (i + 1, j),
            (i, j - 1),
            (i, j + 1),
            (i - 1, j - 1),
            (i - 1, j + 1),
            (i + 1, j - 1),
            (i + 1, j + 1),
        )
    )


def objects(grid: Grid, univalued: Boolean, diagonal: Boolean, without_bg: Boolean) -> Objects:
    """Connected components (single-coloured or not, 8- or 4-connected, with or without background)."""
    h = len(grid)
    if h == 0:
        return frozenset()
    w = len(grid[0])
    bg = mostcolor(grid) if without_bg else None
    if type(grid) is not tuple or any(type(row) is not tuple or len(row) != w for row in grid):
        return _objects_general(grid, univalued, diagonal, bg)
    # A rectangular grid: flat, with a border of cells marked seen, so that a neighbour is one addition
    # away and needs no bounds check. Components do not depend on the order they are explored in.
    width = w + 2
    flat: list = [None] * (width * (h + 2))
    seen = bytearray(len(flat))
    seen[:width] = seen[-width:] = b"\x01" * width
    for i, row in enumerate(grid, 1):
        flat[i * width + 1:i * width + 1 + w] = row
        seen[i * width] = seen[i * width + w + 1] = 1
    steps = (-width, width, -1, 1, -width - 1, -width + 1, width - 1, width + 1) if diagonal else (-width, width, -1, 1)
    result = []
    for p in range(width + 1, width * (h + 1) - 1):
        if seen[p]:
            continue
        val = flat[p]
        if val == bg:
            continue
        seen[p] = 1
        members = [p]
        stack = [p]
        while stack:
            q = stack.pop()
            for d in steps:
                r = q + d
                if not seen[r]:
                    v = flat[r]
                    if (v == val) if univalued else (v != bg):
                        seen[r] = 1
                        members.append(r)
                        stack.append(r)
        result.append(frozenset([(flat[q], (q // width - 1, q % width - 1)) for q in members]))
    return frozenset(result)


def _objects_general(grid: Grid, univalued: Boolean, diagonal: Boolean, bg: Any) -> Objects:
    """`objects` on anything indexable like a grid (rows checked as they are read)."""
    h = len(grid)
    w = len(grid[0])
    if diagonal:
        offsets = ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))
    else:
        offsets = ((-1, 0), (1, 0), (0, -1), (0, 1))
    seen = bytearray(h * w)
    result = []
    for i in range(h):
        row = grid[i]
        for j in range(w):
            if seen[i * w + j]:
                continue
            val = row[j]
            if val == bg:
                continue
            seen[i * w + j] = 1
            cells = [(val, (i, j))]
            stack = [(i, j)]
            while stack:
                ci, cj = stack.pop()
                for di, dj in offsets:
                    ni = ci + di
                    nj = cj + dj
                    if 0 <= ni < h and 0 <= nj < w and not seen[ni * w + nj]:
                        v = grid[ni][nj]
                        if (v == val) if univalued else (v != bg):
                            seen[ni * w + nj] = 1
                            cells.append((v, (ni, nj)))
                            stack.append((ni, nj))
            result.append(frozenset(cells))
    return frozenset(result)


def partition(grid: Grid) -> Objects:
    """One object per colour, holding every cell of that colour."""
    groups: dict = {}
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            groups.setdefault(v, []).append((v, (i, j)))
    return frozenset(frozenset(cells) for cells in groups.values())


def fgpartition(grid: Grid) -> Objects:
    """One object per colour, background colour excluded."""
    bg = mostcolor(grid)
    return frozenset(obj for obj in partition(grid) if next(iter(obj))[0] != bg)


def uppermost(patch: Patch) -> Integer:
    """Smallest row index."""
    if _is_object(patch):
        return min(loc[0] for _, loc in patch)
    return min(i for i, _ in patch)


def lowermost(patch: Patch) -> Integer:
    """Largest row index."""
    if _is_object(patch):
        return max(loc[0] for _, loc in patch)
    return max(i for i, _ in patch)


def leftmost(patch: Patch) -> Integer:
    """Smallest column index."""
    if _is_object(patch):
        return min(loc[1] for _, loc in patch)
    return min(j for _, j in patch)


def rightmost(patch: Patch) -> Integer:
    """Largest column index."""
    if _is_object(patch):
        return max(loc[1] for _, loc in patch)
    return max(j for _, j in patch)


def square(piece: Piece) -> Boolean:
    """Whether a grid is square, or a patch fills a square bounding box."""
    if isinstance(piece, tuple):
        return len(piece) == len(piece[0])
    h, w = shape(piece)
    return h * w == len(piece) and h == w


def vline(patch: Patch) -> Boolean:
    """Whether the patch is a vertical line."""
    return height(patch) == len(patch) and width(patch) == 1


def hline(patch: Patch) -> Boolean:
    """Whether the patch is a horizontal line."""
    return width(patch) == len(patch) and height(patch) == 1


def hmatching(a: Patch, b: Patch) -> Boolean:
    """Whether the patches share a row."""
    rows_a = {i for i, _ in toindices(a)}
    return any(i in rows_a for i, _ in toindices(b))


def vmatching(a: Patch, b: Patch) -> Boolean:
    """Whether the patches share a column."""
    cols_a = {j for _, j in toindices(a)}
    return any(j in cols_a for _, j in toindices(b))


def manhattan(a: Patch, b: Patch) -> Integer:
    """Smallest Manhattan distance between the patches."""
    ib = tuple(toindices(b))
    return min(abs(ai - bi) + abs(aj - bj) for ai, aj in toindices(a) for bi, bj in ib)


def adjacent(a: Patch, b: Patch) -> Boolean:
    """Whether the patches are orthogonally adjacent (distance 1)."""
    return manhattan(a, b) == 1


def bordering(patch: Patch, grid: Grid) -> Boolean:
    """Whether the patch touches the grid border."""
    return (
        uppermost(patch) == 0
        or leftmost(patch) == 0
        or lowermost(patch) == len(grid) - 1
        or rightmost(patch) == len(grid[0]) - 1
    )


def centerofmass(patch: Patch) -> IntegerTuple:
    """Floor mean location."""
    n = len(patch)
    rows, cols = zip(*toindices(patch), strict=True)
    return (sum(rows) // n, sum(cols) // n)


def palette(element: Element) -> IntegerSet:
    """Colours present."""
    if isinstance(element, tuple):
        return frozenset(_chain.from_iterable(element))
    return frozenset(v for v, _ in element)


def numcolors(element: Element) -> Integer:
    """Number of colours present."""
    return len(palette(element))


def color(obj: Object) -> Integer:
    """Colour of an object (a multicoloured object gives its smallest colour)."""
    return min(v for v, _ in obj)


def toobject(patch: Patch, grid: Grid) -> Object:
    """Object from the grid's colours on the patch (off-grid locations dropped)."""
    h = len(grid)
    w = len(grid[0]) if h else 0
    return frozenset((grid[i][j], (i, j)) for i, j in toindices(patch) if 0 <= i < h and 0 <= j < w)


def asobject(grid: Grid) -> Object:
    """The whole grid as an object."""
    return frozenset((v, (i, j)) for i, row in enumerate(grid) for j, v in enumerate(row))


# --------------------------------------------------------------------------- grid transforms


def rot90(grid: Grid) -> Grid:
    """Rotate a grid a quarter turn clockwise."""
    return tuple(zip(*grid[::-1], strict=True))


def rot180(grid: Grid) -> Grid:
    """Rotate a grid a half turn."""
    return tuple(row[::-1] for row in grid[::-1])


def rot270(grid: Grid) -> Grid:
    """Rotate a grid a quarter turn counter-clockwise."""
    return tuple(zip(*grid, strict=True))[::-1]


def hmirror(piece: Piece) -> Piece:
    """Mirror top to bottom (a patch about its own bounding box)."""
    if isinstance(piece, tuple):
        return piece[::-1]
    d = uppermost(piece) + lowermost(piece)
    if _is_object(piece):
        return frozenset((v, (d - i, j)) for v, (i, j) in piece)
    return frozenset((d - i, j) for i, j in piece)


def vmirror(piece: Piece) -> Piece:
    """Mirror left to right (a patch about its own bounding box)."""
    if isinstance(piece, tuple):
        return tuple(row[::-1] for row in piece)
    d = leftmost(piece) + rightmost(piece)
    if _is_object(piece):
        return frozenset((v, (i, d - j)) for v, (i, j) in piece)
    return frozenset((i, d - j) for i, j in piece)


def dmirror(piece: Piece) -> Piece:
    """Mirror along the main diagonal (transpose)."""
    if isinstance(piece, tuple):
        return tuple(zip(*piece, strict=True))
    a, b = ulcorner(piece)
    if _is_object(piece):
        return frozenset((v, (j - b + a, i - a + b)) for v, (i, j) in piece)
    return frozenset((j - b + a, i - a + b) for i, j in piece)


def cmirror(piece: Piece) -> Piece:
    """Mirror along the anti-diagonal."""
    if isinstance(piece, tuple):
        return tuple(zip(*(row[::-1] for row in piece[::-1]), strict=True))
    return vmirror(dmirror(vmirror(piece)))


def fill(grid: Grid, value: Integer, patch: Patch) -> Grid:
    """Set the patch's on-grid locations to value."""
    h = len(grid)
    w = len(grid[0]) if h else 0
    rows = [list(row) for row in grid]
    for i, j in toindices(patch):
        if 0 <= i < h and 0 <= j < w:
            rows[i][j] = value
    return tuple(tuple(row) for row in rows)


def _plain_cells_on_grid(obj: FrozenSet, h: Integer, w: Integer) -> dict | None:
    """Location -> colour of the on-grid cells of a set of plain cells ``(int, (int, int))`` (two
    colours at one location: the larger, as `_paint_map` resolves them); None when an element is not
    such a cell (the caller then takes the general path, which raises what it raises). One pass that
    keeps only on-grid cells: for objects much larger than the grid (shifted copies), most fall off."""
    cells: dict = {}
    get = cells.get
    try:
        for v, (i, j) in obj:
            if type(v) is not int or type(i) is not int or type(j) is not int:
                return None
            if 0 <= i < h and 0 <= j < w:
                old = get((i, j))
                if old is None or v > old:
                    cells[(i, j)] = v
    except (TypeError, ValueError):  # an element that does not unpack as a cell
        return None
    return cells


def paint(grid: Grid, obj: Object) -> Grid:
    """Draw an object's on-grid cells onto the grid."""
    h = len(grid)
    w = len(grid[0]) if h else 0
    rows = [row if type(row) is tuple else tuple(row) for row in grid]
    edited: list = [None] * h  # only the rows the object touches are copied and rebuilt
    cells = None
    if type(obj) is frozenset and len(obj) > h * w:  # more cells than the grid has: many off it or clashing
        cells = _plain_cells_on_grid(obj, h, w)
    for (i, j), v in (_paint_map(obj) if cells is None else cells).items():
        if 0 <= i < h and 0 <= j < w:
            row = edited[i]
            if row is None:
                row = edited[i] = list(rows[i])
            row[j] = v
    for i, row in enumerate(edited):
        if row is not None:
            rows[i] = tuple(row)
    return tuple(rows)


def underfill(grid: Grid, value: Integer, patch: Patch) -> Grid:
    """Fill only the patch's locations that hold the background colour."""
    h = len(grid)
    w = len(grid[0]) if h else 0
    bg = mostcolor(grid)
    rows = [list(row) for row in grid]
    for i, j in toindices(patch):
        if 0 <= i < h and 0 <= j < w and grid[i][j] == bg:
            rows[i][j] = value
    return tuple(tuple(row) for row in rows)


def underpaint(grid: Grid, obj: Object) -> Grid:
    """Paint only the object's cells that land on the background colour."""
    h = len(grid)
    w = len(grid[0]) if h else 0
    bg = mostcolor(grid)
    rows = [list(row) for row in grid]
    for (i, j), v in _paint_map(obj).items():
        if 0 <= i < h and 0 <= j < w and grid[i][j] == bg:
            rows[i][j] = v
    return tuple(tuple(row) for row in rows)


def hupscale(grid: Grid, factor: Integer) -> Grid:
    """Repeat each column factor times."""
    _check_factor(factor, "hupscale")
    if grid:
        _check_side(len(grid), len(grid[0]) * factor, "hupscale")
    return tuple(tuple(v for v in row for _ in range(factor)) for row in grid)


def vupscale(grid: Grid, factor: Integer) -> Grid:
    """Repeat each row factor times."""
    _check_factor(factor, "vupscale")
    if grid:
        _check_side(len(grid) * factor, len(grid[0]), "vupscale")
    return tuple(row for row in grid for _ in range(factor))


def upscale(element: Element, factor: Integer) -> Element:
    """Scale a grid, or an object about its upper-left corner, by factor."""
    _check_factor(factor, "upscale")
    if isinstance(element, tuple):
        if element:
            _check_side(len(element) * factor, len(element[0]) * factor, "upscale")
        out = []
        for row in element:
            scaled = tuple(v for v in row for _ in range(factor))
            out.extend([scaled] * factor)
        return tuple(out)
    if len(element) == 0:
        return frozenset()
    _check_side(height(element) * factor, width(element) * factor, "upscale")
    a, b = ulcorner(element)
    span = range(factor)
    return frozenset(
        (v, ((i - a) * factor + io + a, (j - b) * factor + jo + b))
        for v, (i, j) in element
        for io in span
        for jo in span
    )


def downscale(grid: Grid, factor: Integer) -> Grid:
    """Keep every factor-th row and column, starting at the first."""
    _check_factor(factor, "downscale")
    return tuple(row[::factor] for row in grid[::factor])


def hconcat(a: Grid, b: Grid) -> Grid:
    """Place b to the right of a."""
    if a and b:
        _check_side(min(len(a), len(b)), len(a[0]) + len(b[0]), "hconcat")
    return tuple(i + j for i, j in zip(a, b, strict=False))


def vconcat(a: Grid, b: Grid) -> Grid:
    """Place b below a."""
    w = max(len(a[0]) if a else 0, len(b[0]) if b else 0)
    _check_side(len(a) + len(b), w, "vconcat")
    return a + b


def subgrid(patch: Patch, grid: Grid) -> Grid:
    """The grid cropped to the patch's bounding box."""
    return crop(grid, ulcorner(patch), shape(patch))


def hsplit(grid: Grid, n: Integer) -> Tuple:
    """Split into n side-by-side grids (a middle separator column is skipped)."""
    if n < 1 or n > MAX_SIDE:
        raise ValueError(f"hsplit: n must be in 1..{MAX_SIDE}, got {n}")
    h, w = len(grid), len(grid[0]) // n
    offset = len(grid[0]) % n != 0
    return tuple(crop(grid, (0, w * i + i * offset), (h, w)) for i in range(n))


def vsplit(grid: Grid, n: Integer) -> Tuple:
    """Split into n stacked grids (a middle separator row is skipped)."""
    if n < 1 or n > MAX_SIDE:
        raise ValueError(f"vsplit: n must be in 1..{MAX_SIDE}, got {n}")
    h, w = len(grid) // n, len(grid[0])
    offset = len(grid) % n != 0
    return tuple(crop(grid, (h * i + i * offset, 0), (h, w)) for i in range(n))


def cellwise(a: Grid, b: Grid, fallback: Integer) -> Grid:
    """Keep a's colour where a and b agree, else fallback (shape of a)."""
    if len(b) < len(a) or (a and len(b[0]) < len(a[0])):
        raise ValueError("cellwise: second grid is smaller than the first")
    return tuple(
        tuple(x if x == y else fallback for x, y in zip(ra, rb, strict=False))
        for ra, rb in zip(a, b, strict=False)
    )


def replace(grid: Grid, replacee: Integer, replacer: Integer) -> Grid:
    """Recolour every replacee cell to replacer."""
    return tuple(
        tuple(replacer if v == replacee else v for v in row) if replacee in row else row for row in grid
    )


def switch(grid: Grid, a: Integer, b: Integer) -> Grid:
    """Swap colours a and b."""
    return tuple(tuple(b if v == a else (a if v == b else v) for v in row) for row in grid)


def center(patch: Patch) -> IntegerTuple:
    """Centre of the bounding box (floor)."""
    h, w = shape(patch)
    return (uppermost(patch) + h // 2, leftmost(patch) + w // 2)


def position(a: Patch, b: Patch) -> IntegerTuple:
    """Rough direction (each part -1, 0 or 1) from a's centre to b's centre."""
    ia, ja = center(toindices(a))
    ib, jb = center(toindices(b))
    if ia == ib:
        return (0, 1 if ja < jb else -1)
    if ja == jb:
        return (1 if ia < ib else -1, 0)
    if ia < ib:
        return (1, 1 if ja < jb else -1)
    return (-1, 1 if ja < jb else -1)


def index(grid: Grid, loc: IntegerTuple) -> Integer:
    """Colour at a location (None when off the grid)."""
    i, j = loc
    h = len(grid)
    w = len(grid[0]) if h else 0
    if not (0 <= i < h and 0 <= j < w):
        return None
    return grid[i][j]


def canvas(value: Integer, dimensions: IntegerTuple) -> Grid:
    """A grid of the given (height, width) filled with value."""
    h, w = dimensions
    if h < 0 or w < 0:
        raise ValueError(f"canvas: negative dimensions {dimensions}")
    _check_side(h, w, "canvas")
    row = (value,) * w
    return (row,) * h


def corners(patch: Patch) -> Indices:
    """The four corners of the bounding box."""
    rows, cols = zip(*toindices(patch), strict=True)
    a, b, c, d = min(rows), max(rows), min(cols), max(cols)
    return frozenset(((a, c), (a, d), (b, c), (b, d)))


def connect(a: IntegerTuple, b: IntegerTuple) -> Indices:
    """Straight (horizontal, vertical or diagonal) line from a to b; empty otherwise."""
    ai, aj = a
    bi, bj = b
    if max(abs(bi - ai), abs(bj - aj)) >= _MAX_ELEMENTS:
        raise ValueError(f"connect: line from {a} to {b} is too long")
    si, ei = min(ai, bi), max(ai, bi) + 1
    sj, ej = min(aj, bj), max(aj, bj) + 1
    if ai == bi:
        return frozenset((ai, j) for j in range(sj, ej))
    if aj == bj:
        return frozenset((i, aj) for i in range(si, ei))
    if bi - ai == bj - aj:
        return frozenset(zip(range(si, ei), range(sj, ej), strict=True))
    if bi - ai == aj - bj:
        return frozenset(zip(range(si, ei), range(ej - 1, sj - 1, -1), strict=True))
    return frozenset()


def cover(grid: Grid, patch: Patch) -> Grid:
    """Fill the patch with the background colour."""
    return fill(grid, mostcolor(grid), toindices(patch))


def trim(grid: Grid) -> Grid:
    """Drop the outermost rows and columns."""
    return tuple(row[1:-1] for row in grid[1:-1])


def move(grid: Grid, obj: Object, offset: IntegerTuple) -> Grid:
    """Cover the object, then paint it shifted by offset."""
    return paint(cover(grid, obj), shift(obj, offset))


def tophalf(grid: Grid) -> Grid:
    """Upper half (the middle row of an odd grid excluded)."""
    return grid[: len(grid) // 2]


def bottomhalf(grid: Grid) -> Grid:
    """Lower half (the middle row of an odd grid excluded)."""
    return grid[len(grid) // 2 + len(grid) % 2 :]


def lefthalf(grid: Grid) -> Grid:
    """Left half (the middle column of an odd grid excluded)."""
    if not grid:
        return grid
    w = len(grid[0])
    return tuple(row[: w // 2] for row in grid)


def righthalf(grid: Grid) -> Grid:
    """Right half (the middle column of an odd grid excluded)."""
    if not grid:
        return grid
    w = len(grid[0])
    return tuple(row[w // 2 + w % 2 :] for row in grid)


def vfrontier(location: IntegerTuple) -> Indices:
    """The column through location, rows 0..MAX_SIDE-1."""
    j = location[1]
    return frozenset((i, j) for i in range(MAX_SIDE))


def hfrontier(location: IntegerTuple) -> Indices:
    """The row through location, columns 0..MAX_SIDE-1."""
    i = location[0]
    return frozenset((i, j) for j in range(MAX_SIDE))


def backdrop(patch: Patch) -> Indices:
    """All locations of the bounding box."""
    if len(patch) == 0:
        return frozenset()
    rows, cols = zip(*toindices(patch), strict=True)
    return frozenset((i, j) for i in range(min(rows), max(rows) + 1) for j in range(min(cols), max(cols) + 1))


def delta(patch: Patch) -> Indices:
    """Bounding-box locations not in the patch."""
    if len(patch) == 0:
        return frozenset()
    return backdrop(patch) - toindices(patch)


def gravitate(source: Patch, destination: Patch) -> IntegerTuple:
    """Offset that moves source straight towards destination until they are adjacent."""
    # Closed form instead of stepping: a step count k touches when some cell pair ends up at distance 1
    # and none at distance 0; the answer is the least such k below the cap of 42 steps (else 42).
    (si, sj), (ti, tj) = center(source), center(destination)
    vertical = vmatching(source, destination)
    sense = (1 if si < ti else -1) if vertical else (1 if sj < tj else -1)
    touching: set = set()
    overlapping: set = set()
    for a in toindices(source):
        for b in toindices(destination):
            if vertical:
                gap, off = (b[0] - a[0]) * sense, abs(b[1] - a[1])
            else:
                gap, off = (b[1] - a[1]) * sense, abs(b[0] - a[0])
            if off == 0:
                overlapping.add(gap)
                touching.update((gap - 1, gap + 1))
            elif off == 1:
                touching.add(gap)
    steps = min((k for k in touching - overlapping if 0 <= k < 42), default=42)
    return (sense * steps, 0) if vertical else (0, sense * steps)


def inbox(patch: Patch) -> Indices:
    """Outline one step inside the bounding box."""
    return _box_lines(uppermost(patch) + 1, leftmost(patch) + 1, lowermost(patch) - 1, rightmost(patch) - 1)


def outbox(patch: Patch) -> Indices:
    """Outline one step outside the bounding box."""
    return _box_lines(uppermost(patch) - 1, leftmost(patch) - 1, lowermost(patch) + 1, rightmost(patch) + 1)


def box(patch: Patch) -> Indices:
    """Outline of the bounding box."""
    if len(patch) == 0:
        return patch
    return _box_lines(uppermost(patch), leftmost(patch), lowermost(patch), rightmost(patch))


def shoot(start: IntegerTuple, direction: IntegerTuple) -> Indices:
    """Line of MAX_SIDE + 1 steps from start in direction."""
    return connect(start, (start[0] + MAX_SIDE * direction[0], start[1] + MAX_SIDE * direction[1]))


def occurrences(grid: Grid, obj: Object) -> Indices:
    """Upper-left locations where the object appears in the grid."""
    normed = tuple(normalize(obj))
    h = len(grid)
    w = len(grid[0]) if h else 0
    oh, ow = shape(obj)
    found = set()
    for i in range(h - oh + 1):
        for j in range(w - ow + 1):
            for v, (a, b) in normed:
                if grid[i + a][j + b] != v:
                    break
            else:
                found.add((i, j))
    return frozenset(found)


def frontiers(grid: Grid) -> Objects:
    """Full single-coloured rows and columns, as objects."""
    h = len(grid)
    w = len(grid[0]) if h else 0
    rows = [i for i, row in enumerate(grid) if len(set(row)) == 1]
    cols = [j for j, col in enumerate(zip(*grid, strict=True)) if len(set(col)) == 1]
    hf = {frozenset((grid[i][j], (i, j)) for j in range(w)) for i in rows}
    vf = {frozenset((grid[i][j], (i, j)) for i in range(h)) for j in cols}
    return frozenset(hf | vf)


def compress(grid: Grid) -> Grid:
    """Remove all single-coloured rows and columns."""
    rows = {i for i, row in enumerate(grid) if len(set(row)) == 1}
    cols = {j for j, col in enumerate(zip(*grid, strict=True)) if len(set(col)) == 1}
    return tuple(
        tuple(v for j, v in enumerate(row) if j not in cols) for i, row in enumerate(grid) if i not in rows
    )


def hperiod(obj: Object) -> Integer:
    """Smallest horizontal period of an object."""
    normalized = normalize(obj)
    w = width(normalized)
    for p in range(1, w):
        shifted = frozenset((c, (i, j - p)) for c, (i, j) in normalized if j >= p)
        if shifted <= normalized:
            return p
    return w


def vperiod(obj: Object) -> Integer:
    """Smallest vertical period of an object."""
    normalized = normalize(obj)
    h = height(normalized)
    for p in range(1, h):
        shifted = frozenset((c, (i - p, j)) for c, (i, j) in normalized if i >= p)
        if shifted <= normalized:
            return p
    return h


# --------------------------------------------------------------------------- demo samples


def demo_inputs(S: Samples) -> Tuple:
    """The input grids of the demonstration pairs."""
    return tuple(pair_[0] for pair_ in S)


def demo_outputs(S: Samples) -> Tuple:
    """The output grids of the demonstration pairs."""
    return tuple(pair_[1] for pair_ in S)


def new_colors(S: Samples) -> IntegerSet:
    """Colours present in some output grid but in no input grid."""
    inputs = frozenset().union(*(palette(i) for i, _ in S))
    outputs = frozenset().union(*(palette(o) for _, o in S))
    return outputs - inputs


def lost_colors(S: Samples) -> IntegerSet:
    """Colours present in some input grid but in no output grid."""
    inputs = frozenset().union(*(palette(i) for i, _ in S))
    outputs = frozenset().union(*(palette(o) for _, o in S))
    return inputs - outputs


def output_shape(S: Samples) -> IntegerTuple:
    """Shape of the first demonstration output."""
    return shape(S[0][1])


def first_new_color(S: Samples) -> Integer:
    """Smallest new output colour (0 if there is none)."""
    return min(new_colors(S), default=0)


# --------------------------------------------------------------------------- added for evaluation tasks


def settle(grid: Grid, direction: IntegerTuple) -> Grid:
    """Slide every single-coloured 4-connected object (background excluded) in direction until blocked."""
    di, dj = direction
    h = len(grid)
    w = len(grid[0]) if h else 0
    if h == 0 or (di, dj) == (0, 0):
        return grid
    background = mostcolor(grid)

    def lead(piece: Object) -> Tuple:  # pieces nearest the far side move first; ties by canonical order
        return (-max(i * di + j * dj for _, (i, j) in piece), _canonical_key(piece))

    taken = {loc for _, loc in asobject(grid) if grid[loc[0]][loc[1]] != background}
    rows = [[background] * w for _ in range(h)]
    for piece in sorted(objects(grid, True, False, True), key=lead):
        cells = toindices(piece)
        taken -= cells
        steps = 0
        while True:
            ahead = {(i + (steps + 1) * di, j + (steps + 1) * dj) for i, j in cells}
            if ahead & taken or not all(0 <= i < h and 0 <= j < w for i, j in ahead):
                break
            steps += 1
        for value, (i, j) in piece:
            rows[i + steps * di][j + steps * dj] = value
            taken.add((i + steps * di, j + steps * dj))
    return tuple(tuple(row) for row in rows)


PRIMITIVES: dict[str, Callable] = {
    _name: _fn
    for _name, _fn in globals().items()
    if _inspect.isfunction(_fn) and _fn.__module__ == __name__ and not _name.startswith("_")
}
