//! `icu send` end to end: a real sendmail-compatible program (msmtp) delivers
//! the update to a real SMTP server on 127.0.0.1 (aiosmtpd, started by the
//! test), and only a clean exit marks the update sent.
//!
//! Needs `msmtp` and Python's `aiosmtpd`: `ci/install-send-deps.sh` installs
//! both (`ci/test`, the README's test command, runs it first).

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use crate::common::{toml_str, Drafted, DraftedWorld, ME};
use predicates::prelude::*;

/// Fails (does not skip) when the tools are missing: a green run must mean
/// the mail really went through. `ICU_SKIP_SEND_E2E=1` skips on purpose,
/// and says so; the caller returns when this is false.
#[must_use]
fn require_tools() -> bool {
    if std::env::var("ICU_SKIP_SEND_E2E").is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED: ICU_SKIP_SEND_E2E=1, no mail went through");
        return false;
    }
    let msmtp = StdCommand::new("msmtp")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let aiosmtpd = StdCommand::new("python3")
        .args(["-c", "import aiosmtpd"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        msmtp && aiosmtpd,
        "the end-to-end send test needs msmtp (found: {msmtp}) and Python's aiosmtpd (found: {aiosmtpd}): \
         run ci/test (or ci/install-send-deps.sh), or set ICU_SKIP_SEND_E2E=1 to skip it"
    );
    true
}

/// The SMTP server; stopped when dropped.
struct Sink {
    child: Child,
    port: u16,
    out: PathBuf,
}

impl Sink {
    fn start(out: &Path) -> Sink {
        fs::create_dir_all(out).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py");
        let mut child = StdCommand::new("python3")
            .arg(script)
            .args(["--port", "0", "--out"])
            .arg(out)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP sink");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the sink prints its port");
        Sink {
            child,
            port,
            out: out.to_path_buf(),
        }
    }

    /// The first message received: raw bytes and envelope recipients.
    fn received(&self) -> Option<(Vec<u8>, Vec<String>)> {
        let deadline = Instant::now() + Duration::from_secs(5);
        let eml = self.out.join("1.eml");
        while !eml.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let bytes = fs::read(&eml).ok()?;
        let env: serde_json::Value =
            serde_json::from_slice(&fs::read(self.out.join("1.json")).unwrap()).unwrap();
        let mut rcpt: Vec<String> = env["rcpt_tos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        rcpt.sort();
        Some((bytes, rcpt))
    }
}

impl Sink {
    /// The envelope sender (SMTP `MAIL FROM`) of the first message received.
    fn mail_from(&self) -> String {
        self.received().expect("a message arrived");
        let env: serde_json::Value =
            serde_json::from_slice(&fs::read(self.out.join("1.json")).unwrap()).unwrap();
        env["mail_from"].as_str().unwrap().to_string()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A drafted update, finished by hand, whose `update.sendmail` is `sendmail`;
/// a cc with a quoted name that is not ASCII.
fn world(sendmail: &str) -> Drafted {
    world_with(sendmail, "")
}

/// [`world`] with `extra` lines at the end of `[update]`.
fn world_with(sendmail: &str, extra: &str) -> Drafted {
    DraftedWorld {
        cc: &["\"Käy, Ålan\" <alan@example.com>"],
        update: &format!("sendmail = {}\n{extra}", toml_str(sendmail)),
        ..DraftedWorld::default()
    }
    .finished()
}

/// The SMTP sink and a world whose `update.sendmail` is msmtp delivering to
/// it; the temp dir holds the sink's inbox and msmtp's config.
fn msmtp_world() -> (tempfile::TempDir, Sink, Drafted) {
    msmtp_world_with("")
}

/// [`msmtp_world`] with `extra` lines at the end of `[update]`.
fn msmtp_world_with(extra: &str) -> (tempfile::TempDir, Sink, Drafted) {
    let tmp = tempfile::tempdir().unwrap();
    let sink = Sink::start(&tmp.path().join("inbox"));
    let rc = tmp.path().join("msmtprc");
    fs::write(
        &rc,
        format!(
            "defaults\nauth off\ntls off\n\naccount default\nhost 127.0.0.1\nport {}\nfrom {ME}\n",
            sink.port
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&rc, fs::Permissions::from_mode(0o600)).unwrap();
    let w = world_with(&format!("msmtp -C {} -t", rc.display()), extra);
    (tmp, sink, w)
}

#[test]
fn an_update_goes_through_msmtp_to_a_real_smtp_server_and_is_marked_sent() {
    if !require_tools() {
        return;
    }
    let (_tmp, sink, w) = msmtp_world();
    w.icu(&["send", "--yes"])
        .success()
        .stderr(predicate::str::contains("marked it sent"));

    let (bytes, rcpt) = sink.received().expect("a message arrived");
    assert_eq!(rcpt, vec!["alan@example.com", "grace@example.com"]);
    let msg = mail_parser::MessageParser::default().parse(&bytes).unwrap();
    assert_eq!(msg.subject(), Some("Update from Ada Lovelace"));
    assert_eq!(msg.from().unwrap().first().unwrap().address(), Some(ME));
    assert_eq!(
        msg.from().unwrap().first().unwrap().name(),
        Some("Ada Lovelace")
    );
    let addresses = |a: Option<&mail_parser::Address>| -> Vec<String> {
        a.unwrap()
            .iter()
            .map(|m| m.address().unwrap().to_string())
            .collect()
    };
    assert_eq!(addresses(msg.to()), vec!["grace@example.com"]);
    assert_eq!(addresses(msg.cc()), vec!["alan@example.com"]);
    assert_eq!(
        msg.cc().unwrap().first().unwrap().name(),
        Some("Käy, Ålan"),
        "a non-ASCII quoted name survives SMTP"
    );
    assert!(
        bytes.is_ascii(),
        "7-bit clean on the wire: {}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(msg.header_raw("Bcc").is_none());
    assert!(
        msg.header_raw("X-Unsent").is_none(),
        "a sent mail is not a draft: no X-Unsent"
    );
    assert_eq!(
        msg.date().unwrap().to_rfc3339(),
        "2026-11-24T12:00:00Z",
        "the Date is icu's now"
    );
    assert!(msg
        .message_id()
        .is_some_and(|id| id.ends_with("@example.com")));
    use mail_parser::MimeHeaders;
    let ct = msg.content_type().unwrap();
    assert_eq!(
        (ct.ctype(), ct.subtype()),
        ("multipart", Some("alternative"))
    );
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
    assert_eq!(
        parts,
        vec![
            ("text/plain".to_string(), Some("utf-8".to_string())),
            ("text/html".to_string(), Some("utf-8".to_string())),
        ]
    );
    assert!(msg.body_text(0).unwrap().contains("Written by hand."));
    assert!(msg.body_text(0).unwrap().contains("Add tiered cache"));
    assert!(msg.body_html(0).unwrap().contains(">Written by hand.</p>"));

    let doc = w.doc_text();
    assert!(doc.contains("status = \"sent\""), "{doc}");
    assert!(doc.contains("sent = 2026-11-24T12:00:00Z"), "{doc}");
}

/// `update.from` reaches the SMTP server as the envelope sender (`MAIL
/// FROM`): icu gives msmtp `-f`; with `envelope_from = false` msmtp uses its
/// account's `from`.
#[test]
fn from_is_the_envelope_sender_the_smtp_server_receives() {
    if !require_tools() {
        return;
    }
    let from = "from = \"Ada Lovelace <ada@work.example>\"";
    let (_tmp, sink, w) = msmtp_world_with(from);
    w.icu(&["send", "--yes"]).success();
    assert_eq!(sink.mail_from(), "ada@work.example");

    let (_tmp, sink, w) = msmtp_world_with(&format!("{from}\nenvelope_from = false"));
    w.icu(&["send", "--yes"]).success();
    assert_eq!(sink.mail_from(), ME, "the msmtp account's own from");
}

/// A Bcc recipient gets the mail through the real mail program and SMTP
/// server, and nothing the server received names them; From and Reply-To
/// are as configured.
#[test]
fn a_bcc_recipient_gets_the_mail_and_no_header_names_them() {
    if !require_tools() {
        return;
    }
    let (_tmp, sink, w) = msmtp_world_with(
        "from = \"Ada Lovelace <ada@example.com>\"\nreply_to = [\"ada@home.example\"]\nbcc = [\"Ada's copy <ada+sent@example.com>\", \"ledger@example.org\"]",
    );
    w.icu(&["send", "--yes"]).success();
    let (bytes, rcpt) = sink.received().expect("a message arrived");
    assert_eq!(
        rcpt,
        vec![
            "ada+sent@example.com",
            "alan@example.com",
            "grace@example.com",
            "ledger@example.org"
        ],
        "the Bcc recipients are recipients of the SMTP envelope"
    );
    let raw = String::from_utf8_lossy(&bytes);
    let msg = mail_parser::MessageParser::default().parse(&bytes).unwrap();
    assert!(msg.header_raw("Bcc").is_none(), "{raw}");
    assert!(
        !raw.contains("ada+sent@example.com") && !raw.contains("ledger@example.org"),
        "no header names a Bcc recipient: {raw}"
    );
    assert_eq!(
        msg.reply_to().unwrap().first().unwrap().address(),
        Some("ada@home.example")
    );
    assert_eq!(msg.from().unwrap().first().unwrap().address(), Some(ME));
    assert!(msg.header_raw("X-Unsent").is_none());
    assert!(w.doc_text().contains("status = \"sent\""));
}

#[test]
fn a_failing_sendmail_leaves_the_update_unsent_and_shows_what_it_said() {
    let w = world("sh -c 'cat >/dev/null; echo 554 relay refused >&2; exit 75'");
    let before = w.doc_text();
    w.icu(&["send", "--yes"]).code(1).stderr(
        predicate::str::contains("554 relay refused")
            .and(predicate::str::contains("exit code 75"))
            .and(predicate::str::contains("not marked sent")),
    );
    assert_eq!(w.doc_text(), before);
}

#[test]
fn a_missing_sendmail_says_how_to_fix_it() {
    let w = world("no-such-mailer -t");
    let before = w.doc_text();
    w.icu(&["send", "--yes"]).code(1).stderr(
        predicate::str::contains("no-such-mailer").and(predicate::str::contains("update.sendmail")),
    );
    assert_eq!(w.doc_text(), before);
}

#[test]
fn a_hanging_sendmail_is_stopped_and_the_update_stays_unsent() {
    let w = world("sleep 30");
    let before = w.doc_text();
    let started = Instant::now();
    w.icu_with()
        .env("ICU_SENDMAIL_TIMEOUT", "1")
        .args(["send", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did not finish within 1 s"));
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(w.doc_text(), before);
}

#[test]
fn dry_run_prints_the_message_and_sends_nothing() {
    if !require_tools() {
        return;
    }
    let (tmp, _sink, w) = msmtp_world();
    let before = w.doc_text();
    w.icu(&["send", "--dry-run"]).success().stdout(
        predicate::str::contains("X-Unsent")
            .not()
            .and(predicate::str::contains("To: ")),
    );
    assert_eq!(w.doc_text(), before);
    std::thread::sleep(Duration::from_millis(300));
    assert!(!tmp.path().join("inbox/1.eml").exists());
}

#[test]
fn an_unfinished_update_is_not_sent() {
    let w = world("cat");
    fs::write(&w.doc, w.doc_text().replacen("Written by hand.\n", "", 1)).unwrap();
    let before = w.doc_text();
    w.icu(&["send", "--yes"])
        .code(1)
        .stderr(predicate::str::contains("is not finished"));
    assert_eq!(w.doc_text(), before);
}
