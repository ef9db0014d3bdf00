"""The harness's loaders attacked with bad files: `phasebench report` on a compare folder, a run folder or a
pytest-benchmark JSON, and `phasebench gate --against FILE`. A folder named like a file, a FIFO, a link to
/dev/zero, non-UTF-8 bytes, JSON nested 100,000 deep, huge integers, NaN, duplicate keys and wrong shapes
(missing fields, wrong types, a span tree too deep) each end as one clear line naming the file (and the
JSON path where there is one), the command's documented exit code, no traceback, nothing hung, and for
`report` nothing written (no report files, no charts folder)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness import cli
from harness.benchjson import extra_info, records_from_benchmark_json
from harness.gate import GateError, load_saved
from harness.gate.rules import EXIT_USAGE as GATE_EXIT_USAGE
from harness.gate.rules import VERDICT_SCHEMA
from harness.record import build_record, load_compare_meta, load_record
from harness.safe_read import UnsafeRead, read_document

ROOT = Path(__file__).resolve().parents[1]
REPORT_EXIT_USAGE = 3
DEEP = "[" * 100_000 + "]" * 100_000
HUGE_INT = "9" * 5000
VARIANTS = ("baseline", "fast")


# ------------------------------------------------------------------------------ clean material
def _tree(total: int) -> dict[str, Any]:
    child = {"name": "phase_a", "wall_ns": total // 2, "cpu_ns": total // 4, "count": 1, "children": [],
             "samples": [[0, total // 2, "1:MainThread"]]}
    return {"name": "run", "wall_ns": total, "cpu_ns": total // 2, "count": 1, "children": [child]}


def _record(variant: str, total: int) -> dict[str, Any]:
    return dict(build_record(tree=_tree(total), environment={"fingerprint_id": "f1", "python": "3.11"},
                             passes={}, result={"digest": "d" * 64, "tasks": 1}, variant=variant,
                             workload={"task_ids": ["a"], "timeout_s": 5.0}))


def _write(path: Path, value: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value) if not isinstance(value, str) else value, encoding="utf-8")
    return path


def _compare_folder(root: Path) -> Path:
    """A compare folder as `phasebench compare` writes it: compare.json and records/<variant>/round-<k>.json."""
    _write(root / "compare.json", {"schema": "phasebench.compare-run/1", "workload": "arc", "variants": list(VARIANTS),
                                   "baseline": "baseline", "changed_phases": {"baseline": [], "fast": ["phase_a"]},
                                   "summaries": {"baseline": "", "fast": ""}, "warmup": 1, "seed": 0})
    for v, total in zip(VARIANTS, (4_000_000, 2_000_000), strict=True):
        for k in range(3):
            _write(root / "records" / v / f"round-{k}.json", _record(v, total + k))
    return root


def _bench_doc() -> dict[str, Any]:
    info = extra_info("fast", "end-to-end", {"task_ids": ["a"]}, [_tree(1000 + i) for i in range(3)],
                      results=[{"digest": "d" * 64}] * 3)
    return {"machine_info": {"cpu": {}}, "datetime": "2025-01-01T00:00:00+00:00",
            "benchmarks": [{"fullname": "bench::t", "group": None, "extra_info": info}]}


def _report(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(["report", *argv])
    return code, capsys.readouterr().err


def _one_clean_line(err: str, *words: str) -> None:
    assert "Traceback" not in err and err.count("\n") == 1, err
    for word in words:
        assert word in err, (word, err)


def _written(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name in ("report.md", "report.json", "charts"))


# ------------------------------------------------------------------------------ the reader itself
def _fifo(p: Path) -> None:
    os.mkfifo(p)


def _devzero(p: Path) -> None:
    p.symlink_to("/dev/zero")


READER_ATTACKS: list[tuple[str, Callable[[Path], Any], str]] = [
    ("folder", lambda p: p.mkdir(), "is a folder, not a regular file"),
    ("fifo", _fifo, "is a FIFO, not a regular file"),
    ("dev-zero", _devzero, "is a character device"),
    ("missing", lambda p: None, "no such file"),
    ("not-utf8", lambda p: p.write_bytes(b'{"a": "\xff\xfe"}'), "not UTF-8"),
    ("deep", lambda p: p.write_text(DEEP), "nested too deeply"),
    ("huge-int", lambda p: p.write_text(HUGE_INT), "malformed JSON"),
    ("nan", lambda p: p.write_text('{"a": NaN}'), "NaN is not allowed"),
    ("infinity", lambda p: p.write_text('[-Infinity]'), "-Infinity is not allowed"),
    ("overflowing-float", lambda p: p.write_text("[1e400]"), "out of range"),
    ("duplicate-key", lambda p: p.write_text('{"a": 1, "a": 2}'), "'a' appears twice"),
    ("truncated", lambda p: p.write_text('{"a": [1, 2'), "malformed JSON"),
]


@pytest.mark.parametrize("name,make,words", READER_ATTACKS, ids=[a[0] for a in READER_ATTACKS])
def test_the_reader_refuses_every_bad_file_naming_it(tmp_path: Path, name: str, make: Callable[[Path], Any],
                                                      words: str) -> None:
    path = tmp_path / "x.json"
    make(path)
    with pytest.raises(UnsafeRead, match=words) as info:
        read_document(path)
    assert str(path) in str(info.value)


def test_the_reader_refuses_a_file_over_its_limit(tmp_path: Path) -> None:
    path = _write(tmp_path / "big.json", [0] * 1000)
    with pytest.raises(UnsafeRead, match="more than the limit of 100"):
        read_document(path, limit=100)


# ------------------------------------------------------------------------------ phasebench report <folder>
def _round(folder: Path, variant: str = "fast", k: int = 1) -> Path:
    return folder / "records" / variant / f"round-{k}.json"


def _edit(path: Path, change: Callable[[dict[str, Any]], Any]) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


def _replace(path: Path, make: Callable[[Path], Any]) -> None:
    path.unlink()
    make(path)


def _nest(levels: int) -> dict[str, Any]:
    node = {"name": "leaf", "wall_ns": 1, "cpu_ns": 0, "count": 1, "children": []}
    for i in range(levels):
        node = {"name": f"n{i}", "wall_ns": 1, "cpu_ns": 0, "count": 1, "children": [node]}
    return node


def _profile(folder: Path) -> Path:
    rec = _record("fast", 1)
    rec["passes"] = {"profile": {"gaps": [{"path": ["run"], "gap_ns": 5,
                                          "top": [{"function": "f", "location": "x.py:1", "self_ns": "many"}]}]}}
    return _write(folder / "records" / "fast" / "profile" / "run.json", rec)


FOLDER_ATTACKS: list[tuple[str, Callable[[Path], Any], tuple[str, ...]]] = [
    ("round-is-a-folder", lambda f: _replace(_round(f), Path.mkdir), ("round-1.json", "is a folder")),
    ("round-fifo", lambda f: _replace(_round(f), _fifo), ("round-1.json", "is a FIFO")),
    ("round-dev-zero", lambda f: _replace(_round(f), _devzero), ("round-1.json", "character device")),
    ("round-not-utf8", lambda f: _round(f).write_bytes(b"\xff" * 10), ("round-1.json", "not UTF-8")),
    ("round-deep", lambda f: _round(f).write_text(DEEP), ("round-1.json", "nested too deeply")),
    ("round-huge-int", lambda f: _round(f).write_text(_round(f).read_text().replace('"wall_ns": 2000001',
                                                                                    f'"wall_ns": {HUGE_INT}')),
     ("round-1.json", "malformed JSON")),
    ("round-big-int", lambda f: _edit(_round(f), lambda d: d["tree"].update(wall_ns=10**40)),
     ("round-1.json", "tree.wall_ns", "out of range")),
    ("round-nan", lambda f: _round(f).write_text('{"schema": "phasebench.run/1", "x": NaN}'),
     ("round-1.json", "NaN is not allowed")),
    ("round-duplicate-key", lambda f: _round(f).write_text('{"schema": "phasebench.run/1", "schema": "x"}'),
     ("round-1.json", "appears twice")),
    ("round-name", lambda f: _round(f).rename(_round(f).with_name("round-x.json")), ("round-x.json", "round file")),
    ("round-not-a-record", lambda f: _write(_round(f), [1, 2]), ("round-1.json", "expected an object, got a list")),
    ("round-no-tree", lambda f: _edit(_round(f), lambda d: d.pop("tree")), ("round-1.json", "field 'tree' is missing")),
    ("round-wall-str", lambda f: _edit(_round(f), lambda d: d["tree"]["children"][0].update(wall_ns="12")),
     ("round-1.json", "tree.children[0].wall_ns: expected an integer, got '12'")),
    ("round-no-count", lambda f: _edit(_round(f), lambda d: d["tree"]["children"][0].pop("count")),
     ("round-1.json", "tree.children[0]: field 'count' is missing")),
    ("round-children-str", lambda f: _edit(_round(f), lambda d: d["tree"].update(children="x")),
     ("tree.children: expected a list",)),
    ("round-sample-short", lambda f: _edit(_round(f), lambda d: d["tree"]["children"][0].update(samples=[[1, 2]])),
     ("tree.children[0].samples[0]: expected a list of 3 items",)),
    ("round-counters", lambda f: _edit(_round(f), lambda d: d["tree"].update(counters={"n": "x"})),
     ("tree.counters.n: expected an integer",)),
    ("round-too-deep", lambda f: _edit(_round(f), lambda d: d.update(tree=_nest(150))),
     ("round-1.json", "nested more than 100 levels deep")),
    ("round-digest", lambda f: _edit(_round(f), lambda d: d["result"].update(digest=5)),
     ("result.digest: expected a string or null, got 5",)),
    ("round-task-ids", lambda f: _edit(_round(f), lambda d: d["workload"].update(task_ids=3)),
     ("workload.task_ids: expected a list or null, got 3",)),
    ("round-environment-git", lambda f: _edit(_round(f), lambda d: d["environment"].update(git="abc")),
     ("environment.git: expected an object or null",)),
    ("round-schema", lambda f: _edit(_round(f), lambda d: d.update(schema="phasebench.run/9")),
     ("round-1.json", "incompatible")),
    ("compare-deep", lambda f: (f / "compare.json").write_text(DEEP), ("compare.json", "nested too deeply")),
    ("compare-fifo", lambda f: _replace(f / "compare.json", _fifo), ("compare.json", "is a FIFO")),
    ("compare-is-a-folder", lambda f: _replace(f / "compare.json", Path.mkdir), ("compare.json", "is a folder")),
    ("compare-dev-zero", lambda f: _replace(f / "compare.json", _devzero), ("compare.json", "character device")),
    ("compare-list", lambda f: _write(f / "compare.json", []), ("compare.json", "expected an object, got a list")),
    ("compare-variant", lambda f: _edit(f / "compare.json", lambda d: d.update(variants=["baseline", 3])),
     ("compare.json: variants[1]: expected a string, got 3",)),
    ("compare-baseline", lambda f: _edit(f / "compare.json", lambda d: d.update(baseline=["x"])),
     ("compare.json: baseline: expected a string, got a list",)),
    ("compare-changed", lambda f: _edit(f / "compare.json", lambda d: d["changed_phases"].update(fast="phase_a")),
     ("compare.json: changed_phases.fast: expected a list",)),
    ("compare-duration", lambda f: _edit(f / "compare.json", lambda d: d.update(duration_s="long")),
     ("compare.json: duration_s",)),
    ("compare-workload", lambda f: _edit(f / "compare.json", lambda d: d.update(workload=7)),
     ("compare.json: workload: expected a string, got 7",)),
    ("profile-shape", _profile, ("profile/run.json", "passes.profile.gaps[0].top[0].self_ns: expected an integer")),
]


@pytest.fixture(scope="module")
def clean_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _compare_folder(tmp_path_factory.mktemp("clean") / "cmp")


def test_the_clean_folder_reports(clean_folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import shutil

    folder = Path(shutil.copytree(clean_folder, tmp_path / "cmp"))
    code, err = _report(capsys, str(folder), "--no-charts")
    assert code == 0, err
    assert (folder / "report.md").is_file()


@pytest.mark.parametrize("name,attack,words", FOLDER_ATTACKS, ids=[a[0] for a in FOLDER_ATTACKS])
def test_report_refuses_a_bad_compare_folder_with_one_line(clean_folder: Path, capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path, name: str, attack: Callable[[Path], Any],
                                                            words: tuple[str, ...]) -> None:
    import shutil

    folder = Path(shutil.copytree(clean_folder, tmp_path / "cmp", symlinks=True))
    attack(folder)
    code, err = _report(capsys, str(folder))  # charts on: nothing of them may be left behind
    assert code == REPORT_EXIT_USAGE
    _one_clean_line(err, *words)
    assert _written(folder) == []


def test_report_refuses_a_bad_run_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "run"
    _write(folder / "run.json", {"schema": "phasebench.run/1", "tree": {"name": "run"}})
    code, err = _report(capsys, str(folder))
    assert code == REPORT_EXIT_USAGE
    _one_clean_line(err, "run.json", "field 'created' is missing")
    assert _written(folder) == []


# ------------------------------------------------------------------------------ a pytest-benchmark JSON
def _bench_edit(change: Callable[[dict[str, Any]], Any]) -> Callable[[Path], Any]:
    def make(p: Path) -> None:
        doc = _bench_doc()
        change(doc)
        _write(p, doc)
    return make


def _info(doc: dict[str, Any]) -> dict[str, Any]:
    info: dict[str, Any] = doc["benchmarks"][0]["extra_info"]
    return info


BENCH_ATTACKS: list[tuple[str, Callable[[Path], Any], tuple[str, ...]]] = [
    ("fifo", _fifo, ("x.json", "is a FIFO")),
    ("dev-zero", _devzero, ("x.json", "character device")),
    ("deep", lambda p: p.write_text(DEEP), ("x.json", "nested too deeply")),
    ("not-utf8", lambda p: p.write_bytes(b"\xc3\x28"), ("x.json", "not UTF-8")),
    ("no-benchmarks", lambda p: _write(p, {"machine_info": {}}), ("x.json", "'benchmarks' is missing")),
    ("benchmark-not-object", _bench_edit(lambda d: d.update(benchmarks=[3])),
     ("x.json: benchmarks[0]: expected an object, got 3",)),
    ("tree-wall", _bench_edit(lambda d: _info(d)["trees"][1].update(wall_ns="x")),
     ("x.json: benchmarks[0].extra_info.trees[1].wall_ns: expected an integer",)),
    ("samples", _bench_edit(lambda d: _info(d).update(phase_samples_ns={"total": ["x"]})),
     ("benchmarks[0].extra_info.phase_samples_ns.total[0]: expected an integer",)),
    ("variant", _bench_edit(lambda d: _info(d).update(variant=["fast"])),
     ("benchmarks[0].extra_info.variant: expected a string",)),
    ("machine-info", _bench_edit(lambda d: d.update(machine_info="here")), ("x.json: machine_info",)),
    ("datetime", _bench_edit(lambda d: d.update(datetime=5)), ("x.json: datetime",)),
]


def test_the_clean_benchmark_json_reads(tmp_path: Path) -> None:
    records = records_from_benchmark_json(_write(tmp_path / "x.json", _bench_doc()))
    assert len(records["fast"]) == 3


@pytest.mark.parametrize("name,make,words", BENCH_ATTACKS, ids=[a[0] for a in BENCH_ATTACKS])
def test_report_refuses_a_bad_benchmark_json_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                            name: str, make: Callable[[Path], Any],
                                                            words: tuple[str, ...]) -> None:
    path = tmp_path / "x.json"
    make(path)
    code, err = _report(capsys, str(path))
    assert code == REPORT_EXIT_USAGE
    _one_clean_line(err, *words)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.json"]  # no x-report/ folder


# ------------------------------------------------------------------------------ phasebench gate --against
GATE_ATTACKS: list[tuple[str, Callable[[Path], Any], tuple[str, ...]]] = [
    ("fifo", _fifo, ("x.json", "is a FIFO")),
    ("dev-zero", _devzero, ("x.json", "character device")),
    ("deep", lambda p: p.write_text(DEEP), ("x.json", "nested too deeply")),
    ("huge-int", lambda p: p.write_text(HUGE_INT), ("x.json", "malformed JSON")),
    ("not-utf8", lambda p: p.write_bytes(b"\xff"), ("x.json", "not UTF-8")),
    ("missing", lambda p: None, ("x.json", "no such file")),
    ("empty-folder", lambda p: p.mkdir(), ("x.json", "no *.json run records")),
    ("verdict-samples", lambda p: _write(p, {"schema": VERDICT_SCHEMA, "samples": {"fast": {"total": ["x"]}}}),
     ("x.json: samples.fast.total[0]: expected an integer, got 'x'",)),
    ("verdict-samples-list", lambda p: _write(p, {"schema": VERDICT_SCHEMA, "samples": []}),
     ("x.json: samples: expected an object, got a list",)),
    ("record-shape", lambda p: _write(p, {**_record("fast", 10), "tree": {"name": "run", "wall_ns": 1}}),
     ("x.json: tree: field 'cpu_ns' is missing",)),
    ("bench-shape", _bench_edit(lambda d: _info(d)["trees"][0].update(children=[{"name": 3}])),
     ("x.json: benchmarks[0].extra_info.trees[0].children[0]",)),
]


@pytest.mark.parametrize("name,make,words", GATE_ATTACKS, ids=[a[0] for a in GATE_ATTACKS])
def test_load_saved_refuses_bad_files_naming_file_and_path(tmp_path: Path, name: str, make: Callable[[Path], Any],
                                                           words: tuple[str, ...]) -> None:
    path = tmp_path / "x.json"
    make(path)
    with pytest.raises(GateError) as info:
        load_saved(path)
    for word in words:
        assert word in str(info.value)


def test_load_saved_refuses_a_bad_record_in_a_folder(tmp_path: Path) -> None:
    _write(tmp_path / "a" / "run.json", _record("fast", 10))
    _write(tmp_path / "b" / "run.json", {**_record("fast", 10), "result": {"digest": 3}})
    with pytest.raises(GateError, match=r"b/run.json: result.digest: expected a string or null, got 3"):
        load_saved(tmp_path)


@pytest.mark.parametrize("name,make,words", [GATE_ATTACKS[0], GATE_ATTACKS[2], GATE_ATTACKS[7]],
                         ids=["fifo", "deep", "verdict-samples"])
def test_gate_against_a_bad_file_exits_with_the_usage_code(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                           name: str, make: Callable[[Path], Any],
                                                           words: tuple[str, ...]) -> None:
    path = tmp_path / "x.json"
    make(path)
    code = cli.main(["gate", "--against", str(path), "--config", str(ROOT / "pyproject.toml"),
                     "--out", str(tmp_path / "gate"), "--quiet"])
    err = capsys.readouterr().err
    assert code == GATE_EXIT_USAGE
    assert "Traceback" not in err
    line = next(x for x in err.splitlines() if "error" in x)
    for word in words:
        assert word in line


# ------------------------------------------------------------------------------ loaders directly
def test_load_record_and_compare_meta_name_file_and_path(tmp_path: Path) -> None:
    folder = _compare_folder(tmp_path / "cmp")
    assert load_record(_round(folder)).data["variant"] == "fast"
    assert load_compare_meta(folder / "compare.json")["variants"] == list(VARIANTS)
    _edit(folder / "compare.json", lambda d: d["summaries"].update({"odd key": 3}))
    with pytest.raises(ValueError, match=r'compare.json: summaries\["odd key"\]: expected a string, got 3'):
        load_compare_meta(folder / "compare.json")
