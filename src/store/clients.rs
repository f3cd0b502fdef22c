use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::families::{self, Owner};
use super::openid::id_token_alg;
use super::schema::{client_redirect_uris as uris, clients};
use super::time::{from_db, to_db};
use super::{AnyConnection, Store, StoreError, events};
use crate::domain::{
    Client, ClientId, ClientKind, ClientName, ClientSecretHash, DomainError, GrantTypes, NewEvent,
    RedirectUri, Resource, RevocationReason, Scope, SigningAlg,
};

#[derive(Queryable, Selectable)]
#[diesel(table_name = clients)]
struct ClientRow {
    id: String,
    name: String,
    secret_hash: Option<String>,
    is_public: bool,
    grant_types: String,
    scopes: String,
    resources: String,
    skip_consent: bool,
    enabled: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    id_token_alg: Option<String>,
    post_logout_redirect_uris: String,
    require_dpop: bool,
    require_par: bool,
}

impl ClientRow {
    fn into_client(self, redirect_uris: Vec<String>) -> Result<Client, StoreError> {
        let corrupt = |e: DomainError| StoreError::Corrupt(format!("client {}: {e}", self.id));
        let kind = kind_of(&self.id, self.is_public, self.secret_hash)?;
        Ok(Client {
            id: ClientId::parse(&self.id).map_err(corrupt)?,
            name: ClientName::parse(&self.name).map_err(corrupt)?,
            kind,
            redirect_uris: redirect_uris
                .iter()
                .map(|uri| RedirectUri::parse(uri))
                .collect::<Result<_, _>>()
                .map_err(corrupt)?,
            grant_types: GrantTypes::parse(&self.grant_types).map_err(corrupt)?,
            scopes: Scope::parse(&self.scopes).map_err(corrupt)?,
            resources: self
                .resources
                .split_whitespace()
                .map(Resource::parse)
                .collect::<Result<_, _>>()
                .map_err(corrupt)?,
            skip_consent: self.skip_consent,
            enabled: self.enabled,
            id_token_alg: id_token_alg(&self.id, self.id_token_alg.as_deref())?,
            post_logout_redirect_uris: self
                .post_logout_redirect_uris
                .split_whitespace()
                .map(RedirectUri::parse)
                .collect::<Result<_, _>>()
                .map_err(corrupt)?,
            require_dpop: self.require_dpop,
            require_par: self.require_par,
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
        })
    }
}

/// Public, or confidential with the hash of its secret.
pub(super) fn kind_of(
    id: &str,
    is_public: bool,
    secret_hash: Option<String>,
) -> Result<ClientKind, StoreError> {
    match (is_public, secret_hash) {
        (true, _) => Ok(ClientKind::Public),
        (false, Some(hash)) => Ok(ClientKind::Confidential {
            secret_hash: ClientSecretHash::from_stored(hash),
        }),
        (false, None) => Err(StoreError::Corrupt(format!(
            "confidential client {id} has no secret"
        ))),
    }
}

pub(super) fn find(conn: &mut AnyConnection, id: ClientId) -> Result<Option<Client>, StoreError> {
    let Some(row) = clients::table
        .find(id.to_string())
        .select(ClientRow::as_select())
        .get_result(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let redirect_uris = uris::table
        .filter(uris::client_id.eq(&row.id))
        .order(uris::position)
        .select(uris::uri)
        .load(conn)?;
    row.into_client(redirect_uris).map(Some)
}

fn insert_redirect_uris(
    conn: &mut AnyConnection,
    client: &str,
    redirect_uris: &[RedirectUri],
) -> Result<(), StoreError> {
    for (position, uri) in (0i32..).zip(redirect_uris) {
        diesel::insert_into(uris::table)
            .values((
                uris::client_id.eq(client),
                uris::position.eq(position),
                uris::uri.eq(uri.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A set of URIs in one column: none of them can contain white space.
fn uris_column<T>(uris: &[T], as_str: fn(&T) -> &str) -> String {
    let uris: Vec<&str> = uris.iter().map(as_str).collect();
    uris.join(" ")
}

fn secret_column(kind: &ClientKind) -> Option<String> {
    match kind {
        ClientKind::Public => None,
        ClientKind::Confidential { secret_hash } => Some(secret_hash.as_str().to_owned()),
    }
}

impl Store {
    pub async fn insert_client(&self, client: Client, event: NewEvent) -> Result<(), StoreError> {
        self.write(move |conn| {
            let id = client.id.to_string();
            diesel::insert_into(clients::table)
                .values((
                    clients::id.eq(&id),
                    clients::name.eq(client.name.as_str()),
                    clients::secret_hash.eq(secret_column(&client.kind)),
                    clients::is_public.eq(client.is_public()),
                    clients::grant_types.eq(client.grant_types.to_string()),
                    clients::scopes.eq(client.scopes.to_string()),
                    clients::resources.eq(uris_column(&client.resources, Resource::as_str)),
                    clients::skip_consent.eq(client.skip_consent),
                    clients::enabled.eq(client.enabled),
                    clients::id_token_alg.eq(client.id_token_alg.map(SigningAlg::as_str)),
                    clients::post_logout_redirect_uris.eq(uris_column(
                        &client.post_logout_redirect_uris,
                        RedirectUri::as_str,
                    )),
                    clients::require_dpop.eq(client.require_dpop),
                    clients::require_par.eq(client.require_par),
                    clients::created_at.eq(to_db(client.created_at)),
                    clients::updated_at.eq(to_db(client.updated_at)),
                ))
                .execute(conn)?;
            insert_redirect_uris(conn, &id, &client.redirect_uris)?;
            events::insert(conn, &event, client.created_at)
        })
        .await
    }

    pub async fn find_client(&self, id: ClientId) -> Result<Option<Client>, StoreError> {
        self.run(move |conn| find(conn, id)).await
    }

    pub async fn list_clients(&self) -> Result<Vec<Client>, StoreError> {
        self.run(|conn| {
            let rows = clients::table
                .order((clients::name, clients::id))
                .select(ClientRow::as_select())
                .load(conn)?;
            let mut by_client: HashMap<String, Vec<String>> = HashMap::new();
            let all_uris: Vec<(String, String)> = uris::table
                .order((uris::client_id, uris::position))
                .select((uris::client_id, uris::uri))
                .load(conn)?;
            for (client_id, uri) in all_uris {
                by_client.entry(client_id).or_default().push(uri);
            }
            rows.into_iter()
                .map(|row| {
                    let redirect_uris = by_client.remove(&row.id).unwrap_or_default();
                    row.into_client(redirect_uris)
                })
                .collect()
        })
        .await
    }

    /// Replaces what an admin may edit: name, redirect URIs, grants, scopes, resources,
    /// skip-consent, the ID-token algorithm, the post-logout redirect URIs and whether
    /// DPoP and PAR are required. The
    /// client's type and secret stay.
    pub async fn update_client(&self, client: Client) -> Result<(), StoreError> {
        self.write(move |conn| {
            let id = client.id.to_string();
            let updated = diesel::update(clients::table.find(&id))
                .set((
                    clients::name.eq(client.name.as_str()),
                    clients::grant_types.eq(client.grant_types.to_string()),
                    clients::scopes.eq(client.scopes.to_string()),
                    clients::resources.eq(uris_column(&client.resources, Resource::as_str)),
                    clients::skip_consent.eq(client.skip_consent),
                    clients::id_token_alg.eq(client.id_token_alg.map(SigningAlg::as_str)),
                    clients::post_logout_redirect_uris.eq(uris_column(
                        &client.post_logout_redirect_uris,
                        RedirectUri::as_str,
                    )),
                    clients::require_dpop.eq(client.require_dpop),
                    clients::require_par.eq(client.require_par),
                    clients::updated_at.eq(to_db(client.updated_at)),
                ))
                .execute(conn)?;
            if updated == 0 {
                return Err(StoreError::NotFound);
            }
            diesel::delete(uris::table.filter(uris::client_id.eq(&id))).execute(conn)?;
            insert_redirect_uris(conn, &id, &client.redirect_uris)
        })
        .await
    }

    /// How many live refresh-token families each client has.
    pub async fn live_family_counts(
        &self,
        now: DateTime<Utc>,
    ) -> Result<HashMap<String, i64>, StoreError> {
        use super::schema::refresh_token_families as families;
        self.run(move |conn| {
            let now = to_db(now);
            let counts: Vec<(String, i64)> = families::table
                .filter(families::revoked_at.is_null())
                .filter(families::idle_expires_at.gt(now))
                .filter(families::absolute_expires_at.gt(now))
                .group_by(families::client_id)
                .select((families::client_id, diesel::dsl::count_star()))
                .load(conn)?;
            Ok(counts.into_iter().collect())
        })
        .await
    }

    /// Replaces a confidential client's secret hash; the old secret stops working with
    /// this commit.
    pub async fn set_client_secret(
        &self,
        id: ClientId,
        hash: ClientSecretHash,
        now: DateTime<Utc>,
        event: NewEvent,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            let updated = diesel::update(
                clients::table
                    .find(id.to_string())
                    .filter(clients::is_public.eq(false)),
            )
            .set((
                clients::secret_hash.eq(hash.as_str()),
                clients::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
            if updated == 0 {
                return Err(StoreError::NotFound);
            }
            events::insert(conn, &event, now)
        })
        .await
    }

    /// Enables or disables a client. Disabling revokes its families in the same
    /// transaction. Returns how many families were revoked.
    pub async fn set_client_enabled(
        &self,
        id: ClientId,
        enabled: bool,
        now: DateTime<Utc>,
        event: NewEvent,
    ) -> Result<usize, StoreError> {
        self.write(move |conn| set_enabled(conn, id, enabled, now, &event))
            .await
    }
}

fn set_enabled(
    conn: &mut AnyConnection,
    id: ClientId,
    enabled: bool,
    now: DateTime<Utc>,
    event: &NewEvent,
) -> Result<usize, StoreError> {
    let updated = diesel::update(clients::table.find(id.to_string()))
        .set((
            clients::enabled.eq(enabled),
            clients::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    let revoked = if enabled {
        0
    } else {
        families::revoke_all(
            conn,
            Owner::Client(id),
            RevocationReason::ClientDisabled,
            now,
        )?
    };
    events::insert(conn, event, now)?;
    Ok(revoked)
}
