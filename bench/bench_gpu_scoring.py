"""Batch scoring, CPU (NumPy) against GPU (CuPy), across batch sizes (groups ``batch-scoring N=<n>``).

Run:  pytest bench/bench_gpu_scoring.py --benchmark-only
      python -m solver_core.pipeline.crossover --crossover reports/gpu/   # chart + JSON

Per batch size N (1 ... 100k grids; `random_packed`: 64 expected grids of 2..24 per side, ~170 cells,
every candidate of its expected grid's shape with 5% of cells redrawn):

- ``python``: `got == expected` and `cell_permille` one grid at a time (what `score.py` does), up to 10k;
- ``pack``: tuple grids -> padded `uint8 [N, 30, 30]` + shapes (the NumPy path's host work);
- ``flatten``: tuple grids -> their cells only + shapes (the GPU path's host work);
- ``numpy-kernel``: `score_packed` on padded host arrays;
- ``cupy-kernel``: the cells to the device, padded there, compared, results back (what `run_batch` does on
  a GPU); ``cupy-kernel-padded``: the same sending padded arrays (7x more bytes); both synchronise the
  device before the clock stops;
- ``numpy-end-to-end`` / ``cupy-end-to-end``: `score_batch` from tuple grids (host work included).

CuPy benchmarks are skipped, with the reason, unless CuPy and a CUDA device are usable. Per-grid
microseconds land in ``extra_info["us_per_grid"]``; the device in ``extra_info["device"]``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest

from solver_core import arrays
from solver_core.arrays import ArrayBackend
from solver_core.pipeline.batch_scoring import (
    _score_on,
    flat_of,
    flatten,
    pack,
    random_packed,
    score_batch,
    unpack,
)
from solver_core.pipeline.crossover import _python_scores

SIZES = (1, 10, 100, 1_000, 10_000, 100_000)
CPU = arrays.numpy_backend("benchmark")


@functools.cache
def workload(n: int) -> tuple[Any, Any, np.ndarray, list, list]:
    """Packed candidates, packed expected grids, index, and the same as tuple grids (built once per n)."""
    cand, exp, index = random_packed(n, seed=n)
    exp_grids = unpack(exp.grids, exp.shapes)
    return cand, exp, index, unpack(cand.grids, cand.shapes), [exp_grids[k] for k in index.tolist()]


@pytest.fixture(scope="module")
def gpu() -> ArrayBackend:
    pytest.importorskip("cupy", reason="CuPy is not installed (optional extra `gpu`): no GPU timings")
    cupy, device, reason = arrays.probe_cupy()
    if cupy is None:
        pytest.skip(f"CuPy is installed but no CUDA device is usable: {reason}")
    return ArrayBackend("cupy", cupy, device, reason, str(cupy.__version__))


def _run(benchmark: Any, n: int, what: str, fn: Any, sync: Any = None, device: str | None = None) -> None:
    benchmark.group = f"batch-scoring N={n}"
    benchmark.extra_info.update({"n": n, "what": what, "device": device})
    from benchlib import spread_rounds, time_one_round

    def timed() -> None:
        fn()
        if sync is not None:
            sync()  # honest GPU timing: the kernels are inside the measured call

    rounds = spread_rounds(time_one_round(timed), max(3, min(200, 20_000 // n)), 20_000)
    benchmark.pedantic(timed, rounds=rounds, warmup_rounds=1 if n >= 10_000 else 3)
    stats = benchmark.stats.stats if hasattr(benchmark.stats, "stats") else benchmark.stats
    benchmark.extra_info["us_per_grid"] = stats.median * 1e6 / n


@pytest.mark.parametrize("n", [n for n in SIZES if n <= 10_000])
def test_python(benchmark: Any, n: int) -> None:
    *_, cands, exps = workload(n)
    _run(benchmark, n, "python", functools.partial(_python_scores, cands, exps))


@pytest.mark.parametrize("n", SIZES)
def test_pack(benchmark: Any, n: int) -> None:
    *_, cands, _exps = workload(n)
    _run(benchmark, n, "pack", functools.partial(pack, cands))


@pytest.mark.parametrize("n", SIZES)
def test_flatten(benchmark: Any, n: int) -> None:
    *_, cands, _exps = workload(n)
    _run(benchmark, n, "flatten", functools.partial(flatten, cands))


@pytest.mark.parametrize("n", SIZES)
def test_numpy_kernel(benchmark: Any, n: int) -> None:
    cand, exp, index, *_ = workload(n)
    _run(benchmark, n, "numpy-kernel", functools.partial(_score_on, CPU, cand, exp, index))


@pytest.mark.parametrize("n", SIZES)
def test_numpy_end_to_end(benchmark: Any, n: int) -> None:
    *_, cands, exps = workload(n)
    _run(benchmark, n, "numpy-end-to-end", functools.partial(score_batch, cands, exps, backend=CPU))


@pytest.mark.gpu
@pytest.mark.parametrize("n", SIZES)
def test_cupy_kernel(benchmark: Any, gpu: ArrayBackend, n: int) -> None:
    cand, exp, index, *_ = workload(n)
    cand, exp = flat_of(cand), flat_of(exp)
    _score_on(gpu, cand, exp, index)  # compile the kernels outside the timing
    _run(benchmark, n, "cupy-kernel", functools.partial(_score_on, gpu, cand, exp, index), gpu.synchronize,
         gpu.device)


@pytest.mark.gpu
@pytest.mark.parametrize("n", SIZES)
def test_cupy_kernel_padded(benchmark: Any, gpu: ArrayBackend, n: int) -> None:
    cand, exp, index, *_ = workload(n)
    _score_on(gpu, cand, exp, index)
    _run(benchmark, n, "cupy-kernel-padded", functools.partial(_score_on, gpu, cand, exp, index),
         gpu.synchronize, gpu.device)


@pytest.mark.gpu
@pytest.mark.parametrize("n", SIZES)
def test_cupy_end_to_end(benchmark: Any, gpu: ArrayBackend, n: int) -> None:
    *_, cands, exps = workload(n)
    score_batch(cands, exps, backend=gpu)
    _run(benchmark, n, "cupy-end-to-end", functools.partial(score_batch, cands, exps, backend=gpu),
         gpu.synchronize, gpu.device)
