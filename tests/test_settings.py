"""flows/settings.py: one settings object, read from OFSTED_WATCH_* variables, paths under the project's home."""

from __future__ import annotations

import subprocess
import sys

from flows.settings import DEFAULTS, PROJECT_ROOT, Settings
from tests.helpers import PROJECT


def test_paths_default_to_places_under_the_project_not_the_current_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    s = Settings()
    assert s.home == PROJECT_ROOT == PROJECT
    assert s.articles_dir == PROJECT / "seeds" / "articles" and s.db_path == PROJECT / "warehouse" / "ofsted.duckdb"
    assert s.prefect_home == PROJECT / ".state" / "prefect"


def test_another_home_moves_every_path_not_given(tmp_path):
    s = Settings(home=tmp_path, db_path=tmp_path / "elsewhere.duckdb")
    assert s.seeds_dir == tmp_path / "seeds" and s.report_dir == tmp_path / "report"
    assert s.db_path == tmp_path / "elsewhere.duckdb"


def test_the_environment_sets_fields_under_their_documented_names(monkeypatch, tmp_path):
    monkeypatch.setenv("OFSTED_WATCH_DB", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("OFSTED_WATCH_DUCKDB_LOAD_MEMORY", "128MB")
    monkeypatch.setenv("OFSTED_WATCH_MAX_FILE_BYTES", "1000")
    monkeypatch.setenv("OFSTED_WATCH_HOME", str(tmp_path))
    s = Settings()
    assert s.db_path == tmp_path / "w.duckdb" and s.duckdb_load_memory_limit == "128MB" and s.max_file_bytes == 1000
    assert s.queries_dir == tmp_path / "queries"


def test_the_flows_defaults_are_the_settings():
    from flows.ingest import ingest_flow
    from flows.quality import quality_flow

    assert ingest_flow.parameters.properties["batch_size"]["default"] == DEFAULTS.batch_size
    assert quality_flow.parameters.properties["max_row_drop"]["default"] == DEFAULTS.max_row_drop


def test_a_bad_value_in_the_environment_stops_the_cli_naming_the_variable():
    env = {"OFSTED_WATCH_RUNNER": "threads", "OFSTED_WATCH_FETCH_INTERVAL": "-1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "flows.cli", "query", "--list"], cwd=PROJECT, env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert "OFSTED_WATCH_RUNNER: Input should be 'sequential' or 'dask' (got 'threads')" in done.stderr
    assert "OFSTED_WATCH_FETCH_INTERVAL" in done.stderr and "Traceback" not in done.stderr
