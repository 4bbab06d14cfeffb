//! `icu log`: every update in the updates dir, newest first.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use super::Ctx;
use crate::cli::LogArgs;
use crate::doc::frontmatter::{self, Status};
use crate::error::{Error, ExitCode};
use crate::store;

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

pub fn run(ctx: &Ctx, args: LogArgs) -> Result<ExitCode, Error> {
    let dir = ctx.updates_dir()?;
    let entries: Vec<LogEntry> = store::list(&dir)?
        .into_iter()
        .rev()
        .map(|(date, path)| entry(date, &path))
        .collect();
    if args.json {
        let json = serde_json::to_string_pretty(&entries)
            .map_err(|e| Error::Usage(format!("cannot write JSON: {e}")))?;
        super::print_stdout(&format!("{json}\n"))?;
        return Ok(ExitCode::Ok);
    }
    if entries.is_empty() {
        ctx.hint(&format!(
            "no updates in {} yet: run `icu draft`",
            dir.display()
        ));
        return Ok(ExitCode::Ok);
    }
    let mut out = String::from("DATE        PERIOD                    STATUS  ASKS  PROSE\n");
    for e in &entries {
        let period = match (e.since, e.until) {
            (Some(s), Some(u)) => format!(
                "{} – {}",
                s.date_naive(),
                u.date_naive().pred_opt().unwrap_or(u.date_naive())
            ),
            _ => "-".into(),
        };
        let prose = if e.status == "damaged" {
            e.problem.clone().unwrap_or_default()
        } else if e.complete {
            "complete".into()
        } else {
            "unfinished".into()
        };
        out.push_str(&format!(
            "{}  {:<24}  {:<6}  {:>4}  {}\n",
            e.date, period, e.status, e.open_asks, prose
        ));
    }
    super::print_stdout(&out)?;
    Ok(ExitCode::Ok)
}

fn entry(date: NaiveDate, path: &std::path::Path) -> LogEntry {
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
    match crate::doc::check::check(&text) {
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
