"""Scores the grouping of visit mentions into real-world visits against ``events.json``.

``events.json`` (beside the gold folder) lists groups of (file, local_authority) visits that report
the same visit. Exactly as gold/README.md says: over every pair of matched visits (a required gold
visit the warehouse also extracted) from different files, a pair is a true positive when the
warehouse gives both the same ``visit_event_key`` and a group holds both; the same key without a
common group (a visit in no group is a group of its own) is a false positive; a common group with
different keys is a false negative.
"""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

from transforms.scoring import prf


def load_events(path: Path) -> list[dict] | None:
    """The groups of ``events.json``, or None when the file is absent (then no events score)."""
    path = Path(path)
    if not path.is_file():
        return None
    groups = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(groups, list) or not all(isinstance(g, dict) and isinstance(g.get("visits"), list) for g in groups):
        raise ValueError(f"{path}: expected a list of {{\"visits\": [{{\"file\", \"local_authority\"}}...], \"why\"}} groups")
    return groups


def score_events(gold_docs: list[dict], predicted: dict[str, dict], groups: list[dict]) -> dict:
    """P/R/F1 over pairs of matched visits from different files, with the pairs that went wrong.
    ``predicted`` visits carry ``visit_event_key`` (warehouse/readback.py)."""
    group_of: dict[tuple[str, str], int] = {}
    for no, g in enumerate(groups):
        for v in g["visits"]:
            group_of[(v["file"], v["local_authority"])] = no
    required = {(g["file"], v["local_authority"]) for g in gold_docs for v in g.get("visits", []) if not v.get("optional")}
    keys = {
        (f, v["local_authority"]): v.get("visit_event_key")
        for f in (g["file"] for g in gold_docs)
        for v in predicted.get(f, {}).get("visits", [])
        if (f, v["local_authority"]) in required
    }
    tp, fps, fns = 0, [], []
    for a, b in combinations(sorted(keys), 2):
        if a[0] == b[0]:
            continue
        same_key = keys[a] is not None and keys[a] == keys[b]
        same_group = a in group_of and group_of.get(a) == group_of.get(b)
        if same_key and same_group:
            tp += 1
        elif same_key:
            fps.append([list(a), list(b)])
        elif same_group:
            fns.append([list(a), list(b)])
    out = prf(tp, len(fps), len(fns))
    out["false_positives"], out["misses"] = fps, fns
    return out
