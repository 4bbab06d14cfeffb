//! `icu completions` and `icu man`: generated from the clap definition. The
//! man page is one page, icu(1): every command with its options, then what
//! clap cannot know — the config schema, the environment, the files, the
//! exit status and examples.

use std::fmt::Write as _;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::{Error, ExitCode};

pub fn completions(args: CompletionsArgs) -> Result<ExitCode, Error> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "icu", &mut buf);
    crate::term::print_stdout(&String::from_utf8_lossy(&buf))?;
    Ok(ExitCode::Ok)
}

pub fn man() -> Result<ExitCode, Error> {
    let page = man_page().map_err(|source| Error::Output {
        action: "rendering the man page",
        source,
    })?;
    crate::term::print_stdout(&page)?;
    Ok(ExitCode::Ok)
}

/// What NAME says after `icu \-`: the help's first line without its `icu —`.
const ABOUT: &str = "the clerical half of your regular update to your manager";

/// How wide the schema's lines may be in the page: 80 columns less the 11
/// that man indents an `.RS 4` block by.
const SCHEMA_WIDTH: usize = 69;

/// `schema` with each line that is wider than `width` split: its comment
/// (`  # …`) moved above it, wrapped at `width`, at the key's indent.
fn fit(schema: &str, width: usize) -> String {
    let mut out = String::new();
    for line in schema.lines() {
        let cols = line.chars().count();
        let comment = line.find("  # ").filter(|_| cols > width);
        let Some(at) = comment else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let (code, note) = (line[..at].trim_end(), line[at..].trim_start());
        let indent: String = code.chars().take_while(|c| *c == ' ').collect();
        let mut row = format!("{indent}#");
        for word in note.trim_start_matches('#').split_whitespace() {
            if row.chars().count() + 1 + word.chars().count() > width
                && row.len() > indent.len() + 1
            {
                out.push_str(&row);
                out.push('\n');
                row = format!("{indent}#");
            }
            row.push(' ');
            row.push_str(word);
        }
        out.push_str(&row);
        out.push('\n');
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// icu(1), as roff.
fn man_page() -> std::io::Result<String> {
    let mut cmd = Cli::command()
        .about(ABOUT)
        .long_about(DESCRIPTION)
        .after_help(None::<&str>)
        .after_long_help(None::<&str>);
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone())
        .title("ICU")
        .date(env!("ICU_DATE"));
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    let mut page = String::from_utf8_lossy(&buf).into_owned();
    page.push_str(".SH COMMANDS\n");
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        page.push_str(&command_section(sub)?);
    }
    page.push_str(".SH CONFIGURATION\n");
    page.push_str(CONFIGURATION_INTRO);
    page.push_str(".PP\n.nf\n.RS 4\n");
    for line in fit(config_schema(), SCHEMA_WIDTH).lines() {
        let _ = writeln!(page, "{}", escape(line));
    }
    page.push_str(".RE\n.fi\n");
    page.push_str(SECTIONS);
    let mut version = Vec::new();
    man.render_version_section(&mut version)?;
    page.push_str(&String::from_utf8_lossy(&version));
    // Each part clap_mangen renders defines the quote string again: once
    // is enough.
    let preamble: String = page.lines().take(2).map(|l| format!("{l}\n")).collect();
    Ok(format!("{preamble}{}", page.replace(&preamble, "")))
}

/// One command under COMMANDS: `icu draft [OPTIONS]`, what it does, its own
/// options (the global ones are listed once, above).
fn command_section(sub: &clap::Command) -> std::io::Result<String> {
    let own = sub.clone().mut_args(|a| {
        let shared = a.is_global_set() || ["help", "version"].contains(&a.get_id().as_str());
        a.hide(shared)
    });
    let name = format!("icu {}", sub.get_name());
    let man = clap_mangen::Man::new(own.clone().bin_name(&name));
    let mut synopsis = Vec::new();
    man.render_synopsis_section(&mut synopsis)?;
    let synopsis = String::from_utf8_lossy(&synopsis).replacen(".SH SYNOPSIS\n", "", 1);
    let mut s = format!(".SS \"{name}\"\n{synopsis}.PP\n");
    let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
    let _ = writeln!(s, "{}", escape(&about));
    if own.get_arguments().any(|a| !a.is_hide_set()) {
        let mut options = Vec::new();
        man.render_options_section(&mut options)?;
        let options = String::from_utf8_lossy(&options).replacen(".SH OPTIONS\n", "", 1);
        let _ = write!(s, ".RS 4\n{options}.RE\n");
    }
    Ok(s)
}

/// A line of text as roff reads it literally: backslashes and minus signs
/// escaped, and a leading `.` or `'` kept from being a request.
fn escape(line: &str) -> String {
    let s = line.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

const DESCRIPTION: &str =
    "icu reads the goals you own from a TOML config, finds your commits since \
the last update in your git repositories, and writes a Markdown skeleton with the activity per \
goal, the asks still open, and prompts where your own sentences go. It never writes prose: that \
part is yours.

Run icu draft again while you write: it refreshes the activity blocks and keeps every other byte \
of the file. icu check says what is still unwritten; icu export and icu send take the finished \
update to your manager.";

const CONFIGURATION_INTRO: &str = "icu reads \\fB\\-\\-config\\fR \\fIFILE\\fR, else \
\\fB$ICU_CONFIG\\fR, else \\fIicu.toml\\fR in the config dir (see FILES). \\fBicu init\\fR writes a \
commented one. The whole schema, with each key's default:\n";

/// README.md, whose "Configuration" section holds the config schema: the
/// man page shows that block itself, so the two never disagree.
const README: &str = include_str!("../../README.md");

/// The TOML block of README.md's "Configuration" section.
pub fn config_schema() -> &'static str {
    let section = README
        .find("## Configuration")
        .map_or("", |at| &README[at..]);
    let start = section
        .find("```toml\n")
        .map_or(0, |at| at + "```toml\n".len());
    let body = &section[start..];
    body.find("```").map_or(body, |end| &body[..end])
}

/// ENVIRONMENT, FILES, EXIT STATUS, EXAMPLES and SEE ALSO.
const SECTIONS: &str = r#".SH ENVIRONMENT
.TP
\fBICU_CONFIG\fR
The config file, when \fB\-\-config\fR is not given.
.TP
\fBICU_NOW\fR
The current time, as RFC 3339 (\fI2026\-11\-24T12:00:00+00:00\fR): for tests and for reproducing a run.
.TP
\fBICU_SENDMAIL_TIMEOUT\fR
Seconds \fBicu send\fR waits for the mail program before it stops it (default 60, at most 86400); any other value is a usage error.
.TP
\fBICU_SCAN_TIMEOUT\fR
Seconds the scan of one repository may take before icu gives up on it with a warning (default 10, at most 86400); any other value is a usage error, and \fBicu draft\fR, \fBicu goals\fR and \fBicu template \-\-context\fR stop before they scan.
.TP
\fBNO_COLOR\fR
Set to anything: no colour with \fB\-\-color auto\fR.
.TP
\fBGIT_EDITOR\fR, \fBVISUAL\fR, \fBEDITOR\fR
The editor \fBicu draft\fR opens the draft in on a terminal, chosen as git chooses it: \fBGIT_EDITOR\fR, else git's \fBcore.editor\fR, else \fBVISUAL\fR unless \fBTERM\fR is unset or \fIdumb\fR, else \fBEDITOR\fR, else \fBvi\fR (on a dumb terminal, none). A value with spaces or shell characters (\fI~/bin/ed\fR, \fI$HOME/bin/ed\fR, \fIcode \-\-wait\fR) is run by \fBsh\fR, as git runs it; \fI:\fR opens nothing.
.TP
\fBXDG_CONFIG_HOME\fR, \fBXDG_DATA_HOME\fR
Where the config dir and the data dir are (Linux and macOS).
.TP
\fBGIT_CONFIG_GLOBAL\fR, \fBHOME\fR, \fBGIT_*\fR
Read by git when icu asks it for your identity (\fBgit config\fR, conditional includes such as \fIincludeIf "hasconfig:remote.*.url:..."\fR included).
.SH FILES
.TP
\fI~/.config/icu/icu.toml\fR
The config (\fI$XDG_CONFIG_HOME/icu/icu.toml\fR, on Linux and macOS; \fI%APPDATA%\eicu\econfig\eicu.toml\fR on Windows; on macOS, icu 0.1.0's \fI~/Library/Application Support/icu/\fR while \fI~/.config/icu/\fR does not exist). \fBicu init \-\-force\fR keeps the one it replaces as \fIicu.toml.bak\fR.
.TP
\fI~/.local/share/icu/updates/\fR
The updates dir when \fBupdate.dir\fR is not set (\fI$XDG_DATA_HOME/icu/updates\fR): one \fIYYYY\-MM\-DD.md\fR per update. New updates and the config are created private (0600); a refresh keeps an update's mode and owner, and writes through a symbolic link to its target.
.TP
\fI.YYYY\-MM\-DD.md.bak\fR
Beside an update: the version before the last refresh (or \fB\-\-force\fR) changed it.
.TP
\fI.YYYY\-MM\-DD.md.lock\fR
Beside an update: held while an icu writes or sends it; a second icu stops at once.
.TP
\fI.icu\-XXXXXX.tmp\fR
A write in progress (every write is a temp file renamed into place); one left by a killed run is removed by the next after a minute.
.TP
\fIYYYY\-MM\-DD.eml\fR, \fI.html\fR, \fI.txt\fR, \fI.export.md\fR
Beside an update: what \fBicu export \-\-open\fR writes. Exports are created with the umask (0666 less it).
.SH "EXIT STATUS"
.TP
\fB0\fR
Done as asked.
.TP
\fB1\fR
\fBicu check\fR found the update not ready; \fBicu source\fR found the source incomplete; a send failed; a refusal that protects your text (an edited activity block, an update already sent, an existing config without \fB\-\-force\fR, an existing \fB\-o\fR file without \fB\-\-overwrite\fR); an update that cannot be read as one; the draft was written but the editor could not be started; stdout was closed.
.TP
\fB2\fR
Bad usage (a flag, a date, \fB\-q\fR with \fB\-v\fR) or a bad config; the message names the file, line and column.
.TP
\fB141\fR
The reader of stdout went away (\fIicu log | head \-1\fR): icu stops without a word, as git does.
.SH EXAMPLES
.nf
.RS 4
icu init \-\-to "Grace Hopper <grace@example.com>" \-\-repo ~/src/search
icu draft                      # write or refresh today's update
icu draft \-\-print \-\-since 2w   # the last two weeks, on stdout
icu check && icu send          # send it once every prompt is written
icu export \-\-format html \-o update.html
icu export \-\-format text \-o \- | pbcopy
cat draft.md | icu check \-     # check an update read from stdin
icu status \-\-json | jq .next_due
icu log \-\-json |
  jq \-r '.updates[] | select(.status == "draft") | .file'
icu source github              # what the source github gives today
.RE
.fi
.SH "SEE ALSO"
\fBgit\fR(1), \fBgit\-config\fR(1), \fBsendmail\fR(8), \fBmsmtp\fR(1)
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roff_escapes_requests_backslashes_and_minus_signs() {
        assert_eq!(escape(".name"), "\\&.name");
        assert_eq!(escape("a-b \\d"), "a\\-b \\ed");
    }
}
