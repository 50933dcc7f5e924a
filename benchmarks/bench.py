"""`ofsted-watch bench`: one run that measures the floor, the full ingest, its stages, an unchanged rerun,
the naive baseline (on a subset, scaled), peak memory and Prefect's share, and writes
benchmarks/results/<articles>.json.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from benchmarks import naive
from benchmarks.make_corpus import write_corpus
from transforms.parallel import TransformPool

ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = ROOT / "benchmarks" / "corpus"
RESULTS_DIR = ROOT / "benchmarks" / "results"


# Seconds between the first unchanged rerun and the second (see run).
RERUN_SETTLE_SECONDS = 5


def corpus(articles: int, seed: int = 7) -> Path:
    """The generated corpus, made once and reused (a marker records that it is complete)."""
    out = CORPUS_DIR / str(articles)
    if not (out / ".complete").exists():
        shutil.rmtree(out, ignore_errors=True)
        write_corpus(articles, out, seed)
        (out / ".complete").write_text(str(seed))
    return out


def _machine() -> dict:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    libs = {name: version(name) for name in ("prefect", "polars", "pandera", "duckdb", "great-expectations", "pyarrow", "prefect-dask", "distributed")}
    return {"cores": os.cpu_count(), "memory_gb": round(mem / 2**30, 1), "python": platform.python_version(),
            "platform": platform.platform(), "libraries": libs}


def _empty_flow_run() -> None:
    from prefect import flow

    @flow(name="bench-start-server")
    def nothing() -> None:
        return None

    nothing()


def _task_overhead_seconds(samples: int = 200, rounds: int = 3) -> tuple[float, float]:
    """Measured cost of one empty task run and of one empty flow run, on the same API.

    Task runs are timed inside their flow: a flow run's own cost varies by more than a few hundred
    task runs cost (a difference of two flow runs once gave a negative task cost). Medians of a few
    rounds.
    """
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE

    @task(cache_policy=NO_CACHE)
    def nothing() -> None:
        return None

    @flow
    def many(n: int) -> float:
        t = time.perf_counter()
        for _ in range(n):
            nothing()
        return time.perf_counter() - t

    many(0)  # the first flow run of a process pays for the client; not counted
    per_flow = []
    # Empty flows first: right after hundreds of task runs the server is still recording their events
    # and a flow run waits on it for seconds (measured: a median of 7.8 s instead of 1.1 s).
    for _ in range(rounds):
        t = time.perf_counter()
        many(0)
        per_flow.append(time.perf_counter() - t)
    per_task = [many(samples) / samples for _ in range(rounds)]
    return statistics.median(per_task), statistics.median(per_flow)


def run(articles: int, batch_size: int, naive_subset: int = 200, runner: str = "sequential", dask_address: str | None = None,
        dask_workers: int = 1, transform_processes: int = 1) -> dict:
    from flows import settings
    from flows.ingest import ingest_flow
    from flows.site import HEXMAP
    from warehouse.site import build_site

    src = corpus(articles)
    paths = sorted(src.rglob("*.txt"))
    size = sum(p.stat().st_size for p in paths)

    t = time.perf_counter()
    for p in paths:
        hashlib.sha256(p.read_bytes()).hexdigest()
    floor = time.perf_counter() - t

    # One empty flow run starts Prefect's temporary server, so that its start (10-30 s) is not in the
    # ingest's time. Prefect's cost per run is measured after the ingests: measured first, the server
    # was still recording those hundreds of runs' events when the ingest began, on the same two cores
    # (3,000 articles: 77 s with them before, against 58 s without, most of it in extraction).
    _empty_flow_run()
    time.sleep(2)
    with tempfile.TemporaryDirectory(prefix="ofsted-watch-bench-") as tmp:
        db = Path(tmp) / "bench.duckdb"
        t = time.perf_counter()
        options = {"batch_size": batch_size, "runner": runner, "dask_address": dask_address, "dask_workers": dask_workers,
                   "transform_processes": transform_processes}
        full = ingest_flow(input_dir=src, db_path=db, **options)
        full_s = time.perf_counter() - t
        t = time.perf_counter()
        ingest_flow(input_dir=src, db_path=db, **options)
        rerun_s = time.perf_counter() - t
        # The same rerun once the temporary server has recorded the runs before it: right after a full
        # ingest it is still writing that run's task events to its SQLite file, and the next run's calls
        # wait on it (a scheduled rerun comes minutes later). Reported beside the first, not instead of it.
        time.sleep(RERUN_SETTLE_SECONDS)
        t = time.perf_counter()
        ingest_flow(input_dir=src, db_path=db, **options)
        settled_rerun_s = time.perf_counter() - t
        # The flow's own peak, before the briefing site (which holds every council's facts at once:
        # about 4 GB at 100,000 articles) and the naive baseline run in this process too.
        ingest_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        site = build_site(db, Path(tmp) / "site", settings.DEFAULTS.seeds_dir / HEXMAP, settings.DEFAULTS.duckdb_memory_limit)
        subset = paths[: min(naive_subset, len(paths))]
        t = time.perf_counter()
        naive.run(subset, Path(tmp) / "naive.duckdb")
        naive_s = (time.perf_counter() - t) / len(subset) * len(paths)
    per_task, per_flow = _task_overhead_seconds()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The largest child process that has ended: a transform worker (shut down with its run) or a parse
    # sandbox; Prefect's temporary server is still running and not in it.
    child_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    # Task runs of the full ingest (every batch new, see flows/ingest.py): begin, rules, listing and
    # known files; per batch read, decode and plan, transform, build tables, validate, load (a
    # distributed run also plans again and settles the extraction; a run whose batches are split among
    # processes sends the transform and finishes it too); visit events, the closing load and publish.
    split = runner == "sequential" and TransformPool(transform_processes, None).may_split(min(articles, batch_size))
    task_runs = 4 + (9 if split else 6 if runner == "sequential" else 8) * full["batches"] + 3
    result = {
        "articles": articles,
        "corpus_mb": round(size / 1e6, 2),
        "batch_size": batch_size,
        "runner": runner if runner != "dask" else f"dask ({dask_address or f'{dask_workers} local workers'})",
        "transform_processes": transform_processes if runner == "sequential" else 1,
        "floor_seconds": round(floor, 3),
        "floor_mb_per_s": round(size / 1e6 / floor, 2),
        "full_ingest_seconds": round(full_s, 2),
        "full_ingest_mb_per_s": round(size / 1e6 / full_s, 3),
        "full_ingest_articles_per_s": round(articles / full_s, 1),
        "stage_seconds": full["stage_seconds"],
        # Wall time of the full ingest outside the timed stages: flow and task bookkeeping, waiting.
        "outside_stages_seconds": round(full_s - sum(full["stage_seconds"].values()), 2),
        "unchanged_rerun_seconds": round(rerun_s, 2),
        "unchanged_rerun_ratio": round(rerun_s / full_s, 4),
        "unchanged_rerun_settled_seconds": round(settled_rerun_s, 2),
        "unchanged_rerun_settled_ratio": round(settled_rerun_s / full_s, 4),
        # The briefing site from the finished warehouse: read, render every page, write and swap the folder.
        "site_seconds": site["seconds"],
        "site_files": site["files"],
        "naive_subset_articles": len(subset),
        "naive_seconds_scaled": round(naive_s, 1),
        "speedup_vs_naive": round(naive_s / full_s, 2),
        "prefect_task_run_seconds": round(per_task, 4),
        "prefect_flow_run_seconds": round(per_flow, 3),
        "prefect_overhead_ratio": round((task_runs * per_task + per_flow) / full_s, 4),
        "peak_rss_mb": round(peak_mb, 1),
        "peak_rss_ingest_mb": round(ingest_peak_mb, 1),
        "peak_rss_child_mb": round(child_peak_mb, 1),
        "machine": _machine(),
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{articles}{'' if runner == 'sequential' else '-' + runner}.json").write_text(json.dumps(result, indent=2))
    return result


def print_table(r: dict) -> None:
    rows = [
        ("articles", f"{r['articles']:,} ({r['corpus_mb']} MB, batches of {r['batch_size']}, runner {r['runner']}, "
                     f"{r.get('transform_processes', 1)} transform processes)"),
        ("floor: read + hash", f"{r['floor_seconds']} s = {r['floor_mb_per_s']} MB/s"),
        ("full ingest", f"{r['full_ingest_seconds']} s = {r['full_ingest_mb_per_s']} MB/s, {r['full_ingest_articles_per_s']} articles/s"),
        ("stages (s)", ", ".join(f"{k} {v}" for k, v in r["stage_seconds"].items()) + f"; outside the stages {r['outside_stages_seconds']}"),
        ("unchanged rerun", f"{r['unchanged_rerun_seconds']} s = {r['unchanged_rerun_ratio']:.1%} of the full ingest right after it; "
                            f"{r.get('unchanged_rerun_settled_seconds', '?')} s = {r.get('unchanged_rerun_settled_ratio', 0):.1%} "
                            f"once the Prefect server has recorded it"),
        ("briefing site", f"{r['site_seconds']} s for {r['site_files']} files"),
        ("naive baseline", f"{r['naive_seconds_scaled']} s scaled from {r['naive_subset_articles']} articles: speed-up {r['speedup_vs_naive']}x"),
        ("Prefect overhead", f"{r['prefect_overhead_ratio']:.2%} ({r['prefect_task_run_seconds'] * 1000:.1f} ms a task run)"),
        ("peak memory", f"{r['peak_rss_mb']} MB (ingests only: {r.get('peak_rss_ingest_mb', '?')} MB); largest child process "
                        f"{r.get('peak_rss_child_mb', 0)} MB"),
        ("machine", f"{r['machine']['cores']} cores, {r['machine']['memory_gb']} GB, Python {r['machine']['python']}"),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
