use url::Url;

use crate::domain::{Issuer, OAuthError, RedirectUri};

/// Section 4.1.2.1, with `iss` from RFC 9207 so that a client talking to several
/// servers can tell which one answered.
pub(super) fn error_redirect(
    redirect_uri: &RedirectUri,
    error: &OAuthError,
    state: Option<&str>,
    issuer: &Issuer,
) -> String {
    let mut params = vec![
        ("error", error.code.as_str()),
        ("error_description", error.description.as_str()),
    ];
    if let Some(state) = state {
        params.push(("state", state));
    }
    params.push(("iss", issuer.as_str()));
    with_query(redirect_uri, &params)
}

/// Adds query parameters to a registered redirect URI (or post-logout redirect URI),
/// keeping any query it already has (section 3.1.2: "MUST retain that query component").
pub(in crate::service) fn with_query(
    redirect_uri: &RedirectUri,
    params: &[(&str, &str)],
) -> String {
    match Url::parse(redirect_uri.as_str()) {
        Ok(mut url) => {
            url.query_pairs_mut().extend_pairs(params);
            url.to_string()
        }
        // Registered URIs were parsed when registered; this cannot happen, but a
        // redirect without parameters is still better than none.
        Err(_) => redirect_uri.as_str().to_owned(),
    }
}
