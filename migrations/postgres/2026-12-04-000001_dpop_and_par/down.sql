DROP TABLE dpop_proofs;
DROP TABLE pushed_authorization_requests;
ALTER TABLE refresh_token_families DROP COLUMN dpop_jkt;
ALTER TABLE authorization_codes DROP COLUMN dpop_jkt;
ALTER TABLE clients DROP COLUMN require_par;
ALTER TABLE clients DROP COLUMN require_dpop;
