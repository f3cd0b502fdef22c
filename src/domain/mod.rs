//! Protocol and account vocabulary as types. Each is made once, at the edge, through
//! `parse`, and trusted everywhere inside. No HTTP, no SQL in here.

mod credentials;
mod dpop;
mod duration;
mod email;
mod entities;
mod error;
mod grant_type;
mod ids;
mod issuer;
mod oauth_error;
mod openid;
mod password;
mod pkce;
mod redirect_uri;
mod refresh_token;
mod resource;
mod revocation;
mod scope;
mod secret;
mod signing_alg;
mod text;

pub use credentials::{AccessTokenText, ClientCredentials, PresentedSecret, PresentedToken};
pub use dpop::Thumbprint;
pub use duration::Ttl;
pub use email::Email;
pub use entities::{
    BrowserSession, Claimant, Client, ClientKind, EventKind, NewEvent, PasswordHash, SigningKey,
    User,
};
pub use error::DomainError;
pub use grant_type::{GrantType, GrantTypes};
pub use ids::{ClientId, FamilyId, KeyId, UserId};
pub use issuer::Issuer;
pub use oauth_error::{ErrorCode, OAuthError};
pub use openid::{LoginHint, MaxAge, Nonce, OpenIdParams, Prompt};
pub use password::Password;
pub use pkce::{CodeChallenge, CodeVerifier};
pub use redirect_uri::{GivenRedirect, RedirectUri};
pub use refresh_token::{
    FamilyHandleHash, FamilyLookup, PresentedRefreshToken, RefreshToken, RefreshTokenHash,
    StoredRefreshToken,
};
pub use resource::Resource;
pub use revocation::RevocationReason;
pub use scope::Scope;
pub use secret::{
    AuthorizationCode, AuthorizationCodeHash, ClientSecret, ClientSecretHash, CsrfToken, Secret,
    SecretHash, SessionToken, SessionTokenHash, random_bytes,
};
pub use signing_alg::SigningAlg;
pub use text::{ClientName, DisplayName, Username};
