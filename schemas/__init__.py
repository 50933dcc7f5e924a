"""pandera models (polars backend), one per warehouse table, named after the table; schemas/tables.py declares the tables."""

from schemas.tables import TABLES

MODELS = {t.name: t.model for t in TABLES if t.model is not None}
