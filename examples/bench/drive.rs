//! Runs C simulated users concurrently on one thread for a warm-up and a measured window.
//! Each user owns its state (for the refresh workload: its current refresh token) and
//! hands it to the next request, the way a real client keeps the rotated token.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::report::Tally;

#[derive(Clone, Copy)]
pub struct Window {
    pub warmup: Duration,
    pub duration: Duration,
}

/// How one request went.
pub enum Outcome {
    /// A success; `rotated` is false when a refresh came back without a new token.
    Ok { rotated: bool },
    /// A failure worth counting, after which the user goes on.
    Failed(String),
    /// A failure that ends this user (its refresh token is dead).
    Retire(String),
}

/// Runs every user until the window closes; returns their final states, what was seen
/// inside the measured part, and how long that part really lasted (until the last
/// in-flight request finished).
pub async fn drive<S, F, Fut>(window: Window, users: Vec<S>, step: F) -> (Vec<S>, Tally, Duration)
where
    F: Fn(S) -> Fut,
    Fut: Future<Output = (S, Outcome)>,
{
    let start = Instant::now();
    let measure_from = start + window.warmup;
    let end = measure_from + window.duration;
    let step = &step;
    let loops = users.into_iter().map(|mut state| async move {
        let mut tally = Tally::default();
        loop {
            let sent = Instant::now();
            if sent >= end {
                break;
            }
            let (next, outcome) = step(state).await;
            state = next;
            let counted = sent >= measure_from;
            match outcome {
                Outcome::Ok { rotated } if counted => {
                    tally.success(sent.elapsed());
                    if !rotated {
                        tally.not_rotated += 1;
                    }
                }
                Outcome::Ok { .. } => {}
                Outcome::Failed(kind) => {
                    if counted {
                        tally.error(kind);
                    }
                }
                Outcome::Retire(kind) => {
                    if counted {
                        tally.error(kind);
                    }
                    break;
                }
            }
        }
        (state, tally)
    });
    let finished = futures_util::future::join_all(loops).await;
    let measured = Instant::now().saturating_duration_since(measure_from);
    let mut states = Vec::with_capacity(finished.len());
    let mut total = Tally::default();
    for (state, tally) in finished {
        states.push(state);
        total = total.merge(tally);
    }
    (states, total, measured)
}
