"""Visit events through the ingest flow: invented reports, loaded in every order and across runs."""

from __future__ import annotations

import itertools
from pathlib import Path

import duckdb
import polars as pl

from flows.ingest import ingest_flow
from flows.settings import DEFAULTS
from warehouse import loader
from warehouse.events import rebuild_visit_events

# One visit told three ways (invented texts): the council's release, the local paper two days on
# (no ordinal), the committee's minutes (undated).
PRESS = """Council welcomes Ofsted letter on help for children
Posted on 12/03/2024
Source: Thurrock Council newsroom

Ofsted's second monitoring visit to Thurrock council's children's services found that leaders had made steady progress since the authority was judged inadequate in 2023. Inspectors said social workers knew the children they worked with well.
"""
PAPER = """Inspectors see improvement at Thurrock
Published on 14/03/2024
Source: Grays Weekly Courier

Ofsted inspectors who visited Thurrock council's children's services, rated inadequate in 2023, found that managers now checked case files every month. Inspectors found that staff turnover remained too high.
"""
MINUTES = """Children and families scrutiny committee: minutes

The committee received the letter from Ofsted's second monitoring visit to Thurrock council. Members heard that inspectors found that staff turnover remained too high.
"""
# The next visit, three months on, and one article on two authorities' visits.
NEXT_VISIT = """Slow progress at Thurrock, says watchdog
Posted on 20/06/2024

Ofsted's third monitoring visit to Thurrock council found that too many children still waited too long for help.
"""
TWO_COUNCILS = """Two councils visited by inspectors
Posted on 05/05/2024

Ofsted's monitoring visit to Medway council, rated inadequate in 2023, found progress. In a separate monitoring visit, Swindon council, also rated inadequate in 2023, was found to be improving.
"""
UNRELATED = """Library opening hours change
Posted on 01/04/2024

The central library will open later on Saturdays from next month.
"""
REPORTS = {"press.txt": PRESS, "paper.txt": PAPER, "minutes.txt": MINUTES}

EVENTS_SQL = "SELECT * EXCLUDE (article_keys), list_sort(article_keys) AS article_keys FROM dim_visit_event ORDER BY visit_event_key"
LINKS_SQL = "SELECT a.source_file, v.visit_event_key FROM fct_visit v JOIN dim_article a USING (article_key) ORDER BY ALL"


def read(db: Path, sql: str) -> pl.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def la_events(db: Path) -> dict[str, list[dict]]:
    rows = read(db, "SELECT la.la_name, e.* FROM dim_visit_event e JOIN dim_local_authority la USING (la_key) ORDER BY e.event_date, e.visit_event_key")
    out: dict[str, list[dict]] = {}
    for r in rows.iter_rows(named=True):
        out.setdefault(r["la_name"], []).append(r)
    return out


def test_one_visit_told_three_ways_is_one_event_and_other_visits_are_not(prefect_harness, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, text in {**REPORTS, "next.txt": NEXT_VISIT, "two.txt": TWO_COUNCILS}.items():
        (inbox / name).write_text(text, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    summary = ingest_flow(input_dir=inbox, db_path=db)
    events = la_events(db)
    assert summary["table_rows"]["dim_visit_event"] == 4
    second, third = events["Thurrock"]
    assert sorted(second["source_files"]) == ["minutes.txt", "paper.txt", "press.txt"]
    publishers = read(db, "SELECT count(DISTINCT publisher) AS n FROM dim_article WHERE source_file IN ('press.txt', 'paper.txt', 'minutes.txt')")
    assert (second["visit_ordinal"], second["article_count"], second["undated_article_count"]) == (2, 3, 1)
    # "Source:" lines name a publisher only when publishers.csv knows it: the count follows dim_article.
    assert second["publisher_count"] == publishers["n"][0]
    assert (str(second["first_report_date"]), str(second["last_report_date"])) == ("2024-03-12", "2024-03-14")
    assert (third["visit_ordinal"], third["source_files"]) == (3, ["next.txt"])
    # Two authorities in one article: two events.
    assert [e["source_files"] for e in events["Medway"]] == [["two.txt"]] and [e["source_files"] for e in events["Swindon"]] == [["two.txt"]]
    # Every mention points at its event.
    links = dict(read(db, LINKS_SQL).filter(pl.col("source_file") != "two.txt").iter_rows())
    assert links == {"press.txt": second["visit_event_key"], "paper.txt": second["visit_event_key"],
                     "minutes.txt": second["visit_event_key"], "next.txt": third["visit_event_key"]}
    # Findings per event: the staff-turnover criticism comes from two of its three reports.
    found = read(db, f"SELECT theme, polarity, article_count, list_sort(source_files) AS files FROM fct_visit_event_finding "
                     f"WHERE visit_event_key = '{second['visit_event_key']}' ORDER BY ALL")
    assert ("workforce_stability", "negative", 2, ["minutes.txt", "paper.txt"]) in found.rows()
    # The register: the event follows the authority's latest full inspection before its first report.
    expected = read(db, "SELECT i.inspection_key FROM fct_inspection i JOIN dim_local_authority la USING (la_key) WHERE la.la_name = 'Thurrock' "
                        "AND coalesce(i.inspection_end_date, i.publication_date) < DATE '2024-03-12' "
                        "ORDER BY coalesce(i.inspection_end_date, i.publication_date) DESC LIMIT 1")
    assert second["inspection_key"] == (expected["inspection_key"][0] if expected.height else None)


def test_every_order_of_the_three_reports_across_three_runs_gives_the_same_events(prefect_harness, tmp_path):
    """All six orders, one more report per run. The orders share their first runs (a depth-first walk
    of the orders as a tree, 3 + 6 + 6 ingests instead of 18): each branch starts from the warehouse
    file as its prefix's run left it, in the same inbox holding only that prefix's files, untouched
    since they were written, so every run sees exactly what it saw when each order ran on its own."""
    import shutil

    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    results, orders = [], []

    def walk(prefix: tuple[str, ...], keys_seen: list[list[str]]) -> None:
        if len(prefix) == len(REPORTS):
            orders.append(prefix)
            results.append((read(db, EVENTS_SQL), read(db, LINKS_SQL)))
            # Once the dated report naming the ordinal is in, the event has its natural key (the second
            # visit since the inspection before it) and later reports join without changing it.
            named = keys_seen[prefix.index("press.txt"):]
            assert all(len(k) == 1 and k == named[-1] for k in named)
            return
        saved = tmp_path / f"after_{len(prefix)}.duckdb"
        if db.exists():
            shutil.copyfile(db, saved)
        for name in REPORTS:
            if name in prefix:
                continue
            if saved.exists():
                shutil.copyfile(saved, db)
            else:
                db.unlink(missing_ok=True)
            assert sorted(p.name for p in inbox.iterdir()) == sorted(prefix)  # nothing of a sibling branch left
            (inbox / name).write_text(REPORTS[name], encoding="utf-8")
            ingest_flow(input_dir=inbox, db_path=db)
            assert not db.with_name(db.name + ".wal").exists()  # the file copied is the whole warehouse
            walk(prefix + (name,), keys_seen + [read(db, "SELECT visit_event_key FROM dim_visit_event")["visit_event_key"].to_list()])
            (inbox / name).unlink()

    walk((), [])
    assert sorted(orders) == sorted(itertools.permutations(REPORTS))
    one_run = tmp_path / "inbox_all"
    one_run.mkdir()
    for name, text in REPORTS.items():
        (one_run / name).write_text(text, encoding="utf-8")
    ingest_flow(input_dir=one_run, db_path=tmp_path / "all.duckdb", batch_size=1)
    results.append((read(tmp_path / "all.duckdb", EVENTS_SQL), read(tmp_path / "all.duckdb", LINKS_SQL)))
    events, links = results[0]
    assert events.height == 1 and links["visit_event_key"].n_unique() == 1
    for other_events, other_links in results[1:]:
        assert other_events.equals(events)
        assert other_links.equals(links)


def test_an_article_removed_takes_its_event_with_it_when_it_was_the_only_report(prefect_harness, tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    for name, text in {**REPORTS, "next.txt": NEXT_VISIT}.items():
        (inbox / name).write_text(text, encoding="utf-8")
    first = ingest_flow(input_dir=inbox, db_path=db)
    before = la_events(db)["Thurrock"]
    assert first["rows_written"]["dim_visit_event"] == 2
    # Nothing changed: the rebuild is skipped and the events stay as they were.
    again = ingest_flow(input_dir=inbox, db_path=db)
    assert "dim_visit_event" not in again["rows_written"] and la_events(db)["Thurrock"] == before
    # The paper's file is corrected to another story; the next visit's file likewise.
    (inbox / "paper.txt").write_text(UNRELATED, encoding="utf-8")
    (inbox / "next.txt").write_text(UNRELATED.replace("Saturdays", "Sundays"), encoding="utf-8")
    ingest_flow(input_dir=inbox, db_path=db)
    after = la_events(db)["Thurrock"]
    assert [e["visit_event_key"] for e in after] == [before[0]["visit_event_key"]]
    assert sorted(after[0]["source_files"]) == ["minutes.txt", "press.txt"]
    assert read(db, "SELECT count(*) AS n FROM fct_visit WHERE visit_event_key IS NULL")["n"][0] == 0


def test_visit_months_in_the_warehouse_split_and_key_events(prefect_harness, tmp_path):
    """The visit's own month (extracted upstream) keys an event with no ordinal and keeps apart
    reports of different months: set here in a built warehouse, then the events are rebuilt."""
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    (inbox / "paper.txt").write_text(PAPER, encoding="utf-8")
    (inbox / "other.txt").write_text(PAPER.replace("14/03/2024", "16/03/2024").replace("every month", "every week"), encoding="utf-8")
    ingest_flow(input_dir=inbox, db_path=db)
    assert read(db, "SELECT count(*) AS n FROM dim_visit_event")["n"][0] == 1
    con = loader.connect(db, memory_limit=DEFAULTS.duckdb_memory_limit)
    try:
        con.execute("UPDATE fct_visit SET visit_year = 2024, visit_month = CASE WHEN article_key = "
                    "(SELECT article_key FROM dim_article WHERE source_file = 'paper.txt') THEN 1 ELSE 2 END")
        rebuild_visit_events(con, "test")
        events = con.sql("SELECT visit_month, key_basis, event_date, source_files FROM dim_visit_event ORDER BY visit_month").fetchall()
        con.execute("UPDATE fct_visit SET visit_month = 2")
        rebuild_visit_events(con, "test")
        merged = con.sql("SELECT visit_month, key_basis, article_count FROM dim_visit_event").fetchall()
    finally:
        con.close()
    assert [(m, b, str(d), f) for m, b, d, f in events] == [(1, "visit_month", "2024-01-01", ["paper.txt"]), (2, "visit_month", "2024-02-01", ["other.txt"])]
    assert merged == [(2, "visit_month", 2)]



def test_events_built_and_written_a_slice_of_authorities_at_a_time_are_those_of_the_whole_warehouse_at_once(warehouse, monkeypatch):
    """The rebuild builds, checks and writes one slice of authorities at a time (memory); slices of one
    authority each, of a few, and of every authority at once leave the same rows in every table they write."""
    import shutil

    from warehouse import events as rebuild

    tables = {
        "dim_visit_event": "SELECT * EXCLUDE (article_keys), list_sort(article_keys) AS article_keys FROM dim_visit_event ORDER BY ALL",
        "fct_visit_event_finding": "SELECT * EXCLUDE (article_keys, source_files), list_sort(article_keys) AS a, list_sort(source_files) AS s "
                                   "FROM fct_visit_event_finding ORDER BY ALL",
        "fct_visit": "SELECT visit_key, visit_event_key FROM fct_visit ORDER BY ALL",
    }
    built, used = {}, []
    real_slices = rebuild.authority_slices
    monkeypatch.setattr(rebuild, "authority_slices", lambda con: used.append(real_slices(con)) or used[-1])
    for max_rows in (1, 40, 10**9):
        db = warehouse.with_name(f"slices_{max_rows}.duckdb")
        shutil.copyfile(warehouse, db)
        monkeypatch.setattr(rebuild, "ROWS_PER_SLICE", max_rows)
        con = loader.connect(db, memory_limit=DEFAULTS.duckdb_memory_limit)
        try:
            con.execute("DELETE FROM visit_event_build")
            con.execute("UPDATE fct_visit SET visit_event_key = NULL")
            written = rebuild.rebuild_visit_events(con, "slices")
            built[max_rows] = {name: con.sql(sql).pl() for name, sql in tables.items()}
        finally:
            con.close()
        assert written == {"dim_visit_event": built[max_rows]["dim_visit_event"].height,
                           "fct_visit_event_finding": built[max_rows]["fct_visit_event_finding"].height}
    authorities = sum(len(s) for s in used[0])
    assert authorities >= 3 and len(used[0]) == authorities  # one authority a slice
    assert 1 < len(used[1]) < authorities and len(used[2]) == 1
    whole = built[10**9]
    assert whole["dim_visit_event"].height >= authorities and whole["fct_visit_event_finding"].height > 0
    assert whole["fct_visit"]["visit_event_key"].null_count() < whole["fct_visit"].height
    for max_rows in (1, 40):
        for name in tables:
            assert built[max_rows][name].equals(whole[name]), (max_rows, name)
