//! The admin console's profile form read into a `Profile`.

use super::params::Params;
use super::registration::keep;
use crate::domain::{DisplayName, Email};
use crate::service::Profile;

/// Reads the profile form: an empty field clears that part. Every field's problem is
/// reported, not just the first.
pub fn user_profile(form: &Params) -> Result<Profile, Vec<String>> {
    let mut errors = Vec::new();
    let display_name = match form.get("display_name").unwrap_or_default().trim() {
        "" => None,
        name => keep(&mut errors, DisplayName::parse(name)),
    };
    let email = match form.get("email").unwrap_or_default().trim() {
        "" => None,
        email => keep(&mut errors, Email::parse(email)),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Profile::new(display_name, email, form.get("email_verified").is_some())
        .map_err(|e| vec![e.to_string()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_clear_and_every_problem_is_named() {
        let empty = user_profile(&Params::parse(b"display_name=&email=+")).unwrap();
        assert_eq!(empty, Profile::default());
        let errors = user_profile(&Params::parse(b"display_name=a%09b&email=nope")).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        let errors = user_profile(&Params::parse(b"email_verified=on")).unwrap_err();
        assert!(errors[0].contains("marked verified"), "{errors:?}");
        let verified =
            user_profile(&Params::parse(b"email=a%40example.com&email_verified=on")).unwrap();
        let expected = Profile::new(None, Some(Email::parse("a@example.com").unwrap()), true);
        assert_eq!(verified, expected.unwrap());
    }
}
