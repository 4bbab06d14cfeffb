//! What a person gives icu by mistake, or that is merely unusual, from
//! README's "When things go wrong" table: a config naming a file or a plain
//! folder as a repository; repositories of every shape (empty, bare, shallow,
//! a linked worktree, a detached HEAD, thousands of branches) and commits no
//! one expects (10,000 files, a megabyte of message, bytes that are not
//! UTF-8, dates before 1970); an update whose front matter or markers were
//! damaged by hand; an updates dir that is a file; `export -o` aimed at an
//! existing file or at an update; a sendmail timeout past reason. Each is
//! said plainly or handled, and nothing the person wrote is lost.
//!
//! Damaged repositories are `broken_repos`; runs that race, are killed, or
//! meet a file system that fails underneath are `hostile`.

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use crate::common::{
    delivered, export_world, good_repo, mailer_world, Repo, TestEnv, World, C, ME,
};
use predicates::prelude::*;

const DATE: &str = "2026-11-24";

fn draft_print(env: &TestEnv, cfg: &Path) -> assert_cmd::assert::Assert {
    env.run(cfg, &["draft", "--print", "--date", DATE])
}

/// A config whose repos are the given paths (not fixtures).
fn config_with_paths(env: &TestEnv, paths: &[(&str, &Path)]) -> PathBuf {
    let mut t = format!(
        "[me]\nname = \"Ada\"\nemails = [\"{ME}\"]\n\n[update]\ndir = \"{}\"\n\n",
        env.updates().display()
    );
    for (name, p) in paths {
        t.push_str(&format!(
            "[[repo]]\nname = \"{name}\"\npath = \"{}\"\n\n",
            p.display()
        ));
    }
    env.config(&t)
}

// --- repositories -------------------------------------------------------

#[test]
fn a_file_where_a_repo_should_be_is_a_warning() {
    let env = TestEnv::new();
    let good = good_repo(&env);
    let file = env.path().join("notes.txt");
    fs::write(&file, "x").unwrap();
    let cfg = config_with_paths(&env, &[("good", &good.path), ("notes", &file)]);
    draft_print(&env, &cfg)
        .success()
        .stdout(predicate::str::contains("Work that counts"))
        .stderr(predicate::str::contains("notes").and(predicate::str::contains("is a file")));
}

#[test]
fn a_folder_that_is_not_a_repository_is_a_warning() {
    let env = TestEnv::new();
    let good = good_repo(&env);
    let plain = env.path().join("plain");
    fs::create_dir_all(&plain).unwrap();
    let cfg = config_with_paths(&env, &[("good", &good.path), ("plain", &plain)]);
    draft_print(&env, &cfg)
        .success()
        .stdout(predicate::str::contains("Work that counts"))
        .stderr(
            predicate::str::contains("plain").and(predicate::str::contains("not a git repository")),
        );
}

#[test]
fn an_empty_repository_has_no_activity_and_no_error() {
    let env = TestEnv::new();
    let good = good_repo(&env);
    let empty = env.repo("empty");
    let cfg = config_with_paths(&env, &[("good", &good.path), ("empty", &empty.path)]);
    draft_print(&env, &cfg)
        .success()
        .stdout(predicate::str::contains("Work that counts"))
        .stderr(predicate::str::contains("empty").not());
}

#[test]
fn a_bare_repository_is_scanned() {
    let env = TestEnv::new();
    let good = good_repo(&env);
    let bare = env.path().join("bare.git");
    good.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
    let cfg = config_with_paths(&env, &[("bare", &bare)]);
    draft_print(&env, &cfg)
        .success()
        .stdout(predicate::str::contains("1 commit in bare"));
}

#[test]
fn a_shallow_clone_cut_inside_the_window_reports_what_it_has() {
    let env = TestEnv::new();
    let r = env.repo("deep");
    r.commit(C::mine("2026-11-11T10:00:00Z", "Before the cut", "a.txt"));
    r.commit(C::mine("2026-11-12T10:00:00Z", "At the cut", "b.txt"));
    r.commit(C::mine("2026-11-13T10:00:00Z", "After the cut", "c.txt"));
    let shallow = env.path().join("shallow");
    r.git(&[
        "clone",
        "-q",
        "--depth",
        "2",
        &format!("file://{}", r.path.display()),
        shallow.to_str().unwrap(),
    ]);
    let cfg = config_with_paths(&env, &[("shallow", &shallow)]);
    draft_print(&env, &cfg)
        .success()
        .stdout(
            predicate::str::contains("After the cut")
                .and(predicate::str::contains("At the cut"))
                .and(predicate::str::contains("Before the cut").not()),
        )
        // The cut is expected: its commits have no parents, nothing is damaged.
        .stderr(predicate::str::contains("warning").not());
}

#[test]
fn a_detached_head_is_scanned() {
    let env = TestEnv::new();
    let r = env.repo("detached");
    r.commit(C::mine("2026-11-20T10:00:00Z", "On main", "a.txt"));
    r.git(&["checkout", "-q", "--detach"]);
    r.commit(C::mine(
        "2026-11-21T10:00:00Z",
        "Only on the detached HEAD",
        "b.txt",
    ));
    let cfg = env.config_for(&[&r], "");
    draft_print(&env, &cfg).success().stdout(
        predicate::str::contains("Only on the detached HEAD")
            .and(predicate::str::contains("On main")),
    );
}

#[test]
fn a_linked_worktree_is_scanned_as_its_repository() {
    let env = TestEnv::new();
    let r = env.repo("main-repo");
    r.commit(C::mine("2026-11-20T10:00:00Z", "On main", "a.txt"));
    let wt = env.path().join("linked");
    r.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "feature",
        wt.to_str().unwrap(),
    ]);
    let linked = Repo { path: wt.clone() };
    linked.commit(C::mine("2026-11-21T10:00:00Z", "In the worktree", "b.txt"));
    let cfg = config_with_paths(&env, &[("linked", &wt)]);
    draft_print(&env, &cfg).success().stdout(
        predicate::str::contains("In the worktree").and(predicate::str::contains("On main")),
    );
}

#[test]
fn thousands_of_branches_are_fine() {
    let env = TestEnv::new();
    let r = env.repo("branchy");
    let head = r.commit(C::mine("2026-11-20T10:00:00Z", "Branched a lot", "a.txt"));
    let refs: String = (0..3000)
        .map(|i| format!("create refs/heads/topic/{i} {head}\n"))
        .collect();
    let mut child = StdCommand::new("git")
        .current_dir(&r.path)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(["update-ref", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(refs.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"g\"\ntitle = \"G\"\nstatus = \"on-track\"\nbranches = [\"topic/2999\"]\n",
    );
    draft_print(&env, &cfg)
        .success()
        .stdout(predicate::str::contains("1 commit in branchy").count(1));
}

#[test]
fn a_commit_touching_ten_thousand_files_is_counted() {
    let env = TestEnv::new();
    let r = env.repo("wide");
    let dir = r.path.join("gen");
    for i in 0..10_000 {
        let sub = dir.join(format!("d{}", i % 100));
        fs::create_dir_all(&sub).unwrap();
        fs::write(sub.join(format!("f{i}.txt")), format!("{i}\n")).unwrap();
    }
    r.git(&["add", "gen"]);
    r.commit(C::mine(
        "2026-11-20T10:00:00Z",
        "Generate ten thousand files",
        "x.txt",
    ));
    let cfg = env.config_for(&[&r], "");
    draft_print(&env, &cfg)
        .success()
        .stdout(predicate::str::contains("+10,001 −0"));
}

#[test]
fn non_utf8_messages_and_names_are_shown_lossily() {
    let env = TestEnv::new();
    let r = env.repo("latin1");
    fs::write(r.path.join("a.txt"), "a").unwrap();
    r.git(&["add", "a.txt"]);
    let msg = env.path().join("msg");
    fs::write(&msg, b"Caf\xe9 au lait\n").unwrap();
    let name = std::ffi::OsStr::from_bytes(b"Jos\xe9");
    let out = StdCommand::new("git")
        .current_dir(&r.path)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", name)
        .env("GIT_COMMITTER_NAME", name)
        .env("GIT_AUTHOR_EMAIL", ME)
        .env("GIT_COMMITTER_EMAIL", ME)
        .env("GIT_AUTHOR_DATE", "2026-11-20T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-11-20T10:00:00Z")
        .args(["-c", "i18n.commitEncoding=iso-8859-1", "commit", "-q", "-F"])
        .arg(&msg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cfg = env.config_for(&[&r], "");
    draft_print(&env, &cfg)
        .success()
        .stdout(predicate::str::contains("Caf").and(predicate::str::contains("au lait")));
}

#[test]
fn a_one_megabyte_message_is_cut_to_a_readable_subject() {
    let env = TestEnv::new();
    let r = env.repo("huge");
    fs::write(r.path.join("a.txt"), "a").unwrap();
    r.git(&["add", "a.txt"]);
    let msg = env.path().join("big-message");
    fs::write(&msg, "x".repeat(1 << 20)).unwrap();
    r.git_env(
        &["commit", "-q", "-F", msg.to_str().unwrap()],
        &[
            ("GIT_AUTHOR_EMAIL", ME),
            ("GIT_COMMITTER_EMAIL", ME),
            ("GIT_AUTHOR_DATE", "2026-11-20T10:00:00Z"),
            ("GIT_COMMITTER_DATE", "2026-11-20T10:00:00Z"),
        ],
    );
    let cfg = env.config_for(&[&r], "");
    let out = draft_print(&env, &cfg)
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.len() < 10_000, "the doc is {} bytes", text.len());
    assert!(text.contains("xxx…"));
}

#[test]
fn commits_dated_in_the_future_or_before_1970_do_not_disturb_the_window() {
    let env = TestEnv::new();
    let r = env.repo("timey");
    // git will not date a commit before 1970, so this one is written raw.
    let tree = r.git(&["write-tree"]);
    let raw = format!(
        "tree {tree}\nauthor Ada <{ME}> -14182980 +0000\ncommitter Ada <{ME}> -14182980 +0000\n\nBefore the epoch\n"
    );
    let raw_file = env.path().join("raw-commit");
    fs::write(&raw_file, raw).unwrap();
    let old = r.git(&[
        "hash-object",
        "--literally",
        "-t",
        "commit",
        "-w",
        raw_file.to_str().unwrap(),
    ]);
    r.git(&["update-ref", "refs/heads/main", &old]);
    r.git(&["reset", "-q", "--hard", "main"]);
    r.commit(C::mine("2031-01-01T00:00:00Z", "From the future", "b.txt"));
    r.commit(C::mine("2026-11-20T10:00:00Z", "In the window", "c.txt"));
    let cfg = env.config_for(&[&r], "");
    draft_print(&env, &cfg).success().stdout(
        predicate::str::contains("In the window")
            .and(predicate::str::contains("From the future").not())
            .and(predicate::str::contains("Before the epoch").not()),
    );
}

// --- documents and the updates dir -------------------------------------------

/// Replaces the update of DATE in `w` with `text`, runs a refresh, and
/// checks that it was refused and the file is byte for byte what it was.
fn refresh_is_refused(w: &World, text: &str, says: &str) {
    w.write(DATE, text);
    w.draft(DATE)
        .code(1)
        .stderr(predicate::str::contains(says).and(predicate::str::contains("not changed")));
    assert_eq!(w.read(DATE), text);
    assert!(!w.bak(DATE).exists());
}

#[test]
fn a_doc_without_front_matter_is_left_untouched() {
    let d = World::drafted(DATE);
    let text = fs::read_to_string(d.doc(DATE)).unwrap();
    let body = text.splitn(3, "+++\n").nth(2).unwrap().to_string();
    refresh_is_refused(&d, &body, "line 1");
    d.icu(&["check", d.doc(DATE).to_str().unwrap()])
        .code(1)
        .stderr(predicate::str::contains("+++"));
}

#[test]
fn malformed_front_matter_is_left_untouched_with_its_line() {
    let d = World::drafted(DATE);
    let text = fs::read_to_string(d.doc(DATE)).unwrap();
    let bad = text.replacen("status = \"draft\"", "status = draft", 1);
    refresh_is_refused(&d, &bad, "line 6");
}

#[test]
fn nested_and_duplicated_markers_are_left_untouched() {
    let d = World::drafted(DATE);
    let text = fs::read_to_string(d.doc(DATE)).unwrap();
    let nested = text.replacen(
        "<!-- icu:activity other -->\n",
        "<!-- icu:activity other -->\n<!-- icu:activity inner -->\n",
        1,
    );
    refresh_is_refused(&d, &nested, "nested");
    let dup = format!("{text}\n<!-- icu:activity other -->\n<!-- /icu:activity -->\n");
    refresh_is_refused(&d, &dup, "second `icu:activity other`");
}

#[test]
fn damaged_markers_leave_the_file_untouched() {
    let w = World::search();
    w.draft("2026-11-23").success();
    let path = w.doc("2026-11-23");
    let text = fs::read_to_string(&path).unwrap();
    // Remove the closing marker of the first goal's block.
    let opener = text.find("<!-- icu:activity search-latency -->").unwrap();
    let close = opener + text[opener..].find("<!-- /icu:activity -->").unwrap();
    let damaged = format!(
        "{}{}",
        &text[..close],
        &text[close + "<!-- /icu:activity -->".len()..]
    );
    fs::write(&path, &damaged).unwrap();
    let line = damaged
        .lines()
        .position(|l| l.contains("<!-- icu:activity search-latency -->"))
        .unwrap()
        + 1;
    w.draft("2026-11-23")
        .code(1)
        .stderr(predicate::str::contains(format!("line {line}")))
        .stderr(predicate::str::contains("not changed"));
    assert_eq!(fs::read_to_string(&path).unwrap(), damaged);
    assert!(!w.env.updates().join(".2026-11-23.md.bak").exists());
}

#[test]
fn an_updates_dir_that_is_a_file_is_an_error_that_says_so() {
    let env = TestEnv::new();
    let r = good_repo(&env);
    let blocker = env.updates();
    fs::write(&blocker, "not a dir").unwrap();
    let cfg = env.config_for(&[&r], "");
    env.run(&cfg, &["draft", "--no-edit", "--date", DATE])
        .code(1)
        .stderr(predicate::str::contains(blocker.to_str().unwrap()));
    assert_eq!(fs::read_to_string(&blocker).unwrap(), "not a dir");
}

// --- outputs aimed at the wrong file -----------------------------------------

#[test]
fn an_existing_output_is_replaced_only_with_overwrite() {
    let (w, md) = export_world();
    let out = w.env.path().join("u.md");
    fs::write(&out, "my notes").unwrap();
    let o = out.to_str().unwrap();
    w.icu(&["export", "--force", "--format", "md", "-o", o])
        .code(1)
        .stderr(
            predicate::str::contains("already exists").and(predicate::str::contains("--overwrite")),
        );
    assert_eq!(fs::read_to_string(&out).unwrap(), "my notes");
    w.icu(&[
        "export",
        "--force",
        "--format",
        "md",
        "-o",
        o,
        "--overwrite",
    ])
    .success();
    assert_eq!(fs::read_to_string(&out).unwrap(), md);
    // A new file needs nothing.
    let new = w.env.path().join("new.md");
    w.icu(&[
        "export",
        "--force",
        "--format",
        "md",
        "-o",
        new.to_str().unwrap(),
    ])
    .success();
    assert_eq!(fs::read_to_string(&new).unwrap(), md);
}

#[test]
fn export_never_writes_over_an_update() {
    let (w, _) = export_world();
    let updates = w.env.updates();
    let other = updates.join("2026-11-10.md");
    fs::write(&other, "+++\nthe last update, by hand\n").unwrap();
    let link = w.env.path().join("link.md");
    std::os::unix::fs::symlink(&w.doc, &link).unwrap();
    let doc_before = w.doc_text();
    let refused = |cwd: &Path, out: &str| {
        w.icu_with()
            .current_dir(cwd)
            .args([
                "export",
                "--force",
                "--overwrite",
                "--format",
                "md",
                "-o",
                out,
            ])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("is an update"));
    };
    // The update being exported, named as it is in its own dir.
    refused(&updates, "2026-11-24.md");
    // Another update; a link to the update; a new update's name.
    refused(&updates, other.to_str().unwrap());
    refused(w.env.path(), link.to_str().unwrap());
    refused(&updates, "2026-12-08.md");
    assert_eq!(w.doc_text(), doc_before);
    assert_eq!(
        fs::read_to_string(&other).unwrap(),
        "+++\nthe last update, by hand\n"
    );
    assert!(!updates.join("2026-12-08.md").exists());
}

// --- values past reason ------------------------------------------------------

#[test]
fn a_sendmail_timeout_too_large_is_refused_with_a_message() {
    let (w, mail) = mailer_world(|_| String::new());
    let before = w.doc_text();
    for value in ["1e20", "1e300", "100000"] {
        w.icu_with()
            .env("ICU_SENDMAIL_TIMEOUT", value)
            .args(["send", "--yes"])
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains(format!("ICU_SENDMAIL_TIMEOUT=`{value}`"))
                    .and(predicate::str::contains("86400"))
                    .and(predicate::str::contains("bug").not()),
            );
    }
    assert_eq!(delivered(&mail), 0);
    assert_eq!(w.doc_text(), before);
}
