"""The allow-list parser attacked: code hidden where `def` evaluates it (annotations, defaults,
decorators), anything that is not straight-line DSL, sources built to crash Python's parser (deep,
huge, not UTF-8). Each is a `ProgramFormatError` naming the source and, where there is one, the line;
never a RecursionError, a MemoryError or code that runs. Poisoned inline-cache shards are checked the
same way: an entry that is not its program's canonical source is rebuilt, never trusted."""

from __future__ import annotations

import json
import logging
import os
import signal

import pytest

from solver_core.pipeline.inline import InlineCache, canonical_source, canonical_text, expand
from solver_core.program import MAX_SOURCE_CHARS, Program, ProgramFormatError, Step, parse_function
from solver_core.solvers import library_programs

OK_BODY = "    x1 = vmirror(I)\n    return x1\n"
SIDE_EFFECT = "__import__('os').system('touch /tmp/phasebench-pwned')"


def _deep(prefix: str, unit: str, n: int, suffix: str = "") -> str:
    return f"def solve(S, I):\n    x1 = {prefix}{unit * n}{suffix}\n    return x1\n"


ATTACKS: dict[str, tuple[str | bytes, str]] = {
    # code that `def` itself would run
    "param-annotation": (f"def solve(S, I: {SIDE_EFFECT}):\n{OK_BODY}", "annotation"),
    "return-annotation": (f"def solve(S, I) -> {SIDE_EFFECT}:\n{OK_BODY}", "annotation"),
    "annotation-call": ("def solve(S, I: Grid()):\n" + OK_BODY, "annotation"),
    "annotation-attribute": ("def solve(S, I: os.system):\n" + OK_BODY, "annotation"),
    "annotation-unknown-name": ("def solve(S, I: Evil):\n" + OK_BODY, "annotation"),
    "annotation-string": ("def solve(S, I: 'Grid'):\n" + OK_BODY, "annotation"),
    "annotation-subscript": ("def solve(S, I: Grid[print('x')]):\n" + OK_BODY, "annotation"),
    "annotation-lambda": ("def solve(S, I: (lambda: 1)()):\n" + OK_BODY, "annotation"),
    "default": (f"def solve(S, I={SIDE_EFFECT}):\n{OK_BODY}", "plain positional"),
    "kwonly-default": (f"def solve(S, *, I={SIDE_EFFECT}):\n{OK_BODY}", "plain positional"),
    "posonly": ("def solve(S, /, I):\n" + OK_BODY, "plain positional"),
    "varargs": ("def solve(*I):\n" + OK_BODY, "plain positional"),
    "kwargs": ("def solve(S, I, **C):\n" + OK_BODY, "plain positional"),
    "decorator": (f"@{SIDE_EFFECT}\ndef solve(S, I):\n{OK_BODY}", "decorators"),
    "async": ("async def solve(S, I):\n" + OK_BODY, "exactly one function"),
    "class": ("class solve:\n    x = 1\n", "exactly one function"),
    "two-functions": (f"def solve(S, I):\n{OK_BODY}def g(I):\n{OK_BODY}", "exactly one function"),
    "module-code-first": (f"{SIDE_EFFECT}\ndef solve(S, I):\n{OK_BODY}", "exactly one function"),
    "import": ("import os\n", "exactly one function"),
    # inside the body
    "nested-def": ("def solve(S, I):\n    def g():\n        pass\n" + OK_BODY, "expected `name = primitive"),
    "global": ("def solve(S, I):\n    global x\n" + OK_BODY, "expected `name = primitive"),
    "walrus-arg": ("def solve(S, I):\n    x1 = vmirror((y := I))\n    return x1\n", "not a bare name"),
    "starred-arg": ("def solve(S, I):\n    x1 = vmirror(*I)\n    return x1\n", "not a bare name"),
    "attribute-call": ("def solve(S, I):\n    x1 = os.system(I)\n    return x1\n", "not a DSL primitive name"),
    "builtin-call": ("def solve(S, I):\n    x1 = exec(I)\n    return x1\n", "not a DSL primitive"),
    "dunder-arg": ("def solve(S, I):\n    x1 = vmirror(__builtins__)\n    return x1\n", "not an earlier variable"),
    "subscript-target": ("def solve(S, I):\n    I[0] = vmirror(I)\n    return I\n", "expected `name = primitive"),
    "tuple-target": ("def solve(S, I):\n    a, b = vmirror(I)\n    return a\n", "expected `name = primitive"),
    "augmented": ("def solve(S, I):\n    x1 = vmirror(I)\n    x1 += x1\n    return x1\n", "expected `name"),
    "annotated-assign": ("def solve(S, I):\n    x1: int = vmirror(I)\n    return x1\n", "expected `name"),
    "fstring-arg": ("def solve(S, I):\n    x1 = vmirror(f'{I}')\n    return x1\n", "not a bare name"),
    "docstring-then-code": ('def solve(S, I):\n    "doc"\n    "more"\n' + OK_BODY, "expected `name"),
    "return-call": ("def solve(S, I):\n    return vmirror(I)\n", "must end with `return <variable>`"),
    "try": ("def solve(S, I):\n    try:\n        x1 = vmirror(I)\n    finally:\n        pass\n    return x1\n",
            "expected `name"),
    "with": ("def solve(S, I):\n    with I:\n        pass\n" + OK_BODY, "expected `name"),
    "dunder-function": ("def __init__(S, I):\n" + OK_BODY, "dunder"),
    "shadow-primitive": ("def solve(S, I):\n    vmirror = hmirror(I)\n    return vmirror\n", "reserved"),
    # built to crash Python's parser, or to be too big
    "unary-100k": (_deep("", "-", 100_000, "I"), "too deeply nested"),
    "not-40k": (_deep("", "not ", 40_000, "I"), "too deeply nested"),
    "lambda-20k": (_deep("", "lambda: ", 20_000, "I"), "too deeply nested"),
    "binop-90k": (_deep("I", "+I", 90_000), "too deeply nested"),
    "attribute-90k": (_deep("I", ".a", 90_000), "too deeply nested"),
    "calls-90k": (_deep("I", "()", 90_000), "too deeply nested"),
    "subscripts-60k": (_deep("I", "[0]", 60_000), "too deeply nested"),
    "unary-in-an-argument-100k": (_deep("vmirror(", "-", 100_000, "I)"), "too deeply nested"),
    "parens-300": (_deep("(" * 300, "I", 1, ")" * 300), "not valid Python"),
    "lists-300": (_deep("[" * 300, "", 1, "]" * 300), "not valid Python"),
    "binop-900": (_deep("I", "+I", 900), "DSL call"),
    "call-args-900": (_deep("vmirror(", "vmirror(" * 150, 1, "I" + ")" * 151), "not a bare name"),
    "unary-1M": (_deep("", "-", 1_000_000, "I"), "more than"),
    "too-long": ("def solve(S, I):\n" + "    x1 = vmirror(I)\n" * (MAX_SOURCE_CHARS // 16) + "    return x1\n",
                 "more than"),
    "too-long-bytes": (b"#" * (5 * MAX_SOURCE_CHARS), "more than"),
    "not-utf8": (b"def solve(S, I):\n    x1 = vmirror(I)\n    return x1\n# \xff\xfe\n", "not UTF-8"),
    "latin1-name": ("def solve(S, I):\n    x\xe9 = vmirror(I)\n    return x\xe9\n".encode("latin-1"), "not UTF-8"),
    "nul": ("def solve(S, I):\n    x1 = vmirror(I)\x00\n    return x1\n", "NUL"),
    "syntax": ("def solve(S, I)\n", "not valid Python"),
}


@pytest.fixture(autouse=True)
def no_side_effect():
    marker = "/tmp/phasebench-pwned"
    if os.path.exists(marker):
        os.unlink(marker)
    yield
    assert not os.path.exists(marker)


@pytest.mark.parametrize("label", list(ATTACKS))
def test_every_parser_attack_is_refused_with_source_and_line(label):
    source, word = ATTACKS[label]
    with pytest.raises(ProgramFormatError) as info:
        parse_function(source, where="stored.py")
    message = str(info.value)
    assert message.startswith("stored.py")
    assert word in message, message
    assert len(message) < 300
    if "more than" not in word:
        assert info.value.line is not None


def test_dsl_type_annotations_stay_allowed():
    name, params, program = parse_function("def solve(S: Samples, I: Grid) -> Grid:\n" + OK_BODY, where="x")
    assert (name, params, program) == ("solve", ("S", "I"), Program((Step("vmirror", ("I",)),)))


def test_what_the_parser_accepts_runs_no_code_when_defined():
    """A refused annotation would have run at `def` time; an accepted one only names a type."""
    source = "def solve(S, I: Grid) -> Grid:\n" + OK_BODY
    parse_function(source, where="x")
    namespace = {"Grid": object}
    exec(compile(source, "x", "exec"), namespace)  # defining it evaluates only the bare name
    assert callable(namespace["solve"])


# ---------------------------------------------------------------------------- the inline cache
def _programs():
    return [p for p in list(library_programs().values())[:12]]


def _poisoned_shard(folder, programs, value):
    from solver_core.pipeline.inline import md5_text
    from solver_core.program import render

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "zz-poison.json").write_text(json.dumps({md5_text(render(p)): value for p in programs}))


def test_a_poisoned_cache_shard_is_rebuilt_not_trusted(tmp_path, caplog):
    programs = [p for p in _programs() if canonical_text(p) == canonical_source(p)]
    _poisoned_shard(tmp_path, programs, "def solve(S, I):\n    return vmirror(I)\n")
    cache = InlineCache(tmp_path)
    with caplog.at_level(logging.WARNING):
        got = [cache.canonical(p) for p in programs]
    assert got == [canonical_source(p) for p in programs]
    assert cache.rebuilt == len(programs) and cache.hits == 0
    assert "rebuilt" in caplog.text


def test_the_poisoned_cache_of_the_issue_leaves_the_digest_unchanged(tmp_path, task_007, small_config):
    from solver_core.pipeline import RunSettings, run_pipeline
    from solver_core.variants import get_variant

    clean = run_pipeline([task_007], RunSettings(get_variant("phase1"), tmp_path / "clean", generator=small_config))
    poisoned = tmp_path / "poisoned"
    cache = poisoned / "cache" / "inline"
    cache.mkdir(parents=True)
    entries = json.loads(next((tmp_path / "clean" / "cache" / "inline").glob("*.json")).read_text())
    (cache / "0-poison.json").write_text(json.dumps({k: "def solve(S, I):\n    return vmirror(I)\n" for k in entries}))
    again = run_pipeline([task_007], RunSettings(get_variant("phase1"), poisoned, generator=small_config))
    assert again.digest == clean.digest


@pytest.mark.parametrize("kind", ["fifo", "link", "deep", "list", "not-json", "huge-int", "folder", "bad-keys"])
def test_a_bad_cache_shard_is_skipped_and_never_blocks(tmp_path, outside_file, kind):
    shard = tmp_path / "bad.json"
    if kind == "fifo":
        os.mkfifo(shard)
    elif kind == "link":
        os.symlink(outside_file, shard)
    elif kind == "folder":
        shard.mkdir()
    else:
        shard.write_text({"deep": "[" * 100_000, "list": "[1, 2]", "not-json": "{x", "huge-int": "9" * 5000,
                          "bad-keys": json.dumps({"../x": "y", "a" * 32: 5})}[kind])
    program = _programs()[0]
    previous = signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("blocked")))
    signal.alarm(20)
    try:
        cache = InlineCache(tmp_path)
        assert cache.canonical(program) == canonical_source(program)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert cache.misses == 1


@pytest.fixture
def outside_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("outside") / "shard.json"
    path.write_text("{}")
    return path


def test_expand_of_a_deep_canonical_source_is_a_clean_error():
    deep = "def solve(S, I):\n    return " + "vmirror(" * 100_000 + "I" + ")" * 100_000 + "\n"
    with pytest.raises((ProgramFormatError, ValueError)):
        expand(deep)
