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
from transforms.people import TOKEN, clean_name, compiled
from transforms.rules import Rules
from transforms.textmatch import fold

UNQUOTED = re.compile("[^\x01]+")
QUOTE_SPAN = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)")
MIN_QUOTE_WORDS = 3
# A shorter fragment ("said she was “really pleased”") is a quote only with a speaker in its block.
MIN_ATTRIBUTED_QUOTE_WORDS = 2


@dataclass
class Speaker:
    name: str | None
    role: str | None
    speaker_type: str
    la_name: str | None


@dataclass(frozen=True)
class SubjectCues:
    """The rule-file cues that say who a speech verb's subject is (see seeds/rules)."""

    spokes: re.Pattern[str]
    inspectorate: tuple[re.Pattern[str], ...]
    council: tuple[re.Pattern[str], ...]
    connectives: re.Pattern[str]
    title_lead: re.Pattern[str]
    inspectorate_owner: re.Pattern[str]
    letter_to: re.Pattern[str] | None
    letter_hint: re.Pattern[str]


_CUES: dict[int, tuple[Rules, SubjectCues]] = {}


def subject_cues(rules: Rules) -> SubjectCues:
    hit = _CUES.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    c = compiled(rules)
    letter = [p for kind, p, _ in c["frames"] if kind == "letter_to"]
    cues = SubjectCues(
        spokes=re.compile(rf"(?i)\b(?:{'|'.join(rules.unnamed_speakers['noun'].to_list())})\b"),
        inspectorate=tuple(re.compile(p) for p in rules.inspectorate_subjects),
        council=tuple(re.compile(p) for p in rules.council_subjects),
        connectives=re.compile(rf"^(?:(?:{'|'.join(rules.connectives)}),? )+"),
        title_lead=c["title_lead"],
        # "an Ofsted spokesperson": the words person_roles.csv reads as the inspectorate, not a role.
        inspectorate_owner=re.compile(
            rf"(?i)\b(?:{'|'.join(rules.person_roles.filter((pl.col('speaker_type') == 'inspectorate') & (pl.col('is_head') == 'no'))['role_head'].to_list())})\b"
        ),
        letter_to=letter[0] if letter else None,
        letter_hint=re.compile(rules.person_patterns.filter(pl.col("frame_name") == "letter_to")["cue"].fill_null("$^").first() or "$^"),
    )
    _CUES[id(rules)] = (rules, cues)
    return cues


def _verb_hint(rules: Rules) -> str:
    """A pattern every attribution contains (a speech verb, boundaries left out): a cheap first test."""
    return "(?:" + "|".join(rules.speech_verbs) + ")"


def _attribution_patterns(rules: Rules) -> tuple[re.Pattern[str], re.Pattern[str]]:
    verb_alt = "|".join(rules.speech_verbs)
    nouns = "|".join(rules.unnamed_speakers["noun"].to_list())
    spokes = rf"(?:[Aa]n?|[Tt]he) (?:[\w’']+ ){{0,3}}?(?:{nouns})(?: for (?:the )?[\w’']+(?: [\w’']+){{0,3}}?)?"
    # A title is a capitalised token too: "Mayor Smith said" is a two-token subject, and _resolve
    # takes the title off before it looks for the person.
    name = rf"{TOKEN}(?: {TOKEN}){{1,2}}"
    subj = (
        rf"{spokes}|{name}|{TOKEN}|[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ii]nspectors"
        rf"|the (?:inspectorate|watchdog|council|trust|authority|(?:[\w’']+ ){{0,2}}?report|(?:[\w’']+ ){{0,2}}?letter)"
    )
    after = re.compile(rf"(?P<subj>{subj})(?:,(?P<clause> [^\x01]{{0,160}}?,)?)? (?P<verb>{verb_alt})\b")
    # Inverted attribution ("..., said the report") only with plain speech verbs (speech_verbs.csv
    # 'inverted'): "described the report as ..." names what was described, not who spoke.
    before = re.compile(
        rf"\b(?P<verb>{'|'.join(rules.inverted_verbs)}) (?P<subj>{name}|Ofsted|inspectors|the (?:inspectorate|report|letter))"
    )
    return after, before


def _resolve(subj: str, at: int, people: list[dict], sentence_la: str | None, last: tuple[int, Speaker] | None = None,
             stopwords: frozenset[str] = frozenset(), cues: SubjectCues | None = None) -> Speaker:
    assert cues is not None
    s = cues.connectives.sub("", subj.strip())
    if cues.spokes.search(s):
        kind = "inspectorate" if cues.inspectorate_owner.search(s) else "council"
        return Speaker(None, "spokesperson", kind, sentence_la)
    if any(p.match(s) for p in cues.inspectorate):
        return Speaker(None, "inspectorate", "inspectorate", None)
    if any(p.match(s) for p in cues.council):
        return Speaker(None, "council", "council", sentence_la)
    # "Mayor Smith", "Cllr Smith", "Ms Smith": the title goes, the surname finds the person.
    s = cues.title_lead.sub("", s)
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


def _article_quotes(blocks: list[dict], people: list[dict], sentence_la, patterns, stopwords: frozenset[str],
                    cues: SubjectCues) -> list[dict]:
    out: list[dict] = []
    previous_block_speaker: Speaker | None = None
    last: tuple[int, Speaker] | None = None
    for b in blocks:
        text, base = b["text"], b["start"]
        spans = [m.span() for m in QUOTE_SPAN.finditer(text)]
        if not spans:
            previous_block_speaker = None
            continue
        frame_text, attributions = b["frame_text"], b["attributions"]
        if attributions and cues.letter_to is not None and cues.letter_hint.search(frame_text):
            # "a letter from Ofsted to Name, who ..., said": the addressee is not the speaker; the letter is.
            to = [m.span("name") for m in cues.letter_to.finditer(frame_text)]
            attributions = [(a0, a1, "the letter" if any(t0 <= a0 < t1 for t0, t1 in to) else subj, clause)
                            for a0, a1, subj, clause in attributions]
        block_speaker: Speaker | None = None
        nearest = NearestSpan(attributions) if attributions else None
        for s, e in spans:
            quote = text[s:e]
            n_words = len(re.findall(r"\w+", quote))
            if n_words < MIN_QUOTE_WORDS and not (attributions and n_words >= MIN_ATTRIBUTED_QUOTE_WORDS):
                continue
            la = sentence_la(base + s)
            if attributions:
                a = nearest(s, e)
                # "the council, Coun Ann Lee, said": a person named in apposition is the speaker.
                named = cues.title_lead.sub("", a[3])
                subj = named if named and any(fold(p["person_name"]) == fold(named) for p in people) else a[2]
                speaker = _resolve(subj, base + a[0], people, la, last, stopwords, cues)
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


def _frame_text(text: str) -> str:
    """The block with every quotation blanked out (same length): attributions are looked for around quotes."""
    frame = list(text)
    for m in QUOTE_SPAN.finditer(text):
        s, e = m.span()
        frame[s:e] = "\x01" * (e - s)
    return "".join(frame)


def _block_attributions(texts: list[str], patterns: tuple[re.Pattern[str], ...], hint: re.Pattern[str]) -> tuple[list[str], list[list[tuple[int, int, str, str]]]]:
    """Each block's frame text and its attributions (start, end, subject), in blocks holding a speech verb.

    (Run in polars instead, the attribution pattern's bounded lazy clause makes Rust's engine give
    up its DFA: it took three times as long as Python's.)"""
    # Blocks without a quotation need neither (the walk skips them).
    frames = [_frame_text(t) if ("“" in t or '"' in t) else "" for t in texts]
    out: list[list[tuple[int, int, str, str]]] = [[] for _ in frames]
    for i, frame in enumerate(frames):
        if not frame or not hint.search(frame):
            continue
        # No attribution holds a blanked quotation (\x01), so each stretch between quotations is
        # searched on its own, and only one holding a speech verb: the same matches, without
        # trying the subject alternation at every character of the quotations.
        stretches = [s.span() for s in UNQUOTED.finditer(frame) if hint.search(frame, *s.span())]
        for pat in patterns:
            out[i].extend((m.start(), m.end(), m.group("subj"), (m.groupdict().get("clause") or "").strip(" ,"))
                          for start, end in stretches for m in pat.finditer(frame, start, end))
    return frames, out


def _by_article(frame: pl.DataFrame) -> dict[str, list[dict]]:
    """Rows as dicts grouped by article, in the frame's order: one pass, no frame per article."""
    out: dict[str, list[dict]] = {}
    for row in frame.iter_rows(named=True):
        out.setdefault(row["article_key"], []).append(row)
    return out


def find_quotes(blocks: pl.DataFrame, sentences: pl.DataFrame, people: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """fct_quote rows: article_key, start, end, quote_text, speaker_name, speaker_role, speaker_type, la_name."""
    patterns = (*_attribution_patterns(rules), re.compile(_verb_hint(rules)))
    cues = subject_cues(rules)
    rows: list[dict] = []
    quoted_articles = blocks.filter(pl.col("text").str.contains("[“\"]"))["article_key"].unique().implode()
    people_by = _by_article(people.filter(pl.col("article_key").is_in(quoted_articles)).sort("article_key", "start"))
    sent_by = _by_article(sentences.filter(pl.col("article_key").is_in(quoted_articles)).select("article_key", "start", "end", "la_name").sort("article_key", "start"))
    quoted_blocks = blocks.filter(pl.col("article_key").is_in(quoted_articles)).sort("article_key", "block_no")
    frames, found = _block_attributions(quoted_blocks["text"].to_list(), patterns[:2], patterns[2])
    by_article: dict[str, list[dict]] = {}
    for i, (article_key, text, start) in enumerate(quoted_blocks.select("article_key", "text", "start").iter_rows()):
        by_article.setdefault(article_key, []).append({"text": text, "start": start, "frame_text": frames[i], "attributions": found[i]})
    for article_key, article_blocks in by_article.items():
        sentence_la = SpanLookup([(s["start"], s["end"], s["la_name"]) for s in sent_by.get(article_key, [])])

        for q in _article_quotes(article_blocks, people_by.get(article_key, []), sentence_la, patterns, rules.name_stopwords, cues):
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
    after_pat, _ = _attribution_patterns(rules)
    cues = subject_cues(rules)
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
            m2 = re.match(r"^(?:[A-Z]\w+,? ){0,2}?(?P<rest>.*)$", text)
            m = after_pat.match(m2.group("rest")) if m2 else None
        if not m:
            return None
        return _resolve(m.group("subj"), start, people_by.get(article_key, []), la, stopwords=rules.name_stopwords, cues=cues).speaker_type

    s = sentences.join(overlap, on=["article_key", "sentence_no"], how="left")
    # Only a sentence holding a speech verb can report speech: Python looks at those alone.
    has_verb = s.select(pl.col("text").str.contains(_verb_hint(rules))).to_series()
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
