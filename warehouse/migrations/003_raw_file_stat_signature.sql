-- Schema version 3: each file's stat signature, so an unchanged file is not read again.
-- Null until each file is read again.
ALTER TABLE raw.raw_file ADD COLUMN IF NOT EXISTS stat_signature VARCHAR;
