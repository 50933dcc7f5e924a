"""Boilerplate removal, metadata recovery and paragraph blocks with offsets into the cleaned text.

Every cue (furniture lines, list markers, publisher and date lines) lives in
``seeds/rules/boilerplate.csv``, ``metadata_patterns.csv`` and ``publishers.csv``; this module only
holds layout: where paragraphs break, where the header ends and which block is the headline.
"""

from __future__ import annotations

import polars as pl

from transforms.rules import Rules
from transforms.textmatch import letters_and_digits_expr

TERMINATED = r"[.!?:;…][\x22”’')\]]*$"
# A headline may end in "!" or "?" but not in a full stop, colon or semicolon: a first block that
# does is body text, a standfirst or the lead-in to a list, and the article has no headline.
STATEMENT_END = r"[.:;…][\x22”’')\]]*$"
HEADLINE_MAX_WORDS = 30
# A final paragraph cut mid-sentence this long (and with a clause or speech in it) is kept as text.
CUT_PARAGRAPH_MIN_WORDS = 12
# A text whose lines are all this short is hard-wrapped: a single line break is a space. In any
# other text each line is a paragraph (web copy puts one paragraph on a line).
WRAP_WIDTH = 100
# A line starting with a lower-case letter continues the paragraph above it in either layout.
CONTINUATION = r"^[a-z]"
# The header (headline, masthead, byline, dateline) ends at the first line that reads as body
# text: terminated and at least this long (about ten words; characters are cheaper to count).
# Bare dates and mastheads count only there.
BODY_LINE_MIN_CHARS = 60
# A "drop the rest" footer marker only counts past this share of the file, so a stray
# "More from ..." link at the top cannot swallow the article.
FOOTER_MIN_POSITION = 0.3
MASTHEAD_MAX_CHARS = 60
BLOCK_SEPARATOR = "\n\n"
# Every run of whitespace as one space, written so that the engine need not touch a single space
# (replacing it with a space changes nothing): "\s+" rewrote every gap of every block, ten times slower.
WHITESPACE_TO_SPACE = r"\s{2,}|[^\S ]"
# What a boilerplate.csv row does with a line it matches: drop it; drop it only in the header
# (mastheads); drop it and everything after it (footers, paywalls); strip the match and take the
# line as the headline (section prefixes); strip the match only (run-together furniture); strip
# the match and make the line a list item, its own paragraph.
BOILERPLATE_ACTIONS = ("drop_line", "drop_header_line", "drop_rest", "strip_prefix", "strip_furniture", "list_marker")


def _any_match(col: pl.Expr, patterns: list[str]) -> pl.Expr:
    if not patterns:
        return pl.lit(False)
    return pl.any_horizontal([col.str.contains(p) for p in patterns])


def publisher_key(col: pl.Expr) -> pl.Expr:
    """How a publisher name is compared with ``publishers.csv``'s variants: lower case letters and digits."""
    return letters_and_digits_expr(col)


def _lines(docs: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    lines = (
        docs.select("article_key", pl.col("text").str.split("\n").alias("raw_line"))
        .explode("raw_line")
        .with_columns(
            pl.int_range(pl.len()).over("article_key").alias("line_no"),
            pl.len().over("article_key").alias("n_lines"),
            pl.col("raw_line").str.strip_chars().alias("line"),
        )
        .with_columns(pl.col("line").str.len_chars().alias("n_chars"))
    )
    is_body_line = pl.col("line").str.contains(TERMINATED) & (pl.col("n_chars") >= BODY_LINE_MIN_CHARS)
    first_body_line = pl.when(is_body_line).then(pl.col("line_no")).min().over("article_key")
    lines = lines.with_columns(
        (pl.col("n_chars").max().over("article_key") <= WRAP_WIDTH).alias("is_wrapped"),
        (pl.col("line_no") < first_body_line.fill_null(pl.col("n_lines"))).alias("is_header"),
    )
    # A masthead is a header line that is a known publication's name; folding every line to test
    # that would cost more than the rest of the cleaning, so only short header lines are folded.
    mastheads = (
        lines.filter(pl.col("is_header") & (pl.col("n_chars") <= MASTHEAD_MAX_CHARS))
        .filter(publisher_key(pl.col("line")).is_in(list(rules.publishers)))
        .select("article_key", "line_no", pl.lit(True).alias("is_masthead"))
    )
    # Blank lines matter only as paragraph breaks: keep that fact and drop them, which halves the
    # rows every rule below has to read.
    lines = lines.filter(pl.col("line") != "").with_columns(
        ((pl.col("line_no") - pl.col("line_no").shift(1)) != 1).fill_null(True).alias("after_gap")
    )
    return lines.join(mastheads, on=["article_key", "line_no"], how="left", maintain_order="left").with_columns(
        pl.col("is_masthead").fill_null(False)
    )


def extract_metadata(lines: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Publisher and publication date, from lines that are removed as boilerplate afterwards.

    Per line the first rule that matches wins, per article the first line: a masthead (a header
    line that is a known publication's name), then ``metadata_patterns.csv`` in file order. A rule
    whose ``scope`` is ``header`` reads only header lines; one marked ``requires_known_publisher``
    yields only names ``publishers.csv`` knows ("Source:" names agencies and councils too).
    """
    meta = rules.metadata_patterns
    bad = meta.filter(~pl.col("scope").is_in(["anywhere", "header"]) | ~pl.col("requires_known_publisher").is_in(["true", "false"]))
    if bad.height:
        raise ValueError(
            "seeds/rules/metadata_patterns.csv: scope must be anywhere or header and requires_known_publisher true or false; "
            f"rows with other values: {bad.select('field', 'pattern').rows()}"
        )
    known = list(rules.publishers)
    line = pl.col("line")

    def scoped(expr: pl.Expr, row: dict) -> pl.Expr:
        return pl.when(pl.col("is_header")).then(expr) if row["scope"] == "header" else expr

    # Each rule reads the line's text alone, so it runs once per distinct line (bylines and footers repeat
    # across articles); where it applies (the header, a masthead) is then decided line by line.
    publisher_rules = list(meta.filter(pl.col("field") == "publisher").iter_rows(named=True))
    date_rules = list(meta.filter(pl.col("field") == "published_date").iter_rows(named=True))

    def publisher_found(r: dict) -> pl.Expr:
        found = line.str.extract(r["pattern"], 1).str.strip_chars()
        return pl.when(publisher_key(found).is_in(known)).then(found) if r["requires_known_publisher"] == "true" else found

    def date_found(r: dict) -> pl.Expr:
        return (
            line.str.extract(r["pattern"], 1)
            .str.replace_all(r"(\d)(st|nd|rd|th)\b", "$1")
            .str.replace_all(",", "")
            .str.to_date(r["format"], strict=False)
        )

    def by_text(frame: pl.DataFrame, found: list[pl.Expr]) -> pl.DataFrame:
        said = frame.select("line").unique().with_columns(found)
        return frame.join(said, on="line", how="left", maintain_order="left", nulls_equal=True)

    pubs = [pl.when(pl.col("is_masthead")).then(line)] + [scoped(pl.col(f"_publisher_{i}"), r) for i, r in enumerate(publisher_rules)]
    dates = [scoped(pl.col(f"_date_{i}"), r) for i, r in enumerate(date_rules)]

    def first_per_article(frame: pl.DataFrame, value: pl.Expr, name: str) -> pl.DataFrame:
        # Rows are in line order, and group_by keeps the order within a group.
        return (
            frame.select("article_key", value.alias(name))
            .filter(pl.col(name).is_not_null())
            .group_by("article_key")
            .agg(pl.col(name).first())
        )

    published = first_per_article(by_text(lines, [publisher_found(r).alias(f"_publisher_{i}") for i, r in enumerate(publisher_rules)]),
                                  pl.coalesce(pubs), "publisher_raw")
    # A full date holds a four-digit year: only those lines are worth the date patterns.
    date_lines = by_text(lines.filter(pl.col("line").str.contains(r"[0-9]{4}")), [date_found(r).alias(f"_date_{i}") for i, r in enumerate(date_rules)])
    dated = first_per_article(date_lines, pl.coalesce(dates) if dates else pl.lit(None, dtype=pl.Date), "published_date")
    per_article = (
        lines.select("article_key")
        .unique(maintain_order=True)
        .join(published, on="article_key", how="left")
        .join(dated, on="article_key", how="left")
    )
    return per_article.with_columns(
        publisher_key(pl.col("publisher_raw"))
        .replace_strict(rules.publishers, default=pl.col("publisher_raw"), return_dtype=pl.String)
        .alias("publisher")
    ).drop("publisher_raw")


def _classify_lines(lines: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    bp = rules.boilerplate
    unknown = set(bp["action"]) - set(BOILERPLATE_ACTIONS)
    if unknown:
        raise ValueError(f"seeds/rules/boilerplate.csv: unknown action(s) {sorted(unknown)}; known: {', '.join(BOILERPLATE_ACTIONS)}")
    by_action = {a: bp.filter(pl.col("action") == a)["pattern"].to_list() for a in BOILERPLATE_ACTIONS}
    # What every rule says of a line depends on its text alone, and site furniture repeats from article
    # to article: the rules run once per distinct line (a fifth of the lines of a batch of news pages)
    # and each line takes its distinct text's answers.
    said = _boilerplate_by_text(lines.select("line").unique(), by_action)
    lines = lines.join(said, on="line", how="left", maintain_order="left", nulls_equal=True).with_columns(
        pl.col("_listed_line").alias("line")
    )
    line = pl.col("line")
    is_rest_marker = pl.col("_rest_marker") & (pl.col("line_no") >= (pl.col("n_lines") * FOOTER_MIN_POSITION))
    # An image's alt text and its caption often come out as the same line twice.
    is_repeat = (
        (line != "") & (line == line.shift(1)) & (pl.col("article_key") == pl.col("article_key").shift(1))
    ).fill_null(False)
    lines = lines.with_columns(
        is_rest_marker.cast(pl.Int32).cum_max().over("article_key").cast(pl.Boolean).alias("in_footer"),
        is_repeat.alias("is_repeat"),
        pl.col("_had_section_prefix").alias("had_section_prefix"),
        pl.col("_stripped_line").alias("line"),
    )
    return lines.with_columns(
        (
            pl.col("_drop_line")
            | (pl.col("is_header") & pl.col("_drop_header_line"))
            | pl.col("is_repeat")
            | pl.col("is_masthead")
        ).alias("is_boilerplate")
    ).drop("_listed_line", "_rest_marker", "_had_section_prefix", "_stripped_line", "_drop_line", "_drop_header_line")


def _boilerplate_by_text(distinct: pl.DataFrame, by_action: dict[str, list[str]]) -> pl.DataFrame:
    """For each distinct ``line``: whether it is a list item and the line without its marker
    (``_listed_line``), whether that is a footer marker and has a section prefix, the line with its
    prefixes and furniture stripped (``_stripped_line``), and whether the drop rules match what is left
    (drop rules read what a prefix leaves: "date 2024-06-04 Council praised" keeps its headline)."""
    listed = pl.col("line")
    for p in by_action["list_marker"]:
        listed = listed.str.replace(p, "")
    distinct = distinct.with_columns(_any_match(pl.col("line"), by_action["list_marker"]).alias("is_list_item"), listed.alias("_listed_line"))
    listed = pl.col("_listed_line")
    stripped = listed
    for p in by_action["strip_prefix"] + by_action["strip_furniture"]:
        stripped = stripped.str.replace(p, "")
    distinct = distinct.with_columns(
        _any_match(listed, by_action["drop_rest"]).alias("_rest_marker"),
        _any_match(listed, by_action["strip_prefix"]).alias("_had_section_prefix"),
        stripped.str.strip_chars().alias("_stripped_line"),
    )
    stripped = pl.col("_stripped_line")
    return distinct.with_columns(
        _any_match(stripped, by_action["drop_line"]).alias("_drop_line"),
        _any_match(stripped, by_action["drop_header_line"]).alias("_drop_header_line"),
    )


def _blocks(lines: pl.DataFrame) -> pl.DataFrame:
    """Paragraphs: blank (see _lines) or removed lines separate them; so does every line break of a text that
    is not hard-wrapped, and every list item, unless the next line continues in lower case."""
    keep = ~pl.col("in_footer") & ~pl.col("is_boilerplate") & (pl.col("line") != "")
    breaks_here = ~pl.col("is_wrapped") | pl.col("is_list_item")
    starts_block = ~pl.col("keep") | pl.col("after_gap") | (breaks_here & ~pl.col("line").str.contains(CONTINUATION))
    return (
        lines.with_columns(keep.alias("keep"))
        .with_columns(starts_block.cast(pl.Int32).cum_sum().over("article_key").alias("run"))
        .filter(pl.col("keep"))
        .group_by("article_key", "run", maintain_order=True)
        .agg(
            pl.col("line").str.join(" ").alias("text"),
            pl.col("had_section_prefix").any(),
            pl.col("is_list_item").first(),
            pl.col("line_no").min().alias("first_line"),
        )
        .with_columns(pl.col("text").str.replace_all(WHITESPACE_TO_SPACE, " ").str.strip_chars())
        .sort("article_key", "first_line")
    )


def _words(text: pl.Expr) -> pl.Expr:
    """The words of a block's text (``\\S+`` runs). A block's whitespace is single spaces, none at either
    end (_blocks), so that is its spaces plus one: a literal count, where the regex cost 0.2 s a batch."""
    return pl.when(text.str.len_bytes() > 0).then(text.str.count_matches(" ", literal=True) + 1).otherwise(0).cast(pl.UInt32)


def _label_blocks(blocks: pl.DataFrame) -> pl.DataFrame:
    """Title, standfirst, headings and body; unterminated trailing blocks are site furniture."""
    b = blocks.with_columns(
        pl.int_range(pl.len()).over("article_key").alias("idx"),
        pl.col("text").str.contains(TERMINATED).alias("is_terminated"),
        _words(pl.col("text")).alias("n_words"),
    )
    # A section-prefixed line near the top is the headline; anything above it is header furniture.
    prefixed = pl.when(pl.col("had_section_prefix") & (pl.col("idx") < 8)).then(pl.col("idx"))
    b = b.filter(pl.col("idx") >= prefixed.min().over("article_key").fill_null(0))
    b = b.with_columns(pl.int_range(pl.len()).over("article_key").alias("idx"))
    # The last paragraph of an excerpt cut mid-sentence is content, not furniture, when it reads as
    # prose: long enough, and a clause or a speech in it.
    is_cut_prose = (
        (pl.col("idx") == pl.col("idx").max().over("article_key"))
        & (pl.col("n_words") >= CUT_PARAGRAPH_MIN_WORDS)
        & pl.col("text").str.contains(r"[,:“\x22]")
    )
    is_content = pl.col("is_terminated") | pl.col("is_list_item") | is_cut_prose
    last_content = pl.when(is_content).then(pl.col("idx")).max().over("article_key")
    b = b.filter((pl.col("idx") <= last_content.fill_null(10**9)) | (pl.col("idx") == 0))
    # The first block is the headline only if it reads as one; otherwise the text opens with its body.
    is_headline = (
        (pl.col("idx") == 0)
        & ~pl.col("text").str.contains(STATEMENT_END)
        & (pl.col("n_words") <= HEADLINE_MAX_WORDS)
        & ~pl.col("is_list_item")
        & ~pl.col("text").str.contains(r"^[a-z]")
    )
    has_title = is_headline.any().over("article_key")
    kind = (
        pl.when(is_headline)
        .then(pl.lit("title"))
        .when(pl.col("is_list_item"))
        .then(pl.lit("body"))
        .when(has_title & (pl.col("idx") == 1) & ~pl.col("is_terminated") & (pl.col("n_words") >= 8))
        .then(pl.lit("standfirst"))
        .when(~pl.col("is_terminated") & (pl.col("n_words") <= 15))
        .then(pl.lit("heading"))
        .otherwise(pl.lit("body"))
    )
    sep = len(BLOCK_SEPARATOR)
    return (
        b.with_columns(kind.alias("block_kind"), pl.col("text").str.len_chars().alias("n_chars"))
        .with_columns(
            ((pl.col("n_chars") + sep).cum_sum().over("article_key") - pl.col("n_chars") - sep).alias("start")
        )
        .with_columns((pl.col("start") + pl.col("n_chars")).alias("end"))
        .select(
            "article_key",
            pl.col("idx").alias("block_no"),
            "block_kind",
            "text",
            pl.col("start").cast(pl.Int64),
            pl.col("end").cast(pl.Int64),
        )
    )


def clean_articles(docs: pl.DataFrame, rules: Rules) -> tuple[pl.DataFrame, pl.DataFrame]:
    """From ``article_key``/``text`` to (articles, blocks).

    articles: article_key, clean_text, title, standfirst, publisher, published_date, word_count.
    blocks: article_key, block_no, block_kind, text, start, end (offsets into clean_text).
    """
    lines = _lines(docs, rules)
    meta = extract_metadata(lines, rules)
    blocks = _label_blocks(_blocks(_classify_lines(lines, rules)))
    articles = blocks.group_by("article_key", maintain_order=True).agg(
        pl.col("text").str.join(BLOCK_SEPARATOR).alias("clean_text"),
        pl.col("text").filter(pl.col("block_kind") == "title").first().alias("title"),
        pl.col("text").filter(pl.col("block_kind") == "standfirst").first().alias("standfirst"),
        _words(pl.col("text").filter(pl.col("block_kind") != "title")).sum().alias("word_count"),
    )
    articles = docs.select("article_key").join(articles, on="article_key", how="left").join(meta, on="article_key", how="left")
    return articles, blocks
