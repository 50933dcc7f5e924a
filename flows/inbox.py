"""The inbox's side records: what `ofsted-watch fetch` knew about each file it saved.

A fetched file ``<name>.html`` sits beside ``<name>.html.fetch.json`` (url, final_url, fetched_at,
http_status, content_type, etag, last_modified, content_sha256, feed, entry_published). The ingest
reads it for the file's URL, the charset of its HTTP header and the feed entry's date; files
dropped in by hand have none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

SIDECAR_SUFFIX = ".fetch.json"
# The fetch's state and log, under the inbox (flows/fetch.py); never read as articles.
STATE_DIR = ".fetch"


def sidecar_path(path: str | Path) -> Path:
    return Path(f"{path}{SIDECAR_SUFFIX}")


def read_sidecars(paths: Iterable[str]) -> dict[str, dict]:
    """path -> its fetch record, for the paths that have a readable one."""
    out: dict[str, dict] = {}
    for path in paths:
        side = sidecar_path(path)
        try:
            out[path] = json.loads(side.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            # A damaged record costs the file its URL, not its article.
            continue
    return out
