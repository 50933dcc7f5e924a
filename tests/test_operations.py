"""Unattended operation: schedules, readers beside the loader, crashes, concurrent runs, missing files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest_flow
from tests.helpers import SEED_ARTICLES, VENV_BIN, api_url, checksums, sample_inbox, start_prefect_server, stop_process_groups, wait_for
from warehouse import session


def cli(args: list[str], env_extra: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_API_URL": api_url(), **env_extra}
    return subprocess.run([str(VENV_BIN / "ofsted-watch"), *args], env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def inbox(tmp_path) -> Path:
    return sample_inbox(tmp_path / "inbox")


@pytest.fixture(scope="module")
def three_of_five(prefect_harness, tmp_path_factory) -> tuple[Path, Path, list[Path]]:
    """An inbox holding three of the five sample articles and a warehouse of them, made once for the three
    kill points (the same first run each made for itself); the two held back are named beside them."""
    folder = tmp_path_factory.mktemp("three_of_five")
    inbox = sample_inbox(folder / "inbox")
    first = sorted(inbox.glob("*.txt"))
    held_back = [first[1], first[3]]
    for f in held_back:
        f.unlink()
    ingest_flow(input_dir=inbox, db_path=folder / "w.duckdb")
    return inbox, folder / "w.duckdb", held_back


@pytest.mark.parametrize("point", ["before_load", "during_load", "before_swap"])
def test_sigkill_leaves_the_warehouse_exactly_as_it_was(three_of_five, tmp_path, point):
    inbox, built, held_back = three_of_five
    db = tmp_path / "w.duckdb"
    shutil.copyfile(built, db)  # this kill point's own copy of the three articles' warehouse
    before = checksums(db)
    for f in held_back:
        shutil.copy2(SEED_ARTICLES / f.name, f)  # as the sample inbox was copied, times and all
    try:
        run_killed_then_again(inbox, db, before, point)
    finally:  # the shared inbox holds the three articles again for the next kill point
        for f in held_back:
            f.unlink(missing_ok=True)


def run_killed_then_again(inbox: Path, db: Path, before: dict, point: str) -> None:
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


def test_a_served_deployment_loads_a_file_dropped_into_the_inbox(tmp_path):
    logs = {"serve": tmp_path / "serve.log"}
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    server, env, api = start_prefect_server(tmp_path, PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2", PREFECT_RUNNER_POLL_FREQUENCY="2")
    served = None
    try:
        served = subprocess.Popen(
            [str(VENV_BIN / "ofsted-watch"), "serve", "--inbox", str(inbox), "--db", str(db), "--report", str(tmp_path / "report"),
             "--interval", "3"],
            env={**env, "PREFECT_API_URL": api}, stdout=logs["serve"].open("w"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        assert wait_for(inbox.exists, 60)
        shutil.copy(sorted(SEED_ARTICLES.glob("003_*.txt"))[0], inbox / "dropped.txt")

        def loaded():
            if not db.exists():
                return False
            con = duckdb.connect(str(db), read_only=True)
            try:
                return con.sql("SELECT count(*) FROM fct_visit").fetchall()[0][0] == 2
            finally:
                con.close()

        assert wait_for(loaded, 180, every=2), "the scheduled run did not load the dropped file:\n" + logs["serve"].read_text()[-3000:]
        assert wait_for(lambda: (tmp_path / "report" / "index.html").exists(), 60), "no report:\n" + logs["serve"].read_text()[-3000:]
    finally:
        stop_process_groups(served, server)
