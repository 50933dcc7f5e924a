"""A full inspection reported in the news tied to the register row of that very inspection
(transforms/reconcile.same_inspection, register_row_of_inspection, judgement_checks) and the visit
event's inspection_key pointing to it (transforms/visit_events)."""

from __future__ import annotations

from datetime import date

import polars as pl

from tests.test_visit_events import LA, events_of, mention
from transforms.reconcile import judgement_checks, register_row_of_inspection, same_inspection

REGISTER = pl.DataFrame({
    "la_name": ["Kent", "Kent"], "la_key": [LA, LA], "inspection_key": ["1" * 16, "2" * 16],
    "inspection_start_date": [date(2019, 5, 6), date(2023, 7, 17)], "inspection_end_date": [date(2019, 5, 17), date(2023, 7, 28)],
    "publication_date": [date(2019, 7, 1), date(2023, 9, 15)],
    "overall_effectiveness": ["inadequate", "good"], "leadership": ["inadequate", "good"], "help_and_protection": ["inadequate", "requires_improvement"],
    "children_in_care": ["inadequate", "good"], "care_leavers": [None, "good"],
})
VISIT_SCHEMA = {"article_key": pl.String, "la_name": pl.String, "visit_type": pl.String, "rating_year": pl.Int32, "rating_month": pl.Int32,
                "visit_year": pl.Int32, "visit_month": pl.Int32}


def visit(article="a", vtype="inspection", rating_year=None, rating_month=None, visit_year=None, visit_month=None) -> dict:
    return {"article_key": article, "la_name": "Kent", "visit_type": vtype, "rating_year": rating_year, "rating_month": rating_month,
            "visit_year": visit_year, "visit_month": visit_month}


def linked(rows: list[dict], published: dict[str, date | None]) -> dict[str, str]:
    articles = pl.DataFrame({"article_key": list(published), "published_date": list(published.values())},
                            schema={"article_key": pl.String, "published_date": pl.Date})
    found = same_inspection(pl.DataFrame(rows, schema=VISIT_SCHEMA), REGISTER, articles)
    return dict(zip(found["article_key"], found["inspection_key"]))


def test_an_inspection_is_tied_to_the_register_row_whose_dates_agree():
    got = linked([visit("a", visit_year=2023, visit_month=7), visit("b", rating_year=2019), visit("c"), visit("d", vtype="focused_visit", visit_year=2023, visit_month=7)],
                 {"a": None, "b": None, "c": date(2023, 10, 2), "d": None})
    # By its month on site, by its rating's year, by the article's date weeks after the report; never a visit.
    assert got == {"a": "2" * 16, "b": "1" * 16, "c": "2" * 16}


def test_a_report_newer_than_the_register_is_tied_to_nothing():
    assert linked([visit("a", visit_year=2026, visit_month=3), visit("b")], {"a": None, "b": date(2026, 4, 1)}) == {}


def test_judgements_are_checked_against_the_same_inspections_grades():
    judgements = pl.DataFrame({"article_key": ["a", "a", "a", "b"], "la_name": ["Kent"] * 4,
                               "area": ["leaders", "help_and_protection", "care_leavers", "leaders"],
                               "grade": ["good", "good", "good", "good"]})
    visits = pl.DataFrame([visit("a", visit_year=2023, visit_month=7), visit("b", visit_year=2026, visit_month=3)], schema=VISIT_SCHEMA)
    articles = pl.DataFrame({"article_key": ["a", "b"], "published_date": [None, None]}, schema={"article_key": pl.String, "published_date": pl.Date})
    out = judgement_checks(judgements, visits, REGISTER, articles)
    checks = {(r["article_key"], r["area"]): r["register_check"] for r in out.iter_rows(named=True)}
    assert checks == {("a", "leaders"): "consistent", ("a", "help_and_protection"): "contradicts", ("a", "care_leavers"): "consistent",
                      ("b", "leaders"): "not_in_register"}


def test_register_row_of_inspection_for_one_event():
    rows = [(date(2019, 5, 6), date(2019, 5, 17), date(2019, 7, 1), "1" * 16), (date(2023, 7, 17), date(2023, 7, 28), date(2023, 9, 15), "2" * 16)]
    assert register_row_of_inspection(rows, 2023, 9, None) == (date(2023, 7, 28), "2" * 16)  # its publication month
    assert register_row_of_inspection(rows, None, None, date(2019, 9, 1)) == (date(2019, 5, 17), "1" * 16)
    assert register_row_of_inspection(rows, None, None, date(2021, 9, 1)) == (None, None)  # over 240 days after either
    assert register_row_of_inspection(rows, 2025, None, None) == (None, None)


def test_an_inspection_event_points_to_its_own_register_row_not_the_one_before():
    register = REGISTER.select("la_key", "inspection_key", "inspection_start_date", "inspection_end_date", "publication_date")
    reported = mention(1, vtype="inspection", published=date(2023, 9, 20), visit_year=2023, visit_month=7, rating="good")
    newer = mention(2, vtype="inspection", published=date(2026, 4, 1), visit_year=2026, visit_month=3, rating="good")
    visit_after = mention(3, vtype="focused_visit", published=date(2024, 6, 1), visit_year=2024, visit_month=5)
    events, _ = events_of([reported, newer, visit_after], register)
    by_file = {r["source_files"][0]: r for r in events.iter_rows(named=True)}
    assert by_file["001.txt"]["inspection_key"] == "2" * 16 and by_file["001.txt"]["months_since_inspection"] is None
    assert by_file["002.txt"]["inspection_key"] is None  # newer than the register: an event of its own
    assert by_file["003.txt"]["inspection_key"] == "2" * 16 and by_file["003.txt"]["months_since_inspection"] == 10
