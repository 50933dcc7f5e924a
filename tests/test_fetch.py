"""ofsted-watch fetch against an invented site on 127.0.0.1: politeness, every failure recorded with its
reason, duplicates, conditional GETs, retries on the next run, and the inbox the ingest then loads."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.fetch import Fetcher, fetch_flow
from flows.ingest import ingest_flow
from tests.local_site import Site, sources_toml

CONTACT = "data-team@example.org"


def _run(site: Site, tmp_path: Path, **kw) -> dict:
    sources = tmp_path / "sources.toml"
    sources.write_text(sources_toml(site.base), encoding="utf-8")
    params = dict(timeout_seconds=1.0, max_bytes=2 * 1024 * 1024, min_interval_seconds=0.0, retries=1, retry_backoff_seconds=0.1) | kw
    return fetch_flow(sources_path=sources, inbox=tmp_path / "inbox", contact=CONTACT, **params)


def _log(tmp_path: Path) -> pl.DataFrame:
    return pl.read_ndjson(tmp_path / "inbox" / ".fetch" / "log.jsonl")


def _outcome(log: pl.DataFrame, run_id: str, suffix: str) -> dict:
    rows = log.filter((pl.col("run_id") == run_id) & pl.col("url").str.ends_with(suffix)).to_dicts()
    assert len(rows) == 1, (suffix, rows)
    return rows[0]


@pytest.fixture(scope="module")
def fetched(prefect_harness, tmp_path_factory):
    """Two fetch runs (the broken page recovers in between) and one ingest of the inbox."""
    tmp = tmp_path_factory.mktemp("fetch")
    with Site() as site:
        first = _run(site, tmp)
        first_requests = list(site.requests)
        site.fixed = True
        second = _run(site, tmp)
        second_requests = site.requests[len(first_requests):]
    db = tmp / "w.duckdb"
    summary = ingest_flow(input_dir=tmp / "inbox", db_path=db)
    return {"tmp": tmp, "first": first, "second": second, "first_requests": first_requests, "second_requests": second_requests,
            "db": db, "ingest": summary, "log": _log(tmp)}


def test_every_failure_is_recorded_with_its_reason(fetched):
    log, run = fetched["log"], fetched["first"]["run_id"]
    expect = {
        "/news/gone": "HTTP 404",
        "/news/broken": "HTTP 500",
        "/news/slow": "timed out",
        "/news/loop": "redirect loop",
        "/news/huge": "size cap",
        "/news/image": "unsupported content type image/png",
        "/bad-feed.xml": "malformed feed",
        "/private/secret.html": "robots.txt",
    }
    for suffix, reason in expect.items():
        row = _outcome(log, run, suffix)
        assert row["outcome"] == "failed", row
        assert reason in row["reason"], row
    # A transient failure was retried (Prefect task retries): two requests for the 500 and for the slow page.
    broken = [p for _, p, _ in fetched["first_requests"] if p == "/news/broken"]
    assert len(broken) == 2


def test_pages_feeds_and_letters_are_saved_with_their_fetch_record(fetched):
    log, run, inbox = fetched["log"], fetched["first"]["run_id"], fetched["tmp"] / "inbox"
    for suffix in ("/news/cornwall", "/news/derby-undated", "/news/luton", "/halton.html", "/letter.pdf"):
        row = _outcome(log, run, suffix)
        assert row["outcome"] == "saved", row
        saved = inbox / row["path"]
        record = json.loads(saved.with_name(saved.name + ".fetch.json").read_text())
        assert record["url"].endswith(suffix) and record["http_status"] == 200 and record["content_type"]
        assert record["etag"] and record["fetched_at"] and record["content_sha256"] == row["content_sha256"]
    assert _outcome(log, run, "/letter.pdf")["path"].endswith(".pdf")
    assert _outcome(log, run, "/news/derby-undated")["reason"] == "feed entry has no date"


def test_off_topic_entries_and_duplicates_are_skipped_and_recorded(fetched):
    log, run = fetched["log"], fetched["first"]["run_id"]
    off = _outcome(log, run, "/news/bus-lanes")
    assert off["outcome"] == "skipped_off_topic" and "Ofsted" in off["reason"]
    # Skipped from the feed entry alone: the page was never requested.
    assert not any(p == "/news/bus-lanes" for _, p, _ in fetched["first_requests"])
    copy = _outcome(log, run, "/syndicated/cornwall")
    assert copy["outcome"] == "duplicate_content" and copy["path"] == _outcome(log, run, "/news/cornwall")["path"]
    printed = _outcome(log, run, "/print/luton")
    assert printed["outcome"] == "duplicate_content" and printed["path"] == _outcome(log, run, "/news/luton")["path"]


def test_requests_are_polite(fetched):
    agents = {h.get("User-Agent") for _, _, h in fetched["first_requests"]}
    assert len(agents) == 1 and "ofsted-watch/" in agents.pop() and True
    assert all(CONTACT in h.get("User-Agent", "") for _, _, h in fetched["first_requests"])
    paths = [p for _, p, _ in fetched["first_requests"]]
    assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1
    assert "/private/secret.html" not in paths


def test_the_next_run_retries_what_failed_and_asks_conditionally(fetched):
    log, run = fetched["log"], fetched["second"]["run_id"]
    assert _outcome(log, run, "/news/broken")["outcome"] == "saved"  # the site recovered
    assert _outcome(log, run, "/news/gone")["outcome"] == "failed"  # still gone, tried again
    assert _outcome(log, run, "/news/cornwall")["outcome"] == "already_fetched"
    halton = [h for _, p, h in fetched["second_requests"] if p == "/halton.html"]
    assert halton and halton[0].get("If-None-Match")
    assert _outcome(log, run, "/halton.html")["outcome"] == "not_modified"
    assert _outcome(log, run, "/letter.pdf")["outcome"] == "not_modified"
    # Nothing fetched in the first run was lost.
    first_saved = log.filter((pl.col("run_id") == fetched["first"]["run_id"]) & (pl.col("outcome") == "saved"))["path"].to_list()
    assert first_saved and all((fetched["tmp"] / "inbox" / p).exists() for p in first_saved)


def test_the_ingest_loads_the_inbox_with_page_metadata(fetched):
    con = duckdb.connect(str(fetched["db"]), read_only=True)
    try:
        rows = {r[0].rsplit("/", 1)[-1]: r for r in con.sql(
            "SELECT url, canonical_url, title, publisher, published_date, author, metadata_source, has_authority, source_file "
            "FROM dim_article").fetchall()}
        files = con.sql("SELECT status, count(*) FROM raw.raw_file GROUP BY status").fetchall()
    finally:
        con.close()
    assert set(rows) == {"cornwall", "derby-undated", "luton", "halton.html", "letter.pdf", "broken"}, rows.keys()
    cornwall = rows["cornwall"]
    assert cornwall[1].endswith("/news/cornwall") and cornwall[2] == "Inspectors see steadier teams at Cornwall children's services"
    assert cornwall[3] == "Invented Care News" and str(cornwall[4]) == "2025-03-20" and cornwall[5] == "A Reporter"
    assert json.loads(cornwall[6]) == {"title": "json-ld", "publisher": "json-ld", "published_date": "json-ld", "author": "json-ld",
                                       "canonical_url": "json-ld"}
    assert rows["derby-undated"][4] is None and "published_date" not in json.loads(rows["derby-undated"][6])
    # windows-1252 declared in a meta tag: the curly apostrophe decoded, not mojibake.
    assert rows["halton.html"][2] == "Inspectors see steadier teams at Halton children\u2019s services"
    letter = rows["letter.pdf"]
    assert str(letter[4]) == "2025-03-27" and letter[2] == "Monitoring visit to Wiltshire children's services" and letter[7]
    assert json.loads(letter[6])["published_date"] == "pdf letter"
    assert dict(files) == {"loaded": 6}


def test_fetcher_keeps_to_the_per_host_interval():
    """Timed where the pacing is, on the client as each request leaves: the server's arrival times
    jitter on a loaded machine (a late first arrival shortens the next gap), the sending times cannot."""
    sent = []

    class Recording(Fetcher):
        def _pace(self, url: str) -> None:
            super()._pace(url)
            sent.append(max(self._last.values()))  # when the pacing let this request go

    with Site() as site:
        fetcher = Recording("ofsted-watch-test (contact: x@example.org)", timeout_seconds=2, max_bytes=10**6, min_interval_seconds=0.3)
        try:
            for path in ("/news/cornwall", "/news/luton", "/halton.html"):
                assert fetcher.get(site.base + path).outcome == "ok"
        finally:
            fetcher.close()
        arrived = len(site.requests)
    assert arrived == len(sent) == 4  # robots.txt, then the three pages: every request was paced
    gaps = [b - a for a, b in zip(sent, sent[1:])]
    assert min(gaps) >= 0.3, gaps


def test_a_served_deployment_fetches_then_ingests_then_checks(tmp_path):
    """`serve --sources`: one scheduled deployment runs fetch, ingest and quality against a real Prefect server."""
    import subprocess

    from tests.helpers import VENV_BIN, start_prefect_server, stop_process_groups, wait_for

    inbox, db, logs = tmp_path / "inbox", tmp_path / "w.duckdb", {"serve": tmp_path / "serve.log"}
    with Site() as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[url]]\nurl = "{site.base}/news/cornwall"\n\n[[url]]\nurl = "{site.base}/letter.pdf"\n', encoding="utf-8")
        server, env, api = start_prefect_server(tmp_path, OFSTED_WATCH_FETCH_INTERVAL="0", PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2",
                                                PREFECT_RUNNER_POLL_FREQUENCY="2")
        served = None
        try:
            served = subprocess.Popen(
                [str(VENV_BIN / "ofsted-watch"), "serve", "--inbox", str(inbox), "--sources", str(sources), "--contact", CONTACT,
                 "--db", str(db), "--report", str(tmp_path / "report"), "--interval", "3"],
                env={**env, "PREFECT_API_URL": api}, stdout=logs["serve"].open("w"),
                stderr=subprocess.STDOUT, start_new_session=True,
            )

            def loaded():
                if not db.exists():
                    return False
                try:
                    con = duckdb.connect(str(db), read_only=True)
                except duckdb.Error:
                    return False
                try:
                    return sorted(r[0] for r in con.sql("SELECT url FROM dim_article").fetchall())
                finally:
                    con.close()

            urls = wait_for(loaded, 240, every=2)
            assert urls == [f"{site.base}/letter.pdf", f"{site.base}/news/cornwall"], logs["serve"].read_text()[-3000:]
            assert wait_for(lambda: (tmp_path / "report" / "index.html").exists(), 60), logs["serve"].read_text()[-3000:]
            assert any(CONTACT in h.get("User-Agent", "") for _, _, h in site.requests)
        finally:
            stop_process_groups(served, server)


def test_a_broken_sources_file_is_refused_before_anything_runs(tmp_path, capsys):
    from flows.cli import main

    bad = tmp_path / "sources.toml"
    bad.write_text('[[feed]]\nurl = "ftp://example.org/feed"\n', encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["fetch", "--sources", str(bad), "--inbox", str(tmp_path / "inbox")])
    assert exit_info.value.code == 2 and "needs an http(s) url" in capsys.readouterr().err
    assert not (tmp_path / "inbox").exists()


def test_a_damaged_state_file_is_kept_aside_not_lost(tmp_path):
    from flows.fetch import FetchState

    state_dir = tmp_path / "inbox" / ".fetch"
    state_dir.mkdir(parents=True)
    (state_dir / "state.json").write_text("{ not json", encoding="utf-8")
    state = FetchState(tmp_path / "inbox")
    assert state.urls == {} and "started afresh" in state.note
    assert [p.read_text() for p in state_dir.glob("state.corrupt-*.json")] == ["{ not json"]
