"""flows/query.py: `query` and `export` end in one clean line, never a traceback, whatever stops them
(issue 21, messages): a foreign file, a folder they cannot write, a warehouse another process holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli import main
from tests.helpers import PROJECT, wait_for


@pytest.fixture
def sample_db(built) -> Path:
    """The sample warehouse, built once a worker (conftest's ``built``) and only read here."""
    return built


def one_line(capsys, args: list[str]) -> tuple[int, str]:
    code = main(args)
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return code, err


COMMANDS = {"query": ["query", "visits_per_year"], "export": ["export", "--out", "{tmp}/parquet"]}


@pytest.mark.parametrize("command", COMMANDS)
def test_query_and_export_on_a_foreign_file_end_in_one_clean_line(capsys, tmp_path, command):
    foreign = tmp_path / "notes.duckdb"
    foreign.write_text("these are my notes, not a warehouse\n" * 20, encoding="utf-8")
    args = [a.format(tmp=tmp_path) for a in COMMANDS[command]]
    code, err = one_line(capsys, [*args, "--db", str(foreign)])
    assert code == 1 and f"{foreign} is not a DuckDB warehouse" in err and "Check --db" in err
    assert not (tmp_path / "parquet").exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_query_and_export_into_an_unwritable_folder_end_in_one_clean_line(sample_db, capsys, tmp_path, command):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    out = blocker / "sub" / ("visits.csv" if command == "query" else "parquet")  # under a file: no one can write there
    name = ["visits_per_year"] if command == "query" else []
    code, err = one_line(capsys, [command, *name, "--db", str(sample_db), "--out", str(out)])
    assert code == 1 and "could not write" in err and "Give --out a place you can write to" in err


@pytest.mark.parametrize("command", COMMANDS)
def test_query_and_export_on_a_locked_warehouse_end_in_one_clean_line(sample_db, capsys, tmp_path, command):
    held = tmp_path / "held.duckdb"
    held.write_bytes(sample_db.read_bytes())
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(held)!r}); print('open', flush=True); "
                               "time.sleep(120)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        args = [a.format(tmp=tmp_path) for a in COMMANDS[command]]
        code, err = one_line(capsys, [*args, "--db", str(held)])
        assert code == 1 and f"another process holds the warehouse {held} open read-write" in err and "Run again" in err
    finally:
        holder.kill()
        holder.wait()
    assert wait_for(lambda: main([*[a.format(tmp=tmp_path) for a in COMMANDS[command]], "--db", str(held)]) == 0, 30, every=0.5)


def test_a_query_catalogue_file_without_its_comment_ends_in_one_line(tmp_path):
    catalogue = tmp_path / "queries"
    catalogue.mkdir()
    (catalogue / "bare.sql").write_text("SELECT 1\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "flows.cli", "query", "--list"], cwd=tmp_path, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(PROJECT),
                               "OFSTED_WATCH_QUERIES": str(catalogue)}, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "must open with a comment saying what it answers" in done.stderr
