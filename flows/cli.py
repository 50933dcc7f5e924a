"""Command line: ``ofsted-watch ingest | quality | eval | query | export | server | serve | bench``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from flows import settings


def print_ingest_summary(summary: dict, out=None) -> None:
    out = out or sys.stdout
    print(f"warehouse: {summary['db_path']}", file=out)
    print(f"input:     {summary['input_dir']}", file=out)
    print(
        "files: {files_seen} read, {files_new} new, {files_changed} changed, {files_unchanged} unchanged, "
        "{files_duplicate} duplicate, {files_rejected} rejected, {files_missing} missing".format(**summary),
        file=out,
    )
    for r in summary["rejected"]:
        print(f"  rejected {r['file'] or '-'} ({r['table']}): {r['reason']}", file=out)
    print("rows per table (written this run / total):", file=out)
    for table, total in summary["table_rows"].items():
        print(f"  {table:<24} {summary['rows_written'].get(table, 0):>7} / {total}", file=out)
    print("seconds per stage: " + ", ".join(f"{k} {v}" for k, v in summary["stage_seconds"].items()), file=out)


def print_quality_summary(dq: dict, out=None) -> None:
    out = out or sys.stdout
    print(f"quality: {dq['expectations']} expectations, {dq['failed']} failed; report: {dq['report_path']}", file=out)
    for f in dq["failures"]:
        column = f".{f['column_name']}" if f["column_name"] else ""
        print(f"  FAILED {f['suite']}: {f['expectation']} on {f['table_name']}{column} ({f['unexpected_count'] or 0} rows)", file=out)


def run_server(port: int) -> int:
    """Replaces this process with `prefect server start` bound to 127.0.0.1."""
    prefect = Path(sys.executable).with_name("prefect")
    cmd = [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    print(f"Prefect server: http://127.0.0.1:{port} (state in {os.environ['PREFECT_HOME']})", flush=True)
    os.execv(cmd[0], cmd)
    return 0  # not reached


def serve(args) -> int:
    """Registers the deployment and runs its scheduled flow runs until interrupted."""
    import urllib.request

    api = os.environ.setdefault("PREFECT_API_URL", f"http://127.0.0.1:{settings.PREFECT_PORT}/api")
    try:
        urllib.request.urlopen(f"{api}/health", timeout=5).read()
    except OSError as err:
        print(f"no Prefect server answers at {api} ({err}); start one with `ofsted-watch server` "
              "or set PREFECT_API_URL", file=sys.stderr)
        return 2
    from flows.pipeline import ingest_and_quality_flow

    args.inbox.mkdir(parents=True, exist_ok=True)
    schedule = {"cron": args.cron} if args.cron else {"interval": args.interval}
    print(f"serving '{ingest_and_quality_flow.name}/{args.name}' on {api}: inbox {args.inbox.resolve()}, "
          f"{'cron ' + args.cron if args.cron else f'every {args.interval:g}s'}", flush=True)
    ingest_and_quality_flow.serve(
        name=args.name,
        parameters={"input_dir": str(args.inbox.resolve()), "db_path": str(args.db.resolve()), "report_dir": str(args.report.resolve())},
        # One run at a time: a schedule shorter than a run would otherwise stack runs up behind the
        # warehouse's run lock, and the quality step of the first could wait behind all the others.
        limit=1,
        **schedule,
    )
    return 0


def add_runner_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runner", choices=settings.RUNNERS, default=settings.RUNNER,
                        help="where each batch is cleaned and extracted: sequential (this process) or dask (a dask.distributed cluster)")
    parser.add_argument("--dask-address", help="scheduler of an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (default: start a local one)")
    parser.add_argument("--dask-workers", type=int, default=settings.DASK_WORKERS, help="worker processes of the local Dask cluster (default: cores)")


def runner_parameters(args) -> dict:
    if args.dask_address and args.runner != "dask":
        raise SystemExit("--dask-address needs --runner dask")
    return {"runner": args.runner, "dask_address": args.dask_address, "dask_workers": args.dask_workers}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ofsted-watch", description="News about Ofsted visits of children's services, as a DuckDB warehouse.")
    sub = parser.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="run the ingest flow on every *.txt under --input")
    ing.add_argument("--input", type=Path, default=settings.ARTICLES_DIR, help="folder of raw article files (default: seeds/articles)")
    ing.add_argument("--db", type=Path, default=settings.DEFAULT_DB_PATH, help="warehouse file (default: warehouse/ofsted.duckdb)")
    ing.add_argument("--max-file-bytes", type=int, default=settings.MAX_FILE_BYTES, help="files larger than this are rejected unread")
    ing.add_argument("--batch-size", type=int, default=settings.BATCH_SIZE, help="articles per batch: memory follows this, not the corpus")
    ing.add_argument("--report", type=Path, default=settings.DEFAULT_REPORT_DIR, help="folder for the data-quality report (default: report/)")
    add_runner_arguments(ing)
    ing.add_argument("--no-quality", action="store_true", help="skip the quality flow after the ingest")
    ing.add_argument("--json", action="store_true", help="print the summary as JSON")

    qa = sub.add_parser("quality", help="run the data-quality checks and write the HTML report")
    qa.add_argument("--db", type=Path, default=settings.DEFAULT_DB_PATH, help="warehouse file (default: warehouse/ofsted.duckdb)")
    qa.add_argument("--report", type=Path, default=settings.DEFAULT_REPORT_DIR, help="folder for the report (default: report/)")
    qa.add_argument("--max-row-drop", type=float, default=settings.MAX_ROW_DROP, help="fail a table that lost more than this share of its rows")

    ev = sub.add_parser("eval", help="ingest into a temporary warehouse and score against gold files")
    ev.add_argument("--gold", type=Path, required=True, help="folder of gold JSON files")
    ev.add_argument("--input", type=Path, default=settings.ARTICLES_DIR, help="folder of raw article files (default: seeds/articles)")

    srv = sub.add_parser("server", help="start a local Prefect server (API and UI) on 127.0.0.1, state under .state/")
    srv.add_argument("--port", type=int, default=settings.PREFECT_PORT)

    sv = sub.add_parser("serve", help="serve the ingest-and-quality flow on a schedule against a Prefect server")
    sv.add_argument("--inbox", type=Path, required=True, help="folder new articles are dropped into")
    sv.add_argument("--db", type=Path, default=settings.DEFAULT_DB_PATH)
    sv.add_argument("--report", type=Path, default=settings.DEFAULT_REPORT_DIR)
    when = sv.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", help='cron schedule, e.g. "0 6 * * *" (06:00 every day)')
    when.add_argument("--interval", type=float, help="run every N seconds")
    sv.add_argument("--name", default="inbox", help="deployment name (default: inbox)")

    bn = sub.add_parser("bench", help="benchmark the ingest on a generated corpus (made once, cached)")
    bn.add_argument("--articles", type=int, required=True)
    bn.add_argument("--batch-size", type=int, default=settings.BATCH_SIZE)
    bn.add_argument("--naive-subset", type=int, default=200, help="articles the naive baseline runs on (its time is scaled)")
    add_runner_arguments(bn)

    from flows import query as query_cli

    query_cli.add_arguments(sub)

    args = parser.parse_args(argv)
    if args.command == "query":
        return query_cli.query_command(args)
    if args.command == "export":
        return query_cli.export_command(args)
    settings.configure_prefect_environment()
    if args.command == "ingest":
        if args.no_quality:
            from flows.ingest import ingest_flow

            result = {"ingest": ingest_flow(input_dir=args.input, db_path=args.db, max_file_bytes=args.max_file_bytes, batch_size=args.batch_size,
                                            **runner_parameters(args))}
        else:
            from flows.pipeline import ingest_and_quality_flow

            result = ingest_and_quality_flow(input_dir=args.input, db_path=args.db, report_dir=args.report,
                                             max_file_bytes=args.max_file_bytes, batch_size=args.batch_size, **runner_parameters(args))
        if args.json:
            print(json.dumps(result, indent=2, default=str))
        else:
            print_ingest_summary(result["ingest"])
            if "quality" in result:
                print_quality_summary(result["quality"])
        return 0
    if args.command == "quality":
        from flows.quality import quality_flow

        print_quality_summary(quality_flow(db_path=args.db, report_dir=args.report, max_row_drop=args.max_row_drop))
        return 0
    if args.command == "server":
        return run_server(args.port)
    if args.command == "serve":
        return serve(args)
    if args.command == "bench":
        from benchmarks.bench import print_table, run

        print_table(run(args.articles, args.batch_size, args.naive_subset, **runner_parameters(args)))
        return 0
    if args.command == "eval":
        from flows.evaluate import eval_flow

        if not args.gold.is_dir():
            parser.error(f"--gold {args.gold} is not a folder")
        print(json.dumps(eval_flow(gold_dir=args.gold, input_dir=args.input), indent=2, ensure_ascii=False, default=str))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
