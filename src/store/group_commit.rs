//! Group commit for refresh-token rotations on SQLite. SQLite has one writer at a time and
//! every commit writes the WAL: one transaction per refresh caps throughput at the commit
//! rate, and concurrent writers queue behind the lock. Here one thread drains the queue of
//! waiting rotations, applies each in turn with the exact per-token rules (each sees the
//! ones before it), commits once, and then answers every caller. Nobody is answered
//! before the commit that holds their rotation.

use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use diesel::r2d2::Pool;
use tokio::sync::oneshot;

use super::connection::{self, Manager};
use super::refresh_tokens::{Rotation, RotationRequest, rotate};
use super::{StoreError, transaction};

/// Enough to amortise a commit over many rotations, few enough that the first caller of
/// a batch does not wait long for the last.
const MAX_BATCH: usize = 128;

/// How many rotations may wait for the writer before callers feel back-pressure.
const QUEUE_DEPTH: usize = 4096;

type Reply = oneshot::Sender<Result<Rotation, StoreError>>;

struct Job {
    request: RotationRequest,
    reply: Reply,
}

/// The sending side; cloned with the store. The writer thread ends when the last clone is
/// dropped.
#[derive(Clone)]
pub(super) struct RotationQueue {
    jobs: SyncSender<Job>,
}

impl RotationQueue {
    pub(super) fn start(
        pool: Pool<Manager>,
        writer: Arc<Mutex<()>>,
    ) -> Result<RotationQueue, StoreError> {
        let (jobs, queue) = sync_channel(QUEUE_DEPTH);
        std::thread::Builder::new()
            .name("latchkey-rotations".into())
            .spawn(move || drain(&queue, &pool, &writer))
            .map_err(|e| StoreError::Task(format!("cannot start the rotation writer: {e}")))?;
        Ok(RotationQueue { jobs })
    }

    pub(super) async fn rotate(&self, request: RotationRequest) -> Result<Rotation, StoreError> {
        let (reply, answer) = oneshot::channel();
        let jobs = self.jobs.clone();
        let job = Job { request, reply };
        // A full queue blocks the sender: do that on the blocking pool, never on a worker.
        match jobs.try_send(job) {
            Ok(()) => {}
            Err(std::sync::mpsc::TrySendError::Full(job)) => {
                tokio::task::spawn_blocking(move || jobs.send(job).map_err(|_| writer_gone()))
                    .await
                    .map_err(|e| StoreError::Task(e.to_string()))??;
            }
            Err(std::sync::mpsc::TrySendError::Disconnected(_)) => return Err(writer_gone()),
        }
        answer.await.map_err(|_| writer_gone())?
    }
}

fn writer_gone() -> StoreError {
    StoreError::Task("the rotation writer stopped".into())
}

fn drain(queue: &Receiver<Job>, pool: &Pool<Manager>, writer: &Mutex<()>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        commit_batch(pool, writer, batch);
    }
}

fn commit_batch(pool: &Pool<Manager>, writer: &Mutex<()>, batch: Vec<Job>) {
    let mut conn = match pool.get() {
        Ok(conn) => conn,
        Err(error) => {
            let error = StoreError::from(error);
            return answer_all(batch, &error);
        }
    };
    let _turn = writer.lock().unwrap_or_else(PoisonError::into_inner);
    let (requests, replies): (Vec<_>, Vec<_>) = batch
        .into_iter()
        .map(|job| (job.request, job.reply))
        .unzip();
    // The common case: every rotation applies without a database error, one commit for
    // all. A failure rolls the whole batch back (none of it half-written) and each
    // rotation is then retried in a transaction of its own, so that one bad request
    // fails alone.
    let together = transaction::write(&mut conn, |conn| {
        requests
            .iter()
            .map(|request| rotate(conn, request))
            .collect::<Result<Vec<_>, _>>()
    });
    let outcomes = match together {
        Ok(outcomes) => outcomes.into_iter().map(Ok).collect(),
        Err(StoreError::Unavailable(message)) => {
            connection::discard_on_return();
            let error = StoreError::Unavailable(message);
            return answer_all_replies(replies, &error);
        }
        Err(_) => requests
            .iter()
            .map(|request| transaction::write(&mut conn, |conn| rotate(conn, request)))
            .collect::<Vec<_>>(),
    };
    for (reply, outcome) in replies.into_iter().zip(outcomes) {
        // A caller that gave up (its request was dropped) needs no answer.
        let _ = reply.send(outcome);
    }
}

fn answer_all(batch: Vec<Job>, error: &StoreError) {
    answer_all_replies(batch.into_iter().map(|job| job.reply).collect(), error);
}

fn answer_all_replies(replies: Vec<Reply>, error: &StoreError) {
    for reply in replies {
        let _ = reply.send(Err(shared_failure(error)));
    }
}

/// The batch's one failure, told to each of its callers.
fn shared_failure(error: &StoreError) -> StoreError {
    match error {
        StoreError::Unavailable(message) => StoreError::Unavailable(message.clone()),
        other => StoreError::Task(format!("the rotation batch failed: {other}")),
    }
}
