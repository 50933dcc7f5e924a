"""``ofsted-watch query`` and ``ofsted-watch export``: read-only commands over a published warehouse."""

from __future__ import annotations

import sys
from pathlib import Path

from flows import settings
from warehouse.catalogue import FORMATS, WarehouseMissing, export_parquet, output_inputs, read_catalogue, render, run_query
from warehouse.outputs import OutputRefused, check_output, write_output


def add_arguments(sub) -> None:
    q = sub.add_parser("query", help="run a named question from the query catalogue (queries/*.sql); --list shows them")
    q.add_argument("name", nargs="?", help="the query's name (its file name without .sql)")
    q.add_argument("--list", action="store_true", help="list the catalogue's queries and what each answers")
    q.add_argument("--db", type=Path, default=settings.DEFAULTS.db_path, help="warehouse file (default: warehouse/ofsted.duckdb)")
    q.add_argument("--format", choices=FORMATS, default="table", help="table (default), csv or json")
    q.add_argument("--out", type=Path, help="write the result to this file instead of the terminal")
    ex = sub.add_parser("export", help="write every dimension, fact and mart as Parquet files")
    ex.add_argument("--db", type=Path, default=settings.DEFAULTS.db_path, help="warehouse file (default: warehouse/ofsted.duckdb)")
    ex.add_argument("--out", type=Path, required=True, help="folder for the Parquet files (created if needed)")


def query_command(args, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    catalogue = read_catalogue(settings.DEFAULTS.queries_dir)
    if args.list:
        width = max(len(n) for n in catalogue)
        for q in catalogue.values():
            print(f"{q.name:<{width}}  {q.question}", file=out)
        return 0
    if not args.name:
        print("name a query (ofsted-watch query --list shows them)", file=err)
        return 2
    if args.name not in catalogue:
        print(f"no query named {args.name!r} in {settings.DEFAULTS.queries_dir}; ofsted-watch query --list shows them", file=err)
        return 2
    try:
        if args.out:  # before the query runs: a result must never land on the warehouse, an input or a file not ours
            check_output(args.out, warehouse=args.db, inputs=[settings.DEFAULTS.articles_dir, *output_inputs(args.db)])
        result = run_query(args.db, catalogue[args.name])
    except (WarehouseMissing, OutputRefused) as e:
        print(str(e), file=err)
        return 2
    text = render(result, args.format)
    if args.out:
        write_output(args.out, text.encode("utf-8"))
        print(f"{args.name}: {result.height} rows -> {args.out}", file=err)
    else:
        out.write(text)
    return 0


def export_command(args, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        written = export_parquet(args.db, args.out, inputs=[settings.DEFAULTS.articles_dir])
    except (WarehouseMissing, OutputRefused) as e:
        print(str(e), file=err)
        return 2
    for name, rows in written.items():
        print(f"  {name + '.parquet':<36} {rows:>8} rows", file=out)
    print(f"{len(written)} files in {args.out}", file=out)
    return 0
