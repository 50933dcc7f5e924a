"""Every rule of the full-inspection rule files matches its own example and misses its counter-example,
run as transforms/judgements.py runs it: judgement frames with their {AREA}, {GRADE} and {COUNT} slots
filled from judgement_area_cues.csv and grade_words.csv; previous_rating_frames.csv by side (the text
just before a grade, just after it, or a whole sentence with its 'since ...' clause removed)."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from transforms.judgements import COUNT, SINCE_CLAUSE
from transforms.textmatch import as_group, ascii_word_boundaries, unflagged

RULES = Path(__file__).resolve().parents[1] / "seeds" / "rules"
FILES = ["judgement_area_cues.csv", "grade_words.csv", "judgement_frames.csv", "previous_rating_frames.csv", "inspection_date_frames.csv"]


def _rows(name: str) -> list[tuple[int, dict[str, str]]]:
    with (RULES / name).open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return [(reader.line_num, row) for row in reader]


def _alternation(name: str) -> str:
    return "(?:" + "|".join(as_group(unflagged(ascii_word_boundaries(r["pattern"]))) for _, r in _rows(name)) + ")"


def _regex(name: str, row: dict[str, str]) -> tuple[str, bool]:
    """(the regex, whether the text is first stripped of its 'since ...' clauses)."""
    if name == "judgement_frames.csv":
        frame = ascii_word_boundaries(row["frame"])
        filled = frame.replace("{AREA}", _alternation("judgement_area_cues.csv")).replace("{GRADE}", _alternation("grade_words.csv"))
        return filled.replace("{COUNT}", COUNT), False
    if name == "previous_rating_frames.csv":
        sides = {"before": "$", "after": "^", "sentence": ""}
        assert row["side"] in sides, f"side must be one of {sorted(sides)}"
        anchor = sides[row["side"]]
        assert anchor in row["pattern"], f"a {row['side']} rule is run on the text {row['side']} a grade: anchor it with {anchor}"
        return ascii_word_boundaries(row["pattern"]), row["side"] == "sentence"
    return ascii_word_boundaries(row["pattern"]), False


CASES = [pytest.param(name, row, id=f"{name}:{line}") for name in FILES for line, row in _rows(name)]


def _matches(name: str, row: dict[str, str], text: str) -> bool:
    regex, strip_since = _regex(name, row)
    series = pl.Series([text])
    if strip_since:
        series = series.str.replace_all(SINCE_CLAUSE, " ")
    return bool(series.str.contains(regex).item())


@pytest.mark.parametrize("name", FILES)
def test_file_has_the_example_columns_last(name):
    with (RULES / name).open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header[-4:] == ["targets", "note", "example_match", "example_nomatch"], header


@pytest.mark.parametrize("name, row", CASES)
def test_rule_matches_its_example_and_not_its_counter_example(name, row):
    assert all((row.get(c) or "").strip() for c in ("targets", "note", "example_match", "example_nomatch"))
    assert _matches(name, row, row["example_match"]), f"{name}: {row['example_match']!r} not matched"
    assert not _matches(name, row, row["example_nomatch"]), f"{name}: {row['example_nomatch']!r} matched"


def test_areas_and_grades_use_the_vocabularies(rules):
    assert set(rules.judgement_area_cues["area"]) == set(rules.vocab["judgement_areas"]["area"])
    assert set(rules.grade_words["rating"]) == set(rules.vocab["ratings"]["rating"])
    assert set(rules.judgement_frames["kind"]) == {"area_then_grade", "grade_then_area", "all_areas", "rest", "count", "rating_for"}
