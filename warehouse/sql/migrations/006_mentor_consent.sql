-- The mentors' consent to the distribution of their name (152-FZ art. 10.1, roadmap items 4 and 11):
-- the public mentor base lists by name only those who gave it. Rows loaded before this column existed
-- hold null: not consenting, as a file without the column (ingest.schemas.mentors).
alter table raw_mentors add column consent boolean;
create or replace view stg_mentors as
    select s.org_code, s.year, r.* exclude (upload_id)
    from raw_mentors r join (select upload_id, org_code, year from snapshots where dataset = 'mentors') s using (upload_id);
