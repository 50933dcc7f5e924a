"""Events scoring (pairs of matched visits from different files) and the split of an evaluation into parts."""

import json

import pytest

from transforms.scoring_events import load_events, score_events
from transforms.scoring_parts import item_code, parse_parts, score_parts, split_by_part


def doc(file, *las, optional=()):
    return {"file": file, "title": None, "publisher": None, "published_date": None, "other_authorities": [], "people": [], "findings": [],
            "visits": [{"local_authority": la, "optional": la in optional} for la in las]}


def pred(**keys):
    """la -> visit_event_key, for one file."""
    return {"title": None, "publisher": None, "published_date": None, "people": [], "findings": [],
            "visits": [{"local_authority": la, "visit_event_key": k} for la, k in keys.items()]}


GROUPS = [{"visits": [{"file": "a.txt", "local_authority": "Kent"}, {"file": "b.txt", "local_authority": "Kent"},
                      {"file": "c.txt", "local_authority": "Kent"}], "why": "one visit"}]


def test_pairs_are_true_false_positive_or_missed():
    gold = [doc("a.txt", "Kent"), doc("b.txt", "Kent"), doc("c.txt", "Kent"), doc("d.txt", "Kent")]
    predicted = {"a.txt": pred(Kent="e1"), "b.txt": pred(Kent="e1"), "c.txt": pred(Kent="e2"), "d.txt": pred(Kent="e2")}
    r = score_events(gold, predicted, GROUPS)
    # a-b grouped and one key: hit; a-c, b-c grouped, different keys: misses; c-d one key, d in no group: false positive
    assert (r["tp"], r["fp"], r["fn"]) == (1, 1, 2)
    assert r["false_positives"] == [[["c.txt", "Kent"], ["d.txt", "Kent"]]]


def test_only_matched_required_visits_from_different_files_count():
    gold = [doc("a.txt", "Kent", "Leeds"), doc("b.txt", "Kent", optional=("Kent",)), doc("c.txt", "Kent")]
    # a's two visits share a key but come from one file; b's Kent is optional; c's Kent was not extracted
    predicted = {"a.txt": pred(Kent="e1", Leeds="e1"), "b.txt": pred(Kent="e1"), "c.txt": pred()}
    r = score_events(gold, predicted, GROUPS)
    assert (r["tp"], r["fp"], r["fn"]) == (0, 0, 0)


def test_missing_keys_never_agree():
    gold = [doc("a.txt", "Kent"), doc("d.txt", "Kent")]
    r = score_events(gold, {"a.txt": pred(Kent=None), "d.txt": pred(Kent=None)}, GROUPS)
    assert (r["tp"], r["fp"], r["fn"]) == (0, 0, 0)


def test_events_file_absent_or_malformed(tmp_path):
    assert load_events(tmp_path / "events.json") is None
    (tmp_path / "events.json").write_text(json.dumps({"visits": []}))
    with pytest.raises(ValueError, match="expected a list"):
        load_events(tmp_path / "events.json")
    (tmp_path / "events.json").write_text(json.dumps(GROUPS))
    assert load_events(tmp_path / "events.json") == GROUPS


def test_parts_by_item_code():
    files = ["xA01_one.txt", "xB02_two.txt", "xD01_three.txt", "000_sample.txt"]
    assert item_code("xD01_three.txt") == "xD" and item_code("000_sample.txt") is None
    assert parse_parts("xA-xC, xD") == [("xA", "xC"), ("xD", "xD")]
    assert split_by_part(files, "xA-xC,xD-xF") == {"xA-xC": ["xA01_one.txt", "xB02_two.txt"], "xD-xF": ["xD01_three.txt"]}
    assert split_by_part(files) == {"xA": ["xA01_one.txt"], "xB": ["xB02_two.txt"], "xD": ["xD01_three.txt"]}
    for bad in ("xC-xA", "12-xB"):
        with pytest.raises(ValueError):
            parse_parts(bad)


def test_score_parts_counts_each_part_on_its_own():
    groups = [{"visits": [{"file": "xA01.txt", "local_authority": "Kent"}, {"file": "xA02.txt", "local_authority": "Kent"}]}]
    gold = [doc("xA01.txt", "Kent"), doc("xA02.txt", "Kent"), doc("xD01.txt", "Leeds")]
    predicted = {"xA01.txt": pred(Kent="e1"), "xA02.txt": pred(Kent="e1"), "xD01.txt": pred()}
    parts = score_parts(gold, predicted, groups, "xA-xC,xD-xF")
    assert parts["xA-xC"]["visits"]["f1"] == 1.0 and parts["xA-xC"]["events"]["tp"] == 1 and parts["xA-xC"]["files"] == 2
    assert parts["xD-xF"]["visits"]["recall"] == 0.0 and parts["xD-xF"]["events"]["tp"] == 0
