//! A third-party OAuth client library (the `oauth2` crate), configured only with our
//! endpoint URLs, completes the code flow with PKCE and a refresh.

use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge, RedirectUrl,
    Scope, TokenResponse, TokenUrl,
};

use crate::fixtures::{ClientSpec, REDIRECT};
use crate::helpers::{Backend, TestApp};
use crate::oauth::query_of;
use crate::on_both_backends;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct HttpError(String);

/// The library's HTTP hook, served by our own reqwest client (no redirects followed).
async fn send(request: oauth2::HttpRequest) -> Result<oauth2::HttpResponse, HttpError> {
    let http = crate::helpers::http_client();
    let mut outgoing = http.request(request.method().clone(), request.uri().to_string());
    for (name, value) in request.headers() {
        outgoing = outgoing.header(name, value);
    }
    let response = outgoing
        .body(request.body().clone())
        .send()
        .await
        .map_err(|e| HttpError(e.to_string()))?;
    let mut builder = oauth2::http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        builder = builder.header(name, value);
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| HttpError(e.to_string()))?;
    builder
        .body(body.to_vec())
        .map_err(|e| HttpError(e.to_string()))
}

async fn the_oauth2_crate_completes_code_exchange_and_refresh(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let registered = app.client(ClientSpec::default()).await;
    let client = BasicClient::new(ClientId::new(registered.id.clone()))
        .set_client_secret(ClientSecret::new(registered.secret.clone().unwrap()))
        .set_auth_uri(AuthUrl::new(app.url("/authorize")).unwrap())
        .set_token_uri(TokenUrl::new(app.url("/token")).unwrap())
        .set_redirect_uri(RedirectUrl::new(REDIRECT.to_owned()).unwrap());

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("read".into()))
        .set_pkce_challenge(challenge)
        .url();
    let redirect = app.browser().authorize(url.as_str(), "alice").await;
    let params = query_of(&redirect);
    assert_eq!(&params["state"], state.secret());

    let token = client
        .exchange_code(AuthorizationCode::new(params["code"].clone()))
        .set_pkce_verifier(verifier)
        .request_async(&send)
        .await
        .unwrap();
    assert_eq!(token.expires_in().unwrap().as_secs(), 900);
    assert_eq!(token.scopes().unwrap()[0].as_str(), "read");
    let refresh = token.refresh_token().unwrap();

    let refreshed = client
        .exchange_refresh_token(refresh)
        .request_async(&send)
        .await
        .unwrap();
    assert_ne!(
        refreshed.refresh_token().unwrap().secret(),
        refresh.secret()
    );
    assert_ne!(
        refreshed.access_token().secret(),
        token.access_token().secret()
    );

    // The library surfaces our RFC 6749 error for the retired token.
    let replay = client
        .exchange_refresh_token(refresh)
        .request_async(&send)
        .await;
    let message = format!("{:?}", replay.unwrap_err());
    assert!(message.contains("invalid_grant"), "{message}");
}

on_both_backends!(the_oauth2_crate_completes_code_exchange_and_refresh);
