-- Grain: one row per (organization, reporting year, teacher) of a current staff snapshot who is a young teacher
-- (is_young_teacher: younger than 35 and at most 3 full years in the organization, warehouse/thresholds.py),
-- with whether a mentorship «в работе» or «завершена» covers them (covered_teachers, facts.sql) and whether the
-- organization reported its pairs at all (without them coverage is «нет данных»).
-- The rows behind young-teacher coverage: their counts per organization are fact_org_year.young_teachers and
-- young_covered, whose share is in org_kpi.sql (per organization) and city_kpi.sql (the city, by year).
-- Read by queries.uncovered_young_teachers (the list the organization acts on).
create or replace view mart_young_teachers as select * from fact_young_teacher;   -- kept equal to calc_young_teacher (facts.sql) upload by upload
