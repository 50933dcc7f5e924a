-- Marts over the dimensions and facts: what analysts query first. Each is a view, so it is never
-- out of date with the tables it reads. Aliases name the entity a table holds (authority, article,
-- visit_event, ...); the deprecated v_* names are in 59_deprecated_view_aliases.sql.

CREATE OR REPLACE VIEW mart_theme_summary AS
SELECT
    authority.la_name,
    finding.theme,
    count(*) FILTER (WHERE finding.polarity = 'positive') AS positive_findings,
    count(*) FILTER (WHERE finding.polarity = 'negative') AS negative_findings,
    count(DISTINCT finding.article_key) AS articles,
    list(DISTINCT article.source_file ORDER BY article.source_file) AS source_files
FROM fct_finding AS finding
JOIN dim_local_authority AS authority USING (la_key)
JOIN dim_article AS article USING (article_key)
WHERE finding.is_inspection_finding
GROUP BY authority.la_name, finding.theme;
COMMENT ON VIEW mart_theme_summary IS 'Per authority and theme: how many inspection findings were positive and negative, and the articles they came from.';
COMMENT ON COLUMN mart_theme_summary.la_name IS 'Canonical authority name.';
COMMENT ON COLUMN mart_theme_summary.theme IS 'Theme key (dim_theme.theme).';
COMMENT ON COLUMN mart_theme_summary.positive_findings IS 'Findings of praise.';
COMMENT ON COLUMN mart_theme_summary.negative_findings IS 'Findings of criticism.';
COMMENT ON COLUMN mart_theme_summary.articles IS 'Distinct articles the findings came from.';
COMMENT ON COLUMN mart_theme_summary.source_files IS 'Their file names.';

CREATE OR REPLACE VIEW mart_authority_timeline AS
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
    SELECT inspection.la_key, coalesce(inspection.inspection_end_date, inspection.publication_date) AS entry_date,
           'full_inspection' AS entry_kind, inspection.inspection_key AS entry_key, 'inspection' AS visit_type,
           CAST(NULL AS INTEGER) AS visit_ordinal, inspection.framework, inspection.overall_effectiveness AS grade,
           CAST(NULL AS VARCHAR) AS stated_rating, inspection.publication_date,
           CAST(NULL AS DATE) AS first_report_date, CAST(NULL AS INTEGER) AS report_count,
           CAST(NULL AS VARCHAR) AS follows_inspection_key, CAST(NULL AS INTEGER) AS months_since_inspection,
           CAST(NULL AS BIGINT) AS positive_themes, CAST(NULL AS BIGINT) AS negative_themes,
           CAST(NULL AS STRUCT(theme VARCHAR, positive_reports BIGINT, negative_reports BIGINT)[]) AS findings_by_theme
    FROM fct_inspection AS inspection
    WHERE inspection.la_key IS NOT NULL
    UNION ALL
    SELECT visit_event.la_key, visit_event.event_date, 'visit_event', visit_event.visit_event_key, visit_event.visit_type,
           visit_event.visit_ordinal, NULL, NULL, visit_event.rating, NULL, visit_event.first_report_date,
           visit_event.article_count, visit_event.inspection_key, visit_event.months_since_inspection,
           coalesce(by_event.positive_themes, 0), coalesce(by_event.negative_themes, 0), coalesce(by_event.findings_by_theme, [])
    FROM dim_visit_event AS visit_event
    LEFT JOIN by_event USING (visit_event_key)
)
SELECT authority.la_name, entries.la_key,
       row_number() OVER (PARTITION BY entries.la_key ORDER BY entries.entry_date NULLS LAST, entries.entry_kind, entries.entry_key) AS entry_no,
       entries.entry_date, entries.entry_kind, entries.entry_key, entries.visit_type, entries.visit_ordinal, entries.framework,
       entries.grade, entries.stated_rating, entries.publication_date, entries.first_report_date, entries.report_count,
       entries.follows_inspection_key, entries.months_since_inspection, entries.positive_themes, entries.negative_themes,
       entries.findings_by_theme
FROM entries
JOIN dim_local_authority AS authority USING (la_key);
COMMENT ON VIEW mart_authority_timeline IS 'Per authority, in date order: the register''s full inspections with their grades and the visit events (dim_visit_event) with type, ordinal, date, number of reports and the themes their inspectors praised and criticised. Undated events come last.';
COMMENT ON COLUMN mart_authority_timeline.la_name IS 'Canonical authority name.';
COMMENT ON COLUMN mart_authority_timeline.la_key IS 'The authority (dim_local_authority).';
COMMENT ON COLUMN mart_authority_timeline.entry_no IS 'Position in the authority''s timeline, 1 = earliest.';
COMMENT ON COLUMN mart_authority_timeline.entry_date IS 'Inspections: last day on site (publication date where the register has none). Visit events: dim_visit_event.event_date (visit month, else first report). Null for undated events.';
COMMENT ON COLUMN mart_authority_timeline.entry_kind IS 'full_inspection (fct_inspection) or visit_event (dim_visit_event).';
COMMENT ON COLUMN mart_authority_timeline.entry_key IS 'inspection_key or visit_event_key.';
COMMENT ON COLUMN mart_authority_timeline.visit_type IS 'inspection for the register''s rows; the event''s visit type otherwise (an event of type inspection is a news report of one).';
COMMENT ON COLUMN mart_authority_timeline.visit_ordinal IS 'Which visit of its kind the event is, as its reports state; null for inspections and when unstated.';
COMMENT ON COLUMN mart_authority_timeline.framework IS 'Inspection framework (SIF, ILACS standard, ...); null for visit events.';
COMMENT ON COLUMN mart_authority_timeline.grade IS 'The register''s overall effectiveness judgement; null for visit events (they are not graded).';
COMMENT ON COLUMN mart_authority_timeline.stated_rating IS 'Visit events: the authority''s judgement as their reports state it (dim_visit_event.rating); null for inspections.';
COMMENT ON COLUMN mart_authority_timeline.publication_date IS 'Inspections: the report''s publication date; null for visit events.';
COMMENT ON COLUMN mart_authority_timeline.first_report_date IS 'Visit events: publication date of the earliest dated article; null for inspections.';
COMMENT ON COLUMN mart_authority_timeline.report_count IS 'Visit events: articles reporting it; null for inspections.';
COMMENT ON COLUMN mart_authority_timeline.follows_inspection_key IS 'Visit events: the full inspection they follow (dim_visit_event.inspection_key).';
COMMENT ON COLUMN mart_authority_timeline.months_since_inspection IS 'Visit events: calendar months since that inspection ended.';
COMMENT ON COLUMN mart_authority_timeline.positive_themes IS 'Visit events: themes inspectors praised (fct_visit_event_finding); null for inspections.';
COMMENT ON COLUMN mart_authority_timeline.negative_themes IS 'Visit events: themes inspectors criticised; null for inspections.';
COMMENT ON COLUMN mart_authority_timeline.findings_by_theme IS 'Visit events: per theme, how many of its reports praise it (positive_reports) and criticise it (negative_reports); empty when none report a finding.';

CREATE OR REPLACE VIEW mart_authority_latest AS
WITH graded AS (
    SELECT la_key, inspection_key, overall_effectiveness, publication_date,
           coalesce(inspection_end_date, publication_date) AS ended,
           row_number() OVER (PARTITION BY la_key ORDER BY coalesce(inspection_end_date, publication_date) DESC, inspection_key) AS recency
    FROM fct_inspection
    WHERE la_key IS NOT NULL AND overall_effectiveness IS NOT NULL AND coalesce(inspection_end_date, publication_date) IS NOT NULL
),
latest AS (SELECT * FROM graded WHERE recency = 1),
since AS (
    SELECT visit_event.*
    FROM dim_visit_event AS visit_event
    LEFT JOIN latest USING (la_key)
    WHERE visit_event.event_date IS NOT NULL AND (latest.ended IS NULL OR visit_event.event_date > latest.ended)
),
latest_visit AS (
    SELECT *, row_number() OVER (PARTITION BY la_key ORDER BY event_date DESC NULLS LAST, first_report_date DESC NULLS LAST, visit_event_key) AS recency
    FROM dim_visit_event
),
criticised AS (
    SELECT since.la_key, event_finding.theme, sum(event_finding.article_count) AS negative_reports
    FROM since
    JOIN fct_visit_event_finding AS event_finding USING (visit_event_key)
    WHERE event_finding.polarity = 'negative'
    GROUP BY since.la_key, event_finding.theme
),
most_criticised AS (
    SELECT la_key, list(theme ORDER BY negative_reports DESC, theme)[1:3] AS themes
    FROM criticised
    GROUP BY la_key
),
counts AS (
    SELECT la_key, count(*) AS visit_events_since,
           count(*) FILTER (WHERE visit_type = 'monitoring_visit') AS monitoring_visits_since
    FROM since
    GROUP BY la_key
)
SELECT authority.la_name, authority.la_key, authority.region_name,
       latest.overall_effectiveness AS latest_grade, latest.ended AS latest_inspection_date,
       latest.publication_date AS latest_inspection_published, latest.inspection_key AS latest_inspection_key,
       coalesce(counts.monitoring_visits_since, 0) AS monitoring_visits_since,
       coalesce(counts.visit_events_since, 0) AS visit_events_since,
       latest_visit.visit_event_key AS latest_visit_event_key, latest_visit.visit_type AS latest_visit_type,
       latest_visit.event_date AS latest_visit_date, latest_visit.visit_ordinal AS latest_visit_ordinal,
       latest_visit.article_count AS latest_visit_reports,
       most_criticised.themes AS most_criticised_themes_since
FROM dim_local_authority AS authority
LEFT JOIN latest ON latest.la_key = authority.la_key
LEFT JOIN counts ON counts.la_key = authority.la_key
LEFT JOIN latest_visit ON latest_visit.la_key = authority.la_key AND latest_visit.recency = 1
LEFT JOIN most_criticised ON most_criticised.la_key = authority.la_key;
COMMENT ON VIEW mart_authority_latest IS 'Per authority: its latest graded full inspection, the visit events since (dated after that inspection ended; undated events are not counted), the themes most criticised in them, and its latest visit event whenever it was.';
COMMENT ON COLUMN mart_authority_latest.la_name IS 'Canonical authority name.';
COMMENT ON COLUMN mart_authority_latest.la_key IS 'The authority (dim_local_authority).';
COMMENT ON COLUMN mart_authority_latest.region_name IS 'English region.';
COMMENT ON COLUMN mart_authority_latest.latest_grade IS 'Overall effectiveness of its latest graded full inspection in the register (fct_inspection); null when it has none.';
COMMENT ON COLUMN mart_authority_latest.latest_inspection_date IS 'Last day of that inspection (publication date where the register has none).';
COMMENT ON COLUMN mart_authority_latest.latest_inspection_published IS 'Publication date of that inspection''s report.';
COMMENT ON COLUMN mart_authority_latest.latest_inspection_key IS 'That inspection (fct_inspection).';
COMMENT ON COLUMN mart_authority_latest.monitoring_visits_since IS 'Monitoring-visit events dated after that inspection (all dated events when it has none).';
COMMENT ON COLUMN mart_authority_latest.visit_events_since IS 'Visit events of any type dated after that inspection.';
COMMENT ON COLUMN mart_authority_latest.latest_visit_event_key IS 'Its most recent visit event (dim_visit_event), before or since that inspection; an undated one only when none is dated; null when it has none.';
COMMENT ON COLUMN mart_authority_latest.latest_visit_type IS 'Its visit type.';
COMMENT ON COLUMN mart_authority_latest.latest_visit_date IS 'Its date (dim_visit_event.event_date).';
COMMENT ON COLUMN mart_authority_latest.latest_visit_ordinal IS 'Its ordinal, as its reports state it.';
COMMENT ON COLUMN mart_authority_latest.latest_visit_reports IS 'How many articles report it.';
COMMENT ON COLUMN mart_authority_latest.most_criticised_themes_since IS 'Up to three themes with the most reports of criticism across the events since that inspection, most first (ties by name); null when none.';
