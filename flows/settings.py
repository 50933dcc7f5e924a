"""Every default setting of Ofsted Watch, in one object that imports nothing of the project.

The flows and the CLI take their parameters' defaults from ``DEFAULTS`` and pass the values down:
``transforms``, ``schemas`` and ``warehouse`` never read settings or the environment themselves.
Each field can be set by an environment variable, ``OFSTED_WATCH_<FIELD>`` unless its alias says
otherwise. Paths are resolved from the project root (or ``OFSTED_WATCH_HOME``), never from the
current folder, so the CLI, the flows and the tests agree wherever they are started from.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Where each batch's clean/segment/extract runs: "sequential" on the flow's process, or "dask" on a
# dask.distributed cluster (a local one with dask_workers processes unless an address is given).
Runner = Literal["sequential", "dask"]
RUNNERS = get_args(Runner)
# Plain text, web pages and PDF letters; a fetched file's record (<file>.fetch.json) is not matched.
FILE_GLOB = "*.txt,*.html,*.htm,*.pdf"

# The paths below default to places under ``home``; the validator fills in those not given.
_UNDER_HOME = {
    "seeds_dir": "seeds",
    "articles_dir": "seeds/articles",
    "db_path": "warehouse/ofsted.duckdb",
    "report_dir": "report",
    "queries_dir": "queries",
    "state_dir": ".state",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OFSTED_WATCH_", frozen=True, populate_by_name=True, extra="ignore")

    home: Path = PROJECT_ROOT
    seeds_dir: Path = Path()
    articles_dir: Path = Path()
    db_path: Path = Field(Path(), validation_alias="OFSTED_WATCH_DB")
    report_dir: Path = Path()
    # The query catalogue: one named analyst question per *.sql file.
    queries_dir: Path = Field(Path(), validation_alias="OFSTED_WATCH_QUERIES")
    # Prefect's home (its database, logs and the ephemeral server's state) stays inside the project.
    state_dir: Path = Field(Path(), validation_alias="OFSTED_WATCH_STATE")

    # Files above this size are rejected unread: a real article is a few tens of KB.
    max_file_bytes: int = Field(5 * 1024 * 1024, ge=1)
    # What one article may ask of the extractors (see transforms/limits.py): an article over a cap is
    # rejected with its counts, before extraction. 400 generated articles have at most 141 sentence
    # breaks, 36 quotation marks and 170 capitalised words; 1 MB of invented news prose 11,000, 2,700
    # and 22,000, so the caps let through about 2 MB of prose. Extraction is linear: near the caps one
    # article takes a few CPU seconds and a few hundred MB (benchmarks/hostile.py).
    max_sentences_per_article: int = Field(20_000, ge=1)
    max_quotes_per_article: int = Field(5_000, ge=1)
    max_mentions_per_article: int = Field(50_000, ge=1)
    # Parsing one web page, PDF or feed (untrusted bytes) may take this long and this much memory beyond
    # what the parser's process holds; past either it is stopped and the file rejected with the reason.
    # A real page or letter takes well under a second and tens of MB.
    parse_timeout_seconds: float = Field(60.0, gt=0)
    parse_memory_bytes: int = Field(1024 * 1024 * 1024, ge=64 * 1024 * 1024)
    # Articles handed to one task run: large enough that Prefect's per-task cost vanishes.
    batch_size: int = Field(1000, ge=1)
    file_glob: str = FILE_GLOB
    runner: Runner = "sequential"
    dask_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)

    # DuckDB's buffer pool per connection of a quality or eval run. Its default (80 % of RAM) lets the
    # cache of a growing warehouse's pages grow with it; a run only ever needs one batch's worth.
    duckdb_memory_limit: str = Field("1GB", min_length=1, validation_alias="OFSTED_WATCH_DUCKDB_MEMORY")
    # The ingest's own connections (planning reads, batch loads, the publishing checkpoint) get less: a
    # batch needs little, but closing a connection checkpoints, and the checkpoint of a growing
    # warehouse filled whatever pool it had. Measured at 30,000 articles: peak RSS 1,124 MB with 1GB,
    # 814 MB with 256MB, the same load time. DuckDB spills to disk past the limit.
    duckdb_load_memory_limit: str = Field("256MB", min_length=1, validation_alias="OFSTED_WATCH_DUCKDB_LOAD_MEMORY")

    # The quality flow fails a table whose row count drops by more than this share since the last run.
    max_row_drop: float = Field(0.5, ge=0, le=1)
    # A run that finds another run writing the same warehouse waits this long, then exits with a message.
    lock_wait_seconds: float = Field(600.0, ge=0)

    # ofsted-watch fetch: who to contact about our requests (sent in the User-Agent; set it to an
    # address you read), and how politely to ask.
    fetch_contact: str = Field("set OFSTED_WATCH_CONTACT to an email address or URL", validation_alias="OFSTED_WATCH_CONTACT")
    fetch_timeout_seconds: float = Field(20.0, gt=0, validation_alias="OFSTED_WATCH_FETCH_TIMEOUT")
    # A news page is well under 1 MB and a letter a few MB; anything past this is not an article.
    fetch_max_bytes: int = Field(10 * 1024 * 1024, ge=1)
    # At most one request per host this often (seconds).
    fetch_min_interval_seconds: float = Field(2.0, ge=0, validation_alias="OFSTED_WATCH_FETCH_INTERVAL")
    # Transient failures (timeouts, 5xx, 429) are retried this often, waiting BACKOFF, 2xBACKOFF, ...
    fetch_retries: int = Field(2, ge=0)
    fetch_retry_backoff_seconds: float = Field(5.0, ge=0)
    # A 429 or 503 asking to wait (Retry-After) is waited for up to this long; a longer wait fails the
    # URL for this run (the next run asks again).
    fetch_max_retry_after_seconds: float = Field(120.0, ge=0)

    # The local Prefect server (`ofsted-watch server`) listens on 127.0.0.1 only.
    prefect_port: int = Field(4200, ge=1, le=65535)
    # A flow started with no PREFECT_API_URL launches a temporary server; on a loaded 2-core machine
    # it needs more than Prefect's default 20 s to come up.
    ephemeral_startup_timeout_seconds: int = 120

    @model_validator(mode="before")
    @classmethod
    def _paths_under_home(cls, data: Any) -> Any:
        data = dict(data)
        # A value set in the environment arrives under its alias: name it by its field.
        for name, field in cls.model_fields.items():
            if isinstance(field.validation_alias, str) and field.validation_alias in data:
                data[name] = data.pop(field.validation_alias)
        home = Path(data.get("home") or PROJECT_ROOT).resolve()
        data["home"] = home
        for name, relative in _UNDER_HOME.items():
            if not data.get(name):
                data[name] = home / relative
        data["state_dir"] = Path(data["state_dir"]).resolve()
        return data

    @property
    def prefect_home(self) -> Path:
        return self.state_dir / "prefect"


def _read_defaults() -> Settings:
    """The settings from the environment; a value that is not valid stops the program with what is wrong."""
    try:
        return Settings()
    except ValidationError as err:
        lines = [f"  {_variable(e['loc'])}: {e['msg']} (got {e['input']!r})" for e in err.errors()]
        print("ofsted-watch: a setting in the environment is not valid:\n" + "\n".join(lines), file=sys.stderr)
        raise SystemExit(2) from None


def _variable(loc: tuple) -> str:
    """The environment variable that sets the field at ``loc``."""
    name = str(loc[0]) if loc else "?"
    field = Settings.model_fields.get(name)
    if field is not None and isinstance(field.validation_alias, str):
        return field.validation_alias
    return name if name.startswith("OFSTED_WATCH_") else "OFSTED_WATCH_" + name.upper()


# Read once, when the flows are defined: their parameters' defaults, shown in Prefect's UI.
DEFAULTS = _read_defaults()
