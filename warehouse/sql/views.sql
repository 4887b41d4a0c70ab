-- The figures of DOMAIN.md as views over the fact tables (facts.sql) and the registry.
-- Recreated each time the warehouse is opened for writing (warehouse.db.connect), so they can change
-- without a migration. Figures that depend on today's date (overdue) are table macros taking as_of.
-- Convention: a figure that cannot be computed because a file is missing is NULL, never 0.

-- One row per (organization, reporting year): the frame every per-organization figure hangs on.
create or replace view org_years as
with years as (
    select unnest(generate_series(
        (select value::integer from settings where key = 'year_first'),
        (select value::integer from settings where key = 'year_last'))) as year
)
select o.org_code, o.short_name, o.full_name, o.org_type, coalesce(o.municipality, 'Когалым') as municipality, y.year
from organizations o cross join years y;

-- Bit n (1-based) of a mask: the masks of datasets (bit datasets.sort - 1) and roadmap items (bit item - 1).
create or replace macro bit_at(mask, n) as (mask >> (n - 1)) & 1 = 1;

-- Per organization type: the datasets it is expected to upload, as a bit mask (bit datasets.sort - 1), to be
-- matched against fact_org_year.uploaded_mask.
create or replace view expected_masks as
select t.org_type,
       coalesce(bit_or((1 << (d.sort - 1))::integer) filter (where e.dataset is not null), 0) as expected_mask,
       coalesce(bool_or(e.dataset = 'staff'), false) as staff_expected
from (select distinct org_type from org_years) t
cross join datasets d
left join expected_datasets e on e.org_type = t.org_type and e.dataset = d.dataset
group by all;

-- Per (organization, year): the datasets it owes and those it uploaded, as bit masks, and how many rows
-- of completeness_state are «relevant» (owed or uploaded anyway). Counting many organizations reads this,
-- not the 7-times-larger completeness_state.
create or replace view completeness_masks as
select oy.org_code, oy.short_name, oy.org_type, oy.year, x.expected_mask,
       coalesce(f.uploaded_mask, 0) as uploaded_mask,
       bit_count(x.expected_mask | coalesce(f.uploaded_mask, 0))::bigint as relevant_datasets
from org_years oy
join expected_masks x using (org_type)
left join fact_org_year f using (org_code, year);

-- The state of one dataset of an organization: the rule, once.
create or replace macro upload_state(expected, uploaded) as
    case when uploaded then 'загружен' when expected then 'нет файла' else 'не требуется' end;

-- One row per (organization, year, dataset): whether the organization's type is expected to upload it and
-- whether it did (the state); mart_completeness adds the snapshot's details. Grain: org_years x 7 datasets.
create or replace view completeness_state as
with frame as (
    select m.org_code, m.short_name, m.org_type, m.year, d.dataset, d.title as dataset_title, d.sort,
           bit_at(m.expected_mask, d.sort) as expected,
           bit_at(m.uploaded_mask, d.sort) as uploaded
    from completeness_masks m
    cross join datasets d
)
select *, upload_state(expected, uploaded) as state
from frame;

-- completeness_state with the current snapshot: when it and its first version arrived, which version.
create or replace view mart_completeness as
select c.*, u.current_since, u.rows, u.version, u.file_name, u.uploaded_by, u.first_loaded_at,
       coalesce(u.versions, 0) as versions
from completeness_state c
left join fact_upload u using (org_code, year, dataset);

-- Per (organization type, year): the roadmap items that apply, and those whose due date is before as_of,
-- as bit masks (bit item - 1), to be matched against the reported statuses of fact_org_year.
-- Applicability: item 8 only in its contest years; items 3 and 10 are the organizations' own, so they
-- do not apply to the department (орган управления образованием).
create or replace macro roadmap_masks(as_of) as table
with frame as (
    select t.org_type, y.year, i.item,
           (i.applicable_years is null
                or list_contains(string_split(i.applicable_years, ',')::integer[], y.year))
           and not (i.org_only and t.org_type = 'орган управления образованием') as applicable,
           as_of > make_date(y.year, i.due_month, i.due_day) as past_due
    from (select distinct org_type from org_years) t
    cross join (select distinct year from org_years) y
    cross join roadmap_items i
)
select org_type, year,
       coalesce(bit_or((1 << (item - 1))::integer) filter (where applicable), 0) as applicable_mask,
       coalesce(bit_or((1 << (item - 1))::integer) filter (where applicable and past_due), 0) as overdue_mask
from frame group by all;

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

-- One row per teacher of a current staff snapshot who is a young teacher (younger than 35 and at most
-- 3 full years in the organization), with whether a mentorship in work or completed covers them.
create or replace view mart_young_teachers as select * from fact_young_teacher;

-- One row per mentor of a current mentors snapshot with their load (pairs «в работе»).
create or replace view mart_mentor_load as select * from fact_mentor;

-- A count of a file that was uploaded (0 when it holds no such rows), NULL when the file is missing.
create or replace macro if_reported(has_file, n) as case when has_file then coalesce(n, 0) end;

-- One row per (organization, year): every figure of DOMAIN.md for that organization.
-- A figure whose file is missing is NULL ("нет данных"), never 0. The counts come from fact_org_year;
-- the roadmap items are judged here against the organization's type and as_of.
create or replace macro mart_org_kpi(as_of) as table
with f as (
    select oy.org_code, oy.short_name, oy.org_type, oy.municipality, oy.year, f.* exclude (org_code, year),
           m.applicable_mask, m.overdue_mask, x.expected_mask, x.staff_expected,
           f.rm_done | f.rm_started | f.rm_not_started as rm_due,
           f.rm_started | f.rm_not_started as rm_open
    from org_years oy
    join roadmap_masks(as_of) m using (org_type, year)
    join expected_masks x using (org_type)
    left join fact_org_year f using (org_code, year)
),
final as (
    select f.org_code, f.short_name, f.org_type, f.municipality, f.year,
           coalesce(f.datasets_uploaded, 0) as datasets_uploaded,
           bit_count(f.expected_mask)::bigint as datasets_expected,
           bit_count(f.expected_mask & ~coalesce(f.uploaded_mask, 0))::bigint as datasets_missing,
           f.staff_expected,
           -- roadmap (done share over the items reported and applicable)
           coalesce(f.has_roadmap, false) as roadmap_reported,
           case when f.has_roadmap then bit_count(f.rm_done & f.applicable_mask)::bigint end as items_done,
           case when f.has_roadmap then bit_count(f.rm_due & f.applicable_mask)::bigint end as items_due,
           case when f.has_roadmap and bit_count(f.rm_due & f.applicable_mask) > 0
                then round(100.0 * bit_count(f.rm_done & f.applicable_mask)
                           / bit_count(f.rm_due & f.applicable_mask), 1) end as done_pct,
           case when f.has_roadmap then bit_count(f.rm_open & f.applicable_mask & f.overdue_mask)::bigint end
               as items_overdue,
           bit_count(f.applicable_mask & ~coalesce(f.rm_due | f.rm_not_needed, 0))::bigint as items_unreported,
           -- staff and young teachers
           if_reported(f.has_staff, f.teachers) as teachers,
           if_reported(f.has_staff, f.young_teachers) as young_teachers,
           if_reported(f.has_staff, f.teachers_with_difficulties) as teachers_with_difficulties,
           if_reported(f.has_staff and f.has_pairs, f.young_covered) as young_covered,
           case when f.has_staff and f.has_pairs and f.young_teachers > 0
                then round(100.0 * coalesce(f.young_covered, 0) / f.young_teachers, 1) end as young_coverage_pct,
           if_reported(f.has_staff and f.has_pairs, f.difficulties_covered)
               as difficulties_covered,
           -- mentors and pairs
           if_reported(f.has_mentors, f.mentors) as mentors,
           if_reported(f.has_mentors, f.mentors_teachers) as mentors_teachers,
           if_reported(f.has_mentors, f.mentors_students) as mentors_students,
           if_reported(f.has_mentors, f.mentors_university_students) as mentors_university_students,
           if_reported(f.has_mentors, f.mentors_employers) as mentors_employers,
           if_reported(f.has_mentors, f.mentors_other) as mentors_other,
           if_reported(f.has_mentors, f.mentors_of_teachers) as mentors_of_teachers,
           if_reported(f.has_mentors, f.mentors_of_students) as mentors_of_students,
           if_reported(f.has_mentors, f.mentors_trained) as mentors_trained,
           case when f.has_mentors and f.has_staff and f.teachers > 0
                then round(100.0 * coalesce(f.teachers_who_mentor, 0) / f.teachers, 1) end as teachers_mentor_pct,
           if_reported(f.has_mentors and f.has_pairs, f.mentors_overloaded) as mentors_overloaded,
           if_reported(f.has_pairs, f.pairs) as pairs,
           if_reported(f.has_pairs, f.pairs_active) as pairs_active,
           if_reported(f.has_pairs, f.pairs_completed) as pairs_completed,
           if_reported(f.has_pairs, f.pairs_with_programme) as pairs_with_programme,
           case when f.has_pairs and f.mentors > 0
                then round(1.0 * coalesce(f.pairs_active, 0) / f.mentors, 2) end as mentor_load_avg,
           -- students (federal indicator); the file is one row of totals
           f.students_total, f.students_10_18, f.mentee_students, f.mentor_students,
           case when f.students_10_18 > 0 then round(100.0 * f.mentee_students / f.students_10_18, 1) end
               as mentee_students_pct,
           -- partners and events
           if_reported(f.has_partners, f.partners) as partners,
           if_reported(f.has_partners, f.partners_with_mentors) as partners_with_mentors,
           if_reported(f.has_partners, f.mentors_from_partners) as mentors_from_partners,
           if_reported(f.has_events, f.events) as events,
           if_reported(f.has_events, f.events_item5) as events_item5,
           if_reported(f.has_events, f.events_item6) as events_item6,
           if_reported(f.has_events, f.practices) as practices,
           if_reported(f.has_events, f.practices_regional_federal) as practices_regional_federal,
           if_reported(f.has_events, f.contest_awards) as contest_awards,
           -- item 4: the mentors file of year Y arrived by 31.10.Y
           f.mentors_first_loaded_at,
           case when f.mentors_first_loaded_at is not null
                then f.mentors_first_loaded_at::date <= make_date(f.year, 10, 31) end as mentor_base_on_time
    from f
)
select * from final;
