use clap::Subcommand;
use serde::Serialize;

use super::user::yes_no;
use super::{CliError, print_json};
use crate::domain::{
    Client, ClientId, ClientName, GrantType, GrantTypes, RedirectUri, Resource, Scope, SigningAlg,
};
use crate::service::{ClientRegistration, Services};

#[derive(Subcommand)]
pub enum ClientCommand {
    /// Register a client; prints its client_id and, for a confidential client, its
    /// client_secret (shown once)
    Create {
        #[arg(long, value_parser = ClientName::parse)]
        name: ClientName,
        /// Redirect URI, compared exactly; repeat for several
        #[arg(long = "redirect-uri", value_name = "URI", num_args = 1.., value_parser = RedirectUri::parse)]
        redirect_uris: Vec<RedirectUri>,
        /// A public client (no secret; native and browser apps)
        #[arg(long)]
        public: bool,
        /// Allowed grant type; repeat for several [default: authorization_code refresh_token]
        #[arg(long = "grant-type", value_name = "GRANT", num_args = 1.., value_parser = GrantType::parse)]
        grant_types: Vec<GrantType>,
        /// Space-separated scopes the client may ask for
        #[arg(long, default_value = "", value_parser = Scope::parse)]
        scope: Scope,
        /// An API (RFC 8707 resource) the client may ask tokens for; repeat for several
        #[arg(long = "resource", value_name = "URI", num_args = 1.., value_parser = Resource::parse)]
        resources: Vec<Resource>,
        /// Do not ask users for consent
        #[arg(long)]
        skip_consent: bool,
        /// Algorithm of this client's ID tokens: ES256, EdDSA or RS256 [default: --signing-alg]
        #[arg(long, value_name = "ALG", value_parser = SigningAlg::parse)]
        id_token_alg: Option<SigningAlg>,
        /// Where RP-initiated logout may send the browser back to, compared exactly;
        /// repeat for several
        #[arg(long = "post-logout-redirect-uri", value_name = "URI", num_args = 1.., value_parser = RedirectUri::parse)]
        post_logout_redirect_uris: Vec<RedirectUri>,
        /// Refuse every token request of this client that carries no DPoP proof (RFC 9449)
        #[arg(long)]
        require_dpop: bool,
        /// Refuse authorization requests of this client that were not pushed to /par
        /// first (RFC 9126)
        #[arg(long)]
        require_par: bool,
        /// Print {"client_id": ..., "client_secret": ...} as JSON
        #[arg(long)]
        json: bool,
    },
    /// List clients
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one client
    Show {
        #[arg(value_parser = ClientId::parse)]
        id: ClientId,
        #[arg(long)]
        json: bool,
    },
    /// Issue a new secret; the old one stops working at once
    RotateSecret {
        #[arg(value_parser = ClientId::parse)]
        id: ClientId,
        #[arg(long)]
        json: bool,
    },
    /// Disable a client and revoke all its refresh-token families
    Disable {
        #[arg(value_parser = ClientId::parse)]
        id: ClientId,
    },
}

#[derive(Serialize)]
struct Credentials<'a> {
    client_id: String,
    client_secret: Option<&'a str>,
}

#[derive(Serialize)]
struct ClientView<'a> {
    client_id: String,
    name: &'a str,
    public: bool,
    redirect_uris: Vec<&'a str>,
    grant_types: Vec<&'static str>,
    scope: String,
    resources: Vec<&'a str>,
    skip_consent: bool,
    id_token_alg: Option<&'static str>,
    post_logout_redirect_uris: Vec<&'a str>,
    require_dpop: bool,
    require_par: bool,
    enabled: bool,
    created_at: String,
}

impl<'a> From<&'a Client> for ClientView<'a> {
    fn from(client: &'a Client) -> Self {
        Self {
            client_id: client.id.to_string(),
            name: client.name.as_str(),
            public: client.is_public(),
            redirect_uris: client
                .redirect_uris
                .iter()
                .map(RedirectUri::as_str)
                .collect(),
            grant_types: client.grant_types.iter().map(GrantType::as_str).collect(),
            scope: client.scopes.to_string(),
            resources: client.resources.iter().map(Resource::as_str).collect(),
            skip_consent: client.skip_consent,
            id_token_alg: client.id_token_alg.map(SigningAlg::as_str),
            post_logout_redirect_uris: client
                .post_logout_redirect_uris
                .iter()
                .map(RedirectUri::as_str)
                .collect(),
            require_dpop: client.require_dpop,
            require_par: client.require_par,
            enabled: client.enabled,
            created_at: client.created_at.to_rfc3339(),
        }
    }
}

pub async fn run(command: ClientCommand, services: &Services) -> Result<(), CliError> {
    match command {
        ClientCommand::Create {
            name,
            redirect_uris,
            public,
            grant_types,
            scope,
            resources,
            skip_consent,
            id_token_alg,
            post_logout_redirect_uris,
            require_dpop,
            require_par,
            json,
        } => {
            let registered = services
                .register_client(ClientRegistration {
                    name,
                    redirect_uris,
                    public,
                    grant_types: GrantTypes::new(grant_types),
                    scopes: scope,
                    resources,
                    skip_consent,
                    id_token_alg,
                    post_logout_redirect_uris,
                    require_dpop,
                    require_par,
                })
                .await?;
            print_credentials(
                registered.client.id,
                registered.secret.as_ref().map(|s| s.expose()),
                json,
            )?;
        }
        ClientCommand::List { json } => {
            let clients = services.list_clients().await?;
            if json {
                print_json(&clients.iter().map(ClientView::from).collect::<Vec<_>>())?;
            } else {
                println!("{:<36} {:<13} {:<8} NAME", "CLIENT_ID", "TYPE", "ENABLED");
                for client in &clients {
                    println!(
                        "{:<36} {:<13} {:<8} {}",
                        client.id,
                        kind(client),
                        yes_no(client.enabled),
                        client.name
                    );
                }
            }
        }
        ClientCommand::Show { id, json } => {
            let client = services.find_client(id).await?;
            if json {
                print_json(&ClientView::from(&client))?;
            } else {
                print_client(&client);
            }
        }
        ClientCommand::RotateSecret { id, json } => {
            let secret = services.rotate_client_secret(id).await?;
            print_credentials(id, Some(secret.expose()), json)?;
        }
        ClientCommand::Disable { id } => {
            let revoked = services.disable_client(id).await?;
            println!("client {id} disabled; {revoked} refresh-token families revoked");
        }
    }
    Ok(())
}

fn print_credentials(id: ClientId, secret: Option<&str>, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&Credentials {
            client_id: id.to_string(),
            client_secret: secret,
        });
    }
    println!("client_id:     {id}");
    if let Some(secret) = secret {
        println!("client_secret: {secret}");
        eprintln!("The secret is shown only this once; Latchkey keeps only its hash.");
    }
    Ok(())
}

fn kind(client: &Client) -> &'static str {
    if client.is_public() {
        "public"
    } else {
        "confidential"
    }
}

fn print_client(client: &Client) {
    println!("client_id:     {}", client.id);
    println!("name:          {}", client.name);
    println!("type:          {}", kind(client));
    println!("enabled:       {}", yes_no(client.enabled));
    println!("grant types:   {}", client.grant_types);
    println!("scope:         {}", client.scopes);
    println!("skip consent:  {}", yes_no(client.skip_consent));
    println!("require DPoP:  {}", yes_no(client.require_dpop));
    println!("require PAR:   {}", yes_no(client.require_par));
    for resource in &client.resources {
        println!("resource:      {resource}");
    }
    for uri in &client.redirect_uris {
        println!("redirect uri:  {uri}");
    }
    match client.id_token_alg {
        Some(alg) => println!("id token alg:  {alg}"),
        None => println!("id token alg:  (the server's signing algorithm)"),
    }
    for uri in &client.post_logout_redirect_uris {
        println!("after logout:  {uri}");
    }
    println!("created:       {}", client.created_at.to_rfc3339());
}
