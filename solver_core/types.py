"""Named type aliases of the grid DSL, all in one place.

The DSL (``solver_core.dsl``) annotates every parameter and return value with
these names only, and uses ``from __future__ import annotations`` so that
``fn.__annotations__`` maps parameters to the alias NAMES as strings. A program
generator reads those strings to find type-compatible substitutes, so the names
matter as much as the types they stand for.

* ``Boolean``/``Integer`` -- plain ``bool``/``int``.
* ``IntegerTuple`` -- a pair ``(i, j)``: a location, an offset, a shape.
* ``Numerical`` -- an ``Integer`` or an ``IntegerTuple`` (arithmetic works on both).
* ``IntegerSet`` -- a frozenset of integers (e.g. a palette of colours).
* ``Grid`` -- a tuple of rows, each a tuple of colours (``0``..``9``).
* ``Cell`` -- ``(color, (i, j))``; ``Object`` is a frozenset of cells and
  ``Objects`` a frozenset of objects.
* ``Indices`` -- a frozenset of locations ``(i, j)``; ``IndicesSet`` a frozenset
  of those.
* ``Patch`` -- an ``Object`` or ``Indices`` (anything with locations).
* ``Element`` -- an ``Object`` or a ``Grid`` (anything with colours and a shape).
* ``Piece`` -- a ``Grid`` or a ``Patch``.
* ``Tuple``/``FrozenSet`` -- a plain tuple / frozenset of anything (as in the
  public ARC-DSL signatures).
* ``TupleTuple`` -- a tuple of tuples.
* ``Container`` -- a tuple or a frozenset; ``ContainerContainer`` a container
  of containers.
* ``Callable``/``Any`` -- re-exported for annotations of higher-order primitives.
* ``Samples`` -- the demonstration pairs of a task, ``((input, output), ...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = [
    "Any",
    "Boolean",
    "Callable",
    "Cell",
    "Container",
    "ContainerContainer",
    "Element",
    "FrozenSet",
    "Grid",
    "Indices",
    "IndicesSet",
    "Integer",
    "IntegerSet",
    "IntegerTuple",
    "Numerical",
    "Object",
    "Objects",
    "Patch",
    "Piece",
    "Samples",
    "Tuple",
    "TupleTuple",
]

Boolean = bool
Integer = int
IntegerTuple = tuple[Integer, Integer]
Numerical = Integer | IntegerTuple
IntegerSet = frozenset[Integer]
Grid = tuple[tuple[Integer, ...], ...]
Cell = tuple[Integer, IntegerTuple]
Object = frozenset[Cell]
Objects = frozenset[Object]
Indices = frozenset[IntegerTuple]
IndicesSet = frozenset[Indices]
Patch = Object | Indices
Element = Object | Grid
Piece = Grid | Patch
Tuple = tuple
FrozenSet = frozenset
TupleTuple = tuple[tuple, ...]
Container = tuple | frozenset
ContainerContainer = tuple[Container, ...] | frozenset[Container]
Samples = tuple[tuple[Grid, Grid], ...]
