-- Grain: one row per (organization, reporting year, dataset) — which datasets an organization owes and
-- which it uploaded (completeness_state, mart_completeness); completeness_masks is the same per
-- (organization, year) as bit masks, what counts over many organizations read.
-- Read by queries.completeness, completeness_counts, missing_uploads.

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
