//! What an ID token or `/userinfo` needs to know about its subject, in one query: the user
//! (the claims of the granted scopes) and the ID-token algorithm of the client it is for.

use diesel::prelude::*;

use super::schema::{clients, users};
use super::users::UserRow;
use super::{Store, StoreError};
use crate::domain::{ClientId, SigningAlg, User, UserId};

/// The user an ID token speaks about, and how the client wants it signed.
#[derive(Debug)]
pub struct OpenIdSubject {
    pub user: User,
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
            let id_token_alg = alg
                .as_deref()
                .map(SigningAlg::parse)
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("client {client}: {e}")))?;
            Ok(Some(OpenIdSubject { user, id_token_alg }))
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
