use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::{clients, consents};
use super::time::{from_db, to_db};
use super::{Store, StoreError};
use crate::domain::{ClientId, DomainError, Scope, UserId};

/// A remembered grant, as the account page lists it.
#[derive(Debug, Clone)]
pub struct RememberedConsent {
    pub client_id: ClientId,
    pub client_name: String,
    pub scope: Scope,
    pub granted_at: DateTime<Utc>,
}

impl Store {
    /// The scope set this user has granted this client, if any.
    pub async fn find_consent(
        &self,
        user: UserId,
        client: ClientId,
    ) -> Result<Option<Scope>, StoreError> {
        self.run(move |conn| {
            consents::table
                .find((user.to_string(), client.to_string()))
                .select(consents::scope)
                .get_result::<String>(conn)
                .optional()?
                .map(|scope| {
                    Scope::parse(&scope).map_err(|e| StoreError::Corrupt(format!("consent: {e}")))
                })
                .transpose()
        })
        .await
    }

    /// Remembers a grant, replacing what was remembered before for this user and client.
    pub async fn save_consent(
        &self,
        user: UserId,
        client: ClientId,
        scope: Scope,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            let key = (user.to_string(), client.to_string());
            let updated = diesel::update(consents::table.find(key.clone()))
                .set((
                    consents::scope.eq(scope.to_string()),
                    consents::granted_at.eq(to_db(now)),
                ))
                .execute(conn)?;
            if updated == 0 {
                diesel::insert_into(consents::table)
                    .values((
                        consents::user_id.eq(key.0),
                        consents::client_id.eq(key.1),
                        consents::scope.eq(scope.to_string()),
                        consents::granted_at.eq(to_db(now)),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        })
        .await
    }

    pub async fn consents_of(&self, user: UserId) -> Result<Vec<RememberedConsent>, StoreError> {
        self.run(move |conn| {
            let rows: Vec<(String, String, String, chrono::NaiveDateTime)> = consents::table
                .inner_join(clients::table)
                .filter(consents::user_id.eq(user.to_string()))
                .order(clients::name)
                .select((
                    consents::client_id,
                    clients::name,
                    consents::scope,
                    consents::granted_at,
                ))
                .load(conn)?;
            let corrupt = |e: DomainError| StoreError::Corrupt(format!("consent: {e}"));
            rows.into_iter()
                .map(|(client, name, scope, granted)| {
                    Ok(RememberedConsent {
                        client_id: ClientId::parse(&client).map_err(corrupt)?,
                        client_name: name,
                        scope: Scope::parse(&scope).map_err(corrupt)?,
                        granted_at: from_db(granted),
                    })
                })
                .collect()
        })
        .await
    }

    pub async fn forget_consent(&self, user: UserId, client: ClientId) -> Result<bool, StoreError> {
        self.run(move |conn| {
            let deleted =
                diesel::delete(consents::table.find((user.to_string(), client.to_string())))
                    .execute(conn)?;
            Ok(deleted == 1)
        })
        .await
    }
}
