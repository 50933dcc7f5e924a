"""Every rule of the findings rule files on its own invented examples.

A rule's ``example_match`` must match it and its ``example_nomatch`` must not, tested as the
extractor runs them: polars ``str.contains`` on the pattern with ASCII word boundaries (the loader's
``ascii_word_boundaries``). A theme cue with an ``unless`` matches where its pattern matches and its
``unless`` does not.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from transforms.textmatch import ascii_word_boundaries

RULES = Path(__file__).resolve().parents[1] / "seeds" / "rules"
FILES = ["theme_cues", "polarity_cues", "polarity_modifiers", "clause_splitters", "past_context", "finding_frames"]
DOC_COLUMNS = ["targets", "note", "example_match", "example_nomatch"]


def _rows():
    for name in FILES:
        frame = pl.read_csv(RULES / f"{name}.csv", infer_schema=False)
        for i, row in enumerate(frame.iter_rows(named=True)):
            yield pytest.param(name, row, id=f"{name}-{i}")


def _matches(row: dict, text: str) -> bool:
    hit = pl.Series([text]).str.contains(ascii_word_boundaries(row["pattern"])).item()
    if row.get("unless"):
        hit = hit and not pl.Series([text]).str.contains(ascii_word_boundaries(row["unless"])).item()
    return hit


@pytest.mark.parametrize("name", FILES)
def test_findings_rule_files_have_the_one_shape(name):
    columns = pl.read_csv(RULES / f"{name}.csv", infer_schema=False, n_rows=1).columns
    assert {"pattern", "targets", "note", "example_match", "example_nomatch"} <= set(columns)


@pytest.mark.parametrize("name, row", list(_rows()))
def test_rule_is_documented(name, row):
    missing = [c for c in DOC_COLUMNS if not (row.get(c) or "").strip()]
    assert not missing, f"{name}: {row['pattern']} lacks {missing}"


@pytest.mark.parametrize("name, row", list(_rows()))
def test_rule_matches_its_example(name, row):
    assert _matches(row, row["example_match"]), f"{name}: {row['pattern']!r} does not match {row['example_match']!r}"


@pytest.mark.parametrize("name, row", list(_rows()))
def test_rule_does_not_match_its_counter_example(name, row):
    assert not _matches(row, row["example_nomatch"]), f"{name}: {row['pattern']!r} matches {row['example_nomatch']!r}"


def test_visits_before_cue_row_keeps_its_meaning():
    """visits.py reads the one 'before_cue' row as a look-back test on the text just before a cue."""
    frame = pl.read_csv(RULES / "past_context.csv", infer_schema=False).filter(pl.col("scope") == "before_cue")
    assert len(frame) == 1
    pattern = ascii_word_boundaries(frame["pattern"][0])
    before = pl.Series(["It was the third visit since a focused", "It was the latest focused", "after the previous"])
    assert before.str.contains(pattern).to_list() == [True, False, True]


def test_no_one_sentence_polarity_cues_remain():
    """Cues fitted to one sample sentence were removed; they must not creep back."""
    text = (RULES / "polarity_cues.csv").read_text(encoding="utf-8").lower()
    for phrase in ("run out of steam", "false impression", "core components"):
        assert phrase not in text
