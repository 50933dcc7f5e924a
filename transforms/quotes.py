"""Direct quotes, who said them, and who asserts each sentence (inspectorate, council or other).

Attribution needs the order of the text (a pronoun points back to the last person named, an
unattributed quote paragraph continues the previous speaker), so it walks each article's blocks
in order; everything around it is polars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from transforms.lookups import NearestSpan, SpanLookup, before as people_before, last_named, overlapping_sentences
from transforms.people import NAME, TOKEN, clean_name
from transforms.rules import Rules
from transforms.textmatch import fold

QUOTE_SPAN = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)")
MIN_QUOTE_WORDS = 3
SPOKES = r"(?:[Aa]n?|[Tt]he) (?:[\w’']+ ){0,3}?spokes(?:man|woman|person)(?: for (?:the )?[\w’']+(?: [\w’']+){0,3}?)?"
INSPECTORATE_WORDS = r"(?i)^(?:it|they|inspectors?|ofsted|the inspectorate|the watchdog|the (?:\w+ )?(?:report|letter)|ofsted['’]s (?:report|letter))$"


@dataclass
class Speaker:
    name: str | None
    role: str | None
    speaker_type: str
    la_name: str | None


INVERTED_VERBS = ["said", "says", "added", "adds", "wrote", "told"]


def _verb_hint(verbs: list[str]) -> str:
    """A pattern every attribution contains (a speech verb, boundaries left out): a cheap first test."""
    return "(?:" + "|".join([*verbs, *INVERTED_VERBS]) + ")"


def _attribution_patterns(verbs: list[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    verb_alt = "|".join(verbs)
    subj = rf"{SPOKES}|{NAME}|{TOKEN}|[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ii]nspectors|the (?:inspectorate|watchdog|council|trust|(?:\w+ )?report|letter)"
    after = re.compile(rf"(?P<subj>{subj})(?:, [^\x01]{{0,160}}?,)? (?P<verb>{verb_alt})\b")
    # Inverted attribution ("..., said the report") only with plain speech verbs: "described the
    # report as ..." names what was described, not who spoke.
    before = re.compile(rf"\b(?P<verb>{'|'.join(INVERTED_VERBS)}) (?P<subj>{NAME}|Ofsted|inspectors|the (?:inspectorate|report|letter))")
    return after, before


CONNECTIVES = r"^(?:(?:But|And|So|Yet|However|Meanwhile|Also|Then|Despite|Although|While|Instead|Now),? )+"


def _resolve(subj: str, at: int, people: list[dict], sentence_la: str | None, last: tuple[int, Speaker] | None = None,
             stopwords: frozenset[str] = frozenset()) -> Speaker:
    s = re.sub(CONNECTIVES, "", subj.strip())
    if re.search(r"(?i)spokes(man|woman|person)", s):
        kind = "inspectorate" if re.search(r"(?i)ofsted", s) else "council"
        return Speaker(None, "spokesperson", kind, sentence_la)
    if re.match(INSPECTORATE_WORDS, s):
        return Speaker(None, "inspectorate", "inspectorate", None)
    if s.lower() in ("the council", "the trust"):
        return Speaker(None, "council", "council", sentence_la)
    before = people_before(people, at)
    if s.lower() in ("he", "she"):
        # The nearer of the last person named and the last speaker quoted ("a spokesman said ... He added").
        if last is not None and (not before or last[0] > before[-1]["start"]):
            return last[1]
        if before:
            p = before[-1]
            return Speaker(p["person_name"], p["role"], p["speaker_type"], p["la_name"])
        return Speaker(None, None, "other", sentence_la)
    if " " in s:
        s = clean_name(s, stopwords) or s
    folded = fold(s)
    p = last_named(people, folded)
    if p is not None:
        return Speaker(p["person_name"], p["role"], p["speaker_type"], p["la_name"])
    return Speaker(s if " " in s else None, None, "other", sentence_la)


def _article_quotes(blocks: list[dict], people: list[dict], sentence_la, patterns, stopwords: frozenset[str]) -> list[dict]:
    after_pat, before_pat, hint = patterns
    out: list[dict] = []
    previous_block_speaker: Speaker | None = None
    last: tuple[int, Speaker] | None = None
    for b in blocks:
        text, base = b["text"], b["start"]
        spans = [m.span() for m in QUOTE_SPAN.finditer(text)]
        if not spans:
            previous_block_speaker = None
            continue
        frame = list(text)
        for s, e in spans:
            frame[s:e] = "\x01" * (e - s)
        frame_text = "".join(frame)
        attributions = []
        for pat in (after_pat, before_pat) if hint.search(frame_text) else ():
            for m in pat.finditer(frame_text):
                attributions.append((m.start(), m.end(), m.group("subj")))
        block_speaker: Speaker | None = None
        nearest = NearestSpan(attributions) if attributions else None
        for s, e in spans:
            quote = text[s:e]
            if len(re.findall(r"\w+", quote)) < MIN_QUOTE_WORDS:
                continue
            la = sentence_la(base + s)
            if attributions:
                a = nearest(s, e)
                speaker = _resolve(a[2], base + a[0], people, la, last, stopwords)
            elif s == 0 and previous_block_speaker is not None:
                speaker = previous_block_speaker
            elif s == 0:
                earlier = people_before(people, base, inclusive=False)
                recent = [p for p in earlier[-1:] if p["start"] >= base - 600]
                if recent:
                    p = recent[-1]
                    speaker = Speaker(p["person_name"], p["role"], p["speaker_type"], p["la_name"])
                else:
                    speaker = Speaker(None, "report", "inspectorate", None)
            else:
                # A fragment quoted inside narrative with no speaker: in inspection news, the report.
                speaker = Speaker(None, "report", "inspectorate", None)
            block_speaker = speaker
            last = (base + s, speaker)
            out.append(
                {
                    "start": base + s,
                    "end": base + e,
                    "quote_text": quote,
                    "speaker_name": speaker.name,
                    "speaker_role": speaker.role,
                    "speaker_type": speaker.speaker_type,
                    "la_name": speaker.la_name if speaker.la_name else la,
                }
            )
        previous_block_speaker = block_speaker
    return out


def _by_article(frame: pl.DataFrame) -> dict[str, list[dict]]:
    """Rows as dicts grouped by article, in the frame's order: one pass, no frame per article."""
    out: dict[str, list[dict]] = {}
    for row in frame.iter_rows(named=True):
        out.setdefault(row["article_key"], []).append(row)
    return out


def find_quotes(blocks: pl.DataFrame, sentences: pl.DataFrame, people: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """fct_quote rows: article_key, start, end, quote_text, speaker_name, speaker_role, speaker_type, la_name."""
    patterns = (*_attribution_patterns(rules.speech_verbs), re.compile(_verb_hint(rules.speech_verbs)))
    rows: list[dict] = []
    quoted_articles = blocks.filter(pl.col("text").str.contains("[“\"]"))["article_key"].unique().implode()
    people_by = _by_article(people.filter(pl.col("article_key").is_in(quoted_articles)).sort("article_key", "start"))
    sent_by = _by_article(sentences.filter(pl.col("article_key").is_in(quoted_articles)).select("article_key", "start", "end", "la_name").sort("article_key", "start"))
    quoted_blocks = blocks.filter(pl.col("article_key").is_in(quoted_articles)).sort("article_key", "block_no")
    for article_key, article_blocks in _by_article(quoted_blocks).items():
        sentence_la = SpanLookup([(s["start"], s["end"], s["la_name"]) for s in sent_by.get(article_key, [])])

        for q in _article_quotes(article_blocks, people_by.get(article_key, []), sentence_la, patterns, rules.name_stopwords):
            rows.append({"article_key": article_key, **q})
    schema = {"article_key": pl.String, "start": pl.Int64, "end": pl.Int64, "quote_text": pl.String, "speaker_name": pl.String,
              "speaker_role": pl.String, "speaker_type": pl.String, "la_name": pl.String}
    return pl.DataFrame(rows, schema=schema).sort("article_key", "start") if rows else pl.DataFrame(schema=schema)


def sentence_assertions(sentences: pl.DataFrame, quotes: pl.DataFrame, people: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Adds ``asserted_by``: whose claim a sentence reports.

    Mostly-quoted sentences belong to the quote's speaker; a sentence that opens with a person or a
    spokesperson and a speech verb ("Colbert said that...") is that speaker's; the rest is the
    article reporting the inspectorate.
    """
    after_pat, _ = _attribution_patterns(rules.speech_verbs)
    q = quotes.select("article_key", pl.col("start").alias("q_start"), pl.col("end").alias("q_end"), "speaker_type")
    overlap = (
        overlapping_sentences(sentences, q)
        .with_columns(
            (pl.min_horizontal("end", "q_end") - pl.max_horizontal("start", "q_start")).clip(lower_bound=0).alias("overlap")
        )
        .filter(pl.col("overlap") > 0)
        .group_by("article_key", "sentence_no")
        .agg(
            (pl.col("overlap").sum() / (pl.col("end").first() - pl.col("start").first())).alias("quoted_share"),
            pl.col("speaker_type").sort_by("overlap", descending=True).first().alias("quote_speaker_type"),
        )
    )
    people_by = _by_article(people.sort("article_key", "start"))

    def reported_speaker(article_key: str, start: int, text: str, la: str | None) -> str | None:
        m = after_pat.match(text)
        if not m or m.start() != 0:
            m2 = re.match(rf"^(?:[A-Z]\w+,? ){{0,2}}?(?P<rest>.*)$", text)
            m = after_pat.match(m2.group("rest")) if m2 else None
        if not m:
            return None
        return _resolve(m.group("subj"), start, people_by.get(article_key, []), la, stopwords=rules.name_stopwords).speaker_type

    s = sentences.join(overlap, on=["article_key", "sentence_no"], how="left")
    # Only a sentence holding a speech verb can report speech: Python looks at those alone.
    has_verb = s.select(pl.col("text").str.contains(_verb_hint(rules.speech_verbs))).to_series()
    reported = [
        reported_speaker(a, st, t, la) if verb else None
        for (a, st, t, la), verb in zip(s.select("article_key", "start", "text", "la_name").iter_rows(), has_verb)
    ]
    return s.with_columns(pl.Series("reported_type", reported, dtype=pl.String)).with_columns(
        pl.when(pl.col("quoted_share") >= 0.5)
        .then(pl.col("quote_speaker_type"))
        .when(pl.col("reported_type").is_in(["council", "other"]))
        .then(pl.col("reported_type"))
        .otherwise(pl.lit("inspectorate"))
        .alias("asserted_by"),
        pl.col("quoted_share").fill_null(0.0),
    ).drop("quote_speaker_type", "reported_type")
