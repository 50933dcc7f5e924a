"""Full inspections (transforms/judgements.py): the type named or implied, the grade the inspection
gave apart from the one it replaced, and its judgements however the text states them. Every text is
invented, one per class of expression."""

from __future__ import annotations

import polars as pl
import pytest

from tests.helpers import visits
from transforms.judgements import framework_areas

H = "Headline\n\n"


def judgements(ex, la: str, article: int = 0) -> dict[str, str]:
    key = f"{article:016x}"
    rows = ex.judgements.filter((pl.col("article_key") == key) & (pl.col("la_name") == la))
    return dict(zip(rows["area"], rows["grade"]))


@pytest.mark.parametrize(
    "text",
    [
        "Ofsted's standard inspection of Kent council found strong leadership.",
        "Inspectors spent two weeks on a full inspection of Kent council's services.",
        "Kent council was inspected in March by a team of inspectors.",
        "Kent council's children's services are good, up from requires improvement, Ofsted said.",
        "Kent council retains its good rating after Ofsted inspectors returned.",
        "Kent council's children's services are now outstanding, Ofsted said.",
        "Kent council's children's services have been rated good by Ofsted.",
        "Kent council achieved a ‘good’ rating from Ofsted inspectors.",
        "Kent council's children's services have been bumped up to ‘outstanding’ by Ofsted.",
        "Ofsted judged three out of four key areas good at Kent council.",
        "Ofsted's report rated Kent council ‘good’ overall.",
        "A four-day inspection by Ofsted of Kent council found good practice.",
    ],
)
def test_an_inspection_named_or_implied(extract, text):
    (v,) = visits(extract(H + text)).values()
    assert v["visit_type"] == "inspection"


@pytest.mark.parametrize(
    "text, visit_type",
    [
        # A named visit outranks a grade announced; the default stays for a text that implies nothing.
        ("Ofsted's monitoring visit to Kent council, rated inadequate in 2021, found progress.", "monitoring_visit"),
        ("Ofsted visited Kent council, rated good in 2022.", "focused_visit"),
        # A full inspection still to come does not type the visit.
        ("Ofsted visited Kent council, rated good in 2022; a full inspection will be carried out next year.", "focused_visit"),
        # A focused visit of an earlier year is history in a later article: the headline's inspection wins.
        ("date 2024-06-01\nKent council retains its ‘good’ rating\n\nOfsted inspected Kent council after a focused visit in 2021 found weak planning.",
         "inspection"),
    ],
)
def test_what_does_not_make_an_inspection(extract, text, visit_type):
    (v,) = visits(extract(H + text)).values()
    assert v["visit_type"] == visit_type


@pytest.mark.parametrize(
    "text, rating, previous, previous_year",
    [
        ("Kent council's children's services have been rated good by Ofsted, four years after being judged inadequate.", "good", "inadequate", None),
        ("Kent council's children's services have been rated good by Ofsted, up from the requires improvement grade it was given in 2019.",
         "good", "requires_improvement", 2019),
        ("Kent council's children's services are now outstanding, Ofsted said. In 2018 they were rated good.", "outstanding", "good", 2018),
        ("Kent council retains its good rating after Ofsted inspectors returned.", "good", "good", None),
        ("Kent council's services have been rated inadequate by Ofsted, having been rated good at its last inspection in 2020.",
         "inadequate", "good", 2020),
    ],
)
def test_an_inspections_own_grade_and_the_one_it_replaced(extract, text, rating, previous, previous_year):
    (v,) = visits(extract(H + text)).values()
    assert v["visit_type"] == "inspection"
    assert (v["rating"], v["previous_rating"], v["previous_rating_year"]) == (rating, previous, previous_year)


def test_a_visit_keeps_its_rating_and_has_no_previous_one(extract):
    (v,) = visits(extract(H + "Ofsted's monitoring visit to Kent council, rated inadequate in 2021, found progress.")).values()
    assert (v["rating"], v["rating_year"], v["previous_rating"]) == ("inadequate", 2021, None)


def test_in_a_sentence_naming_two_authorities_each_takes_its_own_grade(extract):
    ex = extract(H + "Kent council has been rated ‘outstanding’ by Ofsted, while Surrey council has achieved a ‘good’ rating after an inspection.")
    got = visits(ex)
    assert (got["Kent"]["rating"], got["Surrey"]["rating"]) == ("outstanding", "good")


def test_an_area_grade_is_not_the_authoritys_rating(extract):
    (v,) = visits(extract(H + "Kent council's children's services have been rated requires improvement by Ofsted after an inspection. "
                              "Children in care were found to be good.")).values()
    assert v["rating"] == "requires_improvement"


FULL = "Kent council's children's services have been rated good overall by Ofsted after an inspection in May 2024. "


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # An area, a grading verb, the grade.
        ("Leadership was judged outstanding.", {"leaders": "outstanding"}),
        ("The impact of leaders on practice was found to be outstanding.", {"leaders": "outstanding"}),
        ("Help and protection was deemed to still require improvement.", {"help_and_protection": "requires_improvement"}),
        # An area, a plain copula, the grade closing the clause.
        ("Help and protection was good, inspectors said.", {"help_and_protection": "good"}),
        # The grade as the verb.
        ("Inspectors found that help and protection required improvement.", {"help_and_protection": "requires_improvement"}),
        # 'found X to be good'.
        ("Inspectors found the impact of leaders to be outstanding, and care leavers' support to be good.",
         {"leaders": "outstanding", "care_leavers": "good"}),
        # Two areas given one grade.
        ("Children in care and care leavers were both found to be ‘good’.", {"children_in_care": "good", "care_leavers": "good"}),
        # The grade, then its area.
        ("The council was rated outstanding for leadership.", {"leaders": "outstanding"}),
        # The grade, then the areas given it.
        ("The areas judged to require improvement were help and protection and the impact of leaders.",
         {"help_and_protection": "requires_improvement", "leaders": "requires_improvement"}),
        # A table or a list: the area, a dash, the grade.
        ("The experiences and progress of care leavers – Requires improvement", {"care_leavers": "requires_improvement"}),
    ],
)
def test_each_way_of_stating_a_judgement(extract, sentence, expected):
    got = judgements(extract(H + FULL + sentence), "Kent")
    assert got["overall"] == "good"
    assert {a: g for a, g in got.items() if a != "overall"} == expected


def test_a_table_of_judgements_one_line_each(extract):
    table = ("\n\nOverall effectiveness – Good\nThe impact of leaders on social work practice – Outstanding\n"
             "The experiences and progress of children who need help and protection – Good\n"
             "The experiences and progress of children in care – Requires improvement\nThe experiences and progress of care leavers – Good\n\n"
             # A text's unterminated last lines are site furniture (transforms/clean.py): the table sits inside the article.
             "The council welcomed the report.")
    got = judgements(extract(H + FULL + table), "Kent")
    assert got == {"overall": "good", "leaders": "outstanding", "help_and_protection": "good",
                   "children_in_care": "requires_improvement", "care_leavers": "good"}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # One grade for every area of the framework.
        ("It was judged good in all four areas.", dict.fromkeys(["leaders", "help_and_protection", "children_in_care", "care_leavers"], "good")),
        ("All areas were rated as requiring improvement.",
         dict.fromkeys(["leaders", "help_and_protection", "children_in_care", "care_leavers"], "requires_improvement")),
        ("It achieved across-the-board ‘good’ scores.", dict.fromkeys(["leaders", "help_and_protection", "children_in_care", "care_leavers"], "good")),
        # The named ones and the rest.
        ("Help and protection was judged to require improvement, with good in every other area.",
         {"help_and_protection": "requires_improvement", "leaders": "good", "children_in_care": "good", "care_leavers": "good"}),
        # A count the named areas make determinable.
        ("It was rated good in three out of four areas. The impact of leaders was judged outstanding.",
         {"leaders": "outstanding", "help_and_protection": "good", "children_in_care": "good", "care_leavers": "good"}),
        ("Of the four areas, Ofsted deemed three to be good. Children in care were judged to require improvement.",
         {"children_in_care": "requires_improvement", "leaders": "good", "help_and_protection": "good", "care_leavers": "good"}),
        # A count that leaves two ways to place the rest decides nothing more.
        ("It was rated good in two out of four areas. The impact of leaders was judged outstanding.", {"leaders": "outstanding"}),
    ],
)
def test_collective_statements_where_they_determine_the_grade(extract, sentence, expected):
    got = judgements(extract(H + FULL + sentence), "Kent")
    assert {a: g for a, g in got.items() if a != "overall"} == expected


def test_the_earlier_inspections_judgements_stay_out(extract):
    text = (H + FULL + "At the previous inspection, leadership was judged inadequate. "
            "Following the 2019 inspection, where the service was rated good in two out of three areas, leaders changed.")
    assert judgements(extract(text), "Kent") == {"overall": "good"}


def test_before_2023_care_leavers_are_judged_within_children_in_care(extract):
    text = (H + "Kent council's children's services have been rated good overall by Ofsted after an inspection in May 2021. "
            "Care leavers were judged to be outstanding. It was good in all areas.")
    got = judgements(extract(text), "Kent")
    assert "care_leavers" not in got
    assert got == {"overall": "good", "leaders": "good", "help_and_protection": "good", "children_in_care": "good"}
    assert framework_areas(2021) == ["leaders", "help_and_protection", "children_in_care"]
    assert framework_areas(None) == framework_areas(2024) == ["leaders", "help_and_protection", "children_in_care", "care_leavers"]


def test_a_visit_has_no_judgements(extract):
    ex = extract(H + "Ofsted's monitoring visit to Kent council found leadership was judged good by inspectors.")
    assert ex.judgements.is_empty()


def test_every_judgement_keeps_its_evidence(extract):
    text = H + FULL + "Leadership was judged outstanding."
    ex = extract(text)
    clean = ex.articles["clean_text"][0]
    row = ex.judgements.filter(pl.col("area") == "leaders").row(0, named=True)
    assert clean[row["evidence_start"]:row["evidence_end"]] == row["evidence_text"] == "Leadership was judged outstanding."
