"""Required literals are sound (every match holds one) and FirstMatch answers as the plain loop does."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from transforms.literals import FirstMatch, required_literals

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
