"""Every rule of the cleaning and name-list files runs on its own examples, as the pipeline runs it.

Patterns go through polars ``str.contains`` with ASCII word boundaries, as the loader prepares them;
a word or name list's "pattern" is its literal entry, escaped and matched as a whole word;
publishers' variants are compared with a name folded the way ``transforms.clean`` folds it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import polars as pl
import pytest

from transforms.clean import publisher_key
from transforms.textmatch import ascii_word_boundaries

RULES = Path(__file__).resolve().parents[1] / "seeds" / "rules"
DESCRIBED = ("targets", "note", "example_match", "example_nomatch")
OWN_FILES = ("boilerplate.csv", "metadata_patterns.csv", "publishers.csv", "abbreviations.csv", "la_aliases.csv", "ambiguous_names.csv")


def _rows(name: str) -> list[dict]:
    return list(csv.DictReader((RULES / name).open(encoding="utf-8")))


def _contains(text: str, pattern: str) -> bool:
    return bool(pl.Series([text]).str.contains(ascii_word_boundaries(pattern))[0])


def _word(literal: str, case_insensitive: bool = False) -> str:
    return ("(?i)" if case_insensitive else "") + r"\b" + re.escape(literal) + r"\b"


def _cases(name: str, key: str):
    return [pytest.param(r, id=f"{name}:{i + 2}:{r[key][:40]}") for i, r in enumerate(_rows(name))]


@pytest.mark.parametrize("name", OWN_FILES)
def test_every_rule_is_described_with_both_examples(name):
    rows = _rows(name)
    assert rows and set(DESCRIBED) <= set(rows[0])
    missing = [(i + 2, c) for i, r in enumerate(rows) for c in DESCRIBED if not (r[c] or "").strip()]
    assert missing == [], f"{name}: rows (line, column) without text: {missing}"


def test_rule_keys_take_known_values():
    assert {r["action"] for r in _rows("boilerplate.csv")} <= {
        "drop_line", "drop_header_line", "drop_rest", "strip_prefix", "strip_furniture", "list_marker"
    }
    meta = _rows("metadata_patterns.csv")
    assert {r["field"] for r in meta} == {"publisher", "published_date"}
    assert {r["scope"] for r in meta} <= {"anywhere", "header"}
    assert {r["requires_known_publisher"] for r in meta} <= {"true", "false"}
    assert all(r["format"] for r in meta if r["field"] == "published_date")


@pytest.mark.parametrize("row", _cases("boilerplate.csv", "pattern"))
def test_boilerplate_rule_on_its_examples(row):
    assert _contains(row["example_match"], row["pattern"])
    assert not _contains(row["example_nomatch"], row["pattern"])


@pytest.mark.parametrize("row", _cases("metadata_patterns.csv", "targets"))
def test_metadata_rule_on_its_examples(row):
    assert _contains(row["example_match"], row["pattern"])
    assert not _contains(row["example_nomatch"], row["pattern"])
    # The match must also yield a value: a name, or a date in the row's format.
    value = pl.Series([row["example_match"]]).str.extract(ascii_word_boundaries(row["pattern"]), 1)
    assert value[0], row["example_match"]
    if row["field"] == "published_date":
        cleaned = value.str.replace_all(r"(\d)(st|nd|rd|th)\b", "$1").str.replace_all(",", "")
        assert cleaned.str.to_date(row["format"], strict=False)[0] is not None, value[0]


@pytest.mark.parametrize("row", _cases("publishers.csv", "variant"))
def test_publisher_variant_on_its_examples(row):
    folded = pl.Series([row["example_match"], row["example_nomatch"]]).to_frame("name").select(publisher_key(pl.col("name")))
    assert folded["name"].to_list()[0] == row["variant"]
    assert folded["name"].to_list()[1] != row["variant"]


@pytest.mark.parametrize("row", _cases("abbreviations.csv", "abbreviation"))
def test_abbreviation_on_its_examples(row):
    assert _contains(row["example_match"], _word(row["abbreviation"]))
    assert not _contains(row["example_nomatch"], _word(row["abbreviation"]))


@pytest.mark.parametrize("row", _cases("la_aliases.csv", "alias"))
def test_alias_on_its_examples(row):
    # As the mention matcher reads aliases: several words in any case, one word only as written.
    pattern = _word(row["alias"], case_insensitive=" " in row["alias"])
    assert _contains(row["example_match"], pattern)
    assert not _contains(row["example_nomatch"], pattern)


@pytest.mark.parametrize("row", _cases("ambiguous_names.csv", "la_name"))
def test_ambiguous_name_on_its_examples(row):
    assert _contains(row["example_match"], _word(row["la_name"]))
    assert not _contains(row["example_nomatch"], _word(row["la_name"]))
