//! The notes journal: `notes.md` in the updates directory, where `icu note`
//! records what happened as it happens, and the person may fix a note in any
//! editor.
//!
//! It is a Markdown list, one item per note, after any text before the
//! first item (a title, a line saying what the file is):
//!
//! ```text
//! - 2026-11-20 14:05 +01:00 [n3] (search) Talked to payments about retries
//!   a second line, indented by two spaces
//! ```
//!
//! the time the note was taken (with its UTC offset), its id in brackets
//! (`n` and a number: never a commit id, which is hex), the goal in
//! parentheses when one was given, then the text. icu reads it back line by
//! line; a file it cannot read wholly (a line that is no note, a time that
//! is no time, an id twice) is refused with the line, and never rewritten:
//! `icu note` adds nothing to it until it is fixed, and a draft lists none of
//! its notes and says the notes are incomplete. A new note is appended to
//! the text as it was read, byte for byte, under the journal's lock, by an
//! atomic replace that fails rather than overwrite an editor's save made
//! meanwhile (`store::replace`); two `icu note` at once both land, one after
//! the other.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset};
use regex::Regex;

use super::{Item, NOTES};
use crate::updates::store::{self, StoreError};

/// The journal's file name in the updates directory. `store::list` does
/// not take it for an update (its name is no date).
pub const FILE: &str = "notes.md";

/// What a new journal starts with.
const HEADER: &str = "# Notes\n\nTaken with `icu note`. Edit freely, one note per item: `- TIME [ID] (GOAL) TEXT`;\nmore lines of a note are indented by two spaces.\n\n";

/// One note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// `n3`.
    pub id: String,
    pub time: DateTime<FixedOffset>,
    pub goal: Option<String>,
    /// Its lines joined by `\n`, each as written (the continuation lines
    /// without their two spaces).
    pub text: String,
    /// The journal line it starts on, from 1.
    pub line: usize,
}

impl Note {
    /// The note as an activity item: its first line is the title.
    pub fn item(&self) -> Item {
        Item {
            source: NOTES.to_string(),
            id: self.id.clone(),
            title: super::one_line(&self.text),
            time: self.time,
            url: None,
            kind: "note".to_string(),
            goal: self.goal.clone(),
            repo: None,
        }
    }
}

/// Why a journal cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{}:{line}: {why}; fix the line in an editor (icu leaves the file as it is)", path.display())]
    Line {
        path: PathBuf,
        line: usize,
        why: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The journal of the updates directory `dir`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

static NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^- ((\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2})? ?(Z|[+-]\d{2}):?(\d{2})?) \[(n\d+)\](?: \(([^()\s]+)\))?(?: (.*))?$",
    )
    .expect("note regex")
});

/// The notes of the journal text `text` (read from `path`, named in
/// errors), in the order written.
pub fn parse(path: &Path, text: &str) -> Result<Vec<Note>, JournalError> {
    let err = |line: usize, why: String| JournalError::Line {
        path: path.to_path_buf(),
        line,
        why,
    };
    let mut notes: Vec<Note> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = line.strip_prefix("- ") {
            let c = NOTE.captures(line).ok_or_else(|| {
                err(
                    n,
                    format!("`- {rest}` is not a note: write `- 2026-11-20 14:05 +01:00 [n1] (goal) text`"),
                )
            })?;
            let offset = match (&c[5], c.get(6)) {
                ("Z", None) => "+00:00".to_string(),
                ("Z", Some(_)) => String::new(),
                (hours, minutes) => format!("{hours}:{}", minutes.map_or("00", |m| m.as_str())),
            };
            let rfc3339 = format!(
                "{}T{}{}{offset}",
                &c[2],
                &c[3],
                c.get(4).map_or(":00", |s| s.as_str())
            );
            let time = DateTime::parse_from_rfc3339(&rfc3339)
                .map_err(|_| err(n, format!("`{}` is not a time with its offset", &c[1])))?;
            let id = c[7].to_string();
            if let Some(first) = notes.iter().find(|x| x.id == id) {
                return Err(err(
                    n,
                    format!(
                        "the id [{id}] is on line {} already; give this note another",
                        first.line
                    ),
                ));
            }
            notes.push(Note {
                id,
                time,
                goal: c.get(8).map(|g| g.as_str().to_string()),
                text: c.get(9).map_or("", |t| t.as_str()).trim_end().to_string(),
                line: n,
            });
        } else if let Some(more) = line.strip_prefix("  ").filter(|_| !notes.is_empty()) {
            let last = notes.last_mut().expect("a note");
            last.text.push('\n');
            last.text.push_str(more.trim_end());
        } else if !line.trim().is_empty() && !notes.is_empty() {
            return Err(err(
                n,
                "a line after the first note that is neither a note (`- …`) nor indented under one"
                    .into(),
            ));
        }
    }
    Ok(notes)
}

/// How a note is written: `- 2026-11-20 14:05 +01:00 [n3] (search) text`,
/// its further lines indented.
fn line_of(note: &Note) -> String {
    let mut s = format!("- {} [{}]", note.time.format("%Y-%m-%d %H:%M %:z"), note.id);
    if let Some(g) = &note.goal {
        s.push_str(&format!(" ({g})"));
    }
    let mut lines = note.text.lines();
    if let Some(first) = lines.next() {
        s.push(' ');
        s.push_str(first);
    }
    for more in lines {
        s.push_str("\n  ");
        s.push_str(more);
    }
    s.push('\n');
    s
}

/// Reads the journal at `path`: its text and notes; none when it does not
/// exist.
pub fn read(path: &Path) -> Result<(Option<String>, Vec<Note>), JournalError> {
    if !path.exists() {
        return Ok((None, Vec::new()));
    }
    let text = store::read(path)?;
    let notes = parse(path, &text)?;
    Ok((Some(text), notes))
}

/// How long `icu note` waits for another one holding the journal: a note
/// is a line, written in milliseconds, so two taken at once both land.
const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The journal's lock, waiting up to [`WAIT`] for another icu holding it.
fn lock(path: &Path) -> Result<store::Lock, StoreError> {
    let start = std::time::Instant::now();
    loop {
        match store::Lock::acquire(path) {
            Err(StoreError::Locked { .. }) if start.elapsed() < WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// Appends a note taken at `time` with `text` (and `goal`) to the journal at
/// `path`, under its lock; returns it with its new id (one more than the
/// highest there). A journal that cannot be read is left as it is.
pub fn add(
    path: &Path,
    time: DateTime<FixedOffset>,
    goal: Option<&str>,
    text: &str,
) -> Result<Note, JournalError> {
    let _lock = lock(path)?;
    let (old, notes) = read(path)?;
    let next = notes
        .iter()
        .filter_map(|n| n.id[1..].parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    let mut note = Note {
        id: format!("n{next}"),
        time,
        goal: goal.map(str::to_string),
        text: text.trim_end().to_string(),
        line: 0,
    };
    match old {
        Some(old) => {
            let mut new = old.clone();
            if !new.is_empty() && !new.ends_with('\n') {
                new.push('\n');
            }
            note.line = new.lines().count() + 1;
            new.push_str(&line_of(&note));
            store::replace(path, &old, &new)?;
        }
        None => {
            let new = format!("{HEADER}{}", line_of(&note));
            note.line = HEADER.lines().count() + 1;
            store::write_atomic(path, new.as_bytes())?;
        }
    }
    Ok(note)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("/u/notes.md")
    }

    #[test]
    fn a_journal_reads_back_what_it_wrote_and_what_a_person_typed() {
        let text = "# Notes\n\nsome words\n\n- 2026-11-20 14:05 +01:00 [n1] (search) Talked to payments\n  about retries\n- 2026-11-21T09:00:00Z [n2] Design review\n- 2026-11-22 10:00 +0530 [n7]\n";
        let notes = parse(p(), text).unwrap();
        assert_eq!(notes.len(), 3);
        assert_eq!(notes[0].text, "Talked to payments\nabout retries");
        assert_eq!(notes[0].goal.as_deref(), Some("search"));
        assert_eq!(notes[0].time.to_rfc3339(), "2026-11-20T14:05:00+01:00");
        assert_eq!(notes[1].time.to_rfc3339(), "2026-11-21T09:00:00+00:00");
        assert_eq!(notes[2].time.to_rfc3339(), "2026-11-22T10:00:00+05:30");
        assert_eq!(notes[2].line, 8);
        let again = parse(p(), &notes.iter().map(line_of).collect::<String>()).unwrap();
        assert_eq!(
            again
                .iter()
                .map(|n| (&n.id, &n.text, n.time))
                .collect::<Vec<_>>(),
            notes
                .iter()
                .map(|n| (&n.id, &n.text, n.time))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_journal_edited_wrong_is_refused_at_its_line() {
        let bad = [
            ("- 2026-11-20 14:05 +01:00 [n1] ok\nstray words\n", 2),
            ("- yesterday [n1] hm\n", 1),
            ("- 2026-13-40 14:05 +01:00 [n1] bad date\n", 1),
            (
                "- 2026-11-20 14:05 +01:00 [n1] a\n- 2026-11-21 14:05 +01:00 [n1] b\n",
                2,
            ),
            ("- 2026-11-20 14:05 [n1] no offset\n", 1),
        ];
        for (text, line) in bad {
            match parse(p(), text) {
                Err(JournalError::Line { line: l, .. }) => assert_eq!(l, line, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }
}
