"""The query catalogue (queries/*.sql) and the Parquet export: read-only uses of a published warehouse.

Both refuse a warehouse file that does not exist rather than let DuckDB create an empty one, and
open it read-only: they never hold the write lock a run would need (runs write a copy anyway).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Iterable

import duckdb
import polars as pl

from warehouse import session
from warehouse.sql_names import quote_name
from warehouse.outputs import check_output, record_output, recorded_inputs

# Every dimension, fact and mart an analyst may want outside DuckDB; staging and raw stay inside. The
# deprecated v_* aliases of the marts are exported too, so files consumers already read keep appearing.
EXPORT_PATTERNS = ("dim_", "fct_", "mart_", "v_")
FORMATS = ("table", "csv", "json")


class WarehouseMissing(FileNotFoundError):
    """The warehouse file named does not exist."""


class UnknownQuery(KeyError):
    """No query of that name in the catalogue."""


@dataclass(frozen=True)
class CatalogueQuery:
    name: str
    question: str
    description: str
    sql: str
    path: Path


def read_catalogue(directory: Path) -> dict[str, CatalogueQuery]:
    """Each *.sql file is one query, named after the file; its leading ``--`` lines say what it answers
    (the first line the question, the rest how it is counted)."""
    out = {}
    for path in sorted(Path(directory).glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        comments = []
        for line in text.splitlines():
            if not line.startswith("--"):
                break
            comments.append(line.removeprefix("--").strip())
        if not comments:
            raise ValueError(f"{path}: a catalogue query must open with a comment saying what it answers")
        out[path.stem] = CatalogueQuery(path.stem, comments[0], " ".join(comments[1:]), text, path)
    return out


def open_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection; a missing, foreign or locked file is refused with what to do."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise WarehouseMissing(f"no warehouse at {db_path}: run `ofsted-watch ingest --db {db_path}` first, or pass --db PATH")
    session.check_is_warehouse(db_path)  # a foreign file is named as one, before DuckDB reads it
    try:
        return duckdb.connect(str(db_path), read_only=True)
    except duckdb.IOException as err:
        if "lock" in str(err).lower():
            raise session.WarehouseInUse(
                f"another process holds the warehouse {db_path} open read-write ({str(err).splitlines()[0]}); nothing was "
                "read. Run again when it has finished (runs never hold it: an analyst's read-write connection does; "
                "open it with read_only=True)") from None
        raise session.WarehouseDamaged(f"the warehouse {db_path} cannot be read ({str(err).splitlines()[0]}); nothing was read. "
                                       "Restore it from a backup, or rebuild it with `ofsted-watch ingest`") from None


def run_query(db_path: Path, query: CatalogueQuery) -> pl.DataFrame:
    con = open_read_only(db_path)
    try:
        return con.sql(query.sql).pl()
    finally:
        con.close()


def render(frame: pl.DataFrame, fmt: str) -> str:
    """The result as an aligned text table, CSV (nested values as JSON) or a JSON array of objects."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    rows = frame.rows(named=True)
    if fmt == "json":
        return json.dumps(rows, default=_json_default, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(frame.columns)
        for r in rows:
            writer.writerow([_cell(v, for_csv=True) for v in r.values()])
        return buf.getvalue()
    cells = [[_cell(v) for v in r.values()] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(frame.columns)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()  # noqa: E731
    out = [line(frame.columns), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({frame.height} row{'s' if frame.height != 1 else ''})")
    return "\n".join(out) + "\n"


def _cell(v, for_csv: bool = False) -> str:
    if v is None:
        return "" if for_csv else "NULL"
    if isinstance(v, (list, dict)):
        return json.dumps(v, default=_json_default, ensure_ascii=False)
    return str(v)


def _json_default(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return str(v)


def exportable(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The default schema's dimensions, facts and views, by name."""
    names = con.sql(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' "
        "UNION SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal"
    ).fetchall()
    return sorted(n for (n,) in names if n.startswith(EXPORT_PATTERNS))


def export_parquet(db_path: Path, out_dir: Path, inputs: Iterable[Path] = ()) -> dict[str, int]:
    """Writes each dimension, fact and mart to ``out_dir/<name>.parquet`` with DuckDB's COPY; returns rows per file.
    Refused (outputs.OutputRefused) before anything is written when ``out_dir`` or a file it would write is the
    warehouse, inside an input folder (``inputs`` and those the warehouse's runs read) or a file the project did not write."""
    con = open_read_only(db_path)
    out_dir = Path(out_dir)
    written = {}
    try:
        names = exportable(con)
        check_output(out_dir, warehouse=Path(db_path), inputs=[*inputs, *recorded_inputs(con)], writes=[f"{n}.parquet" for n in names])
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            target = out_dir / f"{name}.parquet"
            tmp = target.with_name(target.name + ".part")
            con.execute(f"COPY (SELECT * FROM {quote_name(name)}) TO '{_sql_string(tmp)}' (FORMAT parquet, COMPRESSION zstd)")
            tmp.replace(target)  # a reader never sees half a file
            record_output(target)
            written[name] = con.sql(f"SELECT count(*) FROM {quote_name(name)}").fetchall()[0][0]
    finally:
        con.close()
    return written


def output_inputs(db_path: Path) -> list[Path]:
    """The input folders the warehouse's runs have read, for the output guard of a result written elsewhere."""
    con = open_read_only(db_path)
    try:
        return recorded_inputs(con)
    finally:
        con.close()


def _sql_string(path: Path) -> str:
    return str(path).replace("'", "''")
