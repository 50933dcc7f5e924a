-- Schema version 9: full inspections read as such. fct_visit gains the judgement an inspection
-- replaced (previous_rating, previous_rating_year, previous_rating_month; null for other visit
-- types and for visits loaded before this version until their article is extracted again);
-- fct_judgement (the inspection's judgements by area) and dim_judgement_area (the areas, reference
-- data) are made by the DDL.
ALTER TABLE fct_visit ADD COLUMN IF NOT EXISTS previous_rating VARCHAR;
ALTER TABLE fct_visit ADD COLUMN IF NOT EXISTS previous_rating_year INTEGER;
ALTER TABLE fct_visit ADD COLUMN IF NOT EXISTS previous_rating_month INTEGER;
