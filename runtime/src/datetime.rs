//! `format: date-time` and `format: date` values, kept exactly as the server sent them.
//!
//! Servers write timestamps in many dialects (`2023-07-11T00:00:00` without an offset,
//! `2019-10-24 12:25:30`, `2013/03/23 14:58:27 +0000`, RFC 2822, fractions of any
//! length). A format is an annotation, not a contract a JSON Schema validator
//! enforces, so decoding never fails on one: the text is kept as it came, and
//! serialised back byte for byte. Typed access (chrono) parses on demand and says
//! clearly when the text is not a date.

use std::fmt;

/// Why a date or date-time text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeError {
    text: String,
    reason: &'static str,
}

impl DateTimeError {
    fn new(text: &str, reason: &'static str) -> Self {
        Self {
            text: text.to_string(),
            reason,
        }
    }
}

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a date-time: {}", self.text, self.reason)
    }
}

impl std::error::Error for DateTimeError {}

/// A `date-time` value: the exact text sent, with chrono access.
///
/// Decoding accepts any string and serialising writes it back unchanged, so a value
/// read from one response can be sent in a request without a byte changing. Values
/// built in Rust (`DateTime::from(chrono::Utc::now())`) are written in RFC 3339.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DateTime(String);

impl DateTime {
    /// The text as sent (or as built).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The instant in UTC. Text without an offset (`2023-07-11T00:00:00`) is taken
    /// to be UTC, as servers that omit it mostly mean.
    pub fn to_utc(&self) -> Result<chrono::DateTime<chrono::Utc>, DateTimeError> {
        let parsed = parse_date_time(&self.0)?;
        let offset = parsed
            .offset
            .unwrap_or_else(|| chrono::Offset::fix(&chrono::Utc));
        Ok(local_to_utc(parsed.local, offset))
    }

    /// The instant with the offset it was written with; an error when the text
    /// has no offset (see [`DateTime::to_utc`] and [`DateTime::to_naive`]).
    pub fn to_fixed_offset(&self) -> Result<chrono::DateTime<chrono::FixedOffset>, DateTimeError> {
        let parsed = parse_date_time(&self.0)?;
        let offset = parsed
            .offset
            .ok_or_else(|| DateTimeError::new(&self.0, "it has no UTC offset"))?;
        Ok(local_to_utc(parsed.local, offset).with_timezone(&offset))
    }

    /// The date and wall-clock time as written, ignoring any offset.
    pub fn to_naive(&self) -> Result<chrono::NaiveDateTime, DateTimeError> {
        parse_date_time(&self.0).map(|p| p.local)
    }

    /// The offset the text names, `None` when it names none.
    pub fn offset(&self) -> Result<Option<chrono::FixedOffset>, DateTimeError> {
        parse_date_time(&self.0).map(|p| p.offset)
    }
}

fn local_to_utc(
    local: chrono::NaiveDateTime,
    offset: chrono::FixedOffset,
) -> chrono::DateTime<chrono::Utc> {
    let utc = local - chrono::Duration::seconds(i64::from(offset.local_minus_utc()));
    chrono::DateTime::from_naive_utc_and_offset(utc, chrono::Utc)
}

impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for DateTime
where
    Tz::Offset: fmt::Display,
{
    /// RFC 3339, with `Z` for UTC and as many fraction digits as needed.
    fn from(value: chrono::DateTime<Tz>) -> Self {
        Self(value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

impl From<chrono::NaiveDateTime> for DateTime {
    /// ISO 8601 without an offset (`2023-07-11T00:00:00`).
    fn from(value: chrono::NaiveDateTime) -> Self {
        Self(value.format("%Y-%m-%dT%H:%M:%S%.f").to_string())
    }
}

impl From<String> for DateTime {
    /// Any text, unchecked: the server decides what it accepts.
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for DateTime {
    fn from(text: &str) -> Self {
        Self(text.to_string())
    }
}

impl std::str::FromStr for DateTime {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self(text.to_string()))
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({:?})", self.0)
    }
}

impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// A `date` value: the exact text sent, with chrono access.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Date(String);

impl Date {
    /// The text as sent (or as built).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The calendar date. Accepts `2023-07-11`, `2023/07/11`, `20230711` and
    /// date-times (their date part, as written).
    pub fn to_naive(&self) -> Result<chrono::NaiveDate, DateTimeError> {
        let text = self.0.trim();
        let mut s = Scanner::new(text);
        if let Some(date) = s.date()
            && s.at_end()
        {
            return Ok(date);
        }
        parse_date_time(text).map(|p| p.local.date())
    }
}

impl From<chrono::NaiveDate> for Date {
    /// `YYYY-MM-DD`.
    fn from(value: chrono::NaiveDate) -> Self {
        Self(value.format("%Y-%m-%d").to_string())
    }
}

impl From<String> for Date {
    /// Any text, unchecked.
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for Date {
    fn from(text: &str) -> Self {
        Self(text.to_string())
    }
}

impl std::str::FromStr for Date {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self(text.to_string()))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({:?})", self.0)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// A date-time as written: wall-clock time and the offset, if any.
struct Parsed {
    local: chrono::NaiveDateTime,
    offset: Option<chrono::FixedOffset>,
}

/// Reads the date-time dialects servers send: RFC 3339 and ISO 8601 (extended or
/// basic, `T`, `t` or a space between date and time, `Z`/`z`, `±hh:mm`, `±hhmm`,
/// `±hh`, `UTC`/`GMT`, no offset, fractions of any length, leap seconds), dates
/// with slashes, a bare date, and RFC 2822 (`Tue, 1 Jul 2003 10:52:37 +0200`).
fn parse_date_time(text: &str) -> Result<Parsed, DateTimeError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(DateTimeError::new(text, "it is empty"));
    }
    iso_8601(trimmed).or_else(|reason| {
        chrono::DateTime::parse_from_rfc2822(trimmed)
            .map(|d| Parsed {
                local: d.naive_local(),
                offset: Some(*d.offset()),
            })
            .map_err(|_| {
                let starts_like_iso = trimmed.starts_with(|c: char| c.is_ascii_digit());
                DateTimeError::new(
                    text,
                    if starts_like_iso {
                        reason
                    } else {
                        "it is neither ISO 8601 nor RFC 2822"
                    },
                )
            })
    })
}

fn iso_8601(text: &str) -> Result<Parsed, &'static str> {
    let mut s = Scanner::new(text);
    let date = s.date().ok_or("it does not start with a valid date")?;
    if s.at_end() {
        return Ok(Parsed {
            local: date.and_time(chrono::NaiveTime::MIN),
            offset: None,
        });
    }
    if !(s.eat(b'T') || s.eat(b't') || s.eat(b'_') || s.spaces()) {
        return Err("the date is not followed by a time");
    }
    let time = s.time().ok_or("the time is not valid")?;
    s.spaces();
    let offset = s.offset().ok_or("the UTC offset is not valid")?;
    if !s.at_end() {
        return Err("it has text after the date-time");
    }
    Ok(Parsed {
        local: date.and_time(time),
        offset,
    })
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            at: 0,
        }
    }

    fn at_end(&self) -> bool {
        self.at == self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn spaces(&mut self) -> bool {
        let start = self.at;
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
        self.at > start
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let end = self.at.checked_add(n)?;
        let slice = self.bytes.get(self.at..end)?;
        if !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.at = end;
        Some(
            slice
                .iter()
                .fold(0, |acc, d| acc * 10 + u32::from(d - b'0')),
        )
    }

    /// `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD`.
    fn date(&mut self) -> Option<chrono::NaiveDate> {
        let year = self.digits(4)?;
        let sep = match self.peek() {
            Some(b @ (b'-' | b'/')) => {
                self.at += 1;
                Some(b)
            }
            _ => None,
        };
        let month = self.digits(2)?;
        if let Some(sep) = sep
            && !self.eat(sep)
        {
            return None;
        }
        let day = self.digits(2)?;
        chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
    }

    /// `HH:MM[:SS[.fraction]]` or `HHMM[SS[.fraction]]`; second 60 is a leap second.
    fn time(&mut self) -> Option<chrono::NaiveTime> {
        let hour = self.digits(2)?;
        let extended = self.eat(b':');
        let minute = self.digits(2)?;
        let has_seconds = if extended {
            self.eat(b':')
        } else {
            self.peek().is_some_and(|b| b.is_ascii_digit())
        };
        let second = if has_seconds { self.digits(2)? } else { 0 };
        let mut nanos = 0u32;
        if has_seconds && (self.eat(b'.') || self.eat(b',')) {
            let mut scale = 100_000_000u32;
            let start = self.at;
            while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
                nanos += u32::from(d - b'0') * scale;
                scale /= 10;
                self.at += 1;
            }
            if self.at == start {
                return None;
            }
        }
        if second == 60 {
            // chrono spells a leap second as second 59 with a second's worth of nanos.
            return chrono::NaiveTime::from_hms_nano_opt(hour, minute, 59, 1_000_000_000 + nanos);
        }
        chrono::NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
    }

    /// `Z`, `z`, `UTC`, `GMT`, `±hh:mm`, `±hhmm`, `±hh`, or nothing (`Some(None)`).
    fn offset(&mut self) -> Option<Option<chrono::FixedOffset>> {
        let rest = &self.bytes[self.at..];
        if rest.is_empty() {
            return Some(None);
        }
        for zulu in [&b"Z"[..], b"z", b"UTC", b"GMT"] {
            if rest == zulu {
                self.at = self.bytes.len();
                return Some(chrono::FixedOffset::east_opt(0));
            }
        }
        let sign = match self.peek()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        self.at += 1;
        let hours = self.digits(2)?;
        let minutes = if self.eat(b':') {
            self.digits(2)?
        } else if self.at_end() {
            0
        } else {
            self.digits(2)?
        };
        if hours > 23 || minutes > 59 {
            return None;
        }
        let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
        // `-00:00` (RFC 3339's "offset unknown") is read as UTC.
        Some(chrono::FixedOffset::east_opt(sign * seconds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone, Timelike};

    fn utc(text: &str) -> chrono::DateTime<chrono::Utc> {
        DateTime::from(text)
            .to_utc()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn real_world_dialects_are_read() {
        let expect = chrono::Utc
            .with_ymd_and_hms(2019, 10, 24, 12, 25, 30)
            .unwrap();
        for text in [
            "2019-10-24T12:25:30Z",
            "2019-10-24t12:25:30z",
            "2019-10-24T12:25:30",
            "2019-10-24 12:25:30",
            "2019-10-24 12:25:30+00:00",
            "2019-10-24T12:25:30-00:00",
            "2019/10/24 12:25:30 +0000",
            "2019-10-24T14:25:30+02:00",
            "2019-10-24T14:25:30+0200",
            "2019-10-24T14:25:30+02",
            "2019-10-24T12:25:30 UTC",
            "20191024T122530Z",
            "Thu, 24 Oct 2019 12:25:30 +0000",
            "Thu, 24 Oct 2019 12:25:30 GMT",
            "24 Oct 2019 12:25:30 +0000",
        ] {
            assert_eq!(utc(text), expect, "{text}");
        }
    }

    #[test]
    fn fractions_of_any_length_and_leap_seconds() {
        assert_eq!(utc("1970-01-01T00:00:00.000Z").timestamp(), 0);
        assert_eq!(
            utc("2020-01-01T00:00:00.1Z").timestamp_subsec_nanos(),
            100_000_000
        );
        assert_eq!(
            utc("2020-01-01T00:00:00.123456789123Z").timestamp_subsec_nanos(),
            123_456_789
        );
        assert_eq!(utc("2020-01-01T00:00:00,5Z").timestamp_subsec_millis(), 500);
        let leap = utc("2016-12-31T23:59:60Z");
        assert_eq!(leap.second(), 59);
        assert!(leap.nanosecond() >= 1_000_000_000);
    }

    #[test]
    fn offsets_are_kept_or_reported_missing() {
        let with = DateTime::from("2013-03-23T14:58:27+05:30");
        assert_eq!(
            with.to_fixed_offset().unwrap().offset().local_minus_utc(),
            5 * 3600 + 1800
        );
        let without = DateTime::from("2023-07-11T00:00:00");
        assert_eq!(without.offset().unwrap(), None);
        let err = without.to_fixed_offset().unwrap_err();
        assert!(err.to_string().contains("no UTC offset"), "{err}");
        assert_eq!(without.to_naive().unwrap().hour(), 0);
    }

    #[test]
    fn text_that_is_not_a_date_is_a_clear_error_not_a_decode_failure() {
        let value: DateTime = serde_json::from_str("\"yesterday\"").unwrap();
        let err = value.to_utc().unwrap_err();
        assert!(err.to_string().contains("`yesterday`"), "{err}");
        for bad in [
            "",
            "2020-13-01T00:00:00Z",
            "2020-01-01T25:00:00Z",
            "2020-01-01Tx",
            "2020-01-01T00:00:00+99:00",
            "2020-01-01T00:00:00Zjunk",
        ] {
            assert!(DateTime::from(bad).to_utc().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_text_round_trips_byte_for_byte() {
        for text in [
            "\"2020-02-28 16:13:25+00:00\"",
            "\"1970-01-01T00:00:00.000Z\"",
            "\"2013/03/23 14:58:27 +0000\"",
            "\"not a date\"",
        ] {
            let value: DateTime = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), text);
        }
        assert!(serde_json::from_str::<DateTime>("12").is_err());
    }

    #[test]
    fn values_built_in_rust_are_rfc_3339() {
        let t = chrono::Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap();
        assert_eq!(DateTime::from(t).as_str(), "2024-05-06T07:08:09Z");
        let offset = chrono::FixedOffset::east_opt(-3600).unwrap();
        assert_eq!(
            DateTime::from(t.with_timezone(&offset)).as_str(),
            "2024-05-06T06:08:09-01:00"
        );
        let d = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(Date::from(d).as_str(), "2024-02-29");
    }

    #[test]
    fn dates_accept_common_spellings() {
        for text in [
            "2024-02-29",
            "2024/02/29",
            "20240229",
            "2024-02-29T10:00:00Z",
        ] {
            let d = Date::from(text).to_naive().unwrap();
            assert_eq!((d.year(), d.month(), d.day()), (2024, 2, 29), "{text}");
        }
        assert!(Date::from("2023-02-29").to_naive().is_err());
    }
}
