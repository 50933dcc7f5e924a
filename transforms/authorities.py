"""Entity resolution of local authorities and the authority each sentence is about."""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from transforms.rules import Rules
from transforms.textmatch import flexible_literal, fold

MULTI = "\x00multi"
CONTEXT_WORDS = r"(?i)^\s*(['’]s\b|council|borough|city|county|children|social|local|metropolitan)"
CONTEXT_BEFORE = r"(?i)\b(in|at|to|of|for|from|visited|visit to|praised|criticised|rated|judged|inspected)\s+$"


@dataclass(frozen=True)
class AliasMatcher:
    pattern: re.Pattern[str]
    literals: list[str]
    by_key: dict[str, list[str]]
    ambiguous_kind: dict[str, str]


_MATCHERS: dict[int, tuple[Rules, AliasMatcher]] = {}


def build_matcher(rules: Rules) -> AliasMatcher:
    """The compiled alias pattern for these rules, built once per rules object."""
    cached = _MATCHERS.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    matcher = _build_matcher(rules)
    _MATCHERS[id(rules)] = (rules, matcher)
    return matcher


def _build_matcher(rules: Rules) -> AliasMatcher:
    aliases = rules.aliases
    parts: list[tuple[int, str]] = []
    literals: set[str] = set()
    for r in aliases.unique("alias_key").iter_rows(named=True):
        alias = r["alias"]
        if r["is_case_insensitive"]:
            parts.append((len(alias), f"(?i:{flexible_literal(alias)})"))
            literals.add(alias.split()[0].lower())
        else:
            cased = alias[0].upper() + alias[1:]
            parts.append((len(alias), flexible_literal(cased)))
            literals.add(cased.split()[0])
    parts.sort(key=lambda x: -x[0])
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(p for _, p in parts) + r")(?!\w)")
    by_key: dict[str, list[str]] = {}
    for r in aliases.iter_rows(named=True):
        by_key.setdefault(r["alias_key"], []).append(r["la_name"])
    kinds = {fold(r["la_name"]): r["kind"] for r in rules.ambiguous_names.iter_rows(named=True)}
    return AliasMatcher(pattern, sorted(literals), by_key, kinds)


def _looks_like_given_name(before: str, stopwords: frozenset[str]) -> bool:
    m = re.search(r"([A-Z][a-z]+)\s+$", before)
    return bool(m) and m.group(1) not in stopwords


def _mention_rows(sentence: str, matcher: AliasMatcher, rules: Rules) -> list[dict]:
    rows = []
    exclusions = rules.mention_exclusions
    before_pats = exclusions.filter(pl.col("side") == "before").rows(named=True)
    after_pats = exclusions.filter(pl.col("side") == "after").rows(named=True)
    for m in matcher.pattern.finditer(sentence):
        key = fold(m.group(0))
        before, after = sentence[: m.start()], sentence[m.end() :]
        reason = None
        for r in before_pats:
            if re.search(r["pattern"], before):
                reason = r["reason"]
                break
        if reason is None:
            for r in after_pats:
                if re.search(r["pattern"], after):
                    reason = r["reason"]
                    break
        kind = matcher.ambiguous_kind.get(key)
        if reason is None and kind == "word":
            if not (re.search(CONTEXT_WORDS, after) or re.search(CONTEXT_BEFORE, before)):
                reason = f"'{m.group(0)}' is also an ordinary word and has no council context here"
        if reason is None and kind == "name" and _looks_like_given_name(before, rules.name_stopwords):
            reason = f"'{m.group(0)}' follows a given name: a person, not the authority"
        rows.append({"m_start": m.start(), "m_end": m.end(), "surface": m.group(0), "alias_key": key, "exclusion_reason": reason})
    return rows


def find_mentions(sentences: pl.DataFrame, rules: Rules, matcher: AliasMatcher | None = None) -> pl.DataFrame:
    """Every authority name in every sentence, resolved to canonical names, with why a mention is set aside.

    Columns: article_key, sentence_no, start, end (offsets into the cleaned text), surface, la_name,
    is_valid, exclusion_reason.
    """
    matcher = matcher or build_matcher(rules)
    candidates = sentences.filter(pl.col("text").str.contains_any(matcher.literals, ascii_case_insensitive=True))
    out = candidates.select(
        "article_key",
        "sentence_no",
        pl.col("start").alias("sentence_start"),
        pl.col("text")
        .map_elements(
            lambda s: _mention_rows(s, matcher, rules),
            return_dtype=pl.List(
                pl.Struct({"m_start": pl.Int64, "m_end": pl.Int64, "surface": pl.String, "alias_key": pl.String, "exclusion_reason": pl.String})
            ),
        )
        .alias("m"),
    ).explode("m").drop_nulls("m").unnest("m")
    if out.is_empty():
        return pl.DataFrame(
            schema={"article_key": pl.String, "sentence_no": pl.Int64, "start": pl.Int64, "end": pl.Int64, "surface": pl.String,
                    "la_name": pl.String, "is_valid": pl.Boolean, "exclusion_reason": pl.String}
        )
    alias_map = pl.DataFrame(
        [(k, v) for k, vs in matcher.by_key.items() for v in vs], schema=["alias_key", "la_name"], orient="row"
    )
    out = out.join(alias_map, on="alias_key", how="inner").with_columns(
        pl.col("la_name").n_unique().over("article_key", "sentence_no", "m_start").alias("n_candidates")
    )
    # An alias shared by several authorities (a trust serving three boroughs) counts only where the
    # article names exactly one of them on its own.
    plain = out.filter((pl.col("n_candidates") == 1) & pl.col("exclusion_reason").is_null()).select("article_key", "la_name").unique()
    plain = plain.with_columns(pl.lit(True).alias("named_alone"))
    out = out.join(plain, on=["article_key", "la_name"], how="left").with_columns(
        pl.when(pl.col("n_candidates") == 1)
        .then(pl.lit(True))
        .otherwise(pl.col("named_alone").fill_null(False))
        .alias("keep_candidate")
    )
    out = out.filter(pl.col("keep_candidate") | (pl.int_range(pl.len()).over("article_key", "sentence_no", "m_start") == 0))
    out = out.with_columns(
        pl.when(~pl.col("keep_candidate"))
        .then(pl.lit("a name shared by several authorities, none of them named alone in the article"))
        .otherwise(pl.col("exclusion_reason"))
        .alias("exclusion_reason")
    )
    return out.select(
        "article_key",
        "sentence_no",
        (pl.col("sentence_start") + pl.col("m_start")).alias("start"),
        (pl.col("sentence_start") + pl.col("m_end")).alias("end"),
        "surface",
        "la_name",
        pl.col("exclusion_reason").is_null().alias("is_valid"),
        "exclusion_reason",
    ).sort("article_key", "start")


def assign_subjects(sentences: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """Adds ``la_name``: the authority the sentence is about.

    A sentence naming one authority is about it; later sentences carry it until another takes over.
    A sentence naming several belongs to none and stops the carry. An article about one authority
    gives it every sentence, including the headline and standfirst before the first name.
    """
    valid = mentions.filter(pl.col("is_valid"))
    per_sentence = valid.group_by("article_key", "sentence_no").agg(pl.col("la_name").unique().alias("las"))
    s = sentences.join(per_sentence, on=["article_key", "sentence_no"], how="left").with_columns(
        pl.when(pl.col("las").list.len() == 1)
        .then(pl.col("las").list.first())
        .when(pl.col("las").list.len() > 1)
        .then(pl.lit(MULTI))
        .alias("named_la")
    )
    s = s.sort("article_key", "sentence_no").with_columns(
        pl.col("named_la").forward_fill().over("article_key").alias("carried")
    )
    # A heading introduces what follows it: an unnamed one takes the next sentence's authority.
    s = s.with_columns(
        pl.when((pl.col("block_kind") == "heading") & pl.col("named_la").is_null())
        .then(pl.col("carried").shift(-1).over("article_key"))
        .otherwise(pl.col("carried"))
        .alias("carried")
    )
    single = valid.group_by("article_key").agg(pl.col("la_name").n_unique().alias("n_las"), pl.col("la_name").first().alias("only_la"))
    s = s.join(single, on="article_key", how="left").with_columns(
        pl.when(pl.col("n_las") == 1)
        .then(pl.col("only_la"))
        .when(pl.col("carried") == MULTI)
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col("carried"))
        .alias("la_name"),
        pl.col("las").fill_null([]).alias("named_las"),
    )
    return s.drop("las", "named_la", "carried", "n_las", "only_la")


