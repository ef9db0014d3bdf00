"""Whole pipeline runs per variant (group ``end-to-end``).

Run:  pytest bench/bench_end_to_end.py --benchmark-only

Each round is one `run_pipeline` on the workload of ``bench/conftest.py`` in a fresh output folder
(worker pools start and stop inside the round, as in a real run). ``extra_info`` keeps, per round,
the compact span tree (``trees``) and the per-phase times (``phase_samples_ns``), so a saved run keeps
its phase breakdown: ``phasebench report .benchmarks/<machine>/0001_*.json`` rebuilds the report.
"""

from __future__ import annotations

from typing import Any

import pytest
from benchlib import BenchWorkload, bench_rounds, bench_variants, run_end_to_end

ROUNDS = 5


@pytest.mark.parametrize("variant", bench_variants())
def test_pipeline(benchmark: Any, workload: BenchWorkload, scratch: Any, variant: str) -> None:
    info = run_end_to_end(benchmark, workload, scratch, variant, rounds=bench_rounds(ROUNDS))
    samples = info["phase_samples_ns"]
    assert len(samples["total"]) == info["rounds"]
    for phase in ("run_batt", "score_demo", "phase3a_validate", "digest"):
        assert phase in samples, f"no {phase} span in the {variant} run"
