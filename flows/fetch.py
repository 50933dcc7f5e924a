"""The fetch flow: feeds and pages listed in ``sources.toml`` -> raw files in the inbox the ingest reads.

Polite by construction: a User-Agent naming the project and a contact, robots.txt honoured (that of
every origin a redirect reaches too), one request per host at a time and no faster than
``min_interval_seconds`` nor before a Retry-After the host gave, a time limit on each request as a
whole, a size cap, and conditional GETs (ETag, Last-Modified) so an unchanged page costs the site a
304. Transient failures (timeouts, dropped connections, 5xx, 429) are retried by Prefect with
exponential backoff; anything else is recorded at once with its reason.

What it keeps, under the inbox:
- each document's raw bytes, ``<host>/<sha256[:16]>.<ext>``, beside ``<file>.fetch.json`` (url,
  final_url, fetched_at, http_status, content_type, etag, last_modified, content_sha256, feed entry):
  re-parsing never needs the network again;
- ``.fetch/state.json``: per URL, its validators and whether it was fetched, failed or skipped (a
  failed URL is tried again next run), the addresses and content (main text, else bytes) already held;
- ``.fetch/log.jsonl``: one line per URL per run with its outcome and reason (schemas/fetch_log.py).
Nothing fetched earlier is ever deleted or overwritten: files are named by their content.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Optional
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx
import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from flows import settings
from flows.inbox import STATE_DIR, sidecar_path
from schemas.fetch_log import FETCH_OUTCOMES, FetchLog
from transforms.decode import sha256_hex
from transforms.bounded import ParseBounds, bounded_map
from transforms.documents import parse_bounded
from transforms.feeds import FeedResult, load_relevance_cues, load_sources, normalise_url, parse_feed, relevance

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml")
DOCUMENT_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "application/pdf": ".pdf", "text/plain": ".txt"}
REDIRECTS = (301, 302, 303, 307, 308)


class TransientFetchError(Exception):
    """Worth trying again shortly: a timeout, a dropped connection, a 5xx or a 429."""


@dataclass
class Download:
    url: str
    outcome: str  # "ok", "not_modified" or "failed"
    reason: Optional[str] = None
    http_status: Optional[int] = None
    final_url: Optional[str] = None
    content_type: Optional[str] = None
    etag: Optional[str] = None
    last_modified: Optional[str] = None
    body: bytes = b""
    fetched_at: Optional[str] = None


class _Deadline(threading.local):
    """When the request under way must be over (monotonic seconds), per thread; None: no request."""

    at: float | None = None
    seconds: float = 0.0

    def clamp(self, timeout: float | None) -> float | None:
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout(f"the request took more than its {self.seconds:g} s")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read, write and TLS handshake ends by the request's deadline: httpx's own
    timeouts are per operation, so a body trickling a byte a second would never time out."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline):
        self._inner, self._deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.clamp(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, self._deadline.clamp(timeout)), self._deadline)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, deadline: _Deadline):
        self._inner, self._deadline = httpcore.SyncBackend(), deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, self._deadline.clamp(timeout), local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(self, path, timeout=None, socket_options=None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_unix_socket(path, self._deadline.clamp(timeout), socket_options), self._deadline)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _deadline_transport(deadline: _Deadline) -> httpx.HTTPTransport:
    """httpx's transport over a connection pool whose sockets keep to ``deadline``. httpx takes no network
    backend, so its pool is replaced by one built the same way with ours."""
    transport = httpx.HTTPTransport()
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), network_backend=_DeadlineBackend(deadline))
    return transport


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds from now; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


@dataclass
class Fetcher:
    """The run's HTTP client, with its per-host pacing and robots.txt rules.

    ``timeout_seconds`` bounds each request as a whole (connecting, headers and body), not each read.
    Redirects are followed here, one hop at a time, so that every origin a redirect reaches has its
    robots.txt read and its pacing kept. A 429 or 503 with Retry-After holds every request to that host
    back until then; a wait above ``max_retry_after_seconds`` is not waited for: the URL fails this run."""

    user_agent: str
    timeout_seconds: float
    max_bytes: int
    min_interval_seconds: float
    max_redirects: int = 5
    max_retry_after_seconds: float = 120.0
    _last: dict = field(default_factory=dict)
    _not_before: dict = field(default_factory=dict)
    _robots: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _deadline: _Deadline = field(default_factory=_Deadline)

    def __post_init__(self):
        self.client = httpx.Client(headers={"User-Agent": self.user_agent}, timeout=self.timeout_seconds,
                                   follow_redirects=False, transport=_deadline_transport(self._deadline))

    def close(self):
        self.client.close()

    @contextmanager
    def _request_deadline(self):
        self._deadline.at, self._deadline.seconds = time.monotonic() + self.timeout_seconds, self.timeout_seconds
        try:
            yield
        finally:
            self._deadline.at = None

    def _pace(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            ready = max(self._last.get(host, -1e9) + self.min_interval_seconds, self._not_before.get(host, -1e9))
            wait = ready - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last[host] = time.monotonic()

    def allowed(self, url: str) -> tuple[bool, str | None]:
        """robots.txt of the URL's host (read once a run): a missing file (4xx) allows everything; one
        that cannot be read (5xx, timeout) allows nothing this run, as RFC 9309 asks."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            parser, note = RobotFileParser(), None
            try:
                self._pace(origin)
                with self._request_deadline():
                    r = self.client.get(origin + "/robots.txt", follow_redirects=True)
                if r.status_code >= 500:
                    parser.disallow_all, note = True, f"robots.txt answered HTTP {r.status_code}"
                elif r.status_code >= 400:
                    parser.allow_all = True
                else:
                    parser.parse(r.text[:500_000].splitlines())
            except httpx.HTTPError as err:
                parser.disallow_all, note = True, f"robots.txt could not be read ({type(err).__name__})"
            self._robots[origin] = (parser, note)
        parser, note = self._robots[origin]
        if parser.can_fetch(self.user_agent, url):
            return True, None
        return False, note or "disallowed by robots.txt"

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Download:
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        try:
            for hop in range(self.max_redirects + 1):
                ok, why = self.allowed(current)
                if not ok:
                    return Download(url, "failed", reason=why if not hop else f"{why} (redirected to {current})", fetched_at=now)
                self._pace(current)
                with self._request_deadline(), self.client.stream("GET", current, headers=headers) as r:
                    if r.status_code in REDIRECTS and "location" in r.headers:
                        current = urljoin(str(r.url), r.headers["location"])
                        continue
                    return self._read(url, r, now)
            return Download(url, "failed", reason=f"redirect loop or more than {self.max_redirects} redirects", fetched_at=now)
        except httpx.TimeoutException as err:
            raise TransientFetchError(f"timed out after {self.timeout_seconds:g} s ({type(err).__name__})") from err
        except httpx.TransportError as err:
            raise TransientFetchError(f"connection failed ({type(err).__name__}: {err})") from err
        except httpx.HTTPError as err:
            return Download(url, "failed", reason=f"{type(err).__name__}: {err}", fetched_at=now)

    def _read(self, url: str, r: httpx.Response, now: str) -> Download:
        d = Download(url, "ok", http_status=r.status_code, final_url=str(r.url), content_type=r.headers.get("content-type"),
                     etag=r.headers.get("etag"), last_modified=r.headers.get("last-modified"), fetched_at=now)
        if r.status_code == 304:
            d.outcome = "not_modified"
            return d
        if r.status_code == 429 or r.status_code >= 500:
            wait = retry_after_seconds(r.headers.get("retry-after")) if r.status_code in (429, 503) else None
            if wait is not None and wait > self.max_retry_after_seconds:
                d.outcome, d.reason = "failed", (f"HTTP {r.status_code}: the site asks to wait {wait:.0f} s (Retry-After), more than "
                                                 f"{self.max_retry_after_seconds:g} s; it is asked again next run")
                return d
            if wait is not None:
                with self._lock:  # every request to this host waits, the retry included
                    host = urlsplit(str(r.url)).netloc.lower()
                    self._not_before[host] = max(self._not_before.get(host, 0.0), time.monotonic() + wait)
            raise TransientFetchError(f"HTTP {r.status_code} from {url}" + (f" (Retry-After {wait:g} s)" if wait is not None else ""))
        if r.status_code >= 400:
            d.outcome, d.reason = "failed", f"HTTP {r.status_code} {r.reason_phrase}"
            return d
        declared = r.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            d.outcome, d.reason = "failed", f"body of {int(declared):,} bytes is above the size cap of {self.max_bytes:,} bytes"
            return d
        chunks, size = [], 0
        for chunk in r.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                d.outcome, d.reason = "failed", f"body is above the size cap of {self.max_bytes:,} bytes (stopped reading)"
                return d
            chunks.append(chunk)
        d.body = b"".join(chunks)
        return d


@task(cache_policy=NO_CACHE)
def download(fetcher: Fetcher, url: str, etag: Optional[str] = None, last_modified: Optional[str] = None) -> Download:
    """One GET. Raises TransientFetchError for what a later attempt may fix: the task's retries apply."""
    return fetcher.get(url, etag, last_modified)


class _Changes(dict):
    """A dict that remembers which keys this run set, so that saving merges them into what another
    run saved meanwhile instead of replacing it."""

    def __init__(self, *args):
        super().__init__(*args)
        self.changed: set = set()

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.changed.add(key)

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]


class FetchState:
    """``.fetch/state.json`` and ``.fetch/log.jsonl`` of an inbox.

    Two fetches may share an inbox (a scheduled serve and a manual fetch). Each saves under an flock
    on ``.fetch/state.lock``, re-reading the file first and writing back only what it changed itself
    (``_Changes``): URLs it fetched, files it saved. Another run's records survive; for a URL both
    runs fetched, the later save's record stands (it is the newer answer from the site)."""

    def __init__(self, inbox: Path):
        self.dir = inbox / STATE_DIR
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / "state.json"
        self.log_path = self.dir / "log.jsonl"
        self.note: str | None = None
        with self._locked():
            data = self._read(set_aside=True)
        self.urls: dict[str, dict] = _Changes(data.get("urls", {}))
        self.canonical: dict[str, str] = _Changes(data.get("canonical", {}))
        self.hashes: dict[str, str] = _Changes(data.get("hashes", {}))

    @contextmanager
    def _locked(self):
        fd = os.open(self.dir / "state.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held only while the file is read or written: milliseconds
            yield
        finally:
            os.close(fd)

    def _read(self, set_aside: bool = False) -> dict:
        if not self.path.exists():
            return {}
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except ValueError:
            if not set_aside:
                return {}
            # Kept aside, not deleted: the run starts afresh (saved files are named by address, so a
            # page fetched again lands on its own file) and says so in its log.
            aside = self.path.with_name(f"state.corrupt-{int(time.time())}.json")
            os.replace(self.path, aside)
            self.note = f"state file was not valid JSON; kept as {aside.name}, started afresh"
            return {}

    def save(self) -> None:
        with self._locked():
            theirs = self._read()
            merged = {}
            for name in ("urls", "canonical", "hashes"):
                # What this run loaded, then what another run saved since, then what this run changed: a
                # state file removed or damaged meanwhile loses nothing this run knew (no run deletes records).
                mine: _Changes = getattr(self, name)
                merged[name] = dict(mine) | theirs.get(name, {}) | {k: mine[k] for k in mine.changed}
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(merged, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
        for name in ("urls", "canonical", "hashes"):
            setattr(self, name, _Changes(merged[name]))

    def append_log(self, rows: list[dict]) -> pl.DataFrame:
        # A row the model refuses is a bug in this flow, not bad input: let it raise.
        valid = FetchLog.validate(pl.DataFrame(rows, schema=LOG_SCHEMA), lazy=True)
        text = "".join(json.dumps(r, default=str) + "\n" for r in valid.iter_rows(named=True))
        with self._locked(), self.log_path.open("a", encoding="utf-8") as f:
            f.write(text)
        return valid


LOG_SCHEMA = {"run_id": pl.String, "logged_at": pl.Datetime("us"), "source": pl.String, "url": pl.String, "outcome": pl.String,
              "reason": pl.String, "http_status": pl.Int32, "path": pl.String, "canonical_url": pl.String, "content_sha256": pl.String}
OUTCOMES = tuple(FETCH_OUTCOMES)


def _user_agent(contact: str) -> str:
    from importlib.metadata import version

    return f"ofsted-watch/{version('ofsted-watch')} (news about Ofsted visits of children's services; contact: {contact})"


@flow(name="ofsted-watch-fetch")
def fetch_flow(
    sources_path: Path,
    inbox: Path,
    contact: str = settings.DEFAULTS.fetch_contact,
    seeds_dir: Path = settings.DEFAULTS.seeds_dir,
    timeout_seconds: float = settings.DEFAULTS.fetch_timeout_seconds,
    max_bytes: int = settings.DEFAULTS.fetch_max_bytes,
    min_interval_seconds: float = settings.DEFAULTS.fetch_min_interval_seconds,
    retries: int = settings.DEFAULTS.fetch_retries,
    retry_backoff_seconds: float = settings.DEFAULTS.fetch_retry_backoff_seconds,
    max_retry_after_seconds: float = settings.DEFAULTS.fetch_max_retry_after_seconds,
    parse_timeout_seconds: float = settings.DEFAULTS.parse_timeout_seconds,
    parse_memory_bytes: int = settings.DEFAULTS.parse_memory_bytes,
) -> dict:
    """Fetch every feed and URL in ``sources_path`` into ``inbox``; returns counts per outcome and the failures."""
    logger = get_run_logger()
    inbox = Path(inbox).resolve()
    sources = load_sources(Path(sources_path))
    cues = load_relevance_cues(Path(seeds_dir))
    state = FetchState(inbox)
    run_id = str(uuid.uuid4())
    fetcher = Fetcher(_user_agent(contact), timeout_seconds, max_bytes, min_interval_seconds,
                      max_retry_after_seconds=max_retry_after_seconds)
    get = download.with_options(retries=retries, retry_delay_seconds=exponential_backoff(retry_backoff_seconds)(retries) if retries else 0)
    log: list[dict] = []
    bounds = ParseBounds(parse_timeout_seconds, parse_memory_bytes)
    if state.note:
        logger.warning("fetch: %s", state.note)

    def record(source: str, url: str, outcome: str, reason: str | None = None, **extra) -> None:
        log.append({"run_id": run_id, "logged_at": datetime.now(timezone.utc).replace(tzinfo=None), "source": source, "url": url,
                    "outcome": outcome, "reason": reason, "http_status": extra.get("http_status"), "path": extra.get("path"),
                    "canonical_url": extra.get("canonical_url"), "content_sha256": extra.get("content_sha256")})

    def fetch(url: str, conditional: bool) -> Download:
        known = state.urls.get(url, {}) if conditional else {}
        s = get(fetcher, url, known.get("etag"), known.get("last_modified"), return_state=True)
        if s.is_failed():
            err = s.result(raise_on_failure=False)
            return Download(url, "failed", reason=f"{err} (after {retries} retries)" if retries else str(err),
                            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        return s.result()

    try:
        for feed in sources.feeds:
            d = fetch(feed.url, conditional=True)
            entries = []
            if d.outcome == "failed":
                record(feed.name, feed.url, "failed", d.reason, http_status=d.http_status)
                state.urls[feed.url] = state.urls.get(feed.url, {}) | {"status": "failed", "reason": d.reason}
            elif d.outcome == "not_modified":
                # The entries it had last time: one that failed then is tried again now.
                entries = state.urls.get(feed.url, {}).get("entries", [])
                record(feed.name, feed.url, "not_modified", http_status=304)
            else:
                [(parsed, breach)] = bounded_map(parse_feed, [(d.body, d.content_type)], bounds, "the feed")
                if breach:
                    parsed = FeedResult([], error=breach)
                if parsed.error:
                    record(feed.name, feed.url, "failed", parsed.error, http_status=d.http_status)
                    state.urls[feed.url] = {"status": "failed", "reason": parsed.error}
                else:
                    entries = parsed.entries
                    record(feed.name, feed.url, "feed_warning" if parsed.warning else "feed_read",
                           parsed.warning or f"{len(entries)} entries", http_status=d.http_status)
                    # A feed's validators are kept only once it was read: a broken feed is fetched whole next time.
                    state.urls[feed.url] = {"status": "ok", "etag": d.etag, "last_modified": d.last_modified, "fetched_at": d.fetched_at,
                                            "entries": entries}
            reasons = relevance([f"{e['title']} {e['summary']}" for e in entries], cues)
            for entry, why_not in zip(entries, reasons):
                url = urljoin(feed.url, entry["link"])
                previous = state.urls.get(url, {})
                if previous.get("status") in ("ok", "skipped", "duplicate"):
                    record(feed.name, url, "already_fetched", previous.get("reason"))
                    continue
                if why_not:
                    record(feed.name, url, "skipped_off_topic", f"feed entry {why_not}")
                    state.urls[url] = {"status": "skipped", "reason": f"feed entry {why_not}"}
                    continue
                _fetch_document(fetch(url, conditional=False), feed.name, entry, inbox, state, record, bounds)
        for single in sources.urls:
            _fetch_document(fetch(single.url, conditional=True), single.name, None, inbox, state, record, bounds)
    finally:
        fetcher.close()
        state.save()
        frame = state.append_log(log) if log else pl.DataFrame(schema=LOG_SCHEMA)
    counts = {o: 0 for o in OUTCOMES} | {r["outcome"]: r["len"] for r in frame.group_by("outcome").len().iter_rows(named=True)}
    failures = [{"url": r["url"], "reason": r["reason"]} for r in frame.filter(pl.col("outcome") == "failed").iter_rows(named=True)]
    skipped = [{"url": r["url"], "reason": r["reason"]} for r in frame.filter(pl.col("outcome").is_in(["skipped_off_topic", "duplicate_url", "duplicate_content"])).iter_rows(named=True)]
    logger.info("fetch %s: %s", run_id, counts)
    return {"run_id": run_id, "inbox": str(inbox), "counts": counts, "failures": failures, "skipped": skipped,
            "log": str(state.log_path), "warnings": [state.note] if state.note else []}


def _fetch_document(d: Download, source: str, entry: dict | None, inbox: Path, state: FetchState, record,
                    bounds: ParseBounds = ParseBounds()) -> None:
    url = d.url
    if d.outcome == "failed":
        record(source, url, "failed", d.reason, http_status=d.http_status)
        state.urls[url] = state.urls.get(url, {}) | {"status": "failed", "reason": d.reason}
        return
    if d.outcome == "not_modified":
        record(source, url, "not_modified", http_status=304, path=state.urls.get(url, {}).get("path"))
        return
    media = (d.content_type or "").split(";")[0].strip().lower()
    suffix = DOCUMENT_TYPES.get(media)
    if suffix is None:
        reason = f"unsupported content type {media or 'none'} (expected HTML, PDF or plain text)"
        record(source, url, "failed", reason, http_status=d.http_status)
        state.urls[url] = {"status": "failed", "reason": reason}
        return
    sha = sha256_hex(d.body)
    canonical, text = None, None
    if suffix in (".html", ".pdf"):  # parsed under the same bounds as the ingest parses it
        [(parsed, reason)] = parse_bounded([suffix[1:]], [d.body], [d.content_type], bounds)
        if parsed is not None and suffix == ".html":
            canonical, text, reason = parsed.metadata.canonical_url, parsed.text, parsed.reject_reason
        elif parsed is not None:
            text, reason = parsed
        if reason:
            record(source, url, "failed", reason, http_status=d.http_status, content_sha256=sha)
            state.urls[url] = {"status": "failed", "reason": reason}
            return
    # A duplicate is decided by what the document holds, never by what it claims (a canonical link can be
    # wrong, copied from a template, or hostile): the same article text under another address is a copy
    # (a print view, a syndicated page with other furniture); a different text is an article of its own.
    content = _content_key(sha, text)
    addresses = [normalise_url(url), normalise_url(d.final_url or url)]
    host = (urlsplit(d.final_url or url).hostname or "unknown").lower()
    # A page keeps one file, named by its address: an updated page replaces its file, and the ingest
    # replaces its article's facts.
    own = state.urls.get(url, {})
    own_path = own.get("path") if own.get("status") == "ok" else None
    validators = {"etag": d.etag, "last_modified": d.last_modified, "fetched_at": d.fetched_at}
    rel = own_path or next((state.canonical[k] for k in addresses if k in state.canonical), None) \
        or f"{host}/{sha256_hex(addresses[-1].encode())[:16]}{suffix}"
    # (bytes: how states written before text keys hold it)
    held = next((state.hashes[k] for k in (content, sha) if state.hashes.get(k, rel) != rel), None)
    if held:
        reason = f"same content as {held}"
        record(source, url, "duplicate_content", reason, http_status=d.http_status, canonical_url=canonical, content_sha256=sha, path=held)
        state.urls[url] = {"status": "duplicate", "reason": reason, "path": held} | validators
        return
    target = inbox / rel
    if state.hashes.get(content) == rel and target.exists():
        record(source, url, "not_modified", "content unchanged (the server sent it whole)", http_status=d.http_status, path=rel,
               canonical_url=canonical, content_sha256=sha)
        state.urls[url] = {"status": "ok", "path": rel} | validators
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    record_json = {"url": url, "final_url": d.final_url, "fetched_at": d.fetched_at, "http_status": d.http_status,
                   "content_type": d.content_type, "etag": d.etag, "last_modified": d.last_modified, "content_sha256": sha,
                   "source": source, "canonical_url": canonical,
                   "entry_title": entry.get("title") if entry else None, "entry_published": entry.get("published") if entry else None}
    # The record first, then the bytes: an ingest that sees the file always finds its record.
    _atomic_write(sidecar_path(target), json.dumps(record_json, indent=1).encode("utf-8"))
    _atomic_write(target, d.body)
    state.hashes[content] = rel
    for k in addresses:  # the addresses it was fetched from; what it claims (canonical) names nothing
        state.canonical.setdefault(k, rel)
    state.urls[url] = {"status": "ok", "path": rel} | validators
    record(source, url, "saved", None if entry is None or entry.get("published") else "feed entry has no date",
           http_status=d.http_status, path=rel, canonical_url=canonical, content_sha256=sha)


def _content_key(sha: str, text: str | None) -> str:
    """What a duplicate is decided by: the document's main text, whitespace aside, when it has one (the
    same article in other furniture is the same), else its bytes."""
    if not text:
        return sha
    return "text:" + sha256_hex(" ".join(text.split()).encode("utf-8"))


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)
