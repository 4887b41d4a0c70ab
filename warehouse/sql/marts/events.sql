-- Grain: one row per (organization, reporting year, event row) of a current events snapshot, with whether it is
-- a practice presented at the regional or federal level (is_regional_practice, facts.sql; item 9).
-- Counted per organization in fact_org_year.events, practices_regional_federal, ... (org_kpi.sql, city_kpi.sql).
-- Read by queries.events, events_by_kind, events_per_month, regional_practices, contest_events.
create or replace view mart_events as
with events as (
    select * from stg_events
),
final as (
    select *, is_regional_practice(kind, level) as regional_practice
    from events
)
select * from final;
