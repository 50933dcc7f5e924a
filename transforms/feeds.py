"""Sources to fetch, feeds to entries, and which entries are about Ofsted and children's services.

Pure functions: the fetch flow (flows/fetch.py) does the network, the waiting and the files.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser
import polars as pl

from transforms.html_extract import parse_date

# Query parameters that say how a reader arrived, not which page it is.
TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|cmpid|ocid|ito|CMP)$", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    kind: str  # "feed" or "url"
    url: str
    name: str


@dataclass(frozen=True)
class Sources:
    feeds: list[Source] = field(default_factory=list)
    urls: list[Source] = field(default_factory=list)


# What an entry of sources.toml may hold; anything else (a misspelt ``nmae``, a per-source ``interval``
# the fetch does not have) is refused, as an unknown section is, rather than silently ignored.
ENTRY_KEYS = ("url", "name")


def load_sources(path: Path) -> Sources:
    """``sources.toml``: ``[[feed]]`` and ``[[url]]`` tables, each with ``url`` and an optional ``name``."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{path}: not valid TOML: {err}") from err
    unknown = set(data) - {"feed", "url"}
    if unknown:
        raise ValueError(f"{path}: unknown section(s) {sorted(unknown)}; expected [[feed]] and [[url]]")
    out: dict[str, list[Source]] = {"feed": [], "url": []}
    for kind in out:
        entries = data.get(kind, [])
        if isinstance(entries, dict):
            raise ValueError(f"{path}: [{kind}] is written with one pair of brackets; each entry is an array table: "
                             f"write [[{kind}]] (two pairs) above each one")
        if not isinstance(entries, list):
            raise ValueError(f"{path}: {kind} must be [[{kind}]] entries, each with url = \"...\", not {entries!r}")
        for i, item in enumerate(entries):
            where = f"{path}: [[{kind}]] number {i + 1}"
            if not isinstance(item, dict):
                raise ValueError(f"{where} is not a table: write [[{kind}]] followed by url = \"...\" lines")
            extra = sorted(set(item) - set(ENTRY_KEYS))
            if extra:
                raise ValueError(f"{where} has unknown key(s) {extra}; an entry takes only {' and '.join(ENTRY_KEYS)}")
            url, name = item.get("url"), item.get("name")
            if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"{where} needs an http(s) url, got {url!r}")
            if name is not None and not isinstance(name, str):
                raise ValueError(f"{where}: name must be text, got {name!r}")
            out[kind].append(Source(kind, url, name or urlsplit(url).netloc))
    return Sources(out["feed"], out["url"])


def normalise_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no fragment, no tracking parameters, no
    default port, no trailing slash on the path."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and not ((parts.scheme == "http" and parts.port == 80) or (parts.scheme == "https" and parts.port == 443)):
        host = f"{host}:{parts.port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))


@dataclass
class FeedResult:
    entries: list[dict]
    error: str | None = None
    warning: str | None = None


def parse_feed(data: bytes, content_type: str | None = None) -> FeedResult:
    """RSS or Atom bytes to entries (link, title, summary, published as ISO date or None, id).
    Broken XML that still yields entries gives them with a warning; with no entries it is an error."""
    parsed = feedparser.parse(data, response_headers={"content-type": content_type} if content_type else None)
    entries = []
    for e in parsed.entries:
        link = e.get("link")
        if not link:
            continue
        when = None
        for key in ("published_parsed", "updated_parsed"):
            if e.get(key):
                t = e[key]
                when = f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
                break
        if when is None:
            d = parse_date(e.get("published") or e.get("updated"))
            when = d.isoformat() if d else None
        entries.append({"link": link, "title": e.get("title") or "", "summary": re.sub(r"<[^>]+>", " ", e.get("summary") or ""),
                        "published": when, "id": e.get("id") or link})
    problem = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}" if parsed.get("bozo") else None
    if not entries:
        if problem:
            return FeedResult([], error=f"malformed feed, no entries could be read ({problem})")
        if not parsed.get("version"):
            return FeedResult([], error=f"not an RSS or Atom feed (content type {content_type or 'unknown'})")
        return FeedResult([])
    return FeedResult(entries, warning=f"feed is not well-formed, {len(entries)} entries read anyway ({problem})" if problem else None)


def load_relevance_cues(seeds_dir: Path) -> dict[str, list[str]]:
    cues = pl.read_csv(Path(seeds_dir) / "rules" / "relevance_cues.csv")
    return {g: cues.filter(pl.col("group") == g)["pattern"].to_list() for g in cues["group"].unique(maintain_order=True)}


def relevance(texts: list[str], cues: dict[str, list[str]]) -> list[str | None]:
    """None for a text about Ofsted and children's services (a cue of every group matches), else why not."""
    s = pl.Series(texts, dtype=pl.String).fill_null("")
    missing = {g: ~pl.select(pl.any_horizontal([s.str.contains(p) for p in pats])).to_series() for g, pats in cues.items()}
    out = []
    for i in range(len(texts)):
        lacking = [g for g, m in missing.items() if m[i]]
        out.append(None if not lacking else "does not mention " + " or ".join(lacking))
    return out
