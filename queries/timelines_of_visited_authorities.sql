-- What happened, in order, at each authority the news reports a visit to?
-- mart_authority_timeline for every authority with at least one visit event: the register's full
-- inspections with their grades and the visit events with their reports and findings.
SELECT timeline.la_name, timeline.entry_no, timeline.entry_date, timeline.entry_kind, timeline.visit_type, timeline.visit_ordinal,
       timeline.grade, timeline.stated_rating, timeline.report_count, timeline.months_since_inspection, timeline.positive_themes,
       timeline.negative_themes
FROM mart_authority_timeline AS timeline
WHERE timeline.la_key IN (SELECT la_key FROM dim_visit_event)
ORDER BY timeline.la_name, timeline.entry_no;
