//! A person's own account page: the apps they authorized, remembered consents, their
//! password, their recent security events.

use super::{ServiceError, Services, passwords};
use crate::domain::{
    BrowserSession, ClientId, EventKind, FamilyId, NewEvent, Password, RevocationReason, UserId,
};
use crate::store::{AuthorizedApp, RecordedEvent, RememberedConsent};

/// Everything `/account` shows.
#[derive(Debug)]
pub struct AccountOverview {
    pub apps: Vec<AuthorizedApp>,
    pub consents: Vec<RememberedConsent>,
    pub events: Vec<RecordedEvent>,
}

const RECENT_EVENTS: i64 = 20;

impl Services {
    pub async fn account_overview(&self, user: UserId) -> Result<AccountOverview, ServiceError> {
        Ok(AccountOverview {
            apps: self.store.authorized_apps(user, self.clock.now()).await?,
            consents: self.store.consents_of(user).await?,
            events: self.store.events_of(user, RECENT_EVENTS).await?,
        })
    }

    /// Revokes one of the user's own families; someone else's is refused as not found.
    pub async fn revoke_own_app(&self, user: UserId, family: FamilyId) -> Result<(), ServiceError> {
        match self.store.family_status(family).await? {
            Some(status) if status.user_id == user => {
                let event = NewEvent::new(EventKind::FamiliesRevoked)
                    .user(user)
                    .client(status.client_id)
                    .detail("revoked by the user on the account page");
                self.store
                    .revoke_family(
                        family,
                        RevocationReason::RevokedByUser,
                        self.clock.now(),
                        event,
                    )
                    .await?;
                Ok(())
            }
            _ => Err(ServiceError::NotFound("no such authorized app".into())),
        }
    }

    pub async fn forget_consent(&self, user: UserId, client: ClientId) -> Result<(), ServiceError> {
        self.store.forget_consent(user, client).await?;
        Ok(())
    }

    /// Changes the password after checking the current one. Like every password change
    /// it revokes all the user's refresh-token families and ends their browser sessions,
    /// except this one.
    pub async fn change_own_password(
        &self,
        session: &BrowserSession,
        current: Password,
        new: Password,
    ) -> Result<usize, ServiceError> {
        let username = &session.user.username;
        let Some((_, hash)) = self.store.find_user_by_name(username).await? else {
            return Err(ServiceError::NotFound("no such user".into()));
        };
        let verified = passwords::verify(current, Some(hash)).await?;
        if !verified {
            return Err(ServiceError::Refused(
                "the current password is not right".into(),
            ));
        }
        let keep = Some(session.token.clone());
        let revoked = self.replace_password(username, &new, keep).await?;
        Ok(revoked)
    }
}
