"""Named people with their roles and authorities, and unnamed speakers such as 'a council spokesman'."""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl

from transforms.rules import Rules

TOKEN = r"(?:Ma?c[A-Z][a-z]+|[A-Z][’']?[A-Z]?[a-z]+(?:-[A-Z][a-z]+)?)"
NAME = rf"{TOKEN}(?: {TOKEN}){{1,2}}"
# "the council's", "Croydon's": the owner is the authority, kept elsewhere. Ofsted's is kept: it says who.
OWNER = r"^(?:the |a |an )?(?:(?!Ofsted)(?:[A-Z][\w-]*|council|county|authority|borough|trust)(?: (?:council|county|borough|city))?['’]s )"
ROLE_END = r"(?= earlier| later| last| this| since| until| after| before| who| in [0-9]|[,.;:]|$)"
UNNAMED = (
    r"(?i)\b(?:a|an|the)\s+(?P<org>(?:[A-Z][\w’']*\s+){0,3}(?:council|trust|department|ofsted)\s+)?"
    r"spokes(?:man|woman|person)(?:\s+for\s+(?P<for>the\s+council|the\s+trust|[A-Z][\w’' ]+?))?\s+(?:said|added|told|says)"
)


@lru_cache(maxsize=4)
def _patterns(heads: tuple[str, ...], verbs: tuple[str, ...]) -> dict[str, re.Pattern[str]]:
    head_alt = "|".join(sorted(heads, key=len, reverse=True))
    verb_alt = "|".join(verbs)
    return {
        "name_role_verb": re.compile(rf"(?P<name>{NAME}), (?P<role>[^“\"]{{3,160}}?), (?:{verb_alt}|[a-z]+ed)\b"),
        "verb_name_role": re.compile(rf"\b(?:{verb_alt}) (?P<name>{NAME}), (?P<role>[^,.“\"]{{3,120}})"),
        "name_as_role": re.compile(rf"(?P<name>{NAME}) as (?P<role>(?:the )?[^,.;“\"]{{3,120}}?){ROLE_END}"),
        "name_who_is": re.compile(rf"(?P<name>{NAME}), who (?:is|was|has been) (?P<role>[^,.;“\"]{{3,120}}?){ROLE_END}"),
        "role_name": re.compile(
            rf"(?P<role>(?:(?:[Ff]ormer|[Ii]nterim|[Aa]cting|[Nn]ew) )?(?:[A-Z][\w’']*(?: [A-Z][\w’']*)? )?"
            rf"(?i:{head_alt})(?: (?:of|for|at) [a-z’' ,]+?)?) (?P<name>{NAME})"
        ),
        "title_name": re.compile(rf"\b(?P<role>Cllr|Councillor|Coun) (?P<name>{NAME})"),
        "head": re.compile(rf"(?i)\b(?:{head_alt})\b"),
    }


def clean_name(name: str, stopwords: frozenset[str]) -> str | None:
    tokens = name.split()
    while tokens and tokens[0] in stopwords:
        tokens.pop(0)
    if len(tokens) < 2 or any(t in stopwords for t in tokens):
        return None
    return " ".join(tokens)


def clean_role(role: str) -> str:
    role = re.sub(r"\s+", " ", role).strip(" ,")
    return re.sub(OWNER, "", role).strip()


def _person_hits(text: str, pats: dict[str, re.Pattern[str]], stopwords: frozenset[str]) -> list[dict]:
    hits: list[dict] = []
    for kind, pat in pats.items():
        if kind == "head":
            continue
        for m in pat.finditer(text):
            name = clean_name(m.group("name"), stopwords)
            role = m.group("role")
            if name is None or (kind != "title_name" and not pats["head"].search(role)):
                continue
            role_text = "councillor" if kind == "title_name" else clean_role(role)
            hits.append(
                {
                    "name": name,
                    "role": role_text,
                    "pattern": kind,
                    "name_start": m.start("name") + (len(m.group("name")) - len(name)),
                    "role_start": m.start("role"),
                    "role_end": m.end("role"),
                }
            )
    return hits


HIT_DTYPE = pl.List(
    pl.Struct(
        {"name": pl.String, "role": pl.String, "pattern": pl.String, "name_start": pl.Int64, "role_start": pl.Int64, "role_end": pl.Int64}
    )
)


def speaker_type_of(role: str | None, rules: Rules) -> str:
    if not role:
        return "other"
    if re.search(r"(?i)\bofsted\b|\binspectorate\b", role):
        return "inspectorate"
    for r in rules.person_roles.iter_rows(named=True):
        if re.search(rf"(?i)\b{r['role_head']}\b", role):
            return r["speaker_type"]
    return "other"


def find_people(sentences: pl.DataFrame, mentions: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """One row per (article, person): name, role, la_name, speaker_type, first offset of the name.

    ``sentences`` must carry ``la_name`` (see authorities.assign_subjects). A person's authority is
    one named inside their role ("leader of Bradford Council") unless that mention was set aside
    ("former Leeds director"); otherwise the authority the sentence is about.
    """
    pats = _patterns(tuple(rules.person_roles["role_head"].to_list()), tuple(rules.speech_verbs))
    stop = rules.name_stopwords
    # Every pattern but a councillor's title needs a role head in the sentence: the vectorised test
    # leaves the Python patterns a fraction of the sentences. It matches a superset (no boundaries).
    could_name = pl.col("text").str.contains("(?i)(?:" + "|".join(rules.person_roles["role_head"].to_list()) + "|Cllr|Coun)")
    hits = (
        sentences.filter(pl.col("text").str.contains(r"[A-Z][a-z’']+ [A-Z]") & could_name)
        .with_columns(pl.col("text").map_elements(lambda t: _person_hits(t, pats, stop), return_dtype=HIT_DTYPE).alias("h"))
        .explode("h")
        .drop_nulls("h")
        .unnest("h")
    )
    schema = {"article_key": pl.String, "person_name": pl.String, "role": pl.String, "la_name": pl.String,
              "speaker_type": pl.String, "start": pl.Int64, "end": pl.Int64, "sentence_no": pl.Int64}
    if hits.is_empty():
        return pl.DataFrame(schema=schema)
    hits = hits.with_columns(
        (pl.col("start") + pl.col("role_start")).alias("abs_role_start"),
        (pl.col("start") + pl.col("role_end")).alias("abs_role_end"),
        (pl.col("start") + pl.col("name_start")).alias("abs_name_start"),
    )
    # The first valid mention at or after the role's start, kept if it lies inside the role: a sorted
    # (as-of) join, one row per hit, where joining on the article paired every hit with every mention.
    m = mentions.filter(pl.col("is_valid")).select("article_key", pl.col("start").alias("m_start"), pl.col("la_name").alias("role_la"))
    in_role = (
        hits.select("article_key", "abs_name_start", "abs_role_start", "abs_role_end").with_row_index("_hit").sort("abs_role_start")
        .join_asof(m.unique(["article_key", "m_start"], keep="first", maintain_order=True).sort("m_start"),
                   left_on="abs_role_start", right_on="m_start", by="article_key", strategy="forward", check_sortedness=False)
        .filter(pl.col("m_start") < pl.col("abs_role_end"))
        .sort("_hit")
        .group_by("article_key", "abs_name_start", maintain_order=True)
        .agg(pl.col("role_la").first())
    )
    hits = hits.join(in_role, on=["article_key", "abs_name_start"], how="left").with_columns(
        pl.coalesce("role_la", "la_name").alias("person_la")
    )
    # Several patterns may describe the same person: keep the fullest role, the first position.
    people = (
        hits.sort("article_key", "abs_name_start")
        .group_by("article_key", "name", maintain_order=True)
        .agg(
            pl.col("role").sort_by(pl.col("role").str.len_chars(), descending=True).first(),
            pl.col("person_la").drop_nulls().first(),
            pl.col("abs_name_start").min().alias("start"),
            pl.col("sentence_no").min(),
        )
        .with_columns((pl.col("start") + pl.col("name").str.len_chars()).alias("end"))
    )
    return people.select(
        "article_key",
        pl.col("name").alias("person_name"),
        "role",
        pl.col("person_la").alias("la_name"),
        pl.col("role").map_elements(lambda r: speaker_type_of(r, rules), return_dtype=pl.String).alias("speaker_type"),
        "start",
        "end",
        "sentence_no",
    )
