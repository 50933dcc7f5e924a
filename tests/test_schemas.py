"""Every table model rejects bad rows; validate_table splits them out with a reason."""

import json

import polars as pl
import pytest

from schemas import MODELS
from schemas.validate import validate_table
from transforms.marts import build_marts, reference_marts
from transforms.visit_events import build_visit_events, event_findings

K = "0123456789abcdef"


@pytest.fixture(scope="module")
def good_tables(extract, rules):
    ex = extract(
        "Headline\n\nIn their fourth monitoring visit to Surrey council, rated inadequate in 2018, inspectors focused on care leavers. "
        "Caseloads were manageable.\n\nClare Curran, the council’s cabinet member, said: “We are pleased with this.”",
        # A full inspection, for its judgements.
        "Headline\n\nKent council's children's services have been rated good by Ofsted after an inspection in May 2024. "
        "Leadership was judged outstanding.",
    )
    files = pl.DataFrame({"article_key": ex.articles["article_key"], "source_file": ["a.txt", "b.txt"], "content_sha256": ["a" * 64, "b" * 64]})
    reference = reference_marts(rules)
    tables = build_marts(ex, files, reference["fct_inspection"]) | reference
    mentions = tables["fct_visit"].join(tables["dim_article"].select("article_key", "published_date", "publisher", "source_file"), on="article_key")
    tables["dim_visit_event"], link = build_visit_events(mentions, tables["fct_inspection"])
    tables["fct_visit_event_finding"] = event_findings(tables["fct_finding"], mentions, link)
    return tables


# (table, column, bad value): one breakage per table, each against a declared check.
BREAKAGES = [
    ("dim_article", "article_key", "not-a-key"),
    ("dim_local_authority", "ons_code", "X123"),
    ("dim_person", "person_name", "A"),
    ("dim_date", "month", 13),
    ("dim_theme", "theme", "weather"),
    ("fct_visit", "visit_type", "drive_by"),
    ("fct_visit_focus", "focus_area", "everything"),
    ("fct_person_mention", "speaker_type", "alien"),
    ("fct_quote", "evidence_start", -1),
    ("fct_finding", "polarity", "neutral"),
    ("fct_inspection", "overall_effectiveness", "requires improvement"),
    ("stg_article", "clean_text", ""),
    ("stg_sentence", "block_kind", "sidebar"),
    ("stg_authority_mention", "char_start", -5),
    ("stg_visit_candidate", "la_name", ""),
    ("dim_visit_event", "visit_type", "drive_by"),
    ("fct_visit_event_finding", "polarity", "neutral"),
    ("dim_judgement_area", "area", "everything"),
    ("fct_judgement", "grade", "fine"),
]


def test_every_table_has_a_breakage_case():
    assert {t for t, _, _ in BREAKAGES} | {"raw_file", "raw_text"} == set(MODELS)


@pytest.mark.parametrize("table, column, bad", BREAKAGES)
def test_model_rejects_a_bad_row_and_keeps_the_rest(good_tables, table, column, bad):
    frame = good_tables[table]
    assert frame.height >= 1
    valid, _ = validate_table(table, frame)
    assert valid.height == frame.height
    broken = frame.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(bad)).otherwise(pl.col(column)).alias(column))
    valid, rejected = validate_table(table, broken, pl.DataFrame({"article_key": [frame["article_key"][0]] if "article_key" in frame.columns else [K], "source_file": ["a.txt"]}))
    assert valid.height == frame.height - 1
    assert rejected.height == 1
    r = rejected.row(0, named=True)
    assert r["table_name"] == table and column in r["reason"]
    assert json.loads(r["row_json"])[column] == bad
    if "article_key" in frame.columns:
        assert r["source_file"] == "a.txt"


def test_duplicate_keys_are_rejected(good_tables):
    frame = good_tables["fct_visit"].head(1)
    valid, rejected = validate_table("fct_visit", pl.concat([frame, frame]))
    assert valid.height == 0 and rejected.height == 2 and "uniqueness" in rejected["reason"][0]


def test_models_are_strict(good_tables):
    frame = good_tables["dim_person"].with_columns(pl.lit(1).alias("surprise"))
    with pytest.raises(ValueError, match="surprise"):
        validate_table("dim_person", frame)


def test_raw_file_and_raw_text_checks():
    row = {"path": "/x/a.txt", "source_file": "a.txt", "content_sha256": "f" * 64, "size_bytes": 3, "encoding": "utf-8",
           "is_encoding_fallback": False, "read_at": __import__("datetime").datetime(2026, 1, 1), "status": "loaded",
           "reject_reason": None, "article_key": K, "run_id": "r", "stat_signature": "3:1:1:7:2"}
    good = pl.DataFrame([row])
    assert validate_table("raw_file", good)[0].height == 1
    bad = pl.DataFrame([row | {"path": "/x/b.txt", "status": "eaten"}, row | {"path": "/x/c.txt", "encoding": "ebcdic"}])
    assert validate_table("raw_file", bad)[1].height == 2
    assert validate_table("raw_text", pl.DataFrame({"content_sha256": ["nothex"], "raw_text": ["x"]}))[1].height == 1


# validate_table first asks every check of a table at once and lets pandera, check by check, see only the
# frames where one may fail (schemas/validate.py). What it lets through must be exactly what pandera
# passes and returns: never a frame pandera would refuse, and the same columns and types when it passes.
def _breakages(frame: pl.DataFrame):
    first = pl.int_range(pl.len()) == 0
    for column, dtype in frame.schema.items():
        values = [None]
        if dtype == pl.String:
            values += ["", "zzz"]
        elif dtype.is_numeric():
            values += [-1, 10**6]
        for value in values:
            try:
                yield f"{column}={value!r:.20}", frame.with_columns(pl.when(first).then(pl.lit(value)).otherwise(pl.col(column)).alias(column))
            except Exception:  # noqa: BLE001 - a value polars cannot put in this column
                continue
        if dtype != pl.String and not dtype.is_nested():
            yield f"{column} as text", frame.with_columns(pl.col(column).cast(pl.String))
        yield f"{column} missing", frame.drop(column)
    yield "a row twice", pl.concat([frame, frame.head(1)])
    yield "an extra column", frame.with_columns(pl.lit(1).alias("surprise"))


@pytest.mark.parametrize("table", sorted(t for t, _, _ in BREAKAGES))
def test_checks_asked_at_once_pass_exactly_what_pandera_passes(good_tables, table):
    from schemas.validate import _when_every_row_passes

    model = MODELS[table]
    frame = good_tables[table]
    assert _when_every_row_passes(model, frame) is not None, "a frame pandera passes skips the check-by-check validation"
    let_through = 0
    for what, broken in _breakages(frame):
        fast = _when_every_row_passes(model, broken)
        try:
            full = model.validate(broken, lazy=True)
        except Exception:  # noqa: BLE001 - pandera refuses it, one way or another
            assert fast is None, f"{table}, {what}: passed at once, refused by pandera"
            continue
        if fast is not None:
            let_through += 1
            assert fast.schema == full.schema and fast.equals(full), f"{table}, {what}: not what pandera returns"
    assert let_through > 0  # some breakages are still valid rows (a null in a nullable column): both paths pass them
