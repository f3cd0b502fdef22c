//! Configuration of `serve`: flags, each with an environment variable, parsed once into
//! typed values. A bad value stops the program at start with a message that names the
//! variable.

use std::net::SocketAddr;

use clap::Args;

use crate::domain::{DomainError, Issuer, SigningAlg, Ttl};
use crate::service::Policy;
use crate::store::DatabaseUrl;

/// Turns a domain parser into a clap value parser whose errors name the environment
/// variable, since that is where most deployments set the value.
fn from_env<T>(
    var: &'static str,
    parse: fn(&str) -> Result<T, DomainError>,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: Clone + Send + Sync + 'static,
{
    move |value| parse(value).map_err(|e| format!("{var}: {e}"))
}

fn ttl(var: &'static str) -> impl Fn(&str) -> Result<Ttl, String> + Clone + Send + Sync {
    from_env(var, Ttl::parse)
}

pub fn parse_database_url(value: &str) -> Result<DatabaseUrl, String> {
    DatabaseUrl::parse(value).map_err(|e| format!("LATCHKEY_DATABASE_URL: {e}"))
}

/// Token and session lifetimes and the signing algorithm: what the rules need.
#[derive(Args, Debug, Clone)]
pub struct PolicyArgs {
    /// Lifetime of JWT access tokens
    #[arg(long, global = true, env = "LATCHKEY_ACCESS_TOKEN_TTL", default_value = "15m", value_parser = ttl("LATCHKEY_ACCESS_TOKEN_TTL"))]
    pub access_token_ttl: Ttl,
    /// A refresh-token family dies after this long without use (sliding window)
    #[arg(long, global = true, env = "LATCHKEY_REFRESH_IDLE_TTL", default_value = "7d", value_parser = ttl("LATCHKEY_REFRESH_IDLE_TTL"))]
    pub refresh_idle_ttl: Ttl,
    /// Every refresh-token family dies this long after the user logged in
    #[arg(long, global = true, env = "LATCHKEY_REFRESH_ABSOLUTE_TTL", default_value = "30d", value_parser = ttl("LATCHKEY_REFRESH_ABSOLUTE_TTL"))]
    pub refresh_absolute_ttl: Ttl,
    /// How long after a rotation the previous refresh token still counts as a concurrent
    /// retry rather than theft (0s: strict)
    #[arg(long, global = true, env = "LATCHKEY_REFRESH_REUSE_GRACE", default_value = "0s", value_parser = ttl("LATCHKEY_REFRESH_REUSE_GRACE"))]
    pub refresh_reuse_grace: Ttl,
    /// Lifetime of authorization codes
    #[arg(long, global = true, env = "LATCHKEY_AUTH_CODE_TTL", default_value = "60s", value_parser = ttl("LATCHKEY_AUTH_CODE_TTL"))]
    pub auth_code_ttl: Ttl,
    /// Lifetime of the browser login session at Latchkey itself
    #[arg(long, global = true, env = "LATCHKEY_SESSION_TTL", default_value = "12h", value_parser = ttl("LATCHKEY_SESSION_TTL"))]
    pub session_ttl: Ttl,
    /// Access-token signature algorithm: ES256, EdDSA or RS256
    #[arg(long, global = true, env = "LATCHKEY_SIGNING_ALG", default_value = "ES256", value_parser = from_env("LATCHKEY_SIGNING_ALG", SigningAlg::parse))]
    pub signing_alg: SigningAlg,
    /// Lifetime of OpenID Connect ID tokens
    #[arg(long, global = true, env = "LATCHKEY_ID_TOKEN_TTL", default_value = "1h", value_parser = ttl("LATCHKEY_ID_TOKEN_TTL"))]
    pub id_token_ttl: Ttl,
    /// Lifetime of a pushed authorization request's request_uri (RFC 9126)
    #[arg(long, global = true, env = "LATCHKEY_PAR_TTL", default_value = "60s", value_parser = ttl("LATCHKEY_PAR_TTL"))]
    pub par_ttl: Ttl,
    /// Refuse authorization requests that were not pushed to /par first, for every client
    #[arg(long, global = true, env = "LATCHKEY_REQUIRE_PAR")]
    pub require_par: bool,
}

impl PolicyArgs {
    pub fn policy(&self) -> Result<Policy, String> {
        if self.refresh_idle_ttl > self.refresh_absolute_ttl {
            return Err(format!(
                "LATCHKEY_REFRESH_IDLE_TTL ({}) is longer than LATCHKEY_REFRESH_ABSOLUTE_TTL ({})",
                self.refresh_idle_ttl, self.refresh_absolute_ttl
            ));
        }
        for (var, value) in [
            ("LATCHKEY_ACCESS_TOKEN_TTL", self.access_token_ttl),
            ("LATCHKEY_REFRESH_IDLE_TTL", self.refresh_idle_ttl),
            ("LATCHKEY_AUTH_CODE_TTL", self.auth_code_ttl),
            ("LATCHKEY_SESSION_TTL", self.session_ttl),
            ("LATCHKEY_ID_TOKEN_TTL", self.id_token_ttl),
            ("LATCHKEY_PAR_TTL", self.par_ttl),
        ] {
            if value.as_seconds() == 0 {
                return Err(format!("{var} must be longer than 0s"));
            }
        }
        Ok(Policy {
            access_token_ttl: self.access_token_ttl,
            refresh_idle_ttl: self.refresh_idle_ttl,
            refresh_absolute_ttl: self.refresh_absolute_ttl,
            refresh_reuse_grace: self.refresh_reuse_grace,
            auth_code_ttl: self.auth_code_ttl,
            session_ttl: self.session_ttl,
            signing_alg: self.signing_alg,
            id_token_ttl: self.id_token_ttl,
            par_ttl: self.par_ttl,
            require_par: self.require_par,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

fn parse_log_format(value: &str) -> Result<LogFormat, DomainError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        _ => Err(DomainError::Malformed {
            what: "log format (text or json)",
            value: value.chars().take(32).collect(),
        }),
    }
}

fn parse_bind(value: &str) -> Result<SocketAddr, DomainError> {
    value.trim().parse().map_err(|_| DomainError::Malformed {
        what: "address to listen on (IP:PORT)",
        value: value.chars().take(64).collect(),
    })
}

fn parse_count(value: &str) -> Result<u32, DomainError> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=1024).contains(n))
        .ok_or_else(|| DomainError::Malformed {
            what: "count (1 to 1024)",
            value: value.chars().take(32).collect(),
        })
}

/// Everything `serve` reads.
#[derive(Args, Debug, Clone)]
pub struct Settings {
    /// Address and port to listen on (port 0 picks a free one)
    #[arg(long, env = "LATCHKEY_BIND", default_value = "127.0.0.1:8080", value_parser = from_env("LATCHKEY_BIND", parse_bind))]
    pub bind: SocketAddr,
    /// The public base URL: the `iss` of every token and of the metadata
    /// [default: http:// and the address it listens on, e.g. http://127.0.0.1:8080]
    #[arg(long, env = "LATCHKEY_ISSUER", value_parser = from_env("LATCHKEY_ISSUER", Issuer::parse))]
    pub issuer: Option<Issuer>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Log lines as text or as JSON objects
    #[arg(long, env = "LATCHKEY_LOG_FORMAT", default_value = "text", value_parser = from_env("LATCHKEY_LOG_FORMAT", parse_log_format))]
    pub log_format: LogFormat,
    /// Database connections per instance
    #[arg(long, env = "LATCHKEY_DB_POOL_SIZE", default_value = "8", value_parser = from_env("LATCHKEY_DB_POOL_SIZE", parse_count))]
    pub db_pool_size: u32,
    /// HTTP worker threads (default: one per CPU core)
    #[arg(long, env = "LATCHKEY_WORKERS", value_parser = from_env("LATCHKEY_WORKERS", parse_count))]
    pub workers: Option<u32>,
    /// Take the client address (for login throttling) from X-Forwarded-For; only behind
    /// a proxy that sets it
    #[arg(long, env = "LATCHKEY_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// How often the server deletes expired codes, sessions and tokens
    #[arg(long, env = "LATCHKEY_PURGE_INTERVAL", default_value = "1h", value_parser = ttl("LATCHKEY_PURGE_INTERVAL"))]
    pub purge_interval: Ttl,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        settings: Settings,
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let err = Wrapper::try_parse_from(["latchkey", "--access-token-ttl", "5x"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("LATCHKEY_ACCESS_TOKEN_TTL"), "{err}");
        let err = Wrapper::try_parse_from(["latchkey", "--signing-alg", "HS256"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("LATCHKEY_SIGNING_ALG"), "{err}");
    }

    #[test]
    fn idle_longer_than_absolute_is_refused() {
        let w = Wrapper::try_parse_from([
            "latchkey",
            "--refresh-idle-ttl",
            "40d",
            "--refresh-absolute-ttl",
            "30d",
        ])
        .unwrap();
        assert!(w.settings.policy.policy().is_err());
    }
}
