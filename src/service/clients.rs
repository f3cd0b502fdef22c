//! Client registration and management (RFC 6749 section 2). The CLI and the admin pages
//! both come through here, so each rule is written once.

use super::{ServiceError, Services};
use crate::domain::{
    Client, ClientId, ClientKind, ClientName, ClientSecret, EventKind, GrantType, GrantTypes,
    NewEvent, RedirectUri, Resource, Scope, SigningAlg,
};
use crate::store::StoreError;

/// What an admin asks for when registering a client, already parsed.
#[derive(Debug, Clone)]
pub struct ClientRegistration {
    pub name: ClientName,
    pub redirect_uris: Vec<RedirectUri>,
    pub public: bool,
    /// Empty means the default: `authorization_code refresh_token`.
    pub grant_types: GrantTypes,
    pub scopes: Scope,
    pub resources: Vec<Resource>,
    pub skip_consent: bool,
    /// `None`: ID tokens use the server's signing algorithm.
    pub id_token_alg: Option<SigningAlg>,
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    pub require_dpop: bool,
    pub require_par: bool,
}

/// A client just registered, with its secret: the only time the secret is known.
#[derive(Debug)]
pub struct RegisteredClient {
    pub client: Client,
    pub secret: Option<ClientSecret>,
}

impl Services {
    pub async fn register_client(
        &self,
        registration: ClientRegistration,
    ) -> Result<RegisteredClient, ServiceError> {
        let grant_types = if registration.grant_types.is_empty() {
            GrantTypes::default_for_new_client()
        } else {
            registration.grant_types
        };
        check_grants(
            registration.public,
            &grant_types,
            &registration.redirect_uris,
        )?;
        let redirect_uris = deduplicated(registration.redirect_uris);
        let secret = (!registration.public).then(ClientSecret::generate);
        let kind = match &secret {
            None => ClientKind::Public,
            Some(secret) => ClientKind::Confidential {
                secret_hash: secret.hash(),
            },
        };
        let now = self.clock.now();
        let client = Client {
            id: ClientId::generate(),
            name: registration.name,
            kind,
            redirect_uris,
            grant_types,
            scopes: registration.scopes,
            resources: registration.resources,
            skip_consent: registration.skip_consent,
            enabled: true,
            id_token_alg: registration.id_token_alg,
            post_logout_redirect_uris: deduplicated(registration.post_logout_redirect_uris),
            require_dpop: registration.require_dpop,
            require_par: registration.require_par,
            created_at: now,
            updated_at: now,
        };
        let event = NewEvent::new(EventKind::ClientCreated)
            .client(client.id)
            .detail(client.name.as_str());
        if let Some(alg) = client.id_token_alg {
            self.ensure_key_for(alg).await?;
        }
        self.store.insert_client(client.clone(), event).await?;
        Ok(RegisteredClient { client, secret })
    }

    /// Applies an admin's edit. The client's type cannot change: a public client has no
    /// secret to start with, and a confidential one must not silently lose its own.
    pub async fn update_client(
        &self,
        id: ClientId,
        changes: ClientRegistration,
    ) -> Result<Client, ServiceError> {
        let mut client = self.find_client(id).await?;
        if changes.public != client.is_public() {
            return Err(ServiceError::Refused(
                "a client's type cannot change; register a new client instead".into(),
            ));
        }
        let grant_types = if changes.grant_types.is_empty() {
            GrantTypes::default_for_new_client()
        } else {
            changes.grant_types
        };
        check_grants(changes.public, &grant_types, &changes.redirect_uris)?;
        client.name = changes.name;
        client.redirect_uris = deduplicated(changes.redirect_uris);
        client.grant_types = grant_types;
        client.scopes = changes.scopes;
        client.resources = changes.resources;
        client.skip_consent = changes.skip_consent;
        client.id_token_alg = changes.id_token_alg;
        client.post_logout_redirect_uris = deduplicated(changes.post_logout_redirect_uris);
        client.require_dpop = changes.require_dpop;
        client.require_par = changes.require_par;
        client.updated_at = self.clock.now();
        if let Some(alg) = client.id_token_alg {
            self.ensure_key_for(alg).await?;
        }
        self.store
            .update_client(client.clone())
            .await
            .map_err(|e| not_found_as(e, id))?;
        Ok(client)
    }

    /// Every client with how many live refresh-token families it has.
    pub async fn client_overviews(&self) -> Result<Vec<(Client, i64)>, ServiceError> {
        let counts = self.store.live_family_counts(self.clock.now()).await?;
        Ok(self
            .list_clients()
            .await?
            .into_iter()
            .map(|client| {
                let live = counts.get(&client.id.to_string()).copied().unwrap_or(0);
                (client, live)
            })
            .collect())
    }

    pub async fn enable_client(&self, id: ClientId) -> Result<(), ServiceError> {
        let event = NewEvent::new(EventKind::ClientEnabled).client(id);
        self.store
            .set_client_enabled(id, true, self.clock.now(), event)
            .await
            .map_err(|e| not_found_as(e, id))?;
        Ok(())
    }

    pub async fn find_client(&self, id: ClientId) -> Result<Client, ServiceError> {
        self.store
            .find_client(id)
            .await?
            .ok_or_else(|| no_such_client(id))
    }

    pub async fn list_clients(&self) -> Result<Vec<Client>, ServiceError> {
        Ok(self.store.list_clients().await?)
    }

    /// Every scope some enabled client may ask for, for the metadata document.
    pub async fn supported_scopes(&self) -> Result<Vec<String>, ServiceError> {
        let all = self
            .list_clients()
            .await?
            .into_iter()
            .filter(|client| client.enabled)
            .fold(Scope::empty(), |all, client| all.union(&client.scopes));
        Ok(all.iter().map(str::to_owned).collect())
    }

    /// Issues a new secret for a confidential client. The old one stops working at once.
    pub async fn rotate_client_secret(&self, id: ClientId) -> Result<ClientSecret, ServiceError> {
        let client = self.find_client(id).await?;
        if client.is_public() {
            return Err(ServiceError::Refused(format!(
                "client {id} is public: it has no secret to rotate"
            )));
        }
        let secret = ClientSecret::generate();
        let event = NewEvent::new(EventKind::ClientSecretRotated).client(id);
        self.store
            .set_client_secret(id, secret.hash(), self.clock.now(), event)
            .await
            .map_err(|e| not_found_as(e, id))?;
        Ok(secret)
    }

    /// Disables a client and revokes its families; returns how many were revoked.
    pub async fn disable_client(&self, id: ClientId) -> Result<usize, ServiceError> {
        let event = NewEvent::new(EventKind::ClientDisabled).client(id);
        self.store
            .set_client_enabled(id, false, self.clock.now(), event)
            .await
            .map_err(|e| not_found_as(e, id))
    }
}

/// Keeps the first of each URI, in order.
fn deduplicated(uris: Vec<RedirectUri>) -> Vec<RedirectUri> {
    let mut kept: Vec<RedirectUri> = Vec::new();
    for uri in uris {
        if !kept.contains(&uri) {
            kept.push(uri);
        }
    }
    kept
}

/// The combinations that make sense, per RFC 6749.
fn check_grants(
    public: bool,
    grants: &GrantTypes,
    redirect_uris: &[RedirectUri],
) -> Result<(), ServiceError> {
    let refuse = |why: &str| Err(ServiceError::Refused(why.to_owned()));
    // Section 4.4: "The client credentials grant type MUST only be used by confidential
    // clients."
    if public && grants.contains(GrantType::ClientCredentials) {
        return refuse(
            "a public client cannot use client_credentials: it has no secret to prove who it is",
        );
    }
    let uses_code = grants.contains(GrantType::AuthorizationCode);
    if grants.contains(GrantType::RefreshToken) && !uses_code {
        return refuse(
            "refresh_token needs authorization_code: only the code grant issues refresh tokens here",
        );
    }
    if uses_code && redirect_uris.is_empty() {
        return refuse("authorization_code needs at least one --redirect-uri");
    }
    if !uses_code && !redirect_uris.is_empty() {
        return refuse("redirect URIs are only used by the authorization_code grant");
    }
    Ok(())
}

fn no_such_client(id: ClientId) -> ServiceError {
    ServiceError::NotFound(format!("no client with id {id}"))
}

fn not_found_as(error: StoreError, id: ClientId) -> ServiceError {
    match error {
        StoreError::NotFound => no_such_client(id),
        other => other.into(),
    }
}
