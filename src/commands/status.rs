//! `icu status`: one screen — when the next update is due, the state of the
//! current draft, and the asks still open.

use chrono::{Local, NaiveDate};

use super::Ctx;
use crate::error::{Error, ExitCode};
use crate::history;
use crate::period;
use crate::term;

pub fn run(ctx: &Ctx) -> Result<ExitCode, Error> {
    let cfg = ctx.load_config()?;
    let today = ctx.today();
    let dir = &cfg.update.dir;
    let tomorrow = today.succ_opt().unwrap_or(today);
    let last = ctx.last_sent(dir, tomorrow);
    let mut out = String::new();

    let due = match &last {
        Some(l) => {
            let sent_day = l.sent.with_timezone(&Local).date_naive();
            out.push_str(&format!(
                "Last sent:  {} ({})\n",
                sent_day,
                l.path.display()
            ));
            period::next_due(sent_day, cfg.update.cadence_days)
        }
        None => {
            out.push_str("Last sent:  none yet\n");
            None
        }
    };
    match due {
        Some(d) => out.push_str(&format!("Next due:   {d} ({})\n", relative(d, today))),
        None => out.push_str(&format!(
            "Next due:   now (every {} days; none sent yet)\n",
            cfg.update.cadence_days
        )),
    }

    let mut open_asks = last.as_ref().map_or(0, |l| l.asks.len());
    match history::current_draft(dir)? {
        Some((path, text)) => match crate::doc::check::check(&text) {
            Ok(r) => {
                open_asks = r.open_asks;
                let state = if r.is_ready() {
                    "ready to send".to_string()
                } else {
                    format!("{} to write", r.problems.len())
                };
                out.push_str(&format!("Draft:      {} ({state})\n", path.display()));
            }
            Err(e) => out.push_str(&format!("Draft:      {} (damaged: {e})\n", path.display())),
        },
        None => out.push_str("Draft:      none for this period; run `icu draft`\n"),
    }
    out.push_str(&format!("Open asks:  {open_asks}\n"));
    term::print_stdout(&out)?;
    Ok(ExitCode::Ok)
}

/// `today`, `in 3 days`, `2 days overdue`.
fn relative(due: NaiveDate, today: NaiveDate) -> String {
    match (due - today).num_days() {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        n if n > 1 => format!("in {n} days"),
        -1 => "1 day overdue".to_string(),
        n => format!("{} days overdue", -n),
    }
}
