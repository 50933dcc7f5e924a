"""The README's Layout section names every module and DDL file there is, and nothing that is not there."""

from __future__ import annotations

import re

from tests.helpers import PROJECT

from schemas import MODELS
from schemas.tables import FILE_MODELS

PACKAGES = ("flows", "transforms", "schemas", "warehouse", "benchmarks")


def layout_section() -> str:
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Layout\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def named_files(section: str) -> set[str]:
    return set(re.findall(r"`([\w<>]+\.(?:py|sql))`", section))


def test_every_module_and_ddl_file_is_in_the_layout_section():
    named = named_files(layout_section())
    models = {f"{name}.py" for name in (*MODELS, *FILE_MODELS)} - {"fetch_log.py"}
    missing = {
        f"{package}/{path.name}"
        for package in PACKAGES
        for path in (PROJECT / package).glob("*.py")
        if path.name != "__init__.py" and path.name not in named and path.name not in models
    }
    missing |= {f"warehouse/ddl/{p.name}" for p in (PROJECT / "warehouse" / "ddl").glob("*.sql") if p.name not in named}
    assert not missing, f"not in the README's Layout section: {sorted(missing)}"


def test_every_file_the_layout_section_names_exists():
    existing = {p.name for package in PACKAGES for p in (PROJECT / package).rglob("*") if p.suffix in (".py", ".sql")}
    ghosts = {name for name in named_files(layout_section()) if "<" not in name and name not in existing}
    assert not ghosts, f"the README's Layout section names files that are not there: {sorted(ghosts)}"
