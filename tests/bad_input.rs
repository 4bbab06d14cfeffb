//! The bad inputs of README's "When things go wrong" table that concern
//! repositories, update documents and concurrent runs: one test per row.

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use crate::common::{in_mount_namespace, Repo, TestEnv, World, C, ME};
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

fn good_repo(env: &TestEnv) -> Repo {
    let r = env.repo("good");
    r.commit(C::mine("2026-11-20T10:00:00Z", "Work that counts", "a.txt"));
    r
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

/// Deletes the loose object `id` from `r`'s object store, as a damaged disk
/// or a half-copied repository would.
fn delete_object(r: &Repo, id: &str) {
    let file = r.path.join(".git/objects").join(&id[..2]).join(&id[2..]);
    fs::remove_file(&file).unwrap_or_else(|e| panic!("{} is not there: {e}", file.display()));
}

#[test]
fn a_commit_whose_files_cannot_be_compared_is_listed_with_a_warning() {
    let env = TestEnv::new();
    let r = env.repo("damaged");
    r.commit(C::mine("2026-11-19T10:00:00Z", "Work that counts", "a.txt"));
    let id = r.commit(C::mine(
        "2026-11-20T10:00:00Z",
        "Work whose file is gone",
        "b.txt",
    ));
    delete_object(&r, &r.git(&["rev-parse", &format!("{id}:b.txt")]));
    let cfg = env.config_for(&[&r], "");
    draft_print(&env, &cfg)
        .success()
        .stdout(
            predicate::str::contains("Work whose file is gone")
                .and(predicate::str::contains("Work that counts")),
        )
        .stderr(
            predicate::str::contains(format!(
                "repo `damaged` ({}): could not compare the files of {} (",
                r.path.display(),
                r.short(&id)
            ))
            .and(predicate::str::contains(
                "); it is listed without files or line counts",
            ))
            .and(predicate::str::contains("could not be read").not()),
        );
}

#[test]
fn a_commit_that_cannot_be_read_is_a_warning_and_the_rest_is_reported() {
    let env = TestEnv::new();
    let r = env.repo("broken");
    let lost = r.commit(C::mine(
        "2026-11-18T10:00:00Z",
        "Work behind the damage",
        "a.txt",
    ));
    r.commit(C::theirs("2026-11-19T10:00:00Z", "Their work", "b.txt"));
    r.commit(C::mine(
        "2026-11-20T10:00:00Z",
        "Work in front of the damage",
        "c.txt",
    ));
    delete_object(&r, &lost);
    let cfg = env.config_for(&[&r], "");
    draft_print(&env, &cfg)
        .success()
        .stdout(
            predicate::str::contains("Work in front of the damage")
                .and(predicate::str::contains("Work behind the damage").not())
                .and(predicate::str::contains(
                    "in broken, +1 −0 (incomplete: part of this repository could not be read; see icu's warnings)",
                )),
        )
        .stderr(
            predicate::str::contains(format!(
                "repo `broken` ({}): commit {} could not be read (",
                r.path.display(),
                r.short(&lost)
            ))
            .and(predicate::str::contains(
                "it and the history behind it were skipped, so work of yours may be missing",
            ))
            // The commits that could be read compare as usual.
            .and(predicate::str::contains("could not compare").not()),
        );
}

#[test]
fn a_branch_whose_tip_cannot_be_read_is_a_warning() {
    let env = TestEnv::new();
    let r = env.repo("tipless");
    r.commit(C::mine("2026-11-19T10:00:00Z", "On main", "a.txt"));
    r.git(&["checkout", "-q", "-b", "feature"]);
    let tip = r.commit(C::mine("2026-11-20T10:00:00Z", "On the feature", "b.txt"));
    r.git(&["checkout", "-q", "main"]);
    delete_object(&r, &tip);
    let cfg = env.config_for(&[&r], "");
    draft_print(&env, &cfg)
        .success()
        .stdout(predicate::str::contains("On main"))
        .stderr(predicate::str::contains(format!(
            "commit {} could not be read (",
            r.short(&tip)
        )));
}

// --- documents ------------------------------------------------------------

/// A world with one repo and a written update for DATE.
struct Doc {
    env: TestEnv,
    cfg: PathBuf,
}

impl Doc {
    fn new() -> Doc {
        let env = TestEnv::new();
        let r = good_repo(&env);
        let cfg = env.config_for(&[&r], "");
        let d = Doc { env, cfg };
        d.icu(&["draft", "--no-edit", "--date", DATE]).success();
        d
    }

    fn path(&self) -> PathBuf {
        self.env.updates().join(format!("{DATE}.md"))
    }

    fn icu(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        self.env.run(&self.cfg, args)
    }

    /// Replaces the doc with `text`, runs a refresh, and checks that it was
    /// refused and the file is byte for byte what it was.
    fn refresh_is_refused(&self, text: &str, says: &str) {
        fs::write(self.path(), text).unwrap();
        self.icu(&["draft", "--no-edit", "--date", DATE])
            .code(1)
            .stderr(predicate::str::contains(says).and(predicate::str::contains("not changed")));
        assert_eq!(fs::read_to_string(self.path()).unwrap(), text);
        assert!(!self.env.updates().join(format!(".{DATE}.md.bak")).exists());
    }
}

#[test]
fn a_doc_without_front_matter_is_left_untouched() {
    let d = Doc::new();
    let text = fs::read_to_string(d.path()).unwrap();
    let body = text.splitn(3, "+++\n").nth(2).unwrap().to_string();
    d.refresh_is_refused(&body, "line 1");
    d.icu(&["check", d.path().to_str().unwrap()])
        .code(1)
        .stderr(predicate::str::contains("+++"));
}

#[test]
fn malformed_front_matter_is_left_untouched_with_its_line() {
    let d = Doc::new();
    let text = fs::read_to_string(d.path()).unwrap();
    let bad = text.replacen("status = \"draft\"", "status = draft", 1);
    d.refresh_is_refused(&bad, "line 6");
}

#[test]
fn nested_and_duplicated_markers_are_left_untouched() {
    let d = Doc::new();
    let text = fs::read_to_string(d.path()).unwrap();
    let nested = text.replacen(
        "<!-- icu:activity other -->\n",
        "<!-- icu:activity other -->\n<!-- icu:activity inner -->\n",
        1,
    );
    d.refresh_is_refused(&nested, "nested");
    let dup = format!("{text}\n<!-- icu:activity other -->\n<!-- /icu:activity -->\n");
    d.refresh_is_refused(&dup, "second `icu:activity other`");
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
fn a_byte_order_mark_is_kept() {
    let d = Doc::new();
    let text = fs::read_to_string(d.path()).unwrap();
    // Stale activity, as an update from before icu recorded its blocks has
    // it: refreshed unchecked.
    let stale: String = text
        .replace("- 1 commit in good", "- stale line")
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("blocks = "))
        .collect();
    let with_bom = format!("\u{feff}{stale}");
    fs::write(d.path(), &with_bom).unwrap();
    d.icu(&["draft", "--no-edit", "--date", DATE]).success();
    let after = fs::read_to_string(d.path()).unwrap();
    assert!(after.starts_with("\u{feff}+++\n"));
    assert_eq!(after, format!("\u{feff}{text}"));
    d.icu(&["check", d.path().to_str().unwrap()])
        .code(1)
        .stdout(predicate::str::contains("Summary"));
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

#[test]
fn a_full_disk_keeps_the_old_doc() {
    let d = Doc::new();
    // New work, so the refresh has something to write.
    let r = Repo {
        path: d.env.path().join("good"),
    };
    r.commit(C::mine("2026-11-22T10:00:00Z", "More work", "b.txt"));
    let before = fs::read_to_string(d.path()).unwrap();
    let dir = d.env.updates();
    let keep = d.env.path().join("keep.md");
    let script = format!(
        "set -e; cp '{doc}' '{keep}'; mount -t tmpfs -o size=256k tmpfs '{dir}'; cp '{keep}' '{doc}'; \
         dd if=/dev/zero of='{dir}/filler' bs=4k 2>/dev/null || true; \
         set +e; {icu}; code=$?; \
         cp '{doc}' '{keep}.after'; exit $code",
        doc = d.path().display(),
        keep = keep.display(),
        dir = dir.display(),
        icu = d.env.icu_sh(&[
            "--config",
            d.cfg.to_str().unwrap(),
            "draft",
            "--no-edit",
            "--date",
            DATE,
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
    let d = Doc::new();
    let before = fs::read_to_string(d.path()).unwrap();
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
            DATE,
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
    assert_eq!(fs::read_to_string(d.path()).unwrap(), before);
}

// --- concurrency ------------------------------------------------------------

#[test]
fn a_second_draft_on_the_same_doc_waits_its_turn() {
    let d = Doc::new();
    let lock = d.env.updates().join(format!(".{DATE}.md.lock"));
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
    let before = fs::read_to_string(d.path()).unwrap();
    d.icu(&[
        "draft",
        "--no-edit",
        "--date",
        DATE,
        "--since",
        "2026-11-01",
    ])
    .code(1)
    .stderr(predicate::str::contains("another icu is writing"));
    assert_eq!(fs::read_to_string(d.path()).unwrap(), before);
    holder.kill().ok();
    holder.wait().ok();
}

#[test]
fn a_lock_left_by_a_crash_does_not_block() {
    let d = Doc::new();
    let lock = d.env.updates().join(format!(".{DATE}.md.lock"));
    fs::write(&lock, "").unwrap();
    d.icu(&["draft", "--no-edit", "--date", DATE]).success();
    assert!(!lock.exists(), "the lock file is removed on exit");
}
