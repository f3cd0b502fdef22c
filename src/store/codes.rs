use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::families::{self, NewFamily};
use super::schema::authorization_codes as codes;
use super::time::{from_db, to_db};
use super::{Store, StoreError, events};
use crate::domain::{
    AuthorizationCodeHash, ClientId, CodeChallenge, DomainError, FamilyId, NewEvent, Nonce,
    RedirectUri, Resource, RevocationReason, Scope, Thumbprint, UserId,
};

/// An authorization code about to be stored, with everything the token request must
/// match (RFC 6749 section 4.1.3, RFC 7636 section 4.6).
pub struct NewCode {
    pub hash: AuthorizationCodeHash,
    pub client_id: ClientId,
    pub user_id: UserId,
    pub redirect_uri: RedirectUri,
    pub scope: Scope,
    pub resource: Option<Resource>,
    pub challenge: CodeChallenge,
    pub nonce: Option<Nonce>,
    /// RFC 9449 section 10: the key the code exchange must prove.
    pub dpop_jkt: Option<Thumbprint>,
    pub auth_time: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl Store {
    pub async fn insert_code(&self, code: NewCode) -> Result<(), StoreError> {
        self.run(move |conn| {
            diesel::insert_into(codes::table)
                .values((
                    codes::code_hash.eq(code.hash.as_str()),
                    codes::client_id.eq(code.client_id.to_string()),
                    codes::user_id.eq(code.user_id.to_string()),
                    codes::redirect_uri.eq(code.redirect_uri.as_str()),
                    codes::scope.eq(code.scope.to_string()),
                    codes::resource.eq(code.resource.as_ref().map(Resource::as_str)),
                    codes::code_challenge.eq(code.challenge.as_str()),
                    codes::nonce.eq(code.nonce.as_ref().map(Nonce::as_str)),
                    codes::dpop_jkt.eq(code.dpop_jkt.as_ref().map(Thumbprint::as_str)),
                    codes::auth_time.eq(to_db(code.auth_time)),
                    codes::created_at.eq(to_db(code.created_at)),
                    codes::expires_at.eq(to_db(code.expires_at)),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
    }
}

/// A stored code, as the token request is checked against it.
pub struct StoredCode {
    pub client_id: ClientId,
    pub user_id: UserId,
    pub redirect_uri: RedirectUri,
    pub scope: Scope,
    pub resource: Option<Resource>,
    pub challenge: CodeChallenge,
    pub nonce: Option<Nonce>,
    pub dpop_jkt: Option<Thumbprint>,
    pub auth_time: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub redeemed: bool,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = codes)]
struct CodeRow {
    client_id: String,
    user_id: String,
    redirect_uri: String,
    scope: String,
    resource: Option<String>,
    code_challenge: String,
    nonce: Option<String>,
    dpop_jkt: Option<String>,
    auth_time: NaiveDateTime,
    expires_at: NaiveDateTime,
    redeemed_at: Option<NaiveDateTime>,
}

impl CodeRow {
    fn into_code(self) -> Result<StoredCode, StoreError> {
        let corrupt = |e: DomainError| StoreError::Corrupt(format!("authorization code: {e}"));
        Ok(StoredCode {
            client_id: ClientId::parse(&self.client_id).map_err(corrupt)?,
            user_id: UserId::parse(&self.user_id).map_err(corrupt)?,
            redirect_uri: RedirectUri::parse(&self.redirect_uri).map_err(corrupt)?,
            scope: Scope::parse(&self.scope).map_err(corrupt)?,
            resource: self
                .resource
                .as_deref()
                .map(Resource::parse)
                .transpose()
                .map_err(corrupt)?,
            challenge: CodeChallenge::parse(&self.code_challenge).map_err(corrupt)?,
            nonce: self.nonce.map(Nonce::from_stored),
            dpop_jkt: self
                .dpop_jkt
                .as_deref()
                .map(Thumbprint::parse)
                .transpose()
                .map_err(corrupt)?,
            auth_time: from_db(self.auth_time),
            expires_at: from_db(self.expires_at),
            redeemed: self.redeemed_at.is_some(),
        })
    }
}

/// What happened to a redemption.
#[derive(Debug, PartialEq, Eq)]
pub enum Redemption {
    /// The code is spent and the family started.
    Redeemed,
    /// Someone redeemed it first: a replay.
    AlreadyRedeemed,
}

impl Store {
    pub async fn find_code(
        &self,
        hash: AuthorizationCodeHash,
    ) -> Result<Option<StoredCode>, StoreError> {
        self.run(move |conn| {
            codes::table
                .find(hash.as_str())
                .select(CodeRow::as_select())
                .get_result(conn)
                .optional()?
                .map(CodeRow::into_code)
                .transpose()
        })
        .await
    }

    /// Spends the code and starts its refresh-token family in one transaction. The
    /// conditional update lets exactly one of two concurrent redemptions win.
    pub async fn redeem_code(
        &self,
        hash: AuthorizationCodeHash,
        family: NewFamily,
    ) -> Result<Redemption, StoreError> {
        self.write(move |conn| {
            let won = diesel::update(
                codes::table
                    .find(hash.as_str())
                    .filter(codes::redeemed_at.is_null()),
            )
            .set((
                codes::redeemed_at.eq(to_db(family.created_at)),
                codes::family_id.eq(family.id.to_string()),
            ))
            .execute(conn)?;
            if won == 0 {
                return Ok(Redemption::AlreadyRedeemed);
            }
            families::insert(conn, &family)?;
            Ok(Redemption::Redeemed)
        })
        .await
    }

    /// RFC 6749 section 4.1.2: a code used twice revokes what was issued from it.
    /// Returns the family revoked, if one was still live.
    pub async fn revoke_family_of_code(
        &self,
        hash: AuthorizationCodeHash,
        now: DateTime<Utc>,
        event: NewEvent,
    ) -> Result<Option<FamilyId>, StoreError> {
        self.write(move |conn| {
            let family: Option<String> = codes::table
                .find(hash.as_str())
                .select(codes::family_id)
                .get_result::<Option<String>>(conn)
                .optional()?
                .flatten();
            let Some(family) = family else {
                return Ok(None);
            };
            let family = FamilyId::parse(&family)
                .map_err(|e| StoreError::Corrupt(format!("authorization code: {e}")))?;
            if families::revoke_one(
                conn,
                family,
                RevocationReason::AuthorizationCodeReplayed,
                now,
            )? {
                events::insert(conn, &event.family(family), now)?;
                Ok(Some(family))
            } else {
                Ok(None)
            }
        })
        .await
    }
}
