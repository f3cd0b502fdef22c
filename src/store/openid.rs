//! What an ID token or `/userinfo` needs to know about its subject, in one query: the user
//! (the claims of the granted scopes) and the ID-token algorithm of the client it is for.
//! A refresh reads the same with its family (see `refresh_sql`).

use diesel::prelude::*;

use super::schema::{clients, users};
use super::users::UserRow;
use super::{Store, StoreError};
use crate::domain::{Claimant, ClientId, SigningAlg, User, UserId};

/// The user an ID token speaks about, and how the client wants it signed.
#[derive(Debug, Clone)]
pub struct OpenIdSubject {
    pub claimant: Claimant,
    /// `None`: the server's signing algorithm.
    pub id_token_alg: Option<SigningAlg>,
}

impl Store {
    /// `None` when the user or the client no longer exists.
    pub async fn openid_subject(
        &self,
        user: UserId,
        client: ClientId,
    ) -> Result<Option<OpenIdSubject>, StoreError> {
        self.run(move |conn| {
            let found: Option<(UserRow, Option<String>)> = users::table
                .inner_join(clients::table.on(clients::id.eq(client.to_string())))
                .filter(users::id.eq(user.to_string()))
                .select((UserRow::as_select(), clients::id_token_alg))
                .get_result(conn)
                .optional()?;
            let Some((row, alg)) = found else {
                return Ok(None);
            };
            let (user, _) = row.into_user()?;
            Ok(Some(OpenIdSubject {
                claimant: Claimant::from(user),
                id_token_alg: id_token_alg(client, alg.as_deref())?,
            }))
        })
        .await
    }

    /// The user behind an access token, for `/userinfo`.
    pub async fn find_user_by_id(&self, user: UserId) -> Result<Option<User>, StoreError> {
        self.run(move |conn| {
            users::table
                .find(user.to_string())
                .select(UserRow::as_select())
                .get_result(conn)
                .optional()?
                .map(|row| row.into_user().map(|(user, _)| user))
                .transpose()
        })
        .await
    }
}

/// A client's `id_token_alg` column.
pub(super) fn id_token_alg(
    client: impl std::fmt::Display,
    stored: Option<&str>,
) -> Result<Option<SigningAlg>, StoreError> {
    stored
        .map(SigningAlg::parse)
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("client {client}: {e}")))
}
