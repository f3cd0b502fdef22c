use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};

use crate::domain::{Password, User, Username};
use crate::http::error::PageError;
use crate::http::extract::{Admin, Params, user_profile};
use crate::http::pages::{AdminUserPage, AdminUsersPage, OneTimePasswordPage, html};
use crate::http::respond::see_other;
use crate::http::routes;
use crate::service::{ServiceError, Services};

const NO_SUCH_USER: &str = "There is no such user.";

pub async fn list(
    req: HttpRequest,
    admin: Admin,
    services: web::Data<Services>,
) -> Result<HttpResponse, PageError> {
    let query = Params::parse(req.query_string().as_bytes());
    let search = query.get("q").unwrap_or_default();
    let users = services.search_users(search).await?;
    Ok(html(
        StatusCode::OK,
        &AdminUsersPage::new(&admin.0, &users, search, None),
    ))
}

pub async fn create(
    admin: Admin,
    body: Bytes,
    services: web::Data<Services>,
) -> Result<HttpResponse, PageError> {
    let mut form = Params::parse(&body);
    let session = admin.verified(&form)?;
    let is_admin = form.get("is_admin").is_some();
    let outcome = match (
        Username::parse(form.get("username").unwrap_or_default()),
        Password::new_choice(form.take("password").unwrap_or_default()),
        user_profile(&form),
    ) {
        (Ok(name), Ok(password), Ok(profile)) => services
            .create_user(name, &password, is_admin, profile)
            .await
            .map(|_| ()),
        (Err(e), _, _) | (_, Err(e), _) => Err(e.into()),
        (_, _, Err(errors)) => Err(ServiceError::Refused(errors.join(" "))),
    };
    match outcome {
        Ok(()) => Ok(see_other(routes::ADMIN_USERS)),
        Err(
            error @ (ServiceError::Invalid(_)
            | ServiceError::Conflict(_)
            | ServiceError::Refused(_)),
        ) => {
            let users = services.list_users().await?;
            let message = error.to_string();
            Ok(html(
                StatusCode::BAD_REQUEST,
                &AdminUsersPage::new(&session, &users, "", Some(&message)).refilled(&form),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /admin/users/{name}/{action}`: disable, enable, reset-password, grant-admin,
/// remove-admin.
pub async fn act(
    admin: Admin,
    path: web::Path<(String, String)>,
    body: Bytes,
    services: web::Data<Services>,
) -> Result<HttpResponse, PageError> {
    let session = admin.verified(&Params::parse(&body))?;
    let (name, action) = path.into_inner();
    let not_found = || PageError::not_found(NO_SUCH_USER);
    let username = Username::parse(&name).map_err(|_| not_found())?;
    let outcome = match action.as_str() {
        "disable" => services
            .set_user_enabled(&username, false)
            .await
            .map(|_| ()),
        "enable" => services.set_user_enabled(&username, true).await.map(|_| ()),
        "grant-admin" => services.set_admin(&username, true).await,
        "remove-admin" => services.set_admin(&username, false).await,
        "reset-password" => {
            let password = services
                .reset_password(&username)
                .await
                .map_err(PageError::unless_missing(NO_SUCH_USER))?;
            return Ok(html(
                StatusCode::OK,
                &OneTimePasswordPage::new(&session, username.as_str(), password.expose()),
            ));
        }
        _ => return Err(not_found()),
    };
    match outcome {
        Ok(()) => Ok(see_other(routes::ADMIN_USERS)),
        Err(ServiceError::NotFound(_)) => Err(not_found()),
        Err(ServiceError::Refused(why)) => {
            let users = services.list_users().await?;
            Ok(html(
                StatusCode::BAD_REQUEST,
                &AdminUsersPage::new(&session, &users, "", Some(&why)),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// `GET /admin/users/{name}`: the user's profile form.
pub async fn show(
    admin: Admin,
    path: web::Path<String>,
    services: web::Data<Services>,
) -> Result<HttpResponse, PageError> {
    let user = find(&services, &path).await?;
    Ok(html(StatusCode::OK, &AdminUserPage::new(&admin.0, &user)))
}

/// `POST /admin/users/{name}`: saves the display name, email and its verified flag. A
/// refusal shows the form again as typed, and changes nothing.
pub async fn edit_profile(
    admin: Admin,
    path: web::Path<String>,
    body: Bytes,
    services: web::Data<Services>,
) -> Result<HttpResponse, PageError> {
    let form = Params::parse(&body);
    let session = admin.verified(&form)?;
    let user = find(&services, &path).await?;
    let profile = match user_profile(&form) {
        Ok(profile) => profile,
        Err(errors) => {
            return Ok(html(
                StatusCode::BAD_REQUEST,
                &AdminUserPage::refused(&session, &user, &form, errors),
            ));
        }
    };
    services
        .update_profile(&user.username, profile)
        .await
        .map_err(PageError::unless_missing(NO_SUCH_USER))?;
    Ok(see_other(routes::ADMIN_USERS))
}

async fn find(services: &Services, name: &str) -> Result<User, PageError> {
    let username = Username::parse(name).map_err(|_| PageError::not_found(NO_SUCH_USER))?;
    services
        .find_user(&username)
        .await
        .map_err(PageError::unless_missing(NO_SUCH_USER))
}
