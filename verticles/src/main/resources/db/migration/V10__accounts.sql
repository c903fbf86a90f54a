-- Accounts v1.1: status, "tokens issued before this instant are refused", GDPR erasure.
-- tokens_valid_after is set by a password change, a reset, disabling and erasure; every http node
-- keeps the recent ones in memory (io.learngrid.http.auth.Revocations) and refuses older tokens.
ALTER TABLE users
    ADD COLUMN status             text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    ADD COLUMN tokens_valid_after timestamptz,
    ADD COLUMN erased_at          timestamptz;
-- A node starting loads only revocations younger than the access-token lifetime.
CREATE INDEX users_tokens_valid_after ON users (tokens_valid_after) WHERE tokens_valid_after IS NOT NULL;
-- GET /admin/users?q= is a prefix search on the email or the name (case-insensitive); the
-- pattern_ops indexes serve `LIKE 'prefix%'` whatever the database's collation.
CREATE INDEX users_email_prefix ON users (email text_pattern_ops);
CREATE INDEX users_name_prefix ON users (lower(display_name) text_pattern_ops);

-- Access tokens refused before their expiry (logout): by jti, until the token would expire anyway.
CREATE TABLE revoked_access_tokens (
    jti        uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX revoked_access_tokens_expires ON revoked_access_tokens (expires_at);

-- Password-reset tokens: only the SHA-256 is stored; single use (used_at), 30 minutes.
CREATE TABLE password_reset_tokens (
    token_hash bytea       PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX password_reset_tokens_user ON password_reset_tokens (user_id);
CREATE INDEX password_reset_tokens_expires ON password_reset_tokens (expires_at);

-- A password change, a reset, disabling and erasure revoke every refresh token of one user.
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
