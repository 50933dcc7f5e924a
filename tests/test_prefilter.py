"""The candidate prefilter gives what the full scan gives, row for row, and its literals are sound.

Every rule row of seeds/rules runs both ways (prefiltered, then OFSTED_WATCH_PREFILTER=0) over
invented sentences plus the rule files' own examples, for every method the pipeline uses.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import polars as pl
import pytest

from transforms import prefilter as rx
from transforms.literals import required_literals
from transforms.textmatch import ascii_word_boundaries

RULES = Path(__file__).resolve().parents[1] / "seeds" / "rules"

INVENTED = [
    "Inspectors found that agency staff turnover had fallen since the last monitoring visit.",
    "The council said it was disappointed; however, leaders have strengthened oversight.",
    "Practice has not improved and caseloads remain too high, the letter said.",
    "“We are pleased,” said Cllr Ada Frost, cabinet member for children’s services.",
    "The fourth monitoring visit since the service was rated inadequate in May 2019 took place in March.",
    "Nothing here mentions any rule at all.",
    "",
    None,
    "A KELVIN \u212aids sign and a long \u017fkills s, to test case folding.",
    "Ofsted’s focused visit looked at the front door and care leavers; improvements needed remain.",
]


def _runs_in_polars(pattern: str) -> bool:
    """Rows with placeholders ({COUNT}, {NAME}) are templates, not patterns: the pipeline expands them."""
    try:
        pl.select(pl.lit("").str.contains(pattern))
        return True
    except pl.exceptions.ComputeError:
        return False


def _rule_patterns() -> list[str]:
    out = []
    for path in sorted(RULES.glob("*.csv")):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            for column in ("pattern", "unless"):
                if row.get(column) and _runs_in_polars(ascii_word_boundaries(row[column])):
                    out.append(ascii_word_boundaries(row[column]))
    return out


def _examples() -> list[str]:
    out = []
    for path in sorted(RULES.glob("*.csv")):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            out += [row[c] for c in ("example_match", "example_nomatch") if row.get(c)]
    return out


def _frame() -> pl.DataFrame:
    # Long enough that the prefilter does not hand a short column straight to the regex.
    texts = INVENTED + _examples()
    texts = texts * (rx.MIN_ROWS // len(texts) + 1)
    return pl.DataFrame({"text": texts}, schema={"text": pl.String})


def _both_ways(frame: pl.DataFrame, makers: list, monkeypatch) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every expression in one select (one frame operation), prefiltered and then in full."""
    monkeypatch.setenv(rx.ENV_SWITCH, "1")
    fast = frame.select([make(pl.col("text")).alias(f"r{i}") for i, make in enumerate(makers)])
    monkeypatch.setenv(rx.ENV_SWITCH, "0")
    full = frame.select([make(pl.col("text")).alias(f"r{i}") for i, make in enumerate(makers)])
    return fast, full


METHODS = {
    "contains": lambda p: (lambda e: rx.contains(e, p)),
    "count_matches": lambda p: (lambda e: rx.count_matches(e, p)),
    "find": lambda p: (lambda e: rx.find(e, p)),
    "extract": lambda p: (lambda e: rx.extract(e, f"({p})", 1)),
    "extract_all": lambda p: (lambda e: rx.extract_all(e, p)),
    "replace_all": lambda p: (lambda e: rx.replace_all(e, p, "<>")),
}


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_rule_gives_the_same_rows_prefiltered_and_in_full(method, monkeypatch):
    patterns = sorted(set(_rule_patterns()))
    fast, full = _both_ways(_frame(), [METHODS[method](p) for p in patterns], monkeypatch)
    for i, pattern in enumerate(patterns):
        assert fast[f"r{i}"].equals(full[f"r{i}"]), pattern
    # Most rules have literals: the comparison above ran the prefilter, not the fallback.
    assert sum(required_literals(p) is not None for p in patterns) > 100


def test_groups_of_an_unmatched_row_are_nulls_as_in_full(monkeypatch):
    frame = _frame()
    fast, full = _both_ways(frame, [lambda e: rx.extract_groups(e, r"(?i)(?P<n>fourth|third) monitoring (?P<kind>visit)")], monkeypatch)
    assert fast.equals(full)
    assert fast["r0"].struct.field("n").drop_nulls().to_list()[:1] == ["fourth"]


def test_a_rule_without_literals_runs_in_full():
    assert required_literals(r"[A-Z][a-z]+ [A-Z][a-z]+") is None  # no literal every match holds
    assert required_literals(r":\s*$") is None  # its only literal is too short to help
    assert required_literals(r"[[:alpha:]]+ing") is None  # a class Python would read another way


def test_literals_come_from_the_whole_pattern():
    assert required_literals(r"(?i)\bimprov(ed|ing|es)\b") is not None
    assert {"improved", "improving", "improves"} <= set(required_literals(r"(?i)\bimprov(ed|ing|es)\b"))
    # An alternation needs a literal from every branch; an optional part gives none.
    assert set(required_literals(r"(?i)\b(?:neglect|domestic abuse)\b")) >= {"neglect", "domestic abuse"}
    assert "council" not in set(required_literals(r"(?:the council )?inspected") or ())


def test_every_rule_example_that_matches_holds_one_of_the_rules_literals():
    """Soundness on the rule files' own examples: a match without any literal would be lost."""
    checked = 0
    for path in sorted(RULES.glob("*.csv")):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            pattern, example = row.get("pattern"), row.get("example_match")
            if not pattern or not example:
                continue
            literals = required_literals(ascii_word_boundaries(pattern))
            try:
                m = re.search(pattern, example)
            except re.error:
                continue
            if literals is None or m is None:
                continue
            checked += 1
            assert any(lit in m.group(0).lower() for lit in literals), (path.name, pattern, example)
    assert checked > 100
