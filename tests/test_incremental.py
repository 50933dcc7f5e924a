"""Planning a batch from the run's starting listing gives the plan the working copy would give."""

from __future__ import annotations

import polars as pl
import pytest

from transforms import incremental

SHA = {name: f"{i:064x}" for i, name in enumerate("abcd", start=1)}


def _files(**changes) -> pl.DataFrame:
    rows = []
    for name in "abc":
        rows.append({"path": f"/in/{name}.txt", "source_file": f"{name}.txt", "content_sha256": SHA[name], "read_error": None,
                     "reject_reason": None, **changes.get(name, {})})
    return pl.DataFrame(rows, schema={"path": pl.String, "source_file": pl.String, "content_sha256": pl.String,
                                      "read_error": pl.String, "reject_reason": pl.String})


def _known(**changes) -> pl.DataFrame:
    keys = pl.DataFrame({"content_sha256": list(SHA.values())}).select(incremental.article_key_expr().alias("k"))["k"].to_list()
    rows = []
    for (name, sha), key in zip(SHA.items(), keys):
        rows.append({"path": f"/in/{name}.txt", "content_sha256": sha, "status": "loaded", "article_key": key,
                     "reject_reason": None, "is_stored": True, **changes.get(name, {})})
    return pl.DataFrame(rows, schema={"path": pl.String, "content_sha256": pl.String, "status": pl.String, "article_key": pl.String,
                                      "reject_reason": pl.String, "is_stored": pl.Boolean})


def test_a_batch_read_as_it_was_at_the_start_is_planned_unchanged_from_the_listing():
    state = incremental.unchanged_state(_files(), _known())
    assert state is not None
    previous, stored = state
    assert sorted(previous["path"]) == ["/in/a.txt", "/in/b.txt", "/in/c.txt"] and "is_stored" not in previous.columns
    assert stored.height == 3
    planned = incremental.plan_files(_files(), previous.select(incremental.PREVIOUS_SCHEMA.keys()), stored)
    assert planned["change"].to_list() == ["unchanged"] * 3 and planned["status"].to_list() == ["loaded"] * 3


@pytest.mark.parametrize(
    "files, known",
    [
        ({"b": {"content_sha256": SHA["d"]}}, {}),                      # content changed
        ({"c": {"path": "/in/new.txt"}}, {}),                          # a file the listing does not hold
        ({}, {"a": {"status": "missing"}}),                             # back from missing: its row is written again
        ({}, {"a": {"status": "rejected"}}),                            # rejected before: the reason must be checked
        ({}, {"b": {"is_stored": False}}),                              # its article is not stored
        ({"a": {"read_error": "could not read the file"}}, {}),         # unreadable now
    ],
)
def test_any_file_that_may_have_changed_sends_the_batch_to_the_warehouse(files, known):
    assert incremental.unchanged_state(_files(**files), _known(**known)) is None


def test_an_empty_batch_is_not_planned_from_the_listing():
    assert incremental.unchanged_state(_files().clear(), _known()) is None
