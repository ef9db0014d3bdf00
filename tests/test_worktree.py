"""harness.worktree: a REF in a temporary worktree, run by its own entry point, removed afterwards."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.worktree import WorktreeError, checkout, dirty_paths, read_entry_point, repo_root, resolve_ref

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CLI = """
import importlib
import sys

import {pkg}

def main():
    print({pkg}.VERSION, {pkg}.__file__, *sys.argv[1:])
    for name in ("{pkg}.extra", "leak"):  # untracked in the working tree: a submodule, a top-level module
        try:
            importlib.import_module(name)
            print("leaked", name)
        except ImportError:
            pass
    return 0
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org",
                           "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def write_package(repo: Path, pkg: str, version: str) -> None:
    (repo / pkg).mkdir(exist_ok=True)
    (repo / pkg / "__init__.py").write_text(f"VERSION = {version!r}\n")
    (repo / pkg / "cli.py").write_text(CLI.format(pkg=pkg))
    (repo / "pyproject.toml").write_text(f'[project]\nname = "x"\n\n[project.scripts]\nphasebench = "{pkg}.cli:main"\n')


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Commit 1: `pkg` v1; commit 2: the entry point moved to `newpkg` (v2); working tree: uncommitted v3
    of newpkg, untracked `newpkg/extra.py`, `pkg/extra.py` and `leak.py`."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    write_package(root, "pkg", "1")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "one")
    write_package(root, "newpkg", "2")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "two: entry point moves")
    (root / "newpkg" / "__init__.py").write_text("VERSION = '3'\n")
    (root / "newpkg" / "extra.py").write_text("")
    (root / "pkg" / "extra.py").write_text("")
    (root / "leak.py").write_text("")
    return root


def run(c, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(c.command(*args), env=env or c.env(), cwd=c.root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def worktrees(repo: Path) -> list[str]:
    return [line for line in git(repo, "worktree", "list", "--porcelain").splitlines() if line.startswith("worktree ")]


def test_each_ref_runs_its_own_files_and_entry_point(repo: Path) -> None:
    with checkout("HEAD~1", repo, precompile=False) as base:
        assert base.entry_point == "pkg.cli:main"
        assert base.commit == git(repo, "rev-parse", "HEAD~1")
        out = run(base, "run", "--x")
        assert out.split()[0] == "1" and Path(out.split()[1]).is_relative_to(base.root)
        assert out.split()[2:4] == ["run", "--x"]
        assert "leaked" not in out  # the working tree's untracked files do not exist there
    with checkout("HEAD", repo) as head:
        assert head.entry_point == "newpkg.cli:main"
        out = run(head)
        assert out.split()[0] == "2"  # the commit, not the uncommitted v3
        assert "leaked" not in out
        assert list(head.root.rglob("*.pyc"))  # precompiled
    assert len(worktrees(repo)) == 1


def test_the_repository_root_is_dropped_from_the_import_path(repo: Path) -> None:
    with checkout("HEAD", repo, precompile=False) as head:
        env = head.env()
        # what an editable install's .pth does: the working tree on sys.path, after the worktree
        env["PYTHONPATH"] = os.pathsep.join([str(head.root), str(repo)])
        assert "leaked" not in run(head, env=env)
        assert head.env({"PYTHONPATH": str(repo), "KEEP": "1"}) == {"PYTHONPATH": str(head.root), "KEEP": "1"}


def test_worktree_removed_on_error_and_interrupt(repo: Path) -> None:
    roots = []
    with pytest.raises(RuntimeError, match="boom"), checkout("HEAD", repo, precompile=False) as c:
        roots.append(c.root)
        raise RuntimeError("boom")
    with pytest.raises(KeyboardInterrupt), checkout("HEAD~1", repo, precompile=False) as c:
        roots.append(c.root)
        raise KeyboardInterrupt
    assert all(not r.exists() and not r.parent.exists() for r in roots)
    assert len(worktrees(repo)) == 1


def test_unknown_ref_missing_and_dirty_repo(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(WorktreeError, match="unknown git revision 'no-such-branch'"):
        resolve_ref(repo, "no-such-branch")
    with pytest.raises(WorktreeError, match="unknown git revision 'HEAD~9'"), checkout("HEAD~9", repo):
        pass
    with pytest.raises(WorktreeError, match="not a git revision"):
        resolve_ref(repo, "--all")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(WorktreeError, match="not inside a git repository"):
        repo_root(plain)
    with pytest.raises(WorktreeError, match="does not exist"), checkout("HEAD", tmp_path / "missing"):
        pass
    assert dirty_paths(repo) == ["newpkg/__init__.py"]
    with pytest.raises(WorktreeError, match=r"uncommitted changes \(newpkg/__init__.py\)"), \
            checkout("HEAD", repo, require_clean=True):
        pass
    assert len(worktrees(repo)) == 1


def test_entry_point_errors(tmp_path: Path) -> None:
    with pytest.raises(WorktreeError, match="pyproject.toml is missing"):
        read_entry_point(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    with pytest.raises(WorktreeError, match=r"declares no \[project.scripts\] phasebench"):
        read_entry_point(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project\n")
    with pytest.raises(WorktreeError, match="not valid TOML"):
        read_entry_point(tmp_path)
