-- Which authorities rated inadequate or requires improvement have been visited since, and what was criticised?
-- From mart_authority_latest: the latest graded inspection, the visits since it and the most criticised
-- themes in them; authorities with visits since come first.
SELECT la_name, region_name, latest_grade, latest_inspection_date, monitoring_visits_since, visit_events_since,
       latest_visit_type, latest_visit_date, latest_visit_ordinal, most_criticised_themes_since
FROM mart_authority_latest
WHERE latest_grade IN ('inadequate', 'requires_improvement')
ORDER BY visit_events_since DESC, latest_grade, latest_inspection_date, la_name;
