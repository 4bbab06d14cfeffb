//! Hostile moments around sending and writing (issues 17 and 19): runs that
//! race for the same update, runs killed half-way, and a file system or mail
//! program that fails or misleads underneath — two sends or two drafts at
//! once, a lock held by another process or left by a crash, a mark that
//! fails after the mail went out, a sendmail that never reads, a full disk or
//! a read-only updates dir, outputs and updates that are FIFOs or devices,
//! leftovers of killed runs, a doc owned by someone else. No mail goes out
//! twice, and nothing the person wrote is lost.
//!
//! Interleavings are forced, never hoped for: a mail program that stops at a
//! gate until the test opens it, a lock holder that says when it holds.
//!
//! Mistakes a person makes (a path that is no repository, a doc damaged by
//! hand, `export -o` at the wrong file, an absurd value) are `bad_input`.

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, SystemTime};

use crate::common::{
    delivered, export_world, in_mount_namespace, is_whole, mailer_world, mailer_world_with,
    messages, sendmail_world, sh_quote, stderr, stdout, wait_for, Drafted, DraftedWorld, TestEnv,
    World, C, TODAY,
};
use predicates::prelude::*;

/// What `icu sent --at` needs to record a send at the tests' fixed now
/// ([`crate::common::NOW`]).
const AT_NOW: &str = "2026-11-24T12:00:00+00:00";

/// `icu --config CFG ARGS…` started in the background, in the sealed env.
fn spawn_icu(w: &Drafted, args: &[&str]) -> Child {
    StdCommand::new(assert_cmd::cargo::cargo_bin("icu"))
        .env_clear()
        .envs(w.env.sealed_env())
        .current_dir(w.env.path().join("work"))
        .arg("--config")
        .arg(&w.cfg)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start icu")
}

/// Waits until `path` exists: the signal a script gives when it has reached
/// a point. Fails after 30 s.
fn wait_until(path: &Path) {
    assert!(wait_for(path, 30), "{} never appeared", path.display());
}

/// Makes a FIFO at `p`.
fn mkfifo(p: &Path) {
    assert!(StdCommand::new("mkfifo").arg(p).status().unwrap().success());
}

// --- one delivery, and the truth when the mark fails -------------------------

#[test]
fn two_sends_at_once_deliver_once() {
    let gate = tempfile::tempdir().unwrap();
    let started = gate.path().join("started");
    let go = gate.path().join("go");
    let (w, mail) = mailer_world(|_| {
        format!(
            "touch {}; while [ ! -e {go} ]; do sleep 0.01; done",
            sh_quote(&started.to_string_lossy()),
            go = sh_quote(&go.to_string_lossy()),
        )
    });
    let mut first = spawn_icu(&w, &["send", "--yes"]);
    // The first send is inside its mail program, holding the doc's lock.
    wait_until(&started);
    w.icu(&["send", "--yes"])
        .code(1)
        .stderr(predicate::str::contains("another icu is writing"));
    assert_eq!(delivered(&mail), 1, "the second send delivered nothing");
    fs::write(&go, "").unwrap();
    let status = first.wait().unwrap();
    assert!(status.success(), "the first send went through");
    assert!(w.doc_text().contains("status = \"sent\""));
    // And once it is marked, a third refuses too.
    w.icu(&["send", "--yes"])
        .code(1)
        .stderr(predicate::str::contains("already sent"));
    assert_eq!(delivered(&mail), 1);
}

#[test]
fn a_send_while_another_process_holds_the_lock_delivers_nothing() {
    let (w, mail) = mailer_world(|_| String::new());
    let lock = w.doc.with_file_name(".2026-11-24.md.lock");
    let ready = w.env.path().join("holding");
    // flock(1) takes the kind of lock icu takes (flock(2)) and says when it
    // holds it.
    let mut holder = StdCommand::new("flock")
        .arg(&lock)
        .args(["sh", "-c", "touch \"$0\"; exec sleep 60"])
        .arg(&ready)
        .spawn()
        .expect("flock from util-linux");
    wait_until(&ready);
    let before = w.doc_text();
    w.icu(&["send", "--yes"])
        .code(1)
        .stderr(predicate::str::contains("another icu is writing"));
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert_eq!(delivered(&mail), 0, "refused before delivering");
    assert_eq!(w.doc_text(), before);
}

/// What every failed mark after a delivery must say, and must not.
fn says_it_was_sent(err: &str, doc: &Path) {
    assert!(err.contains("was sent"), "{err}");
    assert!(
        err.contains(&format!("icu sent --at {AT_NOW} {}", doc.display())),
        "{err}"
    );
    assert!(!err.to_lowercase().contains("try again"), "{err}");
    assert!(!err.contains("Run the command again"), "{err}");
    assert!(!err.contains("not marked sent; the update"), "{err}");
}

#[test]
fn a_doc_changed_during_the_send_is_reported_as_sent_and_not_marked() {
    // The mail program edits the doc while it runs, as an editor would.
    let (w, mail) = mailer_world(|w| {
        format!(
            "printf 'Edited while sending.\\n' >> {}",
            sh_quote(&w.doc.to_string_lossy())
        )
    });

    let a = w.icu(&["send", "--yes"]).code(1);
    says_it_was_sent(&stderr(&a), &w.doc);
    assert_eq!(delivered(&mail), 1);
    let doc = w.doc_text();
    assert!(doc.ends_with("Edited while sending.\n"), "the edit is kept");
    assert!(doc.contains("status = \"sending\""), "{doc}");
    // The record of the send under way stays: a plain retry mails nothing.
    w.icu(&["send", "--yes"])
        .code(1)
        .stderr(predicate::str::contains("may already have been delivered"));
    assert_eq!(delivered(&mail), 1);

    // What it says to run records the send, and no second mail goes out.
    w.icu(&["sent", "--at", AT_NOW, w.doc.to_str().unwrap()])
        .success();
    assert!(w.doc_text().contains("sent = 2026-11-24T12:00:00Z"));
    w.icu(&["send", "--yes"]).code(1);
    assert_eq!(delivered(&mail), 1);
}

/// Runs `icu send --yes` with the updates dir a 256 KiB tmpfs of a private
/// mount namespace, filled before icu starts when `full`. Returns what icu
/// printed and the update as icu left it on that tmpfs (gone with the
/// namespace), or `None` where no namespace can be made.
fn send_on_a_small_disk(w: &Drafted, full: bool) -> Option<(std::process::Output, String)> {
    let keep = w.env.path().join("keep.md");
    let dir = sh_quote(&w.env.updates().to_string_lossy());
    let fill = if full {
        format!("dd if=/dev/zero of={dir}/filler bs=4k 2>/dev/null || true; ")
    } else {
        String::new()
    };
    let script = format!(
        "set -e; cp {doc} {keep}; mount -t tmpfs -o size=256k tmpfs {dir}; cp {keep} {doc}; \
         {fill}set +e; {icu}; code=$?; cp {doc} {keep}.after; exit $code",
        doc = sh_quote(&w.doc.to_string_lossy()),
        keep = sh_quote(&keep.to_string_lossy()),
        icu = w
            .env
            .icu_sh(&["--config", w.cfg.to_str().unwrap(), "send", "--yes"]),
    );
    let out = in_mount_namespace(&script)?;
    let after = fs::read_to_string(w.env.path().join("keep.md.after")).unwrap();
    Some((out, after))
}

#[test]
fn a_disk_that_fills_up_during_the_send_is_reported_as_sent() {
    // The updates dir is a small tmpfs, and the mail program fills it once it
    // has the message: the mail is out, and the mark cannot be written.
    let (w, mail) = mailer_world(|w| {
        format!(
            "dd if=/dev/zero of={}/filler bs=4k 2>/dev/null || true",
            sh_quote(&w.env.updates().to_string_lossy())
        )
    });
    let before = w.doc_text();
    let Some((out, after)) = send_on_a_small_disk(&w, false) else {
        return;
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("No space left"), "{err}");
    says_it_was_sent(&err, &w.doc);
    assert_eq!(delivered(&mail), 1);
    // Not half-written: the update as it was, with the record of the send
    // under way written before the mail program ran.
    assert!(after.contains("status = \"sending\""), "{after}");
    assert_eq!(
        after
            .lines()
            .filter(|l| !l.starts_with("sending = ") && !l.starts_with("message_id = "))
            .collect::<Vec<_>>(),
        before
            .replace("status = \"draft\"", "status = \"sending\"")
            .lines()
            .collect::<Vec<_>>(),
        "nothing half-written"
    );
    // So a second `icu send`, with room on the disk again, mails nothing.
    fs::write(&w.doc, &after).unwrap();
    w.icu(&["send", "--yes"])
        .code(1)
        .stderr(predicate::str::contains("may already have been delivered"));
    assert_eq!(delivered(&mail), 1);
    // `icu sent` records it at the time the send began.
    w.icu(&["sent"]).success();
    assert!(w.doc_text().contains("sent = 2026-11-24T12:00:00Z"));
}

// --- icu killed mid-send: one whole delivery ---------------------------------

/// Shell that creates `at`, then waits until `go` exists.
fn gate(at: &Path, go: &Path) -> String {
    format!(
        "touch {}; while [ ! -e {go} ]; do sleep 0.01; done",
        sh_quote(&at.to_string_lossy()),
        go = sh_quote(&go.to_string_lossy()),
    )
}

/// Waits up to 30 s for the mail program of `mail` to have delivered `n`.
fn wait_delivered(mail: &crate::common::Mailer, n: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while delivered(mail) < n {
        assert!(std::time::Instant::now() < deadline, "never delivered");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What an update whose send was killed after the record says, and what
/// every command does with it.
fn is_under_way(w: &Drafted) {
    let doc = w.doc_text();
    assert!(doc.contains("status = \"sending\""), "{doc}");
    assert!(doc.contains("sending = 2026-11-24T12:00:00Z"), "{doc}");
    assert!(doc.contains("message_id = "), "{doc}");
    // A plain retry mails nothing, and says what to check and run.
    let retry = w.icu(&["send", "--yes"]).code(1);
    let err = stderr(&retry);
    assert!(err.contains("may already have been delivered"), "{err}");
    assert!(err.contains("sent folder"), "{err}");
    assert!(
        err.contains("icu sent ") && err.contains("icu send --force "),
        "{err}"
    );
    // A refresh is refused, even with --force.
    for force in [&[][..], &["--force"][..]] {
        let mut args = vec!["draft", "--no-edit", "--date", TODAY];
        args.extend_from_slice(force);
        w.icu(&args)
            .code(1)
            .stderr(predicate::str::contains("does not refresh it"));
    }
    assert_eq!(w.doc_text(), doc);
    // status and log show it as possibly delivered.
    let status = stdout(&w.icu(&["status"]).success());
    assert!(
        status.contains("Sending:") && status.contains("may have been delivered"),
        "{status}"
    );
    let log = stdout(&w.icu(&["log"]).success());
    assert!(
        log.contains("sending") && log.contains("possibly delivered"),
        "{log}"
    );
}

#[test]
fn a_send_killed_before_the_mail_program_reads_delivers_the_whole_message_once() {
    let g = tempfile::tempdir().unwrap();
    let (started, go) = (g.path().join("started"), g.path().join("go"));
    let (w, mail) = mailer_world_with(|_| gate(&started, &go), |_| String::new());
    let mut icu = spawn_icu(&w, &["send", "--yes"]);
    wait_until(&started);
    icu.kill().unwrap();
    icu.wait().unwrap();
    // The record was made before the program started.
    is_under_way(&w);
    // The program, icu gone, still reads a whole message.
    fs::write(&go, "").unwrap();
    wait_delivered(&mail, 1);
    assert!(is_whole(&messages(&mail)[0]));
    // It was delivered: `icu sent` records it when the send began.
    w.icu_at("2026-11-25T09:00:00+00:00", &["sent"]).success();
    let doc = w.doc_text();
    assert!(
        doc.contains("status = \"sent\"") && doc.contains("sent = 2026-11-24T12:00:00Z"),
        "{doc}"
    );
    assert!(!doc.contains("sending ="), "{doc}");
    w.icu(&["send", "--yes"]).code(1);
    assert_eq!(delivered(&mail), 1);
}

#[test]
fn a_send_killed_after_the_mail_program_took_the_message_is_not_sent_again() {
    let g = tempfile::tempdir().unwrap();
    let (took, go) = (g.path().join("took"), g.path().join("go"));
    let (w, mail) = mailer_world(|_| gate(&took, &go));
    let mut icu = spawn_icu(&w, &["send", "--yes"]);
    wait_until(&took);
    icu.kill().unwrap();
    icu.wait().unwrap();
    fs::write(&go, "").unwrap();
    assert_eq!(delivered(&mail), 1);
    is_under_way(&w);
    assert_eq!(delivered(&mail), 1, "no retry delivered it again");
    // Not there after all: --force sends it, with a new Message-ID, in
    // the same thread, and marks it sent.
    let first = String::from_utf8_lossy(&messages(&mail)[0]).into_owned();
    w.icu(&["send", "--yes", "--force"]).success();
    assert_eq!(delivered(&mail), 2);
    let header = |m: &str, name: &str| {
        m.lines()
            .find(|l| {
                l.to_ascii_lowercase()
                    .starts_with(&format!("{}:", name.to_ascii_lowercase()))
            })
            .map(str::to_string)
    };
    let again: Vec<String> = messages(&mail)
        .iter()
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .filter(|m| *m != first)
        .collect();
    let again = &again[0];
    assert_ne!(header(again, "Message-ID"), header(&first, "Message-ID"));
    assert_eq!(header(again, "In-Reply-To"), header(&first, "In-Reply-To"));
    assert_eq!(header(again, "References"), header(&first, "References"));
    let doc = w.doc_text();
    assert!(doc.contains("status = \"sent\""), "{doc}");
}

#[test]
fn a_send_killed_while_a_slow_mail_program_reads_a_big_update_delivers_it_whole() {
    let g = tempfile::tempdir().unwrap();
    let (reading, go) = (g.path().join("reading"), g.path().join("go"));
    let out = g.path().join("message");
    let script = g.path().join("slow.sh");
    // Reads 64 KiB, stops until the test has killed icu, then the rest.
    fs::write(
        &script,
        format!(
            "#!/bin/sh\ndd bs=65536 count=1 2>/dev/null > {out}.part\n{}\ncat >> {out}.part && mv {out}.part {out}\n",
            gate(&reading, &go),
            out = sh_quote(&out.to_string_lossy()),
        ),
    )
    .unwrap();
    let w = sendmail_world(&format!("sh {}", sh_quote(&script.to_string_lossy())));
    // A big update: 3 MB of prose under the summary.
    let mut doc = w.doc_text();
    let line = "A long paragraph of notes about the work, written by hand, word after word.\n";
    doc.push_str(&line.repeat(3 * 1024 * 1024 / line.len()));
    fs::write(&w.doc, doc).unwrap();
    let mut icu = spawn_icu(&w, &["send", "--yes"]);
    wait_until(&reading);
    icu.kill().unwrap();
    icu.wait().unwrap();
    fs::write(&go, "").unwrap();
    wait_until(&out);
    let message = fs::read(&out).unwrap();
    assert!(message.len() > 3 * 1024 * 1024, "{}", message.len());
    assert!(is_whole(&message), "cut short at {} bytes", message.len());
    assert!(w.doc_text().contains("status = \"sending\""));
}

#[test]
fn a_send_killed_before_the_record_leaves_a_draft_and_sends_once() {
    // Killed at the question, before the answer: before the record.
    let (w, mail) = mailer_world(|_| String::new());
    let before = w.doc_text();
    let pid = w.env.path().join("icu.pid");
    let line = format!(
        "echo $$ > {}; exec {}",
        sh_quote(&pid.to_string_lossy()),
        w.env.icu_sh(&["--config", w.cfg.to_str().unwrap(), "send"])
    );
    let mut script = StdCommand::new("script")
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    wait_until(&pid);
    std::thread::sleep(Duration::from_millis(1500));
    let id = fs::read_to_string(&pid).unwrap();
    assert!(StdCommand::new("kill")
        .args(["-9", id.trim()])
        .status()
        .unwrap()
        .success());
    drop(script.stdin.take());
    script.wait().unwrap();
    assert_eq!(w.doc_text(), before, "a draft, no trace");
    assert_eq!(delivered(&mail), 0);
    w.icu(&["send", "--yes"]).success();
    assert_eq!(delivered(&mail), 1);
}

#[test]
fn a_full_disk_before_the_send_sends_nothing() {
    // The updates dir is a small tmpfs, full before icu starts: the record
    // of the send cannot be written, so the mail program never runs.
    let (w, mail) = mailer_world(|_| String::new());
    let before = w.doc_text();
    let Some((out, after)) = send_on_a_small_disk(&w, true) else {
        return;
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("nothing was sent") && err.contains("No space left"),
        "{err}"
    );
    assert_eq!(delivered(&mail), 0);
    assert_eq!(after, before);
}

// --- a mail program that hangs: stopped with all it started -------------------

#[test]
fn a_hanging_mail_program_is_stopped_with_everything_it_started() {
    let g = tempfile::tempdir().unwrap();
    let (late, child) = (g.path().join("late"), g.path().join("child"));
    let (late_q, child_q) = (
        sh_quote(&late.to_string_lossy()),
        sh_quote(&child.to_string_lossy()),
    );
    // A wrapper whose child would deliver 2 s later; the wrapper reads
    // (or not) and hangs.
    for reads in [true, false] {
        let _ = fs::remove_file(&late);
        let program = format!(
            "sh -c '(sleep 2; touch {late_q}) & echo $! > {child_q}; {} sleep 30'",
            if reads { "cat >/dev/null;" } else { "" }
        );
        let w = sendmail_world(&program);
        let before = w.doc_text();
        let started = SystemTime::now();
        let out = w
            .icu_with()
            .env("ICU_SENDMAIL_TIMEOUT", "1")
            .args(["send", "--yes"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            started.elapsed().unwrap() < Duration::from_secs(10),
            "{err}"
        );
        assert!(err.contains("with every process it started"), "{err}");
        if reads {
            assert!(err.contains("may have delivered it"), "{err}");
            assert!(err.contains("icu sent --undo"), "{err}");
            assert!(w.doc_text().contains("status = \"sending\""));
        } else {
            assert!(err.contains("nothing was sent"), "{err}");
            assert_eq!(w.doc_text(), before, "back to the draft it was");
        }
        std::thread::sleep(Duration::from_secs(3));
        assert!(!late.exists(), "the child was stopped with its parent");
        let pid = fs::read_to_string(&child).unwrap();
        let alive = StdCommand::new("kill")
            .args(["-0", pid.trim()])
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(!alive, "no stray process left");
    }
}

// --- one draft at a time -----------------------------------------------------

#[test]
fn a_second_draft_on_the_same_doc_waits_its_turn() {
    let d = World::drafted(TODAY);
    let lock = d.env.updates().join(format!(".{TODAY}.md.lock"));
    // `flock` holds the same kind of lock icu takes (flock(2)).
    let mut holder = StdCommand::new("flock")
        .arg(&lock)
        .args(["sleep", "5"])
        .spawn()
        .expect("flock from util-linux");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while !lock.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let before = fs::read_to_string(d.doc(TODAY)).unwrap();
    d.icu(&[
        "draft",
        "--no-edit",
        "--date",
        TODAY,
        "--since",
        "2026-11-01",
    ])
    .code(1)
    .stderr(predicate::str::contains("another icu is writing"));
    assert_eq!(fs::read_to_string(d.doc(TODAY)).unwrap(), before);
    holder.kill().ok();
    holder.wait().ok();
}

#[test]
fn a_lock_left_by_a_crash_does_not_block() {
    let d = World::drafted(TODAY);
    let lock = d.env.updates().join(format!(".{TODAY}.md.lock"));
    fs::write(&lock, "").unwrap();
    d.icu(&["draft", "--no-edit", "--date", TODAY]).success();
    assert!(!lock.exists(), "the lock file is removed on exit");
}

// --- a mail program that does not read ----------------------------------------

#[test]
fn a_sendmail_that_never_reads_is_never_recorded_as_sent() {
    let w = sendmail_world("true");
    let before = w.doc_text();
    let mut recorded = 0;
    for _ in 0..50 {
        let out = w.icu_with().args(["send", "--yes"]).output().unwrap();
        if out.status.success() || w.doc_text() != before {
            recorded += 1;
            fs::write(&w.doc, &before).unwrap();
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("before reading the whole message"), "{err}");
        }
    }
    assert_eq!(
        recorded, 0,
        "`true` recorded as sent in {recorded} of 50 runs"
    );
}

// --- a file system that fails underneath -------------------------------------

#[test]
fn a_full_disk_keeps_the_old_doc() {
    let d = World::drafted(TODAY);
    // New work, so the refresh has something to write.
    d.repo
        .commit(C::mine("2026-11-22T10:00:00Z", "More work", "b.txt"));
    let before = fs::read_to_string(d.doc(TODAY)).unwrap();
    let dir = d.env.updates();
    let keep = d.env.path().join("keep.md");
    let script = format!(
        "set -e; cp '{doc}' '{keep}'; mount -t tmpfs -o size=256k tmpfs '{dir}'; cp '{keep}' '{doc}'; \
         dd if=/dev/zero of='{dir}/filler' bs=4k 2>/dev/null || true; \
         set +e; {icu}; code=$?; \
         cp '{doc}' '{keep}.after'; exit $code",
        doc = d.doc(TODAY).display(),
        keep = keep.display(),
        dir = dir.display(),
        icu = d.env.icu_sh(&[
            "--config",
            d.cfg.to_str().unwrap(),
            "draft",
            "--no-edit",
            "--date",
            TODAY,
        ]),
    );
    let Some(out) = in_mount_namespace(&script) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("No space left") || stderr.contains("space"),
        "{stderr}"
    );
    let after = fs::read_to_string(d.env.path().join("keep.md.after")).unwrap();
    assert_eq!(after, before, "the old doc survives a full disk");
}

#[test]
fn a_read_only_updates_dir_is_an_error_and_loses_nothing() {
    let d = World::drafted(TODAY);
    let before = fs::read_to_string(d.doc(TODAY)).unwrap();
    let dir = d.env.updates();
    let script = format!(
        "set -e; mount --bind '{dir}' '{dir}'; mount -o remount,bind,ro '{dir}'; set +e; {icu}",
        dir = dir.display(),
        icu = d.env.icu_sh(&[
            "--config",
            d.cfg.to_str().unwrap(),
            "draft",
            "--no-edit",
            "--date",
            TODAY,
            "--since",
            "2026-11-01",
        ]),
    );
    let Some(out) = in_mount_namespace(&script) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Read-only"), "{stderr}");
    assert_eq!(fs::read_to_string(d.doc(TODAY)).unwrap(), before);
}

// --- special files (issue 19) -------------------------------------------------

/// `icu --config CFG ARGS…`, killed (and failed) if it runs for 30 s: a
/// FIFO must never make icu hang.
fn within(w: &Drafted, args: &[&str]) -> assert_cmd::assert::Assert {
    w.icu_with()
        .args(args)
        .timeout(Duration::from_secs(30))
        .assert()
}

/// The type of the file at `p`, without following links.
fn kind(p: &Path) -> fs::FileType {
    fs::symlink_metadata(p).unwrap().file_type()
}

#[test]
fn export_into_a_fifo_or_a_device_writes_in_place() {
    let (w, md) = export_world();
    let fifo = w.env.path().join("pipe");
    mkfifo(&fifo);
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = fifo.clone();
    std::thread::spawn(move || {
        let _ = tx.send(fs::read(&reader));
    });
    within(
        &w,
        &[
            "export",
            "--force",
            "--format",
            "md",
            "-o",
            fifo.to_str().unwrap(),
        ],
    )
    .success();
    let got = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the FIFO's reader got the export")
        .unwrap();
    assert_eq!(String::from_utf8(got).unwrap(), md);
    assert!(kind(&fifo).is_fifo(), "still a FIFO");

    // A character device (a copy of /dev/null), where the kernel lets us
    // make one.
    let dev = w.env.path().join("null");
    let made = StdCommand::new("mknod")
        .arg(&dev)
        .args(["c", "1", "3"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !made {
        eprintln!("mknod is not allowed here (not root?): the device case checked nothing");
        return;
    }
    let rdev = fs::metadata(&dev).unwrap().rdev();
    within(
        &w,
        &[
            "export",
            "--force",
            "--format",
            "md",
            "-o",
            dev.to_str().unwrap(),
        ],
    )
    .success();
    assert!(kind(&dev).is_char_device(), "still a device");
    assert_eq!(fs::metadata(&dev).unwrap().rdev(), rdev);
}

#[test]
fn export_to_dev_stdout_prints_the_export() {
    let (w, md) = export_world();
    let a = w
        .icu(&["export", "--force", "--format", "md", "-o", "/dev/stdout"])
        .success();
    assert_eq!(stdout(&a), md);
    w.icu(&["export", "--force", "--format", "md", "-o", "/dev/null"])
        .success()
        .stdout("");
    assert!(kind(Path::new("/dev/null")).is_char_device());
}

#[test]
fn an_update_that_is_a_fifo_is_refused_without_hanging() {
    let w = DraftedWorld::default().draft();
    fs::remove_file(&w.doc).unwrap();
    mkfifo(&w.doc);
    let doc = w.doc.to_str().unwrap();
    within(&w, &["check", doc])
        .code(2)
        .stderr(predicate::str::contains("is not a file"));
    within(&w, &["check"])
        .code(2)
        .stderr(predicate::str::contains("no update"));
    within(&w, &["draft", "--no-edit"])
        .code(1)
        .stderr(predicate::str::contains("not a regular file"));
    assert!(kind(&w.doc).is_fifo(), "left as it is");
}

#[test]
fn init_over_a_config_that_is_a_fifo_is_refused_without_hanging() {
    let env = TestEnv::new();
    let cfg = env.path().join("icu.toml");
    mkfifo(&cfg);
    env.icu_with(&cfg)
        .args(["init", "--force", "--email", "ada@example.com"])
        .timeout(Duration::from_secs(30))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a regular file"));
    assert!(kind(&cfg).is_fifo(), "left as it is");
    assert!(!env.path().join("icu.toml.bak").exists());
}

// --- leftovers and owners -----------------------------------------------------

#[test]
fn temp_files_left_by_a_killed_run_are_removed_by_the_next() {
    let w = sendmail_world("cat");
    let updates = w.env.updates();
    let old = updates.join(".icu-Ab12Cd.tmp");
    let fresh = updates.join(".icu-Xy34Zw.tmp");
    let not_ours = [
        updates.join(".icu-notes.tmp.keep"),
        updates.join("draft.tmp"),
    ];
    for p in not_ours.iter().chain([&old, &fresh]) {
        fs::write(p, "half a doc").unwrap();
    }
    let two_minutes_ago = SystemTime::now() - Duration::from_secs(120);
    for p in not_ours.iter().chain([&old]) {
        fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(two_minutes_ago)
            .unwrap();
    }
    w.icu(&["sent"]).success();
    assert!(!old.exists(), "a leftover older than a minute is removed");
    assert!(
        fresh.exists(),
        "a temp file that may be another run's is kept"
    );
    for p in &not_ours {
        assert!(p.exists(), "{} is not icu's", p.display());
    }
}

#[test]
fn a_doc_owned_by_someone_else_keeps_its_owner_when_root_writes_it() {
    let w = sendmail_world("cat");
    if fs::metadata(&w.doc).unwrap().uid() != 0 {
        eprintln!("not running as root: this test checked nothing");
        return;
    }
    std::os::unix::fs::chown(&w.doc, Some(4242), Some(4343)).unwrap();
    w.icu(&["send", "--yes"]).success();
    let m = fs::metadata(&w.doc).unwrap();
    assert!(w.doc_text().contains("status = \"sent\""));
    assert_eq!((m.uid(), m.gid()), (4242, 4343));
}
