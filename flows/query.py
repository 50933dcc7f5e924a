"""``ofsted-watch query`` and ``ofsted-watch export``: read-only commands over a published warehouse."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import duckdb

from flows import settings
from flows.input_files import mark_output_folder
from warehouse.catalogue import FORMATS, WarehouseMissing, export_parquet, open_read_only, output_inputs, read_catalogue, render, run_query
from warehouse.outputs import OutputRefused, check_output, write_output
from warehouse.session import OperationError


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


def one_line_failures(command):
    """A read-only command ends in one line naming what went wrong and what to do, never a traceback:
    a missing or foreign warehouse (exit 2), a locked or unreadable one, a folder it cannot write (exit 1)."""

    @functools.wraps(command)
    def run(args, out=None, err=None) -> int:
        err = err or sys.stderr
        name = command.__name__.removesuffix("_command")
        try:
            return command(args, out, err)
        except (WarehouseMissing, OperationError) as e:
            print(f"ofsted-watch {name}: {e}", file=err)
            return 2 if isinstance(e, WarehouseMissing) else 1
        except OSError as e:
            where = f" {e.filename}" if e.filename else ""
            print(f"ofsted-watch {name}: could not write{where} ({e.strerror or e}); nothing was written there. "
                  "Give --out a place you can write to", file=err)
            return 1
        except duckdb.Error as e:
            print(f"ofsted-watch {name}: DuckDB failed ({str(e).splitlines()[0]}); check --db and --out, then run again",
                  file=err)
            return 1

    return run


@one_line_failures
def query_command(args, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        catalogue = read_catalogue(settings.DEFAULTS.queries_dir)
    except ValueError as e:  # a query without its leading comment, a file that is not UTF-8
        print(f"ofsted-watch query: the query catalogue cannot be read: {e}. Fix that file, or point OFSTED_WATCH_QUERIES "
              "at another catalogue", file=err)
        return 2
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


@one_line_failures
def export_command(args, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    open_read_only(args.db).close()  # a missing, foreign or locked warehouse is told before the folder is made
    try:
        written = export_parquet(args.db, args.out, inputs=[settings.DEFAULTS.articles_dir])
    except (WarehouseMissing, OutputRefused) as e:
        print(str(e), file=err)
        return 2
    mark_output_folder(args.out)  # never read back as input, should it ever be given as one
    for name, rows in written.items():
        print(f"  {name + '.parquet':<36} {rows:>8} rows", file=out)
    print(f"{len(written)} files in {args.out}", file=out)
    return 0
