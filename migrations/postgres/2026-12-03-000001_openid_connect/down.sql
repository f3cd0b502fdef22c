-- Back to one active key: the newest stays, the others retire now (their tokens stay
-- verifiable until purge, as after any rotation).
DROP INDEX signing_keys_one_active_per_alg;
UPDATE signing_keys SET retired_at = CURRENT_TIMESTAMP
WHERE retired_at IS NULL
  AND id <> (SELECT id FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((retired_at IS NULL)) WHERE retired_at IS NULL;

ALTER TABLE authorization_codes DROP COLUMN nonce;
ALTER TABLE clients DROP COLUMN post_logout_redirect_uris;
ALTER TABLE clients DROP COLUMN id_token_alg;
ALTER TABLE users DROP COLUMN display_name;
ALTER TABLE users DROP COLUMN email_verified;
ALTER TABLE users DROP COLUMN email;
