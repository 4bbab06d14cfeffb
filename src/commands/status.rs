//! `icu status`: one screen — when the next update is due, the state of the
//! current draft, and the asks still open.

use chrono::{Days, Local};

use super::Ctx;
use crate::doc::frontmatter::{self, Status};
use crate::error::{Error, ExitCode};
use crate::store;

pub fn run(ctx: &Ctx) -> Result<ExitCode, Error> {
    let cfg = ctx.load_config()?;
    let today = ctx.today();
    let dir = &cfg.update.dir;
    let tomorrow = today.succ_opt().unwrap_or(today);
    let last = super::draft::last_sent(ctx, dir, tomorrow);
    let mut out = String::new();

    let due = match &last {
        Some(l) => {
            let sent_day = l.sent.with_timezone(&Local).date_naive();
            out.push_str(&format!(
                "Last sent:  {} ({})\n",
                sent_day,
                l.path.display()
            ));
            sent_day.checked_add_days(Days::new(u64::from(cfg.update.cadence_days)))
        }
        None => {
            out.push_str("Last sent:  none yet\n");
            None
        }
    };
    match due {
        Some(d) => {
            let days = (d - today).num_days();
            let when = match days {
                0 => "today".to_string(),
                1 => "tomorrow".to_string(),
                n if n > 1 => format!("in {n} days"),
                -1 => "1 day overdue".to_string(),
                n => format!("{} days overdue", -n),
            };
            out.push_str(&format!("Next due:   {d} ({when})\n"));
        }
        None => out.push_str(&format!(
            "Next due:   now (every {} days; none sent yet)\n",
            cfg.update.cadence_days
        )),
    }

    // The current draft: the newest update not yet sent.
    let mut draft = None;
    for (_, path) in store::list(dir)?.into_iter().rev() {
        let Ok(text) = store::read(&path) else {
            continue;
        };
        match frontmatter::split(&text) {
            Ok((fm, _, _)) if fm.status == Status::Draft => {
                draft = Some((path, text));
                break;
            }
            Ok(_) => break,
            Err(_) => continue,
        }
    }
    let mut open_asks = last.as_ref().map_or(0, |l| l.asks.len());
    match &draft {
        Some((path, text)) => match crate::doc::check::check(text) {
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
    super::print_stdout(&out)?;
    Ok(ExitCode::Ok)
}
