"""Abolished authorities resolved to the authority the reference list names for the article (invented texts)."""

import polars as pl

from tests.helpers import visits
from transforms.successions import SPLIT_REASON


def test_a_renamed_county_council_is_its_successor_whatever_the_date(extract):
    ex = extract("Headline\n\nPublished: 3 August 2018\n\nOfsted's monitoring visit to Buckinghamshire County Council found progress.")
    assert set(visits(ex)) == {"Buckinghamshire"}


def test_a_split_council_counts_for_each_successor_named(extract):
    ex = extract(
        "Headline\n\nPublished: 10 December 2021\n\n"
        "Northamptonshire County Council's children's services were rated inadequate in 2019. "
        "Ofsted's latest monitoring visit found the service continues to improve across the county. "
        "Inspectors wrote to West Northamptonshire Council and North Northamptonshire Council."
    )
    v = visits(ex)
    assert set(v) == {"West Northamptonshire", "North Northamptonshire"}
    assert all(x["visit_type"] == "monitoring_visit" and x["rating"] == "inadequate" for x in v.values())
    reasons = ex.mentions.filter(pl.col("la_name") == "Northamptonshire")["exclusion_reason"].unique().to_list()
    assert reasons == [SPLIT_REASON]


def test_a_split_council_named_alone_stands(extract):
    ex = extract("Headline\n\nPublished: 5 March 2018\n\nOfsted's monitoring visit to Northamptonshire County Council found drift.")
    assert set(visits(ex)) == {"Northamptonshire"}


def test_a_merged_council_is_its_successor_only_after_the_merger(extract):
    before = extract("Headline\n\nPublished: 5 March 2018\n\nOfsted's focused visit to Poole council found good practice.")
    after = extract("Headline\n\nPublished: 5 March 2020\n\nOfsted's focused visit to Poole council found good practice.")
    assert set(visits(before)) == {"Poole"}
    assert set(visits(after)) == {"Bournemouth, Christchurch and Poole"}
