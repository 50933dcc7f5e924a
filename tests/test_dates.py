"""When inspectors were on site, kept apart from the rating's date and the letter's (invented texts)."""

import polars as pl
import pytest

from tests.helpers import visits
from transforms.dates import DATE_EXPRESSION, resolve


@pytest.mark.parametrize(
    "text, year, month",
    [
        ("Inspectors visited Rutland council on 4 and 5 March 2024 and found progress.", 2024, 3),
        ("The monitoring visit to Rutland council took place on Tuesday 11 and Wednesday 12 June 2019.", 2019, 6),
        ("Ofsted's focused visit to Rutland council was undertaken between 28 April and 9 May 2021.", 2021, 4),
        ("Ofsted carried out a focused visit to Rutland council's children's services on October 9th and 10th 2022.", 2022, 10),
        ("A visit made to Rutland council in early July 2018 found drift.", 2018, 7),
        # The date of the rating or of the letter is not the visit's.
        ("Ofsted's third monitoring visit since Rutland council was rated inadequate in May 2021 found progress.", None, None),
        ("Ofsted's letter to Rutland council, published on 3 June 2022, praised leaders.", None, None),
        # An earlier visit's date is not this one's; the visit's own date later in the text is.
        ("Rutland council had its last inspection between 6 and 17 May 2019. Ofsted then carried out a focused visit on 2 and 3 March 2022.", 2022, 3),
        # A return still to come is not the visit.
        ("Ofsted's monitoring visit to Rutland council found progress. Inspectors are due to return later this year.", None, None),
    ],
)
def test_visit_date(extract, text, year, month):
    (v,) = visits(extract("Headline\n\n" + text)).values()
    assert (v["visit_year"], v["visit_month"]) == (year, month)


def test_a_month_without_a_year_is_resolved_against_the_article_date():
    frame = pl.DataFrame({"e": ["in March", "in November", "last month", "last month", "in June this year", "last year", "in March"],
                          "published": ["2024-05-10", "2024-05-10", "2024-05-10", "2024-01-15", "2021-09-01", "2020-03-01", None]},
                         schema={"e": pl.String, "published": pl.String}).with_columns(pl.col("published").str.to_date())
    year, month = resolve(pl.col("e"), pl.col("published"))
    got = frame.select(year.alias("y"), month.alias("m")).rows()
    assert got == [(2024, 3), (2023, 11), (2024, 4), (2023, 12), (2021, 6), (2019, None), (None, 3)]


@pytest.mark.parametrize("text", ["4 and 5 March 2024", "Wednesday 23 and Thursday 24 March", "20 April to 6 May 2021",
                                  "March 4th and 5th", "October 18 and October 19", "early July", "the end of February", "last month"])
def test_date_expressions_news_uses(text):
    assert pl.Series([text]).str.extract(f"({DATE_EXPRESSION})", 1)[0] == text


def test_a_year_is_not_read_as_a_day():
    assert pl.Series(["in February 2024"]).str.extract(f"({DATE_EXPRESSION})", 1)[0] == "February 2024"
