"""The layers of docs/architecture.md hold: import-linter's contracts (pyproject.toml) pass on
the tree, and an import that breaks them fails with the offending chain."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "root_packages"
]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(cwd / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def copy_of_the_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(ROOT / "pyproject.toml", tree)
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tree


def test_the_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    "module, added_import, chain",
    [
        # Housing code reaching referral code, directly: the product's first principle.
        ("placements/services.py", "import referrals.models", "placements.services -> referrals"),
        # ... or through another module: the reaction layer is above housing too.
        ("placements/models.py", "import reminders.services", "placements.models -> reminders"),
        # The core knows no app.
        ("housingfirst/people.py", "import clients.models", "housingfirst.people -> clients"),
        # clients knows only the core.
        ("clients/access.py", "import placements.selectors", "clients.access -> placements"),
    ],
)
def test_a_wrong_import_fails_with_its_chain(tmp_path, module, added_import, chain):
    tree = copy_of_the_tree(tmp_path)
    source = tree / module
    source.write_text(source.read_text() + f"\n{added_import}  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and chain in result.stdout, result.stdout
