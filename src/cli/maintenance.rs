use super::CliError;
use crate::service::Services;
use crate::store::{DatabaseUrl, PoolOptions, Store};

/// Opening the store applies pending migrations; this command does only that.
pub async fn migrate(database: &DatabaseUrl) -> Result<(), CliError> {
    let options = PoolOptions {
        max_size: 1,
        min_idle: 0,
        ..PoolOptions::default()
    };
    Store::open(database, options).await?;
    println!("database {database} is at the current schema");
    Ok(())
}

pub async fn purge(services: &Services) -> Result<(), CliError> {
    let report = services.purge().await?;
    println!(
        "purged {} authorization codes, {} browser sessions, {} refresh-token families, {} signing keys",
        report.authorization_codes,
        report.browser_sessions,
        report.refresh_token_families,
        report.signing_keys
    );
    Ok(())
}
