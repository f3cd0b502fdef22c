//! `/logout`'s parameters (RP-Initiated Logout 1.0 section 2), from the query of `GET`
//! or the confirmation form that carries them on.

use super::params::Params;
use crate::domain::{ClientId, RedirectUri};
use crate::service::LogoutRequest;

/// An ID token is a few kilobytes at most; a longer hint is not one of ours.
const MAX_HINT: usize = 16 * 1024;
const MAX_STATE: usize = 1024;

pub fn logout_request(params: &Params) -> LogoutRequest {
    LogoutRequest {
        id_token_hint: params
            .get("id_token_hint")
            .filter(|hint| hint.len() <= MAX_HINT)
            .map(str::to_owned),
        client_id: params
            .get("client_id")
            .and_then(|id| ClientId::parse(id).ok()),
        post_logout_redirect_uri: params
            .get("post_logout_redirect_uri")
            .and_then(|uri| RedirectUri::parse(uri).ok()),
        state: params
            .get("state")
            .filter(|state| state.len() <= MAX_STATE)
            .map(str::to_owned),
    }
}
