//! The command line: parse, open the store, call one service, print. No SQL here.

mod client;
mod keys;
mod maintenance;
mod password;
mod serve;
mod user;

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use thiserror::Error;

use crate::app::AppError;
use crate::clock::SystemClock;
use crate::config::{PolicyArgs, Settings, parse_database_url};
use crate::service::{Policy, ServiceError, Services};
use crate::store::{DatabaseUrl, PoolOptions, Store, StoreError};

#[derive(Parser)]
#[command(
    name = "latchkey",
    version,
    about = "An OAuth 2.0 authorization server: short-lived JWT access tokens, rotating refresh tokens with reuse detection"
)]
pub struct Cli {
    /// sqlite://PATH or postgres://USER@HOST/DB
    #[arg(long, global = true, env = "LATCHKEY_DATABASE_URL", default_value = "sqlite://latchkey.db", value_parser = parse_database_url)]
    database_url: DatabaseUrl,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (creates the first admin on an empty database)
    Serve(Box<Settings>),
    /// Apply pending database migrations and exit
    Migrate,
    /// Manage user accounts
    User {
        #[command(subcommand)]
        command: user::UserCommand,
    },
    /// Register and manage OAuth clients
    Client {
        #[command(subcommand)]
        command: client::ClientCommand,
    },
    /// List and rotate access-token signing keys
    Keys {
        #[command(flatten)]
        policy: PolicyArgs,
        #[command(subcommand)]
        command: keys::KeysCommand,
    },
    /// Delete expired codes, sessions, refresh tokens and keys
    Purge {
        #[command(flatten)]
        policy: PolicyArgs,
    },
}

#[derive(Debug, Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("{0}")]
    Io(String),
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = actix_web::rt::System::new().block_on(run(cli));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("latchkey: error: {}", with_causes(&error));
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let database = cli.database_url;
    match cli.command {
        Command::Serve(settings) => serve::run(&settings, &database).await,
        Command::Migrate => maintenance::migrate(&database).await,
        Command::User { command } => user::run(command, &services(&database, None).await?).await,
        Command::Client { command } => {
            client::run(command, &services(&database, None).await?).await
        }
        Command::Keys { policy, command } => {
            keys::run(command, &services(&database, Some(&policy)).await?).await
        }
        Command::Purge { policy } => {
            maintenance::purge(&services(&database, Some(&policy)).await?).await
        }
    }
}

/// Opens the store (running pending migrations) for an admin command. Commands that do
/// not take lifetime flags still honour the environment variables.
async fn services(
    database: &DatabaseUrl,
    policy: Option<&PolicyArgs>,
) -> Result<Services, CliError> {
    let policy = match policy {
        Some(args) => args.policy(),
        None => policy_from_environment(),
    }
    .map_err(CliError::Usage)?;
    let options = PoolOptions {
        max_size: 2,
        min_idle: 0,
        ..PoolOptions::default()
    };
    let store = Store::open(database, options).await?;
    Ok(Services::new(store, Arc::new(SystemClock), policy))
}

fn policy_from_environment() -> Result<Policy, String> {
    #[derive(Parser)]
    struct FromEnv {
        #[command(flatten)]
        policy: PolicyArgs,
    }
    FromEnv::try_parse_from(["latchkey"])
        .map_err(|e| e.to_string())?
        .policy
        .policy()
}

/// The error and its causes on one line: an admin at a terminal wants the whole story.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    // libpq's messages span lines; a one-line error is easier to grep and to log.
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Prints a value as pretty JSON on stdout.
fn print_json(value: &impl serde::Serialize) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| CliError::Io(e.to_string()))?;
    println!("{text}");
    Ok(())
}
