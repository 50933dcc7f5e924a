"""Warehouse text into HTML: escaped, control and format characters shown as their code points, and
links only to http(s) addresses. Article text is untrusted input: a title holding <script> is shown,
never run, and a `javascript:` URL never becomes a link."""

from __future__ import annotations

import re
import unicodedata
from html import escape
from urllib.parse import urlsplit

import polars as pl

# Characters that would act instead of showing: control, format (bidirectional overrides such as
# U+202E, which reversed the rest of a file name on screen), line and paragraph separators. Pages
# show each as its code point.
INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]")


def visible(text: str) -> str:
    if not INVISIBLE.search(text):
        return text
    return "".join(f"[U+{ord(c):04X}]" if c not in "\t\n" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)


def e(value) -> str:
    """Any value as escaped HTML text (None as nothing)."""
    return "" if value is None else escape(visible(str(value)), quote=True)


def web_address(value) -> str | None:
    """``value`` when it is an absolute http(s) address with a host, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if INVISIBLE.search(text) or any(c.isspace() for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def link(url, label) -> str:
    """An external link when ``url`` is a web address, else the label as plain text."""
    address = web_address(url)
    if address is None:
        return e(label)
    return f'<a href="{e(address)}" rel="noopener noreferrer nofollow">{e(label)}</a>'


def escaped(column: str | pl.Expr) -> pl.Expr:
    """``e`` over a whole column (polars; null as ""), for the pages' longest lists: the same text as ``e``
    gives, which tests/test_site.py checks on hostile strings. Use it in a select or with_columns, not in
    a group's aggregation (its invisible-character pass runs once per batch)."""
    text = (pl.col(column) if isinstance(column, str) else column).cast(pl.String)
    shown = text.map_batches(_visible_series, return_dtype=pl.String)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;")):
        shown = shown.str.replace_all(char, entity, literal=True)
    return shown.fill_null("")


def _visible_series(texts: pl.Series) -> pl.Series:
    """``visible`` on the few values that hold an invisible character; the rest pass through untouched."""
    hit = texts.str.contains(INVISIBLE.pattern).fill_null(False)
    if not hit.any():
        return texts
    return texts.scatter(hit.arg_true(), [visible(t) for t in texts.filter(hit).to_list()])
