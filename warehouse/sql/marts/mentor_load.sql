-- Grain: one row per (organization, reporting year, mentor) of a current mentors snapshot, with their load:
-- active_mentees = pairs «в работе»; overloaded = is_overloaded(active_mentees) (more than 3,
-- warehouse/thresholds.py). Counted per organization in fact_org_year.mentors_overloaded (org_kpi.sql).
-- Read by queries.mentor_base (the mentor base, item 4, and the overloaded list), mentor_counts,
-- mentors_by_org.
create or replace view mart_mentor_load as select * from fact_mentor;   -- kept equal to calc_mentor (facts.sql) upload by upload
