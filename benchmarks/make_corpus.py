"""Deterministic generator of realistic articles for benchmarks (and a sample of their gold files).

Each article is one of the sample articles with its authorities, people and years swapped for
others drawn from the reference data, wrapped in a random choice of the web furniture real copies
carry (banners, credits, footers). Because every swap is recorded, the truth of each article is
known: ``--gold-every K`` writes a gold file in the gold format for every K-th article.

    python -m benchmarks.make_corpus --articles 10000 --out benchmarks/corpus/10000 [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "articles"
GOLD = ROOT / "tests" / "gold"
REFERENCE = ROOT / "seeds" / "reference" / "england_childrens_services_las.csv"
AMBIGUOUS = ROOT / "seeds" / "rules" / "ambiguous_names.csv"
FIRST = ["Amira", "Ben", "Chloe", "Daniel", "Esther", "Fiona", "Gareth", "Hannah", "Imran", "Joanna", "Kieran", "Lucy", "Martin",
         "Nadia", "Owen", "Priya", "Rachel", "Simon", "Tara", "Victor", "Wendy", "Yusuf", "Zoe", "Helen", "Peter", "Ruth"]
LAST = ["Ashworth", "Bhatti", "Carmichael", "Dunmore", "Ellery", "Fairbairn", "Greenhalgh", "Hollins", "Iqbal", "Jarvis",
        "Kowalski", "Lindqvist", "Marsh", "Okafor", "Pemberton", "Quayle", "Rowntree", "Sandhu", "Thackeray", "Umerah",
        "Villiers", "Whitlock", "Yardley", "Zielinski", "Abernethy", "Brightwell"]
HEADERS = ["", "Cookie Consent by Popupsmart Website\n\nConnecting to LinkedIn...\n\n", "Skip to main content\n\nNews\n\n"]
FOOTERS = ["", "\n\nMore from Community Care\n\nComments are closed.\n", "\n\nSource: CommunityCare\n",
           "\n\nTel: 01206 878178\n12 Market Street, Exampletown CO4 3ZL\n"]
TRUSTS = {"Together for Children": "Sunderland", "Doncaster children’s services trust": "Doncaster"}


def _templates() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(SAMPLE.glob("*.txt")):
        gold = json.loads((GOLD / (path.stem + ".json")).read_text(encoding="utf-8"))
        out.append((path.read_text(encoding="utf-8"), gold))
    return out


def _authorities() -> list[str]:
    ambiguous = {r["la_name"] for r in csv.DictReader(AMBIGUOUS.open(encoding="utf-8"))}
    names = [r["la_name"] for r in csv.DictReader(REFERENCE.open(encoding="utf-8"))]
    # Simple, unambiguous names whose words are no other authority's: swaps then keep the truth exact.
    return [n for n in names if n not in ambiguous and "," not in n and not any(o != n and o in n for o in names)]


def generate(text: str, gold: dict, rng: random.Random, authorities: list[str]) -> tuple[str, dict]:
    gold = json.loads(json.dumps(gold))
    named = [v["local_authority"] for v in gold["visits"]] + gold["other_authorities"]
    for person in gold["people"]:
        named.append(person.get("local_authority"))
    originals = list(dict.fromkeys(n for n in named if n))
    picks = rng.sample([a for a in authorities if a not in originals], len(originals))
    swap = dict(zip(originals, picks))
    def swap_authorities(t: str) -> str:
        for trust, la in TRUSTS.items():
            if la in swap:
                t = t.replace(trust, f"{swap[la]} children’s services" if trust.startswith("Together") else f"{swap[la]} children’s services trust")
        # Longest first, through placeholders, so "West Sussex" is not half-replaced by a later swap.
        for i, old in enumerate(sorted(swap, key=len, reverse=True)):
            t = re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", f"\x00{i}\x00", t)
        for i, old in enumerate(sorted(swap, key=len, reverse=True)):
            t = t.replace(f"\x00{i}\x00", swap[old])
        return t

    text = swap_authorities(text)
    gold["title"] = swap_authorities(gold["title"])
    people = {}
    for person in gold["people"]:
        new = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        while new in people.values():
            new = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        people[person["name"]] = new
    for old, new in people.items():
        text = text.replace(old, new)
        old_last, new_last = old.split()[-1], new.split()[-1]
        text = re.sub(rf"\b{re.escape(old_last)}\b", new_last, text)
    shift = rng.randint(-2, 3)
    text = re.sub(r"\b(201[2-9]|202[0-3])\b", lambda m: str(int(m.group(1)) + shift), text)

    for v in gold["visits"]:
        v["local_authority"] = swap[v["local_authority"]]
        if v.get("rating_year"):
            v["rating_year"] += shift
    gold["other_authorities"] = [swap[a] for a in gold["other_authorities"]]
    for p in gold["people"]:
        p["name"] = people[p["name"]]
        if p.get("local_authority"):
            p["local_authority"] = swap[p["local_authority"]]
        p["role"] = p["role"] and re.sub(r"\b(?:" + "|".join(map(re.escape, swap)) + r")\b", lambda m: swap[m.group(0)], p["role"])
    for f in gold["findings"]:
        f["local_authority"] = swap[f["local_authority"]]
    for u in gold.get("unnamed_speakers", []):
        u["local_authority"] = swap.get(u["local_authority"], u["local_authority"])
    if gold.get("published_date"):
        y, rest = gold["published_date"].split("-", 1)
        gold["published_date"] = f"{int(y) + shift}-{rest}"
    header, footer = rng.choice(HEADERS), rng.choice(FOOTERS)
    if "More from" in text or "Source:" in text:
        footer = ""
    text = header + text + footer
    publisher = "Community Care" if ("Community Care" in footer or "CommunityCare" in footer or gold["publisher"]) else None
    gold["publisher"] = publisher
    return text, gold


def write_corpus(articles: int, out: Path, seed: int = 7, gold_every: int = 0) -> dict:
    rng = random.Random(seed)
    templates, authorities = _templates(), _authorities()
    out.mkdir(parents=True, exist_ok=True)
    gold_dir = out.parent / f"{out.name}-gold"
    if gold_every:
        gold_dir.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(articles):
        text, gold = generate(*templates[i % len(templates)], rng, authorities)
        data = text.encode("utf-8")
        name = f"{i:06d}_{hashlib.sha256(data).hexdigest()[:12]}.txt"
        folder = out / f"{i // 1000:03d}"
        folder.mkdir(exist_ok=True)
        (folder / name).write_bytes(data)
        total += len(data)
        if gold_every and i % gold_every == 0:
            gold["file"] = name
            (gold_dir / (name[:-4] + ".json")).write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
    return {"articles": articles, "bytes": total, "dir": str(out), "gold_dir": str(gold_dir) if gold_every else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--gold-every", type=int, default=0)
    a = ap.parse_args()
    print(json.dumps(write_corpus(a.articles, a.out, a.seed, a.gold_every)))


if __name__ == "__main__":
    main()
