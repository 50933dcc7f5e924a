"""Visits: per article and authority, the visit's type, ordinal, focus, the stated rating and its date."""

from __future__ import annotations

import polars as pl

from transforms.dates import DATE_EXPRESSION, DATE_HINT, resolve
from transforms.judgements import with_inspection_ratings
from transforms.literals import scattered, screen_of
from transforms.rules import Rules
from transforms.textmatch import as_group, ascii_word_boundaries, unflagged

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
MONTH_ALT = "|".join(m.capitalize() for m in MONTHS)
# A year stated just after the rating: "rated inadequate in 2019", "judged 'inadequate' in May 2018".
RATING_DATE_HEAD = ascii_word_boundaries(rf"(?:(?P<head_month>{MONTH_ALT})\s+)?(?P<head_year>(?:19|20)[0-9]{{2}})\b[^.0-9]{{0,80}}?")
RATING_DATE_OWN = rf"(?:(?P<own_month>{MONTH_ALT})\s+)?(?P<own_year>(?:19|20)[0-9]{{2}})"
RATING_YEARS_AGO = ascii_word_boundaries(r"[^.;]{0,40}?\b(?P<ago>a|one|two|three|four|five|six|[1-9])\s+years?\s+ago\b")
RATING_HINT = r"(?i)(?:inadequate|improvement|good|outstanding|RI\b|lowest|failing)"
COUNT_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6} | {str(n): n for n in range(1, 10)}
# A date a rating frame (rating_date_frames.csv) holds in its {DATE} slot: a date expression, or a year
# alone ("the full inspection in autumn 2021").
DATE_SLOT = rf"(?P<date>{DATE_EXPRESSION}|(?:19|20)[0-9]{{2}}\b)"
MONTH_NAMES = {i + 1: m for i, m in enumerate(MONTHS)}
# A grade's word then, a little later, a month or a relative date: the sentences a relative rating date needs.
RELATIVE_HINT = ascii_word_boundaries(
    r"(?:(?i:inadequate|improvement|good|outstanding|lowest|failing)|\bRI\b)[^.;]{0,100}?"
    rf"(?:\b(?:{MONTH_ALT}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b|(?i:\b(?:last|this) (?:year|month|spring|summer|autumn|winter)\b))"
)
# The preposition is optional: a cue may end on it ("finding the council inadequate in").
RATING_DATE_TAIL = ascii_word_boundaries(
    rf"[^.;]{{0,60}}?\b(?:(?:in|since|from|of)\s+)?(?:(?:the\s+)?(?:spring|summer|autumn|winter)\s+(?:of\s+)?)?(?:(?P<month>{MONTH_ALT})\s+)?(?P<year>(?:19|20)[0-9]{{2}})\b"
)


def _look_back(rules: Rules) -> tuple[str, str]:
    """What marks a visit-type cue as an earlier visit: words just before it, a date just after it."""
    scope = lambda k: rules.past_context.filter(pl.col("scope") == k)["pattern"].to_list()  # noqa: E731
    # Several after_cue rules (a date just after: the past; "will be carried out": still to come) run as one.
    after = "(?i)^(?:" + "|".join(f"(?:{unflagged(p).lstrip('^')})" for p in scope("after_cue")) + ")"
    return scope("before_cue")[0], after


def _cue_patterns(pattern: str, look_back: tuple[str, str], dated_is_past: bool) -> tuple[str, str]:
    """A visit-type cue in a look-back ("since a focused assurance visit"; with ``dated_is_past``, "a
    full inspection last year": news recounts full inspections as history, while "a monitoring visit
    in March" is usually the news itself), and the cue with the words that may date it after it."""
    inner = unflagged(pattern)
    before = unflagged(look_back[0].rstrip("$"))
    after = unflagged(look_back[1]).lstrip("^")
    past = f"(?i)(?:{before}(?:{inner})|(?:{inner}){after})" if dated_is_past else f"(?i){before}(?:{inner})"
    return past, f"(?i)(?:{inner}){after}"


def _current_hits(text: pl.Expr, pattern: str | pl.Expr, past: str | pl.Expr, dated: str | pl.Expr, dated_is_past: bool | pl.Expr = False,
                  published_year: pl.Expr | None = None) -> pl.Expr:
    """True where the cue ``pattern`` occurs at least once outside a look-back (``past``, ``dated``:
    _cue_patterns). With ``published_year``, a cue not ``dated_is_past`` dated just after it to a year
    before the article's is history too ("the focused visit of 2018" in an article of 2020). The
    patterns may be columns: one cue per row (see _type_cues)."""
    current = text.str.count_matches(pattern) > text.str.count_matches(past)
    if published_year is None:
        return current
    earlier_year = (
        text.str.extract_all(dated).list.eval(pl.element().str.extract(r"((?:19|20)[0-9]{2})", 1).cast(pl.Int32)).list.max() < published_year
    ).fill_null(False)
    past_anyway = dated_is_past if isinstance(dated_is_past, pl.Expr) else pl.lit(dated_is_past)
    # Only a cue that occurs once can be set aside whole by its date.
    return current & ~(~past_anyway & earlier_year & (text.str.count_matches(pattern) == 1))


def _type_cues(frame: pl.DataFrame, rules: Rules, published_year: pl.Expr | None = None) -> pl.DataFrame:
    """(_row, _cue, _type): each visit-type cue (``_cue``: its place in seed order) that names this visit,
    not a look-back, in row ``_row`` of ``frame``'s text (see _current_hits).

    One literal pass finds the rows each cue can match (transforms.literals.Screen); a cue's regexes
    run on those alone, all cues in one pass with the patterns as columns: most cues occur in a few
    per cent of sentences, and a row none can match has no current cue.
    """
    cues = rules.visit_type_cues
    look_back = _look_back(rules)
    table = pl.DataFrame(
        [(i, r["pattern"], *_cue_patterns(r["pattern"], look_back, r["visit_type"] == "inspection"), r["visit_type"] == "inspection", r["visit_type"])
         for i, r in enumerate(cues.iter_rows(named=True))],
        schema={"_cue": pl.Int32, "_pattern": pl.String, "_past": pl.String, "_dated": pl.String, "_dated_is_past": pl.Boolean, "_type": pl.String},
        orient="row",
    )
    context = frame.select("text", *([published_year.alias("_published_year")] if published_year is not None else []))
    found = screen_of(tuple((p,) for p in cues["pattern"])).candidates(context, "text", table.rename({"_cue": "_group"}), *context.columns[1:])
    # A cue that does not occur is not current: the look-back patterns, the costly ones, run where it does.
    found = found.rename({"_group": "_cue"}).filter(pl.col("text").str.contains(pl.col("_pattern")))
    current = _current_hits(pl.col("text"), pl.col("_pattern"), pl.col("_past"), pl.col("_dated"), pl.col("_dated_is_past"),
                            pl.col("_published_year") if published_year is not None else None)
    return found.filter(current).select("_row", "_cue", "_type")


def _first_type_cue(frame: pl.DataFrame, rules: Rules, published_year: pl.Expr) -> pl.Series:
    """Per row of ``frame``, the type of the first cue (in seed order) that names this visit; null where none does."""
    first = _type_cues(frame, rules, published_year).sort("_row", "_cue").unique("_row", keep="first")
    return scattered(frame.height, first["_row"], first["_type"], None, pl.String).alias("type_cue")


def _any_type_cue(height: int, hits: pl.DataFrame, visit_types: tuple[str, ...] | None = None) -> pl.Series:
    """Per row of a frame (``hits``: its _type_cues), whether a visit-type cue (of these types) names this visit."""
    if visit_types is not None:
        hits = hits.filter(pl.col("_type").is_in(visit_types))
    return scattered(height, hits["_row"].unique(), True, False, pl.Boolean)


LEAD_SENTENCES = 3
GROUP_REFERENCE = r"(?i)\b(?:both|the two|the three|all three|all four|these)\s+(?:councils|authorities|local authorities|boroughs|counties)\b"
# The marks that open a list item: dots, squares, arrows, ticks, dashes.
BULLET = r"^\s*[•·▪◦●◼■□▫○◆◇►▶➢✓✔\-–*]\s"
VISIT_ONLY_TYPES = ("monitoring_visit", "focused_visit", "focused_assurance_visit")


def sentences_per_authority(sentences: pl.DataFrame) -> pl.DataFrame:
    """Each sentence once for every authority it is about: its subject, and every authority it names.

    "Inspectors visited Kent and Surrey" speaks of both, though it is the subject of neither.
    """
    # "Both councils", "the two authorities": the authorities the last sentence naming several named.
    several = pl.when(pl.col("named_las").list.len() > 1).then(pl.col("named_las"))
    group_reference = pl.col("text").str.contains(GROUP_REFERENCE) & (pl.col("named_las").list.len() == 0)
    named = pl.when(group_reference).then(several.forward_fill().over("article_key", order_by="start")).otherwise(pl.col("named_las"))
    las = pl.concat_list(pl.col("la_name"), named.fill_null([])).list.drop_nulls().list.unique(maintain_order=True)
    return (
        sentences.with_columns(las.alias("_las"), pl.col("la_name").alias("_subject"))
        .drop("la_name")
        .explode("_las")
        .rename({"_las": "la_name"})
        .filter(pl.col("la_name").is_not_null())
        .with_columns((pl.col("la_name") == pl.col("_subject")).fill_null(False).alias("is_subject"))
        .drop("_subject")
    )


def visit_candidates(sentences: pl.DataFrame, mentions: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Every (article, authority) the article names beside the inspectorate, and why some are not visits.

    A candidate is an authority named (not set aside) with at least one sentence about it, outside
    the council's own words, that speaks of the inspectorate or a visit. It is set aside when the
    article's lead (its first LEAD_SENTENCES such sentences, headline included) speaks of another
    kind of inspection (another inspectorate, a SEND local-area inspection, a children's home or
    school, an inspection still to come: ``visit_exclusions.csv``) and no lead sentence free of such
    cues reports a children's-services visit (a visit-type cue or ``visit_report_cues.csv``).
    Columns: article_key, la_name, is_visit, set_aside_reason.
    """
    text = pl.col("text")
    # A visit type only local authorities receive ("a focused visit ... of children with SEND")
    # outweighs a SEND, provider or other-inspectorate cue in the same sentence; not a future one.
    exclusions = rules.visit_exclusions.select(
        pl.int_range(pl.len(), dtype=pl.Int32).alias("_group"), pl.col("pattern").alias("_pattern"), pl.col("reason").alias("_reason"),
        (pl.col("yields_to_visit_type") == "true").alias("_yields"))
    report = pl.any_horizontal([text.str.contains(p) for p in rules.visit_report_cues]) if rules.visit_report_cues else pl.lit(False)
    evidence = sentences.filter(pl.any_horizontal([text.str.contains(p) for p in rules.visit_evidence]) & (pl.col("asserted_by") != "council"))
    type_cues = _type_cues(evidence, rules)
    evidence = evidence.with_columns(_any_type_cue(evidence.height, type_cues, VISIT_ONLY_TYPES).alias("_visit_only_type"),
                                     _any_type_cue(evidence.height, type_cues).alias("_type_cue"))
    # The first exclusion (in seed order) that holds, its regex run only where its literals occur.
    excluded = (screen_of(tuple((p,) for p in rules.visit_exclusions["pattern"])).candidates(evidence, "text", exclusions, "_visit_only_type")
                .filter(text.str.contains(pl.col("_pattern")) & ~(pl.col("_visit_only_type") & pl.col("_yields")))
                .sort("_row", "_group").unique("_row", keep="first"))
    evidence = (
        evidence.with_columns(
            scattered(evidence.height, excluded["_row"], excluded["_reason"], None, pl.String).alias("exclusion"),
            (pl.col("_type_cue") | report).alias("is_report"),
        )
        .drop("_type_cue")
        .with_columns((pl.col("is_report") & pl.col("exclusion").is_null()).alias("is_clean_report"))
        .sort("article_key", "sentence_no")
    )
    # News says what it is about first: the headline and the first sentences that speak of the
    # inspectorate. Another inspection mentioned in passing further down does not set a visit aside.
    lead = evidence.group_by("article_key", maintain_order=True).head(LEAD_SENTENCES).group_by("article_key").agg(
        pl.col("exclusion").drop_nulls().first().alias("lead_reason"),
        pl.col("is_clean_report").any().alias("lead_reports_visit"),
    )
    named = mentions.filter(pl.col("is_valid")).select("article_key", "la_name").unique()
    with_evidence = sentences_per_authority(evidence).select("article_key", "la_name").unique()
    return (
        named.join(with_evidence, on=["article_key", "la_name"], how="inner")
        .join(lead, on="article_key", how="left")
        .with_columns(pl.when(~pl.col("lead_reports_visit")).then(pl.col("lead_reason")).alias("set_aside_reason"))
        .select("article_key", "la_name", pl.col("set_aside_reason").is_null().alias("is_visit"), "set_aside_reason")
        .sort("article_key", "la_name")
    )


def rating_date_frames(rules: Rules, kind: str) -> list[str]:
    """The rows of ``rating_date_frames.csv`` of one kind, their {DATE} slot filled (one named group each)."""
    return [as_group(p).replace("{DATE}", DATE_SLOT) for p in rules.rating_date_frames.filter(pl.col("kind") == kind)["pattern"]]


def first_date(text: pl.Expr, frames: list[str]) -> pl.Expr:
    """The date the first frame that matches holds, as text."""
    return pl.coalesce([text.str.extract_groups(f).struct.field("date") for f in frames] or [pl.lit(None, dtype=pl.String)])


def neighbour_rating_dates(s: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Per sentence of a visit, the date of a full inspection that the sentence just before or just
    after it states ("It was the sixth visit since the full inspection in autumn 2021"): what dates a
    rating statement the text leaves undated. Columns: article_key, la_name, start, n_year, n_month."""
    frames = rating_date_frames(rules, "neighbour")
    future = "|".join(as_group(p) for p in rules.rating_date_frames.filter(pl.col("kind") == "not_neighbour")["pattern"]) or r"(?!x)x"
    text = pl.col("text")
    dated = (
        s.filter(text.str.contains(r"(?:19|20)[0-9]{2}|" + DATE_HINT) & text.str.contains(r"(?i)inspection") & ~text.str.contains(future))
        .select("article_key", "la_name", "sentence_no", "published_date", first_date(text, frames).alias("_date"))
        .drop_nulls("_date")
    )
    year, month = resolve(pl.col("_date"), pl.col("published_date"))
    dated = dated.select("article_key", "la_name", "sentence_no", year.alias("n_year"), month.alias("n_month")).filter(pl.col("n_year").is_not_null())
    # The sentence before first, then the one after.
    return (
        pl.concat([dated.with_columns(pl.col("sentence_no") + step, pl.lit(i).alias("_side")) for i, step in enumerate((1, -1))])
        .join(s.select("article_key", "la_name", "sentence_no", "start"), on=["article_key", "la_name", "sentence_no"], how="inner")
        .sort("_side")
        .unique(["article_key", "la_name", "start"], keep="first")
        .select("article_key", "la_name", "start", "n_year", "n_month")
    )


def _ordinal_patterns(rules: Rules) -> list[tuple[str, str]]:
    """(slot, pattern) of each row of ``ordinal_patterns.csv``, its {ORD} or {COUNT} slot written out as the group ``n``."""
    words = {"{ORD}": rules.ordinal_words, "{COUNT}": rules.count_words}
    out = []
    for r in rules.ordinal_patterns.iter_rows(named=True):
        slot = "{COUNT}" if "{COUNT}" in r["pattern"] else "{ORD}"
        out.append((slot, r["pattern"].replace(slot, f"(?P<n>{'|'.join(sorted(words[slot], key=len, reverse=True))})")))
    return out


def visit_ordinal(text: pl.Expr, rules: Rules) -> pl.Expr:
    """Which visit of its kind a sentence says this is ("fourth monitoring visit", "the sixth and
    final since", "visited twice before" = 3, "the latest of four"), by the first pattern of
    ``ordinal_patterns.csv`` that matches and whose ``unless`` does not ("the first since the trust
    took over" counts the trust's visits, not the authority's)."""
    words = {"{ORD}": rules.ordinal_words, "{COUNT}": rules.count_words}
    values = []
    for r, (slot, pattern) in zip(rules.ordinal_patterns.iter_rows(named=True), _ordinal_patterns(rules)):
        word = text.str.extract_groups(pattern).struct.field("n").str.to_lowercase()
        value = word.replace_strict(words[slot], default=None, return_dtype=pl.Int32) + int(r["adjust"] or 0)
        if r["unless"]:
            value = pl.when(text.str.contains(r["unless"])).then(None).otherwise(value)
        values.append(value)
    return pl.coalesce(values) if values else pl.lit(None, dtype=pl.Int32)


def visit_dates(s: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """When the inspectors were on site, per (article, authority): the first date the text gives the
    visit ("visited on 4 and 5 March", "the visit took place in early July", "the 12 March visit"),
    never a date whose frame speaks of another event (a rating, a letter, an earlier visit), resolved
    against the article's date (``s.published_date``; see transforms.dates.resolve).

    Columns: article_key, la_name, visit_year, visit_month, visit_date_evidence_start, visit_date_evidence_end.
    """
    frames = rules.visit_date_frames
    kind = lambda k: "|".join(as_group(p) for p in frames.filter(pl.col("kind") == k)["pattern"])  # noqa: E731
    before = rf"(?:{kind('before_date')})(?P<gap>[^.;()]{{0,90}}?)(?P<date>{DATE_EXPRESSION})"
    # after_date rules are written anchored to the end of the date ("^ monitoring visit"): here they follow it.
    after = rf"(?P<date>{DATE_EXPRESSION})(?:{kind('after_date').replace('(?i:^', '(?i:')})"
    # Only sentences that hold a month or a relative date can date the visit: a cheap test first.
    # (Both frames hold a word of the visit: an after-date frame names the visit or inspection.)
    dated = s.filter(pl.col("text").str.contains(DATE_HINT) & pl.col("text").str.contains(kind("before_date")))
    found = (
        dated.select("article_key", "la_name", "start", "end", "published_date", "text", pl.concat_list(
            pl.col("text").str.extract_all(before), pl.col("text").str.extract_all(after)).alias("frame"))
        .explode("frame")
        .drop_nulls("frame")
        .with_columns(
            pl.col("frame").str.extract_groups(before).alias("b"),
            pl.col("text").str.find(pl.col("frame"), literal=True).alias("at"),
        )
        .with_columns(
            pl.coalesce(pl.col("b").struct.field("date"), pl.col("frame").str.extract_groups(after).struct.field("date")).alias("date_text"),
            pl.col("b").struct.field("gap").fill_null("").alias("gap"),
            # The words just before the frame say whose visit it is: "its last inspection between ..." is not this one.
            pl.col("text").str.slice(0, pl.col("at").fill_null(0)).str.tail(90).alias("pre"),
        )
        .filter(pl.col("date_text").is_not_null() & ~pl.col("gap").str.contains(kind("not_this_visit"))
                & ~pl.col("pre").str.contains(kind("earlier_visit")))
        # "Following their visit in December, the latest inspection in May ...": the latest visit's date wins.
        .with_columns(pl.col("pre").str.contains(kind("this_visit")).alias("is_latest"))
    )
    year, month = resolve(pl.col("date_text"), pl.col("published_date"))
    # The first date that says a month; else the first that says a year ("last year" in an undated text says neither).
    found = (
        found.with_columns(year.alias("visit_year"), month.alias("visit_month"))
        .filter(pl.col("visit_year").is_not_null() | pl.col("visit_month").is_not_null())
        .sort("article_key", "la_name", pl.col("visit_month").is_null(), ~pl.col("is_latest"), "start", maintain_order=True)
        .unique(["article_key", "la_name"], keep="first", maintain_order=True)
    )
    return found.select(
        "article_key", "la_name", "visit_year", "visit_month",
        pl.col("start").cast(pl.Int32).alias("visit_date_evidence_start"), pl.col("end").cast(pl.Int32).alias("visit_date_evidence_end"),
    )


def extract_visits(sentences: pl.DataFrame, mentions: pl.DataFrame, rules: Rules,
                   articles: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Returns (visits, visit_focus, candidates): see visit_candidates for the last. ``articles``
    (article_key, published_date) resolves dates the text gives without a year.

    visits: article_key, la_name, visit_type, visit_ordinal, rating, rating_year, rating_month,
    progress_phrase, evidence_text, evidence_start, evidence_end.
    """
    candidates = visit_candidates(sentences, mentions, rules)
    pairs = candidates.filter(pl.col("is_visit")).select("article_key", "la_name")
    published = (articles.select("article_key", "published_date") if articles is not None
                 else pl.DataFrame(schema={"article_key": pl.String, "published_date": pl.Date}))
    s = (sentences_per_authority(sentences).join(pairs, on=["article_key", "la_name"], how="inner")
         .join(published, on="article_key", how="left").sort("article_key", "start"))
    text = pl.col("text")
    # Visit type: the first cue (in seed order) that occurs outside a look-back.
    type_rows = rules.visit_type_cues.rows(named=True)
    published_year = pl.col("published_date").dt.year()
    type_rank = {r["visit_type"]: i for i, r in reversed(list(enumerate(type_rows)))}

    ordinal = visit_ordinal(text, rules)

    # Rating: the earliest cue in the sentence, with the date that follows it. The cues of one grade
    # run as one alternation: four passes per pattern kind, not one per cue.
    rating_rows = rules.rating_cues.group_by("rating", maintain_order=True).agg("pattern").rows(named=True)
    relative_frames = rating_date_frames(rules, "after_cue")

    def rating_date(cue: str) -> tuple[pl.Expr, pl.Expr]:
        """The month and year a rating cue's sentence gives it."""
        dated = text.str.extract_groups(cue + RATING_DATE_TAIL)
        # Else the date just before it ("a report in July 2022 which graded the service as inadequate"),
        # else a date counted back from the article's ("rated inadequate two years ago").
        headed = text.str.extract_groups(RATING_DATE_HEAD + cue)
        ago = text.str.extract_groups(cue + RATING_YEARS_AGO).struct.field("ago")
        # Else a date inside the cue itself ("the May 2019 inadequate judgement").
        own = text.str.extract(f"({cue})", 1).str.extract_groups(RATING_DATE_OWN)
        years_back = ago.str.to_lowercase().replace_strict(COUNT_WORDS, default=None, return_dtype=pl.Int32)
        return (
            pl.when(dated.struct.field("year").is_not_null()).then(dated.struct.field("month"))
            .when(headed.struct.field("head_year").is_not_null()).then(headed.struct.field("head_month"))
            .otherwise(own.struct.field("own_month")).alias("month"),
            pl.coalesce(dated.struct.field("year").cast(pl.Int32), headed.struct.field("head_year").cast(pl.Int32),
                        own.struct.field("own_year").cast(pl.Int32),
                        pl.col("published_date").dt.year().cast(pl.Int32) - years_back).cast(pl.String).alias("year"),
        )

    def relative_date(cue: str) -> tuple[pl.Expr, pl.Expr]:
        """In a sentence without a year: a date relative to the article's ("rated inadequate last year", "judged good in March")."""
        rel_year, rel_month = resolve(first_date(text, [cue + f for f in relative_frames]), pl.col("published_date"))
        return rel_month.replace_strict(MONTH_NAMES, default=None, return_dtype=pl.String).alias("month"), rel_year.cast(pl.String).alias("year")

    progress = pl.coalesce([text.str.extract(p, 1) for p in rules.progress_patterns]) if rules.progress_patterns else pl.lit(None)

    s = s.with_columns(pl.any_horizontal([text.str.contains(p) for p in rules.visit_evidence]).alias("is_visit_evidence"))
    # Type, ordinal and progress cues all need a word of the visit: their patterns run on those sentences alone;
    # except a type cue, which names the visit itself ("the third area was judged as requiring improvement").
    # A sentence none of whose ordinal or progress patterns can match (no literal of theirs: see
    # transforms.literals.Screen) has neither cue, as it has when left out of the join.
    evidence = s.filter("is_visit_evidence")
    may_cue = screen_of(tuple((p,) for p in [p for _, p in _ordinal_patterns(rules)] + rules.progress_patterns)).pairs(evidence["text"])
    cued = evidence[may_cue["_row"].unique().sort()].select(
        "article_key", "la_name", "start", ordinal.alias("ordinal_cue"), progress.alias("progress_cue")
    )
    s = s.join(cued, on=["article_key", "la_name", "start"], how="left")
    s = s.with_columns(_first_type_cue(s, rules, published_year)).with_columns(
        pl.col("type_cue").replace_strict(type_rank, default=99, return_dtype=pl.Int32).alias("type_rank")
    )
    # Only sentences with a grade's word can state a rating, and a grade's cues (one alternation) run only
    # on those holding one of their literals (transforms.literals.Screen). Finding a cue is cheap; dating
    # it is not: it needs a year or "ago" in the sentence, or else a date relative to the article's.
    graded = s.filter(text.str.contains(RATING_HINT))
    cue_of = [f"(?:{'|'.join(as_group(p) for p in r['pattern'])})" for r in rating_rows]
    table = pl.DataFrame({"_group": range(len(rating_rows)), "rating": [r["rating"] for r in rating_rows], "_cue": cue_of},
                         schema={"_group": pl.Int32, "rating": pl.String, "_cue": pl.String})
    found = (screen_of(tuple(tuple(r["pattern"]) for r in rating_rows))
             .candidates(graded, "text", table, "article_key", "la_name", "start", "published_date")
             .with_columns(text.str.find(pl.col("_cue")).alias("pos")).filter(pl.col("pos").is_not_null()))
    may_date = text.str.contains(r"(?:19|20)[0-9]{2}|\bago\b")
    may_date_relative = ~may_date & text.str.contains(RELATIVE_HINT)
    no_date = [pl.lit(None, dtype=pl.String).alias(part) for part in ("month", "year")]
    # Long, one small frame per grade: a list of structs over every sentence costs more than the regexes.
    # A grade, or a kind of date, that no sentence of the batch holds is not built at all: building its
    # expressions compiles their regexes (extract_groups does at once), a fixed cost of every batch that
    # was most of a small batch's rating work.
    kinds = ((may_date, rating_date), (may_date_relative, relative_date), (~may_date & ~may_date_relative, lambda cue: no_date))
    cue_columns = ["article_key", "la_name", "start", "pos", "rating", "month", "year"]
    dated_cues = [
        part.with_columns(*dating(cue)).select(cue_columns)
        for cue, of_grade in zip(cue_of, (found.filter(pl.col("_group") == i) for i in range(len(rating_rows))))
        if of_grade.height
        for part, dating in ((of_grade.filter(which), dating) for which, dating in kinds)
        if part.height
    ]
    cues = (pl.concat(dated_cues) if dated_cues else found.clear().with_columns(*no_date).select(cue_columns)).sort(
        "article_key", "la_name", "start", "pos", maintain_order=True)
    # An undated statement may be dated by the sentence beside it, which dates the inspection that gave it.
    by_neighbour = pl.col("year").is_null() & pl.col("n_year").is_not_null()
    rating = cues.join(neighbour_rating_dates(s, rules), on=["article_key", "la_name", "start"], how="left").group_by("article_key", "la_name").agg(
        # Prefer a statement that dates the rating; else one its neighbour dates; else the first one.
        pl.struct("rating", "year", "month", pl.lit(False).alias("by_neighbour")).filter(pl.col("year").is_not_null()).first().alias("dated"),
        pl.struct("rating", pl.col("n_year").cast(pl.String).alias("year"),
                  pl.col("n_month").replace_strict(MONTH_NAMES, default=None, return_dtype=pl.String).alias("month"),
                  pl.lit(True).alias("by_neighbour")).filter(by_neighbour).first().alias("neighbour"),
        pl.struct("rating", "year", "month", pl.lit(False).alias("by_neighbour")).first().alias("undated"),
    ).with_columns(pl.coalesce("dated", "neighbour", "undated").alias("r")).select("article_key", "la_name", pl.col("r").struct.unnest())

    per_visit = s.group_by("article_key", "la_name", maintain_order=True).agg(
        # The headline states the news: a type it names outranks the body's.
        pl.col("type_cue").sort_by(pl.col("type_rank") == 99, pl.col("block_kind") != "title", "type_rank").first(),
        pl.col("ordinal_cue").drop_nulls().first().alias("visit_ordinal"),
        pl.col("progress_cue").drop_nulls().first().alias("progress_phrase"),
        pl.struct("text", "start", "end").filter(pl.col("is_visit_evidence") & (pl.col("block_kind") != "title")).first().alias("ev"),
        pl.struct("text", "start", "end").first().alias("ev_any"),
    )
    # A headline or lead naming no authority ("A council's children's services have been rated good") tells
    # the type of every visit the article reports, where the authority's own sentences name none.
    unattributed = (
        sentences.filter(pl.col("la_name").is_null() & (pl.col("named_las").list.len() == 0))
        .join(pairs.select("article_key").unique(), on="article_key", how="semi")
        .join(published, on="article_key", how="left")
    )
    unattributed = (
        unattributed.with_columns(_first_type_cue(unattributed, rules, published_year).alias("_t"))
        .filter(pl.col("_t").is_not_null())
        .with_columns(pl.col("_t").replace_strict(type_rank, default=99, return_dtype=pl.Int32).alias("_rank"))
        .group_by("article_key").agg(pl.col("_t").sort_by(pl.col("block_kind") != "title", "_rank").first().alias("article_type_cue"))
    )
    per_visit = per_visit.join(unattributed, on="article_key", how="left").with_columns(
        pl.coalesce("type_cue", "article_type_cue").alias("type_cue")).drop("article_type_cue")
    visits = (
        per_visit.join(rating, on=["article_key", "la_name"], how="left")
        .with_columns(
            pl.col("year").cast(pl.Int32).alias("rating_year"),
            (pl.col("month").str.to_lowercase().replace_strict({m: i + 1 for i, m in enumerate(MONTHS)}, default=None, return_dtype=pl.Int32)).alias("rating_month"),
            pl.coalesce("ev", "ev_any").alias("evidence"),
        )
        .join(visit_dates(s, rules), on=["article_key", "la_name"], how="left")
        # A neighbour's date that may be the visit's own is not the rating's.
        .with_columns(
            pl.when(pl.col("by_neighbour").fill_null(False) & (pl.col("visit_year").is_not_null() | pl.col("visit_month").is_not_null())
                    & (pl.col("rating_year") == pl.col("visit_year")).fill_null(True)
                    & (pl.col("rating_month") == pl.col("visit_month")).fill_null(True))
            .then(pl.lit(True)).otherwise(pl.lit(False)).alias("_own_date")
        )
        .with_columns([pl.when(pl.col("_own_date")).then(None).otherwise(pl.col(c)).alias(c) for c in ("rating_year", "rating_month")])
        .with_columns(
            pl.coalesce(
                "type_cue",
                # A judgement made in the month of the visit was made by that visit: a full inspection.
                pl.when((pl.col("rating_year") == pl.col("visit_year")) & (pl.col("rating_month") == pl.col("visit_month")))
                .then(pl.lit("inspection")),
                pl.when(pl.col("rating") == "inadequate").then(pl.lit("monitoring_visit")).otherwise(pl.lit("focused_visit")),
            ).alias("visit_type"),
            # No cue named the type: it is the default (or inferred from the dates), and gives way to a stated one.
            pl.concat_list(pl.when(pl.col("type_cue").is_null()).then(pl.lit("visit_type"))).list.drop_nulls().alias("defaulted_fields"),
        )
        .select(
            "article_key",
            "la_name",
            "visit_type",
            pl.col("visit_ordinal").cast(pl.Int32),
            "rating",
            "rating_year",
            "rating_month",
            "progress_phrase",
            pl.col("evidence").struct.field("text").alias("evidence_text"),
            pl.col("evidence").struct.field("start").alias("evidence_start"),
            pl.col("evidence").struct.field("end").alias("evidence_end"),
            "visit_year",
            "visit_month",
            "visit_date_evidence_start",
            "visit_date_evidence_end",
            "defaulted_fields",
        )
    )
    # A full inspection's rating is the grade it gave, not the one it replaced.
    lead = sentences.filter(pl.col("la_name").is_null() & (pl.col("named_las").list.len() == 0)).select("article_key", "start", "text")
    visits = with_inspection_ratings(visits, cues, s, mentions, rules, lead)
    focus = extract_focus(s, rules)
    return visits, focus, candidates


def extract_focus(s: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """What each visit looked at: cues in sentences that say what inspectors focused on, else in all its sentences.

    Only the inspectorate's sentences count: a councillor's "we will be focusing on" is not the visit's focus.
    ``s`` holds each sentence once per authority it is about (``is_subject``) or names: a round-up
    sentence naming several authorities ("improvements at A and B, and disabled children's services
    at C") does not say which looked at what, unless it says what the visits looked at and names one
    area ("focused checks on the front door in A and B"): then that is every named authority's focus.
    """
    text = pl.col("text")
    own = s.filter(pl.col("asserted_by") == "inspectorate").sort("article_key", "la_name", "start")
    # One alternation per area, and the indicators as one more group: one literal pass finds the
    # sentences each can match (transforms.literals.Screen), and their regexes run there alone.
    areas = rules.focus_cues.group_by("focus_area", maintain_order=True).agg("pattern").rows()
    groups = [(None, tuple(rules.focus_indicators))] * bool(rules.focus_indicators) + [(area, tuple(patterns)) for area, patterns in areas]
    table = pl.DataFrame([(g, area, "|".join(as_group(p) for p in patterns)) for g, (area, patterns) in enumerate(groups)],
                         schema={"_group": pl.Int32, "_area": pl.String, "_pattern": pl.String}, orient="row")
    hits = screen_of(tuple(patterns for _, patterns in groups)).candidates(own, "text", table).filter(text.str.contains(pl.col("_pattern")))
    said = hits.filter(pl.col("_area").is_null())["_row"]
    named = hits.filter(pl.col("_area").is_not_null()).sort("_row", "_group").group_by("_row", maintain_order=True).agg(pl.col("_area").alias("areas"))
    said_to_look_at = pl.col("_said")
    # "Inspectors reviewed progress in these areas:" followed by bullets: each bullet says what they looked at.
    bullet = text.str.contains(BULLET)
    under_lead = (
        # A round-up sentence (not about this authority) neither opens nor closes its list.
        pl.when(~pl.col("is_subject")).then(None)
        .when(said_to_look_at & text.str.contains(r":\s*$")).then(True).when(bullet).then(None).otherwise(False)
        .forward_fill().over("article_key", "la_name").fill_null(False)
    )
    indicator = said_to_look_at | (bullet & under_lead)
    found = (
        own.with_columns(scattered(own.height, said, True, False, pl.Boolean).alias("_said"))
        .with_row_index("_row").join(named, on="_row", how="left", maintain_order="left")
        .with_columns(indicator.alias("is_indicator"), pl.col("areas").fill_null([]))
        .filter(pl.col("is_subject") | (said_to_look_at & (pl.col("areas").list.len() == 1)))
        .drop("_row", "_said")
    ).with_columns(
        (pl.col("is_indicator") & (pl.col("areas").list.len() > 0)).any().over("article_key", "la_name").alias("has_indicator")
    )
    chosen = found.filter(~pl.col("has_indicator") | pl.col("is_indicator"))
    return (
        chosen.select("article_key", "la_name", pl.col("areas").alias("focus_area"), pl.col("start").alias("evidence_start"), pl.col("end").alias("evidence_end"))
        .explode("focus_area")
        .drop_nulls("focus_area")
        .sort("article_key", "la_name", "evidence_start")
        .unique(["article_key", "la_name", "focus_area"], keep="first", maintain_order=True)
    )
