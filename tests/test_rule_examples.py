"""Every rule runs on its own examples: ``example_match`` must match, ``example_nomatch`` must not.

Each kind of rule file has a function that turns one row into the polars regex the pipeline runs
for it (and, where the pipeline reads a prepared text, the same preparation of the example). Add
a file by adding its kind below.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from transforms.people import expand_frame, frame_parts, mask_expr
from transforms.rules import Rules
from transforms.textmatch import ascii_word_boundaries

RULES = Path(__file__).resolve().parents[1] / "seeds" / "rules"
META = ("targets", "note", "example_match", "example_nomatch")


def pattern_column(row: dict, rules: Rules) -> str:
    """Files whose rows are whole patterns."""
    return row["pattern"]


def word(column: str, case_insensitive: bool = False) -> Callable[[dict, Rules], str]:
    """Files whose rows are one word or phrase, matched between word boundaries."""
    return lambda row, rules: ("(?i)" if case_insensitive else "") + rf"\b(?:{re.escape(row[column])})\b"


def regex_word(column: str, plural: bool = False) -> Callable[[dict, Rules], str]:
    """Files whose rows are a regex fragment matched case-insensitively between boundaries (role heads)."""
    return lambda row, rules: rf"(?i)\b(?:{row[column]})" + ("s?" if plural else "") + r"\b"


def person_frame(row: dict, rules: Rules) -> str:
    """person_patterns.csv: the frame with its placeholders expanded as transforms/people.py does."""
    return expand_frame(row["frame"], frame_parts(rules))


def as_is(text: str, rules: Rules) -> str:
    return text


def masked(text: str, rules: Rules) -> str:
    """The text as the people frames read it (stopwords masked, see people.mask_expr)."""
    return pl.select(mask_expr(pl.lit(text), rules)).item()


# file -> (row to regex, text preparation)
KINDS: dict[str, tuple[Callable[[dict, Rules], str], Callable[[str, Rules], str]]] = {
    "person_roles.csv": (regex_word("role_head", plural=True), as_is),
    "person_titles.csv": (word("title"), as_is),
    "person_patterns.csv": (person_frame, masked),
    "speech_verbs.csv": (word("verb"), as_is),
    "name_stopwords.csv": (word("word"), as_is),
    "role_modifiers.csv": (word("word", case_insensitive=True), as_is),
    "role_ends.csv": (pattern_column, as_is),
    "unnamed_speakers.csv": (regex_word("noun"), as_is),
    "inspectorate_subjects.csv": (pattern_column, as_is),
    "council_subjects.csv": (pattern_column, as_is),
}


def _rows():
    for name in KINDS:
        for i, row in enumerate(csv.DictReader((RULES / name).open(encoding="utf-8")), start=2):
            yield pytest.param(name, row, id=f"{name}:{i}")


@pytest.mark.parametrize("name, row", list(_rows()))
def test_rule_matches_its_example_and_not_its_counterexample(rules, name, row):
    assert all((row.get(c) or "").strip() for c in META), f"{name}: fill {', '.join(c for c in META if not (row.get(c) or '').strip())}"
    to_regex, prepare = KINDS[name]
    regex = ascii_word_boundaries(to_regex(row, rules))
    texts = pl.Series([prepare(row["example_match"], rules), prepare(row["example_nomatch"], rules)])
    matched, unmatched = texts.str.contains(regex).to_list()
    assert matched, f"{name}: {regex!r} does not match its example {row['example_match']!r}"
    assert not unmatched, f"{name}: {regex!r} matches its counter-example {row['example_nomatch']!r}"


def test_every_rule_file_of_these_kinds_has_the_rule_shape():
    for name in KINDS:
        header = next(csv.reader((RULES / name).open(encoding="utf-8")))
        assert tuple(header[-4:]) == META, name
