//! `icu explain REV`: why a commit went where it did — whether it is mine
//! and why, which update's period holds it, what that update's draft does
//! with it (listed, folded into another, credited, skipped) and for each
//! goal whether it claims it and by which rule, or why not.
//!
//! The answer is the draft's own: the repository is scanned for the period
//! of the update that holds the commit, with the same scan, skip rules and
//! attribution as `icu draft` ([`Ctx::scan_and_attribute`], the same
//! timeout), and [`attribute::placement`] reads the commit's place in it.
//! Nothing here decides anything of its own.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use super::{Ctx, Scanned, ICU_SCAN_TIMEOUT};
use crate::attribute::{self, Activity, Attribution, Placement, Verdict};
use crate::cli::ExplainArgs;
use crate::config::{Config, RepoSpec};
use crate::doc::frontmatter;
use crate::error::{Error, ExitCode, ExplainMiss, UsageError};
use crate::period::Period;
use crate::scan::explain::{self, Looked, MineBy};
use crate::scan::{self, BackportOf, Commit, Detail, Identity};
use crate::sources::{self, journal, journal::Note, Item};
use crate::template::SCHEMA_VERSION;
use crate::term;
use crate::updates::history::{self, Span};

/// `icu explain --json`. Field names are stable.
#[derive(Debug, Serialize)]
struct Explained {
    schema_version: u32,
    repo: String,
    commit: Looked,
    period: PeriodFacts,
    /// The update whose period holds the commit, and whose draft the rest
    /// describes; `None`: no update's period holds it.
    update: Option<UpdateFacts>,
    listed: Listed,
    goals: Vec<GoalVerdict>,
    /// No goal claims it: it is under "Other work" (when listed).
    other: bool,
}

#[derive(Debug, Serialize)]
struct PeriodFacts {
    date: NaiveDate,
    since: DateTime<FixedOffset>,
    /// Where the activity of a draft made now ends: `min(until, now)`.
    until: DateTime<FixedOffset>,
    /// `before`, `in` or `after`.
    relation: &'static str,
}

#[derive(Debug, Serialize)]
struct UpdateFacts {
    date: NaiveDate,
    /// `draft`, `sending` or `sent`; `new` for the update asked about when
    /// no file holds it yet.
    status: &'static str,
    since: DateTime<FixedOffset>,
    /// Where its activity ends (exclusive).
    end: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize)]
struct Listed {
    /// The update's draft lists this commit among mine.
    listed: bool,
    /// It counts in the commit and line totals (all listed commits do but
    /// a backport of work a sent update counted).
    counted: bool,
    /// The commit listed in its place when it is the same work (a squash, a
    /// rebased or cherry-picked copy).
    folded_into: Option<String>,
    /// Why it is not listed.
    why_not: Option<String>,
    /// Not among my commits, but listed among the changes by others that
    /// credit me, with how (`reviewed`, `applied`, `merged`).
    credits_me: Vec<String>,
    /// The commit of mine before the period it is a backport of.
    backport_of: Option<BackportOf>,
    /// Whose commit it is, when it is mine only through a `Co-authored-by`
    /// trailer naming me (it counts, and the draft shows "with" them).
    co_authored_with: Option<String>,
    files: Vec<String>,
    branches: Vec<String>,
    added: usize,
    removed: usize,
}

#[derive(Debug, Serialize)]
struct GoalVerdict {
    id: String,
    title: String,
    #[serde(flatten)]
    verdict: Verdict,
}

pub fn run(ctx: &Ctx, args: ExplainArgs) -> Result<ExitCode, Error> {
    let timeout = ctx.timeout(&ICU_SCAN_TIMEOUT)?;
    let cfg = ctx.load_config()?;
    let me = Identity::of(&cfg.me, cfg.credit.trailers(), None);
    if let Some(wanted) = item_named(cfg, &args.rev)? {
        return explain_item(ctx, cfg, &wanted, &args);
    }
    let (spec, looked) = find(ctx, cfg, &args, &me)?;

    let date = ctx.date_or_today(args.date);
    let (spans, warnings) = history::spans(&cfg.update.dir);
    for w in &warnings {
        ctx.term.warn(w);
    }
    // The update asked about: its file's period when it has one (a draft
    // made with --since keeps it), else the period a draft made now gets.
    let asked = match spans.iter().find(|s| s.date == date) {
        Some(s) => of_span(s),
        None => {
            let last = ctx.last_sent(&cfg.update.dir, date);
            let p = ctx.period(cfg, date, None, last.as_ref())?;
            (
                Period {
                    until: p.until.min(ctx.now),
                    ..p
                },
                "new",
            )
        }
    };
    let window = asked.0.window_at(ctx.now);
    let relation = if looked.time < window.since {
        "before"
    } else if looked.time < window.until {
        "in"
    } else {
        "after"
    };
    let holder = if relation == "in" {
        Some(asked)
    } else {
        history::holder(&spans, looked.time).map(of_span)
    };

    // The draft of the update that holds it, for this repository alone
    // (each repository is scanned and attributed on its own).
    let mut one = cfg.clone();
    one.repos = vec![spec.clone()];
    let scan_period = holder.map_or_else(|| moment(&looked, date), |(p, _)| p);
    let Scanned { repos, skipped, .. } =
        ctx.scan_and_attribute(&one, &scan_period, Detail::Full, None, timeout);
    let (listed, commit) = match repos.first() {
        Some(r) => listing(&looked, attribute::placement(&looked.id, r, &skipped)),
        None => (
            not_listed("its repository could not be scanned (see the warning)"),
            None,
        ),
    };
    let mut listed = listed;
    if holder.is_none() && listed.why_not.is_none() {
        listed.listed = false;
        listed.why_not = Some("no update's period holds it".into());
    }
    let goals: Vec<GoalVerdict> = match &commit {
        Some(c) => cfg
            .goals
            .iter()
            .map(|g| GoalVerdict {
                id: g.id.clone(),
                title: g.title.clone(),
                verdict: attribute::explain(g, &spec.name, c),
            })
            .collect(),
        None => Vec::new(),
    };
    let shown = listed.listed || listed.folded_into.is_some() || !listed.credits_me.is_empty();
    let other = shown && !goals.iter().any(|g| g.verdict.claims);
    let report = Explained {
        schema_version: SCHEMA_VERSION,
        repo: spec.name.clone(),
        commit: looked,
        period: PeriodFacts {
            date,
            since: asked.0.since,
            until: asked.0.until.min(ctx.now),
            relation,
        },
        update: holder.map(|(p, status)| UpdateFacts {
            date: p.date,
            status,
            since: p.since,
            end: p.until,
        }),
        listed,
        goals,
        other,
    };
    if args.json {
        term::print_json(&report)?;
    } else {
        term::print_report(&text(&report))?;
    }
    Ok(ExitCode::Ok)
}

/// The period an update file holds, and its status.
fn of_span(s: &Span) -> (Period, &'static str) {
    (
        Period {
            date: s.date,
            since: s.since,
            until: s.end,
        },
        s.status.as_str(),
    )
}

/// The one second the commit was made in: what a draft whose period holds
/// that moment sees of it, for a commit no update's period holds.
fn moment(looked: &Looked, date: NaiveDate) -> Period {
    let at = DateTime::from_timestamp(looked.time, 0)
        .unwrap_or_default()
        .fixed_offset();
    Period {
        date,
        since: at,
        until: at + chrono::Duration::seconds(1),
    }
}

/// The configured repository holding `args.rev`: `--repo`, else the one
/// icu runs in, else the only one that has it.
fn find(
    ctx: &Ctx,
    cfg: &Config,
    args: &ExplainArgs,
    me: &Identity<'_>,
) -> Result<(RepoSpec, Looked), Error> {
    let miss = |m: ExplainMiss| Error::Usage(UsageError::Explain(m));
    let look = |spec: &RepoSpec| explain::lookup(&spec.path, &args.rev, me);
    if let Some(name) = &args.repo {
        let spec = cfg.repos.iter().find(|r| &r.name == name).ok_or_else(|| {
            miss(ExplainMiss::NoSuchRepo {
                name: name.clone(),
                configured: names(cfg.repos.iter()),
            })
        })?;
        return match look(spec) {
            Ok(Some(l)) => Ok((spec.clone(), l)),
            Ok(None) => Err(miss(ExplainMiss::NotInRepo {
                rev: args.rev.clone(),
                repo: name.clone(),
                path: spec.path.clone(),
            })),
            Err(reason) => Err(miss(ExplainMiss::Unreadable {
                repo: name.clone(),
                path: spec.path.clone(),
                reason,
            })),
        };
    }
    let here = scan::discover(&ctx.cwd).and_then(|p| p.canonicalize().ok());
    let mut found = Vec::new();
    for spec in &cfg.repos {
        match look(spec) {
            Ok(Some(l)) => {
                let is_here = here.is_some() && spec.path.canonicalize().ok() == here;
                if is_here {
                    return Ok((spec.clone(), l));
                }
                found.push((spec.clone(), l));
            }
            Ok(None) => {}
            Err(e) => ctx.term.warn(&format!(
                "repo `{}` ({}) {e}",
                spec.name,
                spec.path.display()
            )),
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(miss(ExplainMiss::Nowhere {
            rev: args.rev.clone(),
            configured: names(cfg.repos.iter()),
        })),
        _ => Err(miss(ExplainMiss::Several {
            rev: args.rev.clone(),
            found: names(found.iter().map(|(s, _)| s)),
        })),
    }
}

fn names<'a>(specs: impl Iterator<Item = &'a RepoSpec>) -> Vec<String> {
    specs.map(|s| s.name.clone()).collect()
}

fn not_listed(why: &str) -> Listed {
    Listed {
        listed: false,
        counted: false,
        folded_into: None,
        why_not: Some(why.into()),
        credits_me: Vec::new(),
        backport_of: None,
        co_authored_with: None,
        files: Vec::new(),
        branches: Vec::new(),
        added: 0,
        removed: 0,
    }
}

/// What the draft does with the commit `looked`, said: from its
/// [`Placement`] in the draft, and the commit the goals are asked about
/// (the listed one it is, or is folded into, or the credited change).
fn listing(looked: &Looked, placed: Placement<'_>) -> (Listed, Option<Commit>) {
    let described = |mut l: Listed, c: &Commit| {
        l.files.clone_from(&c.files);
        l.branches.clone_from(&c.on);
        l
    };
    match placed {
        Placement::Listed(c) => {
            let mut l = described(not_listed(""), c);
            l.why_not = None;
            l.listed = true;
            l.counted = c.counted();
            l.backport_of.clone_from(&c.backport_of);
            l.co_authored_with.clone_from(&c.co_authored_with);
            l.added = c.added;
            l.removed = c.removed;
            (l, Some(c.clone()))
        }
        Placement::Folded { into } => {
            let mut l = described(
                not_listed(&format!(
                    "it is the same work as {} ({}), which is listed in its place",
                    into.short, into.subject
                )),
                into,
            );
            l.folded_into = Some(into.short.clone());
            (l, Some(into.clone()))
        }
        Placement::Credited(cr) => {
            let whose = if looked.mine.is_some() {
                "a merge of yours, not among your commits"
            } else {
                "not among your commits, being someone else's"
            };
            let mut l = described(
                not_listed(&format!(
                    "{whose}; it credits you ({}) and is listed among the changes by others",
                    cr.kinds.join(", ")
                )),
                &cr.commit,
            );
            l.credits_me.clone_from(&cr.kinds);
            (l, Some(cr.commit.clone()))
        }
        Placement::Skipped(s) => (
            not_listed(&format!("a [[skip]] rule leaves it out: {}", s.rule)),
            None,
        ),
        Placement::Absent => {
            let why = if looked.mine.is_none() {
                "it is not yours, and it does not credit you"
            } else if looked.parents > 1 {
                "it is a merge: merges are not listed (a merged pull request counts under the commits it brought in)"
            } else {
                "no branch icu scans reaches it (local branches, remote-tracking branches and HEAD; tags are not scanned)"
            };
            (not_listed(why), None)
        }
    }
}

fn mine_text(m: Option<&MineBy>, looked: &Looked) -> String {
    match m {
        Some(MineBy::Author { email }) => format!("yes: the author, {email}, is one of your emails"),
        Some(MineBy::Mailmap { from, to }) => {
            format!("yes: .mailmap maps the author {from} to {to}, one of your emails")
        }
        Some(MineBy::CoAuthor { email }) => {
            format!("yes: a Co-authored-by trailer names {email}")
        }
        None if looked.mapped_email == looked.author_email => format!(
            "no: the author, {}, is not one of your emails (me.emails), and no Co-authored-by trailer names you",
            looked.author_email
        ),
        None => format!(
            "no: the author {} (after .mailmap: {}) is not one of your emails (me.emails), and no Co-authored-by trailer names you",
            looked.author_email, looked.mapped_email
        ),
    }
}

fn text(r: &Explained) -> String {
    let c = &r.commit;
    let when = DateTime::from_timestamp(c.time, 0)
        .and_then(|t| FixedOffset::east_opt(c.offset_minutes * 60).map(|o| t.with_timezone(&o)))
        .map_or_else(
            || c.time.to_string(),
            |t| t.format("%Y-%m-%d %H:%M %z").to_string(),
        );
    let mut out = format!("commit {} {} ({})\n", c.short, c.subject, r.repo);
    out.push_str(&format!(
        "  author   {} <{}>\n",
        c.author_name, c.author_email
    ));
    out.push_str(&format!("mine:      {}\n", mine_text(c.mine.as_ref(), c)));
    let p = &r.period;
    out.push_str(&format!(
        "period:    {}: committed {when}; the update dated {} covers [{}, {})\n",
        match p.relation {
            "in" => "in it",
            "before" => "before it",
            _ => "after it",
        },
        p.date,
        p.since.format("%Y-%m-%d %H:%M %z"),
        p.until.format("%Y-%m-%d %H:%M %z"),
    ));
    out.push_str(&update_text(r));
    let l = &r.listed;
    out.push_str(&listed_text(l));
    if r.goals.is_empty() && l.folded_into.is_none() && !l.listed {
        return out;
    }
    out.push_str("goals:\n");
    out.push_str(&goals_text(&r.goals));
    let claimed = r.goals.iter().filter(|g| g.verdict.claims).count();
    out.push_str(&match claimed {
        0 => "other:     yes: no goal claims it, so it is under Other work\n".to_string(),
        1 => "other:     no\n".to_string(),
        n => format!("other:     no; {n} goals claim it: it is listed under each, marked, and counted once in the totals\n"),
    });
    out
}

/// The `update:` line: which update's draft the rest describes.
fn update_text(r: &Explained) -> String {
    let range = |since: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>| {
        format!(
            "[{}, {})",
            since.format("%Y-%m-%d %H:%M %z"),
            end.format("%Y-%m-%d %H:%M %z")
        )
    };
    let p = &r.period;
    match &r.update {
        Some(u) if p.relation == "in" => format!(
            "update:    the update dated {} ({}) holds it\n",
            u.date,
            if u.status == "new" { "not drafted yet" } else { u.status }
        ),
        Some(u) => format!(
            "update:    the update dated {} ({}) holds it, covering {}; what follows is its draft\n",
            u.date,
            u.status,
            range(&u.since, &u.end)
        ),
        None => "update:    none: no update's period holds it; what follows is what a draft holding its moment would do\n".to_string(),
    }
}

/// The `listed:` line, and a backport's line.
fn listed_text(l: &Listed) -> String {
    let mut out = String::new();
    if l.listed {
        out.push_str(&format!(
            "listed:    yes: {} {}, +{} −{}; on {}\n",
            l.files.len(),
            if l.files.len() == 1 { "file" } else { "files" },
            l.added,
            l.removed,
            if l.branches.is_empty() {
                "no branch (HEAD only)".to_string()
            } else {
                l.branches.join(", ")
            }
        ));
        if let Some(author) = &l.co_authored_with {
            out.push_str(&format!(
                "co-author: yes: it is {author}'s commit, yours through Co-authored-by; it counts, listed \"with {author}\"\n"
            ));
        }
        if let Some(b) = &l.backport_of {
            let from = match b.update {
                Some(d) => format!(" (in the update dated {d})"),
                None => String::new(),
            };
            out.push_str(&format!(
                "backport:  of {}{from}; {}\n",
                b.short,
                match (b.same_patch, l.counted) {
                    (true, false) => "the same patch, so it is listed and not counted again",
                    (true, true) =>
                        "the same patch; no sent update counted the original, so it counts",
                    (false, _) => "reworked while picking (another patch), so it counts",
                }
            ));
        }
    } else {
        out.push_str(&format!(
            "listed:    no: {}\n",
            l.why_not.as_deref().unwrap_or("")
        ));
    }
    out
}

/// An item of a source beside git that `icu explain` was asked about.
enum Wanted {
    /// A note of the journal (`n3`).
    Note(Note),
    /// An item of a `[[source]]` (`github:pr-7`): the source's name, and the
    /// item's id.
    Source { name: String, id: String },
}

impl Wanted {
    /// How updates record it (`sources::key`).
    fn key(&self) -> String {
        match self {
            Wanted::Note(n) => format!("{}:{}", sources::NOTES, n.id),
            Wanted::Source { name, id } => format!("{name}:{id}"),
        }
    }

    fn is(&self, i: &Item) -> bool {
        sources::key(i) == self.key()
    }
}

/// The item `rev` names, if it names one: a note's id (`n3`: never a
/// commit id, which is hex; a branch of that name is taken only when no note
/// has it), or `NAME:ID` where NAME is a configured `[[source]]`.
fn item_named(cfg: &Config, rev: &str) -> Result<Option<Wanted>, Error> {
    if let Some((name, id)) = rev.split_once(':') {
        if cfg.sources.iter().any(|s| s.name == name) && !id.is_empty() {
            return Ok(Some(Wanted::Source {
                name: name.to_string(),
                id: id.to_string(),
            }));
        }
    }
    let is_note =
        rev.len() > 1 && rev.starts_with('n') && rev[1..].bytes().all(|b| b.is_ascii_digit());
    if !is_note {
        return Ok(None);
    }
    let (_, notes) = journal::read(&journal::path(&cfg.update.dir))?;
    Ok(notes.into_iter().find(|n| n.id == rev).map(Wanted::Note))
}

/// `icu explain n3 --json`, `icu explain github:pr-7 --json`. Field names
/// are stable.
#[derive(Debug, Serialize)]
struct ExplainedItem {
    schema_version: u32,
    /// The item as its source gave it for the period of its update; `None`
    /// when the source did not give it then.
    item: Option<Item>,
    /// For a note, where it is in the journal.
    note: Option<NoteFacts>,
    /// The update whose period holds it (or, for a source's item, that
    /// lists it); `None`: none does.
    update: Option<UpdateFacts>,
    /// That update's draft lists it.
    listed: bool,
    why_not: Option<String>,
    goals: Vec<GoalVerdict>,
    /// No goal claims it: it is under "Other work" (when listed).
    other: bool,
}

#[derive(Debug, Serialize)]
struct NoteFacts {
    id: String,
    time: DateTime<FixedOffset>,
    goal: Option<String>,
    text: String,
    /// Its line in the journal.
    line: usize,
}

/// The update that holds `wanted`: for a note, the one whose period holds
/// its time; for a source's item, the one that records it (an item's time
/// is its source's to say, and may change) — else, for either, the update
/// asked about, dated `date`, when its period holds it or nothing else does.
fn item_holder(
    ctx: &Ctx,
    cfg: &Config,
    spans: &[Span],
    wanted: &Wanted,
    date: NaiveDate,
) -> Result<Option<(Period, &'static str)>, Error> {
    let asked = || -> Result<(Period, &'static str), Error> {
        Ok(match spans.iter().find(|s| s.date == date) {
            Some(s) => of_span(s),
            None => {
                let last = ctx.last_sent(&cfg.update.dir, date);
                (ctx.period(cfg, date, None, last.as_ref())?, "new")
            }
        })
    };
    Ok(match wanted {
        Wanted::Note(n) => match history::holder(spans, n.time.timestamp()) {
            Some(s) => Some(of_span(s)),
            None => {
                let (p, status) = asked()?;
                let w = p.window_at(ctx.now);
                (w.since..w.until)
                    .contains(&n.time.timestamp())
                    .then_some((p, status))
            }
        },
        Wanted::Source { .. } => {
            let key = wanted.key();
            let recorded = spans.iter().find(|s| {
                crate::updates::store::read(&s.path)
                    .ok()
                    .and_then(|t| frontmatter::listed_items(&t).ok())
                    .is_some_and(|items| items.contains(&key))
            });
            Some(match recorded {
                Some(s) => of_span(s),
                None => asked()?,
            })
        }
    })
}

/// `icu explain` of a note or a source's item: the update that holds it,
/// and what that update's draft does with it — from the draft's own
/// gathering ([`sources::gather`], the source run for that period) and
/// attribution ([`attribute::attribute_items`]).
fn explain_item(
    ctx: &Ctx,
    cfg: &Config,
    wanted: &Wanted,
    args: &ExplainArgs,
) -> Result<ExitCode, Error> {
    let (spans, warnings) = history::spans(&cfg.update.dir);
    for w in &warnings {
        ctx.term.warn(w);
    }
    let date = ctx.date_or_today(args.date);
    let holder = item_holder(ctx, cfg, &spans, wanted, date)?;
    let mut at = Attribution {
        goals: vec![Activity::default(); cfg.goals.len()],
        other: Activity::default(),
    };
    let mut item = match wanted {
        Wanted::Note(n) => Some(n.item()),
        Wanted::Source { .. } => None,
    };
    let (listed, why_not) = match holder {
        None => (false, Some("no update's period holds it".to_string())),
        Some((p, _)) => {
            let which = match wanted {
                Wanted::Note(_) => sources::Which::Notes,
                Wanted::Source { name, .. } => sources::Which::Only(name),
            };
            let gathered = sources::gather(
                cfg,
                p.window_at(ctx.now),
                which,
                &history::listed_items(&cfg.update.dir, p.date).0,
            );
            for w in &gathered.warnings {
                ctx.term.warn(w);
            }
            attribute::attribute_items(&cfg.goals, &cfg.skip, &gathered.items, &mut at);
            let found = at
                .goals
                .iter()
                .chain(std::iter::once(&at.other))
                .any(|a| a.items.iter().any(|i| wanted.is(i)));
            let given = gathered.items.iter().find(|i| wanted.is(i));
            if item.is_none() {
                item = given.cloned();
            }
            match (found, given) {
                (true, _) => (true, None),
                (false, Some(_)) => (
                    false,
                    Some("a [[skip]] rule's message matches its title".to_string()),
                ),
                (false, None) => (
                    false,
                    Some(match wanted {
                        Wanted::Note(_) => "its update's draft does not have it".to_string(),
                        Wanted::Source { .. } => "its source did not give it for this update's period (or a sent update lists it already)".to_string(),
                    }),
                ),
            }
        }
    };
    let goals: Vec<GoalVerdict> = item.as_ref().map_or_else(Vec::new, |i| {
        cfg.goals
            .iter()
            .map(|g| GoalVerdict {
                id: g.id.clone(),
                title: g.title.clone(),
                verdict: attribute::explain_item(g, i),
            })
            .collect()
    });
    let other = listed && !goals.iter().any(|g| g.verdict.claims);
    let report = ExplainedItem {
        schema_version: SCHEMA_VERSION,
        note: match wanted {
            Wanted::Note(n) => Some(NoteFacts {
                id: n.id.clone(),
                time: n.time,
                goal: n.goal.clone(),
                text: n.text.clone(),
                line: n.line,
            }),
            Wanted::Source { .. } => None,
        },
        item,
        update: holder.map(|(p, status)| UpdateFacts {
            date: p.date,
            status,
            since: p.since,
            end: p.until,
        }),
        listed,
        why_not,
        goals,
        other,
    };
    if args.json {
        term::print_json(&report)?;
    } else {
        term::print_report(&item_text(&report, wanted))?;
    }
    Ok(ExitCode::Ok)
}

/// `icu explain` of a note or a source's item, said.
fn item_text(report: &ExplainedItem, wanted: &Wanted) -> String {
    let mut out = match (wanted, &report.item) {
        (Wanted::Note(n), _) => format!(
            "note [{}] {} ({}, line {})\n  taken    {}\n",
            n.id,
            sources::one_line(&n.text),
            journal::FILE,
            n.line,
            n.time.format("%Y-%m-%d %H:%M %:z")
        ),
        (Wanted::Source { name, id }, Some(i)) => format!(
            "item {name}:{id} {} ({})\n  time     {}\n",
            i.title,
            i.kind,
            i.time.format("%Y-%m-%d %H:%M %:z")
        ),
        (Wanted::Source { name, id }, None) => format!("item {name}:{id}\n"),
    };
    out.push_str(&match &report.update {
        Some(u) => format!(
            "update:    the update dated {} ({}) holds it\n",
            u.date,
            if u.status == "new" {
                "not drafted yet"
            } else {
                u.status
            }
        ),
        None => "update:    none: no update's period holds it\n".to_string(),
    });
    out.push_str(&match &report.why_not {
        None => "listed:    yes\n".to_string(),
        Some(why) => format!("listed:    no: {why}\n"),
    });
    if !report.goals.is_empty() {
        out.push_str("goals:\n");
    }
    out.push_str(&goals_text(&report.goals));
    if report.other {
        out.push_str("other:     yes: no goal claims it, so it is under Other work\n");
    }
    out
}

/// Each goal's verdict and its reasons, rule by rule, as `icu explain` says
/// them of a commit and of an item alike.
fn goals_text(goals: &[GoalVerdict]) -> String {
    let mut out = String::new();
    for g in goals {
        out.push_str(&format!(
            "  {} ({}): {}\n",
            g.id,
            g.title,
            if g.verdict.claims {
                "claims it"
            } else {
                "does not claim it"
            }
        ));
        for reason in &g.verdict.reasons {
            out.push_str(&format!("    - {reason}\n"));
        }
    }
    out
}
