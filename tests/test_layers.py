"""The layers import downwards only: flows -> warehouse -> transforms -> schemas, settings beside the flows.

A lower layer that imports a higher one (a schema reading the flows' settings, a transform reaching
into the warehouse) ties the pure code to the runtime and makes a cycle waiting to happen.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import PROJECT

# What each package may not import (any import statement, at module level or inside a function).
FORBIDDEN = {
    "schemas": {"flows", "warehouse", "transforms", "prefect"},
    "transforms": {"flows", "warehouse", "prefect"},
    "warehouse": {"flows", "prefect"},
}
PROJECT_PACKAGES = {"flows", "warehouse", "transforms", "schemas", "benchmarks", "tests"}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_lower_layers_never_import_higher_ones(package):
    offenders = {
        f"{path.relative_to(PROJECT)} imports {', '.join(sorted(bad))}"
        for path in sorted((PROJECT / package).rglob("*.py"))
        if (bad := imported_packages(path) & FORBIDDEN[package])
    }
    assert not offenders, "\n".join(sorted(offenders))


def test_the_settings_module_imports_nothing_of_the_project():
    assert not imported_packages(PROJECT / "flows" / "settings.py") & PROJECT_PACKAGES


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from flows.settings import DEFAULTS\n    import transforms.rules as r\n", encoding="utf-8")
    assert imported_packages(module) == {"flows", "transforms"}
