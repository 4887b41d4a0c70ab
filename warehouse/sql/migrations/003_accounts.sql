-- Local accounts, the audit log.
-- role: admin (Администратор: everything) | head (Руководитель: reads and exports everything)
--       | coordinator (Ответственный ОО: uploads and reads one organization's data, sees city totals)
create table users (
    login           varchar primary key,
    full_name       varchar not null,
    role            varchar not null,
    org_code        varchar,                 -- the coordinator's organization
    password_hash   varchar not null,        -- argon2id
    active          boolean not null default true,
    failed_attempts integer not null default 0,
    locked_until    timestamp,
    created_at      timestamp not null,
    last_login_at   timestamp
);

-- Who did what, when, from which page: logins, failed logins, logouts, uploads, restores, exports,
-- views of personal rows, changes to accounts.
create sequence audit_id_seq start 1;
create table audit_log (
    audit_id bigint primary key,
    logged_at timestamp not null,
    login    varchar,
    action   varchar not null,
    page     varchar,
    org_code varchar,
    detail   varchar
);
