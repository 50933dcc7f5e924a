-- How long after an inadequate judgement did the first monitoring visit come?
-- For each inadequate full inspection in the register with at least one dated monitoring-visit event
-- following it (dim_visit_event.inspection_key), the months to the earliest, and how many followed.
SELECT authority.la_name, inspection.framework,
       coalesce(inspection.inspection_end_date, inspection.publication_date) AS inadequate_judged_on,
       min(visit_event.months_since_inspection) AS months_to_first_visit,
       count(*) AS monitoring_visits_reported,
       max(visit_event.visit_ordinal) AS highest_ordinal_stated
FROM fct_inspection AS inspection
JOIN dim_visit_event AS visit_event
    ON visit_event.inspection_key = inspection.inspection_key AND visit_event.visit_type = 'monitoring_visit'
JOIN dim_local_authority AS authority ON authority.la_key = inspection.la_key
WHERE inspection.overall_effectiveness = 'inadequate'
GROUP BY ALL
ORDER BY months_to_first_visit, authority.la_name;
