"""Splits an evaluation into parts by the item code that leads each file name.

A development set grows in parts (items written from, items held out): its files are named
``<code><number>_...`` (``dA01_...``, ``dD07_...``), and a change is judged on the part it was not
written from. The code is the run of letters before the first digit. Parts are given as ranges of
codes, ``dA-dC,dD-dF`` (inclusive, in code order), or single codes; without a spec every code is a
part of its own. Files without a code belong to no part.
"""

from __future__ import annotations

import re

from transforms.scoring import score
from transforms.scoring_events import score_events

_CODE = re.compile(r"^([A-Za-z]+)\d")


def item_code(file_name: str) -> str | None:
    m = _CODE.match(file_name)
    return m.group(1) if m else None


def parse_parts(spec: str) -> list[tuple[str, str]]:
    """``"dA-dC,dD-dF"`` -> [("dA", "dC"), ("dD", "dF")]; a single code is a range of one."""
    out = []
    for piece in (p.strip() for p in spec.split(",")):
        if not piece:
            continue
        lo, _, hi = piece.partition("-")
        lo, hi = lo.strip(), (hi or lo).strip()
        if not (_CODE.match(lo + "0") and _CODE.match(hi + "0")) or lo > hi:
            raise ValueError(f"part {piece!r}: expected a code or a range of codes such as dA-dC")
        out.append((lo, hi))
    return out


def split_by_part(files: list[str], spec: str | None = None) -> dict[str, list[str]]:
    """Part name -> its files, in the order given."""
    codes = {f: item_code(f) for f in files}
    ranges = parse_parts(spec) if spec else [(c, c) for c in sorted({c for c in codes.values() if c})]
    parts: dict[str, list[str]] = {}
    for lo, hi in ranges:
        name = lo if lo == hi else f"{lo}-{hi}"
        parts[name] = [f for f, c in codes.items() if c is not None and lo <= c <= hi]
    return parts


def _headline(result: dict) -> dict:
    """The figures of a score without its lists of misses and disagreements."""
    keep = ("precision", "recall", "f1", "tp", "fp", "fn", "fields")
    out = {k: {x: v[x] for x in keep if x in v} for k, v in result.items() if isinstance(v, dict) and k != "articles"}
    out["articles"] = result["articles"]
    return out


def score_parts(gold_docs: list[dict], predicted: dict[str, dict], groups: list[dict] | None, spec: str | None = None) -> dict:
    """The headline figures of each part, events included where ``groups`` are given (pairs within the part)."""
    by_file = {g["file"]: g for g in gold_docs}
    out = {}
    for name, files in split_by_part(list(by_file), spec).items():
        docs = [by_file[f] for f in files]
        result = score(docs, predicted)
        if groups is not None:
            result["events"] = score_events(docs, predicted, groups)
        out[name] = _headline(result) | {"files": len(docs)}
    return out
