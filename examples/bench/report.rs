//! What a run measured: throughput, latency percentiles of the successes, and the failures
//! by kind, printed as one line of text or as JSON.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;

/// What one worker saw inside the measured window.
#[derive(Default)]
pub struct Tally {
    /// Latency of each success, in microseconds.
    pub latencies_us: Vec<u32>,
    /// `status/error` (or `transport/...`) to count.
    pub errors: BTreeMap<String, u64>,
    /// Successes without a new refresh token, or with the same one back.
    pub not_rotated: u64,
}

impl Tally {
    pub fn success(&mut self, took: Duration) {
        self.latencies_us
            .push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
    }

    pub fn error(&mut self, kind: String) {
        *self.errors.entry(kind).or_default() += 1;
    }

    pub fn merge(mut self, other: Tally) -> Tally {
        self.latencies_us.extend(other.latencies_us);
        for (kind, count) in other.errors {
            *self.errors.entry(kind).or_default() += count;
        }
        self.not_rotated += other.not_rotated;
        self
    }
}

pub struct Report {
    pub workload: &'static str,
    pub concurrency: usize,
    pub measured: Duration,
    pub tally: Tally,
}

impl Report {
    fn percentile(sorted: &[u32], p: f64) -> f64 {
        if sorted.is_empty() {
            return 0.0;
        }
        // Nearest rank, as HDR histograms report it.
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        f64::from(sorted[rank.clamp(1, sorted.len()) - 1]) / 1000.0
    }

    pub fn print(mut self, as_json: bool) {
        self.tally.latencies_us.sort_unstable();
        let lat = &self.tally.latencies_us;
        let successes = lat.len();
        let rate = successes as f64 / self.measured.as_secs_f64().max(1e-9);
        let mean = if lat.is_empty() {
            0.0
        } else {
            lat.iter().map(|&us| f64::from(us)).sum::<f64>() / lat.len() as f64 / 1000.0
        };
        let [p50, p90, p99, max] = [50.0, 90.0, 99.0, 100.0].map(|p| Self::percentile(lat, p));
        let errors_total: u64 = self.tally.errors.values().sum();
        if as_json {
            let report = json!({
                "workload": self.workload,
                "concurrency": self.concurrency,
                "measured_secs": self.measured.as_secs_f64(),
                "successes": successes,
                "per_sec": rate,
                "latency_ms": {"p50": p50, "p90": p90, "p99": p99, "max": max, "mean": mean},
                "errors_total": errors_total,
                "errors": self.tally.errors,
                "not_rotated": self.tally.not_rotated,
            });
            println!("{report}");
        } else {
            let errors = if self.tally.errors.is_empty() {
                "none".to_owned()
            } else {
                self.tally
                    .errors
                    .iter()
                    .map(|(kind, count)| format!("{kind} x{count}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            println!(
                "{} c={:<3} {:>8.0}/s  p50 {p50:.2}  p90 {p90:.2}  p99 {p99:.2}  max {max:.2} ms  ok {successes}  errors {errors}  not_rotated {}",
                self.workload, self.concurrency, rate, self.tally.not_rotated
            );
        }
    }
}
