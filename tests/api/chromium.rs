//! A real browser: headless Chromium, driven over WebDriver by chromedriver, signs in,
//! opens the admin console and registers a client, then saves screenshots (desktop and
//! phone width) under `target/screenshots/`. Runs when `LATCHKEY_TEST_CHROMIUM` names the
//! browser (`.ci/run` installs Debian's chromium and chromium-driver and sets it); set
//! but broken, it fails.

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use crate::webdriver::{WebDriver, chromium};

async fn a_browser_registers_a_client_in_the_admin_console(backend: Backend) {
    let Some(browser) = chromium("of the admin console") else {
        return;
    };
    let app = TestApp::spawn(backend).await;
    let driver = WebDriver::start(&browser).await;
    let suffix = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };

    driver.go(&app.url("/admin")).await;
    assert!(
        driver.url().await.contains("/login?return_to="),
        "sent to sign in"
    );
    driver.type_into("#username", "admin").await;
    driver
        .type_into("#password", app.admin_password.as_deref().unwrap())
        .await;
    driver.click("form.stack button[type=submit]").await;
    driver
        .wait_for_url(|url| url.ends_with("/admin/clients"))
        .await;

    driver.click("a.button").await;
    driver
        .wait_for_url(|url| url.ends_with("/admin/clients/new"))
        .await;
    driver.type_into("#name", "Browser Registered").await;
    driver
        .type_into("#redirect_uris", "https://app.example.com/callback")
        .await;
    driver.type_into("#scope", "read write").await;
    driver.click("form.stack button[type=submit]").await;

    let client_id = driver.value_of("#client_id").await;
    let secret = driver.value_of("#client_secret").await;
    assert_eq!(client_id.len(), 36, "a client_id is shown");
    assert_eq!(secret.len(), 43, "the secret is shown once");
    let id = latchkey::domain::ClientId::parse(&client_id).unwrap();
    assert_eq!(
        app.services.find_client(id).await.unwrap().name.as_str(),
        "Browser Registered"
    );
    // The copy button works where script runs.
    driver.click("button[data-copy=client_secret]").await;
    driver
        .screenshot(&format!("admin-client-registered-{suffix}.png"))
        .await;

    driver.go(&app.url("/admin/clients")).await;
    driver.resize(390, 844).await;
    let phone = driver
        .screenshot(&format!("admin-clients-phone-{suffix}.png"))
        .await;
    assert!(std::fs::metadata(phone).unwrap().len() > 1000);
}

on_both_backends!(a_browser_registers_a_client_in_the_admin_console);
