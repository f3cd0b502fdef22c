-- OpenID Connect. Users get an optional email address (verified only when an admin says
-- so) and display name, released in ID tokens and at /userinfo for the profile and email
-- scopes.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN email_verified BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN display_name TEXT;

-- A client's ID-token algorithm (NULL: the server's signing algorithm) and the URIs it
-- may be sent back to after RP-initiated logout, space-separated, compared exactly.
ALTER TABLE clients ADD COLUMN id_token_alg TEXT;
ALTER TABLE clients ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT '';

-- The nonce of an authentication request travels with its code into the ID token.
ALTER TABLE authorization_codes ADD COLUMN nonce TEXT;

-- One active key per algorithm in use (access tokens with one, ID tokens with the
-- algorithm each client asked for), still at most one per algorithm when two instances
-- create keys at once.
DROP INDEX signing_keys_one_active;
CREATE UNIQUE INDEX signing_keys_one_active_per_alg ON signing_keys (alg) WHERE retired_at IS NULL;
