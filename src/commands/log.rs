//! `icu log`: every update in the updates dir, newest first.

use serde::Serialize;

use super::Ctx;
use crate::cli::LogArgs;
use crate::error::{Error, ExitCode};
use crate::period;
use crate::template::SCHEMA_VERSION;
use crate::term;
use crate::updates::history::{self, LogEntry};

/// `icu log --json`.
#[derive(Debug, Serialize)]
pub struct LogReport<'a> {
    pub schema_version: u32,
    /// The updates dir listed.
    pub dir: String,
    /// Newest first.
    pub updates: &'a [LogEntry],
}

pub fn run(ctx: &Ctx, args: LogArgs) -> Result<ExitCode, Error> {
    let dir = ctx.updates_dir()?;
    let entries = history::log_entries(&dir)?;
    if args.json {
        term::print_json(&LogReport {
            schema_version: SCHEMA_VERSION,
            dir: dir.display().to_string(),
            updates: &entries,
        })?;
        return Ok(ExitCode::Ok);
    }
    if entries.is_empty() {
        ctx.term.hint(&format!(
            "no updates in {} yet: run `icu draft`",
            dir.display()
        ));
        return Ok(ExitCode::Ok);
    }
    let mut out = String::from("DATE        PERIOD                    STATUS   ASKS  PROSE\n");
    for e in &entries {
        let period = match (e.since, e.until) {
            (Some(s), Some(u)) => format!(
                "{} – {}",
                s.date_naive(),
                period::last_day(u.date_naive(), u)
            ),
            _ => "-".into(),
        };
        let prose = if e.status == "damaged" {
            e.problem.clone().unwrap_or_default()
        } else if e.status == "sending" {
            format!(
                "possibly delivered: a send began{} and did not finish",
                e.sending
                    .map(|t| format!(" at {}", t.to_rfc3339()))
                    .unwrap_or_default()
            )
        } else if e.complete {
            "complete".into()
        } else {
            "unfinished".into()
        };
        out.push_str(&format!(
            "{}  {:<24}  {:<7}  {:>4}  {}\n",
            e.date, period, e.status, e.open_asks, prose
        ));
    }
    term::print_report(&out)?;
    Ok(ExitCode::Ok)
}
