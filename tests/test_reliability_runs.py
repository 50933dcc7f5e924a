"""Issue 21, runs that died or hung on allowed input: each test is named after its case and failed before its fix.

Parsers of untrusted bytes under a time and memory bound (a PDF decompression bomb), and loads sized
by bytes as well as by count (large plain-text articles under DuckDB's memory limit).
"""

from __future__ import annotations

import os
import signal
import time
import zlib

import duckdb
import pytest


from tests.helpers import sample_inbox


def bomb_pdf(unpacked_bytes: int = 100_000_000) -> bytes:
    """A one-page PDF whose content stream inflates to ``unpacked_bytes`` from about 0.1 % of that."""
    stream = zlib.compress(b"0 0 m " * (unpacked_bytes // 6), 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_case_a_pdf_decompression_bomb_is_rejected_and_the_run_goes_on(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    inbox = sample_inbox(tmp_path / "inbox")
    (inbox / "letter.pdf").write_bytes(bomb_pdf())
    summary = ingest_flow(input_dir=inbox, db_path=tmp_path / "w.duckdb")
    assert summary["files_new"] == 5 and summary["files_rejected"] == 1
    [rejected] = [r for r in summary["rejected"] if r["file"] == "letter.pdf"]
    assert "LimitReachedError" in rejected["reason"]
    again = ingest_flow(input_dir=inbox, db_path=tmp_path / "w.duckdb")  # it stays in the inbox: every run goes on
    assert again["files_unchanged"] == 6


def _sleeps(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def _allocates(megabytes: int) -> int:
    return len(bytearray(megabytes * 2**20))


def _dies() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_case_a_parser_past_its_time_or_memory_bound_is_stopped_with_a_reason():
    """The bound itself, on parsers that misbehave in each way; the next document still parses."""
    from transforms.bounded import ParseBounds, bounded_map

    bounds = ParseBounds(seconds=1.0, memory_bytes=256 * 2**20)
    started = time.monotonic()
    slow = bounded_map(_sleeps, [(30,), (0,)], bounds, "the web page")
    assert time.monotonic() - started < 10
    assert slow[0][0] is None and "took more than 1 s" in slow[0][1] and slow[1] == ("woke", None)
    big = bounded_map(_allocates, [(2048,), (16,)], bounds, "the PDF")
    assert big[0][0] is None and "needed more than 256 MB" in big[0][1] and big[1] == (16 * 2**20, None)
    dead = bounded_map(_dies, [(), ()], bounds, "the feed")
    assert all(r is None and "the parser stopped on the feed" in why for r, why in dead)


def test_case_a_feed_and_a_page_are_parsed_under_the_bound_in_the_fetch(tmp_path):
    """The fetch parses pages, letters and feeds with the same bound: a bomb is a failure with a reason."""
    from flows.fetch import Download, FetchState, _fetch_document

    log = []
    d = Download("https://council.example/letter.pdf", "ok", http_status=200, final_url="https://council.example/letter.pdf",
                 content_type="application/pdf", body=bomb_pdf(), fetched_at="t")
    _fetch_document(d, "test", None, tmp_path / "inbox", FetchState(tmp_path / "inbox"),
                    lambda source, url, outcome, reason=None, **extra: log.append((outcome, reason)))
    assert log[0][0] == "failed" and "LimitReachedError" in log[0][1]


def test_case_large_articles_are_batched_by_bytes_as_well_as_by_count():
    """Twenty 4.9 MB articles (under every cap) went into one batch of 1,000; a batch now holds at most an
    eighth of DuckDB's memory limit in file bytes, a larger file alone."""
    import polars as pl

    from flows.batches import batch_bytes, slices

    paths = pl.Series("path", [f"/in/{i:02d}.txt" for i in range(20)])
    sizes = [4_900_000] * 20
    assert batch_bytes("256MB") == 32_000_000 and batch_bytes("1GiB") == 2**30 // 8 and batch_bytes("80%") is None
    batches = [b.to_list() for b in slices(paths, 1000, sizes, batch_bytes("256MB"))]
    assert [len(b) for b in batches] == [6, 6, 6, 2] and sum(batches, []) == paths.to_list()
    assert [len(b) for b in slices(paths, 1000, [40_000_000] + [1] * 19, 32_000_000)] == [1, 19]  # a big file alone
    assert [len(b) for b in slices(paths, 8, [1] * 20, 32_000_000)] == [8, 8, 4]  # the count still bounds it


def _long_texts(con, rows: int, chars: int) -> None:
    """A table of ``rows`` texts of ``chars`` characters that do not compress (hex digests, each distinct)."""
    con.execute(f"CREATE TABLE long_texts AS SELECT i, (SELECT string_agg(md5(i::VARCHAR || '-' || j::VARCHAR), '') "
                f"FROM range({chars // 32}) s(j)) AS t FROM range({rows}) r(i)")


def test_case_a_load_out_of_duckdb_memory_is_reported_as_a_memory_limit_not_damage(tmp_path):
    """A warehouse of long texts read back under too small a memory limit: the run said the new warehouse
    was damaged; it is not, and the message says which setting to raise."""
    from warehouse import session

    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE dim_article (article_key VARCHAR)")
    # Incompressible texts of 4.8 MB each: even one row alone does not fit in a 4 MB limit.
    _long_texts(con, rows=3, chars=4_800_000)
    con.close()
    before = db.read_bytes()
    with session.exclusive_run(db, 0), pytest.raises(session.MemoryLimitReached) as refused:
        work = session.begin(db, memory_limit="4MB")
        with session.discard_on_failure(db):
            session.publish(db, work, memory_limit="4MB")
    message = str(refused.value)
    assert "memory limit" in message and "not damaged" in message and "OFSTED_WATCH_DUCKDB_LOAD_MEMORY" in message
    assert "damaged (" not in message and db.read_bytes() == before and not session.working_path(db).exists()


def test_case_a_warehouse_grown_past_the_memory_limit_by_long_texts_is_still_checked_and_published(tmp_path):
    """Twenty 4.9 MB articles loaded fine, but a second run onto them failed: reading the whole table back
    in one pass needed more than the memory limit although every text fitted. The check now reads such a
    table in parts, so the run publishes; damage in any part would still refuse it."""
    from warehouse import session

    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE dim_article (article_key VARCHAR)")
    _long_texts(con, rows=8, chars=1_100_000)
    con.close()
    with session.exclusive_run(db, 0):
        work = session.begin(db, memory_limit="8MB")
        with session.discard_on_failure(db):
            con = duckdb.connect(str(work))
            con.execute("INSERT INTO dim_article VALUES ('a-new-article')")
            con.close()
            session.publish(db, work, memory_limit="8MB")
    con = duckdb.connect(str(db), read_only=True)
    assert con.sql("SELECT count(*) FROM dim_article").fetchall()[0][0] == 1
    assert con.sql("SELECT count(*), min(length(t)) FROM long_texts").fetchall()[0] == (8, 1_100_000)
    con.close()
    assert not session.working_path(db).exists()
