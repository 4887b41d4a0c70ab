-- Reference data: the datasets an organization uploads per reporting year, and which of them each
-- type of organization is expected to upload. Kindergartens have no students aged 10-18 (no
-- `students` file); the department reports on the items it runs (`roadmap`, `events`).
create table datasets (
    dataset varchar primary key,
    title   varchar not null,
    sort    integer not null
);
insert into datasets values
    ('roadmap', 'Дорожная карта', 1),
    ('staff', 'Педагоги', 2),
    ('mentors', 'Наставники', 3),
    ('mentorships', 'Наставнические пары', 4),
    ('partners', 'Партнёры', 5),
    ('events', 'Мероприятия', 6),
    ('students', 'Обучающиеся', 7);

create table expected_datasets (
    org_type varchar not null,
    dataset  varchar not null,
    primary key (org_type, dataset)
);
insert into expected_datasets
    select t.org_type, d.dataset
    from (values ('общеобразовательная'), ('дополнительного образования')) t(org_type) cross join datasets d;
insert into expected_datasets
    select 'дошкольная', dataset from datasets where dataset <> 'students';
insert into expected_datasets values
    ('орган управления образованием', 'roadmap'),
    ('орган управления образованием', 'events');
