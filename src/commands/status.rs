//! `icu status`: one screen — when the next update is due, the state of the
//! current draft, and the asks still open; `--json` for scripts.

use chrono::{DateTime, FixedOffset, Local, NaiveDate};
use serde::Serialize;

use super::Ctx;
use crate::cli::StatusArgs;
use crate::error::{Error, ExitCode};
use crate::period;
use crate::template::{plural, SCHEMA_VERSION};
use crate::term;
use crate::updates::history;

/// `icu status --json`. Field names are stable (README, "Scripting").
#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub schema_version: u32,
    pub last_sent: Option<LastSentRow>,
    /// When the next update is due; `null` when none was sent yet (it is
    /// due now).
    pub next_due: Option<NaiveDate>,
    /// Days from today to `next_due`: negative when overdue, 0 when none
    /// was sent yet.
    pub due_in_days: i64,
    pub cadence_days: u32,
    pub draft: Option<DraftRow>,
    /// Updates whose `icu send` began and did not finish: they may have
    /// been delivered (`icu sent` records one, `icu sent --undo` makes it a
    /// draft again).
    pub sending: Vec<SendingRow>,
    pub open_asks: usize,
}

/// An update whose send is under way.
#[derive(Debug, Serialize)]
pub struct SendingRow {
    pub file: String,
    /// When the send began.
    pub since: Option<DateTime<FixedOffset>>,
}

/// The last update sent.
#[derive(Debug, Serialize)]
pub struct LastSentRow {
    pub file: String,
    pub sent: DateTime<FixedOffset>,
}

/// The current draft.
#[derive(Debug, Serialize)]
pub struct DraftRow {
    pub file: String,
    /// Every prompt filled: `icu check` exits 0.
    pub ready: bool,
    /// Prompts and other problems left.
    pub to_write: usize,
    /// Why it cannot be read as an update, when it cannot.
    pub problem: Option<String>,
    /// The notes and source items it lists, as it recorded them.
    pub items: usize,
    /// What it may be missing (`icu check`'s `incomplete`).
    pub incomplete: Vec<String>,
}

pub fn run(ctx: &Ctx, args: StatusArgs) -> Result<ExitCode, Error> {
    let cfg = ctx.load_config()?;
    let today = ctx.today();
    let dir = &cfg.update.dir;
    let tomorrow = today.succ_opt().unwrap_or(today);
    let last = ctx.last_sent(dir, tomorrow);
    let next_due = last
        .as_ref()
        .and_then(|l| period::next_due(l.date, cfg.update.cadence_days));
    let mut open_asks = last.as_ref().map_or(0, |l| l.asks.len());
    let draft = history::current_draft(dir)?.map(|(path, text)| {
        let file = path.display().to_string();
        match crate::doc::check::check(&text) {
            Ok(r) => {
                open_asks = r.open_asks;
                DraftRow {
                    file,
                    ready: r.is_ready(),
                    to_write: r.problems.len(),
                    problem: None,
                    items: crate::doc::frontmatter::listed_items(&text).map_or(0, |i| i.len()),
                    incomplete: r.incomplete,
                }
            }
            Err(e) => DraftRow {
                file,
                ready: false,
                to_write: 0,
                problem: Some(e.to_string()),
                items: 0,
                incomplete: Vec::new(),
            },
        }
    });
    let report = StatusReport {
        schema_version: SCHEMA_VERSION,
        last_sent: last.map(|l| LastSentRow {
            file: l.path.display().to_string(),
            sent: l.sent,
        }),
        next_due,
        due_in_days: next_due.map_or(0, |d| (d - today).num_days()),
        cadence_days: cfg.update.cadence_days,
        draft,
        sending: history::under_way(dir)?
            .into_iter()
            .map(|(path, since)| SendingRow {
                file: path.display().to_string(),
                since,
            })
            .collect(),
        open_asks,
    };
    if args.json {
        term::print_json(&report)?;
    } else {
        term::print_report(&text(&report, today))?;
    }
    Ok(ExitCode::Ok)
}

/// The human screen.
fn text(r: &StatusReport, today: NaiveDate) -> String {
    let mut out = String::new();
    match &r.last_sent {
        Some(l) => out.push_str(&format!(
            "Last sent:  {} ({})\n",
            l.sent.with_timezone(&Local).date_naive(),
            l.file
        )),
        None => out.push_str("Last sent:  none yet\n"),
    }
    match r.next_due {
        Some(d) => out.push_str(&format!("Next due:   {d} ({})\n", relative(d, today))),
        None if r.last_sent.is_some() => out.push_str("Next due:   now\n"),
        None => out.push_str(&format!(
            "Next due:   now (every {}; none sent yet)\n",
            plural(r.cadence_days as usize, "day", "days")
        )),
    }
    match &r.draft {
        Some(d) => {
            let state = match &d.problem {
                Some(p) => format!("damaged: {p}"),
                None if d.ready => "ready to send".to_string(),
                None => format!("{} to write", d.to_write),
            };
            out.push_str(&format!("Draft:      {} ({state})\n", d.file));
            for part in &d.incomplete {
                out.push_str(&format!("            incomplete: {part}\n"));
            }
        }
        None => out.push_str("Draft:      none for this period; run `icu draft`\n"),
    }
    for s in &r.sending {
        out.push_str(&format!(
            "Sending:    {} (a send began{} and did not finish: it may have been delivered; look in your sent folder, then `icu sent` if it was, `icu sent --undo` if not)\n",
            s.file,
            s.since.map(|t| format!(" at {}", t.to_rfc3339())).unwrap_or_default()
        ));
    }
    out.push_str(&format!("Open asks:  {}\n", r.open_asks));
    out
}

/// `today`, `in 3 days`, `2 days overdue`.
fn relative(due: NaiveDate, today: NaiveDate) -> String {
    match (due - today).num_days() {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        n if n > 1 => format!("in {}", plural(n as usize, "day", "days")),
        n => format!(
            "{} overdue",
            plural(n.unsigned_abs() as usize, "day", "days")
        ),
    }
}
