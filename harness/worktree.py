"""Build a git REF in a temporary worktree and run its `phasebench` without the working tree leaking in.

::

    with checkout("HEAD~1") as base:
        subprocess.run(base.command("run", "--task", "007bbfb7", "--out", out), env=base.env(), check=True)

`checkout` runs ``git worktree add --detach <tmp> REF`` and removes the worktree afterwards, also when
the body raises or Ctrl-C interrupts it. The REF's code runs from its own files by import path, not
by installing it: ``PYTHONPATH=<worktree>`` (this process's own ``PYTHONPATH`` is dropped), the
worktree as the current directory, and a ``python -c`` bootstrap that removes the repository's root
(where an editable install's ``.pth`` points) from ``sys.path`` before it imports the REF's entry
point. Why not ``pip install --no-deps --target``: it needs the build backend (hatchling) at hand
offline, copies and builds on every gate run, and the environment's editable ``.pth`` would still put
the working tree on ``sys.path``; the import path runs exactly the commit's files at no cost.
What still reaches the working tree: a child process that the REF's code starts with a fresh
interpreter (loky's workers) gets the editable ``.pth`` entry back, *after* the worktree on its path,
so it can only import a top-level module that the REF lacks and the working tree has.

The entry point is the REF's own ``[project.scripts] phasebench`` in its ``pyproject.toml`` (the
module layout may differ from HEAD's: ``solver_core.cli:main`` before, ``harness.cli:main`` after).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCRIPT = "phasebench"


class WorktreeError(RuntimeError):
    """No git repository, an unknown REF, uncommitted changes where refused, or no entry point."""


class WorktreeFailure(WorktreeError):
    """git itself failed (not installed, `git status` or `git worktree add` failed): not the caller's mistake."""


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)


def repo_root(path: Path) -> Path:
    """The top folder of the git working tree containing `path`."""
    if not path.exists():
        raise WorktreeError(f"{path} does not exist")
    if shutil.which("git") is None:
        raise WorktreeFailure("git is not installed: apt-get install git")
    done = _git(path, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise WorktreeError(f"{path} is not inside a git repository ({done.stderr.strip()})")
    return Path(done.stdout.strip())


def resolve_ref(repo: Path, ref: str) -> str:
    """The full commit id of `ref` (a branch, tag, ``HEAD~1``, a hash...)."""
    if not ref or ref.startswith("-"):
        raise WorktreeError(f"not a git revision: {ref!r}")
    done = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if done.returncode != 0:
        shallow = _git(repo, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"
        hint = ("this is a shallow clone: fetch the history first (`git fetch --deepen=1` for HEAD~1)" if shallow
                else "try `git log --oneline` for one that exists")
        raise WorktreeError(f"unknown git revision {ref!r} in {repo} ({hint})")
    return done.stdout.strip()


def dirty_paths(repo: Path) -> list[str]:
    """Tracked files with uncommitted changes (``git status --porcelain``, untracked files left out)."""
    done = _git(repo, "status", "--porcelain", "--untracked-files=no")
    if done.returncode != 0:
        raise WorktreeFailure(f"git status failed in {repo}: {done.stderr.strip()}")
    return [line[3:] for line in done.stdout.splitlines() if line.strip()]


def read_entry_point(root: Path, script: str = SCRIPT) -> str:
    """``module:function`` of `script` in ``<root>/pyproject.toml``'s ``[project.scripts]``."""
    path = root / "pyproject.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorktreeError(f"{path} is missing: cannot find the {script!r} entry point") from None
    except tomllib.TOMLDecodeError as exc:
        raise WorktreeError(f"{path} is not valid TOML: {exc}") from None
    entry = data.get("project", {}).get("scripts", {}).get(script)
    if not isinstance(entry, str) or ":" not in entry:
        raise WorktreeError(f"{path} declares no [project.scripts] {script} = \"module:function\"")
    return entry.strip()


def bootstrap_code(root: Path, entry_point: str, exclude: Sequence[Path]) -> str:
    """``python -c`` code: drop `exclude` from ``sys.path``, put `root` first, call the entry point."""
    module, _, attr = entry_point.partition(":")
    return "\n".join([
        "import importlib, os, sys",
        f"_drop = {sorted({os.path.realpath(p) for p in exclude})!r}",
        "sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.curdir) not in _drop]",
        f"sys.path.insert(0, {str(root)!r})",
        f"_fn = importlib.import_module({module!r})",
        f"for _name in {attr.split('.')!r}:",
        "    _fn = getattr(_fn, _name)",
        f"sys.argv[0] = {SCRIPT!r}",
        "sys.exit(_fn())",
    ])


@dataclass(frozen=True)
class Checkout:
    """A REF checked out in a temporary worktree: how to run its `phasebench`."""

    ref: str
    commit: str
    root: Path
    entry_point: str
    repo: Path

    def command(self, *args: str, python: str | None = None) -> list[str]:
        """The argv that runs the REF's ``phasebench *args`` (run it with :meth:`env` and ``cwd=root``)."""
        code = bootstrap_code(self.root, self.entry_point, [self.repo])
        return [python or sys.executable, "-c", code, *args]

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """`base` (default: this process's environment) with ``PYTHONPATH`` set to the worktree alone."""
        env = dict(os.environ if base is None else base)
        env["PYTHONPATH"] = str(self.root)
        env.pop("PYTHONHOME", None)
        return env


def compile_bytecode(root: Path, python: str | None = None) -> None:
    """Write the ``.pyc`` files of `root`'s top-level packages and modules now (not of virtual environments
    or other folders in it), so that no measured run pays for compiling them: a run that imports a
    module without its ``.pyc`` compiles it inside whatever phase imports it (the solver library: +60%
    instructions in worker_setup on a fresh clone)."""
    targets = sorted(str(p) for p in root.iterdir()
                     if (p.is_dir() and (p / "__init__.py").is_file()) or (p.is_file() and p.suffix == ".py"))
    if targets:
        subprocess.run([python or sys.executable, "-m", "compileall", "-q", "-j", "0", *targets],
                       capture_output=True, check=False)


def _remove(repo: Path, tree: Path, holder: Path) -> None:
    removed = _git(repo, "worktree", "remove", "--force", str(tree)).returncode == 0
    shutil.rmtree(holder, ignore_errors=True)
    if not removed:  # half-made or already gone: drop git's record of it
        _git(repo, "worktree", "prune")


@contextmanager
def checkout(ref: str, repo: Path | str = ".", *, parent: Path | None = None, require_clean: bool = False,
             precompile: bool = True, script: str = SCRIPT) -> Iterator[Checkout]:
    """Check `ref` out in a temporary worktree (under `parent`, default the system's temp folder).

    `require_clean`: refuse when the working tree has uncommitted changes to tracked files (a "head"
    measured from such a tree is not a commit). `precompile`: compile the worktree's bytecode.
    The worktree is removed on exit, whatever happened in the body.
    """
    root = repo_root(Path(repo))
    commit = resolve_ref(root, ref)
    if require_clean and (dirty := dirty_paths(root)):
        shown = ", ".join(dirty[:5]) + (" ..." if len(dirty) > 5 else "")
        raise WorktreeError(f"{root} has uncommitted changes ({shown}): commit or stash them first")
    holder = Path(tempfile.mkdtemp(prefix="phasebench-base-", dir=parent))
    tree = holder / "tree"
    try:
        done = _git(root, "worktree", "add", "--detach", str(tree), commit)
        if done.returncode != 0:
            raise WorktreeFailure(f"git worktree add {ref} failed: {done.stderr.strip()}")
        entry = read_entry_point(tree, script)
        if precompile:
            compile_bytecode(tree)
        yield Checkout(ref, commit, tree, entry, root)
    finally:
        _remove(root, tree, holder)


__all__ = [
    "Checkout",
    "WorktreeError",
    "WorktreeFailure",
    "bootstrap_code",
    "checkout",
    "compile_bytecode",
    "dirty_paths",
    "read_entry_point",
    "repo_root",
    "resolve_ref",
]
