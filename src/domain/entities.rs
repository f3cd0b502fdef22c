//! What the services hand around: accounts, clients, keys and events as the rest of the
//! program sees them, already parsed. The store turns rows into these and back.

use std::fmt;

use chrono::{DateTime, Utc};

use super::{
    ClientId, ClientName, ClientSecretHash, CsrfToken, DisplayName, Email, FamilyId, GrantTypes,
    KeyId, RedirectUri, Resource, Scope, SessionTokenHash, SigningAlg, UserId, Username,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub is_admin: bool,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub password_changed_at: DateTime<Utc>,
    /// What the `profile` and `email` scopes release (OIDC Core section 5.4).
    pub display_name: Option<DisplayName>,
    pub email: Option<Email>,
    /// True only when an admin said the address is the user's; a new address is not.
    pub email_verified: bool,
}

/// What the `profile` and `email` scopes can release about a user (OIDC Core section
/// 5.4): the part of a `User` that ID tokens and `/userinfo` speak of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimant {
    pub id: UserId,
    pub username: Username,
    pub display_name: Option<DisplayName>,
    pub email: Option<Email>,
    pub email_verified: bool,
}

impl From<User> for Claimant {
    fn from(user: User) -> Self {
        Self {
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            email: user.email,
            email_verified: user.email_verified,
        }
    }
}

/// A logged-in browser at Latchkey itself.
#[derive(Debug)]
pub struct BrowserSession {
    /// The hash of the cookie that names this session: what logging out deletes, and
    /// the one session a password change keeps.
    pub token: SessionTokenHash,
    pub user: User,
    /// Bound to this session; every form of a logged-in page carries it.
    pub csrf: CsrfToken,
    pub auth_time: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// An argon2id PHC string (`$argon2id$v=19$...`), as stored.
pub struct PasswordHash(pub String);

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

/// RFC 6749 section 2.1: confidential clients can keep a secret, public ones cannot.
#[derive(Debug, Clone)]
pub enum ClientKind {
    Public,
    Confidential { secret_hash: ClientSecretHash },
}

#[derive(Debug, Clone)]
pub struct Client {
    pub id: ClientId,
    pub name: ClientName,
    pub kind: ClientKind,
    pub redirect_uris: Vec<RedirectUri>,
    pub grant_types: GrantTypes,
    pub scopes: Scope,
    /// APIs (RFC 8707) this client may ask tokens for; the `aud` of those tokens.
    pub resources: Vec<Resource>,
    pub skip_consent: bool,
    pub enabled: bool,
    /// The ID-token algorithm this client asked for; `None`: the server's signing algorithm.
    pub id_token_alg: Option<SigningAlg>,
    /// Where RP-initiated logout may send the browser back to (exact match).
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    /// Every token request must carry a DPoP proof (RFC 9449).
    pub require_dpop: bool,
    /// Every authorization request must be pushed to `/par` first (RFC 9126 section 6).
    pub require_par: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Client {
    pub fn is_public(&self) -> bool {
        matches!(self.kind, ClientKind::Public)
    }
}

/// An access-token signing key. The private half is PKCS#8 DER; the public half is the
/// JWK that `/jwks.json` publishes.
pub struct SigningKey {
    pub id: KeyId,
    pub alg: SigningAlg,
    pub private_pkcs8: Vec<u8>,
    pub public_jwk: String,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("id", &self.id)
            .field("alg", &self.alg)
            .field("created_at", &self.created_at)
            .field("retired_at", &self.retired_at)
            .finish_non_exhaustive()
    }
}

/// Kinds of things worth telling an admin or the user concerned about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    UserCreated,
    PasswordChanged,
    UserDisabled,
    UserEnabled,
    ClientCreated,
    ClientSecretRotated,
    ClientDisabled,
    SigningKeyRotated,
    FamiliesRevoked,
    RefreshTokenReuseDetected,
    LoginFailed,
    AuthorizationCodeReplayed,
    ClientEnabled,
    AdminChanged,
    ProfileChanged,
    /// A refresh of a DPoP-bound family without its key's proof: refused, not a reuse.
    DpopKeyMismatch,
}

impl EventKind {
    pub const ALL: [EventKind; 16] = [
        EventKind::UserCreated,
        EventKind::PasswordChanged,
        EventKind::UserDisabled,
        EventKind::UserEnabled,
        EventKind::ClientCreated,
        EventKind::ClientSecretRotated,
        EventKind::ClientDisabled,
        EventKind::SigningKeyRotated,
        EventKind::FamiliesRevoked,
        EventKind::RefreshTokenReuseDetected,
        EventKind::LoginFailed,
        EventKind::AuthorizationCodeReplayed,
        EventKind::ClientEnabled,
        EventKind::AdminChanged,
        EventKind::ProfileChanged,
        EventKind::DpopKeyMismatch,
    ];

    /// The kind with this name (as stored, and as the admin console filters by it);
    /// `None` for a name this build does not know.
    pub fn from_name(name: &str) -> Option<EventKind> {
        EventKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::UserCreated => "user_created",
            EventKind::PasswordChanged => "password_changed",
            EventKind::UserDisabled => "user_disabled",
            EventKind::UserEnabled => "user_enabled",
            EventKind::ClientCreated => "client_created",
            EventKind::ClientSecretRotated => "client_secret_rotated",
            EventKind::ClientDisabled => "client_disabled",
            EventKind::SigningKeyRotated => "signing_key_rotated",
            EventKind::FamiliesRevoked => "families_revoked",
            EventKind::RefreshTokenReuseDetected => "refresh_token_reuse_detected",
            EventKind::LoginFailed => "login_failed",
            EventKind::AuthorizationCodeReplayed => "authorization_code_replayed",
            EventKind::ClientEnabled => "client_enabled",
            EventKind::AdminChanged => "admin_changed",
            EventKind::ProfileChanged => "profile_changed",
            EventKind::DpopKeyMismatch => "dpop_key_mismatch",
        }
    }
}

/// One security event about to be recorded. `detail` is free text for people and must
/// never carry a secret.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    pub user_id: Option<UserId>,
    pub client_id: Option<ClientId>,
    pub family_id: Option<FamilyId>,
    pub detail: String,
}

impl NewEvent {
    pub fn new(kind: EventKind) -> Self {
        Self {
            kind,
            user_id: None,
            client_id: None,
            family_id: None,
            detail: String::new(),
        }
    }

    pub fn user(mut self, id: UserId) -> Self {
        self.user_id = Some(id);
        self
    }

    pub fn client(mut self, id: ClientId) -> Self {
        self.client_id = Some(id);
        self
    }

    pub fn family(mut self, id: FamilyId) -> Self {
        self.family_id = Some(id);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}
