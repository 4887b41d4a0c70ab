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
           sum(k.items_unreported)::bigint as items_unreported,
           count(*) filter (where k.items_overdue > 0) as orgs_with_overdue,
           sum(k.teachers)::bigint as teachers,
           sum(k.mentors)::bigint as mentors,
           count(*) filter (where k.mentors is not null) as mentors_reported,
           sum(k.mentors_overloaded)::bigint as mentors_overloaded,
           sum(k.mentors_trained)::bigint as mentors_trained,
           -- teachers who mentor (of the staff file), over the organizations with both files
           sum(k.teachers_who_mentor)::bigint as teachers_who_mentor,
           sum(k.teachers) filter (where k.teachers_who_mentor is not null)::bigint as teachers_of_mentor_share,
           -- coverage: only the organizations whose coverage is known (staff and pairs files)
           sum(k.young_teachers) filter (where k.young_covered is not null)::bigint as young_teachers,
           sum(k.young_covered)::bigint as young_covered,
           count(*) filter (where k.young_covered is not null) as coverage_reported,
           sum(k.teachers_with_difficulties) filter (where k.difficulties_covered is not null)::bigint
               as teachers_with_difficulties,
           sum(k.difficulties_covered)::bigint as difficulties_covered,
           -- pairs
           sum(k.pairs)::bigint as pairs,
           count(*) filter (where k.pairs is not null) as pairs_reported,
           sum(k.pairs_active)::bigint as pairs_active,
           sum(k.pairs_completed)::bigint as pairs_completed,
           sum(k.pairs_interrupted)::bigint as pairs_interrupted,
           sum(k.pairs_planned)::bigint as pairs_planned,
           sum(k.pairs_with_programme)::bigint as pairs_with_programme,
           sum(k.pairs_rated)::bigint as pairs_rated,
           sum(k.satisfaction_sum)::bigint as satisfaction_sum,
           -- students in mentorship (federal indicator), over the organizations that sent the students file
           count(*) filter (where k.students_total is not null) as students_reported,
           sum(k.students_total)::bigint as students_total,
           sum(k.students_10_18)::bigint as students_10_18,
           sum(k.mentee_students)::bigint as mentee_students,
           sum(k.mentor_students)::bigint as mentor_students,
           -- partners: over the organizations item 10 applies to (never the department)
           count(*) filter (where k.partners_applicable) as partners_expected,
           count(*) filter (where k.partners_applicable and k.partners > 0) as orgs_with_partners,
           count(*) filter (where k.partners_applicable and k.partners is not null) as partners_reported,
           sum(k.partners)::bigint as partners,
           sum(k.partners_with_mentors)::bigint as partners_with_mentors,
           sum(k.mentors_from_partners)::bigint as mentors_from_partners,
           -- events and the contest of item 8
           sum(k.events)::bigint as events,
           sum(k.practices_regional_federal)::bigint as practices_regional_federal,
           sum(k.contest_events)::bigint as contest_events,
           sum(k.contest_participants)::bigint as contest_participants,
           sum(k.contest_prizewinners)::bigint as contest_prizewinners,
           sum(k.contest_winners)::bigint as contest_winners,
           sum(k.contests_other)::bigint as contests_other,
           -- item 4: the mentor base on time
           count(*) filter (where k.mentors_expected) as mentor_base_expected,
           count(*) filter (where k.mentor_base_on_time) as mentor_base_on_time,
           count(*) filter (where not k.mentor_base_on_time) as mentor_base_late,
           count(*) filter (where k.datasets_uploaded = 0) as orgs_without_uploads,
           count(*) filter (where k.datasets_missing > 0) as orgs_with_missing
    from years y
    left join orgs k using (year)
    group by y.year
),
final as (
    select year, organizations, roadmap_reported, items_done, items_due,
           share_pct(items_done, items_due) as done_pct,
           items_overdue, items_unreported, orgs_with_overdue, teachers, mentors, mentors_reported,
           mentors_overloaded, mentors_trained, teachers_who_mentor, teachers_of_mentor_share,
           share_pct(teachers_who_mentor, teachers_of_mentor_share) as teachers_mentor_pct,
           young_teachers, young_covered,
           share_pct(young_covered, young_teachers) as young_coverage_pct,
           coverage_reported, teachers_with_difficulties, difficulties_covered,
           pairs, pairs_reported, pairs_active, pairs_completed, pairs_interrupted, pairs_planned,
           pairs_with_programme, pairs_rated, satisfaction_sum,
           round(1.0 * satisfaction_sum / nullif(pairs_rated, 0), 2) as satisfaction_avg,
           students_reported, students_total, students_10_18, mentee_students, mentor_students,
           share_pct(mentee_students, students_10_18) as mentee_students_pct,
           share_pct(mentor_students, students_total) as mentor_students_pct,
           partners_expected, orgs_with_partners, partners_reported,
           share_pct(orgs_with_partners, partners_expected) as orgs_with_partners_pct,
           partners, partners_with_mentors, mentors_from_partners, events,
           practices_regional_federal, contest_events, contest_participants, contest_prizewinners,
           contest_winners, contests_other,
           mentor_base_expected, mentor_base_on_time, mentor_base_late,
           orgs_without_uploads, orgs_with_missing
    from sums
)
select * from final;
