-- Which themes did inspectors criticise most in each year's visits, region by region?
-- Per visit year (of the event's date), region and theme: the visit events with a criticism of the
-- theme and the reports that carry it; the top three themes of each region and year.
WITH criticised AS (
    SELECT year(visit_event.event_date) AS visit_year, authority.region_name, event_finding.theme,
           count(DISTINCT visit_event.visit_event_key) AS visit_events, sum(event_finding.article_count) AS reports
    FROM fct_visit_event_finding AS event_finding
    JOIN dim_visit_event AS visit_event USING (visit_event_key)
    JOIN dim_local_authority AS authority ON authority.la_key = visit_event.la_key
    WHERE event_finding.polarity = 'negative' AND visit_event.event_date IS NOT NULL
    GROUP BY ALL
)
SELECT visit_year, region_name, theme, visit_events, reports
FROM criticised
QUALIFY row_number() OVER (PARTITION BY visit_year, region_name ORDER BY visit_events DESC, reports DESC, theme) <= 3
ORDER BY visit_year, region_name, visit_events DESC, reports DESC, theme;
