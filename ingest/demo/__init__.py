"""The demo world: one deterministic generator of every dataset's rows, at any scale.

What it generates
-----------------
:func:`org_years` (in :mod:`ingest.demo.world`) yields, organization by organization and year by
year, the rows of each file an organization sends, keyed by the declared field names
(``ingest.schemas.DATASETS[name].fields``); :func:`registry_rows` the department's registry. Two
consumers, one world:

- the **city** goes through ingest as real files do: :func:`generate_files` writes the rows as the
  organizations' files (``(dataset, org_code, year, file_name, bytes)``, the registry first) and
  :func:`build_demo` creates a new warehouse, marks it demo, loads every file with
  :func:`ingest.load.load_file` and creates the demo accounts (``accounts.csv``); any outcome other
  than «loaded» is a bug here;
- the page benchmark's **region** and **nation** (``bench/build_warehouse.py``) take the same rows
  as Arrow tables from :func:`tables` and bulk-insert them into the tables the loader writes (the
  real path costs about 39 ms a file, and the nation is about 580,000 files).

Scales: ``"city"`` is Kogalym as the order describes it: the department (code «УО», type «орган
управления образованием»), 8 schools, 15 kindergartens, 2 additional-education organizations,
about 1 200 teachers. ``"region"`` (700 organizations) and ``"nation"`` (42 000 organizations,
about 1.3 million teachers) or an ``int`` number of organizations lay out municipalities of about
28 organizations each (one department, schools, kindergartens, additional education), CSV only.
Every scale has the reporting years 2025 and 2026.

Decisions
---------
- Determinism: one ``numpy`` Generator per organization, seeded from ``(seed, organization index)``,
  and one per municipality calendar; an organization's files do not depend on the others, so a
  benchmark can take a prefix of the stream or simulate organizations in parallel. No wall clock: "today" is fixed at 24.11.2026 (the
  2025 data are a finished year seen on 31.12.2025; the 2026 data are work in progress).
- Marking: full names start with «[ДЕМО]», short names and partner names end with «(демо)», sites
  live under ``example.ru``; mentor names combine lists of surnames, first names and
  patronymics with matching gender endings (plausible, not real people).
- People: teachers aged 21–66; about 17 % young (under 35 with at most 3 years in the
  organization); about 6 % with «Затруднения». The 2026 staff are the 2025 staff a year older,
  minus leavers (mostly 60+), plus new hires (mostly young). Teachers who are mentors are never
  young and never have difficulties.
- Mentorships follow school years: a pair of 2024/25 is «завершена» in the 2025 file; a pair of
  2025/26 is «в работе» in the 2025 file and «завершена» in the 2026 file (same ID); pairs of
  2026/27 are «в работе» or «планируется» (starts in December) in the 2026 file. Each
  organization has a coverage propensity, so young-teacher coverage varies from about 40 % to
  100 %. Two schools have one mentor with more than 3 active mentees (a warning); about 1.5 % of
  teacher programmes run longer than 12 months (a warning); a few pairs are «прервана».
- The department uploads only the roadmap and events: it has no teachers of its own; it marks
  items 3 and 10 «не требуется» (the organizations' alone) and organizes the municipal events
  (seminars, the contest «Педагог-наставник» in October 2026) that organizations attend.
- Roadmap item 8 is «не требуется» in 2025 for everyone and mostly «выполнено» in October 2026.
- Gaps on purpose (city): «ДС14» uploads nothing for 2026; «ДС09» has no mentors (hence no
  mentorships) for 2026; «СОШ7» has no partners file for 2025; «ЦДО» no students for 2026;
  «СОШ10» no events for 2026; kindergartens without partners upload no partners file.
  Elsewhere about 2 % of organizations send nothing for a year and 5 % miss one file.
- Formats: most files are CSV in cp1251 with «;» (Excel's «CSV (разделители — точки с запятой)»),
  some CSV in UTF-8 with BOM, and three city organizations (and the city registry) send XLSX with
  the template headers. Values are always the canonical allowed values.
"""

from ingest.demo.files import DEMO_ACCOUNTS, build_demo, encode_csv, encode_xlsx, generate_files
from ingest.demo.vocabulary import ADDITIONAL, DEPARTMENT, KINDERGARTEN, SCHOOL
from ingest.demo.world import (
    ORG_DATASETS,
    SCALES,
    TODAY,
    YEARS,
    make_inn,
    org_years,
    person_name,
    plan,
    registry_rows,
    snapshot_date,
    table_parts,
    tables,
    upload_time,
)

__all__ = [
    "ADDITIONAL", "DEMO_ACCOUNTS", "DEPARTMENT", "KINDERGARTEN", "ORG_DATASETS", "SCALES", "SCHOOL", "TODAY", "YEARS",
    "build_demo", "encode_csv", "encode_xlsx", "generate_files", "make_inn", "org_years", "person_name", "plan",
    "registry_rows", "snapshot_date", "table_parts", "tables", "upload_time",
]
