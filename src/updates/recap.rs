//! `icu recap`: the record, gathered from the **sent** updates of a span.
//!
//! Per goal (its id joins renames): the person's own prose from each update,
//! verbatim and dated; the status at each update and when it changed; the
//! totals icu listed. The asks with when each was first asked and resolved.
//! The cadence gaps. icu adds headings, dates and counts only — every
//! sentence is one the person wrote — and it reads the updates dir only,
//! never a repository.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::doc::frontmatter::Status;
use crate::doc::sections::{self, Totals};
use crate::template::{escape_markdown, plural, thousands};
use crate::updates::store::{self, StoreError};

/// What to gather.
#[derive(Debug, Clone)]
pub struct Span {
    /// First update date included.
    pub since: Option<NaiveDate>,
    /// Last update date included.
    pub until: Option<NaiveDate>,
    /// Only this goal id.
    pub goal: Option<String>,
    /// `update.cadence_days`: a longer gap between sent updates is listed.
    pub cadence_days: u32,
    /// Where the span ends when `until` is not given, for the last gap and
    /// the days an ask is still open.
    pub today: NaiveDate,
}

/// The recap. Field names are part of `icu recap --json`.
#[derive(Debug, Clone, Serialize)]
pub struct Recap {
    pub schema_version: u32,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// The sent updates read, oldest first.
    pub updates: Vec<UpdateRef>,
    pub goals: Vec<GoalRecap>,
    /// The written sections that are not goals (the summary), per update.
    pub notes: Vec<NoteEntry>,
    /// The "Other work" totals per update, and overall.
    pub other: Vec<OtherEntry>,
    pub other_totals: Totals,
    pub asks: Vec<AskRecap>,
    /// Gaps between sent updates longer than the cadence.
    pub missed: Vec<Gap>,
    pub cadence_days: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpdateRef {
    pub date: NaiveDate,
    pub file: String,
    pub sent: Option<chrono::DateTime<chrono::FixedOffset>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GoalRecap {
    pub id: String,
    /// The title in the newest update.
    pub title: String,
    /// Every title it had, with the first and last update that used it.
    pub titles: Vec<Titled>,
    pub entries: Vec<GoalEntry>,
    /// The first status and every change, dated.
    pub status_changes: Vec<StatusChange>,
    pub totals: Totals,
}

#[derive(Debug, Clone, Serialize)]
pub struct Titled {
    pub title: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

#[derive(Debug, Clone, Serialize)]
pub struct GoalEntry {
    pub date: NaiveDate,
    pub title: String,
    /// The status line icu wrote (`At risk · due 31 Mar 2027`).
    pub status: Option<String>,
    /// The person's words, verbatim; `None` when they wrote none.
    pub prose: Option<String>,
    pub totals: Totals,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusChange {
    pub date: NaiveDate,
    pub from: Option<String>,
    pub to: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteEntry {
    pub date: NaiveDate,
    pub heading: String,
    pub prose: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OtherEntry {
    pub date: NaiveDate,
    pub totals: Totals,
}

#[derive(Debug, Clone, Serialize)]
pub struct AskRecap {
    /// The person's Markdown, as first written: the item's first paragraph.
    pub text: String,
    /// What the item holds after it (a nested list, another paragraph), as
    /// the last update that listed it wrote it, without the item's
    /// indentation (see `doc::asks::Ask::details`); empty when nothing.
    pub details: String,
    pub asked: NaiveDate,
    /// The first update where it was checked or struck (`done`) or no longer
    /// listed (`dropped`).
    pub resolved: Option<NaiveDate>,
    pub how: Option<&'static str>,
    /// Days from asked to resolved, or to the end of the span while open.
    pub days_open: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    /// The last update sent before the gap (or the span's start).
    pub from: NaiveDate,
    /// The next update sent (or the span's end while none is).
    pub to: NaiveDate,
    pub days: i64,
    /// False when the gap runs to the end of the span.
    pub closed: bool,
}

/// Gathers the recap; each update that cannot be read is skipped with a
/// warning in the second value.
pub fn gather(dir: &Path, span: &Span) -> Result<(Recap, Vec<String>), StoreError> {
    let mut warnings = Vec::new();
    let mut read = Vec::new();
    for (date, path) in store::list(dir)? {
        if span.since.is_some_and(|s| date < s) || span.until.is_some_and(|u| date > u) {
            continue;
        }
        let text = match store::read(&path) {
            Ok(t) => t,
            Err(e) => {
                warnings.push(format!("skipped: {e}"));
                continue;
            }
        };
        match sections::read(&text) {
            Ok(p) if p.front.status == Status::Sent => read.push((path, p)),
            Ok(_) => {}
            Err(e) => warnings.push(format!("skipped {}: {e}", path.display())),
        }
    }

    let end = span.until.unwrap_or(span.today);
    let mut recap = Recap {
        schema_version: crate::template::SCHEMA_VERSION,
        since: span.since,
        until: span.until,
        updates: Vec::new(),
        goals: Vec::new(),
        notes: Vec::new(),
        other: Vec::new(),
        other_totals: Totals::default(),
        asks: Vec::new(),
        missed: Vec::new(),
        cadence_days: span.cadence_days,
    };
    let mut goal_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut asks = AskBook::default();
    for (path, p) in &read {
        let date = p.front.date;
        recap.updates.push(UpdateRef {
            date,
            file: path.display().to_string(),
            sent: p.front.sent,
        });
        for g in &p.goals {
            if span.goal.as_ref().is_some_and(|id| *id != g.id) {
                continue;
            }
            let i = *goal_index.entry(g.id.clone()).or_insert_with(|| {
                recap.goals.push(GoalRecap {
                    id: g.id.clone(),
                    title: g.title.clone(),
                    titles: Vec::new(),
                    entries: Vec::new(),
                    status_changes: Vec::new(),
                    totals: Totals::default(),
                });
                recap.goals.len() - 1
            });
            recap.goals[i].push(GoalEntry {
                date,
                title: g.title.clone(),
                status: g.status.clone(),
                prose: g.prose.clone(),
                totals: g.totals,
            });
        }
        if span.goal.is_none() {
            for n in &p.notes {
                recap.notes.push(NoteEntry {
                    date,
                    heading: n.heading.clone(),
                    prose: n.prose.clone(),
                });
            }
            recap.other.push(OtherEntry {
                date,
                totals: p.other,
            });
            recap.other_totals.add(p.other);
            asks.read(date, &p.asks);
        }
    }
    recap.asks = asks.finish(end);
    recap.missed = gaps(
        span.since,
        &recap.updates.iter().map(|u| u.date).collect::<Vec<_>>(),
        end,
        span.cadence_days,
    );
    Ok((recap, warnings))
}

impl GoalRecap {
    fn push(&mut self, e: GoalEntry) {
        self.title.clone_from(&e.title);
        match self.titles.last_mut() {
            Some(t) if t.title == e.title => t.last = e.date,
            _ => self.titles.push(Titled {
                title: e.title.clone(),
                first: e.date,
                last: e.date,
            }),
        }
        let label = e.status.as_deref().map(status_label);
        let before = self
            .entries
            .iter()
            .rev()
            .find_map(|p| p.status.as_deref().map(status_label));
        if let Some(now) = label {
            if before != Some(now) {
                self.status_changes.push(StatusChange {
                    date: e.date,
                    from: before.map(str::to_string),
                    to: now.to_string(),
                });
            }
        }
        self.totals.add(e.totals);
        self.entries.push(e);
    }
}

/// `At risk` of `At risk · due 31 Mar 2027`.
fn status_label(line: &str) -> &str {
    line.split(" · ").next().unwrap_or(line).trim()
}

/// The asks over the updates, in order: an ask is the same ask while its
/// first paragraph is (whitespace and a whole strike-through aside), what
/// is nested under it may change.
#[derive(Default)]
struct AskBook {
    all: Vec<AskRecap>,
    /// Index in `all` of each ask still open, by its key.
    open: BTreeMap<String, usize>,
}

fn ask_key(text: &str) -> String {
    let t = text.trim();
    let t = t
        .strip_prefix("~~")
        .and_then(|t| t.strip_suffix("~~"))
        .unwrap_or(t);
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl AskBook {
    fn read(&mut self, date: NaiveDate, asks: &[crate::doc::asks::Ask]) {
        let mut seen = Vec::new();
        for a in asks {
            let key = ask_key(&a.text);
            seen.push(key.clone());
            if let Some(&i) = self.open.get(&key) {
                self.all[i].details = a.details.clone();
                if a.done {
                    self.all[i].resolved = Some(date);
                    self.all[i].how = Some("done");
                    self.open.remove(&key);
                }
                continue;
            }
            self.all.push(AskRecap {
                text: a.text.trim().to_string(),
                details: a.details.clone(),
                asked: a.asked,
                resolved: a.done.then_some(date),
                how: a.done.then_some("done"),
                days_open: 0,
            });
            if !a.done {
                self.open.insert(key, self.all.len() - 1);
            }
        }
        let gone: Vec<String> = self
            .open
            .keys()
            .filter(|k| !seen.contains(k))
            .cloned()
            .collect();
        for k in gone {
            let i = self.open.remove(&k).expect("listed above");
            self.all[i].resolved = Some(date);
            self.all[i].how = Some("dropped");
        }
    }

    fn finish(mut self, end: NaiveDate) -> Vec<AskRecap> {
        for a in &mut self.all {
            a.days_open = (a.resolved.unwrap_or(end) - a.asked).num_days().max(0);
        }
        self.all
    }
}

/// Gaps longer than `cadence` between `since`, the update dates and `end`.
fn gaps(since: Option<NaiveDate>, dates: &[NaiveDate], end: NaiveDate, cadence: u32) -> Vec<Gap> {
    let mut points: Vec<NaiveDate> = since.into_iter().collect();
    points.extend_from_slice(dates);
    let mut out = Vec::new();
    for w in points.windows(2) {
        let days = (w[1] - w[0]).num_days();
        if days > i64::from(cadence) {
            out.push(Gap {
                from: w[0],
                to: w[1],
                days,
                closed: true,
            });
        }
    }
    if let Some(&last) = points.last() {
        let days = (end - last).num_days();
        if days > i64::from(cadence) {
            out.push(Gap {
                from: last,
                to: end,
                days,
                closed: false,
            });
        }
    }
    out
}

/// `1 day`, `12 days`.
fn days(n: i64) -> String {
    plural(usize::try_from(n).unwrap_or(0), "day", "days")
}

/// The totals as the draft writes them: `3 commits, +4,815 −120`.
fn totals_text(t: Totals) -> String {
    let mut s = format!(
        "{}, +{} −{}",
        plural(t.commits, "commit", "commits"),
        thousands(t.added),
        thousands(t.removed)
    );
    if t.credits > 0 {
        s.push_str(&format!(
            ", {} by others credit you",
            plural(t.credits, "change", "changes")
        ));
    }
    s
}

/// Each line of the person's words as a Markdown quote.
fn quote(prose: &str) -> String {
    prose
        .lines()
        .map(|l| {
            if l.trim().is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The recap as Markdown: headings, dates and counts from icu, every
/// sentence quoted from a dated update.
pub fn markdown(r: &Recap) -> String {
    let mut out = Vec::new();
    let span = match (r.since, r.until) {
        (Some(s), Some(u)) => format!("{s} – {u}"),
        (Some(s), None) => format!("since {s}"),
        (None, Some(u)) => format!("until {u}"),
        (None, None) => "all updates".into(),
    };
    out.push(format!("# Recap: {span}"));
    out.push(String::new());
    match (r.updates.first(), r.updates.last()) {
        (Some(f), Some(l)) => out.push(format!(
            "{} sent {}: {} – {}",
            r.updates.len(),
            if r.updates.len() == 1 {
                "update"
            } else {
                "updates"
            },
            f.date,
            l.date
        )),
        _ => out.push("0 sent updates".into()),
    }

    if !r.notes.is_empty() {
        out.push(String::new());
        out.push("## Summaries".into());
        for n in &r.notes {
            out.push(String::new());
            out.push(format!("### {} · {}", n.date, escape_markdown(&n.heading)));
            out.push(String::new());
            out.push(quote(&n.prose));
        }
    }

    for g in &r.goals {
        goal_markdown(g, &mut out);
    }

    if !r.other.is_empty() {
        out.push(String::new());
        out.push("## Other work".into());
        out.push(String::new());
        for o in &r.other {
            out.push(format!("- {}: {}", o.date, totals_text(o.totals)));
        }
        out.push(format!("- overall: {}", totals_text(r.other_totals)));
    }

    asks_markdown(&r.asks, &mut out);

    if !r.missed.is_empty() {
        out.push(String::new());
        out.push(format!(
            "## Updates missed (cadence {})",
            plural(r.cadence_days as usize, "day", "days")
        ));
        out.push(String::new());
        for g in &r.missed {
            let to = if g.closed {
                g.to.to_string()
            } else {
                format!("{} (none sent since)", g.to)
            };
            out.push(format!("- {} – {to}: {}", g.from, days(g.days)));
        }
    }
    out.push(String::new());
    out.join("\n")
}

fn goal_markdown(g: &GoalRecap, out: &mut Vec<String>) {
    out.push(String::new());
    out.push(format!("## {}", escape_markdown(&g.title)));
    out.push(String::new());
    out.push(format!("- id: `{}`", g.id));
    if g.titles.len() > 1 {
        for t in &g.titles[..g.titles.len() - 1] {
            out.push(format!(
                "- titled {} from {} to {}",
                escape_markdown(&t.title),
                t.first,
                t.last
            ));
        }
    }
    if !g.status_changes.is_empty() {
        let steps: Vec<String> = g
            .status_changes
            .iter()
            .map(|c| format!("{} ({})", escape_markdown(&c.to), c.date))
            .collect();
        out.push(format!("- status: {}", steps.join(" → ")));
    }
    out.push(format!(
        "- activity: {} over {}",
        totals_text(g.totals),
        plural(g.entries.len(), "update", "updates")
    ));
    for e in &g.entries {
        out.push(String::new());
        let mut head = format!("### {}", e.date);
        if let Some(s) = &e.status {
            head.push_str(&format!(" · {}", escape_markdown(s)));
        }
        head.push_str(&format!(" · {}", totals_text(e.totals)));
        out.push(head);
        if let Some(p) = &e.prose {
            out.push(String::new());
            out.push(quote(p));
        }
    }
}

fn asks_markdown(asks: &[AskRecap], out: &mut Vec<String>) {
    if asks.is_empty() {
        return;
    }
    out.push(String::new());
    out.push("## Asks".into());
    let open: Vec<&AskRecap> = asks.iter().filter(|a| a.resolved.is_none()).collect();
    let done: Vec<&AskRecap> = asks.iter().filter(|a| a.resolved.is_some()).collect();
    if !open.is_empty() {
        out.push(String::new());
        out.push("### Still open".into());
        out.push(String::new());
        for a in open {
            out.push(format!(
                "- {} — asked {}, open {}",
                a.text,
                a.asked,
                days(a.days_open)
            ));
            nested(&a.details, out);
        }
    }
    if !done.is_empty() {
        out.push(String::new());
        out.push("### Resolved".into());
        out.push(String::new());
        for a in done {
            out.push(format!(
                "- {} — asked {}, {} {} after {}",
                a.text,
                a.asked,
                a.how.unwrap_or("done"),
                a.resolved.map(|d| d.to_string()).unwrap_or_default(),
                days(a.days_open)
            ));
            nested(&a.details, out);
        }
    }
}

/// An ask's `details` under its list item (`- `): each line indented by
/// two, blank lines left blank.
fn nested(details: &str, out: &mut Vec<String>) {
    if details.is_empty() {
        return;
    }
    out.extend(details.split('\n').map(|l| {
        if l.trim().is_empty() {
            String::new()
        } else {
            format!("  {l}")
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn totals_are_written_as_the_draft_writes_them() {
        let t = |commits, added, credits| Totals {
            commits,
            added,
            removed: 1204,
            credits,
            items: 0,
        };
        assert_eq!(
            totals_text(t(1, 4815, 1)),
            "1 commit, +4,815 −1,204, 1 change by others credit you"
        );
        assert_eq!(totals_text(t(1002, 7, 0)), "1,002 commits, +7 −1,204");
        assert_eq!(days(1), "1 day");
    }

    #[test]
    fn gaps_longer_than_the_cadence_are_listed_with_the_open_end() {
        let g = gaps(
            Some(d("2026-01-01")),
            &[d("2026-01-05"), d("2026-01-19"), d("2026-02-23")],
            d("2026-03-30"),
            14,
        );
        let got: Vec<_> = g.iter().map(|g| (g.from, g.to, g.days, g.closed)).collect();
        assert_eq!(
            got,
            vec![
                (d("2026-01-19"), d("2026-02-23"), 35, true),
                (d("2026-02-23"), d("2026-03-30"), 35, false)
            ]
        );
    }

    #[test]
    fn an_ask_is_resolved_when_checked_or_when_it_disappears() {
        use crate::doc::asks::Ask;
        let ask = |t: &str, asked: &str, done| Ask {
            text: t.into(),
            details: String::new(),
            asked: d(asked),
            done,
        };
        let mut b = AskBook::default();
        b.read(
            d("2026-01-05"),
            &[
                ask("a reviewer", "2026-01-05", false),
                ask("budget", "2026-01-05", false),
            ],
        );
        b.read(
            d("2026-01-19"),
            &[
                ask("~~a  reviewer~~", "2026-01-05", true),
                ask("budget", "2026-01-05", false),
            ],
        );
        b.read(d("2026-02-02"), &[ask("a desk", "2026-02-02", false)]);
        let all = b.finish(d("2026-02-10"));
        let got: Vec<_> = all
            .iter()
            .map(|a| (a.text.as_str(), a.resolved, a.how, a.days_open))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a reviewer", Some(d("2026-01-19")), Some("done"), 14),
                ("budget", Some(d("2026-02-02")), Some("dropped"), 28),
                ("a desk", None, None, 8),
            ]
        );
    }

    #[test]
    fn quoted_prose_keeps_every_line() {
        assert_eq!(
            quote("One.\n\n- two\n  more"),
            "> One.\n>\n> - two\n>   more"
        );
    }
}
