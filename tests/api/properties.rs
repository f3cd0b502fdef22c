//! Property tests for every parser that reads outside input: none panics on anything,
//! and what they print they read back the same.

use latchkey::domain::{
    ClientName, CodeChallenge, CodeVerifier, GrantTypes, Issuer, RedirectUri, Resource, Scope, Ttl,
    Username,
};
use latchkey::http::extract::{Params, token_request};
use latchkey::store::DatabaseUrl;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsers_never_panic(input in any::<String>()) {
        let _ = Scope::parse(&input);
        let _ = RedirectUri::parse(&input);
        let _ = Resource::parse(&input);
        let _ = CodeVerifier::parse(&input);
        let _ = CodeChallenge::parse(&input);
        let _ = Ttl::parse(&input);
        let _ = Username::parse(&input);
        let _ = ClientName::parse(&input);
        let _ = Issuer::parse(&input);
        let _ = GrantTypes::parse(&input);
        let _ = DatabaseUrl::parse(&input);
        let _ = token_request(Some(&Params::parse(input.as_bytes())));
    }

    #[test]
    fn token_requests_from_arbitrary_forms_never_panic(
        grant in prop_oneof!["authorization_code", "refresh_token", "client_credentials", ".*"],
        code in ".*", verifier in "[A-Za-z0-9._~-]{0,140}", scope in ".*", token in "[A-Za-z0-9_-]{0,50}",
    ) {
        let form = [("grant_type", grant.as_str()), ("code", &code), ("code_verifier", &verifier), ("scope", &scope), ("refresh_token", &token), ("resource", &code)];
        let body: String = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let _ = token_request(Some(&Params::parse(body.as_bytes())));
    }

    #[test]
    fn scopes_read_back_what_they_print(tokens in proptest::collection::vec("[!#-\\[\\]-~]{1,20}", 0..10)) {
        let scope = Scope::parse(&tokens.join(" ")).unwrap();
        prop_assert_eq!(Scope::parse(&scope.to_string()).unwrap(), scope.clone());
        prop_assert!(scope.narrows(&scope));
    }

    #[test]
    fn durations_read_back_what_they_print(amount in 0u32..100_000, unit in prop_oneof!["s", "m", "h", "d"]) {
        if let Ok(ttl) = Ttl::parse(&format!("{amount}{unit}")) {
            prop_assert_eq!(Ttl::parse(&ttl.to_string()).unwrap(), ttl);
        }
    }

    #[test]
    fn registered_redirect_uris_keep_their_exact_text(path in "[a-z0-9/]{0,30}", query in "[a-z0-9=&]{0,20}") {
        let text = format!("https://app.example.com/{path}?{query}");
        if let Ok(uri) = RedirectUri::parse(&text) {
            prop_assert_eq!(uri.as_str(), text.as_str());
        }
    }
}
