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
    /// A send of the update began at `at` and never finished (`status =
    /// "sending"`): it may have been delivered. Refused without `--force`
    /// (`icu send`), or always (a refresh).
    #[error("{} may have been sent: a send of it did not finish", path.display())]
    SendUnderWay {
        path: PathBuf,
        at: Option<DateTime<FixedOffset>>,
        message_id: Option<String>,
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
    /// The update's date (its front matter's `date`): the next one is due
    /// a cadence after it ([`crate::period::next_due`]).
    pub date: NaiveDate,
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
        period_end(self.until, self.scanned, self.sent)
    }
}

/// [`LastSent::period_end`], the one rule, from an update's `until`,
/// `scanned` and when it was sent.
fn period_end(
    until: DateTime<FixedOffset>,
    scanned: Option<DateTime<FixedOffset>>,
    sent: DateTime<FixedOffset>,
) -> DateTime<FixedOffset> {
    until.min(scanned.unwrap_or(sent))
}

/// An update just marked sent.
#[derive(Debug, Clone, Copy)]
pub struct Marked {
    /// When it was marked sent.
    pub sent: DateTime<FixedOffset>,
    /// Where its activity ended, so where the next period starts
    /// ([`LastSent::period_end`]).
    pub period_end: DateTime<FixedOffset>,
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
            date: fm.date,
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

/// The stretch of time one update holds: its activity is the commits (and
/// credits) with a committer time in `[since, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub date: NaiveDate,
    pub path: PathBuf,
    pub status: Status,
    pub since: DateTime<FixedOffset>,
    /// Where its activity ends: a sent update's (or one being sent) at
    /// [`LastSent::period_end`], where the next period starts; a draft's at
    /// its `until`, which a refresh fills up to.
    pub end: DateTime<FixedOffset>,
}

/// The span of every update in `dir` that can be read, oldest first; each
/// one that cannot is a warning in the second value.
pub fn spans(dir: &Path) -> (Vec<Span>, Vec<String>) {
    let mut warnings = Vec::new();
    let list = match store::list(dir) {
        Ok(l) => l,
        Err(e) => {
            warnings.push(e.to_string());
            return (Vec::new(), warnings);
        }
    };
    let mut out = Vec::new();
    for (date, path) in list {
        let fm = match store::read(&path).map(|t| frontmatter::split(&t).map(|(fm, _, _)| fm)) {
            Ok(Ok(fm)) => fm,
            Ok(Err(e)) => {
                warnings.push(format!("skipped {}: {e}", path.display()));
                continue;
            }
            Err(e) => {
                warnings.push(format!("skipped: {e}"));
                continue;
            }
        };
        let end = match fm.status {
            Status::Draft => fm.until,
            _ => fm
                .until
                .min(fm.scanned.unwrap_or(fm.sent.unwrap_or(fm.until))),
        };
        out.push(Span {
            date,
            path,
            status: fm.status,
            since: fm.since,
            end,
        });
    }
    (out, warnings)
}

/// The items from sources beside git that the updates sent (or being sent)
/// in `dir` list, as `source:id` (`frontmatter::listed_items`), but the
/// update dated `except`; each update that cannot be read is a warning in
/// the second value.
pub fn listed_items(
    dir: &Path,
    except: NaiveDate,
) -> (std::collections::HashSet<String>, Vec<String>) {
    let (spans, mut warnings) = spans(dir);
    let mut out = std::collections::HashSet::new();
    for s in spans
        .iter()
        .filter(|s| s.status != Status::Draft && s.date != except)
    {
        match store::read(&s.path).map(|t| frontmatter::listed_items(&t)) {
            Ok(Ok(items)) => out.extend(items),
            Ok(Err(e)) => warnings.push(format!(
                "{}: {e}; the items it lists may be listed again",
                s.path.display()
            )),
            Err(e) => warnings.push(e.to_string()),
        }
    }
    (out, warnings)
}

/// The update of `spans` whose period holds the time `at` (Unix seconds):
/// a sent one before a draft, should both claim it.
pub fn holder(spans: &[Span], at: i64) -> Option<&Span> {
    let holds = |s: &&Span| s.since.timestamp() <= at && at < s.end.timestamp();
    spans
        .iter()
        .filter(holds)
        .min_by_key(|s| s.status == Status::Draft)
}

/// One row of `icu log --json`. Field names are stable.
#[derive(Debug, Serialize)]
pub struct LogEntry {
    pub date: NaiveDate,
    pub file: String,
    pub since: Option<DateTime<FixedOffset>>,
    pub until: Option<DateTime<FixedOffset>>,
    /// `draft`, `sent`, `sending` (a send began and did not finish: it may
    /// have been delivered), or `damaged` when the file cannot be read as an
    /// update.
    pub status: String,
    pub sent: Option<DateTime<FixedOffset>>,
    /// When the send under way began, when `status` is `sending`.
    pub sending: Option<DateTime<FixedOffset>>,
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
        sending: None,
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
            e.sending = fm.sending;
            e.status = fm.status.as_str().into();
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

/// Refuses an update already sent, unless `force`: sent is final. An update
/// whose send is under way (it may have been delivered) is refused the same
/// way, except to be marked sent (`Again::Mark`: that is what it waits for)
/// and to be refreshed (never: `icu sent` or `icu sent --undo` first).
pub fn ensure_unsent(
    path: &Path,
    text: &str,
    force: bool,
    again: Again,
) -> Result<(), HistoryError> {
    let (fm, _, _) = frontmatter::split(text).map_err(|e| HistoryError::doc(path, e))?;
    match fm.status {
        Status::Sent if !force => Err(HistoryError::AlreadySent {
            path: path.to_path_buf(),
            sent: fm.sent,
            again,
        }),
        Status::Sending if again == Again::Refresh || (again == Again::Send && !force) => {
            Err(HistoryError::SendUnderWay {
                path: path.to_path_buf(),
                at: fm.sending,
                message_id: frontmatter::message_id(text).ok().flatten(),
                again,
            })
        }
        _ => Ok(()),
    }
}

/// Records, before the mail program starts, that `icu send` is sending the
/// doc read as `read` with the Message-ID `message_id` (`status =
/// "sending"`, `sending = WHEN`), and makes the record durable: the file is
/// written atomically and synced, then its folder is synced. Returns the
/// doc as written, which the mark that follows expects on disk. The caller
/// holds the doc's lock (`_held`). If this fails, nothing may be sent.
pub fn mark_sending(
    _held: &store::Lock,
    path: &Path,
    read: &str,
    when: DateTime<FixedOffset>,
    message_id: &str,
) -> Result<String, HistoryError> {
    let new = frontmatter::mark_sending(read, when, message_id)
        .map_err(|e| HistoryError::doc(path, e))?;
    store::replace(path, read, &new)?;
    sync_folder(path)?;
    Ok(new)
}

/// Makes the update whose send was under way a draft again (`icu sent
/// --undo`, and `icu send` after a mail program that surely did not deliver
/// it). Returns false when it is not a send under way (nothing written).
/// The caller holds the doc's lock (`_held`).
pub fn unmark_sending(_held: &store::Lock, path: &Path) -> Result<bool, HistoryError> {
    let old = store::read(path)?;
    let (fm, _, _) = frontmatter::split(&old).map_err(|e| HistoryError::doc(path, e))?;
    if fm.status != Status::Sending {
        return Ok(false);
    }
    let new = frontmatter::unmark_sending(&old).map_err(|e| HistoryError::doc(path, e))?;
    store::replace(path, &old, &new)?;
    Ok(true)
}

/// Puts the doc `written` (as `mark_sending` wrote it) back to `read`, as it
/// was before the send, when the mail program surely delivered nothing.
/// The caller holds the doc's lock (`_held`).
pub fn undo_sending(
    _held: &store::Lock,
    path: &Path,
    written: &str,
    read: &str,
) -> Result<(), HistoryError> {
    Ok(store::replace(path, written, read)?)
}

/// Syncs the folder holding `path`, so that the rename that put a new
/// version of it in place survives a crash of the machine too.
fn sync_folder(path: &Path) -> Result<(), HistoryError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| HistoryError::Store(StoreError::io("syncing", dir, e)))
}

/// An update whose send is under way ([`under_way`]): its path, and when
/// the send began.
pub type UnderWay = (PathBuf, Option<DateTime<FixedOffset>>);

/// Every update whose send is under way (`status = "sending"`: it may have
/// been delivered), newest first. Unreadable files are passed over.
pub fn under_way(dir: &Path) -> Result<Vec<UnderWay>, StoreError> {
    let mut found = Vec::new();
    for (_, path) in store::list(dir)?.into_iter().rev() {
        let Ok(text) = store::read(&path) else {
            continue;
        };
        if let Ok((fm, _, _)) = frontmatter::split(&text) {
            if fm.status == Status::Sending {
                found.push((path, fm.sending));
            }
        }
    }
    Ok(found)
}

/// Sets `status = "sent"` and `sent = WHEN` in the front matter, changing no
/// other byte of the doc (`icu sent`), and returns WHEN (with where its
/// activity ended, where the next period starts): `when`, else the
/// moment a send under way began (the mail went out then, if it did), else
/// `now`. The caller holds the doc's lock. An update already sent keeps its
/// first mark unless `force`.
pub fn mark_sent(
    held: &store::Lock,
    path: &Path,
    when: Option<DateTime<FixedOffset>>,
    now: DateTime<FixedOffset>,
    force: bool,
) -> Result<Marked, HistoryError> {
    let old = store::read(path)?;
    ensure_unsent(path, &old, force, Again::Mark)?;
    let (fm, _, _) = frontmatter::split(&old).map_err(|e| HistoryError::doc(path, e))?;
    let attempt = fm.sending.filter(|_| fm.status == Status::Sending);
    let when = when.or(attempt).unwrap_or(now);
    mark_as_read_sent(held, path, &old, when, None)?;
    Ok(Marked {
        sent: when,
        period_end: period_end(fm.until, fm.scanned, when),
    })
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
