CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER NOT NULL,
    migration VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL,
    how VARCHAR NOT NULL
);
COMMENT ON TABLE schema_version IS 'The schema versions this warehouse has been through, one row per migration (warehouse/migrations/NNN_*.sql); max(version) is its version. A run refuses a warehouse newer than it knows.';
COMMENT ON COLUMN schema_version.version IS 'The version the migration brings the schema to (its file''s number).';
COMMENT ON COLUMN schema_version.migration IS 'The migration''s file name.';
COMMENT ON COLUMN schema_version.applied_at IS 'When it was recorded (UTC).';
COMMENT ON COLUMN schema_version.how IS 'migrated (its SQL ran on an older warehouse) or created (the warehouse was created at a later version, so the DDL already included it).';
