-- The figures of DOMAIN.md as views over the current snapshots (stg_*).
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
select o.org_code, o.short_name, o.full_name, o.org_type, y.year
from organizations o cross join years y;

-- One row per (organization, year, dataset): whether the organization's type is expected to upload it,
-- the current snapshot if any, and when its first and latest accepted versions arrived.
-- Grain: org_years x 7 datasets.
create or replace view mart_completeness as
with loaded as (
    select dataset, org_code, year, min(uploaded_at) as first_loaded_at, count(*) as versions
    from uploads where outcome = 'loaded' group by all
),
current_snap as (
    select s.dataset, s.org_code, s.year, u.uploaded_at as current_since, u.rows, u.version,
           u.file_name, u.uploaded_by
    from snapshots s join uploads u using (upload_id)
),
final as (
    select oy.org_code, oy.short_name, oy.org_type, oy.year, d.dataset, d.title as dataset_title, d.sort,
           e.dataset is not null as expected,
           c.current_since is not null as uploaded,
           case when c.current_since is not null then 'загружен'
                when e.dataset is not null then 'нет файла'
                else 'не требуется' end as state,
           c.current_since, c.rows, c.version, c.file_name, c.uploaded_by,
           l.first_loaded_at, coalesce(l.versions, 0) as versions
    from org_years oy
    cross join datasets d
    left join expected_datasets e on e.org_type = oy.org_type and e.dataset = d.dataset
    left join current_snap c on c.dataset = d.dataset and c.org_code = oy.org_code and c.year = oy.year
    left join loaded l on l.dataset = d.dataset and l.org_code = oy.org_code and l.year = oy.year
)
select * from final;

-- One row per (organization, year, roadmap item 1-11), reported or not.
-- status_shown: не требуется (item does not apply) | нет отчёта | просрочено | the reported status.
-- Applicability: item 8 only in its contest years; items 3 and 10 are the organizations' own, so they
-- do not apply to the department (орган управления образованием).
create or replace macro mart_roadmap(as_of) as table
with frame as (
    select oy.org_code, oy.short_name, oy.org_type, oy.year, i.item, i.short_title, i.title,
           make_date(oy.year, i.due_month, i.due_day) as due_date,
           (i.applicable_years is null
                or list_contains(string_split(i.applicable_years, ',')::integer[], oy.year))
           and not (i.org_only and oy.org_type = 'орган управления образованием') as applicable
    from org_years oy cross join roadmap_items i
),
has_file as (
    select org_code, year from snapshots where dataset = 'roadmap'
),
final as (
    select f.*,
           h.org_code is not null as has_report,
           r.status as reported_status, r.done_date, r.result_url, r.comment,
           case
               when not f.applicable then 'не требуется'
               when r.status is null then 'нет отчёта'
               when r.status in ('выполнено', 'не требуется') then r.status
               when as_of > f.due_date then 'просрочено'
               else r.status
           end as status_shown,
           f.applicable and r.status is not null and r.status not in ('выполнено', 'не требуется')
               and as_of > f.due_date as overdue
    from frame f
    left join has_file h on h.org_code = f.org_code and h.year = f.year
    left join stg_roadmap r on r.org_code = f.org_code and r.year = f.year and r.item = f.item
)
select * from final;

-- One row per teacher of a current staff snapshot who is a young teacher (younger than 35 and at most
-- 3 full years in the organization), with whether a mentorship in work or completed covers them.
create or replace view mart_young_teachers as
with covered as (
    select distinct org_code, year, mentee_id as teacher_id
    from stg_mentorships
    where mentee_type = 'педагог' and status in ('в работе', 'завершена')
),
has_pairs as (
    select org_code, year from snapshots where dataset = 'mentorships'
),
final as (
    select s.org_code, s.year, s.teacher_id, s.position, s.age, s.years_in_org, s.has_difficulties,
           h.org_code is not null as pairs_reported,
           c.teacher_id is not null as covered
    from stg_staff s
    left join covered c using (org_code, year, teacher_id)
    left join has_pairs h using (org_code, year)
    where s.age < 35 and s.years_in_org <= 3
)
select * from final;

-- One row per mentor of a current mentors snapshot with their load (pairs «в работе»).
create or replace view mart_mentor_load as
with load as (   -- one pass over the pairs (the national scale has about 400,000 a year)
    select org_code, year, mentor_id, count(*) filter (where status = 'в работе') as active_mentees,
           count(*) as pairs
    from stg_mentorships group by all
)
select m.org_code, m.year, m.mentor_id, m.full_name, m.mentor_type, m.teacher_id, m.mentors_whom, m.workplace, m.trained,
       m.order_date, coalesce(l.active_mentees, 0) as active_mentees, coalesce(l.pairs, 0) as pairs,
       coalesce(l.active_mentees, 0) > 3 as overloaded
from stg_mentors m
left join load l using (org_code, year, mentor_id);

-- One row per (organization, year): every figure of DOMAIN.md for that organization.
-- A figure whose file is missing is NULL ("нет данных"), never 0.
create or replace macro mart_org_kpi(as_of) as table
with roadmap as (
    select org_code, year,
           bool_or(has_report) as roadmap_reported,
           count(*) filter (where applicable and reported_status = 'выполнено') as items_done,
           count(*) filter (where reported_status is not null and applicable
                              and reported_status <> 'не требуется') as items_due,
           count(*) filter (where overdue) as items_overdue,
           count(*) filter (where applicable and reported_status is null) as items_unreported
    from mart_roadmap(as_of) group by all
),
-- The staff figures, young-teacher coverage (as mart_young_teachers counts it) and teachers with
-- difficulties covered, in one pass over the staff: the national scale has 1.3 million teachers a year.
teacher_mentees as (
    select distinct org_code, year, mentee_id as teacher_id
    from stg_mentorships where mentee_type = 'педагог' and status in ('в работе', 'завершена')
),
staff as (
    select s.org_code, s.year, count(*) as teachers,
           count(*) filter (where s.age < 35 and s.years_in_org <= 3) as young_teachers,
           count(*) filter (where s.has_difficulties) as teachers_with_difficulties,
           count(*) filter (where s.age < 35 and s.years_in_org <= 3 and t.teacher_id is not null) as young_covered,
           count(*) filter (where s.has_difficulties and t.teacher_id is not null) as difficulties_covered
    from stg_staff s left join teacher_mentees t using (org_code, year, teacher_id)
    group by all
),
mentors as (
    select org_code, year, count(*) as mentors,
           count(*) filter (where mentor_type = 'педагог') as mentors_teachers,
           count(*) filter (where mentor_type = 'обучающийся') as mentors_students,
           count(*) filter (where mentor_type = 'студент') as mentors_university_students,
           count(*) filter (where mentor_type = 'представитель работодателя') as mentors_employers,
           count(*) filter (where mentor_type = 'другое') as mentors_other,
           count(*) filter (where mentors_whom in ('педагогов', 'педагогов и обучающихся')) as mentors_of_teachers,
           count(*) filter (where mentors_whom in ('обучающихся', 'педагогов и обучающихся')) as mentors_of_students,
           count(distinct teacher_id) filter (where mentor_type = 'педагог') as teachers_who_mentor,
           count(*) filter (where trained) as mentors_trained,
           count(*) filter (where overloaded) as mentors_overloaded,
           sum(active_mentees)::integer as active_mentees
    from mart_mentor_load group by all
),
pairs as (
    select org_code, year, count(*) as pairs,
           count(*) filter (where status = 'в работе') as pairs_active,
           count(*) filter (where status = 'завершена') as pairs_completed,
           count(*) filter (where has_program) as pairs_with_programme
    from stg_mentorships group by all
),
partners as (
    select org_code, year, count(*) as partners,
           count(*) filter (where mentors_count > 0) as partners_with_mentors,
           sum(mentors_count)::integer as mentors_from_partners
    from stg_partners group by all
),
events as (
    select org_code, year, count(*) as events,
           count(*) filter (where kind = 'для наставников и наставляемых') as events_item5,
           count(*) filter (where kind = 'для педагогов с затруднениями') as events_item6,
           count(*) filter (where kind = 'представление практики') as practices,
           count(*) filter (where kind = 'представление практики' and level in ('региональный', 'федеральный'))
               as practices_regional_federal,
           count(*) filter (where kind = 'конкурс' and result in ('призёр', 'победитель')) as contest_awards
    from stg_events group by all
),
mentors_arrival as (
    select org_code, year, min(uploaded_at) as mentors_first_loaded_at
    from uploads where dataset = 'mentors' and outcome = 'loaded' group by all
),
-- The datasets the organization's type owes (mart_completeness's «expected» and «uploaded»), without
-- the upload log that mart_completeness joins for its dates.
expected as (
    select oy.org_code, oy.year, count(e.dataset) as datasets_expected,
           count(e.dataset) filter (where s.upload_id is null) as datasets_missing,
           coalesce(bool_or(e.dataset = 'staff'), false) as staff_expected
    from org_years oy
    left join expected_datasets e on e.org_type = oy.org_type
    left join snapshots s on s.dataset = e.dataset and s.org_code = oy.org_code and s.year = oy.year
    group by all
),
files as (
    select org_code, year, count(*) as datasets_uploaded,
           bool_or(dataset = 'roadmap') as has_roadmap, bool_or(dataset = 'staff') as has_staff,
           bool_or(dataset = 'mentors') as has_mentors, bool_or(dataset = 'mentorships') as has_pairs,
           bool_or(dataset = 'partners') as has_partners, bool_or(dataset = 'events') as has_events,
           bool_or(dataset = 'students') as has_students
    from snapshots where org_code <> '*' group by all
),
final as (
    select oy.org_code, oy.short_name, oy.org_type, oy.year,
           coalesce(f.datasets_uploaded, 0) as datasets_uploaded,
           ex.datasets_expected, ex.datasets_missing, ex.staff_expected,
           -- roadmap (done share over the items reported and applicable)
           coalesce(f.has_roadmap, false) as roadmap_reported,
           case when f.has_roadmap then r.items_done end as items_done,
           case when f.has_roadmap then r.items_due end as items_due,
           case when f.has_roadmap and r.items_due > 0
                then round(100.0 * r.items_done / r.items_due, 1) end as done_pct,
           case when f.has_roadmap then r.items_overdue end as items_overdue,
           r.items_unreported,
           -- staff and young teachers
           case when f.has_staff then coalesce(s.teachers, 0) end as teachers,
           case when f.has_staff then coalesce(s.young_teachers, 0) end as young_teachers,
           case when f.has_staff then coalesce(s.teachers_with_difficulties, 0) end as teachers_with_difficulties,
           case when f.has_staff and f.has_pairs then coalesce(s.young_covered, 0) end as young_covered,
           case when f.has_staff and f.has_pairs and s.young_teachers > 0
                then round(100.0 * coalesce(s.young_covered, 0) / s.young_teachers, 1) end as young_coverage_pct,
           case when f.has_staff and f.has_pairs then coalesce(s.difficulties_covered, 0) end
               as difficulties_covered,
           -- mentors and pairs
           case when f.has_mentors then coalesce(m.mentors, 0) end as mentors,
           case when f.has_mentors then coalesce(m.mentors_teachers, 0) end as mentors_teachers,
           case when f.has_mentors then coalesce(m.mentors_students, 0) end as mentors_students,
           case when f.has_mentors then coalesce(m.mentors_university_students, 0) end as mentors_university_students,
           case when f.has_mentors then coalesce(m.mentors_employers, 0) end as mentors_employers,
           case when f.has_mentors then coalesce(m.mentors_other, 0) end as mentors_other,
           case when f.has_mentors then coalesce(m.mentors_of_teachers, 0) end as mentors_of_teachers,
           case when f.has_mentors then coalesce(m.mentors_of_students, 0) end as mentors_of_students,
           case when f.has_mentors then coalesce(m.mentors_trained, 0) end as mentors_trained,
           case when f.has_mentors and f.has_staff and s.teachers > 0
                then round(100.0 * coalesce(m.teachers_who_mentor, 0) / s.teachers, 1) end as teachers_mentor_pct,
           case when f.has_mentors and f.has_pairs then coalesce(m.mentors_overloaded, 0) end as mentors_overloaded,
           case when f.has_pairs then coalesce(pr.pairs, 0) end as pairs,
           case when f.has_pairs then coalesce(pr.pairs_active, 0) end as pairs_active,
           case when f.has_pairs then coalesce(pr.pairs_completed, 0) end as pairs_completed,
           case when f.has_pairs then coalesce(pr.pairs_with_programme, 0) end as pairs_with_programme,
           case when f.has_pairs and m.mentors > 0
                then round(1.0 * coalesce(pr.pairs_active, 0) / m.mentors, 2) end as mentor_load_avg,
           -- students (federal indicator); the file is one row of totals
           st.students_total, st.students_10_18, st.mentee_students, st.mentor_students,
           case when st.students_10_18 > 0 then round(100.0 * st.mentee_students / st.students_10_18, 1) end
               as mentee_students_pct,
           -- partners and events
           case when f.has_partners then coalesce(p.partners, 0) end as partners,
           case when f.has_partners then coalesce(p.partners_with_mentors, 0) end as partners_with_mentors,
           case when f.has_partners then coalesce(p.mentors_from_partners, 0) end as mentors_from_partners,
           case when f.has_events then coalesce(e.events, 0) end as events,
           case when f.has_events then coalesce(e.events_item5, 0) end as events_item5,
           case when f.has_events then coalesce(e.events_item6, 0) end as events_item6,
           case when f.has_events then coalesce(e.practices, 0) end as practices,
           case when f.has_events then coalesce(e.practices_regional_federal, 0) end as practices_regional_federal,
           case when f.has_events then coalesce(e.contest_awards, 0) end as contest_awards,
           -- item 4: the mentors file of year Y arrived by 31.10.Y
           ma.mentors_first_loaded_at,
           case when ma.mentors_first_loaded_at is not null
                then ma.mentors_first_loaded_at::date <= make_date(oy.year, 10, 31) end as mentor_base_on_time
    from org_years oy
    left join expected ex using (org_code, year)
    left join files f using (org_code, year)
    left join roadmap r using (org_code, year)
    left join staff s using (org_code, year)
    left join mentors m using (org_code, year)
    left join pairs pr using (org_code, year)
    left join stg_students st using (org_code, year)
    left join partners p using (org_code, year)
    left join events e using (org_code, year)
    left join mentors_arrival ma using (org_code, year)
)
select * from final;
