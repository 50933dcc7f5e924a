-- Visit events: the real-world visits the mentions in fct_visit report (transforms/visit_events.py).
-- Rebuilt over the whole warehouse after every run, so the same articles give the same events and
-- keys whatever order or run they arrived in.

CREATE TABLE IF NOT EXISTS dim_visit_event (
    visit_event_key VARCHAR NOT NULL,
    la_key VARCHAR NOT NULL,
    visit_type VARCHAR NOT NULL,
    visit_ordinal INTEGER,
    visit_year INTEGER,
    visit_month INTEGER,
    event_date DATE,
    event_date_basis VARCHAR,
    rating VARCHAR,
    rating_year INTEGER,
    rating_month INTEGER,
    first_report_date DATE,
    last_report_date DATE,
    article_count INTEGER NOT NULL,
    undated_article_count INTEGER NOT NULL,
    publisher_count INTEGER NOT NULL,
    article_keys VARCHAR[] NOT NULL,
    source_files VARCHAR[] NOT NULL,
    inspection_key VARCHAR,
    inspection_end_date DATE,
    months_since_inspection INTEGER,
    key_basis VARCHAR NOT NULL,
    conflicts JSON,
    merge_basis JSON
);
COMMENT ON TABLE dim_visit_event IS 'One row per real-world visit, however many articles report it: fct_visit rows (mentions) with the same visit_event_key tell of the same visit. Merge rule and keys: README, "Visit events".';
COMMENT ON COLUMN dim_visit_event.visit_event_key IS 'Surrogate key: hash of (authority, visit type, the strongest natural key: ordinal and the inspection followed, else visit month, else first report date, else the only article); see key_basis.';
COMMENT ON COLUMN dim_visit_event.la_key IS 'The visited authority (dim_local_authority).';
COMMENT ON COLUMN dim_visit_event.visit_type IS 'monitoring_visit, focused_visit, focused_assurance_visit or inspection: the type its reports state (they never state two); the default only when none states one.';
COMMENT ON COLUMN dim_visit_event.visit_ordinal IS 'Which visit of its kind since the last judgement, as the reports state it (they never disagree within an event); null if none states it.';
COMMENT ON COLUMN dim_visit_event.visit_year IS 'Year the inspectors were on site, as the reports state it; null if none does.';
COMMENT ON COLUMN dim_visit_event.visit_month IS 'Month (1-12) the inspectors were on site; null if no report states it.';
COMMENT ON COLUMN dim_visit_event.event_date IS 'The date the event is placed at: the first day of its visit month, else its first report date, else 1 January of its visit year; null when nothing dates it.';
COMMENT ON COLUMN dim_visit_event.event_date_basis IS 'What event_date comes from: visit_month, first_report or visit_year.';
COMMENT ON COLUMN dim_visit_event.rating IS 'The authority''s overall judgement the reports state, the value most of them give (ties: the earliest report); see conflicts.';
COMMENT ON COLUMN dim_visit_event.rating_year IS 'Year of that judgement as the reports state it (most reports; ties: the earliest).';
COMMENT ON COLUMN dim_visit_event.rating_month IS 'Month (1-12) of that judgement as the reports state it (most reports; ties: the earliest).';
COMMENT ON COLUMN dim_visit_event.first_report_date IS 'Publication date of the earliest dated report; null when every report is undated.';
COMMENT ON COLUMN dim_visit_event.last_report_date IS 'Publication date of the latest dated report.';
COMMENT ON COLUMN dim_visit_event.article_count IS 'Articles reporting the event.';
COMMENT ON COLUMN dim_visit_event.undated_article_count IS 'Of those, articles without a publication date (placed by the ordinal or visit month they state).';
COMMENT ON COLUMN dim_visit_event.publisher_count IS 'Distinct publishers named by its articles (articles naming none are not counted).';
COMMENT ON COLUMN dim_visit_event.article_keys IS 'Its articles (dim_article), earliest report first, undated last.';
COMMENT ON COLUMN dim_visit_event.source_files IS 'Their file names, in the same order.';
COMMENT ON COLUMN dim_visit_event.inspection_key IS 'The full inspection the visit follows (fct_inspection): the authority''s latest one that ended before event_date; null when none did or the event is undated. For a full inspection (visit_type inspection): the register row of that very inspection (a start, end or publication in the stated month or year, or, undated, one that ended within 240 days before the first report); null when the register does not hold it yet.';
COMMENT ON COLUMN dim_visit_event.inspection_end_date IS 'Last day of that inspection (its publication date where the register gives no end date).';
COMMENT ON COLUMN dim_visit_event.months_since_inspection IS 'Calendar months from that inspection''s end to event_date; null for a full inspection, which is that inspection.';
COMMENT ON COLUMN dim_visit_event.key_basis IS 'Which natural key the visit_event_key hashes: ordinal, visit_month, first_report or article.';
COMMENT ON COLUMN dim_visit_event.conflicts IS 'JSON object: for each field its reports disagree on (rating, rating_year, rating_month, visit_year, visit_month, visit_ordinal, visit_type), each value stated and the files that state it; under "defaulted", the defaulted values that gave way to a stated one ({"visit_type": {"focused_visit": [files]}}); null when they agree.';
COMMENT ON COLUMN dim_visit_event.merge_basis IS 'JSON object: for each report after the first (by file), why it joined the event: "shared ordinal", "shared visit_month", "shared judgement" (of a full inspection), "reported within 45 days", or "visit month within 120 days before the first report"; null for an event of one report.';

CREATE TABLE IF NOT EXISTS fct_visit_event_finding (
    visit_event_finding_key VARCHAR NOT NULL,
    visit_event_key VARCHAR NOT NULL,
    la_key VARCHAR NOT NULL,
    theme VARCHAR NOT NULL,
    polarity VARCHAR NOT NULL,
    article_count INTEGER NOT NULL,
    finding_count INTEGER NOT NULL,
    article_keys VARCHAR[] NOT NULL,
    source_files VARCHAR[] NOT NULL
);
COMMENT ON TABLE fct_visit_event_finding IS 'What inspectors found on each visit event, from all its reports: one row per (event, theme, polarity). Counts fct_finding rows with is_inspection_finding about the event''s authority.';
COMMENT ON COLUMN fct_visit_event_finding.visit_event_finding_key IS 'Surrogate key: hash of (visit_event_key, theme, polarity).';
COMMENT ON COLUMN fct_visit_event_finding.visit_event_key IS 'The visit event (dim_visit_event).';
COMMENT ON COLUMN fct_visit_event_finding.la_key IS 'The visited authority (dim_local_authority).';
COMMENT ON COLUMN fct_visit_event_finding.theme IS 'Theme key (dim_theme.theme).';
COMMENT ON COLUMN fct_visit_event_finding.polarity IS 'positive (praise) or negative (criticism).';
COMMENT ON COLUMN fct_visit_event_finding.article_count IS 'How many of the event''s articles report a finding of this theme and polarity.';
COMMENT ON COLUMN fct_visit_event_finding.finding_count IS 'How many such sentences they hold between them (fct_finding rows).';
COMMENT ON COLUMN fct_visit_event_finding.article_keys IS 'The articles that report it (dim_article).';
COMMENT ON COLUMN fct_visit_event_finding.source_files IS 'Their file names.';
