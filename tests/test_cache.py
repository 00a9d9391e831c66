"""`mac compile` with nothing changed does nothing: inputs by content digest, build/ by the
size and time of every file, so any edit on either side compiles again."""
import shutil

from conftest import ROOT, run_mac, tree_bytes

UP_TO_DATE = "up to date (nothing changed since the last compile)"


def compiled(result) -> bool:
    assert result.returncode == 0, result.stderr
    if UP_TO_DATE in result.stdout:
        return False
    assert "wrote" in result.stdout, result.stdout
    return True


def test_second_compile_does_nothing_and_any_change_compiles_again(bundled_copy):
    src = bundled_copy
    shutil.copy(ROOT / "stack.py", src / "stack.py")
    assert compiled(run_mac("compile", "--out", "build", cwd=src))
    before = tree_bytes(src / "build")
    assert not compiled(run_mac("compile", "--out", "build", cwd=src))
    assert tree_bytes(src / "build") == before

    # A definition changes (content, not only its time).
    path = src / "dashboards" / "redis.py"
    path.write_text(path.read_text().replace('"Redis"', '"Redis cache"', 1))
    assert compiled(run_mac("compile", "--out", "build", cwd=src))
    assert not compiled(run_mac("compile", "--out", "build", cwd=src))

    # Someone edits, then deletes, a compiled file: the next compile puts it back.
    target = src / "build" / "prometheus" / "alert_rules.yml"
    original = target.read_bytes()
    target.write_bytes(original.replace(b"for: 5m", b"for: 6m", 1) + b"# edited\n")
    assert compiled(run_mac("compile", "--out", "build", cwd=src))
    assert target.read_bytes() == original
    target.unlink()
    assert compiled(run_mac("compile", "--out", "build", cwd=src))
    assert target.read_bytes() == original

    # [tool.mac] settings are inputs too; --no-cache always compiles.
    (src / "pyproject.toml").write_text('[tool.mac]\nscrape_interval = "15s"\n')
    assert compiled(run_mac("compile", "--out", "build", cwd=src))
    assert compiled(run_mac("compile", "--no-cache", "--out", "build", cwd=src))
