use clap::Subcommand;

use super::CliError;
use crate::service::{KeyState, Services};

#[derive(Subcommand)]
pub enum KeysCommand {
    /// List signing keys and whether each is active, published or expired
    List,
    /// Make a new key (of --signing-alg) active; the old one stays published until every
    /// token it signed has expired
    Rotate,
}

pub async fn run(command: KeysCommand, services: &Services) -> Result<(), CliError> {
    match command {
        KeysCommand::List => {
            println!("{:<36} {:<6} {:<17} STATE", "KID", "ALG", "CREATED");
            for key in services.list_signing_keys().await? {
                let state = match key.state {
                    KeyState::Active => "active".to_owned(),
                    KeyState::Published { until } => {
                        format!(
                            "retired, published until {}",
                            until.format("%Y-%m-%d %H:%M:%S")
                        )
                    }
                    KeyState::Expired => "expired (purge removes it)".to_owned(),
                };
                println!(
                    "{:<36} {:<6} {:<17} {}",
                    key.id,
                    key.alg,
                    key.created_at.format("%Y-%m-%d %H:%M"),
                    state
                );
            }
        }
        KeysCommand::Rotate => {
            let id = services.rotate_signing_key().await?;
            println!(
                "new active signing key {id} ({})",
                services.policy().signing_alg
            );
        }
    }
    Ok(())
}
