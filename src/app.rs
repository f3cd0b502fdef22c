//! `App::build(settings)`: opens the database, prepares keys and the first admin, binds
//! the listener (port 0 allowed) and returns a server ready to run. The binary and the
//! integration tests both start Latchkey through here.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use thiserror::Error;

use crate::clock::Clock;
use crate::config::Settings;
use crate::domain::Issuer;
use crate::http::Edge;
use crate::service::{FirstAdmin, KEY_REFRESH_INTERVAL, ServiceError, Services};
use crate::store::{DatabaseUrl, PoolOptions, Store, StoreError};

#[derive(Debug, Error)]
pub enum AppError {
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
}

pub struct App {
    port: u16,
    issuer: Issuer,
    server: Server,
    services: Services,
    purge_interval: std::time::Duration,
    first_admin: Option<FirstAdmin>,
}

impl App {
    pub async fn build(
        settings: &Settings,
        database: &DatabaseUrl,
        clock: Arc<dyn Clock>,
    ) -> Result<App, AppError> {
        let policy = settings.policy.policy().map_err(AppError::Config)?;
        let options = PoolOptions {
            max_size: settings.db_pool_size,
            ..PoolOptions::default()
        };
        let store = Store::open(database, options).await?;
        let services = Services::new(store, clock, policy);
        services.ensure_signing_key().await?;
        let first_admin = services.ensure_first_admin().await?;

        let bind = |source| AppError::Bind {
            addr: settings.bind,
            source,
        };
        let listener = TcpListener::bind(settings.bind).map_err(bind)?;
        let local = listener.local_addr().map_err(bind)?;
        let issuer = match &settings.issuer {
            Some(issuer) => issuer.clone(),
            None => Issuer::parse(&format!("http://{local}"))
                .map_err(|e| AppError::Config(e.to_string()))?,
        };
        let edge = Edge {
            issuer: issuer.clone(),
            trust_forwarded_for: settings.trust_forwarded_for,
        };
        let server = crate::http::server(listener, services.clone(), edge, settings.workers)
            .map_err(bind)?;
        Ok(App {
            port: local.port(),
            issuer,
            server,
            services,
            purge_interval: settings.purge_interval.as_std(),
            first_admin,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }

    pub fn services(&self) -> &Services {
        &self.services
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// The admin account created on an empty database, with its one-time password; only
    /// the first caller gets it.
    pub fn take_first_admin(&mut self) -> Option<FirstAdmin> {
        self.first_admin.take()
    }

    /// Serves until the server is stopped (signal or handle), purging expired rows in the
    /// background meanwhile.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let purger = tokio::spawn(purge_periodically(
            self.services.clone(),
            self.purge_interval,
        ));
        let key_reloader = tokio::spawn(reload_keys_periodically(self.services));
        let result = self.server.await;
        purger.abort();
        key_reloader.abort();
        result
    }
}

async fn purge_periodically(services: Services, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every.max(std::time::Duration::from_secs(1)));
    // The first tick fires at once; skip it so that starting up does not also purge.
    ticks.tick().await;
    loop {
        ticks.tick().await;
        match services.purge().await {
            Ok(report) => tracing::info!(?report, "purged expired rows"),
            Err(error) => tracing::warn!(%error, "periodic purge failed; will retry"),
        }
    }
}

/// Picks up a key rotated by another instance or by the CLI.
async fn reload_keys_periodically(services: Services) {
    let every = KEY_REFRESH_INTERVAL
        .to_std()
        .unwrap_or(std::time::Duration::from_secs(5));
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        if let Err(error) = services.reload_signing_key().await {
            tracing::warn!(%error, "reloading the signing key failed; will retry");
        }
    }
}
