"""flows/settings.py: one settings object, read from OFSTED_WATCH_* variables, paths under the project's home."""

from __future__ import annotations

import subprocess
import sys

from flows.settings import DEFAULTS, PROJECT_ROOT, Settings
from tests.helpers import PROJECT, SEED_ARTICLES


def test_paths_default_to_places_under_the_project_not_the_current_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    s = Settings()
    assert s.home == PROJECT_ROOT == PROJECT
    assert s.articles_dir == PROJECT / "seeds" / "articles" and s.db_path == PROJECT / "warehouse" / "ofsted.duckdb"
    assert s.prefect_home == PROJECT / ".state" / "prefect"


def test_another_home_moves_every_output_not_given_and_the_shipped_data_stays_beside_the_code(tmp_path):
    s = Settings(home=tmp_path, db_path=tmp_path / "elsewhere.duckdb")
    assert s.report_dir == tmp_path / "report" and s.state_dir == tmp_path / ".state"
    assert s.db_path == tmp_path / "elsewhere.duckdb"
    assert s.seeds_dir == PROJECT_ROOT / "seeds" and s.queries_dir == PROJECT_ROOT / "queries"


def test_the_environment_sets_fields_under_their_documented_names(monkeypatch, tmp_path):
    monkeypatch.setenv("OFSTED_WATCH_DB", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("OFSTED_WATCH_DUCKDB_LOAD_MEMORY", "128MB")
    monkeypatch.setenv("OFSTED_WATCH_MAX_FILE_BYTES", "1000")
    monkeypatch.setenv("OFSTED_WATCH_HOME", str(tmp_path))
    s = Settings()
    assert s.db_path == tmp_path / "w.duckdb" and s.duckdb_load_memory_limit == "128MB" and s.max_file_bytes == 1000
    assert s.report_dir == tmp_path / "report" and s.queries_dir == PROJECT_ROOT / "queries"


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


# --- issue 21: one validation for the environment, the command line and the flows' parameters ------

import math  # noqa: E402

import pytest  # noqa: E402

from flows import cli, settings  # noqa: E402


def run_cli(args: list[str], tmp_path, **env: str) -> subprocess.CompletedProcess:
    """The CLI in a process of its own (the environment is read when it starts), from another folder."""
    full_env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(PROJECT), **env}  # the code under test
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=tmp_path, env=full_env, capture_output=True, text=True,
                          timeout=120)


def refused(capsys, args: list[str]) -> str:
    """The CLI's exit code must be 2 and its message one that names no damaged warehouse; returns stderr."""
    with pytest.raises(SystemExit) as stop:
        cli.main(args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "damaged" not in err
    return err


def test_max_file_bytes_minus_one_exits_2_naming_the_option(capsys, tmp_path):
    err = refused(capsys, ["ingest", "--input", str(SEED_ARTICLES), "--db", str(tmp_path / "w.duckdb"), "--max-file-bytes", "-1"])
    assert "--max-file-bytes: Input should be greater than or equal to 1 (got -1)" in err
    assert not (tmp_path / "w.duckdb").exists()  # refused before anything was created


def test_max_row_drop_5_exits_2_naming_the_option(capsys, tmp_path):
    err = refused(capsys, ["quality", "--db", str(tmp_path / "w.duckdb"), "--max-row-drop", "5"])
    assert "--max-row-drop: Input should be less than or equal to 1 (got 5.0)" in err


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_lock_wait_nan_exits_2_naming_the_option(capsys, tmp_path, value):
    err = refused(capsys, ["ingest", "--db", str(tmp_path / "w.duckdb"), f"--lock-wait={value}"])
    assert "--lock-wait: " in err and "finite number" in err


@pytest.mark.parametrize("args", [["serve", "--inbox", "{tmp}/in", "--interval", "nan"], ["serve", "--inbox", "{tmp}/in", "--interval", "inf"],
                                  ["fetch", "--sources", "{tmp}/s.toml", "--inbox", "{tmp}/in", "--timeout", "inf"],
                                  ["fetch", "--sources", "{tmp}/s.toml", "--inbox", "{tmp}/in", "--min-interval", "nan"],
                                  ["bench", "--articles", "-5"]])
def test_non_finite_numbers_anywhere_on_the_command_line_exit_2(capsys, tmp_path, args):
    (tmp_path / "s.toml").write_text('[[feed]]\nurl = "https://news.example.org/feed"\n', encoding="utf-8")
    err = refused(capsys, [a.format(tmp=tmp_path) for a in args])
    assert "finite" in err or "must be at least 1" in err
    assert not (tmp_path / "in").exists()


@pytest.mark.parametrize("field", sorted(n for n, f in Settings.model_fields.items() if f.annotation is float))
@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_non_finite_numbers_anywhere_in_the_settings_are_refused(field, value):
    with pytest.raises(settings.InvalidSettings) as err:
        settings.checked({field: value})
    assert err.value.problems[0].startswith(settings._variable(field) + ": Input should be a finite number")


@pytest.mark.parametrize("glob", ["", " ", "*.txt,", ",*.html", "articles/*.txt"])
def test_an_empty_file_glob_exits_2_naming_the_variable(tmp_path, glob):
    done = run_cli(["ingest", "--db", str(tmp_path / "w.duckdb")], tmp_path, OFSTED_WATCH_FILE_GLOB=glob)
    assert done.returncode == 2, done.stderr
    assert "OFSTED_WATCH_FILE_GLOB: " in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize("variable", ["OFSTED_WATCH_DUCKDB_MEMORY", "OFSTED_WATCH_DUCKDB_LOAD_MEMORY"])
@pytest.mark.parametrize("value", ["banana", "0GB", "-1GB"])
def test_a_duckdb_memory_setting_banana_exits_2_as_a_setting_not_a_damaged_warehouse(tmp_path, variable, value):
    done = run_cli(["quality", "--db", str(tmp_path / "w.duckdb")], tmp_path, **{variable: value})
    assert done.returncode == 2
    assert f"{variable}: " in done.stderr and "memory limit" in done.stderr
    assert "damaged" not in done.stderr and "cannot be read" not in done.stderr and "Traceback" not in done.stderr


def test_a_duckdb_memory_setting_banana_given_to_the_warehouse_is_not_called_damage(tmp_path):
    """Below the settings too: DuckDB refusing its configuration is a setting error, whoever passed it."""
    import duckdb

    from warehouse import loader, session

    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    with pytest.raises(session.OperationError) as err:
        session.begin(db, memory_limit="banana")
    assert not isinstance(err.value, session.WarehouseDamaged) and "DuckDB memory settings" in str(err.value)
    with pytest.raises(session.OperationError) as err:
        loader.connect(db, memory_limit="banana")
    assert not isinstance(err.value, session.WarehouseDamaged)


def test_a_query_catalogue_folder_that_does_not_exist_exits_2_naming_the_variable(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder, says in ((tmp_path / "nowhere", "does not exist"), (empty, "holds no *.sql queries")):
        done = run_cli(["query", "--list"], tmp_path, OFSTED_WATCH_QUERIES=str(folder))
        assert done.returncode == 2 and f"OFSTED_WATCH_QUERIES: the query-catalogue folder {folder} {says}" in done.stderr
        assert "Traceback" not in done.stderr


def test_a_flow_given_bad_parameters_refuses_them_naming_the_parameter(tmp_path):
    """A deployment or a script calls the flows without the CLI: the same checks run there."""
    with pytest.raises(settings.InvalidSettings) as err:
        settings.check_parameters(max_file_bytes=-1, lock_wait_seconds=math.nan, duckdb_memory_limit="banana", file_glob="")
    assert [p.split(":")[0] for p in err.value.problems] == ["parameter max_file_bytes", "parameter file_glob",
                                                               "parameter duckdb_memory_limit", "parameter lock_wait_seconds"]


def test_version_prints_the_package_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out == f"ofsted-watch {version('ofsted-watch')}\n"
