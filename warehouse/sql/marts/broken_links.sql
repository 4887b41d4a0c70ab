-- Grain: one row per (organization, reporting year, referring dataset, referred dataset) whose current files
-- disagree: the referring file names IDs that the referred file no longer has.
-- A file is checked against the others when it is uploaded (ingest/schemas: a teacher mentor's «ID педагога»
-- must be in the staff file, a pair's mentor in the mentors file, a teacher mentee in the staff file), but a
-- later staff or mentors file, or a restore of an earlier version, can drop IDs the other files still name.
-- Such a mentor does not count as a teacher who mentors (fact_mentor.teacher_in_staff, facts.sql), and the
-- organization's coordinator and the department see the IDs under «Требует внимания».
-- broken_links_after(ds, uid, org, yr): the same for the files of (org, yr) if the snapshot of dataset ds were
-- the upload uid (a restore of an earlier version): snapshots.links_broken_by_restore shows what a restore would
-- break before it is made. mart_broken_links is the current files (no replacement).
-- Read by queries.broken_links and warehouse.snapshots.links_broken_by_restore.
create or replace macro broken_links_after(ds, uid, org, yr) as table
with snaps as (
    select org_code, year, dataset,
           case when dataset = ds and org_code = org and year = yr then uid else upload_id end as upload_id
    from snapshots
    where org_code <> '*' and dataset in ('staff', 'mentors', 'mentorships')
          and (org is null or org_code = org) and (yr is null or year = yr)
),
staff as (select s.org_code, s.year, t.teacher_id from raw_staff t join snaps s using (upload_id)),
mentors as (select s.org_code, s.year, m.mentor_id, m.mentor_type, m.teacher_id
            from raw_mentors m join snaps s using (upload_id)),
pairs as (select s.org_code, s.year, p.pair_id, p.mentor_id, p.mentee_type, p.mentee_id
          from raw_mentorships p join snaps s using (upload_id)),
has_staff as (select distinct org_code, year from snaps where dataset = 'staff'),
has_mentors as (select distinct org_code, year from snaps where dataset = 'mentors'),
links as (
    -- a teacher mentor whose teacher is not in the staff file
    select m.org_code, m.year, 'mentors' as dataset, 'ID педагога' as column_title, 'staff' as target,
           m.teacher_id as missing_id
    from mentors m semi join has_staff using (org_code, year)
    where m.mentor_type = 'педагог' and m.teacher_id is not null
          and not exists (select 1 from staff t where t.org_code = m.org_code and t.year = m.year
                                                    and t.teacher_id = m.teacher_id)
    union all
    -- a pair whose mentor is not in the mentors file
    select p.org_code, p.year, 'mentorships', 'ID наставника', 'mentors', p.mentor_id
    from pairs p semi join has_mentors using (org_code, year)
    where not exists (select 1 from mentors m where m.org_code = p.org_code and m.year = p.year
                                                and m.mentor_id = p.mentor_id)
    union all
    -- a pair whose teacher mentee is not in the staff file
    select p.org_code, p.year, 'mentorships', 'ID наставляемого', 'staff', p.mentee_id
    from pairs p semi join has_staff using (org_code, year)
    where p.mentee_type = 'педагог' and p.mentee_id is not null
          and not exists (select 1 from staff t where t.org_code = p.org_code and t.year = p.year
                                                  and t.teacher_id = p.mentee_id)
),
final as (
    select l.org_code, o.short_name, l.year, l.dataset, d.title as dataset_title, l.column_title,
           l.target, t.title as target_title,
           count(distinct l.missing_id) as ids_missing,
           string_agg(distinct l.missing_id, ', ' order by l.missing_id) as missing_ids
    from links l
    join organizations o using (org_code)
    join datasets d on d.dataset = l.dataset
    join datasets t on t.dataset = l.target
    group by all
)
select * from final;

create or replace view mart_broken_links as select * from broken_links_after(null, null, null, null);
