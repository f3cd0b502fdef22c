use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;

use super::schema::login_throttle as throttle;
use super::time::{from_db, to_db};
use super::{Store, StoreError};

/// How many failures within `window` block a key, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleRule {
    pub limit: i32,
    pub window: TimeDelta,
    pub block: TimeDelta,
}

impl Store {
    /// The latest time until which any of `keys` is blocked, if one is blocked now.
    pub async fn throttled_until(
        &self,
        keys: Vec<String>,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.run(move |conn| {
            let until: Option<NaiveDateTime> = throttle::table
                .filter(throttle::throttle_key.eq_any(keys))
                .filter(throttle::blocked_until.gt(to_db(now)))
                .select(diesel::dsl::max(throttle::blocked_until))
                .get_result::<Option<NaiveDateTime>>(conn)?;
            Ok(until.map(from_db))
        })
        .await
    }

    /// Counts one failed login against `key`, in a window shared by every instance.
    pub async fn record_login_failure(
        &self,
        key: String,
        rule: ThrottleRule,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            let current: Option<(i32, NaiveDateTime)> = throttle::table
                .find(&key)
                .select((throttle::failures, throttle::window_started_at))
                .get_result(conn)
                .optional()?;
            let (failures, window_start) = match current {
                Some((failures, started)) if from_db(started) + rule.window > now => {
                    (failures + 1, from_db(started))
                }
                _ => (1, now),
            };
            let blocked_until = (failures >= rule.limit).then(|| to_db(now + rule.block));
            if current.is_some() {
                diesel::update(throttle::table.find(&key))
                    .set((
                        throttle::failures.eq(failures),
                        throttle::window_started_at.eq(to_db(window_start)),
                        throttle::blocked_until.eq(blocked_until),
                    ))
                    .execute(conn)?;
            } else {
                diesel::insert_into(throttle::table)
                    .values((
                        throttle::throttle_key.eq(&key),
                        throttle::failures.eq(failures),
                        throttle::window_started_at.eq(to_db(window_start)),
                        throttle::blocked_until.eq(blocked_until),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        })
        .await
    }

    pub async fn clear_login_failures(&self, key: String) -> Result<(), StoreError> {
        self.run(move |conn| {
            diesel::delete(throttle::table.find(key)).execute(conn)?;
            Ok(())
        })
        .await
    }
}
