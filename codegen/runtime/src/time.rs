//! Dates and times in the formats of the standard, as typed values that keep what was received.
//!
//! Each type wraps the wire text. Deserialisation accepts any string, so that a malformed date is
//! reported by validation (with its path and value) together with every other violation, instead
//! of failing the whole message; [`DateTime::parse`] and friends are the strict constructors,
//! `is_valid` the check, and `parts` the typed view.

use std::fmt;

/// The components of a date and time, all in local China time (UTC+8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Parts {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl Parts {
    /// Whether the components form a real calendar date and time of day.
    pub fn is_valid(&self) -> bool {
        (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour < 24
            && self.minute < 60
            && self.second < 60
    }

    /// The current local time in China (UTC+8) from the system clock.
    pub fn now_utc8() -> Parts {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Parts::from_unix(i64::try_from(secs).unwrap_or(0) + 8 * 3600)
    }

    /// Civil date and time of a count of seconds since 1970-01-01 00:00:00 (no time zone applied).
    pub fn from_unix(secs: i64) -> Parts {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Parts {
            year: u16::try_from(year.clamp(0, 9999)).unwrap_or(0),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
            hour: u8::try_from(rem / 3600).unwrap_or(0),
            minute: u8::try_from(rem % 3600 / 60).unwrap_or(0),
            second: u8::try_from(rem % 60).unwrap_or(0),
        }
    }

    /// Seconds since 1970-01-01 00:00:00 of these components (no time zone applied).
    pub fn to_unix(&self) -> i64 {
        let (y, m) = (i64::from(self.year), i64::from(self.month));
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// A format: where each component stands in the text.
struct Layout {
    pattern: &'static str,
    /// (start, len) of year, month, day, hour, minute, second; `None` if absent.
    fields: [Option<(usize, usize)>; 6],
}

fn parse_with(layout: &Layout, s: &str) -> Option<Parts> {
    let b = s.as_bytes();
    if b.len() != layout.pattern.len() {
        return None;
    }
    for (c, p) in b.iter().zip(layout.pattern.as_bytes()) {
        let is_digit_slot = p.is_ascii_alphabetic();
        if is_digit_slot != c.is_ascii_digit() || (!is_digit_slot && c != p) {
            return None;
        }
    }
    let num = |f: Option<(usize, usize)>| -> Option<u16> {
        match f {
            None => Some(0),
            Some((at, len)) => s.get(at..at + len)?.parse().ok(),
        }
    };
    let parts = Parts {
        year: num(layout.fields[0])?,
        month: u8::try_from(num(layout.fields[1])?).ok()?,
        day: u8::try_from(num(layout.fields[2])?).ok()?,
        hour: u8::try_from(num(layout.fields[3])?).ok()?,
        minute: u8::try_from(num(layout.fields[4])?).ok()?,
        second: u8::try_from(num(layout.fields[5])?).ok()?,
    };
    // Formats without a date part (HHmmss) check the time of day only.
    let check = if layout.fields[0].is_none() {
        Parts {
            year: 2000,
            month: 1,
            day: 1,
            ..parts
        }
    } else {
        parts
    };
    check.is_valid().then_some(parts)
}

/// The error of a strict constructor: the text and the format it should have had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    pub text: String,
    pub format: &'static str,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a valid `{}`", self.text, self.format)
    }
}

impl std::error::Error for FormatError {}

macro_rules! time_type {
    ($(#[$doc:meta])* $name:ident, $pattern:literal, $fields:expr, $fmt:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The wire format.
            pub const FORMAT: &'static str = $pattern;
            const LAYOUT: Layout = Layout { pattern: $pattern, fields: $fields };

            /// Parses text in the wire format (strict).
            pub fn parse(s: &str) -> Result<Self, FormatError> {
                match parse_with(&Self::LAYOUT, s) {
                    Some(_) => Ok($name(s.to_owned())),
                    None => Err(FormatError { text: s.to_owned(), format: $pattern }),
                }
            }

            /// Formats components in the wire format. Returns `None` if they do not form a valid value.
            pub fn from_parts(p: Parts) -> Option<Self> {
                let f: fn(&Parts) -> String = $fmt;
                let s = f(&p);
                Self::parse(&s).ok()
            }

            /// The components, if the text is valid.
            pub fn parts(&self) -> Option<Parts> {
                parse_with(&Self::LAYOUT, &self.0)
            }

            /// Whether the text is in the wire format and names a real date/time.
            pub fn is_valid(&self) -> bool {
                self.parts().is_some()
            }

            /// The text as received or formatted.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Wraps text without checking it (validation reports it if malformed).
            pub fn from_raw(s: impl Into<String>) -> Self {
                $name(s.into())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = FormatError;
            fn from_str(s: &str) -> Result<Self, FormatError> {
                Self::parse(s)
            }
        }
    };
}

time_type!(
    /// A date and time `yyyy-MM-dd HH:mm:ss` (local China time).
    DateTime, "yyyy-MM-dd HH:mm:ss",
    [Some((0, 4)), Some((5, 2)), Some((8, 2)), Some((11, 2)), Some((14, 2)), Some((17, 2))],
    |p| format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", p.year, p.month, p.day, p.hour, p.minute, p.second)
);
time_type!(
    /// A date `yyyy-MM-dd`.
    Date, "yyyy-MM-dd",
    [Some((0, 4)), Some((5, 2)), Some((8, 2)), None, None, None],
    |p| format!("{:04}-{:02}-{:02}", p.year, p.month, p.day)
);
time_type!(
    /// A compact timestamp `yyyyMMddHHmmss` (the envelope's TimeStamp).
    CompactDateTime, "yyyyMMddHHmmss",
    [Some((0, 4)), Some((4, 2)), Some((6, 2)), Some((8, 2)), Some((10, 2)), Some((12, 2))],
    |p| format!("{:04}{:02}{:02}{:02}{:02}{:02}", p.year, p.month, p.day, p.hour, p.minute, p.second)
);
time_type!(
    /// A time of day `HHmmss`.
    Time, "HHmmss",
    [None, None, None, Some((0, 2)), Some((2, 2)), Some((4, 2))],
    |p| format!("{:02}{:02}{:02}", p.hour, p.minute, p.second)
);

/// The date/time formats of the standards, as data: what a descriptor names and the validator
/// checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DateFormat {
    /// `yyyy-MM-dd HH:mm:ss`
    DateTime,
    /// `yyyy-MM-dd`
    Date,
    /// `yyyyMMddHHmmss`
    CompactDateTime,
    /// `HHmmss`
    Time,
}

impl DateFormat {
    /// The wire format, e.g. `yyyy-MM-dd HH:mm:ss`.
    pub const fn pattern(self) -> &'static str {
        match self {
            DateFormat::DateTime => DateTime::FORMAT,
            DateFormat::Date => Date::FORMAT,
            DateFormat::CompactDateTime => CompactDateTime::FORMAT,
            DateFormat::Time => Time::FORMAT,
        }
    }

    /// The components of `s`, if it is in this format and names a real date/time.
    pub fn parse(self, s: &str) -> Option<Parts> {
        let layout = match self {
            DateFormat::DateTime => &DateTime::LAYOUT,
            DateFormat::Date => &Date::LAYOUT,
            DateFormat::CompactDateTime => &CompactDateTime::LAYOUT,
            DateFormat::Time => &Time::LAYOUT,
        };
        parse_with(layout, s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(DateTime::parse("2024-02-29 23:59:59").is_ok());
        assert!(DateTime::parse("2023-02-29 23:59:59").is_err());
        assert!(DateTime::parse("2024-1-01 00:00:00").is_err());
        assert!(Date::parse("2024-12-31").is_ok());
        assert!(CompactDateTime::parse("20180120165755").is_ok());
        assert!(CompactDateTime::parse("20181320165755").is_err());
        assert!(Time::parse("235959").is_ok());
        assert!(Time::parse("240000").is_err());
        let p = Parts {
            year: 2018,
            month: 1,
            day: 20,
            hour: 16,
            minute: 57,
            second: 55,
        };
        assert_eq!(
            CompactDateTime::from_parts(p)
                .map(|t| t.to_string())
                .as_deref(),
            Some("20180120165755")
        );
        assert_eq!(Parts::from_unix(p.to_unix()), p);
        let raw: DateTime =
            serde_json::from_str("\"not a date\"").unwrap_or_else(|_| DateTime::from_raw(""));
        assert!(!raw.is_valid());
        assert!(DateFormat::Date.parse("2024-02-29").is_some());
        assert!(DateFormat::DateTime.parse("2024-02-30 00:00:00").is_none());
        assert_eq!(DateFormat::Time.pattern(), "HHmmss");
    }
}
