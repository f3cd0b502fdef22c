-- Sender-constrained tokens (RFC 9449) and pushed authorization requests (RFC 9126).

-- Per-client policy: every token request must carry a DPoP proof; every authorization
-- request must be pushed first.
ALTER TABLE clients ADD COLUMN require_dpop BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE clients ADD COLUMN require_par BOOLEAN NOT NULL DEFAULT FALSE;

-- The RFC 7638 thumbprint of the key a code was bound to (dpop_jkt), and of the key a
-- public client's refresh-token family is bound to for its whole life.
ALTER TABLE authorization_codes ADD COLUMN dpop_jkt TEXT;
ALTER TABLE refresh_token_families ADD COLUMN dpop_jkt TEXT;

-- Pushed authorization requests, keyed by the SHA-256 of the request_uri's random part.
-- parameters holds the pushed form as it was checked; the row goes when its code is
-- issued (single use) and purge removes expired ones.
CREATE TABLE pushed_authorization_requests (
    request_hash TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    parameters TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX pushed_authorization_requests_expires_at ON pushed_authorization_requests (expires_at);

-- DPoP proofs seen, for jti replay detection on every instance: the SHA-256 of the key's
-- thumbprint and the jti. A proof is only accepted within its iat window, so a row is
-- needed only until then; purge removes the rest, which keeps the table bounded by the
-- proofs of the last two minutes.
CREATE TABLE dpop_proofs (
    proof_hash TEXT PRIMARY KEY NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX dpop_proofs_expires_at ON dpop_proofs (expires_at);
