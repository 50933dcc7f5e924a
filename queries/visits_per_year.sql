-- How many visits did Ofsted make each year, by type, and how many articles told of them?
-- Counts visit events (real visits) against mentions (articles x authorities): the gap is the
-- double counting a per-article count would make. Undated events form their own row (year null).
SELECT year(e.event_date) AS visit_year, e.visit_type,
       count(*) AS visit_events,
       sum(e.article_count) AS mentions,
       round(sum(e.article_count) / count(*), 2) AS reports_per_visit,
       count(*) FILTER (WHERE e.article_count > 1) AS events_with_several_reports
FROM dim_visit_event e
GROUP BY ALL
ORDER BY visit_year NULLS LAST, e.visit_type;
