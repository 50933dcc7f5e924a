"""Findings: (authority, theme, polarity) per sentence clause, with who asserts them."""

from __future__ import annotations

import polars as pl

from transforms.rules import Rules

CLAUSE_MARK = "\x1d"
FINDING_BLOCKS = ["body"]


def _inner(pattern: str) -> str:
    return pattern[4:] if pattern.startswith("(?i)") else pattern


def _group(pattern: str) -> str:
    """A cue as a self-contained group that keeps its own case rule inside an alternation."""
    return f"(?i:{_inner(pattern)})" if pattern.startswith("(?i)") else f"(?:{pattern})"


def _alternation(patterns: list[str]) -> str:
    return "(?:" + "|".join(_group(p) for p in patterns) + ")"


def _preceded(text: pl.Expr, modifiers: list[str], cues: str) -> pl.Expr:
    """How many cue matches follow one of the modifiers."""
    if not modifiers:
        return pl.lit(0, dtype=pl.Int32)
    return pl.sum_horizontal([text.str.count_matches(f"{_group(m)}{cues}").cast(pl.Int32) for m in modifiers])


def _polarity_counts(text: pl.Expr, rules: Rules) -> tuple[pl.Expr, pl.Expr]:
    """Weighted (positive, negative) cue scores.

    A negated cue ("no longer drifting") counts for the other side; a cue inside a purpose ("to
    deliver effective practice") counts for neither. A phrase that holds a praise word but is
    criticism ("improvements needed") carries a weight that outvotes the word inside it. Cues of
    the same polarity and weight are matched as one alternation: one pass each, not one per cue.
    """
    pos, neg = [], []
    classes = rules.polarity_cues.with_columns(pl.col("weight").fill_null("1").cast(pl.Int32)).group_by("polarity", "weight", maintain_order=True).agg("pattern")
    for polarity, weight, patterns in classes.iter_rows():
        cues = _alternation(patterns)
        hits = text.str.count_matches(cues).cast(pl.Int32)
        negated = _preceded(text, rules.negators, cues)
        neutral = _preceded(text, rules.neutralisers, cues)
        same, other = (pos, neg) if polarity == "positive" else (neg, pos)
        same.append((hits - negated - neutral).clip(lower_bound=0) * weight)
        other.append(negated * weight)
    return pl.sum_horizontal(pos), pl.sum_horizontal(neg)


def _first_cue(text: pl.Expr, rules: Rules, polarity: str) -> pl.Expr:
    pats = rules.polarity_cues.filter(pl.col("polarity") == polarity)["pattern"].to_list()
    return text.str.extract(f"({_alternation(pats)})", 1)


def split_clauses(sentences: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    marked = pl.col("text")
    for p in rules.clause_splitters:
        marked = marked.str.replace_all(p, CLAUSE_MARK)
    return (
        sentences.with_columns(marked.str.split(CLAUSE_MARK).alias("clause"))
        .explode("clause")
        .filter(pl.col("clause").str.strip_chars() != "")
        .with_columns(pl.int_range(pl.len()).over("article_key", "sentence_no").alias("clause_no"))
    )


def _theme_hits(clauses: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """(_cid, theme, theme_cue) per clause and theme it names, in rule order.

    Built long (one small frame per theme, only matching clauses) and folded into a list per clause:
    a list of per-theme structs over every clause cost six times the regex work itself.
    """
    text = pl.col("clause")
    parts = []
    plain = rules.theme_cues.filter(pl.col("unless").is_null() | (pl.col("unless") == ""))
    for theme, patterns in plain.group_by("theme", maintain_order=True).agg("pattern").iter_rows():
        cue = text.str.extract(f"({_alternation(patterns)})", 1)
        parts.append(clauses.select("_cid", pl.lit(theme).alias("theme"), cue.alias("theme_cue")).filter(pl.col("theme_cue").is_not_null()))
    for r in rules.theme_cues.filter(pl.col("unless").is_not_null() & (pl.col("unless") != "")).iter_rows(named=True):
        cue = text.str.extract(f"({_group(r['pattern'])})", 1)
        parts.append(
            clauses.filter(~text.str.contains(r["unless"]))
            .select("_cid", pl.lit(r["theme"]).alias("theme"), cue.alias("theme_cue"))
            .filter(pl.col("theme_cue").is_not_null())
        )
    long = pl.concat([p.with_columns(pl.lit(i, dtype=pl.Int32).alias("_order")) for i, p in enumerate(parts)])
    return (
        long.sort("_cid", "_order")
        .unique(["_cid", "theme"], keep="first", maintain_order=True)
        .group_by("_cid", maintain_order=True)
        .agg(pl.struct("theme", "theme_cue").alias("themes"))
    )


def tag_clauses(clauses: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    text = pl.col("clause")
    clauses = clauses.with_row_index("_cid")
    clauses = clauses.join(_theme_hits(clauses, rules), on="_cid", how="left", maintain_order="left")
    n_pos, n_neg = _polarity_counts(text, rules)
    tagged = clauses.with_columns(
        pl.col("themes").fill_null([]),
        n_pos.alias("n_pos"),
        n_neg.alias("n_neg"),
        _first_cue(text, rules, "positive").alias("pos_cue"),
        _first_cue(text, rules, "negative").alias("neg_cue"),
    )
    # A clause that judges without naming a theme ("but further work is required") judges the theme
    # of the clause before it.
    tagged = tagged.with_columns(
        pl.when((pl.col("themes").list.len() == 0) & ((pl.col("n_pos") + pl.col("n_neg")) > 0))
        .then(pl.col("themes").shift(1).over("article_key", "sentence_no"))
        .otherwise(pl.col("themes"))
        .fill_null([])
        .alias("themes")
    )
    polarity = pl.concat_list(
        pl.when(pl.col("n_pos") >= pl.col("n_neg")).then(pl.when(pl.col("n_pos") > 0).then(pl.lit("positive"))),
        pl.when(pl.col("n_neg") >= pl.col("n_pos")).then(pl.when(pl.col("n_neg") > 0).then(pl.lit("negative"))),
    ).list.drop_nulls()
    return tagged.with_columns(polarity.alias("polarities")).drop("_cid")


def extract_findings(sentences: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """One row per (sentence, theme, polarity).

    ``sentences`` must carry la_name, asserted_by and block_kind. ``is_previous_inspection`` marks
    sentences that only recount the earlier inspection; ``is_inspection_finding`` is what analysts
    (and the evaluation) count: the inspectorate's, about this visit, about a known authority.
    """
    past = rules.past_context.filter(pl.col("scope") == "sentence")["pattern"].to_list()
    s = sentences.filter(pl.col("block_kind").is_in(FINDING_BLOCKS)).with_columns(
        pl.any_horizontal([pl.col("text").str.contains(p) for p in past]).alias("is_previous_inspection")
    )
    tagged = tag_clauses(split_clauses(s, rules), rules)
    rows = (
        tagged.explode("themes")
        .drop_nulls("themes")
        .unnest("themes")
        .explode("polarities")
        .drop_nulls("polarities")
        .rename({"polarities": "polarity"})
        .with_columns(
            pl.when(pl.col("polarity") == "positive").then(pl.col("pos_cue")).otherwise(pl.col("neg_cue")).alias("polarity_cue")
        )
    )
    return (
        rows.unique(["article_key", "sentence_no", "theme", "polarity"], keep="first", maintain_order=True)
        .with_columns(
            (
                (pl.col("asserted_by") == "inspectorate") & ~pl.col("is_previous_inspection") & pl.col("la_name").is_not_null()
            ).alias("is_inspection_finding")
        )
        .select(
            "article_key",
            "sentence_no",
            "la_name",
            "theme",
            "polarity",
            "asserted_by",
            "is_previous_inspection",
            "is_inspection_finding",
            pl.col("text").alias("sentence_text"),
            "start",
            "end",
            "theme_cue",
            "polarity_cue",
        )
    )
