-- Grain: one row per (organization, reporting year, roadmap item 1-11) — the status shown and whether it is
-- overdue (roadmap_status, mart_roadmap); overdue_masks is the same per (organization, year) as bit masks.
-- The status rule is the scalar macros reported_status and status_shown, used by the rows and the counts alike.
-- Read by queries.roadmap, roadmap_status_counts, roadmap_wide, overdue_items. The done share per
-- organization is in org_kpi.sql, for the city in city_kpi.sql.

-- The status rule, once, as scalar macros over the bit masks (bit item - 1) of fact_org_year and
-- roadmap_masks: roadmap_status applies them per organization, queries.roadmap_status_counts per group
-- of organizations with the same masks.
create or replace macro reported_status(item, done, started, not_started, not_needed) as
    case when bit_at(done, item) then 'выполнено'
         when bit_at(started, item) then 'в работе'
         when bit_at(not_started, item) then 'не начато'
         when bit_at(not_needed, item) then 'не требуется' end;
-- status_shown: не требуется (item does not apply) | нет отчёта | просрочено | the reported status.
create or replace macro status_shown(applicable, past_due, reported) as
    case
        when not applicable then 'не требуется'
        when reported is null then 'нет отчёта'
        when reported in ('выполнено', 'не требуется') then reported
        when past_due then 'просрочено'
        else reported
    end;

-- One row per (organization, year, roadmap item 1-11), reported or not.
-- overdue: applies, reported as not done (в работе, не начато) and past its due date.
create or replace macro roadmap_status(as_of) as table
with frame as (
    select oy.org_code, oy.short_name, oy.org_type, oy.municipality, oy.year, i.item, i.short_title, i.title,
           make_date(oy.year, i.due_month, i.due_day) as due_date,
           bit_at(m.applicable_mask, i.item) as applicable,
           bit_at(m.overdue_mask, i.item) as past_due,
           coalesce(f.has_roadmap, false) as has_report,
           reported_status(i.item, f.rm_done, f.rm_started, f.rm_not_started, f.rm_not_needed) as reported_status
    from org_years oy
    cross join roadmap_items i
    join roadmap_masks(as_of) m using (org_type, year)
    left join fact_org_year f using (org_code, year)
)
select * exclude (past_due),
       status_shown(applicable, past_due, reported_status) as status_shown,
       status_shown(applicable, past_due, reported_status) = 'просрочено' as overdue
from frame;

-- Per (organization, year) with a roadmap report: the items overdue as of as_of as a bit mask (they apply,
-- are reported «в работе» or «не начато», and their due date has passed) — the rows of roadmap_status
-- with overdue, without expanding every organization into 11 rows (a test keeps the two equal).
create or replace macro overdue_masks(as_of) as table
select oy.org_code, oy.short_name, oy.org_type, oy.year, f.rm_done, f.rm_started, f.rm_not_started, f.rm_not_needed,
       (f.rm_started | f.rm_not_started) & m.applicable_mask & m.overdue_mask as overdue_mask
from org_years oy
join roadmap_masks(as_of) m using (org_type, year)
join fact_org_year f using (org_code, year);

-- roadmap_status with what the organization reported beside the status: done date, evidence, comment.
create or replace macro mart_roadmap(as_of) as table
select s.*, r.done_date, r.result_url, r.comment
from roadmap_status(as_of) s
left join stg_roadmap r using (org_code, year, item);
