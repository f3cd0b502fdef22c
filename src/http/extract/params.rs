use std::collections::HashMap;

use crate::domain::{ErrorCode, OAuthError};

/// Query or form parameters, each name at most once. RFC 6749 section 3.1: "Request and
/// response parameters MUST NOT be included more than once"; the first repeated name is
/// kept so the endpoint can refuse the request.
#[derive(Debug, Default)]
pub struct Params {
    values: HashMap<String, String>,
    pub repeated: Option<String>,
}

/// No endpoint takes more; a request with more is refused as a whole.
const MAX_PARAMS: usize = 64;

impl Params {
    pub fn parse(input: &[u8]) -> Params {
        let mut params = Params::default();
        for (name, value) in url::form_urlencoded::parse(input) {
            if params.values.len() >= MAX_PARAMS {
                params
                    .repeated
                    .get_or_insert_with(|| "(too many parameters)".into());
                break;
            }
            // RFC 6749 section 3.1: parameters sent without a value are treated as if
            // they were omitted.
            if value.is_empty() {
                continue;
            }
            if params.values.contains_key(name.as_ref()) {
                params
                    .repeated
                    .get_or_insert_with(|| name.clone().into_owned());
                continue;
            }
            params.values.insert(name.into_owned(), value.into_owned());
        }
        params
    }

    /// The body of a protocol request, if it is `application/x-www-form-urlencoded` as
    /// RFC 6749, RFC 7009 and RFC 7662 require; `None` for any other content type.
    pub fn form(req: &actix_web::HttpRequest, body: &[u8]) -> Option<Params> {
        let is_form = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                v.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        is_form.then(|| Params::parse(body))
    }

    /// The parameters among `names` that were sent, for a form that carries them on in
    /// hidden fields.
    pub fn carried(&self, names: &[&'static str]) -> Vec<(&'static str, String)> {
        names
            .iter()
            .filter_map(|name| self.get(name).map(|value| (*name, value.to_owned())))
            .collect()
    }

    /// `invalid_request` naming the first parameter sent twice, if one was.
    pub fn refuse_repeated(&self) -> Result<(), OAuthError> {
        match &self.repeated {
            Some(name) => Err(OAuthError::new(
                ErrorCode::InvalidRequest,
                format!("the {name} parameter is repeated"),
            )),
            None => Ok(()),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn take(&mut self, name: &str) -> Option<String> {
        self.values.remove(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_flags_repeats() {
        let params = Params::parse(b"a=1&b=x%20y&a=2&c=");
        assert_eq!(params.get("a"), Some("1"));
        assert_eq!(params.get("b"), Some("x y"));
        assert_eq!(params.get("c"), None);
        assert_eq!(params.repeated.as_deref(), Some("a"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let params = Params::parse(&bytes);
            let _ = params.get("grant_type");
        }
    }

    #[test]
    fn survives_garbage() {
        let params = Params::parse(b"%zz=%ff%fe&&==&x");
        assert!(params.repeated.is_none());
        let many: String = (0..100).map(|i| format!("p{i}=v&")).collect();
        assert!(Params::parse(many.as_bytes()).repeated.is_some());
    }
}
