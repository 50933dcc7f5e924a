"""Web pages and PDF letters as input: main text without furniture, page metadata with its source and
over the text rules, declared encodings, running headers and footers removed, and the ingest of a
folder mixing .txt, .html and .pdf."""

from __future__ import annotations

import json
import shutil

import duckdb
import polars as pl
import pytest

from benchmarks.make_pages import LETTER_PARAGRAPHS, article_page, letter_pdf
from flows.ingest import ingest_flow
from tests.helpers import SEED_ARTICLES
from tests.local_site import story
from transforms.documents import decode_documents
from transforms.html_extract import extract_html, sniff_encoding
from transforms.pdf_extract import extract_pdf, remove_running_furniture
from transforms.pipeline import clean_stage

URL = "https://news.example.org/steadier-teams"
FACTS = {"title": "Inspectors see steadier teams at Cornwall children's services", "publisher": "Invented Care News",
         "published_date": "2025-03-20", "author": "A Reporter"}


def _page(style: str, **facts) -> bytes:
    return article_page(story("Cornwall"), FACTS | facts, style, URL).encode("utf-8")


def test_main_text_keeps_the_article_and_drops_the_page_furniture():
    doc = extract_html(_page("all"))
    assert doc.reject_reason is None
    for sentence in ("more manageable caseloads", "Staff told us they feel listened to", "next monitoring visit is expected"):
        assert sentence in doc.text
    for furniture in ("cookies", "Share on Facebook", "Related articles", "Reader123", "Registered office", "Advertisement",
                      "Log in", "Join our fostering team"):
        assert furniture not in doc.text, furniture
    # Each paragraph is its own block, headline first.
    assert doc.text.split("\n\n")[0] == FACTS["title"] and len(doc.text.split("\n\n")) >= 6


@pytest.mark.parametrize("style, source", [("json-ld", "json-ld"), ("opengraph", "opengraph"), ("meta", "meta"), ("all", "json-ld")])
def test_page_metadata_is_read_with_its_source(style, source):
    m = extract_html(_page(style)).metadata
    assert (m.title, m.publisher, str(m.published_date)) == (FACTS["title"], FACTS["publisher"], FACTS["published_date"])
    assert m.canonical_url == URL
    assert m.sources["publisher"] == source and m.sources["published_date"] == source
    if style != "opengraph":  # OpenGraph's article:author is a profile URL, not a name
        assert m.author == "A Reporter"


def test_json_ld_wins_over_opengraph_when_they_disagree():
    page = _page("all").replace(b'property="og:title" content="', b'property="og:title" content="Another headline: ')
    m = extract_html(page).metadata
    assert m.title == FACTS["title"] and m.sources["title"] == "json-ld"


def test_a_title_tag_loses_its_site_suffix():
    m = extract_html(_page("meta")).metadata
    assert m.title == FACTS["title"] and m.sources["title"] == "html"


def test_page_metadata_wins_over_the_text_rules_and_says_so(rules):
    # The page's text states another date the way the text rules read it; the page's metadata wins.
    text = story("Cornwall").replace("\n\nOfsted inspectors", "\n\nPosted on 02/01/2024\n\nOfsted inspectors", 1)
    pages = {"meta": article_page(text, FACTS, "json-ld", URL).encode(), "none": article_page(text, FACTS, "none", URL).encode()}
    raw = pl.DataFrame({"path": [f"{k}.html" for k in pages], "content": list(pages.values())})
    docs = decode_documents(raw).with_columns(pl.col("path").alias("article_key"))
    arts = {r["article_key"]: r for r in clean_stage(docs, rules).articles.iter_rows(named=True)}
    assert str(arts["meta.html"]["published_date"]) == "2025-03-20"
    assert json.loads(arts["meta.html"]["metadata_source"])["published_date"] == "json-ld"
    assert str(arts["none.html"]["published_date"]) == "2024-01-02"
    assert json.loads(arts["none.html"]["metadata_source"]) == {"published_date": "text rules", "title": "html"}


def test_the_charset_comes_from_the_http_header_then_the_meta_tag():
    page = "<html><head><meta charset='windows-1252'><title>Children\u2019s services</title></head></html>".encode("cp1252")
    assert sniff_encoding(page) == ("windows-1252", "meta charset")
    assert sniff_encoding(page, "text/html; charset=utf-8") == ("utf-8", "http header")
    assert sniff_encoding("<p>caf\u00e9</p>".encode("utf-8")) == ("utf-8", "default")
    body = "".join(f"<p>{p}</p>" for p in story("Halton").replace("'", "\u2019").split("\n\n")[1:])
    doc = extract_html(f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'></head><body>{body}</body></html>"
                       .encode("cp1252"))
    assert doc.encoding == "windows-1252" and "Halton children\u2019s services" in doc.text


def test_a_page_without_text_is_rejected_with_the_reason():
    doc = extract_html(b"<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav></body></html>")
    assert doc.text is None and "no main text" in doc.reject_reason


def test_pdf_letter_reads_in_order_without_running_headers_footers_or_page_numbers():
    text, reason = extract_pdf(letter_pdf(repeat=3))
    assert reason is None
    paras = text.split("\n\n")
    assert paras[0] == "27 March 2025" and paras[1] == "Dear Ms Example"
    assert "Page " not in text and "Reference: ABC123456" not in text and "Exampletown" not in text
    assert text.count(LETTER_PARAGRAPHS[2]) == 3  # every paragraph whole, once per repetition, across page breaks


def test_running_furniture_needs_to_recur():
    pages = [["Header line", "Body one.", "Page 1 of 3"], ["Header line", "Body two.", "Page 2 of 3"], ["Header line", "Body three.", "3"]]
    assert remove_running_furniture(pages) == [["Body one."], ["Body two."], ["Body three."]]
    # A single page keeps its first and last lines (nothing recurs), bare page numbers aside.
    assert remove_running_furniture([["Title", "Body.", "Signed"]]) == [["Title", "Body.", "Signed"]]


def test_broken_and_empty_pdfs_are_refused_with_the_reason():
    assert extract_pdf(b"%PDF-1.4 not really")[1].startswith("PDF could not be read")
    assert extract_pdf(b"")[1] == "empty file (0 bytes)"


def test_the_dispatch_reads_each_kind_and_keeps_text_files_as_before():
    raw = pl.DataFrame({"path": ["a.txt", "b.html", "c.pdf", "d.htm"],
                        "content": [b"Plain text.\n", _page("json-ld"), letter_pdf(repeat=1), b""]})
    out = decode_documents(raw)
    assert out["path"].to_list() == ["a.txt", "b.html", "c.pdf", "d.htm"]
    assert out["source_format"].to_list() == ["text", "html", "pdf", "html"]
    assert out["text"][0] == "Plain text.\n" and out["encoding"].to_list()[:3] == ["utf-8", "utf-8", None]
    assert out["page_title"][2] == "Monitoring visit to Wiltshire children's services"
    assert out["reject_reason"][3] == "empty file (0 bytes)"


def test_ingest_loads_a_folder_mixing_text_pages_and_letters(prefect_harness, tmp_path):
    inbox, db = tmp_path / "in", tmp_path / "w.duckdb"
    inbox.mkdir()
    shutil.copy(sorted(SEED_ARTICLES.glob("003_*.txt"))[0], inbox / "story.txt")
    (inbox / "page.html").write_bytes(_page("all"))
    (inbox / "letter.pdf").write_bytes(letter_pdf(repeat=1))
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (inbox / "notes.csv").write_text("not read,at all\n")
    first = ingest_flow(input_dir=inbox, db_path=db)
    # notes.csv is not read, and listed with that reason (issue 21).
    assert (first["files_seen"], first["files_new"], first["files_rejected"]) == (5, 3, 2)
    con = duckdb.connect(str(db), read_only=True)
    try:
        arts = {r[0]: r[1:] for r in con.sql("SELECT source_file, title, publisher, canonical_url, author, metadata_source, has_authority "
                                             "FROM dim_article").fetchall()}
        visits = con.sql("SELECT a.source_file, la.la_name FROM fct_visit v JOIN dim_article a USING (article_key) "
                         "JOIN dim_local_authority la USING (la_key)").fetchall()
        comments = dict(con.sql("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'dim_article'").fetchall())
        rejected = con.sql("SELECT source_file, reason FROM rejected_rows").fetchall()
    finally:
        con.close()
    assert arts["page.html"][:4] == (FACTS["title"], FACTS["publisher"], URL, "A Reporter")
    assert json.loads(arts["page.html"][4])["title"] == "json-ld" and arts["page.html"][5]
    assert json.loads(arts["story.txt"][4]) == {"title": "text rules", "publisher": "text rules", "published_date": "text rules"}
    assert arts["letter.pdf"][0] == "Monitoring visit to Wiltshire children's services"
    assert ("page.html", "Cornwall") in visits and ("letter.pdf", "Wiltshire") in visits
    assert all(comments[c] for c in ("url", "canonical_url", "author", "metadata_source"))
    reasons = dict(rejected)
    assert "PDF could not be read" in reasons["broken.pdf"] and reasons["notes.csv"].startswith("not an article by its name")
    second = ingest_flow(input_dir=inbox, db_path=db)
    assert (second["files_unchanged"], second["articles_extracted"]) == (5, 0)


def test_an_older_warehouse_gains_the_new_article_columns(prefect_harness, tmp_path):
    inbox, db = tmp_path / "in", tmp_path / "w.duckdb"
    inbox.mkdir()
    shutil.copy(sorted(SEED_ARTICLES.glob("000_*.txt"))[0], inbox / "a.txt")
    ingest_flow(input_dir=inbox, db_path=db)
    con = duckdb.connect(str(db))
    # A warehouse of schema version 5, before these columns: migration 006 adds them.
    for column in ("url", "canonical_url", "author", "metadata_source"):
        con.execute(f"ALTER TABLE dim_article DROP COLUMN {column}")
    con.execute("DELETE FROM schema_version WHERE version >= 6")
    con.close()
    (inbox / "b.html").write_bytes(_page("opengraph"))
    ingest_flow(input_dir=inbox, db_path=db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = dict(con.sql("SELECT source_file, canonical_url FROM dim_article").fetchall())
    finally:
        con.close()
    assert rows == {"a.txt": None, "b.html": URL}
