//! Which repositories and refs icu scans, and as whom: remote-tracking
//! branches (a fresh clone, work pushed from another machine), bare
//! repositories found from inside, the identity as git itself reports it, and
//! a config none of whose repositories can be opened.
//!
//! The update is dated 2026-11-23 in UTC with the default 14-day cadence, so
//! the window is [2026-11-09T00:00Z, 2026-11-24T00:00Z).

use crate::common::{
    activity_block as section, global_config_with_a_work_include, print_draft as draft, stderr,
    stdout, Repo, TestEnv, C, ME,
};

const GOAL: &str = "[[goal]]\nid = \"search\"\ntitle = \"Search\"\nbranches = [\"search/*\"]\n";

/// `upstream` cloned to `<root>/<name>`: local `main`, `origin/HEAD` →
/// `origin/main`, and a remote-tracking branch for each of upstream's.
fn clone(env: &TestEnv, upstream: &Repo, name: &str) -> Repo {
    let path = env.path().join(name);
    upstream.git(&["clone", "-q", ".", path.to_str().unwrap()]);
    Repo { path }
}

// --- remote-tracking branches --------------------------------------------------

/// A fresh clone: the work is on `origin/search/remote-only`, pushed from
/// another machine, and no local branch has it.
#[test]
fn a_commit_only_on_a_remote_tracking_branch_is_reported() {
    let env = TestEnv::new();
    let up = env.repo("upstream");
    up.commit(C::mine("2026-11-10T10:00:00Z", "on main", "a"));
    up.git(&["checkout", "-q", "-b", "search/remote-only"]);
    up.commit(C::mine(
        "2026-11-11T10:00:00Z",
        "pushed from the other laptop",
        "b",
    ));
    up.git(&["checkout", "-q", "main"]);
    let r = clone(&env, &up, "search");
    assert_eq!(r.git(&["branch", "--list"]), "* main");
    // A remote ref made by hand is read the same way.
    let other = up.git(&["rev-parse", "main"]);
    r.git(&["checkout", "-q", "--detach", &other]);
    r.git(&["checkout", "-q", "-b", "tmp"]);
    let by_hand = r.commit(C::mine("2026-11-12T10:00:00Z", "made with update-ref", "c"));
    r.git(&["update-ref", "refs/remotes/origin/feature", &by_hand]);
    r.git(&["checkout", "-q", "main"]);
    r.git(&["branch", "-q", "-D", "tmp"]);

    let cfg = env.config_for(&[&r], GOAL);
    let doc = draft(&env, &cfg);
    // `origin/search/remote-only` is on `search/*`: the name without the remote.
    let goal = section(&doc, "search");
    assert!(goal.contains("pushed from the other laptop"), "{doc}");
    assert!(!goal.contains("on main"), "{doc}");
    let other = section(&doc, "other");
    assert!(other.contains("made with update-ref"), "{doc}");
    assert!(other.contains("on main"), "{doc}");
    assert!(other.contains("- 2 commits in search"), "{doc}");

    // The full name matches too.
    let cfg = env.config_for(
        &[&r],
        "[[goal]]\nid = \"search\"\ntitle = \"Search\"\nbranches = [\"origin/search/*\"]\n",
    );
    let goal = section(&draft(&env, &cfg), "search");
    assert!(goal.contains("pushed from the other laptop"), "{goal}");
}

#[test]
fn a_commit_on_a_local_and_a_remote_branch_is_reported_once() {
    let env = TestEnv::new();
    let up = env.repo("upstream");
    up.commit(C::mine("2026-11-10T10:00:00Z", "on main", "a"));
    up.git(&["checkout", "-q", "-b", "search/both"]);
    up.commit(C::mine("2026-11-11T10:00:00Z", "on both branches", "b"));
    up.git(&["checkout", "-q", "main"]);
    let r = clone(&env, &up, "search");
    r.git(&["branch", "-q", "search/both", "origin/search/both"]);
    let cfg = env.config_for(&[&r], GOAL);
    let doc = draft(&env, &cfg);
    assert_eq!(doc.matches("on both branches").count(), 1, "{doc}");
    assert_eq!(doc.matches("on main (").count(), 1, "{doc}");
    assert!(
        section(&doc, "search").contains("on both branches"),
        "{doc}"
    );
}

#[test]
fn remotes_false_keeps_to_local_branches() {
    let env = TestEnv::new();
    let up = env.repo("upstream");
    up.commit(C::mine("2026-11-10T10:00:00Z", "on main", "a"));
    up.git(&["checkout", "-q", "-b", "search/remote-only"]);
    up.commit(C::mine("2026-11-11T10:00:00Z", "only on origin", "b"));
    up.git(&["checkout", "-q", "main"]);
    let r = clone(&env, &up, "search");
    let text = std::fs::read_to_string(env.config_for(&[&r], GOAL)).unwrap();
    let cfg = env.config(&text.replace(
        "name = \"search\"\n",
        "name = \"search\"\nremotes = false\n",
    ));
    let doc = draft(&env, &cfg);
    assert!(doc.contains("on main"), "{doc}");
    assert!(!doc.contains("only on origin"), "{doc}");

    // The key is checked like any other.
    let bad =
        env.config(&text.replace("name = \"search\"\n", "name = \"search\"\nremote = false\n"));
    let e = stderr(&env.run(&bad, &["goals"]).code(2));
    assert!(e.contains("unknown key `remote` in [[repo]]"), "{e}");
    assert!(e.contains("did you mean `remotes`?"), "{e}");
    let bad = env.config(&text.replace(
        "name = \"search\"\n",
        "name = \"search\"\nremotes = \"no\"\n",
    ));
    let e = stderr(&env.run(&bad, &["goals"]).code(2));
    assert!(e.contains("wrong type for `repo.remotes`"), "{e}");
}

/// origin/main moved on (pushed from another machine, fetched here) and a
/// remote feature branch forked from its newest commit: origin/main's
/// first-parent line is the mainline, so the feature branch claims only its
/// own commit — as with local branches forked from main.
#[test]
fn the_remote_mainline_is_not_a_feature_branchs_work() {
    let env = TestEnv::new();
    let up = env.repo("upstream");
    up.commit(C::mine("2026-11-10T10:00:00Z", "old main", "a"));
    let r = clone(&env, &up, "search");
    up.commit(C::mine("2026-11-12T10:00:00Z", "main from the laptop", "b"));
    up.git(&["checkout", "-q", "-b", "search/cache"]);
    up.commit(C::mine("2026-11-13T10:00:00Z", "cache on the branch", "c"));
    up.git(&["checkout", "-q", "main"]);
    r.git(&["fetch", "-q", "origin"]);
    // A second remote without a HEAD: its `main` is its mainline.
    let fork = env.repo("fork");
    fork.git(&["pull", "-q", up.path.to_str().unwrap(), "main"]);
    fork.commit(C::mine("2026-11-14T10:00:00Z", "main of the fork", "d"));
    fork.git(&["checkout", "-q", "-b", "search/fork-work"]);
    fork.commit(C::mine("2026-11-15T10:00:00Z", "work in the fork", "e"));
    r.git(&["remote", "add", "fork", fork.path.to_str().unwrap()]);
    r.git(&["fetch", "-q", "fork"]);
    assert!(r.git(&["branch", "-r"]).contains("fork/search/fork-work"));

    let cfg = env.config_for(&[&r], GOAL);
    let doc = draft(&env, &cfg);
    let goal = section(&doc, "search");
    assert!(goal.contains("cache on the branch"), "{doc}");
    assert!(goal.contains("work in the fork"), "{doc}");
    for mainline in ["old main", "main from the laptop", "main of the fork"] {
        assert!(!goal.contains(mainline), "{mainline}:\n{doc}");
        assert!(
            section(&doc, "other").contains(mainline),
            "{mainline}:\n{doc}"
        );
    }
}

// --- branch names, once ------------------------------------------------------------

/// Goals claiming `release/*` and `search/*`: by the names on the remote.
const RELEASE_AND_SEARCH: &str = "[[goal]]\nid = \"release\"\ntitle = \"Ship 1.2\"\nbranches = [\"release/*\"]\n\n[[goal]]\nid = \"search\"\ntitle = \"Search\"\nbranches = [\"search/*\"]\n";

/// `upstream`, cloned as `search` (local `main` only): on main, a fix of
/// mine (10 Nov) cherry-picked onto `release/1.2` (11 Nov), and
/// `search/timeout`, two commits of mine (12, 13 Nov) squash-merged onto
/// main (14 Nov) and kept; a second remote, `fork`, has `main` and
/// `release/1.2`. Returns the clone, the fix and the squash.
fn a_fix_picked_and_a_branch_squashed(env: &TestEnv) -> (Repo, String, String) {
    let up = env.repo("upstream");
    let at = |date: &str, args: &[&str]| {
        up.git_env(
            args,
            &[("GIT_COMMITTER_DATE", date), ("GIT_AUTHOR_DATE", date)],
        )
    };
    up.commit(C::mine("2026-11-01T10:00:00Z", "base", "README"));
    up.git(&["branch", "release/1.2"]);
    let fix = up.commit(C::mine(
        "2026-11-10T10:00:00Z",
        "fix crash on an empty query",
        "query.rs",
    ));
    up.git(&["checkout", "-q", "release/1.2"]);
    at("2026-11-11T10:00:00Z", &["cherry-pick", "-x", &fix]);
    up.git(&["checkout", "-q", "-b", "search/timeout", "main"]);
    up.commit(C::mine(
        "2026-11-12T10:00:00Z",
        "add a timeout",
        "timeout.rs",
    ));
    up.commit(C::mine(
        "2026-11-13T10:00:00Z",
        "test the timeout",
        "test.rs",
    ));
    up.git(&["checkout", "-q", "main"]);
    up.git(&["merge", "-q", "--squash", "search/timeout"]);
    let squash = up.commit(C {
        files: vec![],
        ..C::mine("2026-11-14T10:00:00Z", "Add HTTP timeout (#1580)", "")
    });
    let r = clone(env, &up, "search");
    let fork = clone(env, &up, "fork");
    fork.git(&["branch", "-q", "release/1.2", "origin/release/1.2"]);
    r.git(&["remote", "add", "fork", fork.path.to_str().unwrap()]);
    r.git(&["fetch", "-q", "fork"]);
    (r, fix, squash)
}

/// A branch only on remotes is named as git shows it, once per remote that
/// has it — and a goal's glob still sees it by its name on the remote.
#[test]
fn a_branch_only_on_remotes_is_named_as_each_remote_shows_it() {
    let env = TestEnv::new();
    let (r, fix, squash) = a_fix_picked_and_a_branch_squashed(&env);
    assert_eq!(r.git(&["branch", "--list"]), "* main");

    let cfg = env.config_for(&[&r], RELEASE_AND_SEARCH);
    let doc = draft(&env, &cfg);
    let fix_line = format!(
        "  - fix crash on an empty query ({}), also on `fork/release/1.2`, `origin/release/1.2`",
        r.short(&fix)
    );
    assert!(
        section(&doc, "release").lines().any(|l| l == fix_line),
        "{fix_line}\n{doc}"
    );
    let squash_line = format!(
        "  - Add HTTP timeout (#1580) ({}), squash of 2 commits on `origin/search/timeout`",
        r.short(&squash)
    );
    assert!(
        section(&doc, "search").lines().any(|l| l == squash_line),
        "{squash_line}\n{doc}"
    );
}

/// A branch with a local copy is named once, by its local name, however
/// many remotes have its twin.
#[test]
fn a_branch_with_a_local_copy_is_named_once_by_its_local_name() {
    let env = TestEnv::new();
    let (r, fix, squash) = a_fix_picked_and_a_branch_squashed(&env);
    r.git(&["branch", "-q", "release/1.2", "origin/release/1.2"]);
    // `origin/search/timeout` sorts before `search/timeout`: the squash is
    // found on the remote-tracking branch, and named by its local twin.
    r.git(&["branch", "-q", "search/timeout", "origin/search/timeout"]);

    let cfg = env.config_for(&[&r], RELEASE_AND_SEARCH);
    let doc = draft(&env, &cfg);
    let fix_line = format!(
        "  - fix crash on an empty query ({}), also on `release/1.2`",
        r.short(&fix)
    );
    assert!(
        section(&doc, "release").lines().any(|l| l == fix_line),
        "{fix_line}\n{doc}"
    );
    let squash_line = format!(
        "  - Add HTTP timeout (#1580) ({}), squash of 2 commits on `search/timeout`",
        r.short(&squash)
    );
    assert!(
        section(&doc, "search").lines().any(|l| l == squash_line),
        "{squash_line}\n{doc}"
    );
    assert!(!doc.contains("`origin/"), "{doc}");
    // explain names the branches as the draft does: once each.
    let out = stdout(
        &env.run(&cfg, &["explain", &squash, "--date", "2026-11-23"])
            .success(),
    );
    let on = out.lines().find(|l| l.starts_with("listed:")).unwrap_or("");
    assert!(on.contains("search/timeout"), "{out}");
    assert!(!on.contains("origin/"), "{out}");
}

// --- bare repositories -----------------------------------------------------------

/// Run from inside a bare repository — the repository itself or a folder in
/// it — a config-less draft scans it and `icu init` writes its path. git
/// treats a repository found as a git directory (not through a work tree's
/// `.git`) as bare even when `core.bare` is unset or false, while libgit2 then
/// takes the folder above it for a work tree; here that folder is even
/// another repository's work tree.
#[test]
fn from_inside_a_bare_repository_draft_and_init_use_the_repository_itself() {
    let env = TestEnv::new();
    let src = env.repo("src");
    src.commit(C::mine(
        "2026-11-20T10:00:00Z",
        "found in the bare repo",
        "a",
    ));
    let outer = env.repo("work/outer");
    outer.commit(C::mine("2026-11-20T11:00:00Z", "in the outer repo", "b"));
    for core_bare in [Some("true"), None, Some("false")] {
        let bare = outer
            .path
            .join(format!("inner-{}.git", core_bare.unwrap_or("unset")));
        src.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
        let b = Repo { path: bare.clone() };
        match core_bare {
            Some(v) => b.git(&["config", "core.bare", v]),
            None => b.git(&["config", "--unset", "core.bare"]),
        };
        b.git(&["config", "user.email", ME]);
        for dir in [bare.clone(), bare.join("refs")] {
            let doc = stdout(
                &env.icu()
                    .current_dir(&dir)
                    .args(["draft", "--print", "--date", "2026-11-23"])
                    .assert()
                    .success(),
            );
            assert!(
                doc.contains("found in the bare repo"),
                "{core_bare:?} {dir:?}:\n{doc}"
            );
            assert!(
                !doc.contains("in the outer repo"),
                "{core_bare:?} {dir:?}:\n{doc}"
            );

            env.icu()
                .current_dir(&dir)
                .args(["init", "--force"])
                .assert()
                .success();
            let cfg = std::fs::read_to_string(env.path().join("config/icu/icu.toml")).unwrap();
            assert!(
                cfg.contains(&format!("\npath = \"{}\"\n", bare.display())),
                "{core_bare:?} {dir:?}:\n{cfg}"
            );
            assert!(cfg.contains(&format!("emails = [\"{ME}\"]")), "{cfg}");
            std::fs::remove_file(env.path().join("config/icu/icu.toml")).unwrap();
        }
    }
    // A work tree is still its work tree, from a folder inside it or from
    // inside its `.git`.
    std::fs::create_dir_all(outer.path.join("sub")).unwrap();
    outer.git(&["config", "user.email", ME]);
    for dir in [outer.path.join("sub"), outer.path.join(".git/refs")] {
        env.icu()
            .current_dir(&dir)
            .args(["init"])
            .assert()
            .success();
        let cfg = std::fs::read_to_string(env.path().join("config/icu/icu.toml")).unwrap();
        assert!(
            cfg.contains(&format!("\npath = \"{}\"\n", outer.path.display())),
            "{dir:?}:\n{cfg}"
        );
        std::fs::remove_file(env.path().join("config/icu/icu.toml")).unwrap();
    }
}

// --- the identity, as git reports it -------------------------------------------------

#[test]
fn the_identity_is_what_git_reports_even_under_a_hasconfig_include() {
    let env = TestEnv::new();
    let r = env.repo("work/search");
    r.git(&[
        "remote",
        "add",
        "origin",
        "https://example.com/acme/search.git",
    ]);
    r.commit(C::mine("2026-11-20T10:00:00Z", "mine at work", "a"));
    r.commit(C {
        email: "ada@personal.example.org",
        ..C::mine("2026-11-20T11:00:00Z", "from the personal address", "b")
    });
    let global = global_config_with_a_work_include(&env, "Ada at home", "ada@personal.example.org");
    // What git itself says, in this repository.
    let git_says = std::process::Command::new("git")
        .current_dir(&r.path)
        .env("GIT_CONFIG_GLOBAL", &global)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["config", "--get", "user.email"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&git_says.stdout).trim(), ME);

    // No config: the draft is of the work address.
    let doc = stdout(
        &env.icu()
            .env("GIT_CONFIG_GLOBAL", &global)
            .current_dir(&r.path)
            .args(["draft", "--print", "--date", "2026-11-23"])
            .assert()
            .success(),
    );
    assert!(doc.contains("mine at work"), "{doc}");
    assert!(!doc.contains("from the personal address"), "{doc}");

    // A config without [me]: the same.
    let cfg = env.config(&format!("[[repo]]\npath = \"{}\"\n", r.path.display()));
    let doc = stdout(
        &env.icu_with(&cfg)
            .env("GIT_CONFIG_GLOBAL", &global)
            .current_dir(&r.path)
            .args(["draft", "--print", "--date", "2026-11-23"])
            .assert()
            .success(),
    );
    assert!(doc.contains("mine at work"), "{doc}");

    // icu init writes the work identity.
    env.icu()
        .env("GIT_CONFIG_GLOBAL", &global)
        .current_dir(&r.path)
        .arg("init")
        .assert()
        .success();
    let text = std::fs::read_to_string(env.path().join("config/icu/icu.toml")).unwrap();
    assert!(text.contains(&format!("emails = [\"{ME}\"]")), "{text}");
    assert!(text.contains("name = \"Ada Lovelace\""), "{text}");
}

/// Without a `git` on PATH, libgit2 reads the identity (the repository's own
/// config here).
#[test]
fn without_git_on_path_the_identity_comes_from_libgit2() {
    let env = TestEnv::new();
    let r = env.repo("work/search");
    r.git(&["config", "user.email", ME]);
    r.git(&["config", "user.name", "Ada Lovelace"]);
    r.commit(C::mine("2026-11-20T10:00:00Z", "found without git", "a"));
    let empty = env.path().join("no-git");
    std::fs::create_dir_all(&empty).unwrap();
    let doc = stdout(
        &env.icu()
            .env("PATH", &empty)
            .current_dir(&r.path)
            .args(["draft", "--print", "--date", "2026-11-23"])
            .assert()
            .success(),
    );
    assert!(doc.contains("found without git"), "{doc}");
    env.icu()
        .env("PATH", &empty)
        .current_dir(&r.path)
        .arg("init")
        .assert()
        .success();
    let text = std::fs::read_to_string(env.path().join("config/icu/icu.toml")).unwrap();
    assert!(text.contains(&format!("emails = [\"{ME}\"]")), "{text}");
}

// --- no repository to scan -----------------------------------------------------

/// When not one configured repository can be opened, an update would say
/// "no commits" for every goal: a config problem, so an error (exit 2) that
/// names them, and nothing written. One missing among several stays a
/// warning (`draft::a_missing_repo_is_a_warning_and_the_rest_goes_on`).
#[test]
fn a_draft_when_no_configured_repository_can_be_opened_is_an_error_and_writes_nothing() {
    let env = TestEnv::new();
    let plain = env.path().join("plain-folder");
    std::fs::create_dir_all(&plain).unwrap();
    let gone = env.path().join("does-not-exist");
    let cfg = env.config(&format!(
        "[me]\nemails = [\"{ME}\"]\n[update]\ndir = \"{}\"\n\n[[repo]]\npath = \"{}\"\nname = \"gone\"\n\n[[repo]]\npath = \"{}\"\nname = \"plain\"\n",
        env.updates().display(),
        gone.display(),
        plain.display()
    ));
    for args in [
        &["draft", "--no-edit", "--date", "2026-11-23"][..],
        &["draft", "--print", "--date", "2026-11-23"][..],
    ] {
        let a = env.run(&cfg, args).code(2);
        let e = stderr(&a);
        assert!(stdout(&a).is_empty(), "{}", stdout(&a));
        assert!(e.contains("warning: repo `gone`"), "{e}");
        assert!(
            e.contains("error: none of the 2 repositories in")
                && e.contains(&cfg.display().to_string())
                && e.contains(&format!("`gone` ({})", gone.display()))
                && e.contains(&format!("`plain` ({})", plain.display()))
                && e.contains("fix their `path` under [[repo]]")
                && e.contains("nothing was written"),
            "{e}"
        );
    }
    assert!(!env.updates().exists() || std::fs::read_dir(env.updates()).unwrap().next().is_none());

    // A glob that finds nothing here: no repository at all.
    let cfg = env.config(&format!(
        "[me]\nemails = [\"{ME}\"]\n[update]\ndir = \"{}\"\n\n[[repo]]\npath = \"{}/*\"\n",
        env.updates().display(),
        gone.display(),
    ));
    let e = stderr(
        &env.run(&cfg, &["draft", "--no-edit", "--date", "2026-11-23"])
            .code(2),
    );
    assert!(e.contains("matches no git repository"), "{e}");
    assert!(
        e.contains("error: ") && e.contains("no repository to scan"),
        "{e}"
    );
    assert!(!env.updates().exists() || std::fs::read_dir(env.updates()).unwrap().next().is_none());

    // `icu goals` still shows the goals, with the warnings.
    env.run(&cfg, &["goals"])
        .success()
        .stderr(predicates::str::contains("matches no git repository"));
}

#[test]
fn a_draft_whose_one_repository_cannot_be_opened_says_it_could_not() {
    let env = TestEnv::new();
    let gone = env.path().join("gone");
    let cfg = env.config(&format!(
        "[me]\nemails = [\"{ME}\"]\n[update]\ndir = \"{}\"\n\n[[repo]]\npath = \"{}\"\n",
        env.updates().display(),
        gone.display(),
    ));
    let a = env
        .run(&cfg, &["draft", "--no-edit", "--date", "2026-11-23"])
        .code(2);
    let e = stderr(&a);
    assert!(
        e.contains("error: the one repository in")
            && e.contains("could not be scanned")
            && e.contains("nothing was written"),
        "{e}"
    );
}

// --- work under an address me.emails lacks ----------------------------------------

/// A commit by `name <email>` at `date`.
fn by<'a>(name: &'a str, email: &'a str, date: &'a str, message: &'a str) -> C<'a> {
    C {
        name,
        email,
        ..C::mine(date, message, "search/x.rs")
    }
}

/// `icu draft --print` of 2026-11-23 in `env` with `cfg`: its stderr.
fn draft_warnings(env: &TestEnv, cfg: &std::path::Path) -> String {
    stderr(
        &env.run(cfg, &["draft", "--print", "--date", "2026-11-23"])
            .success(),
    )
}

/// A newcomer whose commits carry their name under another address than
/// the config's is told which address, how many commits, and how to claim
/// them, instead of an update of zeros; once the address is added, the
/// work is theirs and nothing is said.
#[test]
fn commits_by_my_name_under_another_address_are_named_with_the_fix() {
    let env = TestEnv::new();
    let r = env.repo("api");
    r.commit(by(
        "Ada Lovelace",
        "ada@work.example",
        "2026-11-10T10:00:00Z",
        "Add the cache",
    ));
    r.commit(by(
        "ada lovelace",
        "Ada@Work.example",
        "2026-11-11T10:00:00Z",
        "Evict",
    ));
    r.commit(C::theirs("2026-11-12T10:00:00Z", "Bob's fix", "b.rs"));
    let cfg = env.config_for(&[&r], "");
    let err = draft_warnings(&env, &cfg);
    assert!(
        err.contains(&format!(
            "warning: repo `api`: no commit in the period is by {ME}, but 2 are by ada lovelace <Ada@Work.example>: add it to me.emails in {} (emails = [\"{ME}\", \"Ada@Work.example\"]), or map the address to yours in the repository's .mailmap (`Ada Lovelace <{ME}> <Ada@Work.example>`)",
            cfg.display()
        )),
        "{err}"
    );
    assert!(!err.contains("bob@example.com"), "{err}");

    crate::common::edit_config(
        &cfg,
        &format!("emails = [\"{ME}\"]"),
        &format!("emails = [\"{ME}\", \"ada@work.example\"]"),
    );
    let a = env
        .run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
        .success();
    assert!(
        !stderr(&a).contains("no commit in the period"),
        "{}",
        stderr(&a)
    );
    assert!(stdout(&a).contains("Add the cache"), "{}", stdout(&a));
}

/// The address git commits under in the repository (its `user.email`) is
/// named too, whatever name its commits carry; so is each address, the
/// most commits first.
#[test]
fn commits_by_the_repositorys_git_address_are_named_when_it_is_not_mine() {
    let env = TestEnv::new();
    let r = env.repo("laptop");
    r.git(&["config", "user.email", "ada@laptop.example"]);
    r.commit(by(
        "A. L.",
        "ada@laptop.example",
        "2026-11-10T10:00:00Z",
        "One",
    ));
    r.commit(by(
        "Ada Lovelace",
        "ada@old.example",
        "2026-11-11T10:00:00Z",
        "Two",
    ));
    r.commit(by(
        "A. L.",
        "ada@laptop.example",
        "2026-11-12T10:00:00Z",
        "Three",
    ));
    let cfg = env.config_for(&[&r], "");
    let err = draft_warnings(&env, &cfg);
    assert!(
        err.contains("but 2 are by A. L. <ada@laptop.example>, 1 by Ada Lovelace <ada@old.example>: add them to me.emails"),
        "{err}"
    );
    assert!(
        err.contains("(emails = [\"ada@example.com\", \"ada@laptop.example\", \"ada@old.example\"]), or map each address to yours"),
        "{err}"
    );
}

/// Nothing is said of a repository where some work is mine already, nor of
/// one with no commit in the period.
#[test]
fn no_address_is_named_where_i_have_commits_or_none_are_in_the_period() {
    let env = TestEnv::new();
    let mine = env.repo("mine");
    mine.commit(C::mine("2026-11-10T10:00:00Z", "Mine", "a.rs"));
    mine.commit(by(
        "Ada Lovelace",
        "ada@work.example",
        "2026-11-11T10:00:00Z",
        "Also mine",
    ));
    let quiet = env.repo("quiet");
    quiet.commit(by(
        "Ada Lovelace",
        "ada@work.example",
        "2026-10-01T10:00:00Z",
        "Long ago",
    ));
    let cfg = env.config_for(&[&mine, &quiet], "");
    let err = draft_warnings(&env, &cfg);
    assert!(!err.contains("no commit in the period"), "{err}");
}
