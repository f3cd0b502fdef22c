//! Standard client libraries, run from a folder of `tests/` with their packages
//! installed: node's (`npm ci` there; `.ci/run` does it and sets
//! `LATCHKEY_TEST_NODE_CLIENT`) and Python's (a virtual environment, named by
//! `LATCHKEY_TEST_AUTHLIB_PYTHON`).

/// Whether the node clients are installed; when not, says which test did not run (CI
/// fails on that line).
pub fn node_clients_installed(test: &str) -> bool {
    if std::env::var_os("LATCHKEY_TEST_NODE_CLIENT").is_some() {
        return true;
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "NOTE: LATCHKEY_TEST_NODE_CLIENT is not set: {test} DID NOT RUN"
    );
    false
}

/// `node SCRIPT ARGS...` in `tests/FOLDER`, and the one JSON line it prints; fails with
/// the library's own error.
pub async fn node_json(folder: &str, script: &str, args: &[&str]) -> serde_json::Value {
    library_json("node", folder, script, args).await
}

/// `PROGRAM SCRIPT ARGS...` in `tests/FOLDER` (a client library's script, run by its
/// language's interpreter), and the one JSON line it prints.
pub async fn library_json(
    program: &str,
    folder: &str,
    script: &str,
    args: &[&str],
) -> serde_json::Value {
    let dir = format!("{}/tests/{folder}", env!("CARGO_MANIFEST_DIR"));
    let output = tokio::process::Command::new(program)
        .current_dir(&dir)
        .arg(script)
        .args(args)
        .output()
        .await
        .unwrap_or_else(|e| panic!("{program} cannot run: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{folder}/{script} {} failed (are its packages installed?): {stdout}\n{}",
        args.first().unwrap_or(&""),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap()
}
