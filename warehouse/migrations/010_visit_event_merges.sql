-- Schema version 10: reports of one visit merge across a defaulted visit type, and each event says
-- why. fct_visit gains defaulted_fields (the fields set by a default rule rather than stated; null
-- for visits loaded before this version until their article is extracted again); dim_visit_event
-- gains merge_basis (how each report joined its event). dim_visit_event is rebuilt whole after
-- every run, so its new column fills at the next one.
ALTER TABLE fct_visit ADD COLUMN IF NOT EXISTS defaulted_fields VARCHAR[];
ALTER TABLE IF EXISTS dim_visit_event ADD COLUMN IF NOT EXISTS merge_basis JSON;
