"""`nested` scoring: calls of a few primitives inside other primitives, memoised by argument identity.

A DAG step computes each distinct call once, but a function passed to a primitive runs once per element
inside it: `extract(objs, fork(greater, size, compose(lbind(sfilter, objs), matcher(normalize, ...))))`
normalises every object once per other object (in a 20-task run of `plan`: 76k `normalize` calls, of which
73k repeat the arguments of an earlier call in the same DAG). `NestedMemo` hands a DAG, wherever a program names one of
`NESTED` as a value, a wrapper that answers a call whose arguments are the very objects of an earlier
call with that call's result.

Why the results cannot change: the primitives are pure functions of immutable values, so the same
objects give the same value; the key is each argument's `id`, and the arguments are kept with the
result, so no `id` is reused while the table lives (one DAG: `clear` after every sample); a call that
raises stores nothing and raises again at the next meeting; the wrapper takes as many positional
arguments as the primitive (`lbind`/`rbind` read `co_argcount`), and presents its name, qualified name
and module (`functools.update_wrapper`), so it orders, prints and is trusted like the primitive. The
DSL never returns one of these primitives as a value, so no program can compare the wrapper with the
primitive itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from solver_core.program import namespace

#: The primitives memoised inside other primitives: costly for their arguments and met again with the
#: same objects (measured repeats in a 20-task run: normalize 96%, mostcolor 55%, palette 47%).
NESTED = ("normalize", "mostcolor", "palette", "leastcolor", "objects", "partition", "fgpartition", "ofcolor",
          "colorcount")

_Table = dict[tuple[Any, ...], tuple[Any, ...]]


def _memo1(fn: Callable[..., Any], table: _Table) -> Callable[..., Any]:
    def memo(a: Any) -> Any:
        key = (fn, id(a))
        hit = table.get(key)
        if hit is None:
            hit = table[key] = (fn(a), a)
        return hit[0]
    return memo


def _memo2(fn: Callable[..., Any], table: _Table) -> Callable[..., Any]:
    def memo(a: Any, b: Any) -> Any:
        key = (fn, id(a), id(b))
        hit = table.get(key)
        if hit is None:
            hit = table[key] = (fn(a, b), a, b)
        return hit[0]
    return memo


def _memo3(fn: Callable[..., Any], table: _Table) -> Callable[..., Any]:
    def memo(a: Any, b: Any, c: Any) -> Any:
        key = (fn, id(a), id(b), id(c))
        hit = table.get(key)
        if hit is None:
            hit = table[key] = (fn(a, b, c), a, b, c)
        return hit[0]
    return memo


def _memo4(fn: Callable[..., Any], table: _Table) -> Callable[..., Any]:
    def memo(a: Any, b: Any, c: Any, d: Any) -> Any:
        key = (fn, id(a), id(b), id(c), id(d))
        hit = table.get(key)
        if hit is None:
            hit = table[key] = (fn(a, b, c, d), a, b, c, d)
        return hit[0]
    return memo


#: A memoising wrapper per number of positional arguments (the wrapper takes exactly the primitive's).
_BY_ARITY = {1: _memo1, 2: _memo2, 3: _memo3, 4: _memo4}


def memoised(fn: Callable[..., Any], table: _Table) -> Callable[..., Any]:
    """`fn` answering again from `table` for the same argument objects (a primitive of 1 to 4 arguments)."""
    arity = fn.__code__.co_argcount
    if arity not in _BY_ARITY or fn.__code__.co_flags & 0x0C:  # *args / **kwargs: not a plain primitive
        raise ValueError(f"{fn.__name__}: the nested memo takes primitives of 1 to 4 plain arguments")
    return functools.update_wrapper(_BY_ARITY[arity](fn, table), fn)


class NestedMemo:
    """The names a DAG's arguments resolve to (`namespace()` with `NESTED` wrapped) and their shared table."""

    def __init__(self, names: tuple[str, ...] = NESTED) -> None:
        self._table: _Table = {}
        base = namespace()
        self.values: Mapping[str, object] = {**base, **{n: memoised(base[n], self._table)  # type: ignore[arg-type]
                                                        for n in names}}

    def __len__(self) -> int:
        return len(self._table)

    def clear(self) -> None:
        """Forget every call (after each DAG: the pinned arguments and results are freed)."""
        self._table.clear()
