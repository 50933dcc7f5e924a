"""Findings: (authority, theme, polarity) per sentence clause, with who asserts them."""

from __future__ import annotations

import polars as pl

from transforms.literals import scattered, screen_of
from transforms.rules import Rules
from transforms.textmatch import as_group

CLAUSE_MARK = "\x1d"
# Headlines and standfirsts state findings too ("Caseloads still too high, says Ofsted").
FINDING_BLOCKS = ["title", "standfirst", "heading", "body"]
# A paragraph of one sentence this short, after a list lead-in's paragraph, is a further list item.
LIST_ITEM_MAX_WORDS = 30


def _alternation(patterns: list[str]) -> str:
    return "(?:" + "|".join(as_group(p) for p in patterns) + ")"


def _polarity_columns(clauses: pl.DataFrame, rules: Rules) -> list[pl.Series]:
    """n_pos, n_neg (weighted cue scores) and pos_cue, neg_cue (the first cue of each polarity) per clause.

    A negated cue ("no longer drifting") counts for the other side; a cue inside a purpose ("to
    deliver effective practice") counts for neither. A phrase that holds a praise word but is
    criticism ("improvements needed") carries a weight that outvotes the word inside it. Cues of
    the same polarity and weight are matched as one alternation (a class), and a negated or
    neutralised cue as that alternation after any of the modifiers of its kind. One literal pass
    finds the clauses each class (and each polarity's first cue) can match (transforms.literals.Screen):
    a clause no class can match scores nought and has no cue, and the rest run in one expression.
    """
    classes = rules.polarity_cues.with_columns(pl.col("weight").fill_null("1").cast(pl.Int32)).group_by("polarity", "weight", maintain_order=True).agg("pattern")
    groups = [(polarity, weight, patterns) for polarity, weight, patterns in classes.iter_rows()]
    # The first cue of a polarity: the first match of all its cues as one alternation.
    groups += [(f"first_{polarity}", 0, rules.polarity_cues.filter(pl.col("polarity") == polarity)["pattern"].to_list())
               for polarity in ("positive", "negative")]
    preceded = lambda modifiers, cues: f"{_alternation(modifiers)}{cues}" if modifiers else None  # noqa: E731
    table = pl.DataFrame(
        [(g, kind, weight, _alternation(patterns), preceded(rules.negators, _alternation(patterns)), preceded(rules.neutralisers, _alternation(patterns)))
         for g, (kind, weight, patterns) in enumerate(groups)],
        schema={"_group": pl.Int32, "_kind": pl.String, "_weight": pl.Int32, "_cues": pl.String, "_negated": pl.String, "_neutral": pl.String},
        orient="row",
    )
    found = screen_of(tuple(tuple(patterns) for _, _, patterns in groups)).candidates(clauses, "clause", table)
    text = pl.col("clause")
    scored = found.filter(~pl.col("_kind").str.starts_with("first_")).with_columns(
        text.str.count_matches(pl.col("_cues")).cast(pl.Int32).alias("_hits"),
        text.str.count_matches(pl.col("_negated")).cast(pl.Int32).fill_null(0).alias("_neg"),
        text.str.count_matches(pl.col("_neutral")).cast(pl.Int32).fill_null(0).alias("_neu"),
    ).with_columns(
        ((pl.col("_hits") - pl.col("_neg") - pl.col("_neu")).clip(lower_bound=0) * pl.col("_weight")).alias("_same"),
        (pl.col("_neg") * pl.col("_weight")).alias("_other"),
    )
    positive = pl.col("_kind") == "positive"
    scores = scored.group_by("_row").agg(
        pl.when(positive).then("_same").otherwise("_other").sum().alias("n_pos"),
        pl.when(positive).then("_other").otherwise("_same").sum().alias("n_neg"),
    )
    firsts = found.filter(pl.col("_kind").str.starts_with("first_")).with_columns(
        text.str.extract_all(pl.col("_cues")).list.first().alias("_cue"))
    out = [scattered(clauses.height, scores["_row"], scores[c], 0, pl.Int32).alias(c) for c in ("n_pos", "n_neg")]
    for polarity in ("positive", "negative"):
        cue = firsts.filter((pl.col("_kind") == f"first_{polarity}") & pl.col("_cue").is_not_null())
        out.append(scattered(clauses.height, cue["_row"], cue["_cue"], None, pl.String).alias(f"{polarity[:3]}_cue"))
    return out


def split_clauses(sentences: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    # A splitter with a group named "keep" keeps that text and splits after it ("Despite X, | Y"); it
    # runs first, one pass each. The plain splitters run as one alternation: one pass in all.
    marked = pl.col("text")
    for p in (p for p in rules.clause_splitters if "(?P<keep>" in p):
        marked = marked.str.replace_all(p, "${keep}" + CLAUSE_MARK)
    plain = [p for p in rules.clause_splitters if "(?P<keep>" not in p]
    if plain:
        marked = marked.str.replace_all(_alternation(plain), CLAUSE_MARK)
    return (
        sentences.with_columns(marked.str.split(CLAUSE_MARK).alias("clause"))
        .explode("clause")
        .filter(pl.col("clause").str.strip_chars() != "")
        .with_columns(pl.int_range(pl.len()).over("article_key", "sentence_no").alias("clause_no"))
    )


def _theme_hits(clauses: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """(_cid, theme, theme_cue) per clause and theme it names, in rule order.

    A theme's rules without an exception run as one alternation, its first match the cue; a rule with
    an exception (``unless``) runs alone. One literal pass finds the clauses each can match
    (transforms.literals.Screen) and their regexes run on those pairs alone, all in one expression:
    most themes occur in a few per cent of clauses. Built long and folded into a list per clause: a
    list of per-theme structs over every clause cost six times the regex work itself.
    """
    text = pl.col("clause")
    has_unless = pl.col("unless").is_not_null() & (pl.col("unless") != "")
    parts = [(theme, patterns, None) for theme, patterns in rules.theme_cues.filter(~has_unless).group_by("theme", maintain_order=True).agg("pattern").iter_rows()]
    parts += [(r["theme"], [r["pattern"]], r["unless"]) for r in rules.theme_cues.filter(has_unless).iter_rows(named=True)]
    table = pl.DataFrame(
        [(i, theme, _alternation(patterns), unless) for i, (theme, patterns, unless) in enumerate(parts)],
        schema={"_group": pl.Int32, "theme": pl.String, "_cue": pl.String, "_unless": pl.String}, orient="row",
    )
    found = screen_of(tuple(tuple(patterns) for _, patterns, _ in parts)).candidates(clauses, "clause", table, "_cid")
    long = (
        # The first match of the group's alternation: extract_all with a pattern column reuses each compiled
        # regex, extract compiles one a row.
        found.with_columns(text.str.extract_all(pl.col("_cue")).list.first().alias("theme_cue"))
        .filter(pl.col("theme_cue").is_not_null() & (pl.col("_unless").is_null() | ~text.str.contains(pl.col("_unless"))))
        .select("_cid", "theme", "theme_cue", pl.col("_group").alias("_order"))
    )
    return (
        long.sort("_cid", "_order")
        .unique(["_cid", "theme"], keep="first", maintain_order=True)
        .group_by("_cid", maintain_order=True)
        .agg(pl.struct("theme", "theme_cue").alias("themes"))
    )


def tag_clauses(clauses: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Themes and polarities of the clauses that can hold a finding.

    Only a clause that names a theme, or follows one in its sentence, can: polarity is worked out
    for those alone (clauses come in sentence order, so "the clause before" is a plain shift).
    """
    clauses = clauses.with_row_index("_cid")
    clauses = clauses.join(_theme_hits(clauses, rules), on="_cid", how="left", maintain_order="left")
    same_sentence = (pl.col("article_key") == pl.col("article_key").shift(1)) & (pl.col("sentence_no") == pl.col("sentence_no").shift(1))
    clauses = clauses.with_columns(pl.when(same_sentence).then(pl.col("themes").shift(1)).alias("_prev_themes")).filter(
        pl.col("themes").is_not_null() | pl.col("_prev_themes").is_not_null()
    )
    tagged = clauses.with_columns(_polarity_columns(clauses, rules))
    # A clause that judges without naming a theme ("but further work is required") judges the theme
    # of the clause before it.
    tagged = tagged.with_columns(
        pl.when(pl.col("themes").is_null() & ((pl.col("n_pos") + pl.col("n_neg")) > 0))
        .then(pl.col("_prev_themes"))
        .otherwise(pl.col("themes"))
        .fill_null([])
        .alias("themes")
    )
    polarity = pl.concat_list(
        pl.when(pl.col("n_pos") >= pl.col("n_neg")).then(pl.when(pl.col("n_pos") > 0).then(pl.lit("positive"))),
        pl.when(pl.col("n_neg") >= pl.col("n_pos")).then(pl.when(pl.col("n_neg") > 0).then(pl.lit("negative"))),
    ).list.drop_nulls()
    return tagged.with_columns(polarity.alias("polarities")).drop("_cid", "_prev_themes")


def _matches(text: pl.Expr, patterns: list[str]) -> pl.Expr:
    """Whether any of the patterns matches: one regex pass for the whole class."""
    return text.str.contains(_alternation(patterns)) if patterns else pl.lit(False)


def _frames(rules: Rules, kind: str, polarity: str | None = None) -> list[str]:
    f = rules.finding_frames.filter(pl.col("kind") == kind)
    if polarity is not None:
        f = f.filter(pl.col("polarity").fill_null("") == polarity)
    return f["pattern"].to_list()


def _voice_and_lists(s: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Adds ``voice`` (who asserts the sentence's findings) and ``list_polarity`` (the polarity a
    list lead-in imposes on the sentence's themed clauses).

    ``asserted_by`` says who speaks; a finding's voice also depends on what is said. An inspectorate
    frame ("Ofsted noted that ...", "the report recognised ...") makes a sentence the inspectorate's
    even in an officer's quote or reported speech, and a quote the letter or an inspector speaks is
    the inspectorate's to the end of its run of sentences. Without such a frame, a sentence in which
    the council speaks of itself ("we", "our", "the council is working to") is the council's.
    A lead-in ending in a colon ("Key findings include:", "Areas for improvement:") gives the next
    paragraph, and the list items that follow it (one short sentence to a paragraph: a bulleted
    list), the lead-in's voice and, for praise or criticism lead-ins, its polarity. A praise or
    criticism lead-in inside a sentence ("very good practice in areas including: X; Y; Z") gives the
    items after its colon its polarity.
    """
    text = pl.col("text")
    s = s.sort("article_key", "sentence_no")
    # Each kind of frame as one alternation, run only on the sentences holding one of its literals
    # (transforms.literals.Screen); where it matches, at what place.
    kinds = {"_iv": _frames(rules, "inspector_voice"), "_isp": _frames(rules, "inspector_speaker"), "_cv": _frames(rules, "council_voice"),
             "_lead": _frames(rules, "list_lead_in", ""), "_lead_pos": _frames(rules, "list_lead_in", "positive"),
             "_lead_neg": _frames(rules, "list_lead_in", "negative"), "_cont": _frames(rules, "list_continuation"), "_scope": _frames(rules, "visit_scope")}
    groups = [(name, patterns) for name, patterns in kinds.items() if patterns]
    table = pl.DataFrame([(g, name, _alternation(patterns)) for g, (name, patterns) in enumerate(groups)],
                         schema={"_group": pl.Int32, "_kind": pl.String, "_pattern": pl.String}, orient="row")
    hits = (screen_of(tuple(tuple(patterns) for _, patterns in groups)).candidates(s, "text", table)
            .with_columns(text.str.find(pl.col("_pattern")).alias("_at")).filter(pl.col("_at").is_not_null()))
    voice_frame = hits.filter(pl.col("_kind") == "_iv")
    iv_at = scattered(s.height, voice_frame["_row"], voice_frame["_at"], None, pl.UInt32)
    s = s.with_columns(
        *[scattered(s.height, hits.filter(pl.col("_kind") == name)["_row"], True, False, pl.Boolean).alias(name) for name in kinds],
        # The frame leads the sentence (after any opening quotation mark).
        (iv_at <= 2).fill_null(False).alias("_iv_lead"),
        text.str.contains(r":\s*$").alias("_colon"),
    )
    # A run: consecutive sentences of one paragraph with one speaker (a quote and its continuation).
    # Sentences are in order, so runs and "the sentence before" are plain shifts, not windows.
    new_article = pl.col("article_key") != pl.col("article_key").shift(1)
    boundary = (new_article | (pl.col("block_no") != pl.col("block_no").shift(1)) | (pl.col("asserted_by") != pl.col("asserted_by").shift(1))).fill_null(True)
    s = s.with_columns(boundary.cum_sum().alias("_run"), new_article.fill_null(True).alias("_new_article"))
    s = s.with_columns(
        (pl.when(pl.col("_isp")).then(pl.col("_run")).forward_fill() == pl.col("_run")).fill_null(False).alias("_speaker_run"),
        pl.when(pl.col("_lead_neg") & ~pl.col("_lead_pos"))
        .then(pl.lit("negative"))
        .when(pl.col("_lead_pos") & ~pl.col("_lead_neg"))
        .then(pl.lit("positive"))
        .alias("_lead_polarity"),
    )
    s = s.with_columns(
        # In a council officer's own quoted words a relay counts only when it leads the sentence
        # ("Inspectors noted real improvements ..."), not in passing ("... recognised by Ofsted ...").
        pl.when((pl.col("_iv") & ((pl.col("quoted_share") < 0.5) | pl.col("_iv_lead"))) | pl.col("_speaker_run"))
        .then(pl.lit("inspectorate"))
        .when(pl.col("_cv") & (pl.col("asserted_by") == "inspectorate"))
        .then(pl.lit("council"))
        .otherwise(pl.col("asserted_by"))
        .alias("voice")
    )
    # The list under a lead-in: the paragraph after it, then each following paragraph of one short
    # sentence (a bullet), up to the first that is not one. Runs of rows per lead-in, no joins.
    is_lead = pl.col("_colon") & (pl.col("_lead") | pl.col("_lead_polarity").is_not_null())
    s = s.with_columns(
        is_lead.alias("_is_lead"),
        ((pl.len().over("article_key", "block_no") == 1) & (pl.col("text").str.count_matches(r"\S+") <= LIST_ITEM_MAX_WORDS)).alias("_item"),
    ).with_columns((pl.col("_is_lead") | pl.col("_new_article")).cum_sum().alias("_list_no"))
    lead_at = pl.col("block_no").first().over("_list_no")
    later = pl.col("block_no") > lead_at + 1
    in_list = (
        pl.col("_is_lead").first().over("_list_no") & (pl.col("block_no") > lead_at)
        & ((~later) | ~(later & ~pl.col("_item")).cum_sum().over("_list_no").cast(pl.Boolean))
    )
    s = s.with_columns(
        pl.when(in_list).then(pl.col("voice").first().over("_list_no")).alias("_list_voice"),
        pl.when(in_list).then(pl.col("_lead_polarity").first().over("_list_no")).alias("_list_polarity"),
    )
    continued = pl.when(pl.col("_cont") & ~pl.col("_new_article")).then(pl.col("_lead_polarity").shift(1))
    own_items = pl.when(pl.col("text").str.contains(r":\s*\S")).then(pl.col("_lead_polarity"))
    return s.with_columns(
        pl.coalesce("_list_voice", "voice").alias("voice"),
        pl.coalesce("_list_polarity", continued, own_items).alias("list_polarity"),
        (pl.col("_scope") & ~pl.col("_iv") & pl.col("_list_voice").is_null()).alias("is_visit_scope"),
    ).drop("_iv", "_iv_lead", "_new_article", "_isp", "_cv", "_lead", "_lead_pos", "_lead_neg", "_cont", "_scope", "_colon", "_run", "_speaker_run", "_list_voice", "_list_polarity",
           "_is_lead", "_item", "_list_no")


def _clause_lead_polarity(rules: Rules) -> pl.Expr:
    """A clause that holds a praise or criticism lead-in ("areas for improvement, including ...")."""
    pos = _matches(pl.col("clause"), _frames(rules, "list_lead_in", "positive"))
    neg = _matches(pl.col("clause"), _frames(rules, "list_lead_in", "negative"))
    return pl.when(neg & ~pos).then(pl.lit("negative")).when(pos & ~neg).then(pl.lit("positive"))


def extract_findings(sentences: pl.DataFrame, rules: Rules, visits: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per (sentence, theme, polarity).

    ``sentences`` must carry la_name, asserted_by, block_no and block_kind. ``is_previous_inspection``
    marks sentences that only recount the earlier inspection ("since the last inspection" measures
    against it and does not count); ``asserted_by`` is the finding's voice (see _voice_and_lists);
    ``is_inspection_finding`` is what analysts (and the evaluation) count: the inspectorate's, about
    this visit, about a known authority, not a sentence that only says what the visit looked at,
    and, when ``visits`` is given, about an authority the article reports a visit to.
    """
    past = rules.past_context.filter(pl.col("scope") == "sentence")["pattern"].to_list()
    exempt = rules.past_context.filter(pl.col("scope") == "sentence_exempt")["pattern"].to_list()
    past_text = pl.col("text").str.replace_all(_alternation(exempt), " ") if exempt else pl.col("text")
    s = sentences.filter(pl.col("block_kind").is_in(FINDING_BLOCKS)).with_columns(
        _matches(past_text, past).alias("is_previous_inspection")
    )
    s = _voice_and_lists(s, rules)
    tagged = tag_clauses(split_clauses(s, rules), rules).with_columns(
        pl.coalesce(_clause_lead_polarity(rules), "list_polarity").alias("list_polarity")
    )
    tagged = tagged.with_columns(
        pl.when(pl.col("list_polarity").is_not_null() & (pl.col("themes").list.len() > 0))
        .then(pl.concat_list(pl.col("list_polarity")))
        .otherwise(pl.col("polarities"))
        .alias("polarities")
    )
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
        .with_columns(
            pl.when(pl.col("polarity_cue").is_null() & pl.col("list_polarity").is_not_null())
            .then(pl.lit("(list)"))
            .otherwise(pl.col("polarity_cue"))
            .alias("polarity_cue")
        )
    )
    # A sentence that names several authorities states its findings of each ("in letters to both
    # councils, inspectors said senior leaders ..."): one row per authority it names.
    if "named_las" in rows.columns:
        several = pl.col("la_name").is_null() & (pl.col("named_las").list.len() > 1)
        rows = rows.with_columns(
            pl.when(several).then(pl.col("named_las")).otherwise(pl.concat_list(pl.col("la_name"))).alias("la_name"),
            several.alias("named_with_others"),
        ).explode("la_name")
    else:
        rows = rows.with_columns(pl.lit(False).alias("named_with_others"))
    counted = (pl.col("voice") == "inspectorate") & ~pl.col("is_previous_inspection") & pl.col("la_name").is_not_null() & ~pl.col("is_visit_scope")
    if visits is not None:
        visited = visits.select("article_key", "la_name").unique().with_columns(pl.lit(True).alias("_visited"))
        rows = rows.join(visited, on=["article_key", "la_name"], how="left", maintain_order="left")
        counted = counted & pl.col("_visited").fill_null(False)
    return (
        rows.unique(["article_key", "sentence_no", "la_name", "theme", "polarity"], keep="first", maintain_order=True)
        .with_columns(counted.alias("is_inspection_finding"), pl.col("voice").alias("asserted_by"))
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
            "named_with_others",
        )
    )
