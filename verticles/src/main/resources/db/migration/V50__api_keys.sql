-- API keys (POST /api/v1/me/api-keys): for apps and scripts that cannot log in and refresh. Only a
-- SHA-256 of the key is stored: keys are 256 random bits, so a fast hash is as safe as a slow one
-- and lets every http node check a key from memory. A deleted key keeps its row (revoked_at) so
-- that the usage rows that name it still say whose it was.
CREATE TABLE api_keys (
    id            uuid        PRIMARY KEY,
    user_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          text        NOT NULL,
    key_hash      bytea       NOT NULL UNIQUE,
    daily_tokens  bigint,
    models        text[],
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
-- GET /api/v1/me/api-keys and the per-user cap on live keys.
CREATE INDEX api_keys_user ON api_keys (user_id, created_at) WHERE revoked_at IS NULL;

-- Usage attributed to the key that made the request (null: an access token or a job).
ALTER TABLE ai_usage ADD COLUMN api_key_id uuid;
CREATE INDEX ai_usage_api_key_created ON ai_usage (api_key_id, created_at) WHERE api_key_id IS NOT NULL;
