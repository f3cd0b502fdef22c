//! Reading client credentials off a request: HTTP Basic (`client_secret_basic`), the form
//! body (`client_secret_post`), or a bare `client_id` (`none`, public clients).

use actix_web::HttpRequest;
use actix_web::http::header::AUTHORIZATION;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::params::Params;
use crate::domain::{ClientCredentials, ClientId, ErrorCode, OAuthError, PresentedSecret};

/// The client's id and secret, from the one method it used. Without an id, or with one
/// that cannot name a client, the request cannot be authenticated: `invalid_client`.
pub fn client_credentials(
    req: &HttpRequest,
    form: &Params,
) -> Result<ClientCredentials, OAuthError> {
    let body_id = form.get("client_id");
    let body_secret = form.get("client_secret");
    let basic =
        match req.headers().get(AUTHORIZATION) {
            None => None,
            Some(header) => Some(header.to_str().ok().and_then(parse_basic).ok_or_else(|| {
                invalid_client("the Authorization header is not valid HTTP Basic")
            })?),
        };
    let (id, secret) = match &basic {
        None => (body_id, body_secret),
        Some((id, secret)) => {
            // RFC 6749 section 2.3: "The client MUST NOT use more than one authentication
            // method in each request."
            if body_secret.is_some() {
                return Err(invalid_request(
                    "use one client authentication method, not two",
                ));
            }
            if body_id.is_some_and(|body| body != id) {
                return Err(invalid_request(
                    "client_id differs from the Authorization header",
                ));
            }
            (Some(id.as_str()), Some(secret.as_str()))
        }
    };
    let id = id.ok_or_else(|| invalid_client("client authentication is required"))?;
    Ok(ClientCredentials {
        id: ClientId::parse(id).map_err(|_| OAuthError::client_authentication_failed())?,
        secret: secret.map(PresentedSecret::parse),
    })
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 section 2.3.1).
fn parse_basic(header: &str) -> Option<(String, String)> {
    let (scheme, encoded) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((form_decode(id)?, form_decode(secret)?))
}

fn form_decode(text: &str) -> Option<String> {
    percent_encoding::percent_decode_str(&text.replace('+', " "))
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}

fn invalid_client(why: &str) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidClient, why)
}

fn invalid_request(why: &str) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidRequest, why)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(raw: &str) -> String {
        format!("Basic {}", STANDARD.encode(raw))
    }

    #[test]
    fn decodes_form_encoded_credentials() {
        assert_eq!(
            parse_basic(&basic("my%20client:s%3Acret+x")),
            Some(("my client".into(), "s:cret x".into()))
        );
        assert_eq!(
            parse_basic(&basic("id:")),
            Some(("id".into(), String::new()))
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_round_trips(id in "[^:]{0,40}", secret in ".{0,60}", garbage in ".*") {
            let _ = parse_basic(&garbage);
            let _ = parse_basic(&format!("Basic {garbage}"));
            let encode = |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
            let header = basic(&format!("{}:{}", encode(&id), encode(&secret)));
            proptest::prop_assert_eq!(parse_basic(&header), Some((id, secret)));
        }
    }

    #[test]
    fn refuses_malformed_headers() {
        for bad in [
            "Bearer abc".to_owned(),
            "Basic".to_owned(),
            "Basic !!!".to_owned(),
            basic("no-colon"),
            format!("Basic {}", STANDARD.encode([0xff, b':', 0xfe])),
        ] {
            assert_eq!(parse_basic(&bad), None, "{bad}");
        }
    }
}
