//! Black-box integration tests: each starts the real server on 127.0.0.1:0 with a fresh
//! database and talks to it over HTTP (or runs the real binary), once on SQLite and once
//! on PostgreSQL (`LATCHKEY_TEST_POSTGRES_URL`).

// This whole crate is tests: failing loudly is what it is for.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod binary;
mod browser;
mod fixtures;
mod helpers;
mod libraries;
mod oauth;
mod oidc;

mod account;
mod admin;
mod admin_users;
mod authlib_rp;
mod authorize;
mod chromium;
mod cli_clients;
mod cli_keys;
mod cli_users;
mod concurrency;
mod crash;
mod discovery;
mod health;
mod hostile;
mod login;
mod migrations;
mod oidc_discovery;
mod oidc_hostile;
mod oidc_logout;
mod oidc_prompt;
mod oidc_rp;
mod oidc_secrets;
mod oidc_tokens;
mod oidc_userinfo;
mod outage;
mod properties;
mod purge;
mod reference_apps;
mod reference_apps_chromium;
mod refresh;
mod revoke_introspect;
mod rotation_paths;
mod secrets;
mod startup;
mod third_party;
mod token;
mod upgrade;
mod web;
mod webdriver;
