-- Schema version 2: visits checked against the register of inspections; data-quality results.
-- Visits loaded before this version keep a null rating_check until their article is extracted again.
ALTER TABLE fct_visit ADD COLUMN IF NOT EXISTS rating_check VARCHAR;
CREATE TABLE IF NOT EXISTS dq_run (
    dq_run_id VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    expectations INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    is_success BOOLEAN NOT NULL,
    report_path VARCHAR
);
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
