from datetime import date

import polars as pl

from schemas.vocabulary import RATING_CHECKS
from transforms.reconcile import rating_checks

REGISTER = pl.DataFrame(
    {
        "la_name": ["Surrey", "Surrey", "Croydon", "Bromley"],
        "overall_effectiveness": ["inadequate", "requires_improvement", "inadequate", "good"],
        "inspection_start_date": [date(2018, 2, 26), date(2022, 1, 17), date(2017, 6, 20), date(2018, 11, 19)],
        "inspection_end_date": [date(2018, 3, 22), date(2022, 1, 28), date(2017, 7, 13), date(2018, 11, 30)],
        "publication_date": [date(2018, 5, 16), date(2022, 3, 9), date(2017, 9, 4), date(2019, 1, 7)],
    }
)


def check(la, rating, year=None, month=None, published=None):
    visits = pl.DataFrame({"article_key": ["a"], "la_name": [la], "rating": [rating], "rating_year": [year], "rating_month": [month]},
                          schema={"article_key": pl.String, "la_name": pl.String, "rating": pl.String, "rating_year": pl.Int32, "rating_month": pl.Int32})
    articles = pl.DataFrame({"article_key": ["a"], "published_date": [published]}, schema={"article_key": pl.String, "published_date": pl.Date})
    return rating_checks(visits, REGISTER, articles)["rating_check"][0]


def test_same_judgement_in_the_stated_month_or_year_is_consistent():
    assert check("Surrey", "inadequate", 2018, 5) == "consistent"  # published in May
    assert check("Surrey", "inadequate", 2018, 2) == "consistent"  # started in February
    assert check("Bromley", "good", 2018) == "consistent"


def test_another_judgement_in_the_window_contradicts():
    assert check("Surrey", "good", 2018) == "contradicts"
    assert check("Surrey", "inadequate", 2022) == "contradicts"


def test_nothing_in_the_window_is_not_in_the_register():
    assert check("Surrey", "inadequate", 2019) == "not_in_register"
    assert check("Surrey", "inadequate", 2018, 9) == "not_in_register"
    assert check("Hartlepool", "good", 2018) == "not_in_register"


def test_undated_rating_uses_inspections_before_the_article():
    assert check("Croydon", "inadequate", published=date(2018, 10, 29)) == "consistent"
    assert check("Croydon", "inadequate", published=date(2016, 1, 1)) == "not_in_register"
    assert check("Surrey", "requires_improvement") == "consistent"


def test_no_stated_rating_no_check():
    assert check("Surrey", None, 2018) is None


def test_every_verdict_is_in_the_schemas_vocabulary():
    verdicts = {check("Surrey", "inadequate", 2018, 5), check("Surrey", "good", 2018), check("Surrey", "good", 2030)}
    assert verdicts == set(RATING_CHECKS)
