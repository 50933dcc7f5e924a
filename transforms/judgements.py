"""Full inspections: the grade an inspection gave, the grade it replaced, and its judgements by area.

A news report of a full inspection usually states two grades: the new one and the one it replaced
("rated good, four years after being judged inadequate"). Every rating cue of a visit is read with
the words around it (``previous_rating_frames.csv``): a cue in a look-back ("up from", "after being
judged", "at its last inspection", a sentence about the earlier inspection) or dated years before the
inspection is the replaced grade; the first other one is this inspection's.

Judgements are read from frames (``judgement_frames.csv``) that join an area
(``judgement_area_cues.csv``) and a grade (``grade_words.csv``): an area then its grade ("leadership
was judged outstanding", a table line "The impact of leaders - Good"), a grade then its area ("rated
outstanding for leadership"), one grade for all areas ("good in all four areas"), for the areas not
named ("good in the rest") or for a number of them ("good in three out of four areas"), which decides
the areas left over when the named ones leave only one way to count them.
"""

from __future__ import annotations

import re

import polars as pl

from transforms.rules import Rules
from transforms.textmatch import as_group, unflagged

# The areas each framework grades besides the overall effectiveness (seeds/vocabulary/judgement_areas.csv):
# ILACS from 2023 grades care leavers apart; before, children in care covered them.
AREAS_FROM_2023 = ["leaders", "help_and_protection", "children_in_care", "care_leavers"]
AREAS_BEFORE_2023 = ["leaders", "help_and_protection", "children_in_care"]
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "both": 2} | {str(n): n for n in range(1, 6)}
COUNT = r"(?:one|two|three|four|five|[1-5])"
# A clause break inside a frame's area part: the areas before it are not the ones graded.
CLAUSE_BREAK = r"(?i)(?:;|\bwhile\b|\bbut\b|\bwhereas\b|\balthough\b|\bhowever\b)"
# A 'since ...' clause measures against the earlier inspection; it does not recount it.
SINCE_CLAUSE = r"(?i)\bsince\b[^.;]{0,60}"
# How far before a judgement's words an earlier inspection named makes the statement that one's.
EARLIER_CONTEXT = 80
MONTH_NUMBERS = {m: i + 1 for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                                  "september", "october", "november", "december"])}


def framework_areas(year: int | None) -> list[str]:
    """The areas graded besides the overall effectiveness by an inspection of that year (the newest framework when unknown)."""
    return AREAS_BEFORE_2023 if year is not None and year < 2023 else AREAS_FROM_2023


def _alternation(frame: pl.DataFrame, column: str) -> str:
    return "|".join(as_group(unflagged(p)) for p in frame[column])


def _frames(rules: Rules, kind: str) -> list[str]:
    areas = f"(?:{_alternation(rules.judgement_area_cues, 'pattern')})"
    grades = f"(?:{_alternation(rules.grade_words, 'pattern')})"
    return [
        f.replace("{AREA}", areas).replace("{GRADE}", grades).replace("{COUNT}", COUNT)
        for f in rules.judgement_frames.filter(pl.col("kind") == kind)["frame"]
    ]


def previous_markers(rules: Rules, side: str) -> str:
    rows = rules.previous_rating_frames.filter(pl.col("side") == side)["pattern"]
    return "(?i)(?:" + "|".join(as_group(unflagged(p)) for p in rows) + ")" if len(rows) else r"(?!x)x"


def is_earlier_inspection(text: pl.Expr, rules: Rules) -> pl.Expr:
    """True where a sentence recounts the inspection before this one (its 'since ...' clauses aside)."""
    return text.str.replace_all(SINCE_CLAUSE, " ").str.contains(previous_markers(rules, "sentence"))


def _grade_of(text: pl.Expr, rules: Rules) -> pl.Expr:
    """The grade a piece of text names: the last grade word in it (a frame ends on its grade; the
    grade's full name 'requires improvement to be good' ends on another grade's word)."""
    text = text.str.replace(r"(?i)(improvement)\s+to be good[\x22”’']?\s*$", "$1")
    found = [
        pl.when(text.str.contains(f"(?i)(?:{unflagged(r['pattern'])})[^a-zA-Z]*$")).then(pl.lit(r["rating"]))
        for r in rules.grade_words.iter_rows(named=True)
    ]
    return pl.coalesce(found)


def _first_grade(text: pl.Expr, rules: Rules) -> pl.Expr:
    """The grade named first in a piece of text (a frame that opens on its grade)."""
    positions = [text.str.find(f"(?i){unflagged(r['pattern'])}").alias(r["rating"]) for r in rules.grade_words.iter_rows(named=True)]
    ratings = rules.grade_words["rating"].to_list()
    earliest = pl.min_horizontal(positions)
    return pl.coalesce([pl.when(p == earliest).then(pl.lit(g)) for p, g in zip(positions, ratings)])


def _areas_in(text: pl.Expr, rules: Rules) -> pl.Expr:
    """Every area a piece of text names, as a list (children in care and care leavers named together: both)."""
    return pl.concat_list([
        pl.when(text.str.contains(r["pattern"])).then(pl.lit(r["area"])) for r in rules.judgement_area_cues.iter_rows(named=True)
    ]).list.drop_nulls().list.unique(maintain_order=True)


def _matches(s: pl.DataFrame, patterns: list[str], kind: str, rules: Rules) -> pl.DataFrame:
    if not patterns or s.is_empty():
        return pl.DataFrame(schema={"article_key": pl.String, "la_name": pl.String, "start": pl.Int64, "end": pl.Int64,
                                    "text": pl.String, "kind": pl.String, "match": pl.String, "order": pl.Int32})
    pattern = "|".join(as_group(unflagged(p)) for p in patterns)
    found = (
        s.select("article_key", "la_name", "start", "end", "text", pl.col("text").str.extract_all(f"(?im){pattern}").alias("match"))
        .explode("match").drop_nulls("match")
        .with_columns(pl.lit(kind).alias("kind"),
                      pl.struct("text", "match").map_elements(lambda r: r["text"].find(r["match"]), return_dtype=pl.Int32).alias("order"))
    )
    # A statement about the inspection before this one ("the 2019 inspection, where the service was rated
    # good in two of three areas"): the words just before it say so; the rest of its sentence may not.
    context = pl.concat_str(pl.col("text").str.slice(0, pl.col("order")).str.tail(EARLIER_CONTEXT), pl.col("match"))
    return found.filter(~is_earlier_inspection(context, rules))


def extract_judgements(s: pl.DataFrame, inspections: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """The judgements of each inspection visit the text states.

    ``s``: the sentences of each visit (article_key, la_name, start, end, text), in text order;
    ``inspections``: the inspection visits (article_key, la_name, rating, inspection_year), the rating
    being this inspection's overall judgement. Columns: article_key, la_name, area, grade,
    evidence_text, evidence_start, evidence_end.
    """
    out_schema = {"article_key": pl.String, "la_name": pl.String, "area": pl.String, "grade": pl.String,
                  "evidence_text": pl.String, "evidence_start": pl.Int64, "evidence_end": pl.Int64}
    if inspections.is_empty():
        return pl.DataFrame(schema=out_schema)
    s = s.join(inspections.select("article_key", "la_name"), on=["article_key", "la_name"], how="inner")
    match = pl.col("match")
    # An area, then its grade: the areas of the frame's last clause, the grade that ends it.
    area_first = _matches(s, _frames(rules, "area_then_grade"), "explicit", rules).with_columns(
        match.str.replace_all(CLAUSE_BREAK, "\u0000").str.split("\u0000").list.last().alias("areas_part"),
    ).with_columns(_areas_in(pl.col("areas_part"), rules).alias("areas"), _grade_of(match, rules).alias("grade")).drop("areas_part")
    grade_first = _matches(s, _frames(rules, "grade_then_area"), "explicit", rules).with_columns(
        _areas_in(match, rules).alias("areas"), _first_grade(match, rules).alias("grade"))
    # "The rating was for leadership, ...": the visit's own grade, given to the areas listed.
    rating_for = _matches(s, _frames(rules, "rating_for"), "rating_for", rules).with_columns(
        _areas_in(match, rules).alias("areas"), pl.lit(None, dtype=pl.String).alias("grade"))
    explicit = (pl.concat([area_first, grade_first, rating_for], how="diagonal_relaxed").explode("areas").rename({"areas": "area"})
                .drop_nulls("area").filter(pl.col("grade").is_not_null() | (pl.col("kind") == "rating_for")))
    collective = pl.concat([
        _matches(s, _frames(rules, "all_areas"), "all_areas", rules),
        _matches(s, _frames(rules, "rest"), "rest", rules),
        _matches(s, _frames(rules, "count"), "count", rules),
    ], how="diagonal_relaxed").with_columns(
        _first_grade(match, rules).alias("grade"),
        match.str.extract(rf"(?i)\b({COUNT})\b", 1).str.to_lowercase().replace_strict(NUMBERS, default=None, return_dtype=pl.Int32).alias("count"),
    ).drop_nulls("grade")
    return _resolve(inspections, explicit, collective).select(list(out_schema)).cast(out_schema)


def _resolve(inspections: pl.DataFrame, explicit: pl.DataFrame, collective: pl.DataFrame) -> pl.DataFrame:
    """One grade per (visit, area): the overall from the visit's rating, then the explicit statements
    in text order, then the collective ones for the areas still open (Python: a handful per article)."""
    rows = []
    by_visit_explicit = explicit.sort("start", "order").partition_by(["article_key", "la_name"], as_dict=True)
    by_visit_collective = collective.sort("start", "order").partition_by(["article_key", "la_name"], as_dict=True)
    for v in inspections.iter_rows(named=True):
        key = (v["article_key"], v["la_name"])
        areas = framework_areas(v["inspection_year"])
        found: dict[str, dict] = {}
        evidence_of_rating = {"evidence_text": v["evidence_text"], "evidence_start": v["evidence_start"], "evidence_end": v["evidence_end"]}
        if v["rating"] is not None:
            found["overall"] = {"grade": v["rating"], **evidence_of_rating}
        year = v["inspection_year"]
        # ILACS from 2018 to 2023 judged care leavers within children in care; the SIF graded them beneath it.
        judged_apart = areas + ["overall"] + (["care_leavers"] if year is not None and year < 2018 else [])
        for r in (by_visit_explicit.get(key).iter_rows(named=True) if key in by_visit_explicit else []):
            area, grade = r["area"], r["grade"] if r["grade"] is not None else v["rating"]
            if grade is not None and area not in found and area in judged_apart:
                found[area] = {"grade": grade, "evidence_text": r["text"], "evidence_start": r["start"], "evidence_end": r["end"]}
        counts: dict[str, int] = {}
        for r in (by_visit_collective.get(key).iter_rows(named=True) if key in by_visit_collective else []):
            ev = {"evidence_text": r["text"], "evidence_start": r["start"], "evidence_end": r["end"]}
            if r["kind"] in ("all_areas", "rest"):
                for area in areas + (["overall"] if r["kind"] == "all_areas" else []):
                    found.setdefault(area, {"grade": r["grade"], **ev})
            elif r["count"] is not None:
                counts.setdefault(r["grade"], r["count"])
                counts.setdefault("_evidence", ev)  # type: ignore[arg-type]
        evidence = counts.pop("_evidence", None)
        open_areas = [a for a in areas if a not in found]
        if counts and open_areas:
            # Counts name the areas graded, with or without the overall judgement among them.
            with_overall = sum(counts.values()) == len(areas) + 1
            counted = [a for a in areas if a in found] + (["overall"] if with_overall and "overall" in found else [])
            needed = {g: n - sum(1 for a in counted if found[a]["grade"] == g) for g, n in counts.items()}
            fitting = [g for g, n in needed.items() if n == len(open_areas)]
            if len(fitting) == 1 and all(n <= 0 for g, n in needed.items() if g != fitting[0]):
                for area in open_areas:
                    found[area] = {"grade": fitting[0], **evidence}  # type: ignore[dict-item]
        for area, j in found.items():
            rows.append({"article_key": key[0], "la_name": key[1], "area": area, **j})
    return pl.DataFrame(rows, schema={"article_key": pl.String, "la_name": pl.String, "area": pl.String, "grade": pl.String,
                                      "evidence_text": pl.String, "evidence_start": pl.Int64, "evidence_end": pl.Int64})


# What follows a grade that makes it an area's, not the authority's: "good in three of the four areas".
AREA_GRADE_AFTER = (r"(?i)^[\x22”’']?\s+(?:(?:ofsted\s+)?(?:rating|grade|judgement)s?\s+)?(?:in|for|across)\s+(?:one|two|three|four|five|all|every|each|some|"
                    r"most|many|the (?:other|remaining|rest|first|second|third|fourth|fifth))\b")
# Before a grade, in its clause: several areas or aspects graded together.
AREAS_BEFORE = r"(?i)\b(?:some|two|three|four|five|several|most|other|all)\s+(?:of\s+the\s+)?(?:aspects|areas|judgements|categories)\b[^.;]{0,30}$"
# A grade kept at the new inspection: the one it replaced was the same.
KEPT = r"(?i)\b(?:retain(?:s|ed|ing)?|keep(?:s|ing)?|kept|maintain(?:s|ed|ing)?|holds? on to|held on to)\b[^.;]{0,20}$"


# The grade's own word, to place a rating cue on it (the vocabulary's keys as the text writes them).
GRADE_WORD = {"outstanding": re.compile(r"(?i)outstanding"), "good": re.compile(r"(?i)good"),
              "requires_improvement": re.compile(r"(?i)requir\w* improvement|\bRI\b"), "inadequate": re.compile(r"(?i)inadequate|failing|lowest")}


def _grade_word_at(r: dict) -> int:
    at = len(r["text"].encode("utf-8")[: r["pos"]].decode("utf-8", "ignore"))
    found = GRADE_WORD[r["rating"]].search(r["text"], at) if r["rating"] in GRADE_WORD else None
    return found.start() if found else at


def rating_statements(cues: pl.DataFrame, sentences: pl.DataFrame, mentions: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Each rating cue of transforms.visits (article_key, la_name, start, pos, rating, year, month) said
    of the authority's overall judgement, with ``is_previous``: said of the judgement an inspection
    replaced, by the words just before it ("up from", "after being judged"), those after it ("at its
    last inspection") or its sentence's (one about the earlier inspection); and ``is_kept`` ("retains
    its good rating"). A cue graded of an area ("children in care were found to be good", "good in
    three of the four areas") is left out, and so is one in a sentence naming several authorities that
    belongs to another (the nearest authority named before it). ``sentences``: article_key, la_name,
    start, text; ``mentions``: transforms.authorities.find_mentions (article_key, start, la_name, is_valid)."""
    grade_at = "|".join(f"(?:{unflagged(p)})" for p in rules.grade_words["pattern"])
    areas = "|".join(f"(?:{unflagged(p)})" for p in rules.judgement_area_cues.filter(pl.col("area") != "overall")["pattern"])
    text = pl.col("text")
    clause = pl.col("_before").str.replace(r"^.*[,;:–—(]", "")
    st = (
        cues.join(sentences.select("article_key", "la_name", "start", "text").unique(["article_key", "la_name", "start"]),
                  on=["article_key", "la_name", "start"], how="left")
        # Where the grade's own word is (a cue may open on its verb, several words before: "rated X by
        # Ofsted after being judged inadequate"), in characters (pos is str.find's byte offset).
        .with_columns(pl.struct("text", "pos", "rating").map_elements(_grade_word_at, return_dtype=pl.Int64).alias("_at"))
        .with_columns(text.str.slice(0, pl.col("_at")).str.tail(70).alias("_before"), text.str.slice(pl.col("_at")).alias("_from"))
        # The words after the grade: the text from the cue on, past its first grade word.
        # ... up to the next grade's word: what follows that is said of that grade.
        .with_columns(pl.col("_from").str.replace(f"(?is)^.*?(?:{grade_at})", "").str.replace(f"(?is)(?:{grade_at}).*$", "").alias("_after"))
        # A year the cue took from beyond another grade ("rated X by Ofsted, having been rated Y in 2020") is that grade's.
        .with_columns(pl.when(pl.col("year").is_not_null() & ~pl.col("_after").str.contains(pl.col("year").fill_null("-"), literal=True)
                              & ~pl.col("_before").str.contains(pl.col("year").fill_null("-"), literal=True)
                              & ~pl.col("_from").str.slice(0, 30).str.contains(pl.col("year").fill_null("-"), literal=True))
                      .then(None).otherwise(pl.col("year")).alias("year"))
        .with_columns(pl.when(pl.col("year").is_null()).then(None).otherwise(pl.col("month")).alias("month"))
        .filter(~pl.col("_after").str.contains(AREA_GRADE_AFTER)
                & ~(clause.str.contains(f"(?i){areas}") & ~clause.str.contains(r"(?i)\boverall\b"))
                & ~pl.col("_before").str.contains(AREAS_BEFORE))
        .with_columns(
            (pl.col("_before").str.contains(previous_markers(rules, "before"))
             | pl.col("_after").str.contains(previous_markers(rules, "after"))
             | is_earlier_inspection(pl.col("_before"), rules)).fill_null(False).alias("is_previous"),
            pl.col("_before").str.contains(KEPT).fill_null(False).alias("is_kept"))
        .drop("_before", "_from", "_after", "text")
    )
    # Whose grade: in a sentence naming several authorities, the one named last before the grade.
    named = (mentions.filter(pl.col("is_valid")).select("article_key", pl.col("start").alias("_at"), pl.col("la_name").alias("_owner"))
             .sort("article_key", "_at"))
    placed = st.with_columns((pl.col("start") + pl.col("_at")).alias("_abs")).drop("_at").sort("article_key", "_abs")
    owned = placed.join_asof(named, left_on="_abs", right_on="_at", by="article_key", strategy="backward")
    return (owned.filter(pl.col("_owner").is_null() | (pl.col("_owner") == pl.col("la_name")) | (pl.col("_at") < pl.col("start")))
            .with_columns((pl.col("_abs") - pl.col("start")).alias("pos")).drop("_abs", "_at", "_owner").sort("article_key", "la_name", "start", "pos"))


def inspection_ratings(statements: pl.DataFrame, dates: pl.DataFrame) -> pl.DataFrame:
    """This inspection's grade and the one it replaced, per (article, authority).

    ``statements``: rating_statements; ``dates``: article_key, la_name, visit_year, visit_month,
    published_year. A grade dated two or more years before the inspection (or the article), or before
    another grade the text dates, is the replaced one too. This inspection's grade is the first
    other; its date is the first that a statement of that grade gives, else the inspection's own
    (when the inspectors were on site). The replaced grade is the latest dated one, else the first.
    Columns: article_key, la_name, rating, rating_year, rating_month, previous_rating,
    previous_rating_year, previous_rating_month.
    """
    year = pl.col("year").cast(pl.Int32)
    ref = pl.coalesce("visit_year", "published_year")
    st = (
        statements.join(dates, on=["article_key", "la_name"], how="left")
        .with_columns(year.alias("year"), pl.col("month").str.to_lowercase().replace_strict(MONTH_NUMBERS, default=None, return_dtype=pl.Int32).alias("month"))
        .with_columns(pl.col("year").max().over("article_key", "la_name").alias("_latest"))
        .with_columns((pl.col("is_previous") | (pl.col("year") < ref - 1).fill_null(False)
                       | (pl.col("year") < pl.col("_latest")).fill_null(False)).alias("is_previous"))
        .sort("article_key", "la_name", "start", "pos", maintain_order=True)
    )
    now = st.filter(~pl.col("is_previous"))
    first = now.group_by("article_key", "la_name", maintain_order=True).agg(pl.col("rating").first())
    # The date of the first dated statement that gives this inspection's grade.
    dated = (now.join(first, on=["article_key", "la_name", "rating"], how="semi").drop_nulls("year")
             .group_by("article_key", "la_name", maintain_order=True)
             .agg(pl.col("year").first().alias("stated_year"), pl.col("month").first().alias("stated_month")))
    current = first.join(dated, on=["article_key", "la_name"], how="left").join(
        now.group_by("article_key", "la_name").agg(pl.col("is_kept").any()), on=["article_key", "la_name"], how="left")
    previous = st.filter(pl.col("is_previous")).group_by("article_key", "la_name", maintain_order=True).agg(
        pl.struct("rating", "year", "month").sort_by(pl.col("year").fill_null(0), descending=True).first().alias("_p"),
    ).select("article_key", "la_name", pl.col("_p").struct.field("rating").alias("previous_rating"),
             pl.col("_p").struct.field("year").alias("previous_rating_year"), pl.col("_p").struct.field("month").alias("previous_rating_month"))
    return (
        dates.select("article_key", "la_name", "visit_year", "visit_month", "published_year")
        .join(current, on=["article_key", "la_name"], how="left")
        .join(previous, on=["article_key", "la_name"], how="left")
        # A grade kept ("retains its good rating") replaced the same grade.
        .with_columns(pl.when(pl.col("previous_rating").is_null() & pl.col("is_kept").fill_null(False))
                      .then(pl.col("rating")).otherwise(pl.col("previous_rating")).alias("previous_rating"))
        .select(
            "article_key", "la_name", "rating",
            # Dated by the inspection, else by the article when that is all the text says.
            pl.when(pl.col("stated_year").is_not_null()).then(pl.col("stated_year"))
            .when(pl.col("rating").is_not_null()).then(pl.coalesce("visit_year", pl.when(pl.col("visit_month").is_null()).then(pl.col("published_year"))))
            .cast(pl.Int32).alias("rating_year"),
            pl.when(pl.col("stated_year").is_not_null()).then(
                pl.coalesce("stated_month", pl.when(pl.col("stated_year") == pl.col("visit_year")).then(pl.col("visit_month"))))
            .when(pl.col("rating").is_not_null()).then(pl.col("visit_month")).cast(pl.Int32).alias("rating_month"),
            "previous_rating", pl.col("previous_rating_year").cast(pl.Int32), pl.col("previous_rating_month").cast(pl.Int32),
        )
    )


def inspection_months(sentences: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """The first month each visit's sentences say an inspection took place in (``inspection_date_frames.csv``:
    "the inspection, which took place in January", "after visiting the borough in March").
    Columns: article_key, la_name, _inspected_month."""
    frames = "|".join(as_group(p) for p in rules.inspection_date_frames["pattern"])
    month_names = "|".join(MONTH_NUMBERS)
    return (
        sentences.select("article_key", "la_name", "start", pl.col("text").str.extract(f"({frames})", 1).alias("_frame"))
        .drop_nulls("_frame").sort("article_key", "la_name", "start")
        .select("article_key", "la_name", pl.col("_frame").str.to_lowercase().str.extract(f"({month_names})\\s*$", 1)
                .replace_strict(MONTH_NUMBERS, default=None, return_dtype=pl.Int32).alias("_inspected_month"))
        .drop_nulls("_inspected_month").unique(["article_key", "la_name"], keep="first", maintain_order=True)
    )


def with_inspection_ratings(visits: pl.DataFrame, cues: pl.DataFrame, sentences: pl.DataFrame, mentions: pl.DataFrame,
                            rules: Rules, unattributed: pl.DataFrame | None = None) -> pl.DataFrame:
    """``visits`` (transforms.visits) with an inspection's rating read as the judgement it gave and
    previous_rating, previous_rating_year, previous_rating_month added (null for other visit types).
    ``cues``: the rating cues (article_key, la_name, start, pos, rating, year, month); ``sentences``:
    each visit's sentences (article_key, la_name, start, text, published_date); ``unattributed``: the
    sentences that name no authority (article_key, start, text), for a grade only a headline gives."""
    previous_cols = {"previous_rating": pl.String, "previous_rating_year": pl.Int32, "previous_rating_month": pl.Int32}
    ins = visits.filter(pl.col("visit_type") == "inspection").select("article_key", "la_name", "visit_year", "visit_month")
    if ins.is_empty():
        return visits.with_columns([pl.lit(None, dtype=t).alias(c) for c, t in previous_cols.items()])
    published = sentences.select("article_key", pl.col("published_date").dt.year().cast(pl.Int32).alias("published_year")).unique("article_key")
    dates = ins.join(published, on="article_key", how="left").join(inspection_months(sentences, rules), on=["article_key", "la_name"], how="left")
    # An inspection the visit's date frames left without a month: the month the text says it took place.
    dates = dates.with_columns(pl.when(pl.col("visit_month").is_null()).then(pl.col("_inspected_month")).otherwise(pl.col("visit_month"))
                               .alias("visit_month")).drop("_inspected_month")
    statements = rating_statements(cues.join(ins, on=["article_key", "la_name"], how="semi"), sentences, mentions, rules)
    read = inspection_ratings(statements, dates)
    own = ["rating", "rating_year", "rating_month"]
    if unattributed is not None:
        # No grade in the authority's own sentences: a headline or lead naming no authority gives it.
        unrated = read.filter(pl.col("rating").is_null()).select("article_key", "la_name")
        lead = unattributed.join(unrated, on="article_key", how="inner").select("article_key", "la_name", "start", "text")
        lead_cues = pl.concat([
            lead.select("article_key", "la_name", "start", pl.col("text").str.find(r["pattern"]).alias("pos"), pl.lit(r["rating"]).alias("rating"),
                        pl.lit(None, dtype=pl.String).alias("year"), pl.lit(None, dtype=pl.String).alias("month"))
            for r in rules.rating_cues.iter_rows(named=True)
        ]).drop_nulls("pos").sort("article_key", "la_name", "start", "pos").unique(["article_key", "la_name", "start", "pos"], keep="first")
        from_lead = inspection_ratings(rating_statements(lead_cues, lead, mentions.clear(), rules), dates.join(unrated, on=["article_key", "la_name"]))
        got = from_lead.filter(pl.col("rating").is_not_null()).select("article_key", "la_name", *[pl.col(c).alias(f"_lead_{c}") for c in own])
        read = read.join(got, on=["article_key", "la_name"], how="left").with_columns(
            [pl.when(pl.col("_lead_rating").is_not_null()).then(pl.col(f"_lead_{c}")).otherwise(pl.col(c)).alias(c) for c in own]
        ).drop([f"_lead_{c}" for c in own])
    read = read.with_columns(pl.lit(True).alias("_inspection"))
    return (
        visits.join(read.rename({c: f"_{c}" for c in own}), on=["article_key", "la_name"], how="left")
        .with_columns([pl.when(pl.col("_inspection")).then(pl.col(f"_{c}")).otherwise(pl.col(c)).cast(visits.schema[c]).alias(c) for c in own])
        .drop([f"_{c}" for c in own] + ["_inspection"])
        .with_columns([pl.col(c).cast(t) for c, t in previous_cols.items()])
    )


def judgements_of_visits(sentences: pl.DataFrame, visits: pl.DataFrame, articles: pl.DataFrame, rules: Rules,
                         unattributed: pl.DataFrame | None = None) -> pl.DataFrame:
    """extract_judgements over every inspection visit of a batch. ``sentences``: as
    transforms.visits.sentences_per_authority gives them; ``articles``: article_key, published_date;
    ``unattributed``: the sentences naming no authority (article_key, start, end, text), which an
    article reporting one inspection states of it (a table of judgements, a list under a heading)."""
    ins = visits.filter(pl.col("visit_type") == "inspection").join(
        articles.select("article_key", pl.col("published_date").dt.year().cast(pl.Int32).alias("_published")), on="article_key", how="left"
    ).select("article_key", "la_name", "rating", pl.coalesce("rating_year", "visit_year", "_published").alias("inspection_year"),
             "evidence_text", "evidence_start", "evidence_end")
    s = sentences.select("article_key", "la_name", "start", "end", "text")
    if unattributed is not None:
        only = ins.group_by("article_key").agg(pl.col("la_name").first(), pl.len().alias("_n")).filter(pl.col("_n") == 1).drop("_n")
        s = pl.concat([s, unattributed.join(only, on="article_key", how="inner").select(s.columns)], how="vertical_relaxed")
    return extract_judgements(s.unique(["article_key", "la_name", "start"]).sort("article_key", "start"), ins, rules)


def with_overall_judgement(visits: pl.DataFrame, judgements: pl.DataFrame) -> pl.DataFrame:
    """An inspection whose rating no rating cue gave takes its overall judgement when the text states it
    as a judgement ("the service's overall effectiveness required improvement", "requires improvement in
    all areas")."""
    overall = judgements.filter(pl.col("area") == "overall").select("article_key", "la_name", pl.col("grade").alias("_overall"))
    filled = (pl.col("visit_type") == "inspection") & pl.col("rating").is_null() & pl.col("_overall").is_not_null()
    # Dated as an inspection's rating is: by the inspection.
    return (visits.join(overall, on=["article_key", "la_name"], how="left")
            .with_columns(pl.when(filled).then(pl.col("visit_year")).otherwise(pl.col("rating_year")).alias("rating_year"),
                          pl.when(filled).then(pl.col("visit_month")).otherwise(pl.col("rating_month")).alias("rating_month"),
                          pl.when(filled).then(pl.col("_overall")).otherwise(pl.col("rating")).alias("rating"))
            .drop("_overall"))
