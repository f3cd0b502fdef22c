//! The clients list, the register and edit forms, and the credentials page.

use askama::Template;

use crate::domain::{BrowserSession, Client, ClientSecret, GrantType, SigningAlg};
use crate::http::extract::Params;
use crate::http::pages::when;

pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub grants: String,
    pub redirect_uris: Vec<String>,
    pub enabled: bool,
    pub created: String,
    pub live_families: i64,
}

fn kind(client: &Client) -> &'static str {
    if client.is_public() {
        "public"
    } else {
        "confidential"
    }
}

fn lines<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Template)]
#[template(path = "admin/clients.html")]
pub struct AdminClientsPage {
    pub me: String,
    pub csrf: String,
    pub rows: Vec<ClientRow>,
}

impl AdminClientsPage {
    pub fn new(session: &BrowserSession, clients: &[(Client, i64)]) -> Self {
        Self {
            me: session.user.username.to_string(),
            csrf: session.csrf.expose().to_owned(),
            rows: clients
                .iter()
                .map(|(client, live)| ClientRow {
                    id: client.id.to_string(),
                    name: client.name.to_string(),
                    kind: kind(client),
                    grants: client.grant_types.to_string(),
                    redirect_uris: client
                        .redirect_uris
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                    enabled: client.enabled,
                    created: when(client.created_at),
                    live_families: *live,
                })
                .collect(),
        }
    }
}

/// What the register and edit forms both ask (`templates/admin/grant_fields.html`).
pub struct ClientFields {
    pub redirect_uris: String,
    pub resources: String,
    pub scope: String,
    pub grant_code: bool,
    pub grant_refresh: bool,
    pub grant_machine: bool,
    pub skip_consent: bool,
    /// Empty: the server's signing algorithm.
    pub id_token_alg: String,
    pub post_logout_redirect_uris: String,
    pub require_dpop: bool,
    pub require_par: bool,
}

impl ClientFields {
    /// A new web app's: the code flow with refresh.
    fn blank() -> Self {
        Self {
            redirect_uris: String::new(),
            resources: String::new(),
            scope: String::new(),
            grant_code: true,
            grant_refresh: true,
            grant_machine: false,
            skip_consent: false,
            id_token_alg: String::new(),
            post_logout_redirect_uris: String::new(),
            require_dpop: false,
            require_par: false,
        }
    }

    /// As typed, to refill the form after a refusal.
    fn typed(form: &Params) -> Self {
        let text = |name: &str| form.get(name).unwrap_or_default().to_owned();
        let checked = |name: &str| form.get(name).is_some();
        Self {
            redirect_uris: text("redirect_uris"),
            resources: text("resources"),
            scope: text("scope"),
            grant_code: checked("grant_authorization_code"),
            grant_refresh: checked("grant_refresh_token"),
            grant_machine: checked("grant_client_credentials"),
            skip_consent: checked("skip_consent"),
            id_token_alg: text("id_token_alg"),
            post_logout_redirect_uris: text("post_logout_redirect_uris"),
            require_dpop: checked("require_dpop"),
            require_par: checked("require_par"),
        }
    }

    /// As registered, for the edit form.
    fn of(client: &Client) -> Self {
        Self {
            redirect_uris: lines(&client.redirect_uris),
            resources: lines(&client.resources),
            scope: client.scopes.to_string(),
            grant_code: client.grant_types.contains(GrantType::AuthorizationCode),
            grant_refresh: client.grant_types.contains(GrantType::RefreshToken),
            grant_machine: client.grant_types.contains(GrantType::ClientCredentials),
            skip_consent: client.skip_consent,
            id_token_alg: client
                .id_token_alg
                .map(SigningAlg::as_str)
                .unwrap_or_default()
                .to_owned(),
            post_logout_redirect_uris: lines(&client.post_logout_redirect_uris),
            require_dpop: client.require_dpop,
            require_par: client.require_par,
        }
    }

    /// The choices of the ID-token algorithm select, besides the default.
    pub fn id_token_algs(&self) -> [&'static str; 3] {
        SigningAlg::ALL.map(SigningAlg::as_str)
    }
}

/// The register form, blank or refilled after a refusal.
#[derive(Template)]
#[template(path = "admin/client_new.html")]
pub struct ClientForm {
    pub me: String,
    pub csrf: String,
    pub name: String,
    pub public: bool,
    pub fields: ClientFields,
    pub errors: Vec<String>,
}

impl ClientForm {
    pub fn blank(session: &BrowserSession) -> Self {
        Self {
            me: session.user.username.to_string(),
            csrf: session.csrf.expose().to_owned(),
            name: String::new(),
            public: false,
            fields: ClientFields::blank(),
            errors: Vec::new(),
        }
    }

    pub fn filled(session: &BrowserSession, form: &Params, errors: Option<Vec<String>>) -> Self {
        Self {
            name: form.get("name").unwrap_or_default().to_owned(),
            public: form.get("type") == Some("public"),
            fields: ClientFields::typed(form),
            errors: errors.unwrap_or_default(),
            ..Self::blank(session)
        }
    }

    pub fn with_errors(mut self, errors: Vec<String>) -> Self {
        self.errors = errors;
        self
    }
}

#[derive(Template)]
#[template(path = "admin/client.html")]
pub struct AdminClientPage {
    pub me: String,
    pub csrf: String,
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub enabled: bool,
    pub created: String,
    pub fields: ClientFields,
    pub errors: Vec<String>,
}

impl AdminClientPage {
    pub fn new(session: &BrowserSession, client: &Client, errors: Option<Vec<String>>) -> Self {
        Self {
            me: session.user.username.to_string(),
            csrf: session.csrf.expose().to_owned(),
            id: client.id.to_string(),
            name: client.name.to_string(),
            kind: kind(client),
            enabled: client.enabled,
            created: when(client.created_at),
            fields: ClientFields::of(client),
            errors: errors.unwrap_or_default(),
        }
    }
}

/// A client's credentials, shown once after registration or rotation.
#[derive(Template)]
#[template(path = "admin/client_secret.html")]
pub struct ClientSecretPage {
    pub me: String,
    pub csrf: String,
    pub client_id: String,
    pub client_name: String,
    pub secret: Option<String>,
}

impl ClientSecretPage {
    pub fn new(session: &BrowserSession, client: &Client, secret: Option<&ClientSecret>) -> Self {
        Self {
            me: session.user.username.to_string(),
            csrf: session.csrf.expose().to_owned(),
            client_id: client.id.to_string(),
            client_name: client.name.to_string(),
            secret: secret.map(|s| s.expose().to_owned()),
        }
    }
}
