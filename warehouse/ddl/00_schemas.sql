-- Layers: raw (files as read) -> staging (cleaned, segmented) -> main (dim_* and fct_* marts).
-- The marts live in DuckDB's default schema so a fresh connection finds them by their plain names.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
