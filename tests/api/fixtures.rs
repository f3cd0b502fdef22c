//! What a test sets up on its server before talking to it: user accounts and registered
//! clients.

use latchkey::domain::{
    ClientName, DisplayName, Email, GrantTypes, Password, RedirectUri, Resource, Scope, SigningAlg,
    Username,
};
use latchkey::service::{ClientRegistration, Profile};

use crate::helpers::TestApp;

/// The redirect URI a test client registers unless told otherwise.
pub const REDIRECT: &str = "https://app.example.com/callback";
/// Every test user's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// A registered client as its developer knows it.
#[derive(Debug, Clone)]
pub struct TestClient {
    pub id: String,
    pub secret: Option<String>,
}

/// Options for registering a client in a test. The default is a confidential web app for
/// the code flow (with refresh) that shows its users the consent page.
pub struct ClientSpec<'a> {
    pub public: bool,
    pub skip_consent: bool,
    pub scope: &'a str,
    pub grants: &'a str,
    pub redirect_uris: &'a [&'a str],
    pub resources: &'a [&'a str],
    pub id_token_alg: Option<&'a str>,
    pub post_logout_redirect_uris: &'a [&'a str],
    pub require_dpop: bool,
    pub require_par: bool,
}

impl Default for ClientSpec<'_> {
    fn default() -> Self {
        Self {
            public: false,
            skip_consent: false,
            scope: "read write",
            grants: "authorization_code refresh_token",
            redirect_uris: &[REDIRECT],
            resources: &[],
            id_token_alg: None,
            post_logout_redirect_uris: &[],
            require_dpop: false,
            require_par: false,
        }
    }
}

impl ClientSpec<'_> {
    /// The default client, trusted to skip the consent page: a code comes right after
    /// login.
    pub fn skip_consent() -> Self {
        Self {
            skip_consent: true,
            ..Self::default()
        }
    }

    /// A machine client: the client_credentials grant only, so no redirect URI.
    pub fn client_credentials() -> Self {
        Self {
            grants: "client_credentials",
            redirect_uris: &[],
            ..Self::default()
        }
    }

    /// The same client, public: no secret, `client_id` in the body.
    pub fn public(self) -> Self {
        Self {
            public: true,
            ..self
        }
    }
}

impl TestApp {
    /// An account named `name` with [`PASSWORD`].
    pub async fn user(&self, name: &str) {
        self.user_with_profile(name, None, None, false).await;
    }

    /// An account named `name` with [`PASSWORD`], a display name and an email address
    /// (marked verified by an admin when `email_verified`).
    pub async fn user_with_profile(
        &self,
        name: &str,
        display_name: Option<&str>,
        email: Option<&str>,
        email_verified: bool,
    ) {
        let profile = Profile::new(
            display_name.map(|n| DisplayName::parse(n).unwrap()),
            email.map(|e| Email::parse(e).unwrap()),
            email_verified,
        )
        .unwrap();
        self.services
            .create_user(
                Username::parse(name).unwrap(),
                &Password::new_choice(PASSWORD.into()).unwrap(),
                false,
                profile,
            )
            .await
            .unwrap();
    }

    /// alice, with a display name and a verified address: who the OpenID tests sign in.
    pub async fn alice_with_profile(&self) {
        self.user_with_profile(
            "alice",
            Some("Alice Liddell"),
            Some("alice@example.com"),
            true,
        )
        .await;
    }

    /// alice as above, bob with only an unverified address, carol with neither: one of
    /// each for what the profile and email scopes release.
    pub async fn profiled_users(&self) {
        self.alice_with_profile().await;
        self.user_with_profile("bob", None, Some("bob@example.com"), false)
            .await;
        self.user("carol").await;
    }

    pub async fn client(&self, spec: ClientSpec<'_>) -> TestClient {
        let registered = self
            .services
            .register_client(ClientRegistration {
                name: ClientName::parse("Test App").unwrap(),
                redirect_uris: spec
                    .redirect_uris
                    .iter()
                    .map(|u| RedirectUri::parse(u).unwrap())
                    .collect(),
                public: spec.public,
                grant_types: GrantTypes::parse(spec.grants).unwrap(),
                scopes: Scope::parse(spec.scope).unwrap(),
                resources: spec
                    .resources
                    .iter()
                    .map(|r| Resource::parse(r).unwrap())
                    .collect(),
                skip_consent: spec.skip_consent,
                id_token_alg: spec.id_token_alg.map(|alg| SigningAlg::parse(alg).unwrap()),
                post_logout_redirect_uris: spec
                    .post_logout_redirect_uris
                    .iter()
                    .map(|u| RedirectUri::parse(u).unwrap())
                    .collect(),
                require_dpop: spec.require_dpop,
                require_par: spec.require_par,
            })
            .await
            .unwrap();
        TestClient {
            id: registered.client.id.to_string(),
            secret: registered.secret.map(|s| s.expose().to_owned()),
        }
    }
}
