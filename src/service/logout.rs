//! RP-Initiated Logout 1.0: an app sends the browser to `/logout` to end its user's
//! session at Latchkey. A genuine `id_token_hint` for the signed-in user ends it at once;
//! anything less, and the user is asked first, since a link alone must not sign anyone
//! out. The browser goes back only to a URI the client registered, exactly; refresh-token
//! families are the apps' own and stay.

use super::authorize::with_query;
use super::verifier::IdClaims;
use super::{ServiceError, Services};
use crate::domain::{BrowserSession, ClientId, Issuer, RedirectUri};

/// `GET /logout`'s parameters (section 2), read at the edge. Anything unreadable is
/// absent: a bad hint gets the confirmation page, a bad URI no redirect.
#[derive(Debug, Default)]
pub struct LogoutRequest {
    pub id_token_hint: Option<String>,
    pub client_id: Option<ClientId>,
    pub post_logout_redirect_uri: Option<RedirectUri>,
    pub state: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum LogoutStep {
    /// The session has ended (or there was none). `Some`: the client's registered URI,
    /// with `state`; `None`: Latchkey's own signed-out page.
    Done(Option<String>),
    /// Ask the signed-in user whether to sign out.
    Confirm,
}

impl Services {
    pub async fn end_session(
        &self,
        issuer: &Issuer,
        request: &LogoutRequest,
        session: Option<BrowserSession>,
    ) -> Result<LogoutStep, ServiceError> {
        let hint = match &request.id_token_hint {
            Some(hint) => self.verify_id_token(hint, issuer).await?,
            None => None,
        };
        let Some(session) = session else {
            return Ok(LogoutStep::Done(
                self.post_logout_redirect(request, hint.as_ref()).await?,
            ));
        };
        let for_this_user = hint
            .as_ref()
            .is_some_and(|claims| claims.sub == session.user.id.to_string());
        if !for_this_user {
            return Ok(LogoutStep::Confirm);
        }
        self.log_out(session).await?;
        Ok(LogoutStep::Done(
            self.post_logout_redirect(request, hint.as_ref()).await?,
        ))
    }

    /// The user said yes on the confirmation page (whose form carried the request on).
    pub async fn confirm_logout(
        &self,
        request: &LogoutRequest,
        session: BrowserSession,
    ) -> Result<Option<String>, ServiceError> {
        self.log_out(session).await?;
        self.post_logout_redirect(request, None).await
    }

    /// Section 3: only to a URI registered for the client that the hint or `client_id`
    /// names (they must agree), compared exactly, with `state`.
    async fn post_logout_redirect(
        &self,
        request: &LogoutRequest,
        hint: Option<&IdClaims>,
    ) -> Result<Option<String>, ServiceError> {
        let Some(uri) = &request.post_logout_redirect_uri else {
            return Ok(None);
        };
        let from_hint = hint.and_then(|claims| ClientId::parse(&claims.aud).ok());
        let client_id = match (from_hint, request.client_id) {
            (Some(a), Some(b)) if a != b => return Ok(None),
            (Some(id), _) | (None, Some(id)) => id,
            (None, None) => return Ok(None),
        };
        let registered = match self.store.find_client(client_id).await? {
            Some(client) => client.enabled && client.post_logout_redirect_uris.contains(uri),
            None => false,
        };
        if !registered {
            return Ok(None);
        }
        Ok(Some(match request.state.as_deref() {
            Some(state) => with_query(uri, &[("state", state)]),
            None => uri.as_str().to_owned(),
        }))
    }
}
