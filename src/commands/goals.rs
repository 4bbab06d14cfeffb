//! `icu goals`: what I own at a glance — status, due, commits this period,
//! last activity and a 12-week sparkline, so a quiet goal shows.

use anstyle::{AnsiColor, Style};
use chrono::{DateTime, Duration, Local, NaiveDate};
use serde::Serialize;

use super::Ctx;
use crate::cli::GoalsArgs;
use crate::config::{Goal, GoalStatus};
use crate::error::{Error, ExitCode};
use crate::period::Period;
use crate::term;

/// Weeks in the sparkline.
pub const WEEKS: usize = 12;
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One row of `icu goals --json`. Field names are stable (README documents
/// them).
#[derive(Debug, Serialize)]
pub struct GoalRow {
    pub id: String,
    pub title: String,
    pub status: GoalStatus,
    pub due: Option<NaiveDate>,
    pub overdue: bool,
    /// Commits of mine this goal claims in the current period.
    pub commits: usize,
    /// Changes of others this goal claims in the current period that credit
    /// me (reviewed, applied, merged, …); not in `commits`.
    pub credits: usize,
    /// Date of the newest such commit in the last 12 weeks.
    pub last_activity: Option<NaiveDate>,
    /// Commits per week, oldest first; the last entry is the week ending
    /// with the period.
    pub weekly: Vec<usize>,
}

/// `icu goals --json`.
#[derive(Debug, Serialize)]
pub struct GoalsReport {
    pub period: Period,
    pub goals: Vec<GoalRow>,
}

pub fn run(ctx: &Ctx, args: GoalsArgs) -> Result<ExitCode, Error> {
    let cfg = ctx.load_config()?;
    let date = ctx.date_or_today(args.date);
    let last = ctx.last_sent(&cfg.update.dir, date);
    let period = ctx.period(&cfg, date, None, last.as_ref())?;
    let sparkline_start = period.until - Duration::weeks(WEEKS as i64);
    let scan_period = Period {
        since: period.since.min(sparkline_start),
        ..period
    };
    // The table needs no line counts: files are enough to attribute.
    let (_, at) = ctx.scan_and_attribute(&cfg, &scan_period, crate::scan::Detail::Paths);

    let rows: Vec<GoalRow> = cfg
        .goals
        .iter()
        .zip(&at.goals)
        .filter(|(g, _)| args.all || g.status.is_active())
        .map(|(g, a)| row(g, a, &period, date))
        .collect();

    if args.json {
        let report = GoalsReport {
            period,
            goals: rows,
        };
        term::print_json(&report)?;
        return Ok(ExitCode::Ok);
    }
    if cfg.goals.is_empty() {
        ctx.term
            .hint("no goals in your config: add [[goal]] tables (`icu init` writes an example)");
        return Ok(ExitCode::Ok);
    }
    let hidden = cfg.goals.len() - rows.len();
    term::print_stdout(&table(&rows, ctx.term.stdout_color()))?;
    if hidden > 0 {
        ctx.term.hint(&format!(
            "{hidden} done or paused goal(s) hidden; `--all` shows them"
        ));
    }
    Ok(ExitCode::Ok)
}

fn row(g: &Goal, a: &crate::attribute::Activity, period: &Period, date: NaiveDate) -> GoalRow {
    let until = period.until.timestamp();
    let week = Duration::weeks(1).num_seconds();
    let mut weekly = vec![0usize; WEEKS];
    let mut commits = 0;
    let mut last: Option<i64> = None;
    for c in a.all_commits() {
        if c.time >= period.since.timestamp() {
            commits += 1;
        }
        last = Some(last.map_or(c.time, |l| l.max(c.time)));
        let ago = usize::try_from((until - 1 - c.time) / week).unwrap_or(WEEKS);
        if ago < WEEKS {
            weekly[WEEKS - 1 - ago] += 1;
        }
    }
    let credits = a
        .credits
        .iter()
        .flat_map(|g| &g.credits)
        .filter(|c| c.commit.time >= period.since.timestamp())
        .count();
    GoalRow {
        credits,
        id: g.id.clone(),
        title: g.title.clone(),
        status: g.status,
        due: g.due,
        overdue: g.due.is_some_and(|d| d < date) && g.status != GoalStatus::Done,
        commits,
        last_activity: last.and_then(|t| {
            DateTime::from_timestamp(t, 0).map(|d| d.with_timezone(&Local).date_naive())
        }),
        weekly,
    }
}

/// `▁▃█` — one bar per week, scaled to the busiest week; `·` for none.
pub fn sparkline(weekly: &[usize]) -> String {
    let max = weekly.iter().copied().max().unwrap_or(0);
    weekly
        .iter()
        .map(|&n| {
            if n == 0 {
                '·'
            } else {
                BARS[(n * (BARS.len() - 1)).div_ceil(max)]
            }
        })
        .collect()
}

fn status_style(s: GoalStatus) -> Style {
    match s {
        GoalStatus::OnTrack => Style::new().fg_color(Some(AnsiColor::Green.into())),
        GoalStatus::AtRisk => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        GoalStatus::OffTrack => Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
        GoalStatus::Done | GoalStatus::Paused => Style::new().dimmed(),
    }
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}

/// The human table (plain columns; colour only on the status).
pub fn table(rows: &[GoalRow], color: bool) -> String {
    let head = [
        "GOAL", "TITLE", "STATUS", "DUE", "COMMITS", "LAST", "12 WEEKS",
    ];
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|r| {
            [
                r.id.clone(),
                truncate(&r.title, 40),
                r.status.as_str().to_string(),
                match (r.due, r.overdue) {
                    (Some(d), true) => format!("{d} overdue"),
                    (Some(d), false) => d.to_string(),
                    (None, _) => "-".into(),
                },
                r.commits.to_string(),
                r.last_activity
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "-".into()),
                sparkline(&r.weekly),
            ]
        })
        .collect();
    let mut width = head.map(|h| h.chars().count());
    for c in &cells {
        for (w, s) in width.iter_mut().zip(c) {
            *w = (*w).max(s.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cols: &[String], styles: Option<Style>| {
        let mut l = String::new();
        for (i, s) in cols.iter().enumerate() {
            let cell = if i + 1 == cols.len() {
                s.clone()
            } else {
                pad(s, width[i])
            };
            match styles {
                Some(st) if i == 2 && color => l.push_str(&format!("{st}{cell}{st:#}")),
                _ => l.push_str(&cell),
            }
            if i + 1 < cols.len() {
                l.push_str("  ");
            }
        }
        l.trim_end().to_string()
    };
    out.push_str(&line(&head.map(String::from), None));
    out.push('\n');
    for (r, c) in rows.iter().zip(&cells) {
        out.push_str(&line(c, Some(status_style(r.status))));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_to_the_busiest_week_and_marks_quiet_ones() {
        assert_eq!(sparkline(&[0, 1, 2, 8]), "·▂▃█");
        assert_eq!(sparkline(&[0, 0]), "··");
        assert_eq!(sparkline(&[3]), "█");
    }
}
