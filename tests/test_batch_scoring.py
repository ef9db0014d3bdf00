"""Batch scoring (`solver_core.pipeline.batch_scoring`) and the array backend (`solver_core.arrays`).

The NumPy path is tested everywhere; the CuPy tests at the end run only where CuPy AND a CUDA device
are usable and are skipped with the reason otherwise.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness import Recorder
from solver_core import arrays, dsl
from solver_core.arrays import ArrayBackend, BackendUnavailable, calibrate, crossover, get_backend, reset_backends
from solver_core.generator import generate_batch
from solver_core.pipeline import RunSettings, run_pipeline
from solver_core.pipeline.batch_scoring import (
    TRANSFORMS,
    _score_on,
    dispatch_backend,
    dispatch_threshold,
    flat_of,
    flatten,
    match_samples,
    pack,
    pad,
    random_packed,
    recolour,
    run_batch,
    score_batch,
    score_packed,
    transform,
    unpack,
)
from solver_core.pipeline.crossover import measure_crossover, write_crossover
from solver_core.pipeline.score import cell_permille, finish_sample, sample_jobs, score_sample
from solver_core.solvers import library_programs
from solver_core.variants import BASELINE, get_variant

# ------------------------------------------------------------------------------------- strategies
sides = st.integers(1, 30)


@st.composite
def grids(draw: st.DrawFn, h: int | None = None, w: int | None = None, colours: int = 10) -> tuple:
    h = draw(sides) if h is None else h
    w = draw(sides) if w is None else w
    flat = draw(st.lists(st.integers(0, colours - 1), min_size=h * w, max_size=h * w))
    return tuple(tuple(flat[r * w:(r + 1) * w]) for r in range(h))


@st.composite
def candidate_for(draw: st.DrawFn, expected: tuple) -> tuple:
    """A candidate related to `expected`: equal, a few cells changed, another shape, or random."""
    h, w = len(expected), len(expected[0])
    how = draw(st.sampled_from(["equal", "edited", "same-shape", "other-shape", "transposed"]))
    if how == "equal":
        return tuple(tuple(r) for r in expected)  # equal but not the same object
    if how == "edited":
        rows = [list(r) for r in expected]
        for _ in range(draw(st.integers(1, 5))):
            i, j = draw(st.integers(0, h - 1)), draw(st.integers(0, w - 1))
            rows[i][j] = draw(st.integers(0, 9))
        return tuple(map(tuple, rows))
    if how == "same-shape":
        return draw(grids(h, w, colours=draw(st.integers(1, 10))))
    if how == "transposed":
        return tuple(zip(*expected, strict=True))
    return draw(grids())


@st.composite
def batches(draw: st.DrawFn) -> tuple[list, list]:
    """Candidates with their expected grids; a few expected grids shared by many candidates."""
    expected = draw(st.lists(grids(colours=draw(st.integers(1, 10))), min_size=1, max_size=4))
    cands, exps = [], []
    for _ in range(draw(st.integers(0, 24))):
        e = draw(st.sampled_from(expected))
        cands.append(draw(candidate_for(e)))
        exps.append(e)
    return cands, exps


def python_scores(cands: list, exps: list) -> tuple[list[bool], list[int]]:
    """The per-grid definitions of `solver_core.pipeline.score`."""
    return [c == e for c, e in zip(cands, exps, strict=True)], [cell_permille(e, c) for c, e in zip(cands, exps,
                                                                                                    strict=True)]


CPU = arrays.numpy_backend("tests")
FAST_HYPOTHESIS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------------------------- packing
@FAST_HYPOTHESIS
@given(st.lists(grids(), min_size=0, max_size=12))
def test_pack_round_trips_and_pads_with_zeros(gs):
    p = pack(gs)
    assert p.grids.shape == (len(gs), 30, 30) and p.grids.dtype == np.uint8
    assert p.shapes.tolist() == [[len(g), len(g[0])] for g in gs]
    assert unpack(p.grids, p.shapes) == gs
    for g, a in zip(gs, p.grids, strict=True):
        assert not a[len(g):].any() and not a[:, len(g[0]):].any()


@FAST_HYPOTHESIS
@given(st.lists(grids(), min_size=0, max_size=12))
def test_flatten_then_pad_gives_the_packed_layout(gs):
    flat = flatten(gs)
    assert len(flat) == len(gs) and flat.cells.size == sum(len(g) * len(g[0]) for g in gs)
    assert (pad(np, flat.cells, flat.shapes) == pack(gs).grids).all()
    assert (flat_of(pack(gs)).cells == flat.cells).all()


def test_flat_and_packed_layouts_score_alike():
    cand, exp, index = random_packed(300, seed=5, same_shape=False)
    a = _score_on(CPU, cand, exp, index)
    b = _score_on(CPU, flat_of(cand), flat_of(exp), index)
    assert (a[0] == b[0]).all() and (a[1] == b[1]).all()


def test_pack_rejects_what_is_not_a_grid():
    with pytest.raises(ValueError, match="ragged"):
        pack([((1, 2), (3,))])
    with pytest.raises(ValueError, match="larger"):
        pack([((0,) * 31,)])
    with pytest.raises(ValueError, match="ragged"):
        flatten([((1, 2), (3,))])
    with pytest.raises(ValueError, match="larger"):
        flatten([((0,) * 31,)])


# ------------------------------------------------------------------------------------- scoring
@FAST_HYPOTHESIS
@given(batches())
def test_score_batch_equals_the_python_definitions(batch):
    cands, exps = batch
    want_exact, want_cells = python_scores(cands, exps)
    for prefilter in (True, False):
        exact, cells = score_batch(cands, exps, backend=CPU, prefilter=prefilter)
        assert exact.dtype == bool and cells.dtype == np.int32 and len(exact) == len(cands)
        assert exact.tolist() == want_exact
        assert cells.tolist() == want_cells


def test_score_batch_edge_cases():
    one, nine = ((1,),), ((9,),)
    full = tuple(tuple((i * j) % 10 for j in range(30)) for i in range(30))
    edited = tuple(row if i else (9,) + row[1:] for i, row in enumerate(full))
    cands = [one, nine, full, edited, ((1, 1),), full]
    exps = [one, one, full, full, one, tuple(zip(*full, strict=True))]
    exact, cells = score_batch(cands, exps)
    assert exact.tolist() == [True, False, True, False, False, full == tuple(zip(*full, strict=True))]
    assert cells.tolist() == python_scores(cands, exps)[1]
    assert cells[3] == 899 * 1000 // 900 and cells[1] == 0 and cells[4] == 0
    exact, cells = score_batch([], [])
    assert exact.shape == (0,) and cells.shape == (0,)
    exact, cells = score_batch([((1, 1),)], [one])  # nothing of the expected shape: nothing packed
    assert exact.tolist() == [False] and cells.tolist() == [0]
    with pytest.raises(ValueError, match="expected"):
        score_batch([one], [])


def test_run_batch_packs_only_candidates_of_the_expected_shape():
    one = ((1,),)
    run = run_batch([one, ((1, 2),), ((3,),)], [one], [0, 0, 0], backend=CPU)
    assert run.packed == 2 and run.exact.tolist() == [True, False, False]
    assert run.backend is CPU and run.pack_s >= 0 and run.kernel_s >= 0


def test_score_packed_on_synthetic_batches():
    for same in (True, False):
        cand, exp, index = random_packed(200, seed=1, same_shape=same)
        exact, cells = score_packed(np, cand.grids, cand.shapes, exp.grids, exp.shapes, index)
        cg, eg = unpack(cand.grids, cand.shapes), unpack(exp.grids, exp.shapes)
        want = python_scores(cg, [eg[k] for k in index.tolist()])
        assert exact.tolist() == want[0] and cells.tolist() == want[1]


# ------------------------------------------------------------------------------------- transforms
DSL_TRANSFORMS = {"rot90": dsl.rot90, "rot180": dsl.rot180, "rot270": dsl.rot270, "hmirror": dsl.hmirror,
                  "vmirror": dsl.vmirror, "dmirror": dsl.dmirror, "cmirror": dsl.cmirror}


@FAST_HYPOTHESIS
@given(st.lists(grids(), min_size=1, max_size=6), st.sampled_from(TRANSFORMS))
def test_batched_transforms_equal_the_dsl(gs, name):
    p = pack(gs)
    out, shapes = transform(np, name, p.grids, p.shapes)
    assert unpack(out, shapes) == [DSL_TRANSFORMS[name](g) for g in gs]
    again = pack([DSL_TRANSFORMS[name](g) for g in gs])
    assert (out == again.grids).all()  # padding stays zero


@FAST_HYPOTHESIS
@given(st.lists(grids(), min_size=1, max_size=6), st.integers(0, 9), st.integers(0, 9))
def test_recolour_equals_replace_and_switch(gs, a, b):
    p = pack(gs)
    lut = np.arange(10, dtype=np.uint8)
    lut[a] = b
    assert unpack(recolour(np, p.grids, p.shapes, lut), p.shapes) == [dsl.replace(g, a, b) for g in gs]
    per_grid = np.tile(np.arange(10, dtype=np.uint8), (len(gs), 1))
    per_grid[:, a], per_grid[:, b] = b, a
    assert unpack(recolour(np, p.grids, p.shapes, per_grid), p.shapes) == [dsl.switch(g, a, b) for g in gs]


# ------------------------------------------------------------------------------------- backend
@pytest.fixture
def fresh_backend(monkeypatch, tmp_path):
    """Detection and calibration state reset before and after; the calibration cache in tmp_path."""
    monkeypatch.setenv(arrays.ENV_CACHE_DIR, str(tmp_path))
    monkeypatch.delenv(arrays.ENV_BACKEND, raising=False)
    reset_backends()
    yield tmp_path
    reset_backends()


def _cupy_usable() -> bool:
    return arrays.probe_cupy()[0] is not None


def test_numpy_backend_on_request(fresh_backend, monkeypatch):
    b = get_backend("numpy")
    assert b.name == "numpy" and b.xp is np and b.device is None and not b.is_gpu
    assert b.describe() == {"array_backend": "numpy", "array_device": "none: numpy requested"}
    b.synchronize()  # a no-op
    assert b.to_numpy(b.asarray([1, 2])).tolist() == [1, 2]
    monkeypatch.setenv(arrays.ENV_BACKEND, "numpy")
    reset_backends()
    assert get_backend().name == "numpy" and "PHASEBENCH_ARRAY_BACKEND" in get_backend().reason
    monkeypatch.setenv(arrays.ENV_BACKEND, "tpu")
    reset_backends()
    with pytest.raises(ValueError, match="auto, numpy or cupy"):
        get_backend()


def test_auto_detection_never_fails_without_a_gpu(fresh_backend):
    if _cupy_usable():
        pytest.skip("a usable CuPy device is present: the no-GPU fallback cannot be observed here")
    b = get_backend()
    assert b.name == "numpy" and b.reason and b.label.startswith("numpy (none: ")
    assert b.describe()["array_device"].startswith("none: ")
    with pytest.raises(BackendUnavailable, match="unavailable"):
        get_backend("cupy")
    assert dispatch_threshold() == math.inf
    assert dispatch_backend(10**9).name == "numpy"
    assert not (fresh_backend / arrays.CALIBRATION_FILE).exists()  # no device: no calibration


def test_a_broken_cupy_falls_back_to_numpy(fresh_backend, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def broken(name, *args, **kwargs):
        if name == "cupy":
            raise RuntimeError("CUDA driver version is insufficient")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", broken)
    b = get_backend()
    assert b.name == "numpy" and "insufficient" in b.reason and "RuntimeError" in b.reason


def test_crossover_is_the_smallest_size_from_which_the_gpu_always_wins():
    sizes = [1, 10, 100, 1000, 10000]
    assert crossover(sizes, [1, 2, 3, 4, 5], [9, 9, 2, 3, 1]) == 100
    assert crossover(sizes, [1, 2, 3, 4, 5], [0, 9, 2, 3, 1]) == 100  # a lucky tiny size does not count
    assert crossover(sizes, [1, 2, 3, 4, 5], [9, 9, 9, 9, 9]) == math.inf
    assert crossover(sizes, [5, 5, 5, 5, 5], [1, 1, 1, 1, 1]) == 1


def test_calibration_is_measured_once_and_cached_atomically(fresh_backend):
    fake = ArrayBackend("cupy", np, "Fake GPU 9000", "test", "13.0.0")
    calls: list[tuple[str, int]] = []

    def measure(backend, n):
        calls.append((backend.name, n))
        return 1e-3 if backend.name == "numpy" else (1e-2 if n < 256 else 1e-4)

    first = calibrate(fake, "k-v1", measure, [16, 64, 256, 1024])
    assert first.threshold == 256 and not first.cached and len(calls) == 8
    stored = json.loads((fresh_backend / arrays.CALIBRATION_FILE).read_text())
    assert stored["Fake GPU 9000|cupy 13.0.0|k-v1"]["threshold"] == 256
    assert calibrate(fake, "k-v1", measure, [16]) is first and len(calls) == 8  # in memory
    reset_backends()
    again = calibrate(fake, "k-v1", measure, [16])
    assert again.cached and again.threshold == 256 and len(calls) == 8  # from the file
    other = calibrate(replace(fake, version="14.0.0"), "k-v1", lambda b, n: 1.0, [16, 64])
    assert other.threshold == math.inf and not other.cached  # another cupy: measured again
    stored = json.loads((fresh_backend / arrays.CALIBRATION_FILE).read_text())
    assert len(stored) == 2 and stored["Fake GPU 9000|cupy 14.0.0|k-v1"]["threshold"] is None
    assert not [p for p in fresh_backend.iterdir() if p.name.startswith(".tmp-")]
    assert calibrate(CPU, "k-v1", measure, [16]).threshold == math.inf and len(calls) == 8


class FakeCupy:
    """NumPy dressed as CuPy: exercises the GPU control flow (dispatch, transfers, synchronisation) on CI."""

    syncs = 0

    def __getattr__(self, name):
        return getattr(np, name)

    asnumpy = staticmethod(np.asarray)

    class cuda:  # noqa: N801 - mirrors cupy.cuda
        @staticmethod
        def get_current_stream():
            class Stream:
                def synchronize(self):
                    FakeCupy.syncs += 1

            return Stream()


def test_dispatch_sends_big_batches_to_the_gpu_and_small_ones_to_numpy(fresh_backend, monkeypatch, task_007,
                                                                       small_config, span_dicts_named):
    from solver_core.pipeline import batch_scoring

    fake = ArrayBackend("cupy", FakeCupy(), "Fake GPU 9000", "test", "13.0.0")
    monkeypatch.setattr(batch_scoring, "get_backend", lambda: fake)
    monkeypatch.setattr(batch_scoring, "_calibration_time",
                        lambda b, n: n * 1e-6 if b.name == "numpy" else 1e-4 + n * 1e-8)
    with Recorder(variant="t", workload={}) as rec:
        assert dispatch_threshold(fake) == 256
    cal = span_dicts_named(rec.to_dict()["tree"], "gpu_calibration")[0]["attrs"]
    assert cal == {"threshold": 256, "cached": False, "device": "Fake GPU 9000"}
    assert dispatch_backend(255).name == "numpy" and dispatch_backend(256) is fake
    assert "below the calibrated GPU threshold" in dispatch_backend(1).reason
    cand, exp, index = random_packed(400, seed=3)
    cg, eg = unpack(cand.grids, cand.shapes), unpack(exp.grids, exp.shapes)
    before = FakeCupy.syncs
    run = run_batch(cg, eg, index.tolist())
    assert run.backend is fake and run.packed == 400 and FakeCupy.syncs > before
    assert (run.exact.tolist(), run.cells.tolist()) == python_scores(cg, [eg[k] for k in index.tolist()])
    # the pipeline hook: a task's demo samples in one batch, counted as GPU work when above the threshold
    batch = generate_batch(task_007.id, library_programs(), 0, small_config)
    python = [score_sample(j) for j in sample_jobs(task_007, batch, "demo", "shared", True)]
    jobs = sample_jobs(task_007, batch, "demo", "shared", True, match="array")
    with Recorder(variant="t", workload={}) as rec:
        assert match_samples(jobs, [finish_sample(j, p.outcomes) for j, p in zip(jobs, python, strict=True)]) == python
    match = span_dicts_named(rec.to_dict()["tree"], "match")[0]
    assert match["attrs"] == {"array_backend": "cupy", "array_device": "Fake GPU 9000"}
    packed = match["counters"]["grids_packed"]
    assert match["counters"]["grids_on_gpu"] == (packed if packed >= 256 else 0)


# ------------------------------------------------------------------------------------- pipeline
def test_match_samples_equals_finish_sample(task_007, small_config):
    batch = generate_batch(task_007.id, library_programs(), 0, small_config)
    for kind in ("demo", "test"):
        python = [score_sample(j) for j in sample_jobs(task_007, batch, kind, "shared", True)]
        jobs = sample_jobs(task_007, batch, kind, "shared", True, match="array")
        pending = [finish_sample(j, p.outcomes) for j, p in zip(jobs, python, strict=True)]
        assert all(not p.matched and not p.cells for p in pending)
        assert match_samples(jobs, pending) == python
        assert any(p.matched for p in python) or kind == "test"


def test_gpu_variant_gives_the_baseline_digest_and_names_its_backend(tmp_path, small_config, span_dicts_named):
    from solver_core.tasks import get_task

    tasks = [get_task(t) for t in ("007bbfb7", "00d62c1b", "017c7c7b")]
    base = run_pipeline(tasks, RunSettings(BASELINE, tmp_path / "b", seed=1, generator=small_config))
    gpu = run_pipeline(tasks, RunSettings(get_variant("gpu"), tmp_path / "g", seed=1, generator=small_config),
                       workers=2)
    assert gpu.digest == base.digest and gpu.tasks == base.tasks
    tree = gpu.recorder.to_dict()["tree"]
    matches = [m for m in span_dicts_named(tree, "match") if m.get("attrs", {}).get("array_backend")]
    assert matches, "the gpu variant's match spans record the array backend"
    attrs = matches[0]["attrs"]
    assert attrs["array_backend"] in ("numpy", "cupy")
    assert attrs["array_device"] == (get_backend().device or f"none: {get_backend().reason}")
    assert sum(m["counters"]["grids_scored"] for m in matches) > 0
    # and its task workers are spawned, not forked (CUDA cannot be used in a child forked after its parent did)
    assert get_variant("gpu").changed_phases(get_variant("fast")) == ("run_batt", "score_demo", "score_test")


# ------------------------------------------------------------------------------------- report
def test_crossover_chart_and_json(tmp_path):
    data = measure_crossover([1, 50], budget_s=0.01)
    assert [r["n"] for r in data["rows"]] == [1, 50]
    assert all(r["numpy_total_s"] > 0 and r["pack_s"] > 0 for r in data["rows"])
    json_path, png_path = write_crossover(tmp_path, data)
    assert json.loads(json_path.read_text())["rows"][1]["n"] == 50
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------------------------- CuPy
@pytest.fixture(scope="module")
def gpu() -> ArrayBackend:
    pytest.importorskip("cupy", reason="CuPy is not installed (optional extra `gpu`: pip install -e '.[gpu]')")
    cupy, device, reason = arrays.probe_cupy()
    if cupy is None:
        pytest.skip(f"CuPy is installed but no CUDA device is usable: {reason}")
    return ArrayBackend("cupy", cupy, device, reason, str(cupy.__version__))


@pytest.mark.gpu
def test_cupy_scores_equal_numpy(gpu):
    for n, same in ((1, True), (1000, True), (5000, False)):
        cand, exp, index = random_packed(n, seed=n, same_shape=same)
        want = score_packed(np, cand.grids, cand.shapes, exp.grids, exp.shapes, index)
        a = gpu.asarray
        got = score_packed(gpu.xp, a(cand.grids), a(cand.shapes), a(exp.grids), a(exp.shapes), a(index))
        assert (gpu.to_numpy(got[0]) == want[0]).all() and (gpu.to_numpy(got[1]) == want[1]).all()
        for c, e in ((cand, exp), (flat_of(cand), flat_of(exp))):  # padded and flat transfers
            got = _score_on(gpu, c, e, index)
            assert (got[0] == want[0]).all() and (got[1] == want[1]).all()
        flat = flat_of(cand)
        assert (gpu.to_numpy(pad(gpu.xp, a(flat.cells), a(flat.shapes))) == cand.grids).all()


@pytest.mark.gpu
def test_cupy_score_batch_and_transforms(gpu):
    cand, exp, index = random_packed(300, seed=7)
    cg, eg = unpack(cand.grids, cand.shapes), unpack(exp.grids, exp.shapes)
    exps = [eg[k] for k in index.tolist()]
    run = run_batch(cg, eg, index.tolist(), backend=gpu)
    assert run.backend.is_gpu and (run.exact.tolist(), run.cells.tolist()) == python_scores(cg, exps)
    for name in TRANSFORMS:
        out, shapes = transform(gpu.xp, name, gpu.asarray(cand.grids), gpu.asarray(cand.shapes))
        assert unpack(gpu.to_numpy(out), gpu.to_numpy(shapes)) == [DSL_TRANSFORMS[name](g) for g in cg]


@pytest.mark.gpu
def test_cupy_calibration_gives_a_threshold(gpu, fresh_backend):
    t = dispatch_threshold(gpu)
    assert t == math.inf or t >= 1
    assert (fresh_backend / arrays.CALIBRATION_FILE).exists()
    assert dispatch_backend(0).name == "numpy"


def test_kernel_span_names_the_backend(span_dicts_named):
    with Recorder(variant="t", workload={}) as rec:
        jobs_free = score_batch([((1,),)], [((1,),)])
    assert jobs_free[0].tolist() == [True]
    assert span_dicts_named(rec.to_dict()["tree"], "kernel")[0]["attrs"]["array_backend"] in ("numpy", "cupy")
