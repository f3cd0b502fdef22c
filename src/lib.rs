//! Latchkey: an OAuth 2.0 authorization server. The binary in `main.rs` only parses the
//! command line; everything else lives here so that tests build the real thing.
//!
//! Data flows one way: `http` (extract, respond) → `service` (the rules) → `store` (SQL,
//! transactions). All of them use `domain`, which uses none of them.

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod http;
pub mod metrics;
pub mod service;
pub mod store;
pub mod telemetry;
