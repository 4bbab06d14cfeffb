//! `icu goals`: what I own at a glance — status, due, commits this period,
//! last activity and a 12-week sparkline, so a quiet goal shows.

use anstyle::{AnsiColor, Style};
use chrono::{DateTime, Duration, Local, NaiveDate};
use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::Ctx;
use crate::cli::GoalsArgs;
use crate::config::{Goal, GoalStatus};
use crate::error::{Error, ExitCode};
use crate::period::Period;
use crate::template::{plural, SCHEMA_VERSION};
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
    /// Work from the sources beside git (notes, `[[source]]` items) the
    /// current draft lists under this goal, as it recorded it (0 with no
    /// draft): icu goals runs no source itself.
    pub items: usize,
    /// Date of the newest such commit in the last 12 weeks.
    pub last_activity: Option<NaiveDate>,
    /// Commits per week, oldest first; the last entry is the week ending
    /// with the period.
    pub weekly: Vec<usize>,
}

/// `icu goals --json`.
#[derive(Debug, Serialize)]
pub struct GoalsReport {
    pub schema_version: u32,
    pub period: Period,
    pub goals: Vec<GoalRow>,
}

pub fn run(ctx: &Ctx, args: GoalsArgs) -> Result<ExitCode, Error> {
    let timeout = ctx.timeout(&super::ICU_SCAN_TIMEOUT)?;
    let cfg = ctx.load_config()?;
    ctx.warn_goals_without_rules(cfg);
    let date = ctx.date_or_today(args.date);
    let last = ctx.last_sent(&cfg.update.dir, date);
    let period = ctx.period(cfg, date, None, last.as_ref())?;
    let sparkline_start = period.until - Duration::weeks(WEEKS as i64);
    let scan_period = Period {
        since: period.since.min(sparkline_start),
        ..period
    };
    // The table needs no line counts: files are enough to attribute. It
    // counts credits in the period only, so none are looked for before it.
    let at = ctx
        .scan_and_attribute(
            cfg,
            &scan_period,
            crate::scan::Detail::Paths,
            Some(period.since.timestamp()),
            timeout,
        )
        .attribution;

    let rows: Vec<GoalRow> = cfg
        .goals
        .iter()
        .zip(&at.goals)
        .filter(|(g, _)| args.all || g.status.is_active())
        .map(|(g, a)| row(g, a, &period, date))
        .collect();
    let mut rows = rows;
    if let Ok(Some((_, text))) = crate::updates::history::current_draft(&cfg.update.dir) {
        if let Ok(parts) = crate::doc::sections::read(&text) {
            for r in &mut rows {
                r.items = parts
                    .goals
                    .iter()
                    .find(|s| s.id == r.id)
                    .map_or(0, |s| s.totals.items);
            }
        }
    }

    // Ownership hints on stderr, with --json too: they never fail the command.
    let recent = crate::updates::hints::recent(&cfg.update.dir, date, 2);
    for h in crate::updates::hints::ownership(&cfg.goals, &recent) {
        ctx.term.hint(&h);
    }
    if args.json {
        let report = GoalsReport {
            schema_version: SCHEMA_VERSION,
            period,
            goals: rows,
        };
        term::print_json(&report)?;
        return Ok(ExitCode::Ok);
    }
    if cfg.goals.is_empty() {
        return Ok(ExitCode::Ok);
    }
    let hidden = cfg.goals.len() - rows.len();
    term::print_stdout(&table(&rows, ctx.term.stdout_color()))?;
    if hidden > 0 {
        ctx.term.hint(&format!(
            "{} hidden; `--all` shows them",
            plural(hidden, "done or paused goal", "done or paused goals")
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
        items: 0,
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

/// How many terminal cells `s` takes: 2 for a CJK character or an emoji,
/// 0 for a combining mark, 1 for the rest.
fn cells(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(cells(s))))
}

/// `s` cut to at most `width` cells, ending in `…` when cut; never half a
/// wide character.
fn truncate(s: &str, width: usize) -> String {
    if cells(s) <= width {
        return s.to_string();
    }
    let mut t = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        used += w;
        t.push(c);
    }
    t.push('…');
    t
}

/// The human table (plain columns; colour only on the status; every
/// control in the cells in its visible form, [`term::visible`]).
pub fn table(rows: &[GoalRow], color: bool) -> String {
    let head = [
        "GOAL", "TITLE", "STATUS", "DUE", "COMMITS", "LAST", "12 WEEKS",
    ];
    let rows_cells: Vec<[String; 7]> = rows
        .iter()
        .map(|r| {
            // Visible before measured and coloured: a title from the
            // config may hold escape sequences (see `term`'s module doc).
            [
                term::visible(&r.id).into_owned(),
                truncate(&term::visible(&r.title), 40),
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
    let mut width = head.map(cells);
    for c in &rows_cells {
        for (w, s) in width.iter_mut().zip(c) {
            *w = (*w).max(cells(s));
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
    for (r, c) in rows.iter().zip(&rows_cells) {
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

    #[test]
    fn wide_titles_are_measured_and_cut_in_terminal_cells() {
        assert_eq!(cells("新人研修 🚀 onboarding"), 8 + 1 + 2 + 1 + 10);
        assert_eq!(pad("研修", 6), "研修  ");
        // Cut to 5 cells: two wide characters (4) and the ellipsis (1).
        assert_eq!(truncate("新人研修", 5), "新人…");
        // Never half a wide character: 6 cells hold two and the ellipsis.
        assert_eq!(truncate("新人研修", 6), "新人…");
        assert_eq!(truncate("short", 40), "short");
    }
}
