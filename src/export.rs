//! The finished update for email: HTML (comrak), plain text (from comrak's
//! AST), an RFC 5322 message (mail-builder), and handing that message to a
//! sendmail-compatible program.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use comrak::nodes::{AstNode, ListType, NodeValue};
use mail_builder::headers::address::Address;
use mail_builder::headers::raw::Raw;
use mail_builder::MessageBuilder;
use wait_timeout::ChildExt;

pub use crate::address::Mailbox;
use crate::address::{check_mailbox, AddressError};

/// Why an export or a send failed. Messages quote the value and say what to
/// change.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// An address in the config that is not an address.
    #[error(transparent)]
    Address(#[from] AddressError),
    /// A header value with a line break: refused rather than sent.
    #[error("the {header} contains a line break or control character; it would let text become a mail header. Write it on one line")]
    HeaderInjection { header: &'static str },
    /// The MIME builder failed.
    #[error("building the message failed: {0}")]
    Build(std::io::Error),
    /// `update.sendmail` is not a command line.
    #[error(
        "update.sendmail `{0}` is not a command line; e.g. \"sendmail -t -i\" or \"msmtp -t\""
    )]
    Command(String),
    /// The program could not be started.
    #[error("cannot run `{program}` ({source}); install it or set update.sendmail in your config. Nothing was sent")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    /// The program ran too long and was stopped.
    #[error("`{command}` did not finish within {secs} s and was stopped; the update was not marked sent{}", printed(.output))]
    Timeout {
        command: String,
        secs: u64,
        output: String,
    },
    /// The program failed.
    #[error("`{command}` failed ({status}); the update was not marked sent{}", printed(.output))]
    Failed {
        command: String,
        status: String,
        output: String,
    },
    /// No program to open the file with.
    #[error("cannot open {path} with `{opener}` ({source}); open it yourself")]
    Open {
        path: String,
        opener: &'static str,
        source: std::io::Error,
    },
}

impl ExportError {
    /// True when the fix is in the config (an address, the subject, the
    /// sendmail command line) rather than in the world (a failed send):
    /// such errors should exit 2, not 1.
    pub fn is_config(&self) -> bool {
        matches!(
            self,
            ExportError::Address(_) | ExportError::HeaderInjection { .. } | ExportError::Command(_)
        )
    }
}

/// What the program printed, indented under the message; nothing if it
/// printed nothing.
fn printed(output: &str) -> String {
    let output = output.trim();
    if output.is_empty() {
        return String::new();
    }
    let mut s = ". It printed:".to_string();
    for line in output.lines() {
        s.push_str("\n  ");
        s.push_str(line);
    }
    s
}

/// Everything but the body of the message.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: String,
    pub date: DateTime<FixedOffset>,
    /// Without angle brackets.
    pub message_id: String,
}

/// A Message-ID (without brackets), stable for the same inputs.
pub fn message_id(date: DateTime<FixedOffset>, from_email: &str, seed: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    seed.hash(&mut h);
    date.timestamp().hash(&mut h);
    from_email.hash(&mut h);
    let domain = from_email
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
        .unwrap_or("icu.invalid");
    format!("icu.{}.{:016x}@{domain}", date.timestamp(), h.finish())
}

fn comrak_options() -> comrak::Options<'static> {
    let mut o = comrak::Options::default();
    o.extension.table = true;
    o.extension.tasklist = true;
    o.extension.autolink = true;
    o.extension.strikethrough = true;
    // Raw HTML from the doc is omitted and dangerous URLs (javascript:,
    // vbscript:, file:, data:) are dropped: comrak's safe mode.
    o.render.r#unsafe = false;
    o
}

const STYLE: &str = "body{font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328;max-width:42em;margin:0 auto;padding:1em}\
h1{font-size:1.5em;margin:0 0 .5em}h2{font-size:1.25em;margin:1.2em 0 .4em;border-bottom:1px solid #d1d9e0;padding-bottom:.2em}h3{font-size:1.05em;margin:1em 0 .3em}\
ul,ol{padding-left:1.5em;margin:.3em 0}li{margin:.1em 0}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;background:#f6f8fa;padding:.1em .3em;border-radius:3px}\
pre{background:#f6f8fa;padding:.6em;border-radius:4px;overflow:auto}a{color:#0969da}table{border-collapse:collapse}td,th{border:1px solid #d1d9e0;padding:.2em .5em}";

/// The box drawn for an open (`- [ ]`) and a done (`- [x]`) task item in HTML.
const TASK_OPEN: &str = "\u{2610} ";
const TASK_DONE: &str = "\u{2611} ";

/// The update as a complete HTML document titled `title`.
///
/// Task items are drawn as ☐/☑ text rather than comrak's
/// `<input type="checkbox">`: mail clients (Gmail, Outlook) strip form
/// elements, which would make an open ask look the same as a done one.
pub fn to_html(md: &str, title: &str) -> String {
    let options = comrak_options();
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, md, &options);
    let tasks: Vec<_> = root
        .descendants()
        .filter(|n| matches!(n.data().value, NodeValue::TaskItem(_)))
        .collect();
    for item in tasks {
        task_as_text(&arena, item);
    }
    let mut body = String::new();
    // Writing to a String cannot fail; an empty body is the worst outcome.
    let _ = comrak::format_html(root, &options, &mut body);
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        html_escape(title)
    )
}

/// Turns a task item into a plain list item whose text starts with a box.
fn task_as_text<'a>(arena: &'a comrak::Arena<'a>, item: &'a AstNode<'a>) {
    let done = match &item.data().value {
        NodeValue::TaskItem(t) => t.symbol.is_some(),
        _ => return,
    };
    let Some(list) = item.parent().and_then(|p| match &p.data().value {
        NodeValue::List(l) => Some(*l),
        _ => None,
    }) else {
        return;
    };
    item.data_mut().value = NodeValue::Item(list);
    let mark = arena.alloc(AstNode::from(NodeValue::Text(
        if done { TASK_DONE } else { TASK_OPEN }.into(),
    )));
    match item.first_child() {
        Some(p) if matches!(p.data().value, NodeValue::Paragraph) => p.prepend(mark),
        _ => {
            let p = arena.alloc(AstNode::from(NodeValue::Paragraph));
            p.append(mark);
            item.prepend(p);
        }
    }
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The update as plain text for plain-text mail: headings underlined (`=`
/// for level 1, `-` for level 2, bare text below that), lists as `-` (task
/// items as `[ ]`/`[x]`), links as `text (url)`, tables as aligned columns,
/// emphasis, backslash escapes and raw HTML gone. Lines are not re-wrapped:
/// mail clients wrap, and a commit subject stays on its line.
pub fn to_text(md: &str) -> String {
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, md, &comrak_options());
    let mut text = block_lines(root).join("\n");
    text.push('\n');
    text
}

/// The lines of a block node, with no blank line at either end.
fn block_lines<'a>(node: &'a AstNode<'a>) -> Vec<String> {
    let value = node.data().value.clone();
    match value {
        NodeValue::Heading(h) => {
            let text = inlines(node).replace('\n', " ");
            let under = match h.level {
                1 => Some("="),
                2 => Some("-"),
                _ => None,
            };
            let mut lines = vec![text.clone()];
            if let Some(u) = under {
                lines.push(u.repeat(text.chars().count().max(3)));
            }
            lines
        }
        NodeValue::Paragraph => inlines(node).lines().map(str::to_string).collect(),
        NodeValue::List(l) => {
            let mut lines = Vec::new();
            for (n, item) in node.children().enumerate() {
                let mut marker = match l.list_type {
                    ListType::Bullet => "- ".to_string(),
                    ListType::Ordered => format!("{}. ", l.start + n),
                };
                if let NodeValue::TaskItem(t) = &item.data().value {
                    marker.push_str(if t.symbol.is_some() { "[x] " } else { "[ ] " });
                }
                if n > 0 && !l.tight {
                    lines.push(String::new());
                }
                let pad = " ".repeat(marker.chars().count());
                let body = children_lines(item, l.tight);
                if body.is_empty() {
                    lines.push(marker.trim_end().to_string());
                }
                for (i, line) in body.into_iter().enumerate() {
                    lines.push(match (i, line.is_empty()) {
                        (0, _) => format!("{marker}{line}"),
                        (_, true) => line,
                        _ => format!("{pad}{line}"),
                    });
                }
            }
            lines
        }
        NodeValue::CodeBlock(c) => c
            .literal
            .lines()
            .map(|l| {
                if l.trim().is_empty() {
                    String::new()
                } else {
                    format!("    {l}")
                }
            })
            .collect(),
        NodeValue::BlockQuote => children_lines(node, false)
            .into_iter()
            .map(|l| {
                if l.is_empty() {
                    ">".to_string()
                } else {
                    format!("> {l}")
                }
            })
            .collect(),
        NodeValue::ThematicBreak => vec!["----".to_string()],
        NodeValue::Table(_) => table_lines(node),
        NodeValue::HtmlBlock(_) => Vec::new(),
        _ => children_lines(node, false),
    }
}

/// The block children of `node`, a blank line between them unless `tight`.
fn children_lines<'a>(node: &'a AstNode<'a>, tight: bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for child in node.children() {
        let block = block_lines(child);
        if block.is_empty() {
            continue;
        }
        if !lines.is_empty() && !tight {
            lines.push(String::new());
        }
        lines.extend(block);
    }
    lines
}

/// A table as columns padded to the same width, the header underlined.
fn table_lines<'a>(node: &'a AstNode<'a>) -> Vec<String> {
    let rows: Vec<Vec<String>> = node
        .children()
        .map(|row| {
            row.children()
                .map(|cell| inlines(cell).replace('\n', " "))
                .collect()
        })
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |c: usize| {
        rows.iter()
            .filter_map(|r| r.get(c))
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..columns).map(width).collect();
    let line = |cells: Vec<String>| cells.join(" | ").trim_end().to_string();
    let mut lines = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let cells = widths
            .iter()
            .enumerate()
            .map(|(c, w)| {
                let s = row.get(c).map(String::as_str).unwrap_or("");
                format!("{s}{}", " ".repeat(w - s.chars().count()))
            })
            .collect();
        lines.push(line(cells));
        if i == 0 {
            lines.push(line(widths.iter().map(|w| "-".repeat(*w)).collect()));
        }
    }
    lines
}

/// The text of an inline container.
fn inlines<'a>(node: &'a AstNode<'a>) -> String {
    let mut s = String::new();
    for child in node.children() {
        inline(child, &mut s);
    }
    s
}

fn inline<'a>(node: &'a AstNode<'a>, out: &mut String) {
    let value = node.data().value.clone();
    match value {
        NodeValue::Text(t) => out.push_str(&t),
        NodeValue::Code(c) => out.push_str(&c.literal),
        NodeValue::SoftBreak | NodeValue::LineBreak => out.push('\n'),
        NodeValue::HtmlInline(_) | NodeValue::Raw(_) => {}
        NodeValue::Link(l) => {
            let text = inlines(node);
            out.push_str(&text);
            let url = l.url.strip_prefix("mailto:").unwrap_or(&l.url);
            if !url.is_empty() && text != url {
                out.push_str(&format!(" ({})", l.url));
            }
        }
        NodeValue::Image(l) => {
            out.push_str(&inlines(node));
            out.push_str(&format!(" ({})", l.url));
        }
        _ => {
            for child in node.children() {
                inline(child, out);
            }
        }
    }
}

/// The update as an email draft: multipart/alternative (text/plain and
/// text/html, UTF-8), with `X-Unsent: 1` so that mail clients open it as a
/// draft to send.
pub fn to_eml(env: &Envelope, md: &str) -> Result<Vec<u8>, ExportError> {
    // The last line of defence: no header value may carry a line break (a
    // new header) or another control character, whoever built the envelope.
    for (header, v) in [
        ("subject", env.subject.as_str()),
        ("Message-ID", env.message_id.as_str()),
    ] {
        if v.chars().any(char::is_control) {
            return Err(ExportError::HeaderInjection { header });
        }
    }
    let all = std::iter::once(&env.from).chain(&env.to).chain(&env.cc);
    for m in all {
        if m.name
            .as_deref()
            .unwrap_or("")
            .chars()
            .any(char::is_control)
        {
            return Err(ExportError::HeaderInjection {
                header: "name of a sender or recipient",
            });
        }
        check_mailbox(m)?;
    }
    let addr = |m: &Mailbox| Address::new_address(m.name.clone(), m.email.clone());
    let list = |v: &[Mailbox]| Address::new_list(v.iter().map(addr).collect());
    let mut b = MessageBuilder::new()
        .from(addr(&env.from))
        .to(list(&env.to))
        .subject(env.subject.clone())
        .date(env.date.timestamp())
        .message_id(env.message_id.clone())
        .header("X-Unsent", Raw::new("1"))
        .text_body(to_text(md))
        .html_body(to_html(md, &env.subject));
    if !env.cc.is_empty() {
        b = b.cc(list(&env.cc));
    }
    b.write_to_vec().map_err(ExportError::Build)
}

/// How much of what the program prints is kept for the error message.
const OUTPUT_KEPT: usize = 16 * 1024;

/// How long, after the program exits, icu waits for the rest of its output
/// and for its stdin to be taken: a background child it left behind may hold
/// the pipes open for ever.
const AFTER_EXIT: Duration = Duration::from_millis(500);

/// Pipes `message` to the command line `cmd` and waits up to `timeout`.
/// Succeeds only when the program read the whole message and exited 0.
///
/// `cmd` is split like a shell would (`shell-words`) but run without one.
/// stdin is written and stdout/stderr are read on their own threads, so a
/// program that does not read, or prints a lot, cannot block icu; on timeout
/// the program is killed.
pub fn sendmail(cmd: &str, message: &[u8], timeout: Duration) -> Result<(), ExportError> {
    let words = shell_words::split(cmd).map_err(|_| ExportError::Command(cmd.to_string()))?;
    let Some((program, args)) = words.split_first() else {
        return Err(ExportError::Command(cmd.to_string()));
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| ExportError::Spawn {
            program: program.clone(),
            source,
        })?;
    let written = match child.stdin.take() {
        Some(mut stdin) => {
            let bytes = message.to_vec();
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                // Dropping stdin at the end closes it: the program sees EOF.
                let _ = tx.send(stdin.write_all(&bytes));
            });
            rx
        }
        None => mpsc::channel().1,
    };
    let stderr = capture(child.stderr.take());
    let stdout = capture(child.stdout.take());
    let status = match child.wait_timeout(timeout) {
        Ok(Some(s)) => s,
        Ok(None) | Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            let deadline = Instant::now() + AFTER_EXIT;
            return Err(ExportError::Timeout {
                command: cmd.to_string(),
                secs: timeout.as_secs().max(1),
                output: output(stderr, stdout, deadline),
            });
        }
    };
    let deadline = Instant::now() + AFTER_EXIT;
    let write = written.recv_timeout(AFTER_EXIT);
    let printed = output(stderr, stdout, deadline);
    if !status.success() {
        return Err(ExportError::Failed {
            command: cmd.to_string(),
            status: describe(status),
            output: printed,
        });
    }
    match write {
        Ok(Ok(())) => Ok(()),
        // It exited 0 without taking the message: nothing says it was sent.
        _ => Err(ExportError::Failed {
            command: cmd.to_string(),
            status: "exit code 0 before reading the whole message".to_string(),
            output: printed,
        }),
    }
}

fn describe(status: std::process::ExitStatus) -> String {
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

/// Reads a pipe on a thread until EOF, sending up to [`OUTPUT_KEPT`] bytes
/// and dropping the rest (still read, so the program is never blocked).
fn capture<R: Read + Send + 'static>(pipe: Option<R>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    if let Some(mut pipe) = pipe {
        std::thread::spawn(move || {
            let mut kept = 0;
            let mut chunk = [0u8; 8192];
            while let Ok(n @ 1..) = pipe.read(&mut chunk) {
                let keep = n.min(OUTPUT_KEPT - kept);
                if keep > 0 {
                    kept += keep;
                    if tx.send(chunk[..keep].to_vec()).is_err() {
                        return;
                    }
                }
            }
        });
    }
    rx
}

/// What the program printed (stderr first) by `deadline`, trimmed.
fn output(
    stderr: mpsc::Receiver<Vec<u8>>,
    stdout: mpsc::Receiver<Vec<u8>>,
    deadline: Instant,
) -> String {
    let collect = |rx: mpsc::Receiver<Vec<u8>>| {
        let mut all = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(bytes) => all.extend(bytes),
                Err(_) => break,
            }
        }
        let mut text = String::from_utf8_lossy(&all).trim().to_string();
        if all.len() >= OUTPUT_KEPT {
            text.push_str("\n[… more output not shown]");
        }
        text
    };
    let err = collect(stderr);
    let out = collect(stdout);
    match (err.is_empty(), out.is_empty()) {
        (_, true) => err,
        (true, false) => out,
        (false, false) => format!("{err}\n{out}"),
    }
}

/// Opens `path` with the desktop's default application.
pub fn open_with_default_app(path: &Path) -> Result<(), ExportError> {
    let (opener, pre): (&'static str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let status = Command::new(opener)
        .args(pre)
        .arg(path)
        .stdin(Stdio::null())
        .status()
        .map_err(|source| ExportError::Open {
            path: path.display().to_string(),
            opener,
            source,
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(ExportError::Open {
            path: path.display().to_string(),
            opener,
            source: std::io::Error::other(format!("it exited with {status}")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::parse_mailbox;
    use crate::doc::render::escape_markdown;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn hostile_markdown_never_becomes_live_html() {
        let subjects = [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "<img src=x onerror=alert(1)>",
            "*bold* `code` ![i](javascript:x)",
        ];
        for s in subjects {
            let escaped = format!("- {}\n", escape_markdown(s));
            let html = to_html(&escaped, "t");
            assert!(!html.contains("<script"), "{html}");
            assert!(!html.contains("<img"), "{html}");
            assert!(!html.contains("href=\"javascript"), "{html}");
            assert!(!html.contains("<em>"), "{html}");
            // Raw, unescaped: comrak's safe mode still keeps it inert.
            let raw = to_html(&format!("{s}\n\n<iframe src=x></iframe>\n"), "t");
            assert!(
                !raw.contains("<script") && !raw.contains("<iframe") && !raw.contains("onerror"),
                "{raw}"
            );
            assert!(!raw.contains("javascript:"), "{raw}");
        }
        assert!(to_html("x", "<b>T</b>").contains("<title>&lt;b&gt;T&lt;/b&gt;</title>"));
    }

    #[test]
    fn the_persons_markdown_renders() {
        let html = to_html("## Goals\n\n- [x] done\n- [ ] open\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nsee https://example.com and *this*\n", "t");
        assert!(html.contains("<h2>Goals</h2>"));
        // Mail clients strip form elements: the boxes are text.
        assert!(html.contains("<li>\u{2611} done</li>"), "{html}");
        assert!(html.contains("<li>\u{2610} open</li>"), "{html}");
        assert!(!html.contains("<input"), "{html}");
        assert!(html.contains("<table>"));
        assert!(html.contains("<a href=\"https://example.com\">"));
        assert!(html.contains("<em>this</em>"));
    }

    #[test]
    fn plain_text_reads_like_text() {
        let md = format!(
            "# Update — 23 Nov\n\n## Goals\n\n### Search\n\nShipped the *cache*, see [the doc](https://x.org/d).\n\n- 2 commits in search\n  - {} (abc1234)\n\n## Help\n\n- [ ] Access to `prod`\n- [x] Budget\n",
            escape_markdown("Fix <b>*all*</b> [links](javascript:x)")
        );
        let text = to_text(&md);
        assert_eq!(
            text,
            "Update — 23 Nov\n===============\n\nGoals\n-----\n\nSearch\n\nShipped the cache, see the doc (https://x.org/d).\n\n- 2 commits in search\n  - Fix <b>*all*</b> [links](javascript:x) (abc1234)\n\nHelp\n----\n\n- [ ] Access to prod\n- [x] Budget\n"
        );
    }

    #[test]
    fn plain_text_nests_quotes_tables_and_code() {
        let md = "- - a\n  - b\n- c\n\n> quote\n> - x\n\n| a | bee |\n|---|:-:|\n| `xyzzy` | **y** |\n\n```\nfn x() {}\n\nfn y() {}\n```\n\n<div>\nraw html\n</div>\n\n1. [ ] ask\n\n   more\n2. [x] done\n";
        assert_eq!(
            to_text(md),
            "- - a\n  - b\n- c\n\n> quote\n>\n> - x\n\na     | bee\n----- | ---\nxyzzy | y\n\n    fn x() {}\n\n    fn y() {}\n\n1. [ ] ask\n\n       more\n\n2. [x] done\n"
        );
    }

    fn envelope(subject: &str, name: &str) -> Envelope {
        Envelope {
            from: Mailbox {
                name: Some(name.into()),
                email: "ada@example.com".into(),
            },
            to: vec![parse_mailbox("Grace Hopper <grace@example.com>").unwrap()],
            cc: vec![parse_mailbox("alan@example.com").unwrap()],
            subject: subject.into(),
            date: t("2026-11-24T12:00:00+00:00"),
            message_id: message_id(t("2026-11-24T12:00:00Z"), "ada@example.com", "seed"),
        }
    }

    #[test]
    fn the_eml_is_a_real_multipart_message() {
        let env = envelope("Ünïcødé — update 9 Nov to 23 Nov", "Zoë Ørsted");
        let bytes = to_eml(&env, "## Summary\n\nAll *good*.\n").unwrap();
        let raw = String::from_utf8_lossy(&bytes);
        assert!(raw.is_ascii(), "headers and bodies are encoded: {raw}");
        let msg = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        assert_eq!(msg.subject(), Some("Ünïcødé — update 9 Nov to 23 Nov"));
        let from = msg.from().unwrap().first().unwrap();
        assert_eq!(from.name(), Some("Zoë Ørsted"));
        assert_eq!(from.address(), Some("ada@example.com"));
        assert_eq!(
            msg.to().unwrap().first().unwrap().address(),
            Some("grace@example.com")
        );
        assert_eq!(
            msg.cc().unwrap().first().unwrap().address(),
            Some("alan@example.com")
        );
        assert_eq!(msg.message_id(), Some(env.message_id.as_str()));
        assert_eq!(msg.date().unwrap().to_timestamp(), env.date.timestamp());
        assert_eq!(msg.header_raw("X-Unsent").map(str::trim), Some("1"));
        use mail_parser::MimeHeaders;
        let ct = msg.content_type().unwrap();
        assert_eq!(
            (ct.ctype(), ct.subtype()),
            ("multipart", Some("alternative"))
        );
        assert_eq!(
            msg.body_text(0).unwrap().replace("\r\n", "\n").trim_end(),
            "Summary\n-------\n\nAll good."
        );
        assert!(msg.body_html(0).unwrap().contains("<em>good</em>"));
        assert!(msg
            .body_html(0)
            .unwrap()
            .contains("<title>Ünïcødé — update 9 Nov to 23 Nov</title>"));
        let parts: Vec<(String, Option<String>)> = msg
            .parts
            .iter()
            .skip(1)
            .map(|p| {
                let ct = p.content_type().unwrap();
                (
                    format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")),
                    ct.attribute("charset").map(str::to_ascii_lowercase),
                )
            })
            .collect();
        let utf8 = Some("utf-8".to_string());
        assert_eq!(
            parts,
            vec![
                ("text/plain".to_string(), utf8.clone()),
                ("text/html".to_string(), utf8)
            ]
        );
    }

    #[test]
    fn awkward_names_survive_the_round_trip() {
        let mut env = envelope("s", "Ada \"The Countess\" Lovelace");
        env.to = vec![parse_mailbox("\"Hopper, Grace\" <grace@example.com>").unwrap()];
        let bytes = to_eml(&env, "x").unwrap();
        let msg = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        let from = msg.from().unwrap().first().unwrap();
        assert_eq!(from.name(), Some("Ada \"The Countess\" Lovelace"));
        let to: Vec<_> = msg.to().unwrap().iter().collect();
        assert_eq!(to.len(), 1, "the comma does not split the name");
        assert_eq!(to[0].name(), Some("Hopper, Grace"));
        assert_eq!(to[0].address(), Some("grace@example.com"));
    }

    #[test]
    fn an_address_that_is_not_one_is_refused_even_when_built_by_hand() {
        let mut env = envelope("s", "Ada");
        env.from.email = "ada at example.com".into();
        let e = to_eml(&env, "x").unwrap_err();
        assert!(e.to_string().contains("`ada at example.com`"), "{e}");
        let mut env = envelope("s", "Ada");
        env.to[0].email = "zoë@exämple.com".into();
        assert!(matches!(to_eml(&env, "x"), Err(ExportError::Address(_))));
    }

    #[test]
    fn no_header_can_be_injected() {
        let env = envelope("Hi\r\nBcc: evil@example.com", "Ada");
        assert!(matches!(
            to_eml(&env, "x"),
            Err(ExportError::HeaderInjection { .. })
        ));
        let env = envelope("Hi", "Ada\nBcc: evil@example.com");
        assert!(matches!(
            to_eml(&env, "x"),
            Err(ExportError::HeaderInjection { .. })
        ));
        let mut env = envelope("Hi", "Ada");
        env.cc[0].name = Some("Alan\r\nBcc: evil@example.com".into());
        assert!(to_eml(&env, "x").is_err());
        let mut env = envelope("Hi", "Ada");
        env.message_id = "x@y>\r\nBcc: evil@example.com".into();
        assert!(to_eml(&env, "x").is_err());
        // Through the config's door: the address parser refuses it first.
        assert!(crate::address::parse_mailbox("Alan <a@b.c>\r\nBcc: evil@example.com").is_err());
        // And a subject on one line that merely mentions a header stays one.
        let env = envelope("Hi Bcc: evil@example.com", "Ada");
        let bytes = to_eml(&env, "x").unwrap();
        let msg = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        assert!(msg.header_raw("Bcc").is_none());
        assert_eq!(msg.subject(), Some("Hi Bcc: evil@example.com"));
    }

    #[test]
    fn message_ids_are_stable_and_look_like_ids() {
        let a = message_id(t("2026-11-24T12:00:00Z"), "ada@example.com", "s");
        assert_eq!(
            a,
            message_id(t("2026-11-24T12:00:00Z"), "ada@example.com", "s")
        );
        assert_ne!(
            a,
            message_id(t("2026-11-24T12:00:00Z"), "ada@example.com", "t")
        );
        assert!(a.ends_with("@example.com"));
    }

    #[test]
    fn sendmail_reports_failure_output_and_timeouts() {
        sendmail("cat", b"hello", Duration::from_secs(5)).unwrap();
        let e = sendmail(
            "sh -c 'echo relay refused >&2; exit 3'",
            b"m",
            Duration::from_secs(5),
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("exit code 3") && text.contains("relay refused"),
            "{text}"
        );
        let e = sendmail("sleep 10", b"m", Duration::from_millis(300)).unwrap_err();
        assert!(matches!(e, ExportError::Timeout { .. }), "{e}");
        let e = sendmail("no-such-sendmail -t", b"m", Duration::from_secs(1)).unwrap_err();
        assert!(e.to_string().contains("no-such-sendmail"), "{e}");
        assert!(e.to_string().contains("update.sendmail"), "{e}");
        let e = sendmail("msmtp 'unclosed", b"m", Duration::from_secs(1)).unwrap_err();
        assert!(matches!(e, ExportError::Command(_)), "{e}");
    }

    #[test]
    fn sendmail_failure_reads_as_a_message() {
        let e = sendmail(
            "sh -c 'cat >/dev/null; printf \"msmtp: server said:\\n  554 no\\n\" >&2; exit 75'",
            b"m",
            Duration::from_secs(5),
        )
        .unwrap_err();
        assert!(
            e.to_string().ends_with(
                "failed (exit code 75); the update was not marked sent. It printed:\n  msmtp: server said:\n    554 no"
            ),
            "{e}"
        );
    }

    #[test]
    fn a_timeout_shows_what_the_program_said_so_far() {
        let e = sendmail(
            "sh -c 'echo connecting to smtp.example.com >&2; exec sleep 10'",
            b"m",
            Duration::from_millis(500),
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("did not finish within 1 s") && text.contains("connecting to smtp"),
            "{text}"
        );
    }

    #[test]
    fn exiting_0_without_reading_the_message_is_not_a_send() {
        let big = vec![b'x'; 1 << 20];
        let e = sendmail("true", &big, Duration::from_secs(5)).unwrap_err();
        assert!(
            e.to_string().contains("before reading the whole message"),
            "{e}"
        );
        sendmail("cat", &big, Duration::from_secs(5)).unwrap();
    }

    #[test]
    fn a_background_child_holding_the_pipes_does_not_hold_icu() {
        let started = std::time::Instant::now();
        sendmail(
            "sh -c 'cat >/dev/null; sleep 3 & exit 0'",
            b"m",
            Duration::from_secs(10),
        )
        .unwrap();
        assert!(started.elapsed() < Duration::from_millis(2500));
    }

    #[test]
    fn a_flood_of_output_is_cut() {
        let e = sendmail(
            "sh -c 'cat >/dev/null; head -c 1000000 /dev/zero | tr \"\\0\" x >&2; exit 1'",
            b"m",
            Duration::from_secs(10),
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(text.len() < 2 * OUTPUT_KEPT, "{}", text.len());
        assert!(text.ends_with("[… more output not shown]"), "{text:.200}");
    }
}
