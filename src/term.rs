//! The terminal: colour (`--color`, `NO_COLOR`), warnings, hints and errors
//! on stderr, data on a stdout that stays quiet on a closed pipe, the panic
//! hook, whether a person is there, and the editor they use. Nothing below
//! `commands` prints.
//!
//! # Nothing from outside drives the terminal
//!
//! Commit subjects, author and branch names, goal titles and paths come
//! from git, the config and the file system, and may hold escape sequences
//! (a window title, a cleared screen, a hyperlink, colours) or
//! bidirectional overrides that make a line read otherwise than it is.
//! Every text icu writes for a person goes through [`visible`] here, at the
//! output boundary, whether the stream is a terminal or a pipe (a pipe is
//! read on a terminal later, through `less -R` or `cat`):
//!
//! - warnings, hints, progress, `-v` lines, errors and the panic message
//!   on stderr, and the question `send` asks ([`Term`], [`report_error`],
//!   [`ask_yes_no`]);
//! - the reports on stdout (`explain`, `goals`, `log`, `status`, `check`:
//!   [`print_report`]; `goals`' table makes its cells visible before it
//!   colours its status column);
//! - JSON ([`print_json`]): serde_json already writes the C0 controls as
//!   `\u001b`; DEL, the C1 controls and the bidirectional controls are
//!   written as `\u…` escapes too, which parse to the same strings, so the
//!   output stays valid and exact JSON.
//!
//! The documents — the Markdown update (`draft --print`), an export, the
//! `.eml`, a recap, the template, completions and the man page — are printed
//! byte for byte ([`print_stdout`]): they are files, and the update's own
//! text is made clean where it is composed (`template::escape_markdown`
//! turns control characters into spaces).
//!
//! The visible form: a C0 control is shown in caret notation as `cat -v`
//! shows it (`^[` for ESC, `^M` for a carriage return not followed by a
//! line feed), DEL as `^?`; a C1 control or a bidirectional control as
//! `\u{…}` (`\u{202e}`). A line feed and a tab stay: they are the layout
//! of icu's own messages.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::{Command, ExitStatus};

use anstyle::{AnsiColor, Style};

use crate::cli::ColorChoice;
use crate::error::{Error, ExitCode};

/// How a command talks to the person: stderr with the chosen colour,
/// quiet and verbose as asked.
#[derive(Debug, Clone, Copy)]
pub struct Term {
    pub quiet: bool,
    pub verbose: bool,
    pub color: ColorChoice,
}

impl Term {
    fn stderr(&self) -> anstream::AutoStream<std::io::Stderr> {
        anstream::AutoStream::new(std::io::stderr(), stream_choice(self.color))
    }

    /// Whether stdout gets colour.
    pub fn stdout_color(&self) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
            }
        }
    }

    /// A warning: something was skipped, the rest goes on.
    pub fn warn(&self, msg: &str) {
        self.labelled("warning", AnsiColor::Yellow, msg);
    }

    /// A hint: what to do next.
    pub fn hint(&self, msg: &str) {
        self.labelled("hint", AnsiColor::Cyan, msg);
    }

    fn labelled(&self, label: &str, color: AnsiColor, msg: &str) {
        if self.quiet {
            return;
        }
        let s = Style::new().bold().fg_color(Some(color.into()));
        let _ = writeln!(self.stderr(), "{s}{label}{s:#}: {}", visible(msg));
    }

    /// A line of progress or result on stderr (stdout stays for data).
    pub fn info(&self, msg: &str) {
        if self.quiet {
            return;
        }
        let _ = writeln!(self.stderr(), "{}", visible(msg));
    }

    /// A line only with `--verbose`.
    pub fn debug(&self, msg: &str) {
        if self.verbose {
            let _ = writeln!(self.stderr(), "{}", visible(msg));
        }
    }
}

fn stream_choice(c: ColorChoice) -> anstream::ColorChoice {
    match c {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    }
}

/// Prints an error the way every command reports one. A reader of stdout
/// that went away is told nothing: it is gone, and the person ended it.
pub fn report_error(err: &Error, color: ColorChoice) {
    if matches!(err, Error::BrokenPipe) {
        return;
    }
    let mut out = anstream::AutoStream::new(std::io::stderr(), stream_choice(color));
    let s = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    let text = visible(&err.to_string()).into_owned();
    // Config diagnostics already start with `error:`.
    if text.starts_with("error") {
        let _ = writeln!(out, "{text}");
    } else {
        let _ = writeln!(out, "{s}error{s:#}: {text}");
    }
}

/// No panic reaches the user as a backtrace: it becomes one message that
/// says it is a bug, and the process exits with code 2.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let what = visible(&what);
        let place = visible(&place);
        eprintln!(
            "error: icu hit a bug{place}: {what}\nNo file was left half-written. Please report this with the command you ran."
        );
        std::process::exit(ExitCode::Usage as i32);
    }));
}

/// Whether `c` is shown in its visible form rather than written: a C0
/// control but the line feed and the tab, DEL, a C1 control, or a
/// bidirectional control (the embeddings and overrides U+202A–U+202E, the
/// isolates U+2066–U+2069, the marks U+200E, U+200F and U+061C).
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// `text` with every control that could drive a terminal or reorder a line
/// in its visible form (see the module doc): `^[` for ESC, `^?` for DEL,
/// `\u{202e}` for a C1 or bidirectional control. A carriage return right
/// before a line feed stays (a CRLF line quoted from a file).
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(|c: char| is_hidden(c) || c == '\r') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            '\x7f' => out.push_str("^?"),
            '\0'..='\x1f' if c != '\n' && c != '\t' => {
                out.push('^');
                out.push(char::from(c as u8 + 0x40));
            }
            c if is_hidden(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Prints a report meant to be read (`explain`, `log`, `status`, `check`)
/// on stdout, with every control in its visible form ([`visible`]), to a
/// terminal or not.
pub fn print_report(text: &str) -> Result<(), Error> {
    print_stdout(&visible(text))
}

/// Writes to stdout, byte for byte: for the documents (see the module doc).
/// A pipe whose reader went away (`icu log | head -1`)
/// ends the command quietly with [`Error::BrokenPipe`] (status 141, as git);
/// a stdout that was closed (`icu goals >&-`) is an error, not a silent 0.
pub fn print_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    if stdout_was_closed(&out) {
        return Err(Error::StdoutClosed);
    }
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Error::BrokenPipe),
        Err(e) => Err(Error::Output {
            action: "writing to stdout",
            source: e,
        }),
    }
}

/// True when the process started with stdout closed. Rust's runtime then
/// opens `/dev/null` read-write on that descriptor before `main` (so that no
/// file icu opens lands on it), and every write succeeds into nothing. A
/// shell's `>/dev/null` opens it write-only; only the runtime's stand-in is
/// `/dev/null` opened read-write.
#[cfg(unix)]
fn stdout_was_closed(out: &impl std::os::fd::AsFd) -> bool {
    use rustix::fs::{fstat, major, minor, FileType, OFlags};
    let fd = out.as_fd();
    let Ok(st) = fstat(fd) else {
        // Not even a descriptor: closed after start.
        return true;
    };
    let dev_null = FileType::from_raw_mode(st.st_mode) == FileType::CharacterDevice
        && (major(st.st_rdev), minor(st.st_rdev)) == (1, 3);
    dev_null && rustix::fs::fcntl_getfl(fd).is_ok_and(|f| f & OFlags::RWMODE == OFlags::RDWR)
}

/// True when the process started with no stdout: on Windows its handle is
/// then null (or invalid), and std counts every write to it as done.
#[cfg(windows)]
fn stdout_was_closed(out: &impl std::os::windows::io::AsRawHandle) -> bool {
    let handle = out.as_raw_handle();
    // INVALID_HANDLE_VALUE is -1.
    handle.is_null() || handle as isize == -1
}

/// Writes `value` as pretty JSON and a newline to stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Error> {
    let json = serde_json::to_string_pretty(value).map_err(|e| Error::Output {
        action: "writing JSON",
        source: e.into(),
    })?;
    print_stdout(&format!("{}\n", json_escaped(&json)))
}

/// `json` with DEL, the C1 controls and the bidirectional controls written
/// as `\u…` escapes. They can only be inside strings (JSON's own syntax is
/// ASCII and C0 controls are already escaped), where the escape parses to
/// the same character.
fn json_escaped(json: &str) -> std::borrow::Cow<'_, str> {
    if !json.contains(is_hidden) {
        return std::borrow::Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if is_hidden(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Prints `prompt` on stderr and reads one answer from stdin: yes only for
/// `y` or `yes` (any case); end of input is no.
pub fn ask_yes_no(prompt: &str) -> Result<bool, Error> {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(visible(prompt).as_bytes());
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|source| Error::Output {
            action: "reading the answer",
            source,
        })?;
    Ok(matches!(line.trim().to_lowercase().as_str(), "y" | "yes"))
}

/// Whether stdin and stdout are both a terminal (a person is there).
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// The editor to open a file in, chosen as git chooses it (git's
/// `git_editor`, what `git var GIT_EDITOR` prints): `$GIT_EDITOR`, else
/// `core_editor` (git's `core.editor`, read by the caller), else `$VISUAL`
/// unless the terminal is dumb (`TERM` unset or `dumb`), else `$EDITOR`,
/// else [`DEFAULT_EDITOR`] — except on a dumb terminal, where git refuses
/// to guess and icu opens nothing. An empty value counts as unset; `:`
/// (git's "no editor") is returned as it is. On Windows an unset `TERM` is
/// not dumb: Git for Windows sets `TERM=cygwin` when it is unset, and a
/// Windows console seldom has one.
pub fn editor(vars: &BTreeMap<String, String>, core_editor: Option<&str>) -> Option<String> {
    let set = |k: &str| vars.get(k).filter(|v| !v.trim().is_empty()).cloned();
    let dumb = match vars.get("TERM") {
        Some(t) => t == "dumb",
        None => cfg!(not(windows)),
    };
    set("GIT_EDITOR")
        .or_else(|| {
            core_editor
                .filter(|v| !v.trim().is_empty())
                .map(str::to_string)
        })
        .or_else(|| if dumb { None } else { set("VISUAL") })
        .or_else(|| set("EDITOR"))
        .or_else(|| (!dumb).then(|| DEFAULT_EDITOR.to_string()))
}

/// The editor when none is set: git's `vi`; on Windows `notepad`, which
/// every Windows has (Git for Windows' own `vi` is on no `PATH` outside Git
/// Bash) and which its installer offers as Git's editor.
pub const DEFAULT_EDITOR: &str = if cfg!(windows) { "notepad" } else { "vi" };

/// Characters that make git run an editor through the shell (git's
/// `prepare_shell_cmd`): with one of them, `~/bin/ed`, `$HOME/bin/ed` or
/// `code --wait` is a shell command line, not a program name.
const SHELL_METACHARACTERS: &str = "|&;<>()$`\\\"' \t\n*?[#~=%";

/// Runs `editor` on `file` the way git runs it, and waits: a plain program
/// name directly, anything else as `sh -c '<editor> "$@"' <editor> <file>`,
/// so the shell expands `~` and `$VARS` and splits the words, and the file
/// name is passed as one word, never re-parsed. A shell that could not find
/// or run the command (exit 127 or 126) is an error, like a program that
/// cannot be started.
///
/// On Windows the shell is Git for Windows' `sh`, as Git for Windows runs
/// an editor (`platform::process::posix_shell`); an editor that names a
/// program file (`C:\Program Files\Vim\vim.exe`) runs directly, and
/// without a `sh` the line is split into words as `sh` would split it, and
/// run without one.
pub fn run_editor(editor: &str, file: &Path) -> std::io::Result<ExitStatus> {
    let through_shell = editor.contains(|c| SHELL_METACHARACTERS.contains(c))
        && !(cfg!(windows) && Path::new(editor).is_file());
    let sh = if through_shell {
        crate::platform::process::posix_shell()
    } else {
        None
    };
    let mut cmd = match &sh {
        Some(sh) => {
            let mut c = Command::new(sh);
            c.arg("-c").arg(format!("{editor} \"$@\"")).arg(editor);
            c
        }
        None if through_shell => {
            let words = shell_words::split(editor)
                .ok()
                .filter(|w| !w.is_empty())
                .ok_or_else(|| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        "no sh to run it with, and it is not a command line icu can split",
                    )
                })?;
            let mut c = Command::new(&words[0]);
            c.args(&words[1..]);
            c
        }
        None => Command::new(editor),
    };
    let through_shell = sh.is_some();
    let status = cmd.arg(file).status()?;
    match status.code() {
        Some(127) if through_shell => Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "the shell found no such command (exit 127)",
        )),
        Some(126) if through_shell => Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the shell could not run it (exit 126)",
        )),
        _ => Ok(status),
    }
}

/// How a program icu ran ended, said: `exit code 3`, `killed by signal 9`.
pub fn exit_text(status: std::process::ExitStatus) -> String {
    if let Some(c) = status.code() {
        return format!("exit code {c}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("killed by signal {sig}");
        }
    }
    "killed by a signal".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_are_shown_not_written() {
        assert_eq!(
            visible("plain: ünïcode 新人 🚀\tand\nlines"),
            "plain: ünïcode 新人 🚀\tand\nlines"
        );
        assert_eq!(visible("\x1b]0;pwned\x07\x1b[2J"), "^[]0;pwned^G^[[2J");
        assert_eq!(visible("a\x7fb\u{9b}c\0"), "a^?b\\u{9b}c^@");
        assert_eq!(
            visible("abc\u{202e}fed\u{2066}x\u{2069}\u{200f}"),
            "abc\\u{202e}fed\\u{2066}x\\u{2069}\\u{200f}"
        );
        assert_eq!(visible("kept\r\nline\rover"), "kept\r\nline^Mover");
        // JSON: the same value, escaped.
        let value = serde_json::json!({"s": "a\x1b[31m\u{9b}\x7f\u{202e}b"});
        let json = json_escaped(&serde_json::to_string(&value).unwrap()).into_owned();
        assert!(
            !json.contains(|c: char| c.is_control() || is_hidden(c)),
            "{json:?}"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&json).unwrap(),
            value
        );
    }

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn the_editor_is_chosen_as_git_chooses_it() {
        let t = ("TERM", "xterm");
        let editor = |pairs: &[(&str, &str)]| editor(&vars(pairs), None);
        assert_eq!(
            editor(&[t, ("VISUAL", "vis"), ("EDITOR", "ed")]),
            Some("vis".into())
        );
        assert_eq!(editor(&[t, ("EDITOR", "ed")]), Some("ed".into()));
        assert_eq!(
            editor(&[t, ("VISUAL", " "), ("EDITOR", "ed")]),
            Some("ed".into())
        );
        assert_eq!(editor(&[t]), Some(DEFAULT_EDITOR.into()));
        // A dumb terminal: VISUAL is for full-screen editors, and no guess.
        let dumb = ("TERM", "dumb");
        assert_eq!(
            editor(&[dumb, ("VISUAL", "vis"), ("EDITOR", "ed")]),
            Some("ed".into())
        );
        assert_eq!(editor(&[dumb, ("VISUAL", "vis")]), None);
        // No TERM: dumb, except on Windows (as Git for Windows sees it).
        let no_term = if cfg!(windows) { Some("vis") } else { None };
        assert_eq!(editor(&[("VISUAL", "vis")]), no_term.map(String::from));
    }

    #[cfg(windows)]
    #[test]
    fn without_sh_an_editor_command_line_is_split_and_run() {
        // Run where no sh is found (ci/cross runs this under Wine, which
        // has none): the line is split as sh would split it.
        if crate::platform::process::posix_shell().is_some() {
            eprintln!("a sh is on PATH: this test checked nothing");
            return;
        }
        let file = tempfile::NamedTempFile::new().unwrap();
        let status = run_editor("cmd /c \"exit 3\"", file.path()).unwrap();
        assert_eq!(status.code(), Some(3));
        let e = run_editor("'no such editor' --wait", file.path()).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::NotFound, "{e}");
    }

    #[test]
    fn git_editor_and_core_editor_come_first_as_in_git() {
        let all = vars(&[
            ("TERM", "xterm"),
            ("GIT_EDITOR", "git-ed"),
            ("VISUAL", "vis"),
            ("EDITOR", "ed"),
        ]);
        assert_eq!(editor(&all, Some("core-ed")), Some("git-ed".into()));
        let no_git_editor = vars(&[("TERM", "xterm"), ("VISUAL", "vis"), ("EDITOR", "ed")]);
        assert_eq!(
            editor(&no_git_editor, Some("core-ed")),
            Some("core-ed".into())
        );
        assert_eq!(editor(&no_git_editor, Some("")), Some("vis".into()));
        // Either one is an editor set, so a dumb terminal runs it.
        let dumb = vars(&[("TERM", "dumb")]);
        assert_eq!(editor(&dumb, Some("core-ed")), Some("core-ed".into()));
        let dumb_git = vars(&[("TERM", "dumb"), ("GIT_EDITOR", ":")]);
        assert_eq!(editor(&dumb_git, None), Some(":".into()));
    }
}
