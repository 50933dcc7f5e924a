-- Analysts' views over visit events and the register of full inspections.
CREATE OR REPLACE VIEW v_authority_timeline AS
WITH theme_counts AS (
    SELECT visit_event_key, theme,
           coalesce(max(article_count) FILTER (WHERE polarity = 'positive'), 0) AS positive_reports,
           coalesce(max(article_count) FILTER (WHERE polarity = 'negative'), 0) AS negative_reports
    FROM fct_visit_event_finding
    GROUP BY visit_event_key, theme
),
by_event AS (
    SELECT visit_event_key,
           count(*) FILTER (WHERE positive_reports > 0) AS positive_themes,
           count(*) FILTER (WHERE negative_reports > 0) AS negative_themes,
           list({'theme': theme, 'positive_reports': positive_reports, 'negative_reports': negative_reports} ORDER BY theme) AS findings_by_theme
    FROM theme_counts
    GROUP BY visit_event_key
),
entries AS (
    SELECT i.la_key, coalesce(i.inspection_end_date, i.publication_date) AS entry_date, 'full_inspection' AS entry_kind,
           i.inspection_key AS entry_key, 'inspection' AS visit_type, CAST(NULL AS INTEGER) AS visit_ordinal, i.framework,
           i.overall_effectiveness AS grade, CAST(NULL AS VARCHAR) AS stated_rating, i.publication_date,
           CAST(NULL AS DATE) AS first_report_date, CAST(NULL AS INTEGER) AS report_count,
           CAST(NULL AS VARCHAR) AS follows_inspection_key, CAST(NULL AS INTEGER) AS months_since_inspection,
           CAST(NULL AS BIGINT) AS positive_themes, CAST(NULL AS BIGINT) AS negative_themes,
           CAST(NULL AS STRUCT(theme VARCHAR, positive_reports BIGINT, negative_reports BIGINT)[]) AS findings_by_theme
    FROM fct_inspection i
    WHERE i.la_key IS NOT NULL
    UNION ALL
    SELECT e.la_key, e.event_date, 'visit_event', e.visit_event_key, e.visit_type, e.visit_ordinal, NULL,
           NULL, e.rating, NULL, e.first_report_date, e.article_count, e.inspection_key, e.months_since_inspection,
           coalesce(b.positive_themes, 0), coalesce(b.negative_themes, 0), coalesce(b.findings_by_theme, [])
    FROM dim_visit_event e LEFT JOIN by_event b USING (visit_event_key)
)
SELECT la.la_name, en.la_key,
       row_number() OVER (PARTITION BY en.la_key ORDER BY en.entry_date NULLS LAST, en.entry_kind, en.entry_key) AS entry_no,
       en.entry_date, en.entry_kind, en.entry_key, en.visit_type, en.visit_ordinal, en.framework, en.grade, en.stated_rating,
       en.publication_date, en.first_report_date, en.report_count, en.follows_inspection_key, en.months_since_inspection,
       en.positive_themes, en.negative_themes, en.findings_by_theme
FROM entries en JOIN dim_local_authority la USING (la_key);
COMMENT ON VIEW v_authority_timeline IS 'Per authority, in date order: the register''s full inspections with their grades and the visit events (dim_visit_event) with type, ordinal, date, number of reports and the themes their inspectors praised and criticised. Undated events come last.';
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

CREATE OR REPLACE VIEW v_authority_latest AS
WITH graded AS (
    SELECT la_key, inspection_key, overall_effectiveness, publication_date,
           coalesce(inspection_end_date, publication_date) AS ended,
           row_number() OVER (PARTITION BY la_key ORDER BY coalesce(inspection_end_date, publication_date) DESC, inspection_key) AS recency
    FROM fct_inspection
    WHERE la_key IS NOT NULL AND overall_effectiveness IS NOT NULL AND coalesce(inspection_end_date, publication_date) IS NOT NULL
),
latest AS (SELECT * FROM graded WHERE recency = 1),
since AS (
    SELECT e.*
    FROM dim_visit_event e LEFT JOIN latest l USING (la_key)
    WHERE e.event_date IS NOT NULL AND (l.ended IS NULL OR e.event_date > l.ended)
),
latest_visit AS (
    SELECT *, row_number() OVER (PARTITION BY la_key ORDER BY event_date DESC NULLS LAST, first_report_date DESC NULLS LAST, visit_event_key) AS recency
    FROM dim_visit_event
),
criticised AS (
    SELECT s.la_key, f.theme, sum(f.article_count) AS negative_reports
    FROM since s JOIN fct_visit_event_finding f USING (visit_event_key)
    WHERE f.polarity = 'negative'
    GROUP BY s.la_key, f.theme
),
counts AS (
    SELECT la_key, count(*) AS visit_events_since,
           count(*) FILTER (WHERE visit_type = 'monitoring_visit') AS monitoring_visits_since
    FROM since GROUP BY la_key
)
SELECT la.la_name, la.la_key, la.region_name,
       l.overall_effectiveness AS latest_grade, l.ended AS latest_inspection_date, l.publication_date AS latest_inspection_published,
       l.inspection_key AS latest_inspection_key,
       coalesce(c.monitoring_visits_since, 0) AS monitoring_visits_since,
       coalesce(c.visit_events_since, 0) AS visit_events_since,
       s.visit_event_key AS latest_visit_event_key, s.visit_type AS latest_visit_type, s.event_date AS latest_visit_date,
       s.visit_ordinal AS latest_visit_ordinal, s.article_count AS latest_visit_reports,
       (SELECT list(theme ORDER BY negative_reports DESC, theme)[1:3] FROM criticised k WHERE k.la_key = la.la_key) AS most_criticised_themes_since
FROM dim_local_authority la
LEFT JOIN latest l USING (la_key)
LEFT JOIN counts c USING (la_key)
LEFT JOIN latest_visit s ON s.la_key = la.la_key AND s.recency = 1;
COMMENT ON VIEW v_authority_latest IS 'Per authority: its latest graded full inspection, the visit events since (dated after that inspection ended; undated events are not counted), the themes most criticised in them, and its latest visit event whenever it was.';
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
