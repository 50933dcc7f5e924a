"""The eval flow: ingest raw texts into a temporary warehouse and score it against the gold files."""


import tempfile
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows import settings
from flows.ingest import ingest_flow
from transforms.scoring import load_gold, score
from transforms.scoring_events import load_events, score_events
from transforms.scoring_parts import score_parts
from warehouse import loader
from warehouse.readback import predictions_by_file


@task(cache_policy=NO_CACHE)
def read_predictions(db_path: Path, memory_limit: str) -> dict[str, dict]:
    con = loader.connect(db_path, read_only=True, memory_limit=memory_limit)
    try:
        return predictions_by_file(con)
    finally:
        con.close()


@flow(name="ofsted-watch-eval")
def eval_flow(gold_dir: Path, input_dir: Path = settings.DEFAULTS.articles_dir, seeds_dir: Path = settings.DEFAULTS.seeds_dir,
              duckdb_memory_limit: str = settings.DEFAULTS.duckdb_memory_limit, events_path: Path | None = None,
              parts: str | None = None) -> dict:
    """Scores of the whole set; ``events`` from ``events_path`` (default: events.json beside the gold
    folder; absent, no events score); ``parts``: the headline figures per part of the set
    (transforms/scoring_parts.py: ``parts`` such as "dA-dC,dD-dF", else one part per item code)."""
    gold_dir = Path(gold_dir)
    groups = load_events(Path(events_path) if events_path else gold_dir.parent / "events.json")
    gold = load_gold(gold_dir)
    with tempfile.TemporaryDirectory(prefix="ofsted-watch-eval-") as tmp:
        db_path = Path(tmp) / "eval.duckdb"
        ingest_flow(input_dir=Path(input_dir), db_path=db_path, seeds_dir=Path(seeds_dir))
        predicted = read_predictions(db_path, duckdb_memory_limit)
    result = score(gold, predicted)
    if groups is not None:
        result["events"] = score_events(gold, predicted, groups)
    split = score_parts(gold, predicted, groups, parts)
    if split:
        result["parts"] = split
    return result
