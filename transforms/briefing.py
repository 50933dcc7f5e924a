"""What the briefing site says, computed from the warehouse's frames: pure polars, no I/O.

- Each authority's latest grade: the register's latest graded full inspection, unless the news reports
  a grade dated after it (an inspection the register does not hold yet), which then wins and is marked.
- Visits since that grade, each event's year, and the themes praised or criticised per authority and year.
- What changed since the last run: the site keeps a small state (each authority's grade, each event's
  articles) per ingest run; the changes compare the latest run's state with the one before it.
"""

from __future__ import annotations

import polars as pl

GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
# When an event happened, as far as it is known: its placed date, else its first report's.
EVENT_WHEN = pl.coalesce("event_date", "first_report_date")


def grade_code(column: str) -> pl.Expr:
    """Register ("requires improvement") and extracted ("requires_improvement") grades as one code; others null."""
    code = (pl.col(column).str.to_lowercase().str.strip_chars().str.replace_all(r"[\s\-]+", "_")
            .str.replace(r"^requires_improvement.*", "requires_improvement"))
    return pl.when(code.is_in(GRADES)).then(code).otherwise(None)


def register_latest(inspections: pl.DataFrame) -> pl.DataFrame:
    """Per authority, the latest full inspection in the register that gave an overall grade."""
    return (inspections.with_columns(grade_code("overall_effectiveness").alias("register_grade"),
                                     pl.coalesce("inspection_end_date", "publication_date").alias("register_date"))
            .filter(pl.col("register_grade").is_not_null() & pl.col("register_date").is_not_null())
            .sort("register_date", "inspection_key")
            .group_by("la_key").agg(pl.col("register_grade").last(), pl.col("register_date").last(),
                                    pl.col("inspection_key").last().alias("register_inspection_key")))


def news_grades(events: pl.DataFrame, register: pl.DataFrame) -> pl.DataFrame:
    """Per authority, the latest grade the news dates after the register's latest (None when there is none).

    A stated rating counts when its own year (and month, if stated) falls after the register's latest
    inspection ended; an undated rating only when it is the grade of a reported full inspection whose
    date falls after it. A monitoring visit's undated "rated inadequate" is the grade it already held."""
    stated = pl.date(pl.col("rating_year"), pl.coalesce("rating_month", pl.lit(1)), 1)
    candidates = (events.with_columns(grade_code("rating").alias("news_grade"))
                  .filter(pl.col("news_grade").is_not_null())
                  .join(register.select("la_key", "register_date"), on="la_key", how="left")
                  .with_columns(pl.when(pl.col("rating_year").is_not_null()).then(stated)
                                .when(pl.col("visit_type") == "inspection").then(EVENT_WHEN).alias("news_date")))
    reg_year, reg_month = pl.col("register_date").dt.year(), pl.col("register_date").dt.month()
    newer = (pl.col("register_date").is_null()
             | pl.when(pl.col("rating_year").is_null()).then(pl.col("news_date") > pl.col("register_date"))
             .when(pl.col("rating_month").is_null()).then(pl.col("rating_year") > reg_year)
             .otherwise((pl.col("rating_year") > reg_year) | ((pl.col("rating_year") == reg_year) & (pl.col("rating_month") > reg_month))))
    return (candidates.filter(pl.col("news_date").is_not_null() & newer)
            .sort("news_date", "visit_event_key")
            .group_by("la_key").agg(pl.col("news_grade").last(), pl.col("news_date").last(),
                                    pl.col("visit_event_key").last().alias("news_event_key")))


def latest_grades(authorities: pl.DataFrame, inspections: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """One row per current authority and per former one the news reports a visit to: its latest grade,
    where it comes from (register or news), its date, and the visit events since it."""
    register = register_latest(inspections)
    news = news_grades(events, register)
    shown = authorities.filter(pl.col("is_current") | pl.col("la_key").is_in(events["la_key"].implode()))
    graded = (shown.join(register, on="la_key", how="left").join(news, on="la_key", how="left")
              .with_columns(pl.coalesce("news_grade", "register_grade").alias("grade"),
                            pl.coalesce("news_date", "register_date").alias("grade_date"),
                            pl.when(pl.col("news_grade").is_not_null()).then(pl.lit("news"))
                            .when(pl.col("register_grade").is_not_null()).then(pl.lit("register")).alias("grade_source")))
    since = (events.select("la_key", "visit_event_key", "visit_type", EVENT_WHEN.alias("when"))
             .join(graded.select("la_key", "grade_date", "news_event_key"), on="la_key")
             .filter(pl.col("when").is_not_null() & (pl.col("grade_date").is_null() | (pl.col("when") > pl.col("grade_date")))
                     & (pl.col("visit_event_key") != pl.col("news_event_key")).fill_null(True) & (pl.col("visit_type") != "inspection"))
             .group_by("la_key").agg(pl.len().alias("visits_since"),
                                     (pl.col("visit_type") == "monitoring_visit").sum().alias("monitoring_visits_since")))
    events_per_la = events.group_by("la_key").agg(pl.len().alias("events"), EVENT_WHEN.max().alias("latest_event"))
    return (graded.join(since, on="la_key", how="left").join(events_per_la, on="la_key", how="left")
            .with_columns(pl.col("visits_since", "monitoring_visits_since", "events").fill_null(0).cast(pl.Int64))
            .sort("la_name"))


def event_years(events: pl.DataFrame) -> pl.DataFrame:
    """An event's year: the visit's own, else the year of its date or first report."""
    return events.select("visit_event_key", pl.coalesce("visit_year", EVENT_WHEN.dt.year()).alias("year"))


def themes_by_year(event_findings: pl.DataFrame, events: pl.DataFrame, authorities: pl.DataFrame) -> pl.DataFrame:
    """Per theme, year and polarity: the authorities whose visits that year praised or criticised it
    (names sorted), with how many reports said so. Undated events have a null year."""
    return (event_findings.join(event_years(events), on="visit_event_key", how="left")
            .join(authorities.select("la_key", "la_name"), on="la_key")
            .group_by("theme", "year", "polarity", "la_key", "la_name").agg(pl.col("article_count").sum().alias("reports"))
            .sort("la_name")
            .group_by("theme", "year", "polarity").agg(pl.col("la_key"), pl.col("la_name"), pl.col("reports"))
            .sort("theme", "year", "polarity", nulls_last=True))


def site_state(run_id: str | None, grades: pl.DataFrame, events: pl.DataFrame) -> dict:
    """What the next run's changes are measured against: each authority's grade and each event's articles."""
    return {
        "run_id": run_id,
        "grades": {k: g for k, g in grades.select("la_key", "grade").rows()},
        "event_articles": {k: sorted(a) for k, a in events.select("visit_event_key", "article_keys").rows()},
    }


def changes_since(baseline: dict | None, current: dict) -> dict:
    """New articles, events made only of them (new) or joined by them (updated), and grades that differ.
    ``baseline`` None (no earlier state) gives no changes and says so."""
    if baseline is None:
        return {"compared": False, "new_events": [], "updated_events": [], "grade_changes": [], "new_articles": 0}
    known = {a for arts in baseline["event_articles"].values() for a in arts}
    new_events, updated = [], []
    for key, arts in current["event_articles"].items():
        fresh = [a for a in arts if a not in known]
        if fresh and len(fresh) == len(arts):
            new_events.append(key)
        elif fresh:
            updated.append(key)
    before = baseline["grades"]
    grade_changes = [(la, before.get(la), grade) for la, grade in current["grades"].items() if la in before and before[la] != grade]
    new_articles = len({a for arts in current["event_articles"].values() for a in arts} - known)
    return {"compared": True, "new_events": sorted(new_events), "updated_events": sorted(updated),
            "grade_changes": sorted(grade_changes), "new_articles": new_articles}


def next_baseline(previous: dict | None, current_run: str | None) -> dict | None:
    """The state a site generation compares with: for a new run, the state the previous generation
    published; for a regeneration after the same run, the baseline that generation used, so the
    changes stay those of the latest run however often the site is made."""
    if previous is None:
        return None
    if previous.get("current", {}).get("run_id") == current_run:
        return previous.get("baseline")
    return previous.get("current")
