-- The counts behind every figure, per (organization, year), materialized as fact_* tables.
--
-- Each calc_<name>(org, yr) table macro computes one fact table for one organization and year (or for all
-- of them, given nulls). warehouse/facts.py keeps the tables equal to the macros: an upload or a restore
-- recomputes its (organization, year) in the same transaction, and a change of this file (its digest in
-- settings) rebuilds them all when the warehouse is opened for writing. The figures (views.sql) read the
-- tables, so a page at national scale reads 42,000 rows per year instead of 1.3 million teachers.
--
-- A fact depends only on its organization's own snapshots and upload log: never on the registry (the
-- organization's type, name) or on today's date, which the views join and judge at query time.
--
-- The contract's rules are written once: «young» and «overloaded» are the macros is_young_teacher and
-- is_overloaded (their numbers live in warehouse/thresholds.py, which creates them before this file),
-- «covered» is the table macro covered_teachers below; the marts use the same macros for their rows.

-- A practice presented at the regional or federal level (item 9), counted here and listed by queries.regional_practices.
create or replace macro is_regional_practice(kind, level) as
    kind = 'представление практики' and level in ('региональный', 'федеральный');

-- The municipal contest «Педагог-наставник» of item 8: an event kind of its own (ingest/schemas/events.py), or
-- kind «конкурс» at the municipal level with the contest's name in the title (the upload warns; the pattern is
-- ingest.schemas.events.CONTEST_TITLE). Other contests are listed apart and never counted as item 8.
create or replace macro is_item8_contest(kind, level, title) as
    kind = 'конкурс «Педагог-наставник»'
    or (kind = 'конкурс' and level = 'муниципальный' and regexp_matches(lower(title), 'педагог\W*наставник'));

-- The organization's own entry in a contest, not the contest it ran: an organizer's «Участников 12» counts
-- the contest's participants, not the organization's. An entry row with «Участников» empty counts one.
create or replace macro contest_entrants(role, participants) as
    case when role = 'участник' then coalesce(participants, 1) else 0 end;

-- A partner that provides mentors, counted here and marked in queries.partners and partner_counts.
create or replace macro is_mentor_partner(mentors_count) as mentors_count > 0;

-- One row per (organization, year, teacher) who is the mentee of a pair «в работе» or «завершена» in the
-- current mentorships snapshot: «covered» (DOMAIN.md), for young teachers and those with difficulties alike.
create or replace macro covered_teachers(org, yr) as table
select distinct s.org_code, s.year, m.mentee_id as teacher_id
from raw_mentorships m join snapshots s using (upload_id)
where s.dataset = 'mentorships' and (org is null or s.org_code = org) and (yr is null or s.year = yr)
      and m.mentee_type = 'педагог' and m.status in ('в работе', 'завершена');

-- One row per (organization, year) with at least one current snapshot.
-- Roadmap statuses are bit masks: bit (item - 1) is set when the item was reported with that status.
create or replace macro calc_org_year(org, yr) as table
with snaps as (
    select org_code, year, dataset, upload_id from snapshots
    where org_code <> '*' and (org is null or org_code = org) and (yr is null or year = yr)
),
files as (
    select org_code, year, count(*) as datasets_uploaded,
           bit_or((1 << (d.sort - 1))::integer) as uploaded_mask,   -- bit (datasets.sort - 1) per dataset
           bool_or(dataset = 'roadmap') as has_roadmap, bool_or(dataset = 'staff') as has_staff,
           bool_or(dataset = 'mentors') as has_mentors, bool_or(dataset = 'mentorships') as has_pairs,
           bool_or(dataset = 'partners') as has_partners, bool_or(dataset = 'events') as has_events,
           bool_or(dataset = 'students') as has_students
    from snaps join datasets d using (dataset) group by all
),
roadmap as (
    select s.org_code, s.year,
           coalesce(bit_or((1 << (r.item - 1))::integer) filter (where r.status = 'выполнено'), 0) as rm_done,
           coalesce(bit_or((1 << (r.item - 1))::integer) filter (where r.status = 'в работе'), 0) as rm_started,
           coalesce(bit_or((1 << (r.item - 1))::integer) filter (where r.status = 'не начато'), 0) as rm_not_started,
           coalesce(bit_or((1 << (r.item - 1))::integer) filter (where r.status = 'не требуется'), 0) as rm_not_needed
    from raw_roadmap r join snaps s using (upload_id) group by all
),
staff as (
    select s.org_code, s.year, count(*) as teachers,
           count(*) filter (where is_young_teacher(t.age, t.years_in_org)) as young_teachers,
           count(*) filter (where t.has_difficulties) as teachers_with_difficulties,
           count(*) filter (where is_young_teacher(t.age, t.years_in_org) and c.teacher_id is not null)
               as young_covered,
           count(*) filter (where t.has_difficulties and c.teacher_id is not null) as difficulties_covered
    from raw_staff t join snaps s using (upload_id)
    left join covered_teachers(org, yr) c
        on c.org_code = s.org_code and c.year = s.year and c.teacher_id = t.teacher_id
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
           -- only teachers of the current staff file: a mentor whose teacher left is a broken link, not a teacher
           count(distinct teacher_id) filter (where mentor_type = 'педагог' and teacher_in_staff) as teachers_who_mentor,
           count(*) filter (where trained) as mentors_trained,
           count(*) filter (where overloaded) as mentors_overloaded,
           sum(active_mentees)::integer as active_mentees
    from calc_mentor(org, yr) group by all
),
pairs as (
    select s.org_code, s.year, count(*) as pairs,
           count(*) filter (where m.status = 'в работе') as pairs_active,
           count(*) filter (where m.status = 'завершена') as pairs_completed,
           count(*) filter (where m.status = 'прервана') as pairs_interrupted,
           count(*) filter (where m.status = 'планируется') as pairs_planned,
           count(*) filter (where m.has_program) as pairs_with_programme,
           count(m.satisfaction)::integer as pairs_rated,
           sum(m.satisfaction)::integer as satisfaction_sum
    from raw_mentorships m join snaps s using (upload_id) group by all
),
partners as (
    select s.org_code, s.year, count(*) as partners,
           count(*) filter (where is_mentor_partner(p.mentors_count)) as partners_with_mentors,
           sum(p.mentors_count)::integer as mentors_from_partners
    from raw_partners p join snaps s using (upload_id) group by all
),
events as (
    select s.org_code, s.year, count(*) as events,
           count(*) filter (where e.kind = 'для наставников и наставляемых') as events_item5,
           count(*) filter (where e.kind = 'для педагогов с затруднениями') as events_item6,
           count(*) filter (where e.kind = 'представление практики') as practices,
           count(*) filter (where is_regional_practice(e.kind, e.level)) as practices_regional_federal,
           count(*) filter (where e.contest8) as contest_events,
           count(*) filter (where e.contest8 and e.role = 'организатор') as contest_organized,
           sum(contest_entrants(e.role, e.participants)) filter (where e.contest8)::integer as contest_participants,
           count(*) filter (where e.contest8 and e.role = 'участник' and e.result = 'призёр') as contest_prizewinners,
           count(*) filter (where e.contest8 and e.role = 'участник' and e.result = 'победитель') as contest_winners,
           count(*) filter (where e.kind = 'конкурс' and not e.contest8) as contests_other
    from (select *, is_item8_contest(kind, level, title) as contest8 from raw_events) e
    join snaps s using (upload_id) group by all
),
students as (
    select s.org_code, s.year, st.students_total, st.students_10_18, st.mentee_students, st.mentor_students
    from raw_students st join snaps s using (upload_id)
),
mentors_arrival as (   -- item 4: when the year's mentors file first arrived
    select org_code, year, min(uploaded_at) as mentors_first_loaded_at
    from uploads
    where dataset = 'mentors' and outcome = 'loaded' and (org is null or org_code = org) and (yr is null or year = yr)
    group by all
)
select f.org_code, f.year, f.datasets_uploaded, f.uploaded_mask, f.has_roadmap, f.has_staff, f.has_mentors, f.has_pairs,
       f.has_partners, f.has_events, f.has_students,
       coalesce(r.rm_done, 0) as rm_done, coalesce(r.rm_started, 0) as rm_started,
       coalesce(r.rm_not_started, 0) as rm_not_started, coalesce(r.rm_not_needed, 0) as rm_not_needed,
       s.* exclude (org_code, year), m.* exclude (org_code, year), pr.* exclude (org_code, year),
       p.* exclude (org_code, year), e.* exclude (org_code, year), st.* exclude (org_code, year),
       ma.mentors_first_loaded_at
from files f
left join roadmap r using (org_code, year)
left join staff s using (org_code, year)
left join mentors m using (org_code, year)
left join pairs pr using (org_code, year)
left join partners p using (org_code, year)
left join events e using (org_code, year)
left join students st using (org_code, year)
left join mentors_arrival ma using (org_code, year);

-- One row per mentor of a current mentors snapshot with their load (pairs «в работе»).
create or replace macro calc_mentor(org, yr) as table
with snaps as (
    select org_code, year, dataset, upload_id from snapshots
    where dataset in ('mentors', 'mentorships', 'staff') and (org is null or org_code = org)
          and (yr is null or year = yr)
),
staff_ids as (
    select s.org_code, s.year, t.teacher_id from raw_staff t join snaps s using (upload_id)
),
load as (
    select s.org_code, s.year, p.mentor_id, count(*) filter (where p.status = 'в работе') as active_mentees,
           count(*) as pairs
    from raw_mentorships p join snaps s using (upload_id) group by all
)
select s.org_code, s.year, m.mentor_id, m.full_name, m.mentor_type, m.teacher_id, m.mentors_whom, m.workplace,
       m.trained, m.order_date, coalesce(l.active_mentees, 0) as active_mentees, coalesce(l.pairs, 0) as pairs,
       is_overloaded(coalesce(l.active_mentees, 0)) as overloaded,
       -- a teacher mentor whose teacher is in the current staff file (false: a broken link, or no staff file)
       m.mentor_type = 'педагог' and t.teacher_id is not null as teacher_in_staff
from raw_mentors m join snaps s using (upload_id)
left join load l on l.org_code = s.org_code and l.year = s.year and l.mentor_id = m.mentor_id
left join staff_ids t on t.org_code = s.org_code and t.year = s.year and t.teacher_id = m.teacher_id;

-- One row per young teacher (is_young_teacher) of a current staff snapshot, with whether a mentorship in work
-- or completed covers them (covered_teachers).
create or replace macro calc_young_teacher(org, yr) as table
with snaps as (
    select org_code, year, dataset, upload_id from snapshots
    where dataset in ('staff', 'mentorships') and (org is null or org_code = org) and (yr is null or year = yr)
),
has_pairs as (
    select org_code, year from snaps where dataset = 'mentorships'
)
select s.org_code, s.year, t.teacher_id, t.position, t.age, t.years_in_org, t.has_difficulties,
       h.org_code is not null as pairs_reported,
       c.teacher_id is not null as covered
from raw_staff t join snaps s using (upload_id)
left join covered_teachers(org, yr) c on c.org_code = s.org_code and c.year = s.year and c.teacher_id = t.teacher_id
left join has_pairs h on h.org_code = s.org_code and h.year = s.year
where s.dataset = 'staff' and is_young_teacher(t.age, t.years_in_org);

-- One row per current snapshot of an organization: when it and its first version arrived, how many versions.
create or replace macro calc_upload(org, yr) as table
with loaded as (
    select dataset, org_code, year, min(uploaded_at) as first_loaded_at, count(*) as versions
    from uploads
    where outcome = 'loaded' and (org is null or org_code = org) and (yr is null or year = yr)
    group by all
)
select s.org_code, s.year, s.dataset, u.uploaded_at as current_since, u.rows, u.version, u.file_name,
       u.uploaded_by, l.first_loaded_at, coalesce(l.versions, 0) as versions
from snapshots s
join uploads u using (upload_id)
left join loaded l on l.dataset = s.dataset and l.org_code = s.org_code and l.year = s.year
where s.org_code <> '*' and (org is null or s.org_code = org) and (yr is null or s.year = yr);
