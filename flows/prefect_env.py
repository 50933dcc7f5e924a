"""Prefect's environment, set before Prefect is imported; anything the user exported wins."""

from __future__ import annotations

import os
from pathlib import Path

from flows.settings import Settings


def configure_prefect_environment(settings: Settings) -> None:
    os.environ.setdefault("PREFECT_HOME", str(settings.prefect_home))
    # Prefect makes only the last folder of PREFECT_HOME.
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(settings.ephemeral_startup_timeout_seconds))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # dask.distributed logs every worker start and connection at INFO under Prefect's logging set-up.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
