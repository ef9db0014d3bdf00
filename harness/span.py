"""`span(name, **attrs)`: a context manager and decorator that times one phase of the program.

::

    with span("phase1_filter", candidates_in=149) as s:
        ...
        s.set(candidates_out=32)
        s.add("duplicates", 117)

    @span("phase3a_validate")
    def validate(...): ...

With no active :class:`~harness.recorder.Recorder` a span does nothing and yields a shared no-op
handle. When one is active, the span becomes a child of the current span (tracked in a
``ContextVar``; see :mod:`harness.context`), and records wall time (`perf_counter_ns`), the
process's CPU time (`process_time_ns`, readings coalesced within the recorder's CPU resolution:
see :mod:`harness.clock`) and its call count into that child node. Both clocks are read through the
recorder's :class:`~harness.clock.CpuClock` (``wall`` and ``read``), which tests can replace.

In a profile pass (:func:`harness.profile.profile_pass`) a *decorated* function, and a call made with
:func:`call_in_span`, run through a trampoline whose code object is named ``phase[<name>]``, so
the phase shows as a frame in pyinstrument's outputs. A ``with span(...)`` block cannot create a
frame: phases that must appear in profiles use the decorator or :func:`call_in_span`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from types import FunctionType, TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from harness.context import CURRENT
from harness.node import SpanNode

if TYPE_CHECKING:
    from harness.clock import CpuClock
    from harness.concurrency import Traced
    from harness.recorder import Recorder

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")

_get = CURRENT.get
_set = CURRENT.set
_reset = CURRENT.reset


class SpanHandle(Protocol):
    """What ``with span(...) as s`` yields: a :class:`SpanNode`, or the no-op handle when disabled."""

    def set(self, **attrs: Any) -> None: ...

    def add(self, counter: str, n: int = 1) -> None: ...

    def merge(self, traced: Traced[Any]) -> Any: ...


class _NoopSpan:
    """The shared handle of disabled mode: every method does nothing (``merge`` returns the result)."""

    __slots__ = ()
    name = "(disabled)"

    def set(self, **attrs: Any) -> None:
        return None

    def add(self, counter: str, n: int = 1) -> None:
        return None

    def merge(self, traced: Traced[Any]) -> Any:
        return traced.result

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "<no-op span>"


NOOP = _NoopSpan()


def current_span() -> SpanNode | _NoopSpan:
    """The innermost open span of the active recorder, or the no-op handle when disabled."""
    node = _get()
    return NOOP if node is None else node


class span:  # noqa: N801 - lower-case like contextlib's helpers: it reads as a function
    """Time a phase: ``with span(name, **attrs) as s:`` or ``@span(name, **attrs)``.

    `attrs` are set on the node at each entry (``workers=N`` declares that the span's children run on
    `N` workers concurrently). A plain class with ``__slots__`` keeps enter + exit cheap.
    """

    __slots__ = ("name", "attrs", "_node", "_token", "_t0")

    def __init__(self, name: str, /, **attrs: Any) -> None:
        self.name = name
        self.attrs = attrs

    def __enter__(self) -> SpanNode | _NoopSpan:
        parent = _get()
        if parent is None:
            self._node = None
            return NOOP
        name = self.name
        node = parent.children.get(name)
        if node is None:
            node = parent.child(name)
        if self.attrs:
            node.set(**self.attrs)
        self._node = node
        self._token = _set(node)
        o = node.open
        node.open = o + 1
        if o:
            node._overlap(o + 1)
        else:
            po = parent.open_children
            parent.open_children = po + 1
            if po:
                parent._children_overlap(po + 1)
        if node.hook is not None:
            node.hook.enter(node)
        cc: CpuClock = node.clk  # type: ignore[assignment]  # set whenever a node is open
        wall = cc.wall  # a plain attribute load: cheaper than a method-style call on the slot
        t0 = wall()
        if not o:
            if t0 - cc.t >= cc.resolution:
                node.u_c0 = cc.v = cc.read()
                t0 = cc.t = wall()
            else:
                node.u_c0 = cc.v
            node.u_t0 = t0
        self._t0 = t0
        return node

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        node = self._node
        if node is None:
            return
        cc: CpuClock = node.clk  # type: ignore[assignment]
        wall = cc.wall
        t1 = wall()
        t0 = self._t0
        d = t1 - t0
        node.count += 1
        node.calls_ns += d
        if d < node.min_ns:
            node.min_ns = d
        if d > node.max_ns:
            node.max_ns = d
        o = node.open - 1
        node.open = o
        if not o:
            if t1 - cc.t >= cc.resolution:
                c1 = cc.v = cc.read()
                cc.t = t1
            else:
                c1 = cc.v
            node.wall_ns += t1 - node.u_t0
            node.cpu_ns += c1 - node.u_c0
            node.parent.open_children -= 1  # type: ignore[union-attr]
        if node.samples is not None:
            node.samples.append((t0, t1, node.rec.worker_label()))  # type: ignore[union-attr]
        if exc_type is not None:
            node.add("raised")
        if node.hook is not None:
            node.hook.exit(node)
        try:
            _reset(self._token)
        except ValueError:  # exited in another context (e.g. a generator resumed elsewhere)
            _set(node.parent)

    def __call__(self, fn: F) -> F:
        """Decorate `fn` so that every call runs inside this span."""
        return _decorate(fn, self.name, self.attrs)

    def __repr__(self) -> str:
        return f"span({self.name!r})"


class _CallSpan(span):
    """A span created per call by decorated functions and :func:`call_in_span` (no ``**`` packing)."""

    __slots__ = ()

    def __init__(self, name: str, attrs: dict[str, Any]) -> None:
        self.name = name
        self.attrs = attrs


# -- phase frames ---------------------------------------------------------------------------------
def _trampoline(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return fn(*args, **kwargs)


async def _atrampoline(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return await fn(*args, **kwargs)


def phase_frame_name(name: str) -> str:
    """The frame name under which span `name` appears in profiles: ``phase[<name>]``."""
    return f"phase[{name}]"


def make_trampoline(name: str, is_async: bool = False) -> Callable[..., Any]:
    """A function ``f(fn, args, kwargs)`` calling ``fn(*args, **kwargs)`` whose frame is ``phase[<name>]``."""
    base = _atrampoline if is_async else _trampoline
    label = phase_frame_name(name)
    code = base.__code__.replace(co_name=label, co_qualname=label)
    return FunctionType(code, base.__globals__, label)


def _decorate(fn: F, name: str, attrs: dict[str, Any]) -> F:
    if inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn):
        raise TypeError(
            f"span({name!r}) cannot decorate generator function {fn.__qualname__}: it would time only the "
            "creation of the generator; use `with span(...)` inside it"
        )
    if inspect.iscoroutinefunction(fn):
        atramp = make_trampoline(name, is_async=True)

        @functools.wraps(fn)
        async def awrapper(*args: Any, **kwargs: Any) -> Any:
            if _get() is None:
                return await fn(*args, **kwargs)
            with _CallSpan(name, attrs) as node:
                if node.rec.phase_frames:  # type: ignore[union-attr]
                    node.framed = True  # type: ignore[union-attr]
                    return await atramp(fn, args, kwargs)
                return await fn(*args, **kwargs)

        return awrapper  # type: ignore[return-value]

    tramp = make_trampoline(name)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _get() is None:
            return fn(*args, **kwargs)
        with _CallSpan(name, attrs) as node:
            if node.rec.phase_frames:  # type: ignore[union-attr]
                node.framed = True  # type: ignore[union-attr]
                return tramp(fn, args, kwargs)
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def call_in_span(name: str, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> R:
    """Call ``fn(*args, **kwargs)`` inside ``span(name)``; in a profile pass it shows as ``phase[<name>]``.

    For synchronous callables (a coroutine function would be timed only while creating its coroutine).
    """
    if _get() is None:
        return fn(*args, **kwargs)
    with _CallSpan(name, {}) as node:
        rec: Recorder = node.rec  # type: ignore[union-attr,assignment]  # a live span has its recorder
        if rec.phase_frames:
            node.framed = True  # type: ignore[union-attr]
            return rec.trampoline(name)(fn, args, kwargs)
        return fn(*args, **kwargs)


__all__ = [
    "NOOP",
    "SpanHandle",
    "call_in_span",
    "current_span",
    "make_trampoline",
    "phase_frame_name",
    "span",
]
