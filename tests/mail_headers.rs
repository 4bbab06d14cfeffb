//! The headers of the mail: each update's Message-ID, recorded in its front
//! matter when it is first exported as an `.eml` or sent and kept from then
//! on; the next update replying to the last one sent (`In-Reply-To`,
//! `References`), so the manager's mail client shows the series as one
//! thread, unless `[update] thread = false`; and who it is from (`from`,
//! `reply_to`, `bcc`, the default From skipping a no-reply address).
//!
//! Mail goes to a real mail program, a script that keeps each message it
//! reads, and is read back with mail-parser.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{
    add_to_update, answer_every_prompt, set_config_key, sh_quote, stderr, stdout, write_script,
    Drafted, DraftedWorld, BY_HAND,
};
use predicates::prelude::*;

/// A mail program that keeps each message it reads as `<dir>/N.eml`, N
/// from 1, and the arguments it was given as `<dir>/N.args`, one a line;
/// `update.sendmail` is `<dir>/sendmail -t` (named so, since icu
/// takes a Bcc only from a program it knows to read `-t` as sendmail does).
struct Outbox {
    dir: tempfile::TempDir,
}

impl Outbox {
    fn new() -> Outbox {
        let dir = tempfile::tempdir().unwrap();
        let d = sh_quote(&dir.path().to_string_lossy());
        write_script(
            &dir.path().join("sendmail"),
            &format!(
                "n=$(ls {d} | grep -c '\\.eml$')\nprintf '%s\\n' \"$@\" > {d}/$((n + 1)).args\ncat > {d}/part && mv {d}/part {d}/$((n + 1)).eml"
            ),
        );
        Outbox { dir }
    }

    /// The `sendmail = …` line of the config.
    fn sendmail(&self) -> String {
        let script = self.dir.path().join("sendmail");
        format!("sendmail = \"{} -t\"", sh_quote(&script.to_string_lossy()))
    }

    /// The arguments the program was given for the `n`th message.
    fn args(&self, n: usize) -> Vec<String> {
        fs::read_to_string(self.dir.path().join(format!("{n}.args")))
            .expect("the program ran")
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// The `n`th message the program received, as bytes.
    fn message(&self, n: usize) -> Vec<u8> {
        fs::read(self.dir.path().join(format!("{n}.eml"))).expect("a message arrived")
    }
}

/// A Message-ID header's ids (`In-Reply-To`, `References`), in order.
fn ids(v: &mail_parser::HeaderValue<'_>) -> Vec<String> {
    match (v.as_text_list(), v.as_text()) {
        (Some(list), _) => list.iter().map(ToString::to_string).collect(),
        (None, Some(one)) => vec![one.to_string()],
        (None, None) => Vec::new(),
    }
}

/// The fields of a message that threading is about.
struct Mail {
    message_id: String,
    in_reply_to: Vec<String>,
    references: Vec<String>,
    unsent: bool,
    subject: String,
}

fn mail(bytes: &[u8]) -> Mail {
    let msg = mail_parser::MessageParser::default().parse(bytes).unwrap();
    Mail {
        message_id: msg.message_id().expect("a Message-ID").to_string(),
        in_reply_to: ids(msg.in_reply_to()),
        references: ids(msg.references()),
        unsent: msg.header_raw("X-Unsent").is_some(),
        subject: msg.subject().unwrap_or_default().to_string(),
    }
}

/// Drafts the update dated `date` (at noon that day) and finishes it;
/// returns its path.
fn draft_on(w: &Drafted, date: &str) -> PathBuf {
    w.icu_at(&format!("{date}T12:00:00+00:00"), &["draft", "--no-edit"])
        .success();
    let doc = w.env.updates().join(format!("{date}.md"));
    answer_every_prompt(&doc, BY_HAND);
    doc
}

/// Sends the update dated `date` at noon that day.
fn send_on(w: &Drafted, date: &str, doc: &Path) {
    w.icu_at(
        &format!("{date}T12:00:00+00:00"),
        &["send", "--yes", doc.to_str().unwrap()],
    )
    .success();
}

/// The Message-ID recorded in the front matter of `doc`.
fn recorded(doc: &Path) -> Option<String> {
    let text = fs::read_to_string(doc).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("message_id = "))
        .map(|v| v.trim_matches('"').to_string())
}

/// The drafted world (today's update finished) sending to an [`Outbox`],
/// with `extra` lines in `[update]`.
fn world(outbox: &Outbox, extra: &str) -> Drafted {
    let update = format!("{}\n{extra}", outbox.sendmail());
    DraftedWorld {
        update: &update,
        ..DraftedWorld::default()
    }
    .finished()
}

#[test]
fn a_subject_of_ones_own_is_rendered_for_each_update_as_written() {
    let outbox = Outbox::new();
    let w = world(
        &outbox,
        "subject = \"Weekly: {{ me.name }}, {{ period.since_short }} to {{ period.until_short }}\"",
    );
    w.icu(&["send", "--yes"]).success();
    let second = draft_on(&w, "2026-12-08");
    send_on(&w, "2026-12-08", &second);
    assert_eq!(
        mail(&outbox.message(1)).subject,
        "Weekly: Ada Lovelace, 10 Nov to 24 Nov"
    );
    let next = mail(&outbox.message(2));
    assert_eq!(next.subject, "Weekly: Ada Lovelace, 24 Nov to 8 Dec");
    assert_eq!(next.in_reply_to.len(), 1, "still a reply by its headers");
}

#[test]
fn each_update_replies_to_the_last_one_sent_so_the_series_is_one_thread() {
    let outbox = Outbox::new();
    let w = world(&outbox, "");

    // The first update: no one to reply to; its id is recorded with the mark.
    w.icu(&["send", "--yes"]).success();
    let first = mail(&outbox.message(1));
    assert!(first.in_reply_to.is_empty() && first.references.is_empty());
    assert!(!first.unsent, "a sent mail has no X-Unsent");
    assert_eq!(recorded(&w.doc).as_deref(), Some(first.message_id.as_str()));

    // The second: exported as an .eml first, which records its id; the
    // draft and the mail sent later are the same message, replying to the
    // first.
    let second_doc = draft_on(&w, "2026-12-08");
    let eml = stdout(
        &w.icu_at("2026-12-08T09:00:00+00:00", &["export", "--format", "eml"])
            .success(),
    );
    let draft = mail(eml.as_bytes());
    assert!(draft.unsent, "the .eml is a draft: X-Unsent");
    assert_eq!(
        recorded(&second_doc).as_deref(),
        Some(draft.message_id.as_str())
    );
    assert_eq!(draft.in_reply_to, [first.message_id.as_str()]);
    send_on(&w, "2026-12-08", &second_doc);
    let second = mail(&outbox.message(2));
    assert_eq!(
        second.message_id, draft.message_id,
        "the same id, exported or sent"
    );
    assert_eq!(second.in_reply_to, [first.message_id.as_str()]);
    assert_eq!(second.references, [first.message_id.as_str()]);
    assert!(!second.unsent);

    // The third: References carry the whole chain.
    let third_doc = draft_on(&w, "2026-12-22");
    send_on(&w, "2026-12-22", &third_doc);
    let third = mail(&outbox.message(3));
    assert_eq!(third.in_reply_to, [second.message_id.as_str()]);
    assert_eq!(
        third.references,
        [first.message_id.clone(), second.message_id.clone()]
    );
    // The default subject is the same for every update, so the clients
    // that group by subject too (Gmail, Outlook) keep the series one
    // conversation; the dates are in the body.
    assert_eq!(first.subject, "Update from Ada Lovelace");
    assert_eq!(second.subject, first.subject);
    assert_eq!(third.subject, first.subject);
    let all = [&first.message_id, &second.message_id, &third.message_id];
    assert!(
        all.iter().all(|id| id.ends_with("@example.com")) && all[0] != all[1] && all[1] != all[2],
        "{all:?}"
    );

    // Sent again (--force), an update gets a new id — a server that saw the
    // first may drop a second message with it as a duplicate — and keeps its
    // place in the thread; the update records the new one.
    w.icu_at(
        "2026-12-23T12:00:00+00:00",
        &["send", "--yes", "--force", third_doc.to_str().unwrap()],
    )
    .success();
    let again = mail(&outbox.message(4));
    assert_ne!(again.message_id, third.message_id);
    assert!(
        again.message_id.ends_with("@example.com"),
        "{}",
        again.message_id
    );
    assert_eq!(again.in_reply_to, third.in_reply_to);
    assert_eq!(again.references, third.references);
    assert_eq!(
        recorded(&third_doc).as_deref(),
        Some(again.message_id.as_str())
    );

    // An update marked sent by hand, never exported as an .eml, has no id:
    // the thread starts again after it.
    let by_hand = draft_on(&w, "2027-01-05");
    w.icu_at(
        "2027-01-05T12:00:00+00:00",
        &["sent", by_hand.to_str().unwrap()],
    )
    .success();
    assert_eq!(recorded(&by_hand), None);
    // An .eml of it now records nothing: its mail went out with another id.
    let before = fs::read_to_string(&by_hand).unwrap();
    w.icu_at(
        "2027-01-06T12:00:00+00:00",
        &["export", "--format", "eml", by_hand.to_str().unwrap()],
    )
    .success();
    assert_eq!(fs::read_to_string(&by_hand).unwrap(), before);
    let after = draft_on(&w, "2027-01-19");
    send_on(&w, "2027-01-19", &after);
    let after = mail(&outbox.message(5));
    assert!(after.in_reply_to.is_empty() && after.references.is_empty());
}

#[test]
fn thread_false_sends_no_reply_but_still_records_the_id() {
    let outbox = Outbox::new();
    let w = world(&outbox, "thread = false");
    w.icu(&["send", "--yes"]).success();
    let first = mail(&outbox.message(1));
    assert_eq!(recorded(&w.doc).as_deref(), Some(first.message_id.as_str()));
    let next = draft_on(&w, "2026-12-08");
    send_on(&w, "2026-12-08", &next);
    let second = mail(&outbox.message(2));
    let raw = String::from_utf8_lossy(&outbox.message(2)).into_owned();
    assert!(second.in_reply_to.is_empty() && second.references.is_empty());
    assert!(
        !raw.contains("In-Reply-To") && !raw.contains("References"),
        "{raw}"
    );
}

#[test]
fn a_message_id_that_is_not_one_is_refused_with_its_line() {
    let outbox = Outbox::new();
    let w = world(&outbox, "");
    let text = w.doc_text();
    fs::write(
        &w.doc,
        text.replacen(
            "status = \"draft\"\n",
            "status = \"draft\"\nmessage_id = \"x@y>\\r\\nBcc: evil@example.com\"\n",
            1,
        ),
    )
    .unwrap();
    let before = w.doc_text();
    for args in [&["send", "--yes"][..], &["export", "--format", "eml"][..]] {
        w.icu(args).code(1).stderr(
            predicate::str::contains("line 7: front matter: `message_id`")
                .and(predicate::str::contains("delete the line")),
        );
    }
    assert_eq!(w.doc_text(), before);
    assert!(!outbox.dir.path().join("1.eml").exists());
}

/// The dry run's message: what icu pipes to the mail program.
fn dry_run(w: &Drafted) -> mail_parser::Message<'static> {
    let out = stdout(&w.icu(&["send", "--dry-run"]).success());
    mail_parser::MessageParser::default()
        .parse(out.as_bytes())
        .unwrap()
        .into_owned()
}

/// Sets `[me] emails` of the drafted world's config to `emails`.
fn set_emails(w: &Drafted, emails: &str) {
    set_config_key(&w.cfg, "emails", emails);
}

#[test]
fn the_default_from_is_my_first_address_that_is_not_a_noreply_one() {
    let outbox = Outbox::new();
    let w = world(&outbox, "");
    set_emails(
        &w,
        "[\"1234+ada@users.noreply.github.com\", \"ada@example.com\"]",
    );
    let msg = dry_run(&w);
    let from = msg.from().unwrap().first().unwrap();
    assert_eq!(from.address(), Some("ada@example.com"));
    assert_eq!(from.name(), Some("Ada Lovelace"));

    // Only no-reply addresses: a config error saying what to set.
    set_emails(&w, "[\"1234+ada@users.noreply.github.com\"]");
    for args in [&["send", "--yes"][..], &["export", "--format", "eml"][..]] {
        w.icu(args).code(2).stderr(
            predicate::str::contains("every address in [me] emails is a no-reply address (1234+ada@users.noreply.github.com)")
                .and(predicate::str::contains("[update] from = ")),
        );
    }
    assert!(!outbox.dir.path().join("1.eml").exists());

    // `from` says who it is from, whatever [me] emails holds.
    add_to_update(&w.cfg, "from = \"ada.lovelace@example.org\"\n");
    let from = dry_run(&w);
    let from = from.from().unwrap().first().unwrap();
    assert_eq!(from.address(), Some("ada.lovelace@example.org"));
    assert_eq!(from.name(), Some("Ada Lovelace"), "named after me.name");
}

#[test]
fn from_reply_to_and_bcc_are_headers_of_the_draft_and_bcc_goes_to_the_mail_program() {
    let outbox = Outbox::new();
    let w = world(
        &outbox,
        "from = \"Countess Lovelace <countess@example.org>\"\nreply_to = [\"Ada at home <ada@home.example>\"]\nbcc = [\"Ada's copy <ada+sent@example.com>\"]",
    );
    let eml = stdout(&w.icu(&["export", "--format", "eml"]).success());
    let msg = mail_parser::MessageParser::default()
        .parse(eml.as_bytes())
        .unwrap();
    let first = |a: Option<&mail_parser::Address<'_>>| {
        let a = a.unwrap().first().unwrap();
        (
            a.name().unwrap_or("").to_string(),
            a.address().unwrap().to_string(),
        )
    };
    assert_eq!(
        first(msg.from()),
        ("Countess Lovelace".into(), "countess@example.org".into())
    );
    assert_eq!(
        first(msg.reply_to()),
        ("Ada at home".into(), "ada@home.example".into())
    );
    // The draft keeps it for the mail client to send.
    assert_eq!(
        first(msg.bcc()),
        ("Ada's copy".into(), "ada+sent@example.com".into())
    );
    // The mail program reads it from the message (-t), and deletes it:
    // tests/send_e2e.rs sends through msmtp to an SMTP server.
    w.icu(&["send", "--yes"]).success();
    let sent = mail_parser::MessageParser::default()
        .parse(&outbox.message(1))
        .unwrap()
        .into_owned();
    assert_eq!(
        first(sent.bcc()),
        ("Ada's copy".into(), "ada+sent@example.com".into())
    );
    assert!(sent.header_raw("X-Unsent").is_none());
}

/// `update.from` is the envelope sender too: a sendmail-compatible program
/// is given `-f <address>` before its own arguments, unless
/// `envelope_from = false`; with no `from` it chooses its own.
#[test]
fn from_is_given_to_the_mail_program_as_the_envelope_sender() {
    let sends = |extra: &str| {
        let outbox = Outbox::new();
        world(&outbox, extra).icu(&["send", "--yes"]).success();
        outbox.args(1)
    };
    let from = "from = \"Ada Lovelace <ada@work.example>\"";
    assert_eq!(sends(from), ["-f", "ada@work.example", "-t"]);
    assert_eq!(sends(&format!("{from}\nenvelope_from = false")), ["-t"]);
    assert_eq!(sends(""), ["-t"]);
}

#[test]
fn from_reply_to_and_bcc_are_checked_at_load_with_their_position() {
    let outbox = Outbox::new();
    let w = world(&outbox, "");
    let base = fs::read_to_string(&w.cfg).unwrap();
    let cases = [
        (
            "from = \"Ada\"",
            "`Ada` in `update.from` is not an email address",
        ),
        (
            "reply_to = [\"a@b.c, d@e.f\"]",
            "`a@b.c, d@e.f` in `update.reply_to` holds 2 addresses",
        ),
        (
            "bcc = [\"me at home\"]",
            "`me at home` in `update.bcc` is not an email address",
        ),
        ("from = [\"a@b.c\"]", "wrong type for `update.from`"),
        ("thread = \"no\"", "wrong type for `update.thread`"),
    ];
    for (line, want) in cases {
        fs::write(
            &w.cfg,
            base.replace("[update]\n", &format!("[update]\n{line}\n")),
        )
        .unwrap();
        let a = w.icu(&["send", "--dry-run"]).code(2);
        let err = stderr(&a);
        assert!(
            err.contains(want) && err.contains("icu.toml:6:"),
            "{line}: {err}"
        );
    }
    // A Bcc header only a program reading the recipients (-t) deletes.
    fs::write(
        &w.cfg,
        base.replace(
            &outbox.sendmail(),
            "sendmail = \"msmtp -a work ada@example.com\"",
        )
        .replace("[update]\n", "[update]\nbcc = [\"me@example.com\"]\n"),
    )
    .unwrap();
    w.icu(&["send", "--dry-run"]).code(2).stderr(
        predicate::str::contains(
            "`update.bcc` needs update.sendmail to read the recipients from the message",
        )
        .and(predicate::str::contains("add -t to update.sendmail"))
        .and(predicate::str::contains("icu.toml:6:")),
    );
}

/// An `.eml` export while another icu holds the update (a draft open in
/// the editor) still exports, says the id was not recorded, and leaves
/// the update alone; the next export gives the same id and records it.
#[test]
fn an_export_that_cannot_record_the_id_still_exports_and_says_so() {
    let outbox = Outbox::new();
    let w = world(&outbox, "");
    let lock = w.doc.with_file_name(".2026-11-24.md.lock");
    let ready = w.env.path().join("holding");
    // flock(1) holds the lock icu takes until its stdin closes (`-o`: the
    // lock is flock's own, not its child's).
    let mut holder = std::process::Command::new("flock")
        .arg("-o")
        .arg(&lock)
        .args(["sh", "-c", "touch \"$0\"; exec cat"])
        .arg(&ready)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("flock from util-linux");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !ready.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let before = w.doc_text();
    let a = w.icu(&["export", "--format", "eml"]).success();
    drop(holder.stdin.take());
    holder.wait().unwrap();
    let first = mail(stdout(&a).as_bytes());
    assert!(
        stderr(&a).contains("the Message-ID of this .eml was not recorded")
            && stderr(&a).contains("another icu is writing"),
        "{}",
        stderr(&a)
    );
    assert_eq!(w.doc_text(), before);
    let again = mail(stdout(&w.icu(&["export", "--format", "eml"]).success()).as_bytes());
    assert_eq!(again.message_id, first.message_id, "the same id again");
    assert_eq!(recorded(&w.doc).as_deref(), Some(first.message_id.as_str()));
}

/// A refresh of the draft keeps the Message-ID its `.eml` export recorded:
/// the mail sent after it is the draft the mail client was given.
#[test]
fn a_refresh_keeps_the_recorded_message_id() {
    let outbox = Outbox::new();
    let w = world(&outbox, "");
    let eml = stdout(&w.icu(&["export", "--format", "eml"]).success());
    let id = mail(eml.as_bytes()).message_id;
    w.icu(&["draft", "--no-edit"]).success();
    assert_eq!(recorded(&w.doc).as_deref(), Some(id.as_str()));
    w.icu(&["send", "--yes"]).success();
    assert_eq!(mail(&outbox.message(1)).message_id, id);
}
