"""Direct quotes, who said them, and who asserts each sentence (inspectorate, council or other).

Attribution needs the order of the text (a pronoun points back to the last person named, an
unattributed quote paragraph continues the previous speaker), so it walks each article's blocks
in order; everything around it is polars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick
import polars as pl

from transforms.lookups import NearestSpan, SpanLookup, before as people_before, last_named, overlapping_sentences
from transforms.people import TOKEN, clean_name, compiled
from transforms.rules import Rules
from transforms.textmatch import fold

# A paragraph that ends by introducing speech: the quote follows in the next paragraph.
LEAD_IN_END = re.compile(r":\s*$")
QUOTE_SPAN = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)")
MIN_QUOTE_WORDS = 3
WORD = re.compile(r"\w+")
# Up to two capitalised words opening a sentence ("Meanwhile, Ann Lee said"), then the rest.
OPENING_WORDS = re.compile(r"^(?:[A-Z]\w+,? ){0,2}?(?P<rest>.*)$")
# A shorter fragment ("said she was “really pleased”") is a quote only with a speaker in its block.
MIN_ATTRIBUTED_QUOTE_WORDS = 2
# The longest clause between a speaker and the speech verb: "Ann Lee, who ..., said" (attribution),
# "Ann Lee, director at ... said" (apposition).
CLAUSE_MAX = 160
APPOSITION_MAX = 120
# What a speaker can be written with ("Ann Lee", "the council", "a council spokesman", "he"):
# letters, digits, apostrophes, spaces and hyphens. See VerbScan.
NOT_SUBJECT = re.compile(r"[^\w’' -]")
PLAIN_WORDS = re.compile(r"[\w’' -]+")
# An unnamed-speaker noun of unnamed_speakers.csv made of such characters and groups only ("spokes(?:man|woman)").
PLAIN_NOUN = re.compile(r"(?:\(\?:|[\w’' ()|?*+-])+")


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
    # Where attributions can be (see VerbScan).
    verbs: VerbScan


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
        verbs=VerbScan(rules),
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
    after = re.compile(rf"(?P<subj>{subj})(?:,(?P<clause> [^\x01]{{0,{CLAUSE_MAX}}}?,)?)? (?P<verb>{verb_alt})\b")
    # Inverted attribution ("..., said the report") only with plain speech verbs (speech_verbs.csv
    # 'inverted'): "described the report as ..." names what was described, not who spoke.
    before = re.compile(
        rf"\b(?P<verb>{'|'.join(rules.inverted_verbs)}) (?P<subj>{name}|Ofsted|inspectors|the (?:inspectorate|report|letter))"
    )
    return after, before


def _apposition_pattern(rules: Rules) -> re.Pattern[str]:
    """A named speaker whose apposition ends without its comma ("Ann Lee, director at Eastfield
    Council said:"): only after a full name, so a fronted phrase ("Meanwhile, in a report, Ofsted
    praised") is never taken for a speaker."""
    name = rf"{TOKEN}(?: {TOKEN}){{1,2}}"
    return re.compile(rf"(?P<subj>{name}),(?P<clause> [^,\x01]{{3,{APPOSITION_MAX}}}?) (?P<verb>{'|'.join(rules.speech_verbs)})\b")


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
                    cues: SubjectCues) -> list[tuple]:
    """The article's quotes as (start, end, quote_text, speaker_name, speaker_role, speaker_type, la_name).

    blocks: text, start, frame_text, attributions and ``spans`` (its quotations, see _quote_spans),
    in order."""
    out: list[tuple] = []
    previous_block_speaker: Speaker | None = None
    last: tuple[int, Speaker] | None = None
    named_people = {fold(p["person_name"]) for p in people}
    for b in blocks:
        text, base, spans = b["text"], b["start"], b["spans"]
        if not spans:
            # "Ann Lee, director, said:" closing a paragraph: the quote is the next paragraph, hers.
            previous_block_speaker = None
            if b["attributions"] and LEAD_IN_END.search(text):
                a = b["attributions"][-1]
                named = cues.title_lead.sub("", a[3])
                subj = named if named and fold(named) in named_people else a[2]
                previous_block_speaker = _resolve(subj, base + a[0], people, sentence_la(base + a[0]), last, stopwords, cues)
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
            n_words = len(WORD.findall(quote))
            if n_words < MIN_QUOTE_WORDS and not (attributions and n_words >= MIN_ATTRIBUTED_QUOTE_WORDS):
                continue
            la = sentence_la(base + s)
            if attributions:
                a = nearest(s, e)
                # "the council, Coun Ann Lee, said": a person named in apposition is the speaker.
                named = cues.title_lead.sub("", a[3])
                subj = named if named and fold(named) in named_people else a[2]
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
            out.append((base + s, base + e, quote, speaker.name, speaker.role, speaker.speaker_type, speaker.la_name if speaker.la_name else la))
        previous_block_speaker = block_speaker
    return out


def _frame_text(text: str, spans: list[tuple[int, int]] | None = None) -> str:
    """The block with every quotation (``spans``: QUOTE_SPAN's, found again when not given) blanked
    out (same length): attributions are looked for around quotes."""
    if spans is None:
        spans = [m.span() for m in QUOTE_SPAN.finditer(text)]
    parts, at = [], 0
    for s, e in spans:
        parts += [text[at:s], "\x01" * (e - s)]
        at = e
    parts.append(text[at:])
    return "".join(parts)


class VerbScan:
    """Where in a block an attribution can be, from one Aho-Corasick pass for the speech verbs.

    Every attribution holds a speech verb, and its subject is a run of subject characters
    (NOT_SUBJECT's complement). "subject verb" (the attribution pattern without a clause) begins in
    the run ending at the space ahead of the verb; "subject, clause, verb" ends its clause with a
    comma there and begins in the run holding the point CLAUSE_MAX + 3 characters before it, after
    the last blanked quotation (no clause holds one); "Name, apposition verb" begins in the run
    ending at the last comma before the verb, at most APPOSITION_MAX + 2 characters before it; an
    inverted one ("said Ann Lee") begins at its verb and ends with the run after it. Each pattern
    then runs only over its windows (merged where they meet) and finds what it finds over the whole
    block: a match starting in a window ends inside the merged window it starts in (it ends at a
    verb whose window holds its start), and nothing after a window's end is looked at. When the
    rules' verbs or unnamed-speaker nouns are not plain words, ``usable`` is False and blocks are
    searched whole.
    """

    def __init__(self, rules: Rules):
        speech, inverted = set(rules.speech_verbs), set(rules.inverted_verbs)
        nouns = rules.unnamed_speakers["noun"].to_list()
        self.usable = bool(speech) and all(PLAIN_WORDS.fullmatch(v) for v in speech | inverted) and all(
            PLAIN_NOUN.fullmatch(n) for n in nouns)
        self.speech_max = max((len(v) for v in speech), default=0)
        self.inverted_max = max((len(v) for v in inverted), default=0)
        self.automaton = ahocorasick.Automaton()
        if self.usable:
            for v in speech | inverted:
                self.automaton.add_word(v, (len(v), v in speech, v in inverted))
            self.automaton.make_automaton()

    def windows(self, frame: str) -> tuple[list[tuple[int, int]], ...] | None:
        """The merged windows, in order, of the attribution, inverted and apposition patterns; None
        when the frame holds no speech verb at all (the hint the plain scan tests)."""
        hits = [h for h in self.automaton.iter(frame)]
        if not any(h[1][1] for h in hits):
            return None
        n = len(frame)
        backwards = frame[::-1]

        def run_start(w: int) -> int:
            """Where the run of subject characters ending at position w begins: after the last
            character before w that no subject holds (searched for in the reversed frame)."""
            m = NOT_SUBJECT.search(backwards, n - w)
            return n - m.start() if m else 0

        after, inverted, apposition = [], [], []
        for last, (length, is_speech, is_inverted) in hits:
            s = last - length + 1
            if is_speech and s >= 1 and frame[s - 1] == " ":
                v, end = s - 1, min(n, s + 1 + self.speech_max)
                if v >= 1 and frame[v - 1] == ",":
                    after.append((max(run_start(max(0, v - (CLAUSE_MAX + 3))), frame.rfind("\x01", 0, v) + 1), end))
                else:
                    after.append((run_start(v), end))
                comma = frame.rfind(",", max(0, v - (APPOSITION_MAX + 2)), v)
                if comma >= 0:
                    apposition.append((run_start(comma), end))
            if is_inverted:
                # Where the run of subject characters after the verb ends.
                m = NOT_SUBJECT.search(frame, min(n, s + self.inverted_max + 1))
                inverted.append((s, min(n, (m.start() if m else n) + 1)))
        return _merged(after), _merged(inverted), _merged(apposition)


def _merged(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _block_attributions(texts: list[str], patterns: tuple[re.Pattern[str], ...], hint: re.Pattern[str],
                        scan: VerbScan | None = None, spans: list[list[tuple[int, int]]] | None = None,
                        ) -> tuple[list[str], list[list[tuple[int, int, str, str]]]]:
    """Each block's frame text and its attributions (start, end, subject), in blocks holding a speech verb.

    patterns: attribution, inverted attribution, apposition. With ``scan`` (usable), each pattern
    runs over the windows VerbScan finds, with the same result as over the whole block.
    (Run in polars instead, the attribution pattern's bounded lazy clause makes Rust's engine give
    up its DFA: it took three times as long as Python's.)"""
    # Blocks without a quotation need neither (the walk skips them).
    spans = spans if spans is not None else [None] * len(texts)
    frames = [_frame_text(t, q) if ("“" in t or '"' in t or LEAD_IN_END.search(t)) else "" for t, q in zip(texts, spans)]
    out: list[list[tuple[int, int, str, str]]] = [[] for _ in frames]
    windowed = scan is not None and scan.usable
    for i, frame in enumerate(frames):
        if not frame:
            continue
        if windowed:
            found = scan.windows(frame)
            if found is None:
                continue
            where = list(found[: len(patterns)])
        else:
            if not hint.search(frame):
                continue
            where = [[(0, len(frame))]] * len(patterns)
        matches = [[m for a, b in windows for m in pat.finditer(frame, a, b)] for pat, windows in zip(patterns, where)]
        for found_by in matches:
            out[i].extend((m.start(), m.end(), m.group("subj"), (m.groupdict().get("clause") or "").strip(" ,")) for m in found_by)
        if len(patterns) > 2:
            # A speaker in apposition ("Ann Lee, director at Eastfield Council said") holds the
            # shorter attributions inside it ("Eastfield Council said"): the person speaks.
            held = [(m.start(), m.end()) for m in matches[2]]
            out[i] = [a for a in out[i] if not any(s0 < a[0] < s1 and a[1] <= s1 for s0, s1 in held)]
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
    quoted_articles = blocks.filter(pl.col("text").str.contains("[“\"]"))["article_key"].unique().implode()
    people_by = _by_article(people.filter(pl.col("article_key").is_in(quoted_articles)).sort("article_key", "start"))
    # Each article's sentences as (start, end, la_name) spans, one list per article.
    sent_by = {
        key: list(zip(starts, ends, las))
        for key, starts, ends, las in sentences.filter(pl.col("article_key").is_in(quoted_articles))
        .select("article_key", "start", "end", "la_name")
        .sort("article_key", "start")
        .group_by("article_key", maintain_order=True)
        .agg("start", "end", "la_name")
        .iter_rows()
    }
    quoted_blocks = blocks.filter(pl.col("article_key").is_in(quoted_articles)).sort("article_key", "block_no")
    texts = quoted_blocks["text"].to_list()
    # Blocks without a quote mark hold no quotation: the regex runs on the others only.
    spans = [[m.span() for m in QUOTE_SPAN.finditer(t)] if ("“" in t or '"' in t) else [] for t in texts]
    frames, found = _block_attributions(texts, (*patterns[:2], _apposition_pattern(rules)), patterns[2], cues.verbs, spans)
    by_article: dict[str, list[dict]] = {}
    for i, (article_key, text, start) in enumerate(zip(quoted_blocks["article_key"], texts, quoted_blocks["start"])):
        by_article.setdefault(article_key, []).append(
            {"text": text, "start": start, "frame_text": frames[i], "attributions": found[i], "spans": spans[i]})
    rows: list[tuple] = []
    for article_key, article_blocks in by_article.items():
        sentence_la = SpanLookup(sent_by.get(article_key, []))
        for q in _article_quotes(article_blocks, people_by.get(article_key, []), sentence_la, patterns, rules.name_stopwords, cues):
            rows.append((article_key, *q))
    schema = {"article_key": pl.String, "start": pl.Int64, "end": pl.Int64, "quote_text": pl.String, "speaker_name": pl.String,
              "speaker_role": pl.String, "speaker_type": pl.String, "la_name": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row").sort("article_key", "start") if rows else pl.DataFrame(schema=schema)


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
            m2 = OPENING_WORDS.match(text)
            m = after_pat.match(m2.group("rest")) if m2 else None
        if not m:
            return None
        return _resolve(m.group("subj"), start, people_by.get(article_key, []), la, stopwords=rules.name_stopwords, cues=cues).speaker_type

    s = sentences.join(overlap, on=["article_key", "sentence_no"], how="left")
    # Only a sentence holding a speech verb can report speech: Python looks at those alone.
    with_verb = s.select(pl.int_range(pl.len()).alias("_row"), "article_key", "start", "text", "la_name").filter(
        pl.col("text").str.contains(_verb_hint(rules)))
    reported: list[str | None] = [None] * s.height
    for row, a, st, t, la in with_verb.iter_rows():
        reported[row] = reported_speaker(a, st, t, la)
    return s.with_columns(pl.Series("reported_type", reported, dtype=pl.String)).with_columns(
        pl.when(pl.col("quoted_share") >= 0.5)
        .then(pl.col("quote_speaker_type"))
        .when(pl.col("reported_type").is_in(["council", "other"]))
        .then(pl.col("reported_type"))
        .otherwise(pl.lit("inspectorate"))
        .alias("asserted_by"),
        pl.col("quoted_share").fill_null(0.0),
    ).drop("quote_speaker_type", "reported_type")
