"""Score a warehouse's visit events against a list of which files tell of which real visit.

    .venv/bin/python -m benchmarks.event_pairs --db W.duckdb --groups groups.csv

``groups.csv`` has columns file, visit (one row per report; files telling of one visit share a
label). Prints, over pairs of reports of one authority: pairs that should share an event and do
(recall), pairs that share one and should not (false merges), and each visit's events.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import duckdb
import polars as pl


def score(db: Path, groups: pl.DataFrame) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        events = con.sql(
            "SELECT a.source_file AS file, v.visit_event_key FROM fct_visit v JOIN dim_article a USING (article_key)"
        ).pl()
    finally:
        con.close()
    joined = groups.join(events, on="file", how="left")
    by_file: dict[str, set] = {}
    for f, k in joined.select("file", "visit_event_key").iter_rows():
        by_file.setdefault(f, set())
        if k is not None:
            by_file[f].add(k)
    label = dict(groups.select("file", "visit").iter_rows())
    same = [(a, b) for a, b in itertools.combinations(sorted(label), 2) if label[a] == label[b]]
    different = [(a, b) for a, b in itertools.combinations(sorted(label), 2) if label[a] != label[b]]
    merged = [(a, b) for a, b in same if by_file[a] & by_file[b]]
    false_merges = [(a, b) for a, b in different if by_file[a] & by_file[b]]
    return {
        "reports": len(label),
        "reports_without_a_visit": sorted(f for f, k in by_file.items() if not k),
        "pairs_of_one_visit": len(same),
        "pairs_sharing_an_event": len(merged),
        "pairs_missed": [f"{a} + {b}" for a, b in same if (a, b) not in merged],
        "false_merges": [f"{a} + {b}" for a, b in false_merges],
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--groups", type=Path, required=True)
    args = p.parse_args()
    print(json.dumps(score(args.db, pl.read_csv(args.groups)), indent=2))


if __name__ == "__main__":
    main()
