//! Latchkey's load benchmark. Seeds families through the real code flow, then runs C
//! concurrent clients over keep-alive HTTP against the token endpoint for a fixed time and
//! reports throughput, latency percentiles and errors by kind, as text or JSON. Also an
//! in-process probe of the same grant without HTTP, and a filler for scale runs.
//! `bench/compare.sh` drives it; the README's "Benchmarks" section has the figures.
//!
//! ```sh
//! cargo run --release --example bench -- seed --base URL --client-id ID --client-secret S \
//!     --username U --password P --redirect-uri R --count 64 > tokens.txt
//! cargo run --release --example bench -- refresh --base URL --client-id ID --client-secret S \
//!     --seed-file tokens.txt --concurrency 16 --duration-secs 15 [--json]
//! cargo run --release --example bench -- client-credentials ... | introspect ... | probe ... | stock ...
//! ```
//!
//! It talks only to the address it is given; every run stops itself after its window.

mod drive;
mod http;
mod probe;
mod report;
mod seed;
mod stock;

use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use latchkey::config::PolicyArgs;
use latchkey::store::{DatabaseUrl, PoolOptions, Store};

use drive::{Window, drive};
use report::Report;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct TargetArgs {
    /// Latchkey's base URL, e.g. http://127.0.0.1:8080
    #[arg(long)]
    base: String,
    #[arg(long)]
    client_id: String,
    #[arg(long)]
    client_secret: String,
}

#[derive(Args, Clone, Copy)]
struct RunArgs {
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    #[arg(long, default_value_t = 15)]
    duration_secs: u64,
    #[arg(long, default_value_t = 2)]
    warmup_secs: u64,
    /// One JSON object instead of a line of text
    #[arg(long)]
    json: bool,
}

impl RunArgs {
    fn window(self) -> Window {
        Window {
            warmup: Duration::from_secs(self.warmup_secs),
            duration: Duration::from_secs(self.duration_secs),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Print COUNT refresh tokens, one per line, each from its own code flow
    Seed {
        #[command(flatten)]
        target: TargetArgs,
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
        #[arg(long)]
        redirect_uri: String,
        #[arg(long)]
        count: usize,
    },
    /// Each client refreshes its own token in a loop, keeping the rotated one
    Refresh {
        #[command(flatten)]
        target: TargetArgs,
        #[command(flatten)]
        run: RunArgs,
        /// One refresh token per line, at least one per client
        #[arg(long)]
        seed_file: String,
        /// Write each client's newest token back here, to continue without re-seeding
        #[arg(long)]
        save_tokens: Option<String>,
    },
    /// The client_credentials grant in a loop
    ClientCredentials {
        #[command(flatten)]
        target: TargetArgs,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Each client introspects an access token (from one refresh of its seed) in a loop
    Introspect {
        #[command(flatten)]
        target: TargetArgs,
        #[command(flatten)]
        run: RunArgs,
        #[arg(long)]
        seed_file: String,
    },
    /// The refresh grant in process, without HTTP, on its own user and client
    Probe {
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 8)]
        pool_size: u32,
        #[command(flatten)]
        run: RunArgs,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Store COUNT families (half expired, half live) for USER and CLIENT_ID
    Stock {
        #[arg(long)]
        database_url: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        client_id: String,
        #[arg(long)]
        count: usize,
    },
}

fn fail(message: &str) -> ! {
    eprintln!("bench: {message}");
    std::process::exit(1)
}

fn read_tokens(path: &str, at_least: usize) -> Vec<String> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| fail(&format!("cannot read {path}: {e}")));
    let tokens: Vec<String> = text.lines().map(str::to_owned).collect();
    if tokens.len() < at_least {
        fail(&format!(
            "{path} has {} tokens; {at_least} needed",
            tokens.len()
        ));
    }
    tokens
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let result = match Cli::parse().command {
        Command::Seed {
            target,
            username,
            password,
            redirect_uri,
            count,
        } => {
            let target =
                http::Target::new(&target.base, &target.client_id, &target.client_secret, 1);
            let login = seed::Login {
                username: &username,
                password: &password,
                redirect_uri: &redirect_uri,
            };
            seed::refresh_tokens(&target, &login, count)
                .await
                .map(|tokens| println!("{}", tokens.join("\n")))
        }
        Command::Refresh {
            target,
            run,
            seed_file,
            save_tokens,
        } => refresh(target, run, &seed_file, save_tokens.as_deref()).await,
        Command::ClientCredentials { target, run } => {
            let target = http::Target::new(
                &target.base,
                &target.client_id,
                &target.client_secret,
                run.concurrency,
            );
            let (_, tally, measured) = drive(run.window(), vec![(); run.concurrency], |()| async {
                ((), target.client_credentials().await)
            })
            .await;
            print(run, "client_credentials", measured, tally);
            Ok(())
        }
        Command::Introspect {
            target,
            run,
            seed_file,
        } => introspect(target, run, &seed_file).await,
        Command::Probe {
            database_url,
            pool_size,
            run,
            policy,
        } => probe::run(probe::Probe {
            database_url,
            pool_size,
            concurrency: run.concurrency,
            window: run.window(),
            policy,
        })
        .await
        .map(|report| report.print(run.json)),
        Command::Stock {
            database_url,
            username,
            client_id,
            count,
        } => stock(&database_url, &username, &client_id, count).await,
    };
    if let Err(message) = result {
        fail(&message);
    }
}

fn print(run: RunArgs, workload: &'static str, measured: Duration, tally: report::Tally) {
    Report {
        workload,
        concurrency: run.concurrency,
        measured,
        tally,
    }
    .print(run.json);
}

async fn refresh(
    target: TargetArgs,
    run: RunArgs,
    seed_file: &str,
    save_tokens: Option<&str>,
) -> Result<(), String> {
    let target = http::Target::new(
        &target.base,
        &target.client_id,
        &target.client_secret,
        run.concurrency,
    );
    let mut users = read_tokens(seed_file, run.concurrency);
    users.truncate(run.concurrency);
    let (tokens, tally, measured) = drive(run.window(), users, |token| target.refresh(token)).await;
    if let Some(path) = save_tokens {
        std::fs::write(path, tokens.join("\n")).map_err(|e| format!("{path}: {e}"))?;
    }
    print(run, "refresh", measured, tally);
    Ok(())
}

async fn introspect(target: TargetArgs, run: RunArgs, seed_file: &str) -> Result<(), String> {
    let target = http::Target::new(
        &target.base,
        &target.client_id,
        &target.client_secret,
        run.concurrency,
    );
    let mut access_tokens = Vec::with_capacity(run.concurrency);
    for refresh_token in read_tokens(seed_file, run.concurrency)
        .iter()
        .take(run.concurrency)
    {
        access_tokens.push(target.access_token_from(refresh_token).await?);
    }
    let (_, tally, measured) = drive(run.window(), access_tokens, |token| {
        target.introspect(token)
    })
    .await;
    print(run, "introspect", measured, tally);
    Ok(())
}

async fn stock(
    database_url: &str,
    username: &str,
    client_id: &str,
    count: usize,
) -> Result<(), String> {
    let url = DatabaseUrl::parse(database_url).map_err(|e| e.to_string())?;
    let store = Store::open(
        &url,
        PoolOptions {
            min_idle: 0,
            ..PoolOptions::default()
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let name = latchkey::domain::Username::parse(username).map_err(|e| e.to_string())?;
    let (user, _) = store
        .find_user_by_name(&name)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no user {username}"))?;
    let client = latchkey::domain::ClientId::parse(client_id).map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    stock::families(&store, user.id, client, count, false).await?;
    eprintln!(
        "stocked {count} families in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
