//! Group commit for refresh-token rotations, on both backends. One transaction per
//! refresh caps throughput at the commit rate (a WAL write each, and on PostgreSQL a WAL
//! flush and a round trip each). Here one thread drains the queue of decided rotations
//! and commits them together: on SQLite one transaction of guarded updates, on
//! PostgreSQL one guarded `UPDATE ... FROM unnest(...)`. Each rotation keeps its own
//! guard, so a batch never lets through what one rotation alone would not; nobody is
//! answered before the commit that holds their rotation.

use std::collections::{HashSet, VecDeque};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use diesel::RunQueryDsl;
use diesel::r2d2::Pool;
use tokio::sync::oneshot;

use super::connection::{self, Manager};
use super::refresh_sql::{Bound, RotateMany, RotateOne, RotatedFamily};
use super::refresh_tokens::{Applied, RotationWrite};
use super::{AnyConnection, StoreError, transaction};

/// Enough to amortise a commit over many rotations, few enough that the first caller of
/// a batch does not wait long for the last.
const MAX_BATCH: usize = 128;

/// How many rotations may wait for the writer before callers feel back-pressure.
const QUEUE_DEPTH: usize = 4096;

type Reply = oneshot::Sender<Result<Applied, StoreError>>;

struct Job {
    bound: Bound,
    reply: Reply,
}

/// The sending side; cloned with the store. The writer thread ends when the last clone is
/// dropped.
#[derive(Clone)]
pub(super) struct RotationWriter {
    jobs: SyncSender<Job>,
}

impl RotationWriter {
    /// `sqlite_writer` is the store's SQLite writer lock, held for each batch.
    pub(super) fn start(
        pool: Pool<Manager>,
        sqlite_writer: Option<Arc<Mutex<()>>>,
    ) -> Result<RotationWriter, StoreError> {
        let (jobs, queue) = sync_channel(QUEUE_DEPTH);
        std::thread::Builder::new()
            .name("latchkey-rotations".into())
            .spawn(move || drain(&queue, &pool, sqlite_writer.as_deref()))
            .map_err(|e| StoreError::Task(format!("cannot start the rotation writer: {e}")))?;
        Ok(RotationWriter { jobs })
    }

    pub(super) async fn apply(&self, write: RotationWrite) -> Result<Applied, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            bound: Bound::of(&write),
            reply,
        };
        // A full queue blocks the sender: do that on the blocking pool, never on a worker.
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(job)) => {
                let jobs = self.jobs.clone();
                tokio::task::spawn_blocking(move || jobs.send(job).map_err(|_| writer_gone()))
                    .await
                    .map_err(|e| StoreError::Task(e.to_string()))??;
            }
            Err(TrySendError::Disconnected(_)) => return Err(writer_gone()),
        }
        answer.await.map_err(|_| writer_gone())?
    }
}

fn writer_gone() -> StoreError {
    StoreError::Task("the rotation writer stopped".into())
}

fn drain(queue: &Receiver<Job>, pool: &Pool<Manager>, sqlite_writer: Option<&Mutex<()>>) {
    let mut waiting = VecDeque::new();
    loop {
        if waiting.is_empty() {
            match queue.recv() {
                Ok(job) => waiting.push_back(job),
                Err(_) => return,
            }
        }
        while waiting.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => waiting.push_back(job),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        // One rotation per family per batch: a second one for the same family (two
        // requests with one token) waits for the next batch, where its guard sees what
        // the first one wrote.
        let mut families = HashSet::new();
        let (batch, later): (Vec<Job>, Vec<Job>) = waiting
            .drain(..)
            .partition(|job| families.insert(job.bound.family_key().to_owned()));
        waiting = later.into();
        commit_batch(pool, sqlite_writer, batch);
    }
}

fn commit_batch(pool: &Pool<Manager>, sqlite_writer: Option<&Mutex<()>>, batch: Vec<Job>) {
    let mut conn = match pool.get() {
        Ok(conn) => conn,
        Err(error) => return answer_all(batch, &StoreError::from(error)),
    };
    let _turn = sqlite_writer.map(|lock| lock.lock().unwrap_or_else(PoisonError::into_inner));
    let (bounds, replies): (Vec<Bound>, Vec<Reply>) =
        batch.into_iter().map(|job| (job.bound, job.reply)).unzip();
    let outcomes = match apply_batch(&mut conn, &bounds) {
        Ok(outcomes) => outcomes.into_iter().map(Ok).collect(),
        Err(StoreError::Unavailable(message)) => {
            connection::discard_on_return();
            let error = StoreError::Unavailable(message);
            bounds.iter().map(|_| Err(shared_failure(&error))).collect()
        }
        // The batch rolled back as a whole (none of it half-written); each rotation is
        // then applied alone, so that one bad write fails alone.
        Err(_) => bounds
            .iter()
            .map(|bound| apply_one(&mut conn, bound))
            .collect::<Vec<_>>(),
    };
    for (reply, outcome) in replies.into_iter().zip(outcomes) {
        // A caller that gave up (its request was dropped) needs no answer.
        let _ = reply.send(outcome);
    }
}

/// Applies a batch of rotations of distinct families, all or none.
fn apply_batch(conn: &mut AnyConnection, batch: &[Bound]) -> Result<Vec<Applied>, StoreError> {
    if let [one] = batch {
        return Ok(vec![apply_one(conn, one)?]);
    }
    match conn {
        AnyConnection::Sqlite(_) => transaction::write(conn, |conn| {
            batch.iter().map(|bound| apply_one(conn, bound)).collect()
        }),
        AnyConnection::Postgresql(pg) => {
            let rotated: HashSet<String> = RotateMany::of(batch)
                .load::<RotatedFamily>(pg)?
                .into_iter()
                .map(|row| row.id)
                .collect();
            Ok(batch
                .iter()
                .map(|bound| applied(rotated.contains(bound.family_key())))
                .collect())
        }
    }
}

fn apply_one(conn: &mut AnyConnection, bound: &Bound) -> Result<Applied, StoreError> {
    let rows = match conn {
        AnyConnection::Sqlite(conn) => RotateOne(bound).execute(conn)?,
        AnyConnection::Postgresql(conn) => RotateOne(bound).execute(conn)?,
    };
    Ok(applied(rows == 1))
}

fn applied(rotated: bool) -> Applied {
    if rotated {
        Applied::Rotated
    } else {
        Applied::LostRace
    }
}

fn answer_all(batch: Vec<Job>, error: &StoreError) {
    for job in batch {
        let _ = job.reply.send(Err(shared_failure(error)));
    }
}

/// The batch's one failure, told to each of its callers.
fn shared_failure(error: &StoreError) -> StoreError {
    match error {
        StoreError::Unavailable(message) => StoreError::Unavailable(message.clone()),
        other => StoreError::Task(format!("the rotation batch failed: {other}")),
    }
}
