"""Every default setting of Ofsted Watch, in one place.

Paths are resolved from the project root (or ``OFSTED_WATCH_HOME``), never from the current folder,
so the CLI, the flows and the tests agree wherever they are started from.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("OFSTED_WATCH_HOME", Path(__file__).resolve().parents[1])).resolve()

SEEDS_DIR = PROJECT_ROOT / "seeds"
ARTICLES_DIR = SEEDS_DIR / "articles"
DEFAULT_DB_PATH = Path(os.environ.get("OFSTED_WATCH_DB", PROJECT_ROOT / "warehouse" / "ofsted.duckdb"))
DEFAULT_REPORT_DIR = PROJECT_ROOT / "report"
DDL_DIR = PROJECT_ROOT / "warehouse" / "ddl"
# The query catalogue: one named analyst question per *.sql file.
QUERIES_DIR = Path(os.environ.get("OFSTED_WATCH_QUERIES", PROJECT_ROOT / "queries"))

# Files above this size are rejected unread: a real article is a few tens of KB.
MAX_FILE_BYTES = int(os.environ.get("OFSTED_WATCH_MAX_FILE_BYTES", 5 * 1024 * 1024))
# What one article may ask of the extractors (see transforms/limits.py): an article over a cap is
# rejected with its counts, before extraction. 400 generated articles have at most 141 sentence
# breaks, 36 quotation marks and 170 capitalised words; 1 MB of invented news prose 11,000, 2,700 and
# 22,000, so the caps let through about 2 MB of prose. Extraction is linear: near the caps one
# article takes a few CPU seconds and a few hundred MB (benchmarks/hostile.py).
MAX_SENTENCES_PER_ARTICLE = int(os.environ.get("OFSTED_WATCH_MAX_SENTENCES_PER_ARTICLE", 20_000))
MAX_QUOTES_PER_ARTICLE = int(os.environ.get("OFSTED_WATCH_MAX_QUOTES_PER_ARTICLE", 5_000))
MAX_MENTIONS_PER_ARTICLE = int(os.environ.get("OFSTED_WATCH_MAX_MENTIONS_PER_ARTICLE", 50_000))
# Articles handed to one task run: large enough that Prefect's per-task cost vanishes.
BATCH_SIZE = 1000
# Plain text, web pages and PDF letters; a fetched file's record (<file>.fetch.json) is not matched.
FILE_GLOB = "*.txt,*.html,*.htm,*.pdf"

# Where each batch's clean/segment/extract runs: "sequential" on the flow's process, or "dask" on a
# dask.distributed cluster (a local one with DASK_WORKERS processes unless an address is given).
RUNNERS = ("sequential", "dask")
RUNNER = os.environ.get("OFSTED_WATCH_RUNNER", "sequential")
DASK_WORKERS = int(os.environ.get("OFSTED_WATCH_DASK_WORKERS", os.cpu_count() or 1))

# Prefect's home (its database, logs and the ephemeral server's state) stays inside the project.
STATE_DIR = Path(os.environ.get("OFSTED_WATCH_STATE", PROJECT_ROOT / ".state")).resolve()
PREFECT_HOME = STATE_DIR / "prefect"
# A flow started with no PREFECT_API_URL launches a temporary server; on a loaded 2-core machine it
# needs more than Prefect's default 20 s to come up.
EPHEMERAL_STARTUP_TIMEOUT_SECONDS = 120


def configure_prefect_environment() -> None:
    """Defaults for Prefect, set before it is imported; anything the user exported wins."""
    os.environ.setdefault("PREFECT_HOME", str(PREFECT_HOME))
    # Prefect makes only the last folder of PREFECT_HOME.
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(EPHEMERAL_STARTUP_TIMEOUT_SECONDS))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # dask.distributed logs every worker start and connection at INFO under Prefect's logging set-up.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")

# DuckDB's buffer pool per connection of a run. Its default (80 % of RAM) lets the cache of a growing
# warehouse's pages grow with it; a run only ever needs one batch's worth.
DUCKDB_MEMORY_LIMIT = os.environ.get("OFSTED_WATCH_DUCKDB_MEMORY", "1GB")
# The ingest's own connections (planning reads, batch loads, the publishing checkpoint) get less: a
# batch needs little, but closing a connection checkpoints, and the checkpoint of a growing warehouse
# filled whatever pool it had. Measured at 30,000 articles: peak RSS 1,124 MB with 1GB, 814 MB with
# 256MB, the same load time. DuckDB spills to disk past the limit.
DUCKDB_LOAD_MEMORY_LIMIT = os.environ.get("OFSTED_WATCH_DUCKDB_LOAD_MEMORY", "256MB")
# Compression DuckDB must not try on the columns it writes. Each batch's commit checkpoints, and a
# checkpoint recompresses the table's last, growing row group; DuckDB 2.0's DICT_FSST analysis of
# long texts (raw_text, stg_article) made that cost grow with the warehouse. Without it long texts
# get ZSTD: measured on 20 batches of 1,000 texts, 26.4 s -> 7.9 s and a file half the size.
DUCKDB_DISABLED_COMPRESSION = "dict_fsst"

# The quality flow fails a table whose row count drops by more than this share since the last run.
MAX_ROW_DROP = 0.5

# A run that finds another run writing the same warehouse waits this long, then exits with a message.
LOCK_WAIT_SECONDS = 600.0

# ofsted-watch fetch: who to contact about our requests (sent in the User-Agent; set it to an address
# you read), and how politely to ask.
FETCH_CONTACT = os.environ.get("OFSTED_WATCH_CONTACT", "set OFSTED_WATCH_CONTACT to an email address or URL")
FETCH_TIMEOUT_SECONDS = float(os.environ.get("OFSTED_WATCH_FETCH_TIMEOUT", 20))
# A news page is well under 1 MB and a letter a few MB; anything past this is not an article.
FETCH_MAX_BYTES = int(os.environ.get("OFSTED_WATCH_FETCH_MAX_BYTES", 10 * 1024 * 1024))
# At most one request per host this often (seconds).
FETCH_MIN_INTERVAL_SECONDS = float(os.environ.get("OFSTED_WATCH_FETCH_INTERVAL", 2.0))
# Transient failures (timeouts, 5xx, 429) are retried this often, waiting BACKOFF, 2xBACKOFF, ... between tries.
FETCH_RETRIES = 2
FETCH_RETRY_BACKOFF_SECONDS = 5.0

# The local Prefect server (`ofsted-watch server`) listens on 127.0.0.1 only.
PREFECT_PORT = int(os.environ.get("OFSTED_WATCH_PREFECT_PORT", 4200))
