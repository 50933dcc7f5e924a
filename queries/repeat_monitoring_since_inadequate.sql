-- Which authorities have had three or more monitoring visits since their latest inadequate judgement?
-- Counts visit events (not articles) dated after the last day of the latest full inspection in the
-- register that judged the authority inadequate, and says whether a later grade has replaced it.
WITH inadequate AS (
    SELECT la_key, max(coalesce(inspection_end_date, publication_date)) AS judged_on
    FROM fct_inspection
    WHERE overall_effectiveness = 'inadequate' AND la_key IS NOT NULL
    GROUP BY la_key
)
SELECT la.la_name, i.judged_on AS inadequate_judged_on,
       count(*) AS monitoring_visits_since,
       max(e.visit_ordinal) AS highest_ordinal_stated,
       max(e.event_date) AS latest_visit_date,
       l.latest_grade AS grade_now
FROM inadequate i
JOIN dim_visit_event e ON e.la_key = i.la_key AND e.visit_type = 'monitoring_visit' AND e.event_date > i.judged_on
JOIN dim_local_authority la ON la.la_key = i.la_key
JOIN v_authority_latest l ON l.la_key = i.la_key
GROUP BY la.la_name, i.judged_on, l.latest_grade
HAVING count(*) >= 3
ORDER BY monitoring_visits_since DESC, la.la_name;
