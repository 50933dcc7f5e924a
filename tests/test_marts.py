"""transforms/marts.py: surrogate keys, the reference marts and provenance of the article marts."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from transforms import marts
from transforms.keys import hash_key, key_expr

TEXT = (
    "Council praised\n\nIn their second monitoring visit to Surrey council, rated inadequate in 2018, inspectors found "
    "caseloads were manageable.\n\nJo Bloggs, the council’s cabinet member for children, said: “We are pleased.”"
)


@pytest.fixture(scope="module")
def built(extract, rules):
    ex = extract(TEXT)
    files = pl.DataFrame({"article_key": ex.articles["article_key"], "source_file": ["a.txt"], "content_sha256": ["a" * 64]})
    return ex, marts.build_marts(ex, files, marts.fct_inspection(rules))


def test_keys_are_hashes_of_natural_keys_so_a_reload_gives_the_same_keys(extract, rules, built):
    ex, first = built
    files = pl.DataFrame({"article_key": ex.articles["article_key"], "source_file": ["a.txt"], "content_sha256": ["a" * 64]})
    again = marts.build_marts(extract(TEXT), files, marts.fct_inspection(rules))
    for table in ("fct_visit", "fct_finding", "fct_quote", "fct_person_mention"):
        assert first[table].equals(again[table]), table
    visit = first["fct_visit"].row(0, named=True)
    assert visit["visit_key"] == hash_key("visit", visit["article_key"], hash_key("la", "Surrey"))
    assert visit["la_key"] == hash_key("la", "Surrey")


def test_a_person_key_folds_apostrophes_case_and_spaces():
    names = pl.DataFrame({"person_name": ["Jo O’Brien", "jo  o'brien", "Jo O'Brien"]})
    keys = names.select(marts.person_key().alias("k"))["k"]
    assert keys.n_unique() == 1
    assert keys[0] == hash_key("person", "jo o'brien")


def test_a_quote_by_a_named_person_points_at_their_person_key(built):
    _, tables = built
    quote = tables["fct_quote"].filter(pl.col("speaker_name") == "Jo Bloggs").row(0, named=True)
    person = tables["dim_person"].filter(pl.col("person_name") == "Jo Bloggs").row(0, named=True)
    assert quote["speaker_person_key"] == person["person_key"]


def test_every_fact_keeps_its_article_and_evidence_span(built):
    ex, tables = built
    text = ex.articles["clean_text"][0]
    for table in ("fct_visit", "fct_finding", "fct_quote", "fct_person_mention", "fct_visit_focus"):
        for row in tables[table].iter_rows(named=True):
            assert row["article_key"] == ex.articles["article_key"][0]
            assert 0 <= row["evidence_start"] < row["evidence_end"] <= len(text), table
    visit = tables["fct_visit"].row(0, named=True)
    assert "second monitoring visit" in text[visit["evidence_start"]:visit["evidence_end"]]


def test_dim_date_keys_are_yyyymmdd_and_cover_the_range():
    d = marts.dim_date()
    assert d["calendar_date"].min() == marts.DATE_RANGE[0] and d["calendar_date"].max() == marts.DATE_RANGE[1]
    row = d.filter(pl.col("calendar_date") == date(2024, 3, 9)).row(0, named=True)
    assert row["date_key"] == 20240309 and row["quarter"] == 1 and row["month_name"] == "March" and row["is_weekend"]


def test_the_registers_judgement_words_become_rating_keys(rules):
    register = marts.fct_inspection(rules)
    ratings = set(register["overall_effectiveness"].drop_nulls())
    assert ratings <= set(rules.vocab["ratings"]["rating"]) and "requires_improvement" in ratings
    # The words are read from the ratings vocabulary: an unknown word is no rating, not an error.
    odd = rules.inspections.head(1).with_columns(pl.lit("Splendid").alias("overall_effectiveness"))
    from dataclasses import replace

    assert marts.fct_inspection(replace(rules, inspections=odd))["overall_effectiveness"][0] is None


def test_key_expr_matches_hash_key_with_nulls_as_empty():
    frame = pl.DataFrame({"a": ["x", None], "b": [1, 2]})
    keys = frame.select(key_expr(pl.lit("t"), "a", "b").alias("k"))["k"].to_list()
    assert keys == [hash_key("t", "x", 1), hash_key("t", None, 2)]


def test_key_expr_hashes_exactly_as_hash_key_does():
    rows = pl.DataFrame({"a": ["Ann Lee", None, "Ünïcode ’quote’", ""], "b": [1, 2, None, 0]})
    keys = rows.select(key_expr(pl.lit("t"), "a", "b").alias("k"))["k"].to_list()
    assert keys == [hash_key("t", a, b) for a, b in rows.iter_rows()]
