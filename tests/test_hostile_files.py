"""Issue 12, cases 3 (caps), 8, 11 and 12: files the ingest must not read, or must read and name right."""

from __future__ import annotations

import builtins
import os
from pathlib import Path

import pytest

from flows.ingest import ingest_flow
from tests.helpers import query

ARTICLE = (
    "Council’s children’s services improving, Ofsted says\n\n"
    "Ofsted’s monitoring visit to Sutton council found that social workers’ caseloads had fallen.\n\n"
    "Inspectors said management oversight was now consistent.\n"
)
QUOTED = "“We are improving quickly,” said Dana Whitfield, director of children's services at Sutton.\n"


@pytest.fixture
def inbox(tmp_path) -> Path:
    d = tmp_path / "inbox"
    d.mkdir()
    (d / "good.txt").write_text(ARTICLE, encoding="utf-8")
    return d


def test_case03_article_over_the_caps_is_rejected_with_a_recorded_reason(prefect_harness, inbox, tmp_path):
    (inbox / "dump.txt").write_text("A council says it is improving\n\n" + QUOTED * 60, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    summary = ingest_flow(input_dir=inbox, db_path=db, max_quotes_per_article=50)
    assert summary["files_new"] == 1 and summary["files_rejected"] == 1
    [(status, reason)] = query(db, "SELECT status, reject_reason FROM raw.raw_file WHERE source_file = 'dump.txt'")
    assert status == "rejected"
    assert reason == "too much to extract from one article: 60 quotation marks, above the limit of 50 (max_quotes_per_article)"
    assert query(db, "SELECT source_file FROM dim_article") == [("good.txt",)]
    assert query(db, "SELECT count(*) FROM rejected_rows WHERE source_file = 'dump.txt'") == [(1,)]
    again = ingest_flow(input_dir=inbox, db_path=db, max_quotes_per_article=50)
    assert again["rejected"] == [] and query(db, "SELECT count(*) FROM rejected_rows") == [(1,)]


def test_case08_links_out_of_the_input_folder_and_special_files_are_rejected(prefect_harness, inbox, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Ofsted visited Sutton council.\n\nSECRET-MARKER outside the input folder.\n", encoding="utf-8")
    os.mkfifo(tmp_path / "outside-fifo")
    (inbox / "sub").mkdir()
    os.mkfifo(inbox / "sub" / "fifo")
    (inbox / "out.txt").symlink_to(secret)
    (inbox / "null.txt").symlink_to("/dev/null")
    (inbox / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (inbox / "fifo-link.txt").symlink_to(inbox / "sub" / "fifo")
    os.mkfifo(inbox / "pipe.txt")
    (inbox / "inside.txt").symlink_to(inbox / "good.txt")
    db = tmp_path / "w.duckdb"
    summary = ingest_flow(input_dir=inbox, db_path=db)
    rows = {f: (s, r) for f, s, r in query(db, "SELECT source_file, status, reject_reason FROM raw.raw_file")}
    assert rows["good.txt"] == ("loaded", None) and rows["inside.txt"] == ("duplicate", None)
    assert rows["out.txt"] == ("rejected", f"symbolic link to {secret}, outside the input folder: not followed")
    assert rows["null.txt"] == ("rejected", "symbolic link to /dev/null, outside the input folder: not followed")
    assert rows["dangling.txt"] == ("rejected", f"dangling symbolic link: its target {tmp_path / 'nowhere.txt'} does not exist")
    assert rows["fifo-link.txt"] == ("rejected", "symbolic link to a named pipe (FIFO), not a regular file: not read")
    assert rows["pipe.txt"] == ("rejected", "a named pipe (FIFO), not a regular file: not read")
    # Not an article by its name: listed with that reason (issue 21), and never opened either.
    assert rows["fifo"][0] == "rejected" and rows["fifo"][1].startswith("not an article by its name")
    assert summary["files_rejected"] == 6
    assert query(db, "SELECT count(*) FROM raw.raw_text WHERE raw_text LIKE '%SECRET-MARKER%'") == [(0,)]
    assert query(db, "SELECT count(*) FROM rejected_rows") == [(6,)]
    # Unchanged links are not recorded again.
    again = ingest_flow(input_dir=inbox, db_path=db)
    assert again["rejected"] == [] and query(db, "SELECT count(*) FROM rejected_rows") == [(6,)]


def test_case11_file_over_the_size_limit_is_never_read(prefect_harness, inbox, tmp_path, monkeypatch):
    big = inbox / "big.txt"
    with open(big, "wb") as f:
        f.truncate(50_000)  # sparse: only its size is known without reading it
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_os_open(path, *args, **kwargs):
        opened.append(str(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    db = tmp_path / "w.duckdb"
    first = ingest_flow(input_dir=inbox, db_path=db, max_file_bytes=10_000)
    second = ingest_flow(input_dir=inbox, db_path=db, max_file_bytes=10_000)
    monkeypatch.undo()
    assert not [p for p in opened if p.endswith("big.txt")]
    assert any(p.endswith("good.txt") for p in opened)  # the spy sees the reads it should
    [(status, sha, size, signature, reason)] = query(
        db, "SELECT status, content_sha256, size_bytes, stat_signature, reject_reason FROM raw.raw_file WHERE source_file = 'big.txt'")
    assert status == "rejected" and sha is None and size == 50_000 and signature.startswith("50000:")
    assert reason == "file is 50,000 bytes, above the size limit of 10,000 bytes (max_file_bytes): not read"
    assert first["files_rejected"] == 1 and second["rejected"] == [] and second["files_unchanged"] == 2
    assert query(db, "SELECT count(*) FROM rejected_rows") == [(1,)]
    # Grown, it is another rejection (a new size in the reason).
    with open(big, "ab") as f:
        f.truncate(60_000)
    third = ingest_flow(input_dir=inbox, db_path=db, max_file_bytes=10_000)
    assert [r["reason"] for r in third["rejected"]] == ["file is 60,000 bytes, above the size limit of 10,000 bytes (max_file_bytes): not read"]


def test_case12_non_utf8_file_names_are_stored_escaped_and_loaded(prefect_harness, inbox, tmp_path):
    latin = os.fsdecode(b"caf\xe9.txt")
    (inbox / latin).write_text(ARTICLE.replace("Sutton", "Kent"), encoding="utf-8")
    (inbox / "back\\slash.txt").write_text(ARTICLE.replace("Sutton", "Leeds"), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    summary = ingest_flow(input_dir=inbox, db_path=db)
    assert summary["files_new"] == 3 and summary["files_rejected"] == 0
    names = {r[0] for r in query(db, "SELECT source_file FROM dim_article")}
    assert names == {"good.txt", "caf\\xe9.txt", "back\\\\slash.txt"}
    from flows.input_files import os_path

    [(path,)] = query(db, "SELECT path FROM raw.raw_file WHERE source_file = 'caf\\xe9.txt'")
    assert os.fsencode(os_path(path)) == os.fsencode(str(inbox)) + b"/caf\xe9.txt"
    again = ingest_flow(input_dir=inbox, db_path=db)
    assert again["files_unchanged"] == 3 and again["files_missing"] == 0


@pytest.mark.parametrize("name", [b"caf\xe9.txt", b"caf\\xe9.txt", b"a\\\\b.txt", b"\xff\xfe.txt", "café’s.txt".encode(), b"plain.txt"])
def test_case12_escaped_names_are_lossless_and_distinct(name):
    from flows.input_files import escape_path, os_path

    stored = escape_path(os.fsdecode(name))
    stored.encode("utf-8")  # storable text
    assert os.fsencode(os_path(stored)) == name
    others = [b"caf\xe9.txt", b"caf\\xe9.txt", b"a\\\\b.txt", b"\xff\xfe.txt", "café’s.txt".encode(), b"plain.txt"]
    assert [escape_path(os.fsdecode(o)) for o in others].count(stored) == 1
