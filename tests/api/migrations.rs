use latchkey::store::{PoolOptions, Store};

use crate::helpers::{Backend, TestDatabase};
use crate::on_both_backends;

/// Every `down.sql` undoes its `up.sql`: up, down, up again leaves a working schema.
async fn migrations_run_up_down_and_up_again(backend: Backend) {
    let db = TestDatabase::create(backend);
    let store = Store::open(&db.url, PoolOptions::default()).await.unwrap();
    assert!(
        store.run_pending_migrations().await.unwrap().is_empty(),
        "opening the store applies every migration"
    );
    store.revert_all_migrations().await.unwrap();
    let applied = store.run_pending_migrations().await.unwrap();
    assert!(!applied.is_empty());
    assert_eq!(store.count_users().await.unwrap(), 0);
}

on_both_backends!(migrations_run_up_down_and_up_again);
