"""Visit events: the real-world visits that articles report, one row however many reports tell of it.

``fct_visit`` holds mentions: one row per (article, authority). Several articles (a press release,
the local paper, committee minutes) often tell of the same visit; this module groups mentions into
events and keys each event by its natural key, never by the first article that happened to be
loaded. It is a pure function of the whole set of mentions, so the ingest recomputes it over the
whole warehouse after every run: the same articles give the same events and keys in any order,
in one run or many, and an article removed takes its event with it when it was the only report.

The merge rule, applied per authority:

1. Mentions from dated articles (a publication date) are taken in order of that date, then
   article_key. Each joins the most recent event it is compatible with, else starts one.
   *Compatible*: the same visit type, unless one of the two left the type to the default (a
   defaulted type gives way to a stated one); no conflict on the visit date (years differ, or both
   months stated and different); no conflict on the ordinal (both stated and different) unless
   both state the same visit month (the reports count visits from different starts: "the first
   since the trust took over" and "the third monitoring visit"); for full inspections, no
   different judgement; and reported close together: within ``SAME_FACTS_DAYS`` of the event's
   first report when the mention shares a stated fact with the event (the same ordinal, the same
   visit month, or for a full inspection the same judgement), within ``CLOSE_REPORT_DAYS``
   otherwise. An event that shares more facts is preferred to one that merely is close.
2. Mentions from undated articles cannot be placed by their report. One that states an ordinal, a
   visit month or an inspection's judgement joins the compatible event sharing the most such
   facts (the most recent one on a tie); one dated only by its visit month may also join the one
   compatible event first reported within ``VISIT_TO_REPORT_DAYS`` after that month began (one
   report dates the visit, the other only its publication). Else it starts an event that later
   undated mentions stating the same facts join. One that states none of them stays an event of
   its own: nothing says which visit it tells of, and a visit counted twice is the lesser error
   than two visits counted as one.

Each event records how every report after its first joined it (``merge_basis``) and, for each
field its reports disagree on, who said what (``conflicts``; a defaulted visit type that gave way
is listed under ``defaulted``).

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
from bisect import bisect_left, bisect_right
from datetime import date, timedelta

import polars as pl

from transforms.keys import hash_key
from transforms.reconcile import register_row_of_inspection

# Bump when the merge rule or the keys change: the next run then rebuilds every event.
RULE_VERSION = "2"

# A consecutive monitoring visit comes three months or more after the last one, and the reports of
# one visit (letter, council release, local paper, trade press) appear within a few weeks of each
# other: 45 days keeps them together and keeps consecutive visits apart when nothing else tells
# them apart.
CLOSE_REPORT_DAYS = 45
# Reports that name the same ordinal or visit month (committee minutes, a follow-up piece) can come
# months later; the same ordinal returns only in the next cycle, a year or more on.
SAME_FACTS_DAYS = 270
# Ofsted publishes its letter about three weeks after a visit and a full report within about ten
# weeks; the press follows within days. A report first published more than 120 days after the
# month of a visit is taken to tell of another one.
VISIT_TO_REPORT_DAYS = 120

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
    # True when no cue named the visit type and it fell to the default (fct_visit.defaulted_fields).
    "type_defaulted": pl.Boolean,
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
    "merge_basis": pl.String,
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
    visit_type: str | None = None
    type_stated: bool = False
    members: list[dict] = field(default_factory=list)
    ordinal: int | None = None
    visit_year: int | None = None
    visit_month: int | None = None
    rating: str | None = None
    rating_year: int | None = None
    first_report: date | None = None
    # source_file (or article_key) of each member after the first -> how it joined.
    basis: dict[str, str] = field(default_factory=dict)

    def _same_type(self, m: dict) -> bool:
        return self.visit_type == m["visit_type"] or not (self.type_stated and not m["type_defaulted"])

    def _is_inspection(self, m: dict) -> bool:
        """Both are full inspections: only then is the stated judgement the visit's own, not the
        earlier one that every visit after it repeats."""
        return m["visit_type"] == "inspection" and self.visit_type == "inspection"

    def _same_month(self, m: dict) -> bool:
        """The same visit month; a month without a year on either side names a visit only of the same type
        (every visit of an authority falls in some September)."""
        if m["visit_month"] is None or m["visit_month"] != self.visit_month:
            return False
        if m["visit_year"] is not None and self.visit_year is not None:
            return m["visit_year"] == self.visit_year
        return m["visit_type"] == self.visit_type

    def accepts(self, m: dict) -> bool:
        """No conflict on the type, the visit date, the ordinal (unless the visit month agrees) or an inspection's judgement."""
        if not self._same_type(m):
            return False
        if m["visit_year"] is not None and self.visit_year is not None and m["visit_year"] != self.visit_year:
            return False
        if m["visit_month"] is not None and self.visit_month is not None and m["visit_month"] != self.visit_month:
            return False
        if m["visit_ordinal"] is not None and self.ordinal is not None and m["visit_ordinal"] != self.ordinal and not self._same_month(m):
            return False
        if self._is_inspection(m):
            if m["rating"] is not None and self.rating is not None and m["rating"] != self.rating:
                return False
            if m["rating_year"] is not None and self.rating_year is not None and m["rating_year"] != self.rating_year:
                return False
        return True

    def shared(self, m: dict) -> list[str]:
        """The naming facts the mention and the event both state alike: ordinal, visit month, an inspection's judgement."""
        out = []
        if m["visit_ordinal"] is not None and m["visit_ordinal"] == self.ordinal:
            out.append("ordinal")
        if self._same_month(m):
            out.append("visit_month")
        if self._is_inspection(m) and m["rating"] is not None and m["rating"] == self.rating:
            out.append("judgement")
        return out

    def reported_after_visit(self, m: dict) -> bool:
        """The mention dates only the visit, the event only its reports: first reported within VISIT_TO_REPORT_DAYS of that month."""
        if m["visit_year"] is None or m["visit_month"] is None or self.visit_month is not None or self.first_report is None:
            return False
        days = (self.first_report - date(m["visit_year"], m["visit_month"], 1)).days
        return 0 <= days <= VISIT_TO_REPORT_DAYS

    def add(self, m: dict, basis: str | None = None) -> None:
        if self.members:
            self.basis[m["source_file"] or m["article_key"]] = basis or "first"
        self.members.append(m)
        if self.visit_type is None or (not self.type_stated and not m["type_defaulted"]):
            self.visit_type, self.type_stated = m["visit_type"], not m["type_defaulted"]
        self.ordinal = self.ordinal if self.ordinal is not None else m["visit_ordinal"]
        self.visit_year = self.visit_year if self.visit_year is not None else m["visit_year"]
        self.visit_month = self.visit_month if self.visit_month is not None else m["visit_month"]
        if self.rating is None and m["rating"] is not None:
            self.rating, self.rating_year = m["rating"], m["rating_year"]
        if m["published_date"] is not None and (self.first_report is None or m["published_date"] < self.first_report):
            self.first_report = m["published_date"]


def _names_something(m: dict) -> bool:
    return m["visit_ordinal"] is not None or m["visit_month"] is not None or (m["visit_type"] == "inspection" and m["rating"] is not None)


def _basis(shared: list[str], fallback: str) -> str:
    return "shared " + " and ".join(shared) if shared else fallback


def group_mentions(mentions: list[dict]) -> list[_Event]:
    """The events of one authority: the merge rule of the module docstring."""
    if not mentions:
        return []
    la = mentions[0]["la_key"]
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
        best, best_rank, best_shared = None, None, []
        for ev in events[window_start:]:
            if not ev.accepts(m):
                continue
            shared = ev.shared(m)
            if (day - ev.first_report).days > (SAME_FACTS_DAYS if shared else CLOSE_REPORT_DAYS):
                continue
            rank = (len(shared), ev.first_report)
            if best_rank is None or rank > best_rank:
                best, best_rank, best_shared = ev, rank, shared
        if best is None:
            best = _Event(la)
            events.append(best)
        best.add(m, _basis(best_shared, f"reported within {CLOSE_REPORT_DAYS} days"))
    # Undated mentions can only join an event that states the same facts, or one first reported
    # soon after the visit month they state: index the events by those facts (an event's facts
    # never change once set, only fill in) and by first report (the dated ones, already in order).
    by_fact: dict[tuple, list[_Event]] = {}
    reported = [ev.first_report for ev in events]
    dated_events = list(events)

    def index(ev: _Event) -> None:
        for fact in (("ordinal", ev.ordinal), ("month", ev.visit_month), ("judgement", ev.rating if ev.visit_type == "inspection" else None)):
            if fact[1] is not None and ev not in by_fact.setdefault(fact, []):
                by_fact[fact].append(ev)

    for ev in events:
        index(ev)
    undated = sorted((m for m in mentions if m["published_date"] is None), key=lambda m: (not _names_something(m), m["article_key"]))
    for m in undated:
        best, best_basis = None, None
        if _names_something(m):
            best_rank, close = None, []
            candidates = by_fact.get(("ordinal", m["visit_ordinal"]), []) + by_fact.get(("month", m["visit_month"]), []) \
                + by_fact.get(("judgement", m["rating"]), [])
            if m["visit_year"] is not None and m["visit_month"] is not None:
                began = date(m["visit_year"], m["visit_month"], 1)
                lo = bisect_left(reported, began)
                hi = bisect_right(reported, began + timedelta(days=VISIT_TO_REPORT_DAYS))
                close = [ev for ev in dated_events[lo:hi] if ev.accepts(m) and ev.reported_after_visit(m)]
            for ev in candidates:
                shared = ev.shared(m)
                if not shared or not ev.accepts(m):
                    continue
                rank = (len(shared), ev.first_report or date.min)
                if best_rank is None or rank > best_rank:
                    best, best_rank, best_basis = ev, rank, _basis(shared, "")
            # Only close in time to the one event: two would leave it unsaid which one it tells of.
            if best is None and len(close) == 1:
                best, best_basis = close[0], f"visit month within {VISIT_TO_REPORT_DAYS} days before the first report"
        if best is None:
            best = _Event(la)
            events.append(best)
        best.add(m, best_basis)
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


def _conflicts(members: list[dict], visit_type: str) -> str | None:
    """``members`` in report order. Stated visit types that differ are a conflict; a defaulted type
    other than the event's is listed under "defaulted": it gave way, nobody stated it."""
    if len(members) == 1:
        return None
    out = {}
    for col in CONFLICT_FIELDS + ["visit_type"]:
        said: dict[str, list[str]] = {}
        for m in members:
            if m[col] is not None and not (col == "visit_type" and m["type_defaulted"]):
                said.setdefault(str(m[col]), []).append(m["source_file"] or m["article_key"])
        if len(said) > 1:
            out[col] = said
    gave_way: dict[str, list[str]] = {}
    for m in members:
        if m["type_defaulted"] and m["visit_type"] != visit_type:
            gave_way.setdefault(m["visit_type"], []).append(m["source_file"] or m["article_key"])
    if gave_way:
        out["defaulted"] = {"visit_type": gave_way}
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
    if "type_defaulted" not in mentions.columns:
        mentions = mentions.with_columns(pl.lit(False).alias("type_defaulted"))
    mentions = mentions.select([pl.col(c).cast(t) for c, t in MENTION_SCHEMA.items()]).with_columns(pl.col("type_defaulted").fill_null(False))
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
    groups: dict[str, list[dict]] = {}
    for m in mentions.iter_rows(named=True):
        groups.setdefault(m["la_key"], []).append(m)
    for la in sorted(groups):
        events = group_mentions(groups[la])
        keyed = []
        for ev in events:
            when, basis = _event_date(ev)
            if ev.visit_type == "inspection":
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
            vtype = ev.visit_type
            parts = natural
            if (vtype, natural) in seen:
                parts = (*natural, "also", ev.first_report.isoformat() if ev.first_report else "", min(m["article_key"] for m in ev.members))
            seen.add((vtype, natural))
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
                ("key_basis", parts[0]), ("conflicts", _conflicts(members, vtype)),
                ("merge_basis", json.dumps(ev.basis, sort_keys=True, ensure_ascii=False) if ev.basis else None),
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
