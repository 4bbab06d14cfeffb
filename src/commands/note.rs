//! `icu note TEXT…`: a note of work that leaves no commit, taken as it
//! happens into the journal (`sources::journal`); `--list` shows the notes no
//! sent update holds yet. A note belongs to the update whose period holds
//! its time, as a commit does.

use std::io::Read;

use chrono::{DateTime, FixedOffset, Local};
use serde::Serialize;

use super::Ctx;
use crate::attribute;
use crate::cli::NoteArgs;
use crate::config::Config;
use crate::doc::frontmatter::Status;
use crate::error::{Error, ExitCode, UsageError};
use crate::sources::journal::{self, Note};
use crate::template::SCHEMA_VERSION;
use crate::term;
use crate::updates::history::{self, Span};

pub fn run(ctx: &Ctx, args: NoteArgs) -> Result<ExitCode, Error> {
    let cfg = ctx.load_config()?;
    let path = journal::path(&cfg.update.dir);
    let (spans, warnings) = history::spans(&cfg.update.dir);
    for w in &warnings {
        ctx.term.warn(w);
    }
    if args.list {
        return list(ctx, cfg, &spans, args.json);
    }
    if let Some(goal) = &args.goal {
        if !cfg.goals.iter().any(|g| &g.id == goal) {
            return Err(UsageError::UnknownNoteGoal {
                goal: goal.clone(),
                known: cfg.goals.iter().map(|g| g.id.clone()).collect(),
            }
            .into());
        }
    }
    let time = match args.at {
        Some(w) => w.resolve(&Local)?,
        None => ctx.now,
    };
    if let Some(s) = history::holder(&spans, time.timestamp()).filter(|s| s.status != Status::Draft)
    {
        return Err(UsageError::NoteInSentPeriod {
            at: time.to_rfc3339(),
            date: s.date,
            end: s.end.to_rfc3339(),
        }
        .into());
    }
    let text = text_of(&args.text)?;
    let note = journal::add(&path, time, args.goal.as_deref(), &text)?;
    ctx.term.info(&format!(
        "noted [{}] at {}{}: {}",
        note.id,
        note.time.format("%Y-%m-%d %H:%M %:z"),
        note.goal
            .as_deref()
            .map_or_else(String::new, |g| format!(" under {g}")),
        destination(&spans, note.time)
    ));
    Ok(ExitCode::Ok)
}

/// The note's words: the arguments joined by spaces, or stdin for `-`;
/// each line with the controls that could drive a terminal dropped.
fn text_of(words: &[String]) -> Result<String, Error> {
    let raw = if words.len() == 1 && words[0] == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| UsageError::BadStdin(e.to_string()))?;
        s
    } else {
        words.join(" ")
    };
    let text = raw
        .lines()
        .map(|l| {
            l.chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .filter(|c| !term::is_hidden(*c))
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n");
    let text = text.trim_matches('\n').to_string();
    if text.trim().is_empty() {
        return Err(UsageError::EmptyNote.into());
    }
    Ok(text)
}

/// Which update a note at `time` goes in, said.
fn destination(spans: &[Span], time: DateTime<FixedOffset>) -> String {
    match history::holder(spans, time.timestamp()) {
        Some(s) => format!(
            "it goes in the update dated {} (a draft; `icu draft` refreshes it)",
            s.date
        ),
        None => "it goes in the next update".to_string(),
    }
}

/// `icu note --list --json`. Field names are stable.
#[derive(Debug, Serialize)]
struct Listed {
    schema_version: u32,
    notes: Vec<ListedNote>,
}

#[derive(Debug, Serialize)]
struct ListedNote {
    id: String,
    time: DateTime<FixedOffset>,
    /// The goal it names.
    goal: Option<String>,
    /// The goals that claim it (the one it names, else by their keywords);
    /// empty: Other work.
    goals: Vec<String>,
    text: String,
    /// The draft that holds it, if one does; else the next update.
    update: Option<chrono::NaiveDate>,
}

/// The notes no sent update holds, oldest first.
fn list(ctx: &Ctx, cfg: &Config, spans: &[Span], json: bool) -> Result<ExitCode, Error> {
    let (_, notes) = journal::read(&journal::path(&cfg.update.dir))?;
    let mut open: Vec<&Note> = notes
        .iter()
        .filter(|n| {
            history::holder(spans, n.time.timestamp()).is_none_or(|s| s.status == Status::Draft)
        })
        .collect();
    open.sort_by_key(|n| n.time);
    let listed: Vec<ListedNote> = open
        .iter()
        .map(|n| {
            let item = n.item();
            ListedNote {
                id: n.id.clone(),
                time: n.time,
                goal: n.goal.clone(),
                goals: cfg
                    .goals
                    .iter()
                    .filter(|g| attribute::claims_item(g, &item))
                    .map(|g| g.id.clone())
                    .collect(),
                text: n.text.clone(),
                update: history::holder(spans, n.time.timestamp()).map(|s| s.date),
            }
        })
        .collect();
    if json {
        term::print_json(&Listed {
            schema_version: SCHEMA_VERSION,
            notes: listed,
        })?;
        return Ok(ExitCode::Ok);
    }
    if listed.is_empty() {
        ctx.term.info(
            "no notes waiting: every note is in a sent update (take one with `icu note TEXT`)",
        );
        return Ok(ExitCode::Ok);
    }
    let mut out = String::new();
    for n in &listed {
        let under = if n.goals.is_empty() {
            "Other work".to_string()
        } else {
            n.goals.join(", ")
        };
        out.push_str(&format!(
            "[{}] {}  {}  ({})\n",
            n.id,
            n.time.format("%Y-%m-%d %H:%M %:z"),
            n.text.lines().next().unwrap_or(""),
            under
        ));
    }
    term::print_report(&out)?;
    Ok(ExitCode::Ok)
}
