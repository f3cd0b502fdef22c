use clap::Subcommand;

use super::CliError;
use crate::service::{KeyState, Services};

#[derive(Subcommand)]
pub enum KeysCommand {
    /// List signing keys and whether each is active, published or expired
    List,
    /// Replace every active key (one for --signing-alg, one for each client's
    /// --id-token-alg) with a new one; the old ones stay published until every token they
    /// signed has expired
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
            for (id, alg) in services.rotate_signing_key().await? {
                println!("new active signing key {id} ({alg})");
            }
        }
    }
    Ok(())
}
