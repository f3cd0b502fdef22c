//! The real `latchkey` binary, run as a command or as a server, as an operator would.

use std::sync::Arc;
use std::time::Duration;

/// What one run of the `latchkey` binary printed.
pub struct CliOutput {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl CliOutput {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    /// A one-line failure (see below) whose message mentions `text`.
    #[track_caller]
    pub fn assert_error_mentions(&self, text: &str) -> &Self {
        self.assert_one_line_error();
        assert!(self.stderr.contains(text), "{}", self.stderr);
        self
    }

    /// A failure reported as one line on stderr, never a panic.
    #[track_caller]
    pub fn assert_one_line_error(&self) -> &Self {
        assert_ne!(self.code, 0, "expected a failure; stdout: {}", self.stdout);
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.stderr);
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert!(!lines.is_empty(), "no error message");
        assert!(
            lines[0].starts_with("latchkey: error:") || lines[0].starts_with("error:"),
            "unexpected error format: {}",
            self.stderr
        );
        self
    }
}

/// Runs the real binary against `database`, with `stdin` as its standard input.
pub async fn latchkey(database: &str, args: &[&str], stdin: Option<&str>) -> CliOutput {
    use tokio::io::AsyncWriteExt;
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_latchkey"));
    command
        .args(args)
        .env("LATCHKEY_DATABASE_URL", database)
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        // A command that fails on its arguments exits without reading: not an error here.
        let _ = input.write_all(text.as_bytes()).await;
    }
    drop(input);
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the latchkey command did not finish within 60 s")
        .unwrap();
    CliOutput {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The real `latchkey serve` binary on a test database, its stderr collected.
pub struct ServeProcess {
    pub child: tokio::process::Child,
    pub address: String,
    pub stderr: Arc<std::sync::Mutex<String>>,
}

impl ServeProcess {
    /// Starts `latchkey serve` on a free port and waits until it listens.
    pub async fn start(database: &str, args: &[&str]) -> ServeProcess {
        use tokio::io::{AsyncBufReadExt, BufReader};
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_latchkey"))
            .args(["serve", "--bind", "127.0.0.1:0", "--workers", "2"])
            .args(args)
            .env("LATCHKEY_DATABASE_URL", database)
            .env("RUST_LOG", "debug")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stderr = Arc::new(std::sync::Mutex::new(String::new()));
        let (port_tx, port_rx) = tokio::sync::oneshot::channel();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let collected = stderr.clone();
        tokio::spawn(async move {
            let mut port_tx = Some(port_tx);
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("latchkey is listening") {
                    let port = line
                        .split_whitespace()
                        .find_map(|word| word.strip_prefix("port="))
                        .and_then(|p| p.parse::<u16>().ok());
                    if let (Some(tx), Some(port)) = (port_tx.take(), port) {
                        let _ = tx.send(port);
                    }
                }
                let mut all = collected.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        let port = tokio::time::timeout(Duration::from_secs(60), port_rx)
            .await
            .expect("serve did not start within 60 s")
            .expect("serve exited before listening");
        ServeProcess {
            child,
            address: format!("http://127.0.0.1:{port}"),
            stderr,
        }
    }

    pub fn output(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}
