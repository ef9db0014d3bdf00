"""The CPU ratio of two variants measured from outside, interleaved: `phasebench run` of each variant in
turn, every round, each in a fresh folder (all deleted at the end), CPU = user + system of the whole
process tree (`os.wait4`, as `/usr/bin/time` counts it), start-up included (issue 17's measure).

    python bench/cpu_ratio.py --tasks 20 --rounds 4                 # fast against baseline
    python bench/cpu_ratio.py --tasks 40 --rounds 2 --variants fast # one variant: candidates per CPU-second
    python bench/cpu_ratio.py --work /dev/shm                       # outputs in RAM: the disk out of the measure

Prints every run (user, sys, wall, peak RSS, digest) and, for two variants, the per-round ratio and its
median. The order inside a round alternates, so that a drift of machine speed hits both sides. Not a
pytest benchmark (no tests in it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scaling import Point, measure  # noqa: E402  (a script beside it, not a package)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python bench/cpu_ratio.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--tasks", type=int, default=20, help="the first N training tasks by id")
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--variants", default="baseline,fast", help="one variant, or two: reference,new")
    p.add_argument("--parents", type=int, default=32)
    p.add_argument("--mutants", type=int, default=8)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--work", type=Path, default=None,
                   help="where the runs' outputs go (default: the system's temporary folder; /dev/shm keeps the "
                        "disk out of the measure)")
    args = p.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    if not 1 <= len(variants) <= 2 or args.rounds < 1 or args.tasks < 1:
        p.error("--variants: one or two names; --rounds and --tasks: at least 1")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    runs: dict[str, list[Point]] = {v: [] for v in variants}
    from solver_core.variants import VARIANTS

    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        p.error(f"--variants: unknown variant(s) {', '.join(unknown)}: choose from {', '.join(VARIANTS)}")
    if args.work is not None and not args.work.is_dir():
        p.error(f"--work {args.work}: not a folder")
    with tempfile.TemporaryDirectory(prefix="cpu-ratio-", dir=args.work) as work:
        for r in range(args.rounds):
            for v in variants if r % 2 == 0 else variants[::-1]:
                pt = measure(v, args.tasks, args.parents, args.mutants, args.workers, "ratio", Path(work))
                runs[v].append(pt)
                print(f"round {r} {v:<10} cpu {pt.cpu_s:7.2f} s (user {pt.user_s:.2f}, sys {pt.sys_s:.2f})  "
                      f"wall {pt.wall_s:6.2f} s  rss {pt.max_rss_kb / 1024:5.0f} MB  "
                      f"{pt.candidates / pt.cpu_s:7.0f} candidates/CPU-s  digest {pt.digest[:16]}", flush=True)
        started = time.perf_counter()
    print(f"(outputs deleted in {time.perf_counter() - started:.1f} s) load average at end: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    digests = {pt.digest for pts in runs.values() for pt in pts}
    print("digests:", "all equal" if len(digests) == 1 else f"DIFFER: {sorted(digests)}")
    for v, pts in runs.items():
        print(f"{v}: median CPU {statistics.median(pt.cpu_s for pt in pts):.2f} s")
    if len(variants) == 2:
        ref, new = variants
        ratios = [b.cpu_s / a.cpu_s for a, b in zip(runs[ref], runs[new], strict=True)]
        print(f"{new}/{ref} CPU per round: {' '.join(f'{x:.3f}' for x in ratios)}; "
              f"median {statistics.median(ratios):.3f}")
    return 0 if len(digests) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
