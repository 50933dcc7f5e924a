"""Issue 12, operations side: each test is named after its case and failed before its fix.

Cases 1, 2, 9, 10, 13-17: the run lock, writers beside the loader, schema versions, damaged
warehouses, a dying Prefect API, read-only commands, a full disk, messages, the report folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows import cli
from flows.ingest import ingest_flow
from flows.quality import quality_flow
from flows.settings import DEFAULTS
from tests.helpers import (
    PROJECT, SEED_ARTICLES, VENV_BIN, api_url, checksums, sample_inbox, scalar, start_prefect_server, wait_for, warehouse_tables,
)
from warehouse import loader, session

OW = str(VENV_BIN / "ofsted-watch")


def sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def inbox(tmp_path) -> Path:
    return sample_inbox(tmp_path / "inbox")


def start_paused(args: list[str], point: str, tmp_path: Path, env_extra: dict | None = None) -> tuple[subprocess.Popen, Path]:
    """Starts the CLI, which stops at fault point ``point`` until the returned file exists."""
    resume = tmp_path / f"resume-{point}"
    env = {**os.environ, "PREFECT_API_URL": api_url(), session.PAUSE_ENV: f"{point}:{resume}", **(env_extra or {})}
    proc = subprocess.Popen([OW, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waiting = Path(str(resume) + ".waiting")
    if not wait_for(lambda: waiting.exists() or proc.poll() is not None, 180, every=0.2) or not waiting.exists():
        out, err = proc.communicate(timeout=60)
        pytest.fail(f"the run did not reach {point} (rc {proc.returncode}):\n{err[-3000:]}")
    return proc, resume


# --- case 1 ---------------------------------------------------------------------------------------

def test_case01_lock_survives_rm(warehouse, inbox, tmp_path):
    """A second run started after `rm w.duckdb.lock` waits for the first instead of writing beside it."""
    first, resume = start_paused(["ingest", "--input", str(inbox), "--db", str(warehouse), "--no-quality"], "before_load", tmp_path)
    try:
        for lock in warehouse.parent.glob("*.lock"):
            lock.unlink()
        with pytest.raises(session.RunInProgress, match="another Ofsted Watch run is writing"):
            ingest_flow(input_dir=inbox, db_path=warehouse, lock_wait_seconds=2)
        assert session.working_path(warehouse).exists()  # the second run left the first one's copy alone
    finally:
        resume.touch()
        out, err = first.communicate(timeout=180)
    assert first.returncode == 0, err[-3000:]
    assert scalar(warehouse, "SELECT count(*) FROM dim_article") == 5
    assert scalar(warehouse, "SELECT count(*) FROM etl_run") == 2


def test_case01_a_vanished_working_copy_is_never_created_again(warehouse):
    with session.exclusive_run(warehouse, 0):
        work = session.begin(warehouse, memory_limit=DEFAULTS.duckdb_load_memory_limit)
        work.unlink()
        with pytest.raises(session.WorkingCopyLost, match="removed by another process"):
            loader.connect(work, memory_limit=DEFAULTS.duckdb_load_memory_limit).close()
        assert not work.exists()
        session.discard(warehouse)


def test_case01_a_copy_with_fewer_articles_is_not_published(warehouse):
    before = checksums(warehouse)
    with session.exclusive_run(warehouse, 0):
        work = session.begin(warehouse, memory_limit=DEFAULTS.duckdb_load_memory_limit)
        con = duckdb.connect(str(work))
        con.execute("DELETE FROM dim_article WHERE article_key IN (SELECT article_key FROM dim_article LIMIT 2)")
        con.close()
        with pytest.raises(session.PublishRefused, match="holds 3 articles, the warehouse held 5"):
            session.publish(warehouse, work, memory_limit=DEFAULTS.duckdb_load_memory_limit)
        session.discard(warehouse)
    assert checksums(warehouse) == before


# --- case 2 ---------------------------------------------------------------------------------------

ANALYST = """
import duckdb, sys, time
con = duckdb.connect(sys.argv[1])  # read-write: what analysts must not do
con.execute("DELETE FROM fct_visit")
print("deleted", flush=True)
time.sleep(600)
"""


def test_case02_read_write_connection_refused_and_its_wal_kept(warehouse, inbox):
    analyst = subprocess.Popen([sys.executable, "-c", ANALYST, str(warehouse)], stdout=subprocess.PIPE, text=True)
    try:
        assert analyst.stdout.readline().strip() == "deleted"
        with pytest.raises(session.WarehouseInUse, match=rf"holds the warehouse {warehouse} read-write.*PID {analyst.pid}"):
            ingest_flow(input_dir=inbox, db_path=warehouse, lock_wait_seconds=1)
        assert not session.working_path(warehouse).exists()
    finally:
        analyst.kill()  # dies with its committed DELETE in w.duckdb.wal
        analyst.wait()
    assert session.wal_path(warehouse).exists()
    summary = ingest_flow(input_dir=inbox, db_path=warehouse)
    assert summary["articles_extracted"] == 0
    assert not session.wal_path(warehouse).exists()  # every later open, read-only included, works
    assert scalar(warehouse, "SELECT count(*) FROM fct_visit") == 0  # the analyst's committed change is kept
    assert scalar(warehouse, "SELECT count(*) FROM etl_run") == 2


def test_case02_a_change_made_during_a_run_is_not_overwritten(warehouse, inbox, tmp_path):
    run, resume = start_paused(["ingest", "--input", str(inbox), "--db", str(warehouse), "--no-quality"], "before_load", tmp_path)
    try:
        con = duckdb.connect(str(warehouse))
        con.execute("DELETE FROM fct_visit")
        con.close()  # committed and checkpointed into the published file
    finally:
        resume.touch()
        out, err = run.communicate(timeout=180)
    assert run.returncode == 1
    assert "was changed by another process during this run" in err
    assert scalar(warehouse, "SELECT count(*) FROM fct_visit") == 0
    assert scalar(warehouse, "SELECT count(*) FROM etl_run") == 1
    assert not session.working_path(warehouse).exists()


# --- case 9 ---------------------------------------------------------------------------------------

FIXTURES = PROJECT / "tests" / "fixtures" / "schemas"


def columns(db: Path) -> dict[str, set[tuple[str, str]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.sql("SELECT schema_name || '.' || table_name, column_name, data_type FROM duckdb_columns() "
                       "WHERE database_name = current_database()").fetchall()
    finally:
        con.close()
    out: dict[str, set[tuple[str, str]]] = {}
    for table, column, kind in rows:
        out.setdefault(table, set()).add((column, kind))
    return out


@pytest.mark.parametrize("version", [1, 2, 3, 7, 8])
def test_case09_every_earlier_schema_migrates_forward(built, inbox, tmp_path, version):
    from warehouse import schema_version

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute((FIXTURES / f"v{version}.sql").read_text(encoding="utf-8"))
    # An article loaded by that version, with a visit: it must survive the migration.
    con.execute("INSERT INTO dim_article (article_key, source_file, word_count, content_sha256, has_authority) "
                "VALUES ('00000000000000aa', 'old.txt', 10, 'abc', true)")
    con.execute("INSERT INTO fct_visit (visit_key, article_key, la_key, visit_type, evidence_text, evidence_start, evidence_end) "
                "VALUES ('00000000000000bb', '00000000000000aa', 'x', 'focused_visit', 'An invented sentence.', 0, 21)")
    con.close()
    summary = ingest_flow(input_dir=inbox, db_path=db)
    assert summary["files_new"] == 5
    assert columns(db) == columns(built)
    assert scalar(db, "SELECT max(version) FROM schema_version") == schema_version.latest_version()
    assert scalar(db, "SELECT count(*) FROM dim_article") == 6
    assert scalar(db, "SELECT count(*) FROM fct_visit WHERE visit_key = '00000000000000bb'") == 1
    assert scalar(db, "SELECT count(*) FROM fct_visit WHERE rating_check IS NOT NULL") > 0


def test_case09_a_warehouse_newer_than_the_code_is_refused(warehouse, inbox):
    from warehouse import schema_version

    con = duckdb.connect(str(warehouse))
    con.execute("INSERT INTO schema_version VALUES (999, '999_future.sql', now()::TIMESTAMP, 'migrated')")
    con.close()
    before = sha(warehouse)
    with pytest.raises(schema_version.WarehouseTooNew, match="version 999"):
        ingest_flow(input_dir=inbox, db_path=warehouse)
    assert sha(warehouse) == before


# --- case 10 --------------------------------------------------------------------------------------

def test_case10_a_damaged_warehouse_is_not_published_again(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    blocks = [b for (b,) in con.sql("SELECT DISTINCT block_id FROM pragma_storage_info('staging.stg_article') "
                                    "WHERE column_name = 'clean_text' AND block_id >= 0").fetchall()]
    con.close()
    assert blocks
    with open(warehouse, "r+b") as f:  # overwrite the start of each block of the cleaned texts (3 header pages, then 256 KiB blocks)
        for block in blocks:
            f.seek(3 * 4096 + block * 262144 + 8)
            f.write(os.urandom(512))
    before = sha(warehouse)
    with pytest.raises(session.OperationError, match="damaged"):
        ingest_flow(input_dir=SEED_ARTICLES, db_path=warehouse)  # an unchanged rerun: nothing is re-extracted
    assert sha(warehouse) == before
    assert not session.working_path(warehouse).exists()


# --- case 13 --------------------------------------------------------------------------------------

def test_case13_prefect_server_dies_mid_run(inbox, tmp_path):
    server, env, api = start_prefect_server(tmp_path)
    db = tmp_path / "w.duckdb"
    try:
        run_env = {**env, "PREFECT_API_URL": api, "PREFECT_CLIENT_MAX_RETRIES": "1",
                   session.PAUSE_ENV: f"before_load:{tmp_path / 'resume'}"}
        run = subprocess.Popen([OW, "ingest", "--input", str(inbox), "--db", str(db), "--no-quality"], env=run_env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert wait_for(lambda: (tmp_path / "resume.waiting").exists() or run.poll() is not None, 180, every=0.2)
        os.killpg(server.pid, signal.SIGKILL)  # the API dies while the run is under way
        server.wait()
        (tmp_path / "resume").touch()
        out, err = run.communicate(timeout=300)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert run.returncode == 3, err[-3000:]
    assert "files: 5 read, 5 new" in out  # the summary of what was published
    assert "the warehouse was published" in err and "could not be recorded with Prefect" in err
    assert scalar(db, "SELECT count(*) FROM dim_article") == 5


# --- case 14 --------------------------------------------------------------------------------------

def test_case14_quality_refuses_a_missing_warehouse(prefect_harness, tmp_path):
    mistyped = tmp_path / "wherehouse" / "w.duckdb"
    with pytest.raises(session.WarehouseMissing, match=f"there is no warehouse at {mistyped}"):
        quality_flow(db_path=mistyped, report_dir=tmp_path / "report")
    assert not mistyped.parent.exists()


def test_case14_the_cli_says_so_and_fails(prefect_harness, tmp_path, capfd):
    mistyped = tmp_path / "wherehouse" / "w.duckdb"
    assert cli.main(["quality", "--db", str(mistyped), "--report", str(tmp_path / "report")]) == 1
    assert f"there is no warehouse at {mistyped}" in capfd.readouterr().err
    assert not mistyped.parent.exists()


# --- case 15 --------------------------------------------------------------------------------------

DISK_FULL = """
set -u
mount -t tmpfs -o size=16m tmpfs "$DISK"
cp "$BUILT" "$DISK/w.duckdb"
sha256sum "$DISK/w.duckdb" > "$OUT/sha.before"
# 1. No room for the working copy.
dd if=/dev/zero of="$DISK/ballast" bs=1M count=10 2>/dev/null
"$OW" ingest --input "$INBOX" --db "$DISK/w.duckdb" --no-quality > "$OUT/copy.out" 2> "$OUT/copy.err"; echo $? > "$OUT/copy.rc"
ls -a "$DISK" > "$OUT/copy.ls"; df -k "$DISK" | tail -1 > "$OUT/copy.df"
rm "$DISK/ballast"
# 2. The disk fills up while the run loads.
OFSTED_WATCH_PAUSE="before_load:$OUT/resume" "$OW" ingest --input "$INBOX" --db "$DISK/w.duckdb" --no-quality > "$OUT/load.out" 2> "$OUT/load.err" &
run=$!
while [ ! -e "$OUT/resume.waiting" ] && kill -0 $run 2>/dev/null; do sleep 0.2; done
dd if=/dev/zero of="$DISK/filler" bs=64k 2>/dev/null
touch "$OUT/resume"
wait $run; echo $? > "$OUT/load.rc"
ls -a "$DISK" > "$OUT/load.ls"
cp "$DISK/w.duckdb" "$OUT/w.after.duckdb"
"""


def test_case15_disk_full_during_copy_and_load(built, inbox, tmp_path):
    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    (inbox / "extra.txt").write_text("Ofsted inspectors found the council in Kent had improved, an invented report said.\n" * 40)
    env = {**os.environ, "PREFECT_API_URL": api_url(), "DISK": str(disk), "OUT": str(out), "BUILT": str(built), "INBOX": str(inbox), "OW": OW}
    # A small file system of its own (a tmpfs in a private mount namespace) that can be filled up.
    done = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", DISK_FULL], env=env,
                          capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr
    copy_err = (out / "copy.err").read_text()
    assert (out / "copy.rc").read_text().strip() == "1", copy_err[-3000:]
    assert "No space left on device" in copy_err.strip().splitlines()[-1]
    assert "w.duckdb.next" not in (out / "copy.ls").read_text().split()  # the partial copy is gone
    load_err = (out / "load.err").read_text()
    assert (out / "load.rc").read_text().strip() == "1", load_err[-3000:]
    last = load_err.strip().splitlines()[-1]
    assert "No space left on device" in last and "cannot rollback" not in last
    assert "w.duckdb.next" not in (out / "load.ls").read_text().split()
    # Every row is as it was; the discarded copy freed room enough to record the failed run.
    before, after = warehouse_tables(built), warehouse_tables(out / "w.after.duckdb")
    assert before.keys() == after.keys()
    for name in before:
        if name != "main.etl_run":
            assert before[name].equals(after[name]), name
    assert scalar(out / "w.after.duckdb", "SELECT list(status ORDER BY started_at) FROM etl_run") == [
        *scalar(built, "SELECT list(status ORDER BY started_at) FROM etl_run"), "failed"]
    assert after["main.etl_run"].filter(status="success").equals(before["main.etl_run"])


# --- case 16 --------------------------------------------------------------------------------------

def test_case16_a_text_file_given_as_db(prefect_harness, inbox, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a warehouse\n")
    with pytest.raises(session.OperationError) as err:
        ingest_flow(input_dir=inbox, db_path=notes)
    assert f"{notes} is not a DuckDB warehouse" in str(err.value) and ".next" not in str(err.value)
    assert notes.read_text() == "not a warehouse\n"


def test_case16_a_file_given_as_input(prefect_harness, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("An invented article.\n")
    with pytest.raises(session.OperationError, match=f"{article} is a file, not a folder"):
        ingest_flow(input_dir=article, db_path=tmp_path / "w.duckdb")


def test_case16_batch_size_zero(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["ingest", "--batch-size", "0"])
    assert exit_.value.code == 2
    assert "--batch-size: must be at least 1, not 0" in capsys.readouterr().err


def test_case16_a_truncated_warehouse_is_named(warehouse, inbox):
    with open(warehouse, "r+b") as f:
        f.truncate(warehouse.stat().st_size // 3)
    with pytest.raises(session.OperationError) as err:
        ingest_flow(input_dir=inbox, db_path=warehouse)
    assert f"the warehouse {warehouse} cannot be read" in str(err.value) and ".next" not in str(err.value)


def test_case16_sigterm_exits_143(warehouse, inbox, tmp_path):
    before = sha(warehouse)
    run, _ = start_paused(["ingest", "--input", str(inbox), "--db", str(warehouse), "--no-quality"], "before_load", tmp_path)
    run.send_signal(signal.SIGTERM)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 143, err[-3000:]
    assert "stopped by SIGTERM; nothing was published" in err and "TypeError" not in err
    assert sha(warehouse) == before and not session.working_path(warehouse).exists()


def test_case16_a_run_waiting_for_the_lock_says_so(warehouse, inbox):
    with session.exclusive_run(warehouse, 0):
        run = subprocess.run([OW, "ingest", "--input", str(inbox), "--db", str(warehouse), "--no-quality", "--lock-wait", "2"],
                             env={**os.environ, "PREFECT_API_URL": api_url()}, capture_output=True, text=True, timeout=300)
    err = run.stderr
    assert run.returncode == 1
    assert f"waiting for the run lock on {warehouse.parent} (held: PID {os.getpid()}" in err
    assert "another Ofsted Watch run is writing" in err


# --- case 17 --------------------------------------------------------------------------------------

def test_case17_report_folder_not_writable(warehouse, inbox, tmp_path, capfd):
    (inbox / "extra.txt").write_text("Ofsted inspectors found the council in Kent had improved, an invented report said.\n")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the report folder should be\n")
    rc = cli.main(["ingest", "--input", str(inbox), "--db", str(warehouse), "--report", str(blocker / "report")])
    out, err = capfd.readouterr()
    assert rc == 1
    assert "files: 6 read" in out and "rows per table" in out  # the ingest's summary, published
    assert f"the report folder {blocker / 'report'} is not writable" in err
    assert err.strip().splitlines()[-1].startswith("ofsted-watch: the ingest was published")
    assert scalar(warehouse, "SELECT count(*) FROM dim_article") == 6
