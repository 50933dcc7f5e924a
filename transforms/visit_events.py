"""Visit events: the real-world visits that articles report, one row however many reports tell of it.

``fct_visit`` holds mentions: one row per (article, authority). Several articles (a press release,
the local paper, committee minutes) often tell of the same visit; this module groups mentions into
events and keys each event by its natural key, never by the first article that happened to be
loaded. It is a pure function of the whole set of mentions, so the ingest recomputes it over the
whole warehouse after every run: the same articles give the same events and keys in any order,
in one run or many, and an article removed takes its event with it when it was the only report.

The merge rule, applied per (authority, visit type):

1. Mentions from dated articles (a publication date) are taken in order of that date, then
   article_key. Each joins the most recent event it is compatible with, else starts one.
   *Compatible*: no conflict on the ordinal (both stated and different) or on the visit date
   (years differ, or both months stated and different), and reported close together: within
   ``SAME_FACTS_DAYS`` of the event's first report when the mention shares a stated fact with
   the event (the same ordinal or the same visit month), within ``CLOSE_REPORT_DAYS`` otherwise.
   An event that shares a fact is preferred to one that merely is close.
2. Mentions from undated articles cannot be placed by their report. One that states an ordinal or
   a visit month joins the compatible event sharing the most such facts (the most recent one on a
   tie), else starts an event that later undated mentions stating the same facts join. One that
   states neither stays an event of its own: nothing says which visit it tells of, and a visit
   counted twice is the lesser error than two visits counted as one.

An event's key hashes (authority, visit type) and the strongest fact that names it: its ordinal
with the full inspection it follows ("the third monitoring visit since the 2022 judgement"), else
its visit month, else its first report date, else its only article. An article that arrives later
and repeats what is known leaves the key as it was, whatever its date; one that gives an event its
first ordinal or visit month, its first date (which says which inspection an ordinal counts from)
or an earlier first report for an event known only by its reports, gives it the natural key it
should have had.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from transforms.keys import hash_key
from transforms.reconcile import register_row_of_inspection

# Bump when the merge rule or the keys change: the next run then rebuilds every event.
RULE_VERSION = "1"

# A consecutive monitoring visit comes three months or more after the last one, and the reports of
# one visit (letter, council release, local paper, trade press) appear within a few weeks of each
# other: 45 days keeps them together and keeps consecutive visits apart when nothing else tells
# them apart.
CLOSE_REPORT_DAYS = 45
# Reports that name the same ordinal or visit month (committee minutes, a follow-up piece) can come
# months later; the same ordinal returns only in the next cycle, a year or more on.
SAME_FACTS_DAYS = 270

# Fields whose disagreement between reports is recorded in dim_visit_event.conflicts.
CONFLICT_FIELDS = ["rating", "rating_year", "rating_month", "visit_year", "visit_month", "visit_ordinal"]

MENTION_SCHEMA = {
    "visit_key": pl.String,
    "article_key": pl.String,
    "la_key": pl.String,
    "visit_type": pl.String,
    "visit_ordinal": pl.Int32,
    "rating": pl.String,
    "rating_year": pl.Int32,
    "rating_month": pl.Int32,
    "visit_year": pl.Int32,
    "visit_month": pl.Int32,
    "published_date": pl.Date,
    "publisher": pl.String,
    "source_file": pl.String,
}

EVENT_SCHEMA = {
    "visit_event_key": pl.String,
    "la_key": pl.String,
    "visit_type": pl.String,
    "visit_ordinal": pl.Int32,
    "visit_year": pl.Int32,
    "visit_month": pl.Int32,
    "event_date": pl.Date,
    "event_date_basis": pl.String,
    "rating": pl.String,
    "rating_year": pl.Int32,
    "rating_month": pl.Int32,
    "first_report_date": pl.Date,
    "last_report_date": pl.Date,
    "article_count": pl.Int32,
    "undated_article_count": pl.Int32,
    "publisher_count": pl.Int32,
    "article_keys": pl.List(pl.String),
    "source_files": pl.List(pl.String),
    "inspection_key": pl.String,
    "inspection_end_date": pl.Date,
    "months_since_inspection": pl.Int32,
    "key_basis": pl.String,
    "conflicts": pl.String,
}

EVENT_FINDING_SCHEMA = {
    "visit_event_finding_key": pl.String,
    "visit_event_key": pl.String,
    "la_key": pl.String,
    "theme": pl.String,
    "polarity": pl.String,
    "article_count": pl.Int32,
    "finding_count": pl.Int32,
    "article_keys": pl.List(pl.String),
    "source_files": pl.List(pl.String),
}


# Identity, not field equality: two events with the same facts are still two events.
@dataclass(eq=False)
class _Event:
    la_key: str
    visit_type: str
    members: list[dict] = field(default_factory=list)
    ordinal: int | None = None
    visit_year: int | None = None
    visit_month: int | None = None
    first_report: date | None = None

    def accepts(self, m: dict) -> bool:
        """No conflict on the ordinal or the visit date."""
        if m["visit_ordinal"] is not None and self.ordinal is not None and m["visit_ordinal"] != self.ordinal:
            return False
        if m["visit_year"] is not None and self.visit_year is not None and m["visit_year"] != self.visit_year:
            return False
        if m["visit_month"] is not None and self.visit_month is not None and m["visit_month"] != self.visit_month:
            return False
        return True

    def shared_facts(self, m: dict) -> int:
        """How many naming facts (ordinal, visit month) the mention and the event both state alike."""
        same_ordinal = m["visit_ordinal"] is not None and m["visit_ordinal"] == self.ordinal
        same_month = (
            m["visit_month"] is not None and m["visit_month"] == self.visit_month
            and (m["visit_year"] is None or self.visit_year is None or m["visit_year"] == self.visit_year)
        )
        return int(same_ordinal) + int(same_month)

    def add(self, m: dict) -> None:
        self.members.append(m)
        self.ordinal = self.ordinal if self.ordinal is not None else m["visit_ordinal"]
        self.visit_year = self.visit_year if self.visit_year is not None else m["visit_year"]
        self.visit_month = self.visit_month if self.visit_month is not None else m["visit_month"]
        if m["published_date"] is not None and (self.first_report is None or m["published_date"] < self.first_report):
            self.first_report = m["published_date"]


def _names_something(m: dict) -> bool:
    return m["visit_ordinal"] is not None or m["visit_month"] is not None


def group_mentions(mentions: list[dict]) -> list[_Event]:
    """The events of one (authority, visit type): the merge rule of the module docstring."""
    if not mentions:
        return []
    la, vtype = mentions[0]["la_key"], mentions[0]["visit_type"]
    events: list[_Event] = []
    # Dated mentions come in date order, so events are created in order of their first report and
    # the candidates for a mention are the events first reported in the last SAME_FACTS_DAYS: a
    # window that moves forward, not a scan of every event (150,000 mentions: 49 s -> 1 s).
    window_start = 0
    dated = sorted((m for m in mentions if m["published_date"] is not None), key=lambda m: (m["published_date"], m["article_key"]))
    for m in dated:
        day = m["published_date"]
        while window_start < len(events) and (day - events[window_start].first_report).days > SAME_FACTS_DAYS:
            window_start += 1
        best, best_rank = None, None
        for ev in events[window_start:]:
            if not ev.accepts(m):
                continue
            shared = ev.shared_facts(m)
            if (day - ev.first_report).days > (SAME_FACTS_DAYS if shared else CLOSE_REPORT_DAYS):
                continue
            rank = (shared, ev.first_report)
            if best_rank is None or rank > best_rank:
                best, best_rank = ev, rank
        if best is None:
            best = _Event(la, vtype)
            events.append(best)
        best.add(m)
    # Undated mentions can only join an event that states the same ordinal or visit month: index
    # the events by those facts (an event's facts never change once set, only fill in).
    by_ordinal: dict[int, list[_Event]] = {}
    by_month: dict[int, list[_Event]] = {}

    def index(ev: _Event) -> None:
        if ev.ordinal is not None and ev not in by_ordinal.setdefault(ev.ordinal, []):
            by_ordinal[ev.ordinal].append(ev)
        if ev.visit_month is not None and ev not in by_month.setdefault(ev.visit_month, []):
            by_month[ev.visit_month].append(ev)

    for ev in events:
        index(ev)
    undated = sorted((m for m in mentions if m["published_date"] is None), key=lambda m: (not _names_something(m), m["article_key"]))
    for m in undated:
        best = None
        if _names_something(m):
            best_rank = None
            candidates = by_ordinal.get(m["visit_ordinal"], []) + by_month.get(m["visit_month"], [])
            for ev in candidates:
                shared = ev.shared_facts(m)
                if not shared or not ev.accepts(m):
                    continue
                rank = (shared, ev.first_report or date.min)
                if best_rank is None or rank > best_rank:
                    best, best_rank = ev, rank
        if best is None:
            best = _Event(la, vtype)
            events.append(best)
        best.add(m)
        index(best)
    return events


def _chosen(members: list[dict], col: str):
    """The value most reports state; ties go to the earliest report (undated last), then article_key.
    ``members`` come in that order already."""
    if len(members) == 1:
        return members[0][col]
    counts: dict = {}
    for m in members:
        v = m[col]
        if v is not None:
            counts.setdefault(v, 0)
            counts[v] += 1
    if not counts:
        return None
    top = max(counts.values())
    return next(v for v, n in counts.items() if n == top)


def _report_order(m: dict):
    return (m["published_date"] is None, m["published_date"] or date.min, m["article_key"])


def _conflicts(members: list[dict]) -> str | None:
    """``members`` in report order."""
    if len(members) == 1:
        return None
    out = {}
    for col in CONFLICT_FIELDS:
        said: dict[str, list[str]] = {}
        for m in members:
            if m[col] is not None:
                said.setdefault(str(m[col]), []).append(m["source_file"] or m["article_key"])
        if len(said) > 1:
            out[col] = said
    return json.dumps(out, sort_keys=True, ensure_ascii=False) if out else None


def _inspection_before(inspections: dict[str, list[tuple[date, str]]], la_key: str, when: date | None):
    """The latest full inspection of the authority that ended before ``when``."""
    if when is None:
        return None, None
    found = None
    for ended, key in inspections.get(la_key, []):
        if ended < when:
            found = (ended, key)
        else:
            break
    return found if found else (None, None)


def _event_date(ev: _Event) -> tuple[date | None, str | None]:
    if ev.visit_year is not None and ev.visit_month is not None:
        return date(ev.visit_year, ev.visit_month, 1), "visit_month"
    if ev.first_report is not None:
        return ev.first_report, "first_report"
    if ev.visit_year is not None:
        return date(ev.visit_year, 1, 1), "visit_year"
    return None, None


def build_visit_events(mentions: pl.DataFrame, inspections: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(dim_visit_event, the visit_key -> visit_event_key map) from every mention in the warehouse.

    ``mentions``: fct_visit rows with their article's published_date, publisher and source_file
    (MENTION_SCHEMA); ``inspections``: fct_inspection (la_key, inspection_key, inspection_end_date,
    publication_date).
    """
    mentions = mentions.select([pl.col(c).cast(t) for c, t in MENTION_SCHEMA.items()])
    register: dict[str, list[tuple[date, str]]] = {}
    ins = inspections.select(
        "la_key", "inspection_key", pl.coalesce("inspection_end_date", "publication_date").alias("ended")
    ).drop_nulls().sort("la_key", "ended", "inspection_key")
    for la, ended, key in ins.select("la_key", "ended", "inspection_key").iter_rows():
        register.setdefault(la, []).append((ended, key))
    # Each register row's dates, to tie a reported inspection to the row of that very inspection.
    spans: dict[str, list[tuple]] = {}
    start = pl.col("inspection_start_date") if "inspection_start_date" in inspections.columns else pl.lit(None, dtype=pl.Date)
    for la, begun, ended, published, key in inspections.select("la_key", start, "inspection_end_date", "publication_date", "inspection_key").iter_rows():
        spans.setdefault(la, []).append((begun, ended, published, key))

    columns: dict[str, list] = {c: [] for c in EVENT_SCHEMA if c not in ("article_keys", "source_files")}
    links: dict[str, list] = {"visit_key": [], "visit_event_key": [], "member_no": []}
    groups: dict[tuple[str, str], list[dict]] = {}
    for m in mentions.iter_rows(named=True):
        groups.setdefault((m["la_key"], m["visit_type"]), []).append(m)
    for (la, vtype) in sorted(groups):
        events = group_mentions(groups[(la, vtype)])
        keyed = []
        for ev in events:
            when, basis = _event_date(ev)
            if vtype == "inspection":
                # A full inspection's event points to its own register row; one newer than the register has none.
                ordered = sorted(ev.members, key=_report_order)
                year = ev.visit_year if ev.visit_year is not None else _chosen(ordered, "rating_year")
                month = ev.visit_month if ev.visit_year is not None else (_chosen(ordered, "rating_month") if year is not None else None)
                ins_end, ins_key = register_row_of_inspection(spans.get(la, []), year, month, ev.first_report)
            else:
                ins_end, ins_key = _inspection_before(register, la, when)
            if ev.ordinal is not None:
                natural = ("ordinal", ev.ordinal, ins_key)
            elif ev.visit_year is not None and ev.visit_month is not None:
                natural = ("visit_month", f"{ev.visit_year:04d}-{ev.visit_month:02d}")
            elif ev.first_report is not None:
                natural = ("first_report", ev.first_report.isoformat())
            else:
                natural = ("article", min(m["article_key"] for m in ev.members))
            keyed.append((ev, when, basis, ins_end, ins_key, natural))
        # Two events with one natural key (the same ordinal reported far apart, say): the earlier
        # keeps it, the later add their first report and first article.
        seen: set = set()
        for ev, when, basis, ins_end, ins_key, natural in sorted(
            keyed, key=lambda k: (k[0].first_report is None, k[0].first_report or date.min, min(m["article_key"] for m in k[0].members))
        ):
            parts = natural
            if natural in seen:
                parts = (*natural, "also", ev.first_report.isoformat() if ev.first_report else "", min(m["article_key"] for m in ev.members))
            seen.add(natural)
            event_key = hash_key("visit_event", la, vtype, *parts)
            members = sorted(ev.members, key=_report_order)
            dates = [m["published_date"] for m in members if m["published_date"] is not None]
            months = None
            if when is not None and ins_end is not None and vtype != "inspection":
                months = (when.year * 12 + when.month) - (ins_end.year * 12 + ins_end.month)
            for col, value in (
                ("visit_event_key", event_key), ("la_key", la), ("visit_type", vtype), ("visit_ordinal", ev.ordinal),
                ("visit_year", ev.visit_year), ("visit_month", ev.visit_month), ("event_date", when), ("event_date_basis", basis),
                ("rating", _chosen(members, "rating")), ("rating_year", _chosen(members, "rating_year")),
                ("rating_month", _chosen(members, "rating_month")),
                ("first_report_date", min(dates) if dates else None), ("last_report_date", max(dates) if dates else None),
                ("article_count", len({m["article_key"] for m in members})),
                ("undated_article_count", len({m["article_key"] for m in members if m["published_date"] is None})),
                ("publisher_count", len({m["publisher"] for m in members if m["publisher"]})),
                ("inspection_key", ins_key), ("inspection_end_date", ins_end), ("months_since_inspection", months),
                ("key_basis", parts[0]), ("conflicts", _conflicts(members)),
            ):
                columns[col].append(value)
            for no, m in enumerate(members):
                links["visit_key"].append(m["visit_key"])
                links["visit_event_key"].append(event_key)
                links["member_no"].append(no)
    link = pl.DataFrame(links, schema={"visit_key": pl.String, "visit_event_key": pl.String, "member_no": pl.Int32})
    # The lists of articles are built by polars from the links: a Python list per row is slow to convert.
    lists = (
        link.join(mentions.select("visit_key", "article_key", pl.coalesce("source_file", "article_key").alias("source_file")), on="visit_key")
        .sort("visit_event_key", "member_no")
        .group_by("visit_event_key", maintain_order=True)
        .agg("article_key", "source_file")
        .rename({"article_key": "article_keys", "source_file": "source_files"})
    )
    scalars = {c: t for c, t in EVENT_SCHEMA.items() if c not in ("article_keys", "source_files")}
    events = (
        pl.DataFrame(columns, schema=scalars)
        .join(lists, on="visit_event_key", how="left")
        .select(list(EVENT_SCHEMA))
        .cast(EVENT_SCHEMA)
        .sort("la_key", "event_date", "visit_event_key", nulls_last=True)
    )
    return events, link.drop("member_no").sort("visit_key")


def event_findings(findings: pl.DataFrame, mentions: pl.DataFrame, link: pl.DataFrame) -> pl.DataFrame:
    """One row per (event, theme, polarity): the inspection findings of every article of the event
    about its authority, with how many articles and which ones.

    ``findings``: fct_finding (article_key, la_key, theme, polarity, is_inspection_finding);
    ``mentions``: visit_key, article_key, la_key, source_file.
    """
    per_article = mentions.select("visit_key", "article_key", "la_key", "source_file").join(link, on="visit_key", how="inner")
    counted = findings.filter(pl.col("is_inspection_finding") & pl.col("la_key").is_not_null()).select("article_key", "la_key", "theme", "polarity")
    joined = counted.join(per_article, on=["article_key", "la_key"], how="inner")
    out = (
        joined.sort("source_file", "article_key")
        .group_by("visit_event_key", "la_key", "theme", "polarity")
        .agg(
            pl.col("article_key").n_unique().cast(pl.Int32).alias("article_count"),
            pl.len().cast(pl.Int32).alias("finding_count"),
            pl.col("article_key").unique(maintain_order=True).alias("article_keys"),
            pl.coalesce("source_file", "article_key").unique(maintain_order=True).alias("source_files"),
        )
    )
    keys = [hash_key("visit_event_finding", e, t, p) for e, t, p in out.select("visit_event_key", "theme", "polarity").iter_rows()]
    out = out.with_columns(pl.Series("visit_event_finding_key", keys, dtype=pl.String))
    return out.select(list(EVENT_FINDING_SCHEMA)).cast(EVENT_FINDING_SCHEMA).sort("visit_event_key", "theme", "polarity")
