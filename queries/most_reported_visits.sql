-- Which visits were reported most widely?
-- Visit events by the number of articles and publishers that told of them, with the first and last
-- report dates and the themes their reports criticised.
WITH criticised AS (
    SELECT visit_event_key, list(DISTINCT theme ORDER BY theme) AS criticised_themes
    FROM fct_visit_event_finding
    WHERE polarity = 'negative'
    GROUP BY visit_event_key
)
SELECT authority.la_name, visit_event.visit_type, visit_event.visit_ordinal, visit_event.event_date,
       visit_event.article_count, visit_event.publisher_count, visit_event.first_report_date, visit_event.last_report_date,
       criticised.criticised_themes, visit_event.source_files
FROM dim_visit_event AS visit_event
JOIN dim_local_authority AS authority USING (la_key)
LEFT JOIN criticised USING (visit_event_key)
ORDER BY visit_event.article_count DESC, visit_event.publisher_count DESC, visit_event.event_date DESC NULLS LAST, authority.la_name
LIMIT 20;
