"""One batch's pure steps: what is decoded again, what is extracted, which rows are recorded."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from transforms import ingest_batch

READ_AT = datetime(2024, 5, 1, 9, 30)
FILES_SCHEMA = {"path": pl.String, "source_file": pl.String, "size_bytes": pl.Int64, "read_at": pl.Datetime("us"), "content": pl.Binary,
                "content_sha256": pl.String, "read_error": pl.String, "stat_signature": pl.String}
PREVIOUS_SCHEMA = {"path": pl.String, "content_sha256": pl.String, "status": pl.String, "encoding": pl.String, "is_encoding_fallback": pl.Boolean}


def _files(*rows: tuple) -> pl.DataFrame:
    """(name, content bytes or None, sha, read_error)"""
    return pl.DataFrame([{"path": f"/in/{n}", "source_file": n, "size_bytes": len(c or b""), "read_at": READ_AT, "content": c,
                          "content_sha256": sha, "read_error": err, "stat_signature": "1:2:3:4:5"} for n, c, sha, err in rows],
                        schema=FILES_SCHEMA)


def _previous(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame([{"path": f"/in/{n}", "content_sha256": sha, "status": st, "encoding": enc, "is_encoding_fallback": fb}
                         for n, sha, st, enc, fb in rows], schema=PREVIOUS_SCHEMA)


def test_only_files_whose_bytes_changed_since_they_were_loaded_are_decoded_again():
    files = _files(("same.txt", None, "s1", None), ("edited.txt", "A council was visited.".encode("cp1252"), "s2", None),
                   ("new.txt", b"Inspectors praised the service.", "s3", None))
    previous = _previous(("same.txt", "s1", "loaded", "windows-1252", True), ("edited.txt", "old", "loaded", "utf-8", False))
    assert sorted(ingest_batch.paths_to_decode(files, previous)) == ["/in/edited.txt", "/in/new.txt"]

    decoded = {r["source_file"]: r for r in ingest_batch.decode_files(files, previous, {}).iter_rows(named=True)}
    assert decoded["new.txt"]["text"] == "Inspectors praised the service." and decoded["new.txt"]["encoding"] == "utf-8"
    assert decoded["edited.txt"]["text"] == "A council was visited."
    # Not decoded: it keeps the encoding it was decoded with, and has no text to extract.
    assert decoded["same.txt"]["text"] is None and decoded["same.txt"]["reject_reason"] is None
    assert (decoded["same.txt"]["encoding"], decoded["same.txt"]["is_encoding_fallback"]) == ("windows-1252", True)


def test_same_bytes_rejected_last_time_are_decoded_again_to_find_the_reason():
    files = _files(("blank.txt", b"   \n", "s1", None))
    previous = _previous(("blank.txt", "s1", "rejected", None, False))
    [row] = ingest_batch.decode_files(files, previous, {}).iter_rows(named=True)
    assert "whitespace" in row["reject_reason"]


def test_a_file_that_could_not_be_read_keeps_its_read_error_as_reason_and_has_no_encoding():
    files = _files(("gone.txt", None, None, "could not read the file: vanished"))
    [row] = ingest_batch.decode_files(files, _previous(), {}).iter_rows(named=True)
    assert row["reject_reason"] == "could not read the file: vanished" and row["encoding"] is None


def _planned(*rows: tuple) -> pl.DataFrame:
    """(name, change, status, prev_status, article_key, stat_signature, prev_stat_signature)"""
    return pl.DataFrame(
        [{"path": f"/in/{n}", "source_file": n, "content_sha256": f"sha-{n}", "size_bytes": 10, "encoding": "utf-8",
          "is_encoding_fallback": None, "read_at": READ_AT, "change": ch, "status": st, "prev_status": ps, "reject_reason": None,
          "article_key": key, "stat_signature": sig, "prev_stat_signature": psig, "text": f"text of {n}"}
         for n, ch, st, ps, key, sig, psig in rows],
        schema_overrides={"is_encoding_fallback": pl.Boolean, "prev_status": pl.String, "article_key": pl.String,
                          "prev_stat_signature": pl.String, "reject_reason": pl.String},
    )


PLANNED = [
    ("new.txt", "new", "loaded", None, "k1", "s", None),
    ("copy.txt", "new", "duplicate", None, "k1", "s", None),
    ("edited.txt", "changed", "loaded", "loaded", "k2", "s", "s"),
    ("same.txt", "unchanged", "loaded", "loaded", "k3", "s", "s"),
    ("touched.txt", "unchanged", "loaded", "loaded", "k4", "s2", "s"),
]


def test_a_batch_extracts_new_and_changed_articles_but_not_copies_or_unchanged_files():
    assert ingest_batch.to_extract(_planned(*PLANNED))["source_file"].to_list() == ["new.txt", "edited.txt"]


def test_raw_file_rows_are_every_file_but_the_unchanged_ones_stamped_with_the_run():
    rows = ingest_batch.raw_file_rows(_planned(*PLANNED), "run-1")
    # touched.txt: same bytes, new stat signature: written again so that the next run need not read it.
    assert rows["source_file"].to_list() == ["new.txt", "copy.txt", "edited.txt", "touched.txt"]
    assert rows["run_id"].unique().to_list() == ["run-1"] and rows["is_encoding_fallback"].to_list() == [False] * 4
    assert rows.columns[-2:] == ["run_id", "stat_signature"] and "text" not in rows.columns


def test_an_unchanged_batch_writes_nothing_unless_it_retires_an_article():
    unchanged = _planned(PLANNED[3])
    assert ingest_batch.writes_nothing(unchanged, retired=[])
    assert not ingest_batch.writes_nothing(unchanged, retired=["k9"])
    assert not ingest_batch.writes_nothing(_planned(PLANNED[4]), retired=[])  # a new stat signature is written
    assert not ingest_batch.writes_nothing(_planned(PLANNED[1]), retired=[])  # a copy is recorded


def test_rejected_rows_list_the_files_rejected_then_the_rows_their_models_refused():
    planned = _planned(*PLANNED).with_columns(
        pl.when(pl.col("source_file") == "new.txt").then(pl.lit("rejected")).otherwise("change").alias("change"),
        pl.when(pl.col("source_file") == "new.txt").then(pl.lit("file is empty")).otherwise("reject_reason").alias("reject_reason"),
    )
    invalid = pl.DataFrame({"table_name": ["fct_visit"], "source_file": ["edited.txt"], "reason": ["bad date"], "row_json": ['{"a": 1}']})
    at = datetime(2024, 5, 1, 10, 0)
    rows = ingest_batch.rejected_rows(planned, invalid, "run-1", at)
    assert rows.columns == list(ingest_batch.REJECTED_COLUMNS)
    assert rows.select("table_name", "source_file", "reason").rows() == [("raw_file", "new.txt", "file is empty"),
                                                                         ("fct_visit", "edited.txt", "bad date")]
    assert rows["run_id"].to_list() == ["run-1"] * 2 and rows["rejected_at"].to_list() == [at] * 2


def test_files_known_at_the_start_and_not_listed_now_are_recorded_missing_once():
    known = pl.DataFrame({"path": ["/in/a.txt", "/in/b.txt", "/in/c.txt"], "status": ["loaded", "loaded", "missing"],
                          "run_id": ["old"] * 3, "is_stored": [True] * 3})
    rows = ingest_batch.missing_file_rows(pl.DataFrame({"path": ["/in/a.txt"]}), known, "run-2", "/in")
    # c.txt was missing already: its row stays as it was.
    assert rows.to_dicts() == [{"path": "/in/b.txt", "status": "missing", "run_id": "run-2"}]
