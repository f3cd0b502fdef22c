//! Prometheus counters and histograms, kept by hand: a few atomics behind a mutex-guarded
//! map are all Latchkey needs, and the text format is simple (Prometheus exposition
//! format 0.0.4).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds, in seconds, of the latency histogram's buckets.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    total: u64,
    sum: f64,
}

#[derive(Default)]
struct Registry {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    grants: BTreeMap<(String, String), u64>,
    reuse_detected: u64,
}

/// Shared by the HTTP middleware (requests, latency), the token endpoint (grants) and
/// the refresh rules (reuse detections).
#[derive(Default)]
pub struct Metrics {
    registry: Mutex<Registry>,
}

impl Metrics {
    pub fn request(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let Ok(mut registry) = self.registry.lock() else {
            return;
        };
        *registry
            .requests
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default() += 1;
        let seconds = elapsed.as_secs_f64();
        let histogram = registry.latency.entry(route.to_owned()).or_default();
        for (count, bound) in histogram.counts.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *count += 1;
            }
        }
        histogram.total += 1;
        histogram.sum += seconds;
    }

    /// One token request: the grant asked for and its outcome (`success` or the RFC 6749
    /// error code).
    pub fn grant(&self, grant_type: &str, outcome: &str) {
        if let Ok(mut registry) = self.registry.lock() {
            *registry
                .grants
                .entry((grant_type.to_owned(), outcome.to_owned()))
                .or_default() += 1;
        }
    }

    pub fn reuse_detected(&self) {
        if let Ok(mut registry) = self.registry.lock() {
            registry.reuse_detected += 1;
        }
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let Ok(registry) = self.registry.lock() else {
            return String::new();
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP latchkey_http_requests_total HTTP requests by route, method and status."
        );
        let _ = writeln!(out, "# TYPE latchkey_http_requests_total counter");
        for ((route, method, status), count) in &registry.requests {
            let _ = writeln!(
                out,
                "latchkey_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {count}",
                escape(route),
                escape(method)
            );
        }
        let _ = writeln!(
            out,
            "# HELP latchkey_http_request_duration_seconds Time to answer, by route."
        );
        let _ = writeln!(
            out,
            "# TYPE latchkey_http_request_duration_seconds histogram"
        );
        for (route, histogram) in &registry.latency {
            let route = escape(route);
            for (count, bound) in histogram.counts.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "latchkey_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "latchkey_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                histogram.total
            );
            let _ = writeln!(
                out,
                "latchkey_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                histogram.sum
            );
            let _ = writeln!(
                out,
                "latchkey_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                histogram.total
            );
        }
        let _ = writeln!(
            out,
            "# HELP latchkey_token_grants_total Token requests by grant type and outcome."
        );
        let _ = writeln!(out, "# TYPE latchkey_token_grants_total counter");
        for ((grant, outcome), count) in &registry.grants {
            let _ = writeln!(
                out,
                "latchkey_token_grants_total{{grant_type=\"{}\",outcome=\"{}\"}} {count}",
                escape(grant),
                escape(outcome)
            );
        }
        let _ = writeln!(
            out,
            "# HELP latchkey_refresh_token_reuse_detected_total Refresh-token families revoked because a retired token came back."
        );
        let _ = writeln!(
            out,
            "# TYPE latchkey_refresh_token_reuse_detected_total counter"
        );
        let _ = writeln!(
            out,
            "latchkey_refresh_token_reuse_detected_total {}",
            registry.reuse_detected
        );
        out
    }
}

/// Label values escape backslash, quote and newline.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let metrics = Metrics::default();
        metrics.request("/token", "POST", 200, Duration::from_millis(3));
        metrics.request("/token", "POST", 200, Duration::from_millis(30));
        metrics.grant("refresh_token", "success");
        metrics.reuse_detected();
        let text = metrics.render();
        assert!(text.contains(
            "latchkey_http_requests_total{route=\"/token\",method=\"POST\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "latchkey_http_request_duration_seconds_bucket{route=\"/token\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "latchkey_http_request_duration_seconds_bucket{route=\"/token\",le=\"0.05\"} 2"
        ));
        assert!(text.contains("latchkey_http_request_duration_seconds_count{route=\"/token\"} 2"));
        assert!(text.contains(
            "latchkey_token_grants_total{grant_type=\"refresh_token\",outcome=\"success\"} 1"
        ));
        assert!(text.contains("latchkey_refresh_token_reuse_detected_total 1"));
    }

    #[test]
    fn escapes_label_values() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
