"""Entity resolution of local authorities and the authority each sentence is about."""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from transforms.literals import FirstMatch
from transforms.rules import Rules
from transforms.textmatch import char_offsets, fold

MULTI = "\x00multi"
CONTEXT_WORDS = r"(?i)^\s*(['’]s\b|council|borough|city|county|children|social|local|metropolitan)"
CONTEXT_BEFORE = r"(?i)\b(in|at|to|of|for|from|visited|visit to|praised|criticised|rated|judged|inspected)\s+$"


@dataclass(frozen=True)
class AliasMatcher:
    patterns: list[str]  # folded aliases ("'" for either apostrophe), longest first
    is_case_insensitive: dict[str, bool]
    by_key: dict[str, list[str]]
    ambiguous_kind: dict[str, str]


_MATCHERS: dict[int, tuple[Rules, AliasMatcher]] = {}


def build_matcher(rules: Rules) -> AliasMatcher:
    """The alias automaton's inputs for these rules, built once per rules object."""
    cached = _MATCHERS.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    aliases = rules.aliases.unique("alias_key")
    keys = sorted(aliases["alias_key"].to_list(), key=lambda k: (-len(k), k))
    case = dict(zip(aliases["alias_key"], aliases["is_case_insensitive"]))
    by_key: dict[str, list[str]] = {}
    for r in rules.aliases.iter_rows(named=True):
        by_key.setdefault(r["alias_key"], []).append(r["la_name"])
    kinds = {fold(r["la_name"]): r["kind"] for r in rules.ambiguous_names.iter_rows(named=True)}
    matcher = AliasMatcher(keys, case, by_key, kinds)
    _MATCHERS[id(rules)] = (rules, matcher)
    return matcher


def _shorter_alias(text: str, start: int, key: str, matcher: AliasMatcher) -> str | None:
    """The longest alias that ``key`` begins with and that ends at a word boundary in ``text``."""
    for cut in range(len(key) - 1, 0, -1):
        if key[cut] == " " and key[:cut] in matcher.by_key:
            after = text[start + cut : start + cut + 1]
            if not (after.isalnum() or after == "_"):
                return key[:cut]
    return None


def _looks_like_given_name(before: str, stopwords: frozenset[str]) -> bool:
    m = re.search(r"([A-Z][a-z]+)\s+$", before)
    return bool(m) and m.group(1) not in stopwords


def _check_mention(sentence: str, start: int, end: int, key: str, matcher: AliasMatcher, rules: Rules,
                   before_rules: FirstMatch, after_rules: FirstMatch) -> str | None | bool:
    """False when the hit is not a mention at all (inside a word, wrong case); else the reason it is
    set aside, or None when it stands."""
    if (start > 0 and (sentence[start - 1].isalnum() or sentence[start - 1] in "_-")) or (
        end < len(sentence) and (sentence[end].isalnum() or sentence[end] in "_")
    ):
        return False
    surface = sentence[start:end]
    if not matcher.is_case_insensitive[key] and not surface[:1].isupper():
        return False
    before, after = sentence[max(0, start - 120) : start], sentence[end : end + 120]
    reason = before_rules.first(before) or after_rules.first(after)
    if reason:
        return reason
    kind = matcher.ambiguous_kind.get(key)
    if kind == "word" and not (re.search(CONTEXT_WORDS, after) or re.search(CONTEXT_BEFORE, before)):
        return f"'{surface}' is also an ordinary word and has no council context here"
    if kind == "name" and _looks_like_given_name(before, rules.name_stopwords):
        return f"'{surface}' follows a given name: a person, not the authority"
    return None


def find_mentions(sentences: pl.DataFrame, rules: Rules, matcher: AliasMatcher | None = None) -> pl.DataFrame:
    """Every authority name in every sentence, resolved to canonical names, with why a mention is set aside.

    Candidates come from one Aho-Corasick pass in polars (leftmost, longest alias first, ASCII case
    folded); Python then checks word boundaries, case and context for those few hits only.

    Columns: article_key, sentence_no, start, end (offsets into the cleaned text), surface, la_name,
    is_valid, exclusion_reason.
    """
    matcher = matcher or build_matcher(rules)
    exclusions = rules.mention_exclusions
    before_pats = FirstMatch([(r["pattern"], r["reason"]) for r in exclusions.filter(pl.col("side") == "before").iter_rows(named=True)])
    after_pats = FirstMatch([(r["pattern"], r["reason"]) for r in exclusions.filter(pl.col("side") == "after").iter_rows(named=True)])
    folded = pl.col("text").str.replace_all("’", "'").str.replace_all("‘", "'")
    hits = (
        sentences.select(
            "article_key",
            "sentence_no",
            pl.col("start").alias("sentence_start"),
            "text",
            folded.str.extract_many(matcher.patterns, ascii_case_insensitive=True, leftmost=True).alias("alias_key"),
            folded.str.find_many(matcher.patterns, ascii_case_insensitive=True, leftmost=True).alias("byte_start"),
        )
        .filter(pl.col("alias_key").list.len() > 0)
    )
    rows = []
    # One row per sentence with its hits, not per hit: a sentence handed to Python (and its offsets
    # counted) once per hit made a long line with many names quadratic.
    for article_key, sentence_no, sentence_start, text, found_list, byte_list in hits.iter_rows():
        for (start, found) in char_offsets(text.replace("’", "'").replace("‘", "'"), byte_list, found_list):
            key = found.lower()
            end = start + len(found)
            verdict = _check_mention(text, start, end, key, matcher, rules, before_pats, after_pats)
            if verdict is False:
                # The longest alias ran into a longer word ("North Northamptonshire councils"): a
                # shorter alias it begins with may still stand on its own.
                shorter = _shorter_alias(text, start, key, matcher)
                if shorter is None:
                    continue
                key, end = shorter, start + len(shorter)
                verdict = _check_mention(text, start, end, key, matcher, rules, before_pats, after_pats)
                if verdict is False:
                    continue
            for la in matcher.by_key.get(key, []):
                rows.append((article_key, sentence_no, sentence_start + start, sentence_start + end, text[start:end], la, verdict,
                             len(matcher.by_key[key])))
    schema = {"article_key": pl.String, "sentence_no": pl.Int64, "start": pl.Int64, "end": pl.Int64, "surface": pl.String,
              "la_name": pl.String, "exclusion_reason": pl.String, "n_candidates": pl.Int64}
    out = pl.DataFrame(rows, schema=schema, orient="row")
    # An alias shared by several authorities (a trust serving three boroughs) counts only where the
    # article names exactly one of them on its own.
    plain = out.filter((pl.col("n_candidates") == 1) & pl.col("exclusion_reason").is_null()).select("article_key", "la_name").unique()
    out = out.join(plain.with_columns(pl.lit(True).alias("named_alone")), on=["article_key", "la_name"], how="left").with_columns(
        ((pl.col("n_candidates") == 1) | pl.col("named_alone").fill_null(False)).alias("keep_candidate")
    )
    out = out.filter(pl.col("keep_candidate") | (pl.int_range(pl.len()).over("article_key", "start") == 0)).with_columns(
        pl.when(~pl.col("keep_candidate"))
        .then(pl.lit("a name shared by several authorities, none of them named alone in the article"))
        .otherwise(pl.col("exclusion_reason"))
        .alias("exclusion_reason")
    )
    return out.select(
        "article_key", "sentence_no", "start", "end", "surface", "la_name",
        pl.col("exclusion_reason").is_null().alias("is_valid"), "exclusion_reason",
    ).sort("article_key", "start")


def assign_subjects(sentences: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """Adds ``la_name``: the authority the sentence is about.

    A sentence naming one authority is about it; later sentences carry it until another takes over.
    A sentence naming several belongs to none and stops the carry, unless one of them is the
    authority carried into it: then the carry goes on with that one. An article about one authority
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
    s = s.sort("article_key", "sentence_no").with_columns(pl.col("named_la").forward_fill().over("article_key").alias("carried"))
    # A sentence that names others beside the authority the text is about ("its services were
    # split from a joint arrangement with A and B") is a digression: the carry goes on with that
    # authority after it. It belongs to none itself.
    before = pl.col("carried").shift(1).over("article_key")
    keeps = (pl.col("named_la") == MULTI) & (before != MULTI) & pl.col("las").list.contains(before)
    s = s.with_columns(pl.when(keeps).then(before).otherwise(pl.col("named_la")).alias("_carry_on")).with_columns(
        pl.col("_carry_on").forward_fill().over("article_key").alias("carried")
    )
    s = s.with_columns(pl.when(pl.col("named_la") == MULTI).then(pl.lit(MULTI)).otherwise(pl.col("carried")).alias("carried")).drop("_carry_on")
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


