//! The window `[since, until)` an update covers, and the one rule that
//! chooses `since` ([`choose_since`]); the update's last day ([`last_day`])
//! and when the next one is due ([`next_due`]); the date forms of the command
//! line. Every command that needs a period asks here. Pure: "now" and the
//! time zone are passed in.
//!
//! # The period rule
//!
//! An update dated D covers the half-open window `[since, until)` of
//! committer times — when work landed, as `git log --since/--until` reads
//! it, so a rebased commit is reported once. (Author dates are not used:
//! they differ from committer dates on applied or rebased patches, which
//! BENCHMARKS.md counts in one window of git.git.)
//!
//! - `until` is midnight local time after D ([`end_of_day`]). The last day
//!   covered, shown in subjects and in `icu log`, is the day before `until`
//!   ([`last_day`]).
//! - `since` is chosen by [`choose_since`], the only place the rule is
//!   written: `--since` when given (a date, or `14d`/`2w` before D); else
//!   where the last sent update's period ended
//!   (`history::LastSent::period_end`), when that is before `until`; else
//!   midnight local time `cadence_days` before D.
//! - `icu goals` uses the same period and widens only its scan (12 weeks
//!   back) for the sparkline, without line counts, and looks for credit in
//!   the period only (the only credits it counts); `icu status` says the
//!   next update is due `cadence_days` after the last sent update's date
//!   ([`next_due`]) — its date, not when it was sent, so one update sent
//!   late does not move every later one.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use serde::Serialize;

/// The period of one update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// The update's date.
    pub date: NaiveDate,
    /// Start (inclusive) of the window of committer times.
    pub since: DateTime<FixedOffset>,
    /// End (exclusive): midnight local time after `date`.
    pub until: DateTime<FixedOffset>,
}

impl Period {
    /// The window scanned at `scanned`, in Unix seconds:
    /// `[since, min(until, scanned))`. What lands later belongs to the next
    /// update, whose period starts there.
    pub fn window_at(&self, scanned: DateTime<FixedOffset>) -> TimeWindow {
        TimeWindow {
            since: self.since.timestamp(),
            until: self.until.min(scanned).timestamp(),
        }
    }
}

/// The half-open window `[since, until)` of committer times, in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindow {
    pub since: i64,
    pub until: i64,
}

impl TimeWindow {
    /// Whether the Unix time `t` falls in the window.
    pub fn contains(&self, t: i64) -> bool {
        self.since <= t && t < self.until
    }
}

/// A period that cannot be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// A date too close to the ends of the calendar.
    #[error("{0} is out of range")]
    OutOfRange(String),
    /// `since` is not before `until`.
    #[error("the period would be empty: since {since} is not before the end of {date}")]
    Empty { since: String, date: NaiveDate },
}

/// `icu sent --at`: a moment, or a date meaning the end of that day (local
/// time, resolved by [`When::resolve`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    At(DateTime<FixedOffset>),
    EndOf(NaiveDate),
    /// Midnight local time at the start of this date (`icu note --at`).
    StartOf(NaiveDate),
}

impl When {
    /// The moment, with `tz` for a bare date.
    pub fn resolve<Tz: TimeZone>(self, tz: &Tz) -> Result<DateTime<FixedOffset>, PeriodError> {
        match self {
            When::At(t) => Ok(t),
            When::EndOf(d) => end_of_day(d, tz),
            When::StartOf(d) => Ok(local_midnight(d, tz)),
        }
    }
}

/// How `--since` was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// Midnight local time at the start of this date.
    Date(NaiveDate),
    /// Midnight local time this many days before the update's date.
    DaysBefore(u32),
}

/// Parses `YYYY-MM-DD`, with a message that quotes the value.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date; write it as YYYY-MM-DD, e.g. 2026-11-23"))
}

/// Parses `--since`: a date, or `Nd` / `Nw` (days or weeks before the date).
pub fn parse_since(s: &str) -> Result<Since, String> {
    let t = s.trim();
    let rel = |digits: &str, mult: u32| -> Option<Since> {
        let n: u32 = digits.parse().ok()?;
        n.checked_mul(mult).map(Since::DaysBefore)
    };
    let parsed = if let Some(d) = t.strip_suffix('d') {
        rel(d, 1)
    } else if let Some(w) = t.strip_suffix('w') {
        rel(w, 7)
    } else {
        None
    };
    match parsed {
        Some(s) => Ok(s),
        None => parse_date(t).map(Since::Date).map_err(|_| {
            format!("`{s}` is not a valid --since: write a date (2026-11-09) or a span (14d, 2w)")
        }),
    }
}

/// Midnight local time at the start of `date`. On a day whose midnight does
/// not exist (a DST jump at 00:00) the first instant of the day is used.
pub fn local_midnight<Tz: TimeZone>(date: NaiveDate, tz: &Tz) -> DateTime<FixedOffset> {
    let mut t = date.and_time(NaiveTime::MIN);
    for _ in 0..4 {
        if let Some(dt) = tz.from_local_datetime(&t).earliest() {
            return dt.fixed_offset();
        }
        t += Duration::minutes(30);
    }
    // No zone skips more than two hours; fall back to UTC midnight.
    date.and_time(NaiveTime::MIN).and_utc().fixed_offset()
}

/// Midnight local time after `date`: the exclusive end of an update dated
/// `date`.
pub fn end_of_day<Tz: TimeZone>(
    date: NaiveDate,
    tz: &Tz,
) -> Result<DateTime<FixedOffset>, PeriodError> {
    let next_day = date
        .succ_opt()
        .ok_or_else(|| PeriodError::OutOfRange(date.to_string()))?;
    Ok(local_midnight(next_day, tz))
}

/// The rule that chooses where the period of the update dated `date` starts
/// (the module docs, "The period rule"): `--since` when given; else
/// `previous_end`, where the last sent update's period handed over, if it is
/// before `until`; else midnight `cadence_days` before the date.
pub fn choose_since<Tz: TimeZone>(
    date: NaiveDate,
    until: DateTime<FixedOffset>,
    flag: Option<Since>,
    previous_end: Option<DateTime<FixedOffset>>,
    cadence_days: u32,
    tz: &Tz,
) -> Result<DateTime<FixedOffset>, PeriodError> {
    let days_before = |n: u32| {
        date.checked_sub_days(chrono::Days::new(u64::from(n)))
            .map(|d| local_midnight(d, tz))
            .ok_or_else(|| {
                let days = crate::template::plural(n as usize, "day", "days");
                PeriodError::OutOfRange(format!("{days} before {date}"))
            })
    };
    match (flag, previous_end) {
        (Some(Since::Date(d)), _) => Ok(local_midnight(d, tz)),
        (Some(Since::DaysBefore(n)), _) => days_before(n),
        (None, Some(end)) if end < until => Ok(end),
        (None, _) => days_before(cadence_days),
    }
}

/// The period of the update dated `date`: `until` is the end of the date,
/// `since` as [`choose_since`] decides. An empty period is an error.
pub fn period<Tz: TimeZone>(
    date: NaiveDate,
    flag: Option<Since>,
    previous_end: Option<DateTime<FixedOffset>>,
    cadence_days: u32,
    tz: &Tz,
) -> Result<Period, PeriodError> {
    let until = end_of_day(date, tz)?;
    let since = choose_since(date, until, flag, previous_end, cadence_days, tz)?;
    if since >= until {
        return Err(PeriodError::Empty {
            since: since.to_rfc3339(),
            date,
        });
    }
    Ok(Period { date, since, until })
}

/// When the update after the one dated `last_date` is due: a cadence after
/// that update's date, whenever it was sent, so the schedule follows the
/// updates' dates and a late send moves nothing after it.
pub fn next_due(last_date: NaiveDate, cadence_days: u32) -> Option<NaiveDate> {
    last_date.checked_add_days(chrono::Days::new(u64::from(cadence_days)))
}

/// Parses `icu sent --at`: an RFC 3339 time, or a date meaning the end of
/// that day.
pub fn parse_when(s: &str) -> Result<When, String> {
    let t = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(When::At(dt));
    }
    parse_date(t).map(When::EndOf).map_err(|_| {
        format!("`{s}` is not a time: write RFC 3339 (2026-11-23T17:30:00+01:00) or a date (2026-11-23)")
    })
}

/// `icu note --at`: as [`parse_when`], but a bare date is the start of
/// that day — a note about a day is about its morning, not its midnight.
pub fn parse_note_time(s: &str) -> Result<When, String> {
    parse_when(s).map(|w| match w {
        When::EndOf(d) => When::StartOf(d),
        other => other,
    })
}

/// The last day an update covers: the day before its exclusive `until`
/// (the update's own date when `until` is not after it).
pub fn last_day(date: NaiveDate, until: DateTime<FixedOffset>) -> NaiveDate {
    until.date_naive().pred_opt().unwrap_or(date)
}

/// `9 Nov` — how dates read inside the document.
pub fn short_date(d: NaiveDate) -> String {
    d.format("%-d %b").to_string()
}

/// `23 Nov 2026`.
pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn default_period_is_cadence_days_before_until_end_of_date() {
        let p = period(d("2026-11-23"), None, None, 14, &Utc).unwrap();
        assert_eq!(p.since.to_rfc3339(), "2026-11-09T00:00:00+00:00");
        assert_eq!(p.until.to_rfc3339(), "2026-11-24T00:00:00+00:00");
    }

    #[test]
    fn last_sent_starts_the_period_and_since_overrides_it() {
        let sent = DateTime::parse_from_rfc3339("2026-11-12T15:00:00+00:00").unwrap();
        let p = period(d("2026-11-23"), None, Some(sent), 14, &Utc).unwrap();
        assert_eq!(p.since, sent);
        let p = period(
            d("2026-11-23"),
            Some(Since::DaysBefore(7)),
            Some(sent),
            14,
            &Utc,
        )
        .unwrap();
        assert_eq!(p.since.to_rfc3339(), "2026-11-16T00:00:00+00:00");
    }

    #[test]
    fn since_forms() {
        assert_eq!(parse_since("14d"), Ok(Since::DaysBefore(14)));
        assert_eq!(parse_since("2w"), Ok(Since::DaysBefore(14)));
        assert_eq!(parse_since("2026-11-01"), Ok(Since::Date(d("2026-11-01"))));
        assert!(parse_since("yesterday").unwrap_err().contains("yesterday"));
        assert!(parse_since("99999999999d").is_err());
    }

    #[test]
    fn empty_period_is_refused() {
        let err = period(
            d("2026-11-23"),
            Some(Since::Date(d("2026-11-30"))),
            None,
            14,
            &Utc,
        );
        assert!(err.unwrap_err().to_string().contains("empty"));
    }

    #[test]
    fn when_is_rfc3339_or_end_of_day() {
        let at = |s: &str| parse_when(s).unwrap().resolve(&Utc).unwrap().to_rfc3339();
        assert_eq!(at("2026-11-23"), "2026-11-24T00:00:00+00:00");
        assert_eq!(at("2026-11-23T10:00:00+01:00"), "2026-11-23T10:00:00+01:00");
        assert!(parse_when("soon").is_err());
    }

    #[test]
    fn the_next_update_is_due_a_cadence_after_the_last_ones_date() {
        assert_eq!(next_due(d("2026-11-24"), 14), Some(d("2026-12-08")));
        // Dated 9 Nov and sent late on the 12th: due on the 23rd, and the
        // one dated the 23rd makes the next due on 7 Dec.
        assert_eq!(next_due(d("2026-11-09"), 14), Some(d("2026-11-23")));
        assert_eq!(next_due(d("2026-11-23"), 14), Some(d("2026-12-07")));
    }

    #[test]
    fn the_last_day_is_the_day_before_the_exclusive_end() {
        let until = DateTime::parse_from_rfc3339("2026-11-24T00:00:00+00:00").unwrap();
        assert_eq!(last_day(d("2026-11-23"), until), d("2026-11-23"));
    }

    #[test]
    fn dates_read_short_and_long() {
        assert_eq!(short_date(d("2026-11-09")), "9 Nov");
        assert_eq!(long_date(d("2027-03-31")), "31 Mar 2027");
    }
}
