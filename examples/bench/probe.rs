//! The refresh grant in process, without HTTP: the same `Services::token` call the
//! handler makes (client authentication, the rotation in the store, the signature), so
//! that beside the HTTP figure the cost of the HTTP layer shows.

use std::sync::Arc;

use latchkey::clock::SystemClock;
use latchkey::config::PolicyArgs;
use latchkey::domain::{
    ClientCredentials, ClientName, GrantTypes, Issuer, Password, PresentedRefreshToken,
    PresentedSecret, RedirectUri, Scope, Username,
};
use latchkey::service::{ClientRegistration, Profile, ServiceError, Services, TokenRequest};
use latchkey::store::{DatabaseUrl, PoolOptions, Store};

use crate::drive::{Outcome, Window, drive};
use crate::report::Report;

pub struct Probe {
    pub database_url: String,
    pub pool_size: u32,
    pub concurrency: usize,
    pub window: Window,
    pub policy: PolicyArgs,
}

pub async fn run(probe: Probe) -> Result<Report, String> {
    let text = |e: &dyn std::fmt::Display| e.to_string();
    let url = DatabaseUrl::parse(&probe.database_url).map_err(|e| text(&e))?;
    let options = PoolOptions {
        max_size: probe.pool_size,
        ..PoolOptions::default()
    };
    let store = Store::open(&url, options).await.map_err(|e| text(&e))?;
    let policy = probe.policy.policy()?;
    let services = Services::new(store.clone(), Arc::new(SystemClock), policy);
    services.ensure_signing_key().await.map_err(|e| text(&e))?;

    let suffix = latchkey::domain::FamilyId::generate().to_string();
    let user = services
        .create_user(
            Username::parse(&format!("probe-{}", &suffix[..8])).map_err(|e| text(&e))?,
            &Password::new_choice("probe password 1".into()).map_err(|e| text(&e))?,
            false,
            Profile::default(),
        )
        .await
        .map_err(|e| text(&e))?;
    let registered = services
        .register_client(ClientRegistration {
            name: ClientName::parse("probe").map_err(|e| text(&e))?,
            redirect_uris: vec![RedirectUri::parse("http://127.0.0.1:9/cb").map_err(|e| text(&e))?],
            public: false,
            grant_types: GrantTypes::default_for_new_client(),
            scopes: Scope::parse("read write").map_err(|e| text(&e))?,
            resources: Vec::new(),
            skip_consent: true,
            id_token_alg: None,
            post_logout_redirect_uris: Vec::new(),
            require_dpop: false,
            require_par: false,
        })
        .await
        .map_err(|e| text(&e))?;
    let client_id = registered.client.id;
    let secret = registered
        .secret
        .ok_or("a confidential client without a secret")?
        .expose()
        .to_owned();
    // Every second stocked family is expired: ask for twice as many to get one live
    // family per simulated client.
    let tokens = crate::stock::families(
        &store,
        user.id,
        registered.client.id,
        probe.concurrency * 2,
        true,
    )
    .await?;
    let users: Vec<String> = tokens.iter().map(|t| t.expose().to_owned()).collect();

    let issuer = Issuer::parse("http://127.0.0.1").map_err(|e| text(&e))?;
    let (_, tally, measured) = drive(probe.window, users, |token| {
        let services = &services;
        let (issuer, client_id, secret) = (&issuer, client_id, &secret);
        async move {
            // What the HTTP edge reads off each request, read here per call as well.
            let credentials = ClientCredentials {
                id: client_id,
                secret: Some(PresentedSecret::parse(secret)),
            };
            let Ok(presented) = PresentedRefreshToken::parse(&token) else {
                return (token, Outcome::Retire("invalid_grant".into()));
            };
            let request = TokenRequest::RefreshToken {
                token: presented,
                scope: None,
            };
            match services.token(issuer, &credentials, request).await {
                Ok(response) => match response.refresh_token {
                    Some(next) => (next.expose().to_owned(), Outcome::Ok { rotated: true }),
                    None => (token, Outcome::Ok { rotated: false }),
                },
                Err(ServiceError::OAuth(e)) => (token, Outcome::Retire(e.code.to_string())),
                Err(e) => (token, Outcome::Failed(e.to_string())),
            }
        }
    })
    .await;
    Ok(Report {
        workload: "probe-refresh",
        concurrency: probe.concurrency,
        measured,
        tally,
    })
}
