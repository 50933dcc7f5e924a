-- Deprecated aliases: the marts' names before schema version 8 (v_theme_summary, v_authority_timeline,
-- v_authority_latest). Each is a thin view over its mart, kept so analysts' saved SQL and exports
-- that name them keep working; new SQL should name the mart_* views (50_marts.sql).

CREATE OR REPLACE VIEW v_theme_summary AS SELECT * FROM mart_theme_summary;
COMMENT ON VIEW v_theme_summary IS 'Deprecated alias of mart_theme_summary, kept so saved SQL naming v_theme_summary keeps working: query mart_theme_summary.';
COMMENT ON COLUMN v_theme_summary.la_name IS 'Canonical authority name.';
COMMENT ON COLUMN v_theme_summary.theme IS 'Theme key (dim_theme.theme).';
COMMENT ON COLUMN v_theme_summary.positive_findings IS 'Findings of praise.';
COMMENT ON COLUMN v_theme_summary.negative_findings IS 'Findings of criticism.';
COMMENT ON COLUMN v_theme_summary.articles IS 'Distinct articles the findings came from.';
COMMENT ON COLUMN v_theme_summary.source_files IS 'Their file names.';

CREATE OR REPLACE VIEW v_authority_timeline AS SELECT * FROM mart_authority_timeline;
COMMENT ON VIEW v_authority_timeline IS 'Deprecated alias of mart_authority_timeline, kept so saved SQL naming v_authority_timeline keeps working: query mart_authority_timeline.';
COMMENT ON COLUMN v_authority_timeline.la_name IS 'Canonical authority name.';
COMMENT ON COLUMN v_authority_timeline.la_key IS 'The authority (dim_local_authority).';
COMMENT ON COLUMN v_authority_timeline.entry_no IS 'Position in the authority''s timeline, 1 = earliest.';
COMMENT ON COLUMN v_authority_timeline.entry_date IS 'Inspections: last day on site (publication date where the register has none). Visit events: dim_visit_event.event_date (visit month, else first report). Null for undated events.';
COMMENT ON COLUMN v_authority_timeline.entry_kind IS 'full_inspection (fct_inspection) or visit_event (dim_visit_event).';
COMMENT ON COLUMN v_authority_timeline.entry_key IS 'inspection_key or visit_event_key.';
COMMENT ON COLUMN v_authority_timeline.visit_type IS 'inspection for the register''s rows; the event''s visit type otherwise (an event of type inspection is a news report of one).';
COMMENT ON COLUMN v_authority_timeline.visit_ordinal IS 'Which visit of its kind the event is, as its reports state; null for inspections and when unstated.';
COMMENT ON COLUMN v_authority_timeline.framework IS 'Inspection framework (SIF, ILACS standard, ...); null for visit events.';
COMMENT ON COLUMN v_authority_timeline.grade IS 'The register''s overall effectiveness judgement; null for visit events (they are not graded).';
COMMENT ON COLUMN v_authority_timeline.stated_rating IS 'Visit events: the authority''s judgement as their reports state it (dim_visit_event.rating); null for inspections.';
COMMENT ON COLUMN v_authority_timeline.publication_date IS 'Inspections: the report''s publication date; null for visit events.';
COMMENT ON COLUMN v_authority_timeline.first_report_date IS 'Visit events: publication date of the earliest dated article; null for inspections.';
COMMENT ON COLUMN v_authority_timeline.report_count IS 'Visit events: articles reporting it; null for inspections.';
COMMENT ON COLUMN v_authority_timeline.follows_inspection_key IS 'Visit events: the full inspection they follow (dim_visit_event.inspection_key).';
COMMENT ON COLUMN v_authority_timeline.months_since_inspection IS 'Visit events: calendar months since that inspection ended.';
COMMENT ON COLUMN v_authority_timeline.positive_themes IS 'Visit events: themes inspectors praised (fct_visit_event_finding); null for inspections.';
COMMENT ON COLUMN v_authority_timeline.negative_themes IS 'Visit events: themes inspectors criticised; null for inspections.';
COMMENT ON COLUMN v_authority_timeline.findings_by_theme IS 'Visit events: per theme, how many of its reports praise it (positive_reports) and criticise it (negative_reports); empty when none report a finding.';

CREATE OR REPLACE VIEW v_authority_latest AS SELECT * FROM mart_authority_latest;
COMMENT ON VIEW v_authority_latest IS 'Deprecated alias of mart_authority_latest, kept so saved SQL naming v_authority_latest keeps working: query mart_authority_latest.';
COMMENT ON COLUMN v_authority_latest.la_name IS 'Canonical authority name.';
COMMENT ON COLUMN v_authority_latest.la_key IS 'The authority (dim_local_authority).';
COMMENT ON COLUMN v_authority_latest.region_name IS 'English region.';
COMMENT ON COLUMN v_authority_latest.latest_grade IS 'Overall effectiveness of its latest graded full inspection in the register (fct_inspection); null when it has none.';
COMMENT ON COLUMN v_authority_latest.latest_inspection_date IS 'Last day of that inspection (publication date where the register has none).';
COMMENT ON COLUMN v_authority_latest.latest_inspection_published IS 'Publication date of that inspection''s report.';
COMMENT ON COLUMN v_authority_latest.latest_inspection_key IS 'That inspection (fct_inspection).';
COMMENT ON COLUMN v_authority_latest.monitoring_visits_since IS 'Monitoring-visit events dated after that inspection (all dated events when it has none).';
COMMENT ON COLUMN v_authority_latest.visit_events_since IS 'Visit events of any type dated after that inspection.';
COMMENT ON COLUMN v_authority_latest.latest_visit_event_key IS 'Its most recent visit event (dim_visit_event), before or since that inspection; an undated one only when none is dated; null when it has none.';
COMMENT ON COLUMN v_authority_latest.latest_visit_type IS 'Its visit type.';
COMMENT ON COLUMN v_authority_latest.latest_visit_date IS 'Its date (dim_visit_event.event_date).';
COMMENT ON COLUMN v_authority_latest.latest_visit_ordinal IS 'Its ordinal, as its reports state it.';
COMMENT ON COLUMN v_authority_latest.latest_visit_reports IS 'How many articles report it.';
COMMENT ON COLUMN v_authority_latest.most_criticised_themes_since IS 'Up to three themes with the most reports of criticism across the events since that inspection, most first (ties by name); null when none.';
