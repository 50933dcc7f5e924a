"""Dates as news writes them ("on 4 and 5 March", "in early July", "last month"), resolved to a year
and month against the article's own date.

The grammar of dates is language, not a cue: it lives here. What makes a date the visit's date (the
words around it) is a rule: ``seeds/rules/visit_date_frames.csv``.
"""

from __future__ import annotations

import polars as pl

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
MONTH_NUMBER = {m: i + 1 for i, m in enumerate(MONTHS)} | {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)"
_DAY = r"(?:[0-3]?[0-9])(?:st|nd|rd|th)?\b"
_SEP = r"\s*(?:and|to|until|-|–|—|&)\s*"
_YEAR = r"(?:,?\s+(?:19|20)[0-9]{2})"
_PART = r"(?:(?:early|late|mid-?|the\s+(?:end|beginning|start|middle|turn)\s+of)\s+)"
_RELATIVE = (
    r"(?:(?:earlier\s+)?this\s+month|last\s+month|(?:the\s+)?(?:end|beginning|start)\s+of\s+last\s+year|last\s+year|"
    r"(?:earlier\s+)?this\s+year|last\s+(?:spring|summer|autumn|winter)|(?:earlier\s+)?this\s+(?:spring|summer|autumn|winter))"
)
# "4 and 5 March 2024", "Wednesday 23 and Thursday 24 March", "20 April to 6 May 2021",
# "March 4th and 5th", "October 18 and October 19", "early July", "last month".
DATE_EXPRESSION = (
    rf"(?:{_WEEKDAY}?{_DAY}(?:{_SEP}{_WEEKDAY}?{_DAY})?\s+{_MONTH}(?:{_SEP}{_WEEKDAY}?{_DAY}\s+{_MONTH})?{_YEAR}?"
    rf"|{_MONTH}\s+{_DAY}(?:{_SEP}(?:{_MONTH}\s+)?{_DAY})?{_YEAR}?"
    rf"|{_PART}?{_MONTH}{_YEAR}?"
    rf"|{_RELATIVE})"
    r"(?:\s+(?:this|last)\s+year)?"
)


# Every date expression holds one of these: a cheap test before the full grammar.
DATE_HINT = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|(?:this|last) (?:month|year|spring|summer|autumn|winter))"


def resolve(expression: pl.Expr, published: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(year, month) of a date expression; the article's date resolves what the text leaves out.

    A month without a year is the latest such month on or before the article's date ("in March" in
    a May 2024 article is March 2024, in a February 2024 article March 2023); without an article
    date it has no year.
    """
    e = expression.str.to_lowercase()
    month_word = e.str.extract(r"\b(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b", 1)
    stated_month = month_word.replace_strict(MONTH_NUMBER, default=None, return_dtype=pl.Int32)
    stated_year = e.str.extract_all(r"(?:19|20)[0-9]{2}").list.last().cast(pl.Int32, strict=False)
    pub_year, pub_month = published.dt.year().cast(pl.Int32), published.dt.month().cast(pl.Int32)
    last_month = e.str.contains(r"\blast month\b")
    this_month = e.str.contains(r"\bthis month\b")
    last_year = e.str.contains(r"\blast (?:year|spring|summer|autumn|winter)\b")
    this_year = e.str.contains(r"\bthis (?:year|spring|summer|autumn|winter)\b")
    month = (
        pl.when(last_month).then(((pub_month + 10) % 12) + 1)
        .when(this_month).then(pub_month)
        .otherwise(stated_month)
    )
    year = (
        pl.when(stated_year.is_not_null()).then(stated_year)
        .when(last_month).then(pl.when(pub_month == 1).then(pub_year - 1).otherwise(pub_year))
        .when(this_month | this_year).then(pub_year)
        .when(last_year).then(pub_year - 1)
        .when(stated_month.is_not_null()).then(pl.when(stated_month <= pub_month).then(pub_year).otherwise(pub_year - 1))
    )
    return year.cast(pl.Int32), month.cast(pl.Int32)
