"""Workloads: the pipelines `phasebench compare`, `report` and `gate` measure.

A workload names its variants, adds its options to a command line, describes what to run from those
options (a `Spec`), and runs one variant into a `Recorder` whose ``result["digest"]`` says what the run
computed (variants of one workload must agree on it). It may add subcommands of its own. The harness
never imports a workload: it finds them through the entry-point group ``phasebench.workloads``
(``name = "module:attr"``, attr a `Workload` subclass or instance), or by a ``module:attr`` given
as ``--workload``. The ARC pipeline is the workload ``arc`` (`solver_core.workload`), the default.

A minimal workload::

    class Sorting(Workload):
        name = "sorting"

        def variants(self):
            return {"baseline": "sorted()", "fast": "list.sort in place"}

        def run(self, spec, variant, work_dir, progress=None):
            with Recorder(variant=variant, workload=spec.description) as rec:
                with span("sort"):
                    out = sort(variant, data)
            rec.result["digest"] = sha256(out)
            return rec
"""

from __future__ import annotations

import argparse
import importlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, ClassVar

from harness.recorder import Recorder

#: The entry-point group workloads are declared in
#: (``pyproject.toml``: ``[project.entry-points."phasebench.workloads"]``).
ENTRY_POINT_GROUP = "phasebench.workloads"
#: The workload `compare`, `report` and `gate` use when ``--workload`` is not given.
DEFAULT_WORKLOAD = "arc"


class UsageError(ValueError):
    """Bad command-line input; the CLI shows the message as is and exits 3."""


Progress = Callable[[str], None]


@dataclass(frozen=True)
class Command:
    """A `phasebench` subcommand: its options (`configure`) and the function that runs it."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Spec:
    """A described workload: what every run of every variant measures."""

    #: JSON-ready description (the gate's verdict and summary show it)
    description: dict[str, Any] = field(default_factory=dict)
    #: ids of the units of work (tasks): the progress bar's size, ``task_ids`` in ``compare.json``
    ids: tuple[str, ...] = ()
    #: run settings recorded in ``compare.json``
    settings: dict[str, Any] = field(default_factory=dict)
    #: worker processes a run uses (None: the workload's default)
    workers: int | None = None
    #: the workload's own data (tasks, settings objects); never looked at by the harness
    data: Any = None


class Workload:
    """Base class of a workload; subclasses implement `variants` and `run` (the rest is optional)."""

    #: the name ``--workload`` selects it by (the entry point's name)
    name: ClassVar[str] = ""
    #: one line for ``--help``
    summary: ClassVar[str] = ""
    #: the reference variant of comparisons
    baseline: ClassVar[str] = "baseline"
    #: compared when ``--variants`` is not given (empty: every variant)
    default_variants: ClassVar[tuple[str, ...]] = ()
    #: keys of ``[tool.phasebench.gate]`` that describe the workload (passed to `describe` as `configured`)
    config_keys: ClassVar[frozenset[str]] = frozenset()

    def variants(self) -> Mapping[str, str]:
        """``{name: one-line summary}`` of every variant, in display order."""
        raise NotImplementedError

    def run(self, spec: Spec, variant: str, work_dir: Path, progress: Progress | None = None) -> Recorder:
        """Run `variant` on `spec` with scratch output in `work_dir`; a finished `Recorder` whose
        ``result["digest"]`` identifies what was computed. `progress(unit_id)` after each unit of work."""
        raise NotImplementedError

    def add_options(self, parser: argparse.ArgumentParser, command: str) -> None:
        """Add the workload's options to `command`'s parser (``compare`` or ``gate``)."""

    def describe(self, args: argparse.Namespace, command: str, configured: Mapping[str, Any] | None = None) -> Spec:
        """The `Spec` from the parsed options (for the gate: over `configured`, the config's workload keys);
        raise `UsageError` for bad values."""
        return Spec(description=dict(configured or {}))

    def changed_phases(self, variant: str, reference: str) -> tuple[str, ...]:
        """Phases whose strategy `variant` changes against `reference` (the report's Amdahl prediction)."""
        return ()

    def parallel_phases(self, variant: str) -> tuple[str, ...]:
        """Phases whose work `variant` spreads over workers."""
        return ()

    def usage_errors(self) -> tuple[type[Exception], ...]:
        """Exception types that are the user's mistakes (a bad task file...): shown without a traceback, exit 3."""
        return ()

    def commands(self) -> Sequence[Command]:
        """Subcommands the workload adds to `phasebench`."""
        return ()

    def check_variants(self, names: Iterable[str]) -> list[str]:
        """`names` stripped, or ``UsageError`` naming unknown or repeated ones and the choices."""
        known = self.variants()
        out = [n.strip() for n in names if n.strip()]
        if not out:
            raise UsageError("no variants given")
        unknown = [n for n in out if n not in known]
        if unknown:
            raise UsageError(f"unknown variant(s) {', '.join(map(repr, unknown))}: choose from {', '.join(known)}")
        dupes = sorted({n for n in out if out.count(n) > 1})
        if dupes:
            raise UsageError(f"variant(s) listed twice: {', '.join(dupes)}")
        return out


def _instance(obj: Any, source: str) -> Workload:
    workload = obj() if isinstance(obj, type) else obj
    if not isinstance(workload, Workload):
        raise UsageError(f"{source} is not a phasebench Workload (a subclass or instance of harness.workload.Workload)")
    return workload


def installed_workloads() -> dict[str, Callable[[], Any]]:
    """``{name: loader}`` of the workloads declared in the entry-point group (nothing imported yet)."""
    return {ep.name: ep.load for ep in entry_points(group=ENTRY_POINT_GROUP)}


def load_workload(name: str | None = None) -> Workload:
    """The workload called `name` (default ``arc``) in the entry-point group, or ``module:attr``."""
    name = name or DEFAULT_WORKLOAD
    if ":" in name:
        module, _, attr = name.partition(":")
        try:
            obj = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise UsageError(f"--workload {name}: cannot load it: {exc}") from None
        return _instance(obj, name)
    found = installed_workloads()
    if name not in found:
        choices = ", ".join(sorted(found)) or "none installed"
        raise UsageError(f"unknown workload {name!r}: choose from {choices}, or give module:attr")
    return _instance(found[name](), f"workload {name!r}")


def default_out(label: str) -> Path:
    """``reports/<date>-<label>/`` (a new folder name for every run)."""
    return Path("reports") / f"{time.strftime('%Y%m%d-%H%M%S')}-{label}"


__all__ = ["DEFAULT_WORKLOAD", "ENTRY_POINT_GROUP", "Command", "Progress", "Spec", "UsageError", "Workload",
           "default_out", "installed_workloads", "load_workload"]
