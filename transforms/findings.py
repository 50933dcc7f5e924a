"""Findings: (authority, theme, polarity) per sentence clause, with who asserts them."""

from __future__ import annotations

import polars as pl

from transforms.rules import Rules

CLAUSE_MARK = "\x1d"
FINDING_BLOCKS = ["body"]


def _inner(pattern: str) -> str:
    return pattern[4:] if pattern.startswith("(?i)") else pattern


def _preceded(text: pl.Expr, modifiers: list[str], cue: str) -> pl.Expr:
    """How many times the cue follows one of the modifiers."""
    if not modifiers:
        return pl.lit(0, dtype=pl.UInt32)
    return pl.sum_horizontal([text.str.count_matches(f"(?i){_inner(m)}(?:{_inner(cue)})") for m in modifiers])


def _polarity_counts(text: pl.Expr, rules: Rules) -> tuple[pl.Expr, pl.Expr]:
    """Weighted (positive, negative) cue scores.

    A negated cue ("no longer drifting") counts for the other side; a cue inside a purpose ("to
    deliver effective practice") counts for neither. A phrase that holds a praise word but is
    criticism ("improvements needed") carries a weight that outvotes the word inside it.
    """
    pos, neg = [], []
    for r in rules.polarity_cues.rows(named=True):
        p, weight = r["pattern"], int(r["weight"] or 1)
        hits = text.str.count_matches(p).cast(pl.Int32)
        negated = _preceded(text, rules.negators, p).cast(pl.Int32)
        neutral = _preceded(text, rules.neutralisers, p).cast(pl.Int32)
        same, other = (pos, neg) if r["polarity"] == "positive" else (neg, pos)
        same.append((hits - negated - neutral).clip(lower_bound=0) * weight)
        other.append(negated * weight)
    return pl.sum_horizontal(pos), pl.sum_horizontal(neg)


def _first_cue(text: pl.Expr, rules: Rules, polarity: str) -> pl.Expr:
    pats = rules.polarity_cues.filter(pl.col("polarity") == polarity)["pattern"].to_list()
    return pl.coalesce([text.str.extract(f"({_inner(p)})" if not p.startswith("(?i)") else f"(?i)({_inner(p)})", 1) for p in pats])


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


def tag_clauses(clauses: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    text = pl.col("clause")
    theme_hits = []
    for r in rules.theme_cues.rows(named=True):
        hit = text.str.contains(r["pattern"])
        if r["unless"]:
            hit = hit & ~text.str.contains(r["unless"])
        theme_hits.append(pl.when(hit).then(pl.struct(theme=pl.lit(r["theme"]), theme_cue=text.str.extract(f"({_inner(r['pattern'])})" if not r["pattern"].startswith("(?i)") else f"(?i)({_inner(r['pattern'])})", 1))))
    n_pos, n_neg = _polarity_counts(text, rules)
    tagged = clauses.with_columns(
        pl.concat_list(theme_hits).list.drop_nulls().alias("themes"),
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
    return tagged.with_columns(polarity.alias("polarities"))


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
