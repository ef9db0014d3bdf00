"""The store in the digest (issue 15): every variant leaves a byte-identical store, the manifest is part of
`result.digest`, and a variant that writes one different byte (or records no digest) is INVALID in
`verify`, `compare` and `report`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.processors.compare import compare_records
from harness.renderers.markdown import render_markdown
from solver_core.generator import GeneratorConfig
from solver_core.pipeline import RunSettings, run_pipeline
from solver_core.store import Store
from solver_core.tasks import get_task
from solver_core.variants import get_variant

#: big enough that pools evict (more than 32 candidates a task): baseline then writes losers it must remove
TINY = GeneratorConfig(parents=12, mutants=3)
THREE = ("007bbfb7", "00d62c1b", "017c7c7b")
VARIANTS = ("baseline", "phase1", "phase2", "phase4", "shared", "fast")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tasks = [get_task(t) for t in THREE]
    out = {}
    for name in VARIANTS:
        settings = RunSettings(get_variant(name), tmp_path_factory.mktemp(name) / "out", generator=TINY)
        out[name] = run_pipeline(tasks, settings, workers=2)
    return out


def test_every_variant_leaves_a_byte_identical_store(runs: dict[str, Any]) -> None:
    base = runs["baseline"]
    files = [e for e in base.manifest if e[1] == "file"]
    assert any(p.startswith("solver_md5/") for p, _, _ in files) and any(k == "link" for _, k, _ in base.manifest)
    for name in VARIANTS[1:]:
        mine = dict(((p, k), w) for p, k, w in runs[name].manifest)
        theirs = dict(((p, k), w) for p, k, w in base.manifest)
        assert mine == theirs, f"{name}: {sorted(set(mine.items()) ^ set(theirs.items()))[:5]}"
        assert runs[name].digest == base.digest


def test_the_manifest_is_in_the_digest_and_the_record(runs: dict[str, Any]) -> None:
    result = runs["baseline"].recorder.result
    assert result["digest"] == runs["baseline"].digest
    assert result["store_digest"] and result["results_digest"]
    assert result["store_entries"] == len(runs["baseline"].manifest)


def test_baseline_leaves_no_orphan_solver_files(runs: dict[str, Any]) -> None:
    linked = set()
    files = set()
    for path, kind, what in runs["baseline"].manifest:
        if kind == "file" and path.startswith("solver_md5/"):
            files.add(Path(path).name)
        if kind == "link" and path.startswith("solver_dir/"):
            linked.add(Path(what).name)
    assert files == linked  # every stored solver is some pool's member


def _one_byte_more(monkeypatch: pytest.MonkeyPatch, folder_name: str) -> None:
    """Variants that run in a folder called `folder_name` write one byte more into the store."""
    original = Store.write_differ_scores

    def write(self: Store, task_id: str, scores: dict[str, dict[str, int]]) -> None:
        original(self, task_id, scores)
        if self.root.name == folder_name:
            path = self.differ_dir(task_id) / "scores.json"
            path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")

    monkeypatch.setattr(Store, "write_differ_scores", write)


def test_one_different_byte_is_invalid_in_verify(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _one_byte_more(monkeypatch, "phase1")
    rc = main(["verify", "--tasks", "1", "--variants", "phase1", "--parents", "4", "--mutants", "2"])
    out = capsys.readouterr().out
    assert rc == 1 and "INVALID: phase1" in out
    assert "differ_dir/007bbfb7/scores.json" in out  # the entry that differs is named


def test_one_different_byte_is_invalid_in_compare(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _one_byte_more(monkeypatch, "odd")
    tasks = [get_task("007bbfb7")]
    records = {}
    for name, folder in (("baseline", "out"), ("phase1", "odd")):
        settings = RunSettings(get_variant(name), tmp_path / name / folder, generator=TINY)
        records[name] = [run_pipeline(tasks, settings).recorder.to_dict()]
    assert records["baseline"][0]["result"]["results_digest"] == records["phase1"][0]["result"]["results_digest"]
    c = compare_records(records)
    assert c.summary["phase1"].invalid and c.verdicts["phase1"].startswith("INVALID")
    assert "phase1 is INVALID" in render_markdown(c)


def test_a_record_without_a_digest_is_invalid_in_compare_and_report(tmp_path: Path) -> None:
    from tests.test_report import BASE_PHASES, _write_run_dir, make_record

    good = [make_record("baseline", BASE_PHASES, k=k) for k in range(3)]
    bare = [make_record("phase1", BASE_PHASES, k=k) for k in range(3)]
    for r in bare:
        del r["result"]["digest"]
    c = compare_records({"baseline": good, "phase1": bare})
    s = c.summary["phase1"]
    assert s.invalid and s.digest_missing and "no result digest" in c.verdicts["phase1"]
    assert "phase1 is INVALID" in render_markdown(c) and "no result digest" in render_markdown(c)
    assert not c.summary["baseline"].invalid
    c2 = compare_records({"baseline": bare, "phase1": good})
    assert c2.summary["baseline"].invalid and c2.summary["phase1"].invalid  # nothing to check against
    run_dir = _write_run_dir(tmp_path / "saved", {"baseline": good, "phase1": bare})
    assert main(["report", str(run_dir), "--no-charts"]) == 1  # the report command says so too
