"""Faults are reported, not dumped (issue 12): the machine's problems get one line and their
own exit code (3: a program mac needs is missing; 4: the file system refused), build/ is
replaced in one step or not at all, and the real consumers have the last word."""
import contextlib
import os
import shutil
import subprocess
import sys
import threading

import pytest

from conftest import ROOT, run_mac, tree_bytes, write_tree
from monitoring_as_code.write import exchange

ALERT = """
from monitoring_as_code import AlertRule, RuleGroup

g = RuleGroup("g", [AlertRule(name="A", expr='up{job="node"} == 0', for_="1m", summary="s", description="{{ $value }}")])
"""
STACK = (ROOT / "stack.py").read_text()


@pytest.fixture
def src(tmp_path):
    return write_tree(tmp_path / "src", {"alerts/a.py": ALERT, "stack.py": STACK})


@contextlib.contextmanager
def tmpfs(path, size="64k"):
    """A small file system of our own (tests run as root, where permissions do not stop writes)."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def test_read_only_file_system_is_exit_4_with_one_line(src, tmp_path):
    with tmpfs(tmp_path / "ro") as mount:
        assert run_mac("compile", "--out", str(mount / "build"), cwd=src).returncode == 0
        before = tree_bytes(mount / "build")
        (src / "alerts/a.py").write_text(ALERT.replace('"1m"', '"2m"'))
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        result = run_mac("compile", "--out", str(mount / "build"), cwd=src)
        assert result.returncode == 4, result.stderr
        assert "Traceback" not in result.stderr
        (line,) = [l for l in result.stderr.splitlines() if l.startswith("mac: ")]
        assert line.startswith(f"mac: cannot prepare {mount}/build:") and "Read-only file system" in line
        assert tree_bytes(mount / "build") == before


def test_full_disk_is_exit_4_and_leaves_build_and_no_staging(src, tmp_path):
    with tmpfs(tmp_path / "full", size="128k") as mount:
        assert run_mac("compile", "--out", str(mount / "build"), cwd=src).returncode == 0
        before = tree_bytes(mount / "build")
        # Fill the disk, then ask for a compile whose files differ.
        with contextlib.suppress(OSError), open(mount / "filler", "wb") as f:
            while True:
                f.write(b"x" * 4096)
                f.flush()
        (src / "alerts/a.py").write_text(ALERT.replace('"1m"', '"3m"'))
        result = run_mac("compile", "--no-cache", "--out", str(mount / "build"), cwd=src)
        assert result.returncode == 4, result.stdout + result.stderr
        assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
        assert tree_bytes(mount / "build") == before
        assert sorted(os.listdir(mount)) == ["build", "filler"]


def test_a_name_too_long_for_the_file_system_is_exit_4(src):
    out = "b" * 300  # a folder name longer than the file system's 255 bytes
    result = run_mac("compile", "--out", out, cwd=src)
    assert result.returncode == 4, result.stderr
    assert "File name too long" in result.stderr and "Traceback" not in result.stderr
    assert not [p for p in os.listdir(src) if p.startswith((".mac-new-", ".mac-old-"))]


def test_an_alert_name_too_long_for_a_file_name_is_an_error_at_its_line(tmp_path):
    name = "A" + "a" * 300
    src = write_tree(tmp_path / "src", {"alerts/a.py": ALERT.replace('name="A"', f'name="{name}"')})
    result = run_mac("compile", "--out", "build", cwd=src)
    assert result.returncode == 1, result.stderr
    assert f"alerts/a.py:3: [error] alert name {name[:20]!r}… is 301 characters long (at most 200) (alert/name)" \
        in result.stderr
    assert not (src / "build").exists()


def test_a_promtool_that_does_not_exist_is_exit_3(src):
    for command in ("compile", "test"):
        result = run_mac(command, "--promtool", "/nonexistent/promtool", cwd=src)
        assert result.returncode == 3, (command, result.stderr)
        assert result.stderr.strip() == "mac: --promtool /nonexistent/promtool: no such program"


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'{"input": 5}', b"\xff\xfe"])
def test_broken_cache_files_are_ignored_with_a_message(src, content):
    assert run_mac("compile", "--out", "build", cwd=src).returncode == 0
    for path in (src / ".mac-cache").iterdir():
        path.write_bytes(content)
    result = run_mac("compile", "--out", "build", cwd=src)
    assert result.returncode == 0, result.stderr
    assert "mac: ignoring the unreadable cache file" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout.startswith("mac: wrote ")


def test_a_cache_folder_that_cannot_be_written_is_said_not_fatal(src):
    (src / ".mac-cache").write_text("a file where the folder goes")
    result = run_mac("compile", "--out", "build", cwd=src)
    assert result.returncode == 0, result.stderr
    assert "mac: cannot write the cache" in result.stderr


def test_a_symlinked_build_is_followed_not_replaced(src, tmp_path):
    real = tmp_path / "elsewhere" / "build"
    real.parent.mkdir()
    os.symlink(real, src / "build")
    for _ in range(2):
        result = run_mac("compile", "--no-cache", "--out", "build", cwd=src)
        assert result.returncode == 0, result.stderr
        assert os.path.islink(src / "build") and os.readlink(src / "build") == str(real)
    assert (real / "prometheus/alert_rules.yml").exists()
    assert not [p for p in os.listdir(real.parent) if p.startswith(".mac-")]


def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "which").write_text("a")
    (b / "which").write_text("b")
    assert exchange(str(a), str(b)) is True  # renameat2 exists on this Linux
    assert (a / "which").read_text() == "b" and (b / "which").read_text() == "a"


def test_concurrent_compiles_of_one_folder_are_serialized(src):
    assert run_mac("compile", "--out", "build", cwd=src).returncode == 0
    expected = tree_bytes(src / "build")
    results = []

    def compile_once():
        results.append(run_mac("compile", "--no-cache", "--out", "build", cwd=src))

    threads = [threading.Thread(target=compile_once) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert [r.returncode for r in results] == [0, 0, 0, 0], [r.stderr for r in results]
    assert tree_bytes(src / "build") == expected
    assert not [p for p in os.listdir(src) if p.startswith((".mac-new-", ".mac-old-"))]


def test_a_compile_waits_for_the_lock_on_the_output_folder(src):
    """While another compile holds the folder's lock, a compile does not write: it waits."""
    import time

    from monitoring_as_code.write import lock

    fd = lock(str(src))
    try:
        proc = subprocess.Popen([sys.executable, "-m", "monitoring_as_code", "compile", "--out", "build"], cwd=src,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(3)
        assert proc.poll() is None, "the compile did not wait for the lock"
        assert not (src / "build").exists()
    finally:
        os.close(fd)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert (src / "build/prometheus/alert_rules.yml").exists()


def test_leftovers_of_a_killed_compile_are_removed(src):
    for name in (".mac-new-abc123", ".mac-old-def456"):
        (src / name / "prometheus").mkdir(parents=True)
        (src / name / "prometheus" / "half.yml").write_text("half")
    assert run_mac("compile", "--out", "build", cwd=src).returncode == 0
    assert not [p for p in os.listdir(src) if p.startswith((".mac-new-", ".mac-old-"))]


def test_a_killed_compile_leaves_build_as_it_was(src):
    """SIGKILL while the compile runs: build/ is the old tree, whole; the next compile cleans up."""
    assert run_mac("compile", "--out", "build", cwd=src).returncode == 0
    before = tree_bytes(src / "build")
    proc = subprocess.Popen([sys.executable, "-c", (
        "import os, signal, sys\n"
        "from monitoring_as_code import write\n"
        "real = write.Staging.commit\n"
        "def die(self):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "write.Staging.commit = die\n"
        "from monitoring_as_code.cli import main\n"
        "sys.argv = ['mac', 'compile', '--no-cache', '--out', 'build']\n"
        "main()\n")], cwd=src)
    assert proc.wait(timeout=120) == -9
    assert tree_bytes(src / "build") == before
    assert [p for p in os.listdir(src) if p.startswith(".mac-new-")]  # what the next compile removes
    assert run_mac("compile", "--no-cache", "--out", "build", cwd=src).returncode == 0
    assert not [p for p in os.listdir(src) if p.startswith((".mac-new-", ".mac-old-"))]


def test_check_finds_a_hand_edit_that_keeps_size_and_mtime(src):
    assert run_mac("compile", "--out", "build", cwd=src).returncode == 0
    assert run_mac("compile", "--check", "--out", "build", cwd=src).returncode == 0  # records the cache
    path = src / "build/prometheus/alert_rules.yml"
    stat = path.stat()
    text = path.read_text()
    path.write_text(text.replace("for: 1m", "for: 9m"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    result = run_mac("compile", "--check", "--out", "build", cwd=src)
    assert result.returncode == 1
    assert "differs: prometheus/alert_rules.yml" in result.stdout


def _path_without(tmp_path, *missing):
    """A PATH with python and git but without the named programs."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("git", "promtool", "amtool", "nginx"):
        found = shutil.which(name) or (f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None)
        if found and name not in missing:
            os.symlink(found, folder / name)
    return str(folder)


def test_missing_checkers_are_said_once_and_required_in_ci(src, tmp_path):
    env = dict(os.environ, PATH=_path_without(tmp_path, "amtool", "nginx"))
    cmd = [sys.executable, "-m", "monitoring_as_code", "compile", "--out", "build"]
    lenient = subprocess.run(cmd, cwd=src, env=env, capture_output=True, text=True, timeout=120)
    assert lenient.returncode == 0, lenient.stderr
    notes = [l for l in lenient.stderr.splitlines() if "not checked by" in l]
    assert notes == ["mac: not checked by amtool check-config (amtool), nginx -t (nginx): not installed "
                     "(--require-checkers makes this an error)"]
    strict = subprocess.run(cmd + ["--no-cache", "--require-checkers"], cwd=src, env=env, capture_output=True,
                            text=True, timeout=120)
    assert strict.returncode == 3
    assert "mac: build left unchanged: the checkers above are required (--require-checkers)" in strict.stderr


def test_a_consumer_rejection_fails_the_compile_at_the_rule(src):
    """With the label check disabled, promtool still refuses the file: the compile fails at
    the rule's line and build/ stays as it was."""
    assert run_mac("compile", "--out", "build", cwd=src).returncode == 0
    before = tree_bytes(src / "build")
    (src / "pyproject.toml").write_text('[tool.mac]\ndisable = ["rule/labels"]\n')
    write_tree(src, {"alerts/a.py": ALERT.replace('for_="1m",', 'for_="1m", labels={"team-name": "ops"},')})
    result = run_mac("compile", "--out", "build", cwd=src)
    assert result.returncode == 1
    assert ("alerts/a.py:3: [error] promtool check rules rejects prometheus/alert_rules.yml: rule A (group g): "
            "invalid label name: team-name (consumer/promtool)") in result.stderr
    assert "mac: 1 file(s) rejected by their consumer; build left unchanged" in result.stderr
    assert tree_bytes(src / "build") == before
