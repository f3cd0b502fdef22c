//! Logging in at Latchkey itself: password check with throttling, and the browser session
//! that follows. A failure says nothing about whether the user exists, and costs the same
//! argon2 work either way.

use chrono::{DateTime, TimeDelta, Utc};

use super::{ServiceError, Services, passwords};
use crate::domain::{
    BrowserSession, CsrfToken, EventKind, NewEvent, Password, SessionToken, Ttl, Username,
};
use crate::store::{NewSession, ThrottleRule};

/// Five wrong passwords for one user name within 15 minutes block that name for 15
/// minutes, whoever tries; twenty from one address block the address.
const PER_USER: ThrottleRule = ThrottleRule {
    limit: 5,
    window: TimeDelta::minutes(15),
    block: TimeDelta::minutes(15),
};
const PER_ADDRESS: ThrottleRule = ThrottleRule {
    limit: 20,
    window: TimeDelta::minutes(15),
    block: TimeDelta::minutes(15),
};

/// Where a login attempt comes from, for throttling and for the session record.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug)]
pub enum LoginOutcome {
    /// A new session that lasts `lifetime` from now.
    LoggedIn {
        token: SessionToken,
        lifetime: Ttl,
    },
    /// Wrong name or password, or a disabled account: the same answer for all three.
    Rejected,
    Throttled {
        until: DateTime<Utc>,
    },
}

impl Services {
    pub async fn log_in(
        &self,
        username: &str,
        password: Password,
        origin: Origin,
    ) -> Result<LoginOutcome, ServiceError> {
        let now = self.clock.now();
        let user_key = format!("user:{}", throttle_name(username));
        let address_key = origin.ip.as_ref().map(|ip| format!("ip:{ip}"));
        let keys: Vec<String> = std::iter::once(user_key.clone())
            .chain(address_key.clone())
            .collect();
        if let Some(until) = self.store.throttled_until(keys, now).await? {
            return Ok(LoginOutcome::Throttled { until });
        }

        let found = match Username::parse(username) {
            Ok(name) => self.store.find_user_by_name(&name).await?,
            Err(_) => None,
        };
        let (user, hash) = found.unzip();
        let verified = passwords::verify(password, hash).await?;

        match user {
            Some(user) if verified && user.enabled => {
                self.store.clear_login_failures(user_key).await?;
                let token = SessionToken::generate();
                let expires_at = now + self.policy.session_ttl.as_delta();
                self.store
                    .insert_session(NewSession {
                        token_hash: token.hash(),
                        user_id: user.id,
                        csrf: CsrfToken::generate(),
                        auth_time: now,
                        expires_at,
                        ip: origin.ip,
                        user_agent: origin.user_agent.map(|ua| ua.chars().take(256).collect()),
                    })
                    .await?;
                Ok(LoginOutcome::LoggedIn {
                    token,
                    lifetime: self.policy.session_ttl,
                })
            }
            _ => {
                self.store
                    .record_login_failure(user_key, PER_USER, now)
                    .await?;
                if let Some(key) = address_key {
                    self.store
                        .record_login_failure(key, PER_ADDRESS, now)
                        .await?;
                }
                if let Some(user) = user.filter(|_| !verified) {
                    let event = NewEvent::new(EventKind::LoginFailed).user(user.id);
                    self.store.record_event(event, now).await?;
                }
                Ok(LoginOutcome::Rejected)
            }
        }
    }

    /// The live session a browser's session token names, if there is one.
    pub async fn current_session(
        &self,
        token: &SessionToken,
    ) -> Result<Option<BrowserSession>, ServiceError> {
        Ok(self
            .store
            .find_session(token.hash(), self.clock.now())
            .await?)
    }

    pub async fn log_out(&self, session: BrowserSession) -> Result<(), ServiceError> {
        self.store.delete_session(session.token).await?;
        Ok(())
    }
}

/// Throttling is keyed on the name as typed (case-folded, bounded), so that it holds
/// for names that do not exist too.
fn throttle_name(username: &str) -> String {
    username
        .trim()
        .to_ascii_lowercase()
        .chars()
        .take(64)
        .collect()
}
