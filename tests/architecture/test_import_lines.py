"""The import lines of docs/architecture.md hold: import-linter's contracts in pyproject.toml, run for real."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = {
    "The ground floor (accounts, workdays) imports no business app",
    "The ledger is a leaf: accountability.ledger imports no business app",
    "The procedure (decisions) imports no step app and nothing of the portal",
    "The step apps do not import each other",
    "No app imports the portal",
    "No app imports the demo",
}


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    executable = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(  # noqa: S603 - our own virtualenv's command on our own tree
        [str(executable), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_contracts_are_declared():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    assert {contract["name"] for contract in declared} == CONTRACTS


def test_every_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in CONTRACTS:
        assert f"{name} KEPT" in result.stdout


@pytest.mark.parametrize(
    ("module", "imported"),
    [
        ("decisions/uses_a_step_app.py", "review"),
        ("accounts/uses_the_procedure.py", "decisions"),
        ("review/uses_the_portal.py", "portal"),
        ("decisions/uses_the_demo.py", "demo"),
    ],
)
def test_an_import_against_the_arrow_is_caught(tmp_path, module, imported):
    """A copy of the tree with one import against the arrow breaks a contract (the check can fail)."""
    copy = tmp_path / "tree"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".git", "var", "node_modules", "staticfiles", "media", "locale"),
    )
    (copy / module).write_text(f"import {imported}  # noqa: F401\n")
    result = lint_imports(copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
