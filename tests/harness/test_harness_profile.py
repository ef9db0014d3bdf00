"""Profile and memory passes: phase frames in pyinstrument's outputs, gap functions, per-span peaks."""

from __future__ import annotations

import json
import time
from pathlib import Path

from pyinstrument.frame import Frame
from pyinstrument.session import Session

from harness import Recorder, call_in_span, memory_pass, profile_pass, render_terminal, span


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def untimed_gap_work() -> None:
    """CPU work inside `check_batt` but in no child span: the profile must name it."""
    end = time.perf_counter() + 0.08
    while time.perf_counter() < end:
        pass


def _seven() -> int:
    _spin(0.01)
    return 7


@span("score")
def score() -> None:
    _spin(0.03)


@span("check_batt")
def check_batt() -> int:
    score()
    untimed_gap_work()
    with span("filter"):  # a with-block: no frame, its time is part of the phase's gap in the profile
        _spin(0.005)
    return call_in_span("inline", _seven)


def program() -> int:
    return check_batt()


def _functions(frame: Frame) -> list[str]:
    out = [frame.function]
    for c in frame.children:
        out.extend(_functions(c))
    return out


def test_profile_pass_phase_frames_files_and_gaps(tmp_path: Path) -> None:
    with Recorder() as rec:
        assert program() == 7
    prof = profile_pass(program, out_dir=tmp_path, interval=0.0005)
    assert prof.result == 7
    assert set(prof.files) == {"session", "html", "speedscope"}
    for name in prof.files.values():
        assert (tmp_path / name).stat().st_size > 0

    session = Session.load(tmp_path / prof.files["session"])
    root = session.root_frame()
    assert root is not None
    functions = set(_functions(root))
    assert {"phase[run]", "phase[check_batt]", "phase[score]", "phase[inline]"} <= functions
    assert "phase[filter]" not in functions  # with-blocks cannot make frames
    speedscope = json.loads((tmp_path / prof.files["speedscope"]).read_text())
    assert "phase[check_batt]" in {f["name"] for f in speedscope["shared"]["frames"]}
    assert "phase[check_batt]" in (tmp_path / prof.files["html"]).read_text()

    gap = prof.gap_for(("run", "check_batt"))
    assert gap is not None and gap.phase_path == ("run", "check_batt")
    assert gap.includes_spans == ("filter",)
    assert gap.top[0].function == "untimed_gap_work"  # the missing time, named
    assert gap.top[0].self_ns >= 50_000_000  # ≥ 50 of its 80 ms (sampling, profiler overhead)
    assert gap.gap_ns >= gap.top[0].self_ns
    score_gap = prof.gap_for(("run", "check_batt", "score"))
    assert score_gap is not None and score_gap.gap_ns >= 15_000_000

    rec.add_pass("profile", prof)
    d = rec.to_dict()
    assert d["passes"]["profile"]["files"]["session"] == "profile.pyisession"
    assert d["passes"]["timing"]["produced"] == ["tree", "process"]
    assert any(g["path"] == ["run", "check_batt"] for g in d["passes"]["profile"]["gaps"])
    text = render_terminal(d)
    assert "profile: untimed_gap_work" in text and "where the unaccounted time went" in text


def test_gap_functions_exclude_nested_phases(tmp_path: Path) -> None:
    @span("outer")
    def outer() -> None:
        inner()
        untimed_gap_work()

    @span("inner")
    def inner() -> None:
        _spin(0.06)

    prof = profile_pass(outer, out_dir=tmp_path, interval=0.0005, name="job")
    gap = prof.gap_for(("job", "outer"))
    inner_gap = prof.gap_for(("job", "outer", "inner"))
    assert gap is not None and inner_gap is not None
    # the gap holds untimed_gap_work's 80 ms of spinning, not inner's 60 ms: outer's time minus inner's
    # (exactly, up to rounding), and no less than most of the 80 ms (load only stretches the spins)
    assert abs(gap.gap_ns - (gap.profile_ns - inner_gap.profile_ns)) <= 2
    assert gap.gap_ns >= 50_000_000 and inner_gap.profile_ns >= 40_000_000
    assert gap.top[0].function == "untimed_gap_work"
    assert "_spin" not in {f.function for f in gap.top}  # inner's work stays inside phase[inner]
    assert inner_gap.top[0].function == "_spin"


def test_memory_pass_peaks() -> None:
    def program() -> int:
        with span("big"):
            block = bytearray(8 * 1024 * 1024)
            del block
        with span("small"):
            small = [0] * 1000
        return len(small)

    mem = memory_pass(program)
    assert mem.result == 1000
    peaks = {tuple(p["path"]): p for p in mem.peaks}
    big, small, root = peaks[("run", "big")], peaks[("run", "small")], peaks[("run",)]
    assert big["growth_bytes"] >= 8 * 1024 * 1024
    assert small["growth_bytes"] < 1024 * 1024
    assert root["peak_bytes"] >= big["peak_bytes"]
    info = mem.to_pass_dict()
    assert info["tool"] == "tracemalloc" and len(info["peaks"]) == 3
    with Recorder() as rec:
        program()
    rec.add_pass("memory", mem)
    assert "peak mem" in render_terminal(rec)


def test_passes_follow_a_recorder_opened_by_the_program(tmp_path: Path) -> None:
    """A pipeline that opens its own Recorder still shows phase frames and gets per-span peaks."""

    def pipeline() -> int:
        with Recorder(name="run", keep_samples=True), span("tasks"):
            return check_batt()

    prof = profile_pass(pipeline, out_dir=tmp_path, interval=0.0005)
    assert prof.result == 7
    gap = prof.gap_for(("run", "tasks", "check_batt"))
    assert gap is not None and gap.top[0].function == "untimed_gap_work"
    assert prof.summary() == prof.to_pass_dict()
    mem = memory_pass(pipeline)
    assert {("run",), ("run", "tasks"), ("run", "tasks", "check_batt")} <= {tuple(p["path"]) for p in mem.peaks}
    # outside passes, nested recorders stay private
    with Recorder() as outer:
        pipeline()
    assert not outer.nested and not outer.tree.children
