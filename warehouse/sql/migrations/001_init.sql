-- Initial schema of the mentorship warehouse.
--
-- Layers (see README "Warehouse"):
--   raw_*      one row per row of an accepted upload, typed; every version is kept, keyed by upload_id
--   snapshots  which upload is the current snapshot of (dataset, org_code, year)
--   stg_*      views: the current typed rows per (org_code, year) = raw_* joined to snapshots
-- The organizations registry is a snapshot too, stored under org_code '*' and year 0.

create table settings (
    key   varchar primary key,
    value varchar not null
);
insert into settings values
    ('year_first', '2025'),   -- order No. 11-Пр-267 covers 2025-2028; its appendix title says 2025-2029,
    ('year_last',  '2028'),   -- so the range is a setting: python -m warehouse years 2025 2029
    ('demo',       'false');

-- Reference data: the 11 items of the roadmap (appendix to order No. 11-Пр-267 of 20.03.2025).
-- due_month/due_day: the date after which a not-done item counts as overdue in reporting year Y.
-- applicable_years: comma-separated years when the item applies at all; null means every year.
create table roadmap_items (
    item             integer primary key,
    title            varchar not null,
    short_title      varchar not null,
    result_form      varchar not null,
    deadline_text    varchar not null,
    executors        varchar not null,
    org_only         boolean not null,   -- items 3 and 10 are run by the organizations alone
    due_month        integer not null,
    due_day          integer not null,
    applicable_years varchar
);
insert into roadmap_items values
 (1, 'Информирование образовательных организаций и участников программ наставничества о реализации целевой модели наставничества',
     'Информирование', 'Информационные письма, материалы на официальных сайтах УО и ОО', 'В течение всего периода',
     'Отдел ОПД УО, образовательные организации', false, 12, 31, null),
 (2, 'Разработка/актуализация локальных нормативных актов по реализации целевой модели наставничества и организации наставничества педагогических работников',
     'Локальные акты', 'Документы, локальные акты на официальных сайтах УО, ОО', 'В течение всего периода',
     'Отдел ОПД УО, образовательные организации', false, 12, 31, null),
 (3, 'Разработка и реализация персонализированных программ наставничества, в том числе для молодых педагогов до 35 лет со стажем работы в ОО не более 3 лет',
     'Персонализированные программы', 'Персонализированные программы наставничества на официальных сайтах ОО', 'В течение всего периода',
     'Образовательные организации', true, 12, 31, null),
 (4, 'Формирование единой информационной базы наставников педагогических работников и обучающихся',
     'База наставников', 'Единая информационная база наставников на официальных сайтах УО, ОО', 'Ежегодно, сентябрь–октябрь',
     'Отдел ОПД УО, образовательные организации', false, 10, 31, null),
 (5, 'Проведение городских методических мероприятий для наставников и наставляемых',
     'Мероприятия для наставников', 'Итоги мероприятий на официальных сайтах УО, ОО', 'В течение всего периода',
     'Отдел ОПД УО, образовательные организации', false, 12, 31, null),
 (6, 'Проведение городских методических мероприятий для педагогов, испытывающих профессиональные затруднения',
     'Мероприятия для педагогов с затруднениями', 'Итоги мероприятий на официальных сайтах УО, ОО', 'В течение всего периода',
     'Отдел ОПД УО, образовательные организации', false, 12, 31, null),
 (7, 'Проведение мониторингов эффективности и результативности внедрения целевой модели наставничества педагогических работников',
     'Мониторинг', 'Итоги мониторинга на официальных сайтах УО, ОО', 'С периодичностью 1 раз в год',
     'Отдел ОПД УО, образовательные организации', false, 12, 31, null),
 (8, 'Проведение муниципального профессионального конкурса «Педагог-наставник»',
     'Конкурс «Педагог-наставник»', 'Итоги конкурса на официальных сайтах УО, ОО', '2026, 2028 годы (октябрь)',
     'Отдел ОПД УО, образовательные организации', false, 10, 31, '2026,2028'),
 (9, 'Представление практик образовательных организаций по реализации целевой модели наставничества на муниципальном, региональном и федеральном уровнях',
     'Представление практик', 'Участие в мероприятиях, итоги на официальных сайтах УО, ОО', 'Ежегодно',
     'Отдел ОПД УО, образовательные организации', false, 12, 31, null),
 (10, 'Привлечение к реализации программ наставничества вузов, организаций СПО, предприятий и организаций, учреждений культуры и спорта',
     'Привлечение партнёров', 'Информационные письма, материалы на официальных сайтах УО, ОО', 'В течение всего периода',
     'Образовательные организации', true, 12, 31, null),
 (11, 'Наполнение интернет-ресурса муниципального образования/образовательной организации актуальной информацией о реализации целевой модели наставничества',
     'Интернет-ресурс', 'Документы и информация на официальных сайтах УО, ОО', 'В течение всего периода',
     'Отдел ОПД УО, образовательные организации', false, 12, 31, null);

-- Every upload attempt, accepted or not (the upload log).
-- outcome: loaded | rejected | unchanged (same file as the current snapshot) | restored
create sequence upload_id_seq start 1;
create table uploads (
    upload_id          bigint primary key,
    dataset            varchar not null,
    org_code           varchar not null,
    year               integer not null,
    outcome            varchar not null,
    version            integer,           -- 1, 2, ... per (dataset, org_code, year) for loaded uploads
    file_name          varchar,
    sha256             varchar,
    size_bytes         bigint,
    encoding           varchar,
    delimiter          varchar,
    rows               integer,
    error_count        integer not null default 0,
    warning_count      integer not null default 0,
    replaced_upload_id bigint,            -- the snapshot this one replaced
    restored_from      bigint,            -- for outcome 'restored': the version made current again
    uploaded_by        varchar not null,
    uploaded_at        timestamp not null,
    message            varchar
);

-- The problems found in an upload (errors and warnings), first 1000 per upload.
create table upload_issues (
    upload_id    bigint not null,
    severity     varchar not null,   -- error | warning
    row_no       integer,            -- as the spreadsheet shows it; null for file-level problems
    column_title varchar,
    value        varchar,
    expected     varchar,
    message      varchar not null
);

-- The current snapshot of each (dataset, org_code, year).
create table snapshots (
    dataset    varchar not null,
    org_code   varchar not null,
    year       integer not null,
    upload_id  bigint not null,
    updated_at timestamp not null,
    primary key (dataset, org_code, year)
);

create table raw_organizations (
    upload_id bigint not null, row_no integer not null,
    org_code varchar, full_name varchar, short_name varchar, org_type varchar,
    municipality varchar, inn varchar, website varchar
);
create table raw_roadmap (
    upload_id bigint not null, row_no integer not null,
    item integer, status varchar, done_date date, result_url varchar, comment varchar
);
create table raw_staff (
    upload_id bigint not null, row_no integer not null,
    teacher_id varchar, position varchar, age integer, years_in_org integer, teaching_years integer,
    qualification varchar, has_difficulties boolean, is_new boolean
);
create table raw_mentors (
    upload_id bigint not null, row_no integer not null,
    mentor_id varchar, full_name varchar, mentor_type varchar, teacher_id varchar, workplace varchar,
    mentors_whom varchar, trained boolean, order_date date
);
create table raw_mentorships (
    upload_id bigint not null, row_no integer not null,
    pair_id varchar, mentor_id varchar, mentee_type varchar, mentee_id varchar, mentee_category varchar,
    form varchar, has_program boolean, program_url varchar, start_date date, end_date date,
    status varchar, satisfaction integer
);
create table raw_partners (
    upload_id bigint not null, row_no integer not null,
    name varchar, partner_type varchar, inn varchar, agreement varchar, participation_forms varchar,
    mentors_count integer, since_date date
);
create table raw_events (
    upload_id bigint not null, row_no integer not null,
    event_date date, title varchar, level varchar, kind varchar, role varchar,
    participants integer, result varchar, url varchar
);
create table raw_students (
    upload_id bigint not null, row_no integer not null,
    students_total integer, students_10_18 integer, mentee_students integer, mentor_students integer
);

-- Current rows. One row per row of the current snapshot of each (org_code, year).
create view organizations as
    select r.* exclude (upload_id, row_no)
    from raw_organizations r join snapshots s using (upload_id);
create view stg_roadmap as
    select s.org_code, s.year, r.* exclude (upload_id) from raw_roadmap r join snapshots s using (upload_id);
create view stg_staff as
    select s.org_code, s.year, r.* exclude (upload_id) from raw_staff r join snapshots s using (upload_id);
create view stg_mentors as
    select s.org_code, s.year, r.* exclude (upload_id) from raw_mentors r join snapshots s using (upload_id);
create view stg_mentorships as
    select s.org_code, s.year, r.* exclude (upload_id) from raw_mentorships r join snapshots s using (upload_id);
create view stg_partners as
    select s.org_code, s.year, r.* exclude (upload_id) from raw_partners r join snapshots s using (upload_id);
create view stg_events as
    select s.org_code, s.year, r.* exclude (upload_id) from raw_events r join snapshots s using (upload_id);
create view stg_students as
    select s.org_code, s.year, r.* exclude (upload_id) from raw_students r join snapshots s using (upload_id);
