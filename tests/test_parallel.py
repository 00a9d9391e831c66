"""Dashboards compiled in forked workers (parallel.py) give exactly what one process gives:
the same files, byte for byte, and the same problems at the same lines."""
import pytest

from conftest import FOLDER_BOARDS, ROOT, write_tree
from monitoring_as_code import parallel
from monitoring_as_code.compiler import compile_tree
from monitoring_as_code.diagnostics import render


@pytest.fixture
def always_parallel(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)


def both(src):
    one = compile_tree(str(src))
    many = compile_tree(str(src), parallel=True)
    assert many.dashboard_count is not None, "the parallel path did not run"
    assert one.dashboard_count is None
    return one, many


def test_bundled_spec_compiles_to_the_same_bytes(always_parallel):
    one, many = both(ROOT)
    assert one.ok and many.ok
    assert many.files == one.files
    assert many.dashboards == len(one.definitions.dashboards) == 6
    # The dashboards of dashboards/ stayed in the workers; the SLOs' one is made with the rules.
    assert [d.uid for d in many.definitions.dashboards] == ["slo-api"]


def test_lint_fixture_gives_the_same_problems(always_parallel):
    one, many = both(ROOT / "tests" / "fixtures" / "lint_mistakes")
    assert render(many.problems, "text") == render(one.problems, "text")
    assert any(p.rule.startswith("dashboard/") or p.rule.startswith("panel/") for p in many.problems)


SHARED = {
    "alerts/disk.py": """
        from monitoring_as_code import AlertRule

        disk = AlertRule(name="DiskFull", expr='node_filesystem_avail_bytes / node_filesystem_size_bytes * 100 < 15',
                         for_="5m", severity="critical", summary="disk", description="{{ $value }}",
                         runbook_url="https://example.org/disk")
        """,
    "dashboards/a.py": """
        from monitoring_as_code import Dashboard, Stat

        from alerts.disk import disk

        dashboard = Dashboard(title="A", uid="same", panels=[
            Stat("Disk free", 'node_filesystem_avail_bytes / node_filesystem_size_bytes * 100', unit="percent",
                 thresholds_from=disk, description="free space"),
        ])
        """,
    "dashboards/b.py": """
        from monitoring_as_code import Dashboard, Stat

        from dashboards.a import dashboard as a_dashboard  # imported, not defined here

        dashboard = Dashboard(title="B", uid="same", panels=[
            Stat("Load", 'node_load1', unit="short", description="load"),
        ])
        """,
    "dashboards/c.py": """
        raise RuntimeError("broken on purpose")
        """,
    # Sorted first, claimed first: imports the dashboard of a module claimed later.
    "dashboards/0_links.py": """
        from monitoring_as_code import Dashboard, Stat

        from dashboards.z_owner import owned

        links = Dashboard(title="Links", uid="links", panels=[
            Stat("Up", 'up', unit="short", description="targets up"),
        ])
        """,
    "dashboards/z_owner.py": """
        from monitoring_as_code import Dashboard, Stat

        owned = Dashboard(title="Owned", uid="owned", panels=[
            Stat("Up", 'up', unit="short", description="targets up"),
        ])
        """,
}


def test_cross_shard_checks_and_imports(always_parallel, tmp_path, monkeypatch):
    write_tree(tmp_path, SHARED)
    monkeypatch.chdir(tmp_path)
    one, many = both(".")
    text = render(many.problems, "text")
    assert text == render(one.problems, "text")
    # b.py sits in the other shard from a.py: the duplicate uid is still found, once, and the
    # dashboard b.py imports from a.py is neither compiled twice nor reported twice.
    assert text.count("(dashboard/unique-uid)") == 1
    assert "dashboards/b.py:5: [error] dashboard uid 'same' is already used at dashboards/a.py:5" in text
    assert "dashboards/c.py:1: [error] RuntimeError while importing dashboards/c.py: broken on purpose" in text
    assert "thresholds-from" not in text  # the alert a.py imports is the compiled one
    assert many.dashboards == 4


def test_one_worker_claiming_every_chunk_in_turn(always_parallel, tmp_path, monkeypatch):
    """The same worker imports 0_links.py (which imports z_owner.py) before it reaches
    z_owner.py's own chunk: the dashboard is still compiled, once, by its owner's chunk."""
    files = {k: v for k, v in SHARED.items() if k != "dashboards/c.py"}
    files["dashboards/b.py"] = files["dashboards/b.py"].replace('uid="same"', 'uid="b"')
    write_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    one = compile_tree(".")
    many = parallel.compile_tree(".")
    assert render(many.problems, "text") == render(one.problems, "text")
    assert one.ok and many.files == one.files
    assert "grafana/dashboards/owned.json" in many.files
    assert many.dashboards == 4


def test_a_failing_worker_is_an_error_not_a_silent_gap(always_parallel, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("a bug in mac")

    monkeypatch.setattr(parallel, "_shard", broken)
    with pytest.raises(RuntimeError, match="KeyError: 'a bug in mac'"):
        compile_tree(str(ROOT), parallel=True)


def test_small_trees_stay_in_one_process():
    assert not parallel.worthwhile(str(ROOT))  # 5 dashboards: a fork would cost more


def test_alert_tests_derived_and_rendered_in_workers_are_the_same_files(monkeypatch):
    """From 200 alerts, boundary tests are derived on every core and each alert's promtool
    files rendered there (hand-written AlertTests first, as in one process)."""
    from monitoring_as_code.testing import collect

    one = compile_tree(str(ROOT))
    monkeypatch.setattr(collect, "PARALLEL_FROM", 1)
    monkeypatch.setattr(collect.os, "cpu_count", lambda: 2)
    many = compile_tree(str(ROOT))
    assert "promtool_tests" in many.definitions.cache  # rendered by the workers
    assert "promtool_tests" not in one.definitions.cache
    assert many.files == one.files
    assert render(many.problems, "text") == render(one.problems, "text")


def test_workers_writing_into_staging_give_the_same_tree(always_parallel, monkeypatch, tmp_path):
    """What `mac compile` does on a large tree: workers write dashboards and alert test files
    straight into the staging folder; the committed tree is the one-process compile's."""
    from conftest import tree_bytes
    from monitoring_as_code.testing import collect
    from monitoring_as_code.write import Staging

    one = compile_tree(str(ROOT))
    monkeypatch.setattr(collect, "PARALLEL_FROM", 1)
    with Staging(str(tmp_path / "build")) as staging:
        many = compile_tree(str(ROOT), parallel=True, staging=staging)
        assert many.ok and many.staged
        assert not set(many.staged) & set(many.files)
        staging.write(many.files)
        staging.commit()
    assert tree_bytes(tmp_path / "build") == {k: v for k, v in sorted(one.files.items())}
    assert any(name.startswith("prometheus/tests/") for name in many.staged)
    assert any(name.startswith("grafana/dashboards/") for name in many.staged)


@pytest.mark.parametrize("version", ["12", "13"])
def test_grafana_resources_and_folders_are_the_same_in_workers(always_parallel, tmp_path, version):
    """The forms for Grafana 12 and 13, folders, their resources and providers, and the folder
    checks come out of workers as out of one process (workers load no stack: it is handed over)."""
    write_tree(tmp_path, {
        "dashboards/platform.py": FOLDER_BOARDS,
        **{f"dashboards/d{i}.py": f"""
            from dashboards.platform import DATABASES, PLATFORM, board

            dashboard = board("d{i}", {["None", "PLATFORM", "DATABASES"][i % 3]})
            """ for i in range(6)},
        "pyproject.toml": f'[tool.mac]\ngrafana = "{version}"\n',
    })
    (tmp_path / "stack.py").write_text((ROOT / "stack.py").read_text())
    one, many = both(tmp_path)
    assert one.ok and many.ok, render(one.problems + many.problems, "text")
    assert many.files == one.files
    assert "grafana/folders/platform-databases.json" in one.files
    assert b"mac-platform-databases" in one.files["grafana/provisioning/dashboards/provider.yml"]


def test_the_kubernetes_target_compiles_in_one_process(always_parallel):
    """build/kubernetes/ is made from the compiled dashboards, which workers would write
    straight to disk: with the target, a large tree stays in one process and loses nothing."""
    result = compile_tree(str(ROOT), parallel=True, targets=("kubernetes",))
    assert result.ok and result.dashboard_count is None
    assert len([p for p in result.files if p.startswith("kubernetes/grafana-dashboards/")]) == 6
