//! User accounts: creation (with the profile an admin gives, in the same insert),
//! passwords (argon2id, off the async workers), enabling and disabling. Every path that
//! changes a password or disables a user revokes the user's refresh-token families
//! through the same store call, whoever asked.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{Profile, ServiceError, Services, passwords};
use crate::domain::{
    EventKind, NewEvent, Password, SessionTokenHash, User, UserId, Username, random_bytes,
};
use crate::store::StoreError;

/// The account `serve` creates on an empty database, with its one-time password.
#[derive(Debug)]
pub struct FirstAdmin {
    pub username: Username,
    pub password: Password,
}

const FIRST_ADMIN_NAME: &str = "admin";

impl Services {
    pub async fn create_user(
        &self,
        username: Username,
        password: &Password,
        is_admin: bool,
        profile: Profile,
    ) -> Result<User, ServiceError> {
        let hash = passwords::hash(password).await?;
        let now = self.clock.now();
        let user = profile.applied_to(User {
            id: UserId::generate(),
            username,
            is_admin,
            enabled: true,
            created_at: now,
            password_changed_at: now,
            display_name: None,
            email: None,
            email_verified: false,
        });
        let event = NewEvent::new(EventKind::UserCreated)
            .user(user.id)
            .detail(if is_admin { "admin" } else { "user" });
        match self.store.insert_user(user.clone(), hash, event).await {
            Ok(()) => Ok(user),
            Err(StoreError::Conflict) => Err(ServiceError::Conflict(format!(
                "a user named '{}' already exists",
                user.username
            ))),
            Err(other) => Err(other.into()),
        }
    }

    /// On a database without users, creates `admin` with a random password and returns
    /// it so that the caller can show it once. `None` when users exist, including when
    /// another instance won the race to create the first one.
    pub async fn ensure_first_admin(&self) -> Result<Option<FirstAdmin>, ServiceError> {
        if self.store.count_users().await? > 0 {
            return Ok(None);
        }
        let username = Username::parse(FIRST_ADMIN_NAME)?;
        let password = Password::new_choice(URL_SAFE_NO_PAD.encode(random_bytes::<18>()))?;
        match self
            .create_user(username.clone(), &password, true, Profile::default())
            .await
        {
            Ok(_) => Ok(Some(FirstAdmin { username, password })),
            Err(ServiceError::Conflict(_)) => Ok(None),
            Err(other) => Err(other),
        }
    }

    pub async fn list_users(&self) -> Result<Vec<User>, ServiceError> {
        Ok(self.store.list_users().await?)
    }

    pub async fn find_user(&self, username: &Username) -> Result<User, ServiceError> {
        match self.store.find_user_by_name(username).await? {
            Some((user, _)) => Ok(user),
            None => Err(no_such_user(username)),
        }
    }

    /// Sets a new password and revokes every refresh-token family of the user. Returns
    /// how many families were revoked.
    pub async fn set_password(
        &self,
        username: &Username,
        password: &Password,
    ) -> Result<usize, ServiceError> {
        self.replace_password(username, password, None).await
    }

    /// Every password change goes through here: new hash, families revoked, browser
    /// sessions ended but for `keep_session`.
    pub(super) async fn replace_password(
        &self,
        username: &Username,
        password: &Password,
        keep_session: Option<SessionTokenHash>,
    ) -> Result<usize, ServiceError> {
        let user = self.find_user(username).await?;
        let hash = passwords::hash(password).await?;
        let event = NewEvent::new(EventKind::PasswordChanged).user(user.id);
        self.store
            .set_password(user.id, hash, keep_session, self.clock.now(), event)
            .await
            .map_err(|e| not_found_as(e, username))
    }

    /// Sets a random one-time password (revoking every family, like any password
    /// change) and returns it, to be shown once to the admin who asked.
    pub async fn reset_password(&self, username: &Username) -> Result<Password, ServiceError> {
        let password = Password::new_choice(URL_SAFE_NO_PAD.encode(random_bytes::<18>()))?;
        self.set_password(username, &password).await?;
        Ok(password)
    }

    /// Grants or removes the admin flag; the last admin keeps theirs.
    pub async fn set_admin(&self, username: &Username, is_admin: bool) -> Result<(), ServiceError> {
        let user = self.find_user(username).await?;
        let event = NewEvent::new(EventKind::AdminChanged)
            .user(user.id)
            .detail(if is_admin {
                "admin granted"
            } else {
                "admin removed"
            });
        match self
            .store
            .set_admin(user.id, is_admin, self.clock.now(), event)
            .await
        {
            Ok(()) => Ok(()),
            Err(StoreError::Conflict) => Err(last_admin()),
            Err(other) => Err(not_found_as(other, username)),
        }
    }

    /// Users whose name contains `query` (all when empty).
    pub async fn search_users(&self, query: &str) -> Result<Vec<User>, ServiceError> {
        let query = query.trim().to_ascii_lowercase();
        Ok(self
            .list_users()
            .await?
            .into_iter()
            .filter(|user| user.username.as_str().contains(&query))
            .collect())
    }

    /// Enables or disables a user. Disabling revokes every family of the user. Returns how
    /// many families were revoked.
    pub async fn set_user_enabled(
        &self,
        username: &Username,
        enabled: bool,
    ) -> Result<usize, ServiceError> {
        let user = self.find_user(username).await?;
        let kind = if enabled {
            EventKind::UserEnabled
        } else {
            EventKind::UserDisabled
        };
        self.store
            .set_user_enabled(
                user.id,
                enabled,
                self.clock.now(),
                NewEvent::new(kind).user(user.id),
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict => last_admin(),
                other => not_found_as(other, username),
            })
    }
}

fn last_admin() -> ServiceError {
    ServiceError::Refused("the last admin must stay an enabled admin".into())
}

fn no_such_user(username: &Username) -> ServiceError {
    ServiceError::NotFound(format!("no user named '{username}'"))
}

pub(super) fn not_found_as(error: StoreError, username: &Username) -> ServiceError {
    match error {
        StoreError::NotFound => no_such_user(username),
        other => other.into(),
    }
}
