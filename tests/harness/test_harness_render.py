"""Processors (pure functions) and renderers."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

from harness import JSONRenderer, Recorder, TerminalRenderer, load_record, render_terminal, span
from harness.clock import ManualClock
from harness.processors import (
    UNACCOUNTED,
    add_unaccounted,
    derive,
    efficiency,
    is_significant,
    root_gap,
    self_time,
)
from harness.renderers import fmt_ns

MS = 1_000_000


def _node(name: str, wall: int, children: list[dict[str, Any]] | None = None, **kw: Any) -> dict[str, Any]:
    return {"name": name, "wall_ns": wall, "cpu_ns": wall // 2, "count": 1, "children": children or [], **kw}


TREE = _node(
    "run",
    100 * MS,
    [
        _node("a", 60 * MS, [_node("a1", 50 * MS)]),
        _node(
            "pool",
            30 * MS,
            [_node("w", 55 * MS, remote=True)],
            concurrent=True,
            concurrency="workers",
            busy_ns=55 * MS,
            workers=2,
            busy_cpu_ns=20 * MS,
        ),
    ],
)


def test_processors_are_pure_and_idempotent() -> None:
    original = copy.deepcopy(TREE)
    once = add_unaccounted(TREE)
    assert TREE == original
    assert add_unaccounted(once) == once  # existing rows are recomputed, not duplicated
    run_gap = once["children"][-1]
    assert run_gap["name"] == UNACCOUNTED and run_gap["wall_ns"] == 10 * MS and run_gap["cpu_ns"] == 5 * MS
    a_gap = once["children"][0]["children"][-1]
    assert a_gap["wall_ns"] == 10 * MS and a_gap["significant"]
    pool = once["children"][1]
    assert all(c["name"] != UNACCOUNTED for c in pool["children"])  # no sequential gap for concurrent nodes
    st = self_time(TREE)
    assert st["self_ns"] == 10 * MS and st["children"][1]["self_ns"] is None
    eff = efficiency(TREE)["children"][1]
    assert abs(eff["efficiency"] - 55 / 60) < 1e-9 and abs(eff["cpu_efficiency"] - 20 / 60) < 1e-9
    assert TREE == original


def test_significance_rule() -> None:
    assert is_significant(1 * MS, 10_000 * MS)  # ≥ 1 ms
    assert is_significant(10_000, 1 * MS)  # ≥ 1% of the parent
    assert not is_significant(5_000, 1 * MS)
    assert is_significant(-1, 1 * MS)  # negative gaps are always shown


def test_root_gap() -> None:
    record = {"tree": TREE, "process": {"lifetime_ns": 150 * MS, "cpu_ns": 120 * MS, "start_source": "x"}}
    gap = root_gap(record)
    assert gap is not None
    assert gap["outside_root_ns"] == 50 * MS and gap["outside_root_cpu_ns"] == 70 * MS
    assert abs(gap["outside_root_share"] - 1 / 3) < 1e-9
    assert root_gap({"tree": TREE}) is None


def test_terminal_renderer(tmp_path: Path) -> None:
    clock = ManualClock()  # exact times: the root's own gap is 0, however loaded the machine
    with Recorder(variant="baseline", wall_clock=clock.wall, cpu_read=clock.cpu) as rec:
        with span("check_batt", candidates_in=149):
            with span("score"):
                clock.sleep(5 * MS)
            clock.spin(20 * MS)
            with span("tiny"):
                pass
    text = TerminalRenderer(width=150).render(rec)
    lines = text.splitlines()
    assert lines[0].startswith("run") and "variant=baseline" in lines[0]

    def row(name: str) -> int:
        return next(i for i, ln in enumerate(lines) if f"─ {name} " in ln)

    assert row("check_batt") < row("score") < row("tiny") < row(UNACCOUNTED)  # execution order, gap last
    gap_line = next(ln for ln in lines if UNACCOUNTED in ln)
    assert "%" in gap_line
    for header in ("wall", "cpu", "self", "% parent", "count"):
        assert header in text
    assert "candidates_in=149" in text
    assert "process:" not in text  # injected clocks: no process section (it is on the real clocks)
    with Recorder() as real, span("a"):
        time.sleep(0.001)
    assert "process:" in render_terminal(real)
    assert "\x1b[" not in text  # plain unless asked
    assert "\x1b[" in render_terminal(rec, color=True)
    # the root's own gap is tiny: hidden unless show_all
    assert text.count(UNACCOUNTED) == 1
    assert render_terminal(rec, show_all=True).count(UNACCOUNTED) == 2
    # renders saved records the same way
    path = rec.save(tmp_path / "run.json")
    assert render_terminal(load_record(path)) == render_terminal(json.loads(path.read_text()))


def test_terminal_renderer_flags_and_concurrency() -> None:
    bad = _node(
        "run",
        10 * MS,
        [
            _node("check_solver_speed", 7000 * MS),
            _node("validate", 1 * MS, concurrent=True, concurrency="workers", busy_ns=5 * MS, workers=2),
        ],
    )
    record = {"name": "fake", "tree": bad, "passes": {}}
    text = render_terminal(record, width=200)
    assert "⚠" in text and "consistency issue" in text
    assert "run: children's wall" in text and "run/validate: busy" in text
    assert "busy 5.00 ms · 2 workers · eff 250%" in text
    good = {"name": "ok", "tree": TREE, "passes": {}}
    text = render_terminal(good, width=200)
    assert "Σ 55.0 ms" in text and "⇉" in text and "⚠" not in text


def test_json_renderer_and_fmt() -> None:
    with Recorder() as rec, span("a"):
        pass
    d = json.loads(JSONRenderer().render(rec))
    assert d["tree"]["children"][0]["name"] == "a"
    assert derive(d["tree"]) == d["tree"]
    assert fmt_ns(812) == "812 ns" and fmt_ns(12_300) == "12.3 µs" and fmt_ns(1_234_000_000) == "1.23 s"
    assert fmt_ns(None) == "–" and fmt_ns(250 * MS) == "250 ms"


def test_terminal_renderer_fits_narrow_consoles() -> None:
    record = {"name": "narrow", "tree": TREE, "passes": {}}
    text = render_terminal(record, width=80)
    assert max(len(line) for line in text.splitlines()) <= 80
    for value in ("100 ms", "60.0 ms", "Σ 55.0 ms", "60.0%"):  # wall and share columns always kept
        assert value in text
    assert "⇉ run/pool: busy 55.0 ms · 2 workers · eff 92% · cpu 33%" in text  # listed below the table
    wide = render_terminal(record, width=200)
    assert "⇉ run/pool:" not in wide and "busy 55.0 ms · 2 workers" in wide
