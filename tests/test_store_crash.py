"""The store under SIGKILL and under concurrent runs: no partial file, pools within their bound."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from solver_core.program import parse_function
from solver_core.store import POOL_SIZE

RUN = """
import sys
from pathlib import Path
from solver_core.generator import GeneratorConfig
from solver_core.pipeline import RunSettings, run_pipeline
from solver_core.tasks import load_dataset
from solver_core.variants import get_variant
tasks = load_dataset("arc1-train")[:int(sys.argv[3])]
settings = RunSettings(get_variant(sys.argv[2]), Path(sys.argv[1]), seed=int(sys.argv[4]),
                       generator=GeneratorConfig(parents=16, mutants=4))
print(run_pipeline(tasks, settings).digest)
"""


def _start(out: Path, variant: str = "baseline", tasks: int = 3, seed: int = 0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", RUN, str(out), variant, str(tasks), str(seed)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def check_store(out: Path) -> dict[str, int]:
    """Every stored file is complete, every link resolves, each pool file matches its links."""
    counts = {"solvers": 0, "links": 0, "pools": 0}
    for path in (out / "solver_md5").glob("[!.]*.py"):  # temporaries (.tmp-*) are not store files
        parse_function(path.read_text(), where=str(path))  # a partial file would not parse
        counts["solvers"] += 1
    for pool_file in (out / "solver_dir").glob("*/pool.json"):
        entries = json.loads(pool_file.read_text())
        assert len(entries) <= POOL_SIZE
        linked = list(pool_file.parent.rglob("[!.]*.py"))
        assert {p.name.removesuffix(".py") for p in linked} == {e["md5"] for e in entries}, pool_file
        for link in linked:
            assert link.is_symlink() and not os.readlink(link).startswith("/")
            assert link.resolve().is_file(), link
            counts["links"] += 1
        counts["pools"] += 1
    return counts


def test_sigkill_in_phase3b_leaves_no_partial_file_and_the_next_run_completes(tmp_path):
    out = tmp_path / "store"
    proc = _start(out)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # phase3b_file_ops is the first phase to write solver_md5/
        if (out / "solver_md5").exists() and any((out / "solver_md5").iterdir()):
            break
        time.sleep(0.002)
    else:
        proc.kill()
        raise AssertionError("phase3b_file_ops never started")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    check_store(out)  # whatever was written is whole
    rerun = _start(out)
    stdout, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, stderr
    counts = check_store(out)
    assert counts["pools"] == 3 and counts["links"] > 0
    leftovers = [p for p in out.rglob(".tmp-*")]
    assert leftovers == [], leftovers


def test_two_runs_writing_one_store_at_once_end_consistent(tmp_path):
    out = tmp_path / "store"
    first, second = _start(out, "baseline", seed=1), _start(out, "fast", seed=2)
    for proc in (first, second):
        _, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
    counts = check_store(out)
    assert counts["pools"] == 3
    assert list(out.rglob(".tmp-*")) == []
