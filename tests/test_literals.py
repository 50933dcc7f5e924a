"""Required literals are sound (every match holds one) and FirstMatch answers as the plain loop does."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import polars as pl

from transforms.literals import FirstMatch, Screen, required_literals
from transforms.textmatch import ascii_word_boundaries

RULES = Path(__file__).resolve().parents[1] / "seeds" / "rules"

# Invented windows around an authority's name, as _check_mention cuts them, and texts that only a
# case-insensitive rule's odd foldings (dotless i, long s, Kelvin sign, dotted capital I) can match.
INVENTED = [
    "Ann Lee, the former director at ",
    "the borough council in the north of ",
    "working with neighbouring ",
    "she joined from ",
    "unlike ",
    "'s former employer",
    ", its partner in practice",
    " Council, as an adviser to the trust",
    "nothing to see here, the inspectors wrote about ",
    "FORMER CHIEF AT ",
    "ex-director of ",
    "Ann Lee, the one-tıme ",  # dotless i
    "with the ſupport of ",  # long s
    "wor\u212aing with ",  # Kelvin sign for k
    "Ann Lee, PREV\u0130OUSLY ",  # dotted capital I
    "",
]


def _loop(rules: list[tuple[str, str]], text: str) -> str | None:
    for pattern, value in rules:
        if re.search(pattern, text):
            return value
    return None


def _rule_rows():
    for path in sorted(RULES.glob("*.csv")):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            if row.get("pattern"):
                yield path.name, row


def test_first_match_answers_as_the_loop_over_every_rule_in_order():
    rows = [(r["pattern"], f"{name}:{i}") for i, (name, r) in enumerate(_rule_rows())]
    rules = []
    for pattern, value in rows:
        try:
            re.compile(pattern)
        except re.error:
            continue  # a template row ({NAME}, {COUNT}): the pipeline expands it first
        rules.append((pattern, value))
    examples = [r.get(c) or "" for _, r in _rule_rows() for c in ("example_match", "example_nomatch")]
    screened = FirstMatch(rules)
    answered = 0
    for text in INVENTED + examples:
        expected = _loop(rules, text)
        assert screened.first(text) == expected, text
        answered += expected is not None
    assert answered > 100  # the comparison covered texts that rules do match
    # The odd foldings match a case-insensitive rule and are not screened out.
    for text in ("Ann Lee, the one-tıme ", "Ann Lee, PREV\u0130OUSLY ", "wor\u212aing with "):
        assert _loop(rules, text) is not None and screened.first(text) == _loop(rules, text)


def test_every_rule_example_match_holds_one_of_its_literals():
    checked = 0
    for name, row in _rule_rows():
        literals = required_literals(row["pattern"])
        try:
            m = re.search(row["pattern"], row.get("example_match") or "")
        except re.error:
            continue
        if literals is None or m is None:
            continue
        checked += 1
        assert any(lit in m.group(0).lower() for lit in literals), (name, row["pattern"])
    assert checked > 100


def test_literals_come_from_the_whole_pattern():
    assert {"improved", "improving", "improves"} <= set(required_literals(r"(?i)\bimprov(ed|ing|es)\b"))
    # Every branch of an alternation gives its literals; an optional part gives none.
    assert {"neglect", "domestic abuse"} <= set(required_literals(r"(?i)\b(?:neglect|domestic abuse)\b"))
    assert "council" not in set(required_literals(r"(?:the council )?inspected") or ())
    # No literal every match holds, or only a short one, or a class Python would read another way.
    assert required_literals(r"[A-Z][a-z]+ [A-Z][a-z]+") is None
    assert required_literals(r":\s*$") is None
    assert required_literals(r"[[:alpha:]]+ing") is None


def test_first_match_runs_only_the_rules_whose_literals_the_text_holds():
    screened = FirstMatch([(r"(?i)\bformer\s*$", "former"), (r"(?i)\bneighbouring\s+$", "near"), (r"[A-Z]\w+ $", "any")])
    # The rule without literals is always a candidate; the one whose literal is absent is not.
    assert screened.candidates("the NEIGHBOURING ") == [1, 2]
    assert screened.candidates("a one-time ") == [2]
    # Overlapping literals are all found ("formerly" holds "former" although a longer word goes on).
    assert screened.candidates("formerly neighbouring") == [0, 1, 2]
    # A folding character turns the screen off: every rule is a candidate.
    assert screened.candidates("wor\u212aing ") == [0, 1, 2]
    assert screened.first("Ann Lee, the former ") == "former" and screened.first("in the neighbouring ") == "near"


def _polars_rules() -> list[str]:
    """Every rule pattern as polars runs it (ASCII word boundaries), without the template rows."""
    out = []
    for _, row in _rule_rows():
        pattern = ascii_word_boundaries(row["pattern"])
        try:
            pl.Series([""]).str.contains(pattern)
        except pl.exceptions.PolarsError:
            continue  # a template row ({AREA}, {COUNT}): expanded before it runs
        out.append(pattern)
    return out


def _invented_texts() -> list[str]:
    examples = [r.get(c) or "" for _, r in _rule_rows() for c in ("example_match", "example_nomatch")]
    # The same texts shouting, and with the odd foldings a case-insensitive rule still matches.
    odd = [t.upper() for t in examples] + [t.replace("k", "\u212a").replace("s", "\u017f") for t in examples]
    return INVENTED + examples + odd


def test_screened_rules_match_where_the_plain_rules_do():
    """Each rule run both ways on invented text: over every row, and over its Screen's candidates alone."""
    patterns = _polars_rules()
    texts = pl.Series("text", _invented_texts())
    pairs = Screen([[p] for p in patterns]).pairs(texts)
    plain = texts.to_frame().select([pl.col("text").str.contains(p).alias(str(g)) for g, p in enumerate(patterns)])
    matched = plain.with_row_index("_row").unpivot(index="_row", variable_name="_group", value_name="hit").filter("hit")
    matched = matched.select("_row", pl.col("_group").cast(pl.Int32))
    # Every match is a candidate: running a rule on its candidates alone finds what the plain pass finds.
    assert matched.join(pairs, on=["_row", "_group"], how="anti").is_empty()
    assert matched.height > 300
    # And the screen does screen: most (row, rule) pairs of ordinary text are not candidates (a text
    # with a Kelvin sign or a long s is a candidate for every rule with a "k" or an "s").
    ordinary = len(INVENTED) + texts.len() // 3
    assert pairs.filter(pl.col("_row") < ordinary).height < 0.1 * ordinary * len(patterns)
    screened = pairs.join(texts.to_frame().with_row_index("_row"), on="_row").join(
        pl.DataFrame({"_group": range(len(patterns)), "_pattern": patterns}, schema={"_group": pl.Int32, "_pattern": pl.String}), on="_group"
    ).filter(pl.col("text").str.contains(pl.col("_pattern"))).select("_row", "_group")
    assert screened.sort("_row", "_group").equals(matched.sort("_row", "_group"))


def test_a_group_is_a_candidate_where_any_of_its_rules_is():
    screen = Screen([[r"(?i)\bneglect\b", r"(?i)\bdomestic abuse\b"], [r":\s*$"], [r"(?i)\bcaseloads?\b"]])
    pairs = screen.pairs(pl.Series(["Domestic Abuse rose.", "Key findings:", "CASELOADS fell", "wor\u212a"]))
    got = {(r, g) for r, g in pairs.iter_rows()}
    # A rule without literals (the colon) is a candidate everywhere; a Kelvin sign may be a "k".
    assert {(0, 0), (2, 2)} <= got and {(r, 1) for r in range(4)} <= got and (3, 0) in got
    assert (0, 2) not in got and (2, 0) not in got
