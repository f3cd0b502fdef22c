use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};

use crate::domain::{Client, ClientId};
use crate::http::error::PageError;
use crate::http::extract::{Admin, Params, client_registration};
use crate::http::pages::{AdminClientPage, AdminClientsPage, ClientForm, ClientSecretPage, html};
use crate::http::respond::see_other;
use crate::http::routes;
use crate::service::{ServiceError, Services};

const NO_SUCH_CLIENT: &str = "There is no such client.";

pub async fn list(admin: Admin, services: web::Data<Services>) -> Result<HttpResponse, PageError> {
    let clients = services.client_overviews().await?;
    Ok(html(
        StatusCode::OK,
        &AdminClientsPage::new(&admin.0, &clients),
    ))
}

pub async fn new_form(admin: Admin) -> HttpResponse {
    html(StatusCode::OK, &ClientForm::blank(&admin.0))
}

pub async fn register(
    admin: Admin,
    body: Bytes,
    services: web::Data<Services>,
) -> Result<HttpResponse, PageError> {
    let form = Params::parse(&body);
    let session = admin.verified(&form)?;
    let filled = ClientForm::filled(&session, &form, None);
    let registration = match client_registration(&form) {
        Ok(registration) => registration,
        Err(errors) => return Ok(html(StatusCode::BAD_REQUEST, &filled.with_errors(errors))),
    };
    match services.register_client(registration).await {
        Ok(registered) => Ok(html(
            StatusCode::OK,
            &ClientSecretPage::new(&session, &registered.client, registered.secret.as_ref()),
        )),
        Err(ServiceError::Refused(why)) => Ok(html(
            StatusCode::BAD_REQUEST,
            &filled.with_errors(vec![why]),
        )),
        Err(other) => Err(other.into()),
    }
}

pub async fn show(
    admin: Admin,
    path: web::Path<String>,
    services: web::Data<Services>,
) -> Result<HttpResponse, PageError> {
    let client = find(&services, &path).await?;
    Ok(html(
        StatusCode::OK,
        &AdminClientPage::new(&admin.0, &client, None),
    ))
}

pub async fn edit(
    admin: Admin,
    path: web::Path<String>,
    body: Bytes,
    services: web::Data<Services>,
) -> Result<HttpResponse, PageError> {
    let form = Params::parse(&body);
    let session = admin.verified(&form)?;
    let client = find(&services, &path).await?;
    let mut changes = match client_registration(&form) {
        Ok(changes) => changes,
        Err(errors) => {
            return Ok(html(
                StatusCode::BAD_REQUEST,
                &AdminClientPage::new(&session, &client, Some(errors)),
            ));
        }
    };
    changes.public = client.is_public();
    match services.update_client(client.id, changes).await {
        Ok(_) => Ok(see_other(&routes::admin_client(client.id))),
        Err(ServiceError::Refused(why)) => Ok(html(
            StatusCode::BAD_REQUEST,
            &AdminClientPage::new(&session, &client, Some(vec![why])),
        )),
        Err(other) => Err(other.into()),
    }
}

pub async fn rotate_secret(
    admin: Admin,
    path: web::Path<String>,
    body: Bytes,
    services: web::Data<Services>,
) -> Result<HttpResponse, PageError> {
    let session = admin.verified(&Params::parse(&body))?;
    let client = find(&services, &path).await?;
    let secret = services.rotate_client_secret(client.id).await?;
    Ok(html(
        StatusCode::OK,
        &ClientSecretPage::new(&session, &client, Some(&secret)),
    ))
}

pub async fn set_enabled(
    admin: Admin,
    path: web::Path<(String, String)>,
    body: Bytes,
    services: web::Data<Services>,
) -> Result<HttpResponse, PageError> {
    admin.verified(&Params::parse(&body))?;
    let (id, action) = path.into_inner();
    let client = find(&services, &id).await?;
    match action.as_str() {
        "disable" => {
            services.disable_client(client.id).await?;
        }
        "enable" => services.enable_client(client.id).await?,
        _ => return Err(PageError::not_found(NO_SUCH_CLIENT)),
    }
    Ok(see_other(&routes::admin_client(client.id)))
}

async fn find(services: &Services, id: &str) -> Result<Client, PageError> {
    let id = ClientId::parse(id).map_err(|_| PageError::not_found(NO_SUCH_CLIENT))?;
    services
        .find_client(id)
        .await
        .map_err(PageError::unless_missing(NO_SUCH_CLIENT))
}
