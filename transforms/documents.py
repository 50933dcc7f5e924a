"""Which kind of document a file is, and its text and page metadata: the dispatch in front of decoding.

Plain text goes through ``decode.decode_frame`` as before; web pages through ``html_extract``; PDF
letters through ``pdf_extract``. What a page or PDF states about itself (title, site, date, author,
canonical URL) travels with the text as ``page_*`` columns and, after the text rules have run, wins
over their guesses (``apply_page_metadata``), with each field's source recorded.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import polars as pl

from transforms.bounded import ParseBounds, bounded_map
from transforms.clean import publisher_key
from transforms.decode import decode_frame
from transforms.html_extract import extract_html, parse_date
from transforms.pdf_extract import extract_pdf

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PDF_SUFFIXES = (".pdf",)
TEXT_RULES = "text rules"
FEED = "feed"
METADATA_FIELDS = ("title", "publisher", "published_date", "author", "canonical_url")
# What a document carries beyond its text, null for plain text files.
PAGE_COLUMNS = {
    "source_format": pl.String,
    "url": pl.String,
    "canonical_url": pl.String,
    "page_title": pl.String,
    "page_publisher": pl.String,
    "page_published_date": pl.Date,
    "page_author": pl.String,
    "page_sources": pl.String,
}


def document_format(path: str, content: bytes | None, content_type: str | None = None) -> str:
    """html, pdf or text: by the HTTP content type when fetched, else by suffix, else by the first bytes."""
    ct = (content_type or "").split(";")[0].strip().lower()
    if ct in ("text/html", "application/xhtml+xml"):
        return "html"
    if ct == "application/pdf":
        return "pdf"
    lowered = path.lower()
    if lowered.endswith(HTML_SUFFIXES):
        return "html"
    if lowered.endswith(PDF_SUFFIXES):
        return "pdf"
    head = (content or b"")[:512].lstrip().lower()
    if head.startswith(b"%pdf-"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def _pdf_metadata(text: str) -> dict:
    """A letter's date (a paragraph that is only a date, near the top) and its subject line (the first
    short unpunctuated paragraph after the greeting) as the title."""
    paras = text.split("\n\n")[:12]
    found: dict = {}
    for p in paras[:5]:
        if (d := _letter_date(p)) is not None:
            found["published_date"] = d
            break
    after = next((i for i, p in enumerate(paras) if p.lower().startswith("dear ")), -1)
    for p in paras[after + 1 :]:
        if len(p.split()) <= 15 and not p.rstrip().endswith((".", ":", ";", "?", "!")) and _letter_date(p) is None:
            found["title"] = p.strip()
            break
    return found


def _letter_date(p: str) -> date | None:
    p = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", p.strip())
    for fmt in ("%d %B %Y", "%d %b %Y", "%A %d %B %Y"):
        try:
            return datetime.strptime(p, fmt).date()
        except ValueError:
            continue
    return None


def parse_document(kind: str, content: bytes, content_type: str | None):
    """The parser of one web page (an HtmlDocument) or PDF ((text, reject_reason)): what runs bounded."""
    return extract_html(content, content_type) if kind == "html" else extract_pdf(content)


def parse_bounded(kinds: list[str], contents: list[bytes | None], content_types: list[str | None],
                  bounds: ParseBounds) -> list[tuple[object, str | None]]:
    """``parse_document`` of each page or PDF in a child process under ``bounds`` (transforms/bounded.py):
    (parsed, None), or (None, why it was stopped)."""
    items = [(k, c or b"", t) for k, c, t in zip(kinds, contents, content_types)]
    results: list[tuple[object, str | None]] = []
    for kind in ("html", "pdf"):  # one child per kind: its reasons name the kind
        picked = [i for i, item in enumerate(items) if item[0] == kind]
        what = "the web page" if kind == "html" else "the PDF"
        for i, answer in zip(picked, bounded_map(parse_document, [items[i] for i in picked], bounds, what)):
            results.append((i, answer))
    return [answer for _, answer in sorted(results, key=lambda r: r[0])]


def _convert(path: str, content: bytes | None, sidecar: dict, parsed: tuple[object, str | None]) -> dict:
    kind = document_format(path, content, sidecar.get("content_type"))
    row: dict = {c: None for c in PAGE_COLUMNS} | {"text": None, "encoding": None, "reject_reason": None}
    row["source_format"] = kind
    row["url"] = sidecar.get("url")
    sources: dict[str, str] = {}
    doc, breach = parsed
    if breach is not None:
        row["reject_reason"] = breach
    elif kind == "html":
        m = doc.metadata
        row |= {"text": doc.text, "encoding": doc.encoding, "reject_reason": doc.reject_reason, "canonical_url": m.canonical_url,
                "page_title": m.title, "page_publisher": m.publisher, "page_published_date": m.published_date, "page_author": m.author}
        sources = dict(m.sources)
    elif kind == "pdf":
        text, reason = doc
        row |= {"text": text, "encoding": None, "reject_reason": reason}
        if text:
            found = _pdf_metadata(text)
            row["page_title"], row["page_published_date"] = found.get("title"), found.get("published_date")
            sources = {k: "pdf letter" for k in found}
    # A feed's entry date is what the publisher's own listing says: below the page's metadata, above
    # the text rules.
    if row["page_published_date"] is None and (feed_date := parse_date(sidecar.get("entry_published"))) is not None:
        row["page_published_date"] = feed_date
        sources["published_date"] = FEED
    row["page_sources"] = json.dumps(sources, sort_keys=True) if sources else None
    return row


def decode_documents(raw: pl.DataFrame, sidecars: dict[str, dict] | None = None, bounds: ParseBounds = ParseBounds()) -> pl.DataFrame:
    """``decode_frame`` for every kind of document: adds ``text``, ``encoding``, ``is_encoding_fallback``,
    ``reject_reason`` and the ``PAGE_COLUMNS``. ``raw`` has ``path`` and ``content``; ``sidecars`` maps
    a path to what the fetch recorded with it (url, content type, feed entry date)."""
    sidecars = sidecars or {}
    kinds = [document_format(p, c, sidecars.get(p, {}).get("content_type")) for p, c in zip(raw["path"], raw["content"])]
    is_text = pl.Series(kinds, dtype=pl.String) == "text"
    indexed = raw.with_row_index("_row")
    text_part = decode_frame(indexed.filter(is_text)).with_columns(
        pl.lit("text").alias("source_format"),
        *[pl.lit(None, dtype=t).alias(c) for c, t in PAGE_COLUMNS.items() if c != "source_format"],
    )
    # A plain text file fetched from a URL still carries its URL.
    if sidecars and text_part.height:
        text_part = text_part.with_columns(
            pl.col("path").replace_strict({p: s.get("url") for p, s in sidecars.items()}, default=None, return_dtype=pl.String).alias("url")
        )
    other = indexed.filter(~is_text)
    other_kinds = [k for k in kinds if k != "text"]
    contents = other["content"].to_list()
    parsed = parse_bounded(other_kinds, contents, [sidecars.get(p, {}).get("content_type") for p in other["path"]], bounds)
    rows = [_convert(p, c, sidecars.get(p, {}), r) for p, c, r in zip(other["path"], contents, parsed)]
    converted = pl.DataFrame(rows, schema={"text": pl.String, "encoding": pl.String, "reject_reason": pl.String, **PAGE_COLUMNS})
    other_part = pl.concat([other, converted], how="horizontal").with_columns(pl.lit(False).alias("is_encoding_fallback"))
    out = pl.concat([text_part, other_part.select(text_part.columns)], how="vertical_relaxed") if other.height else text_part
    return out.sort("_row").drop("_row")


def extraction_docs(files: pl.DataFrame) -> pl.DataFrame:
    """What the clean/segment/extract stages take from planned files: key, text and page metadata."""
    return files.select("article_key", "text", *[c for c in PAGE_COLUMNS if c in files.columns])


def apply_page_metadata(articles: pl.DataFrame, docs: pl.DataFrame, publishers: dict[str, str]) -> pl.DataFrame:
    """Page metadata over the text rules' title, publisher and date; adds url, canonical_url, author
    and ``metadata_source`` (JSON: field -> where its value came from, "text rules" for the rules)."""
    cols = [c for c in PAGE_COLUMNS if c != "source_format"]
    docs = docs.with_columns([pl.lit(None, dtype=PAGE_COLUMNS[c]).alias(c) for c in cols if c not in docs.columns])
    # A site name publishers.csv knows takes its canonical spelling; any other stands as the page gives it.
    page = docs.select("article_key", *cols).with_columns(
        publisher_key(pl.col("page_publisher"))
        .replace_strict(publishers, default=pl.col("page_publisher").str.strip_chars(), return_dtype=pl.String)
        .alias("page_publisher")
    )
    a = articles.join(page, on="article_key", how="left")
    sources = [json.loads(s) if s else {} for s in a["page_sources"]]
    text_found = {f: a[f].is_not_null().to_list() for f in ("title", "publisher", "published_date")}
    merged = []
    for i, src in enumerate(sources):
        row = {}
        for f in METADATA_FIELDS:
            if f in src:
                row[f] = src[f]
            elif f in text_found and text_found[f][i]:
                row[f] = TEXT_RULES
        merged.append(json.dumps(row, sort_keys=True))
    return a.with_columns(
        pl.coalesce("page_title", "title").alias("title"),
        pl.coalesce("page_publisher", "publisher").alias("publisher"),
        pl.coalesce("page_published_date", "published_date").alias("published_date"),
        pl.col("page_author").alias("author"),
        pl.Series("metadata_source", merged, dtype=pl.String),
    ).drop("page_title", "page_publisher", "page_published_date", "page_author", "page_sources")
