"""The eval flow: ingest raw texts into a temporary warehouse and score it against the gold files."""


import tempfile
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows import settings
from flows.ingest import ingest_flow
from transforms.scoring import load_gold, score
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
              duckdb_memory_limit: str = settings.DEFAULTS.duckdb_memory_limit) -> dict:
    with tempfile.TemporaryDirectory(prefix="ofsted-watch-eval-") as tmp:
        db_path = Path(tmp) / "eval.duckdb"
        ingest_flow(input_dir=Path(input_dir), db_path=db_path, seeds_dir=Path(seeds_dir))
        predicted = read_predictions(db_path, duckdb_memory_limit)
    return score(load_gold(Path(gold_dir)), predicted)
