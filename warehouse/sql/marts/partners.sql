-- Grain: one row per (organization, reporting year, partner) of a current partners snapshot, with whether the
-- partner provides mentors (is_mentor_partner, facts.sql; «да» or «нет» as the pages and exports show it).
-- Counted per organization in fact_org_year.partners and partners_with_mentors (org_kpi.sql, city_kpi.sql).
-- Read by queries.partners, partner_counts, partners_by_org.
create or replace view mart_partners as
with partners as (
    select * from stg_partners
),
final as (
    select *, case when is_mentor_partner(mentors_count) then 'да' else 'нет' end as provides_mentors
    from partners
)
select * from final;
