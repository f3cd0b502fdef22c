use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};

use crate::domain::{ClientId, ClientName, GrantType, GrantTypes, RedirectUri, Resource, Scope};
use crate::http::error::PageError;
use crate::http::handlers::login::see_other;
use crate::http::pages::{AdminClientPage, AdminClientsPage, ClientForm, ClientSecretPage, html};
use crate::http::params::Params;
use crate::http::session::Admin;
use crate::service::{ClientRegistration, ServiceError, Services};

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
    let registration = match read_registration(&form) {
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
    let mut changes = match read_registration(&form) {
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
        Ok(_) => Ok(see_other(&format!("/admin/clients/{}", client.id))),
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
        _ => return Err(not_found()),
    }
    Ok(see_other(&format!("/admin/clients/{}", client.id)))
}

async fn find(services: &Services, id: &str) -> Result<crate::domain::Client, PageError> {
    let id = ClientId::parse(id).map_err(|_| not_found())?;
    services.find_client(id).await.map_err(|e| match e {
        ServiceError::NotFound(_) => not_found(),
        other => other.into(),
    })
}

fn not_found() -> PageError {
    PageError::new(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no such client.",
    )
}

/// Reads the client form; every field's problem is reported, not just the first.
fn read_registration(form: &Params) -> Result<ClientRegistration, Vec<String>> {
    let mut errors = Vec::new();
    let name = keep(
        &mut errors,
        ClientName::parse(form.get("name").unwrap_or_default()),
    );
    let lines = |field: &str| -> Vec<String> {
        form.get(field)
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let redirect_uris: Vec<RedirectUri> = lines("redirect_uris")
        .iter()
        .filter_map(|uri| keep(&mut errors, RedirectUri::parse(uri)))
        .collect();
    let resources: Vec<Resource> = lines("resources")
        .iter()
        .filter_map(|uri| keep(&mut errors, Resource::parse(uri)))
        .collect();
    let scopes = keep(
        &mut errors,
        Scope::parse(form.get("scope").unwrap_or_default()),
    );
    let grants = GrantType::ALL
        .into_iter()
        .filter(|grant| form.get(&format!("grant_{grant}")).is_some());
    match (name, scopes) {
        (Some(name), Some(scopes)) if errors.is_empty() => Ok(ClientRegistration {
            name,
            redirect_uris,
            public: form.get("type") == Some("public"),
            grant_types: GrantTypes::new(grants),
            scopes,
            resources,
            skip_consent: form.get("skip_consent").is_some(),
        }),
        _ => Err(errors),
    }
}

/// The value, or its error added to the list.
fn keep<T>(errors: &mut Vec<String>, result: Result<T, crate::domain::DomainError>) -> Option<T> {
    result.map_err(|e| errors.push(e.to_string())).ok()
}
