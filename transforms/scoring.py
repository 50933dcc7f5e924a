"""Scores extracted facts against gold files with exactly the rules of gold/README.md.

- visits match on (file, local_authority): P/R/F1, then per-field exact agreement over matched pairs
  (focus as a set; a gold focus of null is not scored). A visit for an other_authorities name is a
  false positive (it is one anyway: it matches no gold visit).
- people match on (file, name) with case, punctuation and apostrophe style folded: P/R/F1, then
  agreement on local_authority, quoted, and role (agrees when every word of the gold role is in the
  extracted role, case-folded).
- findings match on (file, local_authority, theme, polarity): P/R/F1, overall and per theme.
- articles: share of exact agreement on title (white space folded), publisher, published_date.
- optional gold items are left out of every count: extracted, they are neither a true positive nor a
  false positive; missed, they are not a miss.
- visit_year and visit_month are scored like the other visit fields, where the gold file carries them.
Field agreement is computed over matched pairs of required (non-optional) gold items.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

VISIT_FIELDS = ["visit_type", "ordinal", "focus", "rating", "rating_year", "rating_month", "visit_year", "visit_month"]
# Fields a gold file may not carry yet (the sample's gold predates them): scored only where it does.
FIELDS_SCORED_WHEN_PRESENT = {"visit_year", "visit_month"}


def fold_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).replace("’", "'").replace("‘", "'").casefold()
    return " ".join(re.sub(r"[^\w\s]", "", text).split())


def fold_space(text: str | None) -> str | None:
    return None if text is None else re.sub(r"\s+", " ", text).strip()


def role_words(role: str | None) -> list[str]:
    return re.findall(r"[\w’']+", (role or "").casefold())


def role_agrees(gold_role: str | None, extracted_role: str | None) -> bool:
    have = set(role_words(extracted_role))
    return all(w in have for w in role_words(gold_role))


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def _match(gold: dict[tuple, dict], predicted: dict[tuple, dict]) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """(true positives, false positives, misses). An extracted optional item is none of them."""
    required = {k for k, g in gold.items() if not g.get("optional")}
    matched = [k for k in predicted if k in required]
    fps = [k for k in predicted if k not in gold]
    fns = [k for k in required if k not in predicted]
    return matched, fps, fns


def load_gold(gold_dir: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(gold_dir).glob("*.json"))]


def score(gold_docs: list[dict], predicted: dict[str, dict]) -> dict:
    """``predicted``: file name -> {title, publisher, published_date, visits: [...], people: [...], findings: [...]}
    in the gold format (visits with local_authority, visit_type, ordinal, focus, rating, rating_year, rating_month,
    visit_year, visit_month)."""
    disagreements: list[dict] = []
    files = [g["file"] for g in gold_docs]

    art = {"title": 0, "publisher": 0, "published_date": 0}
    for g in gold_docs:
        p = predicted.get(g["file"], {})
        for field in art:
            gv, pv = g.get(field), p.get(field)
            if field == "title":
                gv, pv = fold_space(gv), fold_space(pv)
            if gv == pv:
                art[field] += 1
            else:
                disagreements.append({"kind": "article", "file": g["file"], "field": field, "gold": gv, "predicted": pv})
    articles = {k: round(v / len(gold_docs), 4) if gold_docs else None for k, v in art.items()} | {"files": len(gold_docs)}

    gold_v = {(g["file"], v["local_authority"]): v for g in gold_docs for v in g.get("visits", [])}
    pred_v = {(f, v["local_authority"]): v for f in files for v in predicted.get(f, {}).get("visits", [])}
    matched, fps, fns = _match(gold_v, pred_v)
    visits = prf(len(matched), len(fps), len(fns))
    field_hits = {f: [0, 0] for f in VISIT_FIELDS}
    for k in matched:
        g, p = gold_v[k], pred_v[k]
        for f in VISIT_FIELDS:
            if f in FIELDS_SCORED_WHEN_PRESENT and f not in g:
                continue
            gv, pv = g.get(f), p.get(f)
            if f == "focus":
                if gv is None:
                    continue
                gv, pv = sorted(set(gv)), sorted(set(pv or []))
            field_hits[f][1] += 1
            if gv == pv:
                field_hits[f][0] += 1
            else:
                disagreements.append({"kind": "visit", "file": k[0], "key": k[1], "field": f, "gold": gv, "predicted": pv})
    visits["fields"] = {f: round(h / n, 4) if n else None for f, (h, n) in field_hits.items()}
    visits["false_positives"] = [list(k) for k in fps]
    visits["misses"] = [list(k) for k in fns]
    other = {(g["file"], a) for g in gold_docs for a in g.get("other_authorities", [])}
    visits["other_authority_false_positives"] = [list(k) for k in fps if k in other]

    gold_p = {(g["file"], fold_name(p["name"])): p for g in gold_docs for p in g.get("people", [])}
    pred_p = {(f, fold_name(p["name"])): p for f in files for p in predicted.get(f, {}).get("people", [])}
    matched, fps, fns = _match(gold_p, pred_p)
    people = prf(len(matched), len(fps), len(fns))
    hits = {"local_authority": [0, 0], "quoted": [0, 0], "role": [0, 0]}
    for k in matched:
        g, p = gold_p[k], pred_p[k]
        checks = {
            "local_authority": g.get("local_authority") == p.get("local_authority"),
            "quoted": bool(g.get("quoted")) == bool(p.get("quoted")),
            "role": role_agrees(g.get("role"), p.get("role")),
        }
        for f, ok in checks.items():
            hits[f][1] += 1
            hits[f][0] += ok
            if not ok:
                disagreements.append({"kind": "person", "file": k[0], "key": g["name"], "field": f, "gold": g.get(f), "predicted": p.get(f)})
    people["fields"] = {f: round(h / n, 4) if n else None for f, (h, n) in hits.items()}
    people["false_positives"] = [[k[0], pred_p[k]["name"]] for k in fps]
    people["misses"] = [[k[0], gold_p[k]["name"]] for k in fns]

    gold_f = {(g["file"], f["local_authority"], f["theme"], f["polarity"]): f for g in gold_docs for f in g.get("findings", [])}
    pred_f = {(f, x["local_authority"], x["theme"], x["polarity"]): x for f in files for x in predicted.get(f, {}).get("findings", [])}
    matched, fps, fns = _match(gold_f, pred_f)
    findings = prf(len(matched), len(fps), len(fns))
    themes = sorted({k[2] for k in gold_f} | {k[2] for k in pred_f})
    findings["per_theme"] = {
        t: prf(len([k for k in matched if k[2] == t]), len([k for k in fps if k[2] == t]), len([k for k in fns if k[2] == t]))
        for t in themes
    }
    findings["false_positives"] = [list(k) for k in sorted(fps)]
    findings["misses"] = [list(k) for k in sorted(fns)]
    for k in sorted(fps):
        disagreements.append({"kind": "finding", "file": k[0], "key": list(k[1:]), "field": "false_positive", "evidence": pred_f[k].get("evidence")})
    for k in sorted(fns):
        disagreements.append({"kind": "finding", "file": k[0], "key": list(k[1:]), "field": "miss"})

    inspections = score_full_inspections(gold_docs, predicted, disagreements)
    return {"articles": articles, "visits": visits, "people": people, "findings": findings, "inspections": inspections,
            "disagreements": disagreements}


PREVIOUS_RATING_FIELDS = ["previous_rating", "previous_rating_year"]


def score_full_inspections(gold_docs: list[dict], predicted: dict[str, dict], disagreements: list[dict] | None = None) -> dict:
    """The full-inspection keys of gold/README.md, over matched inspection visits (gold visit_type
    ``inspection``, required, and extracted for the same (file, local_authority)):

    - previous_rating, previous_rating_year: share of exact agreement (null agrees with null);
    - judgements: P/R/F1 over (file, local_authority, area, grade); an extracted judgement of a visit
      that is not a matched inspection visit is outside the count.
    """
    disagreements = [] if disagreements is None else disagreements
    files = [g["file"] for g in gold_docs]
    gold_v = {(g["file"], v["local_authority"]): v for g in gold_docs for v in g.get("visits", [])
              if v.get("visit_type") == "inspection" and not v.get("optional")}
    pred_v = {(f, v["local_authority"]): v for f in files for v in predicted.get(f, {}).get("visits", [])}
    matched = sorted(k for k in gold_v if k in pred_v)
    hits = {f: 0 for f in PREVIOUS_RATING_FIELDS}
    gold_j: set[tuple] = set()
    pred_j: set[tuple] = set()
    for k in matched:
        g, p = gold_v[k], pred_v[k]
        for f in PREVIOUS_RATING_FIELDS:
            if g.get(f) == p.get(f):
                hits[f] += 1
            else:
                disagreements.append({"kind": "inspection", "file": k[0], "key": k[1], "field": f, "gold": g.get(f), "predicted": p.get(f)})
        gold_j |= {(*k, area, grade) for area, grade in (g.get("judgements") or {}).items()}
        pred_j |= {(*k, area, grade) for area, grade in (p.get("judgements") or {}).items()}
    tp, fps, fns = gold_j & pred_j, sorted(pred_j - gold_j), sorted(gold_j - pred_j)
    judgements = prf(len(tp), len(fps), len(fns)) | {"false_positives": [list(x) for x in fps], "misses": [list(x) for x in fns]}
    for kind, rows in (("false_positive", fps), ("miss", fns)):
        disagreements += [{"kind": "judgement", "file": x[0], "key": list(x[1:]), "field": kind} for x in rows]
    fields = {f: round(h / len(matched), 4) if matched else None for f, h in hits.items()}
    return {"matched_inspection_visits": len(matched), "fields": fields, "judgements": judgements}
