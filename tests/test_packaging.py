"""The package as `pip install .` builds it (issue 21): every file the code reads at run time is in the
wheel, and every module its imports need is a runtime dependency. The full check (install into a fresh
venv, run from another folder) is .ci/package_check, run by CI after the suite."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.helpers import PROJECT

# What the code reads from beside itself at run time, as globs under the project.
# Every file of seeds/reference: the site reads its hex layout (and ships its licence) from there.
SHIPPED = ["seeds/rules/*.csv", "seeds/vocabulary/*.csv", "seeds/reference/*", "seeds/articles/*.txt", "queries/*.sql",
           "warehouse/ddl/*.sql", "warehouse/migrations/*.sql", "warehouse/expectations/*.json"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """The wheel pip builds from a copy of the project's files (the build writes into its source)."""
    tmp = tmp_path_factory.mktemp("wheel")
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=PROJECT, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    for name in files:
        if (PROJECT / name).is_file():
            (tmp / "src" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT / name, tmp / "src" / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp / "dist"), str(tmp / "src")],
                   check=True, capture_output=True, timeout=600)
    [built] = (tmp / "dist").glob("ofsted_watch-*.whl")
    return zipfile.ZipFile(built)


def test_pip_install_dot_ships_the_rules_vocabularies_reference_data_sql_queries_and_sample(wheel):
    names = set(wheel.namelist())
    expected = {str(p.relative_to(PROJECT)) for pattern in SHIPPED for p in PROJECT.glob(pattern)}
    assert {"seeds/vocabulary/themes.csv", "queries/visits_per_year.sql", "warehouse/ddl/10_raw.sql"} <= expected
    assert expected - names == set()


def test_pip_install_dot_resolves_the_shipped_data_beside_the_installed_code(tmp_path):
    """From site-packages, the data folders are found beside the code and the outputs go under the
    user's data folder: never the current folder, never site-packages."""
    site = tmp_path / "site-packages"
    for package in ("flows", "seeds", "queries"):
        shutil.copytree(PROJECT / package, site / package, ignore=shutil.ignore_patterns("__pycache__"))
    code = ("from flows.settings import DEFAULTS as d; "
            "print(d.seeds_dir, d.queries_dir, d.articles_dir, d.home, d.db_path, d.state_dir, sep='\\n')")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "data"), "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seeds, queries, articles, home, db, state = map(Path, done.stdout.split("\n")[:6])
    assert (seeds, queries, articles) == (site / "seeds", site / "queries", site / "seeds" / "articles")
    assert home == tmp_path / "data" / "ofsted-watch" and db == home / "warehouse" / "ofsted.duckdb" and state == home / ".state"


def test_pip_install_dot_brings_every_module_the_imports_need():
    """trafilatura imports lxml.html.clean, which lxml 6 ships apart: it came only with the dev extras."""
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {d.split("==")[0].lower().replace("_", "-") for d in project["dependencies"]}
    assert "lxml-html-clean" in runtime
    assert all("==" in d for d in project["dependencies"])  # pinned like the others
