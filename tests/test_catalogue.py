"""The query catalogue and the Parquet export, on the sample warehouse."""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows import settings
from flows.cli import main
from tests.helpers import query
from warehouse.catalogue import read_catalogue

CATALOGUE = read_catalogue(settings.DEFAULTS.queries_dir)


@pytest.fixture
def sample_db(built) -> Path:
    """The sample warehouse, built once a worker (conftest's ``built``) and only read here."""
    return built


def run(name: str, db: Path, fmt: str = "json") -> list[dict]:
    out = io.StringIO()
    from flows.query import query_command

    args = argparse.Namespace(name=name, list=False, db=db, format=fmt, out=None)
    assert query_command(args, out=out) == 0
    return json.loads(out.getvalue()) if fmt == "json" else out.getvalue()


def edited_copy(db: Path, tmp_path: Path, *statements: str) -> Path:
    copy = tmp_path / "edited.duckdb"
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    try:
        for s in statements:
            con.execute(s)
    finally:
        con.close()
    return copy


def test_the_catalogue_has_at_least_eight_commented_questions():
    assert len(CATALOGUE) >= 8
    for q in CATALOGUE.values():
        assert q.question.endswith("?") and len(q.description) > 30, q.name


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_query_runs_on_the_sample_warehouse_in_every_format(sample_db, name):
    rows = run(name, sample_db)
    columns = query(sample_db, f"SELECT column_name FROM (DESCRIBE ({CATALOGUE[name].sql.rstrip().rstrip(';')}))")
    as_csv = list(csv.reader(io.StringIO(run(name, sample_db, "csv"))))
    assert as_csv[0] == [c for (c,) in columns]
    assert len(as_csv) == len(rows) + 1
    table = run(name, sample_db, "table")
    assert table.rstrip().endswith(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def test_visits_per_year_counts_events_and_mentions(sample_db):
    rows = run("visits_per_year", sample_db)
    assert sum(r["visit_events"] for r in rows) == query(sample_db, "SELECT count(*) FROM dim_visit_event")[0][0]
    assert sum(r["mentions"] for r in rows) == query(sample_db, "SELECT count(*) FROM fct_visit")[0][0]
    assert {(r["visit_year"], r["visit_type"]) for r in rows} >= {(2018, "monitoring_visit")}


def test_single_source_and_most_reported(sample_db):
    single = run("single_source_events", sample_db)
    # The sample's five articles never tell of one visit twice.
    assert len(single) == query(sample_db, "SELECT count(*) FROM dim_visit_event")[0][0]
    assert all(r["article_count"] == 1 for r in single)
    most = run("most_reported_visits", sample_db)
    assert [r["article_count"] for r in most] == sorted((r["article_count"] for r in most), reverse=True)


def test_months_to_first_monitoring_visit_follows_the_register(sample_db):
    rows = {r["la_name"]: r for r in run("months_to_first_monitoring_visit", sample_db)}
    # The sample's dated article (October 2018) tells of Croydon's fourth monitoring visit.
    croydon = rows["Croydon"]
    judged = query(sample_db, "SELECT max(coalesce(inspection_end_date, publication_date)) FROM fct_inspection i JOIN dim_local_authority la USING (la_key) "
                            "WHERE la.la_name = 'Croydon' AND overall_effectiveness = 'inadequate' AND coalesce(inspection_end_date, publication_date) < DATE '2018-10-29'")[0][0]
    assert croydon["inadequate_judged_on"] == judged.isoformat()
    assert croydon["months_to_first_visit"] == (2018 * 12 + 10) - (judged.year * 12 + judged.month)
    assert croydon["highest_ordinal_stated"] == 4


def test_themes_by_region_keep_the_top_three(sample_db):
    rows = run("criticised_themes_by_region_and_year", sample_db)
    assert rows
    per = {}
    for r in rows:
        per.setdefault((r["visit_year"], r["region_name"]), []).append(r)
    assert all(len(v) <= 3 for v in per.values())
    london = {r["theme"] for r in per[(2018, "London")]}
    expected = {t for (t,) in query(sample_db, "SELECT f.theme FROM fct_visit_event_finding f JOIN dim_visit_event e USING (visit_event_key) "
                                             "JOIN dim_local_authority la ON la.la_key = e.la_key WHERE la.region_name = 'London' "
                                             "AND year(e.event_date) = 2018 AND f.polarity = 'negative'")}
    assert london <= expected and len(london) == min(3, len(expected))


def test_workforce_and_attention_queries(sample_db):
    rows = run("workforce_criticism_at_inadequate_authorities", sample_db)
    expected = dict(query(sample_db, "SELECT la.la_name, count(*) FROM dim_visit_event e JOIN dim_local_authority la USING (la_key) WHERE e.rating = 'inadequate' GROUP BY 1"))
    assert {r["la_name"]: r["visits"] for r in rows} == expected
    attention = run("authorities_needing_attention", sample_db)
    assert attention and {r["latest_grade"] for r in attention} <= {"inadequate", "requires_improvement"}


def test_contradictions_conflicts_and_repeat_visits_on_an_edited_copy(sample_db, tmp_path):
    stated = query(sample_db, "SELECT count(*) FROM fct_visit WHERE rating_check = 'contradicts'")[0][0]
    assert len(run("ratings_contradicting_register", sample_db)) == stated
    croydon_event = query(sample_db, "SELECT visit_event_key FROM dim_visit_event e JOIN dim_local_authority la USING (la_key) WHERE la.la_name = 'Croydon'")[0][0]
    edited = edited_copy(
        sample_db, tmp_path,
        # A report claiming Croydon was good in 2017, and two reports of one visit disagreeing.
        "UPDATE fct_visit SET rating = 'good', rating_year = 2017, rating_check = 'contradicts' "
        "WHERE la_key = (SELECT la_key FROM dim_local_authority WHERE la_name = 'Croydon')",
        f"""UPDATE dim_visit_event SET conflicts = '{{"rating": {{"good": ["x.txt"], "inadequate": ["y.txt"]}}, "rating_year": {{"2017": ["x.txt"], "2018": ["y.txt"]}}}}'
            WHERE visit_event_key = '{croydon_event}'""",
        # Three more monitoring visits of Croydon after its 2017 judgement.
        *[f"""INSERT INTO dim_visit_event SELECT * REPLACE ('{i:016x}' AS visit_event_key, DATE '2019-0{i}-01' AS event_date, {4 + i} AS visit_ordinal)
              FROM dim_visit_event WHERE visit_event_key = '{croydon_event}'""" for i in (1, 2)],
    )
    (contradiction,) = run("ratings_contradicting_register", edited)
    assert (contradiction["la_name"], contradiction["stated_rating"]) == ("Croydon", "good")
    assert any(s.startswith("inadequate (2017") for s in contradiction["register_says"])
    conflicts = run("conflicting_reports", edited)
    assert {(r["field"], r["value_kept"]) for r in conflicts} == {("rating", "inadequate"), ("rating_year", None)}
    assert json.loads(next(r for r in conflicts if r["field"] == "rating")["said_by_file"]) == {"good": ["x.txt"], "inadequate": ["y.txt"]}
    repeat = run("repeat_monitoring_since_inadequate", edited)
    # Croydon's latest inadequate judgement in the register is of 2017: the three events follow it.
    assert query(edited, "SELECT max(coalesce(inspection_end_date, publication_date)) FROM fct_inspection i JOIN dim_local_authority la USING (la_key) "
                       "WHERE la.la_name = 'Croydon' AND overall_effectiveness = 'inadequate'")[0][0].year == 2017
    assert [(r["la_name"], r["monitoring_visits_since"], r["highest_ordinal_stated"]) for r in repeat] == [("Croydon", 3, 6)]


def test_query_cli_lists_writes_files_and_refuses_what_it_cannot_do(sample_db, tmp_path, capsys):
    assert main(["query", "--list"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in CATALOGUE)
    out = tmp_path / "res" / "v.csv"
    assert main(["query", "visits_per_year", "--db", str(sample_db), "--format", "csv", "--out", str(out)]) == 0
    assert out.read_text().startswith("visit_year,visit_type,visit_events")
    missing = tmp_path / "nowhere.duckdb"
    assert main(["query", "visits_per_year", "--db", str(missing)]) == 2
    assert "no warehouse at" in capsys.readouterr().err and not missing.exists()
    assert main(["query", "no_such_question", "--db", str(sample_db)]) == 2
    assert main(["export", "--db", str(missing), "--out", str(tmp_path / "pq")]) == 2
    assert not missing.exists()


def test_export_writes_every_dimension_fact_and_mart_as_parquet_that_reads_back(sample_db, tmp_path):
    out = tmp_path / "parquet"
    assert main(["export", "--db", str(sample_db), "--out", str(out)]) == 0
    names = {p.stem for p in out.glob("*.parquet")}
    expected = {n for (n,) in query(sample_db, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                             "UNION SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal")
                if n.startswith(("dim_", "fct_", "mart_", "v_"))}
    assert {"dim_visit_event", "fct_visit_event_finding", "mart_theme_summary", "mart_authority_timeline", "mart_authority_latest",
            "fct_visit"} <= names
    # The deprecated aliases are exported too, so a consumer of v_*.parquet keeps its files.
    assert {"v_theme_summary", "v_authority_timeline", "v_authority_latest"} <= names
    assert names == expected
    assert not list(out.glob("*.part"))
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        for name in sorted(names):
            back = pl.read_parquet(out / f"{name}.parquet")
            here = con.sql(f"SELECT * FROM {name}").pl()
            assert back.columns == here.columns, name
            assert back.sort(back.columns, nulls_last=True).equals(here.sort(here.columns, nulls_last=True)), name
    finally:
        con.close()


def test_rating_moves_compare_each_authoritys_latest_inspection_with_the_one_before(sample_db):
    rows = {r["la_name"]: r for r in run("rating_moves_at_latest_inspection", sample_db)}
    # The register holds Croydon's inadequate (2017), good (2020) and good (2024) judgements.
    assert (rows["Croydon"]["previous_grade"], rows["Croydon"]["latest_grade"], rows["Croydon"]["movement"]) == ("good", "good", "unchanged")
    order = ["outstanding", "good", "requires_improvement", "inadequate"]
    for r in rows.values():
        if r["previous_grade"] is None:
            assert r["movement"] == "first"
        else:
            step = order.index(r["previous_grade"]) - order.index(r["latest_grade"])
            assert r["movement"] == ("up" if step > 0 else "down" if step < 0 else "unchanged") and r["grades_moved"] == step


def test_judgement_areas_count_every_graded_area_of_the_register(sample_db):
    rows = run("judgement_areas_holding_councils_back", sample_db)
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        graded = con.sql("SELECT count(leadership) + count(help_and_protection) + count(children_in_care) + count(care_leavers) "
                         "FROM fct_inspection WHERE la_key IS NOT NULL AND coalesce(inspection_end_date, publication_date) IS NOT NULL").fetchall()[0][0]
    finally:
        con.close()
    assert sum(r["judgements"] for r in rows) == graded > 0
    assert all(0 <= r["below_good"] <= r["judgements"] and r["holds_back_rank"] >= 1 for r in rows)
