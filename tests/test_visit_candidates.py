"""Which authorities an article reports a visit of, and why the others are set aside (invented texts)."""

import polars as pl
import pytest

from tests.helpers import visits

H = "Headline\n\n"


def candidates(ex) -> dict[str, str | None]:
    return {r["la_name"]: r["set_aside_reason"] for r in ex.visit_candidates.iter_rows(named=True)}


@pytest.mark.parametrize(
    "text, la, reason",
    [
        # Another inspectorate.
        ("Care Inspectorate Wales inspectors praised children's services in Cornwall this spring. "
         "Inspectors said leaders knew their services well.", "Cornwall", "other_inspectorate"),
        # A SEND local-area inspection, Ofsted throughout.
        ("Ofsted and the CQC carried out a joint inspection of the local area of Rutland in May. "
         "Inspectors found weaknesses in the area's SEND provision.", "Rutland", "send_local_area"),
        # A provider's own inspection.
        ("Ofsted has rated a children's home run by Luton council inadequate. "
         "Inspectors visiting the home found staff untrained.", "Luton", "provider_inspection"),
        # An inspection still to come.
        ("A focused inspection of Halton's children's services is expected any time now. "
         "Ofsted rated the service inadequate two years ago.", "Halton", "future_inspection"),
        ("Ofsted has told Bury council it intends to carry out an inspection of its children's services next week. "
         "Inspectors will spend four weeks in the borough.", "Bury", "future_inspection"),
    ],
)
def test_other_inspections_are_kept_as_candidates_with_the_reason(extract, text, la, reason):
    ex = extract(H + text)
    assert visits(ex) == {}
    assert candidates(ex) == {la: reason}


def test_another_inspection_in_passing_does_not_set_a_visit_aside(extract):
    text = (H + "Ofsted's monitoring visit to Luton council found that social workers knew their children well. "
            "Inspectors said leaders had acted on the previous letter. "
            "Managers said caseloads had fallen. "
            "Separately, a children's home in the town was judged inadequate last year.")
    ex = extract(text)
    assert set(visits(ex)) == {"Luton"}
    assert candidates(ex) == {"Luton": None}


def test_a_visit_reported_in_the_lead_beside_a_send_mention_stands(extract):
    ex = extract(H + "Ofsted's focused visit to Rutland council looked at disabled children and young people with SEND. "
                 "Inspectors found that plans were clear.")
    assert set(visits(ex)) == {"Rutland"}


def test_a_sentence_naming_two_authorities_reports_both_visits(extract):
    ex = extract(H + "Ofsted inspectors carrying out a focused visit in Rutland and Lincolnshire found both well run.")
    assert set(visits(ex)) == {"Rutland", "Lincolnshire"}


def test_a_longer_alias_running_into_a_word_falls_back_to_a_shorter_one(extract):
    ex = extract(H + "Ofsted wrote to both the West Northamptonshire Council and North Northamptonshire councils after its visit.")
    named = set(ex.mentions.filter(pl.col("is_valid"))["la_name"].to_list())
    assert {"West Northamptonshire", "North Northamptonshire"} <= named


@pytest.mark.parametrize(
    "text",
    [
        "Ofsted's monitoring visit to Luton council found progress. Inspectors said leaders were supported by Bedford Borough Council.",
        "Ofsted's monitoring visit to Luton council found progress, helped by Bedford Borough Council, its improvement partner.",
        "Ofsted's monitoring visit to Luton council found progress. Inspectors found managers seconded from Bedford Borough Council led the front door.",
    ],
)
def test_a_partner_adviser_or_supplier_of_staff_is_not_visited(extract, text):
    ex = extract(H + text)
    assert set(visits(ex)) == {"Luton"}


def test_both_councils_refers_to_the_authorities_named_before(extract):
    ex = extract(H + "Ofsted inspectors carried out a focused visit to Rutland and Lincolnshire in May. "
                 "It was the second visit to both councils since they were rated outstanding in 2017.")
    v = visits(ex)
    assert {la: (x["visit_ordinal"], x["rating"], x["rating_year"]) for la, x in v.items()} == {
        "Rutland": (2, "outstanding", 2017), "Lincolnshire": (2, "outstanding", 2017)}
