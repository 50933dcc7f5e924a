"""What the tests share: the project's paths, the sample corpus, readers of a warehouse file, accessors
over Extracted results for readable assertions, and the helpers of the tests that start real processes
(the CLI, a Prefect server)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import polars as pl

PROJECT = Path(__file__).resolve().parents[1]
SEED_ARTICLES = PROJECT / "seeds" / "articles"
VENV_BIN = Path(sys.executable).parent  # the console scripts (ofsted-watch) installed beside this Python


def sample_inbox(folder: Path) -> Path:
    """A copy of the five sample articles in ``folder`` (created), for a test free to change its inbox."""
    shutil.copytree(SEED_ARTICLES, folder)
    return folder


def visits(ex, article: int = 0) -> dict[str, dict]:
    key = f"{article:016x}"
    return {r["la_name"]: r for r in ex.visits.filter(pl.col("article_key") == key).iter_rows(named=True)}


def focus(ex, la: str, article: int = 0) -> set[str]:
    key = f"{article:016x}"
    return set(ex.visit_focus.filter((pl.col("article_key") == key) & (pl.col("la_name") == la))["focus_area"].to_list())


def valid_las(ex) -> set[str]:
    return set(ex.mentions.filter(pl.col("is_valid"))["la_name"].to_list())


def set_aside(ex) -> dict[str, str]:
    return {r["la_name"]: r["exclusion_reason"] for r in ex.mentions.filter(~pl.col("is_valid")).iter_rows(named=True)}


def people(ex) -> dict[str, dict]:
    return {r["person_name"]: r for r in ex.people.iter_rows(named=True)}


def quoted(ex) -> set[str]:
    return set(ex.quotes["speaker_name"].drop_nulls().to_list())


def findings(ex, counted_only: bool = True) -> set[tuple[str, str, str]]:
    f = ex.findings.filter(pl.col("is_inspection_finding")) if counted_only else ex.findings
    return {(r["la_name"], r["theme"], r["polarity"]) for r in f.iter_rows(named=True)}


def sentence_las(ex) -> list[tuple[str, str | None]]:
    return [(r["text"], r["la_name"]) for r in ex.sentences.sort("sentence_no").iter_rows(named=True)]


def warehouse_tables(db, drop: frozenset[str] = frozenset()) -> dict:
    """Every table of a warehouse file as a polars frame, columns in ``drop`` left out, rows sorted."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        names = con.sql("SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()
        out = {}
        for (name,) in names:
            frame = con.sql(f"SELECT * FROM {name}").pl()
            frame = frame.drop([c for c in frame.columns if c in drop])
            out[name] = frame.sort(frame.columns, nulls_last=True) if frame.columns else frame
        return out
    finally:
        con.close()


def query(db, sql: str) -> list[tuple]:
    """The rows of one query, on a read-only connection closed before returning."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def scalar(db, sql: str):
    """The first value of the first row of one query."""
    return query(db, sql)[0][0]


def checksums(db) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every table in the file."""
    return {name: (frame.height, hashlib.sha256(_flat(frame).write_csv().encode()).hexdigest()) for name, frame in warehouse_tables(db).items()}


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    """CSV holds no lists (dim_visit_event.article_keys): join them into one string."""
    return frame.with_columns(pl.col(c).cast(pl.List(pl.String)).list.join("\x1f") for c, t in frame.schema.items() if isinstance(t, pl.List))


def api_url() -> str:
    """The Prefect API this test process uses (the session's harness, once started)."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, every: float = 1.0):
    """``predicate()``'s first true result within ``timeout`` seconds, else None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(every)
    return None


def prefect_server_up(port: int) -> bool:
    """Whether a Prefect server answers its health check on 127.0.0.1:``port``."""
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2).status == 200
    except OSError:
        return False


# A Prefect database already brought to the current schema (a copy of the session harness's, taken as it
# started, before any run), set by conftest's prefect_harness; None until then.
PREFECT_DB_TEMPLATE: Path | None = None


def start_prefect_server(folder: Path, **env_extra: str) -> tuple[subprocess.Popen, dict[str, str], str]:
    """``ofsted-watch server`` on a free port of 127.0.0.1, in a clean Prefect environment (nothing from this
    test process: its harness, its PREFECT_HOME), its state and log in ``folder``; returns once it answers.

    Its database starts as a copy of PREFECT_DB_TEMPLATE when there is one: a server that has been started
    before, with no runs; a new database's migrations alone take 10-15 s of the start.

    Returns the server process (its own process group), the environment it runs in (to start clients
    beside it) and its API's URL."""
    import pytest

    if PREFECT_DB_TEMPLATE is not None:
        (folder / "state" / "prefect").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PREFECT_DB_TEMPLATE, folder / "state" / "prefect" / "prefect.db")  # where PREFECT_HOME's database is
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"OFSTED_WATCH_STATE": str(folder / "state"), "OFSTED_WATCH_PREFECT_PORT": str(port), **env_extra}
    log = folder / "server.log"
    server = subprocess.Popen([str(VENV_BIN / "ofsted-watch"), "server"], env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    if not wait_for(lambda: prefect_server_up(port), 120):
        stop_process_groups(server)
        pytest.fail("the Prefect server did not start on 127.0.0.1:\n" + log.read_text()[-3000:])
    return server, env, f"http://127.0.0.1:{port}/api"


def stop_process_groups(*procs: subprocess.Popen | None) -> None:
    """SIGTERM each started process's group (started with ``start_new_session=True``), SIGKILL after 20 s."""
    for proc in procs:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
