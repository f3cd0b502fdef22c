//! RFC 6749 section 4.1.3 with PKCE (RFC 7636 section 4.6).

use super::super::access_token::Subject;
use super::super::id_token::Minted;
use super::super::{ServiceError, Services};
use super::{TokenResponse, invalid_grant, refreshes};
use chrono::{DateTime, Utc};

use crate::domain::{
    AuthorizationCode, AuthorizationCodeHash, Client, CodeVerifier, EventKind, FamilyId,
    GivenRedirect, Issuer, NewEvent, RefreshToken,
};
use crate::store::{NewFamily, Redemption, StoredCode};

impl Services {
    pub(super) async fn exchange_code(
        &self,
        issuer: &Issuer,
        client: &Client,
        code: AuthorizationCode,
        redirect_uri: GivenRedirect,
        verifier: CodeVerifier,
    ) -> Result<TokenResponse, ServiceError> {
        let now = self.clock.now();
        let hash = code.hash();
        let Some(stored) = self.store.find_code(hash.clone()).await? else {
            return Err(invalid_grant("the authorization code is not valid"));
        };
        if stored.client_id != client.id {
            return Err(invalid_grant(
                "the authorization code was issued to another client",
            ));
        }
        if stored.redeemed {
            return Err(self.code_replayed(hash, &stored, now).await);
        }
        if stored.expires_at <= now {
            return Err(invalid_grant("the authorization code has expired"));
        }
        if !client.enabled {
            return Err(invalid_grant("the client is disabled"));
        }
        // "redirect_uri: REQUIRED, if [it was] included in the authorization request, and
        // their values MUST be identical." A client with one registered URI may have left
        // it out of both.
        let redirect_ok = match redirect_uri {
            GivenRedirect::Uri(given) => given == stored.redirect_uri,
            GivenRedirect::Invalid => false,
            GivenRedirect::Absent => client.redirect_uris.len() == 1,
        };
        if !redirect_ok {
            return Err(invalid_grant(
                "redirect_uri does not match the authorization request",
            ));
        }
        if !stored.challenge.admits(&verifier) {
            return Err(invalid_grant(
                "the code_verifier does not match the code_challenge",
            ));
        }

        let id_minter = self
            .prepare_id_token(&stored.scope, stored.user_id, client.id)
            .await?;
        let refresh_token = refreshes(client).then(RefreshToken::generate);
        let absolute = stored.auth_time + self.policy.refresh_absolute_ttl.as_delta();
        let family = NewFamily {
            id: FamilyId::generate(),
            user_id: stored.user_id,
            client_id: client.id,
            scope: stored.scope.clone(),
            resource: stored.resource.clone(),
            auth_time: stored.auth_time,
            created_at: now,
            idle_expires_at: (now + self.policy.refresh_idle_ttl.as_delta()).min(absolute),
            absolute_expires_at: absolute,
            first_token: refresh_token.as_ref().map(RefreshToken::hashes),
            dpop_jkt: None,
        };
        let family_id = family.id;
        if self.store.redeem_code(hash.clone(), family).await? == Redemption::AlreadyRedeemed {
            // A concurrent redemption won: this one is the replay.
            return Err(self.code_replayed(hash, &stored, now).await);
        }
        let access = self.mint_access_token(
            issuer,
            Subject::User {
                id: stored.user_id,
                auth_time: stored.auth_time,
                family: family_id,
            },
            client.id,
            &stored.scope,
            stored.resource.as_ref(),
        )?;
        let id_token = id_minter
            .map(|minter| {
                minter.mint(
                    issuer,
                    Minted {
                        scope: &stored.scope,
                        auth_time: stored.auth_time,
                        nonce: stored.nonce.as_ref(),
                        access_token: &access.token,
                        now,
                    },
                )
            })
            .transpose()?;
        Ok(TokenResponse {
            access_token: access.token,
            expires_in: access.expires_in,
            refresh_token,
            scope: stored.scope,
            id_token,
        })
    }

    /// "If an authorization code is used more than once, the authorization server MUST
    /// deny the request and SHOULD revoke (when possible) all tokens previously issued
    /// based on that authorization code."
    async fn code_replayed(
        &self,
        hash: AuthorizationCodeHash,
        stored: &StoredCode,
        now: DateTime<Utc>,
    ) -> ServiceError {
        let event = NewEvent::new(EventKind::AuthorizationCodeReplayed)
            .user(stored.user_id)
            .client(stored.client_id);
        match self.store.revoke_family_of_code(hash, now, event).await {
            Ok(_) => invalid_grant("the authorization code has already been used"),
            Err(error) => error.into(),
        }
    }
}
