use std::sync::Arc;

use super::CliError;
use crate::app::App;
use crate::clock::SystemClock;
use crate::config::Settings;
use crate::store::DatabaseUrl;
use crate::telemetry;

pub async fn run(settings: &Settings, database: &DatabaseUrl) -> Result<(), CliError> {
    telemetry::init(settings.log_format, "info");
    let mut app = App::build(settings, database, Arc::new(SystemClock)).await?;
    if let Some(admin) = app.take_first_admin() {
        // Shown once, on stderr, never logged: the one moment anyone sees it.
        eprintln!(
            "\nCreated the first admin account. Its password is shown only this once:\n\
             \n    user name: {}\n    password:  {}\n\
             \nChange it with `latchkey user set-password {}`.\n",
            admin.username,
            admin.password.expose(),
            admin.username
        );
    }
    tracing::info!(
        address = %settings.bind,
        port = app.port(),
        issuer = %app.issuer(),
        database = %database,
        "latchkey is listening"
    );
    app.run_until_stopped()
        .await
        .map_err(|e| CliError::Io(format!("server stopped: {e}")))
}
