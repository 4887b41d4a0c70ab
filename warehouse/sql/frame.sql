-- The frame the marts hang on and the small rules they share; no figure is defined here.
-- Executed before the marts (warehouse.db.create_views), after the fact tables (facts.sql) exist.
-- Convention of every mart: a figure that cannot be computed because a file is missing is NULL, never 0.

-- One row per reporting year (the settings year_first..year_last): the frame of the city's figures by year.
create or replace view reporting_years as
select unnest(generate_series(
    (select value::integer from settings where key = 'year_first'),
    (select value::integer from settings where key = 'year_last'))) as year;

-- One row per (organization, reporting year): the frame every per-organization figure hangs on.
create or replace view org_years as
select o.org_code, o.short_name, o.full_name, o.org_type, coalesce(o.municipality, 'Когалым') as municipality, y.year
from organizations o cross join reporting_years y;

-- A sort key that orders names as people read them: «СОШ № 2» before «СОШ № 10» (every run of digits padded
-- with zeros to 12 places). Lists of organizations sort by natural_key(short_name), then by code.
create or replace macro natural_key(s) as array_to_string(list_transform(regexp_extract_all(s, '\d+|\D+'),
    lambda part: case when regexp_full_match(part, '\d+') then lpad(part, 12, '0') else part end), '');

-- Bit n (1-based) of a mask: the masks of datasets (bit datasets.sort - 1) and roadmap items (bit item - 1).
create or replace macro bit_at(mask, n) as (mask >> (n - 1)) & 1 = 1;

-- A count of a file that was uploaded (0 when it holds no such rows), NULL when the file is missing.
create or replace macro if_reported(has_file, n) as case when has_file then coalesce(n, 0) end;

-- A share in percent with one decimal: part of whole, NULL when either is NULL or whole is 0. Every share of
-- a mart (per organization, for the city, per year) is this one expression over its counts.
create or replace macro share_pct(part, whole) as round(100.0 * part / nullif(whole, 0), 1);

-- Per organization type: the datasets it is expected to upload, as a bit mask (bit datasets.sort - 1), to be
-- matched against fact_org_year.uploaded_mask.
create or replace view expected_masks as
select t.org_type,
       coalesce(bit_or((1 << (d.sort - 1))::integer) filter (where e.dataset is not null), 0) as expected_mask,
       coalesce(bool_or(e.dataset = 'staff'), false) as staff_expected
from (select distinct org_type from organizations) t
cross join datasets d
left join expected_datasets e on e.org_type = t.org_type and e.dataset = d.dataset
group by all;

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
    from (select distinct org_type from organizations) t
    cross join reporting_years y
    cross join roadmap_items i
)
select org_type, year,
       coalesce(bit_or((1 << (item - 1))::integer) filter (where applicable), 0) as applicable_mask,
       coalesce(bit_or((1 << (item - 1))::integer) filter (where applicable and past_due), 0) as overdue_mask
from frame group by all;
