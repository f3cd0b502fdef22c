use std::fmt;

/// Why a refresh-token family was revoked, as stored in `revoked_reason`. A family keeps
/// its first reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationReason {
    /// A token of an earlier generation came back (SPEC: a stolen token family).
    RefreshTokenReuse,
    /// An authorization code was redeemed twice (RFC 6749 section 4.1.2).
    AuthorizationCodeReplayed,
    /// The client revoked one of its tokens (RFC 7009).
    RevokedByClient,
    /// The user revoked the app on their account page.
    RevokedByUser,
    PasswordChanged,
    UserDisabled,
    ClientDisabled,
}

impl RevocationReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RevocationReason::RefreshTokenReuse => "refresh_token_reuse",
            RevocationReason::AuthorizationCodeReplayed => "authorization_code_replayed",
            RevocationReason::RevokedByClient => "revoked_by_client",
            RevocationReason::RevokedByUser => "revoked_by_user",
            RevocationReason::PasswordChanged => "password_changed",
            RevocationReason::UserDisabled => "user_disabled",
            RevocationReason::ClientDisabled => "client_disabled",
        }
    }
}

impl fmt::Display for RevocationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
