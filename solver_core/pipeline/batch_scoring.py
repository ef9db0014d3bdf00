"""Batch scoring: many candidate grids against their expected grids in one array operation.

Grids (tuples of tuples of ints 0..9, 1x1..30x30) are packed into one zero-padded `uint8 [N, 30, 30]`
array with their shapes in `int32 [N, 2]` (the shape is the mask: cells at `i >= h` or `j >= w` are
padding). `score_packed` compares every candidate with its expected grid in a few whole-batch array
operations and gives, per candidate, exactly what `solver_core.pipeline.score` computes one grid at a time:

- `exact[n]`: the candidate equals its expected grid (`got == expected`);
- `cells[n]`: `cell_permille(expected, got)`: 0 if the shapes differ, else
  `floor(matching cells * 1000 / (h * w))`.

Both grids are zero outside their shape, so when the shapes agree the padding matches on both sides
and `matching = (C == E).sum() - (900 - h*w)`; when they differ the shape mask zeroes the result.

The same code runs on NumPy and CuPy (`solver_core.arrays`). `score_batch` dispatches: a batch whose
packed part is smaller than the calibrated crossover (`dispatch_threshold`) stays on the CPU (NumPy);
without a usable GPU the threshold is infinite. Candidates whose shape differs from their expected grid
are decided by their shape alone and are never packed. On the CPU the grids are padded on the host
(`pack`); a GPU receives only their cells (`flatten`: ~7x fewer bytes for ARC-sized grids) and pads them
itself (`pad`, one gather), so that the transfer is as small as it can be.

Where the time goes (2-core reference machine, `reports/gpu/crossover.json`): turning tuple grids into
bytes costs ~2-3 µs per grid on the host whichever backend follows; the NumPy comparison ~0.25-0.5 µs
per grid. So a GPU can speed up the comparison, but scoring from tuple grids stays bounded by the host
conversion: large end-to-end gains need grids that already live in arrays.

The `gpu` variant (`match_backend="array"`) scores all candidate outputs of a task's demo samples (in
`score_demo`) and of its test samples (in `score_test`) with one batch each (`match_samples`), in a
`match` span that records the backend and device (child spans `pack` and `kernel`; a GPU kernel span
ends after a device synchronisation).

Also here: batched grid transforms (rotations, mirrors, colour maps) on the packed layout, exact
equivalents of the DSL's `rot90`, `hmirror`, `replace`, ... (`transform`, `recolour`).

`python -m solver_core.pipeline.crossover --crossover reports/gpu/` (`solver_core.pipeline.crossover`)
measures batch scoring on NumPy (and CuPy when usable) across batch sizes and writes `crossover.json` and
`crossover.png`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import chain, compress
from typing import Any

import numpy as np

from harness import span
from solver_core.arrays import (
    ArrayBackend,
    best_time,
    calibrate,
    calibrated,
    get_backend,
    numpy_backend,
)
from solver_core.pipeline.evaluate import Failure
from solver_core.pipeline.score import SampleJob, SampleScores
from solver_core.types import Grid

SIDE = 30
CELLS = SIDE * SIDE
#: names the scoring kernel in the calibration cache: change it when `score_packed` changes
KERNEL = "score_packed-v1"
#: batch sizes timed by the start-up calibration (a GPU is worth it from ~256-1,024 grids, published)
CALIBRATION_SIZES = (16, 64, 256, 1024, 4096, 16384)

_from_iterable = chain.from_iterable


# ------------------------------------------------------------------------------------- packing
@dataclass(frozen=True)
class Packed:
    """Grids as one zero-padded `uint8 [N, 30, 30]` array with their shapes `int32 [N, 2]` (host)."""

    grids: np.ndarray
    shapes: np.ndarray

    def __len__(self) -> int:
        return len(self.grids)


def pack(grids: Sequence[Grid], shapes_of: Sequence[tuple[int, int]] | None = None) -> Packed:
    """Pack valid grids (1x1..30x30, cells 0..9); `shapes_of[i]`: `(h, w)` of `grids[i]` if known.

    Grids are grouped by shape; each group becomes ONE bytes object (`bytes(row)` per row: a C loop)
    read by `np.frombuffer` and copied into the padded array in one assignment.
    """
    n = len(grids)
    out = np.zeros((n, SIDE, SIDE), np.uint8)
    shapes = np.empty((n, 2), np.int32)
    groups: dict[tuple[int, int], list[int]] = {}
    if shapes_of is None:
        shapes_of = [(len(g), len(g[0])) for g in grids]
    for i, key in enumerate(shapes_of):
        group = groups.get(key)
        if group is None:
            groups[key] = [i]
        else:
            group.append(i)
    for (h, w), idx in groups.items():
        if h > SIDE or w > SIDE:
            raise ValueError(f"grid of shape {h}x{w} is larger than {SIDE}x{SIDE}")
        buf = b"".join(map(bytes, _from_iterable([grids[i] for i in idx])))
        if len(buf) != len(idx) * h * w:
            raise ValueError(f"ragged grid among the {h}x{w} grids")
        out[idx, :h, :w] = np.frombuffer(buf, np.uint8).reshape(len(idx), h, w)
        shapes[idx] = (h, w)
    return Packed(out, shapes)


def unpack(grids: np.ndarray, shapes: np.ndarray) -> list[Grid]:
    """Packed grids back as tuples of tuples of ints (host arrays)."""
    out: list[Grid] = []
    for g, (h, w) in zip(np.asarray(grids), np.asarray(shapes).tolist(), strict=True):
        out.append(tuple(map(tuple, g[:h, :w].tolist())))
    return out


@dataclass(frozen=True)
class Flat:
    """Grids as their cells only, row after row and grid after grid: `uint8 [sum of h*w]`, with the shapes
    `int32 [N, 2]` (host). What goes to a GPU: ~7x fewer bytes than the padded layout for ARC grids
    (131 cells per candidate grid on average); `pad` then builds `[N, 30, 30]` on the device."""

    cells: np.ndarray
    shapes: np.ndarray

    def __len__(self) -> int:
        return len(self.shapes)


def flatten(grids: Sequence[Grid], shapes_of: Sequence[tuple[int, int]] | None = None) -> Flat:
    """The cells of valid grids as one bytes object (`bytes(row)` per row, one join), and their shapes."""
    if shapes_of is None:
        shapes_of = [(len(g), len(g[0])) for g in grids]
    shapes = np.array(shapes_of, np.int32).reshape(-1, 2)
    if len(shapes) and (shapes.max() > SIDE):
        raise ValueError(f"a grid is larger than {SIDE}x{SIDE}")
    buf = b"".join(map(bytes, _from_iterable(grids)))
    if len(buf) != int((shapes[:, 0].astype(np.int64) * shapes[:, 1]).sum()):
        raise ValueError("ragged grid, or shapes that do not match the grids")
    return Flat(np.frombuffer(buf, np.uint8), shapes)


def flat_of(packed: Packed) -> Flat:
    """The `Flat` form of packed grids (benchmarks and calibration start from packed synthetic data)."""
    parts = [g[:h, :w].ravel() for g, (h, w) in zip(packed.grids, packed.shapes.tolist(), strict=True)]
    return Flat(np.concatenate(parts) if parts else np.zeros(0, np.uint8), packed.shapes)


def pad(xp: Any, cells: Any, shapes: Any) -> Any:
    """`Flat` cells (arrays of module `xp`) as zero-padded `uint8 [N, 30, 30]`: one gather, on the device."""
    n = shapes.shape[0]
    h = shapes[:, 0].astype(xp.int64)[:, None, None]
    w = shapes[:, 1].astype(xp.int64)[:, None, None]
    sizes = h * w
    starts = xp.cumsum(sizes.reshape(-1)).reshape(n, 1, 1) - sizes
    i, j = _index_grid(xp)
    valid = (i < h) & (j < w)
    if n == 0:
        return xp.zeros((0, SIDE, SIDE), xp.uint8)
    src = xp.where(valid, starts + i * w + j, 0)
    return xp.where(valid, cells[src], 0).astype(xp.uint8)


# ------------------------------------------------------------------------------------- scoring
def score_packed(xp: Any, cand: Any, cand_shapes: Any, exp: Any, exp_shapes: Any,
                 index: Any) -> tuple[Any, Any]:
    """Exact match and cell permille of `cand[n]` against `exp[index[n]]` (arrays of module `xp`).

    `cand` `uint8 [N, 30, 30]`, `cand_shapes` `int32 [N, 2]`, `exp` `uint8 [M, 30, 30]`, `exp_shapes`
    `int32 [M, 2]`, `index` `intp [N]`. Returns `(bool [N], int32 [N])` on the same device.
    """
    e_shapes = exp_shapes[index]
    same_shape = (cand_shapes == e_shapes).all(axis=1)
    area = e_shapes[:, 0] * e_shapes[:, 1]
    equal = (cand == exp[index]).sum(axis=(1, 2), dtype=xp.int32) - (CELLS - area)
    exact = same_shape & (equal == area)
    cells = xp.where(same_shape, (equal * 1000) // area, 0).astype(xp.int32)
    return exact, cells


@dataclass(frozen=True)
class BatchRun:
    """Scores of one batch, and how they were computed."""

    exact: np.ndarray  # bool [N]
    cells: np.ndarray  # int32 [N]
    #: the backend that ran the comparison (NumPy when the batch was below the GPU threshold)
    backend: ArrayBackend
    #: candidates packed and compared as arrays (the others differ in shape from their expected grid)
    packed: int
    pack_s: float
    kernel_s: float


def score_batch(candidates: Sequence[Grid], expected: Sequence[Grid], *,
                backend: ArrayBackend | None = None, prefilter: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """`(exact bool [N], cells_permille int32 [N])` of each candidate against its expected grid.

    `expected[n]` is the grid `candidates[n]` should equal (the same object may repeat: each distinct
    object is packed once). All must be valid grids: the caller leaves out failures. `backend`: None
    dispatches on the batch size (`dispatch_backend`).
    """
    n = len(candidates)
    if len(expected) != n:
        raise ValueError(f"{n} candidates but {len(expected)} expected grids")
    exp_ids: dict[int, int] = {}
    distinct: list[Grid] = []
    index: list[int] = []
    for e in expected:
        k = exp_ids.get(id(e))
        if k is None:
            k = exp_ids[id(e)] = len(distinct)
            distinct.append(e)
        index.append(k)
    run = run_batch(candidates, distinct, index, backend=backend, prefilter=prefilter)
    return run.exact, run.cells


def run_batch(candidates: Sequence[Grid], expected: Sequence[Grid], index: Sequence[int], *,
              backend: ArrayBackend | None = None, prefilter: bool = True,
              shapes: Sequence[tuple[int, int]] | None = None) -> BatchRun:
    """`candidates[n]` against `expected[index[n]]`: the scores, the backend used, the number of grids
    packed and the times of both stages (`score_batch` with the expected grids already deduplicated).

    `shapes[n]`: the shape of `candidates[n]` when the caller knows it (with `prefilter=False`).
    """
    n = len(candidates)
    if len(index) != n:
        raise ValueError(f"{n} candidates but {len(index)} expected indices")
    t0 = time.perf_counter()
    exp_shapes = [(len(g), len(g[0])) for g in expected]
    if prefilter:  # a candidate of another shape is no match and scores 0 cells: no need to pack it
        keep = [i for i, g, k in zip(range(n), candidates, index, strict=True)
                if len(g) == exp_shapes[k][0] and len(g[0]) == exp_shapes[k][1]]
        kept = [index[i] for i in keep] if len(keep) < n else list(index)
        chosen = [candidates[i] for i in keep] if len(keep) < n else candidates
        shapes = [exp_shapes[k] for k in kept]
    else:
        keep, kept, chosen = list(range(n)), list(index), candidates
    if backend is None:
        backend = dispatch_backend(len(keep))
    with span("pack"):
        # NumPy compares padded host arrays; a GPU gets the cells only and pads them itself
        layout = flatten if backend.is_gpu else pack
        cand, exp = layout(chosen, shapes), layout(expected, exp_shapes)
        index_arr = np.array(kept, np.intp)
    t1 = time.perf_counter()
    with span("kernel", **backend.describe()):
        if keep:
            exact_k, cells_k = _score_on(backend, cand, exp, index_arr)
        else:
            exact_k, cells_k = np.zeros(0, bool), np.zeros(0, np.int32)
    t2 = time.perf_counter()
    if len(keep) == n:
        exact, cells = exact_k, cells_k
    else:
        exact, cells = np.zeros(n, bool), np.zeros(n, np.int32)
        exact[keep] = exact_k
        cells[keep] = cells_k
    return BatchRun(exact, cells, backend, len(keep), t1 - t0, t2 - t1)


def _score_on(backend: ArrayBackend, cand: Packed | Flat, exp: Packed | Flat,
              index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Transfer (on a GPU), pad if flat, compare, bring the results back (the device synchronised)."""
    xp = backend.xp
    a = backend.asarray if backend.is_gpu else np.asarray

    def padded(p: Packed | Flat) -> tuple[Any, Any]:
        shapes = a(p.shapes)
        return (a(p.grids) if isinstance(p, Packed) else pad(xp, a(p.cells), shapes)), shapes

    (c, cs), (e, es) = padded(cand), padded(exp)
    exact, cells = score_packed(xp, c, cs, e, es, a(index))
    if not backend.is_gpu:
        return exact, cells
    out = backend.to_numpy(exact), backend.to_numpy(cells)
    backend.synchronize()  # `asnumpy` already waits; explicit so that a span's wall time holds every kernel
    return out


# ------------------------------------------------------------------------------------- calibration, dispatch
def random_packed(n: int, seed: int = 0, same_shape: bool = True) -> tuple[Packed, Packed, np.ndarray]:
    """A synthetic batch: `n` candidates against 64 expected grids, most of their cells equal.

    The expected grids are the same for every `n` (sides 2..24: ~170 cells on average; ARC-AGI-1
    candidate outputs of the expected shape average ~130 cells, at most 900); the candidates are copies
    with 5% of cells redrawn (or, `same_shape=False`, cut to random shapes).
    """
    fixed = np.random.default_rng(12345)
    m = 64
    e_shapes = fixed.integers(2, 25, size=(m, 2)).astype(np.int32)
    exp = np.zeros((m, SIDE, SIDE), np.uint8)
    for k, (h, w) in enumerate(e_shapes):
        exp[k, :h, :w] = fixed.integers(0, 10, size=(h, w))
    rng = np.random.default_rng(seed)
    index = rng.integers(0, m, size=n).astype(np.intp)
    cand = exp[index].copy()
    flips = rng.random(cand.shape) < 0.05
    cand[flips] = rng.integers(0, 10, size=int(flips.sum()))
    c_shapes = e_shapes[index].copy()
    if not same_shape:
        c_shapes = rng.integers(1, SIDE + 1, size=(n, 2)).astype(np.int32)
    mask = (np.arange(SIDE)[None, :, None] < c_shapes[:, 0, None, None]) & \
           (np.arange(SIDE)[None, None, :] < c_shapes[:, 1, None, None])
    cand *= mask
    return Packed(cand, c_shapes), Packed(exp, e_shapes), index


def time_packed(backend: ArrayBackend, n: int, repeats: int = 5) -> float:
    """Best wall time (s) of one batch of `n` on `backend` from host arrays to host results (transfers and,
    on a GPU, padding on the device included; packing on the host not included)."""
    cand, exp, index = random_packed(n)
    if backend.is_gpu:  # what `run_batch` sends to a GPU
        cand, exp = flat_of(cand), flat_of(exp)  # type: ignore[assignment]
    return best_time(lambda: _score_on(backend, cand, exp, index), backend.synchronize, repeats)


def dispatch_threshold(backend: ArrayBackend | None = None) -> float:
    """The batch size from which `score_batch` uses the GPU (calibrated once, cached); inf without one."""
    backend = backend or get_backend()
    if not backend.is_gpu:
        return math.inf
    known = calibrated(backend, KERNEL)
    if known is not None:
        return known.threshold
    with span("gpu_calibration") as s:  # once per process; measured once per machine (then cached)
        cal = calibrate(backend, KERNEL, _calibration_time, CALIBRATION_SIZES)
        s.set(threshold=_json_threshold(cal.threshold), cached=cal.cached, device=backend.device)
    return cal.threshold


_warm: set[str] = set()


def _calibration_time(backend: ArrayBackend, n: int) -> float:
    if backend.is_gpu and backend.device not in _warm:
        time_packed(backend, 64, repeats=2)  # compile the kernels (~1 s) before timing anything
        _warm.add(backend.device or "")
    return time_packed(backend, n)


def dispatch_backend(n: int) -> ArrayBackend:
    """The device for a batch of `n` packed grids: the GPU at or above the threshold, else NumPy."""
    auto = get_backend()
    if not auto.is_gpu:
        return auto
    return auto if n >= dispatch_threshold(auto) else _cpu_for(auto)


_CPU: dict[str, ArrayBackend] = {}


def _cpu_for(gpu: ArrayBackend) -> ArrayBackend:
    """NumPy, labelled as the small-batch fallback of `gpu`."""
    key = gpu.device or ""
    if key not in _CPU:
        _CPU[key] = numpy_backend(f"batch below the calibrated GPU threshold of {gpu.device}")
    return _CPU[key]


# ------------------------------------------------------------------------------------- pipeline hook
def match_samples(jobs: Sequence[SampleJob], samples: Sequence[SampleScores], *,
                  backend: ArrayBackend | None = None) -> list[SampleScores]:
    """Exact matches (every sample) and cell scores (demo samples) of all candidates in ONE batch.

    The array equivalent of the `match` part of `score.finish_sample`, for samples whose job has
    `match="array"` (their `matched` and `cells` are still empty). `backend`: None = dispatch on the size.
    """
    with span("match") as s:
        cands: list[Grid] = []
        index: list[int] = []
        shapes: list[tuple[int, int]] = []
        sent: list[list[int]] = []  # per sample: the t_n of the candidates in the batch, in batch order
        scored = 0
        for k, (job, sample) in enumerate(zip(jobs, samples, strict=True)):
            expected = job.pair.output
            h, w = len(expected), len(expected[0])
            ts: list[int] = []
            for t, got in sample.outcomes.items():
                # a failure, or a grid of another shape, is no match and scores 0 cells: not in the batch
                if type(got) is not Failure:
                    scored += 1
                    if len(got) == h and len(got[0]) == w:  # type: ignore[arg-type, index]
                        ts.append(t)
                        cands.append(got)  # type: ignore[arg-type]
            index += [k] * len(ts)
            shapes += [(h, w)] * len(ts)
            sent.append(ts)
        run = run_batch(cands, [job.pair.output for job in jobs], index, backend=backend, prefilter=False,
                        shapes=shapes)
        s.set(**get_backend().describe())
        s.add("match_batches")
        s.add("grids_scored", scored)
        s.add("grids_packed", run.packed)
        s.add("grids_on_gpu", run.packed if run.backend.is_gpu else 0)
        exact, cells = run.exact.tolist(), run.cells.tolist()
        out: list[SampleScores] = []
        lo = 0
        for sample, ts in zip(samples, sent, strict=True):
            hi = lo + len(ts)
            cell_scores: dict[int, int] = {}
            if sample.kind == "demo":
                cell_scores = dict.fromkeys(sample.outcomes, 0)
                cell_scores.update(zip(ts, cells[lo:hi], strict=True))
            out.append(replace(sample, matched=frozenset(compress(ts, exact[lo:hi])), cells=cell_scores))
            lo = hi
        return out


# ------------------------------------------------------------------------------------- transforms
def _index_grid(xp: Any) -> tuple[Any, Any]:
    return xp.arange(SIDE)[None, :, None], xp.arange(SIDE)[None, None, :]


#: name -> (new shape from (h, w), source (row, col) of new cell (i, j)); the DSL's grid semantics
_TRANSFORMS: dict[str, tuple[Callable[[Any, Any], tuple[Any, Any]],
                             Callable[[Any, Any, Any, Any], tuple[Any, Any]]]] = {
    "rot90": (lambda h, w: (w, h), lambda i, j, h, w: (h - 1 - j, i)),
    "rot180": (lambda h, w: (h, w), lambda i, j, h, w: (h - 1 - i, w - 1 - j)),
    "rot270": (lambda h, w: (w, h), lambda i, j, h, w: (j, w - 1 - i)),
    "hmirror": (lambda h, w: (h, w), lambda i, j, h, w: (h - 1 - i, j)),
    "vmirror": (lambda h, w: (h, w), lambda i, j, h, w: (i, w - 1 - j)),
    "dmirror": (lambda h, w: (w, h), lambda i, j, h, w: (j, i)),
    "cmirror": (lambda h, w: (w, h), lambda i, j, h, w: (h - 1 - j, w - 1 - i)),
}
TRANSFORMS = tuple(_TRANSFORMS)


def transform(xp: Any, name: str, grids: Any, shapes: Any) -> tuple[Any, Any]:
    """One of `TRANSFORMS` applied to every packed grid: `(grids, shapes)` of the results (padding 0)."""
    new_shape, source = _TRANSFORMS[name]
    n = grids.shape[0]
    h, w = shapes[:, 0][:, None, None], shapes[:, 1][:, None, None]
    nh, nw = new_shape(h, w)
    i, j = _index_grid(xp)
    valid = (i < nh) & (j < nw)
    r, c = source(i, j, h, w)
    r = xp.where(valid, r, 0)
    c = xp.where(valid, c, 0)
    flat = xp.arange(n)[:, None, None] * CELLS + r * SIDE + c
    out = xp.where(valid, grids.reshape(-1)[flat], 0).astype(xp.uint8)
    return out, xp.concatenate([nh.reshape(n, 1), nw.reshape(n, 1)], axis=1).astype(xp.int32)


def recolour(xp: Any, grids: Any, shapes: Any, lut: Any) -> Any:
    """Map every cell's colour through `lut` (`uint8 [10]` for all grids or `[N, 10]` per grid)."""
    n = grids.shape[0]
    i, j = _index_grid(xp)
    inside = (i < shapes[:, 0][:, None, None]) & (j < shapes[:, 1][:, None, None])
    if lut.ndim == 1:
        mapped = lut[grids.astype(xp.intp)]
    else:
        mapped = xp.take_along_axis(lut, grids.reshape(n, CELLS).astype(xp.intp), axis=1).reshape(grids.shape)
    return xp.where(inside, mapped, 0).astype(xp.uint8)


def _json_threshold(t: float) -> int | None:
    return None if math.isinf(t) else int(t)
