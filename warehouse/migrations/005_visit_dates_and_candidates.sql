-- Schema version 5: when inspectors were on site (fct_visit.visit_year, visit_month and the span
-- that dates them) and the candidates visits are drawn from (staging.stg_visit_candidate, made by
-- the DDL). Null for articles loaded before; a changed or new article fills them.
ALTER TABLE fct_visit ADD COLUMN IF NOT EXISTS visit_year INTEGER;
ALTER TABLE fct_visit ADD COLUMN IF NOT EXISTS visit_month INTEGER;
ALTER TABLE fct_visit ADD COLUMN IF NOT EXISTS visit_date_evidence_start INTEGER;
ALTER TABLE fct_visit ADD COLUMN IF NOT EXISTS visit_date_evidence_end INTEGER;
