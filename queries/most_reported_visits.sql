-- Which visits were reported most widely?
-- Visit events by the number of articles and publishers that told of them, with the first and last
-- report dates and the themes their reports criticised.
SELECT la.la_name, e.visit_type, e.visit_ordinal, e.event_date, e.article_count, e.publisher_count,
       e.first_report_date, e.last_report_date,
       (SELECT list(DISTINCT f.theme ORDER BY f.theme) FROM fct_visit_event_finding f
        WHERE f.visit_event_key = e.visit_event_key AND f.polarity = 'negative') AS criticised_themes,
       e.source_files
FROM dim_visit_event e
JOIN dim_local_authority la USING (la_key)
ORDER BY e.article_count DESC, e.publisher_count DESC, e.event_date DESC NULLS LAST, la.la_name
LIMIT 20;
