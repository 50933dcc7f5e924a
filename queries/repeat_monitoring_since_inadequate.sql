-- Which authorities have had three or more monitoring visits since their latest inadequate judgement?
-- Counts visit events (not articles) dated after the last day of the latest full inspection in the
-- register that judged the authority inadequate, and says whether a later grade has replaced it.
WITH inadequate AS (
    SELECT la_key, max(coalesce(inspection_end_date, publication_date)) AS judged_on
    FROM fct_inspection
    WHERE overall_effectiveness = 'inadequate' AND la_key IS NOT NULL
    GROUP BY la_key
)
SELECT authority.la_name, inadequate.judged_on AS inadequate_judged_on,
       count(*) AS monitoring_visits_since,
       max(visit_event.visit_ordinal) AS highest_ordinal_stated,
       max(visit_event.event_date) AS latest_visit_date,
       latest.latest_grade AS grade_now
FROM inadequate
JOIN dim_visit_event AS visit_event
    ON visit_event.la_key = inadequate.la_key AND visit_event.visit_type = 'monitoring_visit'
   AND visit_event.event_date > inadequate.judged_on
JOIN dim_local_authority AS authority ON authority.la_key = inadequate.la_key
JOIN mart_authority_latest AS latest ON latest.la_key = inadequate.la_key
GROUP BY authority.la_name, inadequate.judged_on, latest.latest_grade
HAVING count(*) >= 3
ORDER BY monitoring_visits_since DESC, authority.la_name;
