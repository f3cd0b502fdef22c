-- Tokens issued in the handle format have no place in the old layout: their families
-- must sign in again after a downgrade.
ALTER TABLE legacy_refresh_tokens RENAME TO refresh_tokens;
DROP INDEX refresh_token_families_handle;
ALTER TABLE refresh_token_families DROP COLUMN previous_hash;
ALTER TABLE refresh_token_families DROP COLUMN current_hash;
ALTER TABLE refresh_token_families DROP COLUMN handle_hash;
