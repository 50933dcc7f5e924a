"""Web pages to article text and page metadata.

The main text comes from trafilatura (see README, "Web pages, feeds and letters", for the measurement
that chose it); title, site name, publication date, author and canonical URL come from what the page
states about itself, read here in a fixed order so each value can be recorded with where it came
from: JSON-LD, then OpenGraph, then other meta tags, then <title> and <link rel=canonical>.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import lxml.html
import trafilatura

from transforms.textmatch import letters_and_digits

# A charset named by the page: <meta charset=...> or <meta http-equiv=Content-Type content="...; charset=...">.
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting", "analysisnewsarticle", "report", "webpage"}
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# Page titles usually carry the site: "Headline | Site" or "Headline - Site".
TITLE_SITE_SUFFIX = re.compile(r"\s+\|\s+[^|]{2,60}$")

# A page whose main text is shorter than this is an index, a login wall or an error page, not an article
# (trafilatura falls back to whatever text it finds, a menu's links included).
MIN_WORDS = 15

SOURCE_JSON_LD = "json-ld"
SOURCE_OPENGRAPH = "opengraph"
SOURCE_META = "meta"
SOURCE_HTML = "html"
FIELDS = ("title", "publisher", "published_date", "author", "canonical_url")


@dataclass
class PageMetadata:
    """What a page says about itself; ``sources`` names where each found field came from."""

    title: str | None = None
    publisher: str | None = None
    published_date: date | None = None
    author: str | None = None
    canonical_url: str | None = None
    sources: dict[str, str] = field(default_factory=dict)

    def offer(self, name: str, value, source: str) -> None:
        """First source to state a field wins (sources are offered in order of trust)."""
        if isinstance(value, str):
            value = re.sub(r"\s+", " ", value).strip() or None
        if value is not None and getattr(self, name) is None:
            setattr(self, name, value)
            self.sources[name] = source


@dataclass
class HtmlDocument:
    text: str | None
    encoding: str | None
    metadata: PageMetadata
    reject_reason: str | None = None


def sniff_encoding(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(encoding, where it was found): a byte-order mark, the HTTP header's charset, the page's meta
    charset, else UTF-8 when the bytes are valid UTF-8 and Windows-1252 when not (what browsers do)."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return name, "byte-order mark"
    if content_type and (m := HEADER_CHARSET.search(content_type)) and _known(m.group(1)):
        return _browser_name(m.group(1)), "http header"
    if (m := META_CHARSET.search(data[:4096])) and _known(m.group(1).decode("ascii", "replace")):
        return _browser_name(m.group(1).decode("ascii")), "meta charset"
    try:
        data.decode("utf-8")
        return "utf-8", "default"
    except UnicodeDecodeError:
        return "windows-1252", "default"


# Charsets a page may declare, by codec, under the names raw_file.encoding records (its vocabulary).
# A page declaring another charset is decoded as UTF-8 if it is valid UTF-8, else as Windows-1252.
PAGE_CHARSETS = {"utf-8": "utf-8", "cp1252": "windows-1252", "latin-1": "windows-1252", "iso8859-1": "windows-1252",
                 "ascii": "windows-1252", "utf-16": "utf-16", "iso8859-15": "iso-8859-15"}


def _known(name: str) -> bool:
    try:
        return codecs.lookup(name).name in PAGE_CHARSETS
    except LookupError:
        return False


def _browser_name(name: str) -> str:
    # The WHATWG encoding standard: pages labelled Latin-1 or ASCII are decoded as Windows-1252 (curly
    # quotes and dashes in 0x80-0x9F would otherwise become control characters).
    return PAGE_CHARSETS[codecs.lookup(name).name]


def parse_date(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
        if value is None:
            return None
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    if m := ISO_DATE.search(text):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None


def _name_of(value) -> str | None:
    """A schema.org Person/Organization, a list of them, or a plain string, as a display name."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _name_of(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_name_of(v) for v in value) if n]
        return ", ".join(names) if names else None
    return None


def _json_ld_objects(tree) -> list[dict]:
    out: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "")
        except ValueError:
            continue  # a broken block is ignored, like a browser ignores it
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]])
                types = item.get("@type")
                types = types if isinstance(types, list) else [types]
                if any(isinstance(t, str) and t.lower() in ARTICLE_TYPES for t in types):
                    out.append(item)
    # An article beats the page it sits on.
    out.sort(key=lambda o: str(o.get("@type")).lower() == "webpage")
    return out


def _meta(tree, *names: str) -> str | None:
    """content of the first <meta property|name|itemprop=...> among ``names`` (case-insensitive)."""
    wanted = [n.lower() for n in names]
    found: dict[str, str] = {}
    for m in tree.xpath("//meta[@content]"):
        for attr in ("property", "name", "itemprop"):
            key = (m.get(attr) or "").strip().lower()
            if key in wanted and key not in found and m.get("content").strip():
                found[key] = m.get("content")
    for n in wanted:
        if n in found:
            return found[n]
    return None


def page_metadata(tree) -> PageMetadata:
    meta = PageMetadata()
    for obj in _json_ld_objects(tree):
        meta.offer("title", obj.get("headline") or obj.get("name"), SOURCE_JSON_LD)
        meta.offer("publisher", _name_of(obj.get("publisher")), SOURCE_JSON_LD)
        meta.offer("published_date", parse_date(obj.get("datePublished") or obj.get("dateCreated")), SOURCE_JSON_LD)
        meta.offer("author", _name_of(obj.get("author")), SOURCE_JSON_LD)
        entity = obj.get("mainEntityOfPage")
        meta.offer("canonical_url", entity.get("@id") if isinstance(entity, dict) else entity if isinstance(entity, str) else None, SOURCE_JSON_LD)

    meta.offer("title", _meta(tree, "og:title"), SOURCE_OPENGRAPH)
    meta.offer("publisher", _meta(tree, "og:site_name"), SOURCE_OPENGRAPH)
    meta.offer("published_date", parse_date(_meta(tree, "article:published_time")), SOURCE_OPENGRAPH)
    # article:author is often a profile URL, not a name.
    og_author = _meta(tree, "article:author")
    meta.offer("author", None if og_author and og_author.startswith("http") else og_author, SOURCE_OPENGRAPH)

    meta.offer("title", _meta(tree, "dc.title", "dcterms.title", "citation_title", "twitter:title"), SOURCE_META)
    meta.offer("publisher", _meta(tree, "dc.publisher", "dcterms.publisher", "application-name", "publisher"), SOURCE_META)
    meta.offer("published_date", parse_date(_meta(tree, "date", "pubdate", "publish-date", "dc.date", "dcterms.date", "dc.date.issued",
                                                 "dcterms.created", "citation_publication_date", "parsely-pub-date", "sailthru.date",
                                                 "datepublished")), SOURCE_META)
    meta.offer("author", _meta(tree, "author", "dc.creator", "dcterms.creator", "citation_author", "parsely-author", "byl"), SOURCE_META)

    canonical = tree.xpath('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href')
    meta.offer("canonical_url", canonical[0] if canonical else None, SOURCE_HTML)
    meta.offer("canonical_url", _meta(tree, "og:url"), SOURCE_OPENGRAPH)
    titles = tree.xpath("//title")
    if titles:
        raw = re.sub(r"\s+", " ", titles[0].text_content()).strip()
        meta.offer("title", _strip_site(raw, meta.publisher), SOURCE_HTML)
    if meta.author and meta.author.lower().startswith("by "):
        meta.author = meta.author[3:].strip()
    return meta


def _strip_site(title: str, publisher: str | None) -> str:
    """"Headline | Site" -> "Headline"; a dash suffix only when it is the known site name (a headline
    may itself hold a dash)."""
    if publisher:
        for sep in (" | ", " - ", " – ", " — "):
            if title.endswith(sep + publisher):
                return title[: -len(sep + publisher)].strip()
    return TITLE_SITE_SUFFIX.sub("", title)


# Advert slots inside an article's body, which trafilatura keeps as body text.
PRUNE_XPATH = [
    '//*[contains(concat(" ", normalize-space(@class), " "), " advert ") or contains(@class, "advertisement")'
    ' or contains(@class, "ad-slot") or contains(@id, "advert")]',
]


def main_text(html_text: str) -> str | None:
    """The article's paragraphs, one block each (blank line between), without page furniture."""
    text = trafilatura.extract(html_text, output_format="txt", include_comments=False, include_tables=True,
                               include_images=False, include_links=False, with_metadata=False, deduplicate=False,
                               prune_xpath=PRUNE_XPATH)
    if not text:
        return None
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def extract_html(data: bytes, content_type: str | None = None) -> HtmlDocument:
    """Bytes of a page (and the HTTP Content-Type it came with, when fetched) to text and metadata.

    The text starts with the page's title as its own paragraph so the text rules see the headline
    where they expect it; the page's metadata is applied over what the text rules find later.
    """
    if not data.strip():
        return HtmlDocument(None, None, PageMetadata(), "empty file (0 bytes)" if not data else "only whitespace: no text to extract")
    encoding, _ = sniff_encoding(data, content_type)
    html_text = data.decode(encoding, errors="replace")
    try:
        tree = lxml.html.document_fromstring(html_text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (ValueError, lxml.etree.ParserError) as err:
        return HtmlDocument(None, encoding, PageMetadata(), f"HTML page could not be parsed: {err}")
    meta = page_metadata(tree)
    body = main_text(html_text)
    words = len(body.split()) if body else 0
    if words < MIN_WORDS:
        return HtmlDocument(None, encoding, meta, f"HTML page has no main text ({words} words left once navigation and furniture are removed)")
    if meta.title:
        first = body.split("\n\n", 1)[0]
        if letters_and_digits(first) != letters_and_digits(meta.title):
            body = meta.title + "\n\n" + body
    return HtmlDocument(body, encoding, meta)
