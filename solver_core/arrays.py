"""The array backend, chosen at run time: CuPy on a usable CUDA device, NumPy otherwise.

::

    from solver_core.arrays import get_backend

    b = get_backend()            # "auto": CuPy if importable AND a device answers, else NumPy
    xp = b.xp                    # numpy or cupy: the same code runs on both
    ...
    b.synchronize()              # before reading a clock: wall time then includes the kernels
    print(b.label)               # "cupy on NVIDIA H100 80GB HBM3" or "numpy (none: cupy not installed ...)"

Detection never fails: a missing CuPy (`ImportError`), a broken install (any exception on import), no
device or a CUDA runtime error all give NumPy, with the reason recorded in `ArrayBackend.reason`. The
environment variable `PHASEBENCH_ARRAY_BACKEND` (`auto`, `numpy` or `cupy`) overrides the default
preference; asking for `cupy` explicitly when none is usable raises `BackendUnavailable` with the reason.

Detection is lazy and per process (it initialises CUDA, which must not happen before a `fork`): nothing
touches CuPy until the first `get_backend()` call.

Dispatch threshold: GPU work pays only from some batch size on (kernel launches and transfers cost tens
of microseconds each). `calibrate` times a caller's workload on NumPy and on the device for a few sizes
and picks the smallest size from which the device wins at every measured size; the result is cached in
`~/.cache/phasebench/gpu-calibration.json` (or `$PHASEBENCH_CACHE_DIR`), keyed by device name, CuPy version
and the caller's kernel name, and written atomically. Without a device no calibration runs and the
threshold is infinite (always the CPU).
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import numpy as np

BackendName = Literal["numpy", "cupy"]
Prefer = Literal["auto", "numpy", "cupy"]

ENV_BACKEND = "PHASEBENCH_ARRAY_BACKEND"
ENV_CACHE_DIR = "PHASEBENCH_CACHE_DIR"
CALIBRATION_FILE = "gpu-calibration.json"


class BackendUnavailable(RuntimeError):
    """CuPy was asked for explicitly but cannot be used here (the message says why)."""


@dataclass(frozen=True)
class ArrayBackend:
    """An array module with the device it runs on."""

    name: BackendName
    #: the array module: `numpy` or `cupy`
    xp: ModuleType = field(repr=False)
    #: the GPU's name (e.g. "NVIDIA H100 80GB HBM3"), or None on the CPU
    device: str | None
    #: why this backend: "cuda device 0" or, for NumPy, why there is no GPU backend
    reason: str
    #: the array library's version
    version: str

    @property
    def is_gpu(self) -> bool:
        return self.name == "cupy"

    @property
    def label(self) -> str:
        """One line for reports: the backend and its device, or why there is none."""
        return f"cupy on {self.device}" if self.is_gpu else f"numpy (none: {self.reason})"

    def describe(self) -> dict[str, str]:
        """Attributes for a span or a run record: backend name and device (or "none: <reason>")."""
        return {"array_backend": self.name,
                "array_device": self.device if self.device else f"none: {self.reason}"}

    def synchronize(self) -> None:
        """Wait for every kernel queued on the device (no-op on NumPy)."""
        if self.is_gpu:
            self.xp.cuda.get_current_stream().synchronize()

    def asarray(self, a: Any) -> Any:
        """A host array on this backend's device (a copy to the GPU for CuPy)."""
        return self.xp.asarray(a)

    def to_numpy(self, a: Any) -> np.ndarray:
        """A backend array back on the host (a device-to-host copy for CuPy)."""
        return self.xp.asnumpy(a) if self.is_gpu else np.asarray(a)


NUMPY_VERSION = np.__version__


def numpy_backend(reason: str) -> ArrayBackend:
    return ArrayBackend("numpy", np, None, reason, NUMPY_VERSION)


@functools.cache
def probe_cupy() -> tuple[ModuleType | None, str | None, str]:
    """`(cupy, device name, reason)`, or `(None, None, why not)`; never raises, cached per process."""
    try:
        import cupy  # type: ignore[import-not-found]
    except ImportError as exc:
        return None, None, f"cupy not installed ({type(exc).__name__}: {exc})"
    except Exception as exc:  # a broken install can raise anything on import
        return None, None, f"cupy import failed ({type(exc).__name__}: {exc})"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
        if count < 1:
            return None, None, "no CUDA device"
        dev = cupy.cuda.Device()
        props = cupy.cuda.runtime.getDeviceProperties(dev.id)
        name = props["name"]
        name = name.decode() if isinstance(name, bytes) else str(name)
        # a real kernel, so that a missing driver, toolkit or compiler shows here and not mid-run
        if int((cupy.arange(8, dtype=cupy.uint8) == 3).sum().item()) != 1:
            return None, None, "cupy smoke test gave a wrong answer"
    except Exception as exc:  # cudaErrorNoDevice, an insufficient driver, NVRTC missing, ...
        return None, None, f"CUDA unusable ({type(exc).__name__}: {exc})"
    return cupy, name, f"cuda device {dev.id} of {count}"


@functools.cache
def get_backend(prefer: Prefer | None = None) -> ArrayBackend:
    """The array backend for this process (cached).

    `prefer`: "auto" (CuPy when usable, else NumPy), "numpy", or "cupy" (raises `BackendUnavailable`
    when none is usable); None reads `$PHASEBENCH_ARRAY_BACKEND`, default "auto".
    """
    choice = prefer or os.environ.get(ENV_BACKEND, "auto").strip().lower() or "auto"
    if choice not in ("auto", "numpy", "cupy"):
        raise ValueError(f"array backend {choice!r}: choose auto, numpy or cupy")
    if choice == "numpy":
        return numpy_backend("numpy requested" if prefer else f"numpy requested by ${ENV_BACKEND}")
    cupy, device, reason = probe_cupy()
    if cupy is None:
        if choice == "cupy":
            raise BackendUnavailable(f"cupy backend unavailable: {reason}")
        return numpy_backend(reason)
    return ArrayBackend("cupy", cupy, device, reason, str(cupy.__version__))


def reset_backends() -> None:
    """Forget the cached detection (tests, or after changing `$PHASEBENCH_ARRAY_BACKEND`)."""
    get_backend.cache_clear()
    probe_cupy.cache_clear()
    _thresholds.clear()


# --------------------------------------------------------------------------------- calibration
def cache_dir() -> Path:
    """Where calibration results live: `$PHASEBENCH_CACHE_DIR`, else `$XDG_CACHE_HOME/phasebench`."""
    if os.environ.get(ENV_CACHE_DIR):
        return Path(os.environ[ENV_CACHE_DIR])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "phasebench"


@dataclass(frozen=True)
class Calibration:
    """The measured CPU/GPU crossover of one kernel on one device."""

    key: str
    #: smallest batch size sent to the device; `math.inf` = never (no device, or the GPU never won)
    threshold: float
    sizes: tuple[int, ...] = ()
    cpu_s: tuple[float, ...] = ()
    gpu_s: tuple[float, ...] = ()
    #: True when read from the cache file rather than measured now
    cached: bool = False

    def to_json(self) -> dict[str, object]:
        return {"threshold": None if math.isinf(self.threshold) else int(self.threshold),
                "sizes": list(self.sizes), "cpu_s": list(self.cpu_s), "gpu_s": list(self.gpu_s)}

    @classmethod
    def from_json(cls, key: str, d: dict[str, Any]) -> Calibration:
        t = d.get("threshold")
        return cls(key, math.inf if t is None else float(t), tuple(d.get("sizes", ())),
                   tuple(d.get("cpu_s", ())), tuple(d.get("gpu_s", ())), cached=True)


def calibration_key(backend: ArrayBackend, kernel: str) -> str:
    return f"{backend.device}|cupy {backend.version}|{kernel}"


def crossover(sizes: Sequence[int], cpu_s: Sequence[float], gpu_s: Sequence[float]) -> float:
    """The smallest size from which the GPU is faster at every measured size (`inf` if never)."""
    threshold = math.inf
    for n, c, g in sorted(zip(sizes, cpu_s, gpu_s, strict=True), reverse=True):
        if g < c:
            threshold = n
        else:
            break
    return threshold


def best_time(fn: Callable[[], object], sync: Callable[[], None], repeats: int = 5) -> float:
    """Best of `repeats` wall times of `fn()` (device synchronised before each clock reading)."""
    best = math.inf
    for _ in range(repeats):
        sync()
        t0 = time.perf_counter()
        fn()
        sync()
        best = min(best, time.perf_counter() - t0)
    return best


_thresholds: dict[str, Calibration] = {}


def calibrated(backend: ArrayBackend, kernel: str) -> Calibration | None:
    """The calibration of `kernel` on `backend` if this process already has it (no I/O, no measuring)."""
    return _thresholds.get(calibration_key(backend, kernel))


def calibrate(backend: ArrayBackend, kernel: str, measure: Callable[[ArrayBackend, int], float],
              sizes: Sequence[int], *, path: Path | None = None, force: bool = False) -> Calibration:
    """The crossover of `kernel` between NumPy and `backend`, measured once and cached.

    `measure(backend, n)` returns the seconds one batch of `n` takes on that backend (transfers
    included). NumPy backends get an infinite threshold without measuring anything.
    """
    if not backend.is_gpu:
        return Calibration(f"none|{kernel}", math.inf)
    key = calibration_key(backend, kernel)
    if not force and key in _thresholds:
        return _thresholds[key]
    path = path or cache_dir() / CALIBRATION_FILE
    stored = _read_json(path)
    if not force and isinstance(stored.get(key), dict):
        result = Calibration.from_json(key, stored[key])
    else:
        # one process measures at a time (task workers start together and share the device); the others
        # wait, then find its result in the file
        with _exclusive(path.with_name(path.name + ".lock")):
            stored = _read_json(path)
            if not force and isinstance(stored.get(key), dict):
                result = Calibration.from_json(key, stored[key])
            else:
                cpu = numpy_backend("calibration")
                cpu_s = tuple(measure(cpu, n) for n in sizes)
                gpu_s = tuple(measure(backend, n) for n in sizes)
                result = Calibration(key, crossover(sizes, cpu_s, gpu_s), tuple(sizes), cpu_s, gpu_s)
                from solver_core.store import atomic_write_text

                stored[key] = {**result.to_json(), "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
                try:
                    atomic_write_text(path, json.dumps(stored, indent=1, sort_keys=True) + "\n")
                except OSError:
                    pass  # a read-only cache folder: the threshold still holds for this process
    _thresholds[key] = result
    return result


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """An exclusive `flock` on `lock_path` (no lock where that is impossible: the worst case is that
    two processes both calibrate)."""
    try:
        import fcntl

        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(lock_path, "a")  # noqa: SIM115 - closed below
    except (ImportError, OSError):
        yield
        return
    try:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield
    finally:
        fh.close()  # releases the lock


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
