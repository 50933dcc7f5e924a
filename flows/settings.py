"""Every default setting of Ofsted Watch, in one object that imports nothing of the project.

The flows and the CLI take their parameters' defaults from ``DEFAULTS`` and pass the values down:
``transforms``, ``schemas`` and ``warehouse`` never read settings or the environment themselves.
Each field can be set by an environment variable, ``OFSTED_WATCH_<FIELD>`` unless its alias says
otherwise. Paths never depend on the current folder: what the project ships (rules, vocabularies,
reference data, the query catalogue, the sample articles) is read from beside the code, whether that
is a checkout or an installed package; what it writes (warehouse, report, Prefect's state) goes under
``home``: the checkout, or for an installed package the user's data folder (or ``OFSTED_WATCH_HOME``).

Every value, from the environment, the command line (flows/cli.py) or a flow's parameters, passes
the same checks (``checked``): a value that is not valid stops the program at start, naming the
setting as it was given, before anything is read or written.
"""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Mapping, get_args

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The folder holding the code and the data it ships (seeds/, queries/): a checkout, or site-packages.
PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Where each batch's clean/segment/extract runs: "sequential" on the flow's process, or "dask" on a
# dask.distributed cluster (a local one with dask_workers processes unless an address is given).
Runner = Literal["sequential", "dask"]
RUNNERS = get_args(Runner)
# Plain text, web pages and PDF letters, whatever the case of the extension (A.TXT, b.Html); a fetched
# file's record (<file>.fetch.json) is not matched.
FILE_GLOB = "*.txt,*.html,*.htm,*.pdf"

# What the project ships, found beside the code unless a setting names another place.
_SHIPPED = {
    "seeds_dir": "seeds",
    "articles_dir": "seeds/articles",
    "queries_dir": "queries",
}
# What it writes, under ``home`` unless a setting names another place.
_UNDER_HOME = {
    "db_path": "warehouse/ofsted.duckdb",
    "report_dir": "report",
    "site_dir": "site",
    "state_dir": ".state",
}


def default_home() -> Path:
    """A checkout writes inside itself (as it always has); an installed package never writes into
    site-packages, but under the user's data folder (XDG_DATA_HOME, else ~/.local/share)."""
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "ofsted-watch"


def file_patterns(file_glob: str) -> list[str]:
    """The comma-separated file-name patterns of ``file_glob``."""
    return [p.strip() for p in file_glob.split(",")]


class InvalidSettings(ValueError):
    """Settings that are not valid; ``problems`` holds one line per setting, named as it was given."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@lru_cache(maxsize=64)
def _duckdb_refuses_memory_limit(value: str) -> str | None:
    """DuckDB's first line of refusal of ``value`` as a memory limit, or None. Asked once a value and
    process: every flow run checks its settings, and each DuckDB opened to ask cost ~0.1 s."""
    import duckdb

    try:
        duckdb.connect(":memory:", config={"memory_limit": value}).close()
    except duckdb.Error as err:
        return str(err).splitlines()[0]
    return None


class Settings(BaseSettings):
    # allow_inf_nan: no number of the project means anything as nan or infinity (a lock wait of nan
    # seconds, a row drop of inf): they are refused with the rest.
    model_config = SettingsConfigDict(env_prefix="OFSTED_WATCH_", frozen=True, populate_by_name=True, extra="ignore",
                                      allow_inf_nan=False)

    home: Path = Field(default_factory=default_home)
    seeds_dir: Path = Path()
    articles_dir: Path = Path()
    db_path: Path = Field(Path(), validation_alias="OFSTED_WATCH_DB")
    report_dir: Path = Path()
    # The briefing site (`ofsted-watch site`); the pipeline writes it beside the report folder.
    site_dir: Path = Path()
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
    # Folders deeper than this under the input folder are recorded with the reason, not walked.
    max_folder_depth: int = Field(64, ge=1, le=1000)
    runner: Runner = "sequential"
    dask_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    # The sequential runner splits each batch of at least 200 articles among this many processes (this
    # one and workers started for the run; see transforms/parallel.py): one per core, at most four, as
    # each worker holds its share of a batch and its own copy of polars and the rules (peak 302 MB at
    # 10,000 bench articles, 342 MB at 100,000). 1: no worker process at all.
    transform_processes: int = Field(default_factory=lambda: min(4, os.cpu_count() or 1), ge=1)

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
    ephemeral_startup_timeout_seconds: int = Field(120, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _paths_under_home(cls, data: Any) -> Any:
        data = dict(data)
        # A value set in the environment arrives under its alias: name it by its field (a value given
        # by name, on the command line or to a flow, wins over the environment's).
        for name, field in cls.model_fields.items():
            if isinstance(field.validation_alias, str) and field.validation_alias in data:
                value = data.pop(field.validation_alias)
                data.setdefault(name, value)
        home = Path(data.get("home") or default_home()).resolve()
        data["home"] = home
        for name, relative in _SHIPPED.items():
            if not data.get(name):
                data[name] = PROJECT_ROOT / relative
        for name, relative in _UNDER_HOME.items():
            if not data.get(name):
                data[name] = home / relative
        data["state_dir"] = Path(data["state_dir"]).resolve()
        return data

    @field_validator("file_glob")
    @classmethod
    def _file_patterns(cls, value: str) -> str:
        patterns = file_patterns(value)
        if not any(patterns) or not all(patterns):
            raise ValueError("give one or more file-name patterns separated by commas, e.g. *.txt,*.html (an empty "
                             "pattern would match nothing, and every article read before would be marked missing)")
        if any("/" in p or os.sep in p for p in patterns):
            raise ValueError("a pattern matches file names, not paths: every folder under the input is read; leave out the '/'")
        return value

    @field_validator("duckdb_memory_limit", "duckdb_load_memory_limit")
    @classmethod
    def _duckdb_memory(cls, value: str) -> str:
        # DuckDB decides what it accepts ("1GB", "512 MiB", "80%"); asking it here means a bad value is
        # a setting error at start, never a warehouse that "cannot be opened" later.
        refusal = _duckdb_refuses_memory_limit(value)
        if refusal is not None:
            raise ValueError(f"DuckDB does not accept it as a memory limit ({refusal}); write a size such as 1GB or 512MB")
        number = re.match(r"\s*(\d+(?:\.\d*)?)", value)  # DuckDB takes "-1GB" and "0GB" too: no run works in them
        if number is None or float(number.group(1)) <= 0:
            raise ValueError("a memory limit must be a size above zero, such as 1GB or 512MB")
        return value

    @field_validator("queries_dir")
    @classmethod
    def _catalogue(cls, value: Path) -> Path:
        if not value.is_dir():
            raise ValueError(f"the query-catalogue folder {value} does not exist; point it at a folder of *.sql queries")
        if not any(value.glob("*.sql")):
            raise ValueError(f"the query-catalogue folder {value} holds no *.sql queries")
        return value

    @field_validator("seeds_dir")
    @classmethod
    def _seeds(cls, value: Path) -> Path:
        lacking = [sub for sub in ("rules", "vocabulary", "reference") if not (value / sub).is_dir()]
        if lacking:
            raise ValueError(f"the rules folder {value} lacks {', '.join(s + '/' for s in lacking)}; point it at the "
                             "project's seeds folder (or unset it to use the one installed with the package)")
        return value

    @property
    def prefect_home(self) -> Path:
        return self.state_dir / "prefect"


def checked(values: Mapping[str, Any], names: Mapping[str, str] | None = None) -> Settings:
    """The settings with ``values`` (field -> value; from the command line or a flow's parameters) over
    the environment's, after every check. Raises InvalidSettings naming each bad value as it was given:
    ``names`` maps a field to its option (``--lock-wait``), else it is its environment variable."""
    names = names or {}
    try:
        return Settings(**values)
    except ValidationError as err:
        problems = []
        for e in err.errors():
            field = str(e["loc"][0]) if e["loc"] else ""
            named = names.get(field) or _variable(field)
            message = e["msg"].removeprefix("Value error, ")
            problems.append(f"{named}: {message} (got {e['input']!r})")
        raise InvalidSettings(problems) from None


def check_parameters(**values: Any) -> None:
    """A flow's own check of the settings it was given as parameters (a deployment or a script may
    call it without the CLI): the same checks, naming the parameters."""
    checked(values, {name: f"parameter {name}" for name in values})


def _read_defaults() -> Settings:
    """The settings from the environment; a value that is not valid stops the program with what is wrong."""
    try:
        return checked({})
    except InvalidSettings as err:
        print("ofsted-watch: a setting in the environment is not valid:\n" + "\n".join(f"  {p}" for p in err.problems), file=sys.stderr)
        raise SystemExit(2) from None


def _variable(name: str) -> str:
    """The environment variable that sets the field ``name``."""
    field = Settings.model_fields.get(name)
    if field is not None and isinstance(field.validation_alias, str):
        return field.validation_alias
    return name if name.startswith("OFSTED_WATCH_") else "OFSTED_WATCH_" + name.upper()


# Read once, when the flows are defined: their parameters' defaults, shown in Prefect's UI.
DEFAULTS = _read_defaults()
