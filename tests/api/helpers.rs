//! What every test stands on: the real server in this process, on a database of its own,
//! once per backend.

use std::path::PathBuf;
use std::sync::{Arc, Once};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use clap::Parser;
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};
use latchkey::app::App;
use latchkey::clock::ManualClock;
use latchkey::config::Settings;
use latchkey::service::Services;
use latchkey::store::DatabaseUrl;

pub const POSTGRES_ENV: &str = "LATCHKEY_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an `async fn(Backend)` test once per backend, as `NAME::sqlite` and
/// `NAME::postgres`. The PostgreSQL variant needs `LATCHKEY_TEST_POSTGRES_URL`; unset, it
/// says on stderr that it did not run; set but unreachable, it fails.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if $crate::helpers::postgres_configured() {
                        super::$name($crate::helpers::Backend::Postgres).await;
                    }
                }
            }
        )*
    };
}

/// True when the PostgreSQL variants should run; otherwise reports, once per test run,
/// that they did not.
pub fn postgres_configured() -> bool {
    static REPORT: Once = Once::new();
    let set = std::env::var(POSTGRES_ENV).is_ok_and(|v| !v.is_empty());
    if !set {
        REPORT.call_once(|| {
            use std::io::Write;
            // Written past the test harness's capture so that it shows in every run.
            let _ = writeln!(
                std::io::stderr(),
                "\nNOTE: {POSTGRES_ENV} is not set: the PostgreSQL variants of the integration tests DID NOT RUN.\n"
            );
        });
    }
    set
}

/// A connection to either backend, for what a test reads or writes behind the server.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// A database of its own for one test, removed when the test ends.
pub struct TestDatabase {
    pub url: DatabaseUrl,
    pub url_text: String,
    cleanup: Cleanup,
}

enum Cleanup {
    // Held only so that the directory is deleted when the test ends.
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    pub fn create(backend: Backend) -> TestDatabase {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let path: PathBuf = dir.path().join("latchkey.db");
                let url_text = format!("sqlite://{}", path.display());
                TestDatabase {
                    url: DatabaseUrl::parse(&url_text).unwrap(),
                    url_text,
                    cleanup: Cleanup::Sqlite(dir),
                }
            }
            Backend::Postgres => {
                let admin_url = std::env::var(POSTGRES_ENV).unwrap();
                let name = format!("latchkey_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                    panic!("{POSTGRES_ENV} is set but PostgreSQL is unreachable: {e}")
                });
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .unwrap();
                let mut url = url::Url::parse(&admin_url).unwrap();
                url.set_path(&name);
                let url_text = url.to_string();
                TestDatabase {
                    url: DatabaseUrl::parse(&url_text).unwrap(),
                    url_text,
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
        }
    }

    /// A connection of the test's own, beside the server's pool.
    pub fn connect(&self) -> AnyConnection {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                AnyConnection::Sqlite(SqliteConnection::establish(path.to_str().unwrap()).unwrap())
            }
            DatabaseUrl::Postgres(url) => {
                AnyConnection::Postgres(PgConnection::establish(url).unwrap())
            }
        }
    }

    /// Runs SQL straight against the test database, for checks the HTTP API does not show
    /// (and cannot, by design: stored hashes, revocation columns).
    pub fn sql(&self, query: &str) {
        diesel::sql_query(query)
            .execute(&mut self.connect())
            .unwrap();
    }

    /// One text column of the first row of `query`, selected `AS value`.
    pub fn text(&self, query: &str) -> Option<String> {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
            value: Option<String>,
        }
        let rows: Vec<Row> = diesel::sql_query(query).load(&mut self.connect()).unwrap();
        rows.into_iter().next().and_then(|row| row.value)
    }

    /// How many rows a `FROM ... [WHERE ...]` clause selects.
    pub fn count(&self, from_where: &str) -> i64 {
        let query = format!("SELECT CAST(COUNT(*) AS TEXT) AS value {from_where}");
        self.text(&query).unwrap().parse().unwrap()
    }

    /// The id of the account with this user name.
    pub fn user_id(&self, username: &str) -> String {
        self.text(&format!(
            "SELECT id AS value FROM users WHERE username = '{username}'"
        ))
        .unwrap()
    }

    /// Makes the database unreachable for a running server (PostgreSQL only: an embedded
    /// SQLite file cannot go away underneath its process in the same way).
    pub fn drop_now(&self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            drop_postgres(admin_url, name);
        }
    }
}

/// Drops a test database even while a server's pool is still reconnecting to it: closing
/// the door first (`ALLOW_CONNECTIONS false`) stops a fresh connection from slipping in
/// between FORCE's termination of the old ones and the drop itself.
fn drop_postgres(admin_url: &str, name: &str) {
    let mut last_error = String::new();
    for attempt in 0..20 {
        if attempt > 0 {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let mut admin = match PgConnection::establish(admin_url) {
            Ok(admin) => admin,
            Err(e) => {
                last_error = e.to_string();
                continue;
            }
        };
        let closed = diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
            .execute(&mut admin);
        if let Err(e) = closed
            && !e.to_string().contains("does not exist")
        {
            last_error = e.to_string();
            continue;
        }
        match diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
        {
            Ok(_) => return,
            Err(e) => last_error = e.to_string(),
        }
    }
    eprintln!("could not drop test database {name}: {last_error}");
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        self.drop_now();
    }
}

#[derive(Parser)]
struct SettingsArgs {
    #[command(flatten)]
    settings: Settings,
}

/// Settings for a test server: a free port, two workers, a small pool.
pub fn test_settings(extra: &[&str]) -> Settings {
    let mut args = vec![
        "latchkey",
        "--bind",
        "127.0.0.1:0",
        "--workers",
        "2",
        "--db-pool-size",
        "4",
    ];
    args.extend_from_slice(extra);
    SettingsArgs::try_parse_from(args).unwrap().settings
}

/// The real server, running in this process on its own port and database.
pub struct TestApp {
    pub address: String,
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub services: Services,
    pub admin_password: Option<String>,
    pub server: ServerGuard,
    // Declared last so dropped last: the server stops before its database goes.
    pub db: TestDatabase,
}

/// Stops the server when the test is done with it.
pub struct ServerGuard(pub ServerHandle);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        // Sends the stop command at once; the workers wind down in the background.
        drop(self.0.stop(false));
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_on(TestDatabase::create(backend), &[]).await
    }

    pub async fn spawn_on(db: TestDatabase, extra_settings: &[&str]) -> TestApp {
        let clock = Arc::new(ManualClock::new());
        let settings = test_settings(extra_settings);
        let mut app = App::build(&settings, &db.url, clock.clone()).await.unwrap();
        let admin_password = app
            .take_first_admin()
            .map(|admin| admin.password.expose().to_owned());
        let services = app.services().clone();
        let (address, server) = start(app);
        TestApp {
            address,
            http: http_client(),
            clock,
            services,
            admin_password,
            server,
            db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A second server on the same database, as behind a load balancer. It shares the
    /// clock, so both instances see the same time.
    pub async fn another_instance(&self) -> Instance {
        let settings = test_settings(&[]);
        let app = App::build(&settings, &self.db.url, self.clock.clone())
            .await
            .unwrap();
        let (address, _server) = start(app);
        Instance { address, _server }
    }
}

/// Runs a built server in the background: its address, and the guard that stops it.
fn start(app: App) -> (String, ServerGuard) {
    let address = format!("http://127.0.0.1:{}", app.port());
    let server = ServerGuard(app.handle());
    tokio::spawn(app.run_until_stopped());
    (address, server)
}

/// Another server process's worth of Latchkey on a test's database.
pub struct Instance {
    pub address: String,
    _server: ServerGuard,
}

/// Like a browser: keeps cookies, and like a careful OAuth client: never follows a
/// redirect by itself, so every test sees where it is being sent.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}
