-- Grain: one row per reporting year over the organizations in scope_orgs — the city's figures.
-- mart_city_kpi(as_of, yr): the year yr, or every reporting year when yr is NULL; as_of as in mart_org_kpi.
--
-- The city is the sum of its organizations' rows of mart_org_kpi (org_kpi.sql), each count summed over the
-- organizations that reported it, and a share is share_pct of those sums: the same counts and the same share
-- rule as the organization's row. The city total of a year (queries.city_summary) and the trend by year
-- (queries.coverage_trend) are rows of this one macro, so they cannot disagree.
-- A year without any organization in scope is still a row: counts 0, sums and shares NULL («нет данных»).
-- Reads the relation scope_orgs, registered by warehouse.queries for the duration of a query.
create or replace macro mart_city_kpi(as_of, yr) as table
with years as (
    select unnest(case when yr is null then (select list(year order by year) from reporting_years)
                       else [yr] end)::integer as year    -- integer, as the facts' year
),
orgs as (
    select * from mart_org_kpi(as_of)
    where (yr is null or year = yr) and org_code in (select org_code from scope_orgs)
),
sums as (
    select y.year,
           count(k.org_code) as organizations,
           count(*) filter (where k.roadmap_reported) as roadmap_reported,
           sum(k.items_done)::bigint as items_done,
           sum(k.items_due)::bigint as items_due,
           sum(k.items_overdue)::bigint as items_overdue,
           count(*) filter (where k.items_overdue > 0) as orgs_with_overdue,
           sum(k.teachers)::bigint as teachers,
           sum(k.mentors)::bigint as mentors,
           count(*) filter (where k.mentors is not null) as mentors_reported,
           sum(k.mentors_overloaded)::bigint as mentors_overloaded,
           -- teachers who mentor, recovered from the organizations' rounded shares (as the city has always counted)
           sum(k.teachers_mentor_pct * k.teachers / 100) filter (where k.teachers_mentor_pct is not null)
               as teachers_who_mentor,
           sum(k.teachers) filter (where k.teachers_mentor_pct is not null) as teachers_of_mentor_share,
           -- coverage: only the organizations whose coverage is known (staff and pairs files)
           sum(k.young_teachers) filter (where k.young_covered is not null)::bigint as young_teachers,
           sum(k.young_covered)::bigint as young_covered,
           count(*) filter (where k.young_covered is not null) as coverage_reported,
           sum(k.teachers_with_difficulties) filter (where k.difficulties_covered is not null)::bigint
               as teachers_with_difficulties,
           sum(k.difficulties_covered)::bigint as difficulties_covered,
           count(*) filter (where k.partners > 0) as orgs_with_partners,
           count(*) filter (where k.partners is not null) as partners_reported,
           sum(k.partners)::bigint as partners,
           sum(k.partners_with_mentors)::bigint as partners_with_mentors,
           sum(k.events)::bigint as events,
           sum(k.practices_regional_federal)::bigint as practices_regional_federal,
           count(*) filter (where k.datasets_uploaded = 0) as orgs_without_uploads,
           count(*) filter (where k.datasets_missing > 0) as orgs_with_missing
    from years y
    left join orgs k using (year)
    group by y.year
),
final as (
    select year, organizations, roadmap_reported, items_done, items_due,
           share_pct(items_done, items_due) as done_pct,
           items_overdue, orgs_with_overdue, teachers, mentors, mentors_reported, mentors_overloaded,
           share_pct(teachers_who_mentor, teachers_of_mentor_share) as teachers_mentor_pct,
           young_teachers, young_covered,
           share_pct(young_covered, young_teachers) as young_coverage_pct,
           coverage_reported, teachers_with_difficulties, difficulties_covered,
           orgs_with_partners, partners_reported, partners, partners_with_mentors, events,
           practices_regional_federal, orgs_without_uploads, orgs_with_missing
    from sums
)
select * from final;
