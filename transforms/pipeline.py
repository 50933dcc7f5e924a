"""The extraction stages composed: decoded documents in, every staging and fact frame out.

Each stage is its own function so the flow can run (and time) them as separate tasks.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from transforms.authorities import assign_subjects, find_mentions
from transforms.clean import clean_articles
from transforms.decode import normalise_text
from transforms.findings import extract_findings
from transforms.people import find_people
from transforms.quotes import find_quotes, sentence_assertions
from transforms.rules import Rules
from transforms.segment import split_sentences
from transforms.visits import extract_visits


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
    findings: pl.DataFrame


def clean_stage(docs: pl.DataFrame, rules: Rules) -> Cleaned:
    """docs: article_key, text (decoded)."""
    docs = docs.select("article_key", normalise_text(pl.col("text")).alias("text"))
    articles, blocks = clean_articles(docs, rules)
    return Cleaned(articles, blocks)


def segment_stage(cleaned: Cleaned, rules: Rules) -> pl.DataFrame:
    return split_sentences(cleaned.blocks, rules)


def extract_stage(cleaned: Cleaned, sentences: pl.DataFrame, rules: Rules) -> Extracted:
    mentions = find_mentions(sentences, rules)
    sentences = assign_subjects(sentences, mentions)
    people = find_people(sentences, mentions, rules)
    quotes = find_quotes(cleaned.blocks, sentences, people, rules)
    sentences = sentence_assertions(sentences, quotes, people, rules)
    visits, visit_focus = extract_visits(sentences, mentions, rules)
    findings = extract_findings(sentences, rules)
    return Extracted(cleaned.articles, cleaned.blocks, sentences, mentions, people, quotes, visits, visit_focus, findings)


def run_all(docs: pl.DataFrame, rules: Rules) -> Extracted:
    cleaned = clean_stage(docs, rules)
    return extract_stage(cleaned, segment_stage(cleaned, rules), rules)
