"""Environment fingerprint of a run: what must match before two timings can be compared.

Nothing here may fail a run: every probe is guarded and reports ``None`` when it cannot tell.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

#: Fields of the fingerprint that decide whether timings are comparable (hashed into `fingerprint_id`).
COMPARABLE_FIELDS = ("python", "implementation", "system", "machine", "cpu_model", "cpu_count")


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(("model name", "Model", "cpu model", "Hardware")):
                    return line.split(":", 1)[1].strip() or None
    except OSError:
        pass
    return platform.processor() or None


def _memory_bytes() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


def _version(*dists: str) -> str | None:
    import importlib.metadata

    for dist in dists:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def _cupy_dist() -> str | None:
    import importlib.metadata

    for dist in ("cupy", "cupy-cuda12x", "cupy-cuda11x", "cupy-cuda13x"):
        try:
            importlib.metadata.version(dist)
            return dist
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def _gpu_name(cupy_installed: bool) -> str | None:
    """GPU 0's name from nvidia-smi, else via CuPy if installed and a device is present; None otherwise.

    nvidia-smi first: asking CuPy initialises CUDA in this process, after which a child it forks
    cannot use the GPU (the harness starts worker processes after capturing the environment)."""
    name = _smi_gpu_name()
    if name is not None or not cupy_installed:
        return name
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() > 0:
            raw = cupy.cuda.runtime.getDeviceProperties(0)["name"]
            return raw.decode() if isinstance(raw, bytes) else str(raw)
    except Exception:  # noqa: BLE001 - any CUDA/driver failure means "no GPU"
        pass
    return None


def _smi_gpu_name() -> str | None:
    """GPU 0's name as nvidia-smi reports it; None without nvidia-smi or a GPU."""
    smi = shutil.which("nvidia-smi")
    if smi:
        try:
            out = subprocess.run(
                [smi, "--query-gpu=name", "--format=csv,noheader"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            first = out.stdout.strip().splitlines()
            if out.returncode == 0 and first:
                return first[0].strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return None


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def git_state(repo_dir: str | Path | None = None) -> dict[str, Any]:
    """``{"commit", "dirty", "untracked"}`` of the repository at `repo_dir` (cwd, then this package's).

    ``dirty`` means tracked files differ from the commit; ``untracked`` counts files git does not know.
    All values are None where git or a repository is missing.
    """
    candidates = [Path(repo_dir)] if repo_dir is not None else [Path.cwd(), Path(__file__).resolve().parent]
    for cwd in candidates:
        commit = _git(["rev-parse", "HEAD"], cwd)
        if commit is None:
            continue
        status = _git(["status", "--porcelain", "--untracked-files=normal"], cwd) or ""
        lines = [ln for ln in status.splitlines() if ln.strip()]
        untracked = sum(1 for ln in lines if ln.startswith("??"))
        return {
            "commit": commit.strip(),
            "dirty": len(lines) - untracked > 0,
            "untracked": untracked,
        }
    return {"commit": None, "dirty": None, "untracked": None}


def fingerprint_id(env: dict[str, Any]) -> str:
    """Stable short hash of the fields in `COMPARABLE_FIELDS`: equal ids → comparable machines."""
    key = {k: env.get(k) for k in COMPARABLE_FIELDS}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:12]


def capture_environment(repo_dir: str | Path | None = None, *, probe_gpu: bool = True) -> dict[str, Any]:
    """The environment fingerprint dict stored in every run record (see SCHEMA.md)."""
    try:
        affinity: int | None = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        affinity = None
    cupy_dist = _cupy_dist()
    env: dict[str, Any] = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "system": platform.system(),
        "release": platform.release(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": affinity,
        "memory_bytes": _memory_bytes(),
        "numpy": _version("numpy"),
        "cupy": _version(cupy_dist) if cupy_dist else None,
        "gpu": _gpu_name(cupy_dist is not None) if probe_gpu else None,
        "git": git_state(repo_dir),
    }
    env["fingerprint_id"] = fingerprint_id(env)
    return env


__all__ = ["COMPARABLE_FIELDS", "capture_environment", "fingerprint_id", "git_state"]
