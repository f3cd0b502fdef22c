//! The admin console's client form read into a `ClientRegistration`.

use super::params::Params;
use crate::domain::{
    ClientName, DomainError, GrantType, GrantTypes, RedirectUri, Resource, Scope, SigningAlg,
};
use crate::service::ClientRegistration;

/// Reads the client form; every field's problem is reported, not just the first.
pub fn client_registration(form: &Params) -> Result<ClientRegistration, Vec<String>> {
    let mut errors = Vec::new();
    let name = keep(
        &mut errors,
        ClientName::parse(form.get("name").unwrap_or_default()),
    );
    let lines = |field: &str| -> Vec<String> {
        form.get(field)
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let redirect_uris: Vec<RedirectUri> = lines("redirect_uris")
        .iter()
        .filter_map(|uri| keep(&mut errors, RedirectUri::parse(uri)))
        .collect();
    let resources: Vec<Resource> = lines("resources")
        .iter()
        .filter_map(|uri| keep(&mut errors, Resource::parse(uri)))
        .collect();
    let post_logout_redirect_uris: Vec<RedirectUri> = lines("post_logout_redirect_uris")
        .iter()
        .filter_map(|uri| keep(&mut errors, RedirectUri::parse(uri)))
        .collect();
    let id_token_alg = match form.get("id_token_alg").unwrap_or_default() {
        "" => None,
        alg => keep(&mut errors, SigningAlg::parse(alg)),
    };
    let scopes = keep(
        &mut errors,
        Scope::parse(form.get("scope").unwrap_or_default()),
    );
    let grants = GrantType::ALL
        .into_iter()
        .filter(|grant| form.get(&format!("grant_{grant}")).is_some());
    match (name, scopes) {
        (Some(name), Some(scopes)) if errors.is_empty() => Ok(ClientRegistration {
            name,
            redirect_uris,
            public: form.get("type") == Some("public"),
            grant_types: GrantTypes::new(grants),
            scopes,
            resources,
            skip_consent: form.get("skip_consent").is_some(),
            id_token_alg,
            post_logout_redirect_uris,
            require_dpop: form.get("require_dpop").is_some(),
            require_par: form.get("require_par").is_some(),
        }),
        _ => Err(errors),
    }
}

/// The value, or its error added to the list.
pub(super) fn keep<T>(errors: &mut Vec<String>, result: Result<T, DomainError>) -> Option<T> {
    result.map_err(|e| errors.push(e.to_string())).ok()
}
