//! The only place that reads wall-clock time. Services take an `Arc<dyn Clock>`, so tests
//! can step over a 7-day idle window in microseconds instead of sleeping through it.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};

pub trait Clock: Send + Sync {
    /// Now, to the microsecond: both databases keep microseconds, so a timestamp read back
    /// compares equal to the one written.
    fn now(&self) -> DateTime<Utc>;
}

/// The real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(
        clippy::disallowed_methods,
        reason = "the one wall-clock read the rest of the program goes through"
    )]
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// Real time plus an offset that tests move forward. Time keeps flowing between steps, as
/// it does for a real server.
#[derive(Debug, Default)]
pub struct ManualClock {
    offset_micros: AtomicI64,
}

impl ManualClock {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn advance(&self, by: TimeDelta) {
        let micros = by.num_microseconds().unwrap_or(i64::MAX);
        self.offset_micros.fetch_add(micros, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        let offset = TimeDelta::microseconds(self.offset_micros.load(Ordering::SeqCst));
        SystemClock.now() + offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_forward_by_the_step() {
        let clock = ManualClock::new();
        let before = clock.now();
        clock.advance(TimeDelta::days(7));
        let after = clock.now();
        assert!(after - before >= TimeDelta::days(7));
        assert!(after - before < TimeDelta::days(7) + TimeDelta::seconds(5));
    }
}
