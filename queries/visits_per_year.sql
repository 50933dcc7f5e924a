-- How many visits did Ofsted make each year, by type, and how many articles told of them?
-- Counts visit events (real visits) against mentions (articles x authorities): the gap is the
-- double counting a per-article count would make. Undated events form their own row (year null).
SELECT year(visit_event.event_date) AS visit_year, visit_event.visit_type,
       count(*) AS visit_events,
       sum(visit_event.article_count) AS mentions,
       round(sum(visit_event.article_count) / count(*), 2) AS reports_per_visit,
       count(*) FILTER (WHERE visit_event.article_count > 1) AS events_with_several_reports
FROM dim_visit_event AS visit_event
GROUP BY ALL
ORDER BY visit_year NULLS LAST, visit_event.visit_type;
