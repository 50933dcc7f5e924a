"""Unattended operation: schedules, readers beside the loader, crashes, concurrent runs, missing files."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.ingest import ingest_flow
from tests.conftest import PROJECT, SEED_ARTICLES
from tests.helpers import warehouse_tables
from warehouse import session

VENV_BIN = Path(sys.executable).parent


def checksums(db: Path) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every table in the file."""
    return {name: (frame.height, hashlib.sha256(_flat(frame).write_csv().encode()).hexdigest()) for name, frame in warehouse_tables(db).items()}


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    """CSV holds no lists (dim_visit_event.article_keys): join them into one string."""
    return frame.with_columns(pl.col(c).cast(pl.List(pl.String)).list.join("\x1f") for c, t in frame.schema.items() if isinstance(t, pl.List))


def api_url() -> str:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def cli(args: list[str], env_extra: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_API_URL": api_url(), **env_extra}
    return subprocess.run([str(VENV_BIN / "ofsted-watch"), *args], env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def inbox(tmp_path) -> Path:
    d = tmp_path / "inbox"
    shutil.copytree(SEED_ARTICLES, d)
    return d


@pytest.mark.parametrize("point", ["before_load", "during_load", "before_swap"])
def test_sigkill_leaves_the_warehouse_exactly_as_it_was(prefect_harness, inbox, tmp_path, point):
    db = tmp_path / "w.duckdb"
    first = sorted(inbox.glob("*.txt"))
    held_back = [first[1], first[3]]
    for f in held_back:
        f.rename(tmp_path / f.name)
    ingest_flow(input_dir=inbox, db_path=db)
    before = checksums(db)
    for f in held_back:
        (tmp_path / f.name).rename(inbox / f.name)
    killed = cli(["ingest", "--input", str(inbox), "--db", str(db), "--no-quality"], {session.FAULT_ENV: point})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert checksums(db) == before
    again = ingest_flow(input_dir=inbox, db_path=db)
    assert again["files_new"] == 2 and again["articles_extracted"] == 2
    assert checksums(db)["main.dim_article"][0] == 5
    assert not session.working_path(db).exists()


def test_a_reader_holding_the_file_never_blocks_a_run_and_sees_before_or_after(prefect_harness, inbox, tmp_path):
    db = tmp_path / "w.duckdb"
    newest = sorted(inbox.glob("*.txt"))[-1]
    newest.rename(tmp_path / newest.name)
    ingest_flow(input_dir=inbox, db_path=db)
    go = tmp_path / "go"
    reader = subprocess.Popen(
        [sys.executable, "-c", f"""
import duckdb, os, time
con = duckdb.connect({str(db)!r}, read_only=True)
print(con.sql("SELECT count(*) FROM dim_article").fetchall()[0][0], flush=True)
while not os.path.exists({str(go)!r}):
    time.sleep(0.1)
print(con.sql("SELECT count(*) FROM dim_article").fetchall()[0][0], flush=True)
"""],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "4"  # the reader holds the file open from here on
        (tmp_path / newest.name).rename(inbox / newest.name)
        summary = ingest_flow(input_dir=inbox, db_path=db, lock_wait_seconds=5)
        assert summary["files_new"] == 1
        go.touch()
        assert reader.stdout.readline().strip() == "4"  # its connection still sees the state it opened
    finally:
        reader.wait(timeout=30)
    con = duckdb.connect(str(db), read_only=True)
    assert con.sql("SELECT count(*) FROM dim_article").fetchall()[0][0] == 5  # a new connection sees the run
    con.close()


def test_a_second_run_waits_then_exits_with_a_clear_message(prefect_harness, inbox, tmp_path):
    db = tmp_path / "w.duckdb"
    ingest_flow(input_dir=inbox, db_path=db)
    before = checksums(db)
    with session.exclusive_run(db, wait_seconds=0):
        started = time.monotonic()
        with pytest.raises(session.RunInProgress, match="another Ofsted Watch run is writing"):
            ingest_flow(input_dir=inbox, db_path=db, lock_wait_seconds=2)
        assert time.monotonic() - started >= 2
    assert checksums(db) == before
    assert ingest_flow(input_dir=inbox, db_path=db)["files_unchanged"] == 5


def test_missing_files_keep_their_facts_and_the_run_log_records_everything(prefect_harness, inbox, tmp_path):
    db = tmp_path / "w.duckdb"
    ingest_flow(input_dir=inbox, db_path=db)
    gone = sorted(inbox.glob("*.txt"))[0]
    gone.unlink()
    summary = ingest_flow(input_dir=inbox, db_path=db)
    assert summary["files_missing"] == 1 and summary["articles_extracted"] == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.sql(f"SELECT status FROM raw.raw_file WHERE source_file = '{gone.name}'").fetchall() == [("missing",)]
        assert con.sql("SELECT count(*) FROM dim_article").fetchall()[0][0] == 5
        runs = con.sql("SELECT flow_run_id, files_seen, files_new, files_unchanged, files_missing, rows_written, stage_seconds, finished_at >= started_at "
                       "FROM etl_run ORDER BY started_at").fetchall()
    finally:
        con.close()
    assert [r[1:5] for r in runs] == [(5, 5, 0, 0), (4, 0, 4, 1)]
    assert all(r[0] and r[7] for r in runs)
    assert json.loads(runs[0][5])["fct_visit"] == 12
    assert set(json.loads(runs[0][6])) >= {"read", "clean", "segment", "extract", "validate"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout: float, every: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(every)
    return None


def test_a_served_deployment_loads_a_file_dropped_into_the_inbox(tmp_path):
    port = _free_port()
    # A clean Prefect environment: nothing from this test process (its harness, its PREFECT_HOME).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"OFSTED_WATCH_STATE": str(tmp_path / "state"), "OFSTED_WATCH_PREFECT_PORT": str(port),
            "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2", "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
    logs = {"server": tmp_path / "server.log", "serve": tmp_path / "serve.log"}
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    server = subprocess.Popen([str(VENV_BIN / "ofsted-watch"), "server"], env=env, stdout=logs["server"].open("w"),
                              stderr=subprocess.STDOUT, start_new_session=True)
    served = None
    try:
        health = f"http://127.0.0.1:{port}/api/health"

        def up():
            try:
                return urllib.request.urlopen(health, timeout=2).status == 200
            except OSError:
                return False

        assert _wait_for(up, 120), "the Prefect server did not start on 127.0.0.1"
        served = subprocess.Popen(
            [str(VENV_BIN / "ofsted-watch"), "serve", "--inbox", str(inbox), "--db", str(db), "--report", str(tmp_path / "report"),
             "--interval", "3"],
            env={**env, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}, stdout=logs["serve"].open("w"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        assert _wait_for(inbox.exists, 60)
        shutil.copy(sorted(SEED_ARTICLES.glob("003_*.txt"))[0], inbox / "dropped.txt")

        def loaded():
            if not db.exists():
                return False
            con = duckdb.connect(str(db), read_only=True)
            try:
                return con.sql("SELECT count(*) FROM fct_visit").fetchall()[0][0] == 2
            finally:
                con.close()

        assert _wait_for(loaded, 180, every=2), "the scheduled run did not load the dropped file:\n" + logs["serve"].read_text()[-3000:]
        assert _wait_for(lambda: (tmp_path / "report" / "index.html").exists(), 60), "no report:\n" + logs["serve"].read_text()[-3000:]
    finally:
        for proc in (served, server):
            if proc is not None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
