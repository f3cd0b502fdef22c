//! argon2id, on threads of its own: one per core, shared by the whole process. Each hash
//! needs 19 MiB. On the shared blocking pool, a burst of logins started a thread per
//! login, and every such thread's malloc arena kept its 19 MiB afterwards: the server's
//! RSS grew by about 20 MiB for each thread that had ever hashed a password, and a login
//! flood could have asked for gigabytes at once. Here at most one hash per core runs at
//! a time; the others wait in the queue, which holds only their passwords.

use std::num::NonZero;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash as Phc, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;

use super::ServiceError;
use crate::domain::{Password, PasswordHash, random_bytes};

type Job = Box<dyn FnOnce() + Send>;

/// Room for 33 MiB of blocks, of which a hash uses 19. glibc serves a request above its
/// mmap threshold with a mapping of its own and unmaps it on free; below, from a heap it
/// keeps. After the first 19 MiB mapping is freed it raises that threshold to 19 MiB,
/// so without this every later hash came from a heap, and RSS grew by 19 MiB with every
/// login up to 166 MiB. The threshold never rises past 32 MiB; the untouched capacity
/// costs address space, not memory.
const RESERVED_BLOCKS: usize = 33 * 1024;

/// argon2id with the crate's defaults (m=19 MiB, t=2, p=1: OWASP's first choice).
pub(super) async fn hash(password: &Password) -> Result<PasswordHash, ServiceError> {
    // The password thread needs its own copy.
    let password = Password::attempt(password.expose().to_owned())?;
    on_password_thread(move || hash_now(password.expose().as_bytes()))
        .await?
        .map(PasswordHash)
        .map_err(ServiceError::internal)
}

/// Whether `password` matches `hash`. Without a hash (no such user) it checks against a
/// hash of a random password, so that an unknown user name costs the same work.
pub(super) async fn verify(
    password: Password,
    hash: Option<PasswordHash>,
) -> Result<bool, ServiceError> {
    on_password_thread(move || {
        let stored = match &hash {
            Some(hash) => hash.0.as_str(),
            None => dummy_hash(),
        };
        let matches = verify_now(password.expose().as_bytes(), stored);
        // The dummy never lets anyone in, whatever was typed.
        matches && hash.is_some()
    })
    .await
}

fn memory(blocks: usize) -> Vec<Block> {
    let mut memory = Vec::with_capacity(blocks.max(RESERVED_BLOCKS));
    memory.resize(blocks, Block::new());
    memory
}

fn hash_now(password: &[u8]) -> Result<String, String> {
    let text = |e: &dyn std::fmt::Display| e.to_string();
    let params = Params::default();
    let salt = random_bytes::<16>();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, &salt, &mut out, memory(params.block_count()))
        .map_err(|e| text(&e))?;
    let phc = Phc {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| text(&e))?,
        salt: Some(Salt::new(&salt).map_err(|e| text(&e))?),
        hash: Some(Output::new(&out).map_err(|e| text(&e))?),
    };
    Ok(phc.to_string())
}

/// Recomputes the stored hash's own algorithm, version and parameters for `password`.
fn verify_now(password: &[u8], stored: &str) -> bool {
    let Ok(phc) = Phc::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(phc.algorithm.as_str()),
        Params::try_from(&phc),
    ) else {
        return false;
    };
    let Ok(version) = phc
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let blocks = params.block_count();
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password, salt, &mut out, memory(blocks))
        .is_ok()
        && bool::from(out.ct_eq(expected.as_bytes()))
}

/// Made once, on a password thread, the first time an unknown user name tries to log in.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_now(&random_bytes::<16>()).unwrap_or_default())
}

async fn on_password_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    threads()?
        .send(Box::new(move || {
            // The caller may have gone (its request was cancelled): nothing to tell.
            let _ = reply.send(work());
        }))
        .map_err(|_| ServiceError::internal("the password threads stopped"))?;
    answer
        .await
        .map_err(|_| ServiceError::internal("a password check failed"))
}

fn threads() -> Result<&'static Sender<Job>, ServiceError> {
    static JOBS: OnceLock<Sender<Job>> = OnceLock::new();
    if let Some(jobs) = JOBS.get() {
        return Ok(jobs);
    }
    let (jobs, queue) = channel::<Job>();
    let queue = Arc::new(Mutex::new(queue));
    let count = std::thread::available_parallelism().map_or(1, NonZero::get);
    for index in 0..count {
        let queue = Arc::clone(&queue);
        std::thread::Builder::new()
            .name(format!("latchkey-argon2-{index}"))
            .spawn(move || serve(&queue))
            .map_err(ServiceError::internal)?;
    }
    // Two first callers at once each start threads; the loser's sender is dropped here,
    // and its threads end when they find their queue closed.
    Ok(JOBS.get_or_init(|| jobs))
}

fn serve(queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = match queue.lock().unwrap_or_else(PoisonError::into_inner).recv() {
            Ok(job) => job,
            Err(_) => return,
        };
        // A panic in one hash drops its reply (the caller gets an error) and keeps the
        // thread for the next.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
    }
}

#[cfg(test)]
mod tests {
    use argon2::PasswordHasher;
    use argon2::password_hash::PasswordVerifier;

    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let stored = hash_now(b"correct horse").unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify_now(b"correct horse", &stored));
        assert!(!verify_now(b"correct horsf", &stored));
        assert!(!verify_now(b"correct horse", "not a hash"));
    }

    #[test]
    fn hashes_agree_with_the_crates_own_hasher_and_verifier() {
        let theirs = Argon2::default().hash_password(b"battery").unwrap();
        assert!(verify_now(b"battery", &theirs.to_string()));
        let ours = hash_now(b"staple").unwrap();
        let parsed = Phc::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"staple", &parsed)
                .is_ok()
        );
    }
}
