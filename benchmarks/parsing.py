"""`ofsted-watch bench --parsing`: web-page and PDF parsing, measured on pages built from the sample.

Three figures, written to ``benchmarks/results/parsing.json``:
- main-text extraction: trafilatura against jusText (trafilatura's own fallback) and the page's
  whole text, by how much of each article's body they keep and how much page furniture they let in;
- title / publisher / date agreement on the built pages, with the page metadata and with the text
  rules alone (the same pages, the metadata ignored);
- parsing time per MB (and per page) for HTML and for PDF letters.
Nothing here is timed by a test; the test suite runs it on one article only to check it works.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from pathlib import Path

import polars as pl

from benchmarks.make_pages import COMMENTS, COOKIES, FOOTER, NAV, RELATED, SHARE, build_pages, letter_pdf
from flows import settings

RESULTS_DIR = settings.DEFAULTS.home / "benchmarks" / "results"
DEFAULT_GOLD = settings.DEFAULTS.home.parent / "shared" / "gold"


def _furniture_phrases() -> list[str]:
    text = " ".join(re.sub(r"<[^>]+>", "\n", s) for s in (NAV, COOKIES, SHARE, RELATED, COMMENTS, FOOTER))
    phrases = [p.strip() for p in text.split("\n") if len(p.strip()) > 12 and "{" not in p]
    return phrases + ["Advertisement", "Join our fostering team"]


def _words(s: str) -> list[str]:
    return re.findall(r"\w+", s.lower())


def _body_recall(extracted: str, article: str) -> float:
    """Share of the article's body paragraphs (headline aside) found whole in the extracted text."""
    paras = [" ".join(_words(p)) for p in article.split("\n\n")[1:] if p.strip()]
    got = " ".join(_words(extracted))
    return sum(p in got for p in paras) / max(1, len(paras))


def _extractors() -> dict:
    import justext
    import lxml.html
    import trafilatura

    from transforms.html_extract import main_text

    def jus(page: str) -> str:
        return "\n\n".join(p.text for p in justext.justext(page.encode("utf-8"), justext.get_stoplist("English")) if not p.is_boilerplate)

    return {
        "trafilatura": main_text,
        "trafilatura favor_precision": lambda page: trafilatura.extract(page, favor_precision=True, include_comments=False) or "",
        "justext": jus,
        "whole page text (lxml)": lambda page: lxml.html.document_fromstring(page).text_content(),
    }


def compare_extractors(pages: list[dict]) -> dict:
    phrases = _furniture_phrases()
    out = {}
    for name, fn in _extractors().items():
        recall, leaked, seconds = [], 0, 0.0
        for p in pages:
            page = Path(p["path"]).read_text(encoding="utf-8")
            t = time.perf_counter()
            text = fn(page) or ""
            seconds += time.perf_counter() - t
            recall.append(_body_recall(text, p["article_text"]))
            leaked += sum(ph in text for ph in phrases)
        out[name] = {"body_paragraphs_kept": round(sum(recall) / len(recall), 3),
                     "furniture_phrases_per_page": round(leaked / len(pages), 2),
                     "ms_per_page": round(1000 * seconds / len(pages), 1)}
    return out


def metadata_agreement(pages: list[dict], rules) -> dict:
    """Exact agreement of title (white space folded), publisher and date with what each page states,
    through the pipeline's own clean stage: with page metadata, and with the text rules alone."""
    from transforms.documents import decode_documents
    from transforms.pipeline import clean_stage

    raw = pl.DataFrame({"path": [p["path"] for p in pages], "content": [Path(p["path"]).read_bytes() for p in pages]})
    docs = decode_documents(raw).with_columns(pl.col("path").alias("article_key"))
    with_meta = clean_stage(docs, rules).articles
    # The baseline sees the same main text without the page's title put in front of it.
    from transforms.html_extract import main_text

    bare = pl.DataFrame({"article_key": docs["article_key"],
                         "text": [main_text(Path(p["path"]).read_text(encoding="utf-8")) or "" for p in pages]})
    rules_only = clean_stage(bare, rules).articles
    result = {}
    for label, arts in (("page metadata, text rules otherwise", with_meta), ("text rules only", rules_only)):
        by_key = {r["article_key"]: r for r in arts.iter_rows(named=True)}
        scores = {"title": 0, "publisher": 0, "published_date": 0}
        by_style: dict[str, dict[str, int]] = {}
        for p in pages:
            got, want = by_key[p["path"]], p["expected"]
            style = by_style.setdefault(p["style"], {"pages": 0, "title": 0, "publisher": 0, "published_date": 0})
            style["pages"] += 1
            for f in scores:
                g = got.get(f)
                g = g.isoformat() if hasattr(g, "isoformat") else g
                w = want.get(f)
                ok = (" ".join(g.split()) == " ".join(w.split())) if (f == "title" and g and w) else g == w
                scores[f] += ok
                style[f] += ok
        result[label] = {f: round(v / len(pages), 3) for f, v in scores.items()} | {"by_style": by_style}
    result["pages"] = len(pages)
    return result


def parsing_speed(pages: list[dict], pdf_pages: int = 12, rounds: int = 3) -> dict:
    from transforms.html_extract import extract_html
    from transforms.pdf_extract import extract_pdf

    blobs = [Path(p["path"]).read_bytes() for p in pages]
    mb = sum(map(len, blobs)) / 1e6
    best = min(_timed(lambda: [extract_html(b) for b in blobs]) for _ in range(rounds))
    pdf = letter_pdf(repeat=pdf_pages)
    import pypdf, io

    n_pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    pdf_best = min(_timed(lambda: extract_pdf(pdf)) for _ in range(rounds))
    return {
        "html": {"pages": len(blobs), "mb": round(mb, 3), "seconds": round(best, 3), "seconds_per_mb": round(best / mb, 2),
                 "ms_per_page": round(1000 * best / len(blobs), 1)},
        "pdf": {"pages": n_pages, "mb": round(len(pdf) / 1e6, 4), "seconds": round(pdf_best, 3),
                "seconds_per_mb": round(pdf_best / (len(pdf) / 1e6), 2), "ms_per_page": round(1000 * pdf_best / n_pages, 1)},
    }


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run(articles_dir: Path = settings.DEFAULTS.articles_dir, gold_dir: Path | None = DEFAULT_GOLD, limit: int | None = None,
        write: bool = True) -> dict:
    from transforms.rules import load_rules

    rules = load_rules(settings.DEFAULTS.seeds_dir)
    with tempfile.TemporaryDirectory(prefix="ofsted-pages-") as tmp:
        pages = build_pages(articles_dir, gold_dir if gold_dir and gold_dir.is_dir() else None, Path(tmp), limit=limit)
        texts = {p.stem: p.read_text(encoding="utf-8") for p in articles_dir.glob("*.txt")}
        for p in pages:
            p["article_text"] = texts[Path(p["path"]).name.split(".")[0]]
        result = {
            "extractors": compare_extractors(pages),
            "metadata_agreement": metadata_agreement(pages, rules),
            "speed": parsing_speed(pages),
            "gold_dir": str(gold_dir) if gold_dir else None,
        }
    if write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        (RESULTS_DIR / "parsing.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def print_parsing(result: dict) -> None:
    print("main-text extraction on built pages (body paragraphs kept, furniture phrases per page, ms per page):")
    for name, r in result["extractors"].items():
        print(f"  {name:<30} {r['body_paragraphs_kept']:>6.1%}  {r['furniture_phrases_per_page']:>5}  {r['ms_per_page']:>7}")
    agreement = result["metadata_agreement"]
    print(f"title / publisher / date agreement on {agreement['pages']} pages:")
    for label in ("page metadata, text rules otherwise", "text rules only"):
        a = agreement[label]
        print(f"  {label:<38} title {a['title']:.0%}  publisher {a['publisher']:.0%}  date {a['published_date']:.0%}")
    for kind, s in result["speed"].items():
        print(f"{kind} parsing: {s['seconds_per_mb']} s per MB ({s['ms_per_page']} ms per page, {s['pages']} pages, {s['mb']} MB)")
