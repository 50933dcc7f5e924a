-- Schema version 6: where an article came from and what its page said about itself (web pages,
-- feeds, PDF letters). Null for articles loaded before.
ALTER TABLE dim_article ADD COLUMN IF NOT EXISTS url VARCHAR;
ALTER TABLE dim_article ADD COLUMN IF NOT EXISTS canonical_url VARCHAR;
ALTER TABLE dim_article ADD COLUMN IF NOT EXISTS author VARCHAR;
ALTER TABLE dim_article ADD COLUMN IF NOT EXISTS metadata_source VARCHAR;
