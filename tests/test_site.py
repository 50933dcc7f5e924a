"""The briefing site: what it says (grades, visits since, changes), that it opens offline in Chromium
with nothing missing and no script, that hostile text stays text, and that a failed build leaves the
previous site as it was."""

from __future__ import annotations

import csv
import errno
from html import escape
import json
import math
import os
import re
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.browser import Browser
from tests.helpers import PROJECT, query, sample_inbox
from transforms.briefing import changes_since, latest_grades, next_baseline
from transforms.hexmap import hex_centres, read_hexjson
from warehouse.html_text import web_address
from warehouse.site import build_site
from warehouse.site_pages import slug

HEXMAP = PROJECT / "seeds" / "reference" / "england_upper_tier_authorities.hexjson"
HOSTILE_ARTICLE = (
    "Council <script>alert('owned')</script> told to improve\n\n"
    "Ofsted’s monitoring visit to Croydon council found drift <script>alert(2)</script> and delay in planning for children.\n\n"
    "“It is <img src=x onerror=alert(3)> not good enough,” said Jo Bloggs, director of children’s services at Croydon council.\n"
)
HOSTILE_FILE = "<img src=x onerror=alert(1)>.txt"


# ---- pure parts ----------------------------------------------------------------------------------

def frames_for_grades():
    authorities = pl.DataFrame({"la_key": ["a", "b", "c"], "la_name": ["Alpha", "Beta", "Gone"], "ons_code": ["E1", "E2", "E3"],
                                "region_name": ["R", "R", "R"], "la_type": ["t", "t", "t"], "is_current": [True, True, False]})
    inspections = pl.DataFrame({"inspection_key": ["i1", "i2", "i3"], "la_key": ["a", "a", "b"],
                                "publication_date": [date(2019, 1, 5), date(2022, 5, 1), date(2021, 9, 1)],
                                "inspection_end_date": [date(2018, 11, 1), date(2022, 3, 10), date(2021, 7, 1)],
                                "overall_effectiveness": ["good", "inadequate", "requires improvement"]})
    events = pl.DataFrame({
        "visit_event_key": ["e1", "e2", "e3", "e4"], "la_key": ["a", "a", "b", "b"],
        "visit_type": ["monitoring_visit", "inspection", "focused_visit", "monitoring_visit"],
        "rating": ["inadequate", "good", "requires_improvement", None],
        "rating_year": [None, 2025, 2021, None], "rating_month": [None, None, 7, None],
        "event_date": [date(2023, 1, 10), date(2025, 3, 1), date(2023, 6, 1), None],
        "first_report_date": [date(2023, 1, 12), date(2025, 3, 20), date(2023, 6, 3), None],
        "visit_year": [2023, 2025, 2023, None],
    }, schema_overrides={"rating_year": pl.Int32, "rating_month": pl.Int32, "visit_year": pl.Int32})
    return authorities, inspections, events


def test_the_latest_grade_is_the_registers_unless_the_news_dates_a_newer_one():
    grades = {r["la_key"]: r for r in latest_grades(*frames_for_grades()).iter_rows(named=True)}
    assert set(grades) == {"a", "b"}  # a former authority with no event is not shown
    # Alpha: the register says inadequate (2022); a reported inspection rated good in 2025 is newer.
    assert (grades["a"]["grade"], grades["a"]["grade_source"], grades["a"]["register_grade"]) == ("good", "news", "inadequate")
    assert grades["a"]["news_event_key"] == "e2"
    # Its 2023 monitoring visit came before the 2025 grade: no visit since.
    assert grades["a"]["visits_since"] == 0 and grades["a"]["events"] == 2
    # Beta: "requires improvement, July 2021" is the register's own inspection, not a newer grade; the
    # dated 2023 visit counts as a visit since, the undated one cannot be placed and does not.
    assert (grades["b"]["grade"], grades["b"]["grade_source"]) == ("requires_improvement", "register")
    assert grades["b"]["visits_since"] == 1


def test_changes_compare_the_latest_run_with_the_one_before_and_survive_a_rebuild():
    before = {"run_id": "r1", "grades": {"a": "inadequate", "b": "good"}, "event_articles": {"e1": ["x1"]}}
    now = {"run_id": "r2", "grades": {"a": "good", "b": "good", "c": "good"}, "event_articles": {"e1": ["x1", "x2"], "e9": ["x3", "x4"]}}
    changes = changes_since(before, now)
    assert changes == {"compared": True, "new_events": ["e9"], "updated_events": ["e1"], "grade_changes": [("a", "inadequate", "good")],
                       "new_articles": 3}
    assert changes_since(None, now)["compared"] is False
    # The first build after run r2 compares with r1's state; building again after the same run keeps that baseline.
    published = {"baseline": None, "current": before}
    assert next_baseline(published, "r2") == before
    assert next_baseline({"baseline": before, "current": now}, "r2") == before
    assert next_baseline(None, "r2") is None


@pytest.mark.parametrize("value, ok", [
    ("https://www.example.org/a?b=1", True), ("http://example.org", True), ("javascript:alert(1)", False),
    ("JaVaScRiPt:alert(1)", False), ("java\tscript:alert(1)", False), (" javascript:alert(1)", False), ("data:text/html,<b>", False),
    ("//example.org/x", False), ("/etc/passwd", False), ("https://exa mple.org", False), ("https://example.org/\u202eevil", False),
    (None, False), ("", False), ("https:///nohost", False),
])
def test_only_web_addresses_become_links(value, ok):
    assert (web_address(value) is not None) is ok


def test_the_hex_layout_holds_every_authority_once_without_overlaps():
    layout, hexes = read_hexjson(HEXMAP)
    with open(PROJECT / "seeds" / "reference" / "england_childrens_services_las.csv", encoding="utf-8") as f:
        codes = {row["new_la_code"] for row in csv.DictReader(f)}
    assert set(hexes["ons_code"]) == codes and hexes.height == 153
    assert hexes.select("q", "r").is_unique().all()
    centres = hex_centres(layout, hexes, 10.0).select("x", "y").rows()
    nearest = min(math.dist(p, q) for i, p in enumerate(centres) for q in centres[i + 1:])
    assert nearest == pytest.approx(math.sqrt(3) * 10.0, rel=1e-6)  # neighbours touch, none overlap


def test_a_broken_layout_is_refused_with_the_reason(tmp_path):
    bad = tmp_path / "bad.hexjson"
    bad.write_text('{"layout": "spiral", "hexes": {}}', encoding="utf-8")
    with pytest.raises(ValueError, match="spiral"):
        read_hexjson(bad)
    bad.write_text('{"layout": "odd-r", "hexes": {"E1": {"n": "x"}}}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a HexJSON layout"):
        read_hexjson(bad)


# ---- built from the sample warehouse ---------------------------------------------------------------

@pytest.fixture(scope="module")
def warehouse(prefect_harness, tmp_path_factory) -> Path:
    """The sample corpus plus a hostile article under a hostile file name, then hostile values written
    straight into the warehouse where no article can put them (a javascript: URL, a marked-up title)."""
    from flows.ingest import ingest_flow

    tmp = tmp_path_factory.mktemp("site")
    inbox = sample_inbox(tmp / "inbox")
    (inbox / HOSTILE_FILE).write_text(HOSTILE_ARTICLE, encoding="utf-8")
    db = tmp / "w.duckdb"
    ingest_flow(input_dir=inbox, db_path=db)
    con = duckdb.connect(str(db))
    try:
        con.execute("UPDATE dim_article SET url = 'javascript:alert(4)' WHERE source_file = ?", [HOSTILE_FILE])
        con.execute("UPDATE dim_article SET url = 'https://news.example.org/a-real-link' WHERE source_file LIKE '003_%'")
        con.execute("UPDATE fct_inspection SET report_url = 'javascript:alert(5)' WHERE la_name = 'Croydon'")
    finally:
        con.close()
    return db


@pytest.fixture(scope="module")
def site(warehouse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "site"
    result = build_site(warehouse, out, HEXMAP, "512MB")
    assert result["authority_pages"] >= 153
    return out


def page_of(name: str) -> str:
    return f"la/{slug(name)}.html"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "xlink:href", "action", "poster", "srcset") and value is not None:
                self.refs.append((tag, name, value))
            if name == "id":
                self.ids.add(value)


def parsed(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def test_every_link_and_asset_resolves_inside_the_site(site):
    pages = sorted(site.rglob("*.html"))
    ids = {p: parsed(p).ids for p in pages}
    for page in pages:
        for tag, attr, value in parsed(page).refs:
            if tag == "a" and web_address(value):
                continue  # a source article or report on the web: a link out, never an asset
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", value, re.I), f"{page.name}: {tag} {attr}={value!r} leaves the site"
            path, _, fragment = value.partition("#")
            target = (page.parent / path).resolve() if path else page
            assert target.is_file() and site.resolve() in target.parents, f"{page.name}: {value!r} points to nothing"
            if fragment and target.suffix == ".html":
                assert fragment in ids[target], f"{page.name}: {value!r} names no element"


def test_the_site_opens_offline_in_headless_chromium(warehouse, site, tmp_path):
    visited = [name for (name,) in query(warehouse, "SELECT DISTINCT la.la_name FROM dim_visit_event JOIN dim_local_authority AS la USING (la_key)")]
    pages = ["index.html", "themes.html", page_of("Rutland")] + [page_of(name) for name in visited]
    browser = Browser(tmp_path / "chrome")
    try:
        loads = [browser.load((site / p).resolve().as_uri()) for p in pages]
    finally:
        browser.close()
    for load in loads:
        assert load.title.endswith("— Ofsted Watch"), load
        assert load.failed == [] and load.errors == [], load
        assert load.scripts == 0, load
    assert len(loads) >= 8


def test_the_browser_check_sees_a_missing_asset_and_a_script_error(tmp_path):
    """The check above could fail: the same browser reports what a broken page does."""
    broken = tmp_path / "broken.html"
    broken.write_text('<!DOCTYPE html><title>x</title><link rel="stylesheet" href="gone.css"><script>missingFunction()</script>', encoding="utf-8")
    browser = Browser(tmp_path / "chrome")
    try:
        load = browser.load(broken.as_uri())
    finally:
        browser.close()
    assert any("ERR_FILE_NOT_FOUND" in f for f in load.failed)
    assert any("missingFunction" in err for err in load.errors)


def test_every_visited_authority_has_a_page_where_each_event_links_all_its_sources(warehouse, site):
    events = query(warehouse, """
        SELECT la.la_name, e.visit_event_key, list(a.title ORDER BY a.article_key), list(a.source_file ORDER BY a.article_key)
        FROM dim_visit_event AS e JOIN dim_local_authority AS la USING (la_key)
        JOIN dim_article AS a ON list_contains(e.article_keys, a.article_key)
        GROUP BY ALL""")
    assert len(events) >= 10
    for name, key, titles, files in events:
        html = (site / page_of(name)).read_text(encoding="utf-8")
        start = html.index(f'id="ev-{key}"')
        block = html[start:html.index("</ol></div>", start)]
        assert block.count('<li id="src-') == len(files)
        for title, file in zip(titles, files):
            assert escape(title or file) in block
    # The one article with a web address is a link to it; the others name their file.
    croydon = (site / page_of("Croydon")).read_text(encoding="utf-8")
    assert '<a href="https://news.example.org/a-real-link" rel="noopener noreferrer nofollow">' in croydon


def test_the_map_shows_every_authority_with_its_register_grade(warehouse, site):
    html = (site / "index.html").read_text(encoding="utf-8")
    svg = html[html.index('<svg class="hexmap"'):html.index("</svg>", html.index('<svg class="hexmap"'))]
    tips = dict(re.findall(r"<polygon [^>]*><title>([^<:]+): ([^<;(]+?)(?: \(news[^<]*)?(?:;[^<]*)?</title>", svg))
    assert len(re.findall("<polygon ", svg)) == 153 and len(tips) == 153
    latest = query(warehouse, "SELECT m.la_name, m.latest_grade FROM mart_authority_latest AS m JOIN dim_local_authority AS d USING (la_key) "
                                "WHERE d.is_current")
    for name, grade in latest:
        assert tips[escape(name)] == (grade.replace("_", " ").capitalize() if grade else "No grade"), name


def test_hostile_titles_names_quotes_and_addresses_render_as_text(site):
    texts = {p: p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    for path, html in texts.items():
        assert "<script" not in html.lower(), path
        assert not re.search(r"<img\b", html, re.I), path
        assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html, re.I), path
    croydon = texts[site / page_of("Croydon")]
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in croydon  # the file name, shown
    assert "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;" in croydon  # the title, shown
    assert "javascript:alert(5)" not in croydon and "javascript:alert(4)" not in croydon  # never a link, not even shown as one


def test_a_failed_build_leaves_the_previous_site_as_it_was(warehouse, tmp_path, monkeypatch):
    out = tmp_path / "site"
    build_site(warehouse, out, HEXMAP, "512MB")
    before = snapshot(out)
    written = []
    real_write = Path.write_text

    def disk_full_after_ten(self, *args, **kwargs):
        if len(written) >= 10:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        written.append(self)
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", disk_full_after_ten)
    with pytest.raises(OSError, match="No space left"):
        build_site(warehouse, out, HEXMAP, "512MB")
    monkeypatch.undo()
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # the half-written folder is gone


def test_a_build_killed_before_the_swap_leaves_the_previous_site(warehouse, tmp_path):
    out = tmp_path / "site"
    build_site(warehouse, out, HEXMAP, "512MB")
    before = snapshot(out)
    code = (f"from pathlib import Path; from warehouse.site import build_site; "
            f"build_site(Path({str(warehouse)!r}), Path({str(out)!r}), Path({str(HEXMAP)!r}), '512MB')")
    run = subprocess.run([sys.executable, "-c", code], env={**os.environ, "OFSTED_WATCH_FAULT": "site_before_swap"}, cwd=PROJECT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == -9, run.stderr[-2000:]
    assert snapshot(out) == before
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".site.next-")]
    assert len(leftovers) == 1 and (leftovers[0] / "index.html").exists()  # the killed build's folder, never swapped in
    build_site(warehouse, out, HEXMAP, "512MB")  # the next build still succeeds beside it
    assert (out / "index.html").exists()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_pipeline_writes_the_site_beside_the_report_and_shows_what_the_next_run_changed(prefect_harness, tmp_path):
    from flows.pipeline import ingest_and_quality_flow

    inbox = sample_inbox(tmp_path / "inbox")
    db, report, site = tmp_path / "w.duckdb", tmp_path / "report", tmp_path / "site"
    first = ingest_and_quality_flow(input_dir=inbox, db_path=db, report_dir=report)
    assert first["site"]["site_dir"] == str(site) and (site / "index.html").is_file() and (report / "index.html").is_file()
    assert "No earlier build of the site to compare with" in (site / "index.html").read_text(encoding="utf-8")
    first_run = query(db, "SELECT run_id FROM etl_run")[0][0]

    # Another paper's report of the Croydon visit the warehouse already holds.
    original = next(inbox.glob("003_*.txt"))
    (inbox / "003_second_report.txt").write_text(original.read_text(encoding="utf-8") + "\nAn invented closing line.\n", encoding="utf-8")
    ingest_and_quality_flow(input_dir=inbox, db_path=db, report_dir=report)
    new_article = query(db, "SELECT article_key FROM raw.raw_file WHERE source_file = '003_second_report.txt'")[0][0]
    state = json.loads((site / "state.json").read_text(encoding="utf-8"))
    assert state["baseline"]["run_id"] == first_run and state["current"]["run_id"] != first_run
    changes = changes_since(state["baseline"], state["current"])
    assert changes["new_articles"] == 1
    touched = changes["new_events"] + changes["updated_events"]
    assert touched and all(new_article in state["current"]["event_articles"][k] for k in touched)  # each visit the article reports
    index = (site / "index.html").read_text(encoding="utf-8")
    section = index[index.index('id="changes"'):index.index("</section>", index.index('id="changes"'))]
    assert "1 new article(s)" in section and ">Croydon</a>" in section

    # Built again with no run in between, the site still shows what that run changed.
    build_site(db, site, HEXMAP, "512MB")
    again = (site / "index.html").read_text(encoding="utf-8")
    assert again[again.index('id="changes"'):].startswith(section[:200]) and "1 new article(s)" in again


def test_judgements_and_previous_grades_show_once_the_warehouse_holds_them(warehouse, tmp_path):
    """fct_judgement and fct_visit.previous_rating (issue 19) are shown where they hold rows; a warehouse
    from before them (no such table or columns) builds all the same."""
    db = tmp_path / "w.duckdb"
    db.write_bytes(warehouse.read_bytes())
    con = duckdb.connect(str(db))
    try:
        visit_key, article_key, la_key, event_key = con.sql(
            "SELECT v.visit_key, v.article_key, v.la_key, v.visit_event_key FROM fct_visit AS v JOIN dim_local_authority USING (la_key) "
            "WHERE la_name = 'Croydon' AND v.visit_event_key IS NOT NULL LIMIT 1").fetchall()[0]
        con.execute("INSERT INTO fct_judgement (judgement_key, visit_key, article_key, la_key, area, grade, evidence_text, evidence_start, "
                    "evidence_end) VALUES ('j1', ?, ?, ?, 'care_leavers', 'requires_improvement', "
                    "'Care leavers <b>were</b> judged to require improvement.', 0, 10)", [visit_key, article_key, la_key])
        con.execute("UPDATE fct_visit SET previous_rating = 'inadequate', previous_rating_year = 2017 WHERE visit_key = ?", [visit_key])
    finally:
        con.close()
    build_site(db, tmp_path / "site", HEXMAP, "512MB")
    html = (tmp_path / "site" / page_of("Croydon")).read_text(encoding="utf-8")
    block = html[html.index(f'id="ev-{event_key}"'):]
    block = block[:block.index("</ol></div>")]
    assert "<h4>Judgements</h4>" in block and "care leavers" in block and "Care leavers &lt;b&gt;were&lt;/b&gt; judged" in block
    assert "replacing" in block and ">Inadequate</span> 2017" in block
    # The sample states no judgement: its page has none.
    build_site(warehouse, tmp_path / "sample", HEXMAP, "512MB")
    assert "<h4>Judgements</h4>" not in (tmp_path / "sample" / page_of("Croydon")).read_text(encoding="utf-8")
    # A warehouse from before schema version 9: neither the table nor the columns, and the page still builds.
    old = tmp_path / "old.duckdb"
    old.write_bytes(warehouse.read_bytes())
    con = duckdb.connect(str(old))
    try:
        con.execute("DROP TABLE fct_judgement")
        for column in ("previous_rating", "previous_rating_year", "previous_rating_month"):
            con.execute(f"ALTER TABLE fct_visit DROP COLUMN {column}")
    finally:
        con.close()
    build_site(old, tmp_path / "before", HEXMAP, "512MB")
    assert "<h4>Judgements</h4>" not in (tmp_path / "before" / page_of("Croydon")).read_text(encoding="utf-8")


def test_the_site_command_writes_the_site_and_refuses_a_missing_warehouse(warehouse, tmp_path, capsys):
    from flows.cli import main

    assert main(["site", "--db", str(warehouse), "--out", str(tmp_path / "site")]) == 0
    assert f"site: {tmp_path / 'site'}/index.html (15" in capsys.readouterr().out
    assert main(["site", "--db", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path / "other")]) == 1
    assert "there is no warehouse at" in capsys.readouterr().err
    assert not (tmp_path / "other").exists() and not (tmp_path / "nope.duckdb").exists()


@pytest.mark.parametrize("text", ["a<b>&\"'", "x\u202ey", None, "café \u2028 line", "<script>alert(1)</script>", "tab\tnl\n",
                                  "\x00\x1f\x7f\x9f\u00ad\ufeff\ufffb", "javascript:alert(1)"])
def test_escaping_a_column_gives_what_escaping_a_value_gives(text):
    """The long lists (evidence, quotes) are escaped in polars; the rest of the page one value at a time."""
    from warehouse.html_text import e, escaped

    column = pl.DataFrame({"t": [text, "plain"]}, schema={"t": pl.String}).select(escaped("t"))["t"].to_list()
    assert column == [e(text), "plain"]


def test_a_site_written_inside_the_inbox_is_never_read_as_articles(warehouse, tmp_path):
    """serve --inbox in --site in/site: the pages are .html, the very files an ingest reads, so the flow's
    site step writes the output marker into the folder it swaps in (a site without it would be listed)."""
    from prefect.logging import disable_run_logger

    from flows.input_files import InputFolder
    from flows.site import write_site

    inbox = sample_inbox(tmp_path / "inbox")
    articles = InputFolder.of(inbox, "*.txt,*.html,*.htm,*.pdf", None, 64).walk()
    with disable_run_logger():
        write_site.fn(warehouse, inbox / "site", HEXMAP, "512MB")
    assert (inbox / "site" / "index.html").is_file()
    assert InputFolder.of(inbox, "*.txt,*.html,*.htm,*.pdf", None, 64).walk() == articles
    # Without the marker the same pages would be read: the check above can fail.
    build_site(warehouse, inbox / "bare", HEXMAP, "512MB")
    assert any("bare" in path for path in InputFolder.of(inbox, "*.txt,*.html,*.htm,*.pdf", None, 64).walk())
