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
                     "reject_reason": None, "stat_signature": None, **changes.get(name, {})})
    return pl.DataFrame(rows, schema={"path": pl.String, "source_file": pl.String, "content_sha256": pl.String,
                                      "read_error": pl.String, "reject_reason": pl.String, "stat_signature": pl.String})


def _known(**changes) -> pl.DataFrame:
    keys = pl.DataFrame({"content_sha256": list(SHA.values())}).select(incremental.article_key_expr().alias("k"))["k"].to_list()
    rows = []
    for (name, sha), key in zip(SHA.items(), keys):
        rows.append({"path": f"/in/{name}.txt", "content_sha256": sha, "status": "loaded", "article_key": key,
                     "reject_reason": None, "stat_signature": None, "is_stored": True, **changes.get(name, {})})
    return pl.DataFrame(rows, schema={"path": pl.String, "content_sha256": pl.String, "status": pl.String, "article_key": pl.String,
                                      "reject_reason": pl.String, "stat_signature": pl.String, "is_stored": pl.Boolean})


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


def _listing(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"path": pl.String, "content_sha256": pl.String, "status": pl.String,
                                      "stat_signature": pl.String, "read_at": pl.Datetime("us")})


def test_a_recorded_hash_is_reused_only_for_live_files_whose_times_had_settled_when_read():
    from datetime import datetime

    read_at = datetime(2026, 11, 1, 12, 0, 0)
    ns = int((read_at - datetime(1970, 1, 1)).total_seconds()) * 1_000_000_000
    old, fresh = ns - 60 * 1_000_000_000, ns - 500_000_000
    trusted = incremental.trusted_hashes(_listing([
        {"path": "/a", "content_sha256": SHA["a"], "status": "loaded", "stat_signature": f"5:{old}:{old}:1:2", "read_at": read_at},
        {"path": "/b", "content_sha256": SHA["b"], "status": "duplicate", "stat_signature": f"5:{old}:{old}:3:2", "read_at": read_at},
        # written half a second before it was read: a same-size rewrite could keep these times
        {"path": "/c", "content_sha256": SHA["c"], "status": "loaded", "stat_signature": f"5:{old}:{fresh}:4:2", "read_at": read_at},
        {"path": "/d", "content_sha256": SHA["d"], "status": "rejected", "stat_signature": f"5:{old}:{old}:5:2", "read_at": read_at},
        {"path": "/e", "content_sha256": SHA["a"], "status": "missing", "stat_signature": f"5:{old}:{old}:6:2", "read_at": read_at},
        {"path": "/f", "content_sha256": SHA["a"], "status": "loaded", "stat_signature": None, "read_at": read_at},
    ]))
    assert trusted == {"/a": (f"5:{old}:{old}:1:2", SHA["a"]), "/b": (f"5:{old}:{old}:3:2", SHA["b"])}


def test_the_stat_signature_changes_with_content_and_with_a_copied_back_time(tmp_path):
    import os

    f = tmp_path / "a.txt"
    f.write_text("one")
    first = incremental.stat_signature(os.stat(f))
    st = os.stat(f)
    f.write_text("two")  # same size
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # modification time set back, as cp -p would
    assert incremental.stat_signature(os.stat(f)) != first
