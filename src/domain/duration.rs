use std::fmt;
use std::str::FromStr;

use chrono::TimeDelta;

use super::DomainError;

/// A lifetime from configuration, written the way people say it: `90s`, `15m`, `12h`, `7d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ttl(TimeDelta);

const UNITS: [(char, i64); 4] = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

/// Ten years: long enough for any lifetime, short enough that adding it to a timestamp
/// cannot overflow.
const MAX_SECONDS: i64 = 10 * 365 * 86_400;

impl Ttl {
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let refuse = || DomainError::Duration {
            value: value.chars().take(32).collect(),
        };
        let trimmed = value.trim();
        let unit = trimmed.chars().last().ok_or_else(refuse)?;
        let (_, scale) = UNITS
            .iter()
            .find(|(symbol, _)| *symbol == unit)
            .ok_or_else(refuse)?;
        let digits = &trimmed[..trimmed.len() - 1];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(refuse());
        }
        let amount: i64 = digits.parse().map_err(|_| refuse())?;
        let seconds = amount.checked_mul(*scale).ok_or_else(refuse)?;
        if seconds > MAX_SECONDS {
            return Err(refuse());
        }
        Ok(Self(TimeDelta::seconds(seconds)))
    }

    pub fn from_seconds(seconds: u32) -> Self {
        Self(TimeDelta::seconds(i64::from(seconds)))
    }

    pub fn as_delta(self) -> TimeDelta {
        self.0
    }

    pub fn as_seconds(self) -> i64 {
        self.0.num_seconds()
    }

    pub fn as_std(self) -> std::time::Duration {
        std::time::Duration::from_secs(self.0.num_seconds().unsigned_abs())
    }
}

impl FromStr for Ttl {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Ttl {
    /// The largest unit that divides the value exactly, so `Ttl::parse` reads it back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.0.num_seconds();
        let (symbol, scale) = UNITS
            .iter()
            .find(|(_, scale)| seconds % scale == 0 && seconds != 0)
            .copied()
            .unwrap_or(('s', 1));
        write!(f, "{}{}", seconds / scale, symbol)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_unit() {
        assert_eq!(Ttl::parse("90s").unwrap().as_seconds(), 90);
        assert_eq!(Ttl::parse("15m").unwrap().as_seconds(), 900);
        assert_eq!(Ttl::parse("12h").unwrap().as_seconds(), 43_200);
        assert_eq!(Ttl::parse("7d").unwrap().as_seconds(), 604_800);
        assert_eq!(Ttl::parse("0s").unwrap().as_seconds(), 0);
    }

    #[test]
    fn refuses_what_is_not_a_duration() {
        for bad in [
            "",
            "s",
            "15",
            "15x",
            "-5m",
            "1.5h",
            "m15",
            "15 m",
            "99999999999999999999d",
            "4000d",
            "१m",
        ] {
            assert!(Ttl::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn displays_in_a_form_it_reads_back() {
        for text in ["90s", "15m", "12h", "7d", "0s", "61s"] {
            let ttl = Ttl::parse(text).unwrap();
            assert_eq!(ttl.to_string(), text);
            assert_eq!(Ttl::parse(&ttl.to_string()).unwrap(), ttl);
        }
        assert_eq!(Ttl::parse("120m").unwrap().to_string(), "2h");
    }
}
