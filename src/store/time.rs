//! Both backends store `TIMESTAMP` without a zone; Latchkey always means UTC.

use chrono::{DateTime, NaiveDateTime, Utc};

pub fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

pub fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}
