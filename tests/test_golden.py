"""Golden input/output pairs: tests/golden/<case>/src compiles to exactly tests/golden/<case>/expected.

After an intended output change, regenerate with `UPDATE_GOLDEN=1 make test` and review the diff."""
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import SHIPPED_SCHEMA, run_mac, schema_validator, tree_bytes

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "src").is_dir())


@pytest.mark.parametrize("case", CASES)
def test_golden(case, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(GOLDEN / case / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
    result = run_mac("compile", "--out", "out", cwd=src)
    assert result.returncode == 0, result.stderr
    expected = GOLDEN / case / "expected"
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(expected, ignore_errors=True)
        shutil.copytree(src / "out", expected)
    assert tree_bytes(src / "out") == tree_bytes(expected)


@pytest.mark.parametrize("case", CASES)
def test_golden_dashboards_are_schema_valid(case):
    validator = schema_validator(SHIPPED_SCHEMA)
    for path in sorted((GOLDEN / case / "expected").rglob("*.json")):
        assert [e.message for e in validator.iter_errors(json.loads(path.read_text()))] == [], path
