"""The quality flow: it passes on a sound warehouse, reports each deliberate breakage, and writes a safe offline report."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.browser import chromium

from flows.ingest import ingest_flow
from flows.quality import quality_flow
from tests.helpers import sample_inbox

HOSTILE = (
    "Council <script>alert('owned')</script> rated inadequate'); drop table dim_article; --\n\n"
    "Ofsted’s monitoring visit to Croydon council, rated good in 2017, found drift <b>and</b> delay.\n\n"
    "“It’s <script>document.title='x'</script> not good enough,” inspectors said.\n"
)


@pytest.fixture(scope="module")
def ingested(prefect_harness, tmp_path_factory) -> Path:
    """One ingest a module (an ingest costs seconds); each test works on its own copy (``warehouse``)."""
    tmp = tmp_path_factory.mktemp("quality")
    inbox = sample_inbox(tmp / "inbox")
    (inbox / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (inbox / "no_authority.txt").write_text("Annual report\n\nOfsted published its annual report on social care today.\n", encoding="utf-8")
    (inbox / "<script>alert(1)<script>.txt").write_bytes(b"")  # a rejected file whose name is markup
    db = tmp / "w.duckdb"
    ingest_flow(input_dir=inbox, db_path=db)
    return db


@pytest.fixture
def warehouse(ingested, tmp_path) -> tuple[Path, Path]:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(ingested, db)
    return db, tmp_path / "report"


def failures(result: dict) -> set[tuple[str, str, str | None]]:
    return {(f["suite"], f["expectation"], f["column_name"]) for f in result["failures"]}


def test_sound_warehouse_passes_and_results_are_stored(warehouse):
    db, report = warehouse
    result = quality_flow(db_path=db, report_dir=report)
    assert result["failed"] == 0, result["failures"]
    assert result["expectations"] > 60
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.sql("SELECT count(*) FROM dq_run").fetchall()[0][0] == 1
        assert con.sql("SELECT count(*) FROM dq_result WHERE NOT is_success").fetchall()[0][0] == 0
        flagged = con.sql("SELECT source_file FROM dim_article WHERE NOT has_authority").fetchall()
        assert flagged == [("no_authority.txt",)]
        # The hostile text is stored as text and the table it tried to drop is still there.
        title = con.sql("SELECT title FROM dim_article WHERE source_file = 'hostile.txt'").fetchall()[0][0]
        assert "drop table dim_article" in title and "<script>" in title
    finally:
        con.close()


def test_each_deliberate_breakage_is_reported(warehouse):
    db, report = warehouse
    quality_flow(db_path=db, report_dir=report)
    con = duckdb.connect(str(db))
    try:
        con.execute("INSERT INTO fct_visit SELECT * FROM fct_visit LIMIT 1")  # duplicate key
        con.execute("UPDATE fct_finding SET theme = 'weather' WHERE finding_key = (SELECT min(finding_key) FROM fct_finding)")  # unknown theme
        con.execute("""INSERT INTO fct_finding SELECT * REPLACE ('ffffffffffffffff' AS finding_key, '0000000000000000' AS article_key)
                       FROM fct_finding LIMIT 1""")  # orphan fact
        con.execute("DELETE FROM fct_quote WHERE quote_key > (SELECT quantile_disc(quote_key, 0.2) FROM fct_quote)")  # sudden drop
        con.execute("UPDATE fct_visit SET rating_year = 1890 WHERE visit_key = (SELECT max(visit_key) FROM fct_visit)")  # year out of range
        con.execute("UPDATE fct_visit SET visit_event_key = 'ffffffffffffffff' WHERE visit_key = (SELECT max(visit_key) FROM fct_visit)")  # no such event
        con.execute("UPDATE fct_visit_event_finding SET polarity = 'neutral'")  # outside the vocabulary
    finally:
        con.close()
    result = quality_flow(db_path=db, report_dir=report)
    found = failures(result)
    assert ("fct_visit", "expect_column_values_to_be_unique", "visit_key") in found
    assert ("fct_finding", "expect_column_values_to_be_in_set", "theme") in found
    assert ("fct_finding_references", "expect_column_values_to_be_in_set", "theme_resolves") in found
    assert ("fct_finding_references", "expect_column_values_to_be_in_set", "article_resolves") in found
    assert ("row_counts", "expect_table_row_count_to_be_between", None) in found
    assert ("fct_visit", "expect_column_values_to_be_between", "rating_year") in found
    assert ("dim_visit_event_coverage", "expect_column_values_to_be_in_set", "event_resolves") in found
    assert ("dim_visit_event_references", "expect_column_values_to_be_in_set", "mentions_match") in found
    assert ("fct_visit_event_finding", "expect_column_values_to_be_in_set", "polarity") in found
    orphan = next(f for f in result["failures"] if f["column_name"] == "article_resolves")
    assert "ffffffffffffffff" in orphan["failing_examples"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        runs = con.sql("SELECT is_success FROM dq_run ORDER BY started_at").fetchall()
        assert runs == [(True,), (False,)]
    finally:
        con.close()
    html = (report / "index.html").read_text(encoding="utf-8")
    assert "FAIL" in html and "weather" in html


def test_report_is_self_contained_and_escapes_article_text(warehouse):
    db, report = warehouse
    quality_flow(db_path=db, report_dir=report)
    html = (report / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html  # the file name and any article text are shown, escaped
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.I)
    assert not re.search(r"@import|url\(", html)
    for section in ("Summary", "Expectations", "Rejected files", "Rejected rows", "Ratings against the register", "Trend"):
        assert f">{section}</h2>" in html
    # Croydon was judged inadequate in 2017 by the register: the article's "good" is shown beside it.
    assert "Register of full inspections" in html and "inadequate (2017-07-13" in html


def test_report_renders_offline_in_headless_chromium(warehouse, tmp_path):
    db, report = warehouse
    quality_flow(db_path=db, report_dir=report)
    page = (report / "index.html").resolve()
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'chrome'}",
        # Network cut off: every host name fails to resolve and any proxy use goes nowhere.
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
    ]
    isolate = ["unshare", "--net"] if shutil.which("unshare") and subprocess.run(["unshare", "--net", "true"]).returncode == 0 else []
    dom = subprocess.run(isolate + [chromium(), *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Ofsted Watch — data quality" in dom.stdout
    assert "&lt;script&gt;" in dom.stdout and "<script" not in dom.stdout.lower()
    shot = tmp_path / "report.png"
    subprocess.run(isolate + [chromium(), *flags, "--window-size=1280,900", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000  # a rendered, styled page, not a blank one


def test_a_drop_of_raw_file_rows_is_caught_like_any_table():
    """raw_file lives in the raw schema; its previous count must be found under the name it is stored by."""
    from datetime import datetime

    from warehouse import loader, quality

    con = duckdb.connect()
    try:
        loader.apply_ddl(con)
        con.execute("INSERT INTO dq_run (dq_run_id, started_at, finished_at, expectations, failed, is_success) "
                    "VALUES ('r1', ?, ?, 1, 0, true)", [datetime(2026, 1, 1), datetime(2026, 1, 1)])
        con.execute("INSERT INTO dq_result (dq_run_id, suite, table_name, expectation, is_success, observed_value) "
                    "VALUES ('r1', 'row_counts', 'raw_file', 'expect_table_row_count_to_be_between', true, '10')")
        con.execute("INSERT INTO raw.raw_file (path, source_file, size_bytes, is_encoding_fallback, read_at, status, run_id) "
                    "VALUES ('/in/a.txt', 'a.txt', 1, false, now(), 'loaded', 'x')")
        checks = {c["table_name"]: c for c in quality.row_count_checks(con, max_drop=0.5)}
    finally:
        con.close()
    assert checks["raw_file"]["is_success"] is False
    assert '"previous_rows": 10' in checks["raw_file"]["failing_examples"]
    assert checks["dim_article"]["is_success"] is True


def test_what_the_quality_flow_records_prints_when_a_later_step_fails(warehouse, capsys):
    """The CLI prints the recorded quality summary when the site after it fails (flows/cli.report_failure):
    the record is the summary the flow returns, failures included, not a part of it."""
    from flows import outcome
    from flows.cli import print_quality_summary

    db, report = warehouse
    outcome.reset()
    result = quality_flow(db_path=db, report_dir=report)
    assert outcome.published["quality"] == result and "failures" in result
    print_quality_summary(outcome.published["quality"])
    assert "expectations, 0 failed" in capsys.readouterr().out
