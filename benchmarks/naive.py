"""The naive baseline: the same rule files applied article by article with Python's re, rows inserted one at a time.

It is what one would write first: no batching, no vectorised string work, one INSERT per row. It
covers the costly parts (boilerplate lines, sentences, authority names, visit cues, theme and
polarity cues) so its time per article is a fair floor for that approach, not a second extractor.
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "seeds" / "rules"


def _py(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace(r"\x22", '"'))


def _rows(name: str) -> list[dict]:
    return list(csv.DictReader((RULES / name).open(encoding="utf-8")))


class NaiveExtractor:
    def __init__(self) -> None:
        self.boilerplate = [_py(r["pattern"]) for r in _rows("boilerplate.csv")]
        self.themes = [(_py(r["pattern"]), r["theme"]) for r in _rows("theme_cues.csv")]
        self.polarity = [(_py(r["pattern"]), r["polarity"]) for r in _rows("polarity_cues.csv")]
        self.visit_types = [(_py(r["pattern"]), r["visit_type"]) for r in _rows("visit_type_cues.csv")]
        names = [r["la_name"] for r in csv.DictReader((ROOT / "seeds" / "reference" / "england_childrens_services_las.csv").open(encoding="utf-8"))]
        self.authorities = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")

    def extract(self, text: str) -> tuple[list[tuple], list[tuple]]:
        lines = [ln.strip() for ln in text.replace("\r\n", "\n").split("\n")]
        kept = [ln for ln in lines if ln and not any(p.search(ln) for p in self.boilerplate)]
        sentences = [s for para in kept for s in re.split(r"(?<=[.!?])\s+(?=[“\"A-Z])", para)]
        visits, findings, current = {}, [], None
        for s in sentences:
            named = self.authorities.findall(s)
            if named:
                current = named[0]
                visits.setdefault(current, next((t for p, t in self.visit_types if p.search(s)), None))
            if current is None:
                continue
            polarities = {pol for p, pol in self.polarity if p.search(s)}
            for p, theme in self.themes:
                if p.search(s):
                    findings += [(current, theme, pol, s) for pol in polarities]
        return [(la, t) for la, t in visits.items()], findings


def run(paths: list[Path], db_path: Path) -> int:
    extractor = NaiveExtractor()
    con = duckdb.connect(str(db_path))
    con.execute("CREATE TABLE IF NOT EXISTS naive_visit (article VARCHAR, la VARCHAR, visit_type VARCHAR)")
    con.execute("CREATE TABLE IF NOT EXISTS naive_finding (article VARCHAR, la VARCHAR, theme VARCHAR, polarity VARCHAR, sentence VARCHAR)")
    rows = 0
    for path in paths:
        data = path.read_bytes()
        key = hashlib.sha256(data).hexdigest()[:16]
        visits, findings = extractor.extract(data.decode("utf-8", errors="replace"))
        for la, vtype in visits:
            con.execute("INSERT INTO naive_visit VALUES (?, ?, ?)", [key, la, vtype])
        for la, theme, pol, sentence in findings:
            con.execute("INSERT INTO naive_finding VALUES (?, ?, ?, ?, ?)", [key, la, theme, pol, sentence])
        rows += len(visits) + len(findings)
    con.close()
    return rows
