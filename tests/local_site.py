"""An invented news site on 127.0.0.1 for the fetch tests: feeds, pages, a PDF letter and every way a
site can fail (404, 500, slow, redirect loop, huge body, wrong content type, broken XML)."""

from __future__ import annotations

import html
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from benchmarks.make_pages import article_page, letter_pdf

SLOW_SECONDS = 2.5
HUGE_BYTES = 50 * 1024 * 1024


def story(place: str, visit: str = "second monitoring visit") -> str:
    """An invented article of the kind the pipeline reads, headline first."""
    return f"""Inspectors see steadier teams at {place} children's services

A {visit} finds caseloads falling, though planning for some children still drifts

Ofsted inspectors have found that social workers at {place} children's services now have more manageable caseloads, during the {visit} since the council was judged inadequate in 2024.

Inspectors said managers knew their teams well and that most children were seen regularly by the same worker. "Staff told us they feel listened to," the letter said.

However, the inspectorate found that plans for some children in need lacked clear timescales, and that drift persisted where cases moved between teams.

A spokesperson for {place} council said the authority welcomed the findings and would keep working with partners on the improvement plan.

The next monitoring visit is expected in the spring."""


OFF_TOPIC = """Council approves new bus lanes on the ring road

The scheme will add two bus lanes and a cycle path, councillors agreed on Tuesday evening after a long debate about parking."""


def _page(text: str, url: str, canonical: bool = True, published: str | None = "2025-03-20") -> bytes:
    facts = {"title": text.split("\n\n")[0], "publisher": "Invented Care News", "published_date": published, "author": "A Reporter"}
    style = "all" if canonical else "none"
    if not canonical:
        facts = {"title": facts["title"], "publisher": None, "published_date": None}
    return article_page(text, facts, style, url).encode("utf-8")


def _rss(base: str, items: list[tuple[str, str, str | None, str]]) -> bytes:
    parts = []
    for title, path, date, summary in items:
        when = f"<pubDate>{date}</pubDate>" if date else ""
        parts.append(f"<item><title>{html.escape(title)}</title><link>{base}{path}</link>{when}"
                     f"<description>{html.escape(summary)}</description><guid>{base}{path}</guid></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Invented Care News</title>'
            f"<link>{base}/</link><description>News</description>{''.join(parts)}</channel></rss>").encode("utf-8")


class Site:
    """Starts on a free port; ``requests`` lists (path, headers) of every request; ``fixed`` makes the
    failing 500 page answer normally (a site that recovered before the next run)."""

    def __init__(self):
        self.requests: list[tuple[float, str, dict]] = []
        self.fixed = False
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        # Built before the first request (about a second on a loaded machine): the tests' 1 s request
        # timeout must measure the client, not the site making its pages.
        self.cached_routes()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def hits(self, path: str) -> list[dict]:
        return [h for _, p, h in self.requests if p == path]

    def cached_routes(self) -> dict:
        if not hasattr(self, "_routes"):
            self._routes = self.routes()
        return self._routes

    def routes(self) -> dict:
        b = self.base
        on_topic = "Ofsted monitoring visit finds progress at a council's children's services"
        feed = _rss(b, [
            ("Inspectors see steadier teams at Cornwall", "/news/cornwall", "Thu, 20 Mar 2025 09:00:00 GMT", on_topic),
            ("Same story, syndicated copy", "/syndicated/cornwall", "Thu, 20 Mar 2025 10:00:00 GMT", on_topic),
            ("Inspectors see steadier teams at Derby", "/news/derby-undated", None, on_topic),
            ("Council approves new bus lanes", "/news/bus-lanes", "Fri, 21 Mar 2025 09:00:00 GMT", "Transport scheme agreed by councillors."),
            ("Ofsted visit to children's services: page gone", "/news/gone", "Fri, 21 Mar 2025 09:00:00 GMT", on_topic),
            ("Ofsted visit to children's services: server error", "/news/broken", "Fri, 21 Mar 2025 09:00:00 GMT", on_topic),
            ("Ofsted visit to children's services: slow", "/news/slow", "Fri, 21 Mar 2025 09:00:00 GMT", on_topic),
            ("Ofsted visit to children's services: loop", "/news/loop", "Fri, 21 Mar 2025 09:00:00 GMT", on_topic),
            ("Ofsted visit to children's services: huge", "/news/huge", "Fri, 21 Mar 2025 09:00:00 GMT", on_topic),
            ("Ofsted visit to children's services: an image", "/news/image", "Fri, 21 Mar 2025 09:00:00 GMT", on_topic),
            ("Inspectors see steadier teams at Luton", "/news/luton", "Sat, 22 Mar 2025 09:00:00 GMT", on_topic),
            ("Inspectors see steadier teams at Luton (print)", "/print/luton", "Sat, 22 Mar 2025 09:00:00 GMT", on_topic),
        ])
        cornwall = _page(story("Cornwall"), f"{b}/news/cornwall")
        luton = _page(story("Luton", "first monitoring visit"), f"{b}/news/luton", canonical=False)
        cp1252 = (
            '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
            "<title>Inspectors see steadier teams at Halton children\u2019s services | Invented Care News</title></head><body>"
            + "".join(f"<p>{html.escape(p)}</p>" for p in story("Halton").replace("'", "\u2019").split("\n\n")[1:])
            + "</body></html>"
        ).encode("cp1252")
        return {
            "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
            "/feed.xml": (200, "application/rss+xml", feed),
            "/bad-feed.xml": (200, "application/rss+xml", b"<?xml version='1.0'?><rss><channel><item><title>Broken & <b>unclosed"),
            "/news/cornwall": (200, "text/html; charset=utf-8", cornwall),
            # The same article in another site's furniture: a copy, decided by its text.
            "/syndicated/cornwall": (200, "text/html; charset=utf-8", cornwall.replace(b"<li><a href=\"/jobs\">Jobs</a></li>", b"")),
            "/news/derby-undated": (200, "text/html", _page(story("Derby"), f"{b}/news/derby-undated", published=None).replace(b"datePublished", b"dateX")
                                    .replace(b'article:published_time', b'article:x').replace(b'name="date"', b'name="x"')),
            "/news/bus-lanes": (200, "text/html", _page(OFF_TOPIC, f"{b}/news/bus-lanes")),
            "/news/luton": (200, "text/html", luton),
            "/print/luton": (200, "text/html", luton),
            "/news/image": (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
            "/halton.html": (200, "text/html", cp1252),
            "/letter.pdf": (200, "application/pdf", letter_pdf(repeat=2)),
            "/private/secret.html": (200, "text/html", cornwall),
        }

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 (http.server's name)
                site.requests.append((time.monotonic(), self.path, dict(self.headers)))
                path = self.path.split("?")[0]
                if path == "/news/gone":
                    return self._send(404, "text/html", b"<h1>Not found</h1>")
                if path == "/news/broken" and not site.fixed:
                    return self._send(500, "text/html", b"<h1>Internal error</h1>")
                if path == "/news/broken":
                    return self._send(200, "text/html", _page(story("Walsall"), f"{site.base}/news/broken"))
                if path == "/news/slow":
                    time.sleep(SLOW_SECONDS)
                    return self._send(200, "text/html", _page(story("Slough"), f"{site.base}/news/slow"))
                if path in ("/news/loop", "/news/loop2"):
                    self.send_response(302)
                    self.send_header("Location", "/news/loop2" if path == "/news/loop" else "/news/loop")
                    self.end_headers()
                    return
                if path == "/news/huge":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()  # no Content-Length: the client must stop reading itself
                    chunk = b"<p>" + b"x" * (1 << 20) + b"</p>"
                    try:
                        for _ in range(HUGE_BYTES // len(chunk) + 1):
                            self.wfile.write(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                routes = site.cached_routes()
                if path not in routes:
                    return self._send(404, "text/plain", b"not found")
                status, ctype, body = routes[path]
                etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self._send(status, ctype, body, {"ETag": etag, "Last-Modified": formatdate(1742461200, usegmt=True)})

            def _send(self, status, ctype, body, headers=None):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def sources_toml(base: str) -> str:
    return f"""
[[feed]]
name = "Invented Care News"
url = "{base}/feed.xml"

[[feed]]
name = "A broken feed"
url = "{base}/bad-feed.xml"

[[url]]
name = "A letter"
url = "{base}/letter.pdf"

[[url]]
url = "{base}/halton.html"

[[url]]
url = "{base}/private/secret.html"
"""
