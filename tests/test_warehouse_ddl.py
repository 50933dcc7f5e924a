"""The DDL (warehouse/ddl/*.sql) states the current model only, one object per place: history is in
warehouse/migrations, and every table's or view's comments stand beside its CREATE."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PROJECT

DDL = PROJECT / "warehouse" / "ddl"
CREATED = re.compile(r"^CREATE (?:OR REPLACE )?(?:TABLE|VIEW)(?: IF NOT EXISTS)? ([\w.]+)", re.M)
COMMENTED = re.compile(r"^COMMENT ON (TABLE|VIEW|COLUMN) ([\w.]+) IS ", re.M)
# Statements that change what is already there belong in a numbered migration, not in the DDL.
MIGRATION_STATEMENT = re.compile(r"^\s*(ALTER|DROP|UPDATE|DELETE|INSERT|TRUNCATE)\b", re.I | re.M)


def _without_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))


@pytest.mark.parametrize("path", sorted(DDL.glob("*.sql")), ids=lambda p: p.name)
def test_the_ddl_holds_no_migration_statements(path):
    found = MIGRATION_STATEMENT.findall(_without_comments(path.read_text(encoding="utf-8")))
    assert found == [], f"{path.name}: move {found} into a warehouse/migrations/NNN_*.sql file"


def test_each_object_is_created_once_and_commented_where_it_is_created():
    created: dict[str, str] = {}
    for path in sorted(DDL.glob("*.sql")):
        for name in CREATED.findall(path.read_text(encoding="utf-8")):
            assert name not in created, f"{name} is created in both {created[name]} and {path.name}"
            created[name] = path.name
    for path in sorted(DDL.glob("*.sql")):
        for kind, target in COMMENTED.findall(path.read_text(encoding="utf-8")):
            owner = target.rsplit(".", 1)[0] if kind == "COLUMN" else target  # a column is named table.column
            assert owner in created, f"{path.name}: comment on {target}, which no DDL file creates"
            assert created[owner] == path.name, f"{path.name}: comment on {target}, which {created[owner]} creates"


def test_operations_stand_apart_from_the_facts():
    facts = (DDL / "40_facts.sql").read_text(encoding="utf-8")
    operations = (DDL / "60_operations.sql").read_text(encoding="utf-8")
    assert set(CREATED.findall(facts)) == {"fct_visit", "fct_visit_focus", "fct_person_mention", "fct_quote", "fct_finding",
                                           "fct_inspection"}
    assert set(CREATED.findall(operations)) == {"etl_run", "rejected_rows", "visit_event_build", "dq_run", "dq_result"}
