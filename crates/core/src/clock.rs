//! Today's date for every expiry decision (risk acceptances, advisory-data age): one clock per
//! run, read once from the system in UTC (no time-zone database is loaded) or fixed with
//! `--now DATE` for reproducible runs and tests.

use jiff::civil::Date;
use jiff::Timestamp;

/// The run's notion of "now".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    now: Timestamp,
}

impl Clock {
    /// The system time, read once.
    pub fn system() -> Self {
        Clock {
            now: Timestamp::now(),
        }
    }

    /// A fixed day: midnight UTC at its start, so "today" is `date` everywhere.
    pub fn fixed(date: Date) -> Self {
        let now = date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH);
        Clock { now }
    }

    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Today in UTC. Calendar arithmetic only: UTC needs no zone data.
    pub fn today(&self) -> Date {
        self.now.to_zoned(jiff::tz::TimeZone::UTC).date()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_day_is_today() {
        let d = jiff::civil::date(2027, 2, 28);
        assert_eq!(Clock::fixed(d).today(), d);
        assert!(Clock::system().today() > jiff::civil::date(2025, 1, 1));
    }
}
