-- Which judgement areas hold councils back, region by region and year by year?
-- Every graded area of every full inspection: the register's (fct_inspection) and, for inspections the
-- register does not hold yet, those the news states (fct_judgement). Per inspection year, region and
-- area: how many were graded, how many below good, and how many below the same inspection's overall
-- judgement (the area that pulled the rating down); areas ranked within each region and year.
WITH rank_of(grade, grade_rank) AS (
    VALUES ('outstanding', 1), ('good', 2), ('requires_improvement', 3), ('inadequate', 4)
),
register AS (
    SELECT la_key, year(coalesce(inspection_end_date, publication_date)) AS inspection_year, 'leaders' AS area, leadership AS grade,
           overall_effectiveness AS overall, 'register' AS source
    FROM fct_inspection WHERE la_key IS NOT NULL
    UNION ALL
    SELECT la_key, year(coalesce(inspection_end_date, publication_date)), 'help_and_protection', help_and_protection, overall_effectiveness, 'register'
    FROM fct_inspection WHERE la_key IS NOT NULL
    UNION ALL
    SELECT la_key, year(coalesce(inspection_end_date, publication_date)), 'children_in_care', children_in_care, overall_effectiveness, 'register'
    FROM fct_inspection WHERE la_key IS NOT NULL
    UNION ALL
    SELECT la_key, year(coalesce(inspection_end_date, publication_date)), 'care_leavers', care_leavers, overall_effectiveness, 'register'
    FROM fct_inspection WHERE la_key IS NOT NULL
),
reported AS (
    SELECT judgement.la_key, coalesce(visit.rating_year, visit.visit_year, year(article.published_date)) AS inspection_year,
           judgement.area, judgement.grade, visit.rating AS overall, 'news' AS source
    FROM fct_judgement AS judgement
    JOIN fct_visit AS visit USING (visit_key)
    JOIN dim_article AS article ON article.article_key = judgement.article_key
    WHERE judgement.area <> 'overall' AND judgement.register_check = 'not_in_register'
),
graded AS (
    SELECT * FROM register WHERE grade IS NOT NULL
    UNION ALL
    SELECT * FROM reported
),
counted AS (
    SELECT graded.inspection_year, authority.region_name, graded.area, count(*) AS judgements,
           count(*) FILTER (WHERE own.grade_rank > 2) AS below_good,
           count(*) FILTER (WHERE own.grade_rank > overall.grade_rank) AS below_overall,
           count(*) FILTER (WHERE graded.source = 'news') AS from_news
    FROM graded
    JOIN dim_local_authority AS authority USING (la_key)
    JOIN rank_of AS own ON own.grade = graded.grade
    LEFT JOIN rank_of AS overall ON overall.grade = graded.overall
    WHERE graded.inspection_year IS NOT NULL
    GROUP BY ALL
)
SELECT inspection_year, region_name, area, judgements, below_good, round(below_good / judgements, 2) AS share_below_good,
       below_overall, from_news,
       rank() OVER (PARTITION BY inspection_year, region_name ORDER BY below_good / judgements DESC, below_overall DESC) AS holds_back_rank
FROM counted
ORDER BY inspection_year, region_name, holds_back_rank, area;
