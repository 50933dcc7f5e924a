"""The briefing site's pages, rendered from the warehouse's frames: pure (frames in, file contents out).

index.html (England: the map of grades, visits since, what the latest run changed), themes.html (each
theme's praise and criticism by year) and la/<slug>.html (one authority's inspections and visits,
each visit's findings with their sentences, quotes, conflicting reports and sources). Every page
links one stylesheet in assets/ and nothing outside the site; no page has a script.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date, datetime

import polars as pl

from transforms.briefing import GRADES, changes_since, grade_code, latest_grades, next_baseline, site_state, themes_by_year
from warehouse.html_text import e, escaped, link, web_address
from warehouse.site_charts import (GRADE_COLOURS, VISIT_LABELS, figure, grade_bars, grade_label, hex_map, legend,
                                   praise_criticism_bars, table, table_of, timeline)

# An event's findings show this many sentences per theme and polarity; the rest are counted.
EVIDENCE_PER_FINDING = 5
QUOTES_PER_EVENT = 12
QUOTE_MARKS = "\"'“”‘’ ,"
JUDGEMENT_AREAS = [("help_and_protection", "Help and protection"), ("children_in_care", "Children in care"),
                   ("care_leavers", "Care leavers"), ("leadership", "Leadership")]
ATTRIBUTION = (
    "Hex layout: Open Innovations (ODI Leeds) <i>hexmaps</i>, MIT licence, brought to the 2025 authorities. "
    "Authorities: Department for Education and ONS (OGL v3.0); alternative names: mySociety, CC BY 4.0. "
    "Register of full inspections: data-to-insight <i>ofsted-ilacs-scrape-tool</i> (MIT); grades from Ofsted reports, "
    "Crown copyright, OGL v3.0. Findings, quotes and visits are read by Ofsted Watch from the articles listed, "
    "each one linked to its sources."
)

CSS = """
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1f3a5f;color:#fff;padding:14px 28px}header a{color:#fff;margin-right:18px;font-weight:600}header .brand{font-size:19px}
main{padding:16px 28px;max-width:1200px}section{background:#fff;border:1px solid #dde1e7;border-radius:6px;margin:0 0 16px;padding:12px 18px}
h1{font-size:24px;margin:4px 0 8px}h2{font-size:18px;margin:0 0 8px}h3{font-size:16px;margin:10px 0 6px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceff3;vertical-align:top}
th{background:#f0f2f5;font-weight:600}caption{text-align:left;font-weight:600;padding:4px 0}
.badge{display:inline-block;padding:1px 10px;border-radius:12px;font-weight:700;color:#111;border:1px solid #0002}
.muted,.alt{color:#5b6472}.alt{font-size:12px;margin:2px 0}figure{margin:8px 0}figcaption{font-weight:600}
.legend{list-style:none;padding:0;margin:6px 0;display:flex;gap:14px;flex-wrap:wrap}.swatch{display:inline-block;width:14px;height:14px;border-radius:3px;margin-right:5px;vertical-align:-2px;border:1px solid #0003}
.hexmap polygon{stroke:#fff;stroke-width:1}.hexmap polygon.news{stroke:#111;stroke-width:2}.hexmap a:hover polygon,.hexmap a:focus polygon{stroke:#000;stroke-width:2.5}
.hexn{font-size:10px;text-anchor:middle;fill:#111;pointer-events:none}.lbl{font-size:12px;fill:#333}.tick{stroke:#d0d4da}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{flex:1;min-width:140px;border:1px solid #dde1e7;border-radius:6px;padding:8px 12px;background:#fafbfc}.card b{display:block;font-size:21px}
.event{border-left:4px solid #1f3a5f;padding-left:12px;margin:14px 0}.pos{color:#2b8a3e;font-weight:600}.neg{color:#c92a2a;font-weight:600}
blockquote{margin:4px 0 4px 10px;padding-left:10px;border-left:3px solid #ccd}ol.sources li,ul.ev li{margin:2px 0}.conflict td{background:#fff8e6}
svg{max-width:100%;height:auto}details{margin:4px 0}summary{cursor:pointer;color:#1f3a5f}
"""


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "authority"


def page_names(grades: pl.DataFrame) -> dict[str, str]:
    """la_key -> la/<slug>.html, unique even when two names fold to one slug."""
    names, used = {}, set()
    for key, name in grades.select("la_key", "la_name").rows():
        s = slug(name)
        if s in used:
            s = f"{s}-{key}"
        used.add(s)
        names[key] = f"la/{s}.html"
    return names


def fmt_date(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def badge(grade) -> str:
    return f'<span class="badge" style="background:{GRADE_COLOURS.get(grade, GRADE_COLOURS[None])}">{e(grade_label(grade))}</span>'


def wrap(title: str, body: str, depth: int, generated: str) -> str:
    up = "../" * depth
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{e(title)} — Ofsted Watch</title><link rel="stylesheet" href="{up}assets/site.css"></head><body>'
        f'<header><a class="brand" href="{up}index.html">Ofsted Watch</a><a href="{up}index.html">England</a>'
        f'<a href="{up}themes.html">Themes</a></header><main>{body}'
        f'<p class="muted">Generated {e(generated)} from the warehouse. {ATTRIBUTION}</p></main></body></html>'
    )


def event_title(ev: dict) -> str:
    kind = VISIT_LABELS.get(ev["visit_type"], ev["visit_type"])
    if ev["visit_ordinal"]:
        kind = f"{kind} no. {ev['visit_ordinal']}"
    return f"{kind}, {event_when(ev)}"


def event_when(ev: dict) -> str:
    if ev["event_date"] is not None:
        basis = f" ({ev['event_date_basis'].replace('_', ' ')})" if ev.get("event_date_basis") else ""
        return f"{fmt_date(ev['event_date'])}{basis}"
    if ev["visit_year"]:
        return f"{ev['visit_year']}" + (f"-{ev['visit_month']:02d}" if ev["visit_month"] else "")
    if ev["first_report_date"] is not None:
        return f"first reported {fmt_date(ev['first_report_date'])}"
    return "undated"


class Site:
    """The frames, indexed once for the pages that read them."""

    def __init__(self, frames: dict[str, pl.DataFrame], layout: str, hexes: pl.DataFrame, generated: str):
        self.frames, self.layout, self.hexes, self.generated = frames, layout, hexes, generated
        self.grades = latest_grades(frames["authorities"], frames["inspections"], frames["events"])
        self.pages = page_names(self.grades)
        self.la = {r["la_key"]: r for r in self.grades.iter_rows(named=True)}
        self.articles = {r["article_key"]: r for r in frames["articles"].iter_rows(named=True)}
        self.themes = dict(frames["themes"].select("theme", "label").rows())
        events = (frames["events"].with_columns(grade_code("rating").alias("rating_grade"))
                  .sort(pl.coalesce("event_date", "first_report_date"), "visit_event_key", descending=True, nulls_last=True))
        self.events = {r["visit_event_key"]: r for r in events.iter_rows(named=True)}
        self.events_by_la = _group(events, "la_key")
        inspections = frames["inspections"].with_columns(grade_code("overall_effectiveness").alias("overall_grade"),
                                                         *[grade_code(a).alias(a) for a, _ in JUDGEMENT_AREAS])
        self.inspections_by_la = _group(inspections.sort("inspection_start_date", nulls_last=True), "la_key")
        numbers = source_numbers(frames["events"], frames["articles"])
        self.number = {(k, a): n for k, a, n in numbers.rows()}
        self.sources = {k: a for k, a in numbers.group_by("visit_event_key").agg(pl.col("article_key").sort_by("n")).rows()}
        evidence = evidence_lists(frames["finding_evidence"], numbers)
        self.findings = dict(finding_rows(frames["event_findings"], evidence, frames["themes"]).rows())
        self.quotes = {k: (html, total) for k, html, total in quote_lists(frames["quotes"], numbers).rows()}
        self.judgements = _group(frames["judgements"].with_columns(grade_code("grade")).sort("area", "article_key"), "visit_event_key")
        self.previous = _group(frames["previous_ratings"].with_columns(grade_code("previous_rating").alias("previous_grade")),
                               "visit_event_key")
        runs = frames["runs"]
        self.run = runs.row(-1, named=True) if runs.height else None

    def state(self) -> dict:
        return site_state(self.run["run_id"] if self.run else None, self.grades, self.frames["events"])

    # ---- England -------------------------------------------------------------------------------
    def national(self, changes: dict, baseline_run: str | None) -> str:
        g = self.grades.filter(pl.col("is_current"))
        counts = [(grade, g.filter(pl.col("grade") == grade).height) for grade in GRADES] + [(None, g.filter(pl.col("grade").is_null()).height)]
        visited = self.grades.filter(pl.col("events") > 0).height
        from_news = g.filter(pl.col("grade_source") == "news").height
        cards = "".join(f'<div class="card"><span class="muted">{e(k)}</span><b>{e(v)}</b></div>' for k, v in [
            ("authorities", g.height), ("visited in the news", visited), ("visit events", len(self.events)),
            ("articles", len(self.articles)), ("grades newer than the register", from_news)])
        alt = (f"Hex map of England's {g.height} children's-services authorities coloured by latest grade: "
               + ", ".join(f"{n} {grade_label(k).lower()}" for k, n in counts)
               + ". The number on a hex is the visits reported since that grade.")
        rows = [[f'<a href="{e(self.pages[r["la_key"]])}">{e(r["la_name"])}</a>', e(r["region_name"]), badge(r["grade"]),
                 e(r["grade_source"] or ""), e(fmt_date(r["grade_date"])), e(r["visits_since"]), e(r["monitoring_visits_since"])]
                for r in g.iter_rows(named=True)]
        data = table(rows, ["Authority", "Region", "Latest grade", "From", "Dated", "Visits since", "Monitoring visits since"])
        the_map = figure(hex_map(self.layout, self.hexes, g, self.pages, alt, radius=18.0) + legend(), alt, data,
                         "Latest grade of every authority (outlined: a grade from the news, not yet in the register)")
        bars = figure(grade_bars(counts, "Authorities by latest grade"), "Bar chart: " + alt.split(": ", 1)[1].split(".")[0] + ".",
                      table([[e(grade_label(k)), e(n)] for k, n in counts], ["Grade", "Authorities"]), "Authorities by latest grade")
        former = self.grades.filter(~pl.col("is_current"))
        former_html = ('<p>Former authorities the news reports visits to (not on the map): ' + ", ".join(
            f'<a href="{e(self.pages[k])}">{e(n)}</a>' for k, n in former.select("la_key", "la_name").rows()) + "</p>") if former.height else ""
        body = (f'<h1>England at a glance</h1><section><div class="cards">{cards}</div></section>'
                f'<section><h2>Latest grades</h2>{the_map}{former_html}</section>'
                f'<section id="changes"><h2>What changed since the last run</h2>{self.changes_html(changes, baseline_run)}</section>'
                f'<section><h2>Grades</h2>{bars}</section>')
        return wrap("England at a glance", body, 0, self.generated)

    def changes_html(self, changes: dict, baseline_run: str | None) -> str:
        run = self.run
        latest = f"The latest ingest run ({e(run['run_id'])}, finished {e(fmt_date(run['finished_at']))} UTC)" if run else "No ingest run is recorded"
        if not changes["compared"]:
            return f'<p class="muted">{latest}. No earlier build of the site to compare with: changes show from the next run on.</p>'
        said = (f"{latest}, compared with the run the site was last built for ({e(baseline_run or 'none recorded')}): an event is new "
                "when all its articles are new, updated when new articles joined it; a grade changed when the authority's latest grade differs.")

        def event_items(keys):
            items = []
            for k in keys:
                ev = self.events.get(k)
                if ev is None:
                    continue
                la = self.la.get(ev["la_key"])
                name = la["la_name"] if la else ev["la_key"]
                href = f'{self.pages.get(ev["la_key"], "")}#ev-{k}'
                items.append(f'<li><a href="{e(href)}">{e(name)}</a>: {e(event_title(ev))}, {e(ev["article_count"])} report(s)</li>')
            return "<ul>" + "".join(items) + "</ul>" if items else '<p class="muted">None.</p>'

        grade_rows = [[f'<a href="{e(self.pages[la])}">{e(self.la[la]["la_name"])}</a>', badge(before), badge(after)]
                      for la, before, after in changes["grade_changes"] if la in self.la]
        return (f'<p class="muted">{said}</p><p>{e(changes["new_articles"])} new article(s).</p>'
                f'<h3>New events ({len(changes["new_events"])})</h3>{event_items(changes["new_events"])}'
                f'<h3>Events with new reports ({len(changes["updated_events"])})</h3>{event_items(changes["updated_events"])}'
                f'<h3>Grade changes ({len(grade_rows)})</h3>'
                + (table(grade_rows, ["Authority", "Before", "Now"]) if grade_rows else '<p class="muted">None.</p>'))

    # ---- one authority -------------------------------------------------------------------------
    def authority(self, la_key: str) -> str:
        la = self.la[la_key]
        events = self.events_by_la.get(la_key, [])
        inspections = self.inspections_by_la.get(la_key, [])
        head = (f'<h1>{e(la["la_name"])}</h1><section><p>{e(la["region_name"] or "")} · {e(la["la_type"] or "")}</p>'
                f'<p>Latest grade {badge(la["grade"])} {e(self._grade_note(la))} · '
                f'{e(la["visits_since"])} visit(s) reported since · {e(len(events))} event(s) in the news</p></section>')
        entries = [{"when": i["inspection_end_date"] or i["publication_date"], "kind": "inspection",
                    "grade": i["overall_grade"],
                    "label": f"Full inspection ({i['framework'] or 'framework unknown'}): {grade_label(i['overall_grade'])}",
                    "href": "#inspections"} for i in inspections]
        entries += [{"when": ev["event_date"] or ev["first_report_date"], "kind": "visit", "grade": ev["rating_grade"],
                     "label": event_title(ev) + (f"; rated {grade_label(ev['rating_grade'])}" if ev["rating"] else ""),
                     "href": f"#ev-{ev['visit_event_key']}"} for ev in events]
        entries.sort(key=lambda x: (x["when"] is None, x["when"] or date.min))
        alt = (f"Timeline of {la['la_name']}: {len(inspections)} full inspection(s) in the register and {len(events)} visit event(s) "
               f"in the news; {sum(1 for x in entries if x['when'] is None)} undated event(s) are listed in the table only.")
        rows = [[e(fmt_date(x["when"]) or "undated"), e("Full inspection" if x["kind"] == "inspection" else "Visit or reported inspection"),
                 f'<a href="{e(x["href"])}">{e(x["label"])}</a>', badge(x["grade"]) if x["grade"] else ""] for x in entries]
        chart = timeline(entries, alt)
        story = figure(chart, alt, table(rows, ["Date", "Kind", "What", "Grade"]), "Inspections and visits over time") if entries else \
            '<p class="muted">No inspection in the register and no visit in the news.</p>'
        body = head + f'<section><h2>Timeline</h2>{story}</section>'
        body += f'<section id="inspections"><h2>Full inspections (register)</h2>{self._inspections(inspections)}</section>'
        body += '<section id="events"><h2>Visits and inspections in the news</h2>' + (
            "".join(self._event(ev) for ev in events) or '<p class="muted">No article in the warehouse reports a visit here.</p>') + "</section>"
        return wrap(la["la_name"], body, 1, self.generated)

    def _grade_note(self, la: dict) -> str:
        if la["grade_source"] == "news":
            return f"from the news, dated {fmt_date(la['grade_date'])}: newer than the register's latest ({grade_label(la['register_grade'])}, {fmt_date(la['register_date'])})"
        if la["grade_source"] == "register":
            return f"register, inspection ended {fmt_date(la['grade_date'])}"
        return "no graded inspection in the register"

    def _inspections(self, inspections: list[dict]) -> str:
        if not inspections:
            return '<p class="muted">None in the register.</p>'
        rows = [[e(f"{fmt_date(i['inspection_start_date'])} – {fmt_date(i['inspection_end_date'])}"), e(fmt_date(i["publication_date"])),
                 e(i["framework"] or ""), badge(i["overall_grade"])]
                + [badge(i[a]) if i[a] else "" for a, _ in JUDGEMENT_AREAS]
                + [link(i["report_url"], "report") if web_address(i["report_url"]) else ""] for i in inspections]
        return table(rows, ["Inspected", "Published", "Framework", "Overall", *[label for _, label in JUDGEMENT_AREAS], "Report"])

    def _event(self, ev: dict) -> str:
        key = ev["visit_event_key"]
        sources = self.sources.get(key, [])

        def cite(article_key: str) -> str:
            n = self.number.get((key, article_key))
            return f'<a href="#src-{e(key)}-{n}">[{n}]</a>' if n else ""

        facts = [f"{e(ev['article_count'])} report(s) from {e(ev['publisher_count'])} publisher(s), "
                 f"first {e(fmt_date(ev['first_report_date']) or 'undated')}, last {e(fmt_date(ev['last_report_date']) or 'undated')}"]
        if ev["rating"]:
            when = f" ({ev['rating_year']}" + (f"-{ev['rating_month']:02d}" if ev["rating_month"] else "") + ")" if ev["rating_year"] else ""
            facts.append(f"grade stated: {badge(ev['rating_grade'])}{e(when)}")
        for p in self.previous.get(key, []):
            facts.append(f"replacing {badge(p['previous_grade'])} {e(p['previous_rating_year'] or '')} {cite(p['article_key'])}")
        if ev["months_since_inspection"] is not None:
            facts.append(f"{e(ev['months_since_inspection'])} month(s) after the full inspection it follows")
        out = [f'<div class="event" id="ev-{e(key)}"><h3>{e(event_title(ev))}</h3><p>{" · ".join(facts)}</p>']
        judgements = self.judgements.get(key, [])
        if judgements:
            out.append("<h4>Judgements</h4>" + table(
                [[e(j["area"].replace("_", " ")), badge(j["grade"]), e(j["evidence_text"] or ""), cite(j["article_key"])] for j in judgements],
                ["Area", "Grade", "Evidence", "Source"]))
        out.append(self._findings(key))
        quotes, said = self.quotes.get(key, ("", 0))
        if said:
            more = f'<p class="muted">{said - QUOTES_PER_EVENT} more quote(s) in the sources.</p>' if said > QUOTES_PER_EVENT else ""
            out.append(f"<h4>People quoted</h4>{quotes}{more}")
        out.append(self._conflicts(ev))
        out.append("<h4>Sources</h4><ol class=\"sources\">" + "".join(
            f'<li id="src-{e(key)}-{i + 1}">{self._source(self.articles[a])}</li>' for i, a in enumerate(sources)) + "</ol></div>")
        return "".join(out)

    def _source(self, a: dict) -> str:
        title = a["title"] or a["source_file"]
        address = web_address(a["url"]) or web_address(a["canonical_url"])
        where = link(address, title) if address else f"{e(title)} <span class=\"muted\">(file {e(a['source_file'])})</span>"
        return f"{where}{' — ' + e(a['publisher']) if a['publisher'] else ''}{', ' + e(fmt_date(a['published_date'])) if a['published_date'] else ''}"

    def _findings(self, key: str) -> str:
        rows = self.findings.get(key)
        if rows is None:
            return '<p class="muted">No finding by the inspectors is reported for this event.</p>'
        return "<h4>Findings</h4>" + table_of(rows, ["Theme", "Verdict", "Reports", "Evidence"])

    def _conflicts(self, ev: dict) -> str:
        if not ev["conflicts"]:
            return ""
        try:
            fields = json.loads(ev["conflicts"])
        except ValueError:
            return f'<h4>Reports disagree</h4><p>{e(ev["conflicts"])}</p>'
        rows = [[e(field.replace("_", " ")), e(value), e(", ".join(files))] for field, said in sorted(fields.items()) for value, files in said.items()]
        return ('<h4>Reports disagree</h4><p class="muted">The event keeps the value most reports give (on a tie, the earliest '
                "report's); every version is shown.</p>" + table(rows, ["Field", "Value", "Said by"], cls="data conflict"))

    # ---- themes --------------------------------------------------------------------------------
    def themes_page(self) -> str:
        by_year = themes_by_year(self.frames["event_findings"], self.frames["events"], self.frames["authorities"])
        sections = []
        for theme, label in self.themes.items():
            rows = by_year.filter(pl.col("theme") == theme)
            years = sorted(set(rows["year"].to_list()), key=lambda y: (y is None, y or 0))
            cells, counts = [], []
            for year in years:
                cell = {}
                for polarity in ("positive", "negative"):
                    r = rows.filter((pl.col("year").is_null() if year is None else pl.col("year") == year) & (pl.col("polarity") == polarity))
                    names = list(zip(*[r[c].explode().to_list() for c in ("la_key", "la_name", "reports")])) if r.height else []
                    cell[polarity] = names
                counts.append((year, len(cell["positive"]), len(cell["negative"])))
                cells.append([e("undated" if year is None else year)] + [", ".join(
                    f'<a href="{e(self.pages.get(k, ""))}">{e(n)}</a> ({e(c)})' for k, n, c in cell[p]) for p in ("positive", "negative")])
            if not years:
                sections.append(f'<section id="{e(theme)}"><h2>{e(label)}</h2><p class="muted">No visit reports this theme.</p></section>')
                continue
            alt = (f"{label}: authorities praised and criticised per year — "
                   + "; ".join(f"{'undated' if y is None else y}: {p} praised, {c} criticised" for y, p, c in counts) + ".")
            chart = praise_criticism_bars(counts, alt)
            sections.append(f'<section id="{e(theme)}"><h2>{e(label)}</h2>' + figure(
                chart, alt, table(cells, ["Year", "Praised (reports)", "Criticised (reports)"]), f"{label}: praise and criticism by year")
                + "</section>")
        body = ('<h1>Themes</h1><p>What inspectors praised (green, up) and criticised (red, down) on the visits reported in the news, '
                "by the year of the visit; each authority links to its page and its evidence.</p>" + "".join(sections))
        return wrap("Themes", body, 0, self.generated)


def source_numbers(events: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Each event's articles numbered 1, 2, ... in date order (undated last), as its Sources list shows them."""
    return (events.select("visit_event_key", pl.col("article_keys").alias("article_key")).explode("article_key")
            .join(articles.select("article_key", "published_date", "source_file"), on="article_key")
            .sort("visit_event_key", "published_date", "source_file", "article_key", nulls_last=True)
            .with_columns((pl.int_range(pl.len()).over("visit_event_key") + 1).alias("n"))
            .select("visit_event_key", "article_key", "n"))


def _cite() -> pl.Expr:
    link_to = pl.format('<a href="#src-{}-{}">[{}]</a>', escaped("visit_event_key"), "n", "n")
    return pl.when(pl.col("n").is_not_null()).then(link_to).otherwise(pl.lit(""))


def _first(frame: pl.DataFrame, numbers: pl.DataFrame, group: list[str], keep: int, html: pl.Expr) -> pl.DataFrame:
    """Per group, the HTML of its first ``keep`` rows in source order, joined, and how many rows it has.
    Built in polars: an event's findings and quotes are the site's longest lists (millions of values at
    100,000 articles), too many to escape one Python call at a time."""
    return (frame.join(numbers, on=["visit_event_key", "article_key"], how="left")
            .sort(*group, "n", "evidence_start", nulls_last=True)
            .with_columns(pl.int_range(pl.len()).over(group).alias("i"), pl.len().over(group).cast(pl.Int64).alias("total"))
            .filter(pl.col("i") < keep)
            .with_columns(html.alias("html"))
            .group_by(group, maintain_order=True).agg(pl.col("html").str.join(""), pl.col("total").first()))


def evidence_lists(evidence: pl.DataFrame, numbers: pl.DataFrame) -> pl.DataFrame:
    """(visit_event_key, theme, polarity, html of its first sentences as list items, sentences)."""
    item = pl.concat_str([pl.lit("<li>"), escaped("evidence_text"), pl.lit(" "), _cite(), pl.lit("</li>")])
    return _first(evidence, numbers, ["visit_event_key", "theme", "polarity"], EVIDENCE_PER_FINDING, item)


def finding_rows(event_findings: pl.DataFrame, evidence: pl.DataFrame, themes: pl.DataFrame) -> pl.DataFrame:
    """(visit_event_key, its findings table's rows as HTML): theme, praised or criticised, reports, sentences."""
    more = pl.col("total") - EVIDENCE_PER_FINDING
    verdict = pl.when(pl.col("polarity") == "positive").then(pl.lit('<span class="pos">praised</span>')).otherwise(pl.lit('<span class="neg">criticised</span>'))
    row = pl.concat_str([
        pl.lit("<tr><td>"), escaped(pl.coalesce("label", "theme")), pl.lit("</td><td>"), verdict, pl.lit("</td><td>"),
        pl.col("article_count").cast(pl.String), pl.lit('</td><td><ul class="ev">'), pl.col("html").fill_null(""),
        pl.when(more > 0).then(pl.format('<li class="muted">{} more sentence(s) in the sources</li>', more)).otherwise(pl.lit("")),
        pl.lit("</ul></td></tr>")])
    keys = ["visit_event_key", "theme", "polarity"]
    return (event_findings.join(evidence, on=keys, how="left").join(themes, on="theme", how="left").sort(keys)
            .with_columns(row.alias("row")).group_by("visit_event_key", maintain_order=True).agg(pl.col("row").str.join("")))


def quote_lists(quotes: pl.DataFrame, numbers: pl.DataFrame) -> pl.DataFrame:
    """(visit_event_key, html of its first quotes with who said them, quotes)."""
    speaker = pl.coalesce(pl.col("speaker_name"), pl.format("unnamed ({})", "speaker_type"))
    role = pl.when(pl.col("speaker_role").is_not_null()).then(pl.lit(", ") + escaped("speaker_role")).otherwise(pl.lit(""))
    item = pl.concat_str([pl.lit("<blockquote>“"), escaped(pl.col("quote_text").str.strip_chars(QUOTE_MARKS)), pl.lit("” — <b>"),
                          escaped(speaker), pl.lit("</b>"), role, pl.lit(" "), _cite(), pl.lit("</blockquote>")])
    return _first(quotes, numbers, ["visit_event_key"], QUOTES_PER_EVENT, item)


def _group(frame: pl.DataFrame, key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for row in frame.iter_rows(named=True):
        out[row[key]].append(row)
    return out


def render_site(frames: dict[str, pl.DataFrame], layout: str, hexes: pl.DataFrame, previous_state: dict | None,
                generated: str) -> tuple[dict[str, str], dict]:
    """Every file of the site (path relative to its folder -> text) and the state the next build compares with."""
    site = Site(frames, layout, hexes, generated)
    current = site.state()
    baseline = next_baseline(previous_state, current["run_id"])
    changes = changes_since(baseline, current)
    files = {"assets/site.css": CSS.strip() + "\n", "index.html": site.national(changes, baseline["run_id"] if baseline else None),
             "themes.html": site.themes_page()}
    for la_key, path in site.pages.items():
        files[path] = site.authority(la_key)
    state = {"baseline": baseline, "current": current}
    return files, state
