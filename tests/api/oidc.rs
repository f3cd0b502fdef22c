//! The relying party's side of OpenID Connect against a test server: an OIDC client, ID
//! tokens checked as OIDC Core §3.1.3.7 tells a client to, userinfo calls, and the
//! session checks that logout tests need.

use std::sync::Arc;

use aws_lc_rs::digest::{SHA256, SHA512, digest};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation, decode, decode_header};
use latchkey::clock::Clock;
use reqwest::Response;
use reqwest::cookie::{CookieStore, Jar};
use serde_json::Value;

use crate::browser::{Browser, location};
use crate::fixtures::{ClientSpec, TestClient};
use crate::helpers::TestApp;
use crate::oauth::{Tokens, authorize_path, pkce, tokens};

/// What an OIDC test client may ask for.
pub const OIDC_SCOPE: &str = "openid profile email read";
/// Where the test client wants its users sent after signing out.
pub const SIGNED_OUT: &str = "https://app.example.com/signed-out";
/// A nonce with every unreserved character, so that "exactly as sent" means something.
pub const NONCE: &str = "n-0S6_WzA2Mj.~Zz9";

/// A confidential web app that signs users in with OIDC (and skips the consent page),
/// with a registered post-logout redirect URI.
pub fn oidc_client() -> ClientSpec<'static> {
    ClientSpec {
        scope: OIDC_SCOPE,
        skip_consent: true,
        post_logout_redirect_uris: &[SIGNED_OUT],
        ..ClientSpec::default()
    }
}

/// The claims of a JWT, read without checking anything (for what the test compares).
pub fn claims_of(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// OIDC Core §3.1.3.6: the left half of the hash of the access token, base64url; the
/// hash is the one the JWS algorithm uses (SHA-512 for Ed25519, RFC 8037 and OIDC Core
/// errata).
pub fn at_hash(alg: Algorithm, access_token: &str) -> String {
    let hash = match alg {
        Algorithm::EdDSA => digest(&SHA512, access_token.as_bytes()),
        Algorithm::ES256 | Algorithm::RS256 => digest(&SHA256, access_token.as_bytes()),
        other => panic!("no at_hash rule for {other:?}"),
    };
    let bytes = hash.as_ref();
    URL_SAFE_NO_PAD.encode(&bytes[..bytes.len() / 2])
}

/// Now, in whole seconds, by the server's clock.
pub fn now(app: &TestApp) -> i64 {
    app.clock.now().timestamp()
}

/// An ID token that passed the relying party's checks.
pub struct IdToken {
    pub header: Header,
    pub claims: Value,
}

impl IdToken {
    pub fn kid(&self) -> &str {
        self.header.kid.as_deref().unwrap()
    }

    pub fn int(&self, claim: &str) -> i64 {
        self.claims[claim]
            .as_i64()
            .unwrap_or_else(|| panic!("{claim} is not a number: {}", self.claims))
    }

    pub fn has(&self, claim: &str) -> bool {
        self.claims.get(claim).is_some()
    }
}

impl TestApp {
    /// The published signing keys.
    pub async fn jwks(&self) -> JwkSet {
        let response = self.http.get(self.url("/jwks.json")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// The token response's ID token, checked as a client must (OIDC Core §3.1.3.7):
    /// `typ` JWT, a `kid` in the JWKS whose key verifies the signature, this issuer, the
    /// client as audience and authorized party, unexpired (no leeway), and `at_hash`
    /// bound to the access token beside it.
    pub async fn id_token(&self, issued: &Tokens, client: &TestClient) -> IdToken {
        let jwt = issued.body["id_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no id_token in {}", issued.body));
        let header = decode_header(jwt).unwrap();
        assert_eq!(header.typ.as_deref(), Some("JWT"), "ID token typ");
        let kid = header.kid.clone().expect("an ID token names its key");
        let jwks = self.jwks().await;
        let jwk = jwks
            .find(&kid)
            .unwrap_or_else(|| panic!("kid {kid} is not in the JWKS"));
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.address]);
        validation.set_audience(&[&client.id]);
        validation.set_required_spec_claims(&["iss", "sub", "aud", "exp"]);
        validation.leeway = 0;
        let claims = decode::<Value>(jwt, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
            .unwrap_or_else(|e| panic!("the ID token does not verify: {e}"))
            .claims;
        assert_eq!(claims["azp"], client.id, "azp");
        assert_eq!(
            claims["sub"],
            claims_of(&issued.access)["sub"],
            "the ID token and the access token name the same subject"
        );
        assert_eq!(
            claims["auth_time"],
            claims_of(&issued.access)["auth_time"],
            "one login behind both tokens"
        );
        assert_eq!(
            claims["at_hash"],
            at_hash(header.alg, &issued.access),
            "at_hash for {:?}",
            header.alg
        );
        for claim in ["iat", "exp", "auth_time"] {
            assert!(claims[claim].is_i64(), "{claim} in {claims}");
        }
        IdToken { header, claims }
    }

    /// A `/userinfo` request with `Authorization: <authorization>` (none when `None`).
    pub async fn userinfo(&self, method: &str, authorization: Option<&str>) -> Response {
        let mut request = self
            .http
            .request(method.parse().unwrap(), self.url("/userinfo"));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        request.send().await.unwrap()
    }
}

/// The `WWW-Authenticate` challenge of a refused request.
pub fn challenge(response: &Response) -> String {
    response
        .headers()
        .get("www-authenticate")
        .unwrap_or_else(|| panic!("no WWW-Authenticate; status {}", response.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// An authentication request (`scope` with `openid`) for `client`, its PKCE verifier.
pub fn oidc_authorize(client: &TestClient, extra: &[(&str, &str)]) -> (String, String) {
    let (verifier, challenge) = pkce();
    let mut params = extra.to_vec();
    if !params.iter().any(|(name, _)| *name == "scope") {
        params.push(("scope", "openid profile email"));
    }
    (authorize_path(&client.id, &challenge, &params), verifier)
}

impl Browser {
    /// Tokens from one authentication request with `extra` parameters (default scope
    /// `openid profile email`), through whatever pages it shows.
    pub async fn oidc_tokens(
        &self,
        client: &TestClient,
        username: &str,
        extra: &[(&str, &str)],
    ) -> Tokens {
        let (path, verifier) = oidc_authorize(client, extra);
        self.redeem(client, &self.authorize(&path, username).await, &verifier)
            .await
    }

    /// Redeems the code in the redirect to the client.
    pub async fn redeem(&self, client: &TestClient, redirect: &str, verifier: &str) -> Tokens {
        let code = crate::oauth::query_of(redirect)
            .remove("code")
            .unwrap_or_else(|| panic!("no code in {redirect}"));
        tokens(client.exchange_at(&self.base, &code, verifier).await).await
    }

    /// Whether this browser still has a session at Latchkey: `/account` shows, or sends
    /// it to the login page.
    pub async fn signed_in(&self) -> bool {
        let response = self.get("/account").await;
        match response.status().as_u16() {
            200 => true,
            303 => {
                assert!(location(&response).starts_with("/login"));
                false
            }
            other => panic!("/account answered {other}"),
        }
    }
}

/// The end-session request.
pub fn logout_path(params: &[(&str, &str)]) -> String {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    format!("/logout?{query}")
}

/// A browser signed in as `user` through `client`: the ID token and refresh token it got.
pub struct SignedIn {
    pub browser: Browser,
    pub jar: Arc<Jar>,
    pub id_token: String,
    pub refresh: String,
}

pub async fn signed_in(app: &TestApp, client: &TestClient, user: &str) -> SignedIn {
    signed_in_at(&app.address, client, user).await
}

/// The same at another server on the test's database (`latchkey serve`, say).
pub async fn signed_in_at(base: &str, client: &TestClient, user: &str) -> SignedIn {
    let jar = Arc::new(Jar::default());
    let browser = Browser {
        base: base.to_owned(),
        http: reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    };
    let issued = browser.oidc_tokens(client, user, &[]).await;
    assert!(browser.signed_in().await);
    SignedIn {
        browser,
        jar,
        id_token: issued.body["id_token"].as_str().unwrap().to_owned(),
        refresh: issued.refresh.unwrap(),
    }
}

impl SignedIn {
    /// The browser's cookies for Latchkey, as it would send them.
    pub fn cookies(&self) -> String {
        let url = url::Url::parse(&self.browser.base).unwrap();
        let cookies = self.jar.cookies(&url).expect("cookies");
        cookies.to_str().unwrap().to_owned()
    }
}

/// The helper itself, against the example in OIDC Core Appendix A.3.
#[test]
fn at_hash_matches_the_oidc_core_example() {
    assert_eq!(
        at_hash(
            Algorithm::RS256,
            "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
        ),
        "77QmUPtjPfzWtF2AnpK9RQ"
    );
}
