-- How long after an inadequate judgement did the first monitoring visit come?
-- For each inadequate full inspection in the register with at least one dated monitoring-visit event
-- following it (dim_visit_event.inspection_key), the months to the earliest, and how many followed.
SELECT la.la_name, i.framework, coalesce(i.inspection_end_date, i.publication_date) AS inadequate_judged_on,
       min(e.months_since_inspection) AS months_to_first_visit,
       count(*) AS monitoring_visits_reported,
       max(e.visit_ordinal) AS highest_ordinal_stated
FROM fct_inspection i
JOIN dim_visit_event e ON e.inspection_key = i.inspection_key AND e.visit_type = 'monitoring_visit'
JOIN dim_local_authority la ON la.la_key = i.la_key
WHERE i.overall_effectiveness = 'inadequate'
GROUP BY ALL
ORDER BY months_to_first_visit, la.la_name;
