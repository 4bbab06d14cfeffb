//! Config problems as a user meets them, through the binary: every one names
//! the file, line and column and the key, and exits 2. Plus `icu init`.

use std::fs;

use crate::common::{stderr, TestEnv, World, C, ME};
use predicates::prelude::*;

/// Runs `icu goals` with `text` as the config; returns stderr, asserting exit 2.
fn config_error(text: &str) -> String {
    let env = TestEnv::new();
    let cfg = env.config(text);
    stderr(&env.run(&cfg, &["goals"]).code(2)).replace(&cfg.display().to_string(), "[CONFIG]")
}

const GOAL: &str = "[[goal]]\nid = \"search\"\ntitle = \"Search\"\n";

#[test]
fn a_file_that_is_not_toml() {
    let e = config_error("[me]\nname = \"Ada\n");
    assert!(e.contains("[CONFIG]:2:"), "{e}");
    assert!(e.contains("not valid TOML"), "{e}");
}

#[test]
fn a_wrong_type() {
    let e = config_error("[update]\ncadence_days = \"14\"\n");
    assert!(e.contains("[CONFIG]:2:16"), "{e}");
    assert!(
        e.contains("wrong type for `update.cadence_days`: expected a whole number, found a string"),
        "{e}"
    );
    assert!(e.contains("write the number without quotes: 14"), "{e}");
    insta::assert_snapshot!("wrong_type", e);
}

/// `update.list_limit` is a count of items, 0 for no limit: a negative
/// number, a fraction or a quoted number is refused at the value.
#[test]
fn a_bad_list_limit_is_refused_at_its_position() {
    for (value, want) in [
        ("-1", "`list_limit` = -1 is out of range"),
        (
            "2.5",
            "wrong type for `update.list_limit`: expected a whole number",
        ),
        (
            "\"30\"",
            "wrong type for `update.list_limit`: expected a whole number, found a string",
        ),
    ] {
        let e = config_error(&format!("[update]\nlist_limit = {value}\n"));
        assert!(e.starts_with("error"), "{value}: {e}");
        assert!(e.contains("[CONFIG]:2:14"), "{value}: {e}");
        assert!(e.contains(want), "{value}: {e}");
    }
    let e = config_error("[update]\nlist_limit = -1\n");
    assert!(e.contains("or 0 to never shorten a list"), "{e}");
}

/// Every other problem the config can have, through the binary: exit 2, a
/// message starting with `error`, the file, line and column, and the key.
#[test]
fn every_problem_names_the_file_line_column_and_key() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "[[goal]]\nid = \"Search Latency\"\ntitle = \"S\"\n",
            "2:6",
            "goal id `Search Latency` is not valid",
        ),
        (
            "[[goal]]\nid = \"other\"\ntitle = \"S\"\n",
            "2:6",
            "goal id `other` is reserved",
        ),
        (
            "[[repo]]\npath = \"/src/a/search\"\n[[repo]]\npath = \"/src/b/search\"\n",
            "4:8",
            "two repos are named `search` (the first on line 2)",
        ),
        (
            "[update]\ncadence_days = 0\n",
            "2:16",
            "`cadence_days` = 0 is out of range",
        ),
        (
            "[me]\nname = \"Ada\\r\\nBcc: eve@example.com\"\n",
            "2:8",
            "`me.name` contains a line break",
        ),
        (
            "[update]\nto = [\"grace@example.com\\nBcc: eve@example.com\"]\n",
            "2:7",
            "`update.to` contains a line break",
        ),
        (
            "[update]\nsubject = \"Update\\r\\nBcc: eve@example.com\"\n",
            "2:11",
            "`update.subject` contains a line break",
        ),
        (
            "[update]\ncc = [\"Alan Kay <alan@example.com>\", \"Alan Kay\"]\n",
            "2:38",
            "`Alan Kay` in `update.cc` is not an email address",
        ),
        (
            "[update]\nsubject = \"{{ me.name \"\n",
            "2:11",
            "`update.subject` is not a valid template",
        ),
        (
            "[update]\nsubject = \"{{ me.nmae }}\"\n",
            "2:11",
            "`update.subject` is not a valid template",
        ),
        (
            "[update]\ndir = \"$NOTES/updates\"\n",
            "2:7",
            "`update.dir` uses $NOTES which is not set",
        ),
        (
            "[update]\ntemplate = \"${TPL}/u.j2\"\n",
            "2:12",
            "`update.template` uses $TPL which is not set",
        ),
        (
            &format!("{GOAL}branches = [\"search/[\"]\n"),
            "4:13",
            "invalid glob in `branches` of goal `search`",
        ),
        (
            &format!("{GOAL}emial = \"x\"\n"),
            "4:1",
            "unknown key `emial` in [[goal]]",
        ),
        ("[me]\nemial = \"x\"\n", "2:1", "did you mean `emails`?"),
        (
            "[[goal]]\nid = \"search\"\n",
            "1:1",
            "missing key `title` in [[goal]]",
        ),
        (
            "[[repo]]\npath = \"/src/*\"\nname = \"src\"\n",
            "3:8",
            "`name` cannot go with the glob path `/src/*`",
        ),
        (
            &format!("{GOAL}due = 2027-13-01\n"),
            "4:",
            "bad value for `goal.due`",
        ),
        (
            &format!("{GOAL}status = 3\n"),
            "4:10",
            "wrong type for `goal.status`",
        ),
    ];
    for (text, at, want) in cases {
        let e = config_error(text);
        assert!(e.starts_with("error"), "for {text:?}:\n{e}");
        assert!(
            e.contains(&format!("[CONFIG]:{at}")),
            "for {text:?} wanted {at}:\n{e}"
        );
        assert!(e.contains(want), "for {text:?} wanted {want:?}:\n{e}");
    }
}

#[test]
fn draft_refuses_a_bad_config_the_same_way() {
    let env = TestEnv::new();
    let cfg = env.config(&format!("{GOAL}status = \"on-trak\"\n"));
    env.run(&cfg, &["draft", "--print"]).code(2).stderr(
        predicate::str::starts_with("error: unknown status `on-trak`")
            .and(predicate::str::contains(format!("{}:4:10", cfg.display()))),
    );
}

#[test]
fn an_unknown_key_lists_the_valid_ones() {
    let e = config_error(&format!("{GOAL}titel = \"typo\"\n"));
    assert!(
        e.contains("[CONFIG]:4:1") && e.contains("unknown key `titel` in [[goal]]"),
        "{e}"
    );
    assert!(e.contains("did you mean `title`?"), "{e}");
    assert!(e.contains("`keywords`"), "{e}");
}

#[test]
fn a_bad_date() {
    let e = config_error(&format!("{GOAL}due = \"end of Q1\"\n"));
    assert!(
        e.contains("[CONFIG]:4:7") && e.contains("`due` of goal `search`"),
        "{e}"
    );
    let e = config_error(&format!("{GOAL}due = 2027-02-30\n"));
    assert!(e.contains("[CONFIG]:4:"), "{e}");
}

#[test]
fn an_unknown_status_is_shown_as_a_full_diagnostic() {
    let e = config_error(&format!("{GOAL}status = \"on-trak\"\n"));
    insta::assert_snapshot!("unknown_status", e);
}

#[test]
fn a_duplicate_goal_id_points_at_both() {
    let e = config_error(&format!("{GOAL}\n{GOAL}"));
    assert!(e.contains("[CONFIG]:6:6"), "{e}");
    assert!(
        e.contains("duplicate goal id `search` (first defined on line 2)"),
        "{e}"
    );
}

#[test]
fn a_repo_name_no_repo_defines() {
    let e = config_error(&format!(
        "[[repo]]\npath = \"/src/web\"\n\n{GOAL}repos = [\"serach\"]\n"
    ));
    assert!(e.contains("[CONFIG]:7:10"), "{e}");
    assert!(
        e.contains("goal `search` names repo `serach`") && e.contains("defined repos: web"),
        "{e}"
    );
}

#[test]
fn an_invalid_glob_names_the_goal() {
    let e = config_error(&format!("{GOAL}paths = [\"services/[search\"]\n"));
    assert!(
        e.contains("[CONFIG]:4:10") && e.contains("invalid glob in `paths` of goal `search`"),
        "{e}"
    );
}

#[test]
fn an_invalid_regex_names_the_goal() {
    let e = config_error(&format!("{GOAL}keywords = [\"SEARCH-(\\\\d+\"]\n"));
    assert!(
        e.contains("[CONFIG]:4:13") && e.contains("invalid regex in `keywords` of goal `search`"),
        "{e}"
    );
}

#[test]
fn an_undefined_variable_in_a_path() {
    let e = config_error("[[repo]]\npath = \"$WORKSPACE/search\"\n");
    assert!(
        e.contains("[CONFIG]:2:8") && e.contains("$WORKSPACE which is not set"),
        "{e}"
    );
}

#[test]
fn a_file_that_is_not_utf8() {
    let env = TestEnv::new();
    let cfg = env.path().join("icu.toml");
    fs::write(&cfg, b"[me]\nname = \"Jos\xe9\"\n").unwrap();
    env.run(&cfg, &["goals"])
        .code(2)
        .stderr(predicate::str::contains("not UTF-8").and(predicate::str::contains("icu.toml:2:")));
}

#[test]
fn an_empty_file_says_how_to_start() {
    let e = config_error("\n# nothing yet\n");
    assert!(
        e.contains("is empty") && e.contains("icu init --force"),
        "{e}"
    );
}

#[test]
fn a_missing_config_named_explicitly_is_an_error() {
    let env = TestEnv::new();
    env.icu()
        .args(["--config", "nowhere.toml", "goals"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nowhere.toml").and(predicate::str::contains("icu init")));
}

#[test]
fn tilde_and_variables_expand_in_paths() {
    let env = TestEnv::new();
    let r = env.repo("home/src/search");
    r.commit(C::mine("2026-11-20T10:00:00Z", "Work at home", "a.txt"));
    let cfg = env.config(&format!(
        "[me]\nemails = [\"{ME}\"]\n[update]\ndir = \"$NOTES/updates\"\n[[repo]]\npath = \"~/src/search\"\n"
    ));
    env.icu_with(&cfg)
        .env("NOTES", env.path().join("notes"))
        .args(["draft", "--no-edit"])
        .assert()
        .success();
    let doc = fs::read_to_string(env.path().join("notes/updates/2026-11-24.md")).unwrap();
    assert!(doc.contains("Work at home"), "{doc}");
}

#[test]
fn a_repo_glob_adds_every_repository_in_a_folder() {
    let env = TestEnv::new();
    for name in ["src/api", "src/web"] {
        env.repo(name).commit(C::mine(
            "2026-11-20T10:00:00Z",
            &format!("Work in {name}"),
            "a.txt",
        ));
    }
    fs::create_dir_all(env.path().join("src/not-a-repo")).unwrap();
    let cfg = env.config(&format!(
        "[me]\nemails = [\"{ME}\"]\n[[repo]]\npath = \"{}/src/*\"\n",
        env.path().display()
    ));
    env.run(&cfg, &["draft", "--print"]).success().stdout(
        predicate::str::contains("1 commit in api")
            .and(predicate::str::contains("1 commit in web"))
            .and(predicate::str::contains("not-a-repo").not()),
    );
}

// --- icu init ----------------------------------------------------------------

#[test]
fn init_then_draft_works_without_editing_a_file() {
    let env = TestEnv::new();
    let r = env.repo("work/search");
    r.git(&["config", "user.name", "Ada Lovelace"]);
    r.git(&["config", "user.email", ME]);
    r.commit(C::mine("2026-11-20T10:00:00Z", "Add tiered cache", "a.txt"));
    // No flags: identity from git config, the current repository.
    env.icu()
        .current_dir(&r.path)
        .args(["init", "--to", "Grace Hopper <grace@example.com>"])
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote"));
    let cfg = env.path().join("config/icu/icu.toml");
    let text = fs::read_to_string(&cfg).unwrap();
    assert!(text.contains("name = \"Ada Lovelace\""), "{text}");
    assert!(text.contains(&format!("emails = [\"{ME}\"]")), "{text}");
    assert!(text.contains("# [[goal]]"), "{text}");
    env.icu()
        .current_dir(&r.path)
        .args(["draft", "--print"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Add tiered cache"))
        .stderr(predicate::str::contains("no config").not());
}

#[test]
fn init_never_overwrites_without_force() {
    let env = TestEnv::new();
    let args = [
        "init",
        "--name",
        "Ada",
        "--email",
        ME,
        "--repo",
        "/src/search",
    ];
    env.icu().args(args).assert().success();
    let cfg = env.path().join("config/icu/icu.toml");
    fs::write(&cfg, "# my edits\n[me]\nname = \"Ada\"\n").unwrap();
    // A refusal that protects text: exit 1, as README's exit codes say.
    env.icu()
        .args(args)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        fs::read_to_string(&cfg).unwrap(),
        "# my edits\n[me]\nname = \"Ada\"\n"
    );
    env.icu().args(args).arg("--force").assert().success();
    assert!(fs::read_to_string(&cfg).unwrap().contains("[[repo]]"));
    assert_eq!(
        fs::read_to_string(cfg.with_extension("toml.bak")).unwrap(),
        "# my edits\n[me]\nname = \"Ada\"\n"
    );
}

#[test]
fn init_refuses_an_address_that_is_not_one_and_writes_nothing() {
    let env = TestEnv::new();
    env.icu()
        .args([
            "init",
            "--name",
            "Ada",
            "--email",
            ME,
            "--to",
            "grace at example",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("grace at example"));
    assert!(!env.path().join("config/icu/icu.toml").exists());
}

#[test]
fn init_with_every_flag_writes_a_config_that_draft_uses_as_is() {
    let env = TestEnv::new();
    let r = env.repo("home/src/search");
    r.commit(C::mine("2026-11-20T10:00:00Z", "Add tiered cache", "a.txt"));
    let name = "Zoë \"Z\" O'Neil";
    env.icu()
        .args(["init", "--name", name, "--email", "Ada@Example.com"])
        .args(["--to", "Grace Hopper <grace@example.com>"])
        .args(["--cc", "alan@example.com", "--repo", "~/src/*"])
        .assert()
        .success();
    let cfg = env.path().join("config/icu/icu.toml");
    let text = fs::read_to_string(&cfg).unwrap();
    assert!(text.contains(r#"name = "Zoë \"Z\" O'Neil""#), "{text}");
    assert!(
        text.contains(r#"to = ["Grace Hopper <grace@example.com>"]"#),
        "{text}"
    );
    assert!(text.contains(r#"cc = ["alan@example.com"]"#), "{text}");
    assert!(text.contains("path = \"~/src/*\""), "{text}");
    // The file loads as written: goals shows no problem, draft finds the
    // commit through `~` and the glob.
    env.icu()
        .arg("goals")
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
    env.icu()
        .args(["draft", "--print"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Add tiered cache"))
        .stderr(predicate::str::contains("no config").not());
}

#[test]
fn init_without_to_or_cc_writes_empty_lists() {
    let env = TestEnv::new();
    env.icu()
        .args([
            "init",
            "--name",
            "Ada",
            "--email",
            ME,
            "--repo",
            "/src/search",
        ])
        .assert()
        .success();
    let text = fs::read_to_string(env.path().join("config/icu/icu.toml")).unwrap();
    assert!(text.contains("\nto = []"), "{text}");
    assert!(text.contains("\ncc = []"), "{text}");
}

// --- several addresses in one string ------------------------------------------

/// `to = ["A <a@x>, B <b@y>"]` read as one mailbox would be
/// `"A <a@x>, B" <b@y>`: the first person never gets the mail. Every shape of
/// a list in one string is refused where it is written, with the fix.
#[test]
fn a_string_with_several_addresses_is_refused_at_load() {
    let e = config_error(
        "[update]\nto = [\"Grace Hopper <grace@example.com>, Alan Kay <alan@example.com>\"]\n",
    );
    assert!(e.starts_with("error: "), "{e}");
    assert!(e.contains("[CONFIG]:2:7"), "{e}");
    assert!(e.contains("in `update.to` holds 2 addresses"), "{e}");
    assert!(
        e.contains(
            r#"write one address per string: to = ["Grace Hopper <grace@example.com>", "Alan Kay <alan@example.com>"]"#
        ),
        "{e}"
    );
    for (text, at, want) in [
        (
            "[update]\ncc = [\"alan@example.com; grace@example.com\"]\n",
            "2:7",
            r#"cc = ["alan@example.com", "grace@example.com"]"#,
        ),
        (
            "[update]\nto = [\"a@example.com\", \"b@example.com,c@example.com\"]\n",
            "2:24",
            r#"to = ["b@example.com", "c@example.com"]"#,
        ),
        (
            "[update]\nto = [\"Grace <grace@example.com> Alan <alan@example.com>\"]\n",
            "2:7",
            r#"to = ["Grace <grace@example.com>", "Alan <alan@example.com>"]"#,
        ),
        (
            "[update]\nto = [\"\\\"Hopper, Grace\\\" <grace@example.com>, alan@example.com\"]\n",
            "2:7",
            r#"to = ["\"Hopper, Grace\" <grace@example.com>", "alan@example.com"]"#,
        ),
        (
            "[me]\nemails = [\"ada@example.com, ada@users.noreply.github.com\"]\n",
            "2:11",
            r#"emails = ["ada@example.com", "ada@users.noreply.github.com"]"#,
        ),
    ] {
        let e = config_error(text);
        assert!(e.contains(&format!("[CONFIG]:{at}")), "{text}:\n{e}");
        assert!(e.contains("holds 2 addresses"), "{text}:\n{e}");
        assert!(e.contains(want), "{text}: wanted {want}\n{e}");
    }
}

/// A name with a comma is one address when it is quoted, and also when it is
/// not (only one part of it is an address).
#[test]
fn a_name_with_a_comma_is_one_address() {
    let env = TestEnv::new();
    let cfg = env.config(
        "[me]\nemails = [\"ada@example.com\"]\n[update]\nto = [\"\\\"Hopper, Grace\\\" <grace@example.com>\"]\ncc = [\"Kay, Alan <alan@example.com>\"]\n",
    );
    env.run(&cfg, &["goals"]).success();
}

#[test]
fn init_refuses_several_addresses_in_one_flag_and_writes_nothing() {
    let env = TestEnv::new();
    let a = env
        .icu()
        .args([
            "init",
            "--name",
            "Ada",
            "--email",
            ME,
            "--repo",
            "/src/search",
        ])
        .args([
            "--to",
            "Grace Hopper <grace@example.com>, Alan Kay <alan@example.com>",
        ])
        .assert()
        .code(2);
    let e = stderr(&a);
    assert!(e.contains("holds 2 addresses"), "{e}");
    assert!(
        e.contains(r#"--to "Grace Hopper <grace@example.com>" --to "Alan Kay <alan@example.com>""#),
        "{e}"
    );
    assert!(!env.path().join("config/icu/icu.toml").exists());
    let a = env
        .icu()
        .args([
            "init",
            "--name",
            "Ada",
            "--email",
            "ada@example.com,ada@old.example.com",
        ])
        .assert()
        .code(2);
    assert!(
        stderr(&a).contains("--email once per address"),
        "{}",
        stderr(&a)
    );
    assert!(!env.path().join("config/icu/icu.toml").exists());
}

#[test]
fn a_repo_url_that_would_break_its_links_is_refused_at_load() {
    for (url, says) in [
        (
            "https://x.org/a)<img src=https://e.example/p.png>",
            "contains `)`",
        ),
        ("https://x.org/a b", "contains ` `"),
        ("https://x.org/\\\"onmouseover", "contains `\"`"),
        ("javascript:alert`1`", "contains ```"),
        ("ftp://x.org/a", "is not an http or https URL"),
        ("x.org/a", "is not an http or https URL"),
    ] {
        let e = config_error(&format!("[[repo]]\npath = \"/nowhere\"\nurl = \"{url}\"\n"));
        assert!(e.contains("[CONFIG]:3:7"), "{url}: {e}");
        assert!(e.contains(says), "{url}: {e}");
    }
    let env = TestEnv::new();
    let cfg = env.config(&format!(
        "[me]\nemails = [\"{ME}\"]\n[[repo]]\npath = \"/nowhere\"\nurl = \"HTTPS://git.example/a/b%29\"\n"
    ));
    env.run(&cfg, &["goals"]).success();
}

/// `<root>/src/a`, a repository with one commit of mine in the window, and
/// `<root>/src/a-link -> a`.
fn aliased_repo(env: &TestEnv) -> std::path::PathBuf {
    let r = env.repo("src/a");
    r.commit(C::mine("2026-11-20T10:00:00Z", "Counted once", "a.rs"));
    std::os::unix::fs::symlink("a", env.path().join("src/a-link")).unwrap();
    env.path().join("src")
}

fn draft_with(env: &TestEnv, repos: &str) -> (String, String) {
    let cfg = env.config(&format!(
        "[me]\nemails = [\"{ME}\"]\n[update]\ndir = \"{}\"\n{repos}",
        env.updates().display()
    ));
    let a = env
        .run(&cfg, &["draft", "--print", "--date", "2026-11-23"])
        .success();
    (crate::common::stdout(&a), stderr(&a))
}

#[test]
fn a_repository_reached_through_a_symlink_is_scanned_once() {
    let env = TestEnv::new();
    let src = aliased_repo(&env);
    for repos in [
        format!("[[repo]]\npath = \"{}/*\"\n", src.display()),
        format!("[[repo]]\npath = \"{}/**\"\n", src.display()),
        // A glob and an explicit table through the link: one repository,
        // as the table says.
        format!(
            "[[repo]]\npath = \"{0}/*\"\n[[repo]]\npath = \"{0}/a-link\"\nname = \"alpha\"\n",
            src.display()
        ),
    ] {
        let (out, err) = draft_with(&env, &repos);
        assert_eq!(
            out.matches("Counted once").count(),
            1,
            "{repos}\n{out}\n{err}"
        );
        assert!(out.contains("1 commit"), "{repos}\n{out}");
    }
}

#[test]
fn a_symlink_loop_under_double_star_is_skipped_with_a_warning() {
    let env = TestEnv::new();
    let src = aliased_repo(&env);
    std::fs::create_dir_all(src.join("nest")).unwrap();
    std::os::unix::fs::symlink("..", src.join("nest/up")).unwrap();
    let (out, err) = draft_with(
        &env,
        &format!("[[repo]]\npath = \"{}/**\"\n", src.display()),
    );
    assert_eq!(out.matches("Counted once").count(), 1, "{out}\n{err}");
    assert!(err.contains("nest/up"), "{err}");
    assert!(err.contains("(a loop)"), "{err}");
}

#[test]
fn a_goal_without_rules_is_a_warning_where_it_matters_only() {
    let w = World::new(
        "search",
        vec![C::mine("2026-11-20T10:00:00Z", "Add tiered cache", "a.rs")],
        "[[goal]]\nid = \"idle\"\ntitle = \"Idle\"\n",
    );
    let warning = "warning: goal `idle` has no repos, paths, branches or keywords";
    for args in [
        &["goals"][..],
        &["draft", "--no-edit"],
        &["check"],
        &["goals", "--json"],
    ] {
        let err = stderr(&w.icu(args));
        assert_eq!(err.matches(warning).count(), 1, "{args:?}: {err}");
    }
    for args in [
        &["status"][..],
        &["log"],
        &["note", "Reviewed the cache design"],
        &["export", "--format", "text", "--force"],
        &["-v", "status"],
    ] {
        let err = stderr(&w.icu(args));
        assert!(!err.contains(warning), "{args:?}: {err}");
    }
    // Quiet: not even there.
    assert!(!stderr(&w.icu(&["-q", "goals"])).contains(warning));
}

/// A config with a problem in each part: one run names all of them, each
/// at its line and column, in the order of the file, then counts them.
const MANY_PROBLEMS: &str = "[me]
name = \"Ada\"
emails = [\"not an address\"]

[update]
cadence_days = 0
sendmal = \"msmtp -t\"

[[goal]]
id = \"Search\"
title = \"Make search fast\"
status = \"late\"

[[goal]]
title = \"No id\"

[[link]]
pattern = \"(\"
href = \"https://t.example/$1\"

[[source]]
name = \"gh\"
command = \"echo\"
timeout = \"ten\"
";

#[test]
fn every_problem_of_a_config_is_reported_in_one_run() {
    let e = config_error(MANY_PROBLEMS);
    let at: Vec<&str> = e
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> [CONFIG]:"))
        .collect();
    assert_eq!(
        at,
        ["3:11", "6:16", "7:1", "10:6", "12:10", "14:1", "18:11", "24:11"],
        "{e}"
    );
    assert!(
        e.ends_with(
            "error: [CONFIG]: 8 problems, each shown above; fix them and run the command again\n"
        ),
        "{e}"
    );
    insta::assert_snapshot!("many_problems", e);
}

/// The loop a person lives with a broken config: fix what the first run
/// names, run again, and each run names only what is left — no problem
/// appears only after another is fixed, none is named twice.
#[test]
fn fixing_the_problems_one_by_one_leaves_fewer_each_run() {
    let env = TestEnv::new();
    let fixes = [
        ("[\"not an address\"]", "[\"ada@example.com\"]"),
        ("cadence_days = 0", "cadence_days = 14"),
        ("sendmal", "sendmail"),
        ("\"Search\"", "\"search\""),
        ("\"late\"", "\"at-risk\""),
        (
            "[[goal]]\ntitle = \"No id\"",
            "[[goal]]\nid = \"b\"\ntitle = \"No id\"",
        ),
        ("\"(\"", "\"(T-[0-9]+)\""),
        ("\"ten\"", "10"),
    ];
    let mut text = MANY_PROBLEMS.to_string();
    for (i, (bad, good)) in fixes.iter().enumerate() {
        let cfg = env.config(&text);
        let e = stderr(&env.run(&cfg, &["goals"]).code(2));
        let left = fixes.len() - i;
        let count = e.matches("\nerror: ").count() + usize::from(e.starts_with("error: "));
        // Each problem, and the count line when there are several.
        assert_eq!(count, if left > 1 { left + 1 } else { 1 }, "{e}");
        text = text.replacen(bad, good, 1);
    }
    let cfg = env.config(&text);
    env.run(&cfg, &["goals"]).success();
}

/// A misspelt key is named once, as unknown: its table is not then also
/// said to lack the key it meant.
#[test]
fn a_misspelt_required_key_is_not_also_reported_missing() {
    let e = config_error(&format!(
        "{GOAL}[[source]]\nname = \"gh\"\ncomand = \"x\"\n[[skip]]\nmesage = \"^wip\"\n"
    ));
    assert!(e.contains("unknown key `comand` in [[source]]"), "{e}");
    assert!(e.contains("unknown key `mesage`"), "{e}");
    assert!(!e.contains("missing key"), "{e}");
    assert!(!e.contains("neither"), "{e}");
    assert!(e.contains(": 2 problems"), "{e}");
}

/// A syntax error ends the reading: it is reported alone, since what
/// follows it cannot be read with any confidence.
#[test]
fn a_syntax_error_is_reported_alone() {
    let e = config_error("[update]\ncadence_days = \"x\"\n[me]\nname = \"Ada\n");
    assert!(e.contains("not valid TOML"), "{e}");
    assert!(!e.contains("cadence_days"), "{e}");
    assert!(!e.contains("problems"), "{e}");
}

/// A goal left out for its own problem is not also reported as unknown
/// where a `[[source]]` or a name refers to it.
#[test]
fn a_goal_with_a_problem_is_not_also_unknown_where_named() {
    let e = config_error(
        "[[goal]]\nid = \"search\"\ntitle = \"S\"\nsucess = \"x\"\n[[source]]\nname = \"gh\"\ncommand = \"x\"\ngoal = \"search\"\n",
    );
    assert!(e.contains("unknown key `sucess`"), "{e}");
    assert!(!e.contains("which no [[goal]] defines"), "{e}");
}

/// A Windows path written in double quotes reads as escapes: the error
/// says so and how to write it.
#[test]
fn a_windows_path_in_double_quotes_says_to_use_single_ones() {
    let e = config_error("[[repo]]\npath = \"C:\\Users\\ada\\src\\search\"\n");
    assert!(e.contains("bad value for `repo.path`"), "{e}");
    assert!(e.contains("write a Windows path in single quotes"), "{e}");
    let e = config_error("[me]\nname = \"Ada\n");
    assert!(!e.contains("Windows"), "{e}");
}
