-- What happened, in order, at each authority the news reports a visit to?
-- v_authority_timeline for every authority with at least one visit event: the register's full
-- inspections with their grades and the visit events with their reports and findings.
SELECT t.la_name, t.entry_no, t.entry_date, t.entry_kind, t.visit_type, t.visit_ordinal, t.grade, t.stated_rating,
       t.report_count, t.months_since_inspection, t.positive_themes, t.negative_themes
FROM v_authority_timeline t
WHERE t.la_key IN (SELECT la_key FROM dim_visit_event)
ORDER BY t.la_name, t.entry_no;
