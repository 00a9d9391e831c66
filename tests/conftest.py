import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_SCHEMA = ROOT.parent / "shared" / "reference" / "grafana" / "dashboard.jsonschema.v11.6-sv41.json"
SHIPPED_SCHEMA = ROOT / "monitoring_as_code" / "schemas" / "grafana-dashboard-v11.6-sv41.json"
MIXINS = ROOT.parent / "shared" / "corpus" / "mixins"


def run_mac(*args, cwd, env=None):
    """The real command line, in a child process, as a user runs it (env: variables to add)."""
    return subprocess.run([sys.executable, "-m", "monitoring_as_code", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})


def write_tree(root: Path, files: dict) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def tree_bytes(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def schema_validator(path: Path):
    return jsonschema.Draft7Validator(json.loads(path.read_text()))


def bundled_tree(dest: Path, pyproject: str = "") -> Path:
    """The repository's definitions and stack.py copied to dest, with a pyproject.toml of
    `pyproject` when given."""
    for name in ("alerts", "dashboards"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "stack.py", dest / "stack.py")
    if pyproject:
        (dest / "pyproject.toml").write_text(pyproject)
    return dest


# Dashboards in nested folders (a module of helpers; dashboards made by other modules).
FOLDER_BOARDS = """
    from monitoring_as_code import Dashboard, Folder, Stat

    PLATFORM = Folder("Platform")
    DATABASES = Folder("Databases", parent=PLATFORM)

    def board(uid, folder=None):
        return Dashboard(title=uid, uid=uid, folder=folder, panels=[
            Stat("Up", queries=['up{job="node"}'], unit="none", description="targets up")])
    """


@pytest.fixture
def bundled_copy(tmp_path):
    """A copy of the repository's definitions, to change without touching the real ones."""
    for name in ("alerts", "dashboards"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.fixture(scope="session")
def imported_corpus(tmp_path_factory):
    """Every corpus dashboard and rule file imported into one source tree (dashboards/,
    alerts/, pyproject.toml), once per session: (tree, stdout of the dashboard import)."""
    if not MIXINS.is_dir():
        pytest.skip("../shared/corpus/mixins is not here")
    tree = tmp_path_factory.mktemp("corpus")
    dashboards = [str(p) for p in sorted(MIXINS.glob("*/dashboards"))]
    rules = [str(p) for p in sorted(MIXINS.glob("*/*.yaml"))]
    run = run_mac("import", "grafana", *dashboards, "--out", str(tree / "dashboards"), "--check", cwd=tree)
    assert run.returncode == 0, run.stderr[-3000:]
    stdout = run.stdout
    run = run_mac("import", "rules", *rules, "--out", str(tree / "alerts"), "--check", cwd=tree)
    assert run.returncode == 0, run.stderr[-3000:]
    return tree, stdout


@pytest.fixture(scope="session")
def promtool():
    path = shutil.which("promtool")
    if path is None:
        pytest.fail("promtool is missing: run `make test` (it installs Debian's prometheus package)")
    return path


def nulls(value, path="$"):
    if value is None:
        yield path
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from nulls(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from nulls(v, f"{path}[{i}]")


os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")


@pytest.fixture(scope="session")
def loopback_stack():
    """The real stack on 127.0.0.1 (tests/real_stack.py), once per session."""
    from monitoring_as_code.compiler import compile_tree
    from real_stack import start

    result = compile_tree(str(ROOT))
    assert result.ok, [p.text() for p in result.problems]
    with start(result.files) as running:
        yield running
