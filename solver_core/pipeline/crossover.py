"""Batch scoring on the CPU against the GPU across batch sizes: the measurement behind `reports/gpu/`.

`python -m solver_core.pipeline.crossover --crossover reports/gpu/` times batch scoring
(`solver_core.pipeline.batch_scoring`) from tuple grids on NumPy (and CuPy when usable) for each batch
size, next to pure Python one grid at a time, and writes `crossover.json` and `crossover.png`; with
`--pipeline-tasks N` it also measures the real batch sizes of the first N tasks' batches.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from solver_core.arrays import best_time, get_backend, numpy_backend
from solver_core.pipeline.batch_scoring import (
    _json_threshold,
    _score_on,
    dispatch_threshold,
    flat_of,
    flatten,
    match_samples,
    pack,
    random_packed,
    score_batch,
    unpack,
)
from solver_core.pipeline.evaluate import Failure
from solver_core.pipeline.score import SampleScores
from solver_core.types import Grid

BENCH_SIZES = (1, 10, 100, 1_000, 10_000, 100_000)


def _python_scores(cands: Sequence[Grid], exps: Sequence[Grid]) -> None:
    from solver_core.pipeline.score import cell_permille

    for g, e in zip(cands, exps, strict=True):
        _ = g == e
        cell_permille(e, g)


def measure_crossover(sizes: Sequence[int] = BENCH_SIZES, budget_s: float = 0.3) -> dict[str, Any]:
    """Per size: seconds per batch for pure Python, packing, NumPy (and CuPy) comparison, end to end."""
    gpu = get_backend()
    cpu = numpy_backend("crossover benchmark")
    rows = []
    for n in sizes:
        cand, exp, index = random_packed(n, seed=n)
        exp_grids = unpack(exp.grids, exp.shapes)
        cand_grids = unpack(cand.grids, cand.shapes)
        exps = [exp_grids[k] for k in index.tolist()]
        repeats = max(3, min(50, int(budget_s / max(1e-6, 3e-6 * n))))
        row: dict[str, Any] = {"n": n, "repeats": repeats}
        nothing = cpu.synchronize
        row["python_s"] = best_time(partial(_python_scores, cand_grids, exps), nothing, repeats)
        row["pack_s"] = best_time(partial(pack, cand_grids), nothing, repeats)
        row["flatten_s"] = best_time(partial(flatten, cand_grids), nothing, repeats)
        row["numpy_kernel_s"] = best_time(partial(_score_on, cpu, cand, exp, index), nothing, repeats)
        row["numpy_total_s"] = best_time(partial(score_batch, cand_grids, exps, backend=cpu), nothing, repeats)
        if gpu.is_gpu:
            _score_on(gpu, cand, exp, index)  # compile the kernels outside the timings
            row["gpu_kernel_padded_s"] = best_time(partial(_score_on, gpu, cand, exp, index), gpu.synchronize,
                                                   repeats)
            fc, fe = flat_of(cand), flat_of(exp)
            _score_on(gpu, fc, fe, index)
            row["gpu_kernel_s"] = best_time(partial(_score_on, gpu, fc, fe, index), gpu.synchronize, repeats)
            row["gpu_total_s"] = best_time(partial(score_batch, cand_grids, exps, backend=gpu), gpu.synchronize,
                                           repeats)
        rows.append(row)
    result: dict[str, Any] = {
        "what": "seconds per batch (best of `repeats`) scoring n candidates against their expected grids; "
                "synthetic grids (64 expected grids of 2..24 per side, ~170 cells; candidates of the "
                "expected shape with 5% of cells redrawn). python_s: score.py one grid at a time; "
                "pack_s: tuples -> padded uint8 [N,30,30] (the NumPy path's host work); "
                "flatten_s: tuples -> cells only (the GPU path's host work); "
                "numpy_kernel_s: compare padded host arrays; gpu_kernel_s: cells to the device, pad there, "
                "compare, results back (synchronised); gpu_kernel_padded_s: the same sending padded arrays; "
                "*_total_s: score_batch from tuple grids (host work included)",
        "device": gpu.device,
        "backend": gpu.label,
        "numpy": cpu.version,
        "cupy": gpu.version if gpu.is_gpu else None,
        "rows": rows,
    }
    if gpu.is_gpu:
        kernel_cross = _crossover_of(rows, "numpy_kernel_s", "gpu_kernel_s")
        result["crossover_kernel_n"] = None if math.isinf(kernel_cross) else kernel_cross
        result["threshold_calibrated"] = _json_threshold(dispatch_threshold(gpu))
    else:
        result["crossover_kernel_n"] = None
        result["no_gpu_reason"] = gpu.reason
    return result


def measure_pipeline(n_tasks: int, dataset: str = "arc1-train", seed: int = 0) -> dict[str, Any]:
    """Real batch sizes and match times: the first `n_tasks` tasks' batches (default generator) run on
    every sample (shared DAG), then, per task and phase, the Python match (`finish_sample`'s) against
    `match_samples` (NumPy: no GPU is used here), both on the same outcomes after all samples ran."""
    from statistics import median

    from solver_core.generator import GeneratorConfig, generate_batch
    from solver_core.pipeline.score import _run_shared, cell_permille, sample_jobs
    from solver_core.solvers import library_programs
    from solver_core.tasks import load_dataset

    cpu = numpy_backend("pipeline measurement")
    per_phase: dict[str, dict[str, list[int]]] = {k: {"outcomes": [], "grids": [], "packed": []}
                                                  for k in ("demo", "test")}
    python_s = array_s = 0.0
    for task in load_dataset(dataset)[:n_tasks]:
        batch = generate_batch(task.id, library_programs(), seed, GeneratorConfig())
        for kind in ("demo", "test"):
            jobs = sample_jobs(task, batch, kind, "shared", True, 5.0, match="array")
            samples = [SampleScores(kind, j.index, _run_shared(j, {"I": j.pair.input, "S": j.demo}), frozenset(),
                                    {}, {}) for j in jobs]
            t0 = time.perf_counter()
            for j, smp in zip(jobs, samples, strict=True):
                e = j.pair.output
                frozenset(t for t, g in smp.outcomes.items() if g == e)
                if kind == "demo":
                    {t: cell_permille(e, g) for t, g in smp.outcomes.items()}  # noqa: B018
            t1 = time.perf_counter()
            match_samples(jobs, samples, backend=cpu)
            t2 = time.perf_counter()
            python_s += t1 - t0
            array_s += t2 - t1
            grids = [(g, j.pair.output) for j, smp in zip(jobs, samples, strict=True) for g in smp.outcomes.values()
                     if type(g) is not Failure]
            stats = per_phase[kind]
            stats["outcomes"].append(sum(len(smp.outcomes) for smp in samples))
            stats["grids"].append(len(grids))
            stats["packed"].append(sum(len(g) == len(e) and len(g[0]) == len(e[0]) for g, e in grids))  # type: ignore[arg-type, index]
    summary = {kind: {k: {"median": median(v), "max": max(v), "sum": sum(v)} for k, v in d.items()}
               for kind, d in per_phase.items()}
    return {"dataset": dataset, "tasks": n_tasks, "seed": seed, "per_task_phase": summary,
            "all_tasks": {k: summary["demo"][k]["sum"] + summary["test"][k]["sum"]
                          for k in ("outcomes", "grids", "packed")},
            "match_python_s": python_s, "match_numpy_s": array_s}


def _crossover_of(rows: Sequence[dict[str, Any]], cpu_key: str, gpu_key: str) -> float:
    from solver_core.arrays import crossover

    return crossover([r["n"] for r in rows], [r[cpu_key] for r in rows], [r[gpu_key] for r in rows])


def write_crossover(out_dir: Path, data: dict[str, Any]) -> tuple[Path, Path]:
    """`crossover.json` and a log-log chart `crossover.png` (time per grid against batch size)."""
    import json

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from solver_core.store import atomic_write_text

    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "crossover.json"
    atomic_write_text(json_path, json.dumps(data, indent=1) + "\n")
    rows = data["rows"]
    ns = [r["n"] for r in rows]
    fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=90)
    series = [("python_s", "Python, one grid at a time (score.py)", "k:"),
              ("pack_s", "host: tuples -> padded uint8 [N,30,30]", "C2--"),
              ("flatten_s", "host: tuples -> cells only (GPU path)", "C8--"),
              ("numpy_kernel_s", "NumPy comparison (packed)", "C0-o"),
              ("numpy_total_s", "NumPy end to end (packing included)", "C0--s"),
              ("gpu_kernel_s", "CuPy comparison (cells sent, padded on device)", "C3-o"),
              ("gpu_kernel_padded_s", "CuPy comparison (padded arrays sent)", "C1-^"),
              ("gpu_total_s", "CuPy end to end (packing included)", "C3--s")]
    for key, label, style in series:
        if all(key in r for r in rows):
            ax.plot(ns, [r[key] * 1e6 / r["n"] for r in rows], style, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("batch size N (grids)")
    ax.set_ylabel("time per grid (µs)")
    where = data["device"] or "no GPU: " + str(data.get("no_gpu_reason", "")).split(" (")[0]
    ax.set_title(f"Batch scoring from tuple grids, CPU vs GPU ({where})", fontsize=9)
    top = ax.get_ylim()[1]
    cross = data.get("crossover_kernel_n")
    if cross:
        ax.axvline(cross, color="C3", alpha=0.4)
        ax.annotate(f" GPU comparison wins from N={cross}", (cross, top), fontsize=7, va="top", color="C3")
    pipe = data.get("pipeline")
    if pipe:  # where the real pipeline's batches fall
        marks = [(pipe["per_task_phase"]["demo"]["packed"]["median"], "one task's demo batch (median)"),
                 (pipe["all_tasks"]["packed"], f"all {pipe['tasks']} tasks in one batch")]
        for x, label in marks:
            ax.axvline(x, color="grey", ls="-.", alpha=0.6)
            ax.annotate(f"{label}: {int(x):,} grids ", (x, top), xytext=(-2, 0), textcoords="offset points",
                        fontsize=7, va="top", ha="right", rotation=90, color="grey")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    png_path = out_dir / "crossover.png"
    tmp = out_dir / ".crossover.tmp.png"
    fig.savefig(tmp)
    plt.close(fig)
    tmp.replace(png_path)
    return json_path, png_path


def main(argv: Sequence[str] | None = None) -> int:
    import json

    p = argparse.ArgumentParser(prog="python -m solver_core.pipeline.crossover",
                                description="batch scoring CPU vs GPU across batch sizes: chart + JSON")
    p.add_argument("--crossover", type=Path, metavar="DIR", required=True, help="output folder")
    p.add_argument("--replot", action="store_true", help="only redraw the chart from DIR/crossover.json")
    p.add_argument("--sizes", default=",".join(map(str, BENCH_SIZES)), help="comma-separated batch sizes")
    p.add_argument("--budget", type=float, default=0.3, help="rough seconds per measurement")
    p.add_argument("--pipeline-tasks", type=int, default=0, metavar="N",
                   help="also measure the real batch sizes (and Python vs NumPy match times) of the first N "
                        "arc1-train tasks (400: all; ~0.6 s per task)")
    args = p.parse_args(argv)
    if args.replot:
        _, png_path = write_crossover(args.crossover, json.loads((args.crossover / "crossover.json").read_text()))
        print(f"wrote {png_path}")
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    data = measure_crossover(sizes, args.budget)
    if args.pipeline_tasks:
        data["pipeline"] = measure_pipeline(args.pipeline_tasks)
    json_path, png_path = write_crossover(args.crossover, data)
    for r in data["rows"]:
        cols = "  ".join(f"{k}={v * 1e6 / r['n']:.3g}µs/grid" for k, v in r.items() if k.endswith("_s"))
        print(f"N={r['n']:>7}  {cols}")
    if "pipeline" in data:
        print("pipeline:", json.dumps(data["pipeline"]))
    print(f"backend: {data['backend']}; wrote {json_path} and {png_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
