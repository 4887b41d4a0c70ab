-- Grain: one row per (organization, reporting year) — every figure of DOMAIN.md for that organization.
-- mart_org_kpi(as_of): as_of is the day «просрочено» is judged against.
--
-- The counts come from fact_org_year (facts.sql: «young» is is_young_teacher, «covered» is covered_teachers,
-- «overloaded» is is_overloaded); here they become figures in three steps:
--   frame    the organization's type and year with its facts and the masks of what applies to it;
--   counts   each count NULL («нет данных») when its file is missing, 0 when the file holds no such rows;
--   final    the shares of those counts (share_pct), in the order the pages and exports know.
-- The city's figures and the trend by year are sums of these counts (city_kpi.sql), so a city's share is
-- the share of its organizations' counts, never an average of their shares.
-- Read by queries.org_kpi, lowest_coverage, org_names, monitoring, and city_kpi.sql.
create or replace macro mart_org_kpi(as_of) as table
with frame as (
    select oy.org_code, oy.short_name, oy.org_type, oy.municipality, oy.year, f.* exclude (org_code, year),
           m.applicable_mask, m.overdue_mask, x.expected_mask, x.staff_expected, as_of::date as as_of_date,
           f.rm_done | f.rm_started | f.rm_not_started as rm_due,
           f.rm_started | f.rm_not_started as rm_open
    from org_years oy
    join roadmap_masks(as_of) m using (org_type, year)
    join expected_masks x using (org_type)
    left join fact_org_year f using (org_code, year)
),
counts as (
    select f.org_code, f.short_name, f.org_type, f.municipality, f.year,
           coalesce(f.datasets_uploaded, 0) as datasets_uploaded,
           bit_count(f.expected_mask)::bigint as datasets_expected,
           bit_count(f.expected_mask & ~coalesce(f.uploaded_mask, 0))::bigint as datasets_missing,
           f.staff_expected,
           -- roadmap: done of the applicable items other than «не требуется»; an applicable item missing from
           -- the file counts as not done (items_unreported, «без отчёта N»); no file at all: no figures
           coalesce(f.has_roadmap, false) as roadmap_reported,
           case when f.has_roadmap then bit_count(f.rm_done & f.applicable_mask)::bigint end as items_done,
           case when f.has_roadmap then bit_count(f.applicable_mask & ~f.rm_not_needed)::bigint end as items_due,
           case when f.has_roadmap then bit_count(f.rm_open & f.applicable_mask & f.overdue_mask)::bigint end
               as items_overdue,
           case when f.has_roadmap then bit_count(f.applicable_mask & ~(f.rm_due | f.rm_not_needed))::bigint end
               as items_unreported,
           -- staff and young teachers; coverage needs both the staff and the pairs file
           if_reported(f.has_staff, f.teachers) as teachers,
           if_reported(f.has_staff, f.young_teachers) as young_teachers,
           if_reported(f.has_staff, f.teachers_with_difficulties) as teachers_with_difficulties,
           if_reported(f.has_staff and f.has_pairs, f.young_covered) as young_covered,
           if_reported(f.has_staff and f.has_pairs, f.difficulties_covered) as difficulties_covered,
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
           if_reported(f.has_mentors and f.has_staff, f.teachers_who_mentor) as teachers_who_mentor,
           if_reported(f.has_mentors and f.has_pairs, f.mentors_overloaded) as mentors_overloaded,
           if_reported(f.has_pairs, f.pairs) as pairs,
           if_reported(f.has_pairs, f.pairs_active) as pairs_active,
           if_reported(f.has_pairs, f.pairs_completed) as pairs_completed,
           if_reported(f.has_pairs, f.pairs_interrupted) as pairs_interrupted,
           if_reported(f.has_pairs, f.pairs_planned) as pairs_planned,
           if_reported(f.has_pairs, f.pairs_with_programme) as pairs_with_programme,
           if_reported(f.has_pairs, f.pairs_rated) as pairs_rated,
           if_reported(f.has_pairs, f.satisfaction_sum) as satisfaction_sum,
           -- students (federal indicator); the file is one row of totals
           f.students_total, f.students_10_18, f.mentee_students, f.mentor_students,
           -- partners (item 10: the organizations it applies to, never the department) and events
           bit_at(f.applicable_mask, 10) as partners_applicable,
           if_reported(f.has_partners, f.partners) as partners,
           if_reported(f.has_partners, f.partners_with_mentors) as partners_with_mentors,
           if_reported(f.has_partners, f.mentors_from_partners) as mentors_from_partners,
           if_reported(f.has_events, f.events) as events,
           if_reported(f.has_events, f.events_item5) as events_item5,
           if_reported(f.has_events, f.events_item6) as events_item6,
           if_reported(f.has_events, f.practices) as practices,
           if_reported(f.has_events, f.practices_regional_federal) as practices_regional_federal,
           -- item 8: the municipal contest «Педагог-наставник» only (is_item8_contest, facts.sql)
           if_reported(f.has_events, f.contest_events) as contest_events,
           if_reported(f.has_events, f.contest_organized) as contest_organized,
           if_reported(f.has_events, f.contest_participants) as contest_participants,
           if_reported(f.has_events, f.contest_prizewinners) as contest_prizewinners,
           if_reported(f.has_events, f.contest_winners) as contest_winners,
           if_reported(f.has_events, f.contest_prizewinners + f.contest_winners) as contest_awards,
           if_reported(f.has_events, f.contests_other) as contests_other,
           -- item 4: the first mentors file of year Y arrived by 31.10.Y (owed by the types that owe mentors);
           -- not arrived: late once as_of is past 31.10.Y, undecided before
           bit_at(f.expected_mask, (select sort from datasets where dataset = 'mentors')) as mentors_expected,
           f.mentors_first_loaded_at,
           make_date(f.year, 10, 31) as mentor_base_due,
           f.as_of_date
    from frame f
),
final as (
    select org_code, short_name, org_type, municipality, year,
           datasets_uploaded, datasets_expected, datasets_missing, staff_expected,
           roadmap_reported, items_done, items_due,
           share_pct(items_done, items_due) as done_pct,            -- done ÷ (applicable − «не требуется»)
           items_overdue, items_unreported,
           teachers, young_teachers, teachers_with_difficulties, young_covered,
           share_pct(young_covered, young_teachers) as young_coverage_pct, -- young-teacher coverage
           difficulties_covered,
           mentors, mentors_teachers, mentors_students, mentors_university_students, mentors_employers,
           mentors_other, mentors_of_teachers, mentors_of_students, mentors_trained,
           teachers_who_mentor,
           share_pct(teachers_who_mentor, teachers) as teachers_mentor_pct,   -- only teachers of the staff file
           mentors_overloaded, pairs, pairs_active, pairs_completed, pairs_interrupted, pairs_planned,
           pairs_with_programme, pairs_rated, satisfaction_sum,
           round(1.0 * satisfaction_sum / nullif(pairs_rated, 0), 2) as satisfaction_avg,
           round(1.0 * pairs_active / nullif(mentors, 0), 2) as mentor_load_avg,
           students_total, students_10_18, mentee_students, mentor_students,
           share_pct(mentee_students, students_10_18) as mentee_students_pct,
           share_pct(mentor_students, students_total) as mentor_students_pct,
           partners_applicable, partners, partners_with_mentors, mentors_from_partners,
           events, events_item5, events_item6, practices, practices_regional_federal,
           contest_events, contest_organized, contest_participants, contest_prizewinners, contest_winners,
           contest_awards, contests_other,
           mentors_expected, mentors_first_loaded_at,
           case when mentors_first_loaded_at is not null then mentors_first_loaded_at::date <= mentor_base_due
                when mentors_expected and as_of_date > mentor_base_due then false end as mentor_base_on_time,
           case when mentors_first_loaded_at::date <= mentor_base_due then 'в срок'
                when mentors_first_loaded_at is not null then 'с опозданием'
                when not mentors_expected then 'не требуется'
                when as_of_date > mentor_base_due then 'нет файла'
                else 'ожидается' end as mentor_base_state
    from counts
)
select * from final;
