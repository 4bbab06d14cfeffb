//! Damaged repositories (issue 17): objects a crash or a bad copy left
//! truncated, empty or missing; refs that point at the wrong kind of object.
//! A damaged repository is a warning naming it and what could not be read;
//! it never hangs icu, and the other repositories are still reported.

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::common::{stderr, stdout, Repo, TestEnv, C};
use predicates::prelude::*;

const DATE: &str = "2026-11-24";

/// The path of the loose object `id` in `r`.
fn loose(r: &Repo, id: &str) -> PathBuf {
    r.path.join(".git/objects").join(&id[..2]).join(&id[2..])
}

/// Keeps the first `keep` bytes of the loose object `id`, as a crash
/// during `git commit` leaves it.
fn truncate_object(r: &Repo, id: &str, keep: usize) {
    let p = loose(r, id);
    let bytes = fs::read(&p).unwrap_or_else(|e| panic!("{} is not there: {e}", p.display()));
    assert!(keep < bytes.len());
    fs::remove_file(&p).unwrap();
    fs::write(&p, &bytes[..keep]).unwrap();
}

/// A repository with one commit of mine in the window, which nothing damages.
fn healthy(env: &TestEnv) -> Repo {
    let r = env.repo("healthy");
    r.commit(C::mine("2026-11-20T10:00:00Z", "Healthy work", "h.txt"));
    r
}

fn draft_print(env: &TestEnv, cfg: &std::path::Path, timeout: &str) -> assert_cmd::assert::Assert {
    env.icu_with(cfg)
        .env("ICU_SCAN_TIMEOUT", timeout)
        .timeout(Duration::from_secs(120))
        .args(["draft", "--print", "--date", DATE])
        .assert()
}

#[test]
fn a_truncated_loose_object_gives_up_on_its_repo_and_reports_the_others() {
    let env = TestEnv::new();
    let r = env.repo("truncated");
    r.commit(C::mine("2026-11-18T10:00:00Z", "Before", "a.txt"));
    let hit = r.commit(C::mine("2026-11-19T10:00:00Z", "Cut short", "b.txt"));
    r.commit(C::mine("2026-11-20T10:00:00Z", "After", "c.txt"));
    // Half of the zlib stream: libgit2 1.9 spins on it forever.
    let len = fs::metadata(loose(&r, &hit)).unwrap().len() as usize;
    truncate_object(&r, &hit, len / 2);
    let h = healthy(&env);
    let cfg = env.config_for(&[&r, &h], "");
    let started = Instant::now();
    let a = draft_print(&env, &cfg, "3").success();
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(stdout(&a).contains("Healthy work"), "{}", stdout(&a));
    let err = stderr(&a);
    assert!(
        err.contains(&format!(
            "repo `truncated` ({}): gave up on it after 3 s: it may be damaged (`git fsck` in it tells)",
            r.path.display()
        )),
        "{err}"
    );
}

#[test]
fn by_default_a_truncated_loose_object_is_reported_within_ten_seconds() {
    let env = TestEnv::new();
    let r = env.repo("truncated");
    let hit = r.commit(C::mine("2026-11-19T10:00:00Z", "Cut short", "b.txt"));
    let len = fs::metadata(loose(&r, &hit)).unwrap().len() as usize;
    truncate_object(&r, &hit, len / 2);
    let h = healthy(&env);
    let cfg = env.config_for(&[&r, &h], "");
    let started = Instant::now();
    let a = env
        .icu_with(&cfg)
        .env_remove("ICU_SCAN_TIMEOUT")
        .timeout(Duration::from_secs(120))
        .args(["draft", "--print", "--date", DATE])
        .assert()
        .success();
    let took = started.elapsed();
    assert!(stdout(&a).contains("Healthy work"), "{}", stdout(&a));
    assert!(
        stderr(&a).contains("gave up on it after 10 s"),
        "{}",
        stderr(&a)
    );
    assert!(took < Duration::from_secs(15), "took {took:?}");
}

#[test]
fn more_hanging_repos_than_cores_still_leave_the_others_reported() {
    // One hanging repository more than icu has scan workers (one per core,
    // at most 8): each worker given up on is replaced, so the healthy
    // repositories listed after them are scanned all the same.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let env = TestEnv::new();
    let mut hanging = Vec::new();
    for k in 0..=workers {
        let r = env.repo(&format!("hangs-{k}"));
        let hit = r.commit(C::mine("2026-11-19T10:00:00Z", "Cut short", "b.txt"));
        let len = fs::metadata(loose(&r, &hit)).unwrap().len() as usize;
        truncate_object(&r, &hit, len / 2);
        hanging.push(r);
    }
    let h = healthy(&env);
    let other = env.repo("other");
    other.commit(C::mine("2026-11-21T10:00:00Z", "Other work", "o.txt"));
    let mut repos: Vec<&Repo> = hanging.iter().collect();
    repos.extend([&h, &other]);
    let cfg = env.config_for(&repos, "");
    let a = draft_print(&env, &cfg, "2").success();
    let out = stdout(&a);
    assert!(
        out.contains("Healthy work") && out.contains("Other work"),
        "{out}"
    );
    let err = stderr(&a);
    for r in &hanging {
        assert!(
            err.contains(&format!("({}): gave up on it after 2 s", r.path.display())),
            "{err}"
        );
    }
}

#[test]
fn a_scan_timeout_that_is_not_a_number_is_a_usage_error() {
    let env = TestEnv::new();
    let h = healthy(&env);
    let cfg = env.config_for(&[&h], "");
    draft_print(&env, &cfg, "soon")
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "ICU_SCAN_TIMEOUT=`soon` is not a number of seconds",
        ));
    // Every command that scans refuses it before any work: no scan (`-v`
    // would say what it did), nothing written.
    let doc = env.updates().join(format!("{DATE}.md"));
    for args in [
        &["draft", "--no-edit", "--date", DATE][..],
        &["goals", "--date", DATE],
        &["template", "--context", "--date", DATE],
    ] {
        env.icu()
            .env("ICU_SCAN_TIMEOUT", "1e20")
            .args(["-v", "--config"])
            .arg(&cfg)
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(
                predicate::str::contains(
                    "ICU_SCAN_TIMEOUT=`1e20` is more than 86400 seconds (a day)",
                )
                .and(predicate::str::contains("scan:").not()),
            );
        assert!(!doc.exists(), "{args:?} wrote {}", doc.display());
    }
    env.run(&cfg, &["draft", "--no-edit", "--date", DATE])
        .success();
    assert!(
        doc.exists(),
        "without ICU_SCAN_TIMEOUT the draft is written"
    );
}

/// A repository `name` with ten commits of mine in the window, `Work 0`
/// (oldest) to `Work 9`; returns it and their ids, oldest first.
fn ten_commits(env: &TestEnv, name: &str) -> (Repo, Vec<String>) {
    let r = env.repo(name);
    let dates: Vec<String> = (0..10).map(|i| format!("2026-11-20T1{i}:00:00Z")).collect();
    let messages: Vec<String> = (0..10).map(|i| format!("Work {i}")).collect();
    let files: Vec<String> = (0..10).map(|i| format!("f{i}.txt")).collect();
    let ids = (0..10)
        .map(|i| r.commit(C::mine(&dates[i], &messages[i], &files[i])))
        .collect();
    (r, ids)
}

/// Replaces the file at `p` by `bytes` (object files are read-only).
fn overwrite(p: &std::path::Path, bytes: &[u8]) {
    fs::remove_file(p).unwrap_or_else(|e| panic!("{} is not there: {e}", p.display()));
    fs::write(p, bytes).unwrap();
}

/// The one pack file of `r` ending in `ext`, after `git repack -ad`.
fn pack_file(r: &Repo, ext: &str) -> PathBuf {
    let dir = r.path.join(".git/objects/pack");
    fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == ext))
        .unwrap_or_else(|| panic!("no .{ext} in {}", dir.display()))
}

fn cannot_be_read(r: &Repo, id: &str) -> String {
    format!(
        "repo `{}` ({}): commit {} could not be read (",
        r.name(),
        r.path.display(),
        r.short(id)
    )
}

#[test]
fn an_empty_loose_object_or_a_blob_in_place_of_a_commit_is_a_warning_naming_it() {
    let env = TestEnv::new();
    let (empty, e_ids) = ten_commits(&env, "empty");
    overwrite(&loose(&empty, &e_ids[4]), b"");
    let (swapped, s_ids) = ten_commits(&env, "swapped");
    let blob = swapped.git(&["rev-parse", "HEAD:f0.txt"]);
    let blob_bytes = fs::read(loose(&swapped, &blob)).unwrap();
    overwrite(&loose(&swapped, &s_ids[4]), &blob_bytes);
    let h = healthy(&env);
    let cfg = env.config_for(&[&empty, &swapped, &h], "");
    let a = draft_print(&env, &cfg, "60").success();
    let (out, err) = (stdout(&a), stderr(&a));
    for (r, ids) in [(&empty, &e_ids), (&swapped, &s_ids)] {
        assert!(err.contains(&cannot_be_read(r, &ids[4])), "{err}");
        // What is in front of the damage is listed.
        assert!(out.contains(&r.short(&ids[9])), "{out}");
    }
    assert!(out.contains("Healthy work"), "{out}");
}

#[test]
fn a_pack_without_its_index_or_cut_short_is_a_warning_and_the_others_are_reported() {
    let env = TestEnv::new();
    let mut repos = Vec::new();
    for name in ["no-idx", "short-idx", "short-pack"] {
        let (r, ids) = ten_commits(&env, name);
        r.git(&["repack", "-adq"]);
        if name == "no-idx" {
            fs::remove_file(pack_file(&r, "idx")).unwrap();
        } else {
            let p = pack_file(&r, if name == "short-idx" { "idx" } else { "pack" });
            let b = fs::read(&p).unwrap();
            overwrite(&p, &b[..b.len() / 2]);
        }
        repos.push((r, ids));
    }
    let h = healthy(&env);
    let mut all: Vec<&Repo> = repos.iter().map(|(r, _)| r).collect();
    all.push(&h);
    let cfg = env.config_for(&all, "");
    let a = draft_print(&env, &cfg, "60").success();
    let err = stderr(&a);
    for (r, ids) in &repos {
        assert!(err.contains(&cannot_be_read(r, &ids[9])), "{err}");
    }
    assert!(stdout(&a).contains("Healthy work"), "{}", stdout(&a));
}

/// Deletes the loose object `id` from `r`'s object store, as a damaged disk
/// or a half-copied repository would.
fn delete_object(r: &Repo, id: &str) {
    let file = loose(r, id);
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
    draft_print(&env, &cfg, "60")
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
    draft_print(&env, &cfg, "60")
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
    draft_print(&env, &cfg, "60")
        .success()
        .stdout(predicate::str::contains("On main"))
        .stderr(predicate::str::contains(format!(
            "commit {} could not be read (",
            r.short(&tip)
        )));
}

#[test]
fn a_branch_at_a_blob_a_broken_ref_file_or_a_dangling_ref_is_a_warning_naming_it() {
    let env = TestEnv::new();
    let r = env.repo("refs");
    r.commit(C::mine("2026-11-20T10:00:00Z", "On main", "a.txt"));
    let blob = r.git(&["rev-parse", "HEAD:a.txt"]);
    let heads = r.path.join(".git/refs/heads");
    fs::write(heads.join("at-a-blob"), format!("{blob}\n")).unwrap();
    fs::write(heads.join("garbage"), "not a ref\n").unwrap();
    fs::write(heads.join("dangling"), "ref: refs/heads/nowhere\n").unwrap();
    let cfg = env.config_for(&[&r], "");
    let a = draft_print(&env, &cfg, "60").success();
    assert!(stdout(&a).contains("On main"), "{}", stdout(&a));
    let err = stderr(&a);
    assert!(
        err.contains(&format!("repo `refs` ({}): branches ", r.path.display())),
        "{err}"
    );
    for says in [
        format!(
            "`at-a-blob` points at {}, a blob, not a commit",
            r.short(&blob)
        ),
        "`garbage` cannot be read (".to_string(),
        "`dangling` cannot be resolved (".to_string(),
        "their work was skipped, so work of yours may be missing".to_string(),
    ] {
        assert!(err.contains(&says), "{says}: {err}");
    }
}

/// Writes a commit object as given, unchecked (`git hash-object --literally`).
fn write_literal_commit(r: &Repo, text: &str) -> String {
    let p = r.path.join("literal-commit");
    fs::write(&p, text).unwrap();
    let id = r.git(&[
        "hash-object",
        "-t",
        "commit",
        "-w",
        "--literally",
        "literal-commit",
    ]);
    fs::remove_file(&p).unwrap();
    id
}

#[test]
fn a_commit_whose_date_overflows_is_out_of_the_window_and_the_history_below_is_walked() {
    let env = TestEnv::new();
    let r = env.repo("overflow");
    r.commit(C::mine(
        "2026-11-18T10:00:00Z",
        "Below the bad date",
        "a.txt",
    ));
    let parent = r.commit(C::mine("2026-11-19T10:00:00Z", "Just below", "b.txt"));
    let tree = r.git(&["rev-parse", "HEAD^{tree}"]);
    let huge = "99999999999999999999 +0000";
    let bad = write_literal_commit(
        &r,
        &format!(
            "tree {tree}\nparent {parent}\nauthor Ada Lovelace <{ME}> {huge}\n\
             committer Ada Lovelace <{ME}> {huge}\n\nFrom beyond time\n",
            ME = crate::common::ME
        ),
    );
    r.git(&["update-ref", "refs/heads/main", &bad]);
    r.commit(C::mine("2026-11-20T10:00:00Z", "On top", "c.txt"));
    // git shows all of them.
    assert!(r
        .git(&["log", "--format=%s"])
        .contains("Below the bad date"));
    let cfg = env.config_for(&[&r], "");
    let a = draft_print(&env, &cfg, "60").success();
    let (out, err) = (stdout(&a), stderr(&a));
    for s in ["On top", "Just below", "Below the bad date"] {
        assert!(out.contains(s), "{s}: {out}");
    }
    assert!(!out.contains("From beyond time"), "{out}");
    assert!(!err.contains("could not be read"), "{err}");
}

#[test]
fn a_replaced_commit_is_read_as_git_log_reads_it() {
    let env = TestEnv::new();
    let r = env.repo("replaced");
    r.commit(C::mine("2026-11-18T10:00:00Z", "Base", "a.txt"));
    let old = r.commit(C::mine("2026-11-19T10:00:00Z", "Original subject", "b.txt"));
    r.commit(C::mine("2026-11-20T10:00:00Z", "On top", "c.txt"));
    // The same commit with another message, put in its place.
    let raw = r.git(&["cat-file", "commit", &old]);
    let new = write_literal_commit(
        &r,
        &format!("{}\n", raw.replace("Original subject", "Rewritten subject")),
    );
    r.git(&["replace", &old, &new]);
    let shown = r.git(&["log", "--format=%h %s"]);
    assert!(
        shown.contains(&format!("{} Rewritten subject", r.short(&old))),
        "{shown}"
    );
    let cfg = env.config_for(&[&r], "");
    let a = draft_print(&env, &cfg, "60").success();
    let out = stdout(&a);
    assert!(
        out.contains(&format!("Rewritten subject ({})", r.short(&old))),
        "{out}"
    );
    assert!(!out.contains("Original subject"), "{out}");
    assert!(out.contains("Base") && out.contains("On top"), "{out}");
}

#[test]
fn a_replacement_that_drops_the_parents_hides_the_history_below_as_in_git_log() {
    let env = TestEnv::new();
    let r = env.repo("grafted");
    r.commit(C::mine(
        "2026-11-18T10:00:00Z",
        "Hidden by the graft",
        "a.txt",
    ));
    r.commit(C::mine("2026-11-19T10:00:00Z", "Grafted root", "b.txt"));
    r.commit(C::mine("2026-11-20T10:00:00Z", "On top", "c.txt"));
    r.git(&["replace", "--graft", "HEAD~1"]);
    assert!(!r
        .git(&["log", "--format=%s"])
        .contains("Hidden by the graft"));
    let cfg = env.config_for(&[&r], "");
    let a = draft_print(&env, &cfg, "60").success();
    let out = stdout(&a);
    assert!(
        out.contains("Grafted root") && out.contains("On top"),
        "{out}"
    );
    assert!(!out.contains("Hidden by the graft"), "{out}");
}
