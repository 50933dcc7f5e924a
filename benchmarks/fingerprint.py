"""Every table's row count and checksum, so two builds of the warehouse can be compared.

A restructuring of the code must leave the warehouse as it was: build it from the same input before
and after, and compare the two fingerprints. Columns that differ on every run by nature (run ids,
clock times, file stat signatures, durations) are left out of the checksum and named in its line.

    python -m benchmarks.fingerprint WAREHOUSE.duckdb [OTHER.duckdb]
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import duckdb

VOLATILE = re.compile(r"(^|_)run_id$|_at$|^stat_signature$|^stage_seconds$|^report_path$|^dq_run_id$|^applied_at$")


def _canonical(value):
    """A JSON object's keys in order: the same data whichever order a run wrote them in."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            return value
    return value


def fingerprint(db_path: Path) -> dict[str, tuple[int, str, list[str]]]:
    """table -> (rows, sha256 of the rows sorted as text, columns left out)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        tables = con.sql(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY ALL"
        ).fetchall()
        out = {}
        for schema, table in tables:
            columns = [c for (c,) in con.sql(
                f"SELECT column_name FROM duckdb_columns() WHERE schema_name = '{schema}' AND table_name = '{table}' "
                "AND database_name = current_database() ORDER BY column_index"
            ).fetchall()]
            kept = [c for c in columns if not VOLATILE.search(c)]
            rows = con.sql(f'SELECT {", ".join(f"CAST({chr(34)}{c}{chr(34)} AS VARCHAR)" for c in kept) or "1"} FROM {schema}.{table}').fetchall()
            digest = hashlib.sha256("\n".join(sorted(repr(tuple(map(_canonical, r))) for r in rows)).encode("utf-8")).hexdigest()[:16]
            out[f"{schema}.{table}"] = (len(rows), digest, [c for c in columns if c not in kept])
        return out
    finally:
        con.close()


def main(argv: list[str]) -> int:
    prints = [fingerprint(Path(p)) for p in argv]
    names = sorted(set().union(*prints))
    differ = 0
    for name in names:
        cells = [p.get(name) for p in prints]
        shown = ["-" if c is None else f"{c[0]:>7} {c[1]}" for c in cells]
        same = len({None if c is None else c[:2] for c in cells}) == 1
        differ += not same
        left_out = next((c[2] for c in cells if c and c[2]), [])
        print(f"{'  ' if same else '!='} {name:<40} " + "   ".join(shown) + (f"   (without {', '.join(left_out)})" if left_out else ""))
    if len(prints) > 1:
        print(f"{differ} of {len(names)} tables differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
