//! The terminal: colour (`--color`, `NO_COLOR`), warnings, hints and errors
//! on stderr, data on a stdout that stays quiet on a closed pipe, the panic
//! hook, and whether a person is there. Nothing below `commands` prints.

use std::io::{IsTerminal, Write};

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
        let _ = writeln!(self.stderr(), "{s}{label}{s:#}: {msg}");
    }

    /// A line of progress or result on stderr (stdout stays for data).
    pub fn info(&self, msg: &str) {
        if self.quiet {
            return;
        }
        let _ = writeln!(self.stderr(), "{msg}");
    }

    /// A line only with `--verbose`.
    pub fn debug(&self, msg: &str) {
        if self.verbose {
            let _ = writeln!(self.stderr(), "{msg}");
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

/// Prints an error the way every command reports one.
pub fn report_error(err: &Error, color: ColorChoice) {
    let mut out = anstream::AutoStream::new(std::io::stderr(), stream_choice(color));
    let s = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    let text = err.to_string();
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
        eprintln!(
            "error: icu hit a bug{place}: {what}\nNo file was left half-written. Please report this with the command you ran."
        );
        std::process::exit(ExitCode::Usage as i32);
    }));
}

/// Writes to stdout; a closed pipe (`icu log | head`) ends quietly.
pub fn print_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Output {
            action: "writing to stdout",
            source: e,
        }),
    }
}

/// Writes `value` as pretty JSON and a newline to stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Error> {
    let json = serde_json::to_string_pretty(value).map_err(|e| Error::Output {
        action: "writing JSON",
        source: e.into(),
    })?;
    print_stdout(&format!("{json}\n"))
}

/// Prints `prompt` on stderr and reads one answer from stdin: yes only for
/// `y` or `yes` (any case); end of input is no.
pub fn ask_yes_no(prompt: &str) -> Result<bool, Error> {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(prompt.as_bytes());
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
