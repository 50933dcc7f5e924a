-- Operations: what the runs did, beside the model rather than part of it. Ingest runs (etl_run), the rows
-- and files they set aside (rejected_rows), the last rebuild of the visit events (visit_event_build) and
-- the data-quality runs (dq_run, dq_result). They stay in the default schema under their plain names, as
-- the report, the runs and analysts' SQL have always named them.
CREATE TABLE IF NOT EXISTS rejected_rows (
    run_id VARCHAR NOT NULL,
    rejected_at TIMESTAMP NOT NULL,
    table_name VARCHAR NOT NULL,
    source_file VARCHAR,
    reason VARCHAR NOT NULL,
    row_json JSON
);
COMMENT ON TABLE rejected_rows IS 'Rows and files that failed validation or could not be read, with the reason; the rest of the run loads.';
COMMENT ON COLUMN rejected_rows.run_id IS 'The run that rejected it (etl_run.run_id).';
COMMENT ON COLUMN rejected_rows.rejected_at IS 'When (UTC).';
COMMENT ON COLUMN rejected_rows.table_name IS 'The table the row was meant for; raw_file for a file that could not be read.';
COMMENT ON COLUMN rejected_rows.source_file IS 'The input file the row came from.';
COMMENT ON COLUMN rejected_rows.reason IS 'What failed, in words (the column, the check and the value).';
COMMENT ON COLUMN rejected_rows.row_json IS 'The rejected row as JSON.';

CREATE TABLE IF NOT EXISTS etl_run (
    run_id VARCHAR NOT NULL,
    flow_run_id VARCHAR,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    input_dir VARCHAR,
    files_seen INTEGER,
    files_new INTEGER,
    files_changed INTEGER,
    files_unchanged INTEGER,
    files_rejected INTEGER,
    files_missing INTEGER,
    rows_written JSON,
    stage_seconds JSON
);
COMMENT ON TABLE etl_run IS 'One row per ingest run: what it saw and wrote, and how long each stage took.';
COMMENT ON COLUMN etl_run.run_id IS 'Run identifier (UUID).';
COMMENT ON COLUMN etl_run.flow_run_id IS 'Prefect flow run id, when run as a flow.';
COMMENT ON COLUMN etl_run.started_at IS 'Start (UTC).';
COMMENT ON COLUMN etl_run.finished_at IS 'End (UTC).';
COMMENT ON COLUMN etl_run.status IS 'success, or failed: a run that failed after taking its working copy published nothing and left this row (best effort) with the counts of the batches it finished and rows_written {}; a run stopped by Ctrl-C or SIGTERM, killed, or failing on a damaged or busy warehouse leaves none.';
COMMENT ON COLUMN etl_run.input_dir IS 'The folder read.';
COMMENT ON COLUMN etl_run.files_seen IS 'Files found.';
COMMENT ON COLUMN etl_run.files_new IS 'Paths never read before.';
COMMENT ON COLUMN etl_run.files_changed IS 'Known paths whose content changed (their article is replaced).';
COMMENT ON COLUMN etl_run.files_unchanged IS 'Known paths with the same content (skipped without extraction).';
COMMENT ON COLUMN etl_run.files_rejected IS 'Files that could not be loaded (see rejected_rows).';
COMMENT ON COLUMN etl_run.files_missing IS 'Known paths no longer present (their facts are kept).';
COMMENT ON COLUMN etl_run.rows_written IS 'JSON object: rows inserted per table.';
COMMENT ON COLUMN etl_run.stage_seconds IS 'JSON object: seconds per stage (read, clean, segment, extract, validate, load).';

CREATE TABLE IF NOT EXISTS visit_event_build (
    inputs_fingerprint VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    events INTEGER NOT NULL
);
COMMENT ON TABLE visit_event_build IS 'The last rebuild of the visit events: a run whose inputs (mentions, their articles, findings, the register, the merge rule''s version) are unchanged skips the rebuild.';
COMMENT ON COLUMN visit_event_build.inputs_fingerprint IS 'Row counts and hashes of everything the events are computed from.';
COMMENT ON COLUMN visit_event_build.run_id IS 'The run that rebuilt them (etl_run.run_id).';
COMMENT ON COLUMN visit_event_build.finished_at IS 'When the rebuild was written (UTC).';
COMMENT ON COLUMN visit_event_build.events IS 'Rows written to dim_visit_event.';

CREATE TABLE IF NOT EXISTS dq_run (
    dq_run_id VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    expectations INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    is_success BOOLEAN NOT NULL,
    report_path VARCHAR
);
COMMENT ON TABLE dq_run IS 'One row per data-quality run (the quality flow, after every ingest or on its own).';
COMMENT ON COLUMN dq_run.dq_run_id IS 'Run identifier (UUID).';
COMMENT ON COLUMN dq_run.started_at IS 'Start (UTC).';
COMMENT ON COLUMN dq_run.finished_at IS 'End (UTC).';
COMMENT ON COLUMN dq_run.expectations IS 'Expectations evaluated.';
COMMENT ON COLUMN dq_run.failed IS 'Expectations that failed.';
COMMENT ON COLUMN dq_run.is_success IS 'True when every expectation passed.';
COMMENT ON COLUMN dq_run.report_path IS 'The HTML report written by the run.';

CREATE TABLE IF NOT EXISTS dq_result (
    dq_run_id VARCHAR NOT NULL,
    suite VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    expectation VARCHAR NOT NULL,
    column_name VARCHAR,
    is_success BOOLEAN NOT NULL,
    observed_value VARCHAR,
    unexpected_count BIGINT,
    failing_examples JSON
);
COMMENT ON TABLE dq_result IS 'One row per expectation per data-quality run, so quality can be queried over time.';
COMMENT ON COLUMN dq_result.dq_run_id IS 'The run (dq_run.dq_run_id).';
COMMENT ON COLUMN dq_result.suite IS 'Great Expectations suite (warehouse/expectations/<suite>.json, or row_counts).';
COMMENT ON COLUMN dq_result.table_name IS 'The table checked.';
COMMENT ON COLUMN dq_result.expectation IS 'Expectation type (expect_column_values_to_be_unique, ...).';
COMMENT ON COLUMN dq_result.column_name IS 'Column checked; null for table-level expectations.';
COMMENT ON COLUMN dq_result.is_success IS 'Whether the expectation held.';
COMMENT ON COLUMN dq_result.observed_value IS 'What was observed (row count, share unexpected), as text.';
COMMENT ON COLUMN dq_result.unexpected_count IS 'Rows that broke the expectation.';
COMMENT ON COLUMN dq_result.failing_examples IS 'JSON list of up to 20 failing rows (their keys and values).';
