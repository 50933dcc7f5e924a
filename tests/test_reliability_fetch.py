"""Issue 21, the fetch's cases: each test is named after its case and failed before its fix.

Two fetches sharing an inbox, duplicates decided by what a page claims, a body that trickles, a site
asking to wait (Retry-After), and a redirect to an origin whose robots.txt was never read.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from benchmarks.make_pages import article_page
from flows.fetch import Download, Fetcher, FetchState, TransientFetchError, _fetch_document
from tests.local_site import story

AGENT = "ofsted-watch-test (contact: x@example.org)"


class Server:
    """A site on a free port whose answers the test writes: ``routes[path] = handler(request)``."""

    def __init__(self, routes: dict):
        self.routes, self.requests = routes, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 (http.server's name)
                outer.requests.append((time.monotonic(), self.path))
                route = outer.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                try:
                    route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        return [p for _, p in self.requests]


def send(status: int, body: bytes = b"", ctype: str = "text/plain", **headers):
    def answer(h: BaseHTTPRequestHandler):
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            h.send_header(k.replace("_", "-"), v)
        h.end_headers()
        h.wfile.write(body)

    return answer


def fetcher(timeout: float = 2.0) -> Fetcher:
    return Fetcher(AGENT, timeout_seconds=timeout, max_bytes=10**6, min_interval_seconds=0.0)


def test_case_a_body_trickling_a_byte_a_second_is_stopped_at_the_request_timeout():
    def trickle(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "1000")
        h.end_headers()
        for _ in range(1000):  # each read returns well within the timeout: only a total deadline stops it
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.1)

    def trickled_headers(h):
        h.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for i in range(1000):
            h.wfile.write(f"X-{i}: y\r\n".encode())
            h.wfile.flush()
            time.sleep(0.1)

    with Server({"/robots.txt": send(404), "/slow": trickle, "/slow-headers": trickled_headers}) as site:
        f = fetcher(timeout=1.0)
        try:
            for path in ("/slow", "/slow-headers"):
                started = time.monotonic()
                with pytest.raises(TransientFetchError, match="timed out after 1 s"):
                    f.get(site.base + path)
                assert time.monotonic() - started < 2.5, path  # 100 s of trickle before the fix
        finally:
            f.close()


def test_case_retry_after_holds_the_next_request_to_that_host_back():
    answers = iter([send(429, Retry_After="2"), send(200, b"now", "text/plain")])
    with Server({"/robots.txt": send(404), "/busy": lambda h: next(answers)(h)}) as site:
        f = fetcher()
        try:
            with pytest.raises(TransientFetchError, match="Retry-After 2"):
                f.get(site.base + "/busy")
            assert f.get(site.base + "/busy").body == b"now"  # the retry, asked at once, waits
        finally:
            f.close()
    asked = [t for t, p in site.requests if p == "/busy"]
    assert asked[1] - asked[0] >= 1.9, asked


def test_case_a_retry_after_beyond_the_bound_fails_the_url_for_this_run():
    with Server({"/robots.txt": send(404), "/busy": send(503, Retry_After="86400")}) as site:
        f = fetcher()
        try:
            d = f.get(site.base + "/busy")
        finally:
            f.close()
    assert d.outcome == "failed" and "Retry-After" in d.reason and "next run" in d.reason


def test_retry_after_reads_seconds_and_http_dates():
    from datetime import datetime, timezone

    from flows.fetch import retry_after_seconds

    now = datetime(2025, 3, 20, 9, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("30", now) == 30
    assert retry_after_seconds("Thu, 20 Mar 2025 09:01:00 GMT", now) == 60
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None


def test_case_a_redirect_to_another_origin_reads_that_origins_robots_txt():
    with Server({"/robots.txt": send(200, b"User-agent: *\nDisallow: /private/\n"), "/private/page": send(200, b"secret")}) as other:
        with Server({"/robots.txt": send(404), "/go": send(302, Location=f"{other.base}/private/page"),
                     "/fine": send(302, Location=f"{other.base}/public")}) as site:
            other.routes["/public"] = send(200, b"public text")
            f = fetcher()
            try:
                refused = f.get(site.base + "/go")
                allowed = f.get(site.base + "/fine")
            finally:
                f.close()
    assert refused.outcome == "failed" and "robots.txt" in refused.reason and "redirected to" in refused.reason
    assert "/private/page" not in other.paths() and other.paths().count("/robots.txt") == 1
    assert allowed.outcome == "ok" and allowed.body == b"public text" and allowed.final_url == f"{other.base}/public"


def test_case_two_fetches_into_one_inbox_keep_each_others_records(tmp_path):
    """A scheduled serve and a manual fetch load the state at the same time; each saves what it fetched."""
    inbox = tmp_path / "inbox"
    FetchState(inbox).save()
    scheduled, manual = FetchState(inbox), FetchState(inbox)
    scheduled.urls["https://a.example/1"] = {"status": "ok", "path": "a.example/1.html", "etag": '"a"'}
    scheduled.hashes["sha-a"] = "a.example/1.html"
    manual.urls["https://b.example/2"] = {"status": "ok", "path": "b.example/2.html", "etag": '"b"'}
    manual.canonical.setdefault("https://b.example/2", "b.example/2.html")
    scheduled.save()
    manual.save()
    saved = json.loads((inbox / ".fetch" / "state.json").read_text())
    assert set(saved["urls"]) == {"https://a.example/1", "https://b.example/2"}
    assert saved["hashes"] == {"sha-a": "a.example/1.html"} and saved["canonical"] == {"https://b.example/2": "b.example/2.html"}
    # The later save also sees the other's records from then on.
    assert "https://a.example/1" in manual.urls


def _page(text: str, canonical: str) -> bytes:
    facts = {"title": text.split("\n\n")[0], "publisher": "Invented Care News", "published_date": "2025-03-20", "author": "A Reporter"}
    return article_page(text, facts, "all", canonical).encode("utf-8")


def test_case_a_page_claiming_anothers_canonical_url_is_kept_as_its_own_article(tmp_path):
    """A page's canonical link is a claim: a different article claiming a held address is saved, not dropped."""
    inbox = tmp_path / "inbox"
    state, log = FetchState(inbox), []

    def record(source, url, outcome, reason=None, **extra):
        log.append((url, outcome, reason, extra.get("path")))

    cornwall = "https://news.example/cornwall"
    pages = [(cornwall, _page(story("Cornwall"), cornwall)),
             ("https://news.example/dorset", _page(story("Dorset"), cornwall)),  # claims Cornwall's address
             ("https://other.example/copy", _page(story("Cornwall"), cornwall).replace(b"Jobs</a>", b"Careers</a>"))]
    for url, body in pages:
        d = Download(url, "ok", http_status=200, final_url=url, content_type="text/html; charset=utf-8", body=body, fetched_at="t")
        _fetch_document(d, "test", None, inbox, state, record)
    outcomes = {url: (outcome, path) for url, outcome, _, path in log}
    assert outcomes["https://news.example/dorset"][0] == "saved"
    assert outcomes["https://news.example/dorset"][1] != outcomes[cornwall][1]
    assert b"Dorset" in (inbox / outcomes["https://news.example/dorset"][1]).read_bytes()
    assert b"Cornwall" in (inbox / outcomes[cornwall][1]).read_bytes()  # not overwritten by the claimant
    # The same article text in other furniture is a copy, by its content.
    assert outcomes["https://other.example/copy"] == ("duplicate_content", outcomes[cornwall][1])
