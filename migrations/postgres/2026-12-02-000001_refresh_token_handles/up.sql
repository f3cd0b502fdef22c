-- A refresh token now carries its family's handle (kept here only as a SHA-256), and a
-- family row holds the hashes of its current and previous token: storage per family stays
-- the same however often it rotates. A presented token whose handle names a family but
-- which is neither of the two is an earlier generation, so reuse is still recognised for
-- the family's whole life. last_used_at is the time of the last rotation, i.e. when the
-- previous token was retired (the grace runs from it).
ALTER TABLE refresh_token_families ADD COLUMN handle_hash TEXT;
ALTER TABLE refresh_token_families ADD COLUMN current_hash TEXT;
ALTER TABLE refresh_token_families ADD COLUMN previous_hash TEXT;
CREATE UNIQUE INDEX refresh_token_families_handle ON refresh_token_families (handle_hash);

-- Live families carry on: their current and previous tokens (issued before handles) move
-- into the family row; the family gets a handle at its next rotation.
UPDATE refresh_token_families SET
    current_hash = (
        SELECT t.token_hash FROM refresh_tokens t
        WHERE t.family_id = refresh_token_families.id
          AND t.generation = refresh_token_families.generation AND t.used_at IS NULL),
    previous_hash = (
        SELECT t.token_hash FROM refresh_tokens t
        WHERE t.family_id = refresh_token_families.id
          AND t.generation = refresh_token_families.generation - 1);

-- Every token issued before handles stays findable by its hash, so that presenting any of
-- them is still told apart as current, previous or reuse. Nothing is added here any more;
-- the rows go with their families when purge removes them.
ALTER TABLE refresh_tokens RENAME TO legacy_refresh_tokens;
