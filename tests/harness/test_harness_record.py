"""Run records: sections, schema validation, save / load round trips, environment fingerprint."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness import SCHEMA, Recorder, SpanNode, load_record, span
from harness.environment import COMPARABLE_FIELDS, capture_environment, fingerprint_id, git_state
from harness.processors import walk
from harness.record import LoadedRecord, validate_record


def _program() -> Recorder:
    with Recorder(variant="baseline", workload={"tasks": ["007bbfb7"], "samples": 6}) as rec:
        with span("phase1_filter", candidates_in=149) as s:
            s.set(candidates_out=32)
            s.add("duplicates", 117)
        with span("phase2_inline"):
            time.sleep(0.002)
    rec.result["digest"] = "abc123"
    rec.meta["note"] = "test"
    return rec


def test_record_sections_and_node_fields() -> None:
    rec = _program()
    d = rec.to_dict()
    assert d["schema"] == SCHEMA == "phasebench.run/1"
    for key in ("created", "environment", "variant", "workload", "passes", "tree", "result"):
        assert key in d
    assert d["result"]["digest"] == "abc123"  # public contract: run.json["result"]["digest"]
    assert d["variant"] == "baseline" and d["workload"]["samples"] == 6
    assert d["passes"]["timing"]["produced"] == ["tree", "process"]
    assert d["process"]["lifetime_ns"] >= d["tree"]["wall_ns"]
    for _, node in walk(d["tree"]):
        for field in ("name", "wall_ns", "cpu_ns", "count", "children"):
            assert field in node
    names = [c["name"] for c in d["tree"]["children"]]
    assert names == ["phase1_filter", "phase2_inline", "(unaccounted)"]
    json.dumps(d, allow_nan=False)  # strict JSON
    validate_record(d)


def test_save_load_round_trip(tmp_path: Path) -> None:
    rec = _program()
    path = rec.save(tmp_path / "run" / "run.json")
    assert path.exists() and [p.name for p in path.parent.iterdir()] == ["run.json"]  # no temp files left
    loaded = Recorder.load(path)
    assert isinstance(loaded, LoadedRecord)
    assert loaded.to_dict() == json.loads(path.read_text())
    assert loaded.to_dict() == rec.to_dict()
    assert loaded.result["digest"] == "abc123"
    assert loaded.tree.children["phase1_filter"].counters == {"duplicates": 117}
    # the loaded tree re-exports the raw recorded tree exactly
    assert loaded.tree.to_dict() == rec.tree.to_dict()
    assert load_record(path).to_dict() == loaded.to_dict()


def test_round_trip_of_concurrent_and_sampled_trees() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from harness import traced

    def task(i: int) -> int:
        with span("w"):
            return i

    with ThreadPoolExecutor(2) as pool, Recorder(keep_samples=True) as rec:
        with span("pool") as s:
            for f in [pool.submit(traced(task), i) for i in range(3)]:
                s.merge(f.result())
        with span("declared", workers=4), span("x"):
            pass
    raw = rec.tree.to_dict()
    assert SpanNode.from_dict(raw).to_dict() == raw
    assert SpanNode.from_dict(rec.to_dict()["tree"]).to_dict() == raw  # derived rows are dropped


_names = st.sampled_from(["a", "b", "c"])
_program_tree = st.recursive(
    st.just([]),
    lambda kids: st.lists(st.tuples(_names, st.integers(1, 3), kids), max_size=3),
    max_leaves=12,
)


def _run(tree: list[Any]) -> None:
    for name, reps, kids in tree:
        for _ in range(reps):
            with span(name) as s:
                s.add("n")
                _run(kids)


@settings(max_examples=40, deadline=None)
@given(_program_tree)
def test_round_trip_property(tree: list[Any]) -> None:
    with Recorder() as rec:
        _run(tree)
    raw = rec.tree.to_dict()
    assert SpanNode.from_dict(raw).to_dict() == raw
    record = rec.to_dict()
    assert LoadedRecord.from_dict(json.loads(json.dumps(record))).to_dict() == record


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(schema="phasebench.run/2"), "field 'schema'.*incompatible"),
        (lambda d: d.update(schema="something/1"), "field 'schema'.*not a phasebench run record"),
        (lambda d: d.pop("tree"), "field 'tree' is missing"),
        (lambda d: d["tree"]["children"][0].update(wall_ns="12"), r"tree\.children\[0\]\.wall_ns: expected an integer"),
        (lambda d: d["tree"]["children"][1].pop("count"), r"tree\.children\[1\]: field 'count' is missing"),
        (lambda d: d.update(result=[]), "result: expected an object, got a list"),
    ],
)
def test_bad_records_name_file_and_field(tmp_path: Path, mutate: Any, message: str) -> None:
    d = _program().to_dict()
    mutate(d)
    path = _write(tmp_path, d)
    with pytest.raises(ValueError, match=message) as info:
        load_record(path)
    assert str(path) in str(info.value)


def test_invalid_json_names_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "{not json")
    with pytest.raises(ValueError, match="bad.json: malformed JSON"):
        Recorder.load(path)


def test_environment_fingerprint(tmp_path: Path) -> None:
    env = capture_environment()
    for key in (
        "python",
        "platform",
        "machine",
        "cpu_model",
        "cpu_count",
        "memory_bytes",
        "numpy",
        "cupy",
        "gpu",
        "git",
        "fingerprint_id",
    ):
        assert key in env
    assert env["numpy"] and env["cpu_count"] >= 1
    assert set(env["git"]) == {"commit", "dirty", "untracked"}
    assert fingerprint_id(env) == env["fingerprint_id"] == fingerprint_id(dict(env, release="other"))
    assert fingerprint_id(env) != fingerprint_id(dict(env, cpu_count=999))
    assert set(COMPARABLE_FIELDS) <= set(env)
    assert git_state(tmp_path) == {"commit": None, "dirty": None, "untracked": None}  # not a repository


def test_to_dict_while_active_and_json_ready_attrs() -> None:
    import numpy as np

    with Recorder() as rec:
        with span("a", n=np.int64(3), shape=(30, 30), colours={2, 1}, arr=np.arange(3)) as s:
            s.set(ratio=float("nan"))
            inner = rec.to_dict()  # a snapshot of an open run is still a valid record
    validate_record(inner)
    assert inner["tree"]["children"][0]["open"] == 1
    attrs = rec.to_dict()["tree"]["children"][0]["attrs"]
    assert attrs == {"n": 3, "shape": [30, 30], "colours": [1, 2], "arr": [0, 1, 2], "ratio": "nan"}
