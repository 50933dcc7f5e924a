"""Seconds and peak memory of extracting one hostile article (issue 12, cases 3 and 4).

Each input runs in a fresh process (so its peak RSS is its own) through clean, segment and
extract, with no cap, then through the caps' check:

    python -m benchmarks.hostile                       # every input
    python -m benchmarks.hostile quotes-728k line-4.9m # some of them

Inputs (generated, never stored): ``quotes-728k``, one invented quoted paragraph repeated 8,000
times, a line each; ``quotes-1.4m``, 16,000 times; ``line-1m`` and ``line-4.9m``, invented prose
(authorities, a named speaker, a quote, findings) on one line repeated to that size; ``names-line-1m``, one line of authority names
with no sentence break.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Invented prose of the kind articles hold: authorities, a named speaker, a quote, findings.
PROSE = ("Ofsted inspectors found that children's services in Sutton had improved since the last inspection. "
         "The director of children's services, Dana Whitfield, said: “We are proud of our social workers.” "
         "Inspectors said caseloads in Kent remained too high and management oversight was inconsistent. "
         "A council spokesperson said the authority would act on the findings. ")
PARAGRAPH = "“We are improving fast,” said Dana Whitfield, director of children's services at Sutton.\n"


def make(name: str) -> str:
    if name.startswith("quotes-"):
        return "A council says it is improving\n\n" + PARAGRAPH * {"quotes-182k": 2000, "quotes-364k": 4000, "quotes-728k": 8000, "quotes-1.4m": 16000}[name]
    if name.startswith("line-"):
        size = {"line-1m": 1_000_000, "line-4.9m": 4_900_000}[name]
        return "Headline\n\n" + PROSE * (size // len(PROSE.encode("utf-8"))) + "\n"
    if name == "names-line-1m":
        unit = "inspectors returned to Sutton and Kent and Leeds council; "
        return "Headline\n\n" + unit * (1_000_000 // len(unit))
    raise SystemExit(f"unknown input {name}")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_one(name: str) -> dict:
    import polars as pl

    from flows import settings
    from transforms.pipeline import transform_batch
    from transforms.rules import load_rules

    rules = load_rules(ROOT / "seeds")
    text = make(name)
    docs = pl.DataFrame({"article_key": ["0" * 16], "text": [text]})
    t, cpu = time.perf_counter(), _cpu()
    extracted, stages = transform_batch(docs, rules)
    seconds, cpu_seconds = time.perf_counter() - t, _cpu() - cpu
    try:
        from transforms.limits import WorkLimits, over_limit_reasons

        settings.DEFAULTS.max_sentences_per_article
    except (ImportError, AttributeError):  # measuring a commit from before the caps
        reason, check_seconds = "no caps in this version", 0.0
    else:
        limits = WorkLimits(settings.DEFAULTS.max_sentences_per_article, settings.DEFAULTS.max_quotes_per_article, settings.DEFAULTS.max_mentions_per_article)
        t = time.perf_counter()
        reason = over_limit_reasons(docs, limits)[0]
        check_seconds = time.perf_counter() - t
    return {
        "input": name,
        "bytes": len(text.encode("utf-8")),
        "extract_seconds": round(seconds, 2),
        # CPU time (every thread) drifts less than wall time on a shared machine.
        "extract_cpu_seconds": round(cpu_seconds, 2),
        "stages": {k: round(v, 2) for k, v in stages.items()},
        "rows": {"sentences": extracted.sentences.height, "mentions": extracted.mentions.height, "quotes": extracted.quotes.height},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "caps_check_seconds": round(check_seconds, 3),
        "caps_verdict": reason or "within the caps",
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(argv[1])))
        return
    names = argv or ["quotes-728k", "quotes-1.4m", "line-1m", "line-4.9m", "names-line-1m"]
    for name in names:
        out = subprocess.run([sys.executable, "-m", "benchmarks.hostile", "--one", name], cwd=ROOT, capture_output=True, text=True)
        print(out.stdout.strip() or out.stderr.strip()[-2000:], flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
