"""Named people with their roles and authorities.

The frames that find a person ("Name, role, said", "role Name", "Cllr Name", "led by Name", ...) are
rows of ``seeds/rules/person_patterns.csv`` written with placeholders ({NAME}, {ROLE}, {TITLE},
{VERB}, ...); the cue words the placeholders stand for (role heads, titles, post-nominals, speech
verbs, words that are never part of a name) are rule files too. This module only expands the
placeholders and sorts what the frames find: which role, which authority, which speaker type.
"""

from __future__ import annotations

import re
import polars as pl

from transforms.rules import Rules
from transforms.textmatch import ascii_word_boundaries

# One capitalised name token: "Smith", "O’Neill", "McGregor", "Stathers-Tracey".
TOKEN = r"(?:Ma?c[A-Z][a-z]+|[A-Z][’']?[A-Z]?[a-z]+(?:-[A-Z][a-z]+)?)"
NAME = rf"{TOKEN}(?: {TOKEN}){{1,2}}"
INITIAL = r"[A-Z]\.?"
# "the council's", "Croydon's": the owner is the authority, kept elsewhere. Ofsted's is kept: it says who.
OWNER = r"^(?:the |a |an )?(?:(?!Ofsted)(?:[A-Z][\w-]*|council|county|authority|borough|trust|city|town)(?: (?:council|county|borough|city))?['’]s )"


def _alt(words) -> str:
    return "|".join(sorted({w for w in words if w}, key=len, reverse=True))


def _either_case(word: str) -> str:
    """'Councillor' -> '[Cc]ouncillor': a title still reads as one once masking lowered it."""
    return f"[{word[0].upper()}{word[0].lower()}]{re.escape(word[1:])}" if word[:1].isalpha() else re.escape(word)


def masked_words(rules: Rules) -> tuple[list[str], list[str]]:
    """Stopwords that are never any token of a name, each with its first letter lowered.

    Masking them in the text (same length, so every offset holds) lets a name be simply capitalised
    tokens: the frames need no look-ahead, run in either regex engine, and stay fast. A word a
    surname may be ("Young") is not masked: it is refused only as a given name (clean_name).
    """
    stop = rules.name_stopword_table.filter((pl.col("position") == "any") & pl.col("word").str.contains(r"^[A-Z][a-z’']+$"))
    words = stop["word"].to_list()
    starts = [" ", "(", "“", "‘", '"']
    ends = [" ", ",", ".", ";", ":", "’", "'", ")", '"', "”"]
    pats = [f"{a}{w}{e}" for w in words for a in starts for e in ends]
    reps = [f"{a}{w[0].lower()}{w[1:]}{e}" for w in words for a in starts for e in ends]
    return pats, reps


def mask_expr(text: pl.Expr, rules: Rules) -> pl.Expr:
    """The text with masked_words lowered (padded with spaces so words at either end are found)."""
    pats, reps = masked_words(rules)
    padded = pl.lit(" ") + text + pl.lit(" ")
    return padded.str.replace_many(pats, reps).str.slice(1, text.str.len_chars())


def frame_parts(rules: Rules) -> dict[str, str]:
    """What each placeholder of person_patterns.csv stands for, over masked text (see mask_expr).

    Written in the dialect both engines share (no look-arounds): this module runs the frames with
    Python's ``re`` on the sentences a vectorised test lets through, and the rule-example test runs
    the same expansion in polars.
    """
    name = rf"(?:{TOKEN}|{INITIAL})(?: {TOKEN}){{1,2}}"
    name2 = name
    token = TOKEN
    titles = rules.person_titles
    title_alt = "|".join(_either_case(t) for t in sorted(titles.filter(pl.col("kind") != "postnominal")["title"].to_list(), key=len, reverse=True))
    post_alt = _alt(titles.filter(pl.col("kind") == "postnominal")["title"].to_list())
    heads = rules.person_roles.filter(pl.col("is_head") == "yes")["role_head"].to_list()
    head_alt = _alt(heads)
    modifiers = _alt(rules.role_modifiers)
    # Words before a role head that still belong to the role: an article, modifiers ("interim",
    # "deputy"), capitalised words ("Trust", "LibDem") and possessives ("the city's").
    pre = rf"(?:(?:[Tt]he|[Aa]n?|[Ii]ts|[Tt]heir) )?(?:(?:(?i:{modifiers})|[A-Z][\w’'-]*|[a-z]+['’]s) ){{0,3}}"
    head = rf"(?i:{head_alt})s?\b"
    # A role in apposition after one name is singular: "Ann Lee, inspectors said" is no role.
    head_one = rf"(?i:{head_alt})\b"
    verbs = _alt(rules.speech_verbs)
    iverbs = _alt(rules.inverted_verbs)
    return {
        "NAME": f"(?P<name>{name})",
        "NAME2": f"(?P<name2>{name2})",
        "SURNAME": f"(?P<name>{token})",
        "TITLE": rf"(?P<title>{title_alt})\.?",
        "TITLE_OPT": rf"(?:(?P<title>{title_alt})\.? )?",
        "TITLE_ANY": rf"(?:(?:{title_alt})\.? )?",
        # "Councillors Ann Lee, Bo Reid and Cy Moss": a title in the plural heads a list of names.
        "TITLES": rf"(?P<title>(?:{title_alt})s)\.?",
        "MORE": rf"(?P<more>(?:(?:,|,? and) (?:(?:{title_alt})\.? )?{name})+)",
        "POSTNOM": rf"(?P<post>(?:,? (?:{post_alt})\b)*)",
        "POSTNOM_REQ": rf"(?P<post>(?:,? (?:{post_alt})\b)+)",
        # A role ahead of the name: as short as it can be (the tail stops at the first name).
        "ROLE_BEFORE": rf"(?P<role>{pre}{head}(?: [\w’'&:-]+|, [A-Z][\w’'&-]*)*?)",
        # A role after the name: as long as the clause; cut back where the role ends (see trim_role).
        "ROLE_AFTER": rf"(?P<role>{pre}{head_one}[^.;“\x22()]*)",
        "ACRONYM": r"(?: \([A-Z]{2,6}\))?",
        "VERB": rf"(?:{verbs})\b",
        "IVERB": rf"\b(?:{iverbs})\b",
        "CLAUSE": r"(?P<role>[^,“\x22]{3,120})",
    }


def expand_frame(frame: str, parts: dict[str, str]) -> str:
    return re.sub(r"\{([A-Z_0-9]+)\}", lambda m: parts[m.group(1)], frame)


_CACHE: dict[int, tuple[Rules, dict]] = {}


def compiled(rules: Rules) -> dict:
    """The frames and cue patterns built from one Rules object, once (Rules holds frames: no hash)."""
    hit = _CACHE.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    out = _build(rules)
    _CACHE[id(rules)] = (rules, out)
    return out


def _build(rules: Rules) -> dict:
    parts = frame_parts(rules)
    frames = [
        (r["frame_name"], re.compile(expand_frame(r["frame"], parts)), r["role_from"])
        for r in rules.person_patterns.iter_rows(named=True)
    ]
    # The same frames for polars: a sentence goes through a frame in Python only where polars says it matches.
    polars_frames = [ascii_word_boundaries(expand_frame(r["frame"], parts)) for r in rules.person_patterns.iter_rows(named=True)]
    heads = rules.person_roles.filter(pl.col("is_head") == "yes")["role_head"].to_list()
    titles = {r["title"]: r for r in rules.person_titles.iter_rows(named=True)}
    verbs = _alt(rules.speech_verbs)
    name = parts["NAME"].replace("(?P<name>", "(?:")
    return {
        "frames": frames,
        "polars_frames": polars_frames,
        "head": re.compile(rf"(?i)\b(?:{_alt(heads)})s?\b"),
        "titles": titles,
        "title_lead": re.compile(rf"^(?:(?:{_alt(titles)})s?\.? )+"),
        "org_after": re.compile(rf" (?:{_alt(rules.name_stopword_table.filter(pl.col('kind') == 'organisation')['word'].to_list())})\b"),
        "title_only": re.compile(rf"(?i)^(?:{_alt(titles)})\.?$"),
        # Where a role that follows a name ends: a relative clause, a verb, a new clause or name.
        "role_stop": re.compile(
            "|".join([
                *rules.role_ends,
                rf",? (?:{verbs})\b",
                # the role cannot begin with a name, nor run into a title or a further name
                rf"^(?={name} )| (?={parts['TITLE_ANY']} )|,? (?={name}(?:,|;|:| and|$))",
            ])
        ),
        "parts": parts,
        "speaker_types": [(re.compile(rf"(?i)\b(?:{r['role_head']})s?\b"), r["speaker_type"]) for r in rules.person_roles.iter_rows(named=True)],
        "plural": re.compile(rf"(?i)\b({_alt(heads)})s\b"),
        "labels": [(re.compile(rf"(?i)\b(?:{r['role_head']})\b"), r["label"]) for r in rules.person_roles.iter_rows(named=True) if r["label"]],
    }


def trim_role(role: str, stop: re.Pattern[str]) -> str:
    m = stop.search(role)
    role = role[: m.start()] if m else role
    return re.sub(r"\s+", " ", role).strip(" ,:–-")


def clean_role(role: str) -> str:
    role = re.sub(r"\s+", " ", role).strip(" ,")
    role = re.sub(OWNER, "", role).strip()
    # "a new director", "the director": the article and 'new' say nothing about the role.
    return re.sub(r"^(?:(?:[Tt]he|[Aa]n?|[Nn]ew|[Pp]ermanent) )+", "", role)


def clean_name(name: str, stopwords: frozenset[str]) -> str | None:
    """Leading stopwords off; None when what is left is not two name tokens."""
    tokens = name.split()
    while tokens and tokens[0] in stopwords:
        tokens.pop(0)
    if len(tokens) < 2 or any(t in stopwords for t in tokens):
        return None
    return " ".join(tokens)


def role_cut(role: str, stop: re.Pattern[str]) -> int:
    """Where a role read to the end of its clause really ends (see role_ends.csv)."""
    m = stop.search(role)
    return m.start() if m else len(role)


def _trimmed_role(text: str, masked: str, span: tuple[int, int], c: dict) -> str:
    """The role's original text, cut where the masked role ends."""
    cut = role_cut(masked[span[0]:span[1]], c["role_stop"])
    return re.sub(r"\s+", " ", text[span[0]:span[0] + cut]).strip(" ,:–-")


def _role_of(m: re.Match, text: str, role_from: str, c: dict) -> str | None:
    groups = m.groupdict()
    role = None
    if role_from == "role" and groups.get("role"):
        role = _trimmed_role(text, m.string, m.span("role"), c)
        if not c["head"].search(role):
            return "\x00"  # the frame needs a role and this is none: not a hit
        role = clean_role(role)
        if c["title_only"].match(role):
            return "\x00"  # "Councillor Ann Lee": a title, read by the title frames
        role = c["plural"].sub(r"\1", role)
        role = _labelled(role, c)
    elif role_from == "clause" and groups.get("role"):
        # A relative clause between the name and the verb counts as a role only if it holds one.
        start, end = m.span("role")
        clause = text[start:end].strip()
        if not clause.startswith("who "):
            clause = _trimmed_role(text, m.string, m.span("role"), c)
        if c["head"].search(clause):
            role = _labelled(clean_role(re.sub(r"^who (?:is|was|has been|represents) ", "", clause)), c)
    title = groups.get("title")
    if not role and title:
        t = title.rstrip(".")
        t = c["titles"].get(t) or c["titles"].get(t[:1].upper() + t[1:]) or c["titles"].get(t[:1].upper() + t[1:].removesuffix("s"))
        role = (t["role"] or None) if t else None
    post = groups.get("post") or ""
    if not role and re.search(r"\bMP\b", post):
        role = "MP"
    return role


def _labelled(role: str, c: dict) -> str:
    for pat, label in c["labels"]:
        if pat.search(role) and not re.search(rf"\b{re.escape(label)}\b", role):
            return f"{label} ({role})"
    return role


def _person_hits(text: str, masked: str, c: dict, stopwords: frozenset[str], ranks: list[int] | None = None) -> list[dict]:
    """The frames (``ranks``: those polars found in this sentence) over one sentence: frames match
    the masked text, names and roles come from the text."""
    hits: list[dict] = []
    list_name = re.compile(c["parts"]["NAME"].replace("(?P<name>", "(?:"))
    for rank in range(len(c["frames"])) if ranks is None else ranks:
        kind, pat, role_from = c["frames"][rank]
        pos = 0
        while (m := pat.search(masked, pos)) is not None:
            pos = m.end()
            role = _role_of(m, text, role_from, c)
            if role == "\x00":
                pos = m.start() + 1
                continue
            groups = m.groupdict()
            if role_from == "role" and groups.get("role") and m.start("role") > m.start("name"):
                # The next search starts where this role was cut ("A, role, B, role"), not at the match's end.
                cut = role_cut(groups["role"], c["role_stop"])
                pos = max(m.start("role") + cut, m.start() + 1)
            spans = [m.span(g) for g in ("name", "name2") if groups.get(g)]
            if groups.get("more"):
                # Every further name of a list ("..., Bo Reid and Cy Moss") with the list's role.
                m0 = m.start("more")
                spans += [(m0 + x.start(), m0 + x.end()) for x in list_name.finditer(groups["more"])]
            for g0, g1 in spans:
                raw = text[g0:g1]
                # "Eastfield Council", "Ann Lee Trust": a name followed by an organisation word is a place.
                if c["org_after"].match(text, g1):
                    continue
                is_surname = " " not in raw
                name = raw if is_surname else clean_name(c["title_lead"].sub("", raw), stopwords)
                if name is None or (is_surname and name in stopwords):
                    continue
                start = g0 + (len(raw) - len(name))
                role_span = m.span("role") if groups.get("role") else (-1, -1)
                hits.append({"name": name, "role": role, "pattern": kind, "rank": rank + (100 if role_from == "title" else 0),
                             "is_surname": is_surname, "name_start": start, "name_end": start + len(name),
                             "role_start": role_span[0], "role_end": role_span[1]})
    return hits


HIT_DTYPE = pl.List(
    pl.Struct(
        {"name": pl.String, "role": pl.String, "pattern": pl.String, "rank": pl.Int64, "is_surname": pl.Boolean, "name_start": pl.Int64,
         "name_end": pl.Int64, "role_start": pl.Int64, "role_end": pl.Int64}
    )
)


def speaker_type_of(role: str | None, rules: Rules) -> str:
    if not role:
        return "other"
    for head, kind in compiled(rules)["speaker_types"]:
        if head.search(role):
            return kind
    return "other"


def could_hold_person(rules: Rules, masked: pl.Expr, unmasked: bool = False) -> pl.Expr:
    """A vectorised superset test over masked text: only sentences it passes go to the Python frames.

    A name (two capitalised tokens, or an initial and one) or a title before a capitalised token,
    and some cue a frame needs: a role head, a speech verb or a frame's own cue.

    ``unmasked``: the same test for text not yet masked, passing every text whose masked form passes
    (so that only those are masked). Masking only lowers a capital after a space, bracket or quote
    mark, where the name test has a capital of its own; the title test, which a lowered capital
    inside a title could fool, is read without case.
    """
    heads = rules.person_roles.filter(pl.col("is_head") == "yes")["role_head"].to_list()
    titles = "|".join(_either_case(t) for t in rules.person_titles.filter(pl.col("kind") != "postnominal")["title"].to_list())
    cues = rules.person_patterns["cue"].drop_nulls().to_list()
    anything = ascii_word_boundaries("|".join([*heads, *rules.speech_verbs, *cues]))
    title = ascii_word_boundaries(rf"\b(?:{titles})\.? [A-Z]")
    return (
        masked.str.contains(r"[A-Z][a-z’'.]* [A-Z][’']?[A-Z]?[a-z]") | masked.str.contains(f"(?i){title}" if unmasked else title)
    ) & masked.str.contains(f"(?i)(?:{anything})")


POST_ENDS = r"(?i) (?:in|on|at|for|since|from|to|with|by|the|a|an|over|during|who|which|was|were|is|are|has|have|had)\b.*$"


def post_pattern(rules: Rules) -> str:
    """A council post named in the text ("three directors of children's services", "the children's
    director"): a council role head, singular or plural, with what an "of" adds to it."""
    heads = rules.person_roles.filter((pl.col("is_head") == "yes") & (pl.col("speaker_type") == "council"))["role_head"].to_list()
    return ascii_word_boundaries(rf"(?i)\b(?:{_alt(heads)})s?\b(?: of [\w’'&-]+(?: (?:and )?[\w’'&-]+){{0,2}})?")


def with_post_roles(hits: pl.DataFrame, sentences: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """People a frame of ``role_from`` 'post' finds as they take up, hold or leave a post ("X took on
    the role", "the retirement of X", "with X being appointed") hold the last council post named
    before them: in their sentence, else in the one before ("There have been three directors of
    children's services since 2018. X took on the role in May."). Ranked below any role a frame reads."""
    post_frames = rules.person_patterns.filter(pl.col("role_from") == "post")["frame_name"].to_list()
    needs = pl.col("role").is_null() & pl.col("pattern").is_in(post_frames)
    if not post_frames or hits.filter(needs).is_empty():
        return hits
    post = post_pattern(rules)
    heads = rules.person_roles.filter(pl.col("is_head") == "yes")["role_head"].to_list()
    previous = sentences.select("article_key", (pl.col("sentence_no") + 1).alias("sentence_no"), pl.col("text").alias("_previous"))
    found = (
        hits.filter(needs).select("article_key", "sentence_no", "name_start", "pattern", "text").unique()
        .join(previous, on=["article_key", "sentence_no"], how="left")
        .with_columns(pl.coalesce(pl.col("text").str.slice(0, pl.col("name_start")).str.extract_all(post).list.last(),
                                  pl.col("_previous").str.extract_all(post).list.last()).alias("_post"))
        .drop_nulls("_post")
        # Said of several holders, a post is still one: "directors" -> "director".
        .select("article_key", "sentence_no", "name_start", "pattern",
                pl.col("_post").str.replace(ascii_word_boundaries(rf"(?i)\b({_alt(heads)})s\b"), "$1")
                # "directors of children's services in five years": the post ends where a phrase or clause begins.
                .str.replace(ascii_word_boundaries(POST_ENDS), "").alias("_post"))
    )
    return (
        hits.join(found, on=["article_key", "sentence_no", "name_start", "pattern"], how="left")
        .with_columns(
            pl.when(needs & pl.col("_post").is_not_null()).then(pl.col("rank") + 200).otherwise(pl.col("rank")).alias("rank"),
            pl.when(needs).then(pl.col("_post")).otherwise(pl.col("role")).alias("role"),
        )
        .drop("_post")
    )


def find_people(sentences: pl.DataFrame, mentions: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """One row per (article, person): name, role, la_name, speaker_type, first offset of the name.

    ``sentences`` must carry ``la_name`` (see authorities.assign_subjects). A person's authority is
    one named inside their role ("leader of Bradford Council") unless that mention was set aside
    ("former Leeds director"); otherwise, for council people and people without a role, the
    authority the sentence is about. A surname alone after a title ("Councillor Dixon, cabinet
    member, said") adds its role to the person of that surname named in the same article.
    """
    c = compiled(rules)
    stop = rules.name_stopwords
    masked = pl.col("masked")
    frames_found = pl.concat_list(
        [pl.when(masked.str.contains(f)).then(pl.lit(i)) for i, f in enumerate(c["polars_frames"])]
    ).list.drop_nulls()
    hits = (
        sentences.filter(could_hold_person(rules, pl.col("text"), unmasked=True))
        .with_columns(mask_expr(pl.col("text"), rules).alias("masked"))
        .filter(could_hold_person(rules, masked))
        .with_columns(frames_found.alias("ranks"))
        .filter(pl.col("ranks").list.len() > 0)
        .with_columns(
            pl.struct("text", "masked", "ranks")
            .map_elements(lambda r: _person_hits(r["text"], r["masked"], c, stop, r["ranks"]), return_dtype=HIT_DTYPE)
            .alias("h")
        )
        .drop("masked", "ranks")
        .explode("h")
        .drop_nulls("h")
        .unnest("h")
    )
    schema = {"article_key": pl.String, "person_name": pl.String, "role": pl.String, "la_name": pl.String,
              "speaker_type": pl.String, "start": pl.Int64, "end": pl.Int64, "sentence_no": pl.Int64}
    if hits.is_empty():
        return pl.DataFrame(schema=schema)
    hits = with_post_roles(hits, sentences, rules)
    hits = hits.with_columns(
        (pl.col("start") + pl.col("role_start")).alias("abs_role_start"),
        (pl.col("start") + pl.col("role_end")).alias("abs_role_end"),
        (pl.col("start") + pl.col("name_start")).alias("abs_name_start"),
        (pl.col("start") + pl.col("name_end")).alias("abs_name_end"),
    )
    # Mentions of the same sentences only (joined on the sentence, never on the article alone).
    m = mentions.select("article_key", "sentence_no", pl.col("start").alias("m_start"), pl.col("end").alias("m_end"),
                        pl.col("la_name").alias("role_la"), "is_valid")
    with_m = hits.select("article_key", "sentence_no", "abs_name_start", "abs_name_end", "abs_role_start", "abs_role_end").unique().join(
        m, on=["article_key", "sentence_no"])
    in_role = (
        with_m.filter((pl.col("m_start") >= pl.col("abs_role_start")) & (pl.col("m_start") < pl.col("abs_role_end")))
        .group_by("article_key", "abs_name_start", "abs_role_start")
        .agg(pl.col("role_la").filter(pl.col("is_valid")).first())
    )
    # A "name" that is an authority's name ("Tameside Council") is no person.
    on_place = (
        with_m.filter((pl.col("m_start") < pl.col("abs_name_end")) & (pl.col("m_end") > pl.col("abs_name_start")) & pl.col("is_valid"))
        .select("article_key", "abs_name_start").unique().with_columns(pl.lit(True).alias("_place"))
    )
    hits = (
        hits.join(in_role, on=["article_key", "abs_name_start", "abs_role_start"], how="left")
        .join(on_place, on=["article_key", "abs_name_start"], how="left")
        .filter(pl.col("_place").is_null())
    )
    full = hits.filter(~pl.col("is_surname"))
    # A surname after a title refers back (or forward) to the full name with that last token.
    surnames = full.select("article_key", "name", pl.col("name").str.split(" ").list.last().alias("surname")).unique(["article_key", "surname"], keep="first")
    refs = (
        hits.filter(pl.col("is_surname"))
        .rename({"name": "surname"})
        .join(surnames, on=["article_key", "surname"], how="inner")
        .drop("surname")
        .select(full.columns)
    )
    # Several frames may describe the same person: the role of the frame that reads roles best (a
    # role written out before one a title implies), the fullest of those; the first position.
    people = (
        pl.concat([full, refs])
        .with_columns((pl.col("rank") * 10_000 - pl.col("role").str.len_chars().cast(pl.Int64)).alias("role_order"))
        .sort("article_key", "abs_name_start")
        .group_by("article_key", "name", maintain_order=True)
        .agg(
            pl.col("role").sort_by("role_order", nulls_last=True).first(),
            pl.col("role_la").sort_by("role_order", nulls_last=True).first(),
            pl.col("la_name").drop_nulls().first().alias("sentence_la"),
            pl.col("abs_name_start").min().alias("start"),
            pl.col("sentence_no").min(),
        )
        .with_columns(
            (pl.col("start") + pl.col("name").str.len_chars()).alias("end"),
            pl.col("role").map_elements(lambda r: speaker_type_of(r, rules), return_dtype=pl.String).fill_null("other").alias("speaker_type"),
        )
        # Council people and people with no role act for the authority the sentence is about; an
        # inspector, a minister or an MP only for one their role names.
        .with_columns(
            pl.when((pl.col("speaker_type") == "council") | pl.col("role").is_null())
            .then(pl.coalesce("role_la", "sentence_la"))
            .otherwise(pl.col("role_la"))
            .alias("la_name")
        )
    )
    return people.select(
        "article_key",
        pl.col("name").alias("person_name"),
        "role",
        "la_name",
        "speaker_type",
        "start",
        "end",
        "sentence_no",
    )
