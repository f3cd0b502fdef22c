use std::io::BufRead;

use super::CliError;
use crate::domain::Password;

/// Reads a new password: one line from standard input with `--password-stdin` (for
/// scripts), otherwise typed twice at a prompt without echo.
pub fn read_new_password(from_stdin: bool) -> Result<Password, CliError> {
    let text = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| CliError::Io(format!("reading the password from stdin: {e}")))?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    } else {
        let no_terminal = |e: std::io::Error| {
            CliError::Usage(format!(
                "cannot prompt for a password ({e}); use --password-stdin"
            ))
        };
        let first = rpassword::prompt_password("New password: ").map_err(no_terminal)?;
        let second = rpassword::prompt_password("Repeat it: ").map_err(no_terminal)?;
        if first != second {
            return Err(CliError::Usage("the two passwords differ".into()));
        }
        first
    };
    Password::new_choice(text).map_err(|e| CliError::Usage(e.to_string()))
}
