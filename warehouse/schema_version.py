"""Schema versions: forward migrations from warehouse/migrations/NNN_name.sql, recorded in schema_version.

``warehouse/ddl/*.sql`` always describes the newest schema (CREATE ... IF NOT EXISTS and every
COMMENT ON). A new warehouse is made from it directly and recorded at the newest version. An older
warehouse first runs, in order and each in its own transaction, the migrations above its version,
then the DDL (new tables, comments, views). A warehouse made before schema_version existed is at
version 1 or later, so every migration is written to apply to any earlier schema (``ADD COLUMN IF
NOT EXISTS``, ``CREATE TABLE IF NOT EXISTS``, ``ALTER TABLE IF EXISTS`` for a table the DDL makes
later) and all of them run. A migration that fails is rolled back whole and its error names it.

To change the schema: edit the DDL and add the next numbered migration that brings an existing
warehouse to it (tests/test_reliability_operations.py builds warehouses of every earlier version from
tests/fixtures/schemas/ and checks each migrates to the schema the DDL makes).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from warehouse.session import OperationError, roll_back

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE_DDL = "01_schema_version.sql"


class WarehouseTooNew(OperationError):
    """The warehouse was made by a newer Ofsted Watch than this one."""


def migrations(folder: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    found = []
    for path in folder.glob("*.sql"):
        match = re.match(r"(\d+)_", path.name)
        if match is None:
            raise ValueError(f"migration {path} must be named NNN_description.sql")
        found.append((int(match.group(1)), path))
    found.sort()
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise ValueError(f"migrations in {folder} must be numbered 1, 2, 3, ... without gaps or repeats: {numbers}")
    return found


def latest_version() -> int:
    return len(migrations())


def current_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The warehouse's schema version; None when it has no schema_version table or no row in it."""
    held = con.sql("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                   "AND schema_name = 'main' AND table_name = 'schema_version'").fetchall()[0][0]
    if not held:
        return None
    return con.sql("SELECT max(version) FROM schema_version").fetchall()[0][0]


def _is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    return con.sql("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                   "AND table_name <> 'schema_version'").fetchall()[0][0] == 0


def _run_script(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    body = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--")).strip()
    if body:
        con.execute(body)


def migrate(con: duckdb.DuckDBPyConnection, ddl_dir: Path, folder: Path = MIGRATIONS_DIR) -> list[int]:
    """Brings the warehouse to the newest schema; returns the versions migrated (empty when none)."""
    steps = migrations(folder)
    latest = len(steps)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    fresh = _is_empty(con)
    version = current_version(con)
    if version is not None and version > latest:
        raise WarehouseTooNew(f"the warehouse's schema is version {version}, newer than this Ofsted Watch knows (up to "
                              f"{latest}); use the release that made it, or a newer one. Nothing was changed.")
    _run_script(con, (ddl_dir / VERSION_TABLE_DDL).read_text(encoding="utf-8"))
    applied: list[int] = []
    if version is None and fresh:
        with _one_transaction(con):
            _run_ddl(con, ddl_dir)
            con.executemany("INSERT INTO schema_version VALUES (?, ?, ?, 'created')", [(n, p.name, now) for n, p in steps])
        return applied
    start = 1 if version is None else version  # made before versioning: at version 1 or later
    for number, path in steps:
        if number <= start and version is not None:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            _run_script(con, path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_version VALUES (?, ?, ?, 'migrated')", [number, path.name, now])
            con.execute("COMMIT")
        except BaseException as err:
            roll_back(con, err)
            # DuckDB's message names the column and value but not the step: say which, and that it is undone.
            left_at = applied[-1] if applied else version
            err.add_note(f"while migrating the warehouse to schema version {number} ({path.name}): that migration was "
                         f"rolled back; the warehouse is left at " + (f"version {left_at}" if left_at else "the version it had"))
            raise
        applied.append(number)
    with _one_transaction(con):
        _run_ddl(con, ddl_dir)
    return applied


def _run_ddl(con: duckdb.DuckDBPyConnection, ddl_dir: Path) -> None:
    for sql_file in sorted(ddl_dir.glob("*.sql")):
        _run_script(con, sql_file.read_text(encoding="utf-8"))


@contextmanager
def _one_transaction(con: duckdb.DuckDBPyConnection):
    """The DDL's ~400 statements (every COMMENT ON among them) in one commit, not one each: every run
    applies them, and each commit waited for the disk (1.3 s against 0.3 s on a busy machine)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException as err:
        roll_back(con, err)
        raise
