-- Accounts of the people who log in. Passwords are argon2id PHC strings.
CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP NOT NULL
);

-- Registered OAuth clients. A public client has no secret; a confidential one keeps
-- only the SHA-256 of its random 256-bit secret. Grant types, scopes and resources are
-- space-separated sets (RFC 6749 section 3.3 syntax).
CREATE TABLE clients (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    secret_hash TEXT,
    is_public BOOLEAN NOT NULL,
    grant_types TEXT NOT NULL,
    scopes TEXT NOT NULL,
    resources TEXT NOT NULL DEFAULT '',
    skip_consent BOOLEAN NOT NULL DEFAULT FALSE,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Redirect URIs kept as registered: /authorize compares them as exact strings.
CREATE TABLE client_redirect_uris (
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    uri TEXT NOT NULL,
    PRIMARY KEY (client_id, position),
    UNIQUE (client_id, uri)
);

-- Authorization codes (RFC 6749 section 4.1.2), stored as SHA-256 hashes with what the
-- token request must match: PKCE challenge, redirect URI. family_id remembers the family
-- issued at redemption, so that a replayed code can revoke it.
CREATE TABLE authorization_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL,
    resource TEXT,
    code_challenge TEXT NOT NULL,
    auth_time TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    redeemed_at TIMESTAMP,
    family_id TEXT
);
CREATE INDEX authorization_codes_expires_at ON authorization_codes (expires_at);

-- One family per authorization grant. generation counts rotations: the current token is
-- the one whose generation equals the family's. Ordering by generation, never by time,
-- decides whether a presented token is the immediately previous one.
CREATE TABLE refresh_token_families (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    resource TEXT,
    auth_time TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    idle_expires_at TIMESTAMP NOT NULL,
    absolute_expires_at TIMESTAMP NOT NULL,
    generation BIGINT NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT
);
CREATE INDEX refresh_token_families_user ON refresh_token_families (user_id);
CREATE INDEX refresh_token_families_client ON refresh_token_families (client_id);
CREATE INDEX refresh_token_families_idle ON refresh_token_families (idle_expires_at);
CREATE INDEX refresh_token_families_absolute ON refresh_token_families (absolute_expires_at);

-- Every refresh token ever issued in a live family, as a SHA-256 hash. Rotated tokens
-- (used_at set) stay until their family expires so that reuse stays detectable.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    family_id TEXT NOT NULL REFERENCES refresh_token_families (id) ON DELETE CASCADE,
    generation BIGINT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    idle_expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    UNIQUE (family_id, generation)
);

-- Remembered consent: the scope set a user granted to a client.
CREATE TABLE consents (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

-- Browser sessions at Latchkey itself, keyed by the SHA-256 of the cookie value.
CREATE TABLE browser_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    auth_time TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX browser_sessions_user ON browser_sessions (user_id);
CREATE INDEX browser_sessions_expires_at ON browser_sessions (expires_at);

-- Access-token signing keys, shared by every instance. The active key is the one not
-- retired; a retired key stays published until no token it signed can still be valid.
CREATE TABLE signing_keys (
    id TEXT PRIMARY KEY NOT NULL,
    alg TEXT NOT NULL,
    private_key TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP
);
-- At most one active key, even when two instances create the first key at once.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((retired_at IS NULL)) WHERE retired_at IS NULL;

-- Failed-login counters, per user name and per client address, shared by instances.
CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    blocked_until TIMESTAMP
);

-- What happened, for admins and for the user concerned. No secrets in detail.
CREATE TABLE security_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    user_id TEXT,
    client_id TEXT,
    family_id TEXT,
    ip TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_events_occurred_at ON security_events (occurred_at);
CREATE INDEX security_events_kind ON security_events (kind, occurred_at);
CREATE INDEX security_events_user ON security_events (user_id, occurred_at);
