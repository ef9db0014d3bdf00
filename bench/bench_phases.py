"""Each pipeline phase on its own, per variant (group ``phase: <name>``).

Run:  pytest bench/bench_phases.py --benchmark-only

A round runs the phase once per task of the workload (see ``bench/conftest.py``) on inputs prepared
by one earlier pass through the phases, with a fresh output folder and inline cache (setup, not
timed), under a `Recorder`: ``extra_info["phase_samples_ns"]`` holds the phase's time per round and
that of its sub-spans (``run_batch``, ``differs``, ...). Variants whose strategy for a phase is the
same still differ in the candidates they feed it (the early filter drops some), so every variant is
benchmarked for every phase except ``generate``, which no variant changes.
"""

from __future__ import annotations

from typing import Any

import pytest
from benchlib import PhaseBench, bench_rounds, phase_params

PHASES = ("score_demo", "score_test", "phase1_filter", "phase2_inline", "phase3a_validate", "phase3b_file_ops",
          "phase4_differs")
ROUNDS = 5


def test_generate(benchmark: Any, phase_bench: PhaseBench) -> None:
    info = phase_bench.run(benchmark, "generate", "baseline", rounds=bench_rounds(ROUNDS))
    assert all(v > 0 for v in info["phase_samples_ns"]["generate"])


@pytest.mark.parametrize(("phase", "variant"), phase_params(PHASES))
def test_phase(benchmark: Any, phase_bench: PhaseBench, phase: str, variant: str) -> None:
    info = phase_bench.run(benchmark, phase, variant, rounds=bench_rounds(ROUNDS))
    samples = info["phase_samples_ns"][phase]
    assert len(samples) == info["rounds"] and all(v > 0 for v in samples)
