"""The phased evaluation pipeline (see `task.py` for the phases and `run.py` for a whole run)."""

from __future__ import annotations

from solver_core.pipeline.run import PipelineResult, result_digest, run_digest, run_pipeline, save_run
from solver_core.pipeline.task import RunSettings, TaskResult

__all__ = ["PipelineResult", "RunSettings", "TaskResult", "result_digest", "run_digest", "run_pipeline", "save_run"]
