//! A user's profile: the display name and email address that the `profile` and `email`
//! scopes release (OIDC Core section 5.4). Only admins write them, from the command line
//! or the console: that is what lets `email_verified` mean "an admin vouched for it".

use super::accounts::not_found_as;
use super::{ServiceError, Services};
use crate::domain::{DisplayName, Email, EventKind, NewEvent, User, Username};

/// What a user is called and where they get mail, as an admin gave it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    display_name: Option<DisplayName>,
    email: Option<Email>,
    email_verified: bool,
}

impl Profile {
    /// Refuses a verified flag without an address: there would be nothing it vouches for.
    pub fn new(
        display_name: Option<DisplayName>,
        email: Option<Email>,
        email_verified: bool,
    ) -> Result<Self, ServiceError> {
        if email_verified && email.is_none() {
            return Err(ServiceError::Refused(
                "only an email address can be marked verified: give one".into(),
            ));
        }
        Ok(Self {
            display_name,
            email,
            email_verified,
        })
    }

    fn of(user: &User) -> Self {
        Self {
            display_name: user.display_name.clone(),
            email: user.email.clone(),
            email_verified: user.email_verified,
        }
    }

    /// `user` with this profile in place of its own.
    pub(super) fn applied_to(self, user: User) -> User {
        User {
            display_name: self.display_name,
            email: self.email,
            email_verified: self.email_verified,
            ..user
        }
    }

    /// The parts that differ from `user`'s, in words for the security event; empty when
    /// none does.
    fn changes_from(&self, user: &User) -> String {
        [
            (self.display_name != user.display_name, "display name"),
            (self.email != user.email, "email"),
            (self.email_verified != user.email_verified, "email verified"),
        ]
        .into_iter()
        .filter_map(|(changed, part)| changed.then_some(part))
        .collect::<Vec<_>>()
        .join(", ")
    }
}

impl Services {
    /// An admin's edit of the whole profile (the console's form): written as given.
    pub async fn update_profile(
        &self,
        username: &Username,
        profile: Profile,
    ) -> Result<User, ServiceError> {
        let user = self.find_user(username).await?;
        self.write_profile(user, profile).await
    }

    /// `user set-email`. A new address is unverified unless the admin says otherwise
    /// (`verified`); setting the address the user already has keeps its verification, so
    /// that running the same provisioning command twice changes nothing. `None` clears it.
    pub async fn set_email(
        &self,
        username: &Username,
        email: Option<Email>,
        verified: bool,
    ) -> Result<User, ServiceError> {
        let user = self.find_user(username).await?;
        let same_address = email.is_some() && email == user.email;
        let verified = verified || (same_address && user.email_verified);
        let profile = Profile::new(user.display_name.clone(), email, verified)?;
        self.write_profile(user, profile).await
    }

    /// `user set-display-name`; `None` clears it.
    pub async fn set_display_name(
        &self,
        username: &Username,
        display_name: Option<DisplayName>,
    ) -> Result<User, ServiceError> {
        let user = self.find_user(username).await?;
        let profile = Profile {
            display_name,
            ..Profile::of(&user)
        };
        self.write_profile(user, profile).await
    }

    /// Stores the profile with a security event naming what changed: apps may trust a
    /// verified address to identify the person, so a change to it is worth a trace. A
    /// profile that changes nothing writes nothing.
    async fn write_profile(&self, user: User, profile: Profile) -> Result<User, ServiceError> {
        let changes = profile.changes_from(&user);
        if changes.is_empty() {
            return Ok(user);
        }
        let updated = profile.applied_to(user);
        let event = NewEvent::new(EventKind::ProfileChanged)
            .user(updated.id)
            .detail(changes);
        self.store
            .update_profile(&updated, self.clock.now(), event)
            .await
            .map_err(|e| not_found_as(e, &updated.username))?;
        Ok(updated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verified_flag_needs_an_address() {
        assert!(Profile::new(None, None, true).is_err());
        let email = Email::parse("alice@example.com").unwrap();
        assert!(Profile::new(None, Some(email), true).is_ok());
        assert!(Profile::new(None, None, false).is_ok());
    }

    #[test]
    fn names_only_what_changed() {
        use crate::clock::{Clock, ManualClock};
        let now = ManualClock::new().now();
        let user = User {
            id: crate::domain::UserId::generate(),
            username: Username::parse("alice").unwrap(),
            is_admin: false,
            enabled: true,
            created_at: now,
            password_changed_at: now,
            display_name: None,
            email: Some(Email::parse("alice@example.com").unwrap()),
            email_verified: false,
        };
        assert_eq!(Profile::of(&user).changes_from(&user), "");
        let renamed = Profile {
            display_name: Some(DisplayName::parse("Alice").unwrap()),
            ..Profile::of(&user)
        };
        assert_eq!(renamed.changes_from(&user), "display name");
        let cleared = Profile::new(None, None, false).unwrap();
        assert_eq!(cleared.changes_from(&user), "email");
        let verified = Profile::new(None, user.email.clone(), true).unwrap();
        assert_eq!(verified.changes_from(&user), "email verified");
    }
}
