"""Write a comparison report: ``report.md``, ``report.json`` and ``charts/*.png|svg`` in one folder."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPORT_MD = "report.md"
REPORT_JSON = "report.json"
CHARTS_DIR = "charts"


def _write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_report(
    comparison: Any,
    out_dir: str | Path,
    *,
    charts: bool = True,
    dpi: int = 100,
    profile_links: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Path]:
    """Render `comparison` (a `Comparison` or its dict) into `out_dir`; returns the written files by kind.

    Keys: ``markdown``, ``json`` and ``chart:<name>.<format>`` for each chart.
    """
    from harness.renderers.markdown import MarkdownRenderer

    out = Path(out_dir)
    data = comparison.to_dict() if hasattr(comparison, "to_dict") else dict(comparison)
    files: dict[str, Path] = {}
    chart_links: dict[str, dict[str, str]] = {}
    chart_dir = out / CHARTS_DIR
    for stale in chart_dir.glob("*.*") if chart_dir.is_dir() else ():
        if stale.suffix in (".png", ".svg"):
            stale.unlink()
    if charts:
        from harness.renderers.charts import render_charts

        for name, by_fmt in render_charts(data, chart_dir, dpi=dpi).items():
            for fmt, path in by_fmt.items():
                files[f"chart:{name}.{fmt}"] = path
                chart_links.setdefault(name, {})[fmt] = path.relative_to(out).as_posix()
    data = {**data, "charts": chart_links, "profile_files": dict(profile_links or {})}
    files["json"] = _write_text(out / REPORT_JSON,
                                json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n")
    md = MarkdownRenderer(charts=chart_links, profile_links=profile_links).render_dict(data)
    files["markdown"] = _write_text(out / REPORT_MD, md)
    return files


def step_summary(comparison: Any) -> str:
    """The report as markdown for ``$GITHUB_STEP_SUMMARY`` (charts listed, not embedded)."""
    from harness.renderers.markdown import MarkdownRenderer

    data = comparison.to_dict() if hasattr(comparison, "to_dict") else dict(comparison)
    return MarkdownRenderer(charts=data.get("charts") or {}, images=False).render_dict(data)


def append_step_summary(markdown: str, path: str | os.PathLike[str] | None = None) -> Path | None:
    """Append `markdown` to `path` (default: ``$GITHUB_STEP_SUMMARY``); None when there is nowhere to write."""
    target = path or os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    p = Path(target)
    with p.open("a", encoding="utf-8") as f:
        f.write(markdown)
        if not markdown.endswith("\n"):
            f.write("\n")
    return p


__all__ = ["CHARTS_DIR", "REPORT_JSON", "REPORT_MD", "append_step_summary", "step_summary", "write_report"]
