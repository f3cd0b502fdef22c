//! JWT access tokens (RFC 9068): short-lived, verified offline by resource servers with
//! the keys at `/jwks.json`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::keys::JwtType;
use super::{ServiceError, Services};
use crate::domain::{ClientId, FamilyId, Issuer, Resource, Scope, UserId};

/// Who the token speaks for: a user, or the client itself (client_credentials).
#[derive(Debug, Clone, Copy)]
pub enum Subject {
    User {
        id: UserId,
        auth_time: DateTime<Utc>,
        family: FamilyId,
    },
    Client,
}

/// RFC 9068 section 2.2.
#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: String,
    aud: &'a str,
    client_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    scope: String,
    iat: i64,
    exp: i64,
    jti: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_time: Option<i64>,
    /// The refresh-token family, so that introspection can answer for a revoked family.
    #[serde(skip_serializing_if = "Option::is_none")]
    sid: Option<String>,
}

/// A minted access token and its lifetime in seconds.
pub struct AccessToken {
    pub token: String,
    pub expires_in: i64,
}

impl Services {
    pub(super) fn mint_access_token(
        &self,
        issuer: &Issuer,
        subject: Subject,
        client: ClientId,
        scope: &Scope,
        resource: Option<&Resource>,
    ) -> Result<AccessToken, ServiceError> {
        let signer = self
            .keys
            .access_signer(self.policy.signing_alg)
            .ok_or_else(|| ServiceError::internal("no signing key is loaded"))?;
        let now = self.clock.now().timestamp();
        let ttl = self.policy.access_token_ttl.as_seconds();
        let (sub, auth_time, sid) = match subject {
            Subject::User {
                id,
                auth_time,
                family,
            } => (
                id.to_string(),
                Some(auth_time.timestamp()),
                Some(family.to_string()),
            ),
            Subject::Client => (client.to_string(), None, None),
        };
        let claims = Claims {
            iss: issuer.as_str(),
            sub,
            // The resource asked for and allowed, else the issuer itself.
            aud: resource.map_or(issuer.as_str(), Resource::as_str),
            client_id: client.to_string(),
            scope: scope.to_string(),
            iat: now,
            exp: now + ttl,
            jti: Uuid::new_v4().to_string(),
            auth_time,
            sid,
        };
        Ok(AccessToken {
            token: signer.sign(JwtType::Access, &claims)?,
            expires_in: ttl,
        })
    }
}
