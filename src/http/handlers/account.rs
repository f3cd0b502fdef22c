//! `/account`: the signed-in person's apps, consents, password and recent events.

use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};

use crate::domain::{BrowserSession, ClientId, FamilyId, Password};
use crate::http::error::PageError;
use crate::http::extract::{CurrentSession, Params};
use crate::http::pages::{AccountPage, html};
use crate::http::respond::see_other;
use crate::http::routes;
use crate::service::{ServiceError, Services};

const NO_SUCH_APP: &str = "There is no such app on your account.";

pub async fn page(
    req: HttpRequest,
    services: web::Data<Services>,
    session: CurrentSession,
) -> Result<HttpResponse, PageError> {
    let Some(session) = session.0 else {
        return Ok(see_other(&routes::login_then(routes::ACCOUNT)));
    };
    let query = Params::parse(req.query_string().as_bytes());
    let notice = match query.get("done") {
        Some("revoked") => Some("The app's access was revoked."),
        Some("forgotten") => Some("The app will ask for your consent again."),
        Some("password") => Some("Your password was changed. Every app has to sign in again."),
        _ => None,
    };
    render(&services, &session, StatusCode::OK, notice, None).await
}

pub async fn revoke_app(
    path: web::Path<String>,
    body: Bytes,
    services: web::Data<Services>,
    session: CurrentSession,
) -> Result<HttpResponse, PageError> {
    let session = session.verified(&Params::parse(&body))?;
    let family = FamilyId::parse(&path).map_err(|_| PageError::not_found(NO_SUCH_APP))?;
    services
        .revoke_own_app(session.user.id, family)
        .await
        .map_err(PageError::unless_missing(NO_SUCH_APP))?;
    Ok(see_other(&routes::account_done("revoked")))
}

pub async fn forget_consent(
    path: web::Path<String>,
    body: Bytes,
    services: web::Data<Services>,
    session: CurrentSession,
) -> Result<HttpResponse, PageError> {
    let session = session.verified(&Params::parse(&body))?;
    let client = ClientId::parse(&path).map_err(|_| PageError::not_found(NO_SUCH_APP))?;
    services.forget_consent(session.user.id, client).await?;
    Ok(see_other(&routes::account_done("forgotten")))
}

pub async fn change_password(
    body: Bytes,
    services: web::Data<Services>,
    session: CurrentSession,
) -> Result<HttpResponse, PageError> {
    let mut form = Params::parse(&body);
    let session = session.verified(&form)?;
    let refusal = match checked_passwords(&mut form) {
        Err(message) => message,
        Ok((current, new)) => match services.change_own_password(&session, current, new).await {
            Ok(_) => return Ok(see_other(&routes::account_done("password"))),
            Err(ServiceError::Refused(message)) => format!("{message}."),
            Err(other) => return Err(other.into()),
        },
    };
    render(
        &services,
        &session,
        StatusCode::BAD_REQUEST,
        None,
        Some(&refusal),
    )
    .await
}

/// The current password and a new one that meets the policy and its confirmation.
fn checked_passwords(form: &mut Params) -> Result<(Password, Password), String> {
    let new = form.take("new_password").unwrap_or_default();
    if form.get("confirm_password") != Some(new.as_str()) {
        return Err("The new password and its confirmation differ.".into());
    }
    let current = Password::attempt(form.take("current_password").unwrap_or_default())
        .map_err(|_| "The current password is not right.".to_owned())?;
    let new = Password::new_choice(new).map_err(|e| format!("The new password: {e}."))?;
    Ok((current, new))
}

async fn render(
    services: &Services,
    session: &BrowserSession,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<&str>,
) -> Result<HttpResponse, PageError> {
    let overview = services.account_overview(session.user.id).await?;
    Ok(html(
        status,
        &AccountPage::new(session, &overview, notice, error),
    ))
}
