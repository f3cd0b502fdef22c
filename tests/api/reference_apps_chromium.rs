//! The reference client app in a real browser: headless Chromium signs in through
//! Latchkey, reads the notes page, keeps it working past the access token's life through
//! a refresh the user never sees, then revokes the app on Latchkey's account page and is
//! asked by the app to sign in again. Screenshots go to `target/screenshots/`.

use chrono::TimeDelta;

use crate::fixtures::PASSWORD;
use crate::helpers::Backend;
use crate::on_both_backends;
use crate::reference_apps::Deployment;
use crate::webdriver::{WebDriver, chromium};

async fn a_browser_stays_signed_in_through_a_refresh_and_is_sent_to_sign_in_after_revocation(
    backend: Backend,
) {
    let Some(browser) = chromium("of the reference client app") else {
        return;
    };
    let deployment = Deployment::start(backend).await;
    let driver = WebDriver::start(&browser).await;
    let home = deployment.page("/");
    let suffix = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };

    driver.go(&home).await;
    driver.click("#sign-in").await;
    driver
        .wait_for_url(|url| url.contains("/login?return_to="))
        .await;
    driver.type_into("#username", "alice").await;
    driver.type_into("#password", PASSWORD).await;
    driver.click("form.stack button[type=submit]").await;
    driver.wait_for_url(|url| url.contains("/authorize?")).await;
    driver.click("button[value=approve]").await;
    driver.wait_for_url(|url| url == home).await;
    assert!(driver.text_of("#notes").await.contains("Buy milk"));

    deployment.latchkey.clock.advance(TimeDelta::minutes(16));
    driver.go(&home).await;
    assert!(driver.text_of("#notes").await.contains("Buy milk"));
    assert_eq!(deployment.generation(), "2", "refreshed behind the page");
    driver
        .screenshot(&format!("client-app-after-refresh-{suffix}.png"))
        .await;

    driver.go(&deployment.latchkey.url("/account")).await;
    driver.click("form[action$='/revoke'] button").await;
    driver
        .wait_for_url(|url| url.contains("done=revoked"))
        .await;
    driver.go(&home).await;
    assert!(driver.text_of("#ended").await.contains("Latchkey ended"));
    driver
        .screenshot(&format!("client-app-signed-out-{suffix}.png"))
        .await;
    assert_eq!(deployment.reuse_detections(), 0);
}

on_both_backends!(
    a_browser_stays_signed_in_through_a_refresh_and_is_sent_to_sign_in_after_revocation
);
