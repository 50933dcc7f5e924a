"""What one ingest run saw, wrote and spent: counted once, batch by batch, and rendered both as the
run's etl_run row and as the summary the flow returns (and the CLI prints)."""

from __future__ import annotations

import json
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone

import polars as pl

STAGES = ("read", "clean", "segment", "extract", "validate", "load")
CHANGES = ("new", "changed", "unchanged", "rejected")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass
class RunSummary:
    input_dir: str
    db_path: str
    runner: str = "sequential"
    flow_run_id: str | None = None
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started_at: datetime = field(default_factory=_utc_now)
    # Set once the run holds its working copy: only then is a failure worth an etl_run row.
    has_begun: bool = False
    files_seen: int = 0
    files_missing: int = 0
    changes: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    extracted: int = 0
    batches: int = 0
    articles_released: int = 0
    rejected: list[dict] = field(default_factory=list)
    rows_written: dict[str, int] = field(default_factory=dict)
    table_rows: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    @contextmanager
    def timed(self, stage: str):
        """Adds the wall time of the block to ``stage``."""
        t = time.perf_counter()
        try:
            yield
        finally:
            self.stage_seconds[stage] += time.perf_counter() - t

    def add_seconds(self, seconds: dict[str, float]) -> None:
        """Seconds measured where the work ran (a transform on a Dask worker times its own stages)."""
        for stage, s in seconds.items():
            self.stage_seconds[stage] += s

    def add_rows(self, written: dict[str, int]) -> None:
        for table, n in written.items():
            self.rows_written[table] = self.rows_written.get(table, 0) + n

    def add_batch(self, planned: pl.DataFrame, extracted_articles: int, rejected: pl.DataFrame,
                  written: dict[str, int], released: int) -> None:
        """One batch's counts: its files by change, its copies of other files, the articles it extracted,
        what it rejected (rejected_rows' frame), the rows it wrote and the stored articles it deleted."""
        for change, n in planned.group_by("change").len().iter_rows():
            self.changes[change] = self.changes.get(change, 0) + n
        self.duplicates += planned.filter((pl.col("status") == "duplicate") & (pl.col("change") != "unchanged")).height
        self.extracted += extracted_articles
        self.batches += 1
        self.articles_released += released
        self.rejected += [{"file": r["source_file"], "table": r["table_name"], "reason": r["reason"]}
                          for r in rejected.iter_rows(named=True)]
        self.add_rows(written)

    def files(self, change: str) -> int:
        return self.changes.get(change, 0)

    def etl_run_row(self, status: str = "success", rows_written: dict[str, int] | None = None) -> dict:
        """The run's etl_run row, finished now. ``rows_written`` replaces the run's own count (a failed
        run published none of the rows it wrote)."""
        return {
            "run_id": self.run_id,
            "flow_run_id": self.flow_run_id,
            "started_at": self.started_at,
            "finished_at": _utc_now(),
            "status": status,
            "input_dir": self.input_dir,
            "files_seen": self.files_seen,
            **{f"files_{c}": self.files(c) for c in CHANGES},
            "files_missing": self.files_missing,
            "rows_written": json.dumps(self.rows_written if rows_written is None else rows_written),
            "stage_seconds": json.dumps({k: round(v, 4) for k, v in self.stage_seconds.items()}),
        }

    def as_dict(self) -> dict:
        """The summary the flow returns; flows/cli.py prints it."""
        return {
            "run_id": self.run_id,
            "db_path": self.db_path,
            "input_dir": self.input_dir,
            "files_seen": self.files_seen,
            "files_new": self.files("new"),
            "files_changed": self.files("changed"),
            "files_unchanged": self.files("unchanged"),
            "files_duplicate": self.duplicates,
            "files_rejected": self.files("rejected"),
            "files_missing": self.files_missing,
            "articles_extracted": self.extracted,
            "batches": self.batches,
            "rejected": self.rejected,
            "rows_written": self.rows_written,
            "table_rows": self.table_rows,
            "stage_seconds": {k: round(v, 3) for k, v in self.stage_seconds.items()},
            "runner": self.runner,
        }
