"""The extraction stages composed: decoded documents in, every staging and fact frame out.

Each stage is its own function so the flow can run (and time) them as separate tasks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields

import polars as pl

from transforms.authorities import assign_subjects, find_mentions
from transforms.clean import clean_articles
from transforms.decode import normalise_text
from transforms.documents import apply_page_metadata
from transforms.findings import extract_findings
from transforms.judgements import judgements_of_visits, with_overall_judgement
from transforms.people import find_people
from transforms.quotes import find_quotes, sentence_assertions
from transforms.rules import Rules
from transforms.segment import split_sentences
from transforms.successions import apply_successions
from transforms.visits import extract_visits, sentences_per_authority


@dataclass
class Cleaned:
    articles: pl.DataFrame
    blocks: pl.DataFrame


@dataclass
class Extracted:
    articles: pl.DataFrame
    blocks: pl.DataFrame
    sentences: pl.DataFrame
    mentions: pl.DataFrame
    people: pl.DataFrame
    quotes: pl.DataFrame
    visits: pl.DataFrame
    visit_focus: pl.DataFrame
    visit_candidates: pl.DataFrame
    findings: pl.DataFrame
    judgements: pl.DataFrame

    @classmethod
    def none(cls) -> "Extracted":
        """The extraction of no articles, without running a stage: every frame empty, with only its
        ``article_key`` column (a batch that extracts nothing builds no tables from it)."""
        return cls(**{f.name: pl.DataFrame(schema={"article_key": pl.String}) for f in fields(cls)})

    def only(self, article_keys: pl.Series) -> "Extracted":
        """The same frames restricted to some articles (every frame is per article)."""
        keys = article_keys.implode()
        return Extracted(**{f.name: getattr(self, f.name).filter(pl.col("article_key").is_in(keys)) for f in fields(self)})


def clean_stage(docs: pl.DataFrame, rules: Rules) -> Cleaned:
    """docs: article_key, text (decoded), and the page_* columns of transforms.documents when known."""
    articles, blocks = clean_articles(docs.select("article_key", normalise_text(pl.col("text")).alias("text")), rules)
    return Cleaned(apply_page_metadata(articles, docs, rules.publishers), blocks)


def segment_stage(cleaned: Cleaned, rules: Rules) -> pl.DataFrame:
    return split_sentences(cleaned.blocks, rules)


def extract_stage(cleaned: Cleaned, sentences: pl.DataFrame, rules: Rules) -> Extracted:
    mentions = apply_successions(find_mentions(sentences, rules), cleaned.articles, rules)
    sentences = assign_subjects(sentences, mentions)
    people = find_people(sentences, mentions, rules)
    quotes = find_quotes(cleaned.blocks, sentences, people, rules)
    sentences = sentence_assertions(sentences, quotes, people, rules)
    visits, visit_focus, visit_candidates = extract_visits(sentences, mentions, rules, cleaned.articles)
    findings = extract_findings(sentences, rules, visits)
    unattributed = sentences.filter(pl.col("la_name").is_null() & (pl.col("named_las").list.len() == 0))
    judgements = judgements_of_visits(sentences_per_authority(sentences), visits, cleaned.articles, rules, unattributed)
    visits = with_overall_judgement(visits, judgements)
    return Extracted(cleaned.articles, cleaned.blocks, sentences, mentions, people, quotes, visits, visit_focus, visit_candidates, findings,
                     judgements=judgements)


def transform_batch(docs: pl.DataFrame, rules: Rules) -> tuple[Extracted, dict[str, float]]:
    """clean -> segment -> extract for one batch, with the seconds each stage took (where it ran)."""
    seconds = {}
    t = time.perf_counter()
    cleaned = clean_stage(docs, rules)
    seconds["clean"] = time.perf_counter() - t
    t = time.perf_counter()
    sentences = segment_stage(cleaned, rules)
    seconds["segment"] = time.perf_counter() - t
    t = time.perf_counter()
    extracted = extract_stage(cleaned, sentences, rules)
    seconds["extract"] = time.perf_counter() - t
    return extracted, seconds


def run_all(docs: pl.DataFrame, rules: Rules) -> Extracted:
    cleaned = clean_stage(docs, rules)
    return extract_stage(cleaned, segment_stage(cleaned, rules), rules)
