-- Login sessions (issues 15 and 16): one row per logged-in browser session. The token itself lives
-- only in the user's HttpOnly cookie; the warehouse keeps its SHA-256. A session is valid while it is
-- not ended and not idle past ``expires_at`` (sliding: every script run moves it), and only while the
-- account's rights are those it was opened with (``stamp``: active flag, role, organization, password).
create table sessions (
    token_hash   varchar primary key,        -- sha256 hex of the random token
    login        varchar not null,
    stamp        varchar not null,           -- accounts.stamp() at login
    created_at   timestamp not null,
    last_seen_at timestamp not null,
    expires_at   timestamp not null,
    ended_at     timestamp,
    ended_reason varchar                     -- logout | session_expired | account_changed | ...
);
