-- Which judgement areas hold councils back, region by region and year by year?
-- Every graded area of every full inspection: the register's (fct_inspection) and, for inspections the
-- register does not hold yet, those the news states (fct_judgement). Per inspection year, region and
-- area: how many were graded, how many below good, and how many below the same inspection's overall
-- judgement (the area that pulled the rating down); areas ranked within each region and year.
WITH rank_of(grade, grade_rank) AS (
    VALUES ('outstanding', 1), ('good', 2), ('requires_improvement', 3), ('inadequate', 4)
),
register AS (
    SELECT inspection.la_key, year(coalesce(inspection.inspection_end_date, inspection.publication_date)) AS inspection_year,
           area.area, area.grade, inspection.overall_effectiveness AS overall, 'register' AS source
    FROM fct_inspection AS inspection,
         (VALUES ('leaders'), ('help_and_protection'), ('children_in_care'), ('care_leavers')) AS areas(area),
         LATERAL (SELECT areas.area AS area,
                         CASE areas.area WHEN 'leaders' THEN inspection.leadership
                                         WHEN 'help_and_protection' THEN inspection.help_and_protection
                                         WHEN 'children_in_care' THEN inspection.children_in_care
                                         ELSE inspection.care_leavers END AS grade) AS area
    WHERE inspection.la_key IS NOT NULL
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
