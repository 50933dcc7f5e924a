"""The site flow: the briefing site (warehouse/site.py) written from the published warehouse."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import outcome, settings
from flows.input_files import OUTPUT_MARKER, OUTPUT_MARKER_TEXT
from warehouse.site import build_site

HEXMAP = "reference/england_upper_tier_authorities.hexjson"


def site_beside(report_dir: Path) -> Path:
    """Where the pipeline puts the site when not told: a `site` folder next to the report's."""
    return Path(report_dir).resolve().parent / "site"


@task(cache_policy=NO_CACHE)
def write_site(db_path: Path, out_dir: Path, hexjson_path: Path, memory_limit: str) -> dict:
    # The marker travels inside the new folder, so a site under an inbox is never read back as articles.
    return build_site(db_path, out_dir, hexjson_path, memory_limit, extra_files={OUTPUT_MARKER: OUTPUT_MARKER_TEXT})


@flow(name="ofsted-watch-site")
def site_flow(
    db_path: Path = settings.DEFAULTS.db_path,
    out_dir: Path = settings.DEFAULTS.site_dir,
    duckdb_memory_limit: str = settings.DEFAULTS.duckdb_memory_limit,
) -> dict:
    """Reads the warehouse read-only (a run in progress is not waited for: its copy is not published yet)
    and replaces out_dir with the new site in one swap."""
    db_path, out_dir = Path(db_path).resolve(), Path(out_dir).absolute()
    result = write_site(db_path, out_dir, settings.DEFAULTS.seeds_dir / HEXMAP, duckdb_memory_limit)
    outcome.record("site", result)
    get_run_logger().info("site: %d files (%d authority pages) in %s, %.2f s", result["files"], result["authority_pages"],
                          result["site_dir"], result["seconds"])
    return result
