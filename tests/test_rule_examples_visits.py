"""Every rule of the visit, authority and focus rule files matches its own example and misses its counter-example.

Each row carries ``example_match`` (an invented text the rule must match) and ``example_nomatch``
(an invented text it must not match). A rule is turned into the regex the pipeline runs, in the
one dialect the pipeline uses: polars ``str.contains`` after ``ascii_word_boundaries`` (as
transforms/rules.py loads pattern columns). Test ids are ``file:line`` (the CSV line, header = 1),
so a failure names the row to open.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from transforms.textmatch import ascii_word_boundaries
from transforms.visits import DATE_SLOT

RULES = Path(__file__).resolve().parents[1] / "seeds" / "rules"
EXAMPLE_COLUMNS = ("targets", "note", "example_match", "example_nomatch")


def _rows(name: str) -> list[tuple[int, dict[str, str]]]:
    with (RULES / name).open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return [(reader.line_num, row) for row in reader]


def _number_words(kind: str) -> str:
    """The ordinal or count words of ordinal_words.csv as one alternation, longest first (as visits.visit_ordinal builds it)."""
    words = [r["word"] for _, r in _rows("ordinal_words.csv") if r["kind"] == kind]
    return "|".join(sorted(words, key=len, reverse=True))


def _whole_words(*words: str) -> str:
    alternatives = "|".join(re.escape(w.strip()) for w in words if w.strip())
    return ascii_word_boundaries(rf"(?i)\b(?:{alternatives})\b")


def _pattern(row: dict[str, str]) -> str:
    return ascii_word_boundaries(row["pattern"])


def _anchored_end(row: dict[str, str]) -> str:
    """Text just before something (an authority name, a visit-type cue): the rule must end at ``$``."""
    assert row["pattern"].endswith("$"), "this rule is tested on the text just BEFORE its anchor: end the pattern with $"
    return _pattern(row)


def _anchored_start(row: dict[str, str]) -> str:
    """Text just after something: the rule must start at ``^`` (after an optional ``(?i)``)."""
    assert re.match(r"^(?:\(\?i\))?\^", row["pattern"]), "this rule is tested on the text just AFTER its anchor: start the pattern with ^"
    return _pattern(row)


def _ordinal_pattern(row: dict[str, str]) -> str:
    slots = {"{ORD}": _number_words("ordinal"), "{COUNT}": _number_words("count")}
    used = [s for s in slots if s in row["pattern"]]
    assert len(used) == 1, "an ordinal pattern holds exactly one slot, {ORD} or {COUNT}"
    return _pattern(row).replace(used[0], f"(?P<n>{slots[used[0]]})")


def _mention_exclusion(row: dict[str, str]) -> str:
    # "before": the example is the text before an authority name; "after": the text after it.
    sides = {"before": _anchored_end, "after": _anchored_start}
    assert row["side"] in sides, f"side must be one of {sorted(sides)}"
    return sides[row["side"]](row)


def _past_context(row: dict[str, str]) -> str:
    # before_cue/after_cue: the text just before/after a visit-type cue; sentence rows (and
    # sentence_exempt rows, which the findings extractor removes first) anywhere in a sentence.
    scopes = {"before_cue": _anchored_end, "after_cue": _anchored_start, "sentence": _pattern, "sentence_exempt": _pattern}
    assert row["scope"] in scopes, f"scope must be one of {sorted(scopes)}"
    return scopes[row["scope"]](row)


def _visit_date_frame(row: dict[str, str]) -> str:
    # after_date is run as written on the text that follows a date ("the 12 March| monitoring visit").
    kinds = {"before_date": _pattern, "not_this_visit": _pattern, "earlier_visit": _pattern, "after_date": _pattern, "this_visit": _pattern}
    assert row["kind"] in kinds, f"kind must be one of {sorted(kinds)}"
    return kinds[row["kind"]](row)


def _rating_date_frame(row: dict[str, str]) -> str:
    # after_cue runs on the text just after a rating cue; neighbour and not_neighbour on a whole sentence.
    assert row["kind"] in {"after_cue", "neighbour", "not_neighbour"}, "kind must be after_cue, neighbour or not_neighbour"
    assert ("{DATE}" in row["pattern"]) == (row["kind"] != "not_neighbour"), "a frame that dates holds one {DATE} slot"
    return _pattern(row).replace("{DATE}", DATE_SLOT)


# file -> how one of its rows becomes the regex the pipeline runs
TO_REGEX: dict[str, Callable[[dict[str, str]], str]] = {
    "focus_cues.csv": _pattern,
    "focus_indicators.csv": _pattern,
    "visit_evidence.csv": _pattern,
    "progress_patterns.csv": _pattern,
    "mention_exclusions.csv": _mention_exclusion,
    "former_authorities.csv": lambda r: _whole_words(r["la_name"], *r["alt_names"].split("|")),
    "ordinal_words.csv": lambda r: _whole_words(r["word"]),
    "past_context.csv": _past_context,
    "rating_cues.csv": _pattern,
    "visit_type_cues.csv": _pattern,
    "ordinal_patterns.csv": _ordinal_pattern,
    "visit_exclusions.csv": _pattern,
    "visit_report_cues.csv": _pattern,
    "visit_date_frames.csv": _visit_date_frame,
    "rating_date_frames.csv": _rating_date_frame,
    "inspectorate_subjects.csv": _pattern,
}

CASES = [pytest.param(name, row, id=f"{name}:{line}") for name in TO_REGEX for line, row in _rows(name)]


def _matches(regex: str, text: str) -> bool:
    return bool(pl.Series([text]).str.contains(regex).item())


@pytest.mark.parametrize("name", list(TO_REGEX))
def test_file_has_the_example_columns_last(name):
    with (RULES / name).open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header[-2:] == ["example_match", "example_nomatch"], header
    assert set(header[-4:-2]) == {"targets", "note"}, header


@pytest.mark.parametrize("name, row", CASES)
def test_row_gives_targets_note_and_both_examples(name, row):
    missing = [c for c in EXAMPLE_COLUMNS if not (row.get(c) or "").strip()]
    assert not missing, f"fill {missing}: say what the rule targets and give an invented text it matches and one it must not"


@pytest.mark.parametrize("name, row", CASES)
def test_rule_matches_its_example(name, row):
    regex = TO_REGEX[name](row)
    assert _matches(regex, row["example_match"]), f"{regex!r} does not match {row['example_match']!r}"
    if row.get("unless"):
        unless = ascii_word_boundaries(row["unless"])
        assert not _matches(unless, row["example_match"]), f"the unless pattern vetoes the rule's own example {row['example_match']!r}"


@pytest.mark.parametrize("name, row", CASES)
def test_rule_misses_its_counter_example(name, row):
    regex = TO_REGEX[name](row)
    assert not _matches(regex, row["example_nomatch"]), f"{regex!r} matches {row['example_nomatch']!r}"


def test_every_ordinal_word_is_an_ordinal_or_a_count():
    kinds = {r["kind"] for _, r in _rows("ordinal_words.csv")}
    assert kinds <= {"ordinal", "count"}, kinds
