"""Ingest, check, then the briefing site: the flow `make run` and the scheduled deployment run."""


from pathlib import Path
from typing import Optional

from prefect import flow

from flows import settings
from flows.ingest import ingest_flow
from flows.quality import check_report_dir, quality_flow
from flows.site import site_beside, site_flow


@flow(name="ofsted-watch-ingest-and-quality")
def ingest_and_quality_flow(
    input_dir: Path = settings.DEFAULTS.articles_dir,
    db_path: Path = settings.DEFAULTS.db_path,
    report_dir: Path = settings.DEFAULTS.report_dir,
    max_file_bytes: int = settings.DEFAULTS.max_file_bytes,
    max_row_drop: float = settings.DEFAULTS.max_row_drop,
    batch_size: int = settings.DEFAULTS.batch_size,
    runner: str = settings.DEFAULTS.runner,
    dask_address: Optional[str] = None,
    dask_workers: int = settings.DEFAULTS.dask_workers,
    transform_processes: int = settings.DEFAULTS.transform_processes,
    lock_wait_seconds: float = settings.DEFAULTS.lock_wait_seconds,
    site_dir: Optional[Path] = None,
) -> dict:
    """``site_dir`` None: a `site` folder beside the report's (so `make run` leaves site/ next to report/)."""
    check_report_dir(Path(report_dir).resolve(), Path(db_path).resolve(), [Path(input_dir)], probe=False)  # before any work
    ingest = ingest_flow(input_dir=input_dir, db_path=db_path, max_file_bytes=max_file_bytes, batch_size=batch_size,
                         runner=runner, dask_address=dask_address, dask_workers=dask_workers, transform_processes=transform_processes,
                         lock_wait_seconds=lock_wait_seconds)
    dq = quality_flow(db_path=db_path, report_dir=report_dir, max_row_drop=max_row_drop, lock_wait_seconds=lock_wait_seconds)
    site = site_flow(db_path=db_path, out_dir=site_dir or site_beside(report_dir))
    return {"ingest": ingest, "quality": dq, "site": site}


@flow(name="ofsted-watch-fetch-ingest-and-quality")
def fetch_ingest_and_quality_flow(
    sources_path: Path,
    input_dir: Path,
    db_path: Path = settings.DEFAULTS.db_path,
    report_dir: Path = settings.DEFAULTS.report_dir,
    contact: str = settings.DEFAULTS.fetch_contact,
    max_file_bytes: int = settings.DEFAULTS.max_file_bytes,
    max_row_drop: float = settings.DEFAULTS.max_row_drop,
    batch_size: int = settings.DEFAULTS.batch_size,
    site_dir: Optional[Path] = None,
) -> dict:
    """What a scheduled deployment with a sources file runs: fetch into the inbox, ingest it, check quality, write the site.
    A failed fetch of some URLs is recorded and does not stop the ingest of what is in the inbox."""
    from flows.fetch import fetch_flow

    check_report_dir(Path(report_dir).resolve(), Path(db_path).resolve(), [Path(input_dir)], probe=False)  # before any work
    fetched = fetch_flow(sources_path=sources_path, inbox=input_dir, contact=contact)
    ingest = ingest_flow(input_dir=input_dir, db_path=db_path, max_file_bytes=max_file_bytes, batch_size=batch_size)
    dq = quality_flow(db_path=db_path, report_dir=report_dir, max_row_drop=max_row_drop)
    site = site_flow(db_path=db_path, out_dir=site_dir or site_beside(report_dir))
    return {"fetch": fetched, "ingest": ingest, "quality": dq, "site": site}

