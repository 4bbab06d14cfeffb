//! `icu explain REV`: why a commit went where it did — whether it is mine
//! and why, whether it is in the period, whether icu lists it, and for each
//! goal whether it claims it and by which rule, or why not.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use super::Ctx;
use crate::attribute::{self, Verdict};
use crate::cli::ExplainArgs;
use crate::config::{Config, RepoSpec};
use crate::error::{Error, ExitCode, ExplainMiss, UsageError};
use crate::scan::explain::{self, Looked, MineBy};
use crate::scan::{self, Commit, Detail, Identity, TimeWindow};
use crate::template::SCHEMA_VERSION;
use crate::term;

/// `icu explain --json`. Field names are stable.
#[derive(Debug, Serialize)]
struct Explained {
    schema_version: u32,
    repo: String,
    commit: Looked,
    period: PeriodFacts,
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
struct Listed {
    /// icu lists this commit (in this period or the one its date falls in).
    listed: bool,
    /// The commit listed in its place when it is the same work (a squash, a
    /// rebased or cherry-picked copy).
    folded_into: Option<String>,
    /// Why it is not listed.
    why_not: Option<String>,
    /// Not mine, but listed among the changes by others that credit me,
    /// with how (`reviewed`, `applied`, `merged`).
    credits_me: Vec<String>,
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
    let cfg = ctx.load_config()?;
    let me = Identity {
        emails: &cfg.me.emails,
        credit: cfg.credit.trailers(),
        credit_since: None,
    };
    let (spec, looked) = find(ctx, cfg, &args, &me)?;

    let date = ctx.date_or_today(args.date);
    let last = ctx.last_sent(&cfg.update.dir, date);
    let period = ctx.period(cfg, date, None, last.as_ref())?;
    let window = period.window_at(ctx.now);
    let relation = if looked.time < window.since {
        "before"
    } else if looked.time < window.until {
        "in"
    } else {
        "after"
    };

    let (listed, commit) = listing(ctx, &spec, &looked, &me, &cfg.skip);
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
            since: period.since,
            until: period.until.min(ctx.now),
            relation,
        },
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

/// Whether the scan lists the commit, and the commit as the scan describes
/// it (files and branches as the goals see them): the scan is run over the
/// one second of its committer time, so it is what any update covering
/// that moment shows.
fn listing(
    ctx: &Ctx,
    spec: &RepoSpec,
    looked: &Looked,
    me: &Identity<'_>,
    skip: &[crate::config::SkipRule],
) -> (Listed, Option<Commit>) {
    let mut listed = Listed {
        listed: false,
        folded_into: None,
        why_not: None,
        credits_me: Vec::new(),
        files: Vec::new(),
        branches: Vec::new(),
        added: 0,
        removed: 0,
    };
    if looked.mine.is_none() && me.credit.is_none() {
        listed.why_not = Some("it is not yours".into());
        return (listed, None);
    }
    if looked.mine.is_some() && looked.parents > 1 {
        listed.why_not =
            Some("it is a merge: merges are not listed (a merged pull request counts under the commits it brought in)".into());
        return (listed, None);
    }
    let window = TimeWindow {
        since: looked.time,
        until: looked.time + 1,
    };
    let (repos, warnings) = scan::scan_all(
        std::slice::from_ref(spec),
        window,
        me,
        Detail::Full,
        scan::SCAN_TIMEOUT,
    );
    for w in &warnings {
        ctx.term.warn(&w.to_string());
    }
    if looked.mine.is_none() {
        let credit = repos
            .into_iter()
            .flat_map(|r| r.credits)
            .find(|c| c.commit.id == looked.id);
        return match credit {
            Some(cr) => {
                listed.why_not = Some(format!(
                    "not among your commits, being someone else's; it credits you ({}) and is listed among the changes by others",
                    cr.kinds.join(", ")
                ));
                listed.credits_me.clone_from(&cr.kinds);
                listed.files.clone_from(&cr.commit.files);
                listed.branches.clone_from(&cr.commit.branches);
                (listed, Some(cr.commit))
            }
            None => {
                listed.why_not = Some("it is not yours, and it does not credit you".into());
                (listed, None)
            }
        };
    }
    let commits = repos.into_iter().flat_map(|r| r.commits);
    let mut folded = None;
    for c in commits {
        if c.id == looked.id {
            if let Some(rule) = crate::skip::rule_for(skip, &c) {
                listed.why_not = Some(format!("a [[skip]] rule leaves it out: {}", rule.shown));
                return (listed, None);
            }
            listed.listed = true;
            listed.files.clone_from(&c.files);
            listed.branches.clone_from(&c.branches);
            listed.added = c.added;
            listed.removed = c.removed;
            return (listed, Some(c));
        }
        if c.folded
            .as_ref()
            .is_some_and(|f| f.ids.contains(&looked.short))
        {
            folded = Some(c);
        }
    }
    if let Some(c) = folded {
        listed.folded_into = Some(c.short.clone());
        listed.why_not = Some(format!(
            "it is the same work as {} ({}), which is listed in its place",
            c.short, c.subject
        ));
        listed.files.clone_from(&c.files);
        listed.branches.clone_from(&c.branches);
        return (listed, Some(c));
    }
    listed.why_not = Some(
        "no branch icu scans reaches it (local branches, remote-tracking branches and HEAD; tags are not scanned)".into(),
    );
    (listed, None)
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
    let l = &r.listed;
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
    } else {
        out.push_str(&format!(
            "listed:    no: {}\n",
            l.why_not.as_deref().unwrap_or("")
        ));
    }
    if r.goals.is_empty() && l.folded_into.is_none() && !l.listed {
        return out;
    }
    out.push_str("goals:\n");
    for g in &r.goals {
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
    let claimed = r.goals.iter().filter(|g| g.verdict.claims).count();
    out.push_str(&match claimed {
        0 => "other:     yes: no goal claims it, so it is under Other work\n".to_string(),
        1 => "other:     no\n".to_string(),
        n => format!("other:     no; {n} goals claim it: it is listed under each, marked, and counted once in the totals\n"),
    });
    out
}
