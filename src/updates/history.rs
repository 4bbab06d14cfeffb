//! The updates written so far, read from the updates dir: the last one sent
//! (where the next period starts, and its open asks), the current draft, the
//! entries of `icu log`, and marking an update sent. Files that cannot be
//! read are skipped with a warning the caller prints; none is ever changed
//! here except by [`mark_sent`] and [`record_message_id`]. Also the mail
//! thread the updates sent so far make ([`thread`]).

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use crate::doc::asks::{self, Ask};
use crate::doc::check;
use crate::doc::frontmatter::{self, Status};
use crate::doc::DocError;
use crate::updates::store::{self, StoreError};

/// Why a past update could not be read, changed or used again. The
/// application's error turns each into its message and exit code; this
/// layer does not know them.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// Reading or writing the updates dir failed, or was refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An update document could not be used as it is; it was left untouched.
    #[error("{}: {source}", path.display())]
    Doc { path: PathBuf, source: DocError },
    /// The update was already sent, and `--force` was not given.
    #[error("{} was already sent", path.display())]
    AlreadySent {
        path: PathBuf,
        sent: Option<DateTime<FixedOffset>>,
        again: Again,
    },
}

impl HistoryError {
    fn doc(path: &Path, source: DocError) -> Self {
        HistoryError::Doc {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// What was refused on an update already sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Again {
    Refresh,
    Send,
    Mark,
}

impl Again {
    /// What was done instead, and how to do it anyway.
    pub fn advice(self) -> &'static str {
        match self {
            Again::Refresh => "it was left as it is. Pass --force to refresh it anyway",
            Again::Send => "icu does not mail it twice. Pass --force to send it again",
            Again::Mark => "the first mark was kept. Pass --force to mark it sent again",
        }
    }
}

/// The last update sent before a date.
#[derive(Debug, Clone)]
pub struct LastSent {
    pub path: PathBuf,
    /// When it was marked sent (its `until` if the mark has no time).
    pub sent: DateTime<FixedOffset>,
    /// The end of its period (exclusive).
    pub until: DateTime<FixedOffset>,
    /// When its activity was last computed, if recorded.
    pub scanned: Option<DateTime<FixedOffset>>,
    /// Its asks still open, with the date each was first asked.
    pub asks: Vec<Ask>,
}

impl LastSent {
    /// Where this update's activity ended, so where the next period starts
    /// ([`crate::period::choose_since`]): `min(until, scanned)` — not when it
    /// was sent, so a late send opens no hole and an early one leaves the
    /// rest of the day to the next update. An update written before icu
    /// recorded `scanned` ends at `min(until, sent)`.
    pub fn period_end(&self) -> DateTime<FixedOffset> {
        self.until.min(self.scanned.unwrap_or(self.sent))
    }
}

/// Finds the newest sent update dated before `date`. Updates that cannot be
/// read are skipped; each skip is a warning in the second value.
pub fn last_sent(dir: &Path, date: NaiveDate) -> (Option<LastSent>, Vec<String>) {
    let mut warnings = Vec::new();
    let list = match store::list(dir) {
        Ok(l) => l,
        Err(e) => {
            warnings.push(e.to_string());
            return (None, warnings);
        }
    };
    for (d, path) in list.into_iter().rev().filter(|(d, _)| *d < date) {
        let text = match store::read(&path) {
            Ok(t) => t,
            Err(e) => {
                warnings.push(format!("skipped: {e}"));
                continue;
            }
        };
        let fm = match frontmatter::split(&text) {
            Ok((fm, _, _)) => fm,
            Err(e) => {
                warnings.push(format!("skipped {}: {e}", path.display()));
                continue;
            }
        };
        if fm.status != Status::Sent {
            continue;
        }
        let sent = fm.sent.unwrap_or(fm.until);
        let asks = match asks::asks(&text, d) {
            Ok(a) => a.into_iter().filter(|a| !a.done).collect(),
            Err(e) => {
                warnings.push(format!("open asks of {} not carried: {e}", path.display()));
                Vec::new()
            }
        };
        let last = LastSent {
            path,
            sent,
            until: fm.until,
            scanned: fm.scanned,
            asks,
        };
        return (Some(last), warnings);
    }
    (None, warnings)
}

/// The Message-IDs of the updates sent before `date` that the mail of the
/// update dated `date` continues, oldest first: the last one sent (the
/// update it replies to, `In-Reply-To`), and before it each sent update in
/// turn until one without a recorded Message-ID (sent before icu recorded
/// them, or sent by hand without an `.eml` export) ends the thread. Empty
/// when the last sent update has none. Drafts in between are passed over;
/// a file that cannot be read ends the thread too, with a warning in the
/// second value.
pub fn thread(dir: &Path, date: NaiveDate) -> (Vec<String>, Vec<String>) {
    let mut warnings = Vec::new();
    let mut ids = Vec::new();
    let list = match store::list(dir) {
        Ok(l) => l,
        Err(e) => {
            warnings.push(e.to_string());
            return (ids, warnings);
        }
    };
    for (_, path) in list.into_iter().rev().filter(|(d, _)| *d < date) {
        let text = match store::read(&path) {
            Ok(t) => t,
            Err(e) => {
                warnings.push(format!("the mail thread stops at {}: {e}", path.display()));
                break;
            }
        };
        match frontmatter::split(&text) {
            Ok((fm, _, _)) if fm.status != Status::Sent => continue,
            Ok(_) => {}
            Err(e) => {
                warnings.push(format!("the mail thread stops at {}: {e}", path.display()));
                break;
            }
        }
        match frontmatter::message_id(&text) {
            Ok(Some(id)) => ids.push(id),
            Ok(None) => break,
            Err(e) => {
                warnings.push(format!("the mail thread stops at {}: {e}", path.display()));
                break;
            }
        }
    }
    ids.reverse();
    (ids, warnings)
}

/// The current draft: the newest update, if it is not sent. Unreadable or
/// damaged files are passed over.
pub fn current_draft(dir: &Path) -> Result<Option<(PathBuf, String)>, StoreError> {
    for (_, path) in store::list(dir)?.into_iter().rev() {
        let Ok(text) = store::read(&path) else {
            continue;
        };
        match frontmatter::split(&text) {
            Ok((fm, _, _)) if fm.status == Status::Draft => return Ok(Some((path, text))),
            Ok(_) => return Ok(None),
            Err(_) => continue,
        }
    }
    Ok(None)
}

/// One row of `icu log --json`. Field names are stable.
#[derive(Debug, Serialize)]
pub struct LogEntry {
    pub date: NaiveDate,
    pub file: String,
    pub since: Option<DateTime<FixedOffset>>,
    pub until: Option<DateTime<FixedOffset>>,
    /// `draft`, `sent`, or `damaged` when the file cannot be read as an update.
    pub status: String,
    pub sent: Option<DateTime<FixedOffset>>,
    pub open_asks: usize,
    /// Every prompt filled and no goal with activity left without prose.
    pub complete: bool,
    /// Why the file could not be read, when `status` is `damaged`.
    pub problem: Option<String>,
}

/// Every update in `dir`, newest first.
pub fn log_entries(dir: &Path) -> Result<Vec<LogEntry>, StoreError> {
    Ok(store::list(dir)?
        .into_iter()
        .rev()
        .map(|(date, path)| entry(date, &path))
        .collect())
}

fn entry(date: NaiveDate, path: &Path) -> LogEntry {
    let mut e = LogEntry {
        date,
        file: path.display().to_string(),
        since: None,
        until: None,
        status: "damaged".into(),
        sent: None,
        open_asks: 0,
        complete: false,
        problem: None,
    };
    let text = match store::read(path) {
        Ok(t) => t,
        Err(err) => {
            e.problem = Some(err.to_string());
            return e;
        }
    };
    match frontmatter::split(&text) {
        Ok((fm, _, _)) => {
            e.since = Some(fm.since);
            e.until = Some(fm.until);
            e.sent = fm.sent;
            e.status = match fm.status {
                Status::Draft => "draft".into(),
                Status::Sent => "sent".into(),
            };
        }
        Err(err) => {
            e.problem = Some(err.to_string());
            return e;
        }
    }
    match check::check(&text) {
        Ok(r) => {
            e.open_asks = r.open_asks;
            e.complete = r.is_ready();
        }
        Err(err) => {
            e.status = "damaged".into();
            e.problem = Some(err.to_string());
        }
    }
    e
}

/// Refuses an update already sent, unless `force`: sent is final.
pub fn ensure_unsent(
    path: &Path,
    text: &str,
    force: bool,
    again: Again,
) -> Result<(), HistoryError> {
    let (fm, _, _) = frontmatter::split(text).map_err(|e| HistoryError::doc(path, e))?;
    if fm.status == Status::Sent && !force {
        return Err(HistoryError::AlreadySent {
            path: path.to_path_buf(),
            sent: fm.sent,
            again,
        });
    }
    Ok(())
}

/// Sets `status = "sent"` and `sent = WHEN` in the front matter, changing no
/// other byte of the doc (`icu sent`). The caller holds the doc's lock. An
/// update already sent keeps its first mark unless `force`.
pub fn mark_sent(
    held: &store::Lock,
    path: &Path,
    when: DateTime<FixedOffset>,
    force: bool,
) -> Result<(), HistoryError> {
    let old = store::read(path)?;
    ensure_unsent(path, &old, force, Again::Mark)?;
    mark_as_read_sent(held, path, &old, when, None)
}

/// Marks sent the doc as it was when read (`read`), after `icu send` mailed
/// that text: the doc on disk must be what was mailed plus the mark. If it
/// changed since — an edit made while the mail was going out, which the mail
/// does not have — nothing is written ([`store::StoreError::Changed`]). The
/// caller holds the doc's lock (`_held`) from the read on, so no other icu
/// comes in between. `message_id`, the Message-ID the mail went out with, is
/// recorded in the same write, so that the next update can reply to it.
pub fn mark_as_read_sent(
    _held: &store::Lock,
    path: &Path,
    read: &str,
    when: DateTime<FixedOffset>,
    message_id: Option<&str>,
) -> Result<(), HistoryError> {
    let mut new = frontmatter::mark_sent(read, when).map_err(|e| HistoryError::doc(path, e))?;
    if let Some(id) = message_id {
        new = frontmatter::set_message_id(&new, id).map_err(|e| HistoryError::doc(path, e))?;
    }
    Ok(store::replace(path, read, &new)?)
}

/// Records `id` as the Message-ID of the update at `path`, read as `read`,
/// when the update is exported as an `.eml` before it is sent: the draft a
/// mail client opens and the mail `icu send` sends later have the same.
/// Nothing is written when it is already recorded, or when the doc changed
/// since it was read (an error). The caller holds the doc's lock (`_held`).
pub fn record_message_id(
    _held: &store::Lock,
    path: &Path,
    read: &str,
    id: &str,
) -> Result<(), HistoryError> {
    let new = frontmatter::set_message_id(read, id).map_err(|e| HistoryError::doc(path, e))?;
    Ok(store::replace(path, read, &new)?)
}
