"""A git revision as a folder to compile: `git archive` into a temporary directory."""
from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile


class GitError(Exception):
    pass


def git(repo: str, *args: str) -> str:
    result = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise GitError(result.stderr.strip() or f"git {' '.join(args)} failed")
    return result.stdout.strip()


def default_base(repo: str) -> str:
    """The merge-base with main (or master), as a pull request compares."""
    for branch in ("origin/main", "main", "origin/master", "master"):
        try:
            git(repo, "rev-parse", "--verify", "--quiet", branch)
        except GitError:
            continue
        return git(repo, "merge-base", "HEAD", branch)
    raise GitError("no main branch to compare with: pass --base REF")


def resolve(repo: str, ref: str) -> str:
    """The commit a revision names. A revision starting with `-` would be read by git as an
    option (`--output=…`): refused, and every revision reaches git after --end-of-options."""
    if not isinstance(ref, str) or not ref or ref.startswith("-") or "\0" in ref:
        raise GitError(f"{ref!r} is not a revision (revisions cannot start with '-')")
    return git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}")


def checkout(repo: str, ref: str, subdir: str = "") -> str:
    """The tree of `ref` in a new temporary folder (the caller removes it)."""
    commit = resolve(repo, ref)
    data = subprocess.run(["git", "-C", repo, "archive", "--format=tar", commit], capture_output=True)
    if data.returncode != 0:
        raise GitError(data.stderr.decode().strip())
    folder = tempfile.mkdtemp(prefix="mac-diff-")
    with tarfile.open(fileobj=io.BytesIO(data.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return os.path.join(folder, subdir) if subdir else folder
