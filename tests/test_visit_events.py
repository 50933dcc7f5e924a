"""The merge rule of visit events, on hand-made mention frames (transforms/visit_events.py)."""

from __future__ import annotations

import itertools
import json
from datetime import date

import polars as pl
import pytest

from transforms.keys import hash_key
from transforms.visit_events import MENTION_SCHEMA, build_visit_events, event_findings

LA, OTHER = "a" * 16, "b" * 16
NO_REGISTER = pl.DataFrame(schema={"la_key": pl.String, "inspection_key": pl.String, "inspection_end_date": pl.Date, "publication_date": pl.Date})


def mention(n: int, la: str = LA, vtype: str = "monitoring_visit", ordinal=None, published=None, visit_year=None, visit_month=None,
            rating=None, publisher=None) -> dict:
    article = f"{n:016x}"
    return {"visit_key": hash_key("visit", article, la), "article_key": article, "la_key": la, "visit_type": vtype, "visit_ordinal": ordinal,
            "rating": rating, "rating_year": None, "rating_month": None, "visit_year": visit_year, "visit_month": visit_month,
            "published_date": published, "publisher": publisher, "source_file": f"{n:03d}.txt"}


def events_of(rows: list[dict], register: pl.DataFrame = NO_REGISTER) -> tuple[pl.DataFrame, pl.DataFrame]:
    return build_visit_events(pl.DataFrame(rows, schema=MENTION_SCHEMA), register)


def groups(link: pl.DataFrame, rows: list[dict]) -> set[frozenset[str]]:
    """The events as sets of source files."""
    files = {r["visit_key"]: r["source_file"] for r in rows}
    out: dict[str, set[str]] = {}
    for visit_key, event_key in link.iter_rows():
        out.setdefault(event_key, set()).add(files[visit_key])
    return {frozenset(v) for v in out.values()}


# One visit told three ways: the council's press release (dated, ordinal, visit month), the local
# paper two days later (dated, no ordinal) and committee minutes (undated, ordinal).
PRESS = mention(1, ordinal=2, published=date(2024, 3, 12), visit_year=2024, visit_month=2, rating="inadequate", publisher="Council newsroom")
PAPER = mention(2, published=date(2024, 3, 14), rating="requires_improvement", publisher="Weekly Courier")
MINUTES = mention(3, ordinal=2)
THREE_WAYS = [PRESS, PAPER, MINUTES]


def test_one_visit_told_three_ways_is_one_event():
    events, link = events_of(THREE_WAYS)
    assert events.height == 1
    e = events.row(0, named=True)
    assert (e["visit_ordinal"], e["visit_year"], e["visit_month"]) == (2, 2024, 2)
    assert (e["first_report_date"], e["last_report_date"]) == (date(2024, 3, 12), date(2024, 3, 14))
    assert (e["article_count"], e["undated_article_count"], e["publisher_count"]) == (3, 1, 2)
    assert e["source_files"] == ["001.txt", "002.txt", "003.txt"]
    assert e["key_basis"] == "ordinal"
    assert link.height == 3 and link["visit_event_key"].n_unique() == 1


def test_disagreements_are_chosen_by_the_earliest_report_on_a_tie_and_recorded():
    events, _ = events_of(THREE_WAYS)
    e = events.row(0, named=True)
    assert e["rating"] == "inadequate"
    assert json.loads(e["conflicts"]) == {"rating": {"inadequate": ["001.txt"], "requires_improvement": ["002.txt"]}}
    # Two reports against one: the majority wins whatever the dates.
    events, _ = events_of(THREE_WAYS + [mention(4, published=date(2024, 3, 20), rating="requires_improvement")])
    assert events["rating"].to_list() == ["requires_improvement"]


def test_reports_that_agree_have_no_conflicts():
    events, _ = events_of([PRESS, MINUTES])
    assert events["conflicts"].to_list() == [None]


@pytest.mark.parametrize(
    "first, second",
    [
        # Consecutive monitoring visits: the ordinals differ...
        (mention(1, ordinal=3, published=date(2024, 2, 10)), mention(2, ordinal=4, published=date(2024, 6, 20))),
        # ...or the visit months do, even when the reports are days apart...
        (mention(1, published=date(2024, 2, 10), visit_year=2024, visit_month=1), mention(2, published=date(2024, 2, 25), visit_year=2024, visit_month=2)),
        # ...or nothing tells them apart but the reports, months apart.
        (mention(1, published=date(2024, 2, 10)), mention(2, published=date(2024, 6, 20))),
        # An undated report naming another ordinal is another visit.
        (mention(1, ordinal=3, published=date(2024, 2, 10)), mention(2, ordinal=4)),
    ],
)
def test_consecutive_visits_of_one_authority_stay_apart(first, second):
    events, link = events_of([first, second])
    assert events.height == 2
    assert events["visit_event_key"].n_unique() == 2


def test_reports_close_together_with_no_conflict_merge_and_a_shared_ordinal_reaches_further():
    close = [mention(1, published=date(2024, 3, 1)), mention(2, published=date(2024, 4, 10))]
    assert events_of(close)[0].height == 1
    far = [mention(1, ordinal=5, published=date(2024, 3, 1)), mention(2, ordinal=5, published=date(2024, 7, 1))]
    assert events_of(far)[0].height == 1
    too_far = [mention(1, published=date(2024, 3, 1)), mention(2, published=date(2024, 5, 1))]
    assert events_of(too_far)[0].height == 2


def test_other_authority_or_visit_type_is_another_event():
    rows = [mention(1, published=date(2024, 3, 1)), mention(1, la=OTHER, published=date(2024, 3, 1)),
            mention(2, vtype="focused_visit", published=date(2024, 3, 1))]
    events, _ = events_of(rows)
    assert events.height == 3


def test_an_undated_report_naming_nothing_is_an_event_of_its_own():
    events, link = events_of([PRESS, mention(5)])
    assert groups(link, [PRESS, mention(5)]) == {frozenset({"001.txt"}), frozenset({"005.txt"})}
    assert events.filter(pl.col("key_basis") == "article")["article_keys"].to_list() == [[f"{5:016x}"]]


def test_an_undated_report_joins_the_event_sharing_most_facts():
    rows = [mention(1, ordinal=2, published=date(2023, 1, 10), visit_year=2022, visit_month=12),
            mention(2, ordinal=2, published=date(2024, 9, 10), visit_year=2024, visit_month=8),
            mention(3, ordinal=2, visit_year=2022, visit_month=12)]
    _, link = events_of(rows)
    assert groups(link, rows) == {frozenset({"001.txt", "003.txt"}), frozenset({"002.txt"})}


def test_any_order_of_the_mentions_gives_the_same_events_and_keys():
    rows = THREE_WAYS + [mention(4, ordinal=3, published=date(2024, 6, 20)), mention(5, la=OTHER, published=date(2024, 3, 13)), mention(6)]
    reference = events_of(rows)
    for order in itertools.permutations(rows):
        events, link = events_of(list(order))
        assert events.equals(reference[0]) and link.equals(reference[1])


def test_a_later_report_that_repeats_what_is_known_keeps_the_key_and_removing_the_only_report_removes_the_event():
    first, _ = events_of([PRESS])
    later, _ = events_of([PRESS, PAPER, MINUTES])
    assert first["visit_event_key"].to_list() == later["visit_event_key"].to_list()
    # A report dated before the first one, naming the ordinal, joins without changing the key either.
    earlier, _ = events_of([PRESS, mention(7, ordinal=2, published=date(2024, 3, 8))])
    assert earlier["visit_event_key"].to_list() == first["visit_event_key"].to_list()
    gone, link = events_of([PAPER])
    assert first["visit_event_key"][0] not in gone["visit_event_key"].to_list()
    assert events_of([])[0].height == 0


def test_the_key_is_the_natural_key_of_the_visit():
    events, _ = events_of([PRESS])
    assert events["visit_event_key"][0] == hash_key("visit_event", LA, "monitoring_visit", "ordinal", 2, None)
    by_month, _ = events_of([mention(1, published=date(2024, 3, 12), visit_year=2024, visit_month=2)])
    assert by_month["key_basis"][0] == "visit_month"
    assert by_month["visit_event_key"][0] == hash_key("visit_event", LA, "monitoring_visit", "visit_month", "2024-02")
    by_report, _ = events_of([mention(1, published=date(2024, 3, 12))])
    assert by_report["visit_event_key"][0] == hash_key("visit_event", LA, "monitoring_visit", "first_report", "2024-03-12")


def test_the_same_ordinal_in_two_cycles_is_two_events_tied_to_two_inspections():
    register = pl.DataFrame({
        "la_key": [LA, LA, OTHER], "inspection_key": ["1" * 16, "2" * 16, "3" * 16],
        "inspection_end_date": [date(2019, 5, 17), date(2023, 1, 20), date(2023, 12, 1)],
        "publication_date": [date(2019, 7, 1), date(2023, 3, 1), date(2024, 1, 30)],
    })
    rows = [mention(1, ordinal=1, published=date(2019, 12, 2), visit_year=2019, visit_month=10),
            mention(2, ordinal=1, published=date(2023, 9, 4)),
            mention(3, published=date(2023, 1, 25))]
    events, _ = events_of(rows, register)
    by_file = {r["source_files"][0]: r for r in events.iter_rows(named=True)}
    assert by_file["001.txt"]["inspection_key"] == "1" * 16
    assert by_file["001.txt"]["months_since_inspection"] == 5  # May 2019 -> the visit in October 2019
    assert by_file["001.txt"]["event_date"] == date(2019, 10, 1)
    assert by_file["002.txt"]["inspection_key"] == "2" * 16  # undated visit: before its first report
    assert by_file["002.txt"]["months_since_inspection"] == 8
    # Reported five days after an inspection ended: it follows that inspection.
    assert by_file["003.txt"]["inspection_key"] == "2" * 16 and by_file["003.txt"]["months_since_inspection"] == 0
    assert events["visit_event_key"].n_unique() == 3
    # No inspection before an undated event: none.
    events, _ = events_of([mention(9, ordinal=1)], register)
    assert events["inspection_key"].to_list() == [None] and events["months_since_inspection"].to_list() == [None]


def test_findings_per_event_count_articles_and_name_them():
    rows = THREE_WAYS + [mention(4, ordinal=3, published=date(2024, 6, 20))]
    mentions = pl.DataFrame(rows, schema=MENTION_SCHEMA)
    events, link = build_visit_events(mentions, NO_REGISTER)
    art = lambda n: f"{n:016x}"  # noqa: E731
    findings = pl.DataFrame({
        "article_key": [art(1), art(1), art(2), art(3), art(4), art(2), art(2)],
        "la_key": [LA, LA, LA, LA, LA, OTHER, LA],
        "theme": ["workforce_stability", "workforce_stability", "workforce_stability", "leadership", "workforce_stability", "leadership", "leadership"],
        "polarity": ["negative", "negative", "negative", "positive", "negative", "positive", "positive"],
        "is_inspection_finding": [True, True, True, True, True, True, False],
    })
    out = event_findings(findings, mentions, link)
    visit = link.filter(pl.col("visit_key") == PRESS["visit_key"])["visit_event_key"][0]
    mine = {(r["theme"], r["polarity"]): r for r in out.filter(pl.col("visit_event_key") == visit).iter_rows(named=True)}
    assert set(mine) == {("workforce_stability", "negative"), ("leadership", "positive")}
    assert (mine["workforce_stability", "negative"]["article_count"], mine["workforce_stability", "negative"]["finding_count"]) == (2, 3)
    assert mine["workforce_stability", "negative"]["source_files"] == ["001.txt", "002.txt"]
    assert mine["leadership", "positive"]["source_files"] == ["003.txt"]  # the other authority's and the uncounted are left out
    assert out.height == 3 and out["visit_event_finding_key"].n_unique() == 3


def test_one_natural_key_for_two_events_keeps_keys_unique_and_the_earlier_keeps_the_plain_key():
    rows = [mention(1, ordinal=5, published=date(2024, 3, 1)), mention(2, ordinal=5, published=date(2025, 6, 1))]
    events, _ = events_of(rows)
    assert events.height == 2 and events["visit_event_key"].n_unique() == 2
    first = events.filter(pl.col("first_report_date") == date(2024, 3, 1))["visit_event_key"][0]
    assert first == hash_key("visit_event", LA, "monitoring_visit", "ordinal", 5, None)


def defaulted(row: dict) -> dict:
    return row | {"type_defaulted": True}


def test_a_defaulted_type_gives_way_to_a_stated_one_and_the_event_says_so():
    # The council's release names the monitoring visit; the paper's report names no type, and the
    # default (focused visit for an authority it gives no grade) is no evidence of another visit.
    rows = [mention(1, published=date(2024, 3, 12)), defaulted(mention(2, vtype="focused_visit", published=date(2024, 3, 20)))]
    events, _ = events_of(rows)
    assert events.height == 1
    e = events.row(0, named=True)
    assert e["visit_type"] == "monitoring_visit"
    assert json.loads(e["conflicts"]) == {"defaulted": {"visit_type": {"focused_visit": ["002.txt"]}}}
    assert json.loads(e["merge_basis"]) == {"002.txt": "reported within 45 days"}
    # Two stated types are two visits, however close their reports.
    events, _ = events_of([rows[0], mention(2, vtype="focused_visit", published=date(2024, 3, 20))])
    assert events.height == 2


def test_ordinals_counted_from_different_starts_merge_on_the_same_visit_month():
    rows = [mention(1, ordinal=1, published=date(2025, 7, 10), visit_year=2025, visit_month=6), mention(2, ordinal=3, visit_month=6)]
    events, _ = events_of(rows)
    assert events.height == 1
    e = events.row(0, named=True)
    assert json.loads(e["conflicts"]) == {"visit_ordinal": {"1": ["001.txt"], "3": ["002.txt"]}}
    assert json.loads(e["merge_basis"]) == {"002.txt": "shared visit_month"}
    # Without the month in common, another ordinal is another visit.
    assert events_of([rows[0], mention(2, ordinal=3, visit_month=10)])[0].height == 2


def test_a_month_without_a_year_does_not_join_a_visit_of_another_type():
    rows = [mention(1, ordinal=5, published=date(2016, 10, 7), visit_year=2016, visit_month=9),
            defaulted(mention(2, vtype="focused_visit", visit_month=9, rating="requires_improvement"))]
    assert events_of(rows)[0].height == 2


def test_undated_reports_of_one_inspection_merge_on_its_judgement_and_other_inspections_stay_apart():
    inspection = dict(vtype="inspection", rating="good")
    rows = [mention(1, **inspection, visit_month=11), mention(2, **inspection), mention(3, vtype="inspection", rating="outstanding")]
    _, link = events_of(rows)
    assert groups(link, rows) == {frozenset({"001.txt", "002.txt"}), frozenset({"003.txt"})}
    # The grade a monitoring visit repeats is the earlier inspection's: every visit after it states it.
    rows = [mention(1, rating="inadequate", ordinal=2), mention(2, rating="inadequate")]
    assert events_of(rows)[0].height == 2


def test_one_report_dates_the_visit_the_other_only_its_publication():
    release = mention(1, vtype="focused_visit", published=date(2019, 2, 1))
    letter = mention(2, vtype="focused_visit", visit_year=2019, visit_month=1)
    events, _ = events_of([release, letter])
    assert events.height == 1
    assert json.loads(events["merge_basis"][0]) == {"002.txt": "visit month within 120 days before the first report"}
    # A report published long after the month is of another visit; so is one published before it.
    assert events_of([release, letter | {"visit_year": 2018, "visit_month": 6}])[0].height == 2
    assert events_of([release, letter | {"visit_month": 3}])[0].height == 2
