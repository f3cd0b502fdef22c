use std::fmt;
use std::path::PathBuf;

use super::StoreError;

/// Where the data lives: `sqlite://PATH` (relative, or absolute as `sqlite:///abs/path`)
/// or `postgres://...` / `postgresql://...` (any libpq URL).
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(value: &str) -> Result<Self, StoreError> {
        let value = value.trim();
        if let Some(path) = value.strip_prefix("sqlite://") {
            if path.is_empty() || path == ":memory:" {
                return Err(StoreError::BadUrl(
                    "sqlite:// needs a file path, e.g. sqlite://latchkey.db (an in-memory database cannot be shared by a connection pool)".into(),
                ));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            return Ok(Self::Postgres(value.to_owned()));
        }
        Err(StoreError::BadUrl(format!(
            "'{}' is not a database URL: use sqlite://PATH or postgres://USER@HOST/DB",
            Redacted(value)
        )))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => Redacted(url).fmt(f),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A URL with any password replaced, for messages and logs.
struct Redacted<'a>(&'a str);

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match url::Url::parse(self.0) {
            Ok(mut url) if url.password().is_some() => {
                // set_password fails only for URLs that cannot carry one.
                let _ = url.set_password(Some("***"));
                f.write_str(url.as_str())
            }
            Ok(url) if url.query_pairs().any(|(k, _)| k == "password") => {
                f.write_str(url.as_str().split('?').next().unwrap_or_default())?;
                f.write_str("?***")
            }
            _ => f.write_str(self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_backend_by_scheme() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://latchkey.db").unwrap(),
            DatabaseUrl::Sqlite("latchkey.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/latchkey.db").unwrap(),
            DatabaseUrl::Sqlite("/var/lib/latchkey.db".into())
        );
        assert!(matches!(
            DatabaseUrl::parse("postgresql://u@h/db").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("latchkey.db").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn never_prints_a_password() {
        let url = DatabaseUrl::parse("postgres://app:s3cret@db.internal/latchkey").unwrap();
        assert!(!url.to_string().contains("s3cret"));
        let url = DatabaseUrl::parse("postgres://db/latchkey?password=s3cret").unwrap();
        assert!(!url.to_string().contains("s3cret"));
        let err = DatabaseUrl::parse("pg://app:s3cret@db/x").unwrap_err();
        assert!(!err.to_string().contains("s3cret"));
    }
}
