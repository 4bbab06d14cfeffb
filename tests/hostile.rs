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
    delivered, export_world, in_mount_namespace, mailer_world, sendmail_world, sh_quote, stderr,
    stdout, wait_for, Drafted, DraftedWorld, TestEnv, World, C, TODAY,
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
    let mut first = spawn_icu(&w, &["send"]);
    // The first send is inside its mail program, holding the doc's lock.
    wait_until(&started);
    w.icu(&["send"])
        .code(1)
        .stderr(predicate::str::contains("another icu is writing"));
    assert_eq!(delivered(&mail), 1, "the second send delivered nothing");
    fs::write(&go, "").unwrap();
    let status = first.wait().unwrap();
    assert!(status.success(), "the first send went through");
    assert!(w.doc_text().contains("status = \"sent\""));
    // And once it is marked, a third refuses too.
    w.icu(&["send"])
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
    w.icu(&["send"])
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

    let a = w.icu(&["send"]).code(1);
    says_it_was_sent(&stderr(&a), &w.doc);
    assert_eq!(delivered(&mail), 1);
    let doc = w.doc_text();
    assert!(doc.ends_with("Edited while sending.\n"), "the edit is kept");
    assert!(doc.contains("status = \"draft\""), "{doc}");

    // What it says to run records the send, and no second mail goes out.
    w.icu(&["sent", "--at", AT_NOW, w.doc.to_str().unwrap()])
        .success();
    assert!(w.doc_text().contains("sent = 2026-11-24T12:00:00Z"));
    w.icu(&["send"]).code(1);
    assert_eq!(delivered(&mail), 1);
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
    let keep = w.env.path().join("keep.md");
    let script = format!(
        "set -e; cp {doc} {keep}; mount -t tmpfs -o size=256k tmpfs {dir}; cp {keep} {doc}; \
         set +e; {icu}; code=$?; cp {doc} {keep}.after; exit $code",
        doc = sh_quote(&w.doc.to_string_lossy()),
        keep = sh_quote(&keep.to_string_lossy()),
        dir = sh_quote(&w.env.updates().to_string_lossy()),
        icu = w.env.icu_sh(&["--config", w.cfg.to_str().unwrap(), "send"]),
    );
    let Some(out) = in_mount_namespace(&script) else {
        return;
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("No space left"), "{err}");
    says_it_was_sent(&err, &w.doc);
    assert_eq!(delivered(&mail), 1);
    let after = fs::read_to_string(w.env.path().join("keep.md.after")).unwrap();
    assert_eq!(after, before, "nothing half-written");
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
        let out = w.icu_with().arg("send").output().unwrap();
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
    w.icu(&["send"]).success();
    let m = fs::metadata(&w.doc).unwrap();
    assert!(w.doc_text().contains("status = \"sent\""));
    assert_eq!((m.uid(), m.gid()), (4242, 4343));
}
