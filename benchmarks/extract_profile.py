"""Seconds of each extract sub-step on a folder of articles, and a snapshot of what extraction made.

    python -m benchmarks.extract_profile FOLDER [--repeat N] [--save DIR] [--compare DIR]

The folder's files are decoded, cleaned and segmented once (not timed), then the extract stage runs
``--repeat`` times, each sub-step timed in wall and CPU seconds (CPU counts every thread: on a busy
machine it moves less than wall time). ``--save`` writes every frame extraction made as parquet;
``--compare`` checks this run's frames hold the rows of a saved snapshot: a quick check between full
ingests and their warehouse fingerprints (benchmarks/fingerprint.py), which stay the final word.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import fields
from pathlib import Path

import polars as pl

from transforms.authorities import assign_subjects, find_mentions
from transforms.decode import sha256_hex
from transforms.documents import decode_documents
from transforms.findings import extract_findings
from transforms.incremental import article_key_expr
from transforms.judgements import judgements_of_visits, with_overall_judgement
from transforms.people import find_people
from transforms.pipeline import Extracted, clean_stage, segment_stage
from transforms.quotes import find_quotes, sentence_assertions
from transforms.rules import load_rules
from transforms.successions import apply_successions
from transforms.visits import extract_visits, sentences_per_authority

ROOT = Path(__file__).resolve().parents[1]


class Clock:
    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._at = (time.perf_counter(), time.process_time())

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.wall[name] = wall - self._at[0]
        self.cpu[name] = cpu - self._at[1]
        self._at = (wall, cpu)


def extract_timed(cleaned, sentences, rules, clock: Clock) -> Extracted:
    """transforms.pipeline.extract_stage, step by step, with a lap after each."""
    mentions = apply_successions(find_mentions(sentences, rules), cleaned.articles, rules)
    sentences = assign_subjects(sentences, mentions)
    clock.lap("mentions")
    people = find_people(sentences, mentions, rules)
    clock.lap("people")
    quotes = find_quotes(cleaned.blocks, sentences, people, rules)
    clock.lap("quotes")
    sentences = sentence_assertions(sentences, quotes, people, rules)
    clock.lap("assertions")
    visits, visit_focus, visit_candidates = extract_visits(sentences, mentions, rules, cleaned.articles)
    clock.lap("visits")
    findings = extract_findings(sentences, rules, visits)
    clock.lap("findings")
    unattributed = sentences.filter(pl.col("la_name").is_null() & (pl.col("named_las").list.len() == 0))
    judgements = judgements_of_visits(sentences_per_authority(sentences), visits, cleaned.articles, rules, unattributed)
    visits = with_overall_judgement(visits, judgements)
    clock.lap("judgements")
    return Extracted(cleaned.articles, cleaned.blocks, sentences, mentions, people, quotes, visits, visit_focus, visit_candidates, findings,
                     judgements=judgements)


def docs_of(folder: Path) -> pl.DataFrame:
    paths = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    contents = [p.read_bytes() for p in paths]
    raw = pl.DataFrame({"path": [str(p) for p in paths], "content": contents,
                        "content_sha256": [sha256_hex(c) for c in contents]})
    return decode_documents(raw).with_columns(article_key_expr().alias("article_key"))


def _unordered(frame: pl.DataFrame) -> pl.DataFrame:
    # A list of names in any order too: sentences' named_las comes out of a group_by in no fixed order.
    return frame.with_columns(pl.col(c).list.sort() for c, t in frame.schema.items() if t == pl.List(pl.String))


def compare(extracted: Extracted, saved: Path) -> list[str]:
    differ = []
    for f in fields(extracted):
        mine = _unordered(getattr(extracted, f.name))
        theirs = _unordered(pl.read_parquet(saved / f"{f.name}.parquet"))
        # Rows in any order (some stages do not keep one), as the warehouse fingerprint compares them.
        if mine.schema != theirs.schema or not mine.hash_rows().sort().equals(theirs.hash_rows().sort()):
            differ.append(f"{f.name}: {mine.shape} vs saved {theirs.shape}")
    return differ


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--save", type=Path)
    ap.add_argument("--compare", type=Path)
    a = ap.parse_args(argv)
    rules = load_rules(ROOT / "seeds")
    docs = docs_of(a.folder)
    cleaned = clean_stage(docs.select("article_key", "text", *[c for c in docs.columns if c.startswith("page_") or c == "source_format"]), rules)
    sentences = segment_stage(cleaned, rules)
    walls, cpus = [], []
    for _ in range(a.repeat):
        clock = Clock()
        extracted = extract_timed(cleaned, sentences, rules, clock)
        walls.append(clock.wall)
        cpus.append(clock.cpu)
    steps = list(walls[0])
    print(f"{'step':<12}{'wall s':>9}{'cpu s':>9}   (median of {a.repeat})")
    for step in [*steps, "total"]:
        w = statistics.median(sum(x.values()) if step == "total" else x[step] for x in walls)
        c = statistics.median(sum(x.values()) if step == "total" else x[step] for x in cpus)
        print(f"{step:<12}{w:>9.2f}{c:>9.2f}")
    if a.save:
        a.save.mkdir(parents=True, exist_ok=True)
        for f in fields(extracted):
            getattr(extracted, f.name).write_parquet(a.save / f"{f.name}.parquet")
    if a.compare:
        differ = compare(extracted, a.compare)
        print("identical to the snapshot" if not differ else "DIFFERS: " + "; ".join(differ))
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
