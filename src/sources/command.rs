//! `[[source]]` commands: a command line the person writes, run once per
//! draft, whose output lines are items of work beyond commits (reviews,
//! issues closed, tickets). README.md, "Work beyond commits", is the
//! contract as a user reads it; this is how it is kept.
//!
//! # Running it
//!
//! The command runs as `sh -c COMMAND`, always through the shell (git runs
//! an editor with shell characters so): `$VARS`, pipes and several lines
//! work, and a plain program name runs the same. It runs in the config
//! file's folder, with icu's environment and four more variables: the
//! window of the update as `ICU_SINCE` and `ICU_UNTIL` (RFC 3339, the time
//! zone's offset, `Z` for UTC; the window is `[since, until)`), and
//! `ICU_SINCE_DATE` and `ICU_UNTIL_DATE` (`YYYY-MM-DD`), the first and the
//! last day inside it — the last day is the day of the last second before
//! `until`, so a query for `$ICU_SINCE_DATE..$ICU_UNTIL_DATE`, inclusive as
//! date ranges in search queries are, covers the window and no day after.
//! A draft made during the update's last day has `until` = now.
//!
//! stdin is empty (/dev/null). stdout is read up to [`OUTPUT_LIMIT`]; the
//! last lines of stderr are kept to say why a command failed. The command
//! runs in a group of its own (`platform::process::own_group`: a process
//! group on Unix, a job on Windows), and when it ends — by itself, at its
//! `timeout`, or for printing too much — the whole group is killed, so
//! nothing it started outlives it or holds its output open. The group is
//! killed while the shell, its leader, is still unreaped (`waitid` with
//! `WNOWAIT`, looked at every 10 ms), so its id cannot yet belong to anyone
//! else. On Windows the shell is Git for Windows' `sh` (or another on
//! `PATH`: `platform::process::posix_shell`); without one, the source
//! cannot start. `export::sendmail` runs the mail program otherwise — its
//! stdin a staged file whose offset says whether it took the message, its output
//! only kept for an error — so the two share the idea of a killed group,
//! a few lines each, and not a runner.
//!
//! # What is kept
//!
//! Each non-empty line is one JSON object (see [`parse`]). Whatever the
//! command printed, only items whose `time` falls inside the window are
//! kept; the rest are counted ([`Run::outside`]) and left out without a
//! warning, since a query by date is seldom exact to the second.
//!
//! A source is **incomplete** ([`Run::failed`]) when it could not be
//! started, exited with a failure, was stopped at its timeout or for its
//! output's size, or printed a line that is not an item. Its items read
//! until then are kept: an item that parsed is as true as it was, and the
//! update says the list may be short. A problem with one field of an item
//! that can be left out — a goal the config does not have, a URL that is no
//! http(s) link, a kind that is not a word — is a warning; the item is
//! kept without it and the source stays complete.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeZone};
use serde::Serialize;
use serde_json::{Map, Value};

use super::Item;
use crate::config::SourceSpec;
use crate::forge::safe_link;
use crate::period::TimeWindow;
use crate::template::plural;

/// How much of a command's stdout is read: far more than any honest list
/// of a fortnight's work, and little enough to hold. Beyond it the command
/// is stopped and the source is incomplete.
pub const OUTPUT_LIMIT: usize = 16 * 1024 * 1024;

/// An item's kind when its line names none.
pub const DEFAULT_KIND: &str = "item";

/// The longest title kept, in characters; a longer one is cut there with
/// `…` (it is one line of a list, not a document).
pub const TITLE_LIMIT: usize = 300;

/// How much of the end of stderr is kept, and how many of its last lines a
/// failure shows.
const STDERR_KEPT: usize = 4096;
const STDERR_LINES: usize = 5;

/// How long, after the command's group is killed, icu waits for the end of
/// its output: a process that left the group may hold it open for ever.
const AFTER_EXIT: Duration = Duration::from_millis(500);

/// How often icu looks whether the command ended.
const POLL: Duration = Duration::from_millis(10);

/// What one run of a source gave.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Run {
    /// The items inside the window, by time (then id).
    pub items: Vec<Item>,
    /// Items the command printed whose time is outside the window.
    pub outside: usize,
    /// Every problem, each a sentence naming the source, to be shown as
    /// it is; when the source is incomplete the last one says so and why.
    pub warnings: Vec<String>,
    /// Why the source is incomplete (`the command ended with exit code 1`, `2
    /// lines could not be read`, both joined by `; `), for the update to
    /// mark it; `None`: complete.
    pub failed: Option<String>,
}

/// Runs the source `spec` for the window `[since, until)`, its times
/// written in `tz`; an item's goal must be one of `goals` (ids).
pub fn run<Tz: TimeZone>(spec: &SourceSpec, window: TimeWindow, tz: &Tz, goals: &[String]) -> Run {
    let ran = execute(spec, &environment(window, tz));
    let mut run = parse(spec, &ran.stdout, window, goals);
    let mut reasons = Vec::new();
    if let Some(why) = ran.end.failure(spec) {
        reasons.push(why);
    }
    if let Some(bad_lines) = run.failed.take() {
        reasons.push(bad_lines);
    }
    if !reasons.is_empty() {
        let why = reasons.join("; ");
        let shows_stderr = !matches!(ran.end, End::Exited(s) if s.success());
        let said = if shows_stderr {
            stderr_tail(&ran.stderr)
        } else {
            String::new()
        };
        run.warnings
            .push(format!("source `{}` is incomplete: {why}{said}", spec.name));
        run.failed = Some(why);
    }
    run
}

/// The variables a source's command gets beside icu's environment (the
/// module doc says what each is).
pub fn environment<Tz: TimeZone>(window: TimeWindow, tz: &Tz) -> [(&'static str, String); 4] {
    let at = |secs: i64| {
        DateTime::from_timestamp(secs, 0)
            .unwrap_or_default()
            .with_timezone(tz)
            .fixed_offset()
    };
    let since = at(window.since);
    let until = at(window.until);
    let last = at(window.until.saturating_sub(1));
    [
        (
            "ICU_SINCE",
            since.to_rfc3339_opts(SecondsFormat::Secs, true),
        ),
        (
            "ICU_UNTIL",
            until.to_rfc3339_opts(SecondsFormat::Secs, true),
        ),
        ("ICU_SINCE_DATE", since.date_naive().to_string()),
        ("ICU_UNTIL_DATE", last.date_naive().to_string()),
    ]
}

/// How the command ended.
#[derive(Debug)]
enum End {
    Exited(ExitStatus),
    TimedOut,
    /// It printed more than [`OUTPUT_LIMIT`].
    TooMuch,
    /// A process it started kept its output open after the group was killed.
    OutputHeld,
    NotStarted(std::io::Error),
}

impl End {
    /// Why the source is incomplete, if it ended so that it is.
    fn failure(&self, spec: &SourceSpec) -> Option<String> {
        Some(match self {
            End::Exited(s) if s.success() => return None,
            End::Exited(s) => match s.code() {
                Some(127) => "the shell found no such command (exit code 127)".to_string(),
                Some(126) => "the shell could not run the command (exit code 126)".to_string(),
                _ => format!("the command ended with {}", crate::term::exit_text(*s)),
            },
            End::TimedOut => format!(
                "the command did not finish within its timeout of {} s and was stopped, with all it started",
                spec.timeout.as_secs()
            ),
            End::TooMuch => format!(
                "the command printed more than {} MiB and was stopped; nothing after that was read",
                OUTPUT_LIMIT / (1024 * 1024)
            ),
            End::OutputHeld => {
                "a process the command started kept its output open; what it printed until then was read"
                    .to_string()
            }
            End::NotStarted(e) => format!(
                "the command could not be started in {}: {e}",
                spec.dir.display()
            ),
        })
    }
}

/// What running the command gave: its stdout (whole lines only, when it
/// was cut), how it ended, the end of its stderr.
struct Ran {
    stdout: Vec<u8>,
    end: End,
    stderr: Vec<u8>,
}

/// Runs `spec`'s command with `env` added, as the module doc says.
fn execute(spec: &SourceSpec, env: &[(&'static str, String)]) -> Ran {
    let Some(sh) = crate::platform::process::posix_shell() else {
        return Ran {
            stdout: Vec::new(),
            end: End::NotStarted(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no `sh` to run it with; install Git for Windows, whose sh icu uses",
            )),
            stderr: Vec::new(),
        };
    };
    let mut command = Command::new(sh);
    command
        .arg("-c")
        .arg(&spec.command)
        .current_dir(&spec.dir)
        .envs(env.iter().map(|(k, v)| (*k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    crate::platform::process::own_group(&mut command);
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Ran {
                stdout: Vec::new(),
                end: End::NotStarted(e),
                stderr: Vec::new(),
            }
        }
    };
    let group = crate::platform::process::Group::stopped_with_icu(&child);
    let too_much = Arc::new(AtomicBool::new(false));
    let stdout = Reader::head(child.stdout.take(), OUTPUT_LIMIT, Arc::clone(&too_much));
    let stderr = Reader::tail(child.stderr.take(), STDERR_KEPT);
    let deadline = Instant::now() + spec.timeout;
    let end = loop {
        if crate::platform::process::has_exited(&mut child) {
            break None;
        }
        if too_much.load(Ordering::Acquire) {
            break Some(End::TooMuch);
        }
        if Instant::now() >= deadline {
            break Some(End::TimedOut);
        }
        std::thread::sleep(POLL);
    };
    // The shell is still unreaped: its group id is still its own.
    group.kill();
    let status = child.wait();
    let read_by = Instant::now() + AFTER_EXIT;
    let (mut out, whole) = stdout.take(read_by);
    let (err, _) = stderr.take(read_by);
    let end = match (end, status) {
        // It may have printed too much and exited before icu looked.
        _ if too_much.load(Ordering::Acquire) => End::TooMuch,
        (Some(end), _) => end,
        (None, Ok(s)) if whole => End::Exited(s),
        (None, Ok(_)) => End::OutputHeld,
        (None, Err(e)) => End::NotStarted(e),
    };
    if !matches!(end, End::Exited(_)) {
        // Cut short: its last line may be half of one.
        let whole_lines = out.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        out.truncate(whole_lines);
    }
    Ran {
        stdout: out,
        end,
        stderr: err,
    }
}

/// A pipe read on a thread of its own, into a buffer the run takes when
/// the command has ended.
struct Reader {
    kept: Arc<Mutex<Vec<u8>>>,
    done: mpsc::Receiver<()>,
}

impl Reader {
    /// Keeps the first `limit` bytes; past them sets `too_much` and stops
    /// reading (the pipe is closed: a writer gets SIGPIPE).
    fn head<R: Read + Send + 'static>(
        pipe: Option<R>,
        limit: usize,
        too_much: Arc<AtomicBool>,
    ) -> Reader {
        Reader::spawn(pipe, move |kept, chunk| {
            let room = limit.saturating_sub(kept.len());
            kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if chunk.len() > room {
                too_much.store(true, Ordering::Release);
                return false;
            }
            true
        })
    }

    /// Keeps the last `limit` bytes, reading to the end.
    fn tail<R: Read + Send + 'static>(pipe: Option<R>, limit: usize) -> Reader {
        Reader::spawn(pipe, move |kept, chunk| {
            kept.extend_from_slice(chunk);
            if kept.len() > limit {
                let cut = kept.len() - limit;
                kept.drain(..cut);
            }
            true
        })
    }

    /// Reads `pipe` to its end, or until `keep` says stop.
    fn spawn<R, F>(pipe: Option<R>, mut keep: F) -> Reader
    where
        R: Read + Send + 'static,
        F: FnMut(&mut Vec<u8>, &[u8]) -> bool + Send + 'static,
    {
        let kept = Arc::new(Mutex::new(Vec::new()));
        let (tx, done) = mpsc::channel();
        let buffer = Arc::clone(&kept);
        std::thread::spawn(move || {
            if let Some(mut pipe) = pipe {
                let mut chunk = vec![0u8; 64 * 1024];
                loop {
                    match pipe.read(&mut chunk) {
                        Ok(0) => break,
                        Ok(n) => {
                            let mut kept = buffer.lock().unwrap_or_else(|p| p.into_inner());
                            if !keep(&mut kept, &chunk[..n]) {
                                break;
                            }
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(_) => break,
                    }
                }
            }
            let _ = tx.send(());
        });
        Reader { kept, done }
    }

    /// What was read by `deadline`, and whether the pipe had ended by then.
    fn take(self, deadline: Instant) -> (Vec<u8>, bool) {
        let left = deadline.saturating_duration_since(Instant::now());
        let whole = self.done.recv_timeout(left).is_ok();
        let bytes = std::mem::take(&mut *self.kept.lock().unwrap_or_else(|p| p.into_inner()));
        (bytes, whole)
    }
}

/// The last lines of stderr, for a failure's warning; empty when it said
/// nothing.
fn stderr_tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return String::new();
    }
    let last = &lines[lines.len().saturating_sub(STDERR_LINES)..];
    let shown: Vec<String> = last
        .iter()
        .map(|l| format!("  {}", one_line(l, 200)))
        .collect();
    format!(". It said on stderr:\n{}", shown.join("\n"))
}

/// The items in `stdout` — one JSON object per non-empty line — whose time
/// is inside `window`, as [`run`] keeps them:
///
/// - `title` (a string) and `time` (an RFC 3339 string) are required; a
///   line without them, or that is not UTF-8, not JSON or not an object,
///   is skipped with a warning naming its number, and makes the source
///   incomplete;
/// - `url`: kept when it is an http(s) URL that can be a link
///   ([`safe_link`]);
/// - `kind`: a word (`reviewed`), lower-cased; default [`DEFAULT_KIND`];
/// - `id` (a string or a number): default the `url` as printed, else the
///   title and the time; a second item with the same id is left out;
/// - `goal`: one of `goals`, else the source's `goal`;
/// - `repo`: default the source's `repo`.
///
/// Every text is made one line ([`one_line`]). Other fields are ignored.
pub fn parse(spec: &SourceSpec, stdout: &[u8], window: TimeWindow, goals: &[String]) -> Run {
    let mut run = Run::default();
    let mut bad = 0usize;
    // Id → the line it was first given on.
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, raw) in stdout.split(|&b| b == b'\n').enumerate() {
        let number = i + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let say = |what: String| format!("source `{}`: line {number}: {what}", spec.name);
        let line = match Line::read(raw) {
            Ok(l) => l,
            Err(why) => {
                run.warnings.push(say(why));
                bad += 1;
                continue;
            }
        };
        let (title, time) = match line.title_and_time() {
            Ok(t) => t,
            Err(why) => {
                run.warnings.push(say(why));
                bad += 1;
                continue;
            }
        };
        if !window.contains(time.timestamp()) {
            run.outside += 1;
            continue;
        }
        let mut note = |what: String| run.warnings.push(say(what));
        let url = line.url(&mut note);
        let kind = line.kind(&mut note);
        let id = line
            .text("id", &mut note)
            .or_else(|| {
                line.0
                    .get("url")
                    .and_then(Value::as_str)
                    .map(|u| one_line(u, usize::MAX))
            })
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| {
                format!(
                    "{title} {}",
                    time.to_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
                )
            });
        let goal = match line.text("goal", &mut note) {
            Some(g) if goals.contains(&g) => Some(g),
            Some(g) => {
                note(format!(
                    "goal `{}` is not a goal of the config (it has: {}); the item is kept without it",
                    one_line(&g, 60),
                    if goals.is_empty() { "none".to_string() } else { goals.join(", ") }
                ));
                spec.goal.clone()
            }
            None => spec.goal.clone(),
        };
        let repo = line
            .text("repo", &mut note)
            .filter(|r| !r.is_empty())
            .or_else(|| spec.repo.clone());
        if let Some(first) = seen.get(&id) {
            note(format!(
                "the id `{}` was given on line {first} already; the item is listed once",
                one_line(&id, 60)
            ));
            continue;
        }
        seen.insert(id.clone(), number);
        run.items.push(Item {
            source: spec.name.clone(),
            id,
            title,
            time,
            url,
            kind,
            goal,
            repo,
        });
    }
    run.items
        .sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
    if bad > 0 {
        run.failed = Some(format!(
            "{} could not be read",
            plural(bad, "line", "lines")
        ));
    }
    run
}

/// One line of output, read as a JSON object.
struct Line(Map<String, Value>);

impl Line {
    fn read(raw: &[u8]) -> Result<Line, String> {
        let text = std::str::from_utf8(raw).map_err(|e| {
            format!(
                "not UTF-8 text (byte {} is not); the line is skipped",
                e.valid_up_to() + 1
            )
        })?;
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => Ok(Line(map)),
            Ok(other) => Err(format!(
                "not a JSON object but {}; each line is one object with `title` and `time`",
                json_kind(&other)
            )),
            Err(e) => Err(format!("not JSON ({e}); the line is skipped")),
        }
    }

    /// The required `title` (made one line, cut at [`TITLE_LIMIT`]) and
    /// `time`.
    fn title_and_time(&self) -> Result<(String, DateTime<FixedOffset>), String> {
        let title = match self.0.get("title") {
            Some(Value::String(s)) => one_line(s, TITLE_LIMIT),
            None | Some(Value::Null) => return Err("no `title`; the line is skipped".into()),
            Some(other) => {
                return Err(format!(
                    "`title` is {}, not a string; the line is skipped",
                    json_kind(other)
                ))
            }
        };
        if title.is_empty() {
            return Err("the `title` is empty; the line is skipped".into());
        }
        let time = match self.0.get("time") {
            Some(Value::String(s)) => DateTime::parse_from_rfc3339(s.trim()).map_err(|_| {
                format!(
                    "`time` = `{}` is not an RFC 3339 time such as 2026-11-20T14:05:00Z; the line is skipped",
                    one_line(s, 60)
                )
            })?,
            None | Some(Value::Null) => return Err("no `time`; the line is skipped".into()),
            Some(other) => {
                return Err(format!(
                    "`time` is {}, not an RFC 3339 string; the line is skipped",
                    json_kind(other)
                ))
            }
        };
        Ok((title, time))
    }

    /// An optional text field (a string, or a number for `id`), made one
    /// line; another type is a `note` and counts as absent.
    fn text(&self, key: &str, note: &mut impl FnMut(String)) -> Option<String> {
        match self.0.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(one_line(s, usize::MAX)),
            Value::Number(n) if key == "id" => Some(n.to_string()),
            other => {
                note(format!(
                    "`{key}` is {}, not a string; the item is kept without it",
                    json_kind(other)
                ));
                None
            }
        }
    }

    /// `url`, when it can be a link.
    fn url(&self, note: &mut impl FnMut(String)) -> Option<String> {
        let url = self.text("url", note)?;
        if safe_link(&url) {
            return Some(url);
        }
        note(format!(
            "`url` = `{}` is not an http(s) URL that can be a link; the item is kept without it",
            one_line(&url, 80)
        ));
        None
    }

    /// `kind`, a word; [`DEFAULT_KIND`] when absent or not one.
    fn kind(&self, note: &mut impl FnMut(String)) -> String {
        let Some(kind) = self.text("kind", note) else {
            return DEFAULT_KIND.to_string();
        };
        let word = kind.to_lowercase();
        let is_word = !word.is_empty()
            && word.len() <= 40
            && word
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if is_word {
            return word;
        }
        note(format!(
            "`kind` = `{}` is not a word; the item is kept as `{DEFAULT_KIND}`",
            one_line(&kind, 60)
        ));
        DEFAULT_KIND.to_string()
    }
}

/// How a JSON value reads in a message.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `text` as one line of plain text, at most `limit` characters: every
/// control character (line breaks, tabs, escape sequences, C1) is a space
/// and every bidirectional control is dropped (either could make a line
/// read otherwise than it is), runs of white space are one space, and the
/// ends are trimmed; a longer text is cut with `…`.
pub fn one_line(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(text.len().min(1024));
    let mut count = 0usize;
    let mut space = false;
    for c in text.chars() {
        if matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
        {
            continue;
        }
        if c.is_control() || c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            count += 1;
            space = false;
        }
        if count >= limit {
            out.pop();
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    #[cfg(unix)]
    use std::path::PathBuf;

    fn spec(command: &str) -> SourceSpec {
        SourceSpec {
            name: "gh".into(),
            command: command.into(),
            timeout: Duration::from_secs(5),
            goal: None,
            repo: None,
            line: 1,
            dir: std::env::temp_dir(),
        }
    }

    /// 9 Nov 2026 to 24 Nov 2026, UTC.
    fn window() -> TimeWindow {
        TimeWindow {
            since: 1_794_182_400,
            until: 1_795_478_400,
        }
    }

    fn goals() -> Vec<String> {
        vec!["search".into(), "latency".into()]
    }

    fn parsed(out: &str) -> Run {
        parse(&spec("true"), out.as_bytes(), window(), &goals())
    }

    #[test]
    fn the_window_is_the_one_of_november_ninth_to_the_twenty_fourth() {
        let env = environment(window(), &Utc);
        assert_eq!(
            env,
            [
                ("ICU_SINCE", "2026-11-09T00:00:00Z".to_string()),
                ("ICU_UNTIL", "2026-11-24T00:00:00Z".to_string()),
                ("ICU_SINCE_DATE", "2026-11-09".to_string()),
                ("ICU_UNTIL_DATE", "2026-11-23".to_string()),
            ]
        );
        let plus_one = FixedOffset::east_opt(3600).unwrap();
        let env = environment(window(), &plus_one);
        assert_eq!(env[0].1, "2026-11-09T01:00:00+01:00");
        assert_eq!(env[3].1, "2026-11-24");
    }

    #[test]
    fn a_line_with_every_field_is_an_item() {
        let run = parsed(concat!(
            r#"{"title":"Review the cache","time":"2026-11-10T14:05:00+01:00","url":"https://github.com/acme/search/pull/7","kind":"Reviewed","id":"gh-7","goal":"search","repo":"search","extra":[1]}"#,
            "\n",
        ));
        assert_eq!(run.warnings, Vec::<String>::new());
        assert_eq!(run.failed, None);
        let item = &run.items[0];
        assert_eq!(item.source, "gh");
        assert_eq!(item.id, "gh-7");
        assert_eq!(item.title, "Review the cache");
        assert_eq!(item.time.to_rfc3339(), "2026-11-10T14:05:00+01:00");
        assert_eq!(
            item.url.as_deref(),
            Some("https://github.com/acme/search/pull/7")
        );
        assert_eq!(item.kind, "reviewed");
        assert_eq!(item.goal.as_deref(), Some("search"));
        assert_eq!(item.repo.as_deref(), Some("search"));
    }

    #[test]
    fn defaults_come_from_the_source_and_the_line() {
        let mut s = spec("true");
        s.goal = Some("latency".into());
        s.repo = Some("search".into());
        let out = concat!(
            r#"{"title":"A","time":"2026-11-10T00:00:00Z","url":"https://x.example/1"}"#,
            "\n",
            r#"{"title":"B","time":"2026-11-11T00:00:00Z","id":42}"#,
            "\n",
            r#"{"title":"C","time":"2026-11-12T00:00:00Z"}"#,
        );
        let run = parse(&s, out.as_bytes(), window(), &goals());
        let ids: Vec<&str> = run.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["https://x.example/1", "42", "C 2026-11-12T00:00:00Z"]);
        assert!(run.items.iter().all(|i| i.kind == DEFAULT_KIND));
        assert!(run
            .items
            .iter()
            .all(|i| i.goal.as_deref() == Some("latency")));
        assert!(run
            .items
            .iter()
            .all(|i| i.repo.as_deref() == Some("search")));
    }

    #[test]
    fn bad_lines_are_named_by_number_and_make_the_source_incomplete() {
        let mut out = Vec::new();
        out.extend_from_slice(b"{\"title\":\"ok\",\"time\":\"2026-11-10T00:00:00Z\"}\n");
        out.extend_from_slice(b"not json\n");
        out.extend_from_slice(b"\n");
        out.extend_from_slice(b"{\"title\":\"caf\xe9\",\"time\":\"2026-11-10T00:00:00Z\"}\n");
        out.extend_from_slice(b"[1, 2]\n");
        out.extend_from_slice(b"{\"time\":\"2026-11-10T00:00:00Z\"}\n");
        out.extend_from_slice(b"{\"title\":\"no time\"}\n");
        out.extend_from_slice(b"{\"title\":\"t\",\"time\":\"10 Nov 2026\"}\n");
        out.extend_from_slice(b"{\"title\":\"  \\u0007 \",\"time\":\"2026-11-10T00:00:00Z\"}\n");
        let run = parse(&spec("true"), &out, window(), &goals());
        assert_eq!(run.items.len(), 1);
        let lines: Vec<&str> = run
            .warnings
            .iter()
            .map(|w| w.split(": ").nth(1).unwrap_or(""))
            .collect();
        assert_eq!(
            lines,
            ["line 2", "line 4", "line 5", "line 6", "line 7", "line 8", "line 9"]
        );
        assert!(
            run.warnings[0].starts_with("source `gh`: line 2: not JSON ("),
            "{:?}",
            run.warnings
        );
        assert!(
            run.warnings[1].contains("not UTF-8 text (byte 14 is not)"),
            "{}",
            run.warnings[1]
        );
        assert!(run.warnings[2].contains("not a JSON object but an array"));
        assert!(run.warnings[3].contains("no `title`"));
        assert!(run.warnings[4].contains("no `time`"));
        assert!(run.warnings[5].contains("`time` = `10 Nov 2026` is not an RFC 3339 time"));
        assert!(run.warnings[6].contains("the `title` is empty"));
        assert_eq!(run.failed.as_deref(), Some("7 lines could not be read"));
    }

    #[test]
    fn items_outside_the_window_are_left_out_quietly() {
        let run = parsed(concat!(
            r#"{"title":"before","time":"2026-11-08T23:59:59Z"}"#,
            "\n",
            r#"{"title":"first second","time":"2026-11-09T00:00:00Z"}"#,
            "\n",
            r#"{"title":"last second","time":"2026-11-23T23:59:59Z"}"#,
            "\n",
            r#"{"title":"until","time":"2026-11-24T00:00:00Z"}"#,
            "\n",
            r#"{"title":"ancient","time":"0001-01-01T00:00:00Z","goal":"nope"}"#,
            "\n",
            r#"{"title":"far","time":"9999-12-31T23:59:59+14:00"}"#,
            "\n",
        ));
        let titles: Vec<&str> = run.items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["first second", "last second"]);
        assert_eq!(run.outside, 4);
        assert!(run.warnings.is_empty() && run.failed.is_none(), "{run:?}");
    }

    #[test]
    fn a_field_that_can_be_left_out_is_a_warning_and_the_item_is_kept() {
        let run = parsed(concat!(
            r#"{"title":"t","time":"2026-11-10T00:00:00Z","goal":"serch","url":"javascript:alert(1)","kind":"pull request!","repo":5}"#,
            "\n",
        ));
        assert_eq!(run.items.len(), 1);
        let item = &run.items[0];
        assert_eq!(
            (
                item.goal.as_deref(),
                item.url.as_deref(),
                item.kind.as_str(),
                item.repo.as_deref()
            ),
            (None, None, "item", None)
        );
        let w = run.warnings.join("\n");
        assert!(
            w.contains(
                "line 1: goal `serch` is not a goal of the config (it has: search, latency)"
            ),
            "{w}"
        );
        assert!(
            w.contains("`url` = `javascript:alert(1)` is not an http(s) URL"),
            "{w}"
        );
        assert!(w.contains("`kind` = `pull request!` is not a word"), "{w}");
        assert!(w.contains("`repo` is a number, not a string"), "{w}");
        assert_eq!(run.failed, None);
    }

    #[test]
    fn titles_are_one_line_without_controls() {
        assert_eq!(
            one_line(
                "  Fix\tthe\r\n\x1b[31mcache\x1b[0m\u{9b}\u{202e}gnp.exe  ",
                300
            ),
            "Fix the [31mcache [0m gnp.exe"
        );
        assert_eq!(one_line("abcdef", 4), "abc…");
        assert_eq!(one_line("abcd", 4), "abcd");
        let run = parsed(
            "{\"title\":\"Fix\\u001b]0;pwned\\u0007 it\\nnow\",\"time\":\"2026-11-10T00:00:00Z\"}\n",
        );
        assert_eq!(run.items[0].title, "Fix ]0;pwned it now");
    }

    #[test]
    fn the_same_id_twice_is_listed_once() {
        let run = parsed(concat!(
            r#"{"title":"a","time":"2026-11-10T00:00:00Z","url":"https://x.example/1"}"#,
            "\n",
            r#"{"title":"b","time":"2026-11-11T00:00:00Z","id":"https://x.example/1"}"#,
            "\n",
        ));
        assert_eq!(run.items.len(), 1);
        assert!(run.warnings[0]
            .contains("line 2: the id `https://x.example/1` was given on line 1 already"));
    }

    #[cfg(unix)]
    #[test]
    fn a_command_runs_with_the_window_and_its_failures_are_said() {
        let s = spec(
            r#"printf '{"title":"%s %s","time":"2026-11-10T00:00:00Z"}\n' "$ICU_SINCE_DATE" "$ICU_UNTIL_DATE"; echo oops >&2"#,
        );
        let run = run(&s, window(), &Utc, &goals());
        assert_eq!(run.items[0].title, "2026-11-09 2026-11-23");
        assert!(run.warnings.is_empty() && run.failed.is_none(), "{run:?}");

        let s = spec(
            r#"echo '{"title":"kept","time":"2026-11-10T00:00:00Z"}'; echo 'gh: not logged in' >&2; exit 4"#,
        );
        let run = super::run(&s, window(), &Utc, &goals());
        assert_eq!(run.items.len(), 1);
        assert_eq!(
            run.failed.as_deref(),
            Some("the command ended with exit code 4")
        );
        assert_eq!(
            run.warnings,
            ["source `gh` is incomplete: the command ended with exit code 4. It said on stderr:\n  gh: not logged in"]
        );

        let run = super::run(&spec("no-such-command-for-icu"), window(), &Utc, &goals());
        assert!(
            run.failed
                .as_deref()
                .unwrap()
                .contains("no such command (exit code 127)"),
            "{run:?}"
        );

        let mut s = spec("true");
        s.dir = PathBuf::from("/no/such/folder");
        let run = super::run(&s, window(), &Utc, &goals());
        assert!(
            run.failed
                .as_deref()
                .unwrap()
                .contains("could not be started in /no/such/folder"),
            "{run:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_hanging_command_is_stopped_at_its_timeout_with_its_children() {
        let mut s = spec(
            r#"echo '{"title":"before","time":"2026-11-10T00:00:00Z"}'; sleep 30 & sleep 30; echo late"#,
        );
        s.timeout = Duration::from_millis(300);
        let started = Instant::now();
        let run = super::run(&s, window(), &Utc, &goals());
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(run.items.len(), 1);
        assert!(
            run.failed
                .as_deref()
                .unwrap()
                .contains("did not finish within its timeout"),
            "{run:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_background_child_does_not_hold_a_finished_command() {
        let s = spec(r#"echo '{"title":"t","time":"2026-11-10T00:00:00Z"}'; sleep 30 &"#);
        let started = Instant::now();
        let run = super::run(&s, window(), &Utc, &goals());
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert_eq!((run.items.len(), run.failed), (1, None));
    }

    #[cfg(unix)]
    #[test]
    fn output_past_the_limit_is_cut_at_a_whole_line() {
        let s = spec(
            r#"echo '{"title":"first","time":"2026-11-10T00:00:00Z"}'; yes '{"title":"flood","time":"2000-01-01T00:00:00Z"}'"#,
        );
        let run = super::run(&s, window(), &Utc, &goals());
        assert_eq!(run.items.len(), 1);
        assert!(run.outside > 100_000, "{}", run.outside);
        assert!(
            run.failed
                .as_deref()
                .unwrap()
                .contains("printed more than 16 MiB"),
            "{:?}",
            run.failed
        );
        assert_eq!(run.warnings.len(), 1, "{:?}", run.warnings);
    }

    #[cfg(windows)]
    #[test]
    fn without_a_sh_a_source_is_incomplete_and_says_why() {
        // Run where no sh is found (ci/cross runs this under Wine).
        if crate::platform::process::posix_shell().is_some() {
            eprintln!("a sh is on PATH: this test checked nothing");
            return;
        }
        let run = run(&spec("gh search prs"), window(), &Utc, &goals());
        assert!(run.items.is_empty());
        let why = run.failed.expect("incomplete");
        assert!(
            why.contains("no `sh`") && why.contains("Git for Windows"),
            "{why}"
        );
    }
}
