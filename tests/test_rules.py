"""The analyst-editable rule files parse, and every pattern compiles where it is used."""

import csv
import re
from pathlib import Path

import polars as pl
import pytest

from transforms.textmatch import ascii_word_boundaries

RULES = Path(__file__).resolve().parents[1] / "seeds" / "rules"
VOCAB = Path(__file__).resolve().parents[1] / "seeds" / "vocabulary"


@pytest.mark.parametrize("path", sorted(RULES.glob("*.csv")) + sorted(VOCAB.glob("*.csv")), ids=lambda p: p.name)
def test_rule_file_is_rectangular(path):
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert len(rows) >= 2
    assert all(len(r) == len(rows[0]) for r in rows), [r for r in rows if len(r) != len(rows[0])]


def _patterns():
    for path in sorted(RULES.glob("*.csv")):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            for col in ("pattern", "unless"):
                if row.get(col):
                    yield path.name, (row[col].replace("{ORD}", "(?:first|second)").replace("{COUNT}", "(?:once|twice)")
                                      .replace("{DATE}", "(?:May 2019)"))


@pytest.mark.parametrize("name, pattern", list(_patterns()))
def test_pattern_compiles_in_polars(name, pattern):
    pl.Series(["probe text"]).str.contains(pattern)
    pl.Series(["probe text"]).str.contains(ascii_word_boundaries(pattern))


def test_vocabulary_keys_match_the_shared_vocabulary(rules):
    expected = {
        "ratings": ["outstanding", "good", "requires_improvement", "inadequate"],
        "visit_types": ["monitoring_visit", "focused_visit", "focused_assurance_visit", "inspection"],
        "focus_areas": ["front_door", "help_and_protection", "children_in_care", "care_leavers", "disabled_children", "pre_proceedings"],
        "polarities": ["positive", "negative"],
    }
    for name, keys in expected.items():
        assert rules.vocab[name][rules.vocab[name].columns[0]].to_list() == keys
    assert len(rules.vocab["themes"]) == 17


def test_cue_files_only_use_vocabulary_keys(rules):
    themes = set(rules.vocab["themes"]["theme"])
    assert set(rules.theme_cues["theme"]) <= themes
    assert set(rules.focus_cues["focus_area"]) <= set(rules.vocab["focus_areas"]["focus_area"])
    assert set(rules.rating_cues["rating"]) <= set(rules.vocab["ratings"]["rating"])
    assert set(rules.visit_type_cues["visit_type"]) <= set(rules.vocab["visit_types"]["visit_type"])
    assert set(rules.polarity_cues["polarity"]) <= {"positive", "negative"}


def test_rules_hold_no_sample_file_names():
    text = "\n".join(p.read_text(encoding="utf-8") for p in RULES.glob("*.csv"))
    assert not re.search(r"[0-9]{3}_[0-9a-f]{16}", text)


@pytest.mark.parametrize(
    "pattern, expected",
    [
        (r"(?i)\bturnover\b", r"(?i)(?-u:\b)turnover(?-u:\b)"),
        (r"[\b]x\b", r"[\b]x(?-u:\b)"),  # inside a class \b is a backspace: left alone
        (r"\\b\b", r"\\b(?-u:\b)"),  # an escaped backslash then a literal b: left alone
        (r"[]\b]\b", r"[]\b](?-u:\b)"),  # a ] first in a class is a literal
        (r"\Bx", r"\Bx"),  # Rust refuses (?-u:\B) in text patterns: kept Unicode
    ],
)
def test_word_boundaries_are_made_ascii_outside_classes(pattern, expected):
    assert ascii_word_boundaries(pattern) == expected


def test_ascii_boundaries_match_the_same_rules_in_news_text(rules):
    """Every polars cue finds the same sentences with either boundary on text full of curly quotes."""
    text = pl.Series(["The council’s “drift and delay” in care proceedings — and high turnover — were noted.",
                      "Inspectors found caseloads “too high”, but management oversight had improved."])
    raw = pl.read_csv(Path(__file__).resolve().parents[1] / "seeds" / "rules" / "theme_cues.csv")["pattern"].to_list()
    for unicode_pattern in raw:
        assert (text.str.contains(unicode_pattern).to_list() == text.str.contains(ascii_word_boundaries(unicode_pattern)).to_list()), unicode_pattern
    assert rules.theme_cues["pattern"].str.contains(r"\(\?-u:\\b\)", literal=False).any()


def test_rules_are_read_again_when_a_rule_file_changes_and_kept_while_none_does(tmp_path):
    """A served deployment keeps its rules between runs; an analyst's edit takes effect on the next run."""
    import shutil

    from transforms.rules import load_rules, load_rules_once

    seeds = tmp_path / "seeds"
    for folder in ("rules", "vocabulary", "reference"):
        shutil.copytree(RULES.parent / folder, seeds / folder)
    first = load_rules_once(seeds)
    assert load_rules_once(seeds) is first
    assert first.speech_verbs == load_rules(seeds).speech_verbs
    verbs = seeds / "rules" / "speech_verbs.csv"
    rows = list(csv.DictReader(verbs.open(encoding="utf-8")))
    with verbs.open("a", encoding="utf-8", newline="") as out:
        csv.DictWriter(out, fieldnames=list(rows[0])).writerow({**rows[0], "verb": "harrumphed"})
    edited = load_rules_once(seeds)
    assert edited is not first and "harrumphed" in edited.speech_verbs and "harrumphed" not in first.speech_verbs
    (seeds / "vocabulary" / "themes.csv").write_bytes((seeds / "vocabulary" / "themes.csv").read_bytes() + b"")
    assert load_rules_once(seeds) is edited  # rewritten with the same bytes: nothing to read again
    (seeds / "rules" / "la_aliases.csv").unlink()
    with pytest.raises(FileNotFoundError):
        load_rules_once(seeds)


def test_rules_read_while_a_file_was_saved_are_not_kept(tmp_path, monkeypatch):
    """A file saved between hashing and reading: those rules may mix old and new, so they are not kept
    under the old bytes' fingerprint (undoing the edit must not bring them back)."""
    import shutil

    from transforms import rules as rules_module

    seeds = tmp_path / "seeds"
    for folder in ("rules", "vocabulary", "reference"):
        shutil.copytree(RULES.parent / folder, seeds / folder)
    verbs = seeds / "rules" / "speech_verbs.csv"
    original = verbs.read_bytes()
    real_load = rules_module.load_rules

    def load_then_save(folder):
        loaded = real_load(folder)
        verbs.write_bytes(original + original.splitlines(keepends=True)[-1])
        return loaded

    monkeypatch.setattr(rules_module, "load_rules", load_then_save)
    raced = rules_module.load_rules_once(seeds)
    monkeypatch.setattr(rules_module, "load_rules", real_load)
    verbs.write_bytes(original)
    assert rules_module.load_rules_once(seeds) is not raced
