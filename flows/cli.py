"""Command line: ``ofsted-watch ingest | quality | site | eval | query | export | server | serve | bench``."""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path

from flows import settings
from flows.prefect_env import configure_prefect_environment


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


def print_fetch_summary(result: dict, out=None) -> None:
    out = out or sys.stdout
    print(f"inbox: {result['inbox']}  (log: {result['log']})", file=out)
    print("fetch: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in result["counts"].items() if n), file=out)
    for s in result["skipped"]:
        print(f"  skipped {s['url']}: {s['reason']}", file=out)
    for f in result["failures"]:
        print(f"  FAILED {f['url']}: {f['reason']}", file=out)


def print_quality_summary(dq: dict, out=None) -> None:
    out = out or sys.stdout
    print(f"quality: {dq['expectations']} expectations, {dq['failed']} failed; report: {dq['report_path']}", file=out)
    for f in dq["failures"]:
        column = f".{f['column_name']}" if f["column_name"] else ""
        print(f"  FAILED {f['suite']}: {f['expectation']} on {f['table_name']}{column} ({f['unexpected_count'] or 0} rows)", file=out)


def print_site_summary(site: dict, out=None) -> None:
    print(f"site: {site['site_dir']}/index.html ({site['authority_pages']} authority pages, {site['files']} files, {site['seconds']} s)",
          file=out or sys.stdout)


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

    api = os.environ.setdefault("PREFECT_API_URL", f"http://127.0.0.1:{settings.DEFAULTS.prefect_port}/api")
    try:
        urllib.request.urlopen(f"{api}/health", timeout=5).read()
    except OSError as err:
        print(f"no Prefect server answers at {api} ({err}); start one with `ofsted-watch server` "
              "or set PREFECT_API_URL", file=sys.stderr)
        return 2
    from flows.pipeline import fetch_ingest_and_quality_flow, ingest_and_quality_flow

    args.inbox.mkdir(parents=True, exist_ok=True)
    schedule = {"cron": args.cron} if args.cron else {"interval": args.interval}
    parameters = {"input_dir": str(args.inbox.resolve()), "db_path": str(args.db.resolve()), "report_dir": str(args.report.resolve())}
    if args.site:
        parameters["site_dir"] = str(args.site.resolve())
    served_flow = ingest_and_quality_flow
    if args.sources:
        # fetch -> ingest -> quality as one deployment.
        served_flow = fetch_ingest_and_quality_flow
        parameters |= {"sources_path": str(args.sources.resolve()), "contact": args.fetch_contact}
    print(f"serving '{served_flow.name}/{args.name}' on {api}: inbox {args.inbox.resolve()}, "
          f"{'cron ' + args.cron if args.cron else f'every {args.interval:g}s'}", flush=True)
    served_flow.serve(
        name=args.name,
        parameters=parameters,
        # One run at a time: a schedule shorter than a run would otherwise stack runs up behind the
        # warehouse's run lock, and the quality step of the first could wait behind all the others.
        limit=1,
        **schedule,
    )
    return 0


# Options that set a field of the settings object: their dest is the field's name, so that the values
# given are checked by the settings' own checks (settings.checked) and an error names the option.
SETTING_OPTIONS: dict[str, str] = {}


def add_setting(parser: argparse.ArgumentParser, option: str, field: str, **kwargs) -> None:
    """An option that sets the settings' ``field`` (its default being the settings' value)."""
    SETTING_OPTIONS[field] = option
    parser.add_argument(option, dest=field, default=getattr(settings.DEFAULTS, field), **kwargs)


def add_runner_arguments(parser: argparse.ArgumentParser) -> None:
    add_setting(parser, "--runner", "runner", choices=settings.RUNNERS,
                help="where each batch is cleaned and extracted: sequential (this process) or dask (a dask.distributed cluster)")
    parser.add_argument("--dask-address", help="scheduler of an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (default: start a local one)")
    add_setting(parser, "--dask-workers", "dask_workers", type=int, help="worker processes of the local Dask cluster (default: cores)")
    add_setting(parser, "--transform-processes", "transform_processes", type=int,
                help="with the sequential runner, processes that share each batch's extraction (default: cores, at most 4; 1: this one only)")


def runner_parameters(args) -> dict:
    if args.dask_address and args.runner != "dask":
        raise SystemExit("--dask-address needs --runner dask")
    return {"runner": args.runner, "dask_address": args.dask_address, "dask_workers": args.dask_workers,
            "transform_processes": args.transform_processes}


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def positive_seconds(text: str) -> float:
    """A number of seconds for an option that is not a setting (serve --interval): finite and above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds above 0, not {text}")
    return value


def check_arguments(args, parser: argparse.ArgumentParser) -> None:
    """The one check of what the command line gives, before anything runs: every option that sets a
    setting passes the settings' own checks, together with the environment; a sources file is read.
    A bad value ends the program with exit 2 and a line naming the option (or variable)."""
    given = {field: getattr(args, field) for field in SETTING_OPTIONS if hasattr(args, field)}
    try:
        settings.checked(given, SETTING_OPTIONS)
    except settings.InvalidSettings as err:
        parser.exit(2, f"{parser.prog} {args.command}: not a valid setting:\n" + "\n".join(f"  {p}" for p in err.problems) + "\n")
    sources = getattr(args, "sources", None)
    if sources is not None:
        from transforms.feeds import load_sources

        if not sources.is_file():
            parser.exit(2, f"{parser.prog} {args.command}: --sources {sources} is not a file\n")
        try:
            load_sources(sources)  # a broken sources file is told before any flow starts
        except ValueError as err:
            parser.exit(2, f"{parser.prog} {args.command}: --sources: {err}\n")


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ofsted-watch")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ofsted-watch", description="News about Ofsted visits of children's services, as a DuckDB warehouse.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="run the ingest flow on every .txt, .html, .htm and .pdf under --input")
    ing.add_argument("--input", type=Path, default=settings.DEFAULTS.articles_dir, help="folder of raw article files (default: seeds/articles)")
    ing.add_argument("--db", type=Path, default=settings.DEFAULTS.db_path, help="warehouse file (default: warehouse/ofsted.duckdb)")
    add_setting(ing, "--max-file-bytes", "max_file_bytes", type=int, help="files larger than this are rejected unread")
    add_setting(ing, "--batch-size", "batch_size", type=positive_int, help="articles per batch: the batches' memory follows this, not the corpus")
    ing.add_argument("--report", type=Path, default=settings.DEFAULTS.report_dir, help="folder for the data-quality report (default: report/)")
    ing.add_argument("--site", type=Path, help="folder for the briefing site (default: site/ beside the report folder)")
    add_runner_arguments(ing)
    add_setting(ing, "--lock-wait", "lock_wait_seconds", type=float,
                help="seconds to wait for another run (or a read-write connection) to finish before giving up (default: 600)")
    ing.add_argument("--no-quality", action="store_true", help="skip the quality flow and the site after the ingest")
    ing.add_argument("--json", action="store_true", help="print the summary as JSON")

    qa = sub.add_parser("quality", help="run the data-quality checks and write the HTML report")
    qa.add_argument("--db", type=Path, default=settings.DEFAULTS.db_path, help="warehouse file (default: warehouse/ofsted.duckdb)")
    qa.add_argument("--report", type=Path, default=settings.DEFAULTS.report_dir, help="folder for the report (default: report/)")
    add_setting(qa, "--lock-wait", "lock_wait_seconds", type=float,
                help="seconds to wait for another run (or a read-write connection) to finish before giving up (default: 600)")
    add_setting(qa, "--max-row-drop", "max_row_drop", type=float, help="fail a table that lost more than this share of its rows (0 to 1)")

    st = sub.add_parser("site", help="write the briefing site (static HTML, readable offline) from the warehouse")
    st.add_argument("--db", type=Path, default=settings.DEFAULTS.db_path, help="warehouse file (default: warehouse/ofsted.duckdb)")
    st.add_argument("--out", type=Path, default=settings.DEFAULTS.site_dir, help="folder the site replaces in one swap (default: site/)")

    ev = sub.add_parser("eval", help="ingest into a temporary warehouse and score against gold files")
    ev.add_argument("--gold", type=Path, required=True, help="folder of gold JSON files")
    ev.add_argument("--input", type=Path, default=settings.DEFAULTS.articles_dir, help="folder of raw article files (default: seeds/articles)")
    ev.add_argument("--events", type=Path, help="events.json: which gold visits report the same real visit (default: events.json beside the gold folder; absent, no events score)")
    ev.add_argument("--parts", help='score the set also in parts by the item code leading each file name, as ranges: "dA-dC,dD-dF" (default: one part per code)')

    srv = sub.add_parser("server", help="start a local Prefect server (API and UI) on 127.0.0.1, state under .state/")
    add_setting(srv, "--port", "prefect_port", type=int)

    sv = sub.add_parser("serve", help="serve the ingest-and-quality flow on a schedule against a Prefect server")
    sv.add_argument("--inbox", type=Path, required=True, help="folder new articles are dropped into")
    sv.add_argument("--db", type=Path, default=settings.DEFAULTS.db_path)
    sv.add_argument("--report", type=Path, default=settings.DEFAULTS.report_dir)
    sv.add_argument("--site", type=Path, help="folder for the briefing site (default: site/ beside the report folder)")
    when = sv.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", help='cron schedule, e.g. "0 6 * * *" (06:00 every day)')
    when.add_argument("--interval", type=positive_seconds, help="run every N seconds")
    sv.add_argument("--name", default="inbox", help="deployment name (default: inbox)")
    sv.add_argument("--sources", type=Path, help="sources.toml: fetch its feeds and URLs into the inbox before each ingest")
    add_setting(sv, "--contact", "fetch_contact", help="email or URL named in the fetch's User-Agent")

    ft = sub.add_parser("fetch", help="download new entries of the feeds and URLs in a sources file into an inbox folder")
    ft.add_argument("--sources", type=Path, required=True, help="sources.toml listing [[feed]] and [[url]] entries")
    ft.add_argument("--inbox", type=Path, required=True, help="folder the fetched files go to (ingest --input reads it)")
    add_setting(ft, "--contact", "fetch_contact", help="email or URL named in the User-Agent (or OFSTED_WATCH_CONTACT)")
    add_setting(ft, "--timeout", "fetch_timeout_seconds", type=float, help="seconds a request may take in all (connecting, headers and body)")
    add_setting(ft, "--max-bytes", "fetch_max_bytes", type=int, help="larger bodies are abandoned and recorded")
    add_setting(ft, "--min-interval", "fetch_min_interval_seconds", type=float, help="seconds between requests to one host")
    add_setting(ft, "--retries", "fetch_retries", type=int, help="retries of timeouts, 5xx and 429, with exponential backoff")
    ft.add_argument("--json", action="store_true", help="print the summary as JSON")

    bn = sub.add_parser("bench", help="benchmark the ingest on a generated corpus (made once, cached)")
    bn.add_argument("--articles", type=positive_int, help="articles of the generated corpus (the full benchmark)")
    bn.add_argument("--parsing", action="store_true", help="only web-page and PDF parsing: MB/s, extractor comparison, metadata agreement")
    bn.add_argument("--gold", type=Path, default=settings.DEFAULTS.home.parent / "shared" / "gold", help="gold files for --parsing")
    add_setting(bn, "--batch-size", "batch_size", type=positive_int)
    bn.add_argument("--naive-subset", type=positive_int, default=200, help="articles the naive baseline runs on (its time is scaled)")
    add_runner_arguments(bn)

    from flows import query as query_cli

    query_cli.add_arguments(sub)

    args = parser.parse_args(argv)
    check_arguments(args, parser)
    if args.command == "query":
        return query_cli.query_command(args)
    if args.command == "export":
        return query_cli.export_command(args)
    configure_prefect_environment(settings.DEFAULTS)
    from flows import outcome

    outcome.reset()
    try:
        with exit_143_on_sigterm():
            return run_command(args, parser)
    except Terminated:
        print("ofsted-watch: stopped by SIGTERM; " + ("the warehouse was published before it" if outcome.published else
              "nothing was published and the warehouse is as it was"), file=sys.stderr)
        return 128 + signal.SIGTERM
    except Exception as err:  # noqa: BLE001 - every failure ends in a message that says what was published
        code = report_failure(args, err)
        if code == 3:
            # Prefect's API is gone: at exit its client would spend ~7 s per undelivered event retrying it.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        return code


class Terminated(BaseException):
    """SIGTERM, raised where the main thread is, so the run unwinds (discarding its working copy)."""


@contextmanager
def exit_143_on_sigterm():
    """SIGTERM stops the run like Ctrl-C does and exits with 143 (128 + 15), as a terminated command should."""

    def handler(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def report_failure(args, err: Exception) -> int:
    """Prints what was published before the failure, then the failure; returns the exit code:
    3 when everything was published and only Prefect's record of the run failed, else 1."""
    from flows import outcome
    from warehouse.session import OperationError

    published = outcome.published
    if args.command == "ingest" and "ingest" in published:
        if getattr(args, "json", False):
            print(json.dumps(published, indent=2, default=str))
        else:
            print_ingest_summary(published["ingest"])
            if "quality" in published:
                print_quality_summary(published["quality"])
            if "site" in published:
                print_site_summary(published["site"])
    detail = str(err) if isinstance(err, OperationError) else f"{type(err).__name__}: {err}"
    if not isinstance(err, OperationError):
        traceback.print_exception(err, file=sys.stderr)
    wanted = {"ingest": {"ingest"} if getattr(args, "no_quality", False) else {"ingest", "quality", "site"}, "quality": {"quality"},
              "site": {"site"}}
    if published and wanted.get(args.command, {None}) <= set(published):
        print(f"ofsted-watch: the warehouse was published ({', '.join(sorted(published))} finished), but the run could not be "
              f"recorded with Prefect: {detail}", file=sys.stderr)
        return 3
    if "ingest" in published:
        step = "writing the site" if "quality" in published else "the quality step"
        print(f"ofsted-watch: the ingest was published (summary above), then {step} failed: {detail}", file=sys.stderr)
        return 1
    print(f"ofsted-watch: error: {detail}", file=sys.stderr)
    from warehouse.outputs import OutputRefused

    return 2 if isinstance(err, OutputRefused) else 1  # an output path refused is a usage error: nothing ran


def run_command(args, parser) -> int:
    if args.command == "ingest":
        if args.no_quality:
            from flows.ingest import ingest_flow

            result = {"ingest": ingest_flow(input_dir=args.input, db_path=args.db, max_file_bytes=args.max_file_bytes, batch_size=args.batch_size,
                                            lock_wait_seconds=args.lock_wait_seconds, **runner_parameters(args))}
        else:
            from flows.pipeline import ingest_and_quality_flow

            result = ingest_and_quality_flow(input_dir=args.input, db_path=args.db, report_dir=args.report,
                                             max_file_bytes=args.max_file_bytes, batch_size=args.batch_size,
                                             lock_wait_seconds=args.lock_wait_seconds, site_dir=args.site, **runner_parameters(args))
        if args.json:
            print(json.dumps(result, indent=2, default=str))
        else:
            print_ingest_summary(result["ingest"])
            if "quality" in result:
                print_quality_summary(result["quality"])
            if "site" in result:
                print_site_summary(result["site"])
        return 0
    if args.command == "quality":
        from flows.quality import quality_flow

        print_quality_summary(quality_flow(db_path=args.db, report_dir=args.report, max_row_drop=args.max_row_drop,
                                           lock_wait_seconds=args.lock_wait_seconds))
        return 0
    if args.command == "site":
        from flows.site import site_flow

        print_site_summary(site_flow(db_path=args.db, out_dir=args.out))
        return 0
    if args.command == "server":
        return run_server(args.prefect_port)
    if args.command == "serve":
        return serve(args)
    if args.command == "bench" and args.parsing:
        from benchmarks.parsing import print_parsing, run as run_parsing

        print_parsing(run_parsing(gold_dir=args.gold))
        return 0
    if args.command == "bench":
        from benchmarks.bench import print_table, run

        if not args.articles:
            parser.error("bench needs --articles N (or --parsing)")
        print_table(run(args.articles, args.batch_size, args.naive_subset, **runner_parameters(args)))
        return 0
    if args.command == "fetch":
        from flows.fetch import fetch_flow

        result = fetch_flow(sources_path=args.sources, inbox=args.inbox, contact=args.fetch_contact, timeout_seconds=args.fetch_timeout_seconds,
                            max_bytes=args.fetch_max_bytes, min_interval_seconds=args.fetch_min_interval_seconds, retries=args.fetch_retries)
        if args.json:
            print(json.dumps(result, indent=2, default=str))
        else:
            print_fetch_summary(result)
        return 1 if result["failures"] and not sum(result["counts"][k] for k in ("saved", "not_modified", "already_fetched")) else 0
    if args.command == "eval":
        from flows.evaluate import eval_flow
        from transforms.scoring_parts import parse_parts

        if not args.gold.is_dir():
            parser.error(f"--gold {args.gold} is not a folder")
        if args.events is not None and not args.events.is_file():
            parser.error(f"--events {args.events} is not a file")
        if args.parts:
            try:
                parse_parts(args.parts)
            except ValueError as err:
                parser.error(str(err))
        result = eval_flow(gold_dir=args.gold, input_dir=args.input, events_path=args.events, parts=args.parts)
        print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
