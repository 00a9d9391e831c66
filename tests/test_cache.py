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


def test_after_a_change_only_what_it_touches_is_made_again(bundled_copy, monkeypatch):
    """Files build/ already holds with the right content are linked into the new tree (same
    inode); an alert whose inputs did not change keeps its test files without being
    simulated again. The tree is byte for byte a fresh compile's. An edit inside build/
    disables the reuse."""
    import os

    from click.testing import CliRunner

    from monitoring_as_code import cli
    from monitoring_as_code.compiler import compile_tree
    from monitoring_as_code.testing import collect

    # The bundled spec is small: make it take the large-tree path (workers render test files).
    monkeypatch.setattr(collect, "PARALLEL_FROM", 1)
    monkeypatch.setattr(collect.os, "cpu_count", lambda: 2)
    monkeypatch.chdir(bundled_copy)
    build = bundled_copy / "build"
    tests = build / "prometheus" / "tests"

    def mac_compile():
        result = CliRunner().invoke(cli.main, ["compile", "--out", "build"])
        assert result.exit_code == 0, result.output
        return {str(p.relative_to(tests)): os.stat(p).st_ino for p in tests.rglob("*.yml")}

    first = mac_compile()
    path = bundled_copy / "alerts" / "redis.py"
    path.write_text(path.read_text().replace("Redis is down on", "Redis is not answering on"))
    second = mac_compile()
    assert second["rules/RedisDown.yml"] != first["rules/RedisDown.yml"]  # its annotation changed
    assert second["RedisDown.yml"] == first["RedisDown.yml"]  # the same bytes: linked, not rewritten
    kept = {name for name in first if second[name] == first[name]}
    assert {"DiskSpaceLow.yml", "rules/DiskSpaceLow.yml", "PostgreSQLDown.yml", "rules/PostgreSQLDown.yml"} <= kept
    assert tree_bytes(build) == compile_tree(".").files

    (build / "grafana" / "dashboards" / "mac-redis.json").write_text("{}\n")
    third = mac_compile()
    assert all(third[name] != second[name] for name in second)  # nothing trusted from build/
    assert tree_bytes(build) == compile_tree(".").files


ALERTS = '''
from monitoring_as_code import AlertRule, RuleGroup

rules = [
    AlertRule(name=f"QueueLong{i}", expr=f'sum by (instance) (gen_queue_{i}{{job="gen"}}) > {10 * (i + 1)}',
              for_="5m", severity="warning", summary=f"queue {i}", description="{{ $value }}",
              runbook_url=f"https://runbooks.example.org/QueueLong{i}")
    for i in range(4)
]
group = RuleGroup("queues", rules)
'''


def test_alerts_whose_inputs_did_not_change_are_not_simulated_again(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from monitoring_as_code import cli
    from monitoring_as_code.compiler import compile_tree
    from monitoring_as_code.testing import collect

    monkeypatch.setattr(collect, "PARALLEL_FROM", 1)
    monkeypatch.setattr(collect.os, "cpu_count", lambda: 2)
    (tmp_path / "alerts").mkdir()
    (tmp_path / "alerts" / "queues.py").write_text(ALERTS)
    (tmp_path / "pyproject.toml").write_text("[tool.mac.metrics]\n" + "".join(f'gen_queue_{i} = "gauge"\n' for i in range(4)))
    monkeypatch.chdir(tmp_path)
    simulated = []
    generate = collect._generate

    def spy(alerts, render):
        simulated.append(sorted(a.name for a in alerts))
        return generate(alerts, render)

    monkeypatch.setattr(collect, "_generate", spy)

    def mac_compile(*args):
        result = CliRunner().invoke(cli.main, ["compile", "--out", "build", *args])
        assert result.exit_code == 0, result.output

    mac_compile()
    assert simulated[-1] == ["QueueLong0", "QueueLong1", "QueueLong2", "QueueLong3"]
    path = tmp_path / "alerts" / "queues.py"
    path.write_text(path.read_text().replace("{10 * (i + 1)}", "{10 * (i + 1) + (i == 2)}"))
    mac_compile()
    assert simulated[-1] == ["QueueLong2"]  # the one whose threshold moved
    assert tree_bytes(tmp_path / "build") == compile_tree(".").files
    mac_compile("--no-cache")
    assert simulated[-1] == []  # nothing changed: all reused, and still the same tree
    assert tree_bytes(tmp_path / "build") == compile_tree(".").files
