"""Loads the analyst-editable rules and reference data from ``seeds/`` into polars frames."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from transforms.textmatch import ascii_word_boundaries

GENERIC_ALIAS_WORDS = {"city", "of", "county", "council", "borough", "district", "the", "ua", "and"}


@dataclass(frozen=True)
class Rules:
    boilerplate: pl.DataFrame
    metadata_patterns: pl.DataFrame
    publishers: dict[str, str]
    abbreviations: list[str]
    authorities: pl.DataFrame
    aliases: pl.DataFrame
    ambiguous_names: pl.DataFrame
    mention_exclusions: pl.DataFrame
    name_stopwords: frozenset[str]
    person_roles: pl.DataFrame
    speech_verbs: list[str]
    ordinal_words: dict[str, int]
    count_words: dict[str, int]
    ordinal_patterns: pl.DataFrame
    visit_type_cues: pl.DataFrame
    past_context: pl.DataFrame
    visit_evidence: list[str]
    visit_report_cues: list[str]
    visit_exclusions: pl.DataFrame
    visit_date_frames: pl.DataFrame
    # What dates a rating the text leaves undated beside its cue (transforms/visits.py).
    rating_date_frames: pl.DataFrame
    successors: pl.DataFrame
    rating_cues: pl.DataFrame
    focus_cues: pl.DataFrame
    focus_indicators: list[str]
    progress_patterns: list[str]
    theme_cues: pl.DataFrame
    polarity_cues: pl.DataFrame
    clause_splitters: list[str]
    negators: list[str]
    neutralisers: list[str]
    inspectorate_subjects: list[str]
    # People and quotes (see transforms/people.py and quotes.py).
    name_stopword_table: pl.DataFrame
    connectives: list[str]
    inverted_verbs: list[str]
    person_titles: pl.DataFrame
    person_patterns: pl.DataFrame
    role_modifiers: list[str]
    role_ends: list[str]
    unnamed_speakers: pl.DataFrame
    council_subjects: list[str]
    vocab: dict[str, pl.DataFrame]
    inspections: pl.DataFrame
    finding_frames: pl.DataFrame
    # Full inspections (transforms/judgements.py).
    judgement_area_cues: pl.DataFrame
    grade_words: pl.DataFrame
    judgement_frames: pl.DataFrame
    previous_rating_frames: pl.DataFrame
    inspection_date_frames: pl.DataFrame


def _csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def _for_polars(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """Pattern columns only polars runs, with ASCII word boundaries (see ascii_word_boundaries)."""
    return frame.with_columns(pl.col(c).map_elements(ascii_word_boundaries, return_dtype=pl.String) for c in columns)


def _polars_patterns(patterns: list[str]) -> list[str]:
    return [ascii_word_boundaries(p) for p in patterns]


def _alias_key(alias: str) -> str:
    return re.sub(r"\s+", " ", alias.replace("’", "'")).strip().lower()


def load_authorities(seeds_dir: Path) -> pl.DataFrame:
    """Current authorities from the reference list plus the abolished ones that old news names."""
    ref = _csv(seeds_dir / "reference" / "england_childrens_services_las.csv")
    current = ref.select(
        "la_name",
        pl.col("new_la_code").alias("ons_code"),
        "region_name",
        pl.col("ons_entity_description").alias("la_type"),
        "ofsted_urn",
        "official_name",
        pl.lit(True).alias("is_current"),
        "alt_names",
    )
    former = _csv(seeds_dir / "rules" / "former_authorities.csv").select(
        "la_name",
        "ons_code",
        "region_name",
        "la_type",
        pl.lit(None, dtype=pl.String).alias("ofsted_urn"),
        "official_name",
        pl.lit(False).alias("is_current"),
        "alt_names",
    )
    return pl.concat([current, former])


def build_aliases(authorities: pl.DataFrame, extra: pl.DataFrame) -> pl.DataFrame:
    """One row per (alias, authority) with a priority; the best priority wins, ties are ambiguous.

    Canonical names beat curated aliases, which beat the reference list's alternative names: the
    mySociety list maps "bournemouth" to BCP, but older news means the abolished borough.
    """
    rows: list[tuple[str, str, str, int]] = []
    for r in authorities.iter_rows(named=True):
        rows.append((r["la_name"], r["la_name"], "canonical", 0 if r["is_current"] else 1))
        rows.append((r["official_name"], r["la_name"], "official", 2))
        for alt in (r["alt_names"] or "").split("|"):
            words = set(_alias_key(alt).split())
            if alt.strip() and not words <= GENERIC_ALIAS_WORDS and not alt.strip().endswith(" UA"):
                rows.append((alt.strip(), r["la_name"], "alt_name", 3))
    for r in extra.iter_rows(named=True):
        rows.append((r["alias"], r["la_name"], r["alias_kind"], 2))
    df = pl.DataFrame(rows, schema=["alias", "la_name", "alias_kind", "priority"], orient="row")
    df = df.with_columns(pl.col("alias").map_elements(_alias_key, return_dtype=pl.String).alias("alias_key"))
    best = df.group_by("alias_key").agg(pl.col("priority").min().alias("best"))
    df = (
        df.join(best, on="alias_key")
        .filter(pl.col("priority") == pl.col("best"))
        .unique(["alias_key", "la_name"], keep="first")
        .drop("best")
    )
    n_las = df.group_by("alias_key").agg(pl.col("la_name").n_unique().alias("n_las"))
    return df.join(n_las, on="alias_key").with_columns(
        # Single-word aliases must be capitalised in text ("Bury", not "bury"); longer ones may not be.
        (pl.col("alias_key").str.contains(" ")).alias("is_case_insensitive"),
        (pl.col("n_las") > 1).alias("is_ambiguous"),
    ).sort("alias_key")


def successor_table(former: pl.DataFrame) -> pl.DataFrame:
    """One row per (abolished authority, successor), with the date the successor took over."""
    return (
        former.select(
            pl.col("la_name").alias("former_la_name"),
            pl.col("replaced_by").str.split("|").alias("successor_la_name"),
            pl.col("abolished_date").str.to_date(),
            "succession",
        )
        .with_columns(pl.col("successor_la_name").list.len().alias("n_successors"))
        .explode("successor_la_name")
    )


def load_rules(seeds_dir: Path) -> Rules:
    rules_dir = seeds_dir / "rules"
    vocab_dir = seeds_dir / "vocabulary"
    authorities = load_authorities(seeds_dir)
    aliases = build_aliases(authorities, _csv(rules_dir / "la_aliases.csv"))
    unknown = set(_csv(rules_dir / "la_aliases.csv")["la_name"]) - set(authorities["la_name"])
    if unknown:
        raise ValueError(f"seeds/rules/la_aliases.csv names authorities not in the reference list: {sorted(unknown)}")
    publishers = {r["variant"]: r["publisher"] for r in _csv(rules_dir / "publishers.csv").iter_rows(named=True)}
    number_words = _csv(rules_dir / "ordinal_words.csv")
    ordinal_words = {r["word"]: int(r["ordinal"]) for r in number_words.filter(pl.col("kind") == "ordinal").iter_rows(named=True)}
    count_words = {r["word"]: int(r["ordinal"]) for r in number_words.filter(pl.col("kind") == "count").iter_rows(named=True)}
    vocab = {p.stem: _csv(p) for p in sorted(vocab_dir.glob("*.csv"))}
    stopwords = _csv(rules_dir / "name_stopwords.csv")
    verbs = _csv(rules_dir / "speech_verbs.csv")
    return Rules(
        boilerplate=_for_polars(_csv(rules_dir / "boilerplate.csv"), "pattern"),
        metadata_patterns=_for_polars(_csv(rules_dir / "metadata_patterns.csv"), "pattern"),
        publishers=publishers,
        abbreviations=_csv(rules_dir / "abbreviations.csv")["abbreviation"].to_list(),
        authorities=authorities.drop("alt_names"),
        aliases=aliases,
        ambiguous_names=_csv(rules_dir / "ambiguous_names.csv"),
        mention_exclusions=_csv(rules_dir / "mention_exclusions.csv"),
        name_stopwords=frozenset(stopwords["word"].to_list()),
        person_roles=_csv(rules_dir / "person_roles.csv"),
        speech_verbs=verbs["verb"].to_list(),
        ordinal_words=ordinal_words,
        count_words=count_words,
        ordinal_patterns=_for_polars(_csv(rules_dir / "ordinal_patterns.csv"), "pattern", "unless"),
        visit_type_cues=_for_polars(_csv(rules_dir / "visit_type_cues.csv"), "pattern"),
        past_context=_for_polars(_csv(rules_dir / "past_context.csv"), "pattern"),
        visit_evidence=_polars_patterns(_csv(rules_dir / "visit_evidence.csv")["pattern"].to_list()),
        visit_report_cues=_polars_patterns(_csv(rules_dir / "visit_report_cues.csv")["pattern"].to_list()),
        visit_exclusions=_for_polars(_csv(rules_dir / "visit_exclusions.csv"), "pattern"),
        visit_date_frames=_for_polars(_csv(rules_dir / "visit_date_frames.csv"), "pattern"),
        rating_date_frames=_for_polars(_csv(rules_dir / "rating_date_frames.csv"), "pattern"),
        successors=successor_table(_csv(rules_dir / "former_authorities.csv")),
        rating_cues=_for_polars(_csv(rules_dir / "rating_cues.csv"), "pattern"),
        focus_cues=_for_polars(_csv(rules_dir / "focus_cues.csv"), "pattern"),
        focus_indicators=_polars_patterns(_csv(rules_dir / "focus_indicators.csv")["pattern"].to_list()),
        progress_patterns=_polars_patterns(_csv(rules_dir / "progress_patterns.csv")["pattern"].to_list()),
        theme_cues=_for_polars(_csv(rules_dir / "theme_cues.csv"), "pattern", "unless"),
        polarity_cues=_for_polars(_csv(rules_dir / "polarity_cues.csv"), "pattern"),
        clause_splitters=_polars_patterns(_csv(rules_dir / "clause_splitters.csv")["pattern"].to_list()),
        negators=_polars_patterns(_csv(rules_dir / "polarity_modifiers.csv").filter(pl.col("kind") == "negator")["pattern"].to_list()),
        neutralisers=_polars_patterns(_csv(rules_dir / "polarity_modifiers.csv").filter(pl.col("kind") == "neutraliser")["pattern"].to_list()),
        inspectorate_subjects=_csv(rules_dir / "inspectorate_subjects.csv")["pattern"].to_list(),
        name_stopword_table=stopwords.select("word", "kind", "position"),
        connectives=stopwords.filter(pl.col("kind") == "connective")["word"].to_list(),
        inverted_verbs=verbs.filter(pl.col("inverted") == "yes")["verb"].to_list(),
        person_titles=_csv(rules_dir / "person_titles.csv"),
        person_patterns=_csv(rules_dir / "person_patterns.csv"),
        role_modifiers=_csv(rules_dir / "role_modifiers.csv")["word"].to_list(),
        role_ends=_csv(rules_dir / "role_ends.csv")["pattern"].to_list(),
        unnamed_speakers=_csv(rules_dir / "unnamed_speakers.csv"),
        council_subjects=_csv(rules_dir / "council_subjects.csv")["pattern"].to_list(),
        vocab=vocab,
        inspections=_csv(seeds_dir / "reference" / "ofsted_la_childrens_services_inspections.csv"),
        finding_frames=_for_polars(_csv(rules_dir / "finding_frames.csv"), "pattern"),
        judgement_area_cues=_for_polars(_csv(rules_dir / "judgement_area_cues.csv"), "pattern"),
        grade_words=_for_polars(_csv(rules_dir / "grade_words.csv"), "pattern"),
        judgement_frames=_for_polars(_csv(rules_dir / "judgement_frames.csv"), "frame"),
        previous_rating_frames=_for_polars(_csv(rules_dir / "previous_rating_frames.csv"), "pattern"),
        inspection_date_frames=_for_polars(_csv(rules_dir / "inspection_date_frames.csv"), "pattern"),
    )


# The folders of seeds/ that load_rules reads CSV files from.
RULE_FOLDERS = ("rules", "vocabulary", "reference")
# Rules loaded by this process, by folder and content; a few entries (the tests load edited copies).
_LOADED: dict[tuple[str, str], Rules] = {}
_LOADED_MAX = 4
_LOADING = threading.Lock()  # flows may run in threads of one process


def rules_fingerprint(seeds_dir: Path) -> str:
    """sha256 of every CSV file's name and bytes in the folders load_rules reads (a superset of the
    files it reads: a change to any of them gives another fingerprint)."""
    digest = hashlib.sha256()
    for folder in RULE_FOLDERS:
        for path in sorted((seeds_dir / folder).glob("*.csv")):
            digest.update(f"{folder}/{path.name}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_rules_once(seeds_dir: Path) -> Rules:
    """load_rules, kept by this process while the files it reads stay byte for byte the same. A served
    deployment, or a test session, runs many flows in one process, and each paid 0.24 s to parse the
    same CSV files again; reading and hashing them costs a few ms. An edited rule file is read anew
    on the next run. The Rules are shared: no caller changes them (dataclasses.replace makes a copy)."""
    seeds_dir = Path(seeds_dir)
    folder = str(seeds_dir.resolve())
    before = rules_fingerprint(seeds_dir)
    with _LOADING:
        rules = _LOADED.get((folder, before))
    if rules is not None:
        return rules
    rules = load_rules(seeds_dir)
    # A file saved while it was being read: these rules may mix old and new; used, never kept.
    if rules_fingerprint(seeds_dir) == before:
        with _LOADING:
            if len(_LOADED) >= _LOADED_MAX:
                _LOADED.pop(next(iter(_LOADED)))
            _LOADED[(folder, before)] = rules
    return rules
