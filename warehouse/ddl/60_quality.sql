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
    failing_examples VARCHAR
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
