use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::signing_keys as keys;
use super::time::{from_db, to_db};
use super::{AnyConnection, Store, StoreError, events};
use crate::domain::{DomainError, KeyId, NewEvent, SigningAlg, SigningKey};

#[derive(Queryable, Selectable)]
#[diesel(table_name = keys)]
struct KeyRow {
    id: String,
    alg: String,
    private_key: String,
    public_jwk: String,
    created_at: NaiveDateTime,
    retired_at: Option<NaiveDateTime>,
}

impl KeyRow {
    fn into_key(self) -> Result<SigningKey, StoreError> {
        let corrupt = |e: DomainError| StoreError::Corrupt(format!("signing key: {e}"));
        Ok(SigningKey {
            id: KeyId::parse(&self.id).map_err(corrupt)?,
            alg: SigningAlg::parse(&self.alg).map_err(corrupt)?,
            private_pkcs8: STANDARD
                .decode(&self.private_key)
                .map_err(|e| StoreError::Corrupt(format!("signing key {}: {e}", self.id)))?,
            public_jwk: self.public_jwk,
            created_at: from_db(self.created_at),
            retired_at: self.retired_at.map(from_db),
        })
    }
}

fn insert(conn: &mut AnyConnection, key: &SigningKey) -> Result<(), StoreError> {
    diesel::insert_into(keys::table)
        .values((
            keys::id.eq(key.id.to_string()),
            keys::alg.eq(key.alg.as_str()),
            keys::private_key.eq(STANDARD.encode(&key.private_pkcs8)),
            keys::public_jwk.eq(&key.public_jwk),
            keys::created_at.eq(to_db(key.created_at)),
            keys::retired_at.eq(key.retired_at.map(to_db)),
        ))
        .execute(conn)?;
    Ok(())
}

impl Store {
    /// Every key still stored, newest first.
    pub async fn list_keys(&self) -> Result<Vec<SigningKey>, StoreError> {
        self.run(|conn| {
            keys::table
                .order(keys::created_at.desc())
                .select(KeyRow::as_select())
                .load(conn)?
                .into_iter()
                .map(KeyRow::into_key)
                .collect()
        })
        .await
    }

    /// The active keys, newest first: at most one per algorithm.
    pub async fn active_keys(&self) -> Result<Vec<SigningKey>, StoreError> {
        self.run(|conn| {
            keys::table
                .filter(keys::retired_at.is_null())
                .order(keys::created_at.desc())
                .select(KeyRow::as_select())
                .load(conn)?
                .into_iter()
                .map(KeyRow::into_key)
                .collect()
        })
        .await
    }

    /// Retires the active keys of the algorithms in `retire` and makes `new` active, in
    /// one transaction. `Conflict` when another instance made a key of one of these
    /// algorithms active first: the unique index on active keys per algorithm lets only
    /// one win, and the loser changes nothing.
    pub async fn replace_keys(
        &self,
        retire: Vec<SigningAlg>,
        new: Vec<SigningKey>,
        now: DateTime<Utc>,
        event: NewEvent,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            let retire: Vec<&str> = retire.iter().map(|alg| alg.as_str()).collect();
            diesel::update(
                keys::table
                    .filter(keys::retired_at.is_null())
                    .filter(keys::alg.eq_any(retire)),
            )
            .set(keys::retired_at.eq(to_db(now)))
            .execute(conn)?;
            for key in &new {
                insert(conn, key)?;
            }
            events::insert(conn, &event, now)
        })
        .await
    }

    /// The ID-token algorithms enabled clients asked for.
    pub async fn client_id_token_algs(&self) -> Result<Vec<SigningAlg>, StoreError> {
        use super::schema::clients;
        self.run(|conn| {
            let names: Vec<Option<String>> = clients::table
                .filter(clients::enabled.eq(true))
                .filter(clients::id_token_alg.is_not_null())
                .select(clients::id_token_alg)
                .distinct()
                .load(conn)?;
            names
                .into_iter()
                .flatten()
                .map(|name| {
                    SigningAlg::parse(&name)
                        .map_err(|e| StoreError::Corrupt(format!("client id_token_alg: {e}")))
                })
                .collect()
        })
        .await
    }
}
