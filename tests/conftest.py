from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from flows.prefect_env import configure_prefect_environment
from flows.settings import DEFAULTS
from tests.helpers import PROJECT

configure_prefect_environment(DEFAULTS)

from transforms.pipeline import Extracted, run_all  # noqa: E402
from transforms.rules import Rules, load_rules  # noqa: E402

SHARED_GOLD = PROJECT.parent / "shared" / "gold"


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules(PROJECT / "seeds")


@pytest.fixture(scope="session")
def extract(rules):
    """Run every extraction stage on hand-written texts: extract("text", "text2", ...) -> Extracted."""

    def run(*texts: str) -> Extracted:
        docs = pl.DataFrame({"article_key": [f"{i:016x}" for i in range(len(texts))], "text": list(texts)})
        return run_all(docs, rules)

    return run


@pytest.fixture(scope="session")
def built(prefect_harness, tmp_path_factory):
    """A warehouse of the five sample articles, made once a worker and only ever read: tests that change a
    warehouse work on their own copy (``warehouse``)."""
    from flows.ingest import ingest_flow
    from tests.helpers import SEED_ARTICLES

    db = tmp_path_factory.mktemp("built") / "w.duckdb"
    ingest_flow(input_dir=SEED_ARTICLES, db_path=db)
    return db


@pytest.fixture
def warehouse(built, tmp_path):
    import shutil

    db = tmp_path / "w.duckdb"
    shutil.copyfile(built, db)
    return db


# The harness's server only has to take the runs' API calls: no test reads a run back from it (the tests
# of a served deployment start a server of their own, `ofsted-watch server`, in a clean environment). Its
# background services are off: the task run recorder, writing the last run's task events into the same
# SQLite file, made the next run's create_flow_run fail with 503 "database is locked" and the client sleep
# ~2 s before retrying, nearly every flow run; the others poll the database or process events for nothing.
HARNESS_SERVICES_OFF = (
    "TASK_RUN_RECORDER", "EVENT_PERSISTER", "TRIGGERS", "SCHEDULER", "LATE_RUNS", "FOREMAN", "PAUSE_EXPIRATIONS", "REPOSSESSOR",
    "CANCELLATION_CLEANUP", "CLEANUP_RECONCILER",
)


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One temporary Prefect API for every flow test of the session (starting one costs 10-30 s)."""
    from prefect.settings import temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    for service in HARNESS_SERVICES_OFF:  # read by the server's process, started with this environment
        os.environ.setdefault(f"PREFECT_SERVER_SERVICES_{service}_ENABLED", "false")
    # No heartbeats from the flows run in this process: the heartbeat thread sleeps in 1 s steps and each
    # flow run waited for it to wake and stop (0.5 s a run on average); crash detection is not tested here.
    with temporary_settings(updates={"flows.heartbeat_frequency": None}), prefect_test_harness(server_startup_timeout=180):
        _keep_prefect_db_template(tmp_path_factory.mktemp("prefect_template") / "prefect.db")
        yield


def _keep_prefect_db_template(template: Path) -> None:
    """A copy of the harness's new database, migrated and holding no run yet, for the servers tests start
    (tests/helpers.start_prefect_server); sqlite3's backup copies it whole while the server has it open."""
    import sqlite3

    from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL
    from tests import helpers

    url = PREFECT_SERVER_DATABASE_CONNECTION_URL.value()
    if not url.startswith("sqlite+aiosqlite:///"):
        return
    source, copy = sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///")), sqlite3.connect(template)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    helpers.PREFECT_DB_TEMPLATE = template


def pytest_configure(config):
    config.addinivalue_line("markers", "flow: runs a Prefect flow against a temporary API")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    if hasattr(config.option, "loadscopereorder"):  # pytest-xdist: keep the order set below (heaviest file first)
        config.option.loadscopereorder = False


# The run's length on two workers is the longer worker's share. xdist's loadfile hands out whole files
# in collection order, and by default reorders them by their number of tests, so files of a few long
# flow tests (a dozen ingests each) went last and ran alone while the other worker sat idle. The files
# measured slowest (`--durations=0`, summed by file; issue 22) are handed out first, longest first, and
# the many short files fill in behind them. Only the order changes: a file missing here runs after them.
SLOWEST_FILES = (
    "test_operations.py", "test_reliability_operations.py", "test_flows.py", "test_visit_events_flow.py", "test_batches.py",
    "test_parallel_transform.py",
    "test_site.py", "test_input_files.py", "test_findings.py", "test_quality.py", "test_benchmarks.py", "test_visits.py",
    "test_judgements.py", "test_fetch.py", "test_hostile_files.py", "test_reliability_data.py", "test_catalogue.py",
    "test_people.py", "test_authorities.py",
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "prefect_harness" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.flow)
    rank = {name: i for i, name in enumerate(SLOWEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: a file's tests keep their order
