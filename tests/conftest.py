from __future__ import annotations

import os

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


@pytest.fixture(scope="module")
def built(prefect_harness, tmp_path_factory):
    """A warehouse of the five sample articles, made once a module; tests work on copies of it (``warehouse``)."""
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


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for every flow test of the session (starting one costs 10-30 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


def pytest_collection_modifyitems(items):
    for item in items:
        if "prefect_harness" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.flow)


def pytest_configure(config):
    config.addinivalue_line("markers", "flow: runs a Prefect flow against a temporary API")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
