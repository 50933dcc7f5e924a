"""The inbox's side records: what `ofsted-watch fetch` knew about each file it saved.

A fetched file ``<name>.html`` sits beside ``<name>.html.fetch.json`` (url, final_url, fetched_at,
http_status, content_type, etag, last_modified, content_sha256, feed, entry_published). The ingest
reads it for the file's URL, the charset of its HTTP header and the feed entry's date; files
dropped in by hand have none.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable

SIDECAR_SUFFIX = ".fetch.json"
# The fetch's state and log, under the inbox (flows/fetch.py); never read as articles.
STATE_DIR = ".fetch"


def sidecar_path(path: str | Path) -> Path:
    return Path(f"{path}{SIDECAR_SUFFIX}")


def read_sidecars(paths: Iterable[str]) -> dict[str, dict]:
    """path -> its fetch record, for the paths that have a readable one.

    Only records a listing of their folder shows are opened: files dropped in by hand have none, and
    trying to open each missing one cost ~0.3 ms a file (an exception each), more than reading the file."""
    out: dict[str, dict] = {}
    listed: dict[str, set[str]] = {}
    for path in paths:
        side = f"{path}{SIDECAR_SUFFIX}"  # sidecar_path's, as a string: a Path a file cost more than the rest
        folder, name = os.path.split(side)
        if folder not in listed:
            listed[folder] = _sidecar_names(folder or ".")
        if name not in listed[folder]:
            continue
        try:
            with open(side, encoding="utf-8") as f:
                out[path] = json.loads(f.read())
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            # A damaged record costs the file its URL, not its article.
            continue
    return out


def _sidecar_names(folder: str) -> set[str]:
    try:
        with os.scandir(folder) as entries:
            return {e.name for e in entries if e.name.endswith(SIDECAR_SUFFIX)}
    except OSError:
        return set()
