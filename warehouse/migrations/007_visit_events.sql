-- Schema version 7: each visit mention's real-world visit (dim_visit_event, fct_visit_event_finding and
-- visit_event_build are made by the DDL). Null until the run's event build fills it.
ALTER TABLE fct_visit ADD COLUMN IF NOT EXISTS visit_event_key VARCHAR;
