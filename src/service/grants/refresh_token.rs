//! RFC 6749 section 6, with rotation and reuse detection (RFC 9700 section 4.14.2), as
//! SPEC "The refresh_token grant, exactly" words it. [`decide`] is the whole rule set: a
//! pure function of the stored family and the request. The store only loads what the
//! rules read and applies what they decide, under a guard that reports a lost race; a
//! lost race is decided again on what is stored then.

use chrono::{DateTime, TimeDelta, Utc};

use super::super::access_token::Subject;
use super::super::id_token::Minted;
use super::super::{ServiceError, Services};
use super::client_auth::verify_credentials;
use super::{TokenResponse, allow_grant, invalid_grant};
use crate::domain::{
    ClientCredentials, ClientId, ErrorCode, EventKind, GrantType, Issuer, NewEvent, OAuthError,
    PresentedRefreshToken, RefreshTokenHash, RevocationReason, Scope, StoredRefreshToken,
};
use crate::store::{Applied, RotationWrite, StoredFamily};

/// How often a refresh that lost a race to a concurrent one is decided again. The second
/// decision sees the winner's commit, so it is final unless yet another request won.
const ATTEMPTS: usize = 3;

/// A refresh request as the rules see it, with the replacement token already drawn.
#[derive(Debug)]
pub struct RefreshAttempt {
    pub client: ClientId,
    pub presented: RefreshTokenHash,
    /// The token predates family handles (see `domain::refresh_token`).
    pub legacy: bool,
    pub scope: Option<Scope>,
    pub replacement: StoredRefreshToken,
    pub now: DateTime<Utc>,
    pub idle_ttl: TimeDelta,
    pub reuse_grace: TimeDelta,
}

/// What the rules decided.
#[derive(Debug)]
pub enum Decision {
    /// Steps 6 and 7: the write that rotates the family, and the access token's scope.
    Rotate {
        write: RotationWrite,
        scope: Scope,
    },
    Refuse(Refusal),
    /// Step 4: a token that was rotated away came back. Revoke the family.
    Reuse {
        detail: String,
    },
}

/// Why a refresh is refused without changing anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Unknown,
    OtherClient,
    Revoked,
    Expired,
    UserDisabled,
    ClientDisabled,
    ScopeTooWide,
    /// A grace retry of a token from before handles, after its family already moved to
    /// the handle format: the retry's replacement would need the family's handle, which
    /// the server only knows as a hash. Refused, not treated as theft.
    LegacyRetry,
    /// Lost the race [`ATTEMPTS`] times in a row.
    Contended,
}

impl From<Refusal> for ServiceError {
    fn from(refusal: Refusal) -> Self {
        let why = match refusal {
            Refusal::ScopeTooWide => {
                return OAuthError::new(
                    ErrorCode::InvalidScope,
                    "the requested scope exceeds the scope originally granted",
                )
                .into();
            }
            Refusal::Unknown => "unknown refresh token",
            Refusal::OtherClient => "the refresh token was issued to another client",
            Refusal::Revoked => "the refresh token has been revoked",
            Refusal::Expired => "the refresh token has expired",
            Refusal::UserDisabled => "the user is disabled",
            Refusal::ClientDisabled => "the client is disabled",
            Refusal::LegacyRetry => "the refresh token has already been used",
            Refusal::Contended => "the refresh token was used concurrently",
        };
        invalid_grant(why)
    }
}

/// SPEC steps 1 to 7, in that order, for the family the token names.
pub(super) fn decide(family: &StoredFamily, attempt: &RefreshAttempt) -> Decision {
    let now = attempt.now;
    // 1. The token must belong to the client that authenticated.
    if family.client_id != attempt.client {
        return Decision::Refuse(Refusal::OtherClient);
    }
    // 2. Revoked or expired (idle or absolute).
    if family.revoked {
        return Decision::Refuse(Refusal::Revoked);
    }
    if family.absolute_expires_at <= now || family.idle_expires_at <= now {
        return Decision::Refuse(Refusal::Expired);
    }
    // 3. The user and the client must still be enabled.
    if !family.user_enabled {
        return Decision::Refuse(Refusal::UserDisabled);
    }
    if !family.client_enabled {
        return Decision::Refuse(Refusal::ClientDisabled);
    }
    // 4. Anything but the current token is a reuse, except the immediately previous one
    // within the grace: a concurrent retry, answered with a fresh token that replaces the
    // current one, so that the family keeps exactly one live token.
    let matches = |stored: &Option<RefreshTokenHash>| {
        stored
            .as_ref()
            .is_some_and(|hash| hash.matches(&attempt.presented))
    };
    if !matches(&family.current) {
        let since_rotation = now - family.rotated_at;
        let retry = matches(&family.previous)
            && attempt.reuse_grace > TimeDelta::zero()
            && since_rotation <= attempt.reuse_grace;
        if !retry {
            return Decision::Reuse {
                detail: reuse_detail(family, matches(&family.previous), since_rotation),
            };
        }
        if attempt.legacy && family.has_handle {
            return Decision::Refuse(Refusal::LegacyRetry);
        }
    }
    // 5. The scope may narrow, never widen.
    let scope = match &attempt.scope {
        Some(asked) if !asked.narrows(&family.scope) => {
            return Decision::Refuse(Refusal::ScopeTooWide);
        }
        Some(asked) => asked.clone(),
        None => family.scope.clone(),
    };
    // 6 and 7. Guarded by the generation loaded here; the idle window slides, capped by
    // the family's absolute expiry.
    Decision::Rotate {
        write: RotationWrite {
            family: family.id,
            expected_generation: family.generation,
            token: attempt.replacement.token.clone(),
            handle: (!family.has_handle).then(|| attempt.replacement.handle.clone()),
            now,
            idle_expires_at: (now + attempt.idle_ttl).min(family.absolute_expires_at),
        },
        scope,
    }
}

/// Whether `presented` is the family's live token: what introspection calls active.
pub(in crate::service) fn is_live_token(
    family: &StoredFamily,
    presented: &RefreshTokenHash,
    now: DateTime<Utc>,
) -> bool {
    family
        .current
        .as_ref()
        .is_some_and(|current| current.matches(presented))
        && !family.revoked
        && family.user_enabled
        && family.client_enabled
        && family.idle_expires_at.min(family.absolute_expires_at) > now
}

fn reuse_detail(family: &StoredFamily, previous: bool, since_rotation: TimeDelta) -> String {
    if previous {
        format!(
            "the previous token (generation {}) came back {} s after its rotation",
            family.generation - 1,
            since_rotation.num_seconds()
        )
    } else {
        format!(
            "a token older than generation {} was presented after the family reached generation {}",
            family.generation - 1,
            family.generation
        )
    }
}

impl Services {
    /// The client is authenticated in the same trip to the database that loads the
    /// family: clients rarely change, and a second trip per refresh was a fifth of its
    /// cost.
    pub(super) async fn refresh(
        &self,
        issuer: &Issuer,
        credentials: &ClientCredentials,
        token: PresentedRefreshToken,
        scope: Option<Scope>,
    ) -> Result<TokenResponse, ServiceError> {
        let client_id = credentials.id;
        let replacement = token.successor();
        let mut attempt = RefreshAttempt {
            client: client_id,
            presented: token.hash(),
            legacy: token.is_legacy(),
            scope,
            replacement: replacement.hashes(),
            now: self.clock.now(),
            idle_ttl: self.policy.refresh_idle_ttl.as_delta(),
            reuse_grace: self.policy.refresh_reuse_grace.as_delta(),
        };
        let lookup = token.lookup();
        for _ in 0..ATTEMPTS {
            let (client, family) = self.store.load_refresh(client_id, lookup.clone()).await?;
            let client = verify_credentials(client, |c| &c.kind, credentials)?;
            allow_grant(&client.grant_types, GrantType::RefreshToken)?;
            let Some(mut family) = family else {
                return Err(Refusal::Unknown.into());
            };
            match decide(&family, &attempt) {
                Decision::Rotate { write, scope } => {
                    // Section 12.2: the same iss, sub, aud and auth_time, a new iat, no
                    // nonce. Decided on the family's scope: a refresh that narrows the
                    // access token's scope still renews the sign-in. Prepared (from what
                    // the family's load read of the user) before the rotation commits,
                    // so that it cannot fail after.
                    let id_minter = if family.scope.is_openid() {
                        let subject = family.openid.take();
                        Some(self.id_token_minter(subject, client.id).await?)
                    } else {
                        None
                    };
                    if self.store.apply_rotation(write).await? == Applied::LostRace {
                        attempt.now = self.clock.now();
                        continue;
                    }
                    let access = self.mint_access_token(
                        issuer,
                        Subject::User {
                            id: family.user_id,
                            auth_time: family.auth_time,
                            family: family.id,
                        },
                        client.id,
                        &scope,
                        family.resource.as_ref(),
                    )?;
                    let id_token = id_minter
                        .map(|minter| {
                            minter.mint(
                                issuer,
                                Minted {
                                    scope: &family.scope,
                                    auth_time: family.auth_time,
                                    nonce: None,
                                    access_token: &access.token,
                                    now: attempt.now,
                                },
                            )
                        })
                        .transpose()?;
                    return Ok(TokenResponse {
                        access_token: access.token,
                        expires_in: access.expires_in,
                        refresh_token: Some(replacement),
                        scope,
                        id_token,
                    });
                }
                Decision::Refuse(refusal) => return Err(refusal.into()),
                Decision::Reuse { detail } => {
                    return Err(self.reuse_detected(&family, detail).await);
                }
            }
        }
        Err(Refusal::Contended.into())
    }

    /// Theft: the whole family goes, and the event names family, client and user.
    async fn reuse_detected(&self, family: &StoredFamily, detail: String) -> ServiceError {
        let event = NewEvent::new(EventKind::RefreshTokenReuseDetected)
            .user(family.user_id)
            .client(family.client_id)
            .detail(detail);
        let revoked = self
            .store
            .revoke_family(
                family.id,
                RevocationReason::RefreshTokenReuse,
                self.clock.now(),
                event,
            )
            .await;
        match revoked {
            Ok(_) => {
                self.metrics.reuse_detected();
                tracing::warn!(family = %family.id, client = %family.client_id, "refresh token reuse detected; family revoked");
                invalid_grant("the refresh token has already been used")
            }
            Err(error) => error.into(),
        }
    }
}

#[cfg(test)]
#[path = "refresh_token_tests.rs"]
mod tests;
