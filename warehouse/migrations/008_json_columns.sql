-- Schema version 8: the columns that hold JSON text are typed JSON (dim_article.metadata_source,
-- dim_visit_event.conflicts, rejected_rows.row_json, etl_run.rows_written and stage_seconds,
-- dq_result.failing_examples), so DuckDB refuses text that is not JSON and ->, ->> and json_* read
-- them without a cast. The text is kept as written: the values read back unchanged.
ALTER TABLE dim_article ALTER COLUMN metadata_source TYPE JSON;
ALTER TABLE rejected_rows ALTER COLUMN row_json TYPE JSON;
ALTER TABLE etl_run ALTER COLUMN rows_written TYPE JSON;
ALTER TABLE etl_run ALTER COLUMN stage_seconds TYPE JSON;
ALTER TABLE dq_result ALTER COLUMN failing_examples TYPE JSON;
-- A warehouse older than version 7 gets dim_visit_event from the DDL, after the migrations, already as JSON.
ALTER TABLE IF EXISTS dim_visit_event ALTER COLUMN conflicts TYPE JSON;
-- In the same version the marts' views are named mart_* (v_theme_summary -> mart_theme_summary,
-- v_authority_timeline -> mart_authority_timeline, v_authority_latest -> mart_authority_latest); views
-- are made by the DDL, which also keeps the v_* names as deprecated aliases of them.
