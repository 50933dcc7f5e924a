-- Which councils moved up or down at their latest full inspection, and from what?
-- Each authority's full inspections in date order: the register's (fct_inspection) and, newer than the
-- register's latest, those the news reports (fct_visit of type inspection, with the grade it replaced
-- as the article states it). The latest against the one before: up, down or unchanged, from what.
WITH rank_of(grade, grade_rank) AS (
    VALUES ('outstanding', 1), ('good', 2), ('requires_improvement', 3), ('inadequate', 4)
),
register AS (
    SELECT la_key, coalesce(inspection_end_date, publication_date) AS judged_on, overall_effectiveness AS grade,
           CAST(NULL AS VARCHAR) AS stated_previous, 'register' AS source, framework
    FROM fct_inspection
    WHERE la_key IS NOT NULL AND overall_effectiveness IS NOT NULL
),
reported AS (
    SELECT visit.la_key, make_date(coalesce(visit.rating_year, year(article.published_date)), coalesce(visit.rating_month, 1), 1) AS judged_on,
           visit.rating AS grade, visit.previous_rating AS stated_previous, 'news' AS source, CAST(NULL AS VARCHAR) AS framework
    FROM fct_visit AS visit
    JOIN dim_article AS article USING (article_key)
    WHERE visit.visit_type = 'inspection' AND visit.rating IS NOT NULL
      AND coalesce(visit.rating_year, year(article.published_date)) IS NOT NULL
),
timeline AS (
    SELECT * FROM register
    UNION ALL
    -- News of an inspection the register does not hold yet: later than its latest entry for the authority.
    SELECT reported.* FROM reported
    WHERE reported.judged_on > coalesce((SELECT max(register.judged_on) FROM register WHERE register.la_key = reported.la_key), DATE '1900-01-01')
),
ordered AS (
    SELECT *, lag(grade) OVER (PARTITION BY la_key ORDER BY judged_on) AS register_previous,
           row_number() OVER (PARTITION BY la_key ORDER BY judged_on DESC) AS newest_first
    FROM timeline
)
SELECT authority.la_name, authority.region_name, ordered.judged_on AS latest_judged_on, ordered.source AS latest_from,
       coalesce(ordered.register_previous, ordered.stated_previous) AS previous_grade, ordered.grade AS latest_grade,
       CASE WHEN previous.grade_rank IS NULL THEN 'first'
            WHEN latest.grade_rank < previous.grade_rank THEN 'up'
            WHEN latest.grade_rank > previous.grade_rank THEN 'down'
            ELSE 'unchanged' END AS movement,
       previous.grade_rank - latest.grade_rank AS grades_moved
FROM ordered
JOIN dim_local_authority AS authority USING (la_key)
JOIN rank_of AS latest ON latest.grade = ordered.grade
LEFT JOIN rank_of AS previous ON previous.grade = coalesce(ordered.register_previous, ordered.stated_previous)
WHERE ordered.newest_first = 1
ORDER BY movement, grades_moved DESC NULLS LAST, authority.la_name;
